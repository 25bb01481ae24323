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
 * Certificates (./keyVaultCertificates.ts) live in the same vaults: "When a Key Vault certificate is
 * created, an addressable key and secret are also created with the same name" (Microsoft Learn,
 * "About Azure Key Vault certificates", Composition of a Certificate), so a certificate's
 * companion secret and key exist from its creation on, and deleting the certificate deletes them
 * with it. A deleted certificate is soft-deleted like a secret (its name reserved until the
 * vault's retention ends) unless it is purged.
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
  /**
   * `properties.enablePurgeProtection`: a deleted item cannot be purged before its retention ends.
   * Undefined when not known.
   */
  enablePurgeProtection?: boolean;
  /** `properties.softDeleteRetentionInDays` (7–90), when known; Azure's default is 90. */
  softDeleteRetentionInDays?: number;
}

/** A certificate of a simulated vault: live, or soft-deleted until `purgeAtMs`. */
export type VaultCertificate =
  | {
      state: "live";
      /** `type::name` of the stack resource that created it; undefined: made outside the stack. */
      owner?: string;
      /** Its newest version's id (`https://<vault>.vault.azure.net/certificates/<name>/<version>`). */
      versionedId?: string;
    }
  | { state: "deleted"; deletedAtMs: number; purgeAtMs: number };

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

  /** Certificates by `vault/name` (lower case). */
  private readonly certificates = new Map<string, VaultCertificate>();
  /** Live keys (a certificate's addressable key) by `vault/name` (lower case). */
  private readonly liveKeys = new Set<string>();

  /**
   * The certificate `vault`/`name` at `nowMs`: live, soft-deleted (within retention), or undefined
   * (never created, purged, or its retention over).
   */
  certificate(vault: string, name: string, nowMs: number): VaultCertificate | undefined {
    const found = this.certificates.get(keyOf(vault, name));
    if (found?.state === "deleted" && found.purgeAtMs <= nowMs) return undefined;
    return found;
  }

  /**
   * Records a certificate (a new one, a new version, or one recovered then given a version): it and
   * its companion secret and key are live.
   *
   * @param owner `type::name` of the stack resource that manages it
   * @param versionedId the newest version's id
   */
  certificateWritten(vault: string, name: string, owner?: string, versionedId?: string): void {
    const key = keyOf(vault, name);
    this.certificates.set(key, {
      state: "live",
      ...(owner !== undefined ? { owner } : {}),
      ...(versionedId !== undefined ? { versionedId } : {}),
    });
    this.live.add(key);
    this.deleted.delete(key);
    this.liveKeys.add(key);
  }

  /**
   * Deletes a certificate with its companion secret and key: purged (gone at once), or
   * soft-deleted until `nowMs + retentionDays`.
   */
  certificateDeleted(
    vault: string,
    name: string,
    nowMs: number,
    purge: boolean,
    retentionDays = DEFAULT_RETENTION_DAYS,
  ): void {
    const key = keyOf(vault, name);
    this.live.delete(key);
    this.liveKeys.delete(key);
    if (purge) {
      this.certificates.delete(key);
      this.deleted.delete(key);
      return;
    }
    const purgeAtMs = nowMs + retentionDays * DAY_MS;
    this.certificates.set(key, { state: "deleted", deletedAtMs: nowMs, purgeAtMs });
    this.deleted.set(key, { deletedAtMs: nowMs, purgeAtMs });
  }

  /** True when the certificate exists and is not deleted. */
  certificateExists(vault: string, name: string): boolean {
    return this.certificates.get(keyOf(vault, name))?.state === "live";
  }

  /**
   * The stack resource (`type::name`) whose live certificate `vault`/`name` is, if any: it also
   * made the companion secret and key of that name.
   */
  certificateOwner(vault: string, name: string): string | undefined {
    const found = this.certificates.get(keyOf(vault, name));
    return found?.state === "live" ? found.owner : undefined;
  }

  /** True when the key exists and is not deleted (a certificate's addressable key). */
  keyExists(vault: string, name: string): boolean {
    return this.liveKeys.has(keyOf(vault, name));
  }

  /** Days a deleted item of `vault` stays recoverable: the vault's setting, else 90. */
  retentionDays(vault: string): number {
    const found = this.known.get(vault.toLowerCase());
    return found?.softDeleteRetentionInDays ?? DEFAULT_RETENTION_DAYS;
  }
}

function keyOf(vault: string, name: string): string {
  return `${vault.toLowerCase()}/${name.toLowerCase()}`;
}
