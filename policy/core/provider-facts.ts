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
 * - hashicorp/terraform-provider-tls @ d72d90e (v4.2.1+, 2026-04), bridged by @pulumi/tls 5.x (5.6.1
 *   bridges a later release that also has the write-only `*_wo` key inputs, PR #789);
 * - hashicorp/terraform-provider-random @ ad788e2 (2026-06), bridged by @pulumi/random 4.x;
 * - hashicorp/terraform-provider-time @ 16bc819 (2026-07), bridged by @pulumiverse/time;
 * - pulumi/pulumi-azure-native `provider/pkg/provider/diff.go`, `provider/pkg/gen/schema.go` and
 *   Azure/azure-rest-api-specs `Microsoft.KeyVault/stable/2023-07-01/secrets.json`.
 *
 * Names are Pulumi's (camelCase, as the program writes them; dotted for nested inputs, e.g.
 * `subject.commonName`); enum values are the provider's wire values: the Terraform bridge passes
 * strings through unchanged (no enum translation), so `allowedUses` takes `digital_signature`.
 *
 * Runtime-free: no @pulumi/* imports, so the policy pack, the simulator and the preview can share it.
 */
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
  APPLICATION_PASSWORD,
  KEYVAULT_SECRET,
  KEYVAULT_VAULT,
  RANDOM_ID,
  RANDOM_PASSWORD,
  RANDOM_STRING,
  SERVICE_PRINCIPAL,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TIME_ROTATING,
  TLS_CERT_REQUEST,
  TLS_LOCALLY_SIGNED_CERT,
  TLS_PRIVATE_KEY,
  TLS_SELF_SIGNED_CERT,
  TOKEN_SIGNING_CERTIFICATE,
} from "./resource-types";
import { UNKNOWN_SENTINELS } from "./unknown-sentinels";

// ---------------------------------------------------------------------------------------------
// Source locations
// ---------------------------------------------------------------------------------------------

const AZUREAD = "hashicorp/terraform-provider-azuread@f0169e0";
const AZUREAD_APPS = `${AZUREAD} internal/services/applications`;
const AZUREAD_SPS = `${AZUREAD} internal/services/serviceprincipals`;
const AZUREAD_CREDENTIALS = `${AZUREAD} internal/helpers/credentials/credentials.go`;
const AZUREAD_RFC3339 =
  `${AZUREAD} internal/helpers/tf/validation/pluginsdk.go IsRFC3339Time → terraform-plugin-sdk ` +
  "helper/validation/time.go: time.Parse(time.RFC3339, v)";
const TLS = "hashicorp/terraform-provider-tls@d72d90e internal/provider";
const TLS_WO =
  "hashicorp/terraform-provider-tls PR #789 (write-only private key inputs, merged 2026-07, after " +
  "the snapshot read); present in @pulumi/tls 5.6.1 (additionalSecretOutputs, input docs)";
const RANDOM = "hashicorp/terraform-provider-random@ad788e2 internal";
const TIME =
  "hashicorp/terraform-provider-time@16bc819 internal/provider/resource_time_rotating.go";
const AZURE_NATIVE_DIFF =
  "pulumi/pulumi-azure-native provider/pkg/provider/diff.go calculateDetailedDiff (every PUT path " +
  "parameter forces replacement; body properties only when create-only via x-ms-mutability or " +
  "listed in provider/pkg/gen/replacement.go forceNewMap, which has no KeyVault entry)";
const KV_SECRETS_SPEC =
  "Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/" +
  "2023-07-01/secrets.json";
const KV_NAMING_DOCS =
  "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault";
const RFC5280_UB =
  "RFC 5280 Appendix A.1 (ub-common-name INTEGER ::= 64, ub-serial-number INTEGER ::= 64)";

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Which provider a row describes. */
export type ProviderName = "azuread" | "tls" | "random" | "time" | "azure-native";

/**
 * Who refuses a value that breaks a rule, and when:
 *
 * - `plan`: the provider, at check/plan time (a preview fails);
 * - `apply`: the provider or its libraries, when creating (the preview passes, the update fails);
 * - `service`: the cloud API (Graph, ARM), when creating;
 * - `standard`: a standard (RFC) bound nobody in the chain enforces — a certificate that breaks it
 *   is created, other software may reject it;
 * - `documented`: the provider documents the bound but does not check it.
 */
export type Enforcement = "plan" | "apply" | "service" | "standard" | "documented";

/** A rule over one input's value. */
export type Rule =
  /** One of `values`, compared exactly (case-sensitive). */
  | { readonly kind: "enum"; readonly values: readonly (string | number)[] }
  /** A list whose every element is one of `values` (exact). */
  | { readonly kind: "enumList"; readonly values: readonly string[] }
  /** A whole number within the bounds (inclusive). */
  | { readonly kind: "integer"; readonly min?: number; readonly max?: number }
  /** A string of `min`..`max` characters (inclusive). */
  | { readonly kind: "length"; readonly min?: number; readonly max?: number }
  /** A string matching `pattern` (JavaScript syntax, anchored). */
  | { readonly kind: "pattern"; readonly pattern: string; readonly description: string }
  /** Go `time.Parse(time.RFC3339, v)`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)`, fields in range. */
  | { readonly kind: "rfc3339" }
  /** A UUID (8-4-4-4-12 hexadecimal digits), as hashicorp/go-uuid's `ParseUUID` accepts. */
  | { readonly kind: "uuid" }
  /** A list of at most `maxItems` elements, each (when `each` is given) following `each`. */
  | { readonly kind: "list"; readonly maxItems?: number; readonly each?: Rule }
  /** Not to be set together with `other` (Terraform `ConflictsWith`). */
  | { readonly kind: "conflictsWith"; readonly other: string }
  /** When `input` is one of `whenValues`, `then` (another input, dotted) must equal `equals`. */
  | {
      readonly kind: "requiresWhen";
      readonly whenValues: readonly string[];
      readonly then: string;
      readonly equals: string | number;
    }
  /** At least one of `inputs` (this input included) must be set. */
  | { readonly kind: "atLeastOneOf"; readonly inputs: readonly string[] }
  /** Not every one of `inputs` may be `false` (an unset input counts as its default, `true`). */
  | { readonly kind: "atLeastOneTrue"; readonly inputs: readonly string[] };

/** One validation fact: a rule the provider (or service, or standard) applies to one input. */
export interface Validation {
  /** Pulumi input name, dotted for nested inputs (`subject.commonName`, `api.requestedAccessTokenVersion`). */
  readonly input: string;
  readonly rule: Rule;
  readonly enforcement: Enforcement;
  /** Where the rule is written: repository + file (+ function/field), or a Microsoft docs URL. */
  readonly source: string;
  readonly note?: string;
}

/** An input whose change replaces the resource only under a condition. */
export interface ConditionalReplacement {
  readonly input: string;
  /** When the change replaces the resource. */
  readonly when: string;
  readonly source: string;
}

/** Which inputs force a replacement (ForceNew / RequiresReplace). */
export interface ReplacingInputs {
  /** `"*"` when the provider marks every input ForceNew/RequiresReplace, else the list. */
  readonly inputs: "*" | readonly string[];
  /** Replacements that depend on the old or new value, or on the clock. */
  readonly conditional?: readonly ConditionalReplacement[];
  readonly source: string;
  readonly note?: string;
}

/** Attributes the provider marks Sensitive (inputs or outputs): Pulumi keeps them secret. */
export interface SecretOutputs {
  readonly outputs: readonly string[];
  readonly source: string;
  readonly note?: string;
}

/** A default that matters to the program or the pack. */
export interface Default {
  /** The input (or computed attribute) the default applies to. */
  readonly input: string;
  /** The value, or how it is computed. */
  readonly value: string;
  readonly source: string;
}

/** What one resource type's provider does, each fact with its source. */
export interface ProviderFacts {
  readonly type: string;
  readonly provider: ProviderName;
  /** The upstream resource: Terraform type name or ARM resource type. */
  readonly upstream: string;
  /** Where the resource's schema is defined. */
  readonly schemaSource: string;
  /**
   * The resource's inputs (Pulumi names), the most telling first. Complete for rows whose
   * `replacingInputs.inputs` is `"*"`; otherwise the inputs the facts refer to.
   */
  readonly inputs: readonly string[];
  /** Computed-only attributes the facts refer to (never inputs). */
  readonly computedOutputs: readonly string[];
  readonly replacingInputs: ReplacingInputs;
  /**
   * Inputs whose in-place update nevertheless replaces the credential the resource carries
   * (`Application.password`: the provider removes the old password, then adds a new one). The
   * churn check compares these as well as the replacing inputs.
   */
  readonly credentialReplacingInputs?: {
    readonly inputs: readonly string[];
    readonly source: string;
  };
  readonly secretOutputs: SecretOutputs;
  readonly validations: readonly Validation[];
  readonly defaults: readonly Default[];
  /** The id `Resource.get` / `pulumi import` expects. */
  readonly importId?: { readonly format: string; readonly source: string };
}

// ---------------------------------------------------------------------------------------------
// Shared rules
// ---------------------------------------------------------------------------------------------

/** The inputs `random_string` and `random_password` share (terraform-provider-random). */
const RANDOM_STRING_INPUTS: readonly string[] = [
  "length",
  "keepers",
  "special",
  "upper",
  "lower",
  "numeric",
  "number",
  "minNumeric",
  "minUpper",
  "minLower",
  "minSpecial",
  "overrideSpecial",
];

/**
 * Graph `addPassword`: `endDateTime` defaults to `startDateTime` + 2 years
 * (https://learn.microsoft.com/graph/api/application-addpassword). The end date of a password the
 * provider sends without one (an ignored `endDateRelative`); the pack's lifetime rules read it.
 */
export const PASSWORD_DEFAULT_LIFETIME = "P2Y";
/**
 * SAML token-signing certificates (`addTokenSigningCertificate`) default to 3 years
 * (terraform-provider-azuread service_principal_token_signing_certificate_resource.go "end_date").
 */
export const TOKEN_SIGNING_DEFAULT_LIFETIME = "P3Y";

/**
 * terraform-provider-tls `allowed_uses`: the keys of `keyUsages` and `extendedKeyUsages`
 * (internal/provider/common_cert.go, `supportedKeyUsagesStr`), snake_case, sorted.
 */
export const TLS_ALLOWED_USES: readonly string[] = [
  "any_extended",
  "cert_signing",
  "client_auth",
  "code_signing",
  "content_commitment",
  "crl_signing",
  "data_encipherment",
  "decipher_only",
  "digital_signature",
  "email_protection",
  "encipher_only",
  "ipsec_end_system",
  "ipsec_tunnel",
  "ipsec_user",
  "key_agreement",
  "key_encipherment",
  "microsoft_commercial_code_signing",
  "microsoft_kernel_code_signing",
  "microsoft_server_gated_crypto",
  "netscape_server_gated_crypto",
  "ocsp_signing",
  "server_auth",
  "timestamping",
];

/** terraform-provider-azuread `possibleValuesForSignInAudience` (applications/constants.go). */
export const SIGN_IN_AUDIENCES: readonly string[] = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];

/** Audiences that allow personal Microsoft accounts (they require v2 access tokens). */
export const PERSONAL_ACCOUNT_SIGN_IN_AUDIENCES: readonly string[] = [
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];

const rfc3339 = (input: string, file: string): Validation => ({
  input,
  rule: { kind: "rfc3339" },
  enforcement: "plan",
  source: `${file} schema "${toSnake(input)}" ValidateFunc validation.IsRFC3339Time; ${AZUREAD_RFC3339}`,
});

const endDateRelative = (file: string): Validation[] => [
  {
    input: "endDateRelative",
    rule: { kind: "length", min: 1 },
    enforcement: "plan",
    source: `${file} schema "end_date_relative" ValidateFunc validation.StringIsNotEmpty`,
  },
  {
    input: "endDateRelative",
    rule: { kind: "conflictsWith", other: "endDate" },
    enforcement: "plan",
    source: `${file} schema "end_date_relative" ConflictsWith ["end_date"]`,
  },
];

const ownerId = (kind: "application" | "servicePrincipal", file: string): Validation => {
  const segment = kind === "application" ? "applications" : "servicePrincipals";
  const fn = kind === "application" ? "ValidateApplicationID" : "ValidateServicePrincipalID";
  const input = kind === "application" ? "applicationId" : "servicePrincipalId";
  return {
    input,
    rule: {
      kind: "pattern",
      pattern: `^/${segment}/[^/]+$`,
      description: `the resource id \`/${segment}/{objectId}\` (case-sensitive), not the object or client id`,
    },
    enforcement: "plan",
    source:
      `${file} schema "${toSnake(input)}" ValidateFunc stable.${fn}; ${AZUREAD} vendor/github.com/` +
      `hashicorp/go-azure-sdk/microsoft-graph/common-types/stable/id_${kind.toLowerCase()}.go Segments`,
  };
};

const allowedUses = (file: string): Validation => ({
  input: "allowedUses",
  rule: { kind: "enumList", values: TLS_ALLOWED_USES },
  enforcement: "plan",
  source:
    `${TLS}/${file} schema "allowed_uses" listvalidator.ValueStringsAre(stringvalidator.OneOf(` +
    `supportedKeyUsagesStr()...)); values: ${TLS}/common_cert.go keyUsages, extendedKeyUsages`,
  note: "snake_case wire values; the bridge does not translate the camelCase names of @pulumi/tls's docs",
});

const validityPeriodHours = (file: string): Validation => ({
  input: "validityPeriodHours",
  rule: { kind: "integer", min: 0 },
  enforcement: "plan",
  source: `${TLS}/${file} schema "validity_period_hours" int64validator.AtLeast(0)`,
});

const earlyRenewalHours = (file: string): Validation => ({
  input: "earlyRenewalHours",
  rule: { kind: "integer", min: 0 },
  enforcement: "plan",
  source: `${TLS}/${file} schema "early_renewal_hours" int64validator.AtLeast(0)`,
});

const subjectValidations = (file: string): Validation[] => [
  {
    input: "subject.commonName",
    rule: { kind: "length", max: 64 },
    enforcement: "standard",
    source: `${RFC5280_UB}; not checked by ${TLS}/${file} (schema "common_name" has no validator) nor by Go crypto/x509`,
    note: "a longer common name is issued as is; Entra ID's acceptance of it is unverified",
  },
  {
    input: "subject.serialNumber",
    rule: { kind: "length", max: 64 },
    enforcement: "standard",
    source: `${RFC5280_UB}; ${TLS}/${file} schema "serial_number" (DN attribute SERIALNUMBER) has no validator`,
    note: "the subject's serialNumber attribute, not the certificate serial (a random 128-bit number)",
  },
];

const tlsCertDefaults = (file: string): Default[] => [
  {
    input: "validityStartTime",
    value: "the creation instant: NotBefore = now, NotAfter = NotBefore + validityPeriodHours",
    source: `${TLS}/common_cert.go createCertificate (template.NotBefore = overridableTimeFunc())`,
  },
  {
    input: "earlyRenewalHours",
    value: "0",
    source: `${TLS}/${file} schema "early_renewal_hours" int64default.StaticInt64(0)`,
  },
  {
    input: "isCaCertificate",
    value: "false",
    source: `${TLS}/${file} schema "is_ca_certificate" booldefault.StaticBool(false)`,
  },
];

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

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

/** Key: resource type token. */
export const PROVIDER_FACTS: Readonly<Record<string, ProviderFacts>> = Object.freeze(
  Object.fromEntries(
    (
      [
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
            rfc3339(
              "endDate",
              `${AZUREAD_SPS}/service_principal_token_signing_certificate_resource.go`,
            ),
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
        {
          type: TLS_PRIVATE_KEY,
          provider: "tls",
          upstream: "tls_private_key",
          schemaSource: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1`,
          inputs: ["algorithm", "rsaBits", "ecdsaCurve"],
          computedOutputs: [
            "privateKeyPem",
            "privateKeyOpenssh",
            "privateKeyPemPkcs8",
            "publicKeyPem",
            "publicKeyOpenssh",
          ],
          replacingInputs: {
            inputs: "*",
            source: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1: every argument RequiresReplace`,
          },
          secretOutputs: {
            outputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
            source: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1: "private_key_pem", "private_key_openssh", "private_key_pem_pkcs8" Sensitive`,
          },
          validations: [
            {
              input: "algorithm",
              rule: { kind: "enum", values: ["RSA", "ECDSA", "ED25519"] },
              enforcement: "plan",
              source: `${TLS}/resource_private_key.go schema "algorithm" stringvalidator.OneOf(supportedAlgorithmsStr()...); ${TLS}/types.go supportedAlgorithms`,
            },
            {
              input: "ecdsaCurve",
              rule: { kind: "enum", values: ["P224", "P256", "P384", "P521"] },
              enforcement: "plan",
              source: `${TLS}/resource_private_key.go schema "ecdsa_curve" stringvalidator.OneOf(supportedECDSACurvesStr()...); ${TLS}/types.go`,
            },
            {
              input: "rsaBits",
              rule: { kind: "integer", min: 1024 },
              enforcement: "apply",
              source:
                `${TLS}/resource_private_key.go schema "rsa_bits" has no validator; ${TLS}/common_key.go keyGenerators ` +
                "rsa.GenerateKey, which refuses keys under 1024 bits since Go 1.24 (the provider's go.mod: go 1.25.8)",
            },
          ],
          defaults: [
            {
              input: "rsaBits",
              value: "2048",
              source: `${TLS}/resource_private_key.go schema "rsa_bits" int64default.StaticInt64(2048)`,
            },
            {
              input: "ecdsaCurve",
              value: "P224",
              source: `${TLS}/resource_private_key.go schema "ecdsa_curve" stringdefault.StaticString(P224)`,
            },
          ],
        },
        {
          type: TLS_SELF_SIGNED_CERT,
          provider: "tls",
          upstream: "tls_self_signed_cert",
          schemaSource: `${TLS}/resource_self_signed_cert.go Schema`,
          inputs: [
            "privateKeyPem",
            "privateKeyPemWo",
            "privateKeyPemWoVersion",
            "subject",
            "validityPeriodHours",
            "allowedUses",
            "dnsNames",
            "ipAddresses",
            "uris",
            "earlyRenewalHours",
            "isCaCertificate",
            "maxPathLength",
            "setSubjectKeyId",
            "setAuthorityKeyId",
          ],
          computedOutputs: [
            "certPem",
            "validityStartTime",
            "validityEndTime",
            "readyForRenewal",
            "keyAlgorithm",
          ],
          replacingInputs: {
            inputs: [
              "subject",
              "validityPeriodHours",
              "allowedUses",
              "dnsNames",
              "ipAddresses",
              "uris",
              "isCaCertificate",
              "maxPathLength",
              "setSubjectKeyId",
              "setAuthorityKeyId",
              "privateKeyPemWoVersion",
            ],
            conditional: [
              {
                input: "privateKeyPem",
                when: "the prior value is a PEM block (always, for a key from tls.PrivateKey)",
                source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
              },
              {
                input: "readyForRenewal",
                when:
                  "now ≥ validityEndTime − earlyRenewalHours at plan time (under Pulumi only after a " +
                  "refresh: pulumi/pulumi-tls#39)",
                source: `${TLS}/common_cert.go modifyPlanIfCertificateReadyForRenewal`,
              },
            ],
            source:
              `${TLS}/resource_self_signed_cert.go Schema: RequiresReplace on every argument but ` +
              `"early_renewal_hours" (updated in place); subject's attributes each RequiresReplace; ` +
              `privateKeyPemWoVersion: ${TLS_WO}`,
          },
          secretOutputs: {
            outputs: ["privateKeyPem", "privateKeyPemWo"],
            source: `${TLS}/resource_self_signed_cert.go schema "private_key_pem" Sensitive; privateKeyPemWo: ${TLS_WO}`,
          },
          validations: [
            allowedUses("resource_self_signed_cert.go"),
            validityPeriodHours("resource_self_signed_cert.go"),
            earlyRenewalHours("resource_self_signed_cert.go"),
            {
              input: "maxPathLength",
              rule: { kind: "integer", min: -1 },
              enforcement: "plan",
              source: `${TLS}/resource_self_signed_cert.go schema "max_path_length" int64validator.AtLeast(-1)`,
            },
            ...subjectValidations("resource_self_signed_cert.go"),
          ],
          defaults: [
            ...tlsCertDefaults("resource_self_signed_cert.go"),
            {
              input: "id",
              value: "the certificate serial number: random, below 2^128",
              source: `${TLS}/common_cert.go createCertificate (rand.Int(rand.Reader, 1<<128))`,
            },
          ],
        },
        {
          type: TLS_LOCALLY_SIGNED_CERT,
          provider: "tls",
          upstream: "tls_locally_signed_cert",
          schemaSource: `${TLS}/resource_locally_signed_cert.go Schema`,
          inputs: [
            "certRequestPem",
            "caPrivateKeyPem",
            "caPrivateKeyPemWo",
            "caPrivateKeyPemWoVersion",
            "caCertPem",
            "validityPeriodHours",
            "allowedUses",
            "earlyRenewalHours",
            "isCaCertificate",
            "maxPathLength",
            "setSubjectKeyId",
          ],
          computedOutputs: ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal"],
          replacingInputs: {
            inputs: [
              "validityPeriodHours",
              "allowedUses",
              "isCaCertificate",
              "maxPathLength",
              "setSubjectKeyId",
              "caPrivateKeyPemWoVersion",
            ],
            conditional: ["certRequestPem", "caPrivateKeyPem", "caCertPem"].map((input) => ({
              input,
              when: "the prior value is a PEM block",
              source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
            })),
            source:
              `${TLS}/resource_locally_signed_cert.go Schema: RequiresReplace on every argument but ` +
              `"early_renewal_hours"; caPrivateKeyPemWoVersion: ${TLS_WO}`,
          },
          secretOutputs: {
            outputs: ["caPrivateKeyPem", "caPrivateKeyPemWo"],
            source: `${TLS}/resource_locally_signed_cert.go schema "ca_private_key_pem" Sensitive; caPrivateKeyPemWo: ${TLS_WO}`,
          },
          validations: [
            allowedUses("resource_locally_signed_cert.go"),
            validityPeriodHours("resource_locally_signed_cert.go"),
            earlyRenewalHours("resource_locally_signed_cert.go"),
          ],
          defaults: tlsCertDefaults("resource_locally_signed_cert.go"),
        },
        {
          type: TLS_CERT_REQUEST,
          provider: "tls",
          upstream: "tls_cert_request",
          schemaSource: `${TLS}/resource_cert_request.go Schema`,
          inputs: [
            "privateKeyPem",
            "privateKeyPemWo",
            "privateKeyPemWoVersion",
            "subject",
            "dnsNames",
            "ipAddresses",
            "uris",
          ],
          computedOutputs: ["certRequestPem", "keyAlgorithm"],
          replacingInputs: {
            inputs: "*",
            conditional: [
              {
                input: "privateKeyPem",
                when: "the prior value is a PEM block",
                source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
              },
            ],
            source: `${TLS}/resource_cert_request.go Schema: every argument RequiresReplace (the key conditionally); *_wo: ${TLS_WO}`,
          },
          secretOutputs: {
            outputs: ["privateKeyPem", "privateKeyPemWo"],
            source: `${TLS}/resource_cert_request.go schema "private_key_pem" Sensitive; privateKeyPemWo: ${TLS_WO}`,
          },
          validations: subjectValidations("resource_cert_request.go"),
          defaults: [],
        },
        {
          type: RANDOM_ID,
          provider: "random",
          upstream: "random_id",
          schemaSource: `${RANDOM}/provider/resource_id.go Schema`,
          inputs: ["byteLength", "keepers", "prefix"],
          computedOutputs: ["hex", "b64Url", "b64Std", "dec"],
          replacingInputs: {
            inputs: "*",
            conditional: [
              {
                input: "keepers",
                when: "a key is added or changed to a non-null value, or removed (changes to null values only do not replace)",
                source: `${RANDOM}/planmodifiers/map/mapplanmodifiers.go RequiresReplaceIfValuesNotNull`,
              },
            ],
            source: `${RANDOM}/provider/resource_id.go Schema: every argument RequiresReplace (keepers conditionally)`,
          },
          secretOutputs: {
            outputs: [],
            source: `${RANDOM}/provider/resource_id.go Schema: no Sensitive attribute (random_bytes is the sensitive one)`,
          },
          validations: [
            {
              input: "byteLength",
              rule: { kind: "integer", min: 1 },
              enforcement: "documented",
              source:
                `${RANDOM}/provider/resource_id.go schema "byte_length" Description ("The minimum value is 1"); ` +
                "no validator: 0 yields an empty id, a negative length fails in Create (make)",
            },
          ],
          defaults: [],
        },
        {
          type: RANDOM_STRING,
          provider: "random",
          upstream: "random_string",
          schemaSource: `${RANDOM}/provider/resource_string.go stringSchemaV3`,
          inputs: RANDOM_STRING_INPUTS,
          computedOutputs: ["result"],
          replacingInputs: {
            inputs: "*",
            conditional: [
              {
                input: "keepers",
                when: "a key is added or changed to a non-null value, or removed",
                source: `${RANDOM}/planmodifiers/map/mapplanmodifiers.go RequiresReplaceIfValuesNotNull`,
              },
              {
                input: "overrideSpecial",
                when: 'any change but from "" to null',
                source: `${RANDOM}/planmodifiers/string/stringplanmodifier.go RequiresReplaceUnlessEmptyStringToNull`,
              },
            ],
            source: `${RANDOM}/provider/resource_string.go stringSchemaV3: every argument RequiresReplace`,
          },
          secretOutputs: {
            outputs: [],
            source: `${RANDOM}/provider/resource_string.go stringSchemaV3 "result": not Sensitive (random_password's is)`,
          },
          validations: [
            {
              input: "length",
              rule: { kind: "integer", min: 1 },
              enforcement: "plan",
              source: `${RANDOM}/provider/resource_string.go schema "length" int64validator.AtLeast(1), AtLeastSumOf(min_upper, min_lower, min_numeric, min_special)`,
            },
            {
              input: "special",
              rule: { kind: "atLeastOneTrue", inputs: ["special", "upper", "lower", "numeric"] },
              enforcement: "plan",
              source: `${RANDOM}/provider/resource_string.go schema "numeric" validators.AtLeastOneOfTrue(special, upper, lower)`,
              note: "the four default to true; setting all of them to false is refused",
            },
          ],
          defaults: ["special", "upper", "lower", "numeric"].map((input) => ({
            input,
            value: "true",
            source: `${RANDOM}/provider/resource_string.go schema "${input}" Default true`,
          })),
        },
        {
          type: RANDOM_PASSWORD,
          provider: "random",
          upstream: "random_password",
          schemaSource: `${RANDOM}/provider/resource_password.go`,
          inputs: RANDOM_STRING_INPUTS,
          computedOutputs: ["result", "bcryptHash"],
          replacingInputs: {
            inputs: "*",
            source: `${RANDOM}/provider/resource_password.go: every argument RequiresReplace, as random_string`,
          },
          secretOutputs: {
            outputs: ["result", "bcryptHash"],
            source: `${RANDOM}/provider/resource_password.go schema "result", "bcrypt_hash" Sensitive`,
          },
          validations: [
            {
              input: "length",
              rule: { kind: "integer", min: 1 },
              enforcement: "plan",
              source: `${RANDOM}/provider/resource_password.go schema "length" int64validator.AtLeast(1)`,
            },
          ],
          defaults: [],
        },
        {
          type: TIME_ROTATING,
          provider: "time",
          upstream: "time_rotating",
          schemaSource: `${TIME} Schema`,
          inputs: [
            "rfc3339",
            "rotationDays",
            "rotationHours",
            "rotationMinutes",
            "rotationMonths",
            "rotationYears",
            "rotationRfc3339",
            "triggers",
          ],
          computedOutputs: ["id", "unix", "year", "month", "day", "hour", "minute", "second"],
          replacingInputs: {
            inputs: ["rfc3339", "triggers"],
            conditional: [
              {
                input: "rotationRfc3339",
                when: "the current time is past the saved rotation time (the rotation itself)",
                source: `${TIME} schema "rotation_rfc3339" RequiresReplaceIf(timemodifier.ReplaceIfOutdated)`,
              },
            ],
            source: `${TIME} Schema: "rfc3339" and "triggers" RequiresReplace`,
            note:
              "rotation_days/hours/minutes/months/years update in place: ModifyPlan and Update " +
              "recompute rotationRfc3339 from the base timestamp (setRotationValues)",
          },
          secretOutputs: { outputs: [], source: `${TIME} Schema: no Sensitive attribute` },
          validations: [
            ...[
              "rotationDays",
              "rotationHours",
              "rotationMinutes",
              "rotationMonths",
              "rotationYears",
            ].map((input): Validation => ({
              input,
              rule: { kind: "integer", min: 1 },
              enforcement: "plan",
              source: `${TIME} schema "${toSnake(input)}" int64validator.AtLeast(1)`,
            })),
            {
              input: "rotationRfc3339",
              rule: {
                kind: "atLeastOneOf",
                inputs: [
                  "rotationMinutes",
                  "rotationHours",
                  "rotationDays",
                  "rotationMonths",
                  "rotationYears",
                  "rotationRfc3339",
                ],
              },
              enforcement: "plan",
              source: `${TIME} ConfigValidators resourcevalidator.AtLeastOneOf(rotation_*)`,
            },
            ...["rfc3339", "rotationRfc3339"].map((input): Validation => ({
              input,
              rule: { kind: "rfc3339" },
              enforcement: "plan",
              source: `${TIME} schema "${toSnake(input)}" CustomType timetypes.RFC3339Type`,
            })),
          ],
          defaults: [
            {
              input: "rfc3339",
              value: "the creation time",
              source: `${TIME} schema "rfc3339" Description`,
            },
          ],
        },
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
                description:
                  "starts with a letter, ends with a letter or digit, no consecutive hyphens",
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
      ] satisfies ProviderFacts[]
    ).map((row): [string, ProviderFacts] => [row.type, row]),
  ),
);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** azure-native API-version modules (`azure-native:keyvault/v20230701:Secret`) share the default row. */
const AZURE_NATIVE_VERSIONED = /^azure-native:([a-z0-9]+)\/v[0-9a-z]+:([A-Za-z0-9]+)$/;

/** The facts of `type` (API-versioned azure-native tokens map to their default module), or `undefined`. */
export function factsOf(type: string): ProviderFacts | undefined {
  const direct = PROVIDER_FACTS[type];
  if (direct) return direct;
  const versioned = AZURE_NATIVE_VERSIONED.exec(type);
  return versioned ? PROVIDER_FACTS[`azure-native:${versioned[1]}:${versioned[2]}`] : undefined;
}

/**
 * The inputs whose change replaces a resource of `type`: the row's list, or, where every input
 * replaces (`"*"`), the row's inputs followed by any other input the registration sets (keys
 * starting with `__` are the engine's and left out). Conditional replacements are included.
 *
 * @returns `undefined` for a type the table does not know
 */
export function replacingInputsOf(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): readonly string[] | undefined {
  const row = factsOf(type);
  if (!row) return undefined;
  const listed = row.replacingInputs.inputs;
  const conditional = (row.replacingInputs.conditional ?? [])
    .map((c) => c.input)
    .filter((input) => row.inputs.includes(input));
  if (listed !== "*") return unique([...listed, ...conditional]);
  const extra = Object.keys(inputs).filter((key) => !key.startsWith("__"));
  return unique([...row.inputs, ...extra]);
}

/**
 * The inputs whose change gives a resource of `type` a new credential (secret or key): the
 * replacing inputs of a credential type, and for an `Application` its inline `password` block
 * when it declares one (updated in place, yet a new password). The churn check compares these.
 *
 * @returns `undefined` when the resource carries no credential
 */
export function credentialReplacingInputsOf(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): readonly string[] | undefined {
  const row = factsOf(type);
  if (!row || row.provider !== "azuread") return undefined;
  if (row.credentialReplacingInputs) {
    const password = inputs.password;
    const declared = Array.isArray(password)
      ? password.length > 0
      : typeof password === "object" && password !== null;
    return declared ? row.credentialReplacingInputs.inputs : undefined;
  }
  if (row.secretOutputs.outputs.length === 0) return undefined;
  return replacingInputsOf(type, inputs);
}

/** The attributes of `type` the provider holds secret (Pulumi names), or `[]` when unknown. */
export function secretOutputsOf(type: string): readonly string[] {
  return factsOf(type)?.secretOutputs.outputs ?? [];
}

/** One input the provider (or service, or standard) would refuse. */
export interface InputProblem {
  /** Pulumi input name, dotted. */
  readonly input: string;
  readonly value: unknown;
  /** What is allowed, in words. */
  readonly allowed: string;
  readonly enforcement: Enforcement;
  readonly source: string;
  /** One line naming the input, the value and what is allowed. */
  readonly message: string;
}

/** Options of {@link validateInputs}. */
export interface ValidateOptions {
  /** Only these enforcements (default: all). */
  readonly enforcement?: readonly Enforcement[];
}

/**
 * Checks `inputs` of a resource of `type` against the row's validations. Values that are absent
 * or unknown (the engine's sentinel strings, or anything but a string, number, boolean, array or
 * plain object) are not judged. One problem per bad input: the first rule it breaks.
 *
 * @returns the problems, in the row's order; `[]` for an unknown type
 */
export function validateInputs(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): InputProblem[] {
  const row = factsOf(type);
  if (!row) return [];
  const problems: InputProblem[] = [];
  const reported = new Set<string>();
  for (const validation of row.validations) {
    if (options.enforcement && !options.enforcement.includes(validation.enforcement)) continue;
    if (reported.has(validation.input)) continue;
    const value = valueAt(inputs, validation.input);
    const allowed = check(validation.rule, value, inputs);
    if (allowed === undefined) continue;
    reported.add(validation.input);
    problems.push({
      input: validation.input,
      value,
      allowed,
      enforcement: validation.enforcement,
      source: validation.source,
      message: `${shortType(type)} input \`${validation.input}\` = ${show(value)}: ${allowed} (${validation.enforcement}; ${validation.source})`,
    });
  }
  return problems;
}

/** What `rule` allows, when `value` breaks it; `undefined` when it passes or cannot be judged. */
function check(
  rule: Rule,
  value: unknown,
  inputs: Readonly<Record<string, unknown>>,
): string | undefined {
  switch (rule.kind) {
    case "atLeastOneOf":
      return rule.inputs.some((input) => valueAt(inputs, input) !== undefined)
        ? undefined
        : `at least one of ${rule.inputs.map((i) => `\`${i}\``).join(", ")} must be set`;
    case "atLeastOneTrue":
      return rule.inputs.every((input) => valueAt(inputs, input) === false)
        ? `at least one of ${rule.inputs.map((i) => `\`${i}\``).join(", ")} must be true`
        : undefined;
    case "requiresWhen": {
      if (typeof value !== "string" || !rule.whenValues.includes(value)) return undefined;
      const then = valueAt(inputs, rule.then);
      if (then !== undefined && !isPlain(then)) return undefined;
      return then === rule.equals
        ? undefined
        : `requires \`${rule.then}\` = ${show(rule.equals)} (it is ${show(then)})`;
    }
    case "conflictsWith":
      return value !== undefined && valueAt(inputs, rule.other) !== undefined
        ? `not together with \`${rule.other}\``
        : undefined;
    default:
      break;
  }
  if (value === undefined || value === null || !isPlain(value)) return undefined;
  return checkValue(rule, value);
}

function checkValue(rule: Rule, value: unknown): string | undefined {
  switch (rule.kind) {
    case "enum":
      return rule.values.includes(value as string | number)
        ? undefined
        : `one of ${rule.values.map(show).join(", ")} (exact case)`;
    case "enumList": {
      if (!Array.isArray(value)) return `a list of ${describeEnum(rule.values)}`;
      const bad = value.filter((v) => typeof v === "string" && !rule.values.includes(v));
      return bad.length === 0
        ? undefined
        : `${bad.map(show).join(", ")} not allowed; each element one of ${describeEnum(rule.values)}`;
    }
    case "integer": {
      const ok =
        typeof value === "number" &&
        Number.isInteger(value) &&
        (rule.min === undefined || value >= rule.min) &&
        (rule.max === undefined || value <= rule.max);
      return ok ? undefined : `a whole number ${bounds(rule.min, rule.max)}`;
    }
    case "length": {
      const ok =
        typeof value === "string" &&
        (rule.min === undefined || [...value].length >= rule.min) &&
        (rule.max === undefined || [...value].length <= rule.max);
      return ok ? undefined : `a string of ${bounds(rule.min, rule.max)} characters`;
    }
    case "pattern":
      return typeof value === "string" && new RegExp(rule.pattern).test(value)
        ? undefined
        : `${rule.description} (/${rule.pattern}/)`;
    case "rfc3339":
      return typeof value === "string" && isGoRfc3339(value)
        ? undefined
        : "an RFC 3339 timestamp YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)";
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? undefined : "a UUID";
    case "list": {
      if (!Array.isArray(value)) return "a list";
      if (rule.maxItems !== undefined && value.length > rule.maxItems) {
        return `at most ${rule.maxItems} element(s)`;
      }
      if (rule.each) {
        const each = rule.each;
        for (const element of value) {
          if (!isPlain(element)) continue;
          const inner = checkValue(each, element);
          if (inner !== undefined) return `each element ${inner} (${show(element)} is not)`;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Go's `time.Parse(time.RFC3339, v)`: the layout, and every field in range (no leap second). */
function isGoRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}

/** A known value a program can hold before deployment (unknowns and their wrappers are not). */
function isPlain(value: unknown): boolean {
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return false;
  return (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    Array.isArray(value) ||
    (typeof value === "object" &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype)
  );
}

/** The value at a dotted path; a one-element list on the way stands for its element (Terraform blocks). */
function valueAt(inputs: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = inputs;
  for (const segment of path.split(".")) {
    if (Array.isArray(current)) current = current.length === 1 ? current[0] : undefined;
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function describeEnum(values: readonly string[]): string {
  return values.length > 8
    ? `the ${values.length} snake_case names (${values.slice(0, 4).join(", ")}, …)`
    : values.join(", ");
}

function bounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `≥ ${min}`;
  if (max !== undefined) return `≤ ${max}`;
  return "";
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function shortType(type: string): string {
  const parts = type.split(":");
  return `${parts[0]}.${parts[parts.length - 1]}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** `rotationDays` → `rotation_days`, for citing a Terraform attribute by its name. */
function toSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/rfc_3339/, "rfc3339");
}
