/**
 * Interrupted runs leave nothing behind: SIGINT, SIGTERM or SIGHUP to the preview process alone
 * (not its group), or to the calendar, stop every program run and the policy pack and remove the
 * temporary folder within a few seconds, with exit codes 130, 143, 129; a preview killed outright
 * (SIGKILL) still leaves no child running and no temporary folder, because its children watch it.
 *
 * Each CLI is spawned as `npm start` / `npm run calendar` run it (ts-node, transpile-only), with a
 * fresh temporary directory (TMPDIR) and a marker in its environment: every process that carries
 * the marker (read from /proc/<pid>/environ) is a process of that run.
 */
import * as assert from "assert";
import { ChildProcess, execFile, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const PREVIEW = path.join(ROOT, "tools", "preview", "cli.ts");
const CALENDAR = path.join(ROOT, "tools", "calendar", "cli.ts");
const NEVER_FINISHES = path.join(ROOT, "test", "fixtures", "never-finishes");
const MARKER = "APP_CREDENTIALS_TEST_RUN";
/** The prefix of the runs' temporary folder (tools/offline/programRunner.ts). */
const SCRATCH_PREFIX = "app-credentials-preview-";

/** A CLI started for one case. */
interface Started {
  child: ChildProcess;
  /** The run's own TMPDIR. */
  tmp: string;
  marker: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A process of a run, as /proc shows it. */
interface Descendant {
  pid: number;
  command: string;
}

/** Starts `node -r ts-node/register/transpile-only <cli> ...args` with its own TMPDIR and marker. */
function start(cli: string, args: string[]): Started {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-interrupt-"));
  const marker = randomBytes(8).toString("hex");
  const { APP_CREDENTIALS_NOW: _now, ...inherited } = process.env;
  void _now;
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", cli, ...args], {
    cwd: ROOT,
    env: { ...inherited, TMPDIR: tmp, [MARKER]: marker },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, tmp, marker, stderr: () => stderr, exited };
}

/** Live processes (not zombies) carrying the run's marker, other than `except`. */
function descendants(marker: string, except?: number): Descendant[] {
  const found: Descendant[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === except || pid === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environ.includes(`${MARKER}=${marker}`)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** The run's temporary folders still on disk. */
function scratchFolders(tmp: string): string[] {
  return fs.readdirSync(tmp).filter((name) => name.startsWith(SCRATCH_PREFIX));
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes; returns whether it held. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops whatever a failed case left running, and removes its TMPDIR. */
function cleanUp(run: Started): void {
  for (const { pid } of descendants(run.marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
  fs.rmSync(run.tmp, { recursive: true, force: true });
}

/**
 * Waits until the run has `programs` program runs (and the policy pack, for the preview) and its
 * temporary folder, sends `signal` to the CLI's process alone, and checks the exit code, that
 * nothing of the run is left running and that its temporary folder is gone, all within a few
 * seconds.
 */
async function interrupt(
  run: Started,
  signal: NodeJS.Signals,
  expected:
    | { programs: number; pack: boolean; code: number }
    | { programs: number; pack: boolean; killed: true },
): Promise<void> {
  try {
    const ready = () => {
      const processes = descendants(run.marker, run.child.pid);
      const programs = processes.filter((p) => p.command.includes("programChild")).length;
      const pack = processes.some((p) => p.command.includes("run-policy-pack"));
      return (
        programs >= expected.programs &&
        (pack || !expected.pack) &&
        scratchFolders(run.tmp).length > 0
      );
    };
    const started = await waitFor(ready, 90_000);
    assert.ok(
      started,
      `the run's children never all started: ${JSON.stringify(descendants(run.marker))}\n${run.stderr()}`,
    );
    const sentAt = Date.now();
    run.child.kill(signal);
    const exit = await Promise.race([
      run.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000)),
    ]);
    assert.ok(exit, `still running 20 s after ${signal}`);
    const exitMs = Date.now() - sentAt;
    const clean = await waitFor(
      () => descendants(run.marker).length === 0 && scratchFolders(run.tmp).length === 0,
      5_000,
    );
    assert.ok(
      clean,
      `left behind after ${signal}: ${descendants(run.marker)
        .map((d) => `${d.pid} ${d.command.slice(-80)}`)
        .join("; ")}; folders: ${scratchFolders(run.tmp).join(", ")}`,
    );
    const wanted =
      "code" in expected
        ? { code: expected.code, signal: null }
        : // SIGKILL cannot be handled: the process ends by the signal, with no code.
          { code: null, signal };
    assert.deepStrictEqual(exit, wanted, run.stderr());
    assert.ok(exitMs < 8_000, `took ${exitMs} ms to exit after ${signal}`);
  } finally {
    cleanUp(run);
  }
}

/**
 * A project whose program never finishes but whose stack configuration is the dev stack's, so that
 * the calendar gets as far as running it.
 */
function hangingProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-hanging-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app-credentials\nruntime: nodejs\n");
  fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.test.yaml"));
  fs.copyFileSync(path.join(NEVER_FINISHES, "index.ts"), path.join(dir, "index.ts"));
  return dir;
}

describe("interrupted runs leave no process and no temporary file behind", function () {
  this.timeout(180_000);

  it("SIGTERM to the preview alone, with three program runs and the policy pack running: exit 143, nothing left", async () => {
    const run = start(PREVIEW, ["--dir", NEVER_FINISHES, "--stack", "test", "--timeout", "600"]);
    await interrupt(run, "SIGTERM", { programs: 3, pack: true, code: 143 });
    assert.match(run.stderr(), /^preview: stopped by SIGTERM \(4 child processes stopped/m);
  });

  it("SIGINT to the preview of the dev stack alone once its children run: exit 130, nothing left", async () => {
    const run = start(PREVIEW, ["--stack", "dev"]);
    await interrupt(run, "SIGINT", { programs: 1, pack: false, code: 130 });
  });

  it("SIGHUP to the preview alone: exit 129, nothing left", async () => {
    const run = start(PREVIEW, [
      ...["--dir", NEVER_FINISHES, "--stack", "test", "--timeout", "600", "--no-churn-check"],
    ]);
    await interrupt(run, "SIGHUP", { programs: 1, pack: true, code: 129 });
  });

  it("a preview killed outright (SIGKILL): its program run and policy pack end, its temporary folder goes", async () => {
    const run = start(PREVIEW, [
      ...["--dir", NEVER_FINISHES, "--stack", "test", "--timeout", "600", "--no-churn-check"],
    ]);
    await interrupt(run, "SIGKILL", { programs: 1, pack: true, killed: true });
  });

  it("SIGTERM to the calendar alone while its three program runs run: exit 143, nothing left", async () => {
    const project = hangingProject();
    try {
      const run = start(CALENDAR, [
        ...["--dir", project, "--stack", "test", "--years", "1", "--timeout", "600"],
      ]);
      await interrupt(run, "SIGTERM", { programs: 3, pack: false, code: 143 });
      assert.match(run.stderr(), /^calendar: stopped by SIGTERM \(3 child processes stopped/m);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("the configuration tests leave no appcred-config-* folder in the temporary directory", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-interrupt-"));
    try {
      const result = await new Promise<{ code: number; output: string }>((resolve) =>
        execFile(
          process.execPath,
          [require.resolve("mocha/bin/mocha.js"), "test/components/configSource.test.ts"],
          { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, timeout: 150_000 },
          (error, stdout, stderr) =>
            resolve({
              code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
              output: stdout + stderr,
            }),
        ),
      );
      assert.strictEqual(result.code, 0, result.output);
      assert.deepStrictEqual(
        fs.readdirSync(tmp).filter((name) => name.startsWith("appcred-config-")),
        [],
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
