/**
 * What every benchmark shares: run counts, the bench instant, child processes, medians, formats.
 */
import { spawn } from "child_process";
import { BENCH_NOW_MS } from "./generate";
import { ROOT } from "./policyBench";

/** `npm run bench -- --quick`: one run per measure instead of three. */
export const QUICK = process.argv.includes("--quick");
export const RUNS = QUICK ? 1 : 3;
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
