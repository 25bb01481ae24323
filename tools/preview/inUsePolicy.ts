/**
 * `credential-in-use-before-deletion` as a policy of the preview (with `--state` and
 * `--credential-activity`): configured in the `--policy-pack-config` file like the pack's policies
 * and `credential-replaced-every-deployment` (its level; mandatory by default), its verdicts merged
 * with theirs. The tenant audit reports the same policy (tools/audit, policy/core/audit-policies.ts).
 */
import {
  AUDIT_ONLY_POLICIES,
  CREDENTIAL_IN_USE_BEFORE_DELETION,
  formatInstant,
} from "../../policy/core";
import { diagnosticEffect } from "./engineEffect";
import type { PolicyDiagnostic, PolicyResult } from "./policies";
import type { PreviewPolicy } from "./policyConfig";
import { ACTIVITY_FRESHNESS, ACTIVITY_SOURCE } from "./statePlan";
import type { InUseFinding } from "./statePlan";

/** The preview's own policy: a credential the next deployment deletes still signs in. */
export const IN_USE_POLICY_INFO: PreviewPolicy = {
  name: CREDENTIAL_IN_USE_BEFORE_DELETION,
  description:
    "A credential the next pulumi up deletes must not have signed in within inUseWindow (PT24H) before it: some consumer has not moved to the credential Key Vault holds and fails once it is deleted.",
  enforcementLevel: "mandatory",
  // The same settings as the tenant audit's policy of that name (inUseWindow).
  configSchema: AUDIT_ONLY_POLICIES.find((p) => p.name === CREDENTIAL_IN_USE_BEFORE_DELETION)
    ?.configSchema,
};

/**
 * The policy result with the in-use verdicts: one diagnostic per finding at the policy's level
 * from the config file, none when it is `disabled`.
 *
 * @param activityFile the `--credential-activity` file, named in each message
 */
export function withInUse(
  policy: PolicyResult,
  findings: readonly InUseFinding[],
  activityFile: string,
): PolicyResult {
  const level =
    policy.policies.find((p) => p.name === CREDENTIAL_IN_USE_BEFORE_DELETION)?.enforcementLevel ??
    "mandatory";
  if (level === "disabled") return policy;
  const diagnostics = findings.map((finding): PolicyDiagnostic => ({
    policy: CREDENTIAL_IN_USE_BEFORE_DELETION,
    enforcementLevel: level,
    urn: finding.urn,
    resource: { type: finding.type, name: finding.name },
    message: inUseMessage(finding, activityFile),
    engine: diagnosticEffect(level, undefined),
  }));
  return { ...policy, diagnostics: [...policy.diagnostics, ...diagnostics] };
}

/**
 * The message: the app, the key id, the last sign-in and the consumer hint on the first line (a
 * CI log or an issue quotes it alone), then what to do, then where the sign-in came from.
 */
export function inUseMessage(finding: InUseFinding, activityFile: string): string {
  const ago = describeAgo(finding.deploymentMs - finding.lastSignInMs);
  const what = [
    finding.kind,
    finding.slot !== undefined ? `slot ${finding.slot}` : undefined,
    finding.generation !== undefined ? `generation ${finding.generation}` : undefined,
    finding.end !== undefined ? `ends ${finding.end}` : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join(", ");
  const how =
    finding.why === "replaced"
      ? "replaces it (a new credential), then deletes it"
      : finding.why === "removed"
        ? "deletes it (the program no longer declares it)"
        : "deletes it (an old copy of a replaced credential, left for deletion)";
  const holds =
    finding.keyVaultSecrets.length > 0 ? ` (${finding.keyVaultSecrets.join(", ")})` : "";
  return [
    `app ${finding.app}: credential ${finding.keyId} (${what}) last signed in at ${formatInstant(finding.lastSignInMs)}, ${ago} before this deployment (${formatInstant(finding.deploymentMs)}; inUseWindow ${finding.inUseWindow}), and the next pulumi up ${how}: some consumer has not moved to the credential Key Vault holds${holds} and fails once it is deleted.`,
    `Find the consumer in the sign-in logs (service principal sign-ins, credential key id ${finding.keyId}), make it read Key Vault again (restart it), then run the gate again; or, to revoke the credential anyway, set ${CREDENTIAL_IN_USE_BEFORE_DELETION} to advisory in the --policy-pack-config file.`,
    `Sign-ins: ${activityFile}, from ${ACTIVITY_SOURCE}; ${ACTIVITY_FRESHNESS}.`,
  ].join("\n");
}

/** `1 h`, `35 min`, `2 d 3 h`: how long before the deployment, rounded down to the minute. */
function describeAgo(ms: number): string {
  if (ms < 0) return "after the deployment instant (a clock ahead)";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
