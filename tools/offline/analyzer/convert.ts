/**
 * Conversions between plain resource records and the analyzer protocol's messages
 * (`@pulumi/pulumi/proto/analyzer_pb`), as the engine marshals them: properties as a
 * `google.protobuf.Struct` with unknowns and secrets kept, `options` always set.
 */
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type {
  AnalyzerInfo,
  EnforcementLevel,
  JsonSchema,
  PolicyConfig,
  ReconciledConfig,
} from "./config";
import type { JsonValue } from "./sentinels";

/** Resource options the engine sends with every resource (all optional here). */
export interface ResourceOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  aliases?: string[];
  additionalSecretOutputs?: string[];
  customTimeouts?: { create?: number; update?: number; delete?: number };
}

/** The provider of a resource, as the engine describes it. */
export interface ProviderRecord {
  type: string;
  name: string;
  urn: string;
  properties?: Record<string, unknown>;
}

/**
 * A resource as a plain record. `properties` is plain JSON (inputs for `Analyze`, outputs for
 * `AnalyzeStack`); use {@link UNKNOWN} for values unknown during preview and `secret()` for
 * secrets. `undefined` entries are dropped, as the engine drops them.
 */
export interface ResourceRecord {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:<stack>::<project>::<type>::<name>` (see {@link makeUrn}). */
  urn?: string;
  properties?: Record<string, unknown>;
  /** URN of the parent resource. */
  parent?: string;
  /** URNs this resource depends on. */
  dependencies?: string[];
  /** Per top-level property, the URNs its value depends on. */
  propertyDependencies?: Record<string, string[]>;
  provider?: ProviderRecord;
  options?: ResourceOptions;
}

/** A diagnostic from `Analyze`/`AnalyzeStack`, as plain data. */
export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  message: string;
  description: string;
  /** Which call produced it: `Analyze` (a resource's inputs) or `AnalyzeStack` (set by runPolicies). */
  stage?: "analyze" | "analyzeStack";
}

/** Stack identity used for default URNs. */
export interface StackIdentity {
  project: string;
  stack: string;
}

export const DEFAULT_IDENTITY: StackIdentity = { project: "app-credentials", stack: "dev" };

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`; `parentType` qualifies the type as the engine does. */
export function makeUrn(
  type: string,
  name: string,
  identity: StackIdentity = DEFAULT_IDENTITY,
  parentType?: string,
): string {
  const qualified = parentType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${identity.stack}::${identity.project}::${qualified}::${name}`;
}

const LEVELS: Record<number, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
};

/** Enforcement level enum of the protocol → name. */
export function levelName(level: number): EnforcementLevel {
  const name = LEVELS[level];
  if (name === undefined) throw new Error(`invalid enforcement level ${level}`);
  return name;
}

/** Enforcement level name → enum of the protocol. */
export function levelEnum(level: EnforcementLevel): analyzerProto.EnforcementLevel {
  const entry = Object.entries(LEVELS).find(([, name]) => name === level);
  if (entry === undefined) throw new Error(`invalid enforcement level ${String(level)}`);
  return Number(entry[0]) as analyzerProto.EnforcementLevel;
}

/** Drops `undefined` (recursively) so the value fits a Struct; keeps null, unknown sentinels and secrets. */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === undefined || typeof value === "function" || typeof value === "symbol")
    return undefined;
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    typeof value === "number"
  ) {
    return value;
  }
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  const result: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const json = toJson(item);
    if (json !== undefined) result[key] = json;
  }
  return result;
}

/** Plain properties → Struct. */
export function toStruct(properties: Record<string, unknown> | undefined): Struct {
  return Struct.fromJavaScript((toJson(properties ?? {}) ?? {}) as Record<string, JsonValue>);
}

function toOptions(record: ResourceRecord): analyzerProto.AnalyzerResourceOptions {
  const options = record.options ?? {};
  const result = new analyzerProto.AnalyzerResourceOptions();
  result.setProtect(options.protect ?? false);
  result.setIgnorechangesList(options.ignoreChanges ?? []);
  result.setDeletebeforereplace(options.deleteBeforeReplace ?? false);
  result.setDeletebeforereplacedefined(options.deleteBeforeReplace !== undefined);
  result.setAliasesList(options.aliases ?? []);
  result.setAdditionalsecretoutputsList(options.additionalSecretOutputs ?? []);
  const timeouts = new analyzerProto.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(options.customTimeouts?.create ?? 0);
  timeouts.setUpdate(options.customTimeouts?.update ?? 0);
  timeouts.setDelete(options.customTimeouts?.delete ?? 0);
  result.setCustomtimeouts(timeouts);
  result.setParent(record.parent ?? "");
  return result;
}

function toProvider(provider: ProviderRecord): analyzerProto.AnalyzerProviderResource {
  const result = new analyzerProto.AnalyzerProviderResource();
  result.setType(provider.type);
  result.setName(provider.name);
  result.setUrn(provider.urn);
  result.setProperties(toStruct(provider.properties));
  return result;
}

/** A record → `AnalyzeRequest` (for `Analyze` and `Remediate`). */
export function toAnalyzeRequest(
  record: ResourceRecord,
  identity: StackIdentity = DEFAULT_IDENTITY,
): analyzerProto.AnalyzeRequest {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(record.type);
  request.setName(record.name);
  request.setUrn(record.urn ?? makeUrn(record.type, record.name, identity));
  request.setProperties(toStruct(record.properties));
  request.setOptions(toOptions(record));
  if (record.provider) request.setProvider(toProvider(record.provider));
  return request;
}

/** Records → `AnalyzeStackRequest`, with parent, dependencies and property dependencies. */
export function toAnalyzeStackRequest(
  records: ResourceRecord[],
  identity: StackIdentity = DEFAULT_IDENTITY,
): analyzerProto.AnalyzeStackRequest {
  const request = new analyzerProto.AnalyzeStackRequest();
  request.setResourcesList(
    records.map((record) => {
      const resource = new analyzerProto.AnalyzerResource();
      resource.setType(record.type);
      resource.setName(record.name);
      resource.setUrn(record.urn ?? makeUrn(record.type, record.name, identity));
      resource.setProperties(toStruct(record.properties));
      resource.setOptions(toOptions(record));
      if (record.provider) resource.setProvider(toProvider(record.provider));
      resource.setParent(record.parent ?? "");
      resource.setDependenciesList(record.dependencies ?? []);
      const map = resource.getPropertydependenciesMap();
      for (const [key, urns] of Object.entries(record.propertyDependencies ?? {})) {
        if (urns.length === 0) continue; // the engine skips properties without dependencies
        const deps = new analyzerProto.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        map.set(key, deps);
      }
      return resource;
    }),
  );
  return request;
}

/** `AnalyzeResponse` → plain diagnostics. */
export function fromAnalyzeResponse(response: analyzerProto.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    enforcementLevel: levelName(d.getEnforcementlevel()),
    urn: d.getUrn(),
    message: d.getMessage(),
    description: d.getDescription(),
  }));
}

/** `AnalyzerInfo` → plain data. */
export function fromAnalyzerInfo(info: analyzerProto.AnalyzerInfo): AnalyzerInfo {
  const types: Record<number, "resource" | "stack" | "unknown"> = {
    [analyzerProto.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
    [analyzerProto.PolicyType.POLICY_TYPE_STACK]: "stack",
  };
  const initialConfig: Record<string, PolicyConfig> = {};
  info.getInitialconfigMap().forEach((config, name) => {
    const entry: PolicyConfig = { enforcementLevel: levelName(config.getEnforcementlevel()) };
    const properties = config.getProperties()?.toJavaScript();
    if (properties && Object.keys(properties).length > 0)
      entry.properties = properties as Record<string, JsonValue>;
    initialConfig[name] = entry;
  });
  return {
    name: info.getName(),
    version: info.getVersion(),
    description: info.getDescription(),
    supportsConfig: info.getSupportsconfig(),
    initialConfig,
    policies: info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        displayName: p.getDisplayname(),
        description: p.getDescription(),
        enforcementLevel: levelName(p.getEnforcementlevel()),
        type: types[p.getPolicyType()] ?? "unknown",
        configSchema: schema
          ? {
              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                string,
                JsonSchema
              >,
              required: schema.getRequiredList(),
            }
          : undefined,
      };
    }),
  };
}

/** Reconciled config → `ConfigureAnalyzerRequest` (properties always set, as the engine does). */
export function toConfigureRequest(
  config: ReconciledConfig,
): analyzerProto.ConfigureAnalyzerRequest {
  const request = new analyzerProto.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, entry] of Object.entries(config)) {
    if (entry.enforcementLevel === undefined)
      throw new Error(`invalid enforcement level "" for ${name}`);
    const policyConfig = new analyzerProto.PolicyConfig();
    policyConfig.setEnforcementlevel(levelEnum(entry.enforcementLevel));
    policyConfig.setProperties(toStruct(entry.properties));
    map.set(name, policyConfig);
  }
  return request;
}
