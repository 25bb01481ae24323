/**
 * ISO 8601 durations and RFC 3339 instants, calendar-correct, in UTC.
 *
 * Parsing is delegated to Luxon; this module adds the strictness a credential lifetime needs
 * (no empty or negative durations, no fractional years or months, instants must carry an offset)
 * and never throws: every parser returns a result object, so a policy can turn any input into a
 * violation message instead of an exception.
 *
 * This module is shared by the policy pack and the stack program (which imports it from here,
 * never the other way round), so the pack stays publishable on its own.
 */
import { DateTime, Duration } from "luxon";

/** A parse result: the value, or a human-readable reason why the input was rejected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Longest string we try to parse; longer inputs are rejected without parsing. */
const MAX_INPUT_LENGTH = 64;

/** RFC 3339 requires an explicit offset: `Z` or `±hh:mm`. */
const RFC3339_OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/i;

/** Calendar units that must be whole numbers (a fractional month has no calendar meaning). */
const WHOLE_UNITS = ["years", "months"] as const;

/**
 * Parses an ISO 8601 duration such as `P2Y`, `P180D`, `P6M` or `PT12H`.
 *
 * Accepted: any duration Luxon parses whose components are all non-negative, whose years and
 * months are whole numbers, and whose total is strictly positive. Rejected with a reason: empty
 * (`P`), zero (`P0D`), negative (`P-1D`, `-P1D`), fractional months or years, non-strings and
 * strings over 64 characters.
 */
export function parseDuration(input: unknown): Parsed<Duration> {
  if (typeof input === "string") {
    const cached = durationCache.get(input);
    if (cached !== undefined) return cached;
    const parsed = parseDurationUncached(input);
    if (durationCache.size >= DURATION_CACHE_SIZE) durationCache.clear();
    durationCache.set(input, parsed);
    return parsed;
  }
  return parseDurationUncached(input);
}

/** Parsed durations by text (policies re-read their configured durations at every call). Bounded. */
const durationCache = new Map<string, Parsed<Duration>>();
const DURATION_CACHE_SIZE = 1_000;

function parseDurationUncached(input: unknown): Parsed<Duration> {
  if (typeof input !== "string") {
    return { ok: false, reason: `expected an ISO 8601 duration string, got ${describe(input)}` };
  }
  if (input.length > MAX_INPUT_LENGTH || input === "P" || input.endsWith("T")) {
    return { ok: false, reason: `${quote(input)} is not an ISO 8601 duration (e.g. P2Y, P180D)` };
  }
  const duration = Duration.fromISO(input);
  if (!duration.isValid) {
    return { ok: false, reason: `${quote(input)} is not an ISO 8601 duration (e.g. P2Y, P180D)` };
  }
  const parts = duration.toObject() as Record<string, number | undefined>;
  const values = Object.values(parts).filter((v): v is number => v !== undefined);
  if (values.some((v) => v < 0 || !Number.isFinite(v))) {
    return { ok: false, reason: `${quote(input)} is negative; durations must be positive` };
  }
  if (WHOLE_UNITS.some((unit) => !Number.isInteger(parts[unit] ?? 0))) {
    return { ok: false, reason: `${quote(input)} has fractional years or months` };
  }
  if (!values.some((v) => v > 0)) {
    return { ok: false, reason: `${quote(input)} is zero; durations must be positive` };
  }
  return { ok: true, value: duration };
}

/**
 * Parses an RFC 3339 instant (`2026-01-31T00:00:00Z`, `2026-01-31T02:00:00+02:00`) to
 * milliseconds since the Unix epoch. The offset is required; a date without time is rejected.
 */
export function parseInstant(input: unknown): Parsed<number> {
  if (typeof input === "string") {
    const cached = instantCache.get(input);
    if (cached !== undefined) return cached;
    const parsed = parseInstantUncached(input);
    if (instantCache.size >= INSTANT_CACHE_SIZE) instantCache.clear();
    instantCache.set(input, parsed);
    return parsed;
  }
  return parseInstantUncached(input);
}

/**
 * Parsed instants by text: a stack repeats a few end dates across its credentials and its
 * policies read each one several times (luxon's parser dominates the pack's own cost). Bounded:
 * cleared when full.
 */
const instantCache = new Map<string, Parsed<number>>();
const INSTANT_CACHE_SIZE = 10_000;

function parseInstantUncached(input: unknown): Parsed<number> {
  if (typeof input !== "string") {
    return { ok: false, reason: `expected an RFC 3339 timestamp string, got ${describe(input)}` };
  }
  if (input.length > MAX_INPUT_LENGTH || !input.includes("T") || !RFC3339_OFFSET.test(input)) {
    return {
      ok: false,
      reason: `${quote(input)} is not an RFC 3339 timestamp (e.g. 2026-01-31T00:00:00Z)`,
    };
  }
  const parsed = DateTime.fromISO(input, { setZone: true });
  if (!parsed.isValid) {
    return {
      ok: false,
      reason: `${quote(input)} is not an RFC 3339 timestamp (e.g. 2026-01-31T00:00:00Z)`,
    };
  }
  return { ok: true, value: parsed.toMillis() };
}

/**
 * Adds `times` × `duration` to an instant, calendar-correct in UTC (`2024-01-31 + P1M` is
 * `2024-02-29`). Multiplying first and adding once avoids the drift of repeated month addition.
 *
 * @param instantMs milliseconds since the Unix epoch
 * @param times a whole number, may be 0 or negative
 * @returns milliseconds since the Unix epoch
 */
export function addDuration(instantMs: number, duration: Duration, times = 1): number {
  // Weeks, days and smaller units have a fixed length in UTC: plain arithmetic is exact and fast.
  if (isFixedLength(duration)) return instantMs + duration.toMillis() * times;
  const scaled = times === 1 ? duration : duration.mapUnits((v) => v * times);
  return DateTime.fromMillis(instantMs, { zone: "utc" }).plus(scaled).toMillis();
}

/** True when the duration has no year or month component, so its length in ms is fixed. */
export function isFixedLength(duration: Duration): boolean {
  return !duration.years && !duration.months;
}

/**
 * True when the fixed part of the duration (weeks, days, hours, minutes, seconds, milliseconds;
 * years and months are calendar units and ignored) is a whole multiple of `unitMs` milliseconds,
 * e.g. `wholeMultipleOf(PT1H30M, 3_600_000)` is false. Fractions such as `PT0.5H` count by value.
 */
export function wholeMultipleOf(duration: Duration, unitMs: number): boolean {
  const {
    weeks = 0,
    days = 0,
    hours = 0,
    minutes = 0,
    seconds = 0,
    milliseconds = 0,
  } = duration.toObject();
  const fixedUnits =
    (((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + milliseconds) /
    unitMs;
  return Math.abs(fixedUnits - Math.round(fixedUnits)) < 1e-9;
}

/**
 * Formats milliseconds since the Unix epoch as RFC 3339 in UTC, whole seconds: `2026-01-31T00:00:00Z`.
 * Never throws: an instant a JavaScript Date cannot represent (NaN, beyond ±8.64e15 ms from the
 * epoch) gives `"(invalid instant)"`.
 */
export function formatInstant(instantMs: number): string {
  const date = new Date(instantMs);
  if (Number.isNaN(date.getTime())) return "(invalid instant)";
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/** Days between two instants, as a number with fractions (`(to - from) / 86 400 000`). */
export function daysBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / 86_400_000;
}

function quote(value: string): string {
  return JSON.stringify(
    value.length > MAX_INPUT_LENGTH ? `${value.slice(0, MAX_INPUT_LENGTH)}…` : value,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean")
    return `${typeof value} ${String(value)}`;
  return typeof value;
}
