/**
 * `federated-credential-subject-scope` (mandatory): an `azuread.ApplicationFederatedIdentityCredential`
 * (`azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential`,
 * inputs `issuer`, `subject`, `audiences`) whose subject is GitHub Actions' pull-request subject,
 * `repo:<org>/<repo>:pull_request` or the immutable `repo:<org>@<id>/<repo>@<id>:pull_request`,
 * with a GitHub issuer (`core/federation.ts`, `subjectScopeFindings`, finding `pullRequest`):
 * GitHub issues that subject to the jobs of any workflow run on a pull request, so anyone who can
 * open one can obtain the app's tokens. Reported with the subject and the safer form (a protected
 * environment or a branch). The stack config refuses the same entry first (`federation`, "…
 * (federated-credential-subject-scope)").
 *
 * Only this exposure is mandatory. The other findings of `subjectScopeFindings` (a flexible
 * credential's expression matching any branch, any repository or pull requests, a plain-http
 * issuer, an audience Entra ID does not expect) are `federated-credential-trust-advisory`'s:
 * CrossGuard has one enforcement level per policy, so the two levels are two policies, each
 * configurable through its `enforcementLevel`. A flexible credential
 * (`ApplicationFlexibleFederatedIdentityCredential`) has no subject and is the advisory's.
 *
 * Unknown values during preview: an unknown subject, or an unknown issuer beside a pull-request
 * subject, re-throws the SDK's `UnknownValueError` (advisory "can't run policy during preview");
 * never a mandatory verdict on an unknown.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import { subjectScopeFindings } from "../core/federation";
import { resourceLabel } from "../core/messages";
import { federatedCredentialFlavour } from "../core/resource-types";
import { field, knownOrThrow } from "../core/unknowns";

export const FEDERATED_CREDENTIAL_SUBJECT_SCOPE = "federated-credential-subject-scope";

/** Creates the policy (no configuration: the subject forms are GitHub's). */
export function federatedCredentialSubjectScopePolicy(): ResourceValidationPolicy {
  return {
    name: FEDERATED_CREDENTIAL_SUBJECT_SCOPE,
    description:
      "A federated identity credential must not trust every pull request's GitHub Actions workflow.",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Trust a protected GitHub environment (subject repo:<org>/<repo>:environment:<name>) or a protected branch (repo:<org>/<repo>:ref:refs/heads/main) instead of repo:<org>/<repo>:pull_request; in app-credentials' config, replace githubActions.pullRequest: true with environment or branch.",
    url: `policy/README.md#${FEDERATED_CREDENTIAL_SUBJECT_SCOPE}`,
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
  };
}

/** The policy as the pack serves it. */
export const federatedCredentialSubjectScope = federatedCredentialSubjectScopePolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  if (federatedCredentialFlavour(args.type) !== "subject") return;
  const subject = knownOrThrow(field(args.props, "subject"));
  if (typeof subject !== "string") return;
  // Only a pull-request subject depends on the issuer: read it (and wait for it) only then.
  if (!subjectScopeFindings({ subject }).some((f) => f.kind === "pullRequest")) return;
  const issuer = knownOrThrow(field(args.props, "issuer"));
  if (issuer !== undefined && typeof issuer !== "string") return;
  const label = resourceLabel(args.type, args.name);
  for (const finding of subjectScopeFindings({ issuer, subject })) {
    if (finding.kind !== "pullRequest") continue;
    report(`${label}: ${finding.reason}. Fix: ${finding.safer}.`);
  }
}
