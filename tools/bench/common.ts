/**
 * What every benchmark shares: run counts, the bench instant, child processes, medians, formats.
 */
import { spawn } from "child_process";
import { BENCH_NOW_MS } from "./generate";
import { ROOT } from "./policyBench";

/** `npm run bench -- --quick`: one run per measure instead of three. */
export const QUICK = process.argv.includes("--quick");
export const RUNS = QUICK ? 1 : 3;

/** The sections of the benchmark, in the order they run. */
export const SECTIONS = ["program", "preview", "policy", "cold-start", "audit"] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * The value of `--<name> V` or `--<name>=V` on the command line, if given.
 * @throws Error when the option is last without a value
 */
export function option(name: string, argv: readonly string[] = process.argv): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    if (argv[i] !== `--${name}`) continue;
    if (i + 1 >= argv.length) throw new Error(`--${name} needs a value`);
    return argv[i + 1];
  }
  return undefined;
}

/**
 * What this run measures. By default, the measures that justify code: program memory at 1,000
 * apps, the 1,000-app preview and its per-app cost, the pack's cost over the SDK's floor (with and
 * without credentials), pack cold start, audit throughput. The rest is opt-in.
 */
export const OPTIONS = {
  /** `--only program,policy`: these sections alone (BENCHMARKS.md is then not written). */
  only: option("only")
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "") as Section[] | undefined,
  /** `--small-sizes`: the program and the preview at 10 and 100 apps as well. */
  smallSizes: process.argv.includes("--small-sizes"),
  /** `--preview-10000`: the 10,000-app preview (slow: about 20 minutes and 16 GiB on 2 cores). */
  preview10000: process.argv.includes("--preview-10000"),
  /** `--program-load`: compile + load of the program as `pulumi up` runs it, and type-checked. */
  programLoad: process.argv.includes("--program-load"),
  /** `--resources N`: resources per pack-cost mix (default 10,000; fewer for a short run). */
  resources: Number((option("resources") ?? "10000").replace(/[_,]/g, "")),
};
for (const s of OPTIONS.only ?? []) {
  if (!SECTIONS.includes(s))
    throw new Error(`--only: unknown section ${s} (${SECTIONS.join(", ")})`);
}
if (!Number.isSafeInteger(OPTIONS.resources) || OPTIONS.resources < 1) {
  throw new Error("--resources: expected a positive whole number");
}

/** Whether this run measures `section`. */
export const runs = (section: Section): boolean => !OPTIONS.only || OPTIONS.only.includes(section);
/** The bench instant, RFC 3339 (`--now` of the previews, clock of the packs). */
export const BENCH_NOW = new Date(BENCH_NOW_MS).toISOString();
/** Node arguments that run a TypeScript entry as `npm start` does. */
export const TS_NODE = ["-r", "ts-node/register/transpile-only"];

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
export const fmtMs = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
export const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** Progress on stderr (stdout holds the table). */
export const log = (text: string) => process.stderr.write(`${text}\n`);

/**
 * Runs `node <args>` to completion (cwd: the repository root unless given); wall time from spawn
 * to exit; kills it after `timeoutMs`.
 * @throws Error with its stderr (or, when empty, the start of its stdout: --json errors) when it exits with another code than `exitCodes` (unless it was stopped)
 */
export function runChild(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    timeoutMs?: number;
    /** Exit codes that mean success (default `[0]`). */
    exitCodes?: number[];
  } = {},
): Promise<{ ms: number; stdout: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    child.once("exit", (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      if (!(options.exitCodes ?? [0]).includes(code ?? -1) && !timedOut) {
        reject(new Error(`${args.join(" ")} exited ${code}\n${stderr || stdout.slice(0, 4000)}`));
      } else resolve({ ms, stdout, timedOut });
    });
  });
}
