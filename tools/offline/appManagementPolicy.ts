/**
 * Entra ID app management policies (the "application authentication methods policy" API of
 * Microsoft Graph v1.0), read from the JSON Graph returns, and judged against credentials.
 * Pure: no I/O, no clock. Shared by the tenant audit (tools/audit), which judges the credentials
 * that exist, and the simulated Graph (./simulator/appPolicies.ts), which refuses a credential as
 * Entra does when the program adds it (`npm start --tenant`, `npm run calendar --tenant`).
 *
 * What Graph returns (field names as Graph v1.0 spells them):
 * - `GET /policies/defaultAppManagementPolicy`: a `tenantAppManagementPolicy`
 *   `{id, displayName, description, isEnabled, applicationRestrictions, servicePrincipalRestrictions}`;
 *   `isEnabled` defaults to false ("Denotes whether the policy is enabled. Default value is
 *   false"); the two restriction sets apply to application objects and to service principal
 *   objects respectively (https://learn.microsoft.com/graph/api/resources/tenantappmanagementpolicy).
 * - `GET /policies/appManagementPolicies?$expand=appliesTo`: `{value: [appManagementPolicy]}`, each
 *   `{id, displayName, description, isEnabled, restrictions, appliesTo: [directoryObject]}`
 *   (https://learn.microsoft.com/graph/api/resources/appmanagementpolicy). A per-app policy assigned to
 *   an object replaces the default for it: "the app management policy takes precedence and the
 *   assigned application or service principal doesn't inherit from the tenant default policy. Only
 *   one policy can be assigned to an application or service principal"
 *   (https://learn.microsoft.com/graph/api/resources/applicationauthenticationmethodpolicy).
 * - restrictions (`appManagementConfiguration`): `{passwordCredentials: [passwordCredentialConfiguration],
 *   keyCredentials: [keyCredentialConfiguration]}`, each `{restrictionType, state, maxLifetime,
 *   restrictForAppsCreatedAfterDateTime}`:
 *   - passwordCredentials `restrictionType`: `passwordAddition`, `passwordLifetime`,
 *     `symmetricKeyAddition`, `symmetricKeyLifetime`, `customPasswordAddition`
 *     (https://learn.microsoft.com/graph/api/resources/passwordcredentialconfiguration);
 *   - keyCredentials `restrictionType`: `asymmetricKeyLifetime` (and, in newer answers,
 *     `trustedCertificateAuthority`, which the audit does not judge)
 *     (https://learn.microsoft.com/graph/api/resources/keycredentialconfiguration);
 *   - `state`: `enabled` or `disabled` ("If disabled, the restriction isn't evaluated or
 *     enforced"); older answers have no `state`, read as enabled;
 *   - `maxLifetime`: an ISO 8601 duration (`P4DT12H30M5S`), required for the lifetime types (the
 *     docs' old property table spelled it `maxLifeTime`: both are read);
 *   - `restrictForAppsCreatedAfterDateTime`: the restriction applies to objects created on or after
 *     it ("Enforces the policy for an app created on or after the enforcement date"; null: all).
 *
 * When Entra enforces them: only when a credential is added (`addPassword`, `addKey`, a PATCH of the
 * credentials): "Neither the tenant default policies nor the app management policies block token
 * issuance for existing applications. An application that does not meet the policy requirements will
 * continue to work until it tries to update the resource to add a new secret"
 * (https://learn.microsoft.com/graph/api/resources/applicationauthenticationmethodpolicy). So an
 * existing credential can break the tenant's own policy; the next one added the same way is refused.
 *
 * The errors Graph answers (400) when it refuses a credential, by the codes Microsoft's own Teams
 * Toolkit matches on `addPassword` (OfficeDev/microsoft-365-agents-toolkit,
 * packages/fx-core/src/component/driver/aad/utility/constants.ts `aadErrorCode`, and aadAppClient.ts
 * `generateClientSecret`): `CredentialInvalidLifetimeAsPerAppPolicy` ("Credential lifetime exceeds
 * the max value allowed as per assigned policy") for a lifetime restriction, and
 * `CredentialTypeNotAllowedAsPerAppPolicy` for a blocked credential type. Which code Graph uses for
 * `customPasswordAddition` and `symmetricKeyAddition` is not documented; the type code is assumed.
 *
 * `customPasswordAddition` blocks passwords whose secret text the client supplies (legacy PowerShell
 * modules); it "still allows the application developer to request Azure AD-generated application
 * password secrets" (applicationauthenticationmethodpolicy, note). `addPassword`, which the azuread
 * provider and the Azure CLI call, lets Graph generate the secret: the restriction never applies to
 * their passwords, and Graph does not tell an existing password's origin, so the audit treats every
 * existing password as Graph-generated ({@link CredentialToJudge.generatedByGraph}).
 *
 * Creation dates: Graph v1.0's `application` has `createdDateTime`; v1.0's `servicePrincipal`
 * documents none (https://learn.microsoft.com/graph/api/resources/serviceprincipal). A restriction with
 * `restrictForAppsCreatedAfterDateTime` on an object whose creation date is unknown is assumed to
 * apply ({@link AppliedRestriction.assumedCreatedAfter} says so), since a credential the audit
 * reports for nothing costs a look while one it misses is refused later.
 */
import type { Duration } from "luxon";
import { formatInstant, maxLifetimeVerdict, parseDuration, parseInstant } from "../../policy/core";

/** Which list of an `appManagementConfiguration` a restriction comes from. */
export type RestrictionList = "passwordCredentials" | "keyCredentials";

/**
 * The restriction types the audit judges. Others that Graph may return (`trustedCertificateAuthority`,
 * `unknownFutureValue`) are kept as read and never breached.
 */
export const JUDGED_RESTRICTION_TYPES = {
  passwordCredentials: [
    "passwordAddition",
    "passwordLifetime",
    "customPasswordAddition",
    "symmetricKeyAddition",
    "symmetricKeyLifetime",
  ],
  keyCredentials: ["asymmetricKeyLifetime"],
} as const;

/** One `passwordCredentialConfiguration` or `keyCredentialConfiguration`, validated. */
export interface CredentialRestriction {
  list: RestrictionList;
  /** As Graph wrote it, e.g. `passwordLifetime`. */
  restrictionType: string;
  /** `state`; an answer without one (older Graph) is read as `enabled`. */
  state: "enabled" | "disabled";
  /** ISO 8601 duration as Graph wrote it (`P90D`, `P4DT12H30M5S`), or null. */
  maxLifetime: string | null;
  /** {@link maxLifetime} parsed; null when absent. */
  maxLifetimeDuration: Duration | null;
  /** RFC 3339 as Graph wrote it, or null (the restriction applies to every object). */
  restrictForAppsCreatedAfterDateTime: string | null;
  /** {@link restrictForAppsCreatedAfterDateTime} in ms since the Unix epoch, or null. */
  restrictForAppsCreatedAfterMs: number | null;
}

/** An `appManagementConfiguration`: the restrictions of one set. */
export interface AppManagementConfiguration {
  passwordCredentials: CredentialRestriction[];
  keyCredentials: CredentialRestriction[];
}

/** `GET /policies/defaultAppManagementPolicy` (`tenantAppManagementPolicy`), validated. */
export interface TenantAppManagementPolicy {
  id: string | null;
  displayName: string | null;
  /** False by default in Entra. */
  isEnabled: boolean;
  /** For application objects. */
  applicationRestrictions: AppManagementConfiguration;
  /** For service principal objects. */
  servicePrincipalRestrictions: AppManagementConfiguration;
}

/** A directory object a per-app policy applies to. */
export interface AppliesTo {
  /** Object id (Graph `id`). */
  id: string;
  /** From `@odata.type` (`#microsoft.graph.application` / `…servicePrincipal`); null when absent. */
  objectType: "application" | "servicePrincipal" | null;
}

/** One `appManagementPolicy` with its `appliesTo`, validated. */
export interface AppManagementPolicy {
  id: string;
  displayName: string | null;
  isEnabled: boolean;
  restrictions: AppManagementConfiguration;
  appliesTo: AppliesTo[];
}

/** The tenant's policies: the default (null when not read) and the per-app policies. */
export interface AppManagementPolicies {
  defaultPolicy: TenantAppManagementPolicy | null;
  appPolicies: AppManagementPolicy[];
}

/** A shape that is not what Graph returns: the JSON path (`$.value[2].restrictions`) and why. */
export class AppManagementPolicyShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "AppManagementPolicyShapeError";
  }
}

/**
 * Validates `GET /policies/defaultAppManagementPolicy`'s JSON.
 *
 * @param path the JSON path of the value, for messages (default `$`)
 * @throws AppManagementPolicyShapeError naming the path and what was expected
 */
export function parseTenantAppManagementPolicy(
  value: unknown,
  path = "$",
): TenantAppManagementPolicy {
  const object = record(value, path, "a tenantAppManagementPolicy object");
  return {
    id: optionalString(object.id, `${path}.id`),
    displayName: optionalString(object.displayName, `${path}.displayName`),
    isEnabled: optionalBoolean(object.isEnabled, `${path}.isEnabled`) ?? false,
    applicationRestrictions: configuration(
      object.applicationRestrictions,
      `${path}.applicationRestrictions`,
    ),
    servicePrincipalRestrictions: configuration(
      object.servicePrincipalRestrictions,
      `${path}.servicePrincipalRestrictions`,
    ),
  };
}

/**
 * Validates `GET /policies/appManagementPolicies?$expand=appliesTo`'s JSON: `{value: [...]}`, a list
 * of policies, or a list of such pages (`[{value}, {value}]`). A policy without `appliesTo` applies to
 * nothing the audit can see.
 *
 * @throws AppManagementPolicyShapeError naming the path and what was expected
 */
export function parseAppManagementPolicies(value: unknown, path = "$"): AppManagementPolicy[] {
  const items: { item: unknown; path: string }[] = [];
  const page = (v: unknown, at: string) => {
    const object = record(v, at, 'a page {"value": [appManagementPolicy, …]}');
    const list = object.value;
    if (!Array.isArray(list)) {
      throw new AppManagementPolicyShapeError(`${at}.value`, `expected a list, got ${kind(list)}`);
    }
    list.forEach((item, i) => items.push({ item, path: `${at}.value[${i}]` }));
  };
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (isRecord(v) && Array.isArray(v.value) && !("restrictions" in v)) page(v, `${path}[${i}]`);
      else items.push({ item: v, path: `${path}[${i}]` });
    });
  } else {
    page(value, path);
  }
  const seen = new Set<string>();
  return items.map(({ item, path: at }) => {
    const object = record(item, at, "an appManagementPolicy object");
    const id = requiredString(object.id, `${at}.id`, "the policy id");
    if (seen.has(id.toLowerCase())) {
      throw new AppManagementPolicyShapeError(`${at}.id`, `policy ${id} is listed twice`);
    }
    seen.add(id.toLowerCase());
    const appliesTo = object.appliesTo;
    if (appliesTo !== undefined && appliesTo !== null && !Array.isArray(appliesTo)) {
      throw new AppManagementPolicyShapeError(
        `${at}.appliesTo`,
        `expected a list of directory objects, got ${kind(appliesTo)}`,
      );
    }
    return {
      id,
      displayName: optionalString(object.displayName, `${at}.displayName`),
      isEnabled: optionalBoolean(object.isEnabled, `${at}.isEnabled`) ?? false,
      restrictions: configuration(object.restrictions, `${at}.restrictions`),
      appliesTo: ((appliesTo as unknown[] | null | undefined) ?? []).map((target, i) =>
        appliesToEntry(target, `${at}.appliesTo[${i}]`),
      ),
    };
  });
}

/** An object whose restrictions are looked up. */
export interface PolicyTarget {
  kind: "application" | "servicePrincipal";
  /** Object id (Graph `id`), matched against `appliesTo` ignoring case. */
  id: string;
  /** The application (client) id: shown in messages; `appliesTo` names objects, never appIds. */
  appId?: string;
  /**
   * When the object was created: RFC 3339 (Graph `createdDateTime`) or ms since the Unix epoch;
   * absent or null when unknown (service principals in Graph v1.0).
   */
  createdDateTime?: string | number | null;
}

/** Where an object's restrictions come from. */
export type RestrictionSource =
  | {
      kind: "appManagementPolicy";
      policyId: string;
      displayName: string | null;
      isEnabled: boolean;
    }
  | { kind: "tenantDefault"; isEnabled: boolean }
  /** No default policy was read and no per-app policy applies. */
  | { kind: "none" };

/** A restriction that applies to one object. */
export interface AppliedRestriction extends CredentialRestriction {
  /** `the tenant default policy` or `app management policy "<name>" (<id>)`. */
  policy: string;
  /**
   * True when the restriction is dated (`restrictForAppsCreatedAfterDateTime`) and the object's
   * creation date is unknown: assumed to apply.
   */
  assumedCreatedAfter: boolean;
}

/** The restrictions Entra would apply to a credential added to one object now. */
export interface EffectiveRestrictions {
  source: RestrictionSource;
  /** Enabled restrictions that apply to the object (by its kind and creation date), in policy order. */
  restrictions: AppliedRestriction[];
}

/**
 * Which restrictions apply to an object: those of the enabled per-app policy assigned to it (an
 * assigned policy that is disabled exempts it: it replaces the default), else those of the enabled
 * tenant default policy for its kind (`applicationRestrictions` or `servicePrincipalRestrictions`);
 * of these, the enabled ones (`state`) whose `restrictForAppsCreatedAfterDateTime` is null or not
 * after the object's creation (unknown creation: assumed to apply, see {@link AppliedRestriction}).
 * When several per-app policies list the object (Entra allows one), the first wins.
 */
export function effectiveRestrictions(
  policies: AppManagementPolicies,
  object: PolicyTarget,
): EffectiveRestrictions {
  const id = object.id.toLowerCase();
  const assigned = policies.appPolicies.find((policy) =>
    policy.appliesTo.some((target) => target.id.toLowerCase() === id),
  );
  let source: RestrictionSource;
  let configuration: AppManagementConfiguration | null = null;
  let policyName: string;
  if (assigned !== undefined) {
    source = {
      kind: "appManagementPolicy",
      policyId: assigned.id,
      displayName: assigned.displayName,
      isEnabled: assigned.isEnabled,
    };
    policyName = `app management policy ${JSON.stringify(assigned.displayName ?? "")} (${assigned.id})`;
    if (assigned.isEnabled) configuration = assigned.restrictions;
  } else if (policies.defaultPolicy !== null) {
    const tenant = policies.defaultPolicy;
    source = { kind: "tenantDefault", isEnabled: tenant.isEnabled };
    policyName = "the tenant default policy";
    if (tenant.isEnabled) {
      configuration =
        object.kind === "application"
          ? tenant.applicationRestrictions
          : tenant.servicePrincipalRestrictions;
    }
  } else {
    return { source: { kind: "none" }, restrictions: [] };
  }
  if (configuration === null) return { source, restrictions: [] };
  const createdMs = instantOf(object.createdDateTime);
  const restrictions: AppliedRestriction[] = [];
  for (const restriction of [
    ...configuration.passwordCredentials,
    ...configuration.keyCredentials,
  ]) {
    if (restriction.state !== "enabled") continue;
    const since = restriction.restrictForAppsCreatedAfterMs;
    if (since !== null && createdMs !== null && createdMs < since) continue;
    restrictions.push({
      ...restriction,
      policy: policyName,
      assumedCreatedAfter: since !== null && createdMs === null,
    });
  }
  return { source, restrictions };
}

/** The error code Graph answers when it refuses a credential under an app management policy. */
export type AppPolicyErrorCode =
  "CredentialInvalidLifetimeAsPerAppPolicy" | "CredentialTypeNotAllowedAsPerAppPolicy";

/** A credential judged against restrictions. */
export interface CredentialToJudge {
  /** `passwordCredentials` (`password`) or `keyCredentials` (`certificate`). */
  type: "password" | "certificate";
  /** RFC 3339, or ms since the Unix epoch. */
  startDateTime: string | number;
  /** RFC 3339, or ms since the Unix epoch. */
  endDateTime: string | number;
  /**
   * keyCredentials' Graph `type`: `AsymmetricX509Cert`, `X509CertAndPassword` or `Symmetric` (a
   * symmetric key, judged by the symmetricKey restrictions); absent or null: asymmetric.
   */
  keyType?: string | null;
  /**
   * Whether Graph generated the secret text (`addPassword`; default true). Only a password whose
   * text the client supplied is subject to `customPasswordAddition`.
   */
  generatedByGraph?: boolean;
}

/** Why a credential breaks a restriction, as Graph would refuse it if it were added now. */
export interface CredentialBreach {
  restriction: AppliedRestriction;
  code: AppPolicyErrorCode;
  /** Lifetime restrictions: end − start, in ms. */
  lifetimeMs?: number;
  /** Lifetime restrictions: start + maxLifetime (calendar-correct), ms since the Unix epoch. */
  limitMs?: number;
}

/**
 * The first restriction the credential breaks, or null: a blocked credential type
 * (`CredentialTypeNotAllowedAsPerAppPolicy`) before a lifetime (`CredentialInvalidLifetimeAsPerAppPolicy`:
 * `endDateTime > startDateTime + maxLifetime`, calendar-correct, judged by the pack's
 * `maxLifetimeVerdict` like `credential-max-lifetime`).
 *
 * - passwords: `passwordAddition`, `customPasswordAddition` (only when not generated by Graph),
 *   `passwordLifetime`;
 * - keyCredentials of type `Symmetric`: `symmetricKeyAddition`, `symmetricKeyLifetime`;
 * - other keyCredentials (certificates): `asymmetricKeyLifetime`.
 *
 * A credential with unreadable dates, or ending before it starts, breaks no lifetime restriction
 * (there is no lifetime to compare).
 *
 * @param restrictions {@link effectiveRestrictions}' result, or its `restrictions`
 */
export function credentialBreaks(
  restrictions: EffectiveRestrictions | readonly AppliedRestriction[],
  credential: CredentialToJudge,
): CredentialBreach | null {
  const list = "restrictions" in restrictions ? restrictions.restrictions : restrictions;
  const symmetric = credential.type === "certificate" && credential.keyType === "Symmetric";
  const [addition, lifetime]: [string[], string] =
    credential.type === "password"
      ? [
          credential.generatedByGraph === false
            ? ["passwordAddition", "customPasswordAddition"]
            : ["passwordAddition"],
          "passwordLifetime",
        ]
      : symmetric
        ? [["symmetricKeyAddition"], "symmetricKeyLifetime"]
        : [[], "asymmetricKeyLifetime"];
  const fromList: RestrictionList =
    credential.type === "password" || symmetric ? "passwordCredentials" : "keyCredentials";
  const relevant = list.filter((r) => r.list === fromList);
  const blocked = relevant.find((r) => addition.includes(r.restrictionType));
  if (blocked !== undefined) {
    return { restriction: blocked, code: "CredentialTypeNotAllowedAsPerAppPolicy" };
  }
  const startMs = instantOf(credential.startDateTime);
  const endMs = instantOf(credential.endDateTime);
  if (startMs === null || endMs === null) return null;
  for (const restriction of relevant) {
    if (restriction.restrictionType !== lifetime || restriction.maxLifetimeDuration === null) {
      continue;
    }
    const verdict = maxLifetimeVerdict(startMs, endMs, restriction.maxLifetimeDuration);
    if (verdict.kind === "too-long") {
      return {
        restriction,
        code: "CredentialInvalidLifetimeAsPerAppPolicy",
        lifetimeMs: verdict.lifetimeMs,
        limitMs: verdict.limitMs,
      };
    }
  }
  return null;
}

/** A lifetime cap and where it comes from. */
export interface LifetimeCap {
  /** ISO 8601 as the policy wrote it. */
  text: string;
  duration: Duration;
  /** Its length in ms (Graph's durations are days, hours, minutes, seconds: fixed lengths). */
  ms: number;
  /** `the tenant default policy (applicationRestrictions)`, `app management policy "…" (…)`. */
  policy: string;
}

/** The strictest lifetime caps of the tenant's policies, per credential kind. */
export interface TenantLifetimeCaps {
  /** The shortest enabled `passwordLifetime`. */
  password: LifetimeCap | null;
  /** The shortest enabled `asymmetricKeyLifetime`. */
  certificate: LifetimeCap | null;
}

/**
 * The strictest caps a credential added by this project may meet: the shortest enabled
 * `passwordLifetime` and `asymmetricKeyLifetime` of the enabled default policy (its application
 * and service principal restrictions alike: a stack adds credentials to both kinds) and of every
 * enabled per-app policy assigned to at least one object. Dated restrictions count whatever their
 * date: a stack may adopt any app.
 */
export function tenantLifetimeCaps(policies: AppManagementPolicies): TenantLifetimeCaps {
  const caps: TenantLifetimeCaps = { password: null, certificate: null };
  const consider = (restrictions: readonly CredentialRestriction[], policy: string) => {
    for (const r of restrictions) {
      if (r.state !== "enabled" || r.maxLifetimeDuration === null || r.maxLifetime === null) {
        continue;
      }
      const key =
        r.restrictionType === "passwordLifetime"
          ? "password"
          : r.restrictionType === "asymmetricKeyLifetime"
            ? "certificate"
            : null;
      if (key === null) continue;
      const ms = r.maxLifetimeDuration.toMillis();
      const current = caps[key];
      if (current === null || ms < current.ms) {
        caps[key] = { text: r.maxLifetime, duration: r.maxLifetimeDuration, ms, policy };
      }
    }
  };
  const tenant = policies.defaultPolicy;
  if (tenant?.isEnabled) {
    for (const [set, name] of [
      [tenant.applicationRestrictions, "applicationRestrictions"],
      [tenant.servicePrincipalRestrictions, "servicePrincipalRestrictions"],
    ] as const) {
      consider(
        [...set.passwordCredentials, ...set.keyCredentials],
        `the tenant default policy (${name})`,
      );
    }
  }
  for (const policy of policies.appPolicies) {
    if (!policy.isEnabled || policy.appliesTo.length === 0) continue;
    consider(
      [...policy.restrictions.passwordCredentials, ...policy.restrictions.keyCredentials],
      `app management policy ${JSON.stringify(policy.displayName ?? "")} (${policy.id})`,
    );
  }
  return caps;
}

/**
 * One restriction in words, e.g. `passwordLifetime ≤ P90D for objects created from
 * 2025-01-01T00:00:00Z`, `passwordAddition blocked`, `asymmetricKeyLifetime ≤ P180D (disabled)`.
 */
export function describeRestriction(restriction: CredentialRestriction): string {
  const what = restriction.restrictionType.endsWith("Addition")
    ? `${restriction.restrictionType} blocked`
    : `${restriction.restrictionType} ≤ ${restriction.maxLifetime ?? "(no maxLifetime)"}`;
  const since =
    restriction.restrictForAppsCreatedAfterMs === null
      ? ""
      : ` for objects created from ${formatInstant(restriction.restrictForAppsCreatedAfterMs)}`;
  return `${what}${since}${restriction.state === "disabled" ? " (disabled)" : ""}`;
}

function configuration(value: unknown, path: string): AppManagementConfiguration {
  if (value === undefined || value === null) return { passwordCredentials: [], keyCredentials: [] };
  const object = record(value, path, "an appManagementConfiguration object");
  const list = (key: RestrictionList): CredentialRestriction[] => {
    const items = object[key];
    if (items === undefined || items === null) return [];
    if (!Array.isArray(items)) {
      throw new AppManagementPolicyShapeError(
        `${path}.${key}`,
        `expected a list of restrictions, got ${kind(items)}`,
      );
    }
    return items.map((item, i) => restriction(item, key, `${path}.${key}[${i}]`));
  };
  return {
    passwordCredentials: list("passwordCredentials"),
    keyCredentials: list("keyCredentials"),
  };
}

function restriction(value: unknown, list: RestrictionList, path: string): CredentialRestriction {
  const object = record(value, path, "a credential restriction object");
  const restrictionType = requiredString(
    object.restrictionType,
    `${path}.restrictionType`,
    `a restriction type (${JUDGED_RESTRICTION_TYPES[list].join(", ")})`,
  );
  const stateValue = object.state;
  let state: "enabled" | "disabled" = "enabled";
  if (stateValue === "disabled") state = "disabled";
  else if (stateValue !== undefined && stateValue !== null && stateValue !== "enabled") {
    // `unknownFutureValue` or a value Graph adds later: not evaluated, as Entra documents only
    // `enabled` to be evaluated.
    if (typeof stateValue !== "string") {
      throw new AppManagementPolicyShapeError(
        `${path}.state`,
        `expected "enabled" or "disabled", got ${kind(stateValue)}`,
      );
    }
    state = "disabled";
  }
  const lifetimeKey = "maxLifetime" in object ? "maxLifetime" : "maxLifeTime";
  const maxLifetime = optionalString(object[lifetimeKey], `${path}.${lifetimeKey}`);
  let maxLifetimeDuration: Duration | null = null;
  if (maxLifetime !== null) {
    const parsed = parseDuration(maxLifetime);
    if (!parsed.ok) {
      throw new AppManagementPolicyShapeError(`${path}.${lifetimeKey}`, parsed.reason);
    }
    maxLifetimeDuration = parsed.value;
  }
  const since = optionalString(
    object.restrictForAppsCreatedAfterDateTime,
    `${path}.restrictForAppsCreatedAfterDateTime`,
  );
  let sinceMs: number | null = null;
  if (since !== null) {
    const parsed = parseInstant(since);
    if (!parsed.ok) {
      throw new AppManagementPolicyShapeError(
        `${path}.restrictForAppsCreatedAfterDateTime`,
        parsed.reason,
      );
    }
    sinceMs = parsed.value;
  }
  return {
    list,
    restrictionType,
    state,
    maxLifetime,
    maxLifetimeDuration,
    restrictForAppsCreatedAfterDateTime: since,
    restrictForAppsCreatedAfterMs: sinceMs,
  };
}

function appliesToEntry(value: unknown, path: string): AppliesTo {
  const object = record(value, path, "a directory object {id, @odata.type}");
  const id = requiredString(object.id, `${path}.id`, "the object id");
  const type = object["@odata.type"];
  const objectType =
    type === "#microsoft.graph.application"
      ? "application"
      : type === "#microsoft.graph.servicePrincipal"
        ? "servicePrincipal"
        : null;
  return { id, objectType };
}

/** ms since the Unix epoch, or null when absent or unreadable. */
function instantOf(value: string | number | null | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const parsed = parseInstant(value);
  return parsed.ok ? parsed.value : null;
}

function record(value: unknown, path: string, expected: string): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new AppManagementPolicyShapeError(path, `expected ${expected}, got ${kind(value)}`);
  }
  return value;
}

function requiredString(value: unknown, path: string, what: string): string {
  if (typeof value !== "string" || value === "") {
    throw new AppManagementPolicyShapeError(path, `expected ${what}, got ${kind(value)}`);
  }
  return value;
}

function optionalString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new AppManagementPolicyShapeError(path, `expected a string or null, got ${kind(value)}`);
  }
  return value;
}

function optionalBoolean(value: unknown, path: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "boolean") {
    throw new AppManagementPolicyShapeError(path, `expected true or false, got ${kind(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a found value is, for messages: strings quoted and cut, others by kind. */
function kind(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
