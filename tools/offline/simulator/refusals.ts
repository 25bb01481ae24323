/**
 * Every refusal the simulated Azure can make, as a list of rules: an id, when the real engine meets
 * it (its phase), Azure's or the provider's answer with its error code, and the source of the rule.
 * The simulator refuses only through {@link refuse}, so each refusal names its rule;
 * test/simulator/refusals.test.ts triggers every rule and asserts its answer.
 *
 * The phase decides what the Pulumi engine does (pulumi/pulumi pkg/resource/deploy):
 * - `check`: the provider's `Check` fails (schema validators, CustomizeDiff). step_generator.go
 *   `generateSteps` marks the resource invalid, still sends it to the analyzers, then bails
 *   ("resource … is invalid"): `pulumi preview` and `pulumi up` stop there, whatever
 *   `--continue-on-error` says (it covers failed step executions only); resources registered later
 *   are not analysed and stack policies do not run.
 * - `read`: a Read step fails (`Resource.get` of an object that does not exist). Read steps run
 *   during previews (step.go, ReadStep.Apply), so `pulumi preview` stops on it; under `pulumi up
 *   --continue-on-error` the step executor records the failed step and goes on
 *   (step_executor.go `cancelDueToError`): the resources depending on it are skipped, the others
 *   are deployed.
 * - `apply`: Azure refuses a Create, Update or Delete. `pulumi preview` runs no such step, so it
 *   never sees the refusal; under `pulumi up` the resource policies judged the resource's inputs
 *   before its step ran (step_generator.go), and with `--continue-on-error` the step fails, the
 *   steps depending on it are skipped (deployment_executor.go), every other step still runs, and
 *   the stack policies are skipped because a step failed.
 */

import type { AppPolicyBreach } from "./appPolicies";

/** When the engine meets a refusal (see the module comment). */
export type RefusalPhase = "check" | "read" | "apply";

/** True for the phases `pulumi preview` meets (and stops on). */
export function isPlanTime(phase: RefusalPhase): boolean {
  return phase !== "apply";
}

/** One rule of the simulated Azure. */
export interface RefusalRule {
  phase: RefusalPhase;
  /** HTTP-like code: `NotFound`, `Forbidden`, `Conflict`, `BadRequest`. */
  code: string;
  /** What Azure or the provider answers (status and error code), as the user would see it. */
  answer: string;
  /** Where the rule comes from. */
  source: string;
}

/** Every rule, by id. */
export const REFUSAL_RULES = {
  "provider-input-invalid": {
    phase: "check",
    code: "BadRequest",
    answer:
      "the provider's schema validation fails the resource's Check (an attribute value outside what it accepts)",
    source:
      "the provider facts table, policy/core/provider-facts/ (each validation with its provider source)",
  },

  "object-not-found-read": {
    phase: "read",
    code: "NotFound",
    answer:
      "404 Request_ResourceNotFound while reading an existing application or service principal",
    source:
      "Microsoft Graph GET /applications/{id}, /servicePrincipals/{id}; pulumi/pulumi step.go (Read steps run during previews)",
  },
  "object-not-found-write": {
    phase: "apply",
    code: "NotFound",
    answer: "404 Request_ResourceNotFound when adding a credential to a missing object",
    source:
      "Microsoft Graph addPassword / application update on a deleted object; a federated credential: terraform-provider-azuread v3.8.0 application_federated_identity_credential_resource.go L113-116 (GetApplication before the POST)",
  },
  "owned-by-not-owner": {
    phase: "apply",
    code: "Forbidden",
    answer: "403 Authorization_RequestDenied: Insufficient privileges to complete the operation",
    source:
      "Microsoft Graph permissions reference, Application.ReadWrite.OwnedBy; terraform-provider-azuread docs/resources/service_principal_password.md",
  },
  "service-principal-locked": {
    phase: "apply",
    code: "BadRequest",
    answer: "400 CannotUpdateLockedServicePrincipalProperty",
    source:
      "Microsoft Entra docs, How to configure app instance property lock; Azure/azure-cli#28734",
  },
  "personal-account-password-limit": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 Bad Request: applications whose signInAudience includes personal Microsoft accounts hold at most two client secrets",
    source:
      "https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation (passwordCredentials: maximum of two client secrets)",
  },
  "personal-account-symmetric-key": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 Bad Request: applications whose signInAudience includes personal Microsoft accounts accept only encryption and asymmetric signing keys",
    source:
      "https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation (keyCredentials)",
  },
  "app-policy-credential-lifetime": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 CredentialInvalidLifetimeAsPerAppPolicy: Credential lifetime exceeds the max value allowed as per assigned policy '<id>' (an app management policy's passwordLifetime, symmetricKeyLifetime or asymmetricKeyLifetime)",
    source:
      "https://learn.microsoft.com/entra/identity/enterprise-apps/configure-app-management-policies; Microsoft Graph tenantAppManagementPolicy, appManagementPolicy and passwordCredentialConfiguration (restrictForAppsCreatedAfterDateTime, state); Azure/azure-cli#28522 (addPassword answers it); microsoft/PubSec-Info-Assistant#681 (azuread_application_password: ApplicationsClient.BaseClient.Post(): unexpected status 400 with OData error CredentialInvalidLifetimeAsPerAppPolicy)",
  },
  "app-policy-credential-type": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 CredentialTypeNotAllowedAsPerAppPolicy: an app management policy blocks the credential's type (passwordAddition, symmetricKeyAddition)",
    source:
      "https://learn.microsoft.com/entra/identity/enterprise-apps/configure-app-management-policies (passwordAddition: block new passwords); OfficeDev/microsoft-365-agents-toolkit packages/fx-core/src/component/driver/aad/utility/constants.ts aadErrorCode.credentialTypeNotAllowedAsPerAppPolicy and aadAppClient.ts generateClientSecret (addPassword's 400 answer)",
  },
  "federated-credential-invalid": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 Bad Request: Graph refuses a federated identity credential's value the provider let through (a name outside 3–120 letters, digits, '-' and '_' starting with a letter or digit; an issuer, subject, audience or description over 600 characters; no audience)",
    source:
      "the provider facts table, policy/core/provider-facts/azuread.ts (the federated identity credential row's `service` validations: https://learn.microsoft.com/graph/api/resources/federatedidentitycredential and https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust, each quoted)",
  },
  "federated-credential-duplicate": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 InvalidFederatedIdentityCredentialValue: The combination of issuer and subject must be unique for the application",
    source:
      "https://learn.microsoft.com/graph/api/resources/federatedidentitycredential (issuer: \"The combination of the values of issuer and subject must be unique within the app\"); Graph's answer: Azure/azure-workload-identity#434; the provider facts table's create conflict same-issuer-subject",
  },
  "federated-credential-limit": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 Bad Request: an application holds at most 20 federated identity credentials (Graph's exact error text is not documented)",
    source:
      'https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust ("A maximum of 20 federated identity credentials can be added to an application or user-assigned managed identity"); the provider facts table\'s create limit per-application',
  },
  "key-credential-value-invalid": {
    phase: "apply",
    code: "BadRequest",
    answer: "the key credential's value is not a certificate in the given encoding",
    source:
      "terraform-provider-azuread internal/helpers/credentials/credentials.go (KeyCredentialForResource decodes the value)",
  },
  "key-credential-end-after-certificate": {
    phase: "apply",
    code: "BadRequest",
    answer: "400 Key credential end date is invalid.",
    source: "Azure/azure-cli#11146; Azure/azure-rest-api-specs#11985",
  },
  "tls-private-key-invalid": {
    phase: "apply",
    code: "BadRequest",
    answer: "the tls provider cannot parse private_key_pem when it creates the certificate",
    source: "terraform-provider-tls internal/provider/resource_self_signed_cert.go (Create)",
  },
  "keyvault-secret-deleted-recoverable": {
    phase: "apply",
    code: "Conflict",
    answer: "409 Conflict ObjectIsDeletedButRecoverable",
    source:
      "Azure Key Vault soft delete; pulumi-azure-native#4759 (recovers on create when the caller may)",
  },
  "keyvault-secret-delete-forbidden": {
    phase: "apply",
    code: "Forbidden",
    answer:
      "403 Forbidden: the caller is not authorized (Microsoft.KeyVault/vaults/secrets/delete)",
    source:
      "pulumi-azure-native provider/pkg/resources/customresources/custom_keyvault.go (deletes through the data plane)",
  },
  "keyvault-certificate-policy-invalid": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "the provider cannot build the certificate policy (`key_size` is required when creating an RSA key, `curve` when creating an EC key), or Key Vault answers 400 BadParameter to a policy it does not accept (an RSA key size other than 2048, 3072 or 4096; an exportable HSM or oct key; a content type other than PKCS#12 or PEM; a lifetime trigger out of range; a validity outside 1–1200 months; a subject that is no X.509 distinguished name)",
    source:
      "the provider facts table, policy/core/provider-facts/azure.ts (the Key Vault certificate row's `apply` and `service` validations, each with its source)",
  },
  "keyvault-certificate-forbidden": {
    phase: "apply",
    code: "Forbidden",
    answer:
      "403 Forbidden ForbiddenByRbac: Caller is not authorized to perform action on resource (Microsoft.KeyVault/vaults/certificates/…): the deployer holds neither Key Vault Certificates Officer nor Key Vault Administrator on the vault",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-certificates-officer (dataActions Microsoft.KeyVault/vaults/certificates/*); https://learn.microsoft.com/azure/key-vault/general/rbac-guide (data-plane roles; ForbiddenByRbac)",
  },
  "keyvault-certificate-exists": {
    phase: "apply",
    code: "Conflict",
    answer:
      'A resource with the ID "<id>" already exists - to be managed via Terraform this resource needs to be imported into the State.',
    source:
      "hashicorp/terraform-provider-azurerm@v4.80.0 internal/services/keyvault/key_vault_certificate_resource.go L488-498 (GetCertificate before the create; tf.ImportAsExistsError)",
  },
  "keyvault-certificate-deleted-recoverable": {
    phase: "apply",
    code: "Conflict",
    answer:
      "409 Conflict ObjectIsDeletedButRecoverable: the certificate's name is soft-deleted and the provider's keyVault.recoverSoftDeletedCertificates feature is off",
    source:
      "hashicorp/terraform-provider-azurerm@v4.80.0 key_vault_certificate_resource.go L532-546 (recovers on 409 when RecoverSoftDeletedCerts), internal/provider/features.go L153-158 (Default: true); Azure Key Vault soft delete",
  },
  "role-assignment-input-invalid": {
    phase: "apply",
    code: "BadRequest",
    answer:
      "400 InvalidRoleAssignmentId / InvalidPrincipalId / InvalidRoleDefinitionId (or another input ARM refuses): azure-native passes these inputs unchecked, ARM refuses the PUT",
    source:
      "the provider facts table, policy/core/provider-facts/azure-native.ts (the role assignment row's `service` validations, each with ARM's answer and its source)",
  },
  "azure-native-already-exists": {
    phase: "apply",
    code: "Conflict",
    answer:
      "cannot create already existing resource '<id>': azure-native reads the resource before its PUT and refuses to create over one the stack does not hold",
    source:
      "pulumi/pulumi-azure-native@006a62a provider/pkg/provider/provider.go defaultCreate → crud.go CanCreate → provider/pkg/azure/client_azcore.go azCoreClient.CanCreate",
  },
  "role-assignment-write-forbidden": {
    phase: "apply",
    code: "Forbidden",
    answer:
      "403 AuthorizationFailed: the client does not have authorization or an ABAC condition not fulfilled to perform action 'Microsoft.Authorization/roleAssignments/write'",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting (Symptom - Unable to assign a role)",
  },
  "role-assignment-scope-not-found": {
    phase: "apply",
    code: "NotFound",
    answer:
      "404 ResourceNotFound: The Resource '<type>/<name>' under resource group '<group>' was not found (the assignment's scope does not exist)",
    source:
      "Azure/azure-cli#15243 (ARM's answer to a role assignment scoped to a resource that does not exist)",
  },
  "role-assignment-exists": {
    phase: "apply",
    code: "Conflict",
    answer: "409 Conflict RoleAssignmentExists: The role assignment already exists.",
    source:
      "hashicorp/terraform-provider-azurerm#28557, #28694 (the same scope, role and principal under another name); Azure/bicep discussion #19690",
  },
} as const satisfies Record<string, RefusalRule>;

/** The id of a rule of {@link REFUSAL_RULES}. */
export type RefusalRuleId = keyof typeof REFUSAL_RULES;

/** Why Azure refuses a step: the rule, its phase and code, and the message the user would see. */
export interface Refusal {
  rule: RefusalRuleId;
  phase: RefusalPhase;
  /** HTTP-like code: `NotFound`, `Forbidden`, `Conflict`, `BadRequest`. */
  code: string;
  message: string;
  /**
   * For a resource that exists but is not in the stack: the `pulumi import` command that adopts
   * it, as the message quotes it (./roleAssignments.ts `importCommand`; the simulated Azure adds
   * the `--parent` of a component's child).
   */
  importCommand?: string;
  /**
   * For the `app-policy-*` rules: the restriction that refuses the credential, where it comes from
   * and, for a lifetime, the figures (./appPolicies.ts).
   */
  appPolicy?: AppPolicyBreach;
}

/**
 * A refusal under `rule`, with its phase and code (and, for an existing resource, its import; for
 * an app management policy, the restriction).
 */
export function refuse(
  rule: RefusalRuleId,
  message: string,
  extra: Pick<Refusal, "importCommand" | "appPolicy"> = {},
): Refusal {
  const { phase, code } = REFUSAL_RULES[rule];
  return { rule, phase, code, message, ...extra };
}
