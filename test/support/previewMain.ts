/**
 * The offline preview's CLI (`npm start -- <args>`) run in the test's own process: its `main`
 * with output streams of its own, for the end-to-end preview tests.
 */
import * as assert from "assert";
import { Writable } from "stream";
import { main } from "../../tools/preview/cli";
import type { PreviewReport } from "../../tools/preview/report";

/** What one run of the CLI printed and returned. */
export interface CliResult {
  /** The exit code `main` returned. */
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the run, ms. */
  ms: number;
}

/** A stream that keeps what is written to it. */
export function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/**
 * Runs the CLI's `main` in this process, with the process's environment less
 * `APP_CREDENTIALS_NOW` (a caller's would pin every run's instant), plus `env`.
 */
export async function runPreviewMain(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const started = Date.now();
  const stdout = collector();
  const stderr = collector();
  const { APP_CREDENTIALS_NOW: _ignored, ...inherited } = process.env;
  void _ignored;
  const code = await main(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...inherited, ...env },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text(), ms: Date.now() - started };
}

/** The run's stdout as one JSON document (`--json`); fails the test, showing both streams, if not. */
export function json<T = PreviewReport>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    assert.fail(`not one JSON document (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Runs the tasks, at most `n` at a time (each preview starts a pack and program children); results in order. */
export async function limited<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
