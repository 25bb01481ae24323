/**
 * What a credential's last sign-in means: unused for too long (`credential-unused`), or still used
 * although the next scheduled rotation deletes it (`credential-in-use-before-deletion`), and when
 * that rotation deletes a credential this project created. Pure: no I/O, no clock. The decisions
 * are exported for the offline preview to reuse (it knows the deployment instant it previews).
 *
 * The schedule of a managed credential, from the rotation model (docs/rotation-model.md): slot s of
 * `slots`, generation g, issued for window `i = slots·g + s`, is replaced (deleted, create-before-
 * delete) by the first deployment at or after the start of window `i + slots`, and ends `grace` after
 * that start: `endDateTime = W(i + slots) + grace`. Key Vault holds the newest credential (the
 * highest `i`), so the credential the next rotation deletes is the other slot's.
 * - With the stack's rotation settings (`--stack`), the deletion instant is `W(i + slots)`,
 *   computed by the program's own `windowStart` (components/rotation.ts).
 * - Without them, only the credential's display name (`app-credentials slot <s> generation <g>`,
 *   policy/core/managed.ts) and end date are known: the deletion instant is `endDateTime − grace`
 *   with the default grace (`P30D`, components/config `ROTATION_DEFAULTS`) assumed, and `slots` is
 *   the highest slot seen + 1.
 */
import type { Duration } from "luxon";
import { addDuration, parseManagedCredentialName } from "../../policy/core";
import { windowStart, type RotationSettings } from "../../components/rotation";
import type { LastSignIn } from "./credentialActivity";

/** How a managed credential's deletion instant was found. */
export type ScheduleBasis =
  /** From the stack's rotation settings: exact. */
  | "stack-rotation"
  /** `endDateTime − grace`, the grace assumed (no stack settings). */
  | "end-date-minus-grace";

/** When the next scheduled rotation deletes a credential this project created. */
export interface ManagedSchedule {
  slot: number;
  generation: number;
  /** Issued for window `slots·generation + slot`. */
  issuedWindow: number;
  /** True for the newest credential of its app on this object: the one Key Vault holds. */
  heldByKeyVault: boolean;
  /**
   * The instant from which the next scheduled deployment deletes it, ms since the Unix epoch (the
   * deletion happens at the first `pulumi up` at or after it); null when no scheduled rotation
   * deletes it: Key Vault holds it, or a newer generation of its slot exists (Pulumi no longer
   * tracks it).
   */
  deletionMs: number | null;
  basis: ScheduleBasis;
  /** The grace used for `end-date-minus-grace` (ISO 8601); null for `stack-rotation`. */
  assumedGrace: string | null;
}

/** What {@link managedSchedules} knows besides the credentials. */
export interface ScheduleOptions {
  /** The rotation settings of the stack app that manages the object, when known. */
  rotation?: Pick<RotationSettings, "anchorMs" | "periodDuration" | "slots">;
  /** The grace assumed without `rotation` (the project's default, `P30D`). */
  assumedGrace: { text: string; duration: Duration };
}

/** A credential of one object, as {@link managedSchedules} reads it. */
export interface ScheduledCredential {
  /** Graph `displayName`: the marker. */
  displayName: string | null;
  /** `endDateTime`, ms since the Unix epoch (NaN when unreadable). */
  endMs: number;
}

/**
 * The schedule of each managed credential of one object (in the order given; null for credentials
 * without the marker, or whose slot or generation Graph cut from the name). Credentials are grouped
 * by kind and app (a certificate's subject names its app; one object may serve several stacks'
 * certificates); within a group the highest issued window is the one Key Vault holds.
 */
export function managedSchedules(
  credentials: readonly ScheduledCredential[],
  options: ScheduleOptions,
): (ManagedSchedule | null)[] {
  const parsed = credentials.map((c) => {
    const name = parseManagedCredentialName(c.displayName);
    if (name === undefined || name.slot === null || name.generation === null) return null;
    return {
      group: `${name.kind}:${name.app ?? ""}`,
      slot: name.slot,
      generation: name.generation,
    };
  });
  const groups = new Map<string, number[]>();
  parsed.forEach((p, index) => {
    if (p === null) return;
    const members = groups.get(p.group);
    if (members === undefined) groups.set(p.group, [index]);
    else members.push(index);
  });
  const result: (ManagedSchedule | null)[] = credentials.map(() => null);
  for (const members of groups.values()) {
    const slots =
      options.rotation?.slots ??
      members.reduce((max, i) => Math.max(max, (parsed[i]?.slot ?? 0) + 1), 1);
    const issued = (i: number) => {
      const p = parsed[i] as { slot: number; generation: number };
      return slots * p.generation + p.slot;
    };
    let newest = Number.NEGATIVE_INFINITY;
    // The newest issued window of each slot: an older generation of a slot is superseded.
    const newestOfSlot = new Map<number, number>();
    for (const i of members) {
      const window = issued(i);
      const slot = (parsed[i] as { slot: number }).slot;
      newest = Math.max(newest, window);
      newestOfSlot.set(slot, Math.max(newestOfSlot.get(slot) ?? Number.NEGATIVE_INFINITY, window));
    }
    for (const i of members) {
      const p = parsed[i] as { slot: number; generation: number };
      const window = issued(i);
      const superseded = window < (newestOfSlot.get(p.slot) ?? window);
      const held = window === newest;
      let deletionMs: number | null = null;
      if (!held && !superseded) {
        deletionMs =
          options.rotation !== undefined
            ? windowStart(options.rotation, window + slots)
            : addDuration(credentials[i].endMs, options.assumedGrace.duration, -1);
        if (!Number.isFinite(deletionMs)) deletionMs = null;
      }
      result[i] = {
        slot: p.slot,
        generation: p.generation,
        issuedWindow: window,
        heldByKeyVault: held,
        deletionMs,
        basis: options.rotation !== undefined ? "stack-rotation" : "end-date-minus-grace",
        assumedGrace: options.rotation !== undefined ? null : options.assumedGrace.text,
      };
    }
  }
  return result;
}

/** Input of {@link credentialInUseBeforeDeletion}. */
export interface InUseBeforeDeletionInput {
  /** The credential's schedule ({@link managedSchedules}, or the preview's slot state). */
  schedule: Pick<ManagedSchedule, "heldByKeyVault" | "deletionMs">;
  /** The instant judged at: the audit's (`--now`), or the deployment the preview simulates; ms. */
  deploymentMs: number;
  /** The credential's last sign-in, ms since the Unix epoch; null when none is known. */
  lastSignInMs: number | null;
  /** How recent a sign-in counts as "in use" (the policy's `inUseWindow`, default `PT24H`). */
  inUseWindow: Duration;
}

/** The decision of {@link credentialInUseBeforeDeletion}. */
export type InUseBeforeDeletionVerdict =
  | {
      inUse: true;
      lastSignInMs: number;
      deletionMs: number;
      /** `deploymentMs − inUseWindow` (calendar-correct): sign-ins from then on count. */
      windowStartMs: number;
    }
  | {
      inUse: false;
      reason:
        | "held-by-key-vault"
        /** No scheduled rotation deletes it. */
        | "not-scheduled"
        /** No sign-in known. */
        | "no-sign-in"
        /** The last sign-in is older than the window. */
        | "not-recent";
    };

/**
 * `credential-in-use-before-deletion` for one credential: a credential this project created, that
 * Key Vault no longer holds and that the next scheduled rotation deletes, signed in within
 * `inUseWindow` of `deploymentMs` (at or after `deploymentMs − inUseWindow`): some consumer has not
 * moved to the credential Key Vault holds, and fails once it is deleted. How far the deletion is
 * does not matter: any rotation from now on deletes it (an overdue one, at the next `pulumi up`).
 */
export function credentialInUseBeforeDeletion(
  input: InUseBeforeDeletionInput,
): InUseBeforeDeletionVerdict {
  if (input.schedule.heldByKeyVault) return { inUse: false, reason: "held-by-key-vault" };
  const deletionMs = input.schedule.deletionMs;
  if (deletionMs === null) return { inUse: false, reason: "not-scheduled" };
  if (input.lastSignInMs === null) return { inUse: false, reason: "no-sign-in" };
  const windowStartMs = addDuration(input.deploymentMs, input.inUseWindow, -1);
  if (input.lastSignInMs < windowStartMs) return { inUse: false, reason: "not-recent" };
  return { inUse: true, lastSignInMs: input.lastSignInMs, deletionMs, windowStartMs };
}

/** Input of {@link credentialUnused}. */
export interface UnusedInput {
  lastSignIn: LastSignIn;
  /** The credential's `startDateTime`, ms (NaN when unreadable). */
  startMs: number;
  nowMs: number;
  /** The policy's `unusedAfter` (default `P90D`). */
  unusedAfter: Duration;
}

/** The decision of {@link credentialUnused}. */
export type UnusedVerdict =
  | {
      unused: true;
      /** The last sign-in, or null when the report holds none for it. */
      lastSignInMs: number | null;
      /** `now − unusedAfter` (calendar-correct). */
      thresholdMs: number;
    }
  | { unused: false; reason: "no-data" | "recent" | "too-new" };

/**
 * `credential-unused`: the report says the credential has not signed in since `now − unusedAfter`
 * (its last sign-in is older, or none is recorded and the credential is older than that). No entry
 * is no data: not judged.
 */
export function credentialUnused(input: UnusedInput): UnusedVerdict {
  const thresholdMs = addDuration(input.nowMs, input.unusedAfter, -1);
  switch (input.lastSignIn.status) {
    case "no-data":
      return { unused: false, reason: "no-data" };
    case "signed-in":
      return input.lastSignIn.ms < thresholdMs
        ? { unused: true, lastSignInMs: input.lastSignIn.ms, thresholdMs }
        : { unused: false, reason: "recent" };
    case "none-recorded":
      return Number.isFinite(input.startMs) && input.startMs < thresholdMs
        ? { unused: true, lastSignInMs: null, thresholdMs }
        : { unused: false, reason: "too-new" };
  }
}
