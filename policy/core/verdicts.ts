/**
 * The verdicts of the lifetime and end-date rules on one credential, as a kind and the figures
 * behind it: the pack's `credential-max-lifetime` and `credential-expired` and the tenant audit
 * (`npm run audit`) call these, so the pack and the audit judge alike; each caller only words the
 * verdict (labels, fixes, formatting). `credential-expiring-soon` and the audit's expiry status call
 * {@link endStatus} (./end-dates.ts), which {@link isExpired} also asks.
 *
 * Pure, never throws. Instants are milliseconds since the Unix epoch.
 */
import { Duration } from "luxon";
import { endStatus } from "./end-dates";
import { addDuration } from "./iso8601";

/**
 * How a lifetime stands against the maximum, in the order `credential-max-lifetime` decides:
 * - `out-of-range`: the end, or start + maxLifetime, is beyond what a date can hold: not judged;
 * - `ends-before-start`: the end is not after the start;
 * - `too-long`: the end is after start + maxLifetime (calendar-correct);
 * - `within`: none of these.
 */
export type MaxLifetimeKind = "out-of-range" | "ends-before-start" | "too-long" | "within";

/** A lifetime judged against the maximum: the kind, and the figures the messages show. */
export interface MaxLifetimeVerdict {
  kind: MaxLifetimeKind;
  /** start + maxLifetime, calendar-correct: the latest allowed end; NaN when out of range. */
  limitMs: number;
  /** end − start: how long the credential lives (negative or 0 for `ends-before-start`). */
  lifetimeMs: number;
}

/**
 * Judges a credential's lifetime against `maxLifetime`, as `credential-max-lifetime` does: an end
 * exactly at start + maxLifetime is within; one millisecond later is too long.
 *
 * @param startMs the start (e.g. `credentialLifetime(…).startMs`)
 * @param endMs the end (e.g. `credentialLifetime(…).endMs`)
 * @param maxLifetime a positive duration (`durationSetting`'s)
 */
export function maxLifetimeVerdict(
  startMs: number,
  endMs: number,
  maxLifetime: Duration,
): MaxLifetimeVerdict {
  const limitMs = addDuration(startMs, maxLifetime);
  const lifetimeMs = endMs - startMs;
  const kind: MaxLifetimeKind =
    !Number.isFinite(limitMs) || !Number.isFinite(endMs)
      ? "out-of-range"
      : endMs <= startMs
        ? "ends-before-start"
        : endMs > limitMs
          ? "too-long"
          : "within";
  return { kind, limitMs, lifetimeMs };
}

/** A warning window of nothing: {@link endStatus} with it tells only expired from not. */
const NO_WARNING = Duration.fromMillis(0);

/**
 * True when the end is not after `nowMs` (the credential can no longer sign in): exactly when
 * {@link endStatus} says `expired`, whatever the warning window.
 */
export function isExpired(endMs: number, nowMs: number): boolean {
  return endStatus(endMs, nowMs, NO_WARNING) === "expired";
}
