import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KeyVaultConfig, VAULT_SUFFIX_LENGTH } from "./config/keyVaultConfig";

/** Arguments of {@link CredentialVault}: the validated `app-credentials:keyVault` config. */
export interface CredentialVaultArgs {
  keyVault: KeyVaultConfig;
}

/** Days a deleted vault or secret stays recoverable (the Azure maximum, 7–90). */
export const SOFT_DELETE_RETENTION_DAYS = 90;

/**
 * The Key Vault that receives the credentials: an existing vault (looked up by resource group and
 * name, so a missing vault fails the preview) or one the stack creates, named
 * `<namePrefix>-<6 random characters>` (vault names are globally unique), with RBAC
 * authorization, soft delete (90 days) and purge protection.
 *
 * Writing secrets goes through Azure Resource Manager (`Microsoft.KeyVault/vaults/secrets/write`),
 * so the deploying identity needs a control-plane role such as Contributor on the vault; readers
 * need the data-plane role "Key Vault Secrets User".
 */
export class CredentialVault extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  /** The vault's data-plane URI, e.g. `https://appcred-x1y2z3.vault.azure.net/`. */
  readonly vaultUri: pulumi.Output<string>;
  /** The vault's ARM resource id. */
  readonly vaultId: pulumi.Output<string>;

  constructor(name: string, args: CredentialVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:keyvault:CredentialVault", name, {}, opts);
    const config = args.keyVault;
    this.resourceGroupName = pulumi.output(config.resourceGroupName);
    if (config.kind === "existing") {
      const vault = keyvault.getVaultOutput(
        { resourceGroupName: config.resourceGroupName, vaultName: config.name },
        { parent: this },
      );
      this.vaultName = vault.name;
      this.vaultUri = vault.properties.apply(
        (p) => p.vaultUri ?? `https://${config.name}.vault.azure.net/`,
      );
      this.vaultId = vault.id;
    } else {
      const suffix = new random.RandomString(
        `${name}-suffix`,
        { length: VAULT_SUFFIX_LENGTH, special: false, upper: false },
        { parent: this },
      );
      const client = authorization.getClientConfigOutput({ parent: this });
      const vault = new keyvault.Vault(
        `${name}-vault`,
        {
          resourceGroupName: config.resourceGroupName,
          location: config.location,
          vaultName: pulumi.interpolate`${config.namePrefix}-${suffix.result}`,
          properties: {
            tenantId: client.tenantId,
            sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
            enablePurgeProtection: true,
          },
          tags: { "managed-by": "app-credentials" },
        },
        { parent: this },
      );
      this.vaultName = vault.name;
      this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
      this.vaultId = vault.id;
    }
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      vaultId: this.vaultId,
    });
  }
}
