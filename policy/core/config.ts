/**
 * Policy configuration with explicit defaults.
 *
 * The engine fills in each property's JSON-schema `default` before `Configure`, but without
 * `Configure` (older engines, direct calls) `getConfig()` returns `{}`: every reader here falls
 * back to the default itself, so a policy never passes silently because its config is absent.
 * A value that is present but invalid is an error, never silently replaced by the default.
 */
import { Duration } from "luxon";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { parseDuration, Parsed } from "./iso8601";

/** A duration setting: the text as configured (for messages) and the parsed duration. */
export interface DurationSetting {
  /** ISO 8601 text, e.g. `P2Y`. */
  text: string;
  duration: Duration;
  /** True when the value came from the default rather than from the configuration. */
  isDefault: boolean;
}

/**
 * ISO 8601 duration shape for the JSON schema the engine validates configuration against.
 * Written for RE2 (the engine's Go regexp, no look-ahead), so `P` and `PT` still pass the schema
 * and are rejected by {@link parseDuration} at run time.
 */
const ISO_DURATION_PATTERN =
  "^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+([.,][0-9]+)?S)?)?$";

/** True for a config-schema property holding an ISO 8601 duration (see {@link durationSchema}). */
export function isDurationSchema(schema: { pattern?: unknown } | undefined): boolean {
  return schema?.pattern === ISO_DURATION_PATTERN;
}

/**
 * Why a configured duration cannot be used (zero, `P`, fractional years…), in one line naming the
 * policy, the property, the value and what is allowed; undefined when it is usable or absent. The
 * offline preview and the audit refuse such a file before judging anything, instead of the pack's
 * "cannot be checked" on every credential.
 *
 * @param examples valid values to show, e.g. `P2Y, P1Y or P180D`
 */
export function durationConfigProblem(
  policy: string,
  key: string,
  value: unknown,
  examples = "P2Y, P1Y or P180D",
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseDuration(value);
  if (parsed.ok) return undefined;
  return `${policy}.${key}: ${JSON.stringify(value) ?? String(value)} is invalid; expected a positive ISO 8601 duration such as ${examples} (${parsed.reason})`;
}

/** JSON schema of an ISO 8601 duration property with its default. */
export function durationSchema(description: string, defaultValue: string): PolicyConfigJSONSchema {
  return { type: "string", pattern: ISO_DURATION_PATTERN, default: defaultValue, description };
}

/**
 * JSON schema of an optional ISO 8601 duration property with no default: absent, the policy falls
 * back to another setting (named in the description).
 */
export function optionalDurationSchema(description: string): PolicyConfigJSONSchema {
  return { type: "string", pattern: ISO_DURATION_PATTERN, description };
}

/** JSON schema of a list-of-strings property, default `[]`. */
export function stringListSchema(description: string): PolicyConfigJSONSchema {
  return { type: "array", items: { type: "string" }, default: [], description };
}

/**
 * Reads an ISO 8601 duration from the policy configuration.
 *
 * @param config the object returned by `getConfig()` (may be `{}` or anything else)
 * @param key property name, e.g. `maxLifetime`
 * @param defaultValue ISO 8601 default, e.g. `P2Y`, used when the key is absent or null
 * @returns the setting, or a reason naming the key and the bad value. Never throws.
 */
export function durationSetting(
  config: unknown,
  key: string,
  defaultValue: string,
): Parsed<DurationSetting> {
  const raw = readKey(config, key);
  if (raw === undefined || raw === null) {
    const parsed = parseDuration(defaultValue);
    return parsed.ok
      ? { ok: true, value: { text: defaultValue, duration: parsed.value, isDefault: true } }
      : { ok: false, reason: `default ${key}: ${parsed.reason}` };
  }
  const parsed = parseDuration(raw);
  if (!parsed.ok) return { ok: false, reason: `policy config ${key}: ${parsed.reason}` };
  return { ok: true, value: { text: raw as string, duration: parsed.value, isDefault: false } };
}

/**
 * Reads a list of strings from the policy configuration; absent or null gives `[]`.
 * @returns the list, or a reason when the value is not an array of strings. Never throws.
 */
export function stringListSetting(config: unknown, key: string): Parsed<string[]> {
  const raw = readKey(config, key);
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === "string")) {
    return { ok: false, reason: `policy config ${key} must be a list of strings` };
  }
  return { ok: true, value: [...raw] };
}

function readKey(config: unknown, key: string): unknown {
  if (typeof config !== "object" || config === null) return undefined;
  if (!Object.prototype.hasOwnProperty.call(config, key)) return undefined;
  return (config as Record<string, unknown>)[key];
}
