/**
 * The audit's rules: tenant objects + settings + now → one row per credential with its findings.
 * Pure: no I/O, no clock, never throws on valid {@link TenantObject}s.
 *
 * The pack's rules, judged by the pack's own functions (this file only words their verdicts:
 * labels, fixes, formatting):
 * - `credential-max-lifetime`: `maxLifetimeVerdict` (policy/core/verdicts.ts), as the pack's
 *   policy calls it: too long when `endDateTime > startDateTime + maxLifetime` (calendar-correct),
 *   or an end not after the start, or dates beyond what a date can hold (not judged). Start and
 *   end were read by the pack's `credentialLifetime` (policy/core/lifetime.ts) when the input was
 *   parsed (tenant.ts).
 * - `credential-expired` / `credential-expiring-soon`: `endStatus` (policy/core/end-dates.ts), which
 *   `credential-expiring-soon` calls and `credential-expired` asks through `isExpired`: expired when
 *   `endDateTime <= now`; expiring soon when it ends before now + warnBefore (calendar-correct).
 *   Days left: `daysBetween` (policy/core/iso8601.ts).
 *
 * The audit's own rules (audit-only policies, declared in policy/core/audit-policies.ts):
 * - `credential-unmanaged`: the credential was not created by this project's rotation: its
 *   displayName lacks the marker `isManagedCredentialName` tests (policy/core/managed.ts), so
 *   nothing replaces it before it ends. Formerly reported as `credential-rotation-required`, whose
 *   meaning in the pack (a declared credential has a rotation schedule) the audit cannot judge
 *   from Graph: the audit no longer reports under that name.
 * - `credential-unreadable`: the credential's `endDateTime` or `startDateTime` is missing or not
 *   an RFC 3339 timestamp in the input (tenant.ts records it instead of stopping the audit). With
 *   an unreadable end it is the credential's only finding: whether it is expired, expires soon or
 *   lives too long cannot be told, and it is not counted towards `credential-count`. With only an
 *   unreadable start, the end-date and name rules still apply; the lifetime cannot be judged.
 * - `credential-count`: an object holding more than {@link MAX_VALID_SECRETS} valid (unexpired)
 *   client secrets; reported on each of those secrets. Certificates are not counted: their private
 *   key stays with its holder, and overlapping certificates during a rollover are normal.
 * - `service-principal-credential`: a client secret on a service principal that this project did
 *   not create: it does not show in the portal's Certificates & secrets blade.
 *
 * - `credential-owner-missing`: an object holding credentials has no owner (absent from the
 *   {@link OwnerDirectory}, or an empty list there), so nobody would be told. Judged only when the
 *   owners are known (`auditTenant`'s `owners` given: `--graph`, or an `--owners` file); one finding
 *   per object, on its most urgent credential (the Finding shape is unchanged: it names that
 *   credential's keyId). Objects without credentials are not judged: there is nothing to tell.
 *
 * Which credential gets which finding:
 * - a credential with an unreadable end gets `credential-unreadable` only (above);
 * - an expired credential gets `credential-expired` only: it can no longer sign in, so its
 *   lifetime and rotation are moot, and it does not count towards `credential-count`;
 * - service principal keyCredentials, and the password that opens a SAML token-signing
 *   certificate's private key (a service principal password whose keyId or customKeyIdentifier is a
 *   `Sign` keyCredential's, see Graph `addTokenSigningCertificate`), are rotated by Entra ID's own
 *   certificate process: they get the lifetime and end-date rules only, never
 *   `credential-unmanaged`, `service-principal-credential` or `credential-count`.
 */
import {
  daysBetween,
  formatInstant,
  endStatus,
  EndStatus,
  isManagedCredentialName,
  formatDays,
  maxLifetimeVerdict,
  MaxLifetimeVerdict,
} from "../../policy/core";
import { CREDENTIAL_EXPIRED } from "../../policy/policies/credential-expired";
import { CREDENTIAL_EXPIRING_SOON } from "../../policy/policies/credential-expiring-soon";
import { CREDENTIAL_MAX_LIFETIME } from "../../policy/policies/credential-max-lifetime";
import {
  AUDIT_POLICIES,
  AuditPolicy,
  AuditSettings,
  CREDENTIAL_COUNT,
  CREDENTIAL_OWNER_MISSING,
  CREDENTIAL_UNMANAGED,
  CREDENTIAL_UNREADABLE,
  FindingLevel,
  SERVICE_PRINCIPAL_CREDENTIAL,
} from "./policies";
import type { OwnerDirectory } from "./owners";
import {
  duplicateKeyIds,
  type CredentialType,
  type ObjectType,
  type TenantCredential,
  type TenantObject,
} from "./tenant";

/** More valid client secrets than this on one object is a `credential-count` finding. */
export const MAX_VALID_SECRETS = 2;

/** One finding: the shape of `--json`'s `findings[]`. */
export interface Finding {
  objectType: ObjectType;
  objectId: string;
  appId: string;
  /** The object's displayName. */
  displayName: string;
  credentialType: CredentialType;
  keyId: string;
  /** RFC 3339, UTC; null when the credential's endDateTime is unreadable (`credential-unreadable`). */
  endDateTime: string | null;
  policy: AuditPolicy;
  level: FindingLevel;
  /** What was found, the limit, and the fix. */
  message: string;
}

/** How this project relates to a credential. */
export type CredentialRole =
  /** Created by this project's rotation (display name marker). */
  | "managed"
  /** Made by hand, or by another tool: rotation would replace it. */
  | "unmanaged"
  /** A service principal certificate or SAML signing password: Entra ID's own rotation. */
  | "entra-certificate";

/** One credential with what the audit found. */
export interface TenantCredentialRow {
  object: TenantObject;
  credential: TenantCredential;
  role: CredentialRole;
  /**
   * How the end stands against now, by the pack's `endStatus`; `unreadable` when the endDateTime
   * could not be read.
   */
  status: EndStatus | "unreadable";
  /** (end − now) in days (`daysBetween`), negative when expired; NaN when the end is unreadable. */
  daysLeft: number;
  /**
   * The lifetime against maxLifetime, by the pack's `maxLifetimeVerdict`; null when not judged: a
   * date is unreadable, or the credential is expired (its only finding).
   */
  lifetime: MaxLifetimeVerdict | null;
  /** In {@link AUDIT_POLICIES} order. */
  findings: Finding[];
}

/** Counts of the audit. */
export interface AuditSummary {
  /** RFC 3339: the instant the rules were evaluated at. */
  now: string;
  objects: { application: number; servicePrincipal: number };
  credentials: number;
  findings: { mandatory: number; advisory: number };
  /** Findings per policy (reported policies only). */
  byPolicy: Partial<Record<AuditPolicy, number>>;
  /**
   * The audit's policies the configuration disabled, in {@link AUDIT_POLICIES} order: all of them
   * means nothing was judged, whatever the exit code says.
   */
  disabledPolicies: AuditPolicy[];
  /**
   * Whether the owners of the objects were known (`--graph`, or an `--owners` file): only then is
   * `credential-owner-missing` judged.
   */
  ownersKnown: boolean;
  /** What the input holds that the audit judged anyway but people must know: duplicate keyIds. */
  warnings: string[];
  /** 1 when any finding is mandatory, else 0. */
  exitCode: 0 | 1;
}

/** The audit's result: rows sorted by urgency ({@link compareUrgency}), findings in the same order. */
export interface AuditResult {
  nowMs: number;
  objects: TenantObject[];
  rows: TenantCredentialRow[];
  findings: Finding[];
  summary: AuditSummary;
}

/**
 * Applies every rule to every credential.
 *
 * @param objects applications and service principals (any order)
 * @param settings levels and durations, see {@link AuditSettings}
 * @param nowMs the instant to evaluate at, ms since the Unix epoch
 * @param owners the objects' owners by object id (lower case), when known: then
 *   `credential-owner-missing` is judged; `undefined`: not judged
 * @returns rows sorted by urgency ({@link compareUrgency}), findings in row order
 */
export function auditTenant(
  objects: readonly TenantObject[],
  settings: AuditSettings,
  nowMs: number,
  owners?: OwnerDirectory,
): AuditResult {
  const rows: TenantCredentialRow[] = [];
  // No spread of rows into a call (push(...rows)): its arguments live on the stack, which holds
  // about 125,000 of them.
  for (const object of objects) {
    const objectRows = auditObject(object, settings, nowMs);
    if (owners !== undefined) judgeOwners(object, objectRows, owners, settings);
    for (const row of objectRows) rows.push(row);
  }
  rows.sort(compareUrgency);
  const findings = rows.flatMap((row) => row.findings);
  const byPolicy: Partial<Record<AuditPolicy, number>> = {};
  const levels = { mandatory: 0, advisory: 0 };
  for (const finding of findings) {
    levels[finding.level]++;
    byPolicy[finding.policy] = (byPolicy[finding.policy] ?? 0) + 1;
  }
  return {
    nowMs,
    objects: objects.slice(),
    rows,
    findings,
    summary: {
      now: formatInstant(nowMs),
      objects: {
        application: objects.filter((o) => o.objectType === "application").length,
        servicePrincipal: objects.filter((o) => o.objectType === "servicePrincipal").length,
      },
      credentials: rows.length,
      findings: levels,
      byPolicy,
      disabledPolicies: AUDIT_POLICIES.filter((policy) => settings.levels[policy] === "disabled"),
      ownersKnown: owners !== undefined,
      warnings: duplicateKeyIds(objects),
      exitCode: levels.mandatory > 0 ? 1 : 0,
    },
  };
}

/**
 * Urgency order, most urgent first: by severity (credentials with a mandatory finding, then those
 * with advisory findings only, then those without findings); within each, credentials whose end is
 * unreadable first (how urgent they are is unknown), then the earliest end first, so expired
 * credentials come before the soonest to end. Ties: object type, display name, object id, keyId.
 */
export function compareUrgency(a: TenantCredentialRow, b: TenantCredentialRow): number {
  const bySeverity = severity(a) - severity(b);
  if (bySeverity !== 0) return bySeverity;
  const aUnknown = Number.isNaN(a.credential.endMs);
  const bUnknown = Number.isNaN(b.credential.endMs);
  if (aUnknown !== bUnknown) return aUnknown ? -1 : 1;
  return (
    (aUnknown ? 0 : a.credential.endMs - b.credential.endMs) ||
    compareText(a.object.objectType, b.object.objectType) ||
    compareText(a.object.displayName, b.object.displayName) ||
    compareText(a.object.objectId, b.object.objectId) ||
    compareText(a.credential.keyId, b.credential.keyId)
  );
}

/** 0: a mandatory finding; 1: advisory findings only; 2: no finding. */
function severity(row: TenantCredentialRow): number {
  let rank = 2;
  for (const finding of row.findings) {
    if (finding.level === "mandatory") return 0;
    rank = 1;
  }
  return rank;
}

/**
 * An instant as every line of the audit shows it: RFC 3339, UTC, whole seconds
 * (`2026-03-01T09:30:00Z`); Graph's fractions of a second are dropped.
 */
export function shownInstant(ms: number): string {
  return formatInstant(Math.floor(ms / 1000) * 1000);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rows of one object's credentials, unsorted. */
export function auditObject(
  object: TenantObject,
  settings: AuditSettings,
  nowMs: number,
): TenantCredentialRow[] {
  const signing = signingKeys(object);
  const rows: TenantCredentialRow[] = object.credentials.map((credential) => ({
    object,
    credential,
    role: roleOf(object, credential, signing),
    status: Number.isNaN(credential.endMs)
      ? "unreadable"
      : endStatus(credential.endMs, nowMs, settings.warnBefore.duration),
    daysLeft: daysBetween(nowMs, credential.endMs),
    lifetime: null,
    findings: [],
  }));
  const validSecrets = rows.filter(
    (row) =>
      row.credential.credentialType === "password" &&
      row.status !== "expired" &&
      row.status !== "unreadable" &&
      row.role !== "entra-certificate",
  );
  for (const row of rows) {
    const found = new Map<AuditPolicy, () => string>();
    evaluate(row, validSecrets.length, settings, nowMs, found);
    for (const policy of AUDIT_POLICIES) {
      const message = found.get(policy);
      const level = settings.levels[policy];
      if (message === undefined || level === "disabled") continue;
      row.findings.push(findingOf(row, policy, level, message()));
    }
  }
  return rows;
}

/** Applies each rule to one row; records policy → message (built only if reported). */
function evaluate(
  row: TenantCredentialRow,
  validSecretCount: number,
  settings: AuditSettings,
  nowMs: number,
  found: Map<AuditPolicy, () => string>,
): void {
  const { object, credential, role } = row;
  // Messages are built only for reported findings: most credentials of a large tenant have none.
  const label = () => credentialLabel(object, credential);
  const unreadable = credential.unreadable ?? [];
  if (unreadable.length > 0 && row.status !== "expired") {
    found.set(
      CREDENTIAL_UNREADABLE,
      () =>
        `${label()} has ${unreadable.map((u) => `an unreadable ${u.field} (${u.path}: ${u.reason})`).join(" and ")}: ${
          row.status === "unreadable"
            ? "the audit cannot tell whether it is expired, expires soon or lives longer than the maximum lifetime"
            : "the audit cannot tell how long it lives"
        }. Fix: ${UNREADABLE_FIX}.`,
    );
  }
  if (row.status === "unreadable") return;
  if (row.status === "expired") {
    found.set(
      CREDENTIAL_EXPIRED,
      () =>
        `${label()} expired ${formatDays(nowMs - credential.endMs)} ago, at ${shownInstant(credential.endMs)}; it can no longer sign in. Fix: ${EXPIRED_FIX[role]}.`,
    );
    return;
  }
  const max = settings.maxLifetime;
  const span = () =>
    `startDateTime ${shownInstant(credential.startMs)} to endDateTime ${shownInstant(credential.endMs)}`;
  // An unreadable start (credential-unreadable above): the lifetime cannot be judged.
  const verdict = Number.isFinite(credential.startMs)
    ? maxLifetimeVerdict(credential.startMs, credential.endMs, max.duration)
    : null;
  row.lifetime = verdict;
  if (verdict?.kind === "out-of-range") {
    found.set(
      CREDENTIAL_MAX_LIFETIME,
      () =>
        `${label()} has dates out of the supported range (${span()}): its lifetime cannot be checked against the maximum lifetime ${max.text}. Fix: ${LIFETIME_FIX[role]}.`,
    );
  } else if (verdict?.kind === "ends-before-start") {
    found.set(
      CREDENTIAL_MAX_LIFETIME,
      () => `${label()} ends before it starts (${span()}). Fix: ${LIFETIME_FIX[role]}.`,
    );
  } else if (verdict?.kind === "too-long") {
    found.set(
      CREDENTIAL_MAX_LIFETIME,
      () =>
        `${label()} lives ${formatDays(verdict.lifetimeMs)} (${span()}), longer than the maximum lifetime ${max.text} (it should end by ${shownInstant(verdict.limitMs)}). Fix: ${LIFETIME_FIX[role]}.`,
    );
  }
  if (role === "unmanaged") {
    found.set(
      CREDENTIAL_UNMANAGED,
      () =>
        `${label()} was not created by app-credentials' rotation (displayName ${showName(credential.displayName)} lacks the "app-credentials " marker), so nothing replaces it before it ends. Fix: ${ADOPT_FIX}.`,
    );
  }
  if (row.status === "expiring-soon") {
    found.set(
      CREDENTIAL_EXPIRING_SOON,
      () =>
        `${label()} expires in ${formatDays(credential.endMs - nowMs)}, at ${shownInstant(credential.endMs)}, within the warning window ${settings.warnBefore.text}. Fix: ${EXPIRING_FIX[role]}.`,
    );
  }
  const countsAsSecret = credential.credentialType === "password" && role !== "entra-certificate";
  if (countsAsSecret && validSecretCount > MAX_VALID_SECRETS) {
    found.set(
      CREDENTIAL_COUNT,
      () =>
        `${label()} is one of ${validSecretCount} valid client secrets of this ${OBJECT_NOUN[object.objectType]}, more than ${MAX_VALID_SECRETS} (the two overlapping rotation slots); each is a live way to sign in as the app. Fix: find which consumers use which secret (sign-in logs show the keyId) and remove the secrets nobody uses.`,
    );
  }
  if (object.objectType === "servicePrincipal" && countsAsSecret && role === "unmanaged") {
    found.set(
      SERVICE_PRINCIPAL_CREDENTIAL,
      () =>
        `${label()} is a client secret on a service principal: it does not appear in the app registration's Certificates & secrets blade in the portal, so the app's owners do not see it. Fix: ${ADOPT_FIX}; or move its consumers to a secret of the application.`,
    );
  }
}

/**
 * `credential-owner-missing`: when the object has no owner in `owners`, one finding on its most
 * urgent row (after its other findings, which {@link AUDIT_POLICIES} order puts first).
 */
function judgeOwners(
  object: TenantObject,
  rows: TenantCredentialRow[],
  owners: OwnerDirectory,
  settings: AuditSettings,
): void {
  const level = settings.levels[CREDENTIAL_OWNER_MISSING];
  if (rows.length === 0 || level === "disabled") return;
  if ((owners.get(object.objectId.toLowerCase())?.length ?? 0) > 0) return;
  let first = rows[0];
  for (const row of rows) if (compareUrgency(row, first) < 0) first = row;
  const noun = OBJECT_NOUN[object.objectType];
  const fix =
    object.objectType === "application"
      ? `add an owner who answers for it: az ad app owner add --id ${object.appId} --owner-object-id <user object id> (or the app registration's Owners blade)`
      : `add an owner who answers for it: the enterprise application's Owners blade, or Graph POST /servicePrincipals/${object.objectId}/owners/$ref`;
  first.findings.push(
    findingOf(
      first,
      CREDENTIAL_OWNER_MISSING,
      level,
      `${noun} ${JSON.stringify(object.displayName)} (appId ${object.appId}, object id ${object.objectId}) holds ${rows.length} credential${rows.length === 1 ? "" : "s"} and has no owner: nobody would be told before they expire. Fix: ${fix}.`,
    ),
  );
}

/** keyIds and customKeyIdentifiers of a service principal's `Sign` keyCredentials. */
function signingKeys(object: TenantObject): Set<string> {
  const keys = new Set<string>();
  if (object.objectType !== "servicePrincipal") return keys;
  for (const c of object.credentials) {
    if (c.credentialType !== "certificate" || c.usage !== "Sign") continue;
    keys.add(`keyId:${c.keyId.toLowerCase()}`);
    if (c.customKeyIdentifier) keys.add(`custom:${c.customKeyIdentifier}`);
  }
  return keys;
}

function roleOf(
  object: TenantObject,
  credential: TenantCredential,
  signing: Set<string>,
): CredentialRole {
  if (isManagedCredentialName(credential.displayName)) return "managed";
  if (object.objectType === "servicePrincipal") {
    if (credential.credentialType === "certificate") return "entra-certificate";
    if (
      signing.has(`keyId:${credential.keyId.toLowerCase()}`) ||
      (credential.customKeyIdentifier !== null &&
        signing.has(`custom:${credential.customKeyIdentifier}`))
    ) {
      return "entra-certificate";
    }
  }
  return "unmanaged";
}

function findingOf(
  row: TenantCredentialRow,
  policy: AuditPolicy,
  level: FindingLevel,
  message: string,
): Finding {
  return {
    objectType: row.object.objectType,
    objectId: row.object.objectId,
    appId: row.object.appId,
    displayName: row.object.displayName,
    credentialType: row.credential.credentialType,
    keyId: row.credential.keyId,
    endDateTime: Number.isNaN(row.credential.endMs) ? null : formatInstant(row.credential.endMs),
    policy,
    level,
    message,
  };
}

const OBJECT_NOUN: Record<ObjectType, string> = {
  application: "application",
  servicePrincipal: "service principal",
};

/** `application "Orders API" (appId …) password keyId … ("displayName")`. */
function credentialLabel(object: TenantObject, credential: TenantCredential): string {
  const name = credential.displayName === null ? "" : ` (${showName(credential.displayName)})`;
  return `${OBJECT_NOUN[object.objectType]} ${JSON.stringify(object.displayName)} (appId ${object.appId}) ${credential.credentialType} ${credential.keyId}${name}`;
}

function showName(name: string | null): string {
  if (name === null) return "not set";
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

const UNREADABLE_FIX =
  "export the tenant again (az ad app list --all / az ad sp list --all) or run the audit with --graph; if Graph itself returns this date, look at the credential with az ad app credential list --id <appId> (or az ad sp credential list) and remove it if nobody uses it";

const ADOPT_FIX =
  "adopt the app into rotation (npm run audit -- --adopt prints its apps entry), run pulumi up, move its consumers to the Key Vault secret, then remove this credential by hand";

const EXPIRED_FIX: Record<CredentialRole, string> = {
  managed:
    "the scheduled pulumi up did not replace it in time: run pulumi up for the stack that manages this app, then check the schedule runs more often than the grace",
  unmanaged:
    "remove it from the app (a consumer still using it is failing now); adopt the app into rotation if it still needs a secret",
  "entra-certificate":
    "remove the expired certificate from the service principal, after making sure a valid one is active",
};

const LIFETIME_FIX: Record<CredentialRole, string> = {
  managed:
    "check the rotation settings of the stack that manages this app (rotation.maxLifetime) and rotate now with rotationTrigger",
  unmanaged: ADOPT_FIX,
  "entra-certificate":
    "replace the certificate with one whose endDateTime is within the maximum lifetime of its start (for SAML token signing: the enterprise application's SAML certificates, or addTokenSigningCertificate with endDateTime)",
};

const EXPIRING_FIX: Record<CredentialRole, string> = {
  managed:
    "run pulumi up for the stack that manages this app: its rotation should replace the password before it ends",
  unmanaged: ADOPT_FIX,
  "entra-certificate":
    "add a new certificate, make it the active one, then remove this one after it is no longer used",
};
