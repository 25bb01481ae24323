/**
 * The child processes and temporary directories of the tools (the offline preview's program runs
 * and policy pack, the calendar's program runs), and what becomes of them when a tool stops early.
 *
 * - Every child starts through {@link spawnNode}: in its own process group (POSIX), so that
 *   stopping it stops whatever it started too, and with the lifeline preload (./lifeline.js), so
 *   that it ends by itself when this process dies without stopping it (SIGKILL, a crash).
 * - Every temporary directory is made with {@link makeTemporaryDirectory} and removed with
 *   {@link removeTemporaryDirectory}.
 * - While any is alive, and for the whole life of a CLI that called {@link stopOnSignals}, SIGINT,
 *   SIGTERM and SIGHUP stop every child (SIGKILL to its group), wait until they are dead (at most a
 *   few seconds), remove every temporary directory and exit with 128 + the signal's number (130,
 *   143, 129). An exit for any other reason (`process.exit`, an uncaught exception) stops and
 *   removes them too.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The preload that ends a child when its parent is gone. */
export const LIFELINE = path.join(__dirname, "lifeline.js");

/** The child's file descriptor of the lifeline pipe (after stdin, stdout, stderr). */
const LIFELINE_FD = 3;

/** The signals that stop a tool, with its exit code then (128 + the signal's number). */
export const STOP_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/** How long a stop waits for the killed children to be dead before removing the files, ms. */
const DEATH_WAIT_MS = 3000;

const children = new Set<ChildProcess>();
const directories = new Set<string>();
/** Set by {@link stopOnSignals}: the tool's name, and the signals stay handled for good. */
let tool: string | undefined;
let listening = false;

/** Options of {@link spawnNode}. */
export interface NodeChildOptions {
  /** Working directory (default: this process's). */
  cwd?: string;
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /**
   * A temporary directory of this process's (from {@link makeTemporaryDirectory}) that the child
   * removes if it outlives this process.
   */
  scratch?: string;
}

/**
 * Starts `node --require <lifeline> ...args` as a tracked child: its own process group (POSIX),
 * stdin ignored, stdout and stderr piped. Stop it with {@link killTree}.
 */
export function spawnNode(args: string[], options: NodeChildOptions): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    APP_CREDENTIALS_LIFELINE_FD: String(LIFELINE_FD),
  };
  if (options.scratch !== undefined) env.APP_CREDENTIALS_ORPHAN_SCRATCH = options.scratch;
  const child = spawn(process.execPath, ["--require", LIFELINE, ...args], {
    cwd: options.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    detached: process.platform !== "win32",
  });
  const lifeline = child.stdio[LIFELINE_FD];
  if (lifeline) {
    lifeline.on("error", () => undefined);
    // Never written; read so that the child's end closing lets the child's `close` event fire.
    if ("resume" in lifeline) lifeline.resume();
  }
  if (child.pid !== undefined) {
    children.add(child);
    listen();
    const forget = () => {
      children.delete(child);
      unlisten();
    };
    child.once("exit", forget);
    child.once("error", forget);
  }
  return child;
}

/**
 * Stops a child started by {@link spawnNode} and whatever it started: `signal` (default SIGKILL)
 * to its process group; to the child alone where there are no groups (Windows). Does nothing once
 * the child has exited.
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (!running(child) || child.pid === undefined) return;
  if (process.platform !== "win32") {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // No such group (not started detached): the child alone.
    }
  }
  child.kill(signal);
}

/**
 * Makes a private directory (0700) in the OS's temporary directory, removed at the latest when
 * this process exits or is stopped by a signal.
 *
 * @param prefix the start of its name, e.g. `app-credentials-preview-`
 * @returns its absolute path
 */
export function makeTemporaryDirectory(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  directories.add(dir);
  listen();
  return dir;
}

/** Removes a directory made by {@link makeTemporaryDirectory}, and everything in it. */
export function removeTemporaryDirectory(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  directories.delete(dir);
  unlisten();
}

/**
 * For a CLI's whole life, SIGINT, SIGTERM and SIGHUP stop every child and remove every temporary
 * directory, then print one line on stderr and exit with 130, 143 or 129. When run by npm
 * (`npm start`, `npm run calendar`), the CLI also stops as on SIGHUP when the shell npm started it
 * with is gone (npm forwards SIGTERM to that shell, which dies without passing it on).
 *
 * @param name the tool's name, for the line on stderr (`preview`, `calendar`)
 */
export function stopOnSignals(name: string): void {
  tool = name;
  listen();
  if (process.env.npm_lifecycle_event !== undefined) watchParent();
}

/**
 * Stops every tracked child (SIGKILL to its group), waits until they are dead (at most
 * {@link DEATH_WAIT_MS}), and removes every temporary directory. Synchronous: nothing else runs
 * in between.
 *
 * @returns how many children were running
 */
export function stopEverything(): number {
  const stopping = [...children].filter(running);
  for (const child of stopping) killTree(child);
  waitUntilDead(stopping.flatMap((c) => (c.pid === undefined ? [] : [c.pid])));
  for (const dir of directories) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Removed as far as possible; nothing better to do while stopping.
    }
  }
  directories.clear();
  return stopping.length;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function listen(): void {
  if (listening) return;
  listening = true;
  for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, onSignal);
  process.on("exit", onExit);
}

function unlisten(): void {
  if (!listening || tool !== undefined || children.size > 0 || directories.size > 0) return;
  listening = false;
  for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, onSignal);
  process.off("exit", onExit);
}

function onSignal(signal: NodeJS.Signals): void {
  const stopped = stopEverything();
  const code = STOP_SIGNALS[signal as StopSignal];
  if (tool !== undefined) {
    const what = stopped === 1 ? "1 child process" : `${stopped} child processes`;
    try {
      process.stderr.write(
        `${tool}: stopped by ${signal} (${what} stopped, temporary files removed)\n`,
      );
    } catch {
      // No terminal any more (a hang-up): exit all the same.
    }
    process.exit(code);
  }
  // Used as a library (e.g. by a test runner): exit as the signal would have made this process
  // exit, unless something else handles the signal.
  if (process.listenerCount(signal) <= 1) process.exit(code);
}

function onExit(): void {
  stopEverything();
}

/** Blocks until these processes are dead (gone or zombies), at most {@link DEATH_WAIT_MS}. */
function waitUntilDead(pids: number[]): void {
  if (pids.length === 0) return;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  if (!fs.existsSync("/proc/self/stat")) {
    // No /proc to look at: a moment for the kernel to deliver the kills.
    Atomics.wait(pause, 0, 0, 200);
    return;
  }
  const deadline = Date.now() + DEATH_WAIT_MS;
  let alive = pids;
  while (alive.length > 0 && Date.now() < deadline) {
    alive = alive.filter((pid) => {
      const state = processState(pid);
      return state !== undefined && state !== "Z" && state !== "X";
    });
    if (alive.length > 0) Atomics.wait(pause, 0, 0, 10);
  }
}

/** The state letter of a process from /proc (`R`, `S`, `Z`...), undefined when it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/** The parent's pid now, from /proc where there is one; undefined when the parent is gone. */
function currentParent(original: number): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    try {
      process.kill(original, 0);
      return original;
    } catch {
      return undefined;
    }
  }
}

/** Polls (unreferenced, every second) for the parent being gone; then stops as on SIGHUP. */
function watchParent(): void {
  const original = process.ppid;
  const timer = setInterval(() => {
    if (currentParent(original) !== original) {
      clearInterval(timer);
      onSignal("SIGHUP");
    }
  }, 1000);
  timer.unref();
}
