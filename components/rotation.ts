/**
 * The rotation model, as pure functions of (anchor, period, grace, slots, trigger, now).
 *
 * See docs/rotation-model.md (summarised here):
 * - window index `k(t)`: the largest k with `anchor + k·period ≤ t` (calendar-correct, UTC);
 * - with `slots: 2`, slot s has generation `g_s = floor((k - s) / 2)` and is replaced at the start
 *   of every window whose parity is s; its end date `anchor + (2·g_s + s + 2)·period + grace`
 *   depends on the generation only, so it is stable until the slot rotates;
 * - with `slots: 1`, `g = k` and the end date is `anchor + (k + 1)·period + grace`;
 * - the active slot (the one Key Vault holds) is `k mod slots`: the newest password.
 *
 * Nothing here declares resources, reads config or looks at the clock: callers pass `nowMs`.
 */
import { createHash } from "crypto";
import { Duration } from "luxon";
import {
  addDuration,
  formatInstant,
  isFixedLength,
  managedCertificateCommonName,
  managedPasswordDisplayName,
  formatSchedule,
  nextRotation,
  SlotSchedule,
} from "../policy/core";

/** Resolved rotation settings of one app (validated: see `config.ts`). */
export interface RotationSettings {
  /** Start of window 0, milliseconds since the Unix epoch; never after the instants evaluated. */
  anchorMs: number;
  /** Window length as written in config (ISO 8601), e.g. `P180D`. */
  period: string;
  periodDuration: Duration;
  /** How long a password outlives the start of the window in which it is replaced, e.g. `P30D`. */
  grace: string;
  graceDuration: Duration;
  /** Overlapping passwords: 2 (default, create-before-delete with a full period of overlap) or 1. */
  slots: 1 | 2;
  /** Manual rotation trigger: changing it replaces every slot now, with unchanged end dates. */
  trigger: string;
}

/** One slot's password as it must be declared at an instant. */
export interface SlotState extends SlotSchedule {
  /** Window in which this generation was issued: `slots·generation + slot`. */
  issuedWindow: number;
  /** Start of `issuedWindow`, ms since the epoch (the password's earliest creation instant). */
  issuedAtMs: number;
  /** When the next deployment replaces this slot, ms since the epoch. */
  nextRotationMs: number;
  /** The password's end date, ms since the epoch: `nextRotationMs + grace`. */
  endDateMs: number;
  /** The password's `rotateWhenChanged` map (the schedule keys plus the trigger). */
  rotateWhenChanged: Record<string, string>;
  /** True for the slot Key Vault points to. */
  active: boolean;
}

/** Everything the components need to declare the passwords of one app at one instant. */
export interface RotationState {
  /** Current window index k. */
  window: number;
  /** Start of the current window, ms since the epoch. */
  windowStartMs: number;
  /** Start of the next window: the next instant at which one slot rotates. */
  nextWindowStartMs: number;
  /** One entry per slot, slot 0 first. */
  slots: SlotState[];
  /** Index into `slots` of the password Key Vault holds: `window mod slots`. */
  activeSlot: number;
}

/**
 * Start of window `k`: `anchor + k·period`, calendar-correct (the period is multiplied, then added
 * once, so month periods do not drift).
 */
export function windowStart(
  settings: Pick<RotationSettings, "anchorMs" | "periodDuration">,
  k: number,
): number {
  return addDuration(settings.anchorMs, settings.periodDuration, k);
}

/**
 * Window index at an instant: the largest k with `windowStart(k) ≤ nowMs` (negative before the
 * anchor).
 */
export function windowIndex(
  settings: Pick<RotationSettings, "anchorMs" | "periodDuration">,
  nowMs: number,
): number {
  const firstLength = windowStart(settings, 1) - settings.anchorMs;
  let k = Math.floor((nowMs - settings.anchorMs) / firstLength);
  while (windowStart(settings, k) > nowMs) k--;
  while (windowStart(settings, k + 1) <= nowMs) k++;
  return k;
}

/** Generation of a slot in window k: `floor((k - slot) / slots)`. */
export function generation(k: number, slot: number, slots: number): number {
  return Math.floor((k - slot) / slots);
}

/**
 * The passwords an app must have at `nowMs`.
 *
 * @param nowMs the deployment instant, ms since the epoch
 */
export function rotationState(settings: RotationSettings, nowMs: number): RotationState {
  const k = windowIndex(settings, nowMs);
  const activeSlot = ((k % settings.slots) + settings.slots) % settings.slots;
  const slots: SlotState[] = [];
  for (let slot = 0; slot < settings.slots; slot++) {
    const schedule: SlotSchedule = {
      anchorMs: settings.anchorMs,
      period: settings.period,
      generation: generation(k, slot, settings.slots),
      slot,
      slots: settings.slots,
    };
    const issuedWindow = settings.slots * schedule.generation + slot;
    const nextRotationMs = nextRotation(schedule, settings.periodDuration);
    slots.push({
      ...schedule,
      issuedWindow,
      issuedAtMs: windowStart(settings, issuedWindow),
      nextRotationMs,
      endDateMs: addDuration(nextRotationMs, settings.graceDuration),
      rotateWhenChanged: formatSchedule(schedule, settings.trigger),
      active: slot === activeSlot,
    });
  }
  return {
    window: k,
    windowStartMs: windowStart(settings, k),
    nextWindowStartMs: windowStart(settings, k + 1),
    slots,
    activeSlot,
  };
}

/**
 * The inputs a slot's password is declared with (`ApplicationPassword` /
 * `ServicePrincipalPassword`, besides its owner): every one forces replacement in the provider, so
 * they depend on the slot's generation and the trigger only. `endDate` is RFC 3339, whole seconds.
 */
export function passwordInputs(slot: SlotState): {
  displayName: string;
  endDate: string;
  rotateWhenChanged: Record<string, string>;
} {
  return {
    displayName: managedPasswordDisplayName(slot.slot, slot.generation),
    endDate: formatInstant(slot.endDateMs),
    rotateWhenChanged: slot.rotateWhenChanged,
  };
}

/**
 * A Key Vault secret's `attributes.expires` for a credential ending at `endDateMs`: **seconds**
 * since the Unix epoch (the ARM unit), whole.
 */
export function expiresSeconds(endDateMs: number): number {
  return Math.floor(endDateMs / 1000);
}

/** The key pair of a rotating certificate: RSA 2048 (Entra ID accepts RSA keys of 2048 bits and more). */
export const CERTIFICATE_KEY = { algorithm: "RSA", rsaBits: 2048 } as const;
/**
 * Key usages of a rotating certificate: a TLS client certificate (client credentials sign-in).
 *
 * terraform-provider-tls accepts only its own snake_case names (`keyUsages` and
 * `extendedKeyUsages` in internal/provider/common_cert.go, checked by `stringvalidator.OneOf` on
 * `allowed_uses` in resource_self_signed_cert.go) and Pulumi passes the strings through unchanged;
 * the camelCase list in `@pulumi/tls`'s type docs is a generator artefact the provider refuses.
 */
export const CERTIFICATE_USES = ["digital_signature", "key_encipherment", "client_auth"] as const;

/**
 * The inputs a slot's certificate is declared with, all depending on the slot's generation and
 * the trigger only (every input of `tls.SelfSignedCert` forces replacement):
 *
 * - `commonName`: `app-credentials <app> slot <s> generation <g>` (Graph shows the subject as the
 *   key credential's display name: the audit recognises rotated certificates by it), at most 64
 *   characters (RFC 5280 `ub-common-name`): a longer app name is shortened to its first
 *   characters, `.` and a hash (`managedCertificateCommonName`, policy/core/managed.ts);
 * - `validityPeriodHours`: from the start of the window the slot was issued for to its end date.
 *   The certificate is valid from its creation, never earlier than that start, so it covers the
 *   credential's end date; and that span is `slots·period + grace`, which the configuration caps
 *   at `maxLifetime`. Whole hours: the configuration requires certificate schedules in whole hours;
 * - `keyVersion`: a short hash of the schedule keys and trigger, part of the private key's
 *   resource name, so a new key pair is created for every generation and every trigger (a
 *   `tls.PrivateKey` has no input that could force its replacement).
 */
export function certificateInputs(
  appName: string,
  slot: SlotState,
): { commonName: string; validityPeriodHours: number; keyVersion: string } {
  return {
    commonName: managedCertificateCommonName(appName, slot.slot, slot.generation),
    validityPeriodHours: Math.round((slot.endDateMs - slot.issuedAtMs) / 3_600_000),
    keyVersion: createHash("sha256")
      .update(JSON.stringify(slot.rotateWhenChanged))
      .digest("hex")
      .slice(0, 10),
  };
}

/** Epoch from which default anchors are spread: 2024-01-01T00:00:00Z. */
export const DEFAULT_ANCHOR_EPOCH_MS = Date.UTC(2024, 0, 1);

/**
 * Default anchor of an app: `2024-01-01T00:00:00Z` plus a stable fraction of one period derived
 * from the app's name (SHA-256), in whole minutes, so that apps sharing a schedule do not all
 * rotate in the same minute. An explicit anchor in config wins.
 *
 * @returns ms since the epoch
 */
export function defaultAnchor(appName: string, period: Duration): number {
  const periodMinutes = Math.floor(
    (addDuration(DEFAULT_ANCHOR_EPOCH_MS, period) - DEFAULT_ANCHOR_EPOCH_MS) / 60_000,
  );
  const hash = createHash("sha256").update(appName).digest().readUInt32BE(0);
  return DEFAULT_ANCHOR_EPOCH_MS + (hash % Math.max(periodMinutes, 1)) * 60_000;
}

/** First day of the 4-year leap cycle scanned for calendar-dependent lengths (UTC). */
const CYCLE_START_MS = Date.UTC(2001, 0, 1);
const CYCLE_DAYS = 4 * 365 + 1;
const DAY_MS = 86_400_000;

/**
 * Compares two calendar spans measured from the same start, over every start that matters.
 *
 * `lhs` and `rhs` map a start instant to an end instant (ms since the epoch). When every duration
 * involved has a fixed length (weeks, days, hours…) one comparison is exact (`fixedLength`).
 * Otherwise the lengths depend on the start date, so every start day of one 4-year leap cycle is
 * checked (exact for the years 1901–2099, where that cycle repeats).
 *
 * @returns the longest `lhs` span and the shortest `rhs` span found, in ms, and whether `lhs` can
 *   end after `rhs` from the same start
 */
export function worstCase(
  lhs: (startMs: number) => number,
  rhs: (startMs: number) => number,
  fixedLength: boolean,
): { longestMs: number; shortestMs: number; exceeds: boolean } {
  const days = fixedLength ? 1 : CYCLE_DAYS;
  let longestMs = -Infinity;
  let shortestMs = Infinity;
  let exceeds = false;
  for (let day = 0; day < days; day++) {
    const start = CYCLE_START_MS + day * DAY_MS;
    const left = lhs(start) - start;
    const right = rhs(start) - start;
    longestMs = Math.max(longestMs, left);
    shortestMs = Math.min(shortestMs, right);
    if (left > right) exceeds = true;
  }
  return { longestMs, shortestMs, exceeds };
}

/**
 * Whether `longer` can end after `shorter` from the same start (every start day of a leap cycle:
 * exact), with the longest `longer` and shortest `shorter` spans found (ms). Cached by the pair:
 * a stack of thousands of apps shares a few durations.
 */
export function durationExceeds(
  longer: Duration,
  shorter: Duration,
): { longestMs: number; shortestMs: number; exceeds: boolean } {
  const key = `${longer.toISO()}|${shorter.toISO()}`;
  let result = durationPairCache.get(key);
  if (result === undefined) {
    result = worstCase(
      (start) => addDuration(start, longer),
      (start) => addDuration(start, shorter),
      isFixedLength(longer) && isFixedLength(shorter),
    );
    durationPairCache.set(key, result);
  }
  return result;
}
const durationPairCache = new Map<string, ReturnType<typeof worstCase>>();

/** Shortest length of a duration over every start day of a leap cycle, in ms, cached by duration. */
function shortestLength(duration: Duration): number {
  const key = duration.toISO() ?? "";
  let shortest = shortestLengthCache.get(key);
  if (shortest === undefined) {
    shortest = worstCase(
      (start) => start,
      (start) => addDuration(start, duration),
      isFixedLength(duration),
    ).shortestMs;
    shortestLengthCache.set(key, shortest);
  }
  return shortest;
}
const shortestLengthCache = new Map<string, number>();

/** How far ahead {@link worstCaseLifetime} checks calendar-dependent windows: 28 years. */
const LIFETIME_HORIZON = Duration.fromObject({ years: 28 });

/**
 * Whether a password of this schedule can outlive `maxLifetime`, calendar-correct.
 *
 * A password issued for window k is created at or after `windowStart(k)` and ends at
 * `windowStart(k + slots) + grace`; its lifetime fits when that end is no later than
 * `windowStart(k) + maxLifetime` (a later creation only helps). Each window is compared with its
 * own maximum: `2024-03-01 + P1Y + P1Y` fits `2024-03-01 + P2Y` although the year after a leap
 * day is a day shorter than the year with it.
 *
 * - period and grace of fixed length (weeks, days, hours…): the span is `slots·period + grace`
 *   for every window, compared with the shortest `maxLifetime` over a leap cycle (exact).
 * - a period or grace in months or years: spans vary with the calendar and with the anchor's day
 *   of month (`Jan 31 + 1 month` is clamped to February's last day, `+ 2 months` is not), so the
 *   windows of this anchor from the one before `fromMs` are checked, as many as make the calendar
 *   repeat: a period of M whole months starts windows on a pattern of months and leap years that
 *   repeats every `48 / gcd(M, 48)` windows (years 1901–2099); a period mixing months with days
 *   has no such pattern and 28 years of windows are checked.
 *
 * @param fromMs first instant of interest (the deployment instant), ms since the epoch
 * @returns whether a password can outlive `maxLifetime`; when it can, the lifetime and the maximum
 *   of the first window where it does (and that window's start, ms since the epoch); otherwise
 *   the longest lifetime and the shortest maximum found, in ms
 */
export function worstCaseLifetime(
  settings: Pick<RotationSettings, "anchorMs" | "periodDuration" | "graceDuration" | "slots">,
  maxLifetime: Duration,
  fromMs: number,
): { longestMs: number; shortestMs: number; exceeds: boolean; windowStartMs?: number } {
  const { periodDuration: period, graceDuration: grace, slots } = settings;
  if (isFixedLength(period) && isFixedLength(grace)) {
    const longestMs = addDuration(addDuration(0, period, slots), grace);
    const shortestMs = shortestLength(maxLifetime);
    return { longestMs, shortestMs, exceeds: longestMs > shortestMs };
  }
  let longestMs = -Infinity;
  let shortestMs = Infinity;
  const from = Math.max(fromMs, settings.anchorMs);
  const first = windowIndex(settings, from) - (slots - 1);
  const months = wholeMonths(period);
  const horizon = addDuration(from, LIFETIME_HORIZON);
  const last = months === undefined ? Infinity : first + 48 / gcd(months, 48) + slots;
  for (let k = first; k <= last && windowStart(settings, k) <= horizon; k++) {
    const start = windowStart(settings, k);
    const lifetimeMs = addDuration(windowStart(settings, k + slots), grace) - start;
    const maxMs = addDuration(start, maxLifetime) - start;
    if (lifetimeMs > maxMs) {
      return { longestMs: lifetimeMs, shortestMs: maxMs, exceeds: true, windowStartMs: start };
    }
    longestMs = Math.max(longestMs, lifetimeMs);
    shortestMs = Math.min(shortestMs, maxMs);
  }
  return { longestMs, shortestMs, exceeds: false };
}

/** The number of months of a duration made of years and months only, else undefined. */
function wholeMonths(duration: Duration): number | undefined {
  const { years = 0, months = 0, ...rest } = duration.toObject();
  if (Object.values(rest).some((v) => v)) return undefined;
  return years * 12 + months;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
