/**
 * Federated identity credentials: the issuers, subjects and audiences of the platforms that can
 * prove who a workload is, and the rules Entra ID and Microsoft Graph document for them. Pure. The
 * stack config builds credentials from these forms and refuses what these rules refuse; the policy
 * pack's `federated-credential-subject-scope` (mandatory: pull requests) and
 * `federated-credential-trust-advisory` (the other findings) judge any stack's credentials with
 * the same functions, so the two agree.
 */

/** GitHub Actions' OIDC issuer (GitHub Docs, "OpenID Connect reference": `iss`). No trailing slash. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The audience Entra ID expects in a federated token, per cloud (Microsoft Entra, "Configure an
 * application to trust a managed identity": public cloud, Fairfax, Mooncake, USNat, USSec).
 */
export const ENTRA_TOKEN_EXCHANGE_AUDIENCES = [
  "api://AzureADTokenExchange",
  "api://AzureADTokenExchangeUSGov",
  "api://AzureADTokenExchangeChina",
  "api://AzureADTokenExchangeUSNat",
  "api://AzureADTokenExchangeUSSec",
] as const;

/** The public cloud's audience, the default. */
export const DEFAULT_FEDERATION_AUDIENCE = ENTRA_TOKEN_EXCHANGE_AUDIENCES[0];

/** Entra ID's issuer for tokens of its tenant, used to trust a managed identity. */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

/** Documented limits, each with its source. */
export const FEDERATION_LIMITS = {
  /**
   * "A maximum of 20 federated identity credentials can be added to an application" (Microsoft
   * Entra, "Configure an app to trust an external identity provider", Important).
   */
  perApplication: 20,
  /** issuer, subject, audience: "a limit of 600 characters" (Graph, federatedIdentityCredential). */
  valueLength: 600,
  /**
   * name: "3-120 characters … Alphanumeric, dash, or underscore characters are supported, the first
   * character must be alphanumeric only" (Microsoft Entra, same page); the azuread provider checks
   * 1–120 (application_federated_identity_credential_resource.go, display_name).
   */
  name: /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/,
} as const;

/** Sources quoted in messages. */
export const FEDERATION_SOURCES = {
  limits:
    "Microsoft Entra, Configure an app to trust an external identity provider (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust)",
  graph:
    "Microsoft Graph, federatedIdentityCredential resource (https://learn.microsoft.com/graph/api/resources/federatedidentitycredential)",
  https:
    "OpenID Connect Discovery 1.0 §3: the issuer is a URL using the https scheme; Entra ID fetches the issuer's keys from it",
  github:
    "GitHub Docs, OpenID Connect reference (https://docs.github.com/actions/reference/security/oidc)",
  flexible:
    "Microsoft Entra, Flexible federated identity credentials (https://learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials)",
} as const;

/**
 * True for an issuer of GitHub Actions' OIDC tokens, whose subjects take GitHub's forms:
 * - `https://token.actions.githubusercontent.com` (GitHub.com; GitHub Docs, "OpenID Connect
 *   reference": `iss`);
 * - `https://token.actions.githubusercontent.com/<enterpriseSlug>` (an enterprise's unique token
 *   URL, `include_enterprise_slug`; GitHub Enterprise Cloud docs, "Switching to a unique token URL");
 * - `https://token.actions.<subdomain>.ghe.com` (GitHub Enterprise Cloud with data residency;
 *   "Network details for GHE.com": OIDC trusts for GitHub Actions deployments);
 * - `https://<hostname>/_services/token` (GitHub Enterprise Server; its "OpenID Connect
 *   reference": `iss`).
 * A trailing slash or other variant is none of them: Entra ID compares the token's `iss` with the
 * credential's issuer as a string, so such a credential never matches GitHub's tokens.
 */
export function isGithubActionsIssuer(issuer: string): boolean {
  return (
    issuer === GITHUB_ACTIONS_ISSUER ||
    /^https:\/\/token\.actions\.githubusercontent\.com\/[A-Za-z0-9][A-Za-z0-9_-]*$/i.test(issuer) ||
    /^https:\/\/token\.actions\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.ghe\.com$/i.test(issuer) ||
    /^https:\/\/[^/?#\s@]+\/_services\/token$/i.test(issuer)
  );
}

/** What a GitHub Actions credential trusts. */
export type GithubTrust =
  { environment: string } | { branch: string } | { tag: string } | { pullRequest: true };

/** `org/repo`, or GitHub's immutable `org@<ownerId>/repo@<repoId>` (repositories since 2026-07-15). */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]*(?:@\d+)?\/[A-Za-z0-9._-]+(?:@\d+)?$/;

/**
 * The subject GitHub issues for a workflow job (GitHub Docs, "OpenID Connect reference", Example
 * subject claims): `repo:<repository>:environment:<name>`, `…:ref:refs/heads/<branch>`,
 * `…:ref:refs/tags/<tag>`, `…:pull_request`. A `:` inside a value is written `%3A`.
 */
export function githubSubject(repository: string, trust: GithubTrust): string {
  const escape = (value: string) => value.replace(/:/g, "%3A");
  const prefix = `repo:${repository}`;
  if ("environment" in trust) return `${prefix}:environment:${escape(trust.environment)}`;
  if ("branch" in trust) return `${prefix}:ref:refs/heads/${escape(trust.branch)}`;
  if ("tag" in trust) return `${prefix}:ref:refs/tags/${escape(trust.tag)}`;
  return `${prefix}:pull_request`;
}

/** The subject a Kubernetes service account's token carries. */
export function kubernetesSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** A finding about what a federated credential trusts. */
export interface SubjectScopeFinding {
  /**
   * `pullRequest`: a credential exposed to anyone who opens a pull request (mandatory in the pack);
   * `anyBranchOrRepository`: a flexible credential's expression that matches any repository or any
   * branch; `pullRequestExpression`: a flexible credential's expression that matches pull requests'
   * subjects; `plainHttpIssuer`; `audience`: not one of Entra ID's token-exchange audiences.
   */
  kind:
    | "pullRequest"
    | "anyBranchOrRepository"
    | "pullRequestExpression"
    | "plainHttpIssuer"
    | "audience";
  /** What it trusts and why that is a risk, naming the subject, expression, issuer or audience. */
  reason: string;
  /** The safer form. */
  safer: string;
}

/** Longest value quoted whole in a finding; longer ones are cut with `…`, so messages stay short. */
const MAX_QUOTED = 200;

/** A value for a finding's text: cut at {@link MAX_QUOTED} characters. */
function cut(value: string): string {
  return value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
}

/** A value quoted for a finding's text (JSON string syntax), cut at {@link MAX_QUOTED} characters. */
function quoted(value: string): string {
  return JSON.stringify(cut(value));
}

/** GitHub's default subject for a pull request's job: `repo:<repository>:pull_request`. */
const PULL_REQUEST_SUBJECT = /^repo:([^:*]+):pull_request$/;

/**
 * Judges what a federated credential trusts (the pack's `federated-credential-subject-scope` and
 * `federated-credential-trust-advisory`):
 * - a GitHub Actions subject `repo:<repository>:pull_request`, `<repository>` being `org/repo` or
 *   the immutable `org@<owner id>/repo@<repository id>` (GitHub issues it for jobs of workflows
 *   run on pull requests without an environment, so any pull request's workflow can obtain the
 *   app's tokens), when the issuer is one of GitHub's ({@link isGithubActionsIssuer}) or not given;
 *   a customized subject (e.g. `…:pull_request:job_workflow_ref:…`) is not this form;
 * - a flexible credential's claims-matching expression (`claims['sub'] matches '<pattern>'`, `*`
 *   a wildcard, clauses joined by `and`; {@link FEDERATION_SOURCES}.flexible) whose pattern for
 *   GitHub's subject matches any repository (a `*` in the repository, or no repository), any branch
 *   (`repo:org/repo:*`, `…:ref:*`, `…:ref:refs/*`, `…:ref:refs/heads/*`; also a `refs/heads/*`
 *   ref of another claim such as `job_workflow_ref`), or pull requests' subjects;
 * - an issuer on plain http;
 * - an audience other than Entra ID's token-exchange audiences.
 *
 * @param credential `issuer`, `subject` and `audiences` of a federated identity credential, or
 *   `issuer`, `claimsMatchingExpression` and the one `audience` (as `audiences: [audience]`) of a
 *   flexible one
 * @returns the findings, in that order (empty: nothing to report)
 */
export function subjectScopeFindings(credential: {
  issuer?: string;
  subject?: string;
  audiences?: readonly string[];
  claimsMatchingExpression?: string;
}): SubjectScopeFinding[] {
  const findings: SubjectScopeFinding[] = [];
  const { issuer, subject, claimsMatchingExpression: expression } = credential;
  const pullRequest = subject !== undefined ? PULL_REQUEST_SUBJECT.exec(subject) : null;
  if (pullRequest && (issuer === undefined || isGithubActionsIssuer(issuer))) {
    const repository = cut(pullRequest[1]);
    findings.push({
      kind: "pullRequest",
      reason: `subject ${quoted(pullRequest[0])} trusts every pull request's workflow in ${repository}: anyone who can open a pull request can obtain the app's tokens`,
      safer: `trust a protected environment (repo:${repository}:environment:<name>) or a branch (repo:${repository}:ref:refs/heads/main)`,
    });
  }
  if (expression !== undefined) findings.push(...expressionFindings(expression));
  if (issuer !== undefined && /^http:\/\//i.test(issuer)) {
    findings.push({
      kind: "plainHttpIssuer",
      reason: `issuer ${quoted(issuer)} is plain http: the keys that sign its tokens are fetched unprotected`,
      safer: "use the issuer's https URL (OpenID Connect Discovery requires https)",
    });
  }
  for (const audience of credential.audiences ?? []) {
    if ((ENTRA_TOKEN_EXCHANGE_AUDIENCES as readonly string[]).includes(audience)) continue;
    findings.push({
      kind: "audience",
      reason: `audience ${quoted(audience)} is not one Entra ID expects (${DEFAULT_FEDERATION_AUDIENCE} in the public cloud)`,
      safer: `set audiences to [${DEFAULT_FEDERATION_AUDIENCE}] (or the sovereign cloud's: ${ENTRA_TOKEN_EXCHANGE_AUDIENCES.slice(1).join(", ")})`,
    });
  }
  return findings;
}

/** One comparison of a claims-matching expression: `claims['<claim>'] <operator> '<comparand>'`. */
interface ExpressionClause {
  /** The claim, e.g. `sub`; undefined when the expression could not be split into clauses. */
  claim: string | undefined;
  /** True for `matches` (`*` is a wildcard), false for `eq` (`*` is literal). */
  wildcards: boolean;
  /** The comparand as written. */
  text: string;
}

const CLAUSE = /claims\[\s*'([^']*)'\s*\]\s+(matches|eq)\s+'([^']*)'/gi;
/** Probes: a repository, branch and owner nobody configures. */
const PROBE_BRANCH = "refs/heads/any-branch-probe-7c1e/x";
const PROBE_OTHER_REPOSITORY = "repo:any-owner-probe-7c1e/any-repo-probe:ref:refs/heads/main";

/** The clauses of a claims-matching expression; unparseable text is judged as one pattern. */
function clausesOf(expression: string): ExpressionClause[] {
  const clauses: ExpressionClause[] = [];
  for (const [, claim, operator, text] of expression.matchAll(CLAUSE)) {
    clauses.push({ claim, wildcards: operator.toLowerCase() === "matches", text });
  }
  if (clauses.length > 0) return clauses;
  const strings = [...expression.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
  return (strings.length > 0 ? strings : [expression]).map((text) => ({
    claim: undefined,
    wildcards: true,
    text,
  }));
}

/**
 * Does the clause's comparand match `text`? `eq` compares exactly; with `matches` a `*` stands for
 * any run of characters. Greedy matching with one backtrack point, O(comparand × text): no regular
 * expression, so no comparand can make it slow.
 */
function clauseMatches(clause: ExpressionClause, text: string): boolean {
  const pattern = clause.text;
  if (!clause.wildcards) return pattern === text;
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** What a flexible credential's expression trusts beyond one repository's protected refs. */
function expressionFindings(expression: string): SubjectScopeFinding[] {
  const findings: SubjectScopeFinding[] = [];
  const shown = quoted(expression);
  const anyBranchOrRepository = (what: string): SubjectScopeFinding => ({
    kind: "anyBranchOrRepository",
    reason: `claims-matching expression ${shown} matches ${what}`,
    safer:
      "match one repository and a protected branch or environment, e.g. claims['sub'] matches 'repo:org/repo:environment:prod'",
  });
  for (const clause of clausesOf(expression)) {
    const subject = clause.claim === undefined || clause.claim === "sub";
    const repository = /^repo:([^:]*)(?::|$)/.exec(clause.text)?.[1];
    const anyRepository =
      (clause.wildcards && repository?.includes("*")) ||
      clauseMatches(clause, PROBE_OTHER_REPOSITORY);
    if (subject && anyRepository) {
      findings.push(anyBranchOrRepository(`any repository ('${cut(clause.text)}')`));
      continue;
    }
    if (subject && repository !== undefined) {
      const pullRequests = clauseMatches(clause, `repo:${repository}:pull_request`);
      const named = cut(repository);
      if (clauseMatches(clause, `repo:${repository}:ref:${PROBE_BRANCH}`)) {
        findings.push(
          anyBranchOrRepository(
            `any branch of ${named}${pullRequests ? " and every pull request's workflow" : ""} ('${cut(clause.text)}')`,
          ),
        );
      } else if (pullRequests) {
        findings.push({
          kind: "pullRequestExpression",
          reason: `claims-matching expression ${shown} matches the subject of every pull request's workflow in ${named} ('${cut(clause.text)}'): anyone who can open a pull request can obtain the app's tokens`,
          safer: `match a protected environment (repo:${named}:environment:<name>) or a branch (repo:${named}:ref:refs/heads/main)`,
        });
      }
      continue;
    }
    // Another claim (job_workflow_ref, ref…): a ref that is only refs/heads/* or refs/*.
    if (clause.wildcards && /(?:^|[@:])refs\/(?:heads\/)?\*(?::|$)/.test(clause.text)) {
      findings.push(anyBranchOrRepository(`any branch ('${cut(clause.text)}')`));
    }
  }
  return findings;
}
