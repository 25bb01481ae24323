/**
 * Credentials replaced at every deployment ("churn"): the program is run at its instant and again
 * at later instants, and each credential's replacing inputs (./replacingInputs.ts) are compared.
 * A credential whose replacing inputs differ while no scheduled rotation happened in between is
 * replaced by every `pulumi up`: a new secret is created and the previous one deleted at the end of
 * the run, and consumers still holding it fail until they re-read it.
 *
 * Schedules understood:
 * - this project's rotation-window keys in `rotateWhenChanged` (policy/core/schedule.ts): a
 *   different generation between the two runs, or a next rotation that falls between them, is a
 *   scheduled rotation;
 * - a `time:index/rotating:Rotating` the credential depends on (property dependencies): the real
 *   one computes `rotationRfc3339` when it is created and keeps its outputs (`id`, `rfc3339`) until
 *   that instant passes, so a rotation instant after the later run means "same window", and one
 *   between the two runs is a scheduled rotation. A Rotating whose own inputs differ between the
 *   runs is itself replaced at every deployment, and the credentials that depend on it with it.
 *
 * A simulation answers each run afresh, where the real engine keeps the state of a resource whose
 * inputs do not change (a "same" step): a key pair or certificate created at the first deployment
 * is still there at the second. An input that differs only because it comes from such a resource
 * whose simulated outputs differ (e.g. a freshly generated key) is therefore not a change.
 *
 * Pure: no clock, no I/O. Instants are ms since the Unix epoch.
 */
import type { RunResult } from "./programRunner";
import type { Registration } from "./simulator/simulatedAzure";
import { rotatingDependencies, scheduledRotation } from "./churnSchedule";
import { replacingInputs } from "./replacingInputs";

export { CHURN_OFFSETS, CHURN_POLICY } from "./churnOffsets";

/** Values longer than this (JSON text) are shortened in findings. */
const MAX_VALUE_CHARS = 200;

/** One program run, as the churn check compares it. */
export interface RunSnapshot {
  /** The instant the program ran at (its clock), ms since the epoch. */
  nowMs: number;
  /** The run's registrations: at least every credential and every `time.Rotating`. */
  registrations: Registration[];
  /**
   * Per URN, per top-level input holding a secret, a keyed fingerprint of the value (see
   * ./secrets.ts): secret values are compared without being known.
   */
  secretFingerprints: Record<string, Record<string, string>>;
  /**
   * Per URN, a keyed fingerprint of everything the simulated provider answered (secret values
   * included); when absent, the recorded (masked) outputs are compared instead.
   */
  outputFingerprints?: Record<string, string>;
}

/** One replacing input that differs between two runs. */
export interface InputChange {
  /** Dotted path of the input, e.g. `endDate` or `rotateWhenChanged.deployed-at`. */
  input: string;
  /** JSON text of the earlier value; absent when the input was not set or is secret. */
  before?: string;
  /** JSON text of the later value; absent when the input was not set or is secret. */
  after?: string;
  /** True for a secret value: compared by fingerprint, never shown. */
  secret: boolean;
  /**
   * Set when the input itself is equal but depends on a `time.Rotating` whose own inputs differ
   * (it is replaced at every deployment, and this credential with it).
   */
  via?: { rotating: string; urn: string; change: Omit<InputChange, "via"> };
  /**
   * For a secret value: the resource it comes from (through property dependencies, transitively)
   * whose own inputs differ, and the first such input.
   */
  upstream?: { type: string; name: string; change: Omit<InputChange, "via" | "upstream"> };
}

/** A credential replaced at every deployment. */
export interface ChurnFinding {
  urn: string;
  type: string;
  name: string;
  /** The first run's instant, ms since the epoch. */
  baseMs: number;
  /** The first later run at which the credential differs, ms since the epoch. */
  laterMs: number;
  /**
   * `inputs`: declared again with other replacing inputs; `renamed`: not declared again under its
   * name while another credential of its type appears (a name derived from the clock); `stored`:
   * the provider stores a date input in another form than declared (e.g. without the fraction of a
   * second), so the next deployment always sees a difference (`laterMs` is then `baseMs`).
   */
  kind: "inputs" | "renamed" | "stored";
  /** The replacing inputs that differ (kind `inputs`). */
  changes: InputChange[];
  /** URNs of the credentials of the same type declared instead (kind `renamed`). */
  renamedTo?: string[];
}

/**
 * Compares the first run with each later run (in the order given) and reports every credential
 * that is replaced without a scheduled rotation, once, at the first later run where it happens.
 *
 * @param base the run at the deployment instant
 * @param later runs of the same program and config at later instants (each `nowMs` > base's)
 * @returns findings in the base run's registration order
 */
export function detectChurn(base: RunSnapshot, later: readonly RunSnapshot[]): ChurnFinding[] {
  const found = new Map<string, ChurnFinding>();
  const credentials = base.registrations.filter((r) => replacingInputs(r.type, r.inputs));
  const finding = (
    credential: Registration,
    laterMs: number,
    kind: ChurnFinding["kind"],
    changes: InputChange[],
    renamedTo?: string[],
  ): ChurnFinding => ({
    urn: credential.urn,
    type: credential.type,
    name: credential.name,
    baseMs: base.nowMs,
    laterMs,
    kind,
    changes,
    ...(renamedTo ? { renamedTo } : {}),
  });
  for (const run of later) {
    const pair = pairOf(base, run);
    for (const credential of credentials) {
      if (found.has(credential.urn)) continue;
      const again = pair.laterByUrn.get(credential.urn);
      const scheduled = scheduledRotation(
        credential,
        again,
        base,
        run,
        pair.baseByUrn,
        pair.laterByUrn,
      );
      if (scheduled !== undefined) continue;
      if (again) {
        const changes = inputChanges(credential, again, pair);
        if (changes.length > 0)
          found.set(credential.urn, finding(credential, run.nowMs, "inputs", changes));
        continue;
      }
      const instead = run.registrations
        .filter((r) => r.type === credential.type && !pair.baseByUrn.has(r.urn))
        .map((r) => r.urn);
      if (instead.length > 0) {
        found.set(
          credential.urn,
          finding(credential, run.nowMs, "renamed", [], instead.slice(0, 3)),
        );
      }
    }
  }
  // Declared the same way at every run, but not as the provider stores it.
  for (const credential of credentials) {
    const changes = found.has(credential.urn) ? [] : storedDifferently(credential);
    if (changes.length > 0)
      found.set(credential.urn, finding(credential, base.nowMs, "stored", changes));
  }
  return credentials.flatMap((c) => found.get(c.urn) ?? []);
}

/** Two runs compared: their registrations by URN and what reality would keep between them. */
interface RunPair {
  base: RunSnapshot;
  later: RunSnapshot;
  baseByUrn: Map<string, Registration>;
  laterByUrn: Map<string, Registration>;
  /** True for a resource that would keep its state between the runs (see {@link keptState}). */
  kept: (urn: string) => boolean;
  /** True for a resource the simulation answered differently in the two runs. */
  answeredDifferently: (urn: string) => boolean;
}

function pairOf(base: RunSnapshot, later: RunSnapshot): RunPair {
  const baseByUrn = new Map(base.registrations.map((r) => [r.urn, r]));
  const laterByUrn = new Map(later.registrations.map((r) => [r.urn, r]));
  const answer = (run: RunSnapshot, byUrn: Map<string, Registration>, urn: string) =>
    run.outputFingerprints?.[urn] ?? json(byUrn.get(urn)?.outputs);
  return {
    base,
    later,
    baseByUrn,
    laterByUrn,
    kept: keptState(baseByUrn, laterByUrn),
    answeredDifferently: (urn) => answer(base, baseByUrn, urn) !== answer(later, laterByUrn, urn),
  };
}

/**
 * The replacing inputs of a credential that differ between the two runs for real: simulation
 * artifacts left out, secret changes traced to the resource they come from.
 */
function inputChanges(credential: Registration, again: Registration, pair: RunPair): InputChange[] {
  return compareCredential(credential, again, pair)
    .filter((change) => !onlySimulationDiffers(credential, change, pair))
    .map((change) =>
      change.secret
        ? withUpstream(change, credential.propertyDependencies[change.input] ?? [], pair)
        : change,
    );
}

/**
 * Whether a resource would keep its state between the two runs in reality: its recorded inputs are
 * equal (secret values are placeholders, judged through their dependencies) and so is everything
 * its inputs depend on, transitively. Memoized per pair of runs.
 */
function keptState(
  baseByUrn: Map<string, Registration>,
  laterByUrn: Map<string, Registration>,
): (urn: string) => boolean {
  const memo = new Map<string, boolean>();
  const kept = (urn: string): boolean => {
    const known = memo.get(urn);
    if (known !== undefined) return known;
    memo.set(urn, false); // a cycle is not kept
    const before = baseByUrn.get(urn);
    const after = laterByUrn.get(urn);
    const result =
      before !== undefined &&
      after !== undefined &&
      json(before.inputs) === json(after.inputs) &&
      Object.values(before.propertyDependencies)
        .flat()
        .every((dependency) => kept(dependency));
    memo.set(urn, result);
    return result;
  };
  return kept;
}

/**
 * True when a change is a simulation artifact: the input depends only on resources that reality
 * would keep unchanged, and at least one of them was answered differently by the simulation.
 */
function onlySimulationDiffers(
  credential: Registration,
  change: InputChange,
  pair: RunPair,
): boolean {
  if (change.via) return false;
  const key = change.input.split(".")[0];
  const dependencies = credential.propertyDependencies[key] ?? [];
  if (dependencies.length === 0 || !dependencies.every(pair.kept)) return false;
  return dependencies.some(pair.answeredDifferently);
}

/** The change with the first upstream resource whose inputs differ, when there is one. */
function withUpstream(change: InputChange, dependencies: string[], pair: RunPair): InputChange {
  const queue = [...dependencies];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const urn = queue.shift() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const before = pair.baseByUrn.get(urn);
    const after = pair.laterByUrn.get(urn);
    if (!before || !after) continue;
    const [first] = diffValues(before.inputs, after.inputs, "");
    if (first) {
      return {
        ...change,
        upstream: { type: before.type, name: before.name, change: { ...first, secret: false } },
      };
    }
    queue.push(...Object.values(before.propertyDependencies).flat());
  }
  return change;
}

/** Date inputs the provider stores in a normal form (whole seconds, UTC) that may differ. */
const STORED_DATES = ["endDate", "startDate"];

/**
 * The date inputs a credential declares in another form than the provider stored them (its
 * outputs): `before` is the declared value, `after` the stored one.
 */
function storedDifferently(credential: Registration): InputChange[] {
  const keys = replacingInputs(credential.type, credential.inputs) ?? [];
  return STORED_DATES.filter((key) => keys.includes(key)).flatMap((key): InputChange[] => {
    const declared = credential.inputs[key];
    const stored = credential.outputs[key];
    if (typeof declared !== "string" || typeof stored !== "string" || declared === stored)
      return [];
    if (credential.secretInputs.includes(key)) return [];
    return [{ input: key, before: json(declared), after: json(stored), secret: false }];
  });
}

function compareCredential(
  credential: Registration,
  again: Registration,
  pair: RunPair,
): InputChange[] {
  const changes: InputChange[] = [];
  const keys = replacingInputs(credential.type, credential.inputs) ?? [];
  for (const key of keys) {
    if (isSecret(credential, key) || isSecret(again, key)) {
      const a = pair.base.secretFingerprints[credential.urn]?.[key];
      const b = pair.later.secretFingerprints[again.urn]?.[key];
      if (a !== b) changes.push({ input: key, secret: true });
      continue;
    }
    changes.push(
      ...diffValues(credential.inputs[key], again.inputs[key], key).map((c) => ({
        ...c,
        secret: false,
      })),
    );
  }
  // Equal inputs that depend on a Rotating replaced at every deployment change for real.
  const changedKeys = new Set(changes.map((c) => c.input.split(".")[0]));
  for (const rotating of rotatingDependencies(credential, pair.baseByUrn)) {
    const rotatingAgain = pair.laterByUrn.get(rotating.urn);
    if (!rotatingAgain) continue;
    const [first] = diffValues(rotating.inputs, rotatingAgain.inputs, "");
    if (!first) continue;
    const dependent = keys.filter(
      (key) =>
        !changedKeys.has(key) &&
        (credential.propertyDependencies[key] ?? []).includes(rotating.urn),
    );
    for (const key of dependent) {
      changes.push({
        input: key,
        secret: false,
        via: { rotating: rotating.name, urn: rotating.urn, change: { ...first, secret: false } },
      });
    }
  }
  return changes;
}

function isSecret(registration: Registration, key: string): boolean {
  return registration.secretInputs.some(
    (path) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`),
  );
}

/** The leaf paths at which two JSON values differ (objects are compared key by key). */
function diffValues(
  a: unknown,
  b: unknown,
  path: string,
): { input: string; before?: string; after?: string }[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => diffValues(a[key], b[key], path ? `${path}.${key}` : key));
  }
  const before = json(a);
  const after = json(b);
  if (before === after) return [];
  return [{ input: path, before: shorten(before), after: shorten(after) }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function json(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function shorten(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}

/** A program run as the churn check compares it. */
export function toSnapshot(run: RunResult): RunSnapshot {
  return {
    nowMs: run.nowMs,
    registrations: run.registrations,
    secretFingerprints: run.secretFingerprints,
    outputFingerprints: run.outputFingerprints,
  };
}
