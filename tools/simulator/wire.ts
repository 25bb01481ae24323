/** The Pulumi wire format's secret wrapper (`@pulumi/pulumi` runtime/rpc), as the mocks see it. */

/** What a recorded secret value is shown as. Secret values never leave the simulation. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Key marking a secret value in the Pulumi wire format. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The value with every secret wrapper (`{[SIG_KEY]: SECRET_SIG, value}`) replaced by its value. */
export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return stripSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, stripSecrets(v)]));
  }
  return value;
}
