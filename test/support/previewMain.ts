/**
 * The offline preview's CLI (`npm start -- <args>`) run in the test's own process: its `main`
 * with output streams of its own, for the end-to-end preview tests.
 */
import { Writable } from "stream";
import { main } from "../../tools/preview/cli";

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
