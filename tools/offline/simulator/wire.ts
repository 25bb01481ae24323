/** The Pulumi wire format's secret wrapper (`@pulumi/pulumi` runtime/rpc), as the mocks see it. */

/** What a recorded secret value is shown as. Secret values never leave the simulation. */
export const SECRET_PLACEHOLDER = "[secret]";

import { SECRET_SIG, SPECIAL_SIG_KEY } from "../analyzer/sentinels";

/** Key marking a secret value in the Pulumi wire format (the engine's special signature key). */
export const SIG_KEY = SPECIAL_SIG_KEY;

/** True for a wire-format secret wrapper `{[SIG_KEY]: SECRET_SIG, value}`. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** The value with every secret wrapper (`{[SIG_KEY]: SECRET_SIG, value}`) replaced by its value. */
export function stripSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return stripSecrets(value.value);
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecrets(v)]));
  }
  return value;
}
