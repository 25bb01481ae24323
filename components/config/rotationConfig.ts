/**
 * The rotation settings of the configuration (`app-credentials:rotation`, per-app `rotation`,
 * the triggers): parsed, defaulted and checked against the same rules the policy pack applies at
 * its defaults (policy/core/defaults.ts), so that a configuration accepted here never yields a
 * mandatory violation, and one the pack would reject is refused here first, with the same reason:
 *
 * | rule (config field)                  | the pack's policy (default)                       |
 * |--------------------------------------|---------------------------------------------------|
 * | maxLifetime ≤ P2Y                    | credential-max-lifetime (`maxLifetime` P2Y), keyvault-secret-expiry (`maxValidity` P2Y) |
 * | slots·period + grace ≤ maxLifetime, per window | credential-max-lifetime                  |
 * | grace ≥ P7D                          | credential-rotates-before-expiry (`minGrace` P7D) |
 *
 * Rules of this project alone: period ≥ P1D (scheduled deployments run about daily: a shorter
 * window replaces every slot at every run, deleting the password Key Vault just left), and whole
 * seconds for the anchor, period and grace (the azuread provider stores credential dates to the
 * second). Pure: no Pulumi runtime, no clock.
 */
import { Duration } from "luxon";
import {
  DEFAULT_MAX_LIFETIME,
  DEFAULT_MIN_GRACE,
  formatInstant,
  parseDuration,
  parseInstant,
  wholeMultipleOf,
} from "../../policy/core";
import { checkKeys, formatDays, isRecord, optionalString, Report } from "./configFields";
import { defaultAnchor, durationExceeds, RotationSettings, worstCaseLifetime } from "../rotation";

/** Defaults of `app-credentials:rotation`. */
export const ROTATION_DEFAULTS = {
  /** Microsoft recommends rotating client secrets at least every 6 months. */
  period: "P180D",
  grace: "P30D",
  slots: 2,
  /** The pack's default `maxLifetime`: Entra ID caps portal-created client secrets at 24 months. */
  maxLifetime: DEFAULT_MAX_LIFETIME,
} as const;

/** Highest `maxLifetime` accepted: the pack's default `maxLifetime` (and `maxValidity`), P2Y. */
export const MAX_LIFETIME_CEILING = DEFAULT_MAX_LIFETIME;
/** Shortest `grace` accepted: the pack's default `minGrace` (credential-rotates-before-expiry). */
export const MIN_GRACE = DEFAULT_MIN_GRACE;
/** Shortest `period` accepted: scheduled deployments run about daily. */
export const MIN_PERIOD = "P1D";
/** Rotation trigger when none is configured. */
export const DEFAULT_TRIGGER = "0";

/** The rotation fields as written (strings unparsed). */
export type RawRotation = {
  period?: string;
  grace?: string;
  slots?: unknown;
  maxLifetime?: string;
  anchor?: string;
};

const ROTATION_KEYS = ["period", "grace", "slots", "maxLifetime", "anchor"];

/**
 * Why dates must be whole seconds: the azuread provider formats credential dates with Go's
 * `time.RFC3339` (whole seconds) before sending them and stores what Graph returns
 * (terraform-provider-azuread internal/helpers/credentials/credentials.go); a declared `endDate`
 * with a fraction of a second never equals the state, and since it forces replacement every
 * deployment would replace every password.
 */
const WHOLE_SECOND =
  "it must be a whole second: the azuread provider stores credential dates to the second, so an endDate with a fraction never matches the state and every deployment would replace the password";

/** Reads a `rotation` object (global or per app); reports a value that is not one. */
export function parseRotation(field: string, value: unknown, report: Report): RawRotation {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    report(field, value, `expected an object with any of ${ROTATION_KEYS.join(", ")}`);
    return {};
  }
  checkKeys(field, value, ROTATION_KEYS, report);
  const text = (key: string) => optionalString(`${field}.${key}`, value[key], report);
  return {
    period: text("period"),
    grace: text("grace"),
    slots: value.slots,
    maxLifetime: text("maxLifetime"),
    anchor: text("anchor"),
  };
}

/**
 * Reads a rotation trigger: a non-empty string of at most 256 characters.
 * @returns the trigger, or `fallback` when absent (and when invalid, after reporting it)
 */
export function parseTrigger(
  field: string,
  value: unknown,
  fallback: string,
  report: Report,
): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || value.length === 0 || value.length > 256) {
    report(
      field,
      value,
      'expected a non-empty string of at most 256 characters (quote numbers in YAML: "1")',
    );
    return fallback;
  }
  return value;
}

/** Parses a duration field; reports and returns undefined when invalid. */
function duration(field: string, text: string, report: Report): Duration | undefined {
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    report(
      field,
      text,
      `expected a positive ISO 8601 duration such as P180D, P6M or PT12H (${parsed.reason})`,
    );
    return undefined;
  }
  return parsed.value;
}

/** The duration when its fixed part (weeks…milliseconds) is whole seconds; reports it otherwise. */
function wholeSeconds(
  field: string,
  text: string,
  value: Duration | undefined,
  report: Report,
): Duration | undefined {
  if (!value) return undefined;
  if (wholeMultipleOf(value, 1000)) return value;
  report(field, text, WHOLE_SECOND);
  return undefined;
}

/** True when `lower` can end after `value` from the same start (calendar-exact over a leap cycle). */
function shorterThan(value: Duration, lower: Duration): boolean {
  return durationExceeds(lower, value).exceeds;
}

/**
 * Validates `maxLifetime` against a ceiling (P2Y, or the stack's own for a per-app value).
 * @returns the duration, or undefined after reporting it
 */
export function checkMaxLifetime(
  field: string,
  text: string | undefined,
  ceiling: string,
  report: Report,
): Duration | undefined {
  const max = duration(field, text ?? ROTATION_DEFAULTS.maxLifetime, report);
  const limit = parseDuration(ceiling);
  if (!max || !limit.ok) return undefined;
  const check = durationExceeds(max, limit.value);
  if (check.exceeds) {
    report(
      field,
      text,
      `the maximum lifetime may not exceed ${ceiling} (${formatDays(check.shortestMs)}); lower it`,
    );
    return undefined;
  }
  return max;
}

/** Resolved rotation settings of one app. */
export interface ResolvedRotation {
  rotation: RotationSettings;
  maxLifetime: string;
  anchorIsDefault: boolean;
}

/** What {@link resolveRotation} resolves: one app's settings and where they were written. */
export interface RotationRequest {
  /** Where the app was written, e.g. `apps[3]` (per-app problems are reported there). */
  field: string;
  /** The stack's `app-credentials:rotation` settings. */
  global: RawRotation;
  /** The app's own `rotation` settings, which win. */
  override: RawRotation;
  /** The stack's `maxLifetime`, parsed, when set. */
  globalMax: Duration | undefined;
  /** The app's name (its default anchor is spread by it). */
  appName: string;
  /** The app's rotation trigger, resolved. */
  trigger: string;
  /** The deployment instant, ms since the epoch: anchors may not be later; lifetimes are checked from there. */
  nowMs: number;
  /** Receives every problem: field, value, what is allowed. */
  report: Report;
}

/**
 * Resolves one app's rotation settings: its overrides over the stack's settings over the defaults,
 * each checked (see the module comment).
 *
 * @returns the settings, or undefined after reporting every problem
 */
export function resolveRotation(request: RotationRequest): ResolvedRotation | undefined {
  const { field, global, override, globalMax, appName, trigger, nowMs, report } = request;
  // A field is reported where it was written: under the app when overridden, else globally.
  const where = (key: keyof RawRotation) =>
    override[key] !== undefined ? `${field}.rotation.${key}` : `rotation.${key}`;
  const pick = <K extends keyof RawRotation>(key: K) => override[key] ?? global[key];

  const period = pick("period") ?? ROTATION_DEFAULTS.period;
  const grace = pick("grace") ?? ROTATION_DEFAULTS.grace;
  const periodDuration = wholeSeconds(
    where("period"),
    period,
    duration(where("period"), period, report),
    report,
  );
  const graceDuration = wholeSeconds(
    where("grace"),
    grace,
    duration(where("grace"), grace, report),
    report,
  );
  const slots = pick("slots") ?? ROTATION_DEFAULTS.slots;
  if (slots !== 1 && slots !== 2) {
    report(
      where("slots"),
      slots,
      "expected 1 (one password, replaced in place) or 2 (two overlapping passwords)",
    );
  }
  const maxLifetime = override.maxLifetime ?? global.maxLifetime ?? ROTATION_DEFAULTS.maxLifetime;
  const max =
    override.maxLifetime !== undefined
      ? checkMaxLifetime(
          where("maxLifetime"),
          override.maxLifetime,
          global.maxLifetime ?? MAX_LIFETIME_CEILING,
          report,
        )
      : globalMax;

  const minPeriod = parseDuration(MIN_PERIOD);
  if (periodDuration && minPeriod.ok && shorterThan(periodDuration, minPeriod.value)) {
    report(
      where("period"),
      period,
      `the period must be at least ${MIN_PERIOD}: scheduled deployments run about daily, and a shorter window would replace every slot at every run, deleting the password Key Vault just left`,
    );
  }
  const minGrace = parseDuration(MIN_GRACE);
  if (graceDuration && minGrace.ok && shorterThan(graceDuration, minGrace.value)) {
    report(
      where("grace"),
      grace,
      `the grace must be at least ${MIN_GRACE}, the policy pack's minGrace (credential-rotates-before-expiry): a password must stay valid that long after its replacement, so consumers pick up the new one and a failed scheduled run can be retried`,
    );
  }
  let anchorMs: number | undefined;
  const anchor = pick("anchor");
  if (anchor !== undefined) {
    const parsed = parseInstant(anchor);
    if (!parsed.ok) {
      report(
        where("anchor"),
        anchor,
        `expected an RFC 3339 timestamp such as 2025-01-01T00:00:00Z (${parsed.reason})`,
      );
    } else if (parsed.value % 1000 !== 0) {
      report(where("anchor"), anchor, WHOLE_SECOND);
    } else if (parsed.value > nowMs) {
      report(
        where("anchor"),
        anchor,
        `the anchor may not be in the future (now is ${formatInstant(nowMs)}): window 0 starts at the anchor`,
      );
    } else {
      anchorMs = parsed.value;
    }
  }
  if (!periodDuration || !graceDuration || (slots !== 1 && slots !== 2) || !max) return undefined;
  if (anchor !== undefined && anchorMs === undefined) return undefined;

  const anchorForCheck = anchorMs ?? defaultAnchor(appName, periodDuration);
  if (anchorMs === undefined && anchorForCheck > nowMs) {
    // The same rule as an explicit anchor: window 0 starts at the anchor, never after now.
    report(
      where("anchor"),
      undefined,
      `the default anchor ${formatInstant(anchorForCheck)} (2024-01-01T00:00:00Z plus this app's offset) is after now (${formatInstant(nowMs)}): window 0 starts at the anchor; set an explicit anchor not later than now`,
    );
    return undefined;
  }
  const lifetime = worstCaseLifetime(
    { anchorMs: anchorForCheck, periodDuration, graceDuration, slots },
    max,
    nowMs,
  );
  if (lifetime.exceeds) {
    const formula = `${slots === 2 ? "2·period" : "period"} + grace = ${slots === 2 ? "2·" : ""}${period} + ${grace}`;
    const overridden = (["period", "grace", "slots", "maxLifetime"] as const).some(
      (k) => override[k] !== undefined,
    );
    const from =
      lifetime.windowStartMs === undefined
        ? ""
        : ` (for the password issued at ${formatInstant(lifetime.windowStartMs)})`;
    report(
      overridden ? `${field}.rotation` : "rotation",
      { period, grace, slots },
      `${formula} lets a password live up to ${formatDays(lifetime.longestMs)}${from}, above maxLifetime ${maxLifetime} (${formatDays(lifetime.shortestMs)}), the policy pack's credential-max-lifetime; shorten period or grace`,
    );
    return undefined;
  }
  return {
    rotation: {
      anchorMs: anchorForCheck,
      period,
      periodDuration,
      grace,
      graceDuration,
      slots,
      trigger,
    },
    maxLifetime,
    anchorIsDefault: anchorMs === undefined,
  };
}
