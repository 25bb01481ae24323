/**
 * Drives the CrossGuard policy pack over the analyzer protocol the way `pulumi preview
 * --policy-pack` does (through the harness in tools/analyzer): start the pack, `GetAnalyzerInfo`,
 * reconcile its config (schema defaults, initial config, `--policy-pack-config`), `Configure`,
 * `Remediate` + `Analyze` per resource with its inputs, `AnalyzeStack` with every resource's
 * outputs, parent, dependencies and property dependencies; then stop the pack.
 */
import * as fs from "fs";
import * as path from "path";
import {
  Diagnostic,
  EnforcementLevel,
  ReconciledConfig,
  ResourceRecord,
  runPolicies,
  secret,
  startPolicyPack,
} from "../analyzer";
import { SECRET_PLACEHOLDER } from "../simulator/simulatedAzure";
import type { Registration } from "../simulator/simulatedAzure";
import { fakeDateChildOptions } from "./clock";
import { ProgramFailure } from "./errors";

/** The pack the preview runs: this repository's `policy/` directory. */
export const DEFAULT_POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policy");

/** Output properties of these types hold secret text: sent to the pack as secrets. */
const SECRET_OUTPUTS: Record<string, string[]> = {
  "azuread:index/applicationPassword:ApplicationPassword": ["value"],
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": ["value"],
};

/** Options of {@link evaluatePolicies}. */
export interface PolicyOptions {
  project: string;
  stack: string;
  /** Stack config as the program saw it (`namespace:key` → string), passed to the pack. */
  config: Record<string, string>;
  /** Policy pack directory (default {@link DEFAULT_POLICY_PACK_DIR}). */
  packDir?: string;
  /** Path of a `--policy-pack-config` JSON file. */
  configFile?: string;
  /** Fake the pack's clock at this instant, ms since the epoch (for `--now`). */
  nowMs?: number;
}

/** One policy diagnostic, with the resource it names resolved. */
export interface PolicyDiagnostic {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** URN of the resource, or "" for a stack-wide diagnostic. */
  urn: string;
  /** `type` and `name` of the resource, when the URN is one of the stack's. */
  resource?: { type: string; name: string };
  message: string;
}

/** What the pack said about the stack. */
export interface PolicyResult {
  pack: { name: string; version: string; dir: string };
  /** The reconciled configuration sent with `Configure`. */
  config: ReconciledConfig;
  /** Policies with their effective enforcement level. */
  policies: { name: string; enforcementLevel: EnforcementLevel }[];
  diagnostics: PolicyDiagnostic[];
}

/**
 * Runs the pack over the recorded registrations.
 *
 * @param registrations in registration order; `stackUrn` is the root stack resource's URN
 * @throws ProgramFailure (kind "config") when the `--policy-pack-config` file is unreadable or
 *   invalid; other errors (the pack fails to start) propagate
 */
export async function evaluatePolicies(
  registrations: Registration[],
  stackUrn: string,
  options: PolicyOptions,
): Promise<PolicyResult> {
  const packDir = path.resolve(options.packDir ?? DEFAULT_POLICY_PACK_DIR);
  const configFile = readConfigFile(options.configFile);
  const clock = options.nowMs === undefined ? undefined : fakeDateChildOptions(options.nowMs);
  const pack = await startPolicyPack(packDir, {
    env: clock?.env,
    nodeOptions: clock?.nodeOptions,
    stack: {
      project: options.project,
      stack: options.stack,
      dryRun: true,
      config: options.config,
    },
  });
  try {
    const stackResource: ResourceRecord = {
      type: "pulumi:pulumi:Stack",
      name: `${options.project}-${options.stack}`,
      urn: stackUrn,
      properties: {},
    };
    const inputs = [stackResource, ...registrations.map((r) => toRecord(r, stackUrn, "inputs"))];
    const outputs = [stackResource, ...registrations.map((r) => toRecord(r, stackUrn, "outputs"))];
    let run;
    try {
      run = await runPolicies(pack, inputs, { configFile, outputs });
    } catch (error) {
      if (error instanceof Error && error.name === "PolicyConfigError") {
        throw new ProgramFailure("config", `--policy-pack-config: ${error.message}`);
      }
      throw error;
    }
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    return {
      pack: { name: run.info.name, version: run.info.version, dir: packDir },
      config: run.config,
      policies: run.info.policies.map((p) => ({
        name: p.name,
        enforcementLevel: run.config[p.name]?.enforcementLevel ?? p.enforcementLevel,
      })),
      diagnostics: run.diagnostics.map((d) => toDiagnostic(d, byUrn, stackUrn)),
    };
  } finally {
    await pack.stop();
  }
}

function readConfigFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ProgramFailure(
      "config",
      `--policy-pack-config: cannot read ${file}: ${(error as Error).message}`,
    );
  }
}

/**
 * A registration as the engine sends it: inputs for `Analyze`, outputs for `AnalyzeStack`;
 * secret values wrapped as secrets (their text never leaves the simulation); stack children
 * parented to the stack resource, as the engine parents them.
 */
function toRecord(
  registration: Registration,
  stackUrn: string,
  which: "inputs" | "outputs",
): ResourceRecord {
  const secretPaths =
    which === "inputs" ? registration.secretInputs : (SECRET_OUTPUTS[registration.type] ?? []);
  const properties = structuredClone(registration[which]);
  for (const dotted of secretPaths) wrapSecret(properties, dotted.split("."));
  return {
    type: registration.type,
    name: registration.name,
    urn: registration.urn,
    parent: registration.parent ?? stackUrn,
    properties,
    dependencies: registration.dependencies,
    propertyDependencies: registration.propertyDependencies,
  };
}

function wrapSecret(target: Record<string, unknown>, keys: string[]): void {
  const [key, ...rest] = keys;
  if (key === undefined || !(key in target)) return;
  if (rest.length === 0) {
    target[key] = secret(SECRET_PLACEHOLDER);
    return;
  }
  const next = target[key];
  if (next && typeof next === "object" && !Array.isArray(next))
    wrapSecret(next as Record<string, unknown>, rest);
}

function toDiagnostic(
  diagnostic: Diagnostic,
  byUrn: Map<string, Registration>,
  stackUrn: string,
): PolicyDiagnostic {
  const registration = byUrn.get(diagnostic.urn);
  const resource = registration
    ? { type: registration.type, name: registration.name }
    : diagnostic.urn === stackUrn
      ? { type: "pulumi:pulumi:Stack", name: stackUrn.split("::").pop() ?? "" }
      : undefined;
  return {
    policy: diagnostic.policyName,
    enforcementLevel: diagnostic.enforcementLevel,
    urn: diagnostic.urn,
    resource,
    message: diagnostic.message,
  };
}
