/**
 * The preview's result as one plain-data document: what `--json` prints and what the terminal
 * renderer draws.
 */
import {
  formatInstant,
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_PASSWORD,
  SERVICE_PRINCIPAL,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TOKEN_SIGNING_CERTIFICATE,
} from "../../policy/core";
import {
  loadTenantSnapshot,
  TenantSnapshot,
  describeSource,
  InstantSource,
  appOf,
} from "../offline";
import type {
  ChurnFinding,
  Registration,
  SimulatedFailure,
  StackFile,
  TenantPolicyRefusal,
} from "../offline";
import { ConsumerRow, consumerRows, isRoleAssignment, revocationNote } from "./consumers";
import { CredentialRow, credentialRows, SecretRow, secretRows } from "./credentials";
import {
  appsOnExternalServicePrincipals,
  externalServicePrincipalNote,
} from "./externalServicePrincipals";
import { analyzeFailures, FailureRow } from "./failures";
import { GraphPermissionSetting, resolveGraphPermission } from "./options";
import type { PolicyResult } from "./policies";
import { ACTIVITY_FRESHNESS, ACTIVITY_SOURCE } from "./statePlan";
import type { PlanCounts, StatePlan } from "./statePlan";
import type { StateIdentity } from "../offline";

/** Exit codes of `npm start`. */
export const EXIT = {
  /** No mandatory policy violation. */
  ok: 0,
  /** At least one mandatory policy violation. */
  mandatoryViolations: 1,
  /**
   * The program, its stack file, its configuration or the command line failed, or the simulated
   * Azure refused a step (the report is printed first).
   */
  failed: 2,
} as const;

/** One resource of the tree, as `pulumi preview` lists it. */
export interface ResourceNode {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent; absent only for the stack resource. */
  parent?: string;
  /** False for component resources and the stack. */
  custom: boolean;
  /**
   * `create` offline, or `read` for `Resource.get` of an existing resource. With `--state`, the
   * step of the next `pulumi up` from the state: `same`, `update`, `replace`, `create`, `delete`
   * (a resource of the state the program no longer declares), or `read`.
   */
  op: "create" | "read" | "same" | "update" | "replace" | "delete";
  /** With `--state`, steps `update` and `replace`: the inputs that differ from the state. */
  changed?: string[];
  /** With `--state`, step `delete`: an old copy of a replaced resource the state marks `delete`. */
  pendingDelete?: boolean;
  /** `failed`: the real Azure would refuse it; `skipped`: it depends on a failed resource. */
  status?: "failed" | "skipped";
  /** The inputs as `pulumi preview --json` shows them: secret values as `[secret]`. */
  inputs: Record<string, unknown>;
}

/** With `--state`: the state previewed from, and the plan of the next `pulumi up`. */
export interface StateSummary {
  /** The `--state` file. */
  file: string;
  /** Its deployment version (3, or 4 with features). */
  version: 3 | 4;
  /** When the state was last written (`manifest.time`, as written). */
  updatedAt?: string;
  /** The Pulumi CLI that wrote it (`manifest.version`). */
  cliVersion?: string;
  /** `secrets_providers.type`. */
  secretsProvider?: string;
  /** Resources of the state, without the root stack and default providers. */
  resources: number;
  /** Secret values of the state: never read (shown as `[secret]`). */
  secretValues: number;
  /** The deploying identity's ids found in the state (the simulation stood in for them). */
  identity: StateIdentity;
  /** The next `pulumi up`'s steps by kind, every resource counted (components and the stack included). */
  plan: PlanCounts;
}

/** With `--credential-activity`: the sign-in report the credentials were judged by. */
export interface CredentialActivitySummary {
  file: string;
  /** Microsoft Graph's beta report: the API, and that it may change. */
  source: string;
  beta: true;
  /** Entries of the report. */
  entries: number;
  /** How recent a sign-in counts as in use (ISO 8601). */
  inUseWindow: string;
  /** How fresh the report is. */
  freshness: string;
}

/** The churn check's settings and what it compared. */
export interface ChurnCheckSummary {
  /** False with `--no-churn-check`: `credential-replaced-every-deployment` was not evaluated. */
  enabled: boolean;
  /** The instants the program ran at (the first is the preview's), RFC 3339. */
  instants: string[];
}

/** The whole preview. Instants are RFC 3339, UTC. */
export interface PreviewReport {
  project: string;
  stack: string;
  /** Absolute project directory. */
  dir: string;
  /** The instant the preview evaluated at. */
  now: string;
  /** True when `--now` set it. */
  nowFromOption: boolean;
  /** Where the instant came from: `--now`, `APP_CREDENTIALS_NOW`, or the clock. */
  nowSource: InstantSource;
  /** The stack resource first, then every registration in registration order. */
  resources: ResourceNode[];
  credentials: CredentialRow[];
  secrets: SecretRow[];
  /**
   * Who reads each app's secrets: per consumer, its role assignments and what it pastes (see
   * {@link ConsumerRow}); values exact.
   */
  consumers: ConsumerRow[];
  policy: PolicyResult;
  churnCheck: ChurnCheckSummary;
  /** Steps the real Azure would refuse; any makes the exit code 2. */
  failures: FailureRow[];
  /**
   * Apps whose rotation schedule the `--tenant` file's app management policies refuse at some
   * rotation, each with the cap, the schedule's longest lifetime and the setting to change.
   */
  tenantPolicyRefusals: TenantPolicyRefusal[];
  /** The `--tenant` snapshot file, when given. */
  tenant?: string;
  /** What the `--tenant` snapshot lists, per kind, when given (see {@link TenantCoverage}). */
  tenantCoverage?: TenantCoverage;
  /** The deployer's Graph permission the simulation applied, and where it came from. */
  graphPermission: GraphPermissionSetting;
  /** With `--state`: the state and the plan of the next `pulumi up`. */
  state?: StateSummary;
  /** With `--credential-activity`: the sign-in report. */
  credentialActivity?: CredentialActivitySummary;
  summary: {
    /** Resources including the stack resource (with `--state`, not those the plan deletes). */
    resources: number;
    customResources: number;
    components: number;
    /** Credentials the program declares (with `--state`, not those the plan deletes). */
    credentials: number;
    /** Credentials a Key Vault secret holds. */
    credentialsInKeyVault: number;
    secrets: number;
    /** Role assignments the program declares (azure-native), every principal's. */
    roleAssignments: number;
    /** Rows of {@link PreviewReport.consumers}. */
    consumers: number;
    /** Diagnostics per enforcement level. */
    violations: Record<string, number>;
    /** Refused steps. */
    failures: number;
    exitCode: number;
  };
  notes: string[];
  /** What the simulation checks that a plain mock would not. */
  simulatedChecks: string[];
  /** What an offline preview cannot know. */
  offlineLimits: string[];
}

/** The failure document `--json` prints for exit code 2 when there is no report. */
export interface FailureReport {
  error: { kind: string; message: string };
  summary: { exitCode: number };
}

/** What the program run contributes to the report. */
export interface RunForReport {
  stackFile: StackFile;
  registrations: Registration[];
  failures: SimulatedFailure[];
  refusalsModelled: boolean;
  notes: string[];
  /** The program's stack outputs, when recorded (the consumers' names, kinds and references). */
  stackOutputs?: Record<string, unknown>;
}

/** Everything {@link buildReport} needs. */
export interface ReportInput {
  run: RunForReport;
  /** Policy verdicts, the churn check's diagnostics included. */
  policy: PolicyResult;
  /** The instant evaluated, ms since the epoch, and where it came from. */
  nowMs: number;
  nowSource: InstantSource;
  churn: { enabled: boolean; instantsMs: number[]; findings: ChurnFinding[] };
  tenantFile?: string;
  /**
   * The snapshot read from `tenantFile` (what it lists); read from the file when absent. Only its
   * `covers` and the sizes of its lists are used.
   */
  tenantSnapshot?: Pick<TenantSnapshot, "covers" | "applications" | "servicePrincipals">;
  /** The deployer's effective Graph permission; default OwnedBy (`source: "default"`). */
  graphPermission?: GraphPermissionSetting;
  /**
   * Per consumer (`consumerKey`), whether its refresh is its kind's documented default, read from
   * the stack's configuration (./stackConfigFacts.ts); absent: the report does not say.
   */
  refreshDefaults?: Map<string, boolean>;
  /** With `--state`: the plan of the next `pulumi up` from the state (./statePlan.ts). */
  plan?: StatePlan;
  /**
   * The apps whose schedule the `--tenant` file's app management policies refuse at some rotation
   * (./stackConfigFacts.ts): refused like a refused step, even when this instant's credentials fit.
   */
  tenantPolicyRefusals?: readonly TenantPolicyRefusal[];
}

/** The rules the simulated Azure applies (when it reports refused steps at all). */
export const SIMULATED_CHECKS = [
  "every input the providers validate when they check a resource (the provider facts table: allowed values, formats, limits)",
  "credential writes: owners and the deployer's Microsoft Graph permission (Application.ReadWrite.OwnedBy unless told otherwise), and the publisher's app instance property lock",
  "sign-in audiences with personal Microsoft accounts (access tokens v2 only, at most two client secrets, no symmetric keys)",
  "credential dates as the provider stores them (whole seconds, UTC), and a certificate credential's end date within the certificate's validity",
  "Key Vault soft delete: a deleted secret's name stays reserved (across simulated deployments; one preview deletes nothing)",
  "the --tenant file's app management policies, per application and service principal (passwordLifetime, asymmetricKeyLifetime, passwordAddition: Graph's CredentialInvalidLifetimeAsPerAppPolicy / CredentialTypeNotAllowedAsPerAppPolicy), at this instant and for every rotation of each app's schedule",
];

/** What one kind of object the `--tenant` snapshot lists. */
export interface KindCoverage {
  /** True when the snapshot lists this kind: an id of it that the snapshot lacks is missing. */
  listed: boolean;
  /** Objects of the kind the snapshot holds. */
  count: number;
}

/**
 * What a `--tenant` snapshot covers. A kind it does not list is not checked: its ids are assumed
 * to exist (an array of `az ad app list` output lists no service principal).
 */
export interface TenantCoverage {
  file: string;
  applications: KindCoverage;
  servicePrincipals: KindCoverage;
}

/** The coverage of a snapshot read from `file`. */
export function tenantCoverage(
  file: string,
  snapshot: Pick<TenantSnapshot, "covers" | "applications" | "servicePrincipals">,
): TenantCoverage {
  return {
    file,
    applications: { listed: snapshot.covers.applications, count: snapshot.applications.size },
    servicePrincipals: {
      listed: snapshot.covers.servicePrincipals,
      count: snapshot.servicePrincipals.size,
    },
  };
}

/** `3 applications`, `1 service principal`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The footer's line on which ids were checked against which snapshot, if any. */
function existenceLimit(tenant: string | TenantCoverage | undefined): string {
  if (tenant === undefined) {
    return "existence: every application and service principal id in the program is assumed to exist (pass --tenant with `az ad app list --all` / `az ad sp list --all` output to check)";
  }
  const notSeen =
    "not the live tenant (objects created or deleted since it was taken are not seen)";
  if (typeof tenant === "string") {
    return `existence: applications and service principals are checked against the snapshot ${tenant}, ${notSeen}`;
  }
  const { file, applications, servicePrincipals } = tenant;
  if (applications.listed && servicePrincipals.listed) {
    return `existence: applications and service principals are checked against the snapshot ${file} (${plural(applications.count, "application")}, ${plural(servicePrincipals.count, "service principal")}), ${notSeen}`;
  }
  if (!applications.listed && !servicePrincipals.listed) {
    return `existence: the snapshot ${file} lists no applications and no service principals (only the deployer's permission): every application and service principal id in the program is assumed to exist`;
  }
  const [checked, unchecked, command] = applications.listed
    ? [
        `applications (${plural(applications.count, "application")})`,
        "service principal",
        "az ad sp list --all",
      ]
    : [
        `service principals (${plural(servicePrincipals.count, "service principal")})`,
        "application",
        "az ad app list --all",
      ];
  return `existence: only ${checked} are checked against the snapshot ${file}, ${notSeen}; it lists no ${unchecked}s, so every ${unchecked} id is assumed to exist (add \`${command}\` output: {"applications": [...], "servicePrincipals": [...]})`;
}

/** Credential types by the input naming the object they are added to. */
const OWNER_INPUT: Record<string, { key: string; kind: "application" | "servicePrincipal" }> = {
  [APPLICATION_PASSWORD]: { key: "applicationId", kind: "application" },
  [APPLICATION_CERTIFICATE]: { key: "applicationId", kind: "application" },
  [SERVICE_PRINCIPAL_PASSWORD]: { key: "servicePrincipalId", kind: "servicePrincipal" },
  [SERVICE_PRINCIPAL_CERTIFICATE]: { key: "servicePrincipalId", kind: "servicePrincipal" },
  [TOKEN_SIGNING_CERTIFICATE]: { key: "servicePrincipalId", kind: "servicePrincipal" },
};

/** An id a program names of an existing object: `/applications/<id>` or the bare object id. */
function objectIdOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(?:\/(?:applications|servicePrincipals)\/)?([0-9a-fA-F-]{36})$/.exec(value);
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * Ids of existing objects (read with `Resource.get`, or named literally as a credential's
 * `applicationId` / `servicePrincipalId`) of a kind the snapshot does not list: not checked.
 *
 * @returns per kind, `id (app)` in order of first appearance, without duplicates
 */
export function uncheckedObjects(
  registrations: Registration[],
  coverage: TenantCoverage,
): Record<"application" | "servicePrincipal", string[]> {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const found = { application: [] as string[], servicePrincipal: [] as string[] };
  const add = (kind: "application" | "servicePrincipal", id: string, r: Registration) => {
    const listed =
      kind === "application" ? coverage.applications.listed : coverage.servicePrincipals.listed;
    const entry = `${id} (${appOf(r, byUrn)})`;
    if (!listed && !found[kind].includes(entry)) found[kind].push(entry);
  };
  for (const r of registrations) {
    if (r.read === true && (r.type === APPLICATION || r.type === SERVICE_PRINCIPAL)) {
      const id = objectIdOf(r.id);
      if (id) add(r.type === APPLICATION ? "application" : "servicePrincipal", id, r);
      continue;
    }
    const owner = OWNER_INPUT[r.type];
    if (owner === undefined || (r.propertyDependencies[owner.key] ?? []).length > 0) continue;
    const id = objectIdOf(r.inputs[owner.key]);
    if (id) add(owner.kind, id, r);
  }
  return found;
}

/** The note naming the ids the snapshot could not check, or undefined when there are none. */
export function uncheckedObjectsNote(
  registrations: Registration[],
  coverage: TenantCoverage,
): string | undefined {
  const unchecked = uncheckedObjects(registrations, coverage);
  const parts = [
    unchecked.application.length > 0
      ? `application ${unchecked.application.join(", ")}`
      : undefined,
    unchecked.servicePrincipal.length > 0
      ? `service principal ${unchecked.servicePrincipal.join(", ")}`
      : undefined,
  ].filter((p): p is string => p !== undefined);
  if (parts.length === 0) return undefined;
  return `not checked against the tenant snapshot ${coverage.file}, which does not list their kind (assumed to exist): ${parts.join("; ")}`;
}

/**
 * Facts an offline preview cannot establish; printed in the footer of every preview.
 *
 * @param tenant the `--tenant` snapshot's coverage (or only its file name), when given
 */
export function offlineLimits(
  tenant: string | TenantCoverage | undefined,
  refusalsModelled: boolean,
  stateFile?: string,
): string[] {
  const existence = existenceLimit(tenant);
  if (stateFile !== undefined) {
    return [
      ...offlineLimits(tenant, refusalsModelled).slice(0, -1),
      `real values: the ids, key ids and dates of what the next pulumi up keeps come from the state ${stateFile}; what it creates or replaces has simulated ones (Azure assigns them), and secret values are never read`,
      "drift: the state is what Pulumi recorded at its last update; changes made in Azure since (a credential deleted in the portal) are not seen, as pulumi up does not see them without pulumi refresh",
    ];
  }
  return [
    refusalsModelled
      ? "real permissions: the deploying identity's actual Graph permission and ownerships, and its Azure RBAC on the vault (secrets are written through Azure Resource Manager, e.g. with Contributor)"
      : "permissions: whether the deploying identity may create app registrations and add passwords (Microsoft Graph Application.ReadWrite.All, or ownership of each application / service principal), and may write Key Vault secrets (Azure RBAC on the vault)",
    refusalsModelled
      ? "name clashes outside this stack: Key Vault names are globally unique, and vaults or secrets soft-deleted outside this simulation block creation"
      : "name clashes in Azure: Key Vault names are globally unique, and a soft-deleted vault or secret with the same name blocks creation",
    "real service limits and tenant policy: Entra ID app management policies (for example a shorter passwordLifetime), quotas and throttling",
    existence,
    "real values: object ids, client ids, key ids, vault URIs and secret values are simulated",
  ];
}

/** Name of the stack resource the engine creates: `<project>-<stack>`. */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** Builds the report. */
export function buildReport(input: ReportInput): PreviewReport {
  const { run, policy, nowMs, nowSource } = input;
  const { project, stack, dir } = run.stackFile;
  const root = stackUrn(project, stack);
  const { rows: failures, excluded } = analyzeFailures(run.registrations, run.failures);
  const failed = new Set(run.failures.map((f) => f.urn));
  const resources: ResourceNode[] = [
    {
      urn: root,
      type: "pulumi:pulumi:Stack",
      name: `${project}-${stack}`,
      custom: false,
      op: "create",
      inputs: {},
    },
    ...run.registrations.map((r): ResourceNode => {
      const step = input.plan?.byUrn.get(r.urn);
      return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ?? root,
        custom: r.custom,
        op: r.read ? "read" : (step?.op ?? "create"),
        ...(step && step.changed.length > 0 && (step.op === "update" || step.op === "replace")
          ? { changed: step.changed }
          : {}),
        ...(failed.has(r.urn)
          ? { status: "failed" as const }
          : excluded.has(r.urn)
            ? { status: "skipped" as const }
            : {}),
        inputs: r.inputs,
      };
    }),
  ];
  const deleted: ResourceNode[] = (input.plan?.deleted ?? []).map((d) => ({
    urn: d.urn,
    type: d.type,
    name: d.name,
    parent: d.parent ?? root,
    custom: d.custom,
    op: "delete",
    ...(d.pendingDelete ? { pendingDelete: true } : {}),
    inputs: d.inputs,
  }));
  if (input.plan) resources[0].op = "same";
  const credentials = input.plan?.credentials ?? credentialRows(run.registrations);
  const declared = credentials.filter((c) => c.step !== "delete");
  const secrets = secretRows(run.registrations, nowMs);
  const consumers = consumerRows(run.registrations, run.stackOutputs, input.refreshDefaults);
  const violations: Record<string, number> = { mandatory: 0, advisory: 0 };
  for (const d of policy.diagnostics)
    violations[d.enforcementLevel] = (violations[d.enforcementLevel] ?? 0) + 1;
  const notes = [...run.notes];
  if (declared.some((c) => c.generation !== undefined)) {
    notes.push(
      "changing a rotation period or anchor changes every generation: all slots of the affected apps rotate at once on the next deployment",
    );
    notes.push(...revocationNotes(declared, consumers));
  }
  if (input.plan) notes.push(...stateNotes(input.plan));
  if (nowSource !== "clock") {
    notes.push(
      `evaluated as of ${formatInstant(nowMs)} (${describeSource(nowSource, "--now")}), not the current time`,
    );
  }
  if (!input.churn.enabled) {
    notes.push(
      "the churn check was skipped (--no-churn-check): credential-replaced-every-deployment was not evaluated; credentials replaced at every deployment go unnoticed",
    );
  }
  const external = externalServicePrincipalNote(appsOnExternalServicePrincipals(run.registrations));
  if (external) notes.push(external);
  const coverage = coverageOf(input);
  const unchecked = coverage && uncheckedObjectsNote(run.registrations, coverage);
  if (unchecked) notes.push(unchecked);
  const stoppedAt = failures.find((f) => f.phase !== "apply");
  if (stoppedAt) {
    notes.push(
      `the real engine stops at ${stoppedAt.type} "${stoppedAt.name}" (${stoppedAt.phase === "check" ? "its provider Check fails" : "its Read fails"}): pulumi preview stops there, so the policies judged only the resources registered before it${stoppedAt.phase === "check" ? " and that one" : ""}, and no stack policy ran — as the engine does`,
    );
  } else if (excluded.size > failed.size) {
    notes.push(
      "resources that depend on a refused step would be skipped by pulumi up --continue-on-error; the policies judged them as pulumi preview does, with the values they take from a refused resource unknown",
    );
  }
  const tenantPolicyRefusals = [...(input.tenantPolicyRefusals ?? [])];
  const exitCode =
    failures.length > 0 || tenantPolicyRefusals.length > 0
      ? EXIT.failed
      : violations.mandatory > 0
        ? EXIT.mandatoryViolations
        : EXIT.ok;
  return {
    project,
    stack,
    dir,
    now: formatInstant(nowMs),
    nowFromOption: nowSource === "option",
    nowSource,
    resources: [...resources, ...deleted],
    credentials,
    secrets,
    consumers,
    policy,
    churnCheck: {
      enabled: input.churn.enabled,
      instants: input.churn.instantsMs.map(formatInstant),
    },
    failures,
    tenantPolicyRefusals,
    ...(input.tenantFile !== undefined ? { tenant: input.tenantFile } : {}),
    ...(coverage ? { tenantCoverage: coverage } : {}),
    graphPermission: input.graphPermission ?? resolveGraphPermission(undefined, undefined),
    ...(input.plan ? { state: stateSummary(input.plan) } : {}),
    ...(input.plan?.activity
      ? {
          credentialActivity: {
            file: input.plan.activity.file,
            source: ACTIVITY_SOURCE,
            beta: true as const,
            entries: input.plan.activity.entries,
            inUseWindow: input.plan.activity.inUseWindow,
            freshness: ACTIVITY_FRESHNESS,
          },
        }
      : {}),
    summary: {
      resources: resources.length,
      customResources: resources.filter((r) => r.custom).length,
      components: resources.filter((r) => !r.custom).length,
      credentials: declared.length,
      credentialsInKeyVault: declared.filter((c) => c.keyVaultSecrets.length > 0).length,
      secrets: secrets.length,
      roleAssignments: run.registrations.filter(isRoleAssignment).length,
      consumers: consumers.length,
      violations,
      failures: failures.length,
      exitCode,
    },
    notes,
    simulatedChecks: run.refusalsModelled ? SIMULATED_CHECKS : [],
    offlineLimits: offlineLimits(
      coverage ?? input.tenantFile,
      run.refusalsModelled,
      input.plan?.file,
    ),
  };
}

/** The `--state` part of the report. */
function stateSummary(plan: StatePlan): StateSummary {
  const e = plan.exported;
  return {
    file: plan.file,
    version: e.version,
    ...(e.updatedAt !== undefined ? { updatedAt: e.updatedAt } : {}),
    ...(e.cliVersion !== undefined ? { cliVersion: e.cliVersion } : {}),
    ...(e.secretsProvider !== undefined ? { secretsProvider: e.secretsProvider } : {}),
    resources: e.resources.length,
    secretValues: e.secretValues,
    identity: plan.identity,
    // The root stack too, as pulumi up counts it.
    plan: { ...plan.counts, same: plan.counts.same + 1 },
  };
}

/** Notes on the state: where values come from, what it holds besides the resources. */
function stateNotes(plan: StatePlan): string[] {
  const e = plan.exported;
  const notes = [
    `planned from the state ${plan.file}${e.updatedAt ? ` (written ${e.updatedAt}${e.cliVersion ? ` by Pulumi ${e.cliVersion}` : ""})` : ""}: what the next pulumi up keeps shows its real ids, key ids and dates; a credential it creates has no key id until Azure assigns one`,
  ];
  const { tenantId, subscriptionId, deployerObjectId } = plan.identity;
  const missing = [
    tenantId === undefined ? "the tenant" : undefined,
    subscriptionId === undefined && e.resources.some((r) => r.type.startsWith("azure-native:"))
      ? "the subscription"
      : undefined,
    deployerObjectId === undefined &&
    e.resources.some(
      (r) => !r.read && /^azuread:index\/(application|servicePrincipal):/.test(r.type),
    )
      ? "the deploying identity (an owner of every application the stack created)"
      : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    notes.push(
      `the state does not show ${missing.join(", ")}: values the program derives from it (owners, the tenant-id secret, role definition ids) may show as changed although the real pulumi up keeps them`,
    );
  }
  if (e.pendingDeletes.length > 0) {
    notes.push(
      `the state holds ${e.pendingDeletes.length} old ${e.pendingDeletes.length === 1 ? "copy" : "copies"} of replaced resources marked for deletion (a replacement an earlier update did not finish): the next pulumi up deletes ${e.pendingDeletes.length === 1 ? "it" : "them"}`,
    );
  }
  if (e.pendingReplacements.length > 0) {
    notes.push(
      `the state holds ${e.pendingReplacements.length} resource${e.pendingReplacements.length === 1 ? "" : "s"} deleted before ${e.pendingReplacements.length === 1 ? "its" : "their"} replacement and not re-created (${e.pendingReplacements.map((r) => r.name).join(", ")}): the next pulumi up creates ${e.pendingReplacements.length === 1 ? "it" : "them"}`,
    );
  }
  if (e.pendingOperations > 0) {
    notes.push(
      `the state records ${e.pendingOperations} operation${e.pendingOperations === 1 ? "" : "s"} an interrupted update left unfinished: resolve ${e.pendingOperations === 1 ? "it" : "them"} first (pulumi refresh), the plan does not include ${e.pendingOperations === 1 ? "it" : "them"}`,
    );
  }
  if (e.secretValues > 0) {
    notes.push(
      `${e.secretValues} secret value${e.secretValues === 1 ? "" : "s"} of the state ${e.secretValues === 1 ? "was" : "were"} not read (${e.plaintextSecrets > 0 ? `${e.plaintextSecrets} exported with --show-secrets; ` : ""}shown as [secret], compared as unknown)`,
    );
  }
  if (plan.activity) {
    notes.push(
      `last sign-ins from ${plan.activity.file} (${ACTIVITY_SOURCE}): ${ACTIVITY_FRESHNESS}`,
    );
  }
  return notes;
}

/**
 * Per app with a scheduled credential (a generation) and consumers, the note naming the consumers
 * a manual rotation or a new period or anchor revokes, in the consumer table's app order.
 */
function revocationNotes(credentials: CredentialRow[], consumers: ConsumerRow[]): string[] {
  const scheduled = new Set(
    credentials.filter((c) => c.generation !== undefined).map((c) => c.app),
  );
  const apps = [...new Set(consumers.map((c) => c.app))].filter((app) => scheduled.has(app));
  return apps.map((app) =>
    revocationNote(
      app,
      consumers.filter((c) => c.app === app),
    ),
  );
}

/**
 * The `--tenant` snapshot's coverage: from the snapshot given, else read from the file (the
 * preview validated it before the program ran); undefined without `--tenant`, or when the file
 * can no longer be read (the footer then names only the file).
 */
function coverageOf(input: ReportInput): TenantCoverage | undefined {
  if (input.tenantFile === undefined) return undefined;
  try {
    return tenantCoverage(
      input.tenantFile,
      input.tenantSnapshot ?? loadTenantSnapshot(input.tenantFile),
    );
  } catch {
    return undefined;
  }
}
