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
import type { TokenCredential } from "@azure/identity";
import { Command, CommanderError } from "commander";
import { formatInstant, parseInstant } from "../../policy/core";
import { AuditInputError, forTerminal, messageOf, oneLine, renderFailureJson } from "./errors";
import type { GraphFetchOptions } from "./graph";
import type { NotifyOptions } from "./notify";
import { readText, writeReport } from "./files";
import { readFiles, readGraph } from "./inputs";
import { groupByOwner, parseOwnersJson } from "./owners";

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
