/**
 * `credential-expiring-soon` (advisory, stack policy): credentials (passwords, certificates,
 * Application inline passwords) and Key Vault secrets whose end date is still ahead but falls
 * within `warnBefore` (ISO 8601, default `P30D`) from now, with the fix: advance the rotation
 * trigger. End dates already passed are `credential-expired`'s. Reads end dates from the stack's
 * state (outputs); values unknown during preview are skipped.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { skipWithoutAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { DEFAULT_WARN_BEFORE } from "../core/defaults";
import { durationSchema, durationSetting } from "../core/config";
import { endDates, hasEndDates, endStatus } from "../core/end-dates";
import { at, formatDays, resourceLabel } from "../core/messages";
import { CredentialKind } from "../core/resource-types";

export const CREDENTIAL_EXPIRING_SOON = "credential-expiring-soon";
export { DEFAULT_WARN_BEFORE };

/** The fix for a credential or secret that is about to end, or has ended, by kind. */
export const RENEWAL_FIXES: Record<CredentialKind | "secret", string> = {
  password:
    'advance the rotation trigger (the "rotation-trigger" value in rotateWhenChanged, or whatever rotateWhenChanged depends on) and run pulumi up to replace the password now',
  inlinePassword:
    "replace the inline password with an azuread.ApplicationPassword that has endDate and rotateWhenChanged, then advance its rotation trigger",
  certificate: "upload a new certificate (new value and endDate) before this one expires",
  tokenSigningCertificate:
    "create a new token-signing certificate (replace the resource) before this one expires",
  secret:
    "advance the rotation trigger of the credential this secret holds and run pulumi up, so the secret is rewritten with a new value and expiry",
};

/** Creates the policy. @param clock current instant (ms since epoch) */
export function credentialExpiringSoonPolicy(clock: Clock = systemClock): StackValidationPolicy {
  return {
    name: CREDENTIAL_EXPIRING_SOON,
    description:
      "Credentials and Key Vault secrets whose end date falls within warnBefore from now.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Rotate the credential or secret before its end date (change its rotation trigger or schedule) and hand the new one to its consumers; or widen its schedule so rotation happens earlier.",
    url: "policy/README.md#policies",
    configSchema: {
      properties: {
        warnBefore: durationSchema(
          "Warn when a credential or secret ends within this duration from now, ISO 8601.",
          DEFAULT_WARN_BEFORE,
        ),
      },
    },
    validateStack: skipWithoutAnalyzed(
      (args: StackValidationArgs, reportViolation: ReportViolation) =>
        validate(args, reportViolation, clock()),
      hasEndDates,
    ),
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialExpiringSoon = credentialExpiringSoonPolicy();

function validate(args: StackValidationArgs, report: ReportViolation, nowMs: number): void {
  const setting = durationSetting(args.getConfig(), "warnBefore", DEFAULT_WARN_BEFORE);
  for (const resource of args.resources) {
    const ends = endDates(resource.type, resource.props);
    if (ends.length === 0) continue;
    const label = resourceLabel(resource.type, resource.name);
    if (!setting.ok) {
      report(
        `${label} cannot be checked: ${setting.reason}. Fix: set warnBefore to an ISO 8601 duration such as P30D in the policy configuration.`,
        resource.urn,
      );
      continue;
    }
    for (const end of ends) {
      if (endStatus(end.ms, nowMs, setting.value.duration) !== "expiring-soon") continue;
      report(
        `${label}${end.where} expires in ${formatDays(end.ms - nowMs)}, at ${at(end.ms)} (${end.field}), within the warning window ${setting.value.text}. Fix: ${RENEWAL_FIXES[end.kind]}.`,
        resource.urn,
      );
    }
  }
}
