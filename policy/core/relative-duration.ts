/**
 * `endDateRelative` of azuread certificates: a Go `time.Duration` string such as `240h` or
 * `2400h30m` (units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), as terraform-provider-azuread parses it
 * with `time.ParseDuration`. An ISO 8601 duration (`P90D`) is accepted too, for convenience.
 */
import { Duration } from "luxon";
import { parseDuration, Parsed } from "./iso8601";

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const MAX_INPUT_LENGTH = 64;

/** A relative duration: fixed milliseconds (Go syntax) or a calendar duration (ISO 8601). */
export type RelativeDuration =
  { kind: "fixed"; ms: number } | { kind: "calendar"; duration: Duration };

/**
 * Parses `endDateRelative`. Rejects non-strings, strings over 64 characters, signs, zero and
 * anything else `time.ParseDuration` would not accept. Never throws.
 */
export function parseRelativeDuration(input: unknown): Parsed<RelativeDuration> {
  if (typeof input !== "string") {
    return { ok: false, reason: `expected a duration string such as "8760h", got ${typeof input}` };
  }
  const shown = JSON.stringify(
    input.length > MAX_INPUT_LENGTH ? `${input.slice(0, MAX_INPUT_LENGTH)}…` : input,
  );
  if (input.length > MAX_INPUT_LENGTH) {
    return { ok: false, reason: `${shown} is not a duration such as "8760h"` };
  }
  if (input.startsWith("P")) {
    const iso = parseDuration(input);
    return iso.ok ? { ok: true, value: { kind: "calendar", duration: iso.value } } : iso;
  }
  if (!GO_DURATION.test(input)) {
    return {
      ok: false,
      reason: `${shown} is not a duration such as "8760h" (units h, m, s, ms, us, ns)`,
    };
  }
  let ms = 0;
  for (const [, amount, unit] of input.matchAll(GO_PART)) ms += Number(amount) * UNIT_MS[unit];
  if (!(ms > 0) || !Number.isFinite(ms)) {
    return { ok: false, reason: `${shown} must be a positive duration` };
  }
  return { ok: true, value: { kind: "fixed", ms } };
}
