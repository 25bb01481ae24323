/**
 * Role assignments that let consumers read exactly their app's secrets: deterministic names, the
 * role, and the subscription's limit. Pure: nothing here declares resources.
 */
import { createHash } from "crypto";
import { KEY_VAULT_SECRETS_USER_ROLE_ID } from "../policy/core";

/**
 * Azure built-in role `Key Vault Secrets User`: reads secret contents
 * (`Microsoft.KeyVault/vaults/secrets/getSecret/action`, `…/readMetadata/action`). Source: Azure
 * built-in roles, Security (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user).
 */
export const KEY_VAULT_SECRETS_USER = KEY_VAULT_SECRETS_USER_ROLE_ID;

/**
 * Role assignments per subscription, including every assignment made outside this stack. Source:
 * Azure subscription and service limits, Azure RBAC limits
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-rbac-limits).
 */
export const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000;

/** The stack warns once its own assignments reach this share of the subscription's limit. */
export const ROLE_ASSIGNMENT_WARN_SHARE = 0.5;

/** A role definition id at subscription scope, the form ARM returns for built-in roles. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/**
 * A deterministic role assignment name (ARM requires a GUID): a UUID version 5-style hash of the
 * scope (lower-cased: ARM ids compare case-insensitively), the principal and the role. The same
 * (scope, principal, role) always gets the same name, so a re-created stack proposes the name an
 * earlier deployment used, and `pulumi import` can adopt it.
 *
 * @param scope ARM resource id of the scope, e.g. `/subscriptions/…/vaults/kv/secrets/orders-api-client-id`
 * @param principalId object id (GUID) of the principal
 * @param roleId the role definition's GUID
 */
export function roleAssignmentName(scope: string, principalId: string, roleId: string): string {
  const hash = createHash("sha1")
    .update(
      `app-credentials|${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleId.toLowerCase()}`,
    )
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A warning when the stack's own role assignments use a large share of the subscription's limit
 * (every other assignment in the subscription counts too), or undefined.
 *
 * @param count role assignments this stack declares
 */
export function roleAssignmentAdvice(count: number): string | undefined {
  if (count < ROLE_ASSIGNMENTS_PER_SUBSCRIPTION * ROLE_ASSIGNMENT_WARN_SHARE) return undefined;
  return (
    `this stack declares ${count} role assignments (one per consumer and secret); a subscription holds at most ` +
    `${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION}, every other assignment included (Azure RBAC limits). ` +
    "Fewer consumers per app, or apps split across subscriptions' vaults, keep room for the rest"
  );
}
