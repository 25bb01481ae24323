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
import { AZUREAD_APPS, AZUREAD_CREDENTIALS, AZUREAD_SPS } from "./sources";
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
  {
    type: APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
    provider: "azuread",
    upstream: "azuread_application_federated_identity_credential",
    schemaSource: `${AZUREAD_APPS}/application_federated_identity_credential_resource.go`,
    inputs: ["applicationId", "displayName", "audiences", "issuer", "subject", "description"],
    computedOutputs: ["credentialId"],
    replacingInputs: {
      inputs: ["applicationId", "displayName"],
      source: `${AZUREAD_APPS}/application_federated_identity_credential_resource.go schema ForceNew`,
    },
    secretOutputs: {
      outputs: [],
      source: `${AZUREAD_APPS}/application_federated_identity_credential_resource.go schema: no Sensitive attribute`,
    },
    validations: [
      ownerId(
        "application",
        `${AZUREAD_APPS}/application_federated_identity_credential_resource.go`,
      ),
      {
        input: "displayName",
        rule: { kind: "length", min: 1, max: 120 },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_federated_identity_credential_resource.go schema "display_name" validation.StringLenBetween(1, 120)`,
      },
      {
        input: "audiences",
        rule: { kind: "list", maxItems: 1, each: { kind: "length", min: 1 } },
        enforcement: "plan",
        source: `${AZUREAD_APPS}/application_federated_identity_credential_resource.go schema "audiences" MaxItems 1, Elem validation.StringIsNotEmpty`,
      },
    ],
    defaults: [],
  },
];
