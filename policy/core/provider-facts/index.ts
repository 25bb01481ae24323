/**
 * Provider facts: for every resource type the program, the policy pack and the tools use, which
 * inputs force a replacement, which attributes the provider holds secret, how it validates the
 * inputs the program sets, and the defaults that matter — each with the place it was read.
 *
 * Read from the providers' own source, not from the @pulumi/* SDKs' TypeScript docs (those are
 * generated and sometimes wrong: the camelCase `allowedUses` values in @pulumi/tls's `.d.ts` are a
 * generator artefact the provider refuses). Snapshots read:
 *
 * - hashicorp/terraform-provider-azuread @ f0169e0 (v3.9.0+, 2026-08), bridged by @pulumi/azuread 6.x;
 *   the federated identity credential at v3.8.0, the release @pulumi/azuread 6.9.1 bridges (its
 *   file is the same at f0169e0), with Microsoft Graph's and Entra ID's rules for what the service
 *   refuses (`federatedIdentityCredential`; "Configure an app to trust an external identity provider");
 * - hashicorp/terraform-provider-tls @ d72d90e (v4.2.1+, 2026-04), bridged by @pulumi/tls 5.x (5.6.1
 *   bridges a later release that also has the write-only `*_wo` key inputs, PR #789);
 * - hashicorp/terraform-provider-random @ ad788e2 (2026-06), bridged by @pulumi/random 4.x;
 * - hashicorp/terraform-provider-time @ 16bc819 (2026-07), bridged by @pulumiverse/time;
 * - hashicorp/terraform-provider-azurerm @ v4.80.0 (6556cf1), bridged by @pulumi/azure 6.x (pulumi/pulumi-azure
 *   e593615b), for the Key Vault certificate, with Key Vault's data-plane API 7.4 and Microsoft Learn
 *   for what the service refuses;
 * - pulumi/pulumi-azure-native `provider/pkg/provider/diff.go`, `provider/pkg/gen/schema.go` and
 *   Azure/azure-rest-api-specs `Microsoft.KeyVault/stable/2023-07-01/secrets.json`;
 * - for role assignments, pulumi/pulumi-azure-native @ 006a62a (`provider/pkg/provider/provider.go`,
 *   `crud/crud.go`, `azure/client_azcore.go`: the existence check before a create), @ f8d3054
 *   (`provider/pkg/gen/replacement.go`), @pulumi/azure-native 3.28.0 (API version 2022-04-01) and
 *   Azure/azure-rest-api-specs `Microsoft.Authorization/stable/2022-04-01`; ARM's answers from the
 *   issues each rule names.
 *
 * Names are Pulumi's (camelCase, as the program writes them; dotted for nested inputs, e.g.
 * `subject.commonName`); enum values are the provider's wire values: the Terraform bridge passes
 * strings through unchanged (no enum translation), so `allowedUses` takes `digital_signature`.
 *
 * Runtime-free: no @pulumi/* imports, so the policy pack, the simulator and the preview can share it.
 */
export {
  PASSWORD_DEFAULT_LIFETIME,
  PERSONAL_ACCOUNT_SIGN_IN_AUDIENCES,
  SIGN_IN_AUDIENCES,
  TLS_ALLOWED_USES,
  TOKEN_SIGNING_DEFAULT_LIFETIME,
} from "./rules";
export { PROVIDER_FACTS } from "./table";
export { ARM_SCOPE_PATTERN, PRINCIPAL_TYPES, ROLE_DEFINITION_ID_PATTERN } from "./azure-native";
export {
  KEYVAULT_CERTIFICATE_CONTENT_TYPES,
  KEYVAULT_CERTIFICATE_KEY_TYPES,
  KEYVAULT_CERTIFICATE_KEY_USAGES,
  KEYVAULT_RSA_KEY_SIZES,
} from "./azure";
export {
  createConflictsOf,
  createLimitsOf,
  credentialReplacingInputsOf,
  factsOf,
  replacingInputsOf,
  secretOutputsOf,
  validateInputs,
} from "./queries";
export type { InputProblem, ValidateOptions } from "./queries";
export type {
  ConditionalReplacement,
  CreateConflict,
  CreateLimit,
  Default,
  Enforcement,
  ProviderFacts,
  ProviderName,
  ReplacingInputs,
  Rule,
  SecretOutputs,
  Validation,
} from "./types";
