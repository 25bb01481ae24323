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
 * - `credential-tenant-policy`: the credential breaks the tenant's own app management policy
 *   (`credentialBreaks`, ../offline/appManagementPolicy.ts, on the restrictions `effectiveRestrictions` finds
 *   for its object). Judged only when the policies are known (`--tenant` file fields, or `--graph`).
 * - `credential-unused`: the sign-in report shows no sign-in for `unusedAfter` (`credentialUnused`,
 *   ./credentialUse.ts); `credential-in-use-before-deletion`: a managed credential that the next
 *   scheduled rotation deletes signed in within `inUseWindow` (`credentialInUseBeforeDeletion`, its
 *   schedule from `managedSchedules`). Judged only with the sign-in report (`--credential-activity`);
 *   a credential the report has no entry for is not judged (no data, never unused).
 *
 * - Federated identity credentials (./federated.ts; judged only when they are known: `--graph`, or
 *   `--federated-credentials FILE`): each credential against the pack's `subjectScopeFindings`
 *   (`federated-credential-subject-scope`, `federated-credential-trust-advisory`), one row per
 *   credential ({@link FederatedCredentialRow}); and `credential-federation-migration-incomplete`:
 *   an application with federated credentials whose application object or service principal still
 *   holds client secrets or certificates that can sign in (not expired; Entra ID's own SAML
 *   certificates excepted), one finding per object on its most urgent such credential (after its
 *   other findings, as `credential-owner-missing`).
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
  MANAGED_CREDENTIAL_PREFIX,
  formatDays,
  maxLifetimeVerdict,
  MaxLifetimeVerdict,
} from "../../policy/core";
import { Duration } from "luxon";
import { ROTATION_DEFAULTS } from "../../components/config";
import { CREDENTIAL_EXPIRED } from "../../policy/policies/credential-expired";
import { CREDENTIAL_EXPIRING_SOON } from "../../policy/policies/credential-expiring-soon";
import { CREDENTIAL_MAX_LIFETIME } from "../../policy/policies/credential-max-lifetime";
import {
  AUDIT_POLICIES,
  AuditPolicy,
  AuditSettings,
  CREDENTIAL_COUNT,
  CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
  CREDENTIAL_IN_USE_BEFORE_DELETION,
  CREDENTIAL_OWNER_MISSING,
  CREDENTIAL_TENANT_POLICY,
  CREDENTIAL_UNMANAGED,
  CREDENTIAL_UNREADABLE,
  CREDENTIAL_UNUSED,
  FindingLevel,
  SERVICE_PRINCIPAL_CREDENTIAL,
} from "./policies";
import type { OwnerDirectory } from "./owners";
import type { RotationSettings } from "../../components/rotation";
import {
  credentialBreaks,
  describeRestriction,
  effectiveRestrictions,
  tenantLifetimeCaps,
  type AppManagementPolicies,
  type CredentialBreach,
  type CredentialRestriction,
} from "../offline/appManagementPolicy";
import type { CredentialActivityIndex, LastSignIn } from "../offline/credentialActivity";
import {
  credentialInUseBeforeDeletion,
  credentialUnused,
  managedSchedules,
  type ManagedSchedule,
} from "../offline/credentialUse";
import {
  duplicateKeyIds,
  type CredentialType,
  type ObjectType,
  type TenantCredential,
  type TenantObject,
} from "./tenant";
import {
  judgeFederatedCredential,
  type FederatedCredential,
  type FederatedCredentials,
} from "./federated";

/** More valid client secrets than this on one object is a `credential-count` finding. */
export const MAX_VALID_SECRETS = 2;

/** One finding: the shape of `--json`'s `findings[]`. */
export interface Finding {
  objectType: ObjectType;
  objectId: string;
  appId: string;
  /** The object's displayName. */
  displayName: string;
  /** `federated`: a federated identity credential (its `keyId` is the credential's Graph id). */
  credentialType: CredentialType | "federated";
  keyId: string;
  /**
   * RFC 3339, UTC; null when the credential's endDateTime is unreadable (`credential-unreadable`),
   * and for a federated credential (it never expires).
   */
  endDateTime: string | null;
  policy: AuditPolicy;
  level: FindingLevel;
  /** What was found, the limit, and the fix. */
  message: string;
  /**
   * The credential's last sign-in (RFC 3339, UTC) from the sign-in report; null when none is known
   * ({@link lastSignInStatus} says why).
   */
  lastSignIn: string | null;
  /**
   * `signed-in` ({@link lastSignIn} set), `none-recorded` (the report lists the credential without a
   * sign-in), `no-data` (the report has no entry for it: nothing is known) or `not-loaded` (no
   * `--credential-activity`).
   */
  lastSignInStatus: LastSignIn["status"] | "not-loaded";
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
  /** From the sign-in report; null when no report was given (`--credential-activity`). */
  lastSignIn: LastSignIn | null;
  /** A managed credential's rotation schedule; null for others (or an unreadable marker). */
  schedule: ManagedSchedule | null;
  /**
   * The tenant app management restriction it breaks; null when none, when the policies are unknown,
   * or when it is expired or its dates are unreadable (not judged).
   */
  policyBreach: CredentialBreach | null;
  /** In {@link AUDIT_POLICIES} order. */
  findings: Finding[];
}

/** One federated identity credential of an application, with what the audit found. */
export interface FederatedCredentialRow {
  /** The application that holds it. */
  object: TenantObject;
  credential: FederatedCredential;
  /** In {@link AUDIT_POLICIES} order. */
  findings: Finding[];
}

/**
 * What the audit knows besides the objects; each part is judged only when given.
 */
export interface AuditContext {
  /** The tenant's app management policies (`--tenant` fields, or `--graph`): `credential-tenant-policy`. */
  appPolicies?: AppManagementPolicies;
  /** The sign-in report: `credential-unused` and `credential-in-use-before-deletion`. */
  activity?: CredentialActivityIndex;
  /** Where the sign-in report came from (the file, or the Graph call), for the summary. */
  activitySource?: string;
  /**
   * Rotation settings of the stack apps by object id (lower case), from `--stack`: their managed
   * credentials' deletion instants are exact; other objects' are estimated (`endDateTime − grace`).
   */
  rotations?: ReadonlyMap<string, Pick<RotationSettings, "anchorMs" | "periodDuration" | "slots">>;
  /** The grace assumed without rotation settings (the project's default, `P30D`). */
  assumedGrace: { text: string; duration: Duration };
  /**
   * The applications' federated identity credentials (`--graph`, or `--federated-credentials`):
   * `federated-credential-*` and `credential-federation-migration-incomplete`.
   */
  federated?: FederatedCredentials;
}

/** One restriction in `--json` (`summary.appManagementPolicies`). */
export interface RestrictionJson {
  list: "passwordCredentials" | "keyCredentials";
  restrictionType: string;
  state: "enabled" | "disabled";
  maxLifetime: string | null;
  restrictForAppsCreatedAfterDateTime: string | null;
}

/** The tenant's app management policies as the summary reports them. */
export interface AppManagementPolicySummary {
  /** The tenant default policy; null when it was not read. */
  defaultPolicy: {
    isEnabled: boolean;
    applicationRestrictions: RestrictionJson[];
    servicePrincipalRestrictions: RestrictionJson[];
  } | null;
  /** Per-app policies with the objects they apply to (`displayName` null: not in the audited tenant). */
  appPolicies: {
    id: string;
    displayName: string | null;
    isEnabled: boolean;
    restrictions: RestrictionJson[];
    appliesTo: { objectId: string; objectType: ObjectType | null; displayName: string | null }[];
  }[];
  /**
   * The strictest enabled lifetime caps (ISO 8601) a credential added by this project may meet:
   * `maxLifetime` the shorter of the two; absent when the tenant caps nothing.
   */
  caps: { maxLifetime?: string; maxPasswordLifetime?: string; maxCertificateLifetime?: string };
  /** Credentials that break the policy (whatever `credential-tenant-policy`'s level). */
  credentialsBreaking: number;
}

/** The sign-in report as the summary reports it. */
export interface CredentialActivitySummary {
  /** The file, or the Graph call (a beta API). */
  source: string;
  /** Always true: the report is a Microsoft Graph beta API. */
  beta: true;
  entries: number;
  /** Credentials with an entry in the report. */
  credentialsWithData: number;
  /** Credentials without one: no data (never counted as unused). */
  credentialsWithoutData: number;
  /** How fresh the data is, in words, with Microsoft's source. */
  freshness: string;
}

/** What Microsoft documents of the report's freshness. */
export const ACTIVITY_FRESHNESS =
  "sign-in activity might take up to 24 hours to update (https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency): a sign-in of the last day may not show yet";

/** The federated identity credentials as the summary reports them. */
export interface FederatedCredentialSummary {
  /** The file, or the Graph call. */
  source: string;
  /** Applications holding at least one federated credential. */
  applications: number;
  credentials: number;
  /**
   * Applications with federated credentials whose application or service principal still holds
   * secrets or certificates that can sign in (whatever `credential-federation-migration-incomplete`'s
   * level).
   */
  migrationsIncomplete: number;
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
  /** The tenant's app management policies; null when not read (`--tenant` fields or `--graph`). */
  appManagementPolicies: AppManagementPolicySummary | null;
  /** The sign-in report (a beta API); null when not given (`--credential-activity`). */
  credentialActivity: CredentialActivitySummary | null;
  /**
   * The federated identity credentials; null when not read (`--graph` reads them unless
   * `--no-federated-credentials`; offline `--federated-credentials FILE`).
   */
  federatedCredentials: FederatedCredentialSummary | null;
  /** 1 when any finding is mandatory, else 0. */
  exitCode: 0 | 1;
}

/** The audit's result: rows sorted by urgency ({@link compareUrgency}), findings in the same order. */
export interface AuditResult {
  nowMs: number;
  objects: TenantObject[];
  rows: TenantCredentialRow[];
  /**
   * One row per federated identity credential (empty when they were not read): those with a
   * mandatory finding first, then advisory, then none; by application, then name.
   */
  federatedRows: FederatedCredentialRow[];
  /** Credential rows' and federated rows' findings: mandatory rows first, then advisory. */
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
 * @param context the policies, the sign-in report and the stack's rotation settings, when known
 * @returns rows sorted by urgency ({@link compareUrgency}), findings in row order
 */
export function auditTenant(
  objects: readonly TenantObject[],
  settings: AuditSettings,
  nowMs: number,
  owners?: OwnerDirectory,
  context: AuditContext = { assumedGrace: DEFAULT_ASSUMED_GRACE },
): AuditResult {
  const rows: TenantCredentialRow[] = [];
  const federated = context.federated;
  const federatedByAppId = federatedApplications(objects, federated);
  /** appIds (lower case) of applications with federated credentials and live secrets. */
  const migrationsIncomplete = new Set<string>();
  // No spread of rows into a call (push(...rows)): its arguments live on the stack, which holds
  // about 125,000 of them.
  for (const object of objects) {
    const objectRows = auditObject(object, settings, nowMs, context);
    if (owners !== undefined) judgeOwners(object, objectRows, owners, settings);
    const trusting = federatedByAppId.get(object.appId.toLowerCase());
    if (trusting !== undefined && judgeMigration(object, objectRows, trusting, settings)) {
      migrationsIncomplete.add(object.appId.toLowerCase());
    }
    for (const row of objectRows) rows.push(row);
  }
  rows.sort(compareUrgency);
  const federatedRows = federated === undefined ? [] : auditFederated(objects, federated, settings);
  // Mandatory rows first (credentials, then federated credentials), then advisory ones.
  const findings: Finding[] = [];
  for (const rank of [0, 1]) {
    for (const row of rows)
      if (severity(row) === rank) for (const f of row.findings) findings.push(f);
    for (const row of federatedRows) {
      if (severity(row) === rank) for (const f of row.findings) findings.push(f);
    }
  }
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
    federatedRows,
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
      warnings: [...duplicateKeyIds(objects), ...(federated?.warnings ?? [])],
      appManagementPolicies:
        context.appPolicies === undefined
          ? null
          : policySummary(context.appPolicies, objects, rows),
      credentialActivity:
        context.activity === undefined
          ? null
          : activitySummary(context.activity, context.activitySource ?? "", rows),
      federatedCredentials:
        federated === undefined
          ? null
          : {
              source: federated.source,
              applications: new Set(federatedRows.map((row) => row.object.objectId)).size,
              credentials: federatedRows.length,
              migrationsIncomplete: migrationsIncomplete.size,
            },
      exitCode: levels.mandatory > 0 ? 1 : 0,
    },
  };
}

/** The grace assumed for managed credentials without the stack's settings: the project default. */
export const DEFAULT_ASSUMED_GRACE = {
  text: ROTATION_DEFAULTS.grace,
  duration: Duration.fromISO(ROTATION_DEFAULTS.grace),
};

function restrictionJson(r: CredentialRestriction): RestrictionJson {
  return {
    list: r.list,
    restrictionType: r.restrictionType,
    state: r.state,
    maxLifetime: r.maxLifetime,
    restrictForAppsCreatedAfterDateTime:
      r.restrictForAppsCreatedAfterMs === null
        ? null
        : formatInstant(r.restrictForAppsCreatedAfterMs),
  };
}

function policySummary(
  policies: AppManagementPolicies,
  objects: readonly TenantObject[],
  rows: readonly TenantCredentialRow[],
): AppManagementPolicySummary {
  const byId = new Map(objects.map((o) => [o.objectId.toLowerCase(), o]));
  const tenant = policies.defaultPolicy;
  const all = (c: {
    passwordCredentials: CredentialRestriction[];
    keyCredentials: CredentialRestriction[];
  }) => [...c.passwordCredentials, ...c.keyCredentials].map(restrictionJson);
  const caps = tenantLifetimeCaps(policies);
  const capsJson: AppManagementPolicySummary["caps"] = {};
  const shortest = [caps.password, caps.certificate]
    .filter((c) => c !== null)
    .sort((a, b) => a.ms - b.ms)[0];
  if (shortest !== undefined) capsJson.maxLifetime = shortest.text;
  if (caps.password !== null) capsJson.maxPasswordLifetime = caps.password.text;
  if (caps.certificate !== null) capsJson.maxCertificateLifetime = caps.certificate.text;
  return {
    defaultPolicy:
      tenant === null
        ? null
        : {
            isEnabled: tenant.isEnabled,
            applicationRestrictions: all(tenant.applicationRestrictions),
            servicePrincipalRestrictions: all(tenant.servicePrincipalRestrictions),
          },
    appPolicies: policies.appPolicies.map((policy) => ({
      id: policy.id,
      displayName: policy.displayName,
      isEnabled: policy.isEnabled,
      restrictions: all(policy.restrictions),
      appliesTo: policy.appliesTo.map((target) => {
        const object = byId.get(target.id.toLowerCase());
        return {
          objectId: target.id,
          objectType: object?.objectType ?? target.objectType,
          displayName: object?.displayName ?? null,
        };
      }),
    })),
    caps: capsJson,
    credentialsBreaking: rows.filter((row) => row.policyBreach !== null).length,
  };
}

function activitySummary(
  activity: CredentialActivityIndex,
  source: string,
  rows: readonly TenantCredentialRow[],
): CredentialActivitySummary {
  let withData = 0;
  for (const row of rows)
    if (row.lastSignIn !== null && row.lastSignIn.status !== "no-data") withData++;
  return {
    source,
    beta: true,
    entries: activity.entries.length,
    credentialsWithData: withData,
    credentialsWithoutData: rows.length - withData,
    freshness: ACTIVITY_FRESHNESS,
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
function severity(row: { findings: readonly Finding[] }): number {
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
  context: AuditContext = { assumedGrace: DEFAULT_ASSUMED_GRACE },
): TenantCredentialRow[] {
  const signing = signingKeys(object);
  const restrictions =
    context.appPolicies === undefined
      ? undefined
      : effectiveRestrictions(context.appPolicies, {
          kind: object.objectType,
          id: object.objectId,
          appId: object.appId,
          createdDateTime: object.createdMs ?? null,
        });
  const schedules = object.credentials.some((c) =>
    c.displayName?.includes(MANAGED_CREDENTIAL_PREFIX),
  )
    ? managedSchedules(object.credentials, {
        rotation: context.rotations?.get(object.objectId.toLowerCase()),
        assumedGrace: context.assumedGrace,
      })
    : undefined;
  const rows: TenantCredentialRow[] = object.credentials.map((credential, index) => {
    const status = Number.isNaN(credential.endMs)
      ? ("unreadable" as const)
      : endStatus(credential.endMs, nowMs, settings.warnBefore.duration);
    const judged = status !== "unreadable" && status !== "expired";
    return {
      object,
      credential,
      role: roleOf(object, credential, signing),
      status,
      daysLeft: daysBetween(nowMs, credential.endMs),
      lifetime: null,
      lastSignIn:
        context.activity === undefined
          ? null
          : context.activity.lastSignIn({
              objectType: object.objectType,
              objectId: object.objectId,
              credentialType: credential.credentialType,
              keyId: credential.keyId,
            }),
      schedule: schedules?.[index] ?? null,
      policyBreach:
        restrictions === undefined || restrictions.restrictions.length === 0 || !judged
          ? null
          : credentialBreaks(restrictions, {
              type: credential.credentialType,
              startDateTime: credential.startMs,
              endDateTime: credential.endMs,
              keyType: credential.type,
            }),
      findings: [],
    };
  });
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
  const max = settings.maxLifetimeByKind[credential.credentialType];
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
  const breach = row.policyBreach;
  if (breach !== null) {
    found.set(CREDENTIAL_TENANT_POLICY, () => tenantPolicyMessage(label(), row, breach));
  }
  const lastSignIn = row.lastSignIn;
  if (lastSignIn === null) return;
  const schedule = row.schedule;
  if (role === "managed" && schedule !== null && lastSignIn.status === "signed-in") {
    const verdict = credentialInUseBeforeDeletion({
      schedule,
      deploymentMs: nowMs,
      lastSignInMs: lastSignIn.ms,
      inUseWindow: settings.inUseWindow.duration,
    });
    if (verdict.inUse) {
      found.set(CREDENTIAL_IN_USE_BEFORE_DELETION, () => {
        const when =
          verdict.deletionMs <= nowMs
            ? `at the next pulumi up (it has been due since ${shownInstant(verdict.deletionMs)})`
            : `at the first pulumi up from ${shownInstant(verdict.deletionMs)}, in ${formatDays(verdict.deletionMs - nowMs)}`;
        const basis =
          schedule.basis === "stack-rotation"
            ? "by the stack's rotation settings"
            : `estimated as its endDateTime less the default grace ${schedule.assumedGrace ?? ""}; --stack gives the exact instant`;
        return `${label()}, slot ${schedule.slot} generation ${schedule.generation} of this project's rotation, signed in at ${shownInstant(verdict.lastSignInMs)}, within inUseWindow ${settings.inUseWindow.text} of ${shownInstant(nowMs)}, but Key Vault no longer holds it: the next scheduled rotation deletes it ${when} (${basis}). A consumer still uses it instead of the credential Key Vault holds, and fails once it is deleted. Fix: find that consumer (the sign-in logs name the client using keyId ${credential.keyId}), make it read the credential from Key Vault again, and make sure it re-reads Key Vault more often than the rotation period.`;
      });
    }
  }
  const unused = credentialUnused({
    lastSignIn,
    startMs: credential.startMs,
    nowMs,
    unusedAfter: settings.unusedAfter.duration,
  });
  if (unused.unused) {
    found.set(
      CREDENTIAL_UNUSED,
      () =>
        `${label()} has ${
          unused.lastSignInMs === null
            ? "no sign-in recorded in the sign-in report"
            : `not signed in since ${shownInstant(unused.lastSignInMs)}`
        }: none since ${shownInstant(unused.thresholdMs)} (unusedAfter ${settings.unusedAfter.text}; the report is a Microsoft Graph beta API and may lag by up to 24 hours). Fix: ${UNUSED_FIX[role]}.`,
    );
  }
}

/** `credential-tenant-policy`'s message: the restriction, Graph's code, the assumption, the fix. */
function tenantPolicyMessage(
  label: string,
  row: TenantCredentialRow,
  breach: CredentialBreach,
): string {
  const r = breach.restriction;
  const detail =
    breach.lifetimeMs !== undefined && breach.limitMs !== undefined
      ? `: it lives ${formatDays(breach.lifetimeMs)}, longer than ${r.maxLifetime ?? ""} (it would have to end by ${shownInstant(breach.limitMs)})`
      : "";
  const assumed = r.assumedCreatedAfter
    ? `; the restriction applies to objects created from ${r.restrictForAppsCreatedAfterMs === null ? "" : shownInstant(r.restrictForAppsCreatedAfterMs)} and this ${OBJECT_NOUN[row.object.objectType]}'s creation date is unknown (Graph v1.0 gives service principals none): assumed to apply`
    : "";
  const fix =
    breach.code === "CredentialTypeNotAllowedAsPerAppPolicy"
      ? TENANT_TYPE_FIX[row.role]
      : TENANT_LIFETIME_FIX[row.role];
  return `${label} breaks ${r.policy}: ${describeRestriction(r)}${detail}. Graph would refuse such a credential if it were added now (${breach.code})${assumed}. Entra checks the policy only when a credential is added, so this one keeps working until it ends. Fix: ${fix}.`;
}

/** Applications with federated credentials: their credentials by appId (lower case). */
function federatedApplications(
  objects: readonly TenantObject[],
  federated: FederatedCredentials | undefined,
): Map<string, { application: TenantObject; credentials: readonly FederatedCredential[] }> {
  const byAppId = new Map<
    string,
    { application: TenantObject; credentials: readonly FederatedCredential[] }
  >();
  if (federated === undefined) return byAppId;
  for (const object of objects) {
    if (object.objectType !== "application") continue;
    const credentials = federated.byObjectId.get(object.objectId.toLowerCase()) ?? [];
    if (credentials.length > 0) {
      byAppId.set(object.appId.toLowerCase(), { application: object, credentials });
    }
  }
  return byAppId;
}

/**
 * `credential-federation-migration-incomplete`: when the object (an application with federated
 * credentials, or its service principal) holds client secrets or certificates that can still sign
 * in (not expired; Entra ID's own SAML certificates not counted), one finding on its most urgent
 * such credential.
 *
 * @returns true when the object holds such credentials (whatever the policy's level)
 */
function judgeMigration(
  object: TenantObject,
  rows: TenantCredentialRow[],
  trusting: { application: TenantObject; credentials: readonly FederatedCredential[] },
  settings: AuditSettings,
): boolean {
  const live = rows.filter((row) => row.status !== "expired" && row.role !== "entra-certificate");
  if (live.length === 0) return false;
  const level = settings.levels[CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE];
  if (level === "disabled") return true;
  let first = live[0];
  for (const row of live) if (compareUrgency(row, first) < 0) first = row;
  const secrets = live.filter((row) => row.credential.credentialType === "password").length;
  const certificates = live.length - secrets;
  const held = [
    secrets > 0 ? `${secrets} client secret${secrets === 1 ? "" : "s"}` : "",
    certificates > 0 ? `${certificates} certificate${certificates === 1 ? "" : "s"}` : "",
  ]
    .filter((text) => text !== "")
    .join(" and ");
  const keyIds = live.map((row) => row.credential.keyId);
  const shownKeyIds =
    keyIds.length > 5
      ? `${keyIds.slice(0, 5).join(", ")} and ${keyIds.length - 5} more`
      : keyIds.join(", ");
  const names = trusting.credentials.map((c) => JSON.stringify(cutName(c.name)));
  const shownNames = names.length > 5 ? `${names.slice(0, 5).join(", ")}, …` : names.join(", ");
  const count = trusting.credentials.length;
  const whose =
    object.objectType === "application"
      ? `application ${JSON.stringify(object.displayName)} (appId ${object.appId}) has ${count} federated credential${count === 1 ? "" : "s"} (${shownNames}) and still holds`
      : `service principal ${JSON.stringify(object.displayName)} (appId ${object.appId}, object id ${object.objectId}) holds`;
  const although =
    object.objectType === "application"
      ? ""
      : `, although its application has ${count} federated credential${count === 1 ? "" : "s"} (${shownNames})`;
  const remove =
    object.objectType === "application"
      ? `az ad app credential delete --id ${object.appId} --key-id <keyId>`
      : `az ad sp credential delete --id ${object.objectId} --key-id <keyId>`;
  first.findings.push(
    findingOf(
      first,
      CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
      level,
      `${whose} ${held} that can sign in (keyId ${shownKeyIds})${although}: the move to federation is not finished, and every secret or certificate is one more way to sign in as the app. Fix: once every consumer signs in through a federated credential (the sign-in report, --credential-activity, shows each credential's last sign-in; docs/federation.md, "Migration without an outage"), set credential: federated for the app in the stack that manages it, or remove these credentials by hand (${remove}).`,
    ),
  );
  return true;
}

/**
 * The federated credentials' rows, each judged by the pack's `subjectScopeFindings`
 * (./federated.ts `judgeFederatedCredential`); sorted by severity, then application, then name.
 */
function auditFederated(
  objects: readonly TenantObject[],
  federated: FederatedCredentials,
  settings: AuditSettings,
): FederatedCredentialRow[] {
  const rows: FederatedCredentialRow[] = [];
  for (const object of objects) {
    if (object.objectType !== "application") continue;
    for (const credential of federated.byObjectId.get(object.objectId.toLowerCase()) ?? []) {
      const row: FederatedCredentialRow = { object, credential, findings: [] };
      const label = `application ${JSON.stringify(object.displayName)} (appId ${object.appId}) federated credential ${credential.id} (${JSON.stringify(cutName(credential.name))})`;
      for (const verdict of judgeFederatedCredential(credential)) {
        const level = settings.levels[verdict.policy];
        if (level === "disabled") continue;
        const what = verdict.findings.map((f) => `${f.reason}. Fix: ${f.safer}`).join("; ");
        row.findings.push({
          objectType: object.objectType,
          objectId: object.objectId,
          appId: object.appId,
          displayName: object.displayName,
          credentialType: "federated",
          keyId: credential.id,
          endDateTime: null,
          policy: verdict.policy,
          level,
          message: `${label}: ${what}.`,
          lastSignIn: null,
          lastSignInStatus: "not-loaded",
        });
      }
      rows.push(row);
    }
  }
  return rows.sort(
    (a, b) =>
      severity(a) - severity(b) ||
      compareText(a.object.displayName, b.object.displayName) ||
      compareText(a.object.objectId, b.object.objectId) ||
      compareText(a.credential.name, b.credential.name) ||
      compareText(a.credential.id, b.credential.id),
  );
}

/** A federated credential's name for a message: at most 64 characters. */
function cutName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
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
  const lastSignIn = row.lastSignIn;
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
    lastSignIn: lastSignIn?.status === "signed-in" ? shownInstant(lastSignIn.ms) : null,
    lastSignInStatus: lastSignIn === null ? "not-loaded" : lastSignIn.status,
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

const UNUSED_FIX: Record<CredentialRole, string> = {
  managed:
    "if the app is retired, remove it from the stack's catalogue (pulumi up then deletes its credentials); otherwise check its consumers read the credential from Key Vault",
  unmanaged:
    "remove it if nothing uses it (az ad app credential delete --id <appId> --key-id <keyId>, or az ad sp credential delete); Entra's own recommendation flags credentials unused for 30 days",
  "entra-certificate":
    "remove the certificate if the single sign-on it serves is no longer used, after checking with the app's owners",
};

const TENANT_LIFETIME_FIX: Record<CredentialRole, string> = {
  managed:
    "the stack's next rotation adds a credential of the same lifetime, which Entra refuses (the deployment fails with CredentialInvalidLifetimeAsPerAppPolicy): shorten the app's rotation so that slots·period + grace fits the tenant's cap (npm run audit -- --emit-policy-config FILE writes the cap for the policy pack), or assign the app a per-app policy",
  unmanaged:
    "adopt the app into rotation with a lifetime within the tenant's cap, move its consumers to the new credential, then remove this one",
  "entra-certificate":
    "replace the certificate with one whose lifetime is within the tenant's cap, then remove this one",
};

const TENANT_TYPE_FIX: Record<CredentialRole, string> = {
  managed:
    "the stack's next rotation adds a credential of this type, which Entra refuses (the deployment fails with CredentialTypeNotAllowedAsPerAppPolicy): switch the app to certificates (credential: certificate), or assign it a per-app policy that allows passwords",
  unmanaged:
    "move the app to a credential type the tenant allows (a certificate: adopt it into rotation with credential: certificate), then remove this one",
  "entra-certificate": "replace it with a credential type the tenant allows, then remove this one",
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
