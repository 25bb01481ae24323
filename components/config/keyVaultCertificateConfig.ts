/**
 * `credential: keyVaultCertificate`: the certificate policy's validity, in whole months (Key
 * Vault's `validity_in_months`), must cover every credential end date of the schedule and never
 * exceed `maxLifetime`. Pure.
 */
import { Duration } from "luxon";
import { addDuration, formatDays } from "../../policy/core";
import type { RotationSettings } from "../rotation";
import { windowStart } from "../rotation";

/** Longest validity tried, in months (`maxLifetime` is at most P2Y). */
const MONTHS_TRIED = 24;
/** Windows walked: a calendar period repeats within 48 windows of whole months. */
const WINDOWS_WALKED = 48;
const DAY_MS = 86_400_000;
/** Days of a leap cycle: every calendar start day of a month span. */
const LEAP_CYCLE_DAYS = 1461;

/** The validity a Key Vault certificate policy needs, or why none fits. */
export type ValidityMonths = { ok: true; months: number } | { ok: false; reason: string };

/**
 * The fewest whole months of validity such that a certificate version created at the start of any
 * window k (or later in it) is still valid at its credential's end date `W(k + slots) + grace`,
 * checked over 48 windows from the one holding `nowMs`; and that validity never longer than
 * `maxLifetime` from any creation day (checked over every start day of a 4-year leap cycle).
 *
 * @param maxLifetime the app's cap (ISO 8601 as configured, parsed)
 * @returns the months, or the reason no whole number of months meets both
 */
export function keyVaultCertificateMonths(
  rotation: RotationSettings,
  maxLifetime: Duration,
  nowMs: number,
): ValidityMonths {
  const firstLength = windowStart(rotation, 1) - rotation.anchorMs;
  const k0 = Math.floor((nowMs - rotation.anchorMs) / firstLength) - 1;
  let longestSpanMs = 0;
  const fits = (months: number) => {
    for (let k = k0; k < k0 + WINDOWS_WALKED; k++) {
      const start = windowStart(rotation, k);
      const end = addDuration(windowStart(rotation, k + rotation.slots), rotation.graceDuration);
      longestSpanMs = Math.max(longestSpanMs, end - start);
      if (addDuration(start, Duration.fromObject({ months })) < end) return false;
    }
    return true;
  };
  let months = 1;
  while (months <= MONTHS_TRIED && !fits(months)) months++;
  if (months > MONTHS_TRIED) {
    return {
      ok: false,
      reason: `a credential of this schedule lives up to ${formatDays(longestSpanMs)}, longer than the ${MONTHS_TRIED} months a certificate may be valid`,
    };
  }
  const validity = Duration.fromObject({ months });
  for (let day = 0; day < LEAP_CYCLE_DAYS; day++) {
    const created = nowMs + day * DAY_MS;
    const expires = addDuration(created, validity);
    if (expires > addDuration(created, maxLifetime)) {
      return {
        ok: false,
        reason: `Key Vault sets a certificate's validity in whole months: covering this schedule's longest credential (${formatDays(longestSpanMs)}) needs ${months} months, which can last ${formatDays(expires - created)}, beyond maxLifetime ${maxLifetime.toISO()}; shorten period or grace (or set maxLifetime in months, e.g. P24M)`,
      };
    }
  }
  return { ok: true, months };
}
