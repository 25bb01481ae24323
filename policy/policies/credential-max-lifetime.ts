/**
 * `credential-max-lifetime` (mandatory): password and certificate credentials of applications and
 * service principals must not live longer than `maxLifetime` (ISO 8601, default `P2Y`, like
 * Microsoft's app management policy `passwordLifetime.maxLifetime`).
 *
 * Lifetime: see ../core/lifetime.ts; the comparison with `maxLifetime`: `maxLifetimeVerdict`
 * (../core/verdicts.ts), which the tenant audit calls too. A password whose `endDateRelative` the
 * provider ignores gets Microsoft Graph's default end date (start + 2 years): reported only when
 * that exceeds `maxLifetime` (the ignored value itself is `credential-end-date-ignored`'s,
 * advisory).
 *
 * Unknown values during preview: the SDK's
 * `UnknownValueError` is re-thrown (advisory "can't run policy during preview"), never a
 * mandatory violation.
 *
 * Per kind: `maxPasswordLifetime` (passwords, like the tenant's `passwordLifetime`) and
 * `maxCertificateLifetime` (certificates, like `asymmetricKeyLifetime`) override `maxLifetime` for
 * their kind; both default to `maxLifetime`, so a tenant that caps the two differently can be
 * mirrored (`npm run audit -- --emit-policy-config`).
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { DEFAULT_MAX_LIFETIME } from "../core/defaults";
import {
  DurationSetting,
  durationSchema,
  durationSetting,
  optionalDurationSchema,
} from "../core/config";
import type { Parsed } from "../core/iso8601";
import { credentialLifetime, CredentialDates, Lifetime } from "../core/lifetime";
import { at, formatDays, resourceLabel, showValue } from "../core/messages";
import { CredentialKind, credentialKind } from "../core/resource-types";
import { maxLifetimeVerdict } from "../core/verdicts";
import { field, knownOrThrow } from "../core/unknowns";

export const CREDENTIAL_MAX_LIFETIME = "credential-max-lifetime";

/** The per-kind settings, by what the tenant's app management policy calls the kind. */
export const PER_KIND_KEY = {
  password: "maxPasswordLifetime",
  certificate: "maxCertificateLifetime",
} as const;
export { DEFAULT_MAX_LIFETIME };

/** Creates the policy. @param clock current instant (ms since epoch), used when `startDate` is not set */
export function credentialMaxLifetimePolicy(clock: Clock = systemClock): ResourceValidationPolicy {
  return {
    name: CREDENTIAL_MAX_LIFETIME,
    description:
      "Entra ID password and certificate credentials must not outlive the maximum lifetime (endDate − startDate ≤ maxLifetime).",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set endDate no later than startDate (or the creation time when startDate is unset) + maxLifetime (default P2Y); set endDate itself rather than endDateRelative, which the provider ignores.",
    url: "policy/README.md#credential-max-lifetime",
    configSchema: {
      properties: {
        maxLifetime: durationSchema(
          "Longest allowed credential lifetime, ISO 8601 (like passwordLifetime.maxLifetime).",
          DEFAULT_MAX_LIFETIME,
        ),
        [PER_KIND_KEY.password]: optionalDurationSchema(
          "Longest allowed password lifetime, ISO 8601 (like passwordLifetime.maxLifetime); default maxLifetime.",
        ),
        [PER_KIND_KEY.certificate]: optionalDurationSchema(
          "Longest allowed certificate lifetime, ISO 8601 (like asymmetricKeyLifetime.maxLifetime); default maxLifetime.",
        ),
      },
    },
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation, clock());
    },
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialMaxLifetime = credentialMaxLifetimePolicy();

/** The setting that applies to a kind (its per-kind key, else `maxLifetime`) and its key. */
function lifetimeSetting(
  config: unknown,
  kind: CredentialKind,
): { key: string; setting: Parsed<DurationSetting> } {
  const general = durationSetting(config, "maxLifetime", DEFAULT_MAX_LIFETIME);
  if (!general.ok) return { key: "maxLifetime", setting: general };
  const key =
    kind === "password" || kind === "inlinePassword"
      ? PER_KIND_KEY.password
      : PER_KIND_KEY.certificate;
  return { key, setting: durationSetting(config, key, general.value.text) };
}

function validate(args: ResourceValidationArgs, report: ReportViolation, nowMs: number): void {
  const kind = credentialKind(args.type);
  if (kind === undefined) return;
  const label = resourceLabel(args.type, args.name);
  const { key, setting } = lifetimeSetting(args.getConfig(), kind);
  if (kind === "inlinePassword") {
    const password = knownOrThrow(field(args.props, "password"));
    for (const [index, block] of blocks(password).entries()) {
      const where = Array.isArray(password) ? `password[${index}]` : "password";
      check(`${label} ${where}`, kind, readDates(block, kind), { key, setting }, report, nowMs);
    }
    return;
  }
  check(label, kind, readDates(args.props, kind), { key, setting }, report, nowMs);
}

/** The inline password block(s) of an Application: an object, a list of objects, or nothing. */
function blocks(password: unknown): unknown[] {
  if (Array.isArray(password)) return password.filter((b) => typeof b === "object" && b !== null);
  return typeof password === "object" && password !== null ? [password] : [];
}

/** Reads only the dates the lifetime needs, in order, so an unknown later one is never read. */
function readDates(props: unknown, kind: CredentialKind): CredentialDates {
  const get = (key: string): unknown => knownOrThrow(field(props, key));
  const dates: CredentialDates = { startDate: get("startDate"), endDate: get("endDate") };
  if (isEmpty(dates.endDate)) {
    dates.endDateRelative = get("endDateRelative");
    if (kind === "certificate" && isEmpty(dates.endDateRelative)) {
      dates.value = get("value");
      dates.encoding = get("encoding");
    }
  }
  return dates;
}

function check(
  label: string,
  kind: CredentialKind,
  dates: CredentialDates,
  { key, setting }: { key: string; setting: Parsed<DurationSetting> },
  report: ReportViolation,
  nowMs: number,
): void {
  if (!setting.ok) {
    report(
      `${label} cannot be checked: ${setting.reason}. Fix: set ${key} to an ISO 8601 duration such as P2Y in the policy configuration.`,
    );
    return;
  }
  const max = setting.value;
  const lifetime = credentialLifetime(kind, dates, nowMs);
  if (!lifetime.ok) {
    const fix =
      lifetime.field === "value"
        ? `set endDate (RFC 3339) no later than startDate + ${max.text}`
        : `set ${lifetime.field === "endDateRelative" ? "endDate" : lifetime.field} to an RFC 3339 timestamp such as 2026-01-31T00:00:00Z, with endDate no later than startDate + ${max.text}`;
    report(
      `${label} has an unreadable ${lifetime.field}: ${lifetime.reason}. Maximum lifetime is ${max.text}. Fix: ${fix}.`,
    );
    return;
  }
  const verdict = maxLifetimeVerdict(lifetime.startMs, lifetime.endMs, max.duration);
  const limitMs = verdict.limitMs;
  const span = describeSpan(lifetime);
  if (verdict.kind === "out-of-range") {
    report(
      `${label} has dates out of the supported range (${span}). Fix: set startDate and endDate to RFC 3339 timestamps within ${max.text} of each other.`,
    );
    return;
  }
  // A password's endDateRelative is ignored (Graph's default applies): a violation only when that
  // default outlives maxLifetime; otherwise credential-end-date-ignored (advisory) reports it.
  if (lifetime.ignoredEndDateRelative !== undefined && verdict.kind === "too-long") {
    report(
      `${label} sets endDateRelative ${showValue(lifetime.ignoredEndDateRelative)} and no endDate: the provider ignores endDateRelative for passwords (deprecated), so Microsoft Graph's default applies and the password ends at ${at(lifetime.endMs)} (${span}), longer than the maximum lifetime ${max.text}. ` +
        `Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp no later than ${at(limitMs)}.`,
    );
    return;
  }
  if (verdict.kind === "ends-before-start") {
    report(
      `${label} ends before it starts (${span}). Fix: set endDate after ${lifetime.startSource} and no later than ${at(limitMs)} (${lifetime.startSource} + ${max.text}).`,
    );
    return;
  }
  if (verdict.kind === "too-long") {
    report(
      `${label} lives ${formatDays(verdict.lifetimeMs)} (${span}), longer than the maximum lifetime ${max.text}. ` +
        `Fix: set endDate no later than ${at(limitMs)} (${lifetime.startSource} + ${max.text}).`,
    );
  }
}

function describeSpan(lifetime: Lifetime): string {
  const start = `${lifetime.startSource} ${at(lifetime.startMs)}`;
  const endNames: Record<Lifetime["endSource"], string> = {
    endDate: "endDate",
    endDateRelative: "endDateRelative",
    serviceDefault: "service default end date",
    certificateNotAfter: "certificate notAfter",
  };
  return `${start} to ${endNames[lifetime.endSource]} ${at(lifetime.endMs)}`;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}
