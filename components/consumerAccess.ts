import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { ConsumerKind } from "../policy/core";
import { HandedOverSecret, handedOverLabel } from "./appCredentialSecrets";
import type { ConsumerConfig } from "./config";
import { KEY_VAULT_SECRETS_USER, roleAssignmentName, roleDefinitionId } from "./roleAssignments";

/**
 * What a consumer pastes into its own configuration to read the app's secrets. Every reference is
 * versionless, so it follows rotation: a version-pinned reference never rotates.
 *
 * - `appService` (also Functions): app-setting values `@Microsoft.KeyVault(SecretUri=…/)`, keyed
 *   by secret name (Microsoft Learn, "Use Key Vault references as app settings");
 * - `containerApp`: secrets `{name, keyVaultUrl}` of the container app; add `identity` (the
 *   consumer identity's resource id, or `system`) (Microsoft Learn, "Manage secrets in Azure
 *   Container Apps");
 * - `aksSecretsStoreCsi`: the `SecretProviderClass` parameters `keyvaultName`, `tenantId` and its
 *   `objects` entries (Microsoft Learn, "Azure Key Vault provider for Secrets Store CSI Driver");
 * - `custom`: the versionless secret URIs, keyed by secret name.
 */
export type ConsumerReference =
  | { kind: "appService"; appSettings: Record<string, string> }
  | { kind: "containerApp"; secrets: { name: string; keyVaultUrl: string }[] }
  | {
      kind: "aksSecretsStoreCsi";
      keyvaultName: string;
      tenantId: string;
      objects: { objectName: string; objectType: "secret" | "key" | "cert"; objectVersion: "" }[];
    }
  | { kind: "custom"; secretUris: Record<string, string> };

/** One consumer in the stack outputs. Holds no secret value. */
export interface ConsumerOutputs {
  name: string;
  kind: ConsumerKind;
  principalId: string;
  /** ISO 8601: how often it re-reads Key Vault. */
  refresh: string;
  /** Role assignments granting it `Key Vault Secrets User` on each of the app's secrets. */
  roleAssignmentIds: pulumi.Output<string>[];
  reference: pulumi.Output<ConsumerReference>;
}

/** Arguments of {@link declareConsumerAccess}. */
export interface ConsumerAccessArgs {
  /** The app's resource name prefix (its name in config). */
  appName: string;
  consumers: readonly ConsumerConfig[];
  /** The app's secrets: client id, tenant id, credential. */
  secrets: readonly HandedOverSecret[];
  subscriptionId: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  parent: pulumi.Resource;
}

/**
 * Grants every consumer of an app Azure's built-in `Key Vault Secrets User` role on exactly that
 * app's secrets, one `authorization.RoleAssignment` per (consumer, secret), scoped to the secret,
 * never to the vault. Each assignment's name is a deterministic GUID of (scope, principal, role)
 * and its `principalType` is `ServicePrincipal` (managed identities are service principals), so ARM
 * need not look the principal up (which fails for a freshly created identity).
 *
 * The deploying identity needs `Microsoft.Authorization/roleAssignments/write` on the vault
 * (docs/permissions.md). azure-native reads an assignment before creating it and refuses one that
 * already exists; ARM refuses the same (scope, principal, role) under another name with
 * `RoleAssignmentExists`: a stack re-created over existing assignments imports them
 * (docs/operations.md).
 *
 * @returns the consumers' outputs, in config order
 */
export function declareConsumerAccess(args: ConsumerAccessArgs): ConsumerOutputs[] {
  const role = (roleId: string) =>
    pulumi
      .output(args.subscriptionId)
      .apply((subscription) => roleDefinitionId(subscription, roleId));
  return args.consumers.map((consumer) => {
    const roleAssignmentIds = args.secrets.map((secret) => {
      const suffix =
        secret.name.slice(args.appName.length + 1) +
        (secret.objectType && secret.objectType !== "secret" ? `-${secret.objectType}` : "");
      const roleId = secret.roleId ?? KEY_VAULT_SECRETS_USER;
      const assignment = new authorization.RoleAssignment(
        `${args.appName}-${consumer.name}-${suffix}-reader`,
        {
          scope: secret.id,
          roleAssignmentName: secret.id.apply((scope) =>
            roleAssignmentName(scope, consumer.principalId, roleId),
          ),
          roleDefinitionId: role(roleId),
          principalId: consumer.principalId,
          principalType: authorization.PrincipalType.ServicePrincipal,
          description: `app-credentials: ${consumer.kind} consumer ${consumer.name} reads ${secret.name}`,
        },
        { parent: args.parent },
      );
      return assignment.id;
    });
    return {
      name: consumer.name,
      kind: consumer.kind,
      principalId: consumer.principalId,
      refresh: consumer.refresh,
      roleAssignmentIds,
      reference: consumerReference(consumer.kind, args),
    };
  });
}

/** The reference a consumer of this kind pastes (see {@link ConsumerReference}). */
function consumerReference(
  kind: ConsumerKind,
  args: ConsumerAccessArgs,
): pulumi.Output<ConsumerReference> {
  const uris = pulumi.all(args.secrets.map((s) => s.uri));
  // A key or certificate (a non-exportable Key Vault certificate) is named with its kind.
  const names = args.secrets.map(handedOverLabel);
  return pulumi
    .all([uris, args.vaultName, args.tenantId])
    .apply(([resolved, vaultName, tenantId]): ConsumerReference => {
      const entries = names.map((name, i) => [name, resolved[i]] as const);
      switch (kind) {
        case "appService":
          return {
            kind,
            appSettings: Object.fromEntries(
              entries.map(([name, uri]) => [name, `@Microsoft.KeyVault(SecretUri=${uri}/)`]),
            ),
          };
        case "containerApp":
          return {
            kind,
            secrets: entries.map(([name, uri]) => ({ name: name.toLowerCase(), keyVaultUrl: uri })),
          };
        case "aksSecretsStoreCsi":
          return {
            kind,
            keyvaultName: vaultName,
            tenantId,
            objects: args.secrets.map((s) => ({
              objectName: s.name,
              objectType: s.objectType ?? "secret",
              objectVersion: "",
            })),
          };
        case "custom":
          return { kind, secretUris: Object.fromEntries(entries) };
      }
    });
}
