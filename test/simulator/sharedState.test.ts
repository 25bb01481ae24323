/**
 * Shared temporary state: the simulated key pool lives in a private folder of the current user's
 * (0700, a file 0600 created exclusively), never follows a link another user planted, and falls
 * back to a pool of the process's own when the folder cannot be trusted; the calendar's `--out`
 * never writes through a symbolic link and creates no folder for a run that fails.
 *
 * Each key pool case runs in a process of its own (the pool is kept per process) with its own
 * TMPDIR.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/calendar/cli";

const ROOT = path.resolve(__dirname, "..", "..");
const CALENDAR_FIXTURE = path.join(ROOT, "test", "calendar", "fixtures", "project");
const POOL_NAME = "simulated-rsa-keys-v1.json";
const uid = process.getuid?.();
const owner = uid ?? os.userInfo().username;

/** What a process drawing from the pool reports. */
interface PoolRun {
  /** The SHA-256 fingerprints of the pool's four keys' public halves. */
  keys: string[];
  /** Where the process says the pool is kept. */
  file: string;
}

/** Draws the pool in a new process whose temporary directory is `tmp`. */
function drawPool(tmp: string): Promise<PoolRun> {
  const script = `
    const { createHash, createPublicKey } = require("crypto");
    const c = require("./tools/offline/simulator/certificates");
    const keys = c.ensureSimulatedKeyPool().map((k) =>
      createHash("sha256").update(createPublicKey(k).export({ type: "spki", format: "der" })).digest("hex"));
    process.stdout.write(JSON.stringify({ keys, file: c.keyPoolFile ? c.keyPoolFile() : c.KEY_POOL_FILE }));
  `;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "-e", script],
      { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, timeout: 120_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

/**
 * Every entry under `dir`, relative, with `/` after folders (without the compile cache that
 * TypeScript's loader keeps in the temporary directory).
 */
function tree(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !path.join(e.parentPath ?? e.path, e.name).includes("v8-compile-cache"))
    .map((e) => {
      const relative = path.relative(dir, path.join(e.parentPath ?? e.path, e.name));
      return e.isDirectory() ? `${relative}/` : relative;
    })
    .sort();
}

describe("shared temporary state", function () {
  this.timeout(180_000);
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-shared-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe("the simulated key pool", () => {
    it("is kept in the user's own folder (0700), in a file of 0600, and nothing else is written", async () => {
      const first = await drawPool(tmp);
      const folder = path.join(tmp, `app-credentials-${owner}`);
      assert.strictEqual(first.file, path.join(folder, POOL_NAME));
      assert.deepStrictEqual(tree(tmp), [
        `app-credentials-${owner}/`,
        `app-credentials-${owner}/${POOL_NAME}`,
      ]);
      assert.strictEqual(fs.lstatSync(folder).mode & 0o777, 0o700);
      assert.strictEqual(fs.lstatSync(first.file).mode & 0o777, 0o600);
      // Another process draws the same keys from it.
      assert.deepStrictEqual((await drawPool(tmp)).keys, first.keys);
    });

    it("never follows a link planted in place of the user's folder: a pool of the process's own", async () => {
      const elsewhere = path.join(tmp, "elsewhere");
      fs.mkdirSync(elsewhere, { mode: 0o700 });
      fs.symlinkSync(elsewhere, path.join(tmp, `app-credentials-${owner}`));
      const run = await drawPool(tmp);
      assert.strictEqual(run.keys.length, 4);
      assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
      assert.ok(fs.lstatSync(path.join(tmp, `app-credentials-${owner}`)).isSymbolicLink());
      // Nothing written anywhere else in the shared temporary directory either.
      assert.deepStrictEqual(tree(tmp), [`app-credentials-${owner}`, "elsewhere/"]);
    });

    it("never writes through a link planted in place of the pool file, nor reads from it", async () => {
      const folder = path.join(tmp, `app-credentials-${owner}`);
      fs.mkdirSync(folder, { mode: 0o700 });
      const victim = path.join(tmp, "victim.json");
      fs.writeFileSync(victim, "precious");
      fs.symlinkSync(victim, path.join(folder, POOL_NAME));
      const run = await drawPool(tmp);
      assert.strictEqual(run.keys.length, 4);
      assert.strictEqual(fs.readFileSync(victim, "utf8"), "precious");
      // The link was replaced by a file of the user's, not written through.
      const pool = fs.lstatSync(path.join(folder, POOL_NAME));
      assert.ok(pool.isFile());
      assert.strictEqual(pool.mode & 0o777, 0o600);
      assert.deepStrictEqual(fs.readdirSync(folder), [POOL_NAME]);
    });

    it("closes a folder of the user's that others could write to before using it", async () => {
      const folder = path.join(tmp, `app-credentials-${owner}`);
      fs.mkdirSync(folder);
      fs.chmodSync(folder, 0o777);
      await drawPool(tmp);
      assert.strictEqual(fs.lstatSync(folder).mode & 0o777, 0o700);
      assert.ok(fs.lstatSync(path.join(folder, POOL_NAME)).isFile());
    });

    it("does not use a folder of another user's (checked when running as root)", async function () {
      if (uid !== 0) this.skip();
      const folder = path.join(tmp, `app-credentials-${owner}`);
      fs.mkdirSync(folder, { mode: 0o700 });
      fs.chownSync(folder, 65534, 65534);
      const run = await drawPool(tmp);
      assert.strictEqual(run.keys.length, 4);
      assert.deepStrictEqual(tree(tmp), [`app-credentials-${owner}/`]);
    });
  });

  describe("the calendar's --out", () => {
    /** Runs the calendar's `main` in this process on the fixture's `grace` stack. */
    async function calendar(
      out: string,
      stack = "grace",
    ): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = "";
      let stderr = "";
      const { APP_CREDENTIALS_NOW: _now, ...env } = process.env;
      void _now;
      const code = await main(
        [
          ...["--dir", CALENDAR_FIXTURE, "--stack", stack, "--from", "2025-01-01T00:00:00Z"],
          ...["--years", "1", "--no-churn-check", "--out", out],
        ],
        Date.parse("2025-01-01T00:00:00Z"),
        env,
        {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
        },
      );
      return { code, stdout, stderr };
    }

    it("refuses a symbolic link to an existing file: exit 2, one line, the file untouched", async () => {
      const victim = path.join(tmp, "victim.txt");
      fs.writeFileSync(victim, "precious");
      const link = path.join(tmp, "calendar.svg");
      fs.symlinkSync(victim, link);
      const r = await calendar(link);
      assert.strictEqual(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^calendar: --out .*calendar\.svg: is a symbolic link \(to .*victim\.txt\);/,
      );
      assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.strictEqual(r.stdout, "");
      assert.strictEqual(fs.readFileSync(victim, "utf8"), "precious");
    });

    it("refuses a dangling symbolic link: nothing is created where it points", async () => {
      const target = path.join(tmp, "elsewhere", "planted.svg");
      fs.mkdirSync(path.dirname(target));
      const link = path.join(tmp, "calendar.html");
      fs.symlinkSync(target, link);
      const r = await calendar(link);
      assert.strictEqual(r.code, 2, r.stderr);
      assert.match(r.stderr, /is a symbolic link/);
      assert.ok(!fs.existsSync(target));
    });

    it("creates no folder for a run that fails, and the folders it is pointed at for one that succeeds", async () => {
      const failing = await calendar(path.join(tmp, "new", "sub", "c.svg"), "bad");
      assert.strictEqual(failing.code, 2, failing.stderr);
      assert.deepStrictEqual(fs.readdirSync(tmp), []);
      const out = path.join(tmp, "made", "deep", "c.svg");
      const ok = await calendar(out);
      assert.strictEqual(ok.code, 0, ok.stderr);
      assert.match(fs.readFileSync(out, "utf8"), /<svg/);
      assert.deepStrictEqual(tree(tmp), ["made/", "made/deep/", "made/deep/c.svg"]);
    });
  });
});
