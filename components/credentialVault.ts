import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ConfigError } from "./config/configError";
import type { Report } from "./config/configFields";
import { show } from "./config/configFields";
import { KeyVaultConfig, parseKeyVault, VAULT_SUFFIX_LENGTH } from "./config/keyVaultConfig";

/** Type token of {@link CredentialVault} (`<package>:index:<Class>`). */
export const CREDENTIAL_VAULT_TYPE = "app-credentials:index:CredentialVault";
/** Its former token: an alias, so existing stacks keep the vault and its suffix. */
export const LEGACY_CREDENTIAL_VAULT_TYPE = "app-credentials:keyvault:CredentialVault";

/** A vault that exists: looked up, so a missing one fails the preview. */
export interface ExistingVault {
  /** The vault's resource group. */
  resourceGroupName: string;
  /** 3–24 letters, digits and hyphens, starting with a letter, no `--`. */
  name: string;
}

/** A vault the component creates, named `<namePrefix>-<6 random characters>`. */
export interface NewVault {
  /** The resource group to create the vault in (it must exist). */
  resourceGroupName: string;
  /** Azure region, e.g. `westeurope`; default: the provider's `location`. */
  location?: string;
  /** 2–17 letters, digits and hyphens, starting with a letter, no `--`. */
  namePrefix: string;
}

/**
 * Arguments of {@link CredentialVault}: set exactly one of `existing` or `create` (the same shape
 * and rules as `app-credentials:keyVault`).
 */
export interface CredentialVaultArgs {
  /** Use this vault (Azure RBAC permission model, for consumers' access). */
  existing?: ExistingVault;
  /** Create a vault: RBAC authorization, soft delete (90 days) and purge protection. */
  create?: NewVault;
}

/**
 * Validates {@link CredentialVaultArgs} with the configuration's code.
 *
 * @internal not part of the package's API (stripped from its declarations)
 * @throws ConfigError naming every invalid field (`keyVault.create.namePrefix: …`)
 */
export function validateCredentialVaultArgs(
  name: string,
  args: CredentialVaultArgs,
): KeyVaultConfig {
  const problems: string[] = [];
  // The configuration names its fields `keyVault.…`; a component names them after itself.
  const report: Report = (field, value, allowed) =>
    problems.push(
      `${name}${field.replace(/^keyVault/, "")}: ${show(value)} is invalid; ${allowed}`,
    );
  const config = parseKeyVault(args, report);
  if (problems.length > 0 || !config) {
    throw new ConfigError(problems, `arguments of CredentialVault ${JSON.stringify(name)}`);
  }
  return config;
}

/**
 * The validated `app-credentials:keyVault` config as {@link CredentialVaultArgs}.
 *
 * @internal not part of the package's API (stripped from its declarations)
 */
export function credentialVaultArgs(config: KeyVaultConfig): CredentialVaultArgs {
  return config.kind === "existing"
    ? { existing: { resourceGroupName: config.resourceGroupName, name: config.name } }
    : {
        create: {
          resourceGroupName: config.resourceGroupName,
          ...(config.location !== undefined ? { location: config.location } : {}),
          namePrefix: config.namePrefix,
        },
      };
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
  /** The vault's resource group. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The vault's name (with its random suffix when created). */
  readonly vaultName: pulumi.Output<string>;
  /** The vault's data-plane URI, e.g. `https://appcred-x1y2z3.vault.azure.net/`. */
  readonly vaultUri: pulumi.Output<string>;
  /** The vault's ARM resource id. */
  readonly vaultId: pulumi.Output<string>;

  /**
   * @throws ConfigError naming every invalid argument, before any resource is registered
   */
  constructor(name: string, args: CredentialVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    const config = validateCredentialVaultArgs(name, args);
    super(
      CREDENTIAL_VAULT_TYPE,
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), { type: LEGACY_CREDENTIAL_VAULT_TYPE }],
      },
    );
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
