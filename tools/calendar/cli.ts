/**
 * `npm run calendar -- [--stack dev] [--dir .] [--from RFC3339] [--years N] [--every ISO8601]
 *  [--out FILE.svg|FILE.html]`
 *
 * Simulates scheduled `pulumi up` runs with the stack's real rotation settings, prints a per-app
 * summary and optionally draws the calendar. Exit codes: 0 every invariant holds; 1 an invariant
 * breaks (app and instant printed); 2 invalid options, stack file or configuration.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError, parseStackConfig, rawConfigFromValues } from "../../components/config";
import { formatInstant, parseDuration, parseInstant } from "../../policy/lib/iso8601";
import { loadStackFile, StackFileError } from "../stackFile";
import { htmlPage, renderSvg } from "./chart";
import { simulate, SimulationError } from "./simulate";
import { describeViolation, formatReport } from "./summary";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, violation: 1, usage: 2 } as const;

/** Raised for invalid command-line values; the message names the option. */
class UsageError extends Error {}

interface Options {
  stack: string;
  dir: string;
  from?: string;
  years: string;
  every: string;
  out?: string;
}

/**
 * Runs the CLI.
 *
 * @param argv arguments after the script name
 * @param nowMs the current instant (default `--from` and the "today" rule), ms since the epoch
 * @returns the exit code
 */
export async function main(argv: string[], nowMs = Date.now()): Promise<number> {
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
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
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
    return await run(options, nowMs);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof StackFileError ||
      error instanceof SimulationError ||
      error instanceof UsageError
    ) {
      process.stderr.write(`calendar: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function run(options: Options, nowMs: number): Promise<number> {
  const fromMs = options.from === undefined ? nowMs : instantOption("--from", options.from);
  const every = parseDuration(options.every);
  if (!every.ok) throw new UsageError(`--every: ${every.reason}`);
  if (!/^\d{1,3}$/.test(options.years) || Number(options.years) < 1) {
    throw new UsageError(
      `--years: expected a whole number of years from 1 to 999, got ${JSON.stringify(options.years)}`,
    );
  }
  const out = options.out;
  if (out !== undefined && !/\.(svg|html?)$/i.test(out)) {
    throw new UsageError(
      `--out: expected a file ending in .svg or .html, got ${JSON.stringify(out)}`,
    );
  }
  const stackPath = path.resolve(options.dir, `Pulumi.${options.stack}.yaml`);
  if (!fs.existsSync(stackPath)) {
    throw new UsageError(`--stack ${options.stack}: ${stackPath} not found`);
  }
  const stack = loadStackFile(options.dir, options.stack);
  // Anchors may not be later than the first simulated deployment.
  const config = parseStackConfig(rawConfigFromValues(stack.config), fromMs);
  const simulation = simulate(config.apps, {
    fromMs,
    years: Number(options.years),
    every: every.value,
  });
  const report = formatReport(simulation, options.stack);
  process.stdout.write(`${report}\n`);
  if (out !== undefined) {
    const svg = await renderSvg(simulation, { todayMs: nowMs, stack: options.stack });
    const file = path.resolve(out);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      /\.svg$/i.test(out)
        ? svg
        : htmlPage(svg, report, `Rotation calendar of stack ${options.stack}`),
    );
    process.stdout.write(`Calendar written to ${file}\n`);
  }
  const failures = simulation.apps.flatMap((a) => a.violations.slice(0, 1));
  for (const v of failures) process.stderr.write(`calendar: ${describeViolation(v)}\n`);
  return failures.length > 0 ? EXIT.violation : EXIT.ok;
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
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `calendar: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
