/**
 * Runs a Pulumi program at one or more instants, each in its own child process
 * (./programChild.ts): a fresh module registry and simulated Azure per run, the same stack config,
 * the clock fixed at the run's instant from the first line (the analyzer harness's fixed-clock
 * preload) and `APP_CREDENTIALS_NOW` set to it. Runs are bounded in time: a run past its timeout is
 * killed and reported, and so is a run whose event loop empties before the program settles.
 *
 * The request and result files (which hold the runs' fingerprints) live in a private temporary
 * directory, removed when the runs end, when this process exits, and when it is stopped by SIGINT,
 * SIGTERM or SIGHUP, which also stop every run (../childProcesses.ts). A run whose parent dies
 * ends by itself and removes that directory (../lifeline.js).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatInstant } from "../../policy/core";
import { FIXED_CLOCK, FIXED_CLOCK_VARIABLE } from "./analyzer/clockOptions";
import {
  killTree,
  makeTemporaryDirectory,
  removeTemporaryDirectory,
  spawnNode,
} from "./childProcesses";
import { keyPoolForChildren } from "./simulator/certificates";
import type { GraphPermission } from "./simulator/directory";
import { NOW_VARIABLE } from "./clock";
import { ProgramFailure } from "./errors";
import { DEFAULT_TIMEOUT_MS, describeDuration } from "./timeout";
import type { ChildRequest, ChildResult, ChildSuccess, RunScope } from "./programProtocol";

/** Memory assumed per concurrent run when deciding how many run at once (1.5 GiB). */
const MEMORY_PER_RUN_BYTES = 1.5 * 2 ** 30;

const CHILD = path.join(__dirname, "programChild.ts");

/** One program run to make. */
export interface RunRequest {
  /** The program's clock, ms since the epoch. */
  nowMs: number;
  /** The simulated providers' clock (default `nowMs`), ms since the epoch. */
  providerNowMs?: number;
  scope: RunScope;
  /** Receives the program's console output (stdout and stderr); `discard`: dropped. */
  output: ((chunk: Buffer) => void) | "discard";
  /**
   * `low`: the run yields the CPU to the others (nice 10), e.g. the churn check's runs, which
   * then fill the time the first run and the policy pack leave idle; default `normal`.
   */
  priority?: "normal" | "low";
}

/** What all runs of one preview share. */
export interface RunnerOptions {
  /** Absolute project directory. */
  dir: string;
  /** The project's name (Pulumi.yaml `name`), for messages. */
  project: string;
  stack: string;
  /** Bound on each run, ms (default {@link DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Absolute path of a tenant snapshot. */
  tenantFile?: string;
  /** The deployer's Graph permission in the simulation (default: the simulation's, OwnedBy). */
  graphPermission?: GraphPermission;
  /** How many runs at once (default: see {@link defaultConcurrency}). */
  concurrency?: number;
}

/** A completed run. */
export type RunResult = ChildSuccess & { nowMs: number };

/**
 * How many program runs may run at once: as many as free memory allows at 1.5 GiB each, at least
 * one and at most `runs`.
 */
export function defaultConcurrency(runs: number, freeBytes = os.freemem()): number {
  return Math.max(1, Math.min(runs, Math.floor(freeBytes / MEMORY_PER_RUN_BYTES)));
}

/** Runs under way. */
export interface StartedRuns {
  /** One promise per request, in order. */
  runs: Promise<RunResult>[];
  /** Kills every run not yet finished (their promises reject). */
  stop(): void;
}

/**
 * Starts the runs (the first one first; up to `concurrency` at once). When a run fails, the runs
 * not yet finished are stopped and their promises reject with the same failure, so a caller
 * awaiting any of them learns of it.
 *
 * @throws (through the promises) ProgramFailure: the program's own failure (kind `stack-file`,
 *   `config`, `program`, `tenant`), `timeout` (killed after `timeoutMs`, the message names the
 *   project and the time), `never-settled`, or `program` when the child died without a result
 */
export function startRuns(requests: RunRequest[], options: RunnerOptions): StartedRuns {
  // Private (0700): the request and result files hold the runs' fingerprints.
  const tmp = makeTemporaryDirectory("app-credentials-preview-");
  // Every run draws the simulated certificates' keys from one pool (made once per user and
  // machine; handed over in `tmp` when the user's folder cannot be used).
  const keyPoolEnv = keyPoolForChildren(tmp);
  const fingerprintKey = randomBytes(32).toString("hex");
  const concurrency = options.concurrency ?? defaultConcurrency(requests.length);
  const controllers = requests.map(() => new AbortController());
  let failure: ProgramFailure | undefined;
  let active = 0;
  const queue: (() => void)[] = [];
  const slot = () =>
    new Promise<void>((resolve) => {
      if (active < concurrency) {
        active++;
        resolve();
      } else {
        queue.push(() => {
          active++;
          resolve();
        });
      }
    });
  const release = () => {
    active--;
    queue.shift()?.();
  };
  const runs = requests.map(async (request, index) => {
    await slot();
    try {
      if (failure) throw failure;
      const result = await runChild(request, index, {
        ...options,
        tmp,
        keyPoolEnv,
        fingerprintKey,
        signal: controllers[index].signal,
      });
      return { ...result, nowMs: request.nowMs };
    } catch (error) {
      if (error instanceof ProgramFailure && !failure) {
        failure = error;
        controllers.forEach((c, i) => i !== index && c.abort());
      }
      throw failure ?? error;
    } finally {
      release();
    }
  });
  void Promise.allSettled(runs).then(() => removeTemporaryDirectory(tmp));
  // Callers may await only some of the runs: a failure is reported once, through those awaited.
  for (const run of runs) run.catch(() => undefined);
  return {
    runs,
    stop: () => {
      failure = failure ?? new ProgramFailure("program", "stopped");
      controllers.forEach((c) => c.abort());
    },
  };
}

async function runChild(
  request: RunRequest,
  index: number,
  options: RunnerOptions & {
    tmp: string;
    keyPoolEnv: Record<string, string>;
    fingerprintKey: string;
    signal: AbortSignal;
  },
): Promise<ChildSuccess> {
  const requestFile = path.join(options.tmp, `request-${index}.json`);
  const outFile = path.join(options.tmp, `result-${index}.json`);
  const childRequest: ChildRequest = {
    dir: options.dir,
    stack: options.stack,
    scope: request.scope,
    providerNowMs: request.providerNowMs ?? request.nowMs,
    fingerprintKey: options.fingerprintKey,
    tenantFile: options.tenantFile,
    graphPermission: options.graphPermission,
    outFile,
  };
  fs.writeFileSync(requestFile, JSON.stringify(childRequest), { mode: 0o600, flag: "wx" });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const child = spawnNode(
    [
      "--require",
      FIXED_CLOCK,
      "--require",
      require.resolve("ts-node/register/transpile-only"),
      CHILD,
      requestFile,
    ],
    {
      env: {
        ...process.env,
        ...options.keyPoolEnv,
        [FIXED_CLOCK_VARIABLE]: new Date(request.nowMs).toISOString(),
        [NOW_VARIABLE]: formatInstant(request.nowMs),
      },
      scratch: options.tmp,
    },
  );
  if (request.priority === "low" && child.pid !== undefined) {
    try {
      os.setPriority(child.pid, 10);
    } catch {
      // Not permitted here: the run keeps the normal priority.
    }
  }
  const output = request.output;
  const forward = (chunk: Buffer) => {
    if (output !== "discard") output(chunk);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  let timedOut = false;
  let aborted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child);
  }, timeoutMs);
  const onAbort = () => {
    aborted = true;
    killTree(child);
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  options.signal.removeEventListener("abort", onAbort);
  const at = formatInstant(request.nowMs);
  if (timedOut) {
    throw new ProgramFailure(
      "timeout",
      `the program of project ${options.project} (${options.dir}, stack ${options.stack}, run as of ${at}) did not finish within ${describeDuration(timeoutMs)} (--timeout) and was stopped; ` +
        "a program that waits forever (a timer or connection that never ends, an Output that never resolves) would hang `pulumi up` too",
    );
  }
  if (aborted) throw new ProgramFailure("program", "stopped: another run of the program failed");
  let result: ChildResult;
  try {
    result = JSON.parse(fs.readFileSync(outFile, "utf8")) as ChildResult;
  } catch {
    throw new ProgramFailure(
      "program",
      `the program of project ${options.project} (${options.dir}, run as of ${at}) ended (${exit.signal ?? `exit code ${exit.code}`}) before it finished: ` +
        "it may call process.exit, or ran out of memory",
    );
  }
  if (!result.ok) throw new ProgramFailure(result.kind, result.message);
  return result;
}
