/**
 * The tenant's applications and service principals with their credentials, read from the JSON that
 * `az ad app list --all` and `az ad sp list --all` print (Microsoft Graph `application` and
 * `servicePrincipal` objects), or from Graph list responses (`{ "value": [...] }`).
 *
 * Only these properties are read (Graph v1.0 names; every other property is ignored):
 * - object: `id` (object id, GUID), `appId` (client id, GUID), `displayName`,
 *   `passwordCredentials[]`, `keyCredentials[]`, `createdDateTime` (optional: applications have it
 *   in Graph v1.0 and `az ad app list`; service principals have none in v1.0; an unreadable one is
 *   read as unknown; app management policies dated by `restrictForAppsCreatedAfterDateTime` use it);
 * - `passwordCredentials[]`: `keyId` (GUID), `displayName`, `startDateTime`, `endDateTime`,
 *   `customKeyIdentifier` (`hint` and `secretText` are never read: Graph returns no secret text in
 *   lists, and nothing of a secret is printed anywhere);
 * - `keyCredentials[]`: `keyId`, `displayName` (a certificate's subject, `CN=…`), `type`,
 *   `usage`, `startDateTime`, `endDateTime`, `customKeyIdentifier`.
 *
 * Sources: https://learn.microsoft.com/graph/api/resources/passwordcredential,
 * https://learn.microsoft.com/graph/api/resources/keycredential, `az ad app list --all`.
 *
 * Strict about the shape (a wrong shape is an error naming the file and the JSON path), but one bad
 * date never stops the audit: Graph always sets both dates of a credential, so a missing or
 * unreadable `startDateTime` / `endDateTime` is recorded on that credential
 * ({@link TenantCredential.unreadable}, with the file, JSON path and reason) and the rules report it
 * as a `credential-unreadable` finding naming its keyId (rules.ts); every other credential is read
 * and judged as usual. Each date is read by the pack's RFC 3339 parser (`parseInstant`,
 * policy/core/iso8601.ts); when both are readable, the lifetime comes from the pack's
 * `credentialLifetime` (policy/core/lifetime.ts): kind `password` for passwordCredentials,
 * `certificate` for keyCredentials. Pure: no I/O.
 */
import { formatInstant, parseInstant, credentialLifetime } from "../../policy/core";
import {
  AppManagementPolicyShapeError,
  parseAppManagementPolicies,
  parseTenantAppManagementPolicy,
  type AppManagementPolicies,
} from "../offline/appManagementPolicy";
import { AuditInputError } from "./errors";

/** The Graph resource an object comes from. */
export type ObjectType = "application" | "servicePrincipal";

/** `passwordCredentials[]` (client secrets) or `keyCredentials[]` (certificates). */
export type CredentialType = "password" | "certificate";

/** One credential of an application or service principal. Instants: ms since the Unix epoch. */
export interface TenantCredential {
  credentialType: CredentialType;
  /** Graph `keyId`, a GUID. */
  keyId: string;
  /** Graph `displayName`: a password's description, a certificate's subject (`CN=…`); or null. */
  displayName: string | null;
  /** NaN when `startDateTime` is unreadable (see {@link unreadable}). */
  startMs: number;
  /** NaN when `endDateTime` is unreadable (see {@link unreadable}). */
  endMs: number;
  /** As Graph wrote them (RFC 3339); null when missing or not a string. */
  startDateTime: string | null;
  endDateTime: string | null;
  /**
   * The dates that could not be read, in field order (`startDateTime`, `endDateTime`); absent or
   * empty when both were read.
   */
  unreadable?: UnreadableDate[];
  /** keyCredentials: `type`, e.g. `AsymmetricX509Cert`; null for passwords or when absent. */
  type: string | null;
  /** keyCredentials: `usage`, `Verify` or `Sign`; null for passwords or when absent. */
  usage: string | null;
  /** Graph `customKeyIdentifier` (base64), shared by the parts of a SAML token-signing certificate. */
  customKeyIdentifier: string | null;
}

/** A credential's date that is missing or not an RFC 3339 timestamp. */
export interface UnreadableDate {
  field: "startDateTime" | "endDateTime";
  /** Where: the file (or Graph list) and the JSON path, e.g. `apps.json: [3].passwordCredentials[0].endDateTime`. */
  path: string;
  /** What was found and why it cannot be read, e.g. `missing (Graph always sets it)`. */
  reason: string;
}

/** An application or service principal. */
export interface TenantObject {
  objectType: ObjectType;
  /** Graph `id`: the object id, a GUID. */
  objectId: string;
  /** Graph `appId`: the application (client) id, a GUID. */
  appId: string;
  /** Graph `displayName` ("" when null). */
  displayName: string;
  credentials: TenantCredential[];
  /**
   * Graph `createdDateTime`, ms since the Unix epoch; absent when unknown (service principals in
   * Graph v1.0, exports without it, an unreadable value).
   */
  createdMs?: number;
  /**
   * Where it was read: the file (or Graph list) and its index, e.g. `apps.json: [3]`; absent for
   * objects built in code.
   */
  source?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Properties only the other kind of object has: a file passed with the wrong option. */
const OTHER_KIND_MARKERS: Record<ObjectType, { keys: string[]; option: string }> = {
  application: {
    keys: ["servicePrincipalType", "servicePrincipalNames"],
    option: "--service-principals",
  },
  servicePrincipal: { keys: ["requiredResourceAccess", "identifierUris"], option: "--apps" },
};

const A_NOUN: Record<ObjectType, string> = {
  application: "an application",
  servicePrincipal: "a service principal",
};

const LIST_COMMAND: Record<ObjectType, string> = {
  application: "az ad app list --all",
  servicePrincipal: "az ad sp list --all",
};

/**
 * Parses the text of an input file.
 *
 * @param text the file's content: a JSON array of objects, or `{ "value": [...] }`
 * @param source the file's name as the user gave it, used in messages
 * @param objectType what the file holds (`--apps`: application, `--service-principals`:
 *   servicePrincipal)
 * @throws AuditInputError `<source>: not valid JSON (<reason>)`, or naming the JSON path and what
 *   was expected (`<source>: [12].passwordCredentials[0].endDateTime: …`)
 */
export function parseTenantJson(
  text: string,
  source: string,
  objectType: ObjectType,
): TenantObject[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AuditInputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return parseTenantObjects(value, source, objectType);
}

/**
 * Validates parsed JSON: a list of Graph objects, or `{ "value": [...] }`.
 *
 * @throws AuditInputError naming `source`, the JSON path and what was expected
 */
export function parseTenantObjects(
  value: unknown,
  source: string,
  objectType: ObjectType,
): TenantObject[] {
  let items: unknown[];
  let base = "";
  if (Array.isArray(value)) {
    items = value;
  } else if (isRecord(value) && Array.isArray(value.value)) {
    items = value.value;
    base = "value";
  } else {
    throw new AuditInputError(
      `${source}: expected a JSON array of ${objectType} objects (${A_NOUN[objectType]} each, as \`${LIST_COMMAND[objectType]}\` prints) or {"value": [...]}, got ${describe(value)}`,
    );
  }
  const result: TenantObject[] = new Array(items.length);
  const seen = new Map<string, number>();
  for (let index = 0; index < items.length; index++) {
    const where = `${base}[${index}]`;
    const object = parseObject(items[index], objectType, (path) => `${source}: ${where}${path}`);
    object.source = `${source}: ${where}`;
    const key = object.objectId.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new AuditInputError(
        `${source}: ${where}.id: duplicate object id ${object.objectId} (also at ${base}[${first}])`,
      );
    }
    seen.set(key, index);
    result[index] = object;
  }
  return result;
}

/** Builds the message prefix for a path inside the current object, e.g. `.appId`. */
type At = (path: string) => string;

function parseObject(item: unknown, objectType: ObjectType, at: At): TenantObject {
  if (!isRecord(item)) {
    throw new AuditInputError(
      `${at("")}: expected ${A_NOUN[objectType]} object, got ${describe(item)}`,
    );
  }
  const other = OTHER_KIND_MARKERS[objectType];
  const marker = other.keys.find((key) => key in item);
  if (marker !== undefined) {
    const kind = objectType === "application" ? "servicePrincipal" : "application";
    throw new AuditInputError(
      `${at("")}: has ${marker}, so it is ${A_NOUN[kind]}: pass this file with ${other.option}`,
    );
  }
  const objectId = guid(item.id, () => at(".id"), "the object id");
  const appId = guid(item.appId, () => at(".appId"), "the application (client) id");
  const displayName = item.displayName;
  if (displayName !== undefined && displayName !== null && typeof displayName !== "string") {
    throw new AuditInputError(
      `${at(".displayName")}: expected a string or null, got ${describe(displayName)}`,
    );
  }
  const credentials: TenantCredential[] = [];
  for (const [key, credentialType] of [
    ["passwordCredentials", "password"],
    ["keyCredentials", "certificate"],
  ] as const) {
    const list = item[key];
    if (!Array.isArray(list)) {
      throw new AuditInputError(
        `${at(`.${key}`)}: expected an array (Graph always returns one; select it when exporting), got ${describe(list)}`,
      );
    }
    for (let index = 0; index < list.length; index++) {
      credentials.push(parseCredential(list[index], credentialType, at, `.${key}[${index}]`));
    }
  }
  const object: TenantObject = {
    objectType,
    objectId,
    appId,
    displayName: displayName ?? "",
    credentials,
  };
  const created = item.createdDateTime;
  if (typeof created === "string") {
    const parsed = parseInstant(created);
    if (parsed.ok) object.createdMs = parsed.value;
  }
  return object;
}

function parseCredential(
  value: unknown,
  credentialType: CredentialType,
  at: At,
  path: string,
): TenantCredential {
  if (!isRecord(value)) {
    throw new AuditInputError(`${at(path)}: expected a credential object, got ${describe(value)}`);
  }
  const where = (key: string) => () => at(`${path}.${key}`);
  const keyId = guid(value.keyId, where("keyId"), "the credential's key id");
  const unreadable: UnreadableDate[] = [];
  const start = readDate(value.startDateTime, "startDateTime", where("startDateTime"), unreadable);
  const end = readDate(value.endDateTime, "endDateTime", where("endDateTime"), unreadable);
  let startMs = start.ms;
  let endMs = end.ms;
  if (Number.isFinite(startMs) && Number.isFinite(endMs)) {
    // Both dates are readable, so this is end − start, as the pack computes it.
    const lifetime = credentialLifetime(
      credentialType,
      { startDate: start.text, endDate: end.text },
      0,
    );
    if (lifetime.ok) ({ startMs, endMs } = lifetime);
  }
  const text = (key: string) => optionalString(value[key], where(key));
  return {
    credentialType,
    keyId,
    displayName: text("displayName"),
    startMs,
    endMs,
    startDateTime: start.text,
    endDateTime: end.text,
    ...(unreadable.length > 0 ? { unreadable } : {}),
    type: credentialType === "certificate" ? text("type") : null,
    usage: credentialType === "certificate" ? text("usage") : null,
    customKeyIdentifier: text("customKeyIdentifier"),
  };
}

/** Where a credential was read, for {@link duplicateKeyIds}. */
interface Occurrence {
  object: TenantObject;
  credential: TenantCredential;
  /** Its index in the object's `passwordCredentials` or `keyCredentials`. */
  index: number;
}

/**
 * Credentials sharing a keyId, one line each naming the keyId and both places (file, JSON path,
 * object). Graph gives every credential its own keyId, with one exception the audit knows: the
 * password that opens a SAML token-signing certificate's private key shares the keyId of that
 * `Sign` key credential, so a password and a certificate of the same object sharing a keyId are not
 * reported. Anything else (two objects, or two credentials of one kind) means an export that was
 * edited, merged or cut: the audit judges both credentials and says so. Pure.
 *
 * @returns one line per repeated keyId occurrence, in input order; keyIds compared ignoring case
 */
export function duplicateKeyIds(objects: readonly TenantObject[]): string[] {
  const seen = new Map<string, Occurrence[]>();
  const lines: string[] = [];
  for (const object of objects) {
    const counts: Record<CredentialType, number> = { password: 0, certificate: 0 };
    for (const credential of object.credentials) {
      const here: Occurrence = {
        object,
        credential,
        index: counts[credential.credentialType]++,
      };
      const key = credential.keyId.toLowerCase();
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, [here]);
        continue;
      }
      const clash = earlier.find(
        (o) => o.object !== object || o.credential.credentialType === credential.credentialType,
      );
      if (clash !== undefined) {
        lines.push(
          `keyId ${credential.keyId} appears twice: ${place(clash)} and ${place(here)}; a keyId names one credential, so the export is damaged (edited, merged or cut): both are audited`,
        );
      }
      earlier.push(here);
    }
  }
  return lines;
}

/** `apps.json: [3].passwordCredentials[1] (application "Orders", object id …)`. */
function place({ object, credential, index }: Occurrence): string {
  const list = `${credential.credentialType === "password" ? "passwordCredentials" : "keyCredentials"}[${index}]`;
  const kind = object.objectType === "application" ? "application" : "service principal";
  const what = `${kind} ${JSON.stringify(object.displayName)}, object id ${object.objectId}`;
  return object.source === undefined ? `${list} of ${what}` : `${object.source}.${list} (${what})`;
}

function guid(value: unknown, at: () => string, what: string): string {
  if (typeof value !== "string" || !GUID.test(value)) {
    throw new AuditInputError(`${at()}: expected ${what}, a GUID, got ${describe(value)}`);
  }
  return value;
}

/**
 * Reads a date Graph always sets. A missing, non-string or unreadable one is recorded in
 * `unreadable` (with its path and reason) and read as NaN; never thrown.
 */
function readDate(
  value: unknown,
  field: UnreadableDate["field"],
  at: () => string,
  unreadable: UnreadableDate[],
): { text: string | null; ms: number } {
  const text = typeof value === "string" ? value : null;
  let reason: string | undefined;
  if (value === undefined || value === null) {
    reason = `${value === null ? "null" : "missing"} (Graph always sets it): expected an RFC 3339 timestamp`;
  } else if (typeof value !== "string" || value === "") {
    reason = `expected an RFC 3339 timestamp string, got ${describe(value)}`;
  } else {
    const parsed = parseInstant(value);
    if (!parsed.ok) reason = parsed.reason;
    else if (formatInstant(parsed.value) === "(invalid instant)") {
      reason = `${describe(value)} is out of the supported range`;
    } else return { text, ms: parsed.value };
  }
  unreadable.push({ field, path: at(), reason });
  return { text, ms: Number.NaN };
}

function optionalString(value: unknown, at: () => string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new AuditInputError(`${at()}: expected a string or null, got ${describe(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Describes a found value for a message: strings quoted and cut at 64 characters, others by kind. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return "an object";
}

/** What a `--tenant` file holds: each part null when the file does not have it. */
export interface TenantFile {
  /** `applications`, as `az ad app list --all` prints them. */
  applications: TenantObject[] | null;
  /** `servicePrincipals`, as `az ad sp list --all` prints them. */
  servicePrincipals: TenantObject[] | null;
  /**
   * The app management policies: `defaultAppManagementPolicy` (what `GET
   * /policies/defaultAppManagementPolicy` returns) and `appManagementPolicies` (what `GET
   * /policies/appManagementPolicies?$expand=appliesTo` returns); null when the file has neither.
   */
  policies: AppManagementPolicies | null;
}

/** The keys a `--tenant` file may hold (`deployer` is the offline preview's, and ignored here). */
export const TENANT_FILE_KEYS = [
  "applications",
  "servicePrincipals",
  "defaultAppManagementPolicy",
  "appManagementPolicies",
  "deployer",
] as const;

/**
 * Parses a `--tenant` file: a JSON object `{applications, servicePrincipals,
 * defaultAppManagementPolicy, appManagementPolicies}`, every key optional (the offline preview's
 * tenant snapshot, tools/offline/simulator/tenant.ts, with the tenant's app management policies).
 *
 * @param source the file as the user named it, for messages
 * @throws AuditInputError `<source>: not valid JSON (…)`, or naming the JSON path and what was expected
 */
export function parseTenantFile(text: string, source: string): TenantFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AuditInputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) {
    throw new AuditInputError(
      `${source}: expected an object {"applications": [...], "servicePrincipals": [...], "defaultAppManagementPolicy": {...}, "appManagementPolicies": {"value": [...]}} (every key optional), got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!(TENANT_FILE_KEYS as readonly string[]).includes(key)) {
      throw new AuditInputError(
        `${source}: unknown key ${JSON.stringify(key)}; a tenant file holds ${TENANT_FILE_KEYS.join(", ")}`,
      );
    }
  }
  const list = (key: "applications" | "servicePrincipals", objectType: ObjectType) =>
    value[key] === undefined
      ? null
      : parseTenantObjects(value[key], `${source}: ${key}`, objectType);
  let policies: AppManagementPolicies | null = null;
  const hasDefault = value.defaultAppManagementPolicy !== undefined;
  const hasApp = value.appManagementPolicies !== undefined;
  if (hasDefault || hasApp) {
    try {
      policies = {
        defaultPolicy: hasDefault
          ? parseTenantAppManagementPolicy(
              value.defaultAppManagementPolicy,
              "$.defaultAppManagementPolicy",
            )
          : null,
        appPolicies: hasApp
          ? parseAppManagementPolicies(value.appManagementPolicies, "$.appManagementPolicies")
          : [],
      };
    } catch (error) {
      if (error instanceof AppManagementPolicyShapeError) {
        throw new AuditInputError(`${source}: ${error.path}: ${error.problem}`);
      }
      throw error;
    }
  }
  return {
    applications: list("applications", "application"),
    servicePrincipals: list("servicePrincipals", "servicePrincipal"),
    policies,
  };
}
