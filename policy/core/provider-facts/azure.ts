/**
 * The classic Azure provider's rows (hashicorp/terraform-provider-azurerm, bridged by
 * @pulumi/azure): the Key Vault certificate Key Vault generates from a certificate policy, with
 * what azurerm checks (its schema validators, and the checks it makes while it builds the request)
 * and what Key Vault's data plane refuses when it creates a certificate version.
 */
import { KEYVAULT_CERTIFICATE } from "../resource-types";
import {
  AZURERM_CERTIFICATE,
  AZURERM_FEATURES,
  AZURERM_HELPERS,
  KV_ABOUT_CERTIFICATES,
  KV_CERTIFICATES_SPEC,
} from "./sources";
import type { ProviderFacts } from "./types";

/** Key Vault's key types (azurerm `key_type`, the JSON Web Key types Key Vault certificates take). */
export const KEYVAULT_CERTIFICATE_KEY_TYPES: readonly string[] = [
  "EC",
  "EC-HSM",
  "RSA",
  "RSA-HSM",
  "oct",
];
/** The key usages of a certificate policy (azurerm `key_usage`; Key Vault's `KeyUsageType`). */
export const KEYVAULT_CERTIFICATE_KEY_USAGES: readonly string[] = [
  "cRLSign",
  "dataEncipherment",
  "decipherOnly",
  "digitalSignature",
  "encipherOnly",
  "keyAgreement",
  "keyCertSign",
  "keyEncipherment",
  "nonRepudiation",
];
/** RSA key sizes Key Vault creates. */
export const KEYVAULT_RSA_KEY_SIZES: readonly number[] = [2048, 3072, 4096];
/** The content types of a certificate's companion secret. */
export const KEYVAULT_CERTIFICATE_CONTENT_TYPES: readonly string[] = [
  "application/x-pkcs12",
  "application/x-pem-file",
];

const POLICY = "certificatePolicy";
const KEY = `${POLICY}.keyProperties`;
const X509 = `${POLICY}.x509CertificateProperties`;
const ACTIONS = `${POLICY}.lifetimeActions[]`;

/** The azure rows, in table order. */
export const AZURE_ROWS: readonly ProviderFacts[] = [
  {
    type: KEYVAULT_CERTIFICATE,
    provider: "azure",
    upstream: "azurerm_key_vault_certificate",
    schemaSource: `${AZURERM_CERTIFICATE} resourceKeyVaultCertificate (schema L58-410)`,
    inputs: ["name", "keyVaultId", "certificatePolicy", "certificate", "tags"],
    computedOutputs: [
      "certificateData",
      "certificateDataBase64",
      "thumbprint",
      "version",
      "versionlessId",
      "secretId",
      "versionlessSecretId",
      "resourceManagerId",
      "resourceManagerVersionlessId",
      "certificateAttributes",
    ],
    replacingInputs: {
      inputs: ["name", "keyVaultId"],
      source:
        `${AZURERM_CERTIFICATE} L59-64 ("name": ForceNew) and L66 ("key_vault_id": ` +
        "commonschema.ResourceIDReferenceRequiredForceNew); no other attribute is ForceNew",
      note:
        "a changed certificate policy (lifetime actions aside) creates a new version of the same " +
        "certificate in place (L630-660: createCertificate, then d.SetId(<new versioned id>)): new " +
        "certificateData, thumbprint, version and ids; a change of tags or lifetime actions only " +
        "patches the certificate (L662-679 UpdateCertificate) and keeps its version",
    },
    secretOutputs: {
      outputs: ["certificate"],
      source:
        `${AZURERM_CERTIFICATE} L68-90 ("certificate" contents and password: Sensitive), inputs of ` +
        "an import only; a generated certificate's state holds the public DER (certificate_data, " +
        "L788-798), ids and attributes, never a private key",
    },
    validations: [
      {
        input: "name",
        rule: { kind: "length", min: 1, max: 127 },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L63 ValidateFunc keyvault.ValidateNestedItemName → ${AZURERM_HELPERS}/keyvault/nested_item.go L154-170 ("\`%s\` must be between 1 and 127 characters in length")`,
      },
      {
        input: "name",
        rule: {
          kind: "pattern",
          pattern: "^[0-9a-zA-Z-]+$",
          description: "letters, digits and hyphens",
        },
        enforcement: "plan",
        source: `${AZURERM_HELPERS}/keyvault/nested_item.go L154-170 (regexp \`^[0-9a-zA-Z-]+$\`: "may only contain alphanumeric characters and dashes")`,
      },
      {
        input: "keyVaultId",
        rule: {
          kind: "pattern",
          pattern:
            "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[^/]+$",
          description:
            "a Key Vault resource id /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{name} (exact case)",
        },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L66 commonschema.ResourceIDReferenceRequiredForceNew(&commonids.KeyVaultId{}) → ${AZURERM_HELPERS}/commonschema/resource_id_reference.go L61-85 (parser.Parse(value, false): case-sensitive segments)`,
      },
      {
        input: `${KEY}.keyType`,
        rule: { kind: "enum", values: KEYVAULT_CERTIFICATE_KEY_TYPES },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L151-161 "key_type" validation.StringInSlice({EC, EC-HSM, RSA, RSA-HSM, oct}, false)`,
      },
      {
        input: `${KEY}.keyType`,
        rule: { kind: "enum", values: ["EC", "EC-HSM", "RSA", "RSA-HSM"] },
        enforcement: "service",
        source:
          "RFC 5280 §4.1.2.7 (a certificate's subjectPublicKeyInfo carries a public key: a symmetric key " +
          `cannot back one); ${KV_ABOUT_CERTIFICATES} lists oct among the "Supported keytypes"`,
        note: "Key Vault's answer to a certificate policy with an oct key is unverified",
      },
      {
        input: `${KEY}.keySize`,
        rule: { kind: "enum", values: [256, 384, 521, 2048, 3072, 4096] },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L138-150 "key_size" validation.IntInSlice({256, 384, 521, 2048, 3072, 4096})`,
      },
      {
        input: `${KEY}.keySize`,
        rule: { kind: "requiredWhen", when: `${KEY}.keyType`, whenValues: ["RSA", "RSA-HSM"] },
        enforcement: "apply",
        source: `${AZURERM_CERTIFICATE} L933-936 expandKeyVaultCertificatePolicy ("\`key_size\` is required when creating an RSA key")`,
      },
      {
        input: `${KEY}.keySize`,
        rule: {
          kind: "enumWhen",
          when: `${KEY}.keyType`,
          whenValues: ["RSA", "RSA-HSM"],
          values: KEYVAULT_RSA_KEY_SIZES,
        },
        enforcement: "service",
        source:
          `${KV_CERTIFICATES_SPEC} → keys.json KeyProperties.key_size ("The key size in bits. For example: ` +
          '2048, 3072, or 4096 for RSA."); jackofallops/kermit sdk/keyvault/7.4/keyvault/models.go:2783; ' +
          "https://learn.microsoft.com/javascript/api/@azure/keyvault-certificates/certificatepolicyproperties (keySize)",
        note: "256, 384 and 521 are EC sizes, which azurerm lets through for any key type",
      },
      {
        input: `${KEY}.curve`,
        rule: { kind: "enum", values: ["P-256", "P-256K", "P-384", "P-521"] },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L123-133 "curve" validation.StringInSlice({P-256, P-256K, P-384, P-521}, false)`,
      },
      {
        input: `${KEY}.curve`,
        rule: { kind: "requiredWhen", when: `${KEY}.keyType`, whenValues: ["EC", "EC-HSM"] },
        enforcement: "apply",
        source: `${AZURERM_CERTIFICATE} L918-921 expandKeyVaultCertificatePolicy ("\`curve\` is required when creating an EC key")`,
      },
      {
        input: `${KEY}.exportable`,
        rule: {
          kind: "enumWhen",
          when: `${KEY}.keyType`,
          whenValues: ["RSA-HSM", "EC-HSM", "oct"],
          values: [false],
        },
        enforcement: "service",
        source: `${KV_ABOUT_CERTIFICATES} ("Exportable or non-exportable key": "Exportable is only allowed with RSA, EC. HSM keys would be non-exportable.")`,
        note: "Key Vault's exact error text is unverified",
      },
      {
        input: `${ACTIONS}.action.actionType`,
        rule: { kind: "enum", values: ["AutoRenew", "EmailContacts"] },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L180-187 "action_type" validation.StringInSlice({AutoRenew, EmailContacts}, false)`,
        note:
          "AutoRenew passes: Key Vault then renews the certificate by itself, outside any deployment " +
          `(${AZURERM_CERTIFICATE} L750 Read takes the newest version; the pack's keyvault-certificate rules report it)`,
      },
      {
        input: `${ACTIONS}.trigger.lifetimePercentage`,
        rule: { kind: "integer", min: 1, max: 99 },
        enforcement: "service",
        source: `${KV_CERTIFICATES_SPEC} Trigger.lifetime_percentage (minimum 1, maximum 99: "Percentage of lifetime at which to trigger. Value should be between 1 and 99."); azurerm has no validator (L202-205)`,
      },
      {
        input: `${ACTIONS}.trigger.daysBeforeExpiry`,
        rule: {
          kind: "integerUpTo",
          min: 1,
          other: `${X509}.validityInMonths`,
          factor: 27,
        },
        enforcement: "service",
        source: `${KV_CERTIFICATES_SPEC} Trigger.days_before_expiry ("Value should be between 1 and validity_in_months multiplied by 27."); azurerm has no validator (L198-201)`,
      },
      {
        input: `${POLICY}.secretProperties.contentType`,
        rule: { kind: "enum", values: KEYVAULT_CERTIFICATE_CONTENT_TYPES },
        enforcement: "service",
        source:
          `${KV_CERTIFICATES_SPEC} CertificateBundle.contentType ("eg. 'application/x-pem-file' or ` +
          "'application/x-pkcs12'\"); https://learn.microsoft.com/javascript/api/@azure/keyvault-certificates/certificatepolicyproperties " +
          `(contentType: PKCS#12 or PEM); ${KV_ABOUT_CERTIFICATES} (PFX or PEM); azurerm has no validator (L218-221)`,
        note: "Key Vault's exact error text is unverified",
      },
      {
        input: `${X509}.keyUsages`,
        rule: { kind: "enumList", values: KEYVAULT_CERTIFICATE_KEY_USAGES },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L242-259 "key_usage" TypeSet, Elem validation.StringInSlice({cRLSign, dataEncipherment, decipherOnly, digitalSignature, encipherOnly, keyAgreement, keyCertSign, keyEncipherment, nonRepudiation}, false)`,
      },
      {
        input: `${X509}.extendedKeyUsages`,
        rule: { kind: "list", each: { kind: "length", min: 1 } },
        enforcement: "plan",
        source: `${AZURERM_CERTIFICATE} L233-241 "extended_key_usage" Elem validation.StringIsNotEmpty (no OID format check)`,
      },
      {
        input: `${X509}.validityInMonths`,
        rule: { kind: "integer", min: 1, max: 1200 },
        enforcement: "service",
        source:
          `${KV_CERTIFICATES_SPEC} X509CertificateProperties.validity_months (int32, "minimum": 0; azurerm: no ` +
          "validator, L313-316); the portal's range 1–1200 (Azure/bicep-registry-modules#304, \"Confirmed the " +
          'range of valid values in the Portal"; modules/deployment-scripts/create-kv-certificate/main.bicep ' +
          "@minValue(1) @maxValue(1200))",
        note: "a certificate valid 0 months cannot be issued; Key Vault's exact answer to 0 is unverified",
      },
    ],
    defaults: [
      {
        input: "certificateAttributes",
        value:
          "created, expires, notBefore, updated in RFC 3339 (Go time.RFC3339, whole seconds), enabled, recoveryLevel",
        source: `${AZURERM_CERTIFICATE} L1158-1193 flattenKeyVaultCertificateAttribute`,
      },
      {
        input: "certificateData",
        value:
          "the version's DER in upper-case hex; certificateDataBase64 the same DER in base64; thumbprint the upper-case hex SHA-1 of the DER",
        source: `${AZURERM_CERTIFICATE} L788-809 (strings.ToUpper(hex.EncodeToString(cert.Cer)); x5t decoded)`,
      },
      {
        input: "version",
        value:
          "the version the resource id names, not the newest: after an AutoRenew a refresh shows the new certificateData but the old version",
        source: `${AZURERM_CERTIFICATE} L750 (GetCertificate(…, "") reads the newest), L773 (d.Set("version", id.Version))`,
      },
    ],
    createConflicts: [
      {
        id: "same-name",
        key: ["keyVaultId", "name"],
        when: "the vault holds a certificate of that name that the stack's state does not hold",
        enforcement: "apply",
        answer:
          'A resource with the ID "{id}" already exists - to be managed via Terraform this resource needs to be imported into the State.',
        source: `${AZURERM_CERTIFICATE} L488-498 (GetCertificate before the create; tf.ImportAsExistsError)`,
        remedy:
          "adopt it: pulumi import azure:keyvault/certificate:Certificate <resource name> {id}",
      },
      {
        id: "soft-deleted",
        key: ["keyVaultId", "name"],
        when:
          "the name is soft-deleted (within the vault's retention) and the provider's feature " +
          "keyVault.recoverSoftDeletedCertificates is off (by default it recovers the certificate, then creates a new version)",
        enforcement: "service",
        answer:
          "409 Conflict ObjectIsDeletedButRecoverable: Certificate {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the certificate can only be recovered or purged.",
        source: `${AZURERM_CERTIFICATE} L532-546 (createCertificate; on 409 and RecoverSoftDeletedCerts: RecoverDeletedCertificate, then createCertificate again); ${AZURERM_FEATURES} L153-158 (recover_soft_deleted_certificates, Default: true)`,
        remedy: "az keyvault certificate recover --vault-name <vault> --name <name> (or purge it)",
      },
    ],
    importId: {
      format: "https://{vault}.vault.azure.net/certificates/{name}/{version}",
      source: `${AZURERM_CERTIFICATE} L45-48 Importer: keyvault.ParseNestedItemID(id, VersionTypeVersioned, NestedItemTypeCertificate)`,
    },
  },
];
