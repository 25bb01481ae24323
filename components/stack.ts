import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { AppCredential, appResourcesOf } from "./appCredential";
import type { KeyVault } from "./appCredentialArgs";
import { handedOverLabel } from "./appCredentialSecrets";
import { AppConfig, ConfigError, parseStackConfig, StackConfig } from "./config";
import { CONFIG_NAMESPACE, configSizeAdvice, rawConfigFromValues } from "./config/configSource";
import type { ConsumerReference } from "./consumerAccess";
import { CredentialVault, credentialVaultArgs } from "./credentialVault";
import type { FederatedCredentialOutputs } from "./federatedCredentials";
import { setRunDeploymentInstant } from "./instant";
import { roleAssignmentAdvice } from "./roleAssignments";

/** Per-app stack output. Holds no secret value. */
export interface AppOutputs {
  clientId: pulumi.Output<string>;
  applicationObjectId: pulumi.Output<string | undefined>;
  servicePrincipalObjectId: pulumi.Output<string | undefined>;
  /** Key id of the credential Key Vault holds (absent for `credential: federated`). */
  activeKeyId?: pulumi.Output<string | undefined>;
  /** RFC 3339 (absent for `federated`). */
  activeEndDate?: string;
  /** RFC 3339: when the next deployment rotates a slot (absent for `federated`). */
  nextRotation?: string;
  /** Certificate apps: SHA-1 thumbprint of the active certificate, upper-case hex. */
  activeThumbprint?: pulumi.Output<string>;
  keyVaultSecretIds: {
    clientId: pulumi.Output<string>;
    tenantId: pulumi.Output<string>;
    /** Password apps: `<app>-client-secret`. */
    clientSecret?: pulumi.Output<string>;
    /** Certificate apps: `<app>-client-certificate`. */
    clientCertificate?: pulumi.Output<string>;
  };
  /** Password apps: versionless URI the application reads its client secret from. */
  clientSecretUri?: pulumi.Output<string>;
  /**
   * Certificate apps: versionless URI of the PEM holding the certificate and its private key (for
   * `keyVaultCertificate`, the certificate's companion secret, or its key when not exportable).
   */
  clientCertificateUri?: pulumi.Output<string>;
  /** Versionless URIs of the app's secrets, keyed by secret name (`<app>-client-id`…). */
  secretUris: pulumi.Output<Record<string, string>>;
  /** Who reads the secrets, and what each pastes (versionless references). */
  consumers: {
    name: string;
    kind: string;
    principalId: string;
    /** ISO 8601. */
    refresh: string;
    reference: pulumi.Output<ConsumerReference>;
  }[];
  /** Federated identity credentials: what signs in without a secret (absent: none). */
  federatedCredentials?: FederatedCredentialOutputs[];
}

/** Stack outputs. */
export interface StackOutputs {
  keyVault: { name: pulumi.Output<string>; uri: pulumi.Output<string>; id: pulumi.Output<string> };
  apps: Record<string, AppOutputs>;
}

/**
 * Reads and validates `app-credentials:*` from the stack's configuration, and the catalogue files
 * it names (relative to the project directory). Values of secret keys never appear in errors.
 * Warns (`pulumi.log.warn`) when the configuration nears the size Pulumi can pass to a program.
 *
 * @param nowMs the deployment instant, ms since the Unix epoch (anchors may not be later)
 * @throws ConfigError naming every invalid field, before any resource is declared
 */
export function loadStackConfig(nowMs: number): StackConfig {
  const values = pulumi.runtime.allConfig();
  const raw = rawConfigFromValues(values, projectDirectory(), secretConfigKeys(values));
  const config = parseStackConfig(raw, nowMs);
  const size = configSizeAdvice(values);
  if (size?.level === "near") void pulumi.log.warn(`${CONFIG_NAMESPACE}: ${size.message}`);
  return config;
}

/** The project directory: Pulumi's root directory (where Pulumi.yaml is), else the working one. */
function projectDirectory(): string {
  return pulumi.runtime.getRootDirectory() || process.cwd();
}

/**
 * The config keys whose values are secret (`pulumi config set --secret`): the Node.js runtime
 * knows them (`PULUMI_CONFIG_SECRET_KEYS`) but exports the check only internally; when that export
 * is missing every key is treated as secret, so no value is ever shown by mistake.
 */
function secretConfigKeys(values: Record<string, string>): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (key: string) => boolean;
  };
  const isSecret = runtimeConfig.isConfigSecret;
  return Object.keys(values).filter((key) => (isSecret ? isSecret(key) : true));
}

/**
 * Declares the vault and every app of a validated configuration.
 *
 * Apps are declared one at a time, with a turn of the event loop (`setImmediate`) after each, so
 * that each app's registrations can be sent and answered before the next app is declared. A
 * program that declares every resource synchronously keeps every pending registration of every
 * app alive at once: under Pulumi's runtime that is ~1.2 MiB per app, 1,000 apps peaked above
 * 3 GiB in the offline preview (BENCHMARKS.md). Declaration order, names and inputs are the same
 * either way; a real deployment is not slowed, since the engine receives the registrations as
 * before.
 *
 * @param nowMs the deployment instant, ms since the Unix epoch, shared by every app so one run
 *   sees one set of rotation windows
 * @returns the stack outputs, once every app has been declared (registrations may still be in
 *   flight; the Pulumi runtime waits for them)
 */
export async function createStack(config: StackConfig, nowMs: number): Promise<StackOutputs> {
  setRunDeploymentInstant(nowMs);
  const assignments = config.apps.reduce((sum, app) => sum + app.consumers.length * 3, 0);
  if (assignments > 0) await checkVaultTakesRoleAssignments(config);
  const advice = roleAssignmentAdvice(assignments);
  if (advice) void pulumi.log.warn(`${CONFIG_NAMESPACE}: ${advice}`);
  const vault = new CredentialVault("vault", credentialVaultArgs(config.keyVault));
  const subscriptionId =
    assignments > 0 ? authorization.getClientConfigOutput().subscriptionId : undefined;
  const keyVault: KeyVault = {
    resourceGroupName: vault.resourceGroupName,
    vaultName: vault.vaultName,
    vaultId: vault.vaultId,
    ...(subscriptionId ? { subscriptionId } : {}),
  };
  const apps: Record<string, AppOutputs> = {};
  for (const app of config.apps) {
    apps[app.name] = declareApp(app, keyVault);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return {
    keyVault: { name: vault.vaultName, uri: vault.vaultUri, id: vault.vaultId },
    apps,
  };
}

/**
 * An existing vault that authorizes with access policies (`enableRbacAuthorization` false, as the
 * vault lookup returns it) ignores role assignments, so its consumers could never read their
 * secrets: refused before any resource is declared. A vault the stack creates uses RBAC.
 *
 * @throws ConfigError naming the vault and the fix
 */
async function checkVaultTakesRoleAssignments(config: StackConfig): Promise<void> {
  const keyVault = config.keyVault;
  if (keyVault.kind !== "existing") return;
  const vault = await keyvault.getVault({
    resourceGroupName: keyVault.resourceGroupName,
    vaultName: keyVault.name,
  });
  if (vault.properties.enableRbacAuthorization === true) return;
  const apps = config.apps.filter((app) => app.consumers.length > 0).map((app) => app.name);
  throw new ConfigError([
    `${CONFIG_NAMESPACE}:keyVault.existing.name: ${JSON.stringify(keyVault.name)} uses access policies ` +
      `(enableRbacAuthorization is not true), so per-secret role assignments for the consumers of ` +
      `${apps.join(", ")} would grant nothing; switch the vault to the Azure RBAC permission model ` +
      "(az keyvault update --enable-rbac-authorization true, after granting RBAC roles that replace its access policies) " +
      "or remove the consumers",
  ]);
}

/**
 * Declares one app's {@link AppCredential} through its public arguments (the entry as configured,
 * the stack's rotation defaults merged in) and returns its stack outputs.
 */
function declareApp(app: AppConfig, keyVault: KeyVault): AppOutputs {
  const component = new AppCredential(app.name, { ...app.args, keyVault });
  const credential = appResourcesOf(component);
  const secrets = credential.secrets;
  const common = {
    clientId: credential.clientId,
    applicationObjectId: credential.applicationObjectId,
    servicePrincipalObjectId: credential.servicePrincipalObjectId,
    ...(credential.credentials
      ? {
          activeKeyId: credential.credentials.active.keyId,
          activeEndDate: credential.credentials.active.endDate,
          nextRotation: credential.credentials.nextRotation,
        }
      : {}),
    ...(credential.federatedCredentials.length > 0
      ? { federatedCredentials: credential.federatedCredentials }
      : {}),
    secretUris: pulumi
      .all(secrets.all.map((s) => s.uri))
      .apply((uris) =>
        Object.fromEntries(secrets.all.map((s, i) => [handedOverLabel(s), uris[i]])),
      ),
    consumers: credential.consumers.map(({ name, kind, principalId, refresh, reference }) => ({
      name,
      kind,
      principalId,
      refresh,
      reference,
    })),
  };
  const ids = { clientId: secrets.clientIdSecretId, tenantId: secrets.tenantIdSecretId };
  if (app.credential === "federated") return { ...common, keyVaultSecretIds: ids };
  return app.credential === "certificate" || app.credential === "keyVaultCertificate"
    ? {
        ...common,
        activeThumbprint: credential.credentials?.active.thumbprint,
        keyVaultSecretIds: { ...ids, clientCertificate: secrets.credentialSecretId },
        clientCertificateUri: secrets.credentialSecretUri,
      }
    : {
        ...common,
        keyVaultSecretIds: { ...ids, clientSecret: secrets.credentialSecretId },
        clientSecretUri: secrets.credentialSecretUri,
      };
}
