/**
 * Policy-pack benchmarks: a temporary empty pack, the cost of `Analyze` over 10,000 recorded
 * resources plus one `AnalyzeStack`, and cold start (process spawn to port printed).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  fixedClockOptions,
  PolicyPack,
  reconcileConfig,
  ResourceRecord,
  runPolicyPackPath,
  secret,
  startFakeEngine,
  startPolicyPack,
} from "../offline";
import type { Registration } from "../offline";
import { BENCH_NOW_MS } from "./generate";

export const ROOT = path.resolve(__dirname, "..", "..");
export const OUR_PACK = path.join(ROOT, "policy");
const NODE_MODULES = path.join(ROOT, "node_modules");

/** Environment for processes whose files live under os.tmpdir(): resolve from our node_modules. */
export function tmpEnv(): Record<string, string> {
  return { NODE_PATH: NODE_MODULES };
}

/**
 * Creates an empty policy pack (no policies) under os.tmpdir(). `node_modules` is a symlink to
 * the project's, so the engine-style resolution of `run-policy-pack` from the pack directory
 * works; NODE_PATH is set as well for the pack process.
 */
export function createEmptyPack(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-empty-pack-"));
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: empty\n");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "empty", version: "0.0.1", main: "index.js" }),
  );
  fs.writeFileSync(
    path.join(dir, "index.js"),
    'const { PolicyPack } = require("@pulumi/policy");\nnew PolicyPack("empty", { policies: [] });\n',
  );
  fs.symlinkSync(NODE_MODULES, path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Renames a URN's last segment (the resource name). */
function renameUrn(urn: string, suffix: string): string {
  return `${urn}${suffix}`;
}

function mapStrings(value: unknown, map: Map<string, string>): unknown {
  if (typeof value === "string") return map.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, map);
    return out;
  }
  return value;
}

function wrapSecrets(
  properties: Record<string, unknown>,
  paths: string[],
): Record<string, unknown> {
  const out = structuredClone(properties);
  for (const p of paths) {
    const keys = p.split(".");
    let target: Record<string, unknown> | undefined = out;
    for (const key of keys.slice(0, -1)) {
      const next: unknown = target?.[key];
      target = next && typeof next === "object" ? (next as Record<string, unknown>) : undefined;
    }
    const last = keys[keys.length - 1];
    if (target && last in target) target[last] = secret("[secret]");
  }
  return out;
}

/**
 * `count` resource records (inputs and outputs) made from the recorded registrations, repeated
 * with renamed URNs (copy k appends `-k` to every URN and name, and to references to them).
 */
export function buildResources(
  registrations: Registration[],
  count: number,
): { inputs: ResourceRecord[]; outputs: ResourceRecord[] } {
  const inputs: ResourceRecord[] = [];
  const outputs: ResourceRecord[] = [];
  for (let copy = 0; inputs.length < count; copy++) {
    const suffix = copy === 0 ? "" : `-${copy}`;
    const map = new Map(registrations.map((r) => [r.urn, renameUrn(r.urn, suffix)]));
    for (const r of registrations) {
      if (inputs.length >= count) break;
      const base = {
        type: r.type,
        name: `${r.name}${suffix}`,
        urn: map.get(r.urn),
        parent: r.parent ? (map.get(r.parent) ?? r.parent) : undefined,
        dependencies: r.dependencies.map((d) => map.get(d) ?? d),
        propertyDependencies: mapStrings(r.propertyDependencies, map) as Record<string, string[]>,
      };
      inputs.push({
        ...base,
        properties: wrapSecrets(
          mapStrings(r.inputs, map) as Record<string, unknown>,
          r.secretInputs,
        ),
      });
      outputs.push({ ...base, properties: mapStrings(r.outputs, map) as Record<string, unknown> });
    }
  }
  return { inputs, outputs };
}

/**
 * Starts a pack as the engine does, its clock fixed at {@link BENCH_NOW_MS} (the instant the
 * recorded resources were generated at, so dates are judged as on that day), and configures it
 * with its defaults.
 */
export async function startConfigured(
  packDir: string,
  env?: Record<string, string>,
): Promise<PolicyPack> {
  const clock = fixedClockOptions(BENCH_NOW_MS);
  const pack = await startPolicyPack(packDir, {
    env: { ...clock.env, ...env },
    nodeOptions: clock.nodeOptions,
    stack: { project: "app-credentials", stack: "bench", dryRun: true },
    startTimeoutMs: 120_000,
    rpcTimeoutMs: 120_000,
  });
  await pack.configure(reconcileConfig(await pack.getAnalyzerInfo()));
  return pack;
}

/** Times `Remediate`+`Analyze` of every input, then one `AnalyzeStack` of all outputs. */
export async function timeAnalysis(
  pack: PolicyPack,
  resources: { inputs: ResourceRecord[]; outputs: ResourceRecord[] },
): Promise<{ analyzeMs: number; analyzeStackMs: number; diagnostics: number }> {
  let diagnostics = 0;
  const t0 = performance.now();
  for (const r of resources.inputs) diagnostics += (await pack.analyze(r)).length;
  const t1 = performance.now();
  diagnostics += (await pack.analyzeStack(resources.outputs)).length;
  const t2 = performance.now();
  return { analyzeMs: t1 - t0, analyzeStackMs: t2 - t1, diagnostics };
}

/**
 * Cold start: spawns the pack exactly as the engine does (`node run-policy-pack <engine> .` in
 * the pack directory) and measures until the port is printed on stdout; then kills it.
 */
export async function timeColdStart(
  packDir: string,
  env?: Record<string, string>,
): Promise<number> {
  const engine = await startFakeEngine();
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [runPolicyPackPath(packDir), engine.address, "."], {
      cwd: packDir,
      env: {
        ...process.env,
        PULUMI_PROJECT: "app-credentials",
        PULUMI_STACK: "bench",
        PULUMI_DRY_RUN: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const ms = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.once("exit", (code) => reject(new Error(`pack exited with ${code}\n${stderr}`)));
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        out += c;
        if (out.includes("\n")) resolve(performance.now() - t0);
      });
    });
    child.removeAllListeners("exit");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
    return ms;
  } finally {
    await engine.stop();
  }
}
