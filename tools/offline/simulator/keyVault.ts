/**
 * The simulated Key Vault data: which secret names exist in which vault, and which are
 * soft-deleted. Rules, with their sources:
 *
 * - Soft delete is always on (it can no longer be disabled on any vault: Azure Key Vault soft-delete
 *   overview); a deleted secret stays recoverable for the vault's retention (7–90 days, default
 *   90) and its name cannot be reused meanwhile: creating it again answers 409 Conflict
 *   `ObjectIsDeletedButRecoverable` ("Secret … is currently in a deleted but recoverable state, and
 *   its name cannot be reused; in this state, the secret can only be recovered or purged.").
 * - pulumi-azure-native deletes a `keyvault.Secret` through the vault's data plane and never purges
 *   it (provider/pkg/resources/customresources/custom_keyvault.go; pulumi-azure-native#1174), so
 *   removing an app from a stack leaves its secrets soft-deleted. The data-plane delete needs a
 *   Key Vault data role on an RBAC vault (Key Vault Secrets Officer); Contributor alone gets 403.
 * - Since pulumi-azure-native#4759 (fixing #1174 and #1211) the provider's create of a secret whose
 *   name is soft-deleted recovers it through the data plane (GetDeletedSecret, RecoverDeletedSecret)
 *   and then writes the new value, which again needs Key Vault Secrets Officer; without it the
 *   create fails with the 409 above.
 * - Secret names are case-insensitive.
 *
 * It also knows the vaults the programs look up (`keyvault.getVault`): those a tenant snapshot or a
 * test declares (./tenant.ts `vaults`), with their permission model. Azure Key Vault's
 * `properties.enableRbacAuthorization` (Vaults_Get; @pulumi/azure-native 3.28.0
 * keyvault/getVault.d.ts `GetVaultResult.properties: VaultPropertiesResponse`): "When true, the key
 * vault will use Role Based Access Control (RBAC) for authorization of data actions, and the access
 * policies specified in vault properties will be ignored. When false, the key vault will use the
 * access policies specified in vault properties, and any policy stored on Azure Resource Manager will
 * be ignored" — role assignments on a vault using access policies grant nothing.
 */
import { Refusal, refuse } from "./refusals";

/** An existing vault, as `az keyvault show` prints the parts the simulation reads. */
export interface ExistingVault {
  /** The vault name (globally unique; compared case-insensitively). */
  name: string;
  /** Its resource group, when known. */
  resourceGroup?: string;
  /** `properties.enableRbacAuthorization`: false for a vault that uses access policies. */
  enableRbacAuthorization: boolean;
}

/** Days a deleted secret stays recoverable when the vault does not say (Azure's default, 90). */
export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

/** Secrets of every simulated vault, live and soft-deleted. */
export class SimulatedKeyVaults {
  private readonly live = new Set<string>();
  private readonly deleted = new Map<string, { deletedAtMs: number; purgeAtMs: number }>();
  /** Declared and created vaults, by lower-case name. */
  private readonly known = new Map<string, ExistingVault>();
  /** True once a list of existing vaults was declared: another vault then does not exist. */
  private listed = false;

  /**
   * Declares the vaults that exist before the run (a tenant snapshot's `vaults`, or a test's):
   * from then on, a lookup of a vault neither declared nor created by the program fails.
   */
  declareVaults(vaults: readonly ExistingVault[]): void {
    this.listed = true;
    for (const vault of vaults) this.known.set(vault.name.toLowerCase(), { ...vault });
  }

  /** Records a vault the program creates (`keyvault.Vault`). */
  vaultCreated(vault: ExistingVault): void {
    this.known.set(vault.name.toLowerCase(), { ...vault });
  }

  /**
   * The vault `name`: declared or created; `assumed` when no list of vaults was declared (every
   * vault is then assumed to exist, using Azure RBAC); undefined when a list was declared and it
   * is not in it.
   */
  vault(name: string): ExistingVault | "assumed" | undefined {
    const found = this.known.get(name.toLowerCase());
    if (found) return found;
    return this.listed ? undefined : "assumed";
  }

  /**
   * Creates (or gives a new version to) `vault`/`name`. While the name is soft-deleted (within
   * retention at `nowMs`) the provider recovers it when the deployer holds Key Vault Secrets
   * Officer (`canRecover`), else the create is refused with 409 and the recovery command.
   *
   * @returns the refusal, or undefined when the secret was written
   */
  create(
    vault: string,
    name: string,
    nowMs: number,
    canRecover: boolean,
    what: string,
  ): Refusal | undefined {
    const key = keyOf(vault, name);
    const deleted = this.deleted.get(key);
    if (deleted && !this.live.has(key) && deleted.purgeAtMs > nowMs && !canRecover) {
      return this.conflict(vault, name, deleted.purgeAtMs, what);
    }
    this.live.add(key);
    this.deleted.delete(key);
    return undefined;
  }

  private conflict(vault: string, name: string, purgeAtMs: number, what: string): Refusal {
    const purge = new Date(purgeAtMs).toISOString().replace(/\.000Z$/, "Z");
    return refuse(
      "keyvault-secret-deleted-recoverable",
      `${what}: 409 Conflict ObjectIsDeletedButRecoverable: Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged (until ${purge}). Recover it, then run pulumi up again: \`az keyvault secret recover --vault-name ${vault} --name ${name}\` (needs Key Vault Secrets Officer).`,
    );
  }

  /**
   * Deletes a secret through the data plane: soft-deleted until `nowMs + retentionDays`. Without a
   * data role (`canDelete` false) Key Vault answers 403 and the secret stays.
   *
   * @returns the refusal, or undefined when the secret was deleted
   */
  delete(
    vault: string,
    name: string,
    nowMs: number,
    canDelete: boolean,
    what: string,
    retentionDays = DEFAULT_RETENTION_DAYS,
  ): Refusal | undefined {
    if (!canDelete) {
      return refuse(
        "keyvault-secret-delete-forbidden",
        `${what}: 403 Forbidden: the caller is not authorized to perform action on resource (Microsoft.KeyVault/vaults/secrets/delete). pulumi-azure-native deletes secrets through the vault's data plane: grant the deploying identity Key Vault Secrets Officer on vault ${vault}.`,
      );
    }
    const key = keyOf(vault, name);
    this.live.delete(key);
    this.deleted.set(key, { deletedAtMs: nowMs, purgeAtMs: nowMs + retentionDays * DAY_MS });
    return undefined;
  }

  /** Recovers a soft-deleted secret (`az keyvault secret recover`): it is live again. */
  recover(vault: string, name: string): void {
    const key = keyOf(vault, name);
    if (this.deleted.delete(key)) this.live.add(key);
  }

  /** True when the secret exists and is not deleted. */
  exists(vault: string, name: string): boolean {
    return this.live.has(keyOf(vault, name));
  }
}

function keyOf(vault: string, name: string): string {
  return `${vault.toLowerCase()}/${name.toLowerCase()}`;
}
