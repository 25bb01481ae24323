/**
 * Where the provider facts were read: the repositories, commits and files (or documents) the
 * rows and rules cite in their `source` fields. The snapshots are listed in `index.ts`.
 */

export const AZUREAD = "hashicorp/terraform-provider-azuread@f0169e0";
export const AZUREAD_APPS = `${AZUREAD} internal/services/applications`;
export const AZUREAD_SPS = `${AZUREAD} internal/services/serviceprincipals`;
export const AZUREAD_CREDENTIALS = `${AZUREAD} internal/helpers/credentials/credentials.go`;
/**
 * The federated identity credential's resource, in the release @pulumi/azuread 6.9.1 bridges
 * (pulumi/pulumi-azuread v6.9.1 provider/go.mod → terraform-provider-azuread 38d1993a1ea6 = v3.8.0);
 * the file is the same at f0169e0 (`git diff v3.8.0 f0169e0` of it is empty). Line numbers are v3.8.0's.
 */
export const AZUREAD_FIC =
  "hashicorp/terraform-provider-azuread@v3.8.0 internal/services/applications/" +
  "application_federated_identity_credential_resource.go";
/** Microsoft Graph v1.0, the federatedIdentityCredential resource (its properties' limits). */
export const GRAPH_FIC =
  "https://learn.microsoft.com/graph/api/resources/federatedidentitycredential " +
  "(microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/resources/federatedidentitycredential.md @028b8e35)";
/** Microsoft Entra, "Configure an app to trust an external identity provider" (limits, name rule). */
export const ENTRA_FIC_TRUST =
  "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust " +
  "(MicrosoftDocs/entra-docs docs/workload-id/workload-identity-federation-create-trust.md)";
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
export const AZURE_NATIVE = "pulumi/pulumi-azure-native";
/** What the generated SDK the program uses says: the default module's API version, its defaults. */
export const AZURE_NATIVE_SDK_ROLE_ASSIGNMENT =
  '@pulumi/azure-native 3.28.0 authorization/roleAssignment.d.ts ("Uses Azure REST API version ' +
  '2022-04-01") and authorization/roleAssignment.js';
export const AUTHZ_SPEC =
  "Azure/azure-rest-api-specs@007a51d specification/authorization/resource-manager/" +
  "Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json";
export const AUTHZ_COMMON_TYPES =
  "Azure/azure-rest-api-specs@8cfbb5f specification/authorization/resource-manager/" +
  "Microsoft.Authorization/stable/2022-04-01/common-types.json";
export const AZURE_NATIVE_FORCE_NEW =
  `${AZURE_NATIVE}@f8d3054 provider/pkg/gen/replacement.go forceNewMap, line 14 ` +
  '("RoleAssignment": codegen.NewStringSet("principalId", "scope"))';
export const AZURE_NATIVE_CREATE =
  `${AZURE_NATIVE}@006a62a provider/pkg/provider/provider.go Create → defaultCreate ("First check ` +
  'if the resource already exists": crudClient.CanCreate before the PUT; RoleAssignment is a custom ' +
  "resource with a Read only, provider/pkg/resources/customresources/custom_roleassignment.go, so its " +
  "Create takes defaultCreate) → provider/pkg/provider/crud/crud.go CanCreate → " +
  "provider/pkg/azure/client_azcore.go azCoreClient.CanCreate (a GET answered 200 with a body: " +
  "fmt.Errorf(\"cannot create already existing resource '%s'\", id))";
export const ARM_ROLE_ASSIGNMENT_EXISTS =
  'hashicorp/terraform-provider-azurerm#28557 (Status=409 Code="RoleAssignmentExists" Message="The ' +
  'role assignment already exists."), #28694 ("Scope, role_name, and principal_id define the role ' +
  "assignment … API responds a 409 conflict error when create a new role assignment with the same " +
  'trio but different name"); Azure/bicep discussion #19690';
export const RBAC_TROUBLESHOOTING =
  "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting";
/**
 * The Key Vault certificate's resource in the release @pulumi/azure 6.x bridges: pulumi/pulumi-azure
 * e593615b ("Upgrade terraform-provider-azurerm to v4.80.0 (#3593)", latest tag v6.39.0; 6.40.0, the
 * installed package, was published after it); the file is the same in v4.79.0–v4.81.0. Line numbers
 * are v4.80.0's (6556cf1).
 */
export const AZURERM_CERTIFICATE =
  "hashicorp/terraform-provider-azurerm@v4.80.0 internal/services/keyvault/key_vault_certificate_resource.go";
/** go-azure-helpers v0.80.0 (azurerm v4.80.0's go.mod), vendored: resource ids and item names. */
export const AZURERM_HELPERS =
  "hashicorp/terraform-provider-azurerm@v4.80.0 vendor/github.com/hashicorp/go-azure-helpers/resourcemanager";
/** The provider's feature flags (`features.keyVault.*` in Pulumi's provider config). */
export const AZURERM_FEATURES =
  "hashicorp/terraform-provider-azurerm@v4.80.0 internal/provider/features.go";
/**
 * Key Vault's data-plane API, version 7.4 (the one azurerm v4.80.0 calls: jackofallops/kermit
 * sdk/keyvault/7.4/keyvault).
 */
export const KV_CERTIFICATES_SPEC =
  "Azure/azure-rest-api-specs@406a1f3 specification/keyvault/data-plane/Microsoft.KeyVault/stable/7.4/certificates.json";
/** Microsoft Learn, "About Azure Key Vault certificates". */
export const KV_ABOUT_CERTIFICATES =
  "https://learn.microsoft.com/azure/key-vault/certificates/about-certificates";
