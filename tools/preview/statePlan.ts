/**
 * `--state FILE` and `--credential-activity FILE`: the preview of the next `pulumi up` from the
 * stack's real state, and what the sign-in report says about the credentials it deletes.
 *
 * - The state (`pulumi stack export`, tools/offline/stackExport.ts) seeds the simulated world of
 *   every program run (tools/offline/stateSeed.ts); the run's registrations are then planned
 *   against it as the engine would (tools/offline/simulator/deployment.ts `planDeployment`): same,
 *   update, replace, delete, create. Credentials show the state's real key ids and dates; a
 *   credential the deployment creates gets its key id from Azure, so it has none yet.
 * - The sign-in report (Microsoft Graph **beta** `GET /beta/reports/appCredentialSignInActivities`,
 *   read by tools/offline/credentialActivity.ts) gives each credential of the state its last sign-in
 *   (by key id). A credential the deployment deletes that signed in within `inUseWindow` (default
 *   `PT24H`) before the deployment instant is `credential-in-use-before-deletion`
 *   (tools/offline/credentialUse.ts `credentialInUseBeforeDeletion`, shared with the tenant audit):
 *   some consumer has not moved to the credential Key Vault holds. No entry for a credential is no
 *   data: no verdict.
 */
import * as fs from "fs";
import { Duration } from "luxon";
import {
  APPLICATION_CERTIFICATE,
  APPLICATION_PASSWORD,
  DEFAULT_IN_USE_WINDOW,
  formatInstant,
  keyVaultSecretFlavour,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
} from "../../policy/core";
import {
  checkStackExportFor,
  parseStackExport,
  planDeployment,
  ProgramFailure,
  SimulatedWorld,
  StackExportError,
  translateIds,
} from "../offline";
import type {
  PlannedStep,
  Registration,
  SeededState,
  SimulatedFailure,
  StackExport,
  StackFile,
  StateIdentity,
  StateResource,
  StepOp,
} from "../offline";
// The sign-in report's reader and the shared verdict live with the tenant audit (tools/audit).
import {
  CredentialActivityIndex,
  CredentialActivityShapeError,
  parseCredentialActivityText,
} from "../offline/credentialActivity";
import type { LastSignIn } from "../offline/credentialActivity";
import { credentialInUseBeforeDeletion } from "../offline/credentialUse";
import { CredentialRow, credentialRows, SignInRow } from "./credentials";

/**
 * The largest state file read: 500 MiB (a JavaScript string holds at most 512 MiB of text). A
 * stack of 1,000 apps exports about 50 MiB.
 */
export const MAX_STATE_BYTES = 500 * 2 ** 20;

/** The largest sign-in report read: 500 MiB, as the tenant audit. */
export const MAX_ACTIVITY_BYTES = 500 * 2 ** 20;

/** Where the sign-in report comes from, for people. */
export const ACTIVITY_SOURCE =
  "Microsoft Graph GET /beta/reports/appCredentialSignInActivities (a beta API, subject to change)";

/**
 * How fresh the report is: its `signInActivity` is Graph's `signInActivity`, which Microsoft
 * documents "might take up to 24 hours to update"
 * (https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency).
 */
export const ACTIVITY_FRESHNESS =
  "sign-ins may take up to 24 hours to show (Microsoft Entra log latency): a later sign-in may be missing; no entry for a credential is no data";

/** A `--state` file, read and checked against the stack previewed. */
export interface LoadedState {
  file: string;
  exported: StackExport;
}

/**
 * Reads `--state FILE`: a regular file of at most {@link MAX_STATE_BYTES}, the JSON of
 * `pulumi stack export`, of the project and stack previewed.
 *
 * @throws ProgramFailure (kind `usage`): one line naming the file and the problem (unreadable, not
 *   JSON, another version, a malformed resource, another project's or stack's state); never a
 *   value of the file
 */
export function loadState(file: string, stackFile: StackFile): LoadedState {
  const source = `--state ${file}`;
  const text = readInputFile(file, source, MAX_STATE_BYTES, "a stack's state");
  try {
    const exported = parseStackExport(text, source);
    checkStackExportFor(exported, stackFile.project, stackFile.stack, source);
    return { file, exported };
  } catch (error) {
    if (error instanceof StackExportError) throw new ProgramFailure("usage", error.message);
    throw error;
  }
}

/** A `--credential-activity` file, read. */
export interface LoadedActivity {
  file: string;
  index: CredentialActivityIndex;
  /** Entries of the report. */
  entries: number;
}

/**
 * Reads `--credential-activity FILE` as the tenant audit reads it (a page `{value: [...]}`, pages
 * one after the other, or a list of pages; both of Graph's spellings).
 *
 * @throws ProgramFailure (kind `usage`): one line naming the file, the JSON path and the problem
 *   (unreadable as {@link loadState} says)
 */
export function loadActivity(file: string): LoadedActivity {
  const source = `--credential-activity ${file}`;
  const text = readInputFile(file, source, MAX_ACTIVITY_BYTES, "a sign-in report");
  try {
    const entries = parseCredentialActivityText(text);
    return { file, index: new CredentialActivityIndex(entries), entries: entries.length };
  } catch (error) {
    if (error instanceof CredentialActivityShapeError) {
      throw new ProgramFailure("usage", `${source}: ${error.path}: ${error.problem}`);
    }
    throw error;
  }
}

/**
 * The text of an input file: only a regular file (a FIFO or a device is refused at once, never
 * waited on) of at most `maxBytes`, checked on the open descriptor; UTF-8 (a byte order mark
 * dropped) or UTF-16LE with its byte order mark (what Windows PowerShell 5's `>` writes).
 *
 * @param source how messages name it (`--state FILE`)
 * @throws ProgramFailure (kind `usage`): `<source>: cannot read (…)`, naming what it is instead
 */
function readInputFile(file: string, source: string, maxBytes: number, what: string): string {
  const cannot = (reason: string) => new ProgramFailure("usage", `${source}: cannot read${reason}`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw cannot(": a directory, not a file");
    throw cannot(` (${code === "ENOENT" ? "no such file" : (code ?? "error")})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw cannot(": a directory, not a file");
    if (!stat.isFile()) throw cannot(": not a regular file (a FIFO, a device or a socket)");
    if (stat.size > maxBytes) {
      throw cannot(
        `: ${stat.size} bytes, more than the ${maxBytes / 2 ** 20} MiB read for ${what}`,
      );
    }
    const bytes = fs.readFileSync(fd);
    if (bytes.length > maxBytes) {
      throw cannot(`: more than the ${maxBytes / 2 ** 20} MiB read for ${what}`);
    }
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    fs.closeSync(fd);
  }
}

/** What a program run contributes to the plan (its registrations and refusals, with its outputs). */
export interface RunForPlan {
  registrations: Registration[];
  failures: SimulatedFailure[];
  stackOutputs?: Record<string, unknown>;
}

/**
 * The run with the simulation's stand-ins for the state's ids (tenant, subscription, deploying
 * identity, read objects' client ids) put back: what the real deployment would see.
 */
export function withRealIds<T extends RunForPlan>(run: T, seeded: SeededState): T {
  const map = seeded.translation.toReal;
  if (map.size === 0) return run;
  return {
    ...run,
    registrations: run.registrations.map((r) => ({
      ...r,
      inputs: translateIds(r.inputs, map),
      outputs: translateIds(r.outputs, map),
      ...(r.id !== undefined ? { id: translateIds(r.id, map) } : {}),
      ...(r.failure ? { failure: translateIds(r.failure, map) } : {}),
    })),
    failures: translateIds(run.failures, map),
    ...(run.stackOutputs !== undefined
      ? { stackOutputs: translateIds(run.stackOutputs, map) }
      : {}),
  };
}

/** A resource the next deployment deletes, for the resource tree. */
export interface DeletedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** An old copy the state marks `delete` (a replacement's leftover). */
  pendingDelete: boolean;
}

/** A `credential-in-use-before-deletion` finding. Instants ms since the epoch. */
export interface InUseFinding {
  /** The credential's URN (the registration's for a replaced one). */
  urn: string;
  type: string;
  name: string;
  app: string;
  kind: "password" | "certificate";
  keyId: string;
  slot?: string;
  generation?: number;
  /** Its end date, RFC 3339. */
  end?: string;
  /** `replaced` by a new credential; `removed` from the program; an old copy `pending` deletion. */
  why: "replaced" | "removed" | "pending";
  lastSignInMs: number;
  /** The deployment instant. */
  deploymentMs: number;
  /** Sign-ins from here on count (`deploymentMs − inUseWindow`). */
  windowStartMs: number;
  inUseWindow: string;
  /** The Key Vault secrets that hold the app's credential after the deployment. */
  keyVaultSecrets: string[];
}

/** How many steps of each kind the plan holds. */
export type PlanCounts = Record<StepOp, number>;

/** The plan of the next `pulumi up` from the state. */
export interface StatePlan {
  file: string;
  exported: StackExport;
  /** The state's ids of the deploying identity (each absent when not found). */
  identity: StateIdentity;
  steps: PlannedStep[];
  counts: PlanCounts;
  /** Per registration URN, its step. */
  byUrn: Map<string, PlannedStep>;
  /** Resources the deployment deletes. */
  deleted: DeletedResource[];
  /** The credential table: the program's credentials with their step, then the deleted ones. */
  credentials: CredentialRow[];
  /** With `--credential-activity`: the credentials in use that the deployment deletes. */
  inUse: InUseFinding[];
  /** With `--credential-activity`. */
  activity?: { file: string; entries: number; inUseWindow: string };
}

/** Options of {@link planFromState}. */
export interface PlanOptions {
  state: LoadedState;
  seeded: SeededState;
  /** The run as simulated (the simulation's ids: planned against the seed). */
  simulatedRun: RunForPlan;
  /** The same run with the real ids ({@link withRealIds}): what the report shows. */
  run: RunForPlan;
  /** The deployment instant, ms since the epoch. */
  nowMs: number;
  activity?: LoadedActivity;
  /** How recent a sign-in counts as in use (default {@link DEFAULT_IN_USE_WINDOW}). */
  inUseWindow?: string;
}

/** Plans the next deployment from the state and builds the credential table and the findings. */
export function planFromState(options: PlanOptions): StatePlan {
  const { state, seeded, nowMs } = options;
  const steps = planDeployment(
    new SimulatedWorld({ seed: seeded.seed }),
    options.simulatedRun.registrations,
  );
  const counts: PlanCounts = { create: 0, same: 0, update: 0, replace: 0, delete: 0, read: 0 };
  for (const s of steps) counts[s.op]++;
  const byUrn = new Map<string, PlannedStep>();
  for (const s of steps) if (!s.pendingDelete && s.op !== "delete") byUrn.set(s.urn, s);
  const exported = state.exported;
  const live = new Map(exported.resources.map((r) => [r.urn, r]));
  const deleted: DeletedResource[] = [];
  for (const s of steps) {
    if (s.op !== "delete") continue;
    const from = s.pendingDelete
      ? exported.pendingDeletes.find((r) => r.urn === s.urn)
      : live.get(s.urn);
    if (!from) continue;
    deleted.push({
      urn: from.urn,
      type: from.type,
      name: from.name,
      ...(from.parent !== undefined ? { parent: from.parent } : {}),
      custom: from.custom,
      inputs: from.inputs,
      pendingDelete: s.pendingDelete === true,
    });
  }
  const inUseWindow = options.inUseWindow ?? DEFAULT_IN_USE_WINDOW;
  const table = credentialTable({
    run: options.run,
    steps,
    byUrn,
    exported,
    nowMs,
    activity: options.activity,
    inUseWindow,
  });
  return {
    file: state.file,
    exported,
    identity: seeded.translation.identity,
    steps,
    counts,
    byUrn,
    deleted,
    credentials: table.rows,
    inUse: table.inUse,
    ...(options.activity
      ? {
          activity: {
            file: options.activity.file,
            entries: options.activity.entries,
            inUseWindow,
          },
        }
      : {}),
  };
}

/** A state resource as a registration (for the credential table's readers). */
function asRegistration(r: StateResource): Registration {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    ...(r.parent !== undefined ? { parent: r.parent } : {}),
    custom: r.custom,
    inputs: r.inputs,
    secretInputs: r.secretInputs,
    outputs: r.outputs,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    id: r.id,
    ...(r.read ? { read: true } : {}),
  };
}

const CREDENTIAL_OWNER: Record<string, { key: string; kind: "application" | "servicePrincipal" }> =
  {
    [APPLICATION_PASSWORD]: { key: "applicationId", kind: "application" },
    [APPLICATION_CERTIFICATE]: { key: "applicationId", kind: "application" },
    [SERVICE_PRINCIPAL_PASSWORD]: { key: "servicePrincipalId", kind: "servicePrincipal" },
    [SERVICE_PRINCIPAL_CERTIFICATE]: { key: "servicePrincipalId", kind: "servicePrincipal" },
  };

function credentialTable(input: {
  run: RunForPlan;
  steps: PlannedStep[];
  byUrn: Map<string, PlannedStep>;
  exported: StackExport;
  nowMs: number;
  activity?: LoadedActivity;
  inUseWindow: string;
}): { rows: CredentialRow[]; inUse: InUseFinding[] } {
  const { exported, nowMs, activity } = input;
  const window = Duration.fromISO(input.inUseWindow);
  const stateRegistrations = exported.resources.map(asRegistration);
  const stateRows = new Map(credentialRows(stateRegistrations).map((row) => [row.urn, row]));
  const stateByUrn = new Map(exported.resources.map((r) => [r.urn, r]));
  const runRows = credentialRows(input.run.registrations);
  const deletedUrns = new Set(input.steps.filter((s) => s.op === "delete").map((s) => s.urn));
  const lastSignIn = (resource: StateResource | undefined, keyId: string | undefined) =>
    activity && resource && keyId ? signInOf(activity.index, resource, keyId) : undefined;
  // The Key Vault secrets of the state that hold a credential (its value, or its keyId tag) and
  // that the deployment keeps: Key Vault holds that credential when the deployment starts.
  const heldByKeyVault = (resource: StateResource, keyId: string | undefined): boolean =>
    exported.resources.some(
      (s) =>
        keyVaultSecretFlavour(s.type) === "azure-native" &&
        !deletedUrns.has(s.urn) &&
        ((s.propertyDependencies.properties ?? []).includes(resource.urn) ||
          (keyId !== undefined && record(s.inputs.tags).keyId === keyId)),
    );
  const appSecrets = (app: string) => [
    ...new Set(runRows.filter((r) => r.app === app).flatMap((r) => r.keyVaultSecrets)),
  ];
  const inUse: InUseFinding[] = [];
  const judge = (
    row: CredentialRow,
    resource: StateResource,
    sign: LastSignIn | undefined,
    why: InUseFinding["why"],
  ) => {
    if (sign === undefined || row.keyId === undefined || resource.retainOnDelete) return;
    const verdict = credentialInUseBeforeDeletion({
      schedule: { heldByKeyVault: heldByKeyVault(resource, row.keyId), deletionMs: nowMs },
      deploymentMs: nowMs,
      lastSignInMs: sign.status === "signed-in" ? sign.ms : null,
      inUseWindow: window,
    });
    if (!verdict.inUse) return;
    inUse.push({
      urn: row.urn,
      type: row.type,
      name: row.name,
      app: row.app,
      kind: row.kind,
      keyId: row.keyId,
      ...(row.slot !== undefined ? { slot: row.slot } : {}),
      ...(row.generation !== undefined ? { generation: row.generation } : {}),
      ...(row.end !== undefined ? { end: row.end } : {}),
      why,
      lastSignInMs: verdict.lastSignInMs,
      deploymentMs: nowMs,
      windowStartMs: verdict.windowStartMs,
      inUseWindow: input.inUseWindow,
      keyVaultSecrets: appSecrets(row.app),
    });
  };

  const rows: CredentialRow[] = [];
  for (const row of runRows) {
    const step = input.byUrn.get(row.urn);
    const op = step?.op ?? "create";
    // A resource found through an alias (a renamed parent or type) is under its old URN in the state.
    const stateUrn = step?.aliasOf ?? row.urn;
    const before = stateRows.get(stateUrn);
    const resource = stateByUrn.get(stateUrn);
    if (op === "same" || op === "update") {
      const keyId = before?.keyId ?? row.keyId;
      const sign = lastSignIn(resource, keyId);
      rows.push({
        ...row,
        keyId,
        step: op,
        keyIdSource: "state",
        ...(sign ? { lastSignIn: signInRow(sign) } : {}),
      });
    } else if (op === "replace" && before && resource) {
      const sign = lastSignIn(resource, before.keyId);
      rows.push({
        ...row,
        step: "replace",
        keyIdSource: "simulated",
        replaces: {
          ...(before.keyId !== undefined ? { keyId: before.keyId } : {}),
          ...(before.start !== undefined ? { start: before.start } : {}),
          ...(before.end !== undefined ? { end: before.end } : {}),
          ...(sign ? { lastSignIn: signInRow(sign) } : {}),
        },
      });
      judge({ ...before, urn: row.urn, app: row.app }, resource, sign, "replaced");
    } else {
      rows.push({ ...row, step: "create", keyIdSource: "simulated" });
    }
  }
  // Credentials the program no longer declares, then old copies the state marks `delete`.
  for (const step of input.steps) {
    if (step.op !== "delete") continue;
    const resource = step.pendingDelete
      ? exported.pendingDeletes.find((r) => r.urn === step.urn)
      : stateByUrn.get(step.urn);
    if (!resource || CREDENTIAL_OWNER[resource.type] === undefined) continue;
    const row = step.pendingDelete
      ? credentialRows([
          ...stateRegistrations.filter((r) => r.urn !== resource.urn),
          asRegistration(resource),
        ]).find((r) => r.urn === resource.urn)
      : stateRows.get(resource.urn);
    if (!row) continue;
    const sign = lastSignIn(resource, row.keyId);
    rows.push({
      ...row,
      step: "delete",
      keyIdSource: "state",
      ...(step.pendingDelete ? { pendingDelete: true } : {}),
      ...(sign ? { lastSignIn: signInRow(sign) } : {}),
    });
    judge(row, resource, sign, step.pendingDelete ? "pending" : "removed");
  }
  return { rows, inUse };
}

/** The report's last sign-in of a credential of the state. */
function signInOf(
  index: CredentialActivityIndex,
  resource: StateResource,
  keyId: string,
): LastSignIn {
  const owner = CREDENTIAL_OWNER[resource.type];
  if (owner === undefined) return { status: "no-data" };
  const holder = resource.inputs[owner.key] ?? resource.outputs[owner.key];
  const objectId =
    typeof holder === "string" ? (/([0-9a-fA-F-]{36})$/.exec(holder)?.[1] ?? holder) : "";
  return index.lastSignIn({
    objectType: owner.kind,
    objectId,
    credentialType: resource.type.endsWith("Certificate") ? "certificate" : "password",
    keyId,
  });
}

function signInRow(sign: LastSignIn): SignInRow {
  return sign.status === "signed-in"
    ? { status: "signed-in", at: formatInstant(sign.ms) }
    : { status: sign.status };
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
