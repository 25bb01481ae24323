/**
 * `npm run audit -- …`: every credential of the tenant's applications and service principals
 * against the policy pack's rules, and the `apps` entries that adopt the offenders into rotation.
 *
 *   npm run audit -- --apps apps.json --service-principals sps.json   # az ad app/sp list --all
 *   npm run audit -- --graph                                          # live, Application.Read.All
 *     [--policy-pack-config policy-config.json] [--now 2026-01-01T00:00:00Z]
 *     [--json | --adopt] [--only-findings]
 *     [--owners owners.json] [--by-owner] [--markdown report.md] [--ics audit.ics]
 *     [--notify-webhook URL] [--notify-dry-run]
 *
 * Owners: `--graph` reads each object's owners live (graph.ts `fetchOwners`); offline,
 * `--owners FILE` (owners.ts `parseOwnersJson`). Only then is `credential-owner-missing` judged and
 * can findings be grouped by owner: `--by-owner` (text, or `--json` `{owners, summary}`),
 * `--markdown FILE` (the same as Markdown), `--notify-webhook URL` / `--notify-dry-run` (one
 * document per owner, notify.ts; a failed notification prints a line and never changes the exit
 * code). `--ics FILE` writes the end dates of the credentials this project does not rotate (ics.ts).
 * Files are written before anything is printed, each opened without following a symbolic link and
 * only if it is (or becomes) a regular file; a failure is exit code 2.
 *
 * Output: a table by urgency (text), `{findings, summary}` (`--json`), or a YAML fragment of `apps`
 * entries (`--adopt`, stdout holds only the YAML). Exit codes: 0 no mandatory finding, 1 mandatory
 * findings, 2 bad input (one line on stderr naming the file, option or request, never a stack
 * trace; with `--json` stdout also holds `{error, summary: {exitCode: 2}}`).
 *
 * Input files are read only when they are regular files (a FIFO, a device such as /dev/zero or a
 * directory is refused at once, never waited on) of at most {@link MAX_TENANT_BYTES} (a tenant
 * export) or {@link MAX_CONFIG_BYTES} (the policy configuration). Warnings (duplicate keyIds, every
 * policy disabled) go under the table, or to stderr with `--json` and `--adopt`.
 */
import * as fs from "fs";
import type { TokenCredential } from "@azure/identity";
import { Command, CommanderError } from "commander";
import { formatInstant, parseInstant } from "../../policy/core";
import { AuditInputError, forTerminal, messageOf, oneLine, renderFailureJson } from "./errors";
import type { GraphFetchOptions } from "./graph";
import type { NotifyOptions } from "./notify";
import { groupByOwner, parseOwnersJson, type OwnerDirectory } from "./owners";
import { ObjectType, parseTenantJson, parseTenantObjects, TenantObject } from "./tenant";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, mandatoryFindings: 1, badInput: 2 } as const;

/**
 * The largest tenant export read, in bytes: 500 MiB, about 100,000 applications as `az ad app list
 * --all` prints them. A JavaScript string holds at most 512 MiB of text (2^29 − 24 characters), so
 * a larger file could not be parsed anyway; split the export (e.g. applications and service
 * principals apart) or use --graph.
 */
export const MAX_TENANT_BYTES = 500 * 2 ** 20;

/** The largest `--policy-pack-config` file read, in bytes (1 MiB; a real one is a few hundred bytes). */
export const MAX_CONFIG_BYTES = 2 ** 20;

/** The largest `--owners` file read, in bytes (100 MiB: a few owners for each of 100,000 objects). */
export const MAX_OWNERS_BYTES = 100 * 2 ** 20;

/** Warnings printed on stderr with `--json` and `--adopt` (the JSON's summary.warnings has all). */
const MAX_WARNINGS_ON_STDERR = 20;

/** What the CLI talks to; tests replace any of it. */
export interface AuditDeps {
  /** Default: process.stdout. */
  stdout?: (text: string) => void;
  /** Default: process.stderr. */
  stderr?: (text: string) => void;
  /** Environment (`APP_CREDENTIALS_GRAPH_URL`, see graph.ts); default process.env. */
  env?: Record<string, string | undefined>;
  /** `--graph`: the credential; default `DefaultAzureCredential` from @azure/identity. */
  credential?: TokenCredential;
  /** `--graph`: retry bounds and page size (see GraphFetchOptions). */
  graph?: Pick<GraphFetchOptions, "maxRetries" | "maxRetryAfterSeconds" | "pageSize">;
  /** The current instant when `--now` is not given, ms since the epoch; default Date.now(). */
  nowMs?: number;
  /** The largest tenant export read, in bytes; default {@link MAX_TENANT_BYTES} (tests lower it). */
  maxInputBytes?: number;
  /** Notifications: fetch, timeout, retries and waits (tests); see notify.ts. */
  notify?: Pick<NotifyOptions, "fetchImpl" | "timeoutMs" | "maxRetries" | "sleep">;
}

interface Options {
  apps?: string;
  servicePrincipals?: string;
  graph?: boolean;
  policyPackConfig?: string;
  now?: string;
  json?: boolean;
  adopt?: boolean;
  onlyFindings?: boolean;
  owners?: string;
  byOwner?: boolean;
  markdown?: string;
  ics?: string;
  notifyWebhook?: string;
  notifyDryRun?: boolean;
}

/**
 * Runs the audit.
 *
 * @param argv arguments after the script name
 * @returns the exit code ({@link EXIT})
 */
export async function main(argv: string[], deps: AuditDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = deps.stderr ?? ((text: string) => void process.stderr.write(text));
  const program = new Command()
    .name("npm run audit --")
    .description(
      "Audit every credential of the tenant's applications and service principals against the policy pack's rules; print the apps entries that adopt the offenders into rotation.",
    )
    .option("--apps <file>", "JSON of `az ad app list --all` (a list, or Graph's {value: [...]})")
    .option(
      "--service-principals <file>",
      "JSON of `az ad sp list --all` (a list, or Graph's {value: [...]})",
    )
    .option("--graph", "read the tenant live from Microsoft Graph (needs Application.Read.All)")
    .option("--policy-pack-config <file>", "policy pack configuration JSON, as for pulumi preview")
    .option("--now <rfc3339>", "evaluate as of this instant instead of the current time")
    .option("--json", "print one JSON document {findings, summary}")
    .option("--adopt", "print only the YAML apps entries that adopt the apps with findings")
    .option("--only-findings", "table: leave out credentials without findings")
    .option(
      "--owners <file>",
      'offline: owners per object, JSON {"<objectId>": [{"id", "userPrincipalName", "mail"}]} (az ad app/sp owner list)',
    )
    .option("--by-owner", "group the findings by owner (text, or with --json {owners, summary})")
    .option("--markdown <file>", "also write the findings by owner as Markdown to this file")
    .option(
      "--ics <file>",
      "also write an iCalendar of the end dates of credentials not rotated here",
    )
    .option(
      "--notify-webhook <url>",
      "post one JSON document per owner with findings to this webhook",
    )
    .option("--notify-dry-run", "print the documents --notify-webhook would post; send nothing")
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    throw error;
  }
  const options = program.opts<Options>();
  try {
    return await run(options, deps, stdout, stderr);
  } catch (error) {
    const message =
      error instanceof AuditInputError ? error.message : `internal error: ${messageOf(error)}`;
    stderr(`audit: ${forTerminal(message)}\n`);
    if (options.json) stdout(renderFailureJson(message));
    return EXIT.badInput;
  }
}

async function run(
  options: Options,
  deps: AuditDeps,
  stdout: (text: string) => void,
  stderr: (text: string) => void,
): Promise<number> {
  const offline = options.apps !== undefined || options.servicePrincipals !== undefined;
  if (offline === (options.graph === true)) {
    throw new AuditInputError(
      offline
        ? "--graph reads the tenant live: leave out --apps and --service-principals, or drop --graph"
        : "nothing to audit: give --apps FILE and/or --service-principals FILE (from az ad app list --all / az ad sp list --all), or --graph",
    );
  }
  if (options.json && options.adopt) {
    throw new AuditInputError("--json and --adopt each print one document on stdout: choose one");
  }
  if (options.graph && options.owners !== undefined) {
    throw new AuditInputError("--graph reads the owners live: leave out --owners, or drop --graph");
  }
  if (options.byOwner && options.adopt) {
    throw new AuditInputError("--by-owner and --adopt each print one report on stdout: choose one");
  }
  const needsOwners = [
    options.byOwner ? "--by-owner" : "",
    options.markdown !== undefined ? "--markdown" : "",
    options.notifyWebhook !== undefined ? "--notify-webhook" : "",
    options.notifyDryRun ? "--notify-dry-run" : "",
  ].filter((name) => name !== "");
  if (needsOwners.length > 0 && !options.graph && options.owners === undefined) {
    throw new AuditInputError(
      `${needsOwners.join(", ")} group${needsOwners.length === 1 ? "s" : ""} the findings by owner: give --owners FILE (see tools/audit/README.md), or use --graph`,
    );
  }
  const notify = needsOwners.some((name) => name.startsWith("--notify"))
    ? await import("./notify")
    : undefined;
  if (notify !== undefined && options.notifyWebhook !== undefined) {
    try {
      notify.validateWebhookUrl(options.notifyWebhook);
    } catch (error) {
      throw new AuditInputError(`--notify-webhook: ${messageOf(error)}`);
    }
  }
  let nowMs = Math.floor((deps.nowMs ?? Date.now()) / 1000) * 1000;
  if (options.now !== undefined) {
    const parsed = parseInstant(options.now);
    if (!parsed.ok || formatInstant(parsed.value) === "(invalid instant)") {
      throw new AuditInputError(
        `--now: ${parsed.ok ? `${JSON.stringify(options.now)} is out of range` : parsed.reason}`,
      );
    }
    nowMs = parsed.value;
  }
  const configSource = `--policy-pack-config ${options.policyPackConfig}`;
  const configText =
    options.policyPackConfig === undefined
      ? undefined
      : readText(options.policyPackConfig, configSource, {
          maxBytes: MAX_CONFIG_BYTES,
          what: "a policy pack configuration",
        });
  // Offline input is checked before the rules load: a bad file is reported in a second.
  const offlineTenant = options.graph
    ? undefined
    : readFiles(options, deps.maxInputBytes ?? MAX_TENANT_BYTES);
  const offlineOwners =
    options.owners === undefined
      ? undefined
      : parseOwnersJson(
          readText(options.owners, `--owners ${options.owners}`, {
            maxBytes: MAX_OWNERS_BYTES,
            what: "an owners file",
          }),
          `--owners ${options.owners}`,
        );
  // Loaded only now: the pack's policies bring @pulumi/policy (a second or two), not worth it for
  // a usage error or --help.
  const { AUDIT_POLICIES, auditSettings } = await import("./policies");
  const { auditTenant } = await import("./rules");
  // The configuration is checked before Graph is asked: no long fetch to fail afterwards.
  const settings = auditSettings(configText, configSource);
  const { objects, source, owners } = offlineTenant
    ? { ...offlineTenant, owners: offlineOwners }
    : await readGraph(deps, stderr);

  const result = auditTenant(objects, settings, nowMs, owners);
  const reports = owners === undefined ? undefined : groupByOwner(result.findings, owners);
  // Files first: a file that cannot be written is exit code 2 before anything is printed.
  if (options.markdown !== undefined && reports !== undefined) {
    const { renderByOwnerMarkdown } = await import("./byOwner");
    writeReport(
      "--markdown",
      options.markdown,
      renderByOwnerMarkdown(reports, result.summary, source),
    );
  }
  if (options.ics !== undefined) {
    const { auditCalendar } = await import("./ics");
    writeReport(
      "--ics",
      options.ics,
      auditCalendar(result.rows, { nowMs, warnBefore: settings.warnBefore.duration }),
    );
  }
  if (options.adopt || options.json) {
    // The table shows these under it; a document on stdout cannot, so stderr says them.
    for (const line of warningLines(result.summary, AUDIT_POLICIES.length, configSource)) {
      stderr(`audit: warning: ${line}\n`);
    }
  }
  if (options.adopt) {
    const { adoptionYaml, planAdoption } = await import("./adopt");
    const plan = planAdoption(result);
    stdout(adoptionYaml(plan, nowMs));
    const { mandatory, advisory } = result.summary.findings;
    const { disabledPolicies } = result.summary;
    const disabled =
      disabledPolicies.length > 0 ? `; disabled: ${disabledPolicies.join(", ")}` : "";
    stderr(
      `audit: ${plan.entries.length} app${plan.entries.length === 1 ? "" : "s"} to adopt; ${mandatory} mandatory and ${advisory} advisory findings${disabled}; exit code ${result.summary.exitCode}\n`,
    );
  } else if (options.byOwner && reports !== undefined) {
    const { renderByOwnerJson, renderByOwnerText } = await import("./byOwner");
    stdout(
      options.json
        ? renderByOwnerJson(reports, result.summary)
        : renderByOwnerText(reports, result.summary, source),
    );
  } else if (options.json) {
    const { renderJson } = await import("./render");
    stdout(renderJson(result));
  } else {
    const { renderText } = await import("./render");
    stdout(renderText(result, settings, { source, onlyFindings: options.onlyFindings }));
  }
  if (notify !== undefined && reports !== undefined) {
    // After the report; never changes the exit code. Dry-run documents go where the report went,
    // unless stdout holds one JSON document.
    const log = options.json
      ? (line: string) => stderr(`${line}\n`)
      : options.notifyDryRun
        ? (line: string) => stdout(`${line}\n`)
        : (line: string) => stderr(`${line}\n`);
    try {
      const { sent, failed } = await notify.notifyOwners(reports, {
        ...deps.notify,
        url: options.notifyWebhook,
        dryRun: options.notifyDryRun,
        log,
      });
      if (!options.notifyDryRun) {
        stderr(
          `audit: notifications: ${sent} sent${failed > 0 ? `, ${failed} failed` : ""} (of ${reports.length} owner group${reports.length === 1 ? "" : "s"})\n`,
        );
      }
    } catch (error) {
      stderr(`audit: notifications failed: ${forTerminal(oneLine(messageOf(error)))}\n`);
    }
  }
  return result.summary.exitCode;
}

/**
 * The warnings of `--json` and `--adopt`, one line each (safe for a terminal): every policy
 * disabled, then the summary's warnings (at most {@link MAX_WARNINGS_ON_STDERR}, then a count).
 */
function warningLines(
  summary: { disabledPolicies: readonly string[]; warnings: readonly string[] },
  policyCount: number,
  configSource: string,
): string[] {
  const lines: string[] = [];
  if (summary.disabledPolicies.length === policyCount) {
    lines.push(
      forTerminal(
        `every policy is disabled by ${configSource} (${summary.disabledPolicies.join(", ")}): no credential was judged, so exit code 0 says nothing about the tenant`,
      ),
    );
  }
  for (const warning of summary.warnings.slice(0, MAX_WARNINGS_ON_STDERR)) {
    lines.push(forTerminal(warning));
  }
  const more = summary.warnings.length - MAX_WARNINGS_ON_STDERR;
  if (more > 0) lines.push(`… and ${more} more (summary.warnings lists them all)`);
  return lines;
}

/** Reads `--apps` and `--service-principals`. */
function readFiles(
  options: Options,
  maxBytes: number,
): { objects: TenantObject[]; source: string } {
  const files: [string | undefined, ObjectType][] = [
    [options.apps, "application"],
    [options.servicePrincipals, "servicePrincipal"],
  ];
  let objects: TenantObject[] = [];
  const names: string[] = [];
  for (const [file, objectType] of files) {
    if (file === undefined) continue;
    const text = readText(file, file, { maxBytes, what: "a tenant export" });
    objects = objects.concat(parseTenantJson(text, file, objectType));
    names.push(file);
  }
  return { objects, source: names.join(", ") };
}

async function readGraph(
  deps: AuditDeps,
  stderr: (text: string) => void,
): Promise<{ objects: TenantObject[]; source: string; owners: OwnerDirectory }> {
  // Loaded only for --graph: the Azure SDK and the Graph client take a while to load.
  const { DEFAULT_GRAPH_URL, GRAPH_URL_ENV, fetchOwners, fetchTenant, graphBaseUrl } =
    await import("./graph");
  const env = deps.env ?? process.env;
  const configured = env[GRAPH_URL_ENV];
  const baseUrl = configured === undefined || configured === "" ? DEFAULT_GRAPH_URL : configured;
  try {
    graphBaseUrl(baseUrl);
  } catch (error) {
    throw new AuditInputError(`${GRAPH_URL_ENV}: ${messageOf(error)}`);
  }
  let credential = deps.credential;
  if (credential === undefined) {
    const { DefaultAzureCredential } = await import("@azure/identity");
    credential = new DefaultAzureCredential();
  }
  const graphOptions: GraphFetchOptions = {
    ...deps.graph,
    credential,
    baseUrl,
    onRetry: ({ url, status, retryAfterSeconds }) =>
      stderr(
        `audit: Microsoft Graph answered ${status} for ${new URL(url).pathname}; retrying${retryAfterSeconds === null ? "" : ` after ${retryAfterSeconds} s (Retry-After)`}\n`,
      ),
  };
  const tenant = await fetchTenant(graphOptions);
  const objects = parseTenantObjects(
    tenant.applications,
    "Microsoft Graph /applications",
    "application",
  ).concat(
    parseTenantObjects(
      tenant.servicePrincipals,
      "Microsoft Graph /servicePrincipals",
      "servicePrincipal",
    ),
  );
  // Owners only of the objects holding credentials: the others have nothing to tell anyone.
  const owners = await fetchOwners(
    graphOptions,
    objects.filter((object) => object.credentials.length > 0),
  );
  return { objects, source: `Microsoft Graph (${baseUrl})`, owners };
}

/**
 * Reads a text file: UTF-8 (a byte order mark is dropped) or UTF-16LE with its byte order mark
 * (what Windows PowerShell 5's `>` writes). Only a regular file (after following links) of at most
 * `maxBytes`: the file is opened without blocking (a FIFO with no writer would otherwise wait
 * forever) and checked on the open descriptor, so what is read is what was checked; at most
 * `maxBytes + 1` bytes are ever read, even from a file that grows.
 *
 * @param name how messages name it (the path as given, or the option and path)
 * @param limit the size cap and what the file is (`a tenant export`), for messages
 * @throws AuditInputError `<name>: cannot read (<reason>)`, `<name>: cannot read: a FIFO (named
 *   pipe), not a regular file; …` or `<name>: cannot read: <size>, larger than the limit of …`
 */
function readText(file: string, name: string, limit: { maxBytes: number; what: string }): string {
  const bytes = readRegularFile(file, name, limit);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** {@link readText}'s bytes. */
function readRegularFile(
  file: string,
  name: string,
  { maxBytes, what }: { maxBytes: number; what: string },
): Buffer {
  const cannot = (reason: string) => new AuditInputError(`${name}: cannot read${reason}`);
  const notRegular = (kind: string) =>
    cannot(
      `: ${kind}, not a regular file; the audit reads regular files of at most ${formatBytes(maxBytes)}`,
    );
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw notRegular("a directory");
    throw cannot(` (${code === "ENOENT" ? "no such file" : messageOf(error)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notRegular(fileKind(stat));
    if (stat.size > maxBytes) {
      throw cannot(
        `: ${formatBytes(stat.size)}, larger than the limit of ${formatBytes(maxBytes)} for ${what}`,
      );
    }
    // Never more than one byte past the limit: a file that grew since fstat is caught too.
    let buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) {
          throw cannot(`: more than ${formatBytes(maxBytes)}, the limit for ${what}`);
        }
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw cannot(` (${messageOf(error)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a report file (`--markdown`, `--ics`): opened without following a symbolic link
 * (O_NOFOLLOW) and without blocking (a FIFO is refused, not waited on), written only if it is a
 * regular file (an existing one is replaced). Its folder must exist.
 *
 * @throws AuditInputError `<option> <file>: cannot write (<reason>)`
 */
function writeReport(option: string, file: string, content: string): void {
  const { O_WRONLY, O_CREAT, O_NONBLOCK } = fs.constants;
  const noFollow = fs.constants.O_NOFOLLOW ?? 0;
  const cannot = (reason: string) =>
    new AuditInputError(`${option} ${file}: cannot write (${reason})`);
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NONBLOCK | noFollow, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw cannot("a symbolic link; the audit does not follow links it writes to");
    if (code === "ENOENT") throw cannot("no such folder");
    if (code === "EISDIR") throw cannot("a directory");
    if (code === "ENXIO") throw cannot("a FIFO (named pipe) without a reader, not a regular file");
    throw cannot(messageOf(error).split("\n")[0]);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw cannot(`${fileKind(stat)}, not a regular file`);
    fs.ftruncateSync(fd, 0);
    fs.writeFileSync(fd, content);
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw cannot(messageOf(error).split("\n")[0]);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a file that is not a regular file is, for messages. */
function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/** `100 bytes`, `1 MiB`, `500 MiB`, `1.2 GiB`. */
function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 30, "GiB"],
    [2 ** 20, "MiB"],
    [2 ** 10, "KiB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`audit: internal error: ${messageOf(error)}\n`);
      process.exitCode = EXIT.badInput;
    },
  );
}
