/**
 * The calendar CLI end to end: the runs that execute the stack's program are spawned as
 * `npm run calendar` runs them (their programs run in child processes), the others call the CLI's
 * `main` in this process. They all start in `before`; the cases assert on their results.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/calendar/cli";
import { FIXTURE, ROOT } from "./helpers";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run calendar` does (ts-node, transpile only), from the repository root. */
function calendar(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const { APP_CREDENTIALS_NOW: _ignored, ...inherited } = process.env;
  void _ignored;
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "tools/calendar/cli.ts", ...args],
      { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...inherited, ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    ),
  );
}

/** Runs the CLI's `main` in this process with its own output and environment. */
async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const { APP_CREDENTIALS_NOW: _ignored, ...inherited } = process.env;
  void _ignored;
  const code = await main(
    args,
    Date.now(),
    { ...inherited, ...env },
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stdout, stderr };
}

const CHURN_FIXTURE = path.join(ROOT, "test", "fixtures", "churning-credentials");

describe("calendar CLI", function () {
  this.timeout(180_000);
  const runs: Record<string, Result> = {};
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "calendar-"));
    const aFile = path.join(tmp, "a-file");
    fs.writeFileSync(aFile, "");
    const spawned: Record<string, string[]> = {
      dev: ["--from", "2026-11-21T00:00:00Z", "--years", "2", "--out", path.join(tmp, "c.html")],
      churn: [
        "--dir",
        CHURN_FIXTURE,
        "--stack",
        "test",
        "--from",
        "2026-11-21T00:00:00Z",
        "--years",
        "1",
      ],
    };
    const inProcessCases: Record<string, [string[], NodeJS.ProcessEnv?]> = {
      grace: [
        [
          "--dir",
          FIXTURE,
          "--stack",
          "grace",
          "--from",
          "2025-01-01T00:00:00Z",
          "--years",
          "1",
          "--every",
          "P55D",
          "--no-churn-check",
        ],
      ],
      consumers: [
        [
          "--dir",
          FIXTURE,
          "--stack",
          "consumers",
          "--from",
          "2025-01-01T00:00:00Z",
          "--years",
          "3",
          "--every",
          "P100D",
          "--no-churn-check",
        ],
      ],
      envFrom: [
        ["--dir", FIXTURE, "--stack", "grace", "--years", "1", "--no-churn-check"],
        { APP_CREDENTIALS_NOW: "2025-03-04T05:06:07Z" },
      ],
      bad: [["--dir", FIXTURE, "--stack", "bad", "--from", "2025-01-01T00:00:00Z"]],
      every: [["--every", "daily"]],
      missing: [["--stack", "nope", "--from", "2026-01-01T00:00:00Z"]],
      unknown: [["--frm", "2026-01-01T00:00:00Z"]],
      stackPath: [["--stack", "../dev"]],
      badEnv: [[], { APP_CREDENTIALS_NOW: "soon" }],
      unwritable: [["--dir", FIXTURE, "--stack", "grace", "--out", path.join(aFile, "c.svg")]],
    };
    const started = Object.entries(spawned).map(
      async ([name, args]) => (runs[name] = await calendar(args)),
    );
    for (const [name, [args, env]] of Object.entries(inProcessCases)) {
      runs[name] = await inProcess(args, env);
    }
    await Promise.all(started);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("exits 0 for the dev stack at a daily cadence, runs its program, and writes the HTML page", () => {
    const r = runs.dev;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /731 deployments every P1D/);
    assert.match(r.stdout, /orders-api .*ok/);
    assert.match(r.stdout, /All invariants hold/);
    assert.match(r.stdout, /Consumers \(invariant 7\)/);
    assert.match(r.stdout, /both slots rotate at once/);
    assert.match(
      r.stdout,
      /The stack's program ran at 2026-11-21T00:00:00Z, 2026-11-21T00:00:01Z, 2026-11-22T00:00:00Z/,
    );
    const page = fs.readFileSync(path.join(tmp, "c.html"), "utf8");
    assert.match(page, /<svg/);
  });

  it("exits 1 naming the app and instant when the cadence is longer than the grace", () => {
    const r = runs.grace;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /worker at 2025-07-30T00:00:00Z: invariant 3/);
    assert.match(r.stderr, /api at 2025-08-09T00:00:00Z: invariant 4/);
  });

  it("exits 1 naming the consumer and instant when a consumer may hold a deleted credential", () => {
    // The configuration accepts every consumer (refresh + grace ≤ period); deployments every 100
    // days, longer than the grace, break invariant 4 first, then 7 for the slowest consumer.
    const r = runs.consumers;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^calendar: api at 2026-02-05T00:00:00Z: invariant 4 /m);
    assert.match(
      r.stderr,
      /^calendar: api at 2027-06-20T00:00:00Z: invariant 7 \(every consumer holds a credential that exists in Entra ID and has not expired\) broken: consumer batch \(custom, refresh P150D\) may still hold api\/slot1\/gen1 until 2027-08-09T00:00:00Z: .* is deleted at 2027-06-20T00:00:00Z/m,
    );
    assert.match(r.stdout, /Consumers \(invariant 7\)/);
    assert.match(
      r.stdout,
      /│ api +│ batch +│ custom +│ P150D +│ \d+ +│ -50\.00 +│ FAIL: invariant 7 at 2027-06-20T00:00:00Z │/,
    );
    assert.match(r.stdout, /│ api +│ web +│ appService +│ PT24H \(default\) +│/);
  });

  it("exits 1 naming each credential the program replaces at every deployment (invariant 5)", () => {
    const r = runs.churn;
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split("\n");
    const named = (credential: string) =>
      lines.find((l) => l.includes(`credential ${credential} (`)) ?? "";
    assert.match(
      named("from-date-now"),
      /^calendar: reporting at 2026-11-21T00:00:01Z: invariant 5 \(no rotation between two deployments inside one window\) broken: the program replaces credential from-date-now \(azuread:index\/applicationPassword:ApplicationPassword\) at every deployment: .*endDate "2027-02-19T00:00:00.000Z" → "2027-02-19T00:00:01.000Z"/,
    );
    assert.match(named("from-today"), /^calendar: reporting at 2026-11-22T00:00:00Z: invariant 5/);
    assert.match(named("rotating-but-clock"), /invariant 5/);
    assert.equal(named("rotating-same-window"), "");
    assert.equal(named("fixed-per-window"), "");
    assert.match(r.stdout, /reporting .*FAIL: invariant 5 at 2026-11-21T00:00:01Z/);
  });

  it("takes the first deployment from APP_CREDENTIALS_NOW, and says so", () => {
    const r = runs.envFrom;
    assert.match(
      r.stdout,
      /^First deployment from APP_CREDENTIALS_NOW \(2025-03-04T05:06:07Z\)\.$/m,
    );
    assert.match(
      r.stdout,
      /deployments every P1D from 2025-03-04T05:06:07Z until 2026-03-04T05:06:07Z/,
    );
    assert.match(r.stdout, /The stack's program was not run \(--no-churn-check\)/);
  });

  it("exits 2 on invalid configuration or options, naming the field", () => {
    assert.equal(runs.bad.code, 2);
    assert.match(runs.bad.stderr, /app-credentials:rotation\.period: "P0D" is invalid/);
    assert.equal(runs.every.code, 2);
    assert.match(runs.every.stderr, /--every: "daily" is not an ISO 8601 duration/);
    assert.equal(runs.missing.code, 2);
    assert.match(runs.missing.stderr, /Pulumi\.nope\.yaml/);
    assert.equal(runs.unknown.code, 2);
    assert.match(runs.unknown.stderr, /unknown option '--frm'/);
    assert.equal(runs.stackPath.code, 2);
    assert.match(runs.stackPath.stderr, /^calendar: --stack: "..\/dev" is not a stack name/);
    assert.equal(runs.badEnv.code, 2);
    assert.match(
      runs.badEnv.stderr,
      /^calendar: APP_CREDENTIALS_NOW: "soon" is not an RFC 3339 instant/,
    );
  });

  it("an --out that cannot be written: exit 2 with one line, before anything is simulated", () => {
    const r = runs.unwritable;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^calendar: --out .*a-file\/c\.svg: ENOTDIR: not a directory/);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout, "");
  });
});
