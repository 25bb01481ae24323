/**
 * Policies only the tenant audit (`npm run audit`) evaluates, not the pack. They share the pack's
 * `--policy-pack-config` file: a file may set their level (`advisory`, `mandatory`, `disabled`),
 * nothing else; every tool that validates such a file (the offline preview, the audit) accepts these
 * names besides the pack's. The Pulumi engine ignores config entries for policies a pack does not
 * have, so one file serves the pack and the audit.
 */

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
 * Policies only the tenant audit evaluates (not in the pack). A `--policy-pack-config` file may set
 * their level (`advisory`, `mandatory`, `disabled`), nothing else; tools that validate such a file
 * should accept these names besides the pack's. The Pulumi engine ignores config entries for
 * policies a pack does not have, so one file serves the pack and the audit.
 */
export const AUDIT_ONLY_POLICIES: readonly {
  name: string;
  description: string;
  enforcementLevel: "advisory" | "mandatory";
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
];

/** The names of {@link AUDIT_ONLY_POLICIES}. */
export const AUDIT_ONLY_POLICY_NAMES: readonly string[] = AUDIT_ONLY_POLICIES.map((p) => p.name);
