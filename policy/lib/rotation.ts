/**
 * When a password will next be replaced, from what its `rotateWhenChanged` depends on:
 * - this project's schedule keys (`rotation-window`, `rotation-slot`, see ./schedule.ts);
 * - a `time:index/rotating:Rotating` (@pulumiverse/time): its output `rotationRfc3339` when known,
 *   else computed from its inputs: `rotationRfc3339`, or `rfc3339` (default: now, the creation
 *   instant) plus `rotationYears|Months|Days|Hours|Minutes` (summed, calendar-correct).
 *
 * Pure, never throws. Instants are milliseconds since the Unix epoch.
 */
import { Duration } from "luxon";
import { addDuration, parseInstant, Parsed } from "./iso8601";
import { parseSchedule } from "./schedule";

/** A next-rotation instant and a human-readable account of where it comes from. */
export interface NextRotation {
  ms: number;
  source: string;
}

/**
 * Next rotation from the schedule keys of a plain `rotateWhenChanged` (or `keepers`) map.
 *
 * @param where names the map in the source description, e.g. `rotateWhenChanged`
 * @returns `undefined` when the map carries no `rotation-window`; a failure when the keys are
 *   malformed or the instant cannot be represented.
 */
export function scheduleNextRotation(
  rotateWhenChanged: Record<string, unknown>,
  where = "rotateWhenChanged",
): Parsed<NextRotation> | undefined {
  const parsed = parseSchedule(rotateWhenChanged);
  if (parsed === undefined) return undefined;
  if (!parsed.ok) return parsed;
  if (!Number.isFinite(parsed.value.nextRotationMs)) {
    return { ok: false, reason: "rotation-window: the next rotation instant is out of range" };
  }
  const window = String(rotateWhenChanged["rotation-window"]);
  return {
    ok: true,
    value: {
      ms: parsed.value.nextRotationMs,
      source: `${where} rotation-window ${JSON.stringify(window)}`,
    },
  };
}

/** The properties of a `time.Rotating` that decide its rotation instant, as found (known values only). */
export interface RotatingProps {
  rotationRfc3339?: unknown;
  rfc3339?: unknown;
  rotationYears?: unknown;
  rotationMonths?: unknown;
  rotationDays?: unknown;
  rotationHours?: unknown;
  rotationMinutes?: unknown;
}

const ROTATION_UNITS = [
  ["rotationYears", "years"],
  ["rotationMonths", "months"],
  ["rotationDays", "days"],
  ["rotationHours", "hours"],
  ["rotationMinutes", "minutes"],
] as const;

/**
 * Rotation instant of a `time.Rotating`.
 *
 * @param name the Rotating resource's name, for the source description
 * @param nowMs used as `rfc3339` when that is not set (a Rotating being created starts now)
 */
export function rotatingNextRotation(
  name: string,
  props: RotatingProps,
  nowMs: number,
): Parsed<NextRotation> {
  const label = `time:index/rotating:Rotating ${JSON.stringify(name.slice(0, 64))}`;
  if (props.rotationRfc3339 !== undefined && props.rotationRfc3339 !== null) {
    const at = parseInstant(props.rotationRfc3339);
    if (!at.ok) return { ok: false, reason: `${label} rotationRfc3339: ${at.reason}` };
    return {
      ok: true,
      value: {
        ms: at.value,
        source: `${label} rotationRfc3339 ${props.rotationRfc3339 as string}`,
      },
    };
  }
  let baseMs = nowMs;
  let baseText = "now";
  if (props.rfc3339 !== undefined && props.rfc3339 !== null) {
    const base = parseInstant(props.rfc3339);
    if (!base.ok) return { ok: false, reason: `${label} rfc3339: ${base.reason}` };
    baseMs = base.value;
    baseText = props.rfc3339 as string;
  }
  const units: Record<string, number> = {};
  for (const [key, unit] of ROTATION_UNITS) {
    const value = props[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value > 1_000_000) {
      return { ok: false, reason: `${label} ${key} must be a positive whole number` };
    }
    units[unit] = value;
  }
  if (Object.keys(units).length === 0) {
    return { ok: false, reason: `${label} sets no rotation period` };
  }
  const period = Duration.fromObject(units);
  const ms = addDuration(baseMs, period);
  if (!Number.isFinite(ms)) return { ok: false, reason: `${label}: rotation instant out of range` };
  return { ok: true, value: { ms, source: `${label} (${baseText} + ${period.toISO()})` } };
}
