/**
 * End to end through the real entry point (`tools/preview/cli.ts`, as `npm start` runs it): each
 * case spawns the CLI, which runs a program under the simulated Azure and starts the policy pack.
 * The runs are independent, so they start together in `before` (each takes a few seconds: ts-node
 * compiling the program, the pack's start) and the cases assert on their results.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { DateTime } from "luxon";
import { parseStackConfig, rawConfigFromValues } from "../../components/config";
import { rotationState } from "../../components/rotation";
import { formatInstant } from "../../policy/lib/iso8601";
import { loadStackFile } from "../../tools/stackFile";
import type { CredentialRow } from "../../tools/preview/credentials";
import { renderText } from "../../tools/preview/render";
import type { FailureReport, PreviewReport } from "../../tools/preview/report";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "tools", "preview", "cli.ts");
const FIXTURES = path.join(ROOT, "test", "fixtures");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the run, ms. */
  ms: number;
}

/** Runs the CLI as `npm start -- <args>` does (ts-node, transpile-only) from the repository root. */
function runCli(args: string[]): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", CLI, ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

function json<T = PreviewReport>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    assert.fail(`not one JSON document (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The credential table the rotation model predicts for the dev stack at an instant. */
function expectedDevTable(nowMs: number) {
  const { config } = loadStackFile(ROOT, "dev");
  const stack = parseStackConfig(rawConfigFromValues(config), nowMs);
  return stack.apps.flatMap((app) =>
    rotationState(app.rotation, nowMs).slots.map((slot) => ({
      app: app.name,
      slot: `${slot.slot}/${slot.slots}`,
      generation: slot.generation,
      end: formatInstant(slot.endDateMs),
      nextRotation: formatInstant(slot.nextRotationMs),
      inKeyVault: slot.active,
    })),
  );
}

function actualTable(rows: CredentialRow[]) {
  return rows.map((row) => ({
    app: row.app,
    slot: row.slot,
    generation: row.generation,
    end: row.end,
    nextRotation: row.nextRotation,
    inKeyVault: row.keyVaultSecrets.length > 0,
  }));
}

const NO_STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("npm start: offline preview with policy verdicts", function () {
  this.timeout(150_000);
  const runs: Record<string, CliResult> = {};
  /** `--now` of the second dev run: thirteen months after the tests started (whole seconds). */
  let laterMs: number;

  before(async () => {
    const startMs = Math.floor(Date.now() / 1000) * 1000;
    laterMs = DateTime.fromMillis(startMs, { zone: "utc" }).plus({ months: 13 }).toMillis();
    const cases: Record<string, string[]> = {
      devJson: ["--json"],
      devText: [],
      later: ["--json", "--now", formatInstant(laterMs)],
      fixture: ["--dir", path.join(FIXTURES, "long-lived-secret"), "--stack", "test", "--json"],
      async: ["--dir", path.join(FIXTURES, "async-program"), "--stack", "test", "--json"],
      broken: ["--dir", "test/fixtures/broken-config", "--stack", "broken"],
      brokenJson: ["--dir", "test/fixtures/broken-config", "--stack", "broken", "--json"],
      badNow: ["--now", "next tuesday"],
    };
    const results = await Promise.all(
      Object.entries(cases).map(async ([name, args]) => [name, await runCli(args)] as const),
    );
    for (const [name, result] of results) runs[name] = result;
    for (const [name, result] of results)
      console.log(`      (${name}: exit ${result.code} in ${(result.ms / 1000).toFixed(1)} s)`);
  });

  it("dev stack: exit 0, no mandatory violation, the credential table the rotation model predicts", () => {
    const run = runs.devJson;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "app-credentials");
    assert.strictEqual(report.stack, "dev");
    assert.strictEqual(report.summary.exitCode, 0);
    assert.strictEqual(report.summary.violations.mandatory, 0);
    assert.deepStrictEqual(
      report.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory"),
      [],
    );
    assert.strictEqual(report.policy.pack.name, "app-credential-policies");
    assert.strictEqual(report.policy.policies.length, 7);

    const nowMs = Date.parse(report.now);
    assert.deepStrictEqual(actualTable(report.credentials), expectedDevTable(nowMs));
    // 2 + 1 + 2 + 2 passwords; each app's Key Vault secret holds exactly one of them.
    assert.strictEqual(report.credentials.length, 7);
    assert.strictEqual(report.summary.credentialsInKeyVault, 4);
    for (const row of report.credentials) {
      assert.match(row.keyId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
      assert.ok(row.lifetimeDays !== undefined && row.lifetimeDays <= 2 * 180 + 30, row.name);
    }
    // The Key Vault client secret expires with the password it holds.
    const clientSecrets = report.secrets.filter((s) => s.secretName.endsWith("-client-secret"));
    assert.strictEqual(clientSecrets.length, 4);
    for (const secret of clientSecrets) {
      const held = report.credentials.find((c) => c.keyId === secret.holdsKeyId);
      assert.ok(held, `${secret.secretName} holds a declared password`);
      assert.strictEqual(secret.expires, held.end);
      assert.deepStrictEqual(held.keyVaultSecrets, [secret.secretName]);
    }
    assert.strictEqual(report.secrets.length, 12);
    assert.ok(report.resources.some((r) => r.type === "azure-native:keyvault:Vault"));
    assert.ok(report.offlineLimits.some((l) => /permissions/.test(l)));
  });

  it("dev stack in a terminal: resource tree, credential and secret tables, policies, summary, footer", () => {
    const run = runs.devText;
    assert.strictEqual(run.code, 0, run.stderr);
    const out = run.stdout;
    assert.match(out, /^ \+ {3}pulumi:pulumi:Stack +app-credentials-dev +create$/m);
    assert.match(out, /^ \+ {3}├─ app-credentials:entra:AppCredential +orders-api +create$/m);
    assert.match(
      out,
      /^ \+ {3}│ {2}│ {2}├─ azuread:index\/applicationPassword:ApplicationPassword +orders-api-passwords-slot0 +create$/m,
    );
    assert.match(out, /^Credentials \(as of .+\):$/m);
    assert.match(out, /^ +App +Slot +Gen +Key ID +Start +End +Days +Next rotation +Key Vault$/m);
    assert.match(out, /^ +billing-worker +0\/1 .*◀ billing-worker-client-secret$/m);
    assert.match(out, /^Key Vault secrets:$/m);
    assert.match(
      out,
      /^ +orders-api-client-secret +appcred-dev-\w{6} +text\/plain; entra-client-secret /m,
    );
    assert.match(out, /^Policies \(app-credential-policies@[\d.]+\):\n +no violations/m);
    assert.match(
      out,
      /^Summary: 39 resources to create .* 7 credentials \(4 in Key Vault\), 12 Key Vault secrets; policies: 0 mandatory, 0 advisory: no mandatory violation \(exit 0\)$/m,
    );
    assert.match(out, /cannot know:/);
    assert.match(out, /permissions/);
    assert.match(out, /name clashes in Azure/);
    assert.match(out, /service limits/);
    // Secret values never leave the simulation.
    assert.doesNotMatch(out + runs.devJson.stdout, /sim~/);
  });

  it("a project outside this stack with a 5-year secret and no rotation: exit 1 with both violations", () => {
    const run = runs.fixture;
    assert.strictEqual(run.code, 1, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "fixture-long-lived");
    assert.ok(
      report.notes.some((n) =>
        /fixture-long-lived:reportingToken is a secure value and cannot be decrypted offline/.test(
          n,
        ),
      ),
      report.notes.join("\n"),
    );
    assert.strictEqual(report.summary.exitCode, 1);
    const mandatory = report.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    assert.deepStrictEqual(mandatory.map((d) => d.policy).sort(), [
      "credential-max-lifetime",
      "credential-rotation-required",
    ]);
    for (const d of mandatory) assert.strictEqual(d.resource?.name, "reporting-secret");
    const [row] = report.credentials;
    assert.strictEqual(report.credentials.length, 1);
    assert.strictEqual(row.app, "reporting");
    assert.strictEqual(row.nextRotation, undefined);
    assert.ok(
      row.lifetimeDays !== undefined && row.lifetimeDays > 5 * 365,
      String(row.lifetimeDays),
    );

    // The terminal rendering of the same document groups the diagnostics by enforcement level.
    const text = renderText(report);
    assert.match(text, /^ {2}mandatory \(2\):$/m);
    assert.match(
      text,
      /\[credential-max-lifetime\] +azuread:index\/applicationPassword:ApplicationPassword \(reporting-secret\)/,
    );
    assert.match(text, /\[credential-rotation-required\]/);
    assert.match(text, /policies: 2 mandatory, .*mandatory violations \(exit 1\)$/m);
  });

  it("an async program (exported async function): awaited as Pulumi does, its late resource is there", () => {
    const run = runs.async;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "fixture-async");
    assert.deepStrictEqual(
      report.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`),
      ["azuread:index/application:Application declared-late"],
    );
  });

  it("--now thirteen months ahead: every slot has rotated, as the rotation model predicts", () => {
    const before = json(runs.devJson);
    const run = runs.later;
    assert.strictEqual(run.code, 0, run.stderr);
    const later = json(run);
    assert.strictEqual(later.now, formatInstant(laterMs));
    assert.strictEqual(later.nowFromOption, true);
    assert.deepStrictEqual(actualTable(later.credentials), expectedDevTable(laterMs));

    const expectedBefore = expectedDevTable(Date.parse(before.now));
    const expectedLater = expectedDevTable(laterMs);
    for (const [i, row] of later.credentials.entries()) {
      const earlier = before.credentials[i];
      assert.strictEqual(`${row.app} ${row.slot}`, `${earlier.app} ${earlier.slot}`);
      // 13 months exceed two 180-day windows: every slot was replaced at least once.
      assert.ok(
        expectedLater[i].generation > expectedBefore[i].generation,
        `${row.app} ${row.slot}`,
      );
      assert.notStrictEqual(row.keyId, earlier.keyId, `${row.app} ${row.slot} keyId`);
      assert.notStrictEqual(row.end, earlier.end, `${row.app} ${row.slot} end`);
      assert.ok(Date.parse(row.end ?? "") > laterMs, `${row.app} ${row.slot} still valid`);
      assert.strictEqual(row.start, later.now, "a new password starts at the faked instant");
    }
    // The policy pack saw the faked instant too: nothing it checks is expired or about to be.
    assert.strictEqual(later.summary.violations.mandatory, 0);
  });

  it("a broken stack config: exit 2 with the field named, no stack trace", () => {
    const run = runs.broken;
    assert.strictEqual(run.code, 2, run.stdout);
    assert.match(run.stderr, /^error: invalid stack configuration/);
    assert.match(run.stderr, /app-credentials:rotation\.period: "six months" is invalid/);
    assert.match(run.stderr, /Pulumi\.broken\.yaml/);
    assert.doesNotMatch(run.stderr, NO_STACK_TRACE);
    assert.strictEqual(run.stdout, "");

    const failure = json<FailureReport>(runs.brokenJson);
    assert.strictEqual(runs.brokenJson.code, 2);
    assert.strictEqual(failure.summary.exitCode, 2);
    assert.strictEqual(failure.error.kind, "config");
    assert.match(failure.error.message, /app-credentials:rotation\.period/);
  });

  it("an invalid --now: exit 2 naming the option", () => {
    const run = runs.badNow;
    assert.strictEqual(run.code, 2, run.stdout);
    assert.match(run.stderr, /^error: --now: "next tuesday" is not an RFC 3339 instant/);
    assert.doesNotMatch(run.stderr, NO_STACK_TRACE);
  });
});
