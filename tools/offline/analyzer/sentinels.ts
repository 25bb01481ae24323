/**
 * Wire values the Pulumi engine puts in resource properties, for building test resources.
 *
 * With `KeepUnknowns`, the engine marshals every computed (unknown) value as the string sentinel
 * below, whatever its type; @pulumi/policy's proxy throws `UnknownValueError` when it is read.
 * With `KeepSecrets`, a secret is an object carrying the special signature key.
 */

/** The engine's sentinel for an unknown value during preview (`UnknownStringValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Signature key of special Pulumi values (assets, archives, secrets, resource references). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A JSON value as it travels in a `google.protobuf.Struct`. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Wraps a value as a secret the way the engine marshals it; the policy SDK unwraps it. */
export function secret(value: JsonValue): JsonValue {
  return { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}
