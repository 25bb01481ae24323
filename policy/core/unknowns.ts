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
/** The SDK's `UnknownValueError` class (proxy.js): `new UnknownValueError(sentinel, props)`. */
export type UnknownValueErrorClass = new (
  sentinel: string,
  props: string[],
) => UnknownValueErrorInstance;

/**
 * Everything the pack reaches for in @pulumi/policy's internals (exported by its index.js, stripped
 * from its type declarations): this module is the one place that does; the contract test
 * (test/simulator/sdkContract.test.ts) checks each against the installed SDK.
 */
export interface PolicySdkInternals {
  /** proxy.js: the error a policy throws when it reads an unknown value. */
  UnknownValueError: UnknownValueErrorClass;
  /** proxy.js: wraps resource properties so that reading an unknown value throws. */
  unknownCheckingProxy: <T extends object>(value: T) => T;
  /** policy.js: the resource type a policy function carries as {@link PULUMI_TYPE_PROPERTY}. */
  getPulumiType: (fn: unknown) => string | undefined;
}

/**
 * The property of a policy's function that names the one resource type it checks (policy.js
 * `validateResourceOfType` sets it, `getPulumiType` reads it): a stack policy whose function
 * carries it is skipped when no resource of that type is analysed.
 */
export const PULUMI_TYPE_PROPERTY = "__pulumiType";

let sdk: PolicySdkInternals | undefined;

/**
 * @pulumi/policy's internals, loaded on first use, so that the program and the tools, which import
 * the rule core but never meet an unknown value, do not load the policy SDK.
 */
export function policySdkInternals(): PolicySdkInternals {
  if (sdk === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require("@pulumi/policy") as PolicySdkInternals;
  }
  return sdk;
}

/** The SDK's `UnknownValueError` class: the only error a policy may throw. */
export function unknownValueErrorClass(): UnknownValueErrorClass {
  return policySdkInternals().UnknownValueError;
}

/** Wraps `value` in the SDK's unknown-checking proxy, as the SDK wraps a resource's properties. */
export function unknownCheckingProxy<T extends object>(value: T): T {
  return policySdkInternals().unknownCheckingProxy(value);
}

/** The resource type a policy's function carries ({@link PULUMI_TYPE_PROPERTY}), as the SDK reads it. */
export function getPulumiType(fn: unknown): string | undefined {
  return policySdkInternals().getPulumiType(fn);
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
