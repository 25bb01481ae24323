/**
 * `npm start --graph-permission` and the tenant file's `deployer.graphPermission`: a third-party
 * program runs under the deployer's real Microsoft Graph permission. A program that adds a
 * password to an existing application the deployer does not own is refused under
 * `Application.ReadWrite.OwnedBy` (Graph 403 Authorization_RequestDenied) and not under
 * `Application.ReadWrite.All`; the flag wins over the tenant file, which wins over the default
 * (OwnedBy); the header and `--json` name the effective permission and where it came from.
 *
 * The program is written to a temporary directory (the preview runs any project; its packages
 * resolve from this repository's node_modules).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../tools/preview/cli";
import type { FailureReport, PreviewReport } from "../../tools/preview/report";
import { parseTenantSnapshot, TenantSnapshotError } from "../../tools/offline/simulator/tenant";

/** The existing application the program adds a password to, owned by someone else. */
const APP = "5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e";
const OTHER_OWNER = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const ALL = "Application.ReadWrite.All";
const OWNED_BY = "Application.ReadWrite.OwnedBy";
const NOW = "2026-09-01T00:00:00Z";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process and collects its output. */
async function runMain(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(chunk.toString());
        callback();
      },
    });
  const { APP_CREDENTIALS_NOW: _ignored, ...env } = process.env;
  void _ignored;
  const code = await main(args, { stdout: stream(out), stderr: stream(err), env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function json<T = PreviewReport>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    assert.fail(`not one JSON document (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The preview report of a run (not a failure document). */
function preview(result: CliResult): PreviewReport {
  const document = json<PreviewReport | FailureReport>(result);
  if ("error" in document) assert.fail(`no report: ${document.error.message}`);
  return document;
}

describe("the deployer's Graph permission in the tenant file", () => {
  it("deployer.graphPermission is read; a file may hold only the deployer", () => {
    const snapshot = parseTenantSnapshot(
      { applications: [{ id: APP }], deployer: { graphPermission: ALL } },
      "t.json",
    );
    assert.strictEqual(snapshot.graphPermission, ALL);
    assert.strictEqual(snapshot.applications.size, 1);
    const only = parseTenantSnapshot({ deployer: { graphPermission: OWNED_BY } }, "t.json");
    assert.strictEqual(only.graphPermission, OWNED_BY);
    // A file without the applications list does not make every application missing.
    assert.deepStrictEqual(only.covers, { applications: false, servicePrincipals: false });
    assert.strictEqual(
      parseTenantSnapshot({ applications: [{ id: APP }] }, "t.json").graphPermission,
      undefined,
    );
    assert.strictEqual(parseTenantSnapshot({ deployer: {} }, "t.json").graphPermission, undefined);
  });

  it("a bad value or key is refused with one line naming the file, the key and the allowed values", () => {
    const refused = (json: unknown) => {
      try {
        parseTenantSnapshot(json, "t.json");
      } catch (error) {
        assert.ok(error instanceof TenantSnapshotError);
        assert.doesNotMatch(error.message, /\n/);
        return error.message;
      }
      return assert.fail("accepted");
    };
    assert.strictEqual(
      refused({ deployer: { graphPermission: "All" } }),
      't.json: deployer.graphPermission: expected Application.ReadWrite.All or Application.ReadWrite.OwnedBy, not "All"',
    );
    assert.match(refused({ deployer: { permission: ALL } }), /^t\.json: deployer\.permission: /);
    assert.match(refused({ deployer: ALL }), /^t\.json: deployer: expected an object/);
    assert.match(refused({ applications: [], owner: {} }), /deployer` keys/);
  });
});

describe("npm start --graph-permission", function () {
  // Each case runs the program in a child process and starts the policy pack.
  this.timeout(240_000);
  let tmp: string;
  const runs: Record<string, CliResult> = {};

  const tenantFile = (name: string, deployer?: Record<string, unknown>): string => {
    const file = path.join(tmp, name);
    const snapshot = {
      applications: [{ id: APP, displayName: "third-party", owners: [OTHER_OWNER] }],
      ...(deployer ? { deployer } : {}),
    };
    fs.writeFileSync(file, JSON.stringify(snapshot));
    return file;
  };

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "graph-permission-"));
    const dir = path.join(tmp, "project");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: fixture-third-party\nruntime: nodejs\ndescription: adds a password to an existing application\n",
    );
    fs.writeFileSync(path.join(dir, "Pulumi.test.yaml"), "config: {}\n");
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      [
        'import * as azuread from "@pulumi/azuread";',
        'const password = new azuread.ApplicationPassword("third-party-password", {',
        `  applicationId: "/applications/${APP}",`,
        '  displayName: "rotated by a third-party program",',
        '  endDate: "2027-03-01T00:00:00Z",',
        "});",
        "export const keyId = password.keyId;",
        "",
      ].join("\n"),
    );
    const common = ["--dir", dir, "--stack", "test", "--now", NOW, "--no-churn-check"];
    const plain = tenantFile("plain.json");
    const all = tenantFile("all.json", { graphPermission: ALL });
    const cases: Record<string, string[]> = {
      defaultText: [...common, "--tenant", plain],
      defaultJson: [...common, "--json", "--tenant", plain],
      flagAll: [...common, "--json", "--tenant", plain, "--graph-permission", ALL],
      tenantAll: [...common, "--json", "--tenant", all],
      flagOverTenant: [...common, "--json", "--tenant", all, "--graph-permission", OWNED_BY],
      badFlag: [...common, "--graph-permission", "ReadWrite.All"],
      badFlagJson: [...common, "--json", "--graph-permission", "ReadWrite.All"],
      badTenant: [
        ...common,
        "--tenant",
        tenantFile("bad.json", { graphPermission: "Application.ReadWrite.Everything" }),
      ],
    };
    const names = Object.keys(cases);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        runs[name] = await runMain(cases[name]);
      }
    };
    await Promise.all([worker(), worker()]);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const forbidden = (report: PreviewReport) =>
    report.failures.filter((f) => f.code === "Forbidden");

  it("default OwnedBy: the write to an application the deployer does not own is refused (exit 2)", () => {
    const run = runs.defaultJson;
    assert.strictEqual(run.code, 2, run.stderr);
    const report = preview(run);
    assert.deepStrictEqual(report.graphPermission, { permission: OWNED_BY, source: "default" });
    const [refusal, ...others] = forbidden(report);
    assert.ok(refusal, JSON.stringify(report.failures));
    assert.deepStrictEqual(others, []);
    assert.match(refusal.message, /Authorization_RequestDenied \(403\)/);
    assert.match(refusal.message, /Application\.ReadWrite\.OwnedBy and does not own/);
    assert.match(refusal.message, new RegExp(APP));
  });

  it("the text header names the permission and where it came from", () => {
    const run = runs.defaultText;
    assert.strictEqual(run.code, 2, run.stderr);
    assert.match(
      run.stdout,
      /^Deployer's Graph permission: Application\.ReadWrite\.OwnedBy \(default; --graph-permission sets it\)$/m,
    );
    assert.match(run.stdout, /Application\.ReadWrite\.OwnedBy and does not own/);
  });

  it("--graph-permission Application.ReadWrite.All: no refusal", () => {
    const run = runs.flagAll;
    const report = preview(run);
    assert.deepStrictEqual(report.failures, [], JSON.stringify(report.failures));
    assert.notStrictEqual(run.code, 2, run.stderr);
    assert.deepStrictEqual(report.graphPermission, { permission: ALL, source: "option" });
    assert.ok(report.credentials.some((c) => c.kind === "password"));
  });

  it("the tenant file's deployer.graphPermission sets it when the flag is absent", () => {
    const report = preview(runs.tenantAll);
    assert.deepStrictEqual(report.failures, []);
    assert.deepStrictEqual(report.graphPermission, { permission: ALL, source: "tenant" });
  });

  it("the flag wins over the tenant file", () => {
    const run = runs.flagOverTenant;
    assert.strictEqual(run.code, 2, run.stderr);
    const report = preview(run);
    assert.deepStrictEqual(report.graphPermission, { permission: OWNED_BY, source: "option" });
    assert.strictEqual(forbidden(report).length, 1);
  });

  it("an invalid --graph-permission: exit 2, one line naming the flag, the value and the allowed values", () => {
    const run = runs.badFlag;
    assert.strictEqual(run.code, 2);
    assert.strictEqual(run.stdout, "");
    assert.strictEqual(
      run.stderr,
      'error: --graph-permission: "ReadWrite.All" is not a deployer permission: expected Application.ReadWrite.All or Application.ReadWrite.OwnedBy\n',
    );
    const failure = json<FailureReport>(runs.badFlagJson);
    assert.strictEqual(runs.badFlagJson.code, 2);
    assert.deepStrictEqual(failure.error, {
      kind: "usage",
      message:
        '--graph-permission: "ReadWrite.All" is not a deployer permission: expected Application.ReadWrite.All or Application.ReadWrite.OwnedBy',
    });
  });

  it("an invalid deployer.graphPermission in the tenant file: exit 2, one line naming the file", () => {
    const run = runs.badTenant;
    assert.strictEqual(run.code, 2);
    const lines = run.stderr.trim().split("\n");
    assert.strictEqual(lines.length, 1, run.stderr);
    assert.match(
      lines[0],
      /^error: --tenant: .*bad\.json: deployer\.graphPermission: expected Application\.ReadWrite\.All or Application\.ReadWrite\.OwnedBy, not "Application\.ReadWrite\.Everything"$/,
    );
  });
});
