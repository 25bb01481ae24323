/**
 * When a password will next be replaced, from what its `rotateWhenChanged` depends on:
 * - this project's schedule keys (`rotation-window`, `rotation-slot`, see ./schedule.ts);
 * - a `time:index/rotating:Rotating` (@pulumiverse/time): its rotation instant as
 *   terraform-provider-time computes it (./time-rotating.ts): of `rotationDays`, `rotationHours`,
 *   `rotationMinutes`, `rotationMonths`, `rotationRfc3339` and `rotationYears`, only the last set
 *   one in that order counts (they are not added), applied to `rfc3339` (default: now, the creation
 *   instant); months and years with Go's `AddDate` (Jan 31 + 1 month = Mar 3). A known
 *   `rotationRfc3339` output is the provider's result, which the same rule reproduces.
 *
 * Pure, never throws. Instants are milliseconds since the Unix epoch.
 */
import { parseInstant, Parsed } from "./iso8601";
import { parseSchedule } from "./schedule";
import {
  decidingRotationField,
  rfc3339OffsetMinutes,
  RotationField,
  RotationFields,
  rotationInstant,
} from "./time-rotating";

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

/** The numeric rotation inputs, in the provider's order, with the ISO 8601 unit of each. */
const ROTATION_NUMBERS = [
  ["rotationDays", "D"],
  ["rotationHours", "H"],
  ["rotationMinutes", "M"],
  ["rotationMonths", "M"],
  ["rotationYears", "Y"],
] as const;

/** The period a numeric rotation field stands for, as ISO 8601 (`P90D`, `PT12H`, `P1M`). */
function periodText(key: Exclude<RotationField, "rotationRfc3339">, value: number): string {
  const unit = ROTATION_NUMBERS.find(([name]) => name === key)?.[1] ?? "";
  const timeUnit = key === "rotationHours" || key === "rotationMinutes";
  return `P${timeUnit ? "T" : ""}${value}${unit}`;
}

/**
 * Rotation instant of a `time.Rotating`, as terraform-provider-time's `setRotationValues`
 * computes it (see ./time-rotating.ts): the last set of days, hours, minutes, months,
 * `rotationRfc3339`, years decides; the others are not added.
 *
 * @param name the Rotating resource's name, for the source description
 * @param nowMs used as `rfc3339` when that is not set (a Rotating being created starts now)
 * @returns a failure when a set field is malformed (numbers: whole, 1 to 1 000 000), when none is
 *   set, or when the instant cannot be represented
 */
export function rotatingNextRotation(
  name: string,
  props: RotatingProps,
  nowMs: number,
): Parsed<NextRotation> {
  const label = `time:index/rotating:Rotating ${JSON.stringify(name.slice(0, 64))}`;
  const fields: RotationFields = {};
  for (const [key] of ROTATION_NUMBERS) {
    const value = props[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value > 1_000_000) {
      return { ok: false, reason: `${label} ${key} must be a positive whole number` };
    }
    fields[key] = value;
  }
  if (props.rotationRfc3339 !== undefined && props.rotationRfc3339 !== null) {
    const at = parseInstant(props.rotationRfc3339);
    if (!at.ok) return { ok: false, reason: `${label} rotationRfc3339: ${at.reason}` };
    fields.rotationRfc3339 = at.value;
  }
  const deciding = decidingRotationField(fields);
  if (deciding === undefined) {
    return { ok: false, reason: `${label} sets no rotation period` };
  }
  if (deciding === "rotationRfc3339") {
    return {
      ok: true,
      value: {
        ms: fields.rotationRfc3339 as number,
        source: `${label} rotationRfc3339 ${props.rotationRfc3339 as string}`,
      },
    };
  }
  let baseMs = nowMs;
  let baseText = "now";
  let baseOffsetMinutes = 0;
  if (props.rfc3339 !== undefined && props.rfc3339 !== null) {
    const base = parseInstant(props.rfc3339);
    if (!base.ok) return { ok: false, reason: `${label} rfc3339: ${base.reason}` };
    baseMs = base.value;
    baseText = props.rfc3339 as string;
    baseOffsetMinutes = rfc3339OffsetMinutes(baseText) ?? 0;
  }
  const ms = rotationInstant(baseMs, fields, { baseOffsetMinutes });
  if (ms === undefined) return { ok: false, reason: `${label}: rotation instant out of range` };
  // Numeric fields set before the deciding one: the provider overwrites them, it does not add them.
  const order = ROTATION_NUMBERS.map(([key]) => key);
  const ignored = order.slice(0, order.indexOf(deciding)).filter((key) => key in fields);
  const note =
    ignored.length === 0
      ? ""
      : `; ${ignored.join(", ")} ignored: time.Rotating applies only the last rotation field set, ${deciding}`;
  const period = periodText(deciding, fields[deciding] as number);
  return { ok: true, value: { ms, source: `${label} (${baseText} + ${period}${note})` } };
}
