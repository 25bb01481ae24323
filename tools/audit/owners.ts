/**
 * Who owns what the audit found, and the findings grouped per owner: the shapes the per-owner
 * report, the Markdown report, the notifications and the calendars share.
 *
 * Owners come from Graph (`/applications/{id}/owners`, `/servicePrincipals/{id}/owners`, paged) or
 * from an `--owners FILE` export (`{"<objectId>": [{"id", "userPrincipalName", "mail"}]}`).
 */
import { AuditInputError, messageOf } from "./errors";

/** One owner of an application or service principal (a user or a service principal). */
export interface Owner {
  /** Object id (Graph `id`). */
  id: string;
  userPrincipalName?: string;
  mail?: string;
  displayName?: string;
}

/** Owners by object id (lower case); an object absent from the map has no known owner. */
export type OwnerDirectory = ReadonlyMap<string, readonly Owner[]>;

/** One finding as an owner reads it: which object and credential, what, how urgent, the fix. */
export interface OwnerFinding {
  objectType: "application" | "servicePrincipal";
  objectId: string;
  appId?: string;
  displayName?: string;
  /** The credential's keyId; a federated credential's Graph id. */
  keyId: string;
  /** `federated`: a federated identity credential (it never expires: `endDateTime` null). */
  credentialType: "password" | "certificate" | "federated";
  /** RFC 3339, or null when unreadable (or, for a federated credential, never). */
  endDateTime: string | null;
  policy: string;
  level: "mandatory" | "advisory";
  /** The finding's message (never a secret value or a credential hint). */
  message: string;
  /** The credential's last sign-in, RFC 3339 or null (the audit's findings carry it). */
  lastSignIn?: string | null;
  /** Why {@link lastSignIn} is what it is: `signed-in`, `none-recorded`, `no-data`, `not-loaded`. */
  lastSignInStatus?: string;
}

/** The findings of one owner (`owner` null: the objects nobody owns), most urgent first. */
export interface OwnerReport {
  owner: Owner | null;
  findings: OwnerFinding[];
}

/**
 * Reads an `--owners` file: `{"<objectId>": [{"id", "userPrincipalName", "mail"}, …], …}`, as
 * the loop over `az ad app owner list --id <id>` / `az ad sp owner list --id <id>` in
 * tools/audit/README.md builds it. Each owner needs a string `id`; `userPrincipalName`, `mail` and
 * `displayName` are kept when they are strings (null, as az prints for a missing mail, is dropped);
 * other properties (`@odata.type`, `businessPhones`, …) are ignored. Object ids are matched case
 * insensitively. An object absent from the file has no owner.
 *
 * @param source how messages name the file, e.g. `--owners owners.json`
 * @throws AuditInputError `<source>: <JSON path>: <problem>` on the first problem
 */
export function parseOwnersJson(text: string, source: string): Map<string, Owner[]> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AuditInputError(`${source}: not valid JSON (${messageOf(error)})`);
  }
  const fail = (path: string, problem: string): never => {
    throw new AuditInputError(`${source}: ${path}: ${problem}`);
  };
  if (!isRecord(document)) {
    fail(
      "$",
      `expected an object {"<objectId>": [{"id", "userPrincipalName", "mail"}, …]}, got ${kindOf(document)}`,
    );
  }
  const owners = new Map<string, Owner[]>();
  for (const [objectId, list] of Object.entries(document as Record<string, unknown>)) {
    const at = `$[${JSON.stringify(objectId)}]`;
    if (!Array.isArray(list)) fail(at, `expected a list of owners, got ${kindOf(list)}`);
    const parsed: Owner[] = [];
    (list as unknown[]).forEach((item, index) => {
      const here = `${at}[${index}]`;
      if (!isRecord(item)) return fail(here, `expected an owner object, got ${kindOf(item)}`);
      if (typeof item.id !== "string" || item.id.trim() === "") {
        return fail(
          `${here}.id`,
          `expected the owner's object id (a string), got ${kindOf(item.id)}`,
        );
      }
      const owner: Owner = { id: item.id };
      for (const key of ["userPrincipalName", "mail", "displayName"] as const) {
        const value = item[key];
        if (typeof value === "string" && value !== "") owner[key] = value;
        else if (value !== undefined && value !== null && typeof value !== "string") {
          fail(`${here}.${key}`, `expected a string or null, got ${kindOf(value)}`);
        }
      }
      parsed.push(owner);
    });
    const key = objectId.toLowerCase();
    owners.set(key, (owners.get(key) ?? []).concat(parsed));
  }
  return owners;
}

/**
 * Groups findings by owner: an object's findings appear under each of its owners (one group per
 * owner id, whatever number of objects they own), the findings of objects without an owner under
 * one group whose `owner` is null. Findings keep their order (the audit's urgency order); groups
 * come most urgent first (by their most urgent finding, then by owner name and id).
 *
 * @param findings the audit's findings, most urgent first
 * @param owners owners by object id (lower case)
 */
export function groupByOwner(
  findings: readonly FindingLike[],
  owners: OwnerDirectory,
): OwnerReport[] {
  const groups = new Map<string, { report: OwnerReport; first: number }>();
  findings.forEach((finding, index) => {
    const of = owners.get(finding.objectId.toLowerCase()) ?? [];
    const keys = of.length > 0 ? of : [null];
    const seen = new Set<string>();
    for (const owner of keys) {
      const key = owner === null ? "" : `owner:${owner.id.toLowerCase()}`;
      if (seen.has(key)) continue; // an owner listed twice for one object
      seen.add(key);
      let group = groups.get(key);
      if (group === undefined) {
        group = { report: { owner, findings: [] }, first: index };
        groups.set(key, group);
      }
      group.report.findings.push(ownerFinding(finding));
    }
  });
  return [...groups.values()]
    .sort(
      (a, b) =>
        a.first - b.first ||
        compareText(ownerName(a.report.owner), ownerName(b.report.owner)) ||
        compareText(a.report.owner?.id ?? "", b.report.owner?.id ?? ""),
    )
    .map((group) => group.report);
}

/** How people read an owner: `userPrincipalName`, else `mail`, else `displayName`, else the id; `no owner` for null. */
export function ownerName(owner: Owner | null): string {
  if (owner === null) return "no owner";
  return owner.userPrincipalName ?? owner.mail ?? owner.displayName ?? owner.id;
}

/** An owner as `--json` and the notifications show it: id, userPrincipalName, mail (null when unknown). */
export function ownerJson(owner: Owner | null): {
  id: string;
  userPrincipalName: string | null;
  mail: string | null;
  displayName?: string;
} | null {
  if (owner === null) return null;
  return {
    id: owner.id,
    userPrincipalName: owner.userPrincipalName ?? null,
    mail: owner.mail ?? null,
    ...(owner.displayName === undefined ? {} : { displayName: owner.displayName }),
  };
}

/** What {@link groupByOwner} reads of a finding (the audit's Finding has it all). */
export type FindingLike = OwnerFinding;

/** A finding as an owner report holds it (the keys in `--json`'s findings order). */
function ownerFinding(finding: FindingLike): OwnerFinding {
  return {
    objectType: finding.objectType,
    objectId: finding.objectId,
    appId: finding.appId,
    displayName: finding.displayName,
    credentialType: finding.credentialType,
    keyId: finding.keyId,
    endDateTime: finding.endDateTime,
    policy: finding.policy,
    level: finding.level,
    message: finding.message,
    ...(finding.lastSignInStatus === undefined
      ? {}
      : { lastSignIn: finding.lastSignIn ?? null, lastSignInStatus: finding.lastSignInStatus }),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
