/**
 * Lifetime of an Entra ID credential: from `startDate` (else now) to its end date, calendar-correct.
 *
 * End date, in order: `endDate` (RFC 3339); else `endDateRelative` (certificates only, see below);
 * else the service default — Microsoft Graph `addPassword` sets `endDateTime` to start + 2 years
 * for passwords (ApplicationPassword, ServicePrincipalPassword and the Application inline
 * password), and a SAML token-signing certificate defaults to 3 years; else, for application and
 * service principal certificates, the certificate value's own notAfter.
 *
 * `endDateRelative` on a password: terraform-provider-azuread 3.x (@pulumi/azuread 6.x) ignores it
 * silently (upstream issue #1424), so Graph's 2-year default applies whatever it says. The result
 * then carries `ignoredEndDateRelative` and the end date of the Graph default: the
 * credential-end-date-ignored policy (advisory) reports the ignored value, and
 * credential-max-lifetime reports the password when that default outlives `maxLifetime`.
 *
 * Pure: no I/O, no clock (the caller passes `nowMs`), never throws.
 */
import { addDuration, parseDuration, parseInstant } from "./iso8601";
import { certificateNotAfter } from "./certificate";
import { parseRelativeDuration } from "./relative-duration";
import type { CredentialKind } from "./resource-types";

// The services' default end dates, from the provider facts table.
export { PASSWORD_DEFAULT_LIFETIME, TOKEN_SIGNING_DEFAULT_LIFETIME } from "./provider-facts";
import { PASSWORD_DEFAULT_LIFETIME, TOKEN_SIGNING_DEFAULT_LIFETIME } from "./provider-facts";

/** The date properties of a credential, as found (not validated). */
export interface CredentialDates {
  startDate?: unknown;
  endDate?: unknown;
  endDateRelative?: unknown;
  /** Certificate value and `encoding`, read only when no other end date applies. */
  value?: unknown;
  encoding?: unknown;
}

/** Where the end date came from. */
export type EndSource = "endDate" | "endDateRelative" | "serviceDefault" | "certificateNotAfter";

/** A computed lifetime. All instants are milliseconds since the Unix epoch. */
export interface Lifetime {
  startMs: number;
  startSource: "startDate" | "now";
  endMs: number;
  endSource: EndSource;
  /** Set for passwords whose `endDateRelative` the provider ignores: the value found. */
  ignoredEndDateRelative?: string;
}

/** Why no lifetime could be computed: the offending property and a reason. */
export interface LifetimeError {
  field: "startDate" | "endDate" | "endDateRelative" | "value";
  reason: string;
}

export type LifetimeResult = ({ ok: true } & Lifetime) | ({ ok: false } & LifetimeError);

/**
 * Computes a credential's lifetime.
 *
 * @param kind decides the default end date (see module comment)
 * @param dates the properties found; `null` and `undefined` mean "not set"
 * @param nowMs the current instant, used when `startDate` is not set
 */
export function credentialLifetime(
  kind: CredentialKind,
  dates: CredentialDates,
  nowMs: number,
): LifetimeResult {
  let startMs = nowMs;
  let startSource: Lifetime["startSource"] = "now";
  if (isSet(dates.startDate)) {
    const start = parseInstant(dates.startDate);
    if (!start.ok) return { ok: false, field: "startDate", reason: start.reason };
    startMs = start.value;
    startSource = "startDate";
  }
  const base = { startMs, startSource };
  if (isSet(dates.endDate)) {
    const end = parseInstant(dates.endDate);
    if (!end.ok) return { ok: false, field: "endDate", reason: end.reason };
    return { ok: true, ...base, endMs: end.value, endSource: "endDate" };
  }
  const isPassword = kind === "password" || kind === "inlinePassword";
  if (isSet(dates.endDateRelative) && !isPassword) {
    const relative = parseRelativeDuration(dates.endDateRelative);
    if (!relative.ok) return { ok: false, field: "endDateRelative", reason: relative.reason };
    const endMs =
      relative.value.kind === "fixed"
        ? startMs + relative.value.ms
        : addDuration(startMs, relative.value.duration);
    return { ok: true, ...base, endMs, endSource: "endDateRelative" };
  }
  if (isPassword || kind === "tokenSigningCertificate") {
    const lifetime = parseDuration(
      isPassword ? PASSWORD_DEFAULT_LIFETIME : TOKEN_SIGNING_DEFAULT_LIFETIME,
    );
    const endMs = lifetime.ok ? addDuration(startMs, lifetime.value) : Number.NaN;
    const result: { ok: true } & Lifetime = {
      ok: true,
      ...base,
      endMs,
      endSource: "serviceDefault",
    };
    if (isPassword && isSet(dates.endDateRelative)) {
      result.ignoredEndDateRelative =
        typeof dates.endDateRelative === "string"
          ? dates.endDateRelative
          : String(typeof dates.endDateRelative);
    }
    return result;
  }
  const notAfter = certificateNotAfter(dates.value, dates.encoding);
  if (!notAfter.ok) return { ok: false, field: "value", reason: notAfter.reason };
  return { ok: true, ...base, endMs: notAfter.value, endSource: "certificateNotAfter" };
}

/** `null`, `undefined` and `""` mean "not set" (the provider treats an empty date as absent). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}
