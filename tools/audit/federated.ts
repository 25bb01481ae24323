/**
 * The federated identity credentials of the tenant's applications, and what the audit finds in
 * them. Pure: no I/O.
 *
 * Where they come from:
 * - live, `--graph`: `GET /applications/{id}/federatedIdentityCredentials` for every application
 *   (graph.ts `fetchFederatedCredentials`: 20 per `$batch`, paged; `Application.Read.All`);
 * - offline, `--federated-credentials FILE` ({@link parseFederatedCredentialsText}): a JSON object
 *   keyed by the application's **appId** (its client id: what `az ad app federated-credential list
 *   --id <appId>` is given in the export loop of docs/audit.md), whose values are the lists Graph
 *   returns (a list, or Graph's page `{"value": [...]}`); or a list of `{"applicationId": "<appId>",
 *   "value": [...]}`. An application's object id is accepted as the key too (az takes either); a key
 *   that names no audited application is a warning, its credentials are not judged.
 *
 * Each credential, as Microsoft Graph v1.0 returns it
 * (https://learn.microsoft.com/graph/api/resources/federatedidentitycredential): `id`, `name`,
 * `issuer`, `subject`, `audiences`, `description`; the beta endpoint's flexible credentials carry
 * `claimsMatchingExpression` (`{value, languageVersion}`) instead of a subject. Other properties
 * (`@odata.id`, …) are ignored.
 *
 * Findings, judged by the pack's own function `subjectScopeFindings` (policy/core/federation.ts), so
 * the audit and the pack agree on every credential they both see:
 * - `federated-credential-subject-scope` (the pack's, mandatory by default): GitHub's pull-request
 *   subject `repo:<org>/<repo>:pull_request` with a GitHub issuer;
 * - `federated-credential-trust-advisory` (the pack's, advisory): the other findings (a flexible
 *   credential's expression matching any branch, any repository or pull requests; a plain-http
 *   issuer; an audience other than Entra ID's token-exchange audiences), one finding per credential
 *   listing them;
 * - `credential-federation-migration-incomplete` (audit-only, advisory): an application with
 *   federated credentials whose application object or service principal still holds client secrets
 *   or certificates that can sign in (not expired) — its migration to federation
 *   (docs/federation.md, "Migration without an outage") is not finished; one finding per object, on
 *   its most urgent such credential (rules.ts).
 */
import { subjectScopeFindings, SubjectScopeFinding } from "../../policy/core";
import { FEDERATED_CREDENTIAL_SUBJECT_SCOPE } from "../../policy/policies/federated-credential-subject-scope";
import { FEDERATED_CREDENTIAL_TRUST_ADVISORY } from "../../policy/policies/federated-credential-trust-advisory";
import { AuditInputError } from "./errors";
import type { TenantObject } from "./tenant";

/** One federated identity credential of an application. */
export interface FederatedCredential {
  /** Graph `id`, a GUID. */
  id: string;
  /** Graph `name` (the provider's `displayName`). */
  name: string;
  issuer: string;
  /**
   * null for a flexible credential (it matches claims instead; Graph v1.0 lists it without its
   * expression, which only the beta endpoint returns).
   */
  subject: string | null;
  audiences: string[];
  description: string | null;
  /** A flexible credential's expression (beta API), else null. */
  claimsMatchingExpression: string | null;
  /** Where it was read: the file and JSON path, or the Graph call and index. */
  source: string;
}

/** The credentials of one application as a file or Graph gives them, before they are matched. */
export interface FederatedCredentialList {
  /** The key as given: an appId (or object id) from a file, the object id for Graph. */
  applicationId: string;
  credentials: FederatedCredential[];
  /** Where the list is, e.g. `--federated-credentials f.json: $["<appId>"]`. */
  source: string;
}

/** The federated credentials of the audited applications. */
export interface FederatedCredentials {
  /** By application object id (lower case); an application absent here holds none. */
  byObjectId: ReadonlyMap<string, readonly FederatedCredential[]>;
  /** What was read: the file, or the Graph call. */
  source: string;
  /** Lists whose key names no audited application (one line each). */
  warnings: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses a `--federated-credentials` file (see the module comment).
 *
 * @param source how messages name the file, e.g. `--federated-credentials f.json`
 * @throws AuditInputError `<source>: <JSON path>: <problem>` on the first problem
 */
export function parseFederatedCredentialsText(
  text: string,
  source: string,
): FederatedCredentialList[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AuditInputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const lists: FederatedCredentialList[] = [];
  if (Array.isArray(document)) {
    document.forEach((entry: unknown, index) => {
      const at = `$[${index}]`;
      if (!isRecord(entry)) {
        fail(
          source,
          at,
          `expected {"applicationId": "<appId>", "value": [...]}, got ${describe(entry)}`,
        );
      }
      const key = entry.applicationId;
      if (typeof key !== "string" || !GUID.test(key)) {
        fail(
          source,
          `${at}.applicationId`,
          `expected the application's appId, a GUID, got ${describe(key)}`,
        );
      }
      lists.push({
        applicationId: key,
        credentials: parseCredentialList(entry.value, source, `${at}.value`),
        source: `${source}: ${at}`,
      });
    });
  } else if (isRecord(document)) {
    for (const [key, value] of Object.entries(document)) {
      const at = `$[${JSON.stringify(key)}]`;
      if (!GUID.test(key)) {
        fail(
          source,
          at,
          `expected the application's appId (a GUID) as the key, got ${describe(key)}`,
        );
      }
      lists.push({
        applicationId: key,
        credentials: parseCredentialList(value, source, at),
        source: `${source}: ${at}`,
      });
    }
  } else {
    fail(
      source,
      "$",
      `expected an object {"<appId>": [federated credentials as Graph returns them]} or a list [{"applicationId": "<appId>", "value": [...]}], got ${describe(document)}`,
    );
  }
  return lists;
}

/**
 * The credentials Graph returned for one application (`GET /applications/{id}/federatedIdentityCredentials`,
 * every page's `value` concatenated).
 *
 * @param what how messages name the call
 * @throws AuditInputError naming the call and the JSON path of an item that is not a credential
 */
export function parseGraphFederatedCredentials(
  objectId: string,
  items: readonly unknown[],
  what: string,
): FederatedCredentialList {
  return {
    applicationId: objectId,
    credentials: parseCredentialList(items, `Microsoft Graph ${what}`, "value"),
    source: `Microsoft Graph ${what}`,
  };
}

/**
 * Matches each list to an audited application: by appId, else by object id (both compared
 * ignoring case). A key matching no application is a warning; two lists for one application are
 * an error.
 *
 * @param source what the lists were read from, for the summary
 * @throws AuditInputError when two lists name the same application
 */
export function attachFederatedCredentials(
  lists: readonly FederatedCredentialList[],
  objects: readonly TenantObject[],
  source: string,
): FederatedCredentials {
  const byAppId = new Map<string, TenantObject>();
  const byObjectIdIndex = new Map<string, TenantObject>();
  for (const object of objects) {
    if (object.objectType !== "application") continue;
    byAppId.set(object.appId.toLowerCase(), object);
    byObjectIdIndex.set(object.objectId.toLowerCase(), object);
  }
  const byObjectId = new Map<string, FederatedCredential[]>();
  const from = new Map<string, string>();
  const warnings: string[] = [];
  for (const list of lists) {
    const key = list.applicationId.toLowerCase();
    const object = byAppId.get(key) ?? byObjectIdIndex.get(key);
    if (object === undefined) {
      if (list.credentials.length > 0) {
        warnings.push(
          `${list.source}: ${list.credentials.length} federated credential${list.credentials.length === 1 ? "" : "s"} of application ${list.applicationId}, which is not among the audited applications: not judged (export the applications and their federated credentials from the same tenant)`,
        );
      }
      continue;
    }
    const id = object.objectId.toLowerCase();
    const earlier = from.get(id);
    if (earlier !== undefined) {
      throw new AuditInputError(
        `${list.source}: application ${JSON.stringify(object.displayName)} (appId ${object.appId}, object id ${object.objectId}) is listed twice (also ${earlier}): give each application's federated credentials once`,
      );
    }
    from.set(id, list.source);
    byObjectId.set(id, list.credentials);
  }
  return { byObjectId, source, warnings };
}

/** What {@link judgeFederatedCredential} found: the pack policy and the findings behind it. */
export interface FederatedVerdict {
  policy: typeof FEDERATED_CREDENTIAL_SUBJECT_SCOPE | typeof FEDERATED_CREDENTIAL_TRUST_ADVISORY;
  findings: SubjectScopeFinding[];
}

/**
 * Judges what a federated credential trusts with the pack's `subjectScopeFindings`: the
 * pull-request subject under `federated-credential-subject-scope`, the other findings under
 * `federated-credential-trust-advisory` (as the pack's two policies split them).
 *
 * @returns at most one verdict per policy, subject scope first; empty: nothing to report
 */
export function judgeFederatedCredential(credential: FederatedCredential): FederatedVerdict[] {
  const findings = subjectScopeFindings({
    issuer: credential.issuer,
    subject: credential.subject ?? undefined,
    audiences: credential.audiences,
    claimsMatchingExpression: credential.claimsMatchingExpression ?? undefined,
  });
  const pullRequest = findings.filter((f) => f.kind === "pullRequest");
  const others = findings.filter((f) => f.kind !== "pullRequest");
  const verdicts: FederatedVerdict[] = [];
  if (pullRequest.length > 0) {
    verdicts.push({ policy: FEDERATED_CREDENTIAL_SUBJECT_SCOPE, findings: pullRequest });
  }
  if (others.length > 0) {
    verdicts.push({ policy: FEDERATED_CREDENTIAL_TRUST_ADVISORY, findings: others });
  }
  return verdicts;
}

function parseCredentialList(value: unknown, source: string, at: string): FederatedCredential[] {
  let items: unknown;
  let base = at;
  if (Array.isArray(value)) {
    items = value;
  } else if (isRecord(value) && Array.isArray(value.value)) {
    items = value.value;
    base = `${at}.value`;
  } else {
    fail(
      source,
      at,
      `expected the application's federated credentials: a list, or Graph's page {"value": [...]}, got ${describe(value)}`,
    );
  }
  return (items as unknown[]).map((item, index) =>
    parseCredential(item, source, `${base}[${index}]`),
  );
}

function parseCredential(value: unknown, source: string, at: string): FederatedCredential {
  if (!isRecord(value)) {
    fail(
      source,
      at,
      `expected a federated credential {id, name, issuer, subject, audiences}, got ${describe(value)}`,
    );
  }
  const text = (key: string, nullable: boolean): string | null => {
    const found = value[key];
    if (typeof found === "string") return found;
    if (nullable && (found === undefined || found === null)) return null;
    return fail(
      source,
      `${at}.${key}`,
      `expected ${nullable ? "a string or null" : "a string"}, got ${describe(found)}`,
    );
  };
  const id = value.id;
  if (typeof id !== "string" || !GUID.test(id)) {
    fail(source, `${at}.id`, `expected the credential's id, a GUID, got ${describe(id)}`);
  }
  const audiences = value.audiences;
  if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === "string")) {
    fail(source, `${at}.audiences`, `expected a list of strings, got ${describe(audiences)}`);
  }
  const expression = value.claimsMatchingExpression;
  let claimsMatchingExpression: string | null = null;
  if (typeof expression === "string") {
    claimsMatchingExpression = expression;
  } else if (isRecord(expression) && typeof expression.value === "string") {
    claimsMatchingExpression = expression.value;
  } else if (expression !== undefined && expression !== null) {
    fail(
      source,
      `${at}.claimsMatchingExpression`,
      `expected {"value": "<expression>", "languageVersion": 1} or a string, got ${describe(expression)}`,
    );
  }
  // null for a flexible credential; Graph v1.0 lists one without its expression (beta only).
  const subject = text("subject", true);
  return {
    id,
    name: text("name", false) as string,
    issuer: text("issuer", false) as string,
    subject,
    audiences: audiences as string[],
    description: text("description", true),
    claimsMatchingExpression,
    source: `${source}: ${at}`,
  };
}

function fail(source: string, at: string, problem: string): never {
  throw new AuditInputError(`${source}: ${at}: ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A found value for a message: strings quoted and cut at 64 characters, others by kind. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return "an object";
}
