/**
 * Azure RBAC facts about reading Key Vault secrets: which built-in roles can read a secret's
 * value, how a role assignment names its role, and what an ARM scope covers. Pure: no clock, no
 * Pulumi runtime.
 *
 * Source of the roles: Microsoft Learn, "Azure built-in roles for Security"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security; generated
 * from Azure's role definitions, page dated 2026-02-23; its Markdown source is
 * MicrosoftDocs/azure-docs `articles/role-based-access-control/built-in-roles/security.md`). A
 * role reads a secret's value when one of its `dataActions` is, or covers with a `*` wildcard,
 * `Microsoft.KeyVault/vaults/secrets/getSecret/action` and no `notDataActions` takes it back.
 */

/** The data action that reads a Key Vault secret's value (Key Vault "Get Secret"). */
export const GET_SECRET_DATA_ACTION = "Microsoft.KeyVault/vaults/secrets/getSecret/action";

/** Role definition GUID of the built-in `Key Vault Secrets User` (reads secret contents). */
export const KEY_VAULT_SECRETS_USER_ROLE_ID = "4633458b-17de-408a-b874-0445c86b69e6";
/**
 * `Key Vault Crypto User`: signs with a key (`keys/sign/action`), for consumers of a
 * non-exportable Key Vault certificate (same source).
 */
export const KEY_VAULT_CRYPTO_USER_ROLE_ID = "12338af0-0e69-4776-bea7-57ae8d297424";
/** `Key Vault Certificate User`: reads certificates (and their secrets) (same source). */
export const KEY_VAULT_CERTIFICATE_USER_ROLE_ID = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba";

/** A built-in role as its definition states it (only the data plane part). */
export interface BuiltInRole {
  /** Role definition GUID, lower case (the last segment of its `roleDefinitionId`). */
  id: string;
  /** `roleName`, e.g. `Key Vault Secrets User`. */
  name: string;
  /** `permissions[0].dataActions`, verbatim from the definition. */
  dataActions: readonly string[];
  /** `permissions[0].notDataActions`, verbatim (empty for every role listed here). */
  notDataActions: readonly string[];
}

/**
 * Every Azure built-in role that can read Key Vault secret values (grants
 * {@link GET_SECRET_DATA_ACTION}), with its definition's data actions as the source states them.
 * Not listed, because their data actions do not cover `getSecret`: `Key Vault Reader`
 * (21090545-7ca7-4776-b22c-e363652d74d2: `vaults/*\/read` and `secrets/readMetadata/action`, secret
 * metadata only), `Key Vault Certificates Officer` (a4417e6f-fecd-4de8-b567-7b0420556985:
 * `vaults/certificates/*`), the crypto roles, `Key Vault Contributor` and `Key Vault Data Access
 * Administrator` (control plane only: no data actions, though the latter can grant the roles
 * listed here).
 *
 * Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security
 */
export const SECRET_READING_ROLES: readonly BuiltInRole[] = [
  {
    id: KEY_VAULT_SECRETS_USER_ROLE_ID,
    name: "Key Vault Secrets User",
    dataActions: [
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ],
    notDataActions: [],
  },
  {
    id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    name: "Key Vault Secrets Officer",
    dataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
    notDataActions: [],
  },
  {
    id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    name: "Key Vault Certificate User",
    dataActions: [
      "Microsoft.KeyVault/vaults/certificates/read",
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
      "Microsoft.KeyVault/vaults/keys/read",
    ],
    notDataActions: [],
  },
  {
    id: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    name: "Key Vault Administrator",
    dataActions: ["Microsoft.KeyVault/vaults/*"],
    notDataActions: [],
  },
];

/**
 * True when an RBAC action pattern grants `action`: equal ignoring case, or a pattern with `*`
 * wildcards (each matching any run of characters, `/` included, as Azure RBAC matches them) that
 * matches it, e.g. `Microsoft.KeyVault/vaults/*` covers `Microsoft.KeyVault/vaults/secrets/getSecret/action`
 * while `Microsoft.KeyVault/vaults/*\/read` does not.
 */
export function actionCovers(pattern: string, action: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(action);
}

/** True when a role's data actions grant {@link GET_SECRET_DATA_ACTION} (and its notDataActions do not remove it). */
export function roleReadsSecrets(
  role: Pick<BuiltInRole, "dataActions" | "notDataActions">,
): boolean {
  return (
    role.dataActions.some((p) => actionCovers(p, GET_SECRET_DATA_ACTION)) &&
    !role.notDataActions.some((p) => actionCovers(p, GET_SECRET_DATA_ACTION))
  );
}

/** The built-in role of {@link SECRET_READING_ROLES} with this GUID (any case), or undefined. */
export function secretReadingRole(roleId: string): BuiltInRole | undefined {
  const id = roleId.toLowerCase();
  return SECRET_READING_ROLES.find((role) => role.id === id);
}

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const ROLE_DEFINITION_ID = new RegExp(
  `^(?:/subscriptions/[^/]+|/providers/Microsoft\\.Management/managementGroups/[^/]+)?` +
    `/providers/Microsoft\\.Authorization/roleDefinitions/(${GUID})/?$`,
  "i",
);

/**
 * The role GUID of a role assignment's `roleDefinitionId`, lower case:
 * `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>` (the form ARM
 * returns), `/providers/Microsoft.Authorization/roleDefinitions/<guid>` (tenant form) or under
 * `/providers/Microsoft.Management/managementGroups/<id>`; case-insensitive.
 *
 * @returns undefined for anything else (not a string, a bare GUID, another resource id)
 */
export function roleIdOf(roleDefinitionId: unknown): string | undefined {
  if (typeof roleDefinitionId !== "string" || roleDefinitionId.length > 512) return undefined;
  const match = ROLE_DEFINITION_ID.exec(roleDefinitionId.trim());
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * What an ARM scope (a role assignment's `scope`) covers, with its parts as written:
 * - `root`: `/`, the tenant root (every management group, subscription and vault);
 * - `managementGroup`: `/providers/Microsoft.Management/managementGroups/<id>`;
 * - `subscription`: `/subscriptions/<id>`;
 * - `resourceGroup`: `/subscriptions/<id>/resourceGroups/<rg>`;
 * - `vault`: `…/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>`;
 * - `secret`: `<vault id>/secrets/<secret>`;
 * - `other`: any other resource or text (another resource type, a secret's child, not an ARM id).
 */
export type ArmScope =
  | { kind: "root" }
  | { kind: "managementGroup"; managementGroup: string }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string }
  | {
      kind: "vault";
      subscriptionId: string;
      resourceGroup: string;
      vault: string;
      /** The vault's resource id: names as written, path keywords in ARM's casing. */
      vaultId: string;
    }
  | {
      kind: "secret";
      subscriptionId: string;
      resourceGroup: string;
      vault: string;
      vaultId: string;
      secret: string;
    }
  | { kind: "other" };

const SEGMENT = "([^/]+)";
const MANAGEMENT_GROUP = new RegExp(
  `^/providers/Microsoft\\.Management/managementGroups/${SEGMENT}$`,
  "i",
);
const SUBSCRIPTION_PATH = new RegExp(
  `^/subscriptions/${SEGMENT}` +
    `(?:/resourceGroups/${SEGMENT}` +
    `(?:/providers/Microsoft\\.KeyVault/vaults/${SEGMENT}(?:/secrets/${SEGMENT})?)?)?$`,
  "i",
);

/** Longest scope classified; ARM resource ids are far shorter. */
const MAX_SCOPE_LENGTH = 1024;

/**
 * Classifies an ARM scope (see {@link ArmScope}); case-insensitive, one trailing `/` ignored;
 * longer than 1,024 characters or not a string: `other`. Never throws.
 */
export function classifyScope(scope: unknown): ArmScope {
  if (typeof scope !== "string" || scope.length > MAX_SCOPE_LENGTH) return { kind: "other" };
  const text = scope.trim();
  if (text === "/") return { kind: "root" };
  const trimmed = text.endsWith("/") ? text.slice(0, -1) : text;
  const group = MANAGEMENT_GROUP.exec(trimmed);
  if (group) return { kind: "managementGroup", managementGroup: group[1] };
  const match = SUBSCRIPTION_PATH.exec(trimmed);
  if (!match) return { kind: "other" };
  const [, subscriptionId, resourceGroup, vault, secret] = match;
  if (resourceGroup === undefined) return { kind: "subscription", subscriptionId };
  if (vault === undefined) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  const vaultId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault}`;
  if (secret === undefined) {
    return { kind: "vault", subscriptionId, resourceGroup, vault, vaultId };
  }
  return { kind: "secret", subscriptionId, resourceGroup, vault, vaultId, secret };
}
