/**
 * Which inputs of an Entra ID credential force its replacement: the inputs the churn check
 * compares between two program runs.
 *
 * Source: @pulumi/azuread 6.x (terraform-provider-azuread 3.x), the `*Args` interfaces of
 * `applicationPassword.d.ts`, `servicePrincipalPassword.d.ts`, `applicationCertificate.d.ts`,
 * `servicePrincipalCertificate.d.ts` and `servicePrincipalTokenSigningCertificate.d.ts`: every input
 * of these resources is ForceNew ("Changing this field forces a new resource to be created"), so a
 * changed value means a new credential and the old one deleted. `azuread.Application`'s inline
 * `password` block is ForceNew too (`types/input.d.ts`, `ApplicationPassword`): changing it replaces
 * the whole application. Key Vault secrets are not credentials here (a new secret version is an
 * update, not a replacement).
 */
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_PASSWORD,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TIME_ROTATING,
  TOKEN_SIGNING_CERTIFICATE,
} from "../../policy/lib/resource-types";

export { TIME_ROTATING };

/**
 * Replacing inputs per credential type, the most telling first (dates, schedule, names, key
 * material, then the owner). For `Application` only the inline `password` block counts.
 */
export const REPLACING_INPUTS: Readonly<Record<string, readonly string[]>> = {
  [APPLICATION_PASSWORD]: [
    "endDate",
    "endDateRelative",
    "startDate",
    "rotateWhenChanged",
    "displayName",
    "applicationId",
  ],
  [SERVICE_PRINCIPAL_PASSWORD]: [
    "endDate",
    "endDateRelative",
    "startDate",
    "rotateWhenChanged",
    "displayName",
    "servicePrincipalId",
  ],
  [APPLICATION_CERTIFICATE]: [
    "endDate",
    "endDateRelative",
    "startDate",
    "value",
    "keyId",
    "type",
    "encoding",
    "applicationId",
  ],
  [SERVICE_PRINCIPAL_CERTIFICATE]: [
    "endDate",
    "endDateRelative",
    "startDate",
    "value",
    "keyId",
    "type",
    "encoding",
    "servicePrincipalId",
  ],
  [TOKEN_SIGNING_CERTIFICATE]: ["endDate", "displayName", "servicePrincipalId"],
  [APPLICATION]: ["password"],
};

/** Resource types whose replacing inputs the churn check compares. */
export const CHURN_TYPES: ReadonlySet<string> = new Set(Object.keys(REPLACING_INPUTS));

/**
 * The replacing inputs of a registration of `type`, or `undefined` when it is not a credential.
 * An `Application` counts only when it declares an inline `password` block.
 *
 * @param inputs the registration's recorded inputs
 */
export function replacingInputs(
  type: string,
  inputs: Record<string, unknown>,
): readonly string[] | undefined {
  if (type === APPLICATION && (inputs.password === undefined || inputs.password === null)) {
    return undefined;
  }
  return REPLACING_INPUTS[type];
}

/** A short noun for what a credential type is, for messages. */
export function credentialNoun(type: string): string {
  if (type === APPLICATION) return "application (with its inline password)";
  if (type === APPLICATION_PASSWORD || type === SERVICE_PRINCIPAL_PASSWORD) return "password";
  return "certificate";
}
