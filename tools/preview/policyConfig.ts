/**
 * The `--policy-pack-config` file, checked against what the pack declares (`GetAnalyzerInfo`:
 * policy names and each policy's config-schema properties) and the preview's own policies, and
 * split into the part the pack receives and the enforcement levels of the preview's own policies.
 *
 * Pure: no I/O.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { durationConfigProblem, isDurationSchema } from "../../policy/core";
import type { AnalyzerInfo, EnforcementLevel, ReconciledConfig } from "../offline";

/** A policy the preview itself evaluates (not the pack), configured in the same file. */
export interface PreviewPolicy {
  name: string;
  description: string;
  /** Level when the config file does not set one. */
  enforcementLevel: EnforcementLevel;
  /** Settings besides the level, when it has any. */
  configSchema?: { properties: Record<string, PolicyConfigJSONSchema> };
}

/** A policy of another tool that shares the file (the tenant audit's own), with its settings. */
export interface SharedPolicy {
  name: string;
  configSchema?: { properties: Record<string, PolicyConfigJSONSchema> };
}

/** What the file says, split. */
export interface SplitConfig {
  /** The file without the preview's own policies: what `Configure` is reconciled from. */
  pack: ReconciledConfig;
  /** Effective level of each preview policy (`remediate` counts as `mandatory`: nothing to fix). */
  previewLevels: Record<string, EnforcementLevel>;
  /** The settings the file gives each preview policy (its properties; empty when none). */
  previewSettings: Record<string, Record<string, unknown>>;
}

/**
 * Problems with the file's names and properties: unknown policies (neither the pack's, the
 * preview's, `all`, nor one of `otherNames`) and properties a policy's config schema does not
 * declare. Enforcement levels and JSON validity are checked by the parser
 * (`parsePolicyPackConfig`), property values by the engine's reconciliation.
 *
 * @param config the parsed file
 * @param others further policies that share the file (e.g. the tenant audit's own): an enforcement
 *   level and the properties their config schema declares
 * @returns one message per problem (empty: valid), each naming the policy or property and what is
 *   allowed
 */
export function checkPolicyPackConfig(
  config: ReconciledConfig,
  info: AnalyzerInfo,
  previewPolicies: readonly PreviewPolicy[],
  others: readonly SharedPolicy[] = [],
): string[] {
  const pack = new Map(info.policies.map((p) => [p.name, p]));
  const shared = new Map(
    [...previewPolicies, ...others].map((p) => [p.name, p.configSchema?.properties ?? {}]),
  );
  const known = ["all", ...pack.keys(), ...shared.keys()];
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const properties = Object.keys(entry.properties ?? {});
    if (!known.includes(name)) {
      problems.push(`unknown policy ${JSON.stringify(name)} (known: ${known.join(", ")})`);
      continue;
    }
    const schema = pack.get(name)?.configSchema?.properties ?? shared.get(name) ?? {};
    const allowed = Object.keys(schema);
    // A duration the schema lets through but the pack cannot use (P0D): refused here, as the
    // audit refuses it, rather than a "cannot be checked" violation on every credential.
    for (const property of properties.filter((p) => isDurationSchema(schema[p]))) {
      const problem = durationConfigProblem(name, property, entry.properties?.[property]);
      if (problem) problems.push(problem);
    }
    for (const property of properties.filter((p) => !allowed.includes(p))) {
      problems.push(
        `${JSON.stringify(name)}: unknown property ${JSON.stringify(property)} (` +
          (allowed.length > 0
            ? `${name} takes enforcementLevel, ${allowed.join(", ")})`
            : `${name} takes only enforcementLevel)`),
      );
    }
  }
  return problems;
}

/**
 * Splits a parsed file into the pack's part and the preview policies' levels, as the engine
 * applies levels: `all` first, then the policy's own entry.
 */
export function splitPolicyPackConfig(
  config: ReconciledConfig,
  previewPolicies: readonly PreviewPolicy[],
  others: readonly SharedPolicy[] = [],
): SplitConfig {
  const notPack = new Set([...previewPolicies, ...others].map((p) => p.name));
  const pack: ReconciledConfig = {};
  for (const [name, entry] of Object.entries(config)) {
    if (!notPack.has(name)) pack[name] = entry;
  }
  const previewLevels: Record<string, EnforcementLevel> = {};
  const previewSettings: Record<string, Record<string, unknown>> = {};
  for (const policy of previewPolicies) {
    previewSettings[policy.name] = { ...(config[policy.name]?.properties ?? {}) };
    const level =
      config[policy.name]?.enforcementLevel ??
      config.all?.enforcementLevel ??
      policy.enforcementLevel;
    previewLevels[policy.name] = level === "remediate" ? "mandatory" : level;
  }
  return { pack, previewLevels, previewSettings };
}

/** The reconciled config as the JSON object `parsePolicyPackConfig` accepts back. */
export function toConfigFile(config: ReconciledConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([name, entry]) => [
      name,
      {
        ...(entry.properties ?? {}),
        ...(entry.enforcementLevel ? { enforcementLevel: entry.enforcementLevel } : {}),
      },
    ]),
  );
}
