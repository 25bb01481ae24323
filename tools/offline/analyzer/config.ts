/**
 * Policy pack configuration as the engine reconciles it before `Configure`
 * (pulumi/pkg/resource/analyzer/config.go, `ReconcilePolicyPackConfig`):
 * 1. every policy starts with its enforcement level and the `default` of each config-schema property;
 * 2. the pack's initial config (`new PolicyPack(name, args, initialConfig)`) is applied;
 * 3. the `--policy-pack-config` file is applied: `{ "all": level, "<policy>": level |
 *    { "enforcementLevel": level, "<prop>": value } }` ("all" sets every policy's level and is
 *    itself kept as an entry, as the engine does);
 * 4. each policy's properties are validated against its schema; errors abort, as in the engine.
 */
import type { JsonValue } from "./sentinels";

/** CrossGuard enforcement levels. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

/** The subset of JSON schema the harness validates: type, enum, pattern, items, minLength. */
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
    for (const required of policy.configSchema.required) {
      if (!(required in props)) errors.push(`${policy.name}: ${required} is required`);
    }
    for (const [key, schema] of Object.entries(policy.configSchema.properties)) {
      if (key in props) errors.push(...validate(schema, props[key], `${policy.name}: ${key}`));
    }
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

/** Validates a value against the harness's JSON-schema subset; returns error messages. */
export function validate(schema: JsonSchema, value: JsonValue, path: string): string[] {
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) {
      return [`${path}: invalid type. Expected: ${types.join(", ")}, given: ${typeName(value)}`];
    }
  }
  if (
    schema.enum !== undefined &&
    !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))
  ) {
    errors.push(
      `${path}: must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`,
    );
  }
  if (typeof value === "string") {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
      errors.push(`${path}: does not match pattern '${schema.pattern}'`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push(`${path}: string length must be greater than or equal to ${schema.minLength}`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) =>
      errors.push(...validate(schema.items as JsonSchema, item, `${path}.${index}`)),
    );
  }
  return errors;
}

function hasType(value: JsonValue, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return false;
  }
}

function typeName(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
