/**
 * Which rules the audit applies and at which enforcement level, read from the same
 * `--policy-pack-config` file as `pulumi preview --policy-pack policy`, with the engine's
 * semantics (tools/offline/analyzer/config.ts: schema defaults, then the file; `all` sets every level).
 *
 * The pack's policies and their defaults come from `policy/policies` (ALL_POLICIES); the audit adds
 * policies of its own ({@link AUDIT_ONLY_POLICIES}), whose level the same file may set. Pure: the
 * caller reads the file.
 */
import type { Duration } from "luxon";
import {
  AUDIT_ONLY_POLICIES,
  AUDIT_ONLY_POLICY_NAMES,
  CREDENTIAL_COUNT,
  CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
  CREDENTIAL_IN_USE_BEFORE_DELETION,
  CREDENTIAL_OWNER_MISSING,
  CREDENTIAL_TENANT_POLICY,
  CREDENTIAL_UNMANAGED,
  CREDENTIAL_UNREADABLE,
  CREDENTIAL_UNUSED,
  DEFAULT_IN_USE_WINDOW,
  DEFAULT_UNUSED_AFTER,
  durationSetting,
  parseDuration,
  SERVICE_PRINCIPAL_CREDENTIAL,
} from "../../policy/core";
import { ALL_POLICIES } from "../../policy/policies";
import { CREDENTIAL_EXPIRED } from "../../policy/policies/credential-expired";
import {
  CREDENTIAL_EXPIRING_SOON,
  DEFAULT_WARN_BEFORE,
} from "../../policy/policies/credential-expiring-soon";
import {
  CREDENTIAL_MAX_LIFETIME,
  DEFAULT_MAX_LIFETIME,
} from "../../policy/policies/credential-max-lifetime";
import { FEDERATED_CREDENTIAL_SUBJECT_SCOPE } from "../../policy/policies/federated-credential-subject-scope";
import { FEDERATED_CREDENTIAL_TRUST_ADVISORY } from "../../policy/policies/federated-credential-trust-advisory";
import {
  AnalyzerInfo,
  EnforcementLevel,
  parsePolicyPackConfig,
  PolicyConfigError,
  PolicyInfo,
  reconcileConfig,
} from "../offline";
import { AuditInputError } from "./errors";

// The audit-only policies are declared in the rule core, so that every tool reading the shared
// --policy-pack-config file knows their names.
export {
  AUDIT_ONLY_POLICIES,
  AUDIT_ONLY_POLICY_NAMES,
  CREDENTIAL_COUNT,
  CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
  CREDENTIAL_IN_USE_BEFORE_DELETION,
  CREDENTIAL_OWNER_MISSING,
  CREDENTIAL_TENANT_POLICY,
  CREDENTIAL_UNMANAGED,
  CREDENTIAL_UNREADABLE,
  CREDENTIAL_UNUSED,
  DEFAULT_IN_USE_WINDOW,
  DEFAULT_UNUSED_AFTER,
  SERVICE_PRINCIPAL_CREDENTIAL,
  FEDERATED_CREDENTIAL_SUBJECT_SCOPE,
  FEDERATED_CREDENTIAL_TRUST_ADVISORY,
};

/**
 * Every policy the audit reports, in the order findings are listed for one credential. Not
 * `credential-rotation-required`: the pack's rule for declared credentials (a rotation schedule),
 * which Graph's objects cannot show; the audit's unmanaged credentials are `credential-unmanaged`.
 * The last two are the pack's rules for federated identity credentials (./federated.ts), judged on
 * those, not on secrets and certificates.
 */
export const AUDIT_POLICIES = [
  CREDENTIAL_UNREADABLE,
  CREDENTIAL_EXPIRED,
  CREDENTIAL_MAX_LIFETIME,
  CREDENTIAL_UNMANAGED,
  CREDENTIAL_IN_USE_BEFORE_DELETION,
  CREDENTIAL_TENANT_POLICY,
  CREDENTIAL_EXPIRING_SOON,
  CREDENTIAL_COUNT,
  SERVICE_PRINCIPAL_CREDENTIAL,
  CREDENTIAL_UNUSED,
  CREDENTIAL_OWNER_MISSING,
  CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
  FEDERATED_CREDENTIAL_SUBJECT_SCOPE,
  FEDERATED_CREDENTIAL_TRUST_ADVISORY,
] as const;

/** A policy the audit reports. */
export type AuditPolicy = (typeof AUDIT_POLICIES)[number];

/** Each rule as the audit applies it, one line (shown under the table). */
export const AUDIT_RULES: Record<AuditPolicy, string> = {
  [CREDENTIAL_UNREADABLE]:
    "endDateTime or startDateTime is missing or not RFC 3339: the credential could not be judged",
  [CREDENTIAL_EXPIRED]:
    "endDateTime has passed: the credential can no longer sign in; remove it (its only finding)",
  [CREDENTIAL_MAX_LIFETIME]: "endDateTime − startDateTime is longer than maxLifetime",
  [CREDENTIAL_UNMANAGED]:
    'not created by app-credentials\' rotation (no "app-credentials " display-name marker): adopt it',
  [CREDENTIAL_EXPIRING_SOON]: "endDateTime falls within warnBefore from now",
  [CREDENTIAL_COUNT]: "the object holds more than two valid client secrets",
  [SERVICE_PRINCIPAL_CREDENTIAL]:
    "a hand-made client secret on a service principal, invisible in the portal's Certificates & secrets blade",
  [CREDENTIAL_OWNER_MISSING]:
    "the object has no owner: nobody would be told (judged only when owners are known: --graph or --owners)",
  [CREDENTIAL_IN_USE_BEFORE_DELETION]:
    "a credential this project created, deleted by the next scheduled rotation, signed in within inUseWindow: a consumer has not moved to the one Key Vault holds",
  [CREDENTIAL_TENANT_POLICY]:
    "breaks the tenant's own app management policy (Entra checks only when a credential is added)",
  [CREDENTIAL_UNUSED]:
    "no sign-in for unusedAfter in the sign-in report (judged only with --credential-activity; no entry = no data)",
  [CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE]:
    "the application has federated credentials and still holds secrets or certificates that can sign in (judged only when the federated credentials are known: --graph or --federated-credentials)",
  [FEDERATED_CREDENTIAL_SUBJECT_SCOPE]:
    "a federated credential trusts GitHub's pull-request subject: anyone who opens a pull request can obtain the app's tokens",
  [FEDERATED_CREDENTIAL_TRUST_ADVISORY]:
    "a federated credential trusts a plain-http issuer, an audience other than Entra ID's token exchange, or (flexible) any branch, repository or pull request",
};

/**
 * `credential-max-lifetime`'s per-kind caps (the pack's `maxPasswordLifetime` and
 * `maxCertificateLifetime`; absent: `maxLifetime`), as `--emit-policy-config` writes them from the
 * tenant's `passwordLifetime` and `asymmetricKeyLifetime`.
 */
export const PER_KIND_MAX_LIFETIME = {
  password: "maxPasswordLifetime",
  certificate: "maxCertificateLifetime",
} as const;

/** The level of a reported finding. */
export type FindingLevel = "advisory" | "mandatory";

/** Effective settings of the audit. */
export interface AuditSettings {
  /** Level per policy; `disabled` policies are not evaluated. */
  levels: Record<AuditPolicy, FindingLevel | "disabled">;
  /** `credential-max-lifetime.maxLifetime`, ISO 8601 (default P2Y). */
  maxLifetime: { text: string; duration: Duration };
  /**
   * The cap per credential kind: `credential-max-lifetime.maxPasswordLifetime` and
   * `.maxCertificateLifetime` when the pack's schema has them and the file sets them, else
   * {@link maxLifetime} (as the pack reads them).
   */
  maxLifetimeByKind: Record<"password" | "certificate", { text: string; duration: Duration }>;
  /** `credential-expiring-soon.warnBefore`, ISO 8601 (default P30D). */
  warnBefore: { text: string; duration: Duration };
  /** `credential-unused.unusedAfter`, ISO 8601 (default {@link DEFAULT_UNUSED_AFTER}). */
  unusedAfter: { text: string; duration: Duration };
  /**
   * `credential-in-use-before-deletion.inUseWindow`, ISO 8601 (default
   * {@link DEFAULT_IN_USE_WINDOW}).
   */
  inUseWindow: { text: string; duration: Duration };
}

/**
 * The pack's policies plus the audit-only ones as `GetAnalyzerInfo` would describe them: type from
 * `validateResource` / `validateStack`, default level, config-schema properties and defaults.
 */
export function auditAnalyzerInfo(): AnalyzerInfo {
  const pack: PolicyInfo[] = ALL_POLICIES.map((policy) => ({
    name: policy.name,
    displayName: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    type:
      "validateResource" in policy ? "resource" : "validateStack" in policy ? "stack" : "unknown",
    configSchema: policy.configSchema
      ? {
          properties: policy.configSchema.properties as NonNullable<
            PolicyInfo["configSchema"]
          >["properties"],
          required: policy.configSchema.required ?? [],
        }
      : undefined,
  }));
  const auditOnly: PolicyInfo[] = AUDIT_ONLY_POLICIES.map((policy) => ({
    name: policy.name,
    displayName: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel,
    type: "unknown",
    configSchema: policy.configSchema
      ? {
          properties: policy.configSchema.properties as NonNullable<
            PolicyInfo["configSchema"]
          >["properties"],
          required: [],
        }
      : undefined,
  }));
  return {
    name: "app-credential-policies",
    version: "audit",
    description: "The pack's policies as the tenant audit applies them.",
    supportsConfig: true,
    policies: [...pack, ...auditOnly],
    initialConfig: {},
  };
}

/**
 * Reads the audit's settings from a `--policy-pack-config` file.
 *
 * Accepted: `{ "all": level, "<policy>": level | { "enforcementLevel": level, "<property>": value } }`
 * for the pack's policies (any of their config-schema properties, validated against the schema)
 * and the audit-only policies (level: `advisory`, `mandatory` or `disabled`; properties only for
 * `credential-unused` `unusedAfter` and `credential-in-use-before-deletion` `inUseWindow`). A `remediate`
 * level on a pack policy counts as mandatory, as @pulumi/policy reports a violation of a
 * remediate-level validation. Without a file: the pack's defaults (credential-max-lifetime P2Y
 * mandatory, credential-expired advisory, credential-expiring-soon P30D advisory) and the
 * audit-only policies at their own defaults (credential-unreadable, credential-unmanaged and
 * credential-in-use-before-deletion PT24H mandatory; credential-count, service-principal-credential,
 * credential-owner-missing, credential-tenant-policy and credential-unused P90D advisory). An entry for
 * credential-rotation-required is validated (the pack's) but sets nothing the audit reports.
 *
 * @param text the file's JSON text; `undefined` for no file
 * @param source how to name the file in messages, e.g. `--policy-pack-config policy.json`
 * @throws AuditInputError naming the file and every problem: invalid JSON or level, unknown
 *   policies, unknown properties, values failing their schema, unreadable durations
 */
export function auditSettings(
  text: string | undefined,
  source = "--policy-pack-config",
): AuditSettings {
  const info = auditAnalyzerInfo();
  let reconciled;
  try {
    const file = parsePolicyPackConfig(text);
    const problems = unknownEntries(info, file);
    if (problems.length > 0) throw new PolicyConfigError(problems);
    reconciled = reconcileConfig(info, text);
  } catch (error) {
    if (error instanceof PolicyConfigError) {
      throw new AuditInputError(`${source}: ${error.errors.join("; ")}`);
    }
    throw error;
  }
  const level = (name: AuditPolicy): FindingLevel | "disabled" => {
    const found: EnforcementLevel | undefined = reconciled[name]?.enforcementLevel;
    if (found === "remediate") return "mandatory";
    return found ?? "advisory";
  };
  const duration = (policy: AuditPolicy, key: string, fallback: string, examples: string) => {
    const properties = reconciled[policy]?.properties ?? {};
    const setting = durationSetting(properties, key, fallback);
    if (!setting.ok)
      throw new AuditInputError(durationError(source, policy, key, properties[key], examples));
    return { text: setting.value.text, duration: setting.value.duration };
  };
  const levels = Object.fromEntries(AUDIT_POLICIES.map((name) => [name, level(name)])) as Record<
    AuditPolicy,
    FindingLevel | "disabled"
  >;
  const maxLifetime = duration(
    CREDENTIAL_MAX_LIFETIME,
    "maxLifetime",
    DEFAULT_MAX_LIFETIME,
    "P2Y, P1Y or P180D",
  );
  const perKind = (key: string) =>
    duration(CREDENTIAL_MAX_LIFETIME, key, maxLifetime.text, "P2Y, P1Y or P180D");
  return {
    levels,
    maxLifetime,
    maxLifetimeByKind: {
      password: perKind(PER_KIND_MAX_LIFETIME.password),
      certificate: perKind(PER_KIND_MAX_LIFETIME.certificate),
    },
    warnBefore: duration(
      CREDENTIAL_EXPIRING_SOON,
      "warnBefore",
      DEFAULT_WARN_BEFORE,
      "P30D, P14D or P2M",
    ),
    unusedAfter: duration(
      CREDENTIAL_UNUSED,
      "unusedAfter",
      DEFAULT_UNUSED_AFTER,
      "P90D, P30D or P6M",
    ),
    inUseWindow: duration(
      CREDENTIAL_IN_USE_BEFORE_DELETION,
      "inUseWindow",
      DEFAULT_IN_USE_WINDOW,
      "PT24H, PT12H or P2D",
    ),
  };
}

/**
 * One line for a duration the schema let through but the pack cannot use (zero, `P0D`, `PT0S`;
 * fractional years), in the stack configuration's words (components/config/index.ts): the field, the
 * value, what is allowed, and the parser's reason. The pack itself, given such a value, cannot judge
 * any credential (credential-max-lifetime reports each as "cannot be checked"); the audit refuses
 * the file instead of judging nothing.
 *
 * @example `--policy-pack-config p.json: credential-max-lifetime.maxLifetime: "P0D" is invalid;
 *   expected a positive ISO 8601 duration such as P2Y, P1Y or P180D ("P0D" is zero; durations must
 *   be positive)`
 */
function durationError(
  source: string,
  policy: AuditPolicy,
  key: string,
  value: unknown,
  examples: string,
): string {
  const parsed = parseDuration(value);
  const reason = parsed.ok ? "not usable" : parsed.reason;
  return `${source}: ${policy}.${key}: ${JSON.stringify(value) ?? String(value)} is invalid; expected a positive ISO 8601 duration such as ${examples} (${reason})`;
}

/** Unknown policy names, unknown properties and levels the audit-only policies do not take. */
function unknownEntries(
  info: AnalyzerInfo,
  file: ReturnType<typeof parsePolicyPackConfig>,
): string[] {
  const byName = new Map(info.policies.map((p) => [p.name, p]));
  const known = ["all", ...byName.keys()];
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(file)) {
    const policy = byName.get(name);
    if (policy === undefined && name !== "all") {
      problems.push(`unknown policy ${JSON.stringify(name)}; known: ${known.join(", ")}`);
      continue;
    }
    const allowed = Object.keys(policy?.configSchema?.properties ?? {});
    for (const key of Object.keys(entry.properties ?? {})) {
      if (allowed.includes(key)) continue;
      problems.push(
        `${name}: unknown property ${JSON.stringify(key)}; ${
          allowed.length > 0
            ? `allowed: enforcementLevel, ${allowed.join(", ")}`
            : "only enforcementLevel may be set"
        }`,
      );
    }
    const auditOnly = AUDIT_ONLY_POLICY_NAMES.includes(name);
    if (auditOnly && entry.enforcementLevel === "remediate") {
      problems.push(
        `${name}: enforcement level "remediate" is not available for this audit-only policy; use advisory, mandatory or disabled`,
      );
    }
  }
  return problems;
}
