/**
 * Where the provider facts were read: the repositories, commits and files (or documents) the
 * rows and rules cite in their `source` fields. The snapshots are listed in `index.ts`.
 */

export const AZUREAD = "hashicorp/terraform-provider-azuread@f0169e0";
export const AZUREAD_APPS = `${AZUREAD} internal/services/applications`;
export const AZUREAD_SPS = `${AZUREAD} internal/services/serviceprincipals`;
export const AZUREAD_CREDENTIALS = `${AZUREAD} internal/helpers/credentials/credentials.go`;
export const AZUREAD_RFC3339 =
  `${AZUREAD} internal/helpers/tf/validation/pluginsdk.go IsRFC3339Time → terraform-plugin-sdk ` +
  "helper/validation/time.go: time.Parse(time.RFC3339, v)";
export const TLS = "hashicorp/terraform-provider-tls@d72d90e internal/provider";
export const TLS_WO =
  "hashicorp/terraform-provider-tls PR #789 (write-only private key inputs, merged 2026-07, after " +
  "the snapshot read); present in @pulumi/tls 5.6.1 (additionalSecretOutputs, input docs)";
export const RANDOM = "hashicorp/terraform-provider-random@ad788e2 internal";
export const TIME =
  "hashicorp/terraform-provider-time@16bc819 internal/provider/resource_time_rotating.go";
export const AZURE_NATIVE_DIFF =
  "pulumi/pulumi-azure-native provider/pkg/provider/diff.go calculateDetailedDiff (every PUT path " +
  "parameter forces replacement; body properties only when create-only via x-ms-mutability or " +
  "listed in provider/pkg/gen/replacement.go forceNewMap, which has no KeyVault entry)";
export const KV_SECRETS_SPEC =
  "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/" +
  "2023-07-01/secrets.json";
export const KV_NAMING_DOCS =
  "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault";
export const RFC5280_UB =
  "RFC 5280 Appendix A.1 (ub-common-name INTEGER ::= 64, ub-serial-number INTEGER ::= 64)";
