/**
 * The azure-native rows (pulumi/pulumi-azure-native and the Azure REST API specs): Key Vault
 * secrets and vaults.
 */
import { KEYVAULT_SECRET, KEYVAULT_VAULT } from "../resource-types";
import { AZURE_NATIVE_DIFF, KV_NAMING_DOCS, KV_SECRETS_SPEC } from "./sources";
import type { ProviderFacts, Validation } from "./types";

/** The azure-native rows, in table order. */
export const AZURE_NATIVE_ROWS: readonly ProviderFacts[] = [
  {
    type: KEYVAULT_SECRET,
    provider: "azure-native",
    upstream: "Microsoft.KeyVault/vaults/secrets",
    schemaSource: KV_SECRETS_SPEC,
    inputs: ["resourceGroupName", "vaultName", "secretName", "properties", "tags"],
    computedOutputs: ["properties.secretUri", "properties.secretUriWithVersion"],
    replacingInputs: {
      inputs: ["resourceGroupName", "vaultName", "secretName"],
      source: `${AZURE_NATIVE_DIFF}; path parameters: ${KV_SECRETS_SPEC} Secrets_CreateOrUpdate`,
      note: "a changed value, content type or expiry is an update (a new secret version)",
    },
    secretOutputs: {
      outputs: [],
      source:
        `${KV_SECRETS_SPEC} SecretProperties.value carries no x-ms-secret, so azure-native marks nothing ` +
        "secret; the ARM API never returns the value",
      note: "the program must pass the value as a secret itself (pulumi.secret)",
    },
    validations: [
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{3,24}$",
          description: "3–24 letters, digits or hyphens",
        },
        enforcement: "service",
        source: `${KV_SECRETS_SPEC} Secrets_CreateOrUpdate parameter vaultName pattern`,
      },
      {
        input: "secretName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{1,127}$",
          description: "1–127 letters, digits or hyphens",
        },
        enforcement: "service",
        source: `${KV_SECRETS_SPEC} Secrets_CreateOrUpdate parameter secretName pattern`,
      },
      ...["properties.attributes.expires", "properties.attributes.notBefore"].map(
        (input): Validation => ({
          input,
          rule: { kind: "integer", min: 0 },
          enforcement: "service",
          source: `${KV_SECRETS_SPEC} Attributes.${input.endsWith("expires") ? "exp" : "nbf"} (integer, unixtime: seconds since 1970-01-01T00:00:00Z)`,
        }),
      ),
    ],
    defaults: [],
  },
  {
    type: KEYVAULT_VAULT,
    provider: "azure-native",
    upstream: "Microsoft.KeyVault/vaults",
    schemaSource:
      "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault (keyvault.json)",
    inputs: ["resourceGroupName", "vaultName", "location", "properties", "tags"],
    computedOutputs: ["properties.vaultUri"],
    replacingInputs: {
      inputs: ["resourceGroupName", "vaultName"],
      source: `${AZURE_NATIVE_DIFF}; path parameters of Vaults_CreateOrUpdate`,
      note: "whether a changed `location` replaces the vault (x-ms-mutability) is unverified",
    },
    secretOutputs: {
      outputs: [],
      source: "Vaults_CreateOrUpdate body: no x-ms-secret property",
    },
    validations: [
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z0-9-]{3,24}$",
          description: "3–24 letters, digits or hyphens",
        },
        enforcement: "service",
        source:
          "Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json Vaults_CreateOrUpdate parameter vaultName pattern",
      },
      {
        input: "vaultName",
        rule: {
          kind: "pattern",
          pattern: "^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$",
          description: "starts with a letter, ends with a letter or digit, no consecutive hyphens",
        },
        enforcement: "service",
        source: KV_NAMING_DOCS,
        note: "globally unique as well",
      },
      {
        input: "properties.softDeleteRetentionInDays",
        rule: { kind: "integer", min: 7, max: 90 },
        enforcement: "service",
        source:
          'Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json VaultProperties.softDeleteRetentionInDays ("accepts >=7 and <=90")',
      },
    ],
    defaults: [
      {
        input: "properties.softDeleteRetentionInDays",
        value: "90",
        source:
          "Azure/azure-rest-api-specs Microsoft.KeyVault keyvault.json VaultProperties.softDeleteRetentionInDays default",
      },
    ],
  },
];
