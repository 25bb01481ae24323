/**
 * Where a Key Vault secret keeps its expiry, per provider:
 * - azure-native (`Microsoft.KeyVault/vaults/secrets`): `properties.attributes.expires`, a number
 *   of SECONDS since 1970-01-01T00:00:00Z (ARM `SecretAttributes.exp`);
 * - classic azure (`azurerm_key_vault_secret`): `expirationDate`, an RFC 3339 string.
 * And its content type: `properties.contentType` (azure-native) or `contentType` (classic).
 */
import { parseInstant } from "./iso8601";
import { showValue } from "./messages";
import type { KeyVaultSecretFlavour } from "./resource-types";
import { Field, fieldPath, UnknownValueErrorInstance } from "./unknowns";

/** Expiry of a secret as found. `ms` is milliseconds since the Unix epoch. */
export type SecretExpiry =
  | { kind: "unknown"; error: UnknownValueErrorInstance }
  | { kind: "missing"; field: string }
  | { kind: "invalid"; field: string; reason: string }
  | { kind: "ok"; field: string; ms: number; shown: string };

/** Path of the expiry property, for messages. */
export function expiryField(flavour: KeyVaultSecretFlavour): string {
  return flavour === "azure-native" ? "properties.attributes.expires" : "expirationDate";
}

/** The unit of the expiry property, for messages. */
export function expiryUnit(flavour: KeyVaultSecretFlavour): string {
  return flavour === "azure-native" ? "seconds since the Unix epoch" : "RFC 3339";
}

/** Largest plausible `expires` in seconds (year 5138); larger values are probably milliseconds. */
const MAX_PLAUSIBLE_SECONDS = 1e11;

/** Reads a secret's expiry from its properties (plain or the SDK proxy). Never throws. */
export function secretExpiry(flavour: KeyVaultSecretFlavour, props: unknown): SecretExpiry {
  const name = expiryField(flavour);
  const read: Field = fieldPath(props, name.split("."));
  if (!read.known) return { kind: "unknown", error: read.error };
  const value = read.value;
  if (value === undefined || value === null || value === "")
    return { kind: "missing", field: name };
  if (flavour === "azure-classic") {
    const parsed = parseInstant(value);
    return parsed.ok
      ? { kind: "ok", field: name, ms: parsed.value, shown: showValue(value) }
      : { kind: "invalid", field: name, reason: parsed.reason };
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return {
      kind: "invalid",
      field: name,
      reason: `expected a number of seconds since the Unix epoch, got ${showValue(value)}`,
    };
  }
  if (value > MAX_PLAUSIBLE_SECONDS) {
    return {
      kind: "invalid",
      field: name,
      reason: `${value} is beyond the year 5000: it looks like milliseconds, but expires is in seconds since the Unix epoch`,
    };
  }
  return {
    kind: "ok",
    field: name,
    ms: value * 1000,
    shown: `${value} seconds since the Unix epoch`,
  };
}

/** Reads a secret's content type. Never throws. */
export function secretContentType(flavour: KeyVaultSecretFlavour, props: unknown): Field {
  return fieldPath(
    props,
    flavour === "azure-native" ? ["properties", "contentType"] : ["contentType"],
  );
}
