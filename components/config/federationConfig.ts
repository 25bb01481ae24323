/**
 * `federation` of one app entry: the federated identity credentials through which workloads sign
 * in as the app without any secret, built from the platforms' documented issuer and subject forms,
 * and refused where Entra ID, Microsoft Graph or the azuread provider would refuse them (each rule
 * with its source in policy/core/federation.ts). Pure.
 */
import { createHash } from "crypto";
import {
  DEFAULT_FEDERATION_AUDIENCE,
  FEDERATION_LIMITS,
  FEDERATION_SOURCES,
  GITHUB_ACTIONS_ISSUER,
  GITHUB_REPOSITORY,
  GithubTrust,
  githubSubject,
  kubernetesSubject,
  subjectScopeFindings,
} from "../../policy/core";
import { checkKeys, countingReport, isRecord, Report } from "./configFields";

/** The platform a federated credential trusts. */
export type FederationForm = "githubActions" | "kubernetes" | "managedIdentity" | "oidc";

/** One federated identity credential, validated. */
export interface FederatedCredentialConfig {
  /** The credential's name (`displayName`): given, or derived stably from the entry. */
  name: string;
  form: FederationForm;
  /**
   * The token issuer, matched exactly (trailing slash included); undefined for `managedIdentity`:
   * the tenant's own Entra ID issuer `https://login.microsoftonline.com/<tenantId>/v2.0`, known at
   * deployment.
   */
  issuer: string | undefined;
  subject: string;
  audience: string;
  description: string;
}

const FORMS = ["githubActions", "kubernetes", "managedIdentity"] as const;
const COMMON = ["name", "audience", "description"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Kubernetes namespace: an RFC 1123 label (Kubernetes, "Object Names and IDs"). */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Kubernetes service account name: an RFC 1123 subdomain (same source). */
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const GITHUB_TRUSTS = ["environment", "branch", "tag", "pullRequest"] as const;

/**
 * Validates `federation: [...]`: entries `{githubActions: {repository, environment | branch | tag
 * | pullRequest: true}}`, `{kubernetes: {issuer, namespace, serviceAccount}}`, `{managedIdentity:
 * {principalId}}` or `{issuer, subject}`, each with optional `name`, `audience` (default
 * `api://AzureADTokenExchange`) and `description`.
 *
 * @param field where it was written, e.g. `apps[3].federation`
 * @returns the credentials (empty when absent), or undefined after reporting every problem
 */
export function parseFederation(
  field: string,
  value: unknown,
  report: Report,
): FederatedCredentialConfig[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(
      field,
      value,
      "expected a list of federated credentials: {githubActions: {...}}, {kubernetes: {...}}, {managedIdentity: {...}} or {issuer, subject}",
    );
    return undefined;
  }
  let ok = true;
  if (value.length > FEDERATION_LIMITS.perApplication) {
    report(
      field,
      `${value.length} entries`,
      `an application holds at most ${FEDERATION_LIMITS.perApplication} federated identity credentials (${FEDERATION_SOURCES.limits})`,
    );
    ok = false;
  }
  const credentials: FederatedCredentialConfig[] = [];
  const pairs = new Map<string, number>();
  const names = new Map<string, number>();
  value.forEach((entry: unknown, index) => {
    const at = `${field}[${index}]`;
    const credential = parseEntry(at, entry, report);
    if (!credential) {
      ok = false;
      return;
    }
    const pair = `${credential.issuer ?? "(tenant)"}\u0000${credential.subject}`;
    const samePair = pairs.get(pair);
    if (samePair !== undefined) {
      report(
        at,
        {
          issuer: credential.issuer ?? "(the tenant's Entra ID issuer)",
          subject: credential.subject,
        },
        `the combination of issuer and subject must be unique within the app (${FEDERATION_SOURCES.graph}); ${field}[${samePair}] has it already`,
      );
      ok = false;
      return;
    }
    pairs.set(pair, index);
    const sameName = names.get(credential.name.toLowerCase());
    if (sameName !== undefined) {
      report(
        `${at}.name`,
        credential.name,
        `federated credential names must be unique within the app; ${field}[${sameName}] has it already: set another name`,
      );
      ok = false;
      return;
    }
    names.set(credential.name.toLowerCase(), index);
    credentials.push(credential);
  });
  return ok ? credentials : undefined;
}

function parseEntry(
  field: string,
  value: unknown,
  report: Report,
): FederatedCredentialConfig | undefined {
  if (!isRecord(value)) {
    report(
      field,
      value,
      "expected an object such as {githubActions: {repository: org/repo, environment: prod}}",
    );
    return undefined;
  }
  const forms = FORMS.filter((form) => value[form] !== undefined);
  const generic = value.issuer !== undefined || value.subject !== undefined;
  if (forms.length + (generic ? 1 : 0) !== 1) {
    report(
      field,
      Object.keys(value),
      "set exactly one of githubActions, kubernetes, managedIdentity, or issuer with subject",
    );
    return undefined;
  }
  const problems = countingReport(report);
  const form: FederationForm = forms.length > 0 ? forms[0] : "oidc";
  checkKeys(
    field,
    value,
    [...COMMON, ...(form === "oidc" ? ["issuer", "subject"] : [form])],
    problems.report,
  );
  const target = form === "oidc" ? undefined : value[form];
  if (form !== "oidc" && !isRecord(target)) {
    report(`${field}.${form}`, target, `expected an object (${describeForm(form)})`);
    return undefined;
  }
  const trusted =
    form === "githubActions"
      ? github(`${field}.githubActions`, target as Record<string, unknown>, problems.report)
      : form === "kubernetes"
        ? kubernetes(`${field}.kubernetes`, target as Record<string, unknown>, problems.report)
        : form === "managedIdentity"
          ? managedIdentity(
              `${field}.managedIdentity`,
              target as Record<string, unknown>,
              problems.report,
            )
          : {
              issuer: issuerOf(`${field}.issuer`, value.issuer, problems.report),
              subject: subjectOf(`${field}.subject`, value.subject, problems.report),
            };
  const audience = textOf(
    `${field}.audience`,
    value.audience ?? DEFAULT_FEDERATION_AUDIENCE,
    problems.report,
  );
  const description = value.description ?? `app-credentials: ${form}`;
  if (typeof description !== "string" || description.length > FEDERATION_LIMITS.valueLength) {
    problems.report(
      `${field}.description`,
      description,
      `expected text of at most ${FEDERATION_LIMITS.valueLength} characters (${FEDERATION_SOURCES.graph})`,
    );
  }
  if (
    !trusted ||
    trusted.subject === undefined ||
    (form !== "managedIdentity" && trusted.issuer === undefined)
  ) {
    return undefined;
  }
  // The pack's mandatory findings are refused here first, with the same words.
  for (const finding of subjectScopeFindings({
    issuer: trusted.issuer,
    subject: trusted.subject,
  })) {
    if (finding.kind !== "pullRequest") continue;
    problems.report(
      form === "githubActions" ? `${field}.githubActions.pullRequest` : `${field}.subject`,
      form === "githubActions" ? true : trusted.subject,
      `${finding.reason}. Fix: ${finding.safer} (federated-credential-subject-scope)`,
    );
  }
  const name = nameOf(
    `${field}.name`,
    value.name,
    form,
    trusted.issuer,
    trusted.subject,
    problems.report,
  );
  if (problems.count() > 0 || audience === undefined || name === undefined) return undefined;
  return {
    name,
    form,
    issuer: trusted.issuer,
    subject: trusted.subject,
    audience,
    description: description as string,
  };
}

/** What each form expects, for messages. */
function describeForm(form: FederationForm): string {
  switch (form) {
    case "githubActions":
      return "{repository: org/repo, and one of environment, branch, tag, pullRequest: true}";
    case "kubernetes":
      return "{issuer: <the cluster's OIDC issuer URL>, namespace, serviceAccount}";
    case "managedIdentity":
      return "{principalId: <the user-assigned managed identity's object id>}";
    default:
      return "{issuer, subject}";
  }
}

type Trusted = { issuer: string | undefined; subject: string | undefined };

function github(
  field: string,
  value: Record<string, unknown>,
  report: Report,
): Trusted | undefined {
  checkKeys(field, value, ["repository", ...GITHUB_TRUSTS], report);
  const repository = value.repository;
  if (typeof repository !== "string" || !GITHUB_REPOSITORY.test(repository)) {
    report(
      `${field}.repository`,
      repository,
      `expected org/repo, or GitHub's immutable form org@<owner id>/repo@<repository id> (${FEDERATION_SOURCES.github}, Immutable subject claims)`,
    );
  }
  const given = GITHUB_TRUSTS.filter((key) => value[key] !== undefined);
  if (given.length !== 1) {
    report(field, given, "set exactly one of environment, branch, tag or pullRequest: true");
    return undefined;
  }
  const key = given[0];
  const trustValue = value[key];
  let trust: GithubTrust;
  if (key === "pullRequest") {
    if (trustValue !== true) {
      report(`${field}.pullRequest`, trustValue, "expected true");
      return undefined;
    }
    trust = { pullRequest: true };
  } else {
    if (typeof trustValue !== "string" || trustValue.trim() === "" || trustValue.includes("*")) {
      report(
        `${field}.${key}`,
        trustValue,
        `expected a ${key} name; wildcards are not supported in a federated credential (${FEDERATION_SOURCES.limits})`,
      );
      return undefined;
    }
    trust = { [key]: trustValue } as GithubTrust;
  }
  if (typeof repository !== "string" || !GITHUB_REPOSITORY.test(repository)) return undefined;
  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    subject: subjectOf(`${field}.${key}`, githubSubject(repository, trust), report),
  };
}

function kubernetes(field: string, value: Record<string, unknown>, report: Report): Trusted {
  checkKeys(field, value, ["issuer", "namespace", "serviceAccount"], report);
  const { namespace, serviceAccount } = value;
  if (typeof namespace !== "string" || !DNS_LABEL.test(namespace)) {
    report(
      `${field}.namespace`,
      namespace,
      "expected a Kubernetes namespace: an RFC 1123 label (lower-case letters, digits, '-', at most 63)",
    );
  }
  if (typeof serviceAccount !== "string" || !DNS_SUBDOMAIN.test(serviceAccount)) {
    report(
      `${field}.serviceAccount`,
      serviceAccount,
      "expected a Kubernetes service account name: an RFC 1123 subdomain",
    );
  }
  const ok =
    typeof namespace === "string" &&
    DNS_LABEL.test(namespace) &&
    typeof serviceAccount === "string" &&
    DNS_SUBDOMAIN.test(serviceAccount);
  return {
    issuer: issuerOf(`${field}.issuer`, value.issuer, report),
    subject: ok ? kubernetesSubject(namespace as string, serviceAccount as string) : undefined,
  };
}

function managedIdentity(field: string, value: Record<string, unknown>, report: Report): Trusted {
  checkKeys(field, value, ["principalId"], report);
  const principalId = value.principalId;
  if (typeof principalId !== "string" || !GUID.test(principalId)) {
    report(
      `${field}.principalId`,
      principalId,
      "expected the object (principal) id of a user-assigned managed identity in this tenant, a GUID (Microsoft Entra, Configure an application to trust a managed identity)",
    );
    return { issuer: undefined, subject: undefined };
  }
  // "The GUID is case sensitive": written as Entra ID issues it, lower-case.
  return { issuer: undefined, subject: principalId.toLowerCase() };
}

/** An issuer: https, at most 600 characters, no surrounding whitespace, compared exactly. */
function issuerOf(field: string, value: unknown, report: Report): string | undefined {
  const text = textOf(field, value, report);
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== "https:" || url.username || url.password || url.search || url.hash) {
    report(
      field,
      value,
      `expected the issuer's https URL, exactly as the tokens' iss claim carries it (trailing slash included) (${FEDERATION_SOURCES.https})`,
    );
    return undefined;
  }
  return text;
}

function subjectOf(field: string, value: unknown, report: Report): string | undefined {
  const text = textOf(field, value, report);
  if (text !== undefined && text.includes("*")) {
    report(
      field,
      value,
      `wildcards are not supported in a federated credential's subject (${FEDERATION_SOURCES.limits})`,
    );
    return undefined;
  }
  return text;
}

/** Non-empty text of at most 600 characters with no surrounding whitespace. */
function textOf(field: string, value: unknown, report: Report): string | undefined {
  if (
    typeof value !== "string" ||
    value === "" ||
    value.trim() !== value ||
    value.length > FEDERATION_LIMITS.valueLength
  ) {
    report(
      field,
      value,
      `expected non-empty text of at most ${FEDERATION_LIMITS.valueLength} characters without leading or trailing spaces (${FEDERATION_SOURCES.graph}; ${FEDERATION_SOURCES.limits}: whitespace around the issuer blocks the token exchange)`,
    );
    return undefined;
  }
  return value;
}

/**
 * The credential's name: as given, or derived from the entry: a readable prefix from the form and
 * subject, and a hash of (issuer, subject) when the issuer varies or the text is too long, so the
 * same entry always gets the same name (names are immutable: a new name replaces the credential).
 */
function nameOf(
  field: string,
  value: unknown,
  form: FederationForm,
  issuer: string | undefined,
  subject: string,
  report: Report,
): string | undefined {
  if (value !== undefined) {
    if (typeof value !== "string" || !FEDERATION_LIMITS.name.test(value)) {
      report(
        field,
        value,
        `expected 3–120 letters, digits, '-' or '_', starting with a letter or digit (${FEDERATION_SOURCES.limits})`,
      );
      return undefined;
    }
    return value;
  }
  const prefix = {
    githubActions: "github",
    kubernetes: "k8s",
    managedIdentity: "mi",
    oidc: "oidc",
  }[form];
  const readable = subject
    .replace(/^repo:/, "")
    .replace(/^system:serviceaccount:/, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const hash = createHash("sha256")
    .update(`${issuer ?? ""}\u0000${subject}`)
    .digest("hex")
    .slice(0, 8);
  const needsHash = form === "kubernetes" || form === "oidc";
  const max = 120 - (needsHash ? 9 : 0) - prefix.length - 1;
  const body = readable.length > max ? readable.slice(0, max - 9) + `-${hash}` : readable;
  return `${prefix}-${body}${needsHash && body.length === readable.length ? `-${hash}` : ""}`.replace(
    /-{2,}/g,
    "-",
  );
}
