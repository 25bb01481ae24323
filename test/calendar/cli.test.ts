import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURE, ROOT } from "./helpers";

/** Runs the CLI as `npm run calendar` does (ts-node, transpile only), from the repository root. */
function calendar(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "tools/calendar/cli.ts", ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("calendar CLI", () => {
  it("exits 0 for the dev stack at a daily cadence and writes the HTML page", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "calendar-")), "c.html");
    const r = calendar("--from", "2026-11-21T00:00:00Z", "--years", "2", "--out", out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /731 deployments every P1D/);
    assert.match(r.stdout, /orders-api .*ok/);
    assert.match(r.stdout, /All invariants hold/);
    assert.match(r.stdout, /both slots rotate at once/);
    const page = fs.readFileSync(out, "utf8");
    assert.match(page, /<svg/);
  });

  it("exits 1 naming the app and instant when the cadence is longer than the grace", () => {
    const r = calendar(
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
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /worker at 2025-07-30T00:00:00Z: invariant 3/);
    assert.match(r.stderr, /api at 2025-08-09T00:00:00Z: invariant 4/);
  });

  it("exits 2 on invalid configuration or options, naming the field", () => {
    const bad = calendar("--dir", FIXTURE, "--stack", "bad", "--from", "2025-01-01T00:00:00Z");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /app-credentials:rotation\.period: "P0D" is invalid/);
    const every = calendar("--every", "daily");
    assert.equal(every.code, 2);
    assert.match(every.stderr, /--every: "daily" is not an ISO 8601 duration/);
    const missing = calendar("--stack", "nope", "--from", "2026-01-01T00:00:00Z");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Pulumi\.nope\.yaml/);
    const unknown = calendar("--frm", "2026-01-01T00:00:00Z");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--frm'/);
  });
});
