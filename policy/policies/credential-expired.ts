/**
 * `credential-expired` (advisory, stack policy): credentials (passwords, certificates, Application
 * inline passwords) and Key Vault secrets whose end date has passed. An expired credential can no
 * longer sign in, so it breaks no lifetime rule in Azure (advisory); but a consumer still holding
 * it is failing now, and one left on an app hides which credential is live. Reads end dates from
 * the stack's state (outputs); values unknown during preview are skipped.
 *
 * `credential-expiring-soon` covers end dates still ahead; the two never report the same date.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { skipWithoutAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { endDates, hasEndDates } from "../core/end-dates";
import { at, formatDays, resourceLabel } from "../core/messages";
import { isExpired } from "../core/verdicts";
import { RENEWAL_FIXES } from "./credential-expiring-soon";

export const CREDENTIAL_EXPIRED = "credential-expired";

/** Creates the policy. @param clock current instant (ms since epoch) */
export function credentialExpiredPolicy(clock: Clock = systemClock): StackValidationPolicy {
  return {
    name: CREDENTIAL_EXPIRED,
    description: "Credentials and Key Vault secrets whose end date has passed.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Issue a new credential or secret (rotate it: change its rotation trigger or schedule), hand it to its consumers, and remove the expired one.",
    url: "policy/README.md#policies",
    validateStack: skipWithoutAnalyzed(
      (args: StackValidationArgs, reportViolation: ReportViolation) =>
        validate(args, reportViolation, clock()),
      hasEndDates,
    ),
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialExpired = credentialExpiredPolicy();

function validate(args: StackValidationArgs, report: ReportViolation, nowMs: number): void {
  for (const resource of args.resources) {
    for (const end of endDates(resource.type, resource.props)) {
      if (!isExpired(end.ms, nowMs)) continue;
      report(
        `${resourceLabel(resource.type, resource.name)}${end.where} expired ${formatDays(nowMs - end.ms)} ago, at ${at(end.ms)} (${end.field}). Fix: ${RENEWAL_FIXES[end.kind]}.`,
        resource.urn,
      );
    }
  }
}
