/**
 * `federated-credential-trust-advisory` (advisory): what a federated identity credential trusts,
 * beyond the pull-request subject that `federated-credential-subject-scope` refuses
 * (`core/federation.ts`, `subjectScopeFindings`, every finding but `pullRequest`):
 * - a flexible credential's claims-matching expression that matches any repository, any branch or
 *   pull requests' subjects (`anyBranchOrRepository`, `pullRequestExpression`), e.g.
 *   `claims['sub'] matches 'repo:contoso/*'` or `…'repo:contoso/app:ref:refs/heads/*'`;
 * - an issuer on plain http (`plainHttpIssuer`);
 * - an audience other than Entra ID's token-exchange audiences `api://AzureADTokenExchange` and its
 *   sovereign clouds' (`audience`).
 * Each finding is reported with the expression, issuer or audience and the safer form.
 *
 * Types and inputs (@pulumi/azuread 6.9):
 * - `azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential`:
 *   `issuer`, `audiences` (a list);
 * - `azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential`:
 *   `issuer`, `audience` (one string), `claimsMatchingExpression`.
 *
 * Advisory by default: at the pack's defaults only the pull-request subject is mandatory. Some of
 * these findings can be as exposed (an expression matching any owner's repositories, `repo:*`), so
 * an organisation may raise this policy to mandatory with one line of policy config
 * (`"federated-credential-trust-advisory": "mandatory"`). CrossGuard has one enforcement level per
 * policy, which is why the pull-request subject is a policy of its own.
 *
 * Unknown values during preview re-throw the SDK's `UnknownValueError` (advisory "can't run policy
 * during preview").
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

export const FEDERATED_CREDENTIAL_TRUST_ADVISORY = "federated-credential-trust-advisory";

/** Creates the policy (no configuration: the audiences and subject forms are Microsoft's and GitHub's). */
export function federatedCredentialTrustAdvisoryPolicy(): ResourceValidationPolicy {
  return {
    name: FEDERATED_CREDENTIAL_TRUST_ADVISORY,
    description:
      "A federated identity credential should trust one repository's protected branches or environments, through an https issuer, for Entra ID's token-exchange audience.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Match one repository and a protected branch or environment in a flexible credential's claimsMatchingExpression (no * in the repository, no refs/heads/*), use the issuer's https URL, and set the audience to api://AzureADTokenExchange (or the sovereign cloud's api://AzureADTokenExchangeUSGov, …China, …USNat, …USSec).",
    url: `policy/README.md#${FEDERATED_CREDENTIAL_TRUST_ADVISORY}`,
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
  };
}

/** The policy as the pack serves it. */
export const federatedCredentialTrustAdvisory = federatedCredentialTrustAdvisoryPolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  const flavour = federatedCredentialFlavour(args.type);
  if (flavour === undefined) return;
  const issuer = text(knownOrThrow(field(args.props, "issuer")));
  const audiences =
    flavour === "subject"
      ? texts(knownOrThrow(field(args.props, "audiences")))
      : texts([knownOrThrow(field(args.props, "audience"))]);
  const claimsMatchingExpression =
    flavour === "flexible"
      ? text(knownOrThrow(field(args.props, "claimsMatchingExpression")))
      : undefined;
  const label = resourceLabel(args.type, args.name);
  for (const finding of subjectScopeFindings({ issuer, audiences, claimsMatchingExpression })) {
    if (finding.kind === "pullRequest") continue;
    report(`${label}: ${finding.reason}. Fix: ${finding.safer}.`);
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The strings of a list (read entry by entry: an unknown entry re-throws); not a list: none. */
function texts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const found: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = knownOrThrow(field(list, String(i), ["audiences"]));
    if (typeof entry === "string") found.push(entry);
  }
  return found;
}
