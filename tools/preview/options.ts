/**
 * The command line of `npm start` (commander), and the checks of option values that need no I/O.
 */
import * as path from "path";
import { Command } from "commander";
import {
  GRAPH_PERMISSION_CHOICES,
  GraphPermissionName,
  isGraphPermissionName,
  ProgramFailure,
  DEFAULT_TIMEOUT_MS,
  describeDuration,
  parseTimeout,
  checkStackName,
} from "../offline";

/**
 * The Graph permission the simulation gives the deployer unless told otherwise: the least
 * privilege a rotation pipeline should run with (tools/offline/simulator/world.ts
 * `DEFAULT_GRAPH_PERMISSION`).
 */
export const DEFAULT_GRAPH_PERMISSION_NAME: GraphPermissionName = "Application.ReadWrite.OwnedBy";

/** Parsed command line. */
export interface PreviewOptions {
  stack: string;
  /** Absolute project directory. */
  dir: string;
  /** `--now`: RFC 3339 instant to evaluate at (validated later, with `APP_CREDENTIALS_NOW`). */
  now?: string;
  /** Absolute path of the policy pack config file. */
  policyPackConfig?: string;
  /** Absolute policy pack directory (default: this repository's `policy/`). */
  policyPack?: string;
  /** Absolute path of a tenant snapshot (`az ad app list --all` / `az ad sp list --all`). */
  tenant?: string;
  /** `--graph-permission`: the deployer's Graph permission (see {@link resolveGraphPermission}). */
  graphPermission?: GraphPermissionName;
  /**
   * Absolute path of the stack's state, the JSON `pulumi stack export` writes: the simulated
   * deployment starts from it (the plan of the next `pulumi up`).
   */
  state?: string;
  /**
   * Absolute path of Microsoft Graph's sign-in report per credential (beta
   * `/reports/appCredentialSignInActivities`, as tools/audit reads it); only with {@link state}.
   */
  credentialActivity?: string;
  /** Run the program at later instants too, to find credentials replaced at every deployment. */
  churnCheck: boolean;
  /** Bound on each program run, ms. */
  timeoutMs: number;
  json: boolean;
}

/** Where commander writes help (`out`) and its own errors (`err`). */
export interface CommandOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const PROCESS_OUTPUT: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The commander program of `npm start --` (exits are overridden: errors are thrown). */
export function previewCommand(output: CommandOutput = PROCESS_OUTPUT): Command {
  return new Command()
    .name("npm start --")
    .description(
      "Offline preview of a Pulumi TypeScript stack with CrossGuard policy verdicts: no Pulumi CLI, no Azure account.",
    )
    .option("--stack <name>", "stack whose Pulumi.<name>.yaml holds the config", "dev")
    .option("--dir <path>", "Pulumi project directory (holds Pulumi.yaml)", ".")
    .option(
      "--now <rfc3339>",
      "evaluate as of this instant (default: $APP_CREDENTIALS_NOW, else the current time)",
    )
    .option("--policy-pack-config <file>", "policy pack configuration JSON, as for pulumi preview")
    .option("--policy-pack <dir>", "policy pack directory (default: this repository's policy/)")
    .option(
      "--tenant <file>",
      "tenant snapshot: the JSON of `az ad app list --all` and/or `az ad sp list --all`",
    )
    .option(
      "--graph-permission <permission>",
      `the deploying identity's Microsoft Graph permission: ${GRAPH_PERMISSION_CHOICES} (default: the --tenant file's deployer.graphPermission, else ${DEFAULT_GRAPH_PERMISSION_NAME})`,
    )
    .option(
      "--state <file>",
      "the stack's state, as `pulumi stack export --file FILE` writes it: preview the next pulumi up from it (same, update, replace, delete) with the real key ids",
    )
    .option(
      "--credential-activity <file>",
      "with --state: the sign-in report of each credential (JSON of GET /beta/reports/appCredentialSignInActivities, a Microsoft Graph BETA API; AuditLog.Read.All): last sign-in per credential, and credential-in-use-before-deletion",
    )
    .option(
      "--no-churn-check",
      "skip running the program at later instants (credential-replaced-every-deployment is then not evaluated)",
    )
    .option(
      "--timeout <duration>",
      `bound on each program run: seconds or an ISO 8601 duration such as PT15M (default ${describeDuration(DEFAULT_TIMEOUT_MS)})`,
    )
    .option("--json", "print one JSON document instead of text", false)
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err });
}

/**
 * Parses the command line.
 *
 * @param output where commander writes help and its errors (default: the process's streams)
 * @throws CommanderError for unknown options and `--help`; ProgramFailure (kind `usage`) naming
 *   the option for an invalid `--stack` or `--timeout`, or `--credential-activity` without
 *   `--state`
 */
export function parseArguments(argv: string[], output?: CommandOutput): PreviewOptions {
  const program = previewCommand(output);
  program.parse(argv, { from: "user" });
  // Commander's values: the options as given (paths relative), `--timeout` as written.
  const raw = program.opts<
    Omit<PreviewOptions, "timeoutMs" | "graphPermission"> & {
      timeout?: string;
      graphPermission?: string;
    }
  >();
  if (raw.credentialActivity !== undefined && raw.state === undefined) {
    throw new ProgramFailure(
      "usage",
      "--credential-activity needs --state: only the stack's state says which real credentials (key ids) the next pulumi up deletes; give --state FILE from `pulumi stack export --file FILE`",
    );
  }
  return {
    stack: checkStackName(raw.stack),
    dir: path.resolve(raw.dir),
    now: raw.now,
    policyPackConfig: raw.policyPackConfig ? path.resolve(raw.policyPackConfig) : undefined,
    policyPack: raw.policyPack ? path.resolve(raw.policyPack) : undefined,
    tenant: raw.tenant ? path.resolve(raw.tenant) : undefined,
    state: raw.state ? path.resolve(raw.state) : undefined,
    credentialActivity: raw.credentialActivity ? path.resolve(raw.credentialActivity) : undefined,
    graphPermission:
      raw.graphPermission === undefined ? undefined : checkGraphPermission(raw.graphPermission),
    churnCheck: raw.churnCheck !== false,
    timeoutMs: raw.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(raw.timeout),
    json: raw.json === true,
  };
}

/**
 * Where the effective Graph permission came from: `option` (`--graph-permission`), `tenant` (the
 * `--tenant` file's `deployer.graphPermission`) or `default`.
 */
export type GraphPermissionSource = "option" | "tenant" | "default";

/** The deployer's effective Graph permission and where it came from. */
export interface GraphPermissionSetting {
  permission: GraphPermissionName;
  source: GraphPermissionSource;
}

/**
 * The deployer's effective Graph permission: `--graph-permission` wins over the tenant file's
 * `deployer.graphPermission`, which wins over {@link DEFAULT_GRAPH_PERMISSION_NAME}.
 *
 * @param fromOption `--graph-permission`, when given
 * @param fromTenant the `--tenant` file's `deployer.graphPermission`, when it has one
 */
export function resolveGraphPermission(
  fromOption: GraphPermissionName | undefined,
  fromTenant: GraphPermissionName | undefined,
): GraphPermissionSetting {
  if (fromOption !== undefined) return { permission: fromOption, source: "option" };
  if (fromTenant !== undefined) return { permission: fromTenant, source: "tenant" };
  return { permission: DEFAULT_GRAPH_PERMISSION_NAME, source: "default" };
}

/**
 * A `--graph-permission` value: a Graph permission name exactly as Graph spells it.
 *
 * @throws ProgramFailure (kind `usage`) naming the option, the value and the allowed values
 */
export function checkGraphPermission(
  value: string,
  option = "--graph-permission",
): GraphPermissionName {
  if (isGraphPermissionName(value)) return value;
  throw new ProgramFailure(
    "usage",
    `${option}: ${JSON.stringify(value)} is not a deployer permission: expected ${GRAPH_PERMISSION_CHOICES}`,
  );
}
