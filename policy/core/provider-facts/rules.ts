/**
 * Rules and constants several rows share: the azuread credential validations (RFC 3339 dates,
 * owner ids, `endDateRelative`), the tls certificate validations and defaults, the inputs
 * random_string and random_password share, and the values the pack reads (default lifetimes,
 * allowed uses, sign-in audiences).
 */
import { AZUREAD, AZUREAD_RFC3339, RFC5280_UB, TLS } from "./sources";
import type { Default, Validation } from "./types";

/** The inputs `random_string` and `random_password` share (terraform-provider-random). */
export const RANDOM_STRING_INPUTS: readonly string[] = [
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

export const rfc3339 = (input: string, file: string): Validation => ({
  input,
  rule: { kind: "rfc3339" },
  enforcement: "plan",
  source: `${file} schema "${toSnake(input)}" ValidateFunc validation.IsRFC3339Time; ${AZUREAD_RFC3339}`,
});

export const endDateRelative = (file: string): Validation[] => [
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

export const ownerId = (kind: "application" | "servicePrincipal", file: string): Validation => {
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

export const allowedUses = (file: string): Validation => ({
  input: "allowedUses",
  rule: { kind: "enumList", values: TLS_ALLOWED_USES },
  enforcement: "plan",
  source:
    `${TLS}/${file} schema "allowed_uses" listvalidator.ValueStringsAre(stringvalidator.OneOf(` +
    `supportedKeyUsagesStr()...)); values: ${TLS}/common_cert.go keyUsages, extendedKeyUsages`,
  note: "snake_case wire values; the bridge does not translate the camelCase names of @pulumi/tls's docs",
});

export const validityPeriodHours = (file: string): Validation => ({
  input: "validityPeriodHours",
  rule: { kind: "integer", min: 0 },
  enforcement: "plan",
  source: `${TLS}/${file} schema "validity_period_hours" int64validator.AtLeast(0)`,
});

export const earlyRenewalHours = (file: string): Validation => ({
  input: "earlyRenewalHours",
  rule: { kind: "integer", min: 0 },
  enforcement: "plan",
  source: `${TLS}/${file} schema "early_renewal_hours" int64validator.AtLeast(0)`,
});

export const subjectValidations = (file: string): Validation[] => [
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

export const tlsCertDefaults = (file: string): Default[] => [
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

/** `rotationDays` → `rotation_days`, for citing a Terraform attribute by its name. */
export function toSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/rfc_3339/, "rfc3339");
}
