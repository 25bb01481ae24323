/**
 * When each credential last signed in, from Microsoft Graph's **beta** report
 * `GET /beta/reports/appCredentialSignInActivities` (`appCredentialSignInActivity`, "the last usage
 * time of an application credential"; permission `AuditLog.Read.All`;
 * https://learn.microsoft.com/graph/api/resources/appcredentialsigninactivity?view=graph-rest-beta,
 * https://learn.microsoft.com/graph/api/reportroot-list-appcredentialsigninactivities?view=graph-rest-beta).
 * A BETA API: "APIs under the /beta version in Microsoft Graph are subject to change. Use of these
 * APIs in production applications is not supported." Pure: no I/O.
 *
 * Fields read (the resource page's names; Graph's own examples spell two of them differently, and
 * both spellings are accepted):
 * - `keyId` (the credential's keyId), `appId`, `appObjectId`, `servicePrincipalObjectId`;
 * - `credentialOrigin`: `application` or `servicePrincipal` (which object holds the credential);
 * - `keyType`: `clientSecret` or `certificate` (the examples write `secret` for a client secret);
 * - `keyUsage`: `sign` or `verify` (kept, not judged);
 * - `expirationDateTime` (the examples write `expirationDate`);
 * - `signInActivity.lastSignInDateTime`: the last sign-in with the credential, or null.
 * Graph's examples also write offsets with a one-digit hour (`2021-04-01T00:00:00-8:00`), which is
 * not RFC 3339; such an offset is read as its two-digit form (`-08:00`).
 *
 * What an entry means: no entry for a credential is **no data**, never "unused": the report lists
 * credentials with recent activity, may lag, and needs a Microsoft Entra ID P1/P2 license to hold
 * sign-in data at all (https://learn.microsoft.com/entra/identity/monitoring-health/concept-usage-insights-report).
 * Freshness: the report's `signInActivity` is Graph's `signInActivity` type, which Microsoft
 * documents "might take up to 24 hours to update"
 * (https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency); a sign-in
 * of the last day may not show yet.
 *
 * Accepted files: Graph's page `{value: [...]}`; several pages concatenated in one file (as a loop
 * of `az rest` appends them: `{"value": […]}{"value": […]}`, with or without whitespace between);
 * a list of pages (`[{value}, {value}]`); or a list of entries.
 */
import { parseInstant } from "../../policy/core";

/** One `appCredentialSignInActivity`, validated and normalised. */
export interface CredentialActivityEntry {
  /** Lower case. */
  keyId: string;
  appId: string | null;
  appObjectId: string | null;
  servicePrincipalObjectId: string | null;
  credentialOrigin: "application" | "servicePrincipal" | null;
  /** `clientSecret` (also written `secret`), `certificate`, or null when absent or unknown. */
  keyType: "clientSecret" | "certificate" | null;
  keyUsage: string | null;
  /** `expirationDateTime` (or `expirationDate`), ms since the Unix epoch; null when absent. */
  expirationMs: number | null;
  /** `signInActivity.lastSignInDateTime`, ms since the Unix epoch; null when none is recorded. */
  lastSignInMs: number | null;
}

/** A shape or value that is not the report's: the JSON path and why. */
export class CredentialActivityShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "CredentialActivityShapeError";
  }
}

/**
 * Parses the text of an activity file (see the module comment for the shapes).
 *
 * @throws CredentialActivityShapeError naming the JSON path (`$[1].value[3].keyId`; `$` is the
 *   file's first JSON document, `$[1]` its second when documents are concatenated) and the problem
 */
export function parseCredentialActivityText(text: string): CredentialActivityEntry[] {
  const documents = jsonDocuments(text);
  if (documents.length === 1) return parseCredentialActivity(documents[0], "$");
  const entries: CredentialActivityEntry[] = [];
  documents.forEach((document, i) => {
    for (const entry of parseCredentialActivity(document, `$[${i}]`)) entries.push(entry);
  });
  return entries;
}

/**
 * Validates parsed JSON: a page `{value: [...]}`, a list of pages, or a list of entries.
 *
 * @param path the JSON path of the value, for messages
 * @throws CredentialActivityShapeError naming the path and the problem
 */
export function parseCredentialActivity(value: unknown, path = "$"): CredentialActivityEntry[] {
  const entries: CredentialActivityEntry[] = [];
  const page = (v: Record<string, unknown>, at: string) => {
    const list = v.value;
    if (!Array.isArray(list)) {
      throw new CredentialActivityShapeError(`${at}.value`, `expected a list, got ${kind(list)}`);
    }
    for (let i = 0; i < list.length; i++) entries.push(entry(list[i], `${at}.value[${i}]`));
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isRecord(item) && Array.isArray(item.value) && !("keyId" in item)) {
        page(item, `${path}[${i}]`);
      } else {
        entries.push(entry(item, `${path}[${i}]`));
      }
    }
  } else if (isRecord(value)) {
    page(value, path);
  } else {
    throw new CredentialActivityShapeError(
      path,
      `expected the report's page {"value": [appCredentialSignInActivity, …]} or a list of pages, got ${kind(value)}`,
    );
  }
  return entries;
}

/** How a credential's last sign-in stands. */
export type LastSignIn =
  /** The report has an entry with a sign-in: the latest of the matching entries. */
  | { status: "signed-in"; ms: number }
  /** The report has entries for the credential, none with a sign-in. */
  | { status: "none-recorded" }
  /** The report has no entry for the credential: nothing is known (never "unused"). */
  | { status: "no-data" };

/** A credential to look up. */
export interface ActivityKey {
  objectType: "application" | "servicePrincipal";
  objectId: string;
  credentialType: "password" | "certificate";
  keyId: string;
}

/** The report's entries by keyId, for lookups per credential. */
export class CredentialActivityIndex {
  private readonly byKeyId = new Map<string, CredentialActivityEntry[]>();

  constructor(readonly entries: readonly CredentialActivityEntry[]) {
    for (const entry of entries) {
      const list = this.byKeyId.get(entry.keyId);
      if (list === undefined) this.byKeyId.set(entry.keyId, [entry]);
      else list.push(entry);
    }
  }

  /**
   * The credential's last sign-in: from the entries with its keyId (ignoring case) whose key type
   * fits (`clientSecret` a password, `certificate` a certificate; unknown fits both) and whose
   * origin fits (`credentialOrigin` and, when present, `appObjectId` / `servicePrincipalObjectId`
   * naming the object); the latest sign-in among them.
   */
  lastSignIn(key: ActivityKey): LastSignIn {
    const candidates = this.byKeyId.get(key.keyId.toLowerCase());
    if (candidates === undefined) return NO_DATA;
    let found = false;
    let latest = Number.NEGATIVE_INFINITY;
    for (const entry of candidates) {
      if (!fits(entry, key)) continue;
      found = true;
      if (entry.lastSignInMs !== null && entry.lastSignInMs > latest) latest = entry.lastSignInMs;
    }
    if (!found) return NO_DATA;
    return latest === Number.NEGATIVE_INFINITY
      ? NONE_RECORDED
      : { status: "signed-in", ms: latest };
  }
}

const NO_DATA: LastSignIn = { status: "no-data" };
const NONE_RECORDED: LastSignIn = { status: "none-recorded" };

function fits(entry: CredentialActivityEntry, key: ActivityKey): boolean {
  if (entry.keyType !== null) {
    if ((entry.keyType === "certificate") !== (key.credentialType === "certificate")) return false;
  }
  if (entry.credentialOrigin !== null && entry.credentialOrigin !== key.objectType) return false;
  const objectId =
    key.objectType === "application" ? entry.appObjectId : entry.servicePrincipalObjectId;
  // Only when the origin says which object id names the holder: an entry may carry both ids.
  if (entry.credentialOrigin !== null && objectId !== null) {
    return objectId.toLowerCase() === key.objectId.toLowerCase();
  }
  return true;
}

function entry(value: unknown, path: string): CredentialActivityEntry {
  if (!isRecord(value)) {
    throw new CredentialActivityShapeError(
      path,
      `expected an appCredentialSignInActivity object, got ${kind(value)}`,
    );
  }
  const keyId = value.keyId;
  if (typeof keyId !== "string" || keyId === "") {
    throw new CredentialActivityShapeError(
      `${path}.keyId`,
      `expected the credential's keyId, got ${kind(keyId)}`,
    );
  }
  const text = (key: string) => optionalString(value[key], `${path}.${key}`);
  const origin = text("credentialOrigin");
  const type = text("keyType");
  const expirationKey = "expirationDateTime" in value ? "expirationDateTime" : "expirationDate";
  const activity = value.signInActivity;
  if (activity !== undefined && activity !== null && !isRecord(activity)) {
    throw new CredentialActivityShapeError(
      `${path}.signInActivity`,
      `expected an object {lastSignInDateTime}, got ${kind(activity)}`,
    );
  }
  return {
    keyId: keyId.toLowerCase(),
    appId: text("appId"),
    appObjectId: text("appObjectId"),
    servicePrincipalObjectId: text("servicePrincipalObjectId"),
    credentialOrigin: origin === "application" || origin === "servicePrincipal" ? origin : null,
    keyType:
      type === "clientSecret" || type === "secret"
        ? "clientSecret"
        : type === "certificate"
          ? "certificate"
          : null,
    keyUsage: text("keyUsage"),
    expirationMs: instant(value[expirationKey], `${path}.${expirationKey}`),
    lastSignInMs: isRecord(activity)
      ? instant(activity.lastSignInDateTime, `${path}.signInActivity.lastSignInDateTime`)
      : null,
  };
}

/** An RFC 3339 instant (a one-digit offset hour, as in Graph's examples, allowed), or null. */
function instant(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new CredentialActivityShapeError(
      path,
      `expected an RFC 3339 timestamp or null, got ${kind(value)}`,
    );
  }
  const text = value.replace(/([+-])(\d):(\d\d)$/, "$10$2:$3");
  const parsed = parseInstant(text);
  if (!parsed.ok) throw new CredentialActivityShapeError(path, parsed.reason);
  return parsed.value;
}

function optionalString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new CredentialActivityShapeError(path, `expected a string or null, got ${kind(value)}`);
  }
  return value;
}

/**
 * The JSON documents of a text: one, or several written one after the other (whitespace between
 * them optional). Strings are skipped whole, so braces inside them do not count.
 *
 * @throws CredentialActivityShapeError `$` (or `$[i]`): not valid JSON (reason)
 */
export function jsonDocuments(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch (error) {
    const documents: unknown[] = [];
    let start = -1;
    let depth = 0;
    let inString = false;
    let stray = false;
    for (let i = 0; i < text.length && !stray; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        if (depth === 0) start = i;
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0 && start >= 0) {
          const at = documents.length === 0 ? "$" : `$[${documents.length}]`;
          try {
            documents.push(JSON.parse(text.slice(start, i + 1)));
          } catch (inner) {
            throw new CredentialActivityShapeError(at, `not valid JSON (${messageOf(inner)})`);
          }
          start = -1;
        } else if (depth < 0) {
          stray = true;
        }
      } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        stray = true;
      }
    }
    if (stray || documents.length < 2 || depth !== 0 || start >= 0) {
      throw new CredentialActivityShapeError("$", `not valid JSON (${messageOf(error)})`);
    }
    return documents;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
