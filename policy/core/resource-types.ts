/**
 * Pulumi type tokens of the credentials and secrets the pack governs, and predicates over them.
 *
 * Sources: @pulumi/azuread 6.x (terraform-provider-azuread 3.x), @pulumi/azure-native 2.x/3.x
 * (`Microsoft.KeyVault/vaults/secrets` and `Microsoft.Authorization/roleAssignments`, default and
 * API-versioned modules), @pulumi/azure
 * (`azurerm_key_vault_secret`, `azurerm_key_vault_certificate`), @pulumi/pulumi (`Stash`) and
 * @pulumiverse/time (`time_rotating`).
 */

/** `azuread.ApplicationPassword`: a client secret added to an application (Graph `addPassword`). */
export const APPLICATION_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
/** `azuread.ServicePrincipalPassword`: a client secret added to a service principal. */
export const SERVICE_PRINCIPAL_PASSWORD =
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
/** `azuread.ApplicationCertificate`: a certificate (key credential) of an application. */
export const APPLICATION_CERTIFICATE =
  "azuread:index/applicationCertificate:ApplicationCertificate";
/** `azuread.ServicePrincipalCertificate`: a certificate (key credential) of a service principal. */
export const SERVICE_PRINCIPAL_CERTIFICATE =
  "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate";
/** `azuread.ServicePrincipalTokenSigningCertificate`: a SAML token-signing certificate. */
export const TOKEN_SIGNING_CERTIFICATE =
  "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate";
/** `azuread.Application`, whose inline `password` block is also a client secret. */
export const APPLICATION = "azuread:index/application:Application";
/** `azuread.ServicePrincipal`: the enterprise application of an app registration. */
export const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
/** `azuread.ApplicationFederatedIdentityCredential`: a workload identity federation (no secret). */
export const APPLICATION_FEDERATED_IDENTITY_CREDENTIAL =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
/**
 * `azuread.ApplicationFlexibleFederatedIdentityCredential` (@pulumi/azuread 6.9): a federated
 * credential matched by a claims-matching expression instead of a subject (inputs `applicationId`,
 * `audience` — one string —, `claimsMatchingExpression`, `displayName`, `issuer`, `description`).
 */
export const APPLICATION_FLEXIBLE_FEDERATED_IDENTITY_CREDENTIAL =
  "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential";
/** `tls.PrivateKey` of @pulumi/tls (terraform-provider-tls `tls_private_key`). */
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
/** `tls.SelfSignedCert` of @pulumi/tls (`tls_self_signed_cert`). */
export const TLS_SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";
/** `tls.LocallySignedCert` of @pulumi/tls (`tls_locally_signed_cert`). */
export const TLS_LOCALLY_SIGNED_CERT = "tls:index/locallySignedCert:LocallySignedCert";
/** `tls.CertRequest` of @pulumi/tls (`tls_cert_request`). */
export const TLS_CERT_REQUEST = "tls:index/certRequest:CertRequest";
/** `random.RandomId` of @pulumi/random (terraform-provider-random `random_id`). */
export const RANDOM_ID = "random:index/randomId:RandomId";
/** `random.RandomString` of @pulumi/random (`random_string`). */
export const RANDOM_STRING = "random:index/randomString:RandomString";
/** `random.RandomPassword` of @pulumi/random (`random_password`). */
export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
/** azure-native Key Vault secret, default module (`Microsoft.KeyVault/vaults/secrets`). */
export const KEYVAULT_SECRET = "azure-native:keyvault:Secret";
/** azure-native Key Vault, default module (`Microsoft.KeyVault/vaults`). */
export const KEYVAULT_VAULT = "azure-native:keyvault:Vault";
/** `azure.keyvault.Secret` of the classic provider: `expirationDate` is RFC 3339. */
export const CLASSIC_KEYVAULT_SECRET = "azure:keyvault/secret:Secret";
/** `time.Rotating` of @pulumiverse/time: output `rotationRfc3339`. */
export const TIME_ROTATING = "time:index/rotating:Rotating";
/**
 * `azure.keyvault.Certificate` of the classic provider (terraform-provider-azurerm
 * `azurerm_key_vault_certificate`): a certificate Key Vault generates from a `certificatePolicy`
 * (or imports), with `tags`, outputs `certificateData` (hex DER), `thumbprint`, `version`.
 * Source: node_modules/@pulumi/azure/keyvault/certificate.js, `Certificate.__pulumiType`.
 */
export const KEYVAULT_CERTIFICATE = "azure:keyvault/certificate:Certificate";
/**
 * The alias @pulumi/azure registers for {@link KEYVAULT_CERTIFICATE} (certificate.js:
 * `aliases: [{ type: "azure:keyvault/certifiate:Certifiate" }]`), the misspelt token of early
 * releases: a state written then may still hold it.
 */
export const KEYVAULT_CERTIFICATE_ALIAS = "azure:keyvault/certifiate:Certifiate";
/**
 * `pulumi.Stash` (@pulumi/pulumi stash.js, `super("pulumi:index:Stash", …)`): keeps in the state
 * the value its `input` had when it was created (output `output`), until it is replaced.
 */
export const PULUMI_STASH = "pulumi:index:Stash";

/** True for a classic-provider Key Vault certificate, under its token or its alias. */
export function isKeyVaultCertificateType(type: string): boolean {
  return type === KEYVAULT_CERTIFICATE || type === KEYVAULT_CERTIFICATE_ALIAS;
}

/** azure-native Key Vault secret under the default module or any API-version module. */
const AZURE_NATIVE_KEYVAULT_SECRET = /^azure-native:keyvault(?:\/v[0-9a-z]+)?:Secret$/;

/** Password credentials with their own resource: these carry `rotateWhenChanged`. */
export const PASSWORD_TYPES: readonly string[] = [APPLICATION_PASSWORD, SERVICE_PRINCIPAL_PASSWORD];
/** Certificate credentials (no `rotateWhenChanged`). */
export const CERTIFICATE_TYPES: readonly string[] = [
  APPLICATION_CERTIFICATE,
  SERVICE_PRINCIPAL_CERTIFICATE,
  TOKEN_SIGNING_CERTIFICATE,
];

/** The kind of credential a resource type carries, which decides its default end date. */
export type CredentialKind =
  "password" | "inlinePassword" | "certificate" | "tokenSigningCertificate";

/**
 * Classifies an Entra ID credential resource type. `Application` is reported as
 * `inlinePassword` (the caller still has to check that the block is set). Federated identity
 * credentials carry no secret and give `undefined`, as does any other type.
 */
export function credentialKind(type: string): CredentialKind | undefined {
  if (PASSWORD_TYPES.includes(type)) return "password";
  if (type === TOKEN_SIGNING_CERTIFICATE) return "tokenSigningCertificate";
  if (CERTIFICATE_TYPES.includes(type)) return "certificate";
  if (type === APPLICATION) return "inlinePassword";
  return undefined;
}

/**
 * True when an `Application`'s `password` value (read with the unknowns helpers) holds a block: an
 * object, or a non-empty list of them.
 */
export function hasInlinePassword(password: unknown): boolean {
  return Array.isArray(password)
    ? password.length > 0
    : typeof password === "object" && password !== null;
}

/** True for password resources that support `rotateWhenChanged`. */
export function isPasswordType(type: string): boolean {
  return PASSWORD_TYPES.includes(type);
}

/** Which provider models a Key Vault secret, which decides where its expiry lives. */
export type KeyVaultSecretFlavour = "azure-native" | "azure-classic";

/**
 * Classifies a Key Vault secret type: `azure-native` (`properties.attributes.expires`, seconds
 * since the epoch; tokens `azure-native:keyvault:Secret`, `azure-native:keyvault/v20230701:Secret`,
 * …) or `azure-classic` (`azure:keyvault/secret:Secret`, `expirationDate` RFC 3339).
 */
export function keyVaultSecretFlavour(type: string): KeyVaultSecretFlavour | undefined {
  if (AZURE_NATIVE_KEYVAULT_SECRET.test(type)) return "azure-native";
  if (type === CLASSIC_KEYVAULT_SECRET) return "azure-classic";
  return undefined;
}

/** azure-native role assignment, default module (`Microsoft.Authorization/roleAssignments`). */
export const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** azure-native role assignment under the default module or any API-version module. */
const AZURE_NATIVE_ROLE_ASSIGNMENT = /^azure-native:authorization(?:\/v[0-9a-z]+)?:RoleAssignment$/;

/**
 * True for an azure-native role assignment: `azure-native:authorization:RoleAssignment`,
 * `azure-native:authorization/v20220401:RoleAssignment`, … (inputs `scope`, `roleDefinitionId`,
 * `principalId`, `principalType`, `condition`).
 */
export function isRoleAssignmentType(type: string): boolean {
  return AZURE_NATIVE_ROLE_ASSIGNMENT.test(type);
}

/**
 * Which kind of federated identity credential a resource type declares: `subject` (an exact
 * `subject`, inputs `issuer`, `subject`, `audiences` — a list of one) or `flexible` (inputs
 * `issuer`, `claimsMatchingExpression`, `audience` — one string). Neither carries a secret.
 */
export type FederatedCredentialFlavour = "subject" | "flexible";

/** Classifies a federated identity credential type; undefined for any other type. */
export function federatedCredentialFlavour(type: string): FederatedCredentialFlavour | undefined {
  if (type === APPLICATION_FEDERATED_IDENTITY_CREDENTIAL) return "subject";
  if (type === APPLICATION_FLEXIBLE_FEDERATED_IDENTITY_CREDENTIAL) return "flexible";
  return undefined;
}
