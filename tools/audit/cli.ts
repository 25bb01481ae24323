/**
 * `npm run audit -- …`: every credential of the tenant's applications and service principals
 * against the policy pack's rules, and the `apps` entries that adopt the offenders into rotation.
 *
 *   npm run audit -- --apps apps.json --service-principals sps.json   # az ad app/sp list --all
 *   npm run audit -- --tenant tenant.json                             # lists and app management policies
 *   npm run audit -- --graph                                          # live: Application.Read.All,
 *                                                                     #   Policy.Read.All
 *     [--policy-pack-config policy-config.json] [--now 2026-01-01T00:00:00Z]
 *     [--json | --adopt] [--only-findings]
 *     [--owners owners.json] [--by-owner] [--markdown report.md] [--ics audit.ics]
 *     [--notify-webhook URL] [--notify-dry-run]
 *     [--credential-activity [activity.json]]    # the sign-in report (Graph BETA API, AuditLog.Read.All)
 *     [--stack NAME [--dir DIR]]                 # the stack's rotation: exact deletion instants
 *     [--emit-policy-config FILE] [--no-app-management-policies]
 *     [--federated-credentials FILE | --no-federated-credentials]
 *
 * App management policies (../offline/appManagementPolicy.ts): from the `--tenant` file's
 * `defaultAppManagementPolicy` / `appManagementPolicies`, or live with `--graph` (unless
 * `--no-app-management-policies`): reported (the default policy and what it caps, the apps under a
 * per-app policy), judged (`credential-tenant-policy`), and written for the pack with
 * `--emit-policy-config FILE` (./emitPolicyConfig.ts). The sign-in report (./credentialActivity.ts):
 * `--credential-activity FILE`, or `--graph --credential-activity` live; adds each credential's last
 * sign-in and `credential-unused` / `credential-in-use-before-deletion` (./credentialUse.ts).
 *
 * Federated identity credentials (./federated.ts): `--graph` reads every application's live
 * (`GET /applications/{id}/federatedIdentityCredentials`, Application.Read.All; not with
 * `--no-federated-credentials`); offline, `--federated-credentials FILE` (keyed by appId). Each is
 * judged by the pack's `federated-credential-subject-scope` and `federated-credential-trust-advisory`,
 * and an application that has them and still holds secrets or certificates gets
 * `credential-federation-migration-incomplete`; the table lists them after the credentials, `--json`
 * under `federatedCredentials`.
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
 * Output: a table by urgency (text), `{findings, summary}` (`--json`; with `federatedCredentials`
 * when they were read), or a YAML fragment of `apps`
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
import {
  readActivityFile,
  readFederatedFile,
  readFiles,
  readGraph,
  readStackRotations,
} from "./inputs";
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

/** Help text of `--credential-activity`: the report is a beta API. */
const ACTIVITY_HELP =
  "the sign-in report of each credential: the JSON of GET /beta/reports/appCredentialSignInActivities (a Microsoft Graph BETA API, subject to change; AuditLog.Read.All), or with --graph and no FILE read live";

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
  /** `--graph`: retry bounds, page sizes and fetch options (see GraphFetchOptions). */
  graph?: Pick<
    GraphFetchOptions,
    "maxRetries" | "maxRetryAfterSeconds" | "pageSize" | "activityPageSize" | "fetchOptions"
  >;
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
  tenant?: string;
  /** `true` without a file (live with --graph). */
  credentialActivity?: string | boolean;
  /** False with `--no-app-management-policies`. */
  appManagementPolicies?: boolean;
  emitPolicyConfig?: string;
  stack?: string;
  dir?: string;
  /** A file offline; false with `--no-federated-credentials`; undefined: neither. */
  federatedCredentials?: string | false;
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
    .option(
      "--tenant <file>",
      "JSON {applications, servicePrincipals, defaultAppManagementPolicy, appManagementPolicies} (every key optional): the lists and the tenant's app management policies",
    )
    .option(
      "--graph",
      "read the tenant live from Microsoft Graph (Application.Read.All; Policy.Read.All for the app management policies)",
    )
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
    .option("--credential-activity [file]", ACTIVITY_HELP)
    .option(
      "--stack <name>",
      "the stack whose Pulumi.<name>.yaml holds the apps' rotation: exact deletion instants for credential-in-use-before-deletion",
    )
    .option("--dir <path>", "the Pulumi project directory of --stack (default: the current one)")
    .option(
      "--emit-policy-config <file>",
      "write a --policy-pack-config file capping credential-max-lifetime at the tenant's own app management policy caps",
    )
    .option(
      "--no-app-management-policies",
      "with --graph: do not read the app management policies (no Policy.Read.All needed)",
    )
    .option(
      "--federated-credentials <file>",
      'offline: the applications\' federated identity credentials, JSON {"<appId>": [as az ad app federated-credential list prints them]} or [{"applicationId", "value": [...]}] (--graph reads them live)',
    )
    .option(
      "--no-federated-credentials",
      "with --graph: do not read the applications' federated identity credentials",
    )
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
  const offline =
    options.apps !== undefined ||
    options.servicePrincipals !== undefined ||
    options.tenant !== undefined;
  if (offline === (options.graph === true)) {
    throw new AuditInputError(
      offline
        ? "--graph reads the tenant live: leave out --apps, --service-principals and --tenant, or drop --graph"
        : "nothing to audit: give --apps FILE and/or --service-principals FILE (from az ad app list --all / az ad sp list --all), or --tenant FILE, or --graph",
    );
  }
  if (options.credentialActivity === true && !options.graph) {
    throw new AuditInputError(
      "--credential-activity reads the sign-in report: give FILE (the JSON of GET /beta/reports/appCredentialSignInActivities), or use --graph to read it live",
    );
  }
  if (options.dir !== undefined && options.stack === undefined) {
    throw new AuditInputError("--dir names the project of --stack: give --stack NAME too");
  }
  if (options.appManagementPolicies === false && !options.graph) {
    throw new AuditInputError(
      "--no-app-management-policies applies to --graph; offline, the policies come only from the --tenant file",
    );
  }
  if (options.federatedCredentials === false && !options.graph) {
    throw new AuditInputError(
      "--no-federated-credentials applies to --graph; offline, the federated credentials come only from --federated-credentials FILE",
    );
  }
  if (typeof options.federatedCredentials === "string" && options.graph) {
    throw new AuditInputError(
      "--graph reads the federated credentials live: leave out --federated-credentials FILE, or drop --graph",
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
  const maxInputBytes = deps.maxInputBytes ?? MAX_TENANT_BYTES;
  const offlineTenant = options.graph ? undefined : readFiles(options, maxInputBytes);
  const activityFile =
    typeof options.credentialActivity === "string"
      ? readActivityFile(options.credentialActivity, maxInputBytes)
      : undefined;
  const federatedFile =
    typeof options.federatedCredentials === "string"
      ? readFederatedFile(options.federatedCredentials, maxInputBytes)
      : undefined;
  if (
    federatedFile !== undefined &&
    !offlineTenant?.objects.some((object) => object.objectType === "application")
  ) {
    throw new AuditInputError(
      `--federated-credentials ${options.federatedCredentials}: the federated credentials are matched to the audited applications: give --apps FILE (az ad app list --all), or a --tenant FILE holding applications`,
    );
  }
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
  const { auditTenant, DEFAULT_ASSUMED_GRACE } = await import("./rules");
  // The configuration is checked before Graph is asked: no long fetch to fail afterwards.
  const settings = auditSettings(configText, configSource);
  const tenant = offlineTenant
    ? {
        ...offlineTenant,
        owners: offlineOwners,
        activity: activityFile,
        federated:
          federatedFile === undefined
            ? undefined
            : (await import("./federated")).attachFederatedCredentials(
                federatedFile,
                offlineTenant.objects,
                `--federated-credentials ${options.federatedCredentials}`,
              ),
      }
    : await readGraph(deps, stderr, {
        policies: options.appManagementPolicies !== false,
        activity: options.credentialActivity === true,
        federated: options.federatedCredentials !== false,
      });
  const { objects, source, owners, policies, federated } = tenant;
  const activity = activityFile ?? tenant.activity;
  if (options.emitPolicyConfig !== undefined && policies === undefined) {
    throw new AuditInputError(
      options.graph
        ? "--emit-policy-config needs the tenant's app management policies: drop --no-app-management-policies"
        : "--emit-policy-config needs the tenant's app management policies: give a --tenant FILE holding defaultAppManagementPolicy and/or appManagementPolicies, or use --graph",
    );
  }
  const stack =
    options.stack === undefined
      ? undefined
      : await readStackRotations({ stack: options.stack, dir: options.dir ?? "." }, nowMs, objects);
  for (const note of stack?.notes ?? []) stderr(`audit: note: ${forTerminal(note)}\n`);
  const { CredentialActivityIndex } = await import("../offline/credentialActivity");
  const result = auditTenant(objects, settings, nowMs, owners, {
    appPolicies: policies,
    activity: activity === undefined ? undefined : new CredentialActivityIndex(activity),
    activitySource:
      typeof options.credentialActivity === "string"
        ? options.credentialActivity
        : "Microsoft Graph GET /beta/reports/appCredentialSignInActivities (beta API)",
    rotations: stack?.rotations,
    assumedGrace: DEFAULT_ASSUMED_GRACE,
    federated,
  });
  const reports = owners === undefined ? undefined : groupByOwner(result.findings, owners);
  // Files first: a file that cannot be written is exit code 2 before anything is printed.
  if (options.emitPolicyConfig !== undefined && policies !== undefined) {
    const { emitPolicyConfig } = await import("./emitPolicyConfig");
    const { tenantLifetimeCaps } = await import("../offline/appManagementPolicy");
    const emitted = emitPolicyConfig(tenantLifetimeCaps(policies), {
      file:
        configText === undefined ? undefined : (JSON.parse(configText) as Record<string, unknown>),
      maxLifetime: settings.maxLifetime,
      maxLifetimeByKind: settings.maxLifetimeByKind,
    });
    writeReport("--emit-policy-config", options.emitPolicyConfig, emitted.text);
    const written = Object.entries(emitted.written).map(([key, value]) => `${key} ${value}`);
    stderr(
      `audit: --emit-policy-config ${forTerminal(options.emitPolicyConfig)}: ${written.length > 0 ? `credential-max-lifetime ${written.join(", ")}` : "no cap written"}\n`,
    );
    for (const note of emitted.notes) stderr(`audit: note: ${forTerminal(note)}\n`);
  }
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
