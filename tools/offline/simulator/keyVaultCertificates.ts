/**
 * Key Vault certificates in the simulated Azure (`azure.keyvault.Certificate`, the classic
 * provider's `azurerm_key_vault_certificate` bridged by @pulumi/azure): Key Vault generates each
 * version itself from the certificate policy, and the stack's state holds only the public
 * certificate. Each rule names its source; line numbers are terraform-provider-azurerm v4.80.0's
 * internal/services/keyvault/key_vault_certificate_resource.go (the release pulumi-azure 6.x
 * bridges; the provider facts table, policy/core/provider-facts/azure.ts, has the row).
 *
 * - The provider's Check (its schema validators: name, vault id, key type and size, curve, key
 *   usages, lifetime action types) runs for every type in ./providers.ts (`provider-input-invalid`).
 * - While it builds the request the provider refuses an RSA policy without `keySize` and an EC one
 *   without `curve` (L918-936); Key Vault answers 400 to what it does not accept (the row's `service`
 *   validations: RSA sizes 2048/3072/4096, exportable only for RSA and EC, content type PKCS#12 or
 *   PEM, lifetime triggers in range, 1–1200 months; a subject that is no distinguished name):
 *   `keyvault-certificate-policy-invalid`.
 * - Every certificate operation is a data-plane call: the deployer needs Key Vault Certificates
 *   Officer (`Microsoft.KeyVault/vaults/certificates/*`) or Key Vault Administrator on the vault,
 *   else 403 `ForbiddenByRbac` (`keyvault-certificate-forbidden`). The simulation grants it unless
 *   told otherwise ({@link KeyVaultDataRole}), like the role-assignment write.
 * - Create (L471-557): the provider reads the name first and refuses one that exists outside the
 *   stack (L488-498, `keyvault-certificate-exists`); a soft-deleted name answers 409, which the
 *   provider's default feature `recoverSoftDeletedCertificates` turns into a recovery and a new
 *   version (L532-546; internal/provider/features.go L153-158), else the 409 stands
 *   (`keyvault-certificate-deleted-recoverable`).
 * - Update (L585-682): a policy that differs other than in its lifetime actions makes a new version
 *   of the same certificate in place (L630-660: `createCertificate`, then `d.SetId(<versioned id>)`);
 *   tags or lifetime actions alone are patched and the version stays (L662-679).
 * - Each version is a real self-signed certificate (./certificates.ts `issueSelfSignedCertificate`):
 *   subject, key usages and extended key usages from the policy, valid from the creation instant
 *   (the run's clock, to the second) for `validityInMonths` calendar months; a new key per version
 *   (`reuseKey: false`; RSA 2048 keys come from the simulation's key pool).
 * - Read (L712-812) sets `certificate_data` to the version's DER in upper-case hex (L788-792), its
 *   base64 (L794-798), the upper-case hex SHA-1 `thumbprint` (L800-809), the versioned and
 *   versionless ids of the certificate and of its secret, the ARM ids (L773-786), and the
 *   attributes in RFC 3339 (L1158-1193). No private key: in generate mode the private key stays in
 *   Key Vault (its companion secret holds it when the policy is exportable; the simulation never
 *   makes that secret's value).
 * - Delete (L814-867): azurerm purges after deleting (feature `purgeSoftDeletedCertificatesOnDestroy`,
 *   default true: features.go L118-123) unless the vault has purge protection (L850-854); else the
 *   certificate, with its companion secret and key, stays soft-deleted through the vault's
 *   retention and its name cannot be reused meanwhile (./keyVault.ts).
 *
 * Not modelled: `AutoRenew` (Key Vault renews by itself outside any deployment; a refresh would show
 * the new version's data, L750, under the old `version`, L773), HSM keys needing a Premium vault,
 * vaults using access policies (the data role stands for the access policy's certificate
 * permissions), imports (`certificate`).
 */
import { createHash } from "crypto";
import { DateTime } from "luxon";
import { KEYVAULT_CERTIFICATE, validateInputs } from "../../../policy/core";
import type { InputProblem } from "../../../policy/core";
import { issueSelfSignedCertificate, SimulatedKeySpec } from "./certificates";
import type { SimulatedKeyVaults } from "./keyVault";
import { Refusal, refuse } from "./refusals";
import { importCommand } from "./roleAssignments";

type State = Record<string, unknown>;

/**
 * Azure built-in role `Key Vault Certificates Officer`: "Perform any action on the certificates of a
 * key vault, except manage permissions" (dataActions `Microsoft.KeyVault/vaults/certificates/*`).
 * Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-certificates-officer.
 */
export const KEY_VAULT_CERTIFICATES_OFFICER = "a4417e6f-fecd-4de8-b567-7b0420556985";

/**
 * Where the deployer may manage Key Vault certificates (Key Vault Certificates Officer or Key Vault
 * Administrator): `true` on every vault (the default: the dev stack previews), `false` nowhere, or
 * the names of the vaults it holds the role on (case-insensitive).
 */
export type KeyVaultDataRole = boolean | readonly string[];

/** True when `role` covers the vault `vault`. */
export function holdsDataRole(role: KeyVaultDataRole, vault: string): boolean {
  if (typeof role === "boolean") return role;
  return role.some((name) => name.toLowerCase() === vault.toLowerCase());
}

/**
 * The azurerm provider's Key Vault features that decide what a delete and a re-create do
 * (`features.keyVault.*` in the Pulumi provider's config; internal/provider/features.go L118-123
 * and L153-158, both default true).
 */
export interface AzureKeyVaultFeatures {
  /** Purge a deleted certificate at once (impossible under purge protection). */
  purgeSoftDeletedCertificatesOnDestroy: boolean;
  /** Recover a soft-deleted certificate of the same name, then give it a new version. */
  recoverSoftDeletedCertificates: boolean;
}

/** The provider's defaults (features.go). */
export const DEFAULT_AZURE_KEY_VAULT_FEATURES: AzureKeyVaultFeatures = {
  purgeSoftDeletedCertificatesOnDestroy: true,
  recoverSoftDeletedCertificates: true,
};

/** Where a certificate lives: its vault (from `keyVaultId`) and name. */
export interface CertificateTarget {
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
  name: string;
}

const KEY_VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/;

/** The vault and name a certificate's inputs name; undefined when either is not known. */
export function certificateTarget(inputs: State): CertificateTarget | undefined {
  const match = typeof inputs.keyVaultId === "string" ? KEY_VAULT_ID.exec(inputs.keyVaultId) : null;
  if (!match || typeof inputs.name !== "string" || inputs.name === "") return undefined;
  return { subscriptionId: match[1], resourceGroup: match[2], vault: match[3], name: inputs.name };
}

/** The certificate policy without its lifetime actions (what azurerm compares, L630-649). */
function policyWithoutLifetimeActions(inputs: State): unknown {
  const policy = inputs.certificatePolicy;
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) return policy;
  const { lifetimeActions: _actions, ...rest } = policy as State;
  void _actions;
  return rest;
}

/**
 * True when an update from `before` to `after` makes a new certificate version: the policy differs
 * other than in its lifetime actions (L630-660). Tags and lifetime actions alone are patched.
 */
export function makesNewVersion(before: State, after: State): boolean {
  return (
    canonical(policyWithoutLifetimeActions(before)) !==
    canonical(policyWithoutLifetimeActions(after))
  );
}

/** JSON with object keys sorted (the provider compares values, not key order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as State).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** A subject attribute's object identifier by its short name (RFC 4514 §3, RFC 5280 Appendix A). */
const SUBJECT_ATTRIBUTES: Record<string, string> = {
  CN: "2.5.4.3",
  OU: "2.5.4.11",
  O: "2.5.4.10",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  S: "2.5.4.8",
  C: "2.5.4.6",
  STREET: "2.5.4.9",
  SERIALNUMBER: "2.5.4.5",
  T: "2.5.4.12",
  TITLE: "2.5.4.12",
  SN: "2.5.4.4",
  G: "2.5.4.42",
  GN: "2.5.4.42",
  E: "1.2.840.113549.1.9.1",
  EMAIL: "1.2.840.113549.1.9.1",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
};

/**
 * The attributes of an X.509 distinguished name written as Key Vault takes it (`CN=a,OU=b`: RFC
 * 4514 string form, `\,` escaping a comma), or a reason it is none (Key Vault: "The subject name.
 * Should be a valid X509 distinguished Name", certificates.json 7.4 X509CertificateProperties.subject).
 */
export function parseSubject(subject: unknown): { oid: string; value: string }[] | string {
  if (typeof subject !== "string" || subject.trim() === "") return "the subject is empty";
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < subject.length; i++) {
    const c = subject[i];
    if (c === "\\" && i + 1 < subject.length) {
      current += subject[++i];
    } else if (c === "," || c === ";") {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  const attributes: { oid: string; value: string }[] = [];
  for (const part of parts) {
    const at = part.indexOf("=");
    const type = at < 0 ? "" : part.slice(0, at).trim().toUpperCase();
    const value = at < 0 ? "" : part.slice(at + 1).trim();
    const oid = /^\d+(\.\d+)+$/.test(type) ? type : SUBJECT_ATTRIBUTES[type];
    if (oid === undefined || value === "") {
      return `${JSON.stringify(part.trim())} is not an attribute of a distinguished name (such as CN=name)`;
    }
    attributes.push({ oid, value });
  }
  return attributes;
}

/** The key pair a policy asks for; undefined for one Key Vault cannot make (refused before). */
function keySpec(policy: State): SimulatedKeySpec | undefined {
  const key = (policy.keyProperties ?? {}) as State;
  const type = key.keyType;
  if (type === "RSA" || type === "RSA-HSM") {
    return typeof key.keySize === "number" ? { kind: "rsa", bits: key.keySize } : undefined;
  }
  if (type === "EC" || type === "EC-HSM") {
    const curve = key.curve;
    return curve === "P-256" || curve === "P-256K" || curve === "P-384" || curve === "P-521"
      ? { kind: "ec", curve }
      : undefined;
  }
  return undefined;
}

/** Key Vault's words for an input it refuses (400 BadParameter), or the provider's. */
function problemText(problem: InputProblem): string {
  const value = JSON.stringify(problem.value);
  return problem.enforcement === "apply"
    ? `the provider: \`${problem.input}\` ${problem.allowed} (${problem.source})`
    : `Key Vault: 400 BadParameter: Property ${problem.input} has invalid value ${value ?? "(unset)"}: ${problem.allowed} (${problem.source})`;
}

/** RFC 3339 to the second, as Go's `time.RFC3339` formats the attributes (L1172-1182). */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Key Vault's `recoveryLevel` of a vault's items (DeletionRecoveryLevel, certificates.json 7.4):
 * `Recoverable` under purge protection, else `Recoverable+Purgeable`; `Customized…` when the
 * retention is shorter than 90 days.
 */
function recoveryLevel(vaults: SimulatedKeyVaults, vault: string): string {
  const found = vaults.vault(vault);
  const protectedFromPurge = found !== "assumed" && found?.enablePurgeProtection === true;
  const customized = vaults.retentionDays(vault) < 90 ? "Customized" : "";
  return `${customized}Recoverable${protectedFromPurge ? "" : "+Purgeable"}`;
}

/** A create, update or re-create of one Key Vault certificate, with what the simulation knows. */
export interface KeyVaultCertificateStep {
  type: string;
  /** The resource's logical name (what `pulumi import` takes). */
  resourceName: string;
  inputs: State;
  /** Seeds the versions (the resource's simulation key). */
  seed: string;
  /** The run's clock, ms since the epoch: a new version's creation instant. */
  nowMs: number;
  /**
   * The provider's answer of the last deployment, when the stack's state holds the certificate
   * (an update); undefined for a create.
   */
  previous?: { inputs: State; id: string; state: State };
  /** `type::name` of the stack resource. */
  owner: string;
  vaults: SimulatedKeyVaults;
  /** See {@link KeyVaultDataRole}. */
  dataRole: KeyVaultDataRole;
  features: AzureKeyVaultFeatures;
  deployer: { objectId: string; clientId: string };
}

/** What the simulated provider answers for a Key Vault certificate. */
export interface KeyVaultCertificateAnswer {
  id: string;
  state: State;
  failure?: Refusal;
}

/** Key Vault's 403 to a data-plane call the deployer holds no role for. */
function forbidden(
  what: string,
  target: CertificateTarget,
  action: string,
  deployer: KeyVaultCertificateStep["deployer"],
): Refusal {
  return refuse(
    "keyvault-certificate-forbidden",
    `${what}: 403 Forbidden ForbiddenByRbac: Caller is not authorized to perform action on resource. Caller: appid=${deployer.clientId};oid=${deployer.objectId}; Action: 'Microsoft.KeyVault/vaults/certificates/${action}'; Resource: '${target.vault}/certificates/${target.name}'; Assignment: (not found); Vault: ${target.vault}. Grant the deploying identity Key Vault Certificates Officer (${KEY_VAULT_CERTIFICATES_OFFICER}) on vault ${target.vault} (docs/permissions.md).`,
  );
}

/**
 * The simulated create or update of a Key Vault certificate (see the module comment for the rules
 * and their order). A written version is recorded in `step.vaults`.
 */
export function simulateKeyVaultCertificate(
  step: KeyVaultCertificateStep,
): KeyVaultCertificateAnswer {
  const inputs = step.inputs;
  const what = `${step.type} "${step.resourceName}"`;
  const target = certificateTarget(inputs);
  // An unknown vault id or name (a preview): nothing is known of the certificate yet.
  if (target === undefined) return { id: "", state: inputs };
  const refused = (failure: Refusal): KeyVaultCertificateAnswer => ({
    id: step.previous?.id ?? "",
    state: step.previous?.state ?? inputs,
    failure,
  });

  const problems = validateInputs(KEYVAULT_CERTIFICATE, inputs, {
    enforcement: ["apply", "service"],
  });
  const policy = (inputs.certificatePolicy ?? {}) as State;
  const x509 = (policy.x509CertificateProperties ?? {}) as State;
  const subject = parseSubject(x509.subject);
  if (problems.length > 0 || typeof subject === "string") {
    const texts = problems.map(problemText);
    if (typeof subject === "string") {
      texts.push(
        `Key Vault: 400 BadParameter: Property ${"certificatePolicy.x509CertificateProperties.subject"} has invalid value: ${subject} ("The subject name. Should be a valid X509 distinguished Name", Azure/azure-rest-api-specs keyvault data-plane 7.4 certificates.json)`,
      );
    }
    return refused(refuse("keyvault-certificate-policy-invalid", `${what}: ${texts.join("; ")}`));
  }
  const key = keySpec(policy);
  if (key === undefined) {
    // Unknown key properties (a preview): the version cannot be made yet.
    return { id: step.previous?.id ?? "", state: step.previous?.state ?? inputs };
  }

  const previous = step.previous;
  if (previous && !makesNewVersion(previous.inputs, inputs)) {
    // Tags or lifetime actions only: UpdateCertificate (L662-679), the version stays.
    if (!holdsDataRole(step.dataRole, target.vault)) {
      return refused(forbidden(what, target, "update/action", step.deployer));
    }
    const attributes = Array.isArray(previous.state.certificateAttributes)
      ? (previous.state.certificateAttributes as State[]).map((a) => ({
          ...a,
          updated: rfc3339(step.nowMs),
        }))
      : previous.state.certificateAttributes;
    return {
      id: previous.id,
      state: {
        ...previous.state,
        tags: inputs.tags,
        certificatePolicy: inputs.certificatePolicy,
        certificateAttributes: attributes,
      },
    };
  }

  if (!holdsDataRole(step.dataRole, target.vault)) {
    return refused(forbidden(what, target, "create/action", step.deployer));
  }
  if (!previous) {
    const existing = step.vaults.certificate(target.vault, target.name, step.nowMs);
    if (existing?.state === "live" && existing.owner !== step.owner) {
      const id =
        existing.versionedId ??
        `https://${target.vault}.vault.azure.net/certificates/${target.name}`;
      const command = importCommand(KEYVAULT_CERTIFICATE, step.resourceName, id);
      return refused(
        refuse(
          "keyvault-certificate-exists",
          `${what}: A resource with the ID "${id}" already exists - to be managed via Terraform this resource needs to be imported into the State. Please see the resource documentation for "azurerm_key_vault_certificate" for more information. Adopt it: \`${command}\`, or delete it, then run pulumi up again.`,
          { importCommand: command },
        ),
      );
    }
    if (existing?.state === "deleted" && !step.features.recoverSoftDeletedCertificates) {
      const purge = rfc3339(existing.purgeAtMs);
      return refused(
        refuse(
          "keyvault-certificate-deleted-recoverable",
          `${what}: 409 Conflict ObjectIsDeletedButRecoverable: Certificate ${target.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the certificate can only be recovered or purged (until ${purge}). The provider recovers it itself unless features.keyVault.recoverSoftDeletedCertificates is false: recover it (\`az keyvault certificate recover --vault-name ${target.vault} --name ${target.name}\`) and run pulumi up again.`,
        ),
      );
    }
    // A soft-deleted name is recovered by the provider (RecoverDeletedCertificate, which Key Vault
    // Certificates Officer allows: certificates/recover/action), then given a new version.
  }
  return newVersion(step, target, policy, x509, key, subject);
}

/** A new version of the certificate: a self-signed certificate made from the policy, now. */
function newVersion(
  step: KeyVaultCertificateStep,
  target: CertificateTarget,
  policy: State,
  x509: State,
  key: SimulatedKeySpec,
  subject: { oid: string; value: string }[],
): KeyVaultCertificateAnswer {
  const previousVersion = step.previous?.state.version;
  const version = createHash("sha256")
    .update(
      `${step.seed}#version#${String(previousVersion ?? "")}#${step.nowMs}#${canonical(policy)}`,
    )
    .digest("hex")
    .slice(0, 32);
  const notBeforeMs = Math.floor(step.nowMs / 1000) * 1000;
  const months = typeof x509.validityInMonths === "number" ? x509.validityInMonths : 12;
  // Calendar months from the creation instant (the day clamped to the month's last, as .NET's
  // AddMonths and luxon do); Key Vault's own rounding is unverified.
  const notAfterMs = DateTime.fromMillis(notBeforeMs, { zone: "utc" }).plus({ months }).toMillis();
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  const der = issueSelfSignedCertificate({
    key,
    seed: `${step.seed}#${version}`,
    notBeforeMs,
    notAfterMs,
    subject,
    keyUsages: strings(x509.keyUsages),
    extendedKeyUsages: strings(x509.extendedKeyUsages),
  });
  const base = `https://${target.vault}.vault.azure.net`;
  const vaultArmId = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.KeyVault/vaults/${target.vault}`;
  const versionedId = `${base}/certificates/${target.name}/${version}`;
  step.vaults.certificateWritten(target.vault, target.name, step.owner, versionedId);
  const created = rfc3339(step.nowMs);
  return {
    id: versionedId,
    state: {
      ...step.inputs,
      id: versionedId,
      version,
      versionlessId: `${base}/certificates/${target.name}`,
      secretId: `${base}/secrets/${target.name}/${version}`,
      versionlessSecretId: `${base}/secrets/${target.name}`,
      resourceManagerId: `${vaultArmId}/certificates/${target.name}/versions/${version}`,
      resourceManagerVersionlessId: `${vaultArmId}/certificates/${target.name}`,
      certificateData: der.toString("hex").toUpperCase(),
      certificateDataBase64: der.toString("base64"),
      thumbprint: createHash("sha1").update(der).digest("hex").toUpperCase(),
      certificateAttributes: [
        {
          created,
          enabled: true,
          expires: rfc3339(notAfterMs),
          notBefore: rfc3339(notBeforeMs),
          recoveryLevel: recoveryLevel(step.vaults, target.vault),
          updated: created,
        },
      ],
    },
  };
}

/** What the deployment needs to delete a certificate of the stack's state. */
export interface KeyVaultCertificateDeletion {
  inputs: State;
  what: string;
  nowMs: number;
  vaults: SimulatedKeyVaults;
  dataRole: KeyVaultDataRole;
  features: AzureKeyVaultFeatures;
  deployer: KeyVaultCertificateStep["deployer"];
}

/**
 * Deletes a certificate of the stack's state (L814-867): refused without the data role; purged
 * when the provider's feature says so and the vault has no purge protection (an assumed vault,
 * whose protection is unknown, counts as protected: its name stays reserved); else soft-deleted,
 * with its companion secret and key, through the vault's retention.
 *
 * @returns the refusal, or undefined when the certificate was deleted
 */
export function deleteKeyVaultCertificate(
  deletion: KeyVaultCertificateDeletion,
): Refusal | undefined {
  const target = certificateTarget(deletion.inputs);
  if (target === undefined) return undefined;
  if (!holdsDataRole(deletion.dataRole, target.vault)) {
    return forbidden(deletion.what, target, "delete", deletion.deployer);
  }
  const vault = deletion.vaults.vault(target.vault);
  const purgeProtected = vault === "assumed" || vault?.enablePurgeProtection !== false;
  deletion.vaults.certificateDeleted(
    target.vault,
    target.name,
    deletion.nowMs,
    deletion.features.purgeSoftDeletedCertificatesOnDestroy && !purgeProtected,
    deletion.vaults.retentionDays(target.vault),
  );
  return undefined;
}
