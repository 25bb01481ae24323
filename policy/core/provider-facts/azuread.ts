/**
 * The azuread rows (terraform-provider-azuread, bridged by @pulumi/azuread): applications,
 * service principals, their passwords and certificates, token-signing certificates and federated
 * identity credentials.
 */
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
  APPLICATION_PASSWORD,
  SERVICE_PRINCIPAL,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TOKEN_SIGNING_CERTIFICATE,
} from "../resource-types";
import {
  endDateRelative,
  ownerId,
  PASSWORD_DEFAULT_LIFETIME,
  PERSONAL_ACCOUNT_SIGN_IN_AUDIENCES,
  rfc3339,
  SIGN_IN_AUDIENCES,
  TOKEN_SIGNING_DEFAULT_LIFETIME,
} from "./rules";
import {
  AZUREAD_APPS,
  AZUREAD_CREDENTIALS,
  AZUREAD_FIC,
  AZUREAD_SPS,
  ENTRA_FIC_TRUST,
  GRAPH_FIC,
} from "./sources";
import type { ProviderFacts } from "./types";

const PASSWORD_INPUTS = [
  "endDate",
  "endDateRelative",
  "startDate",
  "rotateWhenChanged",
  "displayName",
];
const CERTIFICATE_INPUTS = [
  "endDate",
  "endDateRelative",
  "startDate",
  "value",
  "keyId",
  "type",
  "encoding",
];

function passwordRow(kind: "application" | "servicePrincipal"): ProviderFacts {
  const app = kind === "application";
  const file = app
    ? `${AZUREAD_APPS}/application_password_resource.go`
    : `${AZUREAD_SPS}/service_principal_password_resource.go`;
  return {
    type: app ? APPLICATION_PASSWORD : SERVICE_PRINCIPAL_PASSWORD,
    provider: "azuread",
    upstream: app ? "azuread_application_password" : "azuread_service_principal_password",
    schemaSource: file,
    inputs: [...PASSWORD_INPUTS, app ? "applicationId" : "servicePrincipalId"],
    computedOutputs: ["keyId", "value"],
    replacingInputs: {
      inputs: "*",
      source: `${file} schema: every argument ForceNew (the resource has no Update)`,
    },
    secretOutputs: { outputs: ["value"], source: `${file} schema "value" Sensitive` },
    validations: [
      ownerId(kind, file),
      rfc3339("startDate", file),
      rfc3339("endDate", file),
      ...endDateRelative(file),
    ],
    defaults: [
      {
        input: "endDate",
        value: `Graph's default: startDate + ${PASSWORD_DEFAULT_LIFETIME} (the provider sends no end date)`,
        source: "https://learn.microsoft.com/graph/api/application-addpassword (endDateTime)",
      },
      {
        input: "endDateRelative",
        value:
          "ignored: PasswordCredentialForResource forwards it, PasswordCredential never reads " +
          "it, so Graph's 2-year default applies",
        source: `${AZUREAD_CREDENTIALS} PasswordCredentialForResource, PasswordCredential`,
      },
      {
        input: "startDate",
        value: "now; startDate/endDate are sent as time.RFC3339 (whole seconds)",
        source: `${AZUREAD_CREDENTIALS} PasswordCredential (startDate.Format(time.RFC3339))`,
      },
    ],
  };
}

function certificateRow(kind: "application" | "servicePrincipal"): ProviderFacts {
  const app = kind === "application";
  const file = app
    ? `${AZUREAD_APPS}/application_certificate_resource.go`
    : `${AZUREAD_SPS}/service_principal_certificate_resource.go`;
  return {
    type: app ? APPLICATION_CERTIFICATE : SERVICE_PRINCIPAL_CERTIFICATE,
    provider: "azuread",
    upstream: app ? "azuread_application_certificate" : "azuread_service_principal_certificate",
    schemaSource: file,
    inputs: [...CERTIFICATE_INPUTS, app ? "applicationId" : "servicePrincipalId"],
    computedOutputs: [],
    replacingInputs: {
      inputs: "*",
      source: `${file} schema: every argument ForceNew (the resource has no Update)`,
    },
    secretOutputs: {
      outputs: ["value"],
      source: `${file} schema "value" Sensitive (an input: the certificate data)`,
    },
    validations: [
      ownerId(kind, file),
      {
        input: "type",
        rule: {
          kind: "enum",
          values: app
            ? ["AsymmetricX509Cert", "Symmetric"]
            : ["AsymmetricX509Cert", "X509CertAndPassword"],
        },
        enforcement: "plan",
        source: app
          ? `${file} schema "type" validation.StringInSlice(["AsymmetricX509Cert", "Symmetric"], false)`
          : `${file} schema "type" validation.StringInSlice(possibleValuesForKeyCredentialType, false); ` +
            `${AZUREAD_SPS}/constants.go possibleValuesForKeyCredentialType`,
      },
      {
        input: "encoding",
        rule: { kind: "enum", values: ["base64", "hex", "pem"] },
        enforcement: "plan",
        source: `${file} schema "encoding" validation.StringInSlice(["base64", "hex", "pem"], false)`,
      },
      {
        input: "keyId",
        rule: { kind: "uuid" },
        enforcement: "plan",
        source: `${file} schema "key_id" ValidateFunc validation.IsUUID`,
      },
      rfc3339("startDate", file),
      rfc3339("endDate", file),
      ...endDateRelative(file),
    ],
    defaults: [
      { input: "encoding", value: "pem", source: `${file} schema "encoding" Default "pem"` },
      {
        input: "endDate",
        value: "decided by the API, typically about 2 years from the start date",
        source: `${file} schema "end_date" Description`,
      },
      {
        input: "endDateRelative",
        value:
          "now + duration; with startDate set it fails (the duration is parsed as the start date)",
        source: `${AZUREAD_CREDENTIALS} KeyCredentialForResource`,
      },
      {
        input: "keyId",
        value: "a random UUID",
        source: `${AZUREAD_CREDENTIALS} KeyCredentialForResource (uuid.GenerateUUID)`,
      },
    ],
  };
}

/**
 * `azuread_application_federated_identity_credential` (AZUREAD_FIC: v3.8.0, the release
 * @pulumi/azuread 6.9.1 bridges; line numbers are that file's). The provider checks only the
 * application id's form, the name's length and the one non-empty audience (plan); Graph and Entra
 * ID refuse the rest when the credential is created (service): the name's form, values over 600
 * characters, an issuer and subject another credential of the application has, a 21st credential.
 */
function federatedIdentityCredentialRow(): ProviderFacts {
  const file = AZUREAD_FIC;
  const unchecked = (attribute: string, lines: string) =>
    `not checked by the provider: ${file} L${lines} schema "${attribute}" has no ValidateFunc`;
  return {
    type: APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
    provider: "azuread",
    upstream: "azuread_application_federated_identity_credential",
    schemaSource: `${file} L45-97 (applicationFederatedIdentityCredentialResource Schema)`,
    inputs: ["applicationId", "displayName", "audiences", "issuer", "subject", "description"],
    computedOutputs: ["credentialId"],
    replacingInputs: {
      inputs: ["applicationId", "displayName"],
      source: `${file} L46-52 "application_id" ForceNew, L66-72 "display_name" ForceNew`,
      note:
        "issuer, subject, audiences and description are updated in place " +
        "(applicationFederatedIdentityCredentialResourceUpdate: PATCH with the same id; the name is " +
        "immutable). A replacement is create-before-delete unless deleteBeforeReplace: the new " +
        "credential is created while the old one, with the same issuer and subject, still exists " +
        "(see createConflicts same-issuer-subject)",
    },
    secretOutputs: {
      outputs: [],
      source: `${file} L45-97 schema: no Sensitive attribute`,
    },
    validations: [
      ownerId("application", `${file} L46-52`),
      {
        input: "displayName",
        rule: { kind: "length", min: 1, max: 120 },
        enforcement: "plan",
        source: `${file} L66-72 schema "display_name" ValidateFunc validation.StringLenBetween(1, 120)`,
      },
      {
        input: "displayName",
        rule: {
          kind: "pattern",
          pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$",
          description:
            "3–120 letters, digits, '-' or '_', the first a letter or digit (URL friendly)",
        },
        enforcement: "service",
        source:
          `${ENTRA_FIC_TRUST} ("name … This field has a character limit of 3-120 characters and ` +
          "must be URL friendly. Alphanumeric, dash, or underscore characters are supported, the " +
          `first character must be alphanumeric only. It's immutable once created."); ${GRAPH_FIC} ` +
          '(name: "has a limit of 120 characters and must be URL friendly")',
        note: "the provider checks only 1–120 characters: a name such as `ab` or `my.cred` passes the preview and fails at create",
      },
      {
        input: "audiences",
        rule: { kind: "list", maxItems: 1, each: { kind: "length", min: 1 } },
        enforcement: "plan",
        source:
          `${file} L54-64 schema "audiences" TypeList Required, MaxItems 1, Elem ValidateFunc ` +
          'validation.StringIsNotEmpty ("the API now only accepts a single value")',
      },
      {
        input: "audiences",
        rule: {
          kind: "list",
          minItems: 1,
          maxItems: 1,
          each: { kind: "length", min: 1, max: 600 },
        },
        enforcement: "service",
        source:
          `${GRAPH_FIC} (audiences: "This field can only accept a single value and has a limit ` +
          'of 600 characters. Required.")',
        note: "exactly one audience: the provider bounds the list at one (plan), Graph requires one",
      },
      {
        input: "issuer",
        rule: { kind: "length", min: 1, max: 600 },
        enforcement: "service",
        source: `${GRAPH_FIC} (issuer: "It has a limit of 600 characters"); ${ENTRA_FIC_TRUST} (issuer: "This field has a character limit of 600 characters")`,
        note: `${unchecked("issuer", "74-78")}, updated in place`,
      },
      {
        input: "subject",
        rule: { kind: "length", min: 1, max: 600 },
        enforcement: "service",
        source: `${GRAPH_FIC} (subject: "It has a limit of 600 characters")`,
        note:
          `${unchecked("subject", "80-84")}, updated in place. Wildcards are not supported in any ` +
          `property ("Wildcard characters aren't supported in any federated identity credential ` +
          `property value", ${ENTRA_FIC_TRUST}); whether Graph refuses a '*' or stores it literally ` +
          "is not documented, so the table does not refuse it (the stack config does)",
      },
      {
        input: "description",
        rule: { kind: "length", max: 600 },
        enforcement: "service",
        source: `${GRAPH_FIC} (description: "limit of 600 characters")`,
        note: unchecked("description", "86-90"),
      },
    ],
    defaults: [],
    createConflicts: [
      {
        id: "same-issuer-subject",
        key: ["applicationId", "issuer", "subject"],
        when:
          "another federated identity credential of the same application has this issuer and this " +
          "subject (compared exactly), whatever its name: one made by hand, one of another stack, or " +
          "the old copy of this credential while a create-before-delete replacement (a new " +
          "displayName) creates the new one",
        enforcement: "service",
        answer:
          "400 InvalidFederatedIdentityCredentialValue: The combination of issuer and subject must be " +
          "unique for the application. Issuer {issuer} and Subject: {subject} already exist.",
        source:
          `${GRAPH_FIC} (issuer: "The combination of the values of issuer and subject must be ` +
          "unique within the app\"); Graph's answer: Azure/azure-workload-identity#434 (POST " +
          "/applications/{id}/federatedIdentityCredentials answered 400 " +
          "InvalidFederatedIdentityCredentialValue)",
        remedy:
          "remove the other credential; to rename one (a new displayName replaces it), replace it " +
          "delete-before-create (the deleteBeforeReplace resource option), or change its issuer or " +
          "subject in the same deployment",
      },
    ],
    createLimits: [
      {
        id: "per-application",
        per: "applicationId",
        max: 20,
        enforcement: "service",
        answer:
          "400 Bad Request: the application already holds 20 federated identity credentials, the most it may hold",
        source:
          `${ENTRA_FIC_TRUST} ("A maximum of 20 federated identity credentials can be added to an ` +
          "application or user-assigned managed identity\"); Graph's exact error text is not documented",
        remedy:
          "remove credentials nobody uses, or split the workloads over several applications " +
          "(microsoftgraph/microsoft-graph-docs-contrib#8433)",
      },
    ],
    importId: {
      format: "{objectId}/federatedIdentityCredential/{credentialId}",
      source:
        `${file} L40-43 Importer parse.FederatedIdentityCredentialID; ` +
        "hashicorp/terraform-provider-azuread@v3.8.0 internal/services/applications/parse/credentials.go " +
        '(ObjectSubResourceID(id, "federatedIdentityCredential"))',
    },
  };
}

/** The azuread rows, in table order. */
export const AZUREAD_ROWS: readonly ProviderFacts[] = [
  {
    type: APPLICATION,
    provider: "azuread",
    upstream: "azuread_application",
    schemaSource: `${AZUREAD_APPS}/application_resource.go`,
    inputs: ["displayName", "signInAudience", "owners", "api", "password", "templateId"],
    computedOutputs: ["clientId", "objectId"],
    replacingInputs: {
      inputs: ["templateId"],
      source: `${AZUREAD_APPS}/application_resource.go schema: "template_id" is the only ForceNew argument`,
      note:
        "the inline `password` block is not ForceNew: changing it updates the application in " +
        "place (see credentialReplacingInputs)",
    },
    credentialReplacingInputs: {
      inputs: ["password"],
      source:
        `${AZUREAD_APPS}/application_resource.go applicationResourceUpdate (d.HasChange("password"): ` +
        "RemovePassword of the old key, wait for deletion, then AddPassword — no overlap)",
    },
    secretOutputs: {
      outputs: ["password.value"],
      source: `${AZUREAD_APPS}/application_resource.go schema "password" → "value" Sensitive`,
      note: "nested: @pulumi/azuread lists no additionalSecretOutputs; the bridge marks it secret",
    },
    validations: [
      {
        input: "displayName",
        rule: { kind: "length", min: 1 },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_resource.go schema "display_name" validation.StringIsNotEmpty`,
      },
      {
        input: "displayName",
        rule: { kind: "length", max: 256 },
        enforcement: "service",
        source:
          "https://learn.microsoft.com/graph/api/resources/application (displayName: maximum length 256)",
        note: "not checked by the provider",
      },
      {
        input: "signInAudience",
        rule: { kind: "enum", values: SIGN_IN_AUDIENCES },
        enforcement: "plan",
        source:
          `${AZUREAD_APPS}/application_resource.go schema "sign_in_audience" validation.StringInSlice(` +
          `possibleValuesForSignInAudience, false); ${AZUREAD_APPS}/constants.go`,
      },
      {
        input: "signInAudience",
        rule: {
          kind: "requiresWhen",
          whenValues: PERSONAL_ACCOUNT_SIGN_IN_AUDIENCES,
          then: "api.requestedAccessTokenVersion",
          equals: 2,
        },
        enforcement: "plan",
        source:
          `${AZUREAD_APPS}/application_resource.go applicationResourceCustomizeDiff ("requested_access_token_version" ` +
          "must be 2 when sign_in_audience is AzureADandPersonalMicrosoftAccount or PersonalMicrosoftAccount)",
      },
      {
        input: "api.requestedAccessTokenVersion",
        rule: { kind: "enum", values: [1, 2] },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_resource.go schema api."requested_access_token_version" ValidateDiagFunc ("Value must be one of: 1, 2")`,
      },
      {
        input: "owners",
        rule: { kind: "list", maxItems: 100, each: { kind: "uuid" } },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_resource.go schema "owners" MaxItems 100, Elem ValidateFunc validation.IsUUID`,
      },
      {
        input: "templateId",
        rule: { kind: "uuid" },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_resource.go schema "template_id" validation.IsUUID`,
      },
    ],
    defaults: [
      {
        input: "signInAudience",
        value: "AzureADMyOrg",
        source: `${AZUREAD_APPS}/application_resource.go schema "sign_in_audience" Default SignInAudienceAzureADMyOrg`,
      },
      {
        input: "api.requestedAccessTokenVersion",
        value: "1",
        source: `${AZUREAD_APPS}/application_resource.go schema api."requested_access_token_version" Default 1`,
      },
    ],
    importId: {
      format: "/applications/{objectId}",
      source: `${AZUREAD_APPS}/application_resource.go Importer stable.ValidateApplicationID`,
    },
  },
  {
    type: SERVICE_PRINCIPAL,
    provider: "azuread",
    upstream: "azuread_service_principal",
    schemaSource: `${AZUREAD_SPS}/service_principal_resource.go`,
    inputs: ["clientId", "owners"],
    computedOutputs: ["objectId"],
    replacingInputs: {
      inputs: ["clientId"],
      source: `${AZUREAD_SPS}/service_principal_resource.go schema: "client_id" is the only ForceNew argument`,
    },
    secretOutputs: {
      outputs: [],
      source: `${AZUREAD_SPS}/service_principal_resource.go schema: no Sensitive attribute`,
    },
    validations: [
      {
        input: "clientId",
        rule: { kind: "uuid" },
        enforcement: "plan",
        source: `${AZUREAD_SPS}/service_principal_resource.go schema "client_id" validation.IsUUID`,
      },
      {
        input: "owners",
        rule: { kind: "list", each: { kind: "uuid" } },
        enforcement: "plan",
        source: `${AZUREAD_SPS}/service_principal_resource.go schema "owners" Elem validation.IsUUID (no MaxItems)`,
      },
    ],
    defaults: [],
    importId: {
      format: "/servicePrincipals/{objectId}",
      source: `${AZUREAD_SPS}/service_principal_resource.go Importer stable.ValidateServicePrincipalID`,
    },
  },
  passwordRow("application"),
  passwordRow("servicePrincipal"),
  certificateRow("application"),
  certificateRow("servicePrincipal"),
  {
    type: TOKEN_SIGNING_CERTIFICATE,
    provider: "azuread",
    upstream: "azuread_service_principal_token_signing_certificate",
    schemaSource: `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go`,
    inputs: ["endDate", "displayName", "servicePrincipalId"],
    computedOutputs: ["keyId", "startDate", "thumbprint", "value"],
    replacingInputs: {
      inputs: "*",
      source: `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go schema: every argument ForceNew`,
    },
    secretOutputs: {
      outputs: ["value"],
      source: `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go schema "value" Sensitive`,
    },
    validations: [
      ownerId(
        "servicePrincipal",
        `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go`,
      ),
      {
        input: "displayName",
        rule: { kind: "pattern", pattern: "^CN=.+$|^$", description: "`CN=<name>` or empty" },
        enforcement: "plan",
        source:
          `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go schema "display_name" ` +
          'validation.StringMatch("^CN=.+$|^$")',
      },
      rfc3339("endDate", `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go`),
    ],
    defaults: [
      {
        input: "endDate",
        value: `${TOKEN_SIGNING_DEFAULT_LIFETIME} from the creation`,
        source: `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go schema "end_date" Description`,
      },
    ],
  },
  federatedIdentityCredentialRow(),
];
