import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { AppCredential } from "./appCredential";
import { CONFIG_NAMESPACE, parseStackConfig, RawStackConfig, StackConfig } from "./config";
import { CredentialVault } from "./credentialVault";

/** Per-app stack output. Holds no secret value. */
export interface AppOutputs {
  clientId: pulumi.Output<string>;
  applicationObjectId: pulumi.Output<string | undefined>;
  servicePrincipalObjectId: pulumi.Output<string | undefined>;
  activeKeyId: pulumi.Output<string>;
  /** RFC 3339. */
  activeEndDate: string;
  /** RFC 3339: when the next deployment rotates a slot. */
  nextRotation: string;
  keyVaultSecretIds: {
    clientId: pulumi.Output<string>;
    tenantId: pulumi.Output<string>;
    clientSecret: pulumi.Output<string>;
  };
  /** Versionless URI the application reads its client secret from. */
  clientSecretUri: pulumi.Output<string>;
}

/** Stack outputs. */
export interface StackOutputs {
  keyVault: { name: pulumi.Output<string>; uri: pulumi.Output<string>; id: pulumi.Output<string> };
  apps: Record<string, AppOutputs>;
}

/**
 * Reads and validates `app-credentials:*` from the stack's configuration.
 *
 * @param nowMs the deployment instant, ms since the Unix epoch (anchors may not be later)
 * @throws ConfigError naming every invalid field, before any resource is declared
 */
export function loadStackConfig(
  nowMs: number,
  config = new pulumi.Config(CONFIG_NAMESPACE),
): StackConfig {
  const raw: RawStackConfig = {
    keyVault: config.getObject("keyVault"),
    rotation: config.getObject("rotation"),
    rotationTrigger: config.get("rotationTrigger"),
    apps: config.getObject("apps"),
  };
  return parseStackConfig(raw, nowMs);
}

/**
 * Declares the vault and every app of a validated configuration.
 *
 * @param nowMs the deployment instant, ms since the Unix epoch, shared by every app so one run
 *   sees one set of rotation windows
 */
export function createStack(config: StackConfig, nowMs: number): StackOutputs {
  const vault = new CredentialVault("vault", { keyVault: config.keyVault });
  const tenantId = azuread.getClientConfigOutput().tenantId;
  const apps: Record<string, AppOutputs> = {};
  for (const app of config.apps) {
    const credential = new AppCredential(app.name, {
      source: app.source,
      rotation: app.rotation,
      nowMs,
      tenantId,
      resourceGroupName: vault.resourceGroupName,
      vaultName: vault.vaultName,
    });
    apps[app.name] = {
      clientId: credential.clientId,
      applicationObjectId: credential.applicationObjectId,
      servicePrincipalObjectId: credential.servicePrincipalObjectId,
      activeKeyId: credential.activeKeyId,
      activeEndDate: credential.activeEndDate,
      nextRotation: credential.nextRotation,
      keyVaultSecretIds: {
        clientId: credential.secrets.clientIdSecretId,
        tenantId: credential.secrets.tenantIdSecretId,
        clientSecret: credential.secrets.clientSecretSecretId,
      },
      clientSecretUri: credential.secrets.clientSecretUri,
    };
  }
  return {
    keyVault: { name: vault.vaultName, uri: vault.vaultUri, id: vault.vaultId },
    apps,
  };
}
