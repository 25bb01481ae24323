/**
 * Policies only the tenant audit (`npm run audit`) evaluates, not the pack. They share the pack's
 * `--policy-pack-config` file: a file may set their level (`advisory`, `mandatory`, `disabled`) and
 * the settings their `configSchema` declares; every tool that validates such a file (the offline preview, the audit) accepts these
 * names besides the pack's. The Pulumi engine ignores config entries for policies a pack does not
 * have, so one file serves the pack and the audit.
 */

import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { durationSchema } from "./config";

/** `credential-count`: an application or service principal holds more than two valid secrets. */
export const CREDENTIAL_COUNT = "credential-count";
/** `service-principal-credential`: a client secret on a service principal. */
export const SERVICE_PRINCIPAL_CREDENTIAL = "service-principal-credential";
/**
 * `credential-unreadable`: a credential whose `endDateTime` or `startDateTime` is missing or not an
 * RFC 3339 timestamp in the input. Graph always sets both, so this is a damaged export (or a Graph
 * answer the audit cannot read); the audit reports it on that credential and judges the others.
 */
export const CREDENTIAL_UNREADABLE = "credential-unreadable";
/**
 * `credential-unmanaged`: a credential this project's rotation did not create (its displayName
 * lacks the `app-credentials ` marker, see ./managed.ts), so nothing replaces it before it ends.
 * The audit reported it as `credential-rotation-required` before; that name is the pack's rule for
 * declared credentials (a rotation schedule), which Graph's objects cannot show.
 */
export const CREDENTIAL_UNMANAGED = "credential-unmanaged";
/**
 * `credential-owner-missing`: an application or service principal holding credentials has no
 * owner, so nobody would be told when they expire. Judged only when the owners are known (`--graph`
 * reads them, or an `--owners FILE` export); one finding per object, on its most urgent credential.
 */
export const CREDENTIAL_OWNER_MISSING = "credential-owner-missing";

/**
 * `credential-unused` (advisory): the sign-in report says the credential has not signed in for
 * `unusedAfter` (default {@link DEFAULT_UNUSED_AFTER}). Judged only with `--credential-activity`;
 * no entry for a credential is no data, never unused.
 */
export const CREDENTIAL_UNUSED = "credential-unused";
/**
 * `credential-in-use-before-deletion` (mandatory): a credential this project created, that the next
 * scheduled rotation deletes, signed in within `inUseWindow` (default {@link DEFAULT_IN_USE_WINDOW})
 * of the instant judged: a consumer has not moved to the credential Key Vault holds. The audit and
 * the offline preview's gate (`npm start -- --state … --credential-activity …`) report it.
 */
export const CREDENTIAL_IN_USE_BEFORE_DELETION = "credential-in-use-before-deletion";
/**
 * `credential-tenant-policy` (advisory): an existing credential breaks the tenant's own app
 * management policy (Entra checks the policy only when a credential is added).
 */
export const CREDENTIAL_TENANT_POLICY = "credential-tenant-policy";
/**
 * `credential-federation-migration-incomplete` (advisory): an application has federated identity
 * credentials and its application object or service principal still holds client secrets or
 * certificates that can sign in: the move to federation (docs/federation.md, "Migration without an
 * outage") is not finished. Judged only when the federated credentials are known (`--graph`, or
 * `--federated-credentials FILE`).
 */
export const CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE =
  "credential-federation-migration-incomplete";
/**
 * Entra's recommendation "Remove unused credentials from apps" counts a credential unused after 30
 * days without use (https://learn.microsoft.com/entra/identity/monitoring-health/recommendation-remove-unused-credential-from-apps);
 * the audit waits three times as long by default, for credentials used quarterly.
 */
export const DEFAULT_UNUSED_AFTER = "P90D";
/**
 * A day: an App Service reads Key Vault references again every 24 hours, and Microsoft documents
 * that sign-in activity "might take up to 24 hours to update"
 * (https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency).
 */
export const DEFAULT_IN_USE_WINDOW = "PT24H";

/**
 * Policies only the tenant audit evaluates (not in the pack). A `--policy-pack-config` file may set
 * their level (`advisory`, `mandatory`, `disabled`), nothing else; tools that validate such a file
 * should accept these names besides the pack's. The Pulumi engine ignores config entries for
 * policies a pack does not have, so one file serves the pack and the audit.
 */
export const AUDIT_ONLY_POLICIES: readonly {
  name: string;
  description: string;
  enforcementLevel: "advisory" | "mandatory";
  /** Settings besides the level (ISO 8601 durations with their defaults), when it has any. */
  configSchema?: { properties: Record<string, PolicyConfigJSONSchema> };
}[] = [
  {
    name: CREDENTIAL_UNREADABLE,
    description:
      "A credential whose endDateTime or startDateTime is missing or unreadable: the audit cannot tell whether it is expired or how long it lives. Mandatory by default, so that a credential the audit could not judge never passes as fine.",
    enforcementLevel: "mandatory",
  },
  {
    name: CREDENTIAL_COUNT,
    description:
      "An application or service principal holds more than two valid client secrets (the two rotation slots).",
    enforcementLevel: "advisory",
  },
  {
    name: SERVICE_PRINCIPAL_CREDENTIAL,
    description:
      "A client secret on a service principal: invisible in the portal's Certificates & secrets blade of the app registration.",
    enforcementLevel: "advisory",
  },
  {
    name: CREDENTIAL_UNMANAGED,
    description:
      'A credential not created by this project\'s rotation (its display name lacks the "app-credentials " marker): nothing replaces it before it ends; adopt its app into rotation. Formerly reported as credential-rotation-required.',
    enforcementLevel: "mandatory",
  },
  {
    name: CREDENTIAL_OWNER_MISSING,
    description:
      "An application or service principal holding credentials has no owner: nobody would be told before its credentials expire. Judged only when the owners are known (the audit's --graph, or an --owners file); reported once per object, on its most urgent credential.",
    enforcementLevel: "advisory",
  },
  {
    name: CREDENTIAL_UNUSED,
    description:
      "The sign-in report (Graph beta /reports/appCredentialSignInActivities) shows no sign-in with the credential for unusedAfter: remove it. No entry in the report is no data, not unused.",
    enforcementLevel: "advisory",
    configSchema: {
      properties: {
        unusedAfter: durationSchema(
          "How long without a sign-in makes a credential unused, ISO 8601 (Entra's own recommendation uses 30 days).",
          DEFAULT_UNUSED_AFTER,
        ),
      },
    },
  },
  {
    name: CREDENTIAL_IN_USE_BEFORE_DELETION,
    description:
      "A credential created by this project's rotation, which the next scheduled rotation deletes, signed in within inUseWindow: a consumer still uses it instead of the credential Key Vault holds and fails once it is deleted.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        inUseWindow: durationSchema(
          "How recent a sign-in counts as in use, ISO 8601.",
          DEFAULT_IN_USE_WINDOW,
        ),
      },
    },
  },
  {
    name: CREDENTIAL_TENANT_POLICY,
    description:
      "An existing credential breaks the tenant's own app management policy (lifetime cap, blocked credential type). Entra checks the policy only when a credential is added: this one still works, but one added the same way is refused.",
    enforcementLevel: "advisory",
  },
  {
    name: CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
    description:
      "An application has federated identity credentials and still holds client secrets or certificates that can sign in (on the application or its service principal): once every consumer signs in through federation, remove them (credential: federated in the stack, or by hand). Judged only when the federated credentials are known (--graph, or --federated-credentials FILE).",
    enforcementLevel: "advisory",
  },
];

/** The names of {@link AUDIT_ONLY_POLICIES}. */
export const AUDIT_ONLY_POLICY_NAMES: readonly string[] = AUDIT_ONLY_POLICIES.map((p) => p.name);
