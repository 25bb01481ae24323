/**
 * `credential-end-date-ignored` (advisory): a password (`ApplicationPassword`,
 * `ServicePrincipalPassword`, the `Application` inline `password`) that sets `endDateRelative` and
 * no `endDate`. terraform-provider-azuread 3.x (@pulumi/azuread 6.x) ignores `endDateRelative` for
 * passwords (deprecated; upstream issue hashicorp/terraform-provider-azuread#1424), so Microsoft
 * Graph's `addPassword` default applies: the password ends at start + 2 years (start = `startDate`,
 * else the creation instant), not when the code says.
 *
 * Advisory, by the pack's rule (mandatory = broken in Azure, a running app breaks, or a credential
 * is exposed): the password works and nothing breaks; only the written end date is not the real
 * one. When that default end date exceeds `maxLifetime`, `credential-max-lifetime` (mandatory)
 * reports the password as well.
 *
 * Unknown values during preview: the SDK's `UnknownValueError` is re-thrown (advisory "can't run
 * policy during preview"); `endDate` is read only when `endDateRelative` is set.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { addDuration } from "../core/iso8601";
import { credentialLifetime, isSet } from "../core/lifetime";
import { at, resourceLabel, showValue } from "../core/messages";
import { parseRelativeDuration } from "../core/relative-duration";
import { credentialKind } from "../core/resource-types";
import { field, knownOrThrow } from "../core/unknowns";

export const CREDENTIAL_END_DATE_IGNORED = "credential-end-date-ignored";

/** Graph's default password lifetime (../lib/lifetime.ts `PASSWORD_DEFAULT_LIFETIME`, P2Y), in words. */
const DEFAULT_TEXT = "2 years";

/** Creates the policy. @param clock current instant (ms since epoch), used when `startDate` is not set */
export function credentialEndDateIgnoredPolicy(
  clock: Clock = systemClock,
): ResourceValidationPolicy {
  return {
    name: CREDENTIAL_END_DATE_IGNORED,
    description:
      "Entra ID passwords whose endDateRelative the provider ignores: they end at Microsoft Graph's default (start + 2 years), not when the code says.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Remove endDateRelative and set endDate to an RFC 3339 timestamp (e.g. computed from the rotation schedule): the provider ignores endDateRelative, so the password ends at Graph's default (start + 2 years).",
    url: "policy/README.md#credential-end-date-ignored",
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation, clock());
    },
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialEndDateIgnored = credentialEndDateIgnoredPolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation, nowMs: number): void {
  const kind = credentialKind(args.type);
  if (kind !== "password" && kind !== "inlinePassword") return;
  const label = resourceLabel(args.type, args.name);
  if (kind === "password") {
    check(label, args.props, report, nowMs);
    return;
  }
  const password = knownOrThrow(field(args.props, "password"));
  const blocks = Array.isArray(password) ? password : [password];
  blocks.forEach((block, index) => {
    if (typeof block !== "object" || block === null) return;
    const where = Array.isArray(password) ? `password[${index}]` : "password";
    check(`${label} ${where}`, block, report, nowMs);
  });
}

/** Reports `props` when it sets `endDateRelative` and no `endDate`. */
function check(label: string, props: unknown, report: ReportViolation, nowMs: number): void {
  const relative = knownOrThrow(field(props, "endDateRelative"));
  if (!isSet(relative)) return;
  if (isSet(knownOrThrow(field(props, "endDate")))) return;
  const startDate = knownOrThrow(field(props, "startDate"));
  const startName = isSet(startDate) ? "startDate" : "now";
  // The default end date, as Graph sets it (../lib/lifetime.ts); unreadable startDate: not known.
  const lifetime = credentialLifetime("password", { startDate, endDateRelative: relative }, nowMs);
  const graphEnd = lifetime.ok ? `, ${at(lifetime.endMs)}` : "";
  let written = "";
  let example = "";
  const parsed = parseRelativeDuration(relative);
  if (lifetime.ok && parsed.ok) {
    const endMs =
      parsed.value.kind === "fixed"
        ? lifetime.startMs + parsed.value.ms
        : addDuration(lifetime.startMs, parsed.value.duration);
    if (Number.isFinite(endMs)) {
      written = `, not at ${at(endMs)} (${startName} + ${relative as string}) as written`;
      example = `, e.g. ${at(endMs)}`;
    }
  }
  report(
    `${label} sets endDateRelative ${showValue(relative)} and no endDate: the provider ignores endDateRelative for passwords (deprecated), so the password ends at Microsoft Graph's default${graphEnd} (${startName} + ${DEFAULT_TEXT})${written}. ` +
      `Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp${example}.`,
  );
}
