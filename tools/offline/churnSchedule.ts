/**
 * Which scheduled rotations explain a credential's replacement between two runs of a program
 * (./churn.ts): this project's rotation-window keys (`rotateWhenChanged` / `keepers`) on the
 * credential or the resources its value comes from, and `time.Rotating` resources.
 *
 * Pure: no clock, no I/O. Instants are ms since the Unix epoch.
 */
import {
  walkDependencies,
  formatInstant,
  rotatingNextRotation,
  parseSchedule,
} from "../../policy/core";
import type { Registration } from "./simulator/simulatedAzure";
import type { RunSnapshot } from "./churn";
import { TIME_ROTATING } from "./replacingInputs";

/** How far a credential's inputs are followed back to the resources that schedule it. */
const SCHEDULE_DEPTH = 4;
/** Inputs naming the object a credential belongs to: a schedule does not act through them. */
const OWNER_INPUTS = ["applicationId", "servicePrincipalId"];

/**
 * The resources that may schedule a credential's replacement: itself (its `rotateWhenChanged`),
 * and what its inputs (the owner ids apart) depend on, up to 4 resources deep — e.g. for
 * app-credentials' certificates, the `random.RandomId` whose `keepers` carry the schedule keys
 * behind the certificate's value; a `time.Rotating` anywhere there.
 */
export function scheduleSources(
  credential: Registration,
  byUrn: Map<string, Registration>,
): Registration[] {
  const sources: Registration[] = [credential];
  walkDependencies(
    Object.entries(credential.propertyDependencies)
      .filter(([key]) => !OWNER_INPUTS.includes(key))
      .flatMap(([, urns]) => urns),
    SCHEDULE_DEPTH,
    (urn) => (byUrn.has(urn) ? urn : undefined),
    (urn) => Object.values(byUrn.get(urn)?.propertyDependencies ?? {}).flat(),
    (urn) => {
      sources.push(byUrn.get(urn) as Registration);
    },
    [credential.urn],
  );
  return sources;
}

/**
 * Why the credential may legitimately differ between the two runs (a schedule rotated it), or
 * `undefined` when no scheduled rotation happened in between. Schedules: the rotation-window keys
 * in `rotateWhenChanged` or `keepers` of the credential or of a resource it comes from (see
 * {@link scheduleSources}) whose generation differs at the later run or whose next rotation is due
 * by then; a `time.Rotating` among them that rotates between the runs.
 *
 * @param again the credential at the later run, when it is declared there
 * @param laterByUrn the later run's registrations by URN
 */
export function scheduledRotation(
  credential: Registration,
  again: Registration | undefined,
  base: Pick<RunSnapshot, "nowMs">,
  later: Pick<RunSnapshot, "nowMs">,
  baseByUrn: Map<string, Registration>,
  laterByUrn: Map<string, Registration> = new Map(),
): string | undefined {
  for (const source of scheduleSources(credential, baseByUrn)) {
    const sourceAgain = source === credential ? again : laterByUrn.get(source.urn);
    for (const key of ["rotateWhenChanged", "keepers"]) {
      const before = parseSchedule(source.inputs[key]);
      if (!before?.ok) continue;
      const after = sourceAgain ? parseSchedule(sourceAgain.inputs[key]) : undefined;
      const where = `${JSON.stringify(source.name)} ${key}`;
      if (after?.ok && before.value.generation !== after.value.generation) {
        return `${where} rotation-window generation ${before.value.generation} → ${after.value.generation}`;
      }
      if (before.value.nextRotationMs <= later.nowMs) {
        return `${where} rotation-window due at ${formatInstant(before.value.nextRotationMs)}`;
      }
    }
    if (source.type === TIME_ROTATING) {
      const at = rotatingInstant(source, base.nowMs);
      if (at !== undefined && at > base.nowMs && at <= later.nowMs) {
        return `${TIME_ROTATING} ${JSON.stringify(source.name)} rotates at ${formatInstant(at)}`;
      }
    }
  }
  return undefined;
}

/**
 * The instant a `time.Rotating` (as registered at the first run) rotates, as terraform-provider-time
 * computes it (../../policy/core/time-rotating.ts, through the pack's `rotatingNextRotation`): the
 * last set of `rotationDays`, `rotationHours`, `rotationMinutes`, `rotationMonths`,
 * `rotationRfc3339`, `rotationYears` decides (they are not added), applied to `rfc3339` — the
 * simulation's output when it computed one, else the input, else the creation instant. A
 * `rotationRfc3339` output, when computed, stands for the input (it is the provider's result);
 * `undefined` when it cannot be told.
 *
 * @param createdMs the first run's instant (when the Rotating is created)
 */
export function rotatingInstant(rotating: Registration, createdMs: number): number | undefined {
  const { inputs, outputs } = rotating;
  const computed = outputs.rotationRfc3339;
  const base = outputs.rfc3339;
  const parsed = rotatingNextRotation(
    rotating.name,
    {
      ...inputs,
      rfc3339: typeof base === "string" ? base : inputs.rfc3339,
      rotationRfc3339: typeof computed === "string" ? computed : inputs.rotationRfc3339,
    },
    createdMs,
  );
  return parsed.ok ? parsed.value.ms : undefined;
}

/**
 * The `time.Rotating` registrations a credential's inputs depend on (property dependencies: a
 * plain `dependsOn` does not make a replacement propagate).
 */
export function rotatingDependencies(
  credential: Registration,
  byUrn: Map<string, Registration>,
): Registration[] {
  const urns = new Set(Object.values(credential.propertyDependencies).flat());
  return [...urns].flatMap((urn) => {
    const found = byUrn.get(urn);
    return found && found.type === TIME_ROTATING ? [found] : [];
  });
}
