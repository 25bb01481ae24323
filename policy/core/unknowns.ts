/**
 * Reading resource properties that may be unknown during preview.
 *
 * The engine marks values it cannot know yet (outputs of resources not created yet) with sentinel
 * strings; @pulumi/policy wraps the properties in a proxy that throws `UnknownValueError` when a
 * sentinel is read, and reports that error as an advisory "can't be known during preview"
 * diagnostic. These helpers turn a read into a value or an explicit "unknown" so that each policy
 * decides: resource policies re-throw the SDK error (advisory, never mandatory), stack policies
 * skip the resource.
 */

/**
 * The SDK's type declarations strip `UnknownValueError` (marked internal) although index.js
 * exports it; this is its runtime shape. `props` is the property path, e.g. `["properties", "attributes"]`.
 */
export type UnknownValueErrorInstance = Error & { props: string[] };
type UnknownValueErrorClass = new (sentinel: string, props: string[]) => UnknownValueErrorInstance;

let sdkClass: UnknownValueErrorClass | undefined;

/**
 * The SDK's `UnknownValueError` class: the only error a policy may throw. Loaded from
 * @pulumi/policy on first use, so that the program and the tools, which import the rule core but
 * never meet an unknown value, do not load the policy SDK.
 */
export function unknownValueErrorClass(): UnknownValueErrorClass {
  if (sdkClass === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const policySdk = require("@pulumi/policy") as { UnknownValueError: UnknownValueErrorClass };
    sdkClass = policySdk.UnknownValueError;
  }
  return sdkClass;
}

export { UNKNOWN_SENTINELS } from "./unknown-sentinels";
import { UNKNOWN_SENTINELS } from "./unknown-sentinels";

/** A property read: a known value (possibly `undefined`), or unknown with the SDK error to re-throw. */
export type Field =
  { known: true; value: unknown } | { known: false; error: UnknownValueErrorInstance };

/** True when `error` is the SDK's `UnknownValueError`. */
export function isUnknownValueError(error: unknown): error is UnknownValueErrorInstance {
  return error instanceof Error && error instanceof unknownValueErrorClass();
}

/**
 * Reads the own property `key` of `obj` (a plain object or the SDK's unknown-checking proxy).
 * Missing properties, inherited ones and non-objects read as known `undefined`; a sentinel, read
 * through the proxy or as a raw string, reads as unknown. Never throws.
 *
 * @param path property path of `obj`, only used to name the value in the error message
 */
export function field(obj: unknown, key: string, path: readonly string[] = []): Field {
  if (typeof obj !== "object" || obj === null) return { known: true, value: undefined };
  try {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) return { known: true, value: undefined };
    const value: unknown = (obj as Record<string, unknown>)[key];
    if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) {
      const UnknownValueError = unknownValueErrorClass();
      return { known: false, error: new UnknownValueError(value, [...path, key]) };
    }
    return { known: true, value };
  } catch (error) {
    if (isUnknownValueError(error)) return { known: false, error };
    return { known: true, value: undefined };
  }
}

/** Reads a nested path, stopping at the first unknown. Never throws. */
export function fieldPath(obj: unknown, path: readonly string[]): Field {
  let current: Field = { known: true, value: obj };
  for (let i = 0; i < path.length && current.known; i++) {
    current = field(current.value, path[i], path.slice(0, i));
  }
  return current;
}

/**
 * Reads a property for a resource policy: returns the known value, or throws the SDK's
 * `UnknownValueError`, which the SDK reports as an advisory "can't run policy during preview".
 */
export function knownOrThrow(read: Field): unknown {
  if (!read.known) throw read.error;
  return read.value;
}

/** The known entries of a string map, and which entries (if any) are unknown. */
export interface PartialMap {
  /** `undefined` when the map itself is unknown or not a plain object. */
  map?: Record<string, unknown>;
  /** True when the whole map is unknown. */
  wholeUnknown: boolean;
  /** The SDK error to re-throw when the whole map is unknown. */
  error?: UnknownValueErrorInstance;
  /** Keys whose values are unknown (not in `map`). */
  unknownKeys: string[];
}

/**
 * Reads a string map (such as `rotateWhenChanged`) entry by entry: the known entries, the keys of
 * unknown ones, or the whole map unknown. Not a plain object (null, array, string…): no `map`.
 * Never throws.
 */
export function readMapPartial(obj: Field): PartialMap {
  if (!obj.known) return { wholeUnknown: true, error: obj.error, unknownKeys: [] };
  const value = obj.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { wholeUnknown: false, unknownKeys: [] };
  }
  const map: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return { wholeUnknown: false, unknownKeys: [] };
  }
  for (const key of keys) {
    const entry = field(value, key);
    if (entry.known) map[key] = entry.value;
    else unknownKeys.push(key);
  }
  return { map, wholeUnknown: false, unknownKeys };
}
