/**
 * The tenant's applications and service principals with their credentials, read from the JSON that
 * `az ad app list --all` and `az ad sp list --all` print (Microsoft Graph `application` and
 * `servicePrincipal` objects), or from Graph list responses (`{ "value": [...] }`).
 *
 * Only these properties are read (Graph v1.0 names; every other property is ignored):
 * - object: `id` (object id, GUID), `appId` (client id, GUID), `displayName`,
 *   `passwordCredentials[]`, `keyCredentials[]`;
 * - `passwordCredentials[]`: `keyId` (GUID), `displayName`, `startDateTime`, `endDateTime`,
 *   `customKeyIdentifier` (`hint` and `secretText` are never read: Graph returns no secret text in
 *   lists, and nothing of a secret is printed anywhere);
 * - `keyCredentials[]`: `keyId`, `displayName` (a certificate's subject, `CN=…`), `type`,
 *   `usage`, `startDateTime`, `endDateTime`, `customKeyIdentifier`.
 *
 * Sources: https://learn.microsoft.com/graph/api/resources/passwordcredential,
 * https://learn.microsoft.com/graph/api/resources/keycredential, `az ad app list --all`.
 *
 * Strict: Graph always sets both dates of a credential, so a missing or unreadable date is bad
 * input (an error naming the file and the JSON path), never skipped. Dates are read by the pack's
 * `credentialLifetime` (policy/lib/lifetime.ts, RFC 3339 through policy/lib/iso8601.ts): kind
 * `password` for passwordCredentials, `certificate` for keyCredentials. Pure: no I/O.
 */
import { credentialLifetime } from "../../policy/lib/lifetime";
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
  startMs: number;
  endMs: number;
  /** As Graph wrote them (RFC 3339). */
  startDateTime: string;
  endDateTime: string;
  /** keyCredentials: `type`, e.g. `AsymmetricX509Cert`; null for passwords or when absent. */
  type: string | null;
  /** keyCredentials: `usage`, `Verify` or `Sign`; null for passwords or when absent. */
  usage: string | null;
  /** Graph `customKeyIdentifier` (base64), shared by the parts of a SAML token-signing certificate. */
  customKeyIdentifier: string | null;
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
  return { objectType, objectId, appId, displayName: displayName ?? "", credentials };
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
  const startDateTime = requireDate(value.startDateTime, where("startDateTime"));
  const endDateTime = requireDate(value.endDateTime, where("endDateTime"));
  // Both dates are set, so this is end − start, each read by the pack's own parser.
  const lifetime = credentialLifetime(
    credentialType,
    { startDate: startDateTime, endDate: endDateTime },
    0,
  );
  if (!lifetime.ok || !Number.isFinite(lifetime.startMs) || !Number.isFinite(lifetime.endMs)) {
    const field = !lifetime.ok && lifetime.field === "startDate" ? "startDateTime" : "endDateTime";
    const reason = lifetime.ok ? "out of the supported range" : lifetime.reason;
    throw new AuditInputError(`${at(`${path}.${field}`)}: unreadable date: ${reason}`);
  }
  const text = (key: string) => optionalString(value[key], where(key));
  return {
    credentialType,
    keyId,
    displayName: text("displayName"),
    startMs: lifetime.startMs,
    endMs: lifetime.endMs,
    startDateTime,
    endDateTime,
    type: credentialType === "certificate" ? text("type") : null,
    usage: credentialType === "certificate" ? text("usage") : null,
    customKeyIdentifier: text("customKeyIdentifier"),
  };
}

function guid(value: unknown, at: () => string, what: string): string {
  if (typeof value !== "string" || !GUID.test(value)) {
    throw new AuditInputError(`${at()}: expected ${what}, a GUID, got ${describe(value)}`);
  }
  return value;
}

/** A date Graph always sets: present, and a string (parsed by credentialLifetime). */
function requireDate(value: unknown, at: () => string): string {
  if (value === undefined || value === null) {
    throw new AuditInputError(
      `${at()}: unknown date: expected an RFC 3339 timestamp (Graph always sets it), got ${describe(value)}`,
    );
  }
  if (typeof value !== "string" || value === "") {
    throw new AuditInputError(
      `${at()}: unreadable date: expected an RFC 3339 timestamp string, got ${describe(value)}`,
    );
  }
  return value;
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
