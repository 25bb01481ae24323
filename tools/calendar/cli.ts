/**
 * `npm run calendar -- [--stack dev] [--dir .] [--from RFC3339] [--years N] [--every ISO8601]
 *  [--out FILE.svg|FILE.html] [--ics FILE.ics] [--no-churn-check] [--timeout PT15M]
 *  [--tenant FILE]`
 *
 * Simulates scheduled `pulumi up` runs with the stack's real rotation settings, runs the stack's
 * program at the first deployment and one second and one day later (credentials it replaces at
 * every deployment break invariant 5), prints a per-app summary and optionally draws the calendar
 * (`--out`) and writes it as iCalendar (`--ics`, see ./ics.ts) to subscribe to.
 * With `--tenant FILE` (a tenant snapshot, tools/offline/simulator/tenant.ts) holding the tenant's
 * app management policies, the apps whose schedule the policies refuse (a credential type they
 * block, or a lifetime the schedule can exceed: tools/offline/simulator/appPolicies.ts, the
 * simulated Graph's rule and wording) are refused before anything is simulated, each named on
 * stderr with the cap, the schedule's longest lifetime and the setting to change; the other apps
 * are simulated.
 * Exit codes: 0 every invariant holds; 1 an invariant breaks (app, instant and, for the program,
 * the credential printed) or the tenant's policies refuse an app's schedule; 2 invalid options
 * (an unreadable or malformed `--tenant` file among them), stack file or configuration, a program
 * that fails or does not finish, or an `--out` or `--ics` that cannot be written (or that is a
 * symbolic link: the calendar never writes through one). Missing folders of `--out` and `--ics`
 * are created only when the calendar is written. SIGINT, SIGTERM and SIGHUP stop the program runs, remove their temporary files and exit
 * with 130, 143 and 129.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import {
  loadTenantOption,
  stopOnSignals,
  tenantPolicyRefusals,
  neutralise,
  neutraliseLines,
  describeSource,
  InstantError,
  resolveInstant,
  ProgramFailure,
  DEFAULT_TIMEOUT_MS,
  describeDuration,
  parseTimeout,
  loadStackFile,
  StackFileError,
  checkStackName,
} from "../offline";
import { ConfigError, parseStackConfig, rawConfigFromValues } from "../../components/config";
import { formatInstant, parseDuration, parseInstant } from "../../policy/core";
import { htmlPage, renderSvg } from "./chart";
import { rotationCalendar } from "./ics";
import { simulate, SimulationError } from "./simulate";
import { credentialKinds, describeViolation, formatReport, reportedViolations } from "./summary";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, violation: 1, usage: 2 } as const;

/** Where the CLI writes: the report on `stdout`, errors and violations on `stderr`. */
export interface Output {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Raised for invalid command-line values; the message names the option. */
class UsageError extends Error {}

interface Options {
  stack: string;
  dir: string;
  from?: string;
  years: string;
  every: string;
  out?: string;
  ics?: string;
  churnCheck: boolean;
  timeout?: string;
  tenant?: string;
}

/**
 * Runs the CLI.
 *
 * @param argv arguments after the script name
 * @param nowMs the current instant (default `--from` and the "today" rule, unless
 *   `APP_CREDENTIALS_NOW` is set), ms since the epoch
 * @param env the environment (`APP_CREDENTIALS_NOW`)
 * @param io where the report and the errors go (default: the process's stdout and stderr)
 * @returns the exit code
 */
export async function main(
  argv: string[],
  nowMs = Date.now(),
  env: NodeJS.ProcessEnv = process.env,
  io: Output = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const program = new Command("calendar")
    .description(
      "Simulate scheduled deployments over years with the stack's rotation settings, check the rotation invariants and draw the calendar.",
    )
    .option("--stack <name>", "stack whose Pulumi.<stack>.yaml is read", "dev")
    .option("--dir <path>", "Pulumi project directory", process.cwd())
    .option("--from <RFC3339>", "first deployment (default: now)")
    .option("--years <n>", "years to simulate", "5")
    .option("--every <ISO8601>", "deployment cadence, e.g. P1D, PT12H, P1W", "P1D")
    .option("--out <file>", "write the calendar: FILE.svg or a self-contained FILE.html")
    .option(
      "--ics <file>",
      "write the calendar as iCalendar (RFC 5545): FILE.ics, to import or subscribe to",
    )
    .option(
      "--no-churn-check",
      "do not run the stack's program (credentials it replaces at every deployment go unnoticed)",
    )
    .option(
      "--timeout <duration>",
      `bound on each program run: seconds or ISO 8601 (default ${describeDuration(DEFAULT_TIMEOUT_MS)})`,
    )
    .option(
      "--tenant <file>",
      "tenant snapshot whose app management policies (defaultAppManagementPolicy, appManagementPolicies) refuse the apps whose credentials Entra would refuse",
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => io.stderr.write(s), writeOut: (s) => io.stdout.write(s) });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  const options = program.opts<Options>();
  try {
    return await run(options, nowMs, env, io);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof StackFileError ||
      error instanceof SimulationError ||
      error instanceof UsageError ||
      error instanceof InstantError ||
      error instanceof ProgramFailure
    ) {
      io.stderr.write(`calendar: ${neutraliseLines(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function run(
  options: Options,
  clockMs: number,
  env: NodeJS.ProcessEnv,
  io: Output,
): Promise<number> {
  checkStackName(options.stack);
  const today = resolveInstant(undefined, "--from", env, clockMs);
  const nowMs = today.ms;
  const fromMs = options.from === undefined ? nowMs : instantOption("--from", options.from);
  const every = parseDuration(options.every);
  if (!every.ok) throw new UsageError(`--every: ${every.reason}`);
  if (!/^\d{1,3}$/.test(options.years) || Number(options.years) < 1) {
    throw new UsageError(
      `--years: expected a whole number of years from 1 to 999, got ${JSON.stringify(options.years)}`,
    );
  }
  const timeoutMs = options.timeout === undefined ? undefined : parseTimeout(options.timeout);
  const out = options.out;
  if (out !== undefined && !/\.(svg|html?)$/i.test(out)) {
    throw new UsageError(
      `--out: expected a file ending in .svg or .html, got ${JSON.stringify(out)}`,
    );
  }
  if (out !== undefined) checkWritable("--out", out);
  const ics = options.ics;
  if (ics !== undefined && !/\.ics$/i.test(ics)) {
    throw new UsageError(`--ics: expected a file ending in .ics, got ${JSON.stringify(ics)}`);
  }
  if (ics !== undefined && out !== undefined && path.resolve(ics) === path.resolve(out)) {
    throw new UsageError(`--ics ${ics}: the same file as --out`);
  }
  if (ics !== undefined) checkWritable("--ics", ics);
  const stackPath = path.resolve(options.dir, `Pulumi.${options.stack}.yaml`);
  if (!fs.existsSync(stackPath)) {
    throw new UsageError(`--stack ${options.stack}: ${stackPath} not found`);
  }
  const stack = loadStackFile(options.dir, options.stack);
  // Anchors may not be later than the first simulated deployment.
  const config = parseStackConfig(rawConfigFromValues(stack.config, stack.dir), fromMs);
  // The tenant's app management policies refuse some apps before anything is simulated.
  const tenant =
    options.tenant === undefined ? undefined : loadTenantOption(path.resolve(options.tenant));
  const refused = tenant === undefined ? [] : tenantPolicyRefusals(config.apps, tenant, fromMs);
  const refusedApps = new Set(refused.map((r) => r.app));
  const apps = config.apps.filter((app) => !refusedApps.has(app.name));
  // The program runs in child processes while the model is simulated here.
  const { checkProgram } = await import("./programCheck");
  const programCheck = options.churnCheck
    ? checkProgram(stack, { fromMs, timeoutMs })
    : Promise.resolve(undefined);
  programCheck.catch(() => undefined);
  const simulation = simulate(apps, {
    fromMs,
    years: Number(options.years),
    every: every.value,
  });
  const program = await programCheck;
  const kinds = credentialKinds(apps);
  const report = formatReport(simulation, options.stack, {
    programInstantsMs: program?.instantsMs,
    programViolations: program?.violations,
    credentialKinds: kinds,
  });
  if (options.from === undefined && today.source === "environment") {
    io.stdout.write(
      `First deployment from ${describeSource(today.source, "--from")} (${formatInstant(fromMs)}).\n`,
    );
  }
  if (refused.length > 0) {
    io.stdout.write(
      `Not simulated: the app management policies of --tenant ${neutralise(options.tenant ?? "")} refuse the credentials of ${refused.map((r) => neutralise(r.app)).join(", ")} (see stderr).\n`,
    );
  }
  io.stdout.write(`${report}\n`);
  if (out !== undefined) {
    const svg = await renderSvg(simulation, {
      todayMs: nowMs,
      stack: options.stack,
      credentialKinds: kinds,
    });
    const file = path.resolve(out);
    writeOut(
      "--out",
      out,
      file,
      /\.svg$/i.test(out)
        ? svg
        : htmlPage(svg, report, `Rotation calendar of stack ${options.stack}`),
    );
    io.stdout.write(`Calendar written to ${file}\n`);
  }
  if (ics !== undefined) {
    const file = path.resolve(ics);
    writeOut(
      "--ics",
      ics,
      file,
      rotationCalendar(simulation, {
        stack: options.stack,
        credentialKinds: kinds,
        stampMs: nowMs,
      }),
    );
    io.stdout.write(`iCalendar written to ${file}\n`);
  }
  for (const r of refused) {
    io.stderr.write(`calendar: ${neutralise(r.app)}: ${neutralise(r.message)}\n`);
  }
  const failures = reportedViolations(simulation, program?.violations);
  for (const v of failures) io.stderr.write(`calendar: ${describeViolation(v)}\n`);
  return failures.length > 0 || refused.length > 0 ? EXIT.violation : EXIT.ok;
}

/**
 * Checks, before anything is simulated, that `--out` (or `--ics`) can be written: it is not a
 * symbolic link nor anything but a regular file, and its nearest existing folder is a writable
 * directory. Creates nothing: missing folders are made by {@link writeOut}, when there is a
 * calendar to write.
 *
 * @param option the option's name, `--out` or `--ics`
 * @throws UsageError `<option> <path>: <reason>`
 */
function checkWritable(option: string, out: string): void {
  const file = path.resolve(out);
  try {
    const existing = lstatOrUndefined(file);
    if (existing !== undefined) {
      checkTarget(file, existing);
      fs.accessSync(file, fs.constants.W_OK);
    }
    const { nearest } = missingFolders(path.dirname(file));
    if (!fs.statSync(nearest).isDirectory()) {
      throw new Error(`ENOTDIR: not a directory, '${nearest}'`);
    }
    fs.accessSync(nearest, fs.constants.W_OK);
  } catch (error) {
    throw new UsageError(`${option} ${out}: ${reasonOf(error)}`);
  }
}

/** `fs.lstatSync`, undefined when nothing is there. */
function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Refuses an existing `--out` or `--ics` that is a symbolic link (whoever made it, the calendar does not
 * write where it points) or not a regular file.
 */
function checkTarget(file: string, stats: fs.Stats): void {
  if (stats.isSymbolicLink()) {
    let target = "";
    try {
      target = ` (to ${neutralise(fs.readlinkSync(file))})`;
    } catch {
      // Unreadable link: named without its target.
    }
    throw new Error(
      `is a symbolic link${target}; the calendar does not write through symbolic links: remove it or name the file itself`,
    );
  }
  if (!stats.isFile()) throw new Error("exists and is not a regular file");
}

/**
 * The folders of `dir` that do not exist yet, outermost first, and the nearest one that does (an
 * existing entry, even a dangling link, ends the walk: nothing is created beside or through it).
 */
function missingFolders(dir: string): { missing: string[]; nearest: string } {
  const missing: string[] = [];
  let current = dir;
  while (lstatOrUndefined(current) === undefined) {
    const parent = path.dirname(current);
    if (parent === current) break;
    missing.unshift(current);
    current = parent;
  }
  return { missing, nearest: current };
}

/**
 * Writes the calendar: creates the missing folders of `--out` (or `--ics`) one at a time (each
 * must come out a real directory), then opens the file without following a symbolic link
 * (O_NOFOLLOW) and writes it only if it is a regular file. On failure the folders it created are
 * removed again.
 *
 * @param option the option's name, `--out` or `--ics`
 * @throws UsageError `<option> <path>: <reason>`
 */
function writeOut(option: string, out: string, file: string, content: string): void {
  const created: string[] = [];
  try {
    for (const folder of missingFolders(path.dirname(file)).missing) {
      fs.mkdirSync(folder);
      created.unshift(folder);
      if (!fs.lstatSync(folder).isDirectory()) {
        throw new Error(`ENOTDIR: not a directory, '${folder}'`);
      }
    }
    const existing = lstatOrUndefined(file);
    if (existing !== undefined) checkTarget(file, existing);
    const { O_WRONLY, O_CREAT, O_NONBLOCK } = fs.constants;
    const noFollow = fs.constants.O_NOFOLLOW ?? 0;
    let fd: number;
    try {
      fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NONBLOCK | noFollow, 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOOP") {
        checkTarget(file, fs.lstatSync(file));
      }
      throw error;
    }
    try {
      if (!fs.fstatSync(fd).isFile()) throw new Error("exists and is not a regular file");
      fs.ftruncateSync(fd, 0);
      fs.writeFileSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    for (const folder of created) {
      try {
        fs.rmdirSync(folder);
      } catch {
        // Not empty any more (someone else wrote there): left in place.
      }
    }
    throw new UsageError(`${option} ${out}: ${reasonOf(error)}`);
  }
}

/** A file-system error in one line: `EACCES: permission denied, open '/x'`. */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

function instantOption(name: string, value: string): number {
  const parsed = parseInstant(value);
  if (!parsed.ok) throw new UsageError(`${name}: ${parsed.reason}`);
  if (formatInstant(parsed.value) === "(invalid instant)") {
    throw new UsageError(`${name}: ${JSON.stringify(value)} is out of range`);
  }
  return parsed.value;
}

if (require.main === module) {
  // SIGINT, SIGTERM, SIGHUP: every program run stopped, temporary files removed, exit 130, 143, 129.
  stopOnSignals("calendar");
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `calendar: ${neutraliseLines(error instanceof Error ? error.message : String(error))}\n`,
      );
      process.exitCode = 2;
    },
  );
}
