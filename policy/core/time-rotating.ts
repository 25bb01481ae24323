/**
 * The rotation instant of a `time.Rotating` (@pulumiverse/time, which bridges
 * hashicorp/terraform-provider-time), computed as the provider computes it.
 *
 * Source: hashicorp/terraform-provider-time, `internal/provider/resource_time_rotating.go`,
 * function `setRotationValues(plan, timestamp)` (unchanged since the plugin-framework migration,
 * checked at commit 16bc819e):
 *
 * ```go
 * if plan.RotationDays.ValueInt64() != 0 {
 *     rotationTimestamp = timestamp.AddDate(0, 0, int(plan.RotationDays.ValueInt64()))
 * }
 * if plan.RotationHours.ValueInt64() != 0 {
 *     hours := time.Duration(plan.RotationHours.ValueInt64()) * time.Hour
 *     rotationTimestamp = timestamp.Add(hours)
 * }
 * if plan.RotationMinutes.ValueInt64() != 0 { … timestamp.Add(minutes) }
 * if plan.RotationMonths.ValueInt64() != 0 { … timestamp.AddDate(0, months, 0) }
 * if plan.RotationRFC3339.ValueString() != "" {
 *     rotationTimestamp, diags = plan.RotationRFC3339.ValueRFC3339Time()
 * }
 * if plan.RotationYears.ValueInt64() != 0 { … timestamp.AddDate(years, 0, 0) }
 * ```
 *
 * So:
 * - every field is applied to the *base* `timestamp`, not to the previous result: when several are
 *   set they are not added, the last one applied wins. The order is days, hours, minutes, months,
 *   `rotation_rfc3339`, years (see {@link ROTATION_FIELD_ORDER});
 * - a given `rotation_rfc3339` is used as is, unless `rotation_years` is also set;
 * - days, months and years use Go's `time.Time.AddDate`, which normalises like `time.Date`:
 *   2023-01-31 + 1 month = "2023-02-31" = 2023-03-03, 2024-01-31 + 1 month = 2024-03-02,
 *   2024-02-29 + 1 year = "2025-02-29" = 2025-03-01 (never clamped to the month's end);
 * - hours and minutes are exact durations (`time.Duration`, int64 nanoseconds, which wraps
 *   around past about 292 years — reproduced by {@link goDurationMs});
 * - the base `timestamp` is `rfc3339` when configured (`Create`: `time.Parse(time.RFC3339, …)` via
 *   terraform-plugin-framework-timetypes `ValueRFC3339Time`), else `clock.Now().UTC()` at creation;
 *   `Update` and `ModifyPlan` recompute from the stored base (`id` / `rfc3339`).
 * - the schema requires at least one of the six fields (`ConfigValidators`:
 *   `resourcevalidator.AtLeastOneOf(rotation_minutes, rotation_hours, rotation_days,
 *   rotation_months, rotation_years, rotation_rfc3339)`), and each number to be at least 1
 *   (`int64validator.AtLeast(1)`); it is not ExactlyOneOf, so several may be set.
 *
 * Go's `time.Parse` keeps a non-`Z` offset as the time's zone, and `AddDate` normalises the wall
 * clock in that zone: pass it as `baseOffsetMinutes`. (When that offset is one the provider
 * process's local zone uses, Go picks the local zone with its daylight-saving rules; a fixed
 * offset is assumed here, which is exact for `Z` bases and for providers running in UTC.)
 *
 * Pure and runtime-free (no Luxon): instants are milliseconds since the Unix epoch, UTC.
 */

/** The rotation fields of a `time.Rotating`, in the order `setRotationValues` applies them. */
export const ROTATION_FIELD_ORDER = [
  "rotationDays",
  "rotationHours",
  "rotationMinutes",
  "rotationMonths",
  "rotationRfc3339",
  "rotationYears",
] as const;

/** One of {@link ROTATION_FIELD_ORDER}. */
export type RotationField = (typeof ROTATION_FIELD_ORDER)[number];

/**
 * The rotation inputs of a `time.Rotating`. Numbers are whole; `0` or absent means not set (the
 * provider tests `ValueInt64() != 0`, a null reads as 0). `rotationRfc3339` is the configured
 * `rotation_rfc3339` already parsed, in ms since the epoch.
 */
export interface RotationFields {
  rotationDays?: number;
  rotationHours?: number;
  rotationMinutes?: number;
  rotationMonths?: number;
  rotationRfc3339?: number;
  rotationYears?: number;
}

/** Options of {@link rotationInstant}. */
export interface RotationOptions {
  /**
   * UTC offset of the base timestamp as written in `rfc3339` (e.g. `-300` for `-05:00`); months
   * and years are added to the wall clock in that offset, as Go does. Default 0 (`Z`, or the
   * creation instant, `clock.Now().UTC()`).
   */
  baseOffsetMinutes?: number;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
/** Largest |ms| a JavaScript Date holds (ECMA-262 time value range). */
const MAX_TIME_MS = 8.64e15;
/** Go's `time.Minute` and `time.Hour`, in nanoseconds. */
const NS_PER_MINUTE = 60_000_000_000n;
const NS_PER_HOUR = 3_600_000_000_000n;
const NS_PER_MS = 1_000_000n;

/**
 * Go's `time.Time.AddDate(years, months, days)` (`AddDate` → `time.Date(year+years,
 * month+months, day+days, hour, min, sec, nsec, loc)`): the date fields are added and the result
 * normalised, months overflowing into years and days overflowing into the next months — Jan 31 +
 * 1 month is "Feb 31", i.e. Mar 3 (Mar 2 in a leap year); Feb 29 + 1 year is Mar 1. The time of
 * day is kept.
 *
 * @param ms the instant, ms since the Unix epoch
 * @param offsetMinutes the fixed UTC offset of the time's zone, whose wall clock is normalised
 * @returns ms since the Unix epoch; NaN outside the range of a JavaScript Date
 */
export function goAddDate(
  ms: number,
  years: number,
  months: number,
  days: number,
  offsetMinutes = 0,
): number {
  const wall = ms + offsetMinutes * MS_PER_MINUTE;
  const date = new Date(wall);
  if (Number.isNaN(date.getTime())) return NaN;
  const timeOfDay = wall - Math.floor(wall / MS_PER_DAY) * MS_PER_DAY;
  const day = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999; it normalises month and
  // day overflow exactly as Go's time.Date does.
  day.setUTCFullYear(
    date.getUTCFullYear() + years,
    date.getUTCMonth() + months,
    date.getUTCDate() + days,
  );
  const result = day.getTime() + timeOfDay - offsetMinutes * MS_PER_MINUTE;
  return Number.isFinite(result) && Math.abs(result) <= MAX_TIME_MS ? result : NaN;
}

/**
 * Go's `time.Duration(count) * unit` in milliseconds: an int64 count of nanoseconds, which wraps
 * around (two's complement) past ±9.22e18 ns, about 2 562 047 hours. Truncated toward −∞ to whole
 * milliseconds (only a wrapped product has a sub-millisecond part).
 *
 * @param count a whole number
 * @param unitNs the unit in nanoseconds (`time.Hour` = 3 600 000 000 000n)
 */
export function goDurationMs(count: number, unitNs: bigint): number {
  const ns = BigInt.asIntN(64, BigInt(count) * unitNs);
  const ms = ns / NS_PER_MS - (ns % NS_PER_MS < 0n ? 1n : 0n);
  return Number(ms);
}

/**
 * True when the provider treats the field as set: a number other than 0 (`ValueInt64() != 0`), or
 * any given `rotationRfc3339` (`ValueString() != ""`; the epoch, 0 ms, is a valid instant).
 */
function isSet(key: RotationField, value: number | undefined): value is number {
  return value !== undefined && (key === "rotationRfc3339" || value !== 0);
}

/**
 * The field that decides the rotation instant: the last one set in {@link ROTATION_FIELD_ORDER}
 * (`rotationYears` over `rotationRfc3339` over `rotationMonths` over `rotationMinutes` over
 * `rotationHours` over `rotationDays`); `undefined` when none is set.
 */
export function decidingRotationField(fields: RotationFields): RotationField | undefined {
  let deciding: RotationField | undefined;
  for (const key of ROTATION_FIELD_ORDER) if (isSet(key, fields[key])) deciding = key;
  return deciding;
}

/**
 * The rotation instant (`rotation_rfc3339`) terraform-provider-time computes for a `time_rotating`
 * from its base timestamp, as `setRotationValues` in `internal/provider/resource_time_rotating.go`
 * does: only the last set field of days, hours, minutes, months, `rotationRfc3339`, years counts
 * (they are not added), days/months/years by Go's `AddDate` ({@link goAddDate}), hours/minutes as
 * `time.Duration`s ({@link goDurationMs}).
 *
 * Examples (base 2023-01-31T10:00:00Z): `{ rotationMonths: 1 }` → 2023-03-03T10:00:00Z;
 * `{ rotationDays: 30, rotationHours: 12 }` → 2023-01-31T22:00:00Z (hours win);
 * `{ rotationRfc3339: x, rotationYears: 1 }` → 2024-01-31T10:00:00Z (years win over x).
 *
 * @param baseMs the base timestamp (`rfc3339`, or the creation instant), ms since the Unix epoch
 * @returns ms since the Unix epoch; `undefined` when no field is set (the provider's schema
 *   rejects that: AtLeastOneOf), when a number is not a safe integer, or when the instant is
 *   outside the range of a JavaScript Date
 */
export function rotationInstant(
  baseMs: number,
  fields: RotationFields,
  options: RotationOptions = {},
): number | undefined {
  const deciding = decidingRotationField(fields);
  if (deciding === undefined) return undefined;
  const value = fields[deciding] as number;
  const offset = options.baseOffsetMinutes ?? 0;
  let ms: number;
  switch (deciding) {
    case "rotationRfc3339":
      ms = value;
      break;
    case "rotationDays":
    case "rotationMonths":
    case "rotationYears":
      if (!Number.isSafeInteger(value)) return undefined;
      ms =
        deciding === "rotationDays"
          ? goAddDate(baseMs, 0, 0, value, offset)
          : deciding === "rotationMonths"
            ? goAddDate(baseMs, 0, value, 0, offset)
            : goAddDate(baseMs, value, 0, 0, offset);
      break;
    case "rotationHours":
    case "rotationMinutes":
      if (!Number.isSafeInteger(value)) return undefined;
      ms = baseMs + goDurationMs(value, deciding === "rotationHours" ? NS_PER_HOUR : NS_PER_MINUTE);
      break;
  }
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS ? ms : undefined;
}

/** Trailing RFC 3339 offset: `Z` or `±hh:mm`. */
const RFC3339_OFFSET = /(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * The UTC offset, in minutes, an RFC 3339 timestamp is written in (`Z` → 0, `-05:00` → -300), as
 * Go's `time.Parse` keeps it for `AddDate`; `undefined` without a readable offset.
 */
export function rfc3339OffsetMinutes(text: string): number | undefined {
  const match = RFC3339_OFFSET.exec(text);
  if (match === null) return undefined;
  if (match[1] !== undefined) return 0;
  const minutes = Number(match[3]) * 60 + Number(match[4]);
  return match[2] === "-" ? -minutes : minutes;
}

/**
 * Formats an instant as Go's `t.Format(time.RFC3339)` does for the provider's outputs
 * (`timetypes.NewRFC3339TimeValue`): whole seconds (the fraction is dropped), `Z` for a zero
 * offset, else the offset as `±hh:mm` with the wall clock in it.
 *
 * @param offsetMinutes the zone's fixed UTC offset (that of the base `rfc3339`; 0 for `Z`)
 */
export function formatGoRfc3339(ms: number, offsetMinutes = 0): string {
  const wall = new Date(ms + offsetMinutes * MS_PER_MINUTE).toISOString();
  const seconds = wall.replace(/\.\d{3}Z$/, "");
  if (offsetMinutes === 0) return `${seconds}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${seconds}${sign}${hh}:${mm}`;
}
