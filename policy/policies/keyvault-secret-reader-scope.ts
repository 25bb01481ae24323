/**
 * `keyvault-secret-reader-scope` (advisory): an azure-native role assignment
 * (`azure-native:authorization:RoleAssignment` under any API-version token) of a built-in role that
 * reads Key Vault secret values (`core/keyvault-roles.ts`: Key Vault Secrets User, Secrets Officer,
 * Certificate User, Administrator) at a vault, a resource group, a subscription, a management
 * group or the tenant root lets its principal read every secret of every vault under that scope.
 * Reported with the principal and how to grant the role per secret instead (scope
 * `<vault id>/secrets/<secret name>`, one assignment per secret, as app-credentials declares for
 * its consumers). Assignments at a secret's scope, of other roles (Key Vault Reader reads metadata
 * only) and of custom roles (their data actions are not in the inputs) pass.
 *
 * Unknown role or scope during preview: the SDK's `UnknownValueError` is re-thrown (advisory "can't
 * run policy during preview"). An unknown principal id does not change the verdict and is named as
 * not known yet.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import {
  ArmScope,
  BuiltInRole,
  classifyScope,
  roleIdOf,
  secretReadingRole,
} from "../core/keyvault-roles";
import { resourceLabel, showValue } from "../core/messages";
import { isRoleAssignmentType } from "../core/resource-types";
import { field, knownOrThrow } from "../core/unknowns";

export const KEYVAULT_SECRET_READER_SCOPE = "keyvault-secret-reader-scope";

/** Creates the policy (no configuration: the role list is Azure's, the rule has no threshold). */
export function keyVaultSecretReaderScopePolicy(): ResourceValidationPolicy {
  return {
    name: KEYVAULT_SECRET_READER_SCOPE,
    description:
      "Roles that read Key Vault secrets should be granted on the secrets a principal consumes, not on a vault or above.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Assign the secret-reading role (Key Vault Secrets User when the principal only reads) at each secret the principal consumes — scope = <vault id>/secrets/<secret name>, one role assignment per secret — and remove the assignment at the vault, resource group, subscription or management group.",
    url: `policy/README.md#${KEYVAULT_SECRET_READER_SCOPE}`,
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
  };
}

/** The policy as the pack serves it. */
export const keyVaultSecretReaderScope = keyVaultSecretReaderScopePolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!isRoleAssignmentType(args.type)) return;
  const roleId = roleIdOf(knownOrThrow(field(args.props, "roleDefinitionId")));
  const role = roleId === undefined ? undefined : secretReadingRole(roleId);
  if (role === undefined) return;
  const scopeText = knownOrThrow(field(args.props, "scope"));
  const scope = classifyScope(scopeText);
  const reach = reachOf(scope);
  if (reach === undefined) return;
  const label = resourceLabel(args.type, args.name);
  const condition = field(args.props, "condition");
  const conditionNote =
    condition.known && typeof condition.value === "string" && condition.value.trim() !== ""
      ? " (its ABAC condition is not evaluated by this policy)"
      : "";
  report(
    `${label} grants ${principal(args.props)} the role ${role.name} (${role.id}) at ${reach.scope} (scope ${String(scopeText)})${conditionNote}: ` +
      `it can read every secret of ${reach.vaults}, not only the secrets it consumes. ` +
      `Fix: assign ${roleAdvice(role)} at each secret it consumes instead, scope = ${reach.secretScope}, one role assignment per secret (app-credentials declares these per consumer), and remove this assignment.`,
  );
}

/** What a scope above a secret covers, in words, and the secret scope to use instead. */
interface Reach {
  /** e.g. `Key Vault "kv-creds"`. */
  scope: string;
  /** e.g. `that vault`, `every vault in that resource group`. */
  vaults: string;
  /** The scope of one secret under it, with placeholders for what the scope does not name. */
  secretScope: string;
}

/** The reach of a vault-or-above scope; undefined for a secret's scope and anything else. */
function reachOf(scope: ArmScope): Reach | undefined {
  const secretPath = (sub: string, rg: string, vault: string) =>
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${vault}/secrets/<secret name>`;
  switch (scope.kind) {
    case "vault":
      return {
        scope: `Key Vault ${JSON.stringify(scope.vault)}`,
        vaults: "that vault",
        secretScope: `${scope.vaultId}/secrets/<secret name>`,
      };
    case "resourceGroup":
      return {
        scope: `resource group ${JSON.stringify(scope.resourceGroup)} of subscription ${scope.subscriptionId}`,
        vaults: "every vault in that resource group",
        secretScope: secretPath(scope.subscriptionId, scope.resourceGroup, "<vault>"),
      };
    case "subscription":
      return {
        scope: `subscription ${scope.subscriptionId}`,
        vaults: "every vault in that subscription",
        secretScope: secretPath(scope.subscriptionId, "<resource group>", "<vault>"),
      };
    case "managementGroup":
      return {
        scope: `management group ${JSON.stringify(scope.managementGroup)}`,
        vaults: "every vault of every subscription under that management group",
        secretScope: secretPath("<subscription>", "<resource group>", "<vault>"),
      };
    case "root":
      return {
        scope: "the tenant root",
        vaults: "every vault of the tenant",
        secretScope: secretPath("<subscription>", "<resource group>", "<vault>"),
      };
    case "secret":
    case "other":
      return undefined;
  }
}

/** `ServicePrincipal 0f…` from principalType and principalId, saying what is not known yet. */
function principal(props: unknown): string {
  const id = field(props, "principalId");
  const type = field(props, "principalType");
  const kind = type.known && isShortText(type.value) ? type.value : "principal";
  if (!id.known) return `${kind} (principalId not known until the deployment)`;
  return isShortText(id.value)
    ? `${kind} ${id.value}`
    : `${kind} (principalId ${showValue(id.value)})`;
}

/** A non-empty string short enough to show as is (a GUID, a principal type). */
function isShortText(value: unknown): value is string {
  return typeof value === "string" && value !== "" && value.length <= 64;
}

/** The role to assign per secret: the same one, or Key Vault Secrets User for readers. */
function roleAdvice(role: BuiltInRole): string {
  return role.name === "Key Vault Secrets User"
    ? role.name
    : `${role.name} (or Key Vault Secrets User, if it only reads secrets)`;
}
