/**
 * The churn check as a policy of the preview: `credential-replaced-every-deployment`, configured in
 * the `--policy-pack-config` file like the pack's policies, its verdicts merged with theirs.
 */
import { churnMessage, CHURN_POLICY } from "../offline";
import type { ChurnFinding, RunResult } from "../offline";
import { diagnosticEffect } from "./engineEffect";
import type { PolicyDiagnostic, PolicyResult } from "./policies";
import type { PreviewPolicy } from "./policyConfig";

/** The preview's own policy: credentials replaced at every deployment. */
export const CHURN_POLICY_INFO: PreviewPolicy = {
  name: CHURN_POLICY,
  description:
    "A credential must not be replaced at every deployment: its replacing inputs (end date, rotateWhenChanged, …) must not change between two runs of the program inside one rotation window.",
  enforcementLevel: "mandatory",
};

/**
 * The policy result with the churn check's verdicts: its level from the config file (forced to
 * `disabled` when the check did not run) and one diagnostic per finding unless disabled.
 *
 * @param run the first run (resolves the URNs the findings name)
 */
export function withChurn(
  policy: PolicyResult,
  findings: ChurnFinding[],
  enabled: boolean,
  run: RunResult,
): PolicyResult {
  const policies = policy.policies.map((p) =>
    p.name === CHURN_POLICY && !enabled ? { ...p, enforcementLevel: "disabled" as const } : p,
  );
  const level = policies.find((p) => p.name === CHURN_POLICY)?.enforcementLevel ?? "mandatory";
  if (level === "disabled") return { ...policy, policies };
  const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
  const diagnostics = findings.map((finding): PolicyDiagnostic => ({
    policy: CHURN_POLICY,
    enforcementLevel: level,
    urn: finding.urn,
    resource: byUrn.has(finding.urn) ? { type: finding.type, name: finding.name } : undefined,
    message: churnMessage(finding),
    engine: diagnosticEffect(level, undefined),
  }));
  return { ...policy, policies, diagnostics: [...policy.diagnostics, ...diagnostics] };
}
