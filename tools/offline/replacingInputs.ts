/**
 * Which inputs of an Entra ID credential give it a new credential when they change: the inputs the
 * churn check compares between two program runs. The facts (which inputs force replacement, and
 * `Application`'s inline `password`, updated in place by removing the old password before adding
 * the new one) live in the provider facts table, policy/core/provider-facts/, with their sources.
 */
import {
  credentialReplacingInputsOf,
  factsOf,
  secretOutputsOf,
  APPLICATION,
  APPLICATION_PASSWORD,
  SERVICE_PRINCIPAL_PASSWORD,
  TIME_ROTATING,
} from "../../policy/core";

export { TIME_ROTATING };

/**
 * The inputs of a registration of `type` whose change gives it a new credential, or `undefined`
 * when it carries none. An `Application` counts only when it declares an inline `password` block.
 *
 * @param inputs the registration's recorded inputs
 */
export function replacingInputs(
  type: string,
  inputs: Record<string, unknown>,
): readonly string[] | undefined {
  return credentialReplacingInputsOf(type, inputs);
}

/**
 * True for resource types that can carry a credential (an Entra ID credential resource, or an
 * `Application` with its inline password): the churn check records these.
 */
export function mayCarryCredential(type: string): boolean {
  const row = factsOf(type);
  return (
    row?.provider === "azuread" &&
    (row.credentialReplacingInputs !== undefined || secretOutputsOf(type).length > 0)
  );
}

/** A short noun for what a credential type is, for messages. */
export function credentialNoun(type: string): string {
  if (type === APPLICATION) return "application (with its inline password)";
  if (type === APPLICATION_PASSWORD || type === SERVICE_PRINCIPAL_PASSWORD) return "password";
  return "certificate";
}
