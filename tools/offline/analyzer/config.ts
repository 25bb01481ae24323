/**
 * Policy pack configuration as the engine reconciles it before `Configure`
 * (pulumi/pkg/resource/analyzer/config.go, `ReconcilePolicyPackConfig`):
 * 1. every policy starts with its enforcement level and the `default` of each config-schema property;
 * 2. the pack's initial config (`new PolicyPack(name, args, initialConfig)`) is applied;
 * 3. the `--policy-pack-config` file is applied: `{ "all": level, "<policy>": level |
 *    { "enforcementLevel": level, "<prop>": value } }` ("all" sets every policy's level and is
 *    itself kept as an entry, as the engine does);
 * 4. each policy's properties are validated against its schema (by ajv, a full JSON Schema
 *    validator, as the engine uses gojsonschema); errors abort, as in the engine.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { JsonValue } from "./sentinels";

/** CrossGuard enforcement levels. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

/**
 * A policy's config-schema property: JSON Schema, validated in full (ajv); the keywords the pack's
 * schemas use are typed.
 */
export interface JsonSchema {
  type?: string | string[];
  enum?: JsonValue[];
  pattern?: string;
  items?: JsonSchema;
  minLength?: number;
  default?: JsonValue;
  description?: string;
  [key: string]: unknown;
}

/** One policy as `GetAnalyzerInfo` describes it. */
export interface PolicyInfo {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  type: "resource" | "stack" | "unknown";
  configSchema?: { properties: Record<string, JsonSchema>; required: string[] };
}

/** `GetAnalyzerInfo` as plain data. */
export interface AnalyzerInfo {
  name: string;
  version: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  initialConfig: Record<string, PolicyConfig>;
}

/** One policy's configuration. */
export interface PolicyConfig {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, JsonValue>;
}

/** Reconciled configuration: what `Configure` receives. */
export type ReconciledConfig = Record<string, PolicyConfig>;

/** Raised for an invalid config file or a config that fails its schema; `errors` lists each problem. */
export class PolicyConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(`policy pack configuration is invalid: ${errors.join("; ")}`);
    this.name = "PolicyConfigError";
  }
}

function isLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/**
 * Parses a `--policy-pack-config` file.
 *
 * @param file the file's JSON text, or its parsed value; empty text or `undefined` means no config
 * @throws PolicyConfigError for invalid JSON, a value that is neither a level nor an object, or an
 *   invalid enforcement level (the engine's messages)
 */
export function parsePolicyPackConfig(file: string | object | undefined): ReconciledConfig {
  if (file === undefined || (typeof file === "string" && file.trim() === "")) return {};
  let parsed: unknown = file;
  if (typeof file === "string") {
    try {
      parsed = JSON.parse(file);
    } catch (error) {
      throw new PolicyConfigError([`invalid JSON: ${(error as Error).message}`]);
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PolicyConfigError(["the config file must hold a JSON object"]);
  }
  const result: ReconciledConfig = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === "string") {
      if (!isLevel(value)) {
        throw new PolicyConfigError([
          `parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`,
        ]);
      }
      result[key] = { enforcementLevel: value };
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new PolicyConfigError([
        `parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
      ]);
    }
    const { enforcementLevel, ...properties } = value as Record<string, JsonValue>;
    if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
      throw new PolicyConfigError([
        `parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`,
      ]);
    }
    const entry: PolicyConfig = {};
    if (enforcementLevel !== undefined) entry.enforcementLevel = enforcementLevel;
    if (Object.keys(properties).length > 0) entry.properties = properties;
    if (entry.enforcementLevel !== undefined || entry.properties !== undefined) result[key] = entry;
  }
  return result;
}

/**
 * Reconciles configuration as the engine does (see module comment).
 *
 * @param info from `GetAnalyzerInfo` (schemas, levels, initial config)
 * @param file the `--policy-pack-config` file: JSON text, parsed object, or `undefined`
 * @returns the config to send with `Configure`
 * @throws PolicyConfigError when the file is invalid or a property fails its schema
 */
export function reconcileConfig(info: AnalyzerInfo, file?: string | object): ReconciledConfig {
  const result: ReconciledConfig = {};
  for (const policy of info.policies) {
    let properties: Record<string, JsonValue> | undefined;
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) {
        properties = properties ?? {};
        properties[key] = structuredClone(schema.default);
      }
    }
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  applyConfig(result, info.initialConfig);
  applyConfig(result, parsePolicyPackConfig(file));
  const errors: string[] = [];
  for (const policy of info.policies) {
    if (!policy.configSchema) continue;
    const props = result[policy.name]?.properties ?? {};
    errors.push(...validateProperties(policy.name, policy.configSchema, props));
  }
  if (errors.length > 0) throw new PolicyConfigError(errors);
  return result;
}

function applyConfig(result: ReconciledConfig, config: ReconciledConfig): void {
  const all = config["all"];
  if (all?.enforcementLevel !== undefined) {
    for (const key of Object.keys(result))
      result[key] = { ...result[key], enforcementLevel: all.enforcementLevel };
  }
  for (const [policy, given] of Object.entries(config)) {
    const current = result[policy] ?? {};
    const entry: PolicyConfig = { ...current };
    if (given.enforcementLevel !== undefined) entry.enforcementLevel = given.enforcementLevel;
    if (given.properties !== undefined)
      entry.properties = { ...(current.properties ?? {}), ...given.properties };
    result[policy] = entry;
  }
}

/**
 * The JSON Schema validator: ajv, a full one, as the engine uses a full one (gojsonschema). Unknown
 * keywords are ignored and patterns are compiled without the `u` flag, as the engine's validator
 * does; every problem is reported, not only the first.
 */
const AJV = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, verbose: true });

/** Compiled validators by schema text: a pack's schemas are compiled once per process. */
const COMPILED = new Map<string, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let compiled = COMPILED.get(key);
  if (!compiled) {
    compiled = AJV.compile(schema);
    COMPILED.set(key, compiled);
  }
  return compiled;
}

/**
 * Validates a value against a JSON schema; returns error messages, each prefixed with `path` and
 * the position inside the value (`.0` for an array's first item). A value of the wrong type is
 * reported once, without the other keywords' verdicts on it.
 *
 * @throws PolicyConfigError when the schema itself is invalid
 */
export function validate(schema: JsonSchema, value: JsonValue, path: string): string[] {
  let check: ValidateFunction;
  try {
    check = compile(schema);
  } catch (error) {
    throw new PolicyConfigError([`${path}: invalid config schema: ${(error as Error).message}`]);
  }
  if (check(value)) return [];
  return describeErrors(check.errors ?? [], (instancePath) => `${path}${dotted(instancePath)}`);
}

/**
 * Validates one policy's reconciled properties against its config schema (`properties` and
 * `required`): a missing required property as `<policy>: <prop> is required`, first; then each
 * property's problems as `<policy>: <prop>[.<index>]: <problem>`, in schema order.
 */
function validateProperties(
  policy: string,
  configSchema: NonNullable<PolicyInfo["configSchema"]>,
  properties: Record<string, JsonValue>,
): string[] {
  // Only the properties the schema declares are checked, as before (the engine's schema has no
  // additionalProperties: false either).
  const schema = {
    type: "object",
    properties: configSchema.properties,
    required: configSchema.required,
  };
  let check: ValidateFunction;
  try {
    check = compile(schema);
  } catch (error) {
    throw new PolicyConfigError([`${policy}: invalid config schema: ${(error as Error).message}`]);
  }
  if (check(properties)) return [];
  return describeErrors(
    check.errors ?? [],
    (instancePath) => `${policy}: ${dotted(instancePath).slice(1)}`,
  );
}

/** Order of ajv's keywords in the messages: type first, then as the harness always listed them. */
const KEYWORD_ORDER = ["type", "enum", "pattern", "minLength"];

/**
 * ajv's errors as messages: missing required properties first, then grouped by position (first
 * seen first), a type error alone in its group, the keywords of a group in {@link KEYWORD_ORDER}
 * (others after, in ajv's order).
 */
function describeErrors(errors: ErrorObject[], where: (instancePath: string) => string): string[] {
  const required = errors.filter((error) => error.keyword === "required");
  const groups = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword === "required") continue;
    groups.set(error.instancePath, [...(groups.get(error.instancePath) ?? []), error]);
  }
  const rank = (error: ErrorObject) => {
    const index = KEYWORD_ORDER.indexOf(error.keyword);
    return index === -1 ? KEYWORD_ORDER.length : index;
  };
  const messages = required.map((error) => {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${where(`${error.instancePath}/${missing.replace(/~/g, "~0").replace(/\//g, "~1")}`)} is required`;
  });
  for (const group of groups.values()) {
    const typeError = group.find((error) => error.keyword === "type");
    const shown = typeError ? [typeError] : [...group].sort((a, b) => rank(a) - rank(b));
    for (const error of shown) messages.push(`${where(error.instancePath)}: ${describe(error)}`);
  }
  return messages;
}

/** One ajv error in the harness's words (the engine's, for the keywords it always checked). */
function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case "type": {
      const expected = Array.isArray(error.schema) ? error.schema : [String(error.schema)];
      return `invalid type. Expected: ${expected.join(", ")}, given: ${typeName(error.data as JsonValue)}`;
    }
    case "enum":
      return `must be one of ${(error.params as { allowedValues: JsonValue[] }).allowedValues
        .map((option) => JSON.stringify(option))
        .join(", ")}`;
    case "pattern":
      return `does not match pattern '${(error.params as { pattern: string }).pattern}'`;
    case "minLength":
      return `string length must be greater than or equal to ${(error.params as { limit: number }).limit}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/** A JSON pointer (`/a/0`) as dotted segments (`.a.0`); `""` for the root. */
function dotted(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((segment) => `.${segment.replace(/~1/g, "/").replace(/~0/g, "~")}`)
    .join("");
}

function typeName(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
