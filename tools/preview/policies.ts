/**
 * Drives the CrossGuard policy pack over the analyzer protocol the way `pulumi preview
 * --policy-pack` does (through the harness in tools/offline/analyzer): start the pack, `GetAnalyzerInfo`,
 * check and reconcile its config (schema defaults, initial config, `--policy-pack-config`),
 * `Configure`, `Remediate` + `Analyze` per resource with its inputs, `AnalyzeStack` with every
 * resource's outputs, parent, dependencies and property dependencies; then stop the pack.
 *
 * The pack is started on its own ({@link startPack}) so that it can start while the program runs.
 */
import { AUDIT_ONLY_POLICIES, secretOutputsOf } from "../../policy/core";
import {
  SECRET_PLACEHOLDER,
  AnalyzerInfo,
  Diagnostic,
  EnforcementLevel,
  fixedClockOptions,
  parsePolicyPackConfig,
  PolicyPack,
  ReconciledConfig,
  ResourceRecord,
  runPolicies,
  secret,
  startPolicyPack,
  messageOf,
  ProgramFailure,
} from "../offline";
import type { Registration } from "../offline";
import * as fs from "fs";
import * as path from "path";
import { diagnosticEffect, EngineEffect } from "./engineEffect";
import {
  checkPolicyPackConfig,
  PreviewPolicy,
  splitPolicyPackConfig,
  toConfigFile,
} from "./policyConfig";

/** The pack the preview runs by default: this repository's `policy/` directory. */
export const DEFAULT_POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policy");

/**
 * `Analyze` calls in flight at once: this process prepares the next requests while the pack
 * judges the previous ones (the diagnostics are the same as one at a time, in the same order).
 */
const ANALYZE_CONCURRENCY = 16;

/** Options of {@link startPack}. */
export interface StartPackOptions {
  project: string;
  stack: string;
  /** Stack config as the program sees it (`namespace:key` → string), passed to the pack. */
  config: Record<string, string>;
  /** Policy pack directory (default {@link DEFAULT_POLICY_PACK_DIR}). */
  packDir?: string;
  /** Fake the pack's clock at this instant, ms since the epoch (when not the current time). */
  nowMs?: number;
}

/** A started pack. */
export interface StartedPack {
  pack: PolicyPack;
  /** Absolute directory of the pack. */
  dir: string;
}

/**
 * Starts the pack as the engine does.
 *
 * @throws ProgramFailure (kind `policy-pack`) with one line: the pack's own error message (e.g. a
 *   stale compiled pack), never its stack trace
 */
export async function startPack(options: StartPackOptions): Promise<StartedPack> {
  const dir = path.resolve(options.packDir ?? DEFAULT_POLICY_PACK_DIR);
  const clock = options.nowMs === undefined ? undefined : fixedClockOptions(options.nowMs);
  try {
    const pack = await startPolicyPack(dir, {
      env: clock?.env,
      nodeOptions: clock?.nodeOptions,
      // AnalyzeStack carries every resource of the stack: 100,000 resources take minutes.
      rpcTimeoutMs: 30 * 60_000,
      stack: {
        project: options.project,
        stack: options.stack,
        dryRun: true,
        config: options.config,
      },
    });
    return { pack, dir };
  } catch (error) {
    throw new ProgramFailure(
      "policy-pack",
      `the policy pack in ${dir} did not start: ${packStartReason(messageOf(error))}`,
    );
  }
}

/**
 * The one line worth showing from a pack that did not start: the message of the error it threw
 * (without "Error:", ANSI colours, stack frames or Node's "Require stack:" list), else the first
 * line it printed, else why the harness gave up. A message that is not the harness's (`policy pack
 * did not start: …`) is an error raised before the pack ran, e.g. `Cannot find module
 * '@pulumi/pulumi/cmd/run-policy-pack'` when the pack's dependencies are not installed: its first
 * line is the reason.
 *
 * @param message the harness's error: `policy pack did not start: <reason>\n<the pack's stderr>`,
 *   or the message of an error raised before the pack started
 */
export function packStartReason(message: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = message.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
  const [first, ...stderr] = lines;
  const fromHarness = /^policy pack did not start:\s*/.test(first);
  if (!fromHarness) {
    const reason = first
      .trim()
      .replace(/^(?:Uncaught\s+)?[A-Za-z]*Error(?:\s*\[[^\]]*\])?:\s+/, "");
    return /^Cannot find module '@pulumi\/(?:pulumi|policy)/.test(reason)
      ? `${reason} (install the pack's dependencies: npm install in its directory)`
      : reason;
  }
  // Node's "Require stack:" heading and its "- /path" entries, stack frames, carets: not reasons.
  const printed = stderr
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^at /.test(l) && !/^Require stack:?$/.test(l) && !/^- \//.test(l));
  for (const line of printed) {
    const thrown = /^(?:Uncaught\s+)?[A-Za-z]*Error(?:\s*\[[^\]]*\])?:\s+(.+)$/.exec(line);
    if (thrown) return thrown[1];
  }
  const own = printed.find(
    (l) =>
      !/^error: \[runtime\]/.test(l) &&
      !/^\^+$/.test(l) &&
      !/^[{}\]]|^[a-zA-Z]+: /.test(l) &&
      !/^node:internal\//.test(l),
  );
  return own ?? first.replace(/^policy pack did not start:\s*/, "");
}

/** Options of {@link evaluatePolicies}. */
export interface PolicyOptions {
  /** Path of a `--policy-pack-config` JSON file. */
  configFile?: string;
  /** Policies the preview evaluates itself, configured in the same file. */
  previewPolicies?: readonly PreviewPolicy[];
  /**
   * The resources `AnalyzeStack` judges (their outputs), default the analysed registrations;
   * `false` when the engine would stop before the stack policies run.
   */
  stack?: Registration[] | false;
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
  /** What the real engine does with it (stops the update or not; see ./engineEffect.ts). */
  engine: EngineEffect;
}

/** One policy and its effective enforcement level. */
export interface PolicySummary {
  name: string;
  enforcementLevel: EnforcementLevel;
  /** `pack`: a policy of the pack; `preview`: one the preview evaluates itself. */
  origin: "pack" | "preview";
}

/** What the pack (and the preview's own policies) said about the stack. */
export interface PolicyResult {
  pack: { name: string; version: string; dir: string };
  /** The reconciled configuration sent with `Configure`. */
  config: ReconciledConfig;
  /** The pack's policies, then the preview's own, with their effective enforcement level. */
  policies: PolicySummary[];
  diagnostics: PolicyDiagnostic[];
  /** The file's settings of each of the preview's own policies (e.g. `inUseWindow`). */
  previewSettings: Record<string, Record<string, unknown>>;
}

/**
 * Runs the pack over the recorded registrations, then stops it.
 *
 * @param registrations in registration order; `stackUrn` is the root stack resource's URN
 * @throws ProgramFailure (kind "config") when the `--policy-pack-config` file is unreadable,
 *   invalid, or names policies or properties that neither the pack, the preview nor the tenant
 *   audit (policy/core/audit-policies.ts, `AUDIT_ONLY_POLICIES`) declares
 */
export async function evaluatePolicies(
  started: StartedPack,
  registrations: Registration[],
  stackUrn: string,
  project: string,
  stack: string,
  options: PolicyOptions = {},
): Promise<PolicyResult> {
  const { pack, dir } = started;
  try {
    const previewPolicies = options.previewPolicies ?? [];
    const info = await pack.getAnalyzerInfo();
    const file = readConfigFile(options.configFile, info, previewPolicies);
    const {
      pack: packConfig,
      previewLevels,
      previewSettings,
    } = splitPolicyPackConfig(file, previewPolicies, AUDIT_ONLY_POLICIES);
    const stackResource: ResourceRecord = {
      type: "pulumi:pulumi:Stack",
      name: `${project}-${stack}`,
      urn: stackUrn,
      properties: {},
    };
    const inputs = [stackResource, ...registrations.map((r) => toRecord(r, stackUrn, "inputs"))];
    const stackRegistrations = options.stack === false ? [] : (options.stack ?? registrations);
    const outputs = [
      stackResource,
      ...stackRegistrations.map((r) => toRecord(r, stackUrn, "outputs")),
    ];
    let run;
    try {
      run = await runPolicies(pack, inputs, {
        configFile: toConfigFile(packConfig),
        outputs,
        analyzeStack: options.stack !== false,
        concurrency: ANALYZE_CONCURRENCY,
      });
    } catch (error) {
      if (error instanceof Error && error.name === "PolicyConfigError") {
        throw new ProgramFailure("config", `--policy-pack-config: ${error.message}`);
      }
      throw error;
    }
    const byUrn = new Map([...stackRegistrations, ...registrations].map((r) => [r.urn, r]));
    return {
      pack: { name: run.info.name, version: run.info.version, dir },
      config: run.config,
      previewSettings,
      policies: [
        ...run.info.policies.map((p) => ({
          name: p.name,
          enforcementLevel: run.config[p.name]?.enforcementLevel ?? p.enforcementLevel,
          origin: "pack" as const,
        })),
        ...previewPolicies.map((p) => ({
          name: p.name,
          enforcementLevel: previewLevels[p.name],
          origin: "preview" as const,
        })),
      ],
      diagnostics: run.diagnostics.map((d) => toDiagnostic(d, byUrn, stackUrn)),
    };
  } finally {
    await pack.stop();
  }
}

/**
 * Reads, parses and checks the config file against the pack's and the preview's policies.
 * @returns the parsed file (empty without a file)
 */
function readConfigFile(
  file: string | undefined,
  info: AnalyzerInfo,
  previewPolicies: readonly PreviewPolicy[],
): ReconciledConfig {
  if (file === undefined) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ProgramFailure(
      "config",
      `--policy-pack-config: cannot read ${file}: ${messageOf(error)}`,
    );
  }
  let config: ReconciledConfig;
  try {
    config = parsePolicyPackConfig(text);
  } catch (error) {
    throw new ProgramFailure("config", `--policy-pack-config ${file}: ${messageOf(error)}`);
  }
  // Entries without a level or property (`{}`) are dropped by the parser: their names count too.
  const raw = JSON.parse(text.trim() === "" ? "{}" : text) as Record<string, unknown>;
  for (const name of Object.keys(raw)) config[name] = config[name] ?? {};
  const problems = checkPolicyPackConfig(config, info, previewPolicies, AUDIT_ONLY_POLICIES);
  if (problems.length > 0) {
    throw new ProgramFailure("config", `--policy-pack-config ${file}: ${problems.join("; ")}`);
  }
  return config;
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
    which === "inputs" ? registration.secretInputs : secretOutputsOf(registration.type);
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
    engine: diagnosticEffect(diagnostic.enforcementLevel, diagnostic.stage ?? "analyze"),
  };
}
