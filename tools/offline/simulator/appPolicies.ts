/**
 * The tenant's app management policies in the simulated Graph: when a credential is added to an
 * application or a service principal (an `ApplicationPassword`, `ServicePrincipalPassword`,
 * `ApplicationCertificate` or `ServicePrincipalCertificate` create), Entra judges it against the
 * restrictions that apply to that object and refuses it with 400
 * `CredentialInvalidLifetimeAsPerAppPolicy` (a lifetime over the cap) or
 * `CredentialTypeNotAllowedAsPerAppPolicy` (a blocked credential type). The evaluation itself is
 * the shared, pure ../appManagementPolicy.ts (the tenant audit judges existing credentials with
 * it); this module decides what the simulated Graph knows about the object, words the refusal for
 * the app it belongs to, and checks a whole rotation schedule for the calendar.
 *
 * What Entra does (sources):
 * - the policies are read from the `--tenant` file (./tenant.ts): `defaultAppManagementPolicy`
 *   (Graph `GET /policies/defaultAppManagementPolicy`) and `appManagementPolicies`
 *   (`GET /policies/appManagementPolicies?$expand=appliesTo`); a per-app policy assigned to an
 *   object replaces the default for it, enabled or not
 *   (https://learn.microsoft.com/graph/api/resources/applicationauthenticationmethodpolicy,
 *   https://learn.microsoft.com/entra/identity/enterprise-apps/configure-app-management-policies);
 * - only a restriction whose `state` is `enabled` is evaluated, and one dated by
 *   `restrictForAppsCreatedAfterDateTime` only for objects created on or after that instant
 *   (https://learn.microsoft.com/graph/api/resources/passwordcredentialconfiguration);
 * - the policies are enforced when a credential is added, never on the credentials that exist
 *   (applicationauthenticationmethodpolicy: "An application that does not meet the policy
 *   requirements will continue to work until it tries to update the resource to add a new
 *   secret");
 * - Graph's answers: `400 CredentialInvalidLifetimeAsPerAppPolicy: Credential lifetime exceeds the
 *   max value allowed as per assigned policy '<id>'` to `addPassword` (Azure/azure-cli#28522) and
 *   to the azuread provider's `azuread_application_password` (microsoft/PubSec-Info-Assistant#681);
 *   `400 CredentialTypeNotAllowedAsPerAppPolicy` for a blocked type (the code Microsoft's own Teams
 *   Toolkit matches on `addPassword`: OfficeDev/microsoft-365-agents-toolkit
 *   packages/fx-core/src/component/driver/aad/utility/constants.ts `aadErrorCode`).
 *
 * What the simulation assumes:
 * - a credential's lifetime is `endDate − startDate`, the start being the request's `startDate`,
 *   else the instant it is added for a password or a symmetric key (the program sends none, so
 *   Graph starts it then), else the certificate's notBefore for a certificate (the provider's
 *   default, terraform-provider-azuread docs/resources/application_certificate.md `start_date`);
 * - `customPasswordAddition` never applies: the provider calls `addPassword` and Graph generates
 *   the secret text (applicationauthenticationmethodpolicy: it "still allows the application
 *   developer to request Azure AD-generated application password secrets");
 * - creation dates: an object the stack creates is created when the program runs (the simulated
 *   clock); an object of the snapshot is created at its `createdDateTime`. Where the snapshot gives
 *   none — always for service principals read with Graph v1.0, which returns no `createdDateTime`
 *   for them (https://learn.microsoft.com/graph/api/resources/serviceprincipal), or an object the
 *   snapshot does not list — a dated restriction is assumed to apply (as the audit assumes), and
 *   the refusal says so: Graph treats a service principal whose `createdDateTime` is null as
 *   created on 2019-01-01 (https://learn.microsoft.com/graph/api/tenantappmanagementpolicy-update,
 *   "Important"), but v1.0 does not show whether it is null; state `createdDateTime` in the
 *   snapshot's entry to judge it exactly;
 * - caller exemptions (custom security attributes on the deploying identity,
 *   configure-app-management-policies "Grant an exception to a user or service") are not read.
 */
import type { Duration } from "luxon";
import {
  addDuration,
  formatDays,
  formatInstant,
  isFixedLength,
  parseInstant,
  parseSchedule,
  WINDOW_KEY,
} from "../../../policy/core";
import { worstCaseLifetime } from "../../../components/rotation";
import {
  AppManagementPolicies,
  AppliedRestriction,
  AppPolicyErrorCode,
  credentialBreaks,
  CredentialToJudge,
  effectiveRestrictions,
  EffectiveRestrictions,
  PolicyTarget,
} from "../appManagementPolicy";
import { Refusal, refuse } from "./refusals";
import type { Registration } from "./simulatedAzure";
import type { TenantSnapshot } from "./tenant";

/** What is added: a password, a certificate (asymmetric key) or a symmetric key. */
export type PolicyCredential = "password" | "certificate" | "symmetricKey";

/** A rotation schedule's lifetimes, as the refusal names them. */
export interface ScheduleLifetime {
  /** Overlapping credentials: 1 or 2. */
  slots: number;
  /** ISO 8601, as configured (`P180D`). */
  period: string;
  /** ISO 8601: as configured (the calendar), or the end date's distance from the rotation (the preview). */
  grace: string;
  /** The longest lifetime a credential of this schedule gets (`slots·period + grace`), ms. */
  longestMs: number;
}

/** The restriction that refuses a credential, where it comes from and the figures behind it. */
export interface AppPolicyBreach {
  /** Graph's error code. */
  code: AppPolicyErrorCode;
  credential: PolicyCredential;
  /** `passwordLifetime`, `asymmetricKeyLifetime`, `passwordAddition`… */
  restrictionType: string;
  /** The cap (ISO 8601, as the policy writes it) of a lifetime restriction; null for a blocked type. */
  maxLifetime: string | null;
  /**
   * Where the restriction comes from: `default app management policy, applicationRestrictions`
   * (or `servicePrincipalRestrictions`), or `app management policy "<name>" (<id>)`.
   */
  policy: string;
  /** The policy id Graph's message names; null when the snapshot gives none. */
  policyId: string | null;
  /** The restriction's date (RFC 3339 as written), or null: every object. */
  restrictForAppsCreatedAfterDateTime: string | null;
  /** True when the object's creation date is unknown and the dated restriction is assumed to apply. */
  assumedCreatedAfter: boolean;
  /** A lifetime restriction: how long the refused credential would live (end − start), ms. */
  lifetimeMs?: number;
  /** The credential's rotation schedule, when it has one (app-credentials' schedule keys). */
  schedule?: ScheduleLifetime;
}

/** The credential a write adds, as the simulated Graph judges it. */
export interface AddedCredential {
  credential: PolicyCredential;
  /** ms since the Unix epoch; NaN when unknown (then no lifetime is judged). */
  startMs: number;
  /** ms since the Unix epoch; NaN when unknown. */
  endMs: number;
}

/**
 * Judges a credential added to an object against the tenant's policies.
 *
 * @param target the object (kind, object id, creation date when known)
 * @returns the restriction it breaks, or undefined when Graph accepts it
 */
export function judgeCredentialAdd(
  policies: AppManagementPolicies,
  target: PolicyTarget,
  added: AddedCredential,
): AppPolicyBreach | undefined {
  const effective = effectiveRestrictions(policies, target);
  const judged: CredentialToJudge = {
    type: added.credential === "password" ? "password" : "certificate",
    keyType: added.credential === "symmetricKey" ? "Symmetric" : "AsymmetricX509Cert",
    startDateTime: added.startMs,
    endDateTime: added.endMs,
    // addPassword: Graph generates the secret text, so customPasswordAddition never applies.
    generatedByGraph: true,
  };
  const breach = credentialBreaks(effective, judged);
  if (breach === null) return undefined;
  return {
    ...breachOf(policies, effective, target.kind, breach.restriction, added.credential),
    code: breach.code,
    ...(breach.lifetimeMs !== undefined ? { lifetimeMs: breach.lifetimeMs } : {}),
  };
}

/** The subject of a credential write's refusal, as the simulated providers word it. */
export function credentialWriteSubject(type: string, name: string): string {
  return `adding ${type} "${name}"`;
}

/**
 * The refusal of a credential under an app management policy: Graph's answer, the cap or the
 * blocked type and the policy, and what to change (the schedule's settings when it is known).
 *
 * @param subject `adding <type> "<name>"` ({@link credentialWriteSubject})
 */
export function appPolicyRefusal(subject: string, breach: AppPolicyBreach): Refusal {
  return refuse(
    breach.code === "CredentialInvalidLifetimeAsPerAppPolicy"
      ? "app-policy-credential-lifetime"
      : "app-policy-credential-type",
    `${subject}: ${graphAnswer(breach)}: ${describeBreach(breach)}.`,
    { appPolicy: breach },
  );
}

/**
 * A refusal of an app management policy with the credential's schedule added (read from the
 * registrations: see {@link scheduleOfCredential}); any other refusal unchanged.
 */
export function withSchedule(
  refusal: Refusal,
  registration: Registration,
  byUrn: ReadonlyMap<string, Registration>,
): Refusal {
  const breach = refusal.appPolicy;
  if (breach === undefined || breach.code !== "CredentialInvalidLifetimeAsPerAppPolicy") {
    return refusal;
  }
  const schedule = scheduleOfCredential(registration, byUrn);
  if (schedule === undefined) return refusal;
  return appPolicyRefusal(credentialWriteSubject(registration.type, registration.name), {
    ...breach,
    schedule,
  });
}

/** Graph's answer, as the provider reports it. */
function graphAnswer(breach: AppPolicyBreach): string {
  if (breach.code === "CredentialTypeNotAllowedAsPerAppPolicy") {
    return "400 CredentialTypeNotAllowedAsPerAppPolicy";
  }
  const policy =
    breach.policyId === null ? "assigned policy" : `assigned policy '${breach.policyId}'`;
  return `400 CredentialInvalidLifetimeAsPerAppPolicy ("Credential lifetime exceeds the max value allowed as per ${policy}.")`;
}

/** `passwords`, `certificates`, `symmetric keys`. */
function nouns(credential: PolicyCredential): string {
  return credential === "password"
    ? "passwords"
    : credential === "certificate"
      ? "certificates"
      : "symmetric keys";
}

/**
 * The breach in words, without Graph's answer: the cap (or blocked type) and its policy, the
 * credential's own lifetime, then the schedule's longest lifetime and the settings to change, e.g.
 * `the tenant caps passwords at P90D (default app management policy, applicationRestrictions:
 * passwordLifetime); this schedule's passwords live up to 120 days (period + grace = P90D + P30D);
 * set rotation.period and grace so that period + grace ≤ P90D, or rotation.maxLifetime: P90D`.
 * Values from the tenant (the policy's name) are quoted, never neutralised here: the caller
 * neutralises the whole text before a terminal.
 */
export function describeBreach(breach: AppPolicyBreach): string {
  const what = nouns(breach.credential);
  const origin = `${breach.policy}: ${breach.restrictionType}${dated(breach)}`;
  if (breach.code === "CredentialTypeNotAllowedAsPerAppPolicy") {
    const instead =
      breach.credential === "password"
        ? "rotate certificates instead (the app's credential: certificate)"
        : "use a certificate (AsymmetricX509Cert) instead";
    return `the tenant blocks new ${what} (${origin}); ${instead}, or exempt the object with an app management policy assigned to it`;
  }
  const cap = breach.maxLifetime ?? "(no maxLifetime)";
  const own =
    breach.lifetimeMs === undefined
      ? ""
      : `; this ${what.replace(/s$/, "")} would live ${formatDays(breach.lifetimeMs)}`;
  const schedule = breach.schedule;
  if (schedule === undefined) {
    return `the tenant caps ${what} at ${cap} (${origin})${own}; set the end date no later than the start + ${cap}`;
  }
  const formula = schedule.slots === 2 ? "2·period + grace" : "period + grace";
  const values = `${schedule.slots === 2 ? "2·" : ""}${schedule.period} + ${schedule.grace}`;
  return (
    `the tenant caps ${what} at ${cap} (${origin})${own}; ` +
    `this schedule's ${what} live up to ${formatDays(schedule.longestMs)} (${formula} = ${values}); ` +
    `set rotation.period and grace so that ${formula} ≤ ${cap}, or rotation.maxLifetime: ${cap}`
  );
}

/** `, for objects created from <date>` (and the assumption made), or nothing. */
function dated(breach: AppPolicyBreach): string {
  const since = breach.restrictForAppsCreatedAfterDateTime;
  if (since === null) return "";
  const parsed = parseInstant(since);
  const when = parsed.ok ? formatInstant(parsed.value) : since;
  return breach.assumedCreatedAfter
    ? `, for objects created from ${when}; the --tenant file gives no createdDateTime for this object, so it is assumed created after that (Graph v1.0 returns none for service principals; Graph treats a service principal whose createdDateTime is null as created on 2019-01-01): state createdDateTime in its entry to judge it exactly`
    : `, for objects created from ${when}`;
}

/** The parts of a breach that say which restriction and which policy. */
function breachOf(
  policies: AppManagementPolicies,
  effective: EffectiveRestrictions,
  kind: PolicyTarget["kind"],
  restriction: AppliedRestriction,
  credential: PolicyCredential,
): Omit<AppPolicyBreach, "code" | "lifetimeMs" | "schedule"> {
  const source = effective.source;
  const origin =
    source.kind === "appManagementPolicy"
      ? {
          policy: `app management policy ${JSON.stringify(source.displayName ?? "")} (${source.policyId})`,
          policyId: source.policyId,
        }
      : {
          policy: `default app management policy, ${kind === "application" ? "applicationRestrictions" : "servicePrincipalRestrictions"}`,
          policyId: policies.defaultPolicy?.id ?? null,
        };
  return {
    credential,
    restrictionType: restriction.restrictionType,
    maxLifetime: restriction.maxLifetime,
    ...origin,
    restrictForAppsCreatedAfterDateTime: restriction.restrictForAppsCreatedAfterDateTime,
    assumedCreatedAfter: restriction.assumedCreatedAfter,
  };
}

/** How deep a certificate's value is followed to its schedule (certificate → cert → key → schedule). */
const SCHEDULE_DEPTH = 4;

/**
 * The rotation schedule of a credential registration: the schedule keys (`rotation-window`,
 * `rotation-slot`, policy/core/schedule.ts) of a password's `rotateWhenChanged`, or of the
 * `keepers` / `rotateWhenChanged` a certificate's `value` depends on (its certificate, key and
 * schedule carrier, as policy/core/certificate-schedule.ts follows them); the grace is the end
 * date's distance from the slot's rotation.
 *
 * @returns undefined for a credential without schedule keys or end date
 */
export function scheduleOfCredential(
  registration: Registration,
  byUrn: ReadonlyMap<string, Registration>,
): ScheduleLifetime | undefined {
  const map = scheduleMap(registration, byUrn);
  const parsed = map === undefined ? undefined : parseSchedule(map);
  if (parsed === undefined || !parsed.ok) return undefined;
  const end = parseInstant(registration.inputs.endDate);
  if (!end.ok) return undefined;
  const schedule = parsed.value;
  const graceMs = end.value - schedule.nextRotationMs;
  if (graceMs < 0) return undefined;
  return {
    slots: schedule.slots,
    period: schedule.period,
    grace: isoOfMs(graceMs),
    longestMs: longestLifetime(
      schedule.anchorMs,
      schedule.periodDuration,
      graceMs,
      schedule.slots,
      schedule.slots * schedule.generation + schedule.slot,
    ),
  };
}

/** The map holding the schedule keys: the credential's own, else along its value's dependencies. */
function scheduleMap(
  registration: Registration,
  byUrn: ReadonlyMap<string, Registration>,
): Record<string, unknown> | undefined {
  const own = keysOf(registration);
  if (own !== undefined) return own;
  let level = registration.propertyDependencies.value ?? [];
  const seen = new Set<string>([registration.urn]);
  for (let depth = 0; depth < SCHEDULE_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const urn of level) {
      if (seen.has(urn)) continue;
      seen.add(urn);
      const found = byUrn.get(urn);
      if (found === undefined) continue;
      const map = keysOf(found);
      if (map !== undefined) return map;
      next.push(...Object.values(found.propertyDependencies).flat());
    }
    level = next;
  }
  return undefined;
}

/** A registration's `rotateWhenChanged` or `keepers` when it holds the schedule keys. */
function keysOf(registration: Registration): Record<string, unknown> | undefined {
  for (const key of ["rotateWhenChanged", "keepers"]) {
    const value = registration.inputs[key];
    if (
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      WINDOW_KEY in value
    ) {
      return value as Record<string, unknown>;
    }
  }
  return undefined;
}

/** Windows walked for a period of calendar length (months, years): four years of months. */
const CALENDAR_WINDOWS = 48;

/**
 * The longest lifetime of a credential of this schedule: `slots·period + grace` for a period of
 * fixed length; for months or years, the longest `W(k + slots) + grace − W(k)` over the next
 * windows from `fromWindow` (their lengths repeat within four years).
 */
function longestLifetime(
  anchorMs: number,
  period: Duration,
  graceMs: number,
  slots: number,
  fromWindow: number,
): number {
  if (isFixedLength(period)) return period.toMillis() * slots + graceMs;
  let longest = 0;
  for (let k = fromWindow; k < fromWindow + CALENDAR_WINDOWS; k++) {
    const start = addDuration(anchorMs, period, k);
    longest = Math.max(longest, addDuration(anchorMs, period, k + slots) + graceMs - start);
  }
  return longest;
}

/** A span in ms as ISO 8601: whole days `P30D`, else whole hours `PT36H`, else seconds. */
function isoOfMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `P${ms / 86_400_000}D`;
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  return `PT${Math.round(ms / 1000)}S`;
}

/** How an app came to exist, as the calendar's configuration says (components/config `AppSource`). */
export type ScheduledAppSource =
  | { kind: "new" }
  | { kind: "existingApplication"; applicationObjectId: string }
  | { kind: "existingServicePrincipal"; servicePrincipalObjectId: string };

/** A rotation schedule as configured (components/rotation `RotationSettings`). */
export interface ConfiguredSchedule {
  anchorMs: number;
  period: string;
  periodDuration: Duration;
  grace: string;
  graceDuration: Duration;
  slots: 1 | 2;
}

/** An app as {@link tenantPolicyRefusals} judges it (components/config `AppConfig` is one). */
export interface ScheduledApp {
  name: string;
  source: ScheduledAppSource;
  /** `password`, `certificate`, `keyVaultCertificate` or `federated`. */
  credential: string;
  rotation: ConfiguredSchedule;
}

/**
 * The object an app's credentials are added to, as the policies see it: a new app's application
 * (created at the first deployment; no per-app policy can name it yet), or the existing application
 * or service principal with its creation date from the snapshot (unknown when it gives none).
 *
 * @param fromMs the first deployment, ms since the Unix epoch
 */
export function scheduledAppTarget(
  source: ScheduledAppSource,
  tenant: Pick<TenantSnapshot, "applications" | "servicePrincipals"> | undefined,
  fromMs: number,
): PolicyTarget {
  if (source.kind === "new") {
    return { kind: "application", id: "", createdDateTime: fromMs };
  }
  const [kind, id, listed] =
    source.kind === "existingApplication"
      ? (["application", source.applicationObjectId, tenant?.applications] as const)
      : (["servicePrincipal", source.servicePrincipalObjectId, tenant?.servicePrincipals] as const);
  const object = listed?.get(id.toLowerCase());
  return {
    kind,
    id,
    ...(object?.appId !== undefined ? { appId: object.appId } : {}),
    createdDateTime: object?.createdDateTime ?? null,
  };
}

/**
 * Whether the tenant's policies refuse the credentials of a rotation schedule, before any
 * deployment is simulated: a blocked credential type, or a lifetime restriction that the
 * schedule's longest lifetime can exceed (`worstCaseLifetime`, the program's own check against
 * `maxLifetime`, components/rotation.ts). The same restrictions and wording as the simulated
 * Graph's refusal ({@link describeBreach}).
 *
 * @param fromMs the first deployment, ms since the Unix epoch
 * @returns the breach (with the schedule), or undefined when every credential of the schedule fits
 */
export function checkScheduleAgainstPolicies(
  policies: AppManagementPolicies,
  target: PolicyTarget,
  credential: "password" | "certificate",
  schedule: ConfiguredSchedule,
  fromMs: number,
): AppPolicyBreach | undefined {
  const effective = effectiveRestrictions(policies, target);
  // A credential of no lifetime: only a blocked type can refuse it.
  const blocked = credentialBreaks(effective, {
    type: credential,
    startDateTime: fromMs,
    endDateTime: fromMs,
  });
  if (blocked !== null) {
    return {
      ...breachOf(policies, effective, target.kind, blocked.restriction, credential),
      code: blocked.code,
    };
  }
  const lifetimeType = credential === "password" ? "passwordLifetime" : "asymmetricKeyLifetime";
  const list = credential === "password" ? "passwordCredentials" : "keyCredentials";
  for (const restriction of effective.restrictions) {
    if (restriction.list !== list || restriction.restrictionType !== lifetimeType) continue;
    const cap = restriction.maxLifetimeDuration;
    if (cap === null) continue;
    const worst = worstCaseLifetime(schedule, cap, fromMs);
    if (!worst.exceeds) continue;
    return {
      ...breachOf(policies, effective, target.kind, restriction, credential),
      code: "CredentialInvalidLifetimeAsPerAppPolicy",
      schedule: {
        slots: schedule.slots,
        period: schedule.period,
        grace: schedule.grace,
        longestMs: worst.longestMs,
      },
    };
  }
  return undefined;
}

/**
 * One line for a schedule the policies refuse: the breach in words, then Graph's answer, e.g. for
 * the calendar's `calendar: <app>: …`.
 */
export function describeScheduleBreach(breach: AppPolicyBreach): string {
  const what = nouns(breach.credential).replace(/s$/, "");
  return `${describeBreach(breach)} (Graph would refuse each such ${what} with 400 ${breach.code})`;
}

/** An app whose credentials the tenant's app management policies refuse, and why (one line). */
export interface TenantPolicyRefusal {
  app: string;
  message: string;
}

/**
 * The apps whose rotation schedule the tenant's app management policies refuse, checked before
 * anything is simulated ({@link checkScheduleAgainstPolicies}):
 * a new app's application is created at the first deployment; an existing object is judged with
 * its creation date from the snapshot (unknown: dated restrictions assumed to apply). Certificates
 * (`certificate`, `keyVaultCertificate`) are key credentials (asymmetricKeyLifetime); apps that
 * rotate nothing (`credential: federated`) are never refused.
 *
 * @param fromMs the first deployment, ms since the Unix epoch
 */
export function tenantPolicyRefusals(
  apps: readonly ScheduledApp[],
  tenant: TenantSnapshot,
  fromMs: number,
): TenantPolicyRefusal[] {
  const policies = tenant.appManagementPolicies;
  if (policies === undefined) return [];
  return apps.flatMap((app) => {
    if (app.credential === "federated") return [];
    const breach = checkScheduleAgainstPolicies(
      policies,
      scheduledAppTarget(app.source, tenant, fromMs),
      // A certificate Key Vault issues is added to Entra as a key credential all the same.
      app.credential === "password" ? "password" : "certificate",
      app.rotation,
      fromMs,
    );
    return breach === undefined ? [] : [{ app: app.name, message: describeScheduleBreach(breach) }];
  });
}
