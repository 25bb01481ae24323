/**
 * Policy-pack benchmarks: a temporary no-op pack of our pack's shape (the SDK's floor), resources
 * from recorded registrations, timing of `Analyze` and `AnalyzeStack`, the packs' CPU time, and
 * cold start (process spawn to port printed).
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

/** What the no-op pack copies of each of our policies: everything but what it validates. */
interface PolicyShape {
  name: string;
  description: string;
  enforcementLevel?: string;
  configSchema?: unknown;
  resource: boolean;
  stack: boolean;
}

/**
 * Our policies' shapes, read from the compiled pack (`npm run build:policy`; `npm run bench` builds
 * it first): names, descriptions, levels, config schemas, and whether each validates resources,
 * the stack, or both.
 */
function ourPolicyShapes(): PolicyShape[] {
  const compiled = path.join(OUR_PACK, "bin", "policies", "index.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ALL_POLICIES } = require(compiled) as { ALL_POLICIES: readonly object[] };
  return ALL_POLICIES.map((policy) => {
    const p = policy as Record<string, unknown>;
    return {
      name: String(p.name),
      description: String(p.description),
      enforcementLevel: typeof p.enforcementLevel === "string" ? p.enforcementLevel : undefined,
      configSchema: p.configSchema,
      resource: typeof p.validateResource === "function",
      stack: typeof p.validateStack === "function",
    };
  });
}

/**
 * Creates the SDK's floor under os.tmpdir(): a pack of as many policies as ours, with the same
 * names, levels, config schemas and kinds (resource, stack, or both), each validating nothing.
 * @pulumi/policy deserializes a resource's properties for every resource policy in `Analyze`, and
 * every resource of the stack for every stack policy in `AnalyzeStack` (unless the policy's
 * function names a `__pulumiType` absent from the stack; the no-op policies name none), so this
 * pack costs what the SDK costs to serve our pack's shape. `node_modules` is a symlink to the
 * project's, so the engine-style resolution of `run-policy-pack` from the pack directory works;
 * {@link tmpEnv} sets NODE_PATH as well.
 */
export function createNoopPack(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-noop-pack-"));
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: no-op\n");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "noop", version: "0.0.1", main: "index.js" }),
  );
  const shapes = JSON.stringify(ourPolicyShapes(), null, 2);
  fs.writeFileSync(
    path.join(dir, "index.js"),
    [
      'const { PolicyPack } = require("@pulumi/policy");',
      "const noop = () => undefined;",
      `const shapes = ${shapes};`,
      "const policies = shapes.map(({ resource, stack, ...policy }) => ({",
      "  ...policy,",
      "  ...(resource ? { validateResource: noop } : {}),",
      "  ...(stack ? { validateStack: noop } : {}),",
      "}));",
      'new PolicyPack("app-credential-policies-noop", { policies });',
      "",
    ].join("\n"),
  );
  fs.symlinkSync(NODE_MODULES, path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Node processes whose parent is this process (Linux: /proc); empty elsewhere. */
function childPids(): Set<number> {
  const pids = new Set<number>();
  if (!fs.existsSync("/proc/self/stat")) return pids;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command (which may hold spaces), from `) `: state, ppid, …
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) pids.add(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

/**
 * CPU time (user + system) a process has used so far, in ms (Linux /proc, clock ticks of 10 ms);
 * NaN when unknown.
 */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
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

/** A started pack and the id of its process (to read its CPU time), when found. */
export interface StartedPack {
  pack: PolicyPack;
  pid: number | undefined;
}

/**
 * Starts a pack as the engine does, its clock fixed at {@link BENCH_NOW_MS} (the instant the
 * recorded resources were generated at, so dates are judged as on that day), and configures it
 * with its defaults.
 */
export async function startConfigured(
  packDir: string,
  env?: Record<string, string>,
): Promise<StartedPack> {
  const clock = fixedClockOptions(BENCH_NOW_MS);
  const before = childPids();
  const pack = await startPolicyPack(packDir, {
    env: { ...clock.env, ...env },
    nodeOptions: clock.nodeOptions,
    stack: { project: "app-credentials", stack: "bench", dryRun: true },
    startTimeoutMs: 120_000,
    rpcTimeoutMs: 120_000,
  });
  await pack.configure(reconcileConfig(await pack.getAnalyzerInfo()));
  const started = [...childPids()].filter((pid) => !before.has(pid));
  return { pack, pid: started.length === 1 ? started[0] : undefined };
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
