/**
 * End to end: `npm start -- --state FILE [--credential-activity FILE]` (the CLI's `main` in this
 * process, a few at a time; each run starts the policy pack and a program child).
 *
 * - States the simulator's own successive deployments produce: the dev stack deployed at an
 *   instant, its world exported as `pulumi stack export` writes it (tools/offline/stackExport.ts),
 *   then previewed from that state at the same instant (nothing changes) and at the first rotation
 *   after it (crm-connector's slot 0 is replaced: the credential it deletes is the state's, with its
 *   key id).
 * - The hand-checked fixture test/fixtures/stack-export/state.json (the CLI's format, another
 *   tenant, subscription and deploying identity than the simulation's).
 * - `credential-in-use-before-deletion`: a deleted credential that signed in an hour before is a
 *   mandatory violation (exit 1) naming app, key id and last sign-in; without an entry in the
 *   report, no finding (exit 0).
 * - No secret or ciphertext of the state reaches stdout, stderr or `--json`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliResult, json, limited, runPreviewMain } from "../support/previewMain";
import { parseStackConfig, rawConfigFromValues } from "../../components/config";
import { createStack } from "../../components/stack";
import { deploy } from "../../tools/offline/simulator/deployment";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { SimulatedWorld } from "../../tools/offline/simulator/world";
import { exportStackState } from "../../tools/offline/stackExport";
import { loadStackFile } from "../../tools/offline/stackFile";
import type { CredentialRow } from "../../tools/preview/credentials";
import type { FailureReport } from "../../tools/preview/report";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE_DIR = path.join(ROOT, "test", "fixtures", "stack-export");
const FIXTURE_STATE = path.join(FIXTURE_DIR, "state.json");
const IN_USE = "credential-in-use-before-deletion";
/** The dev stack's deployment, and the first rotation after it (crm-connector, 2027-01-05T23:56Z). */
const DEPLOYED = "2027-01-01T00:00:00Z";
const NEXT = "2027-01-06T00:00:00Z";
const CRM_SP = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";

/**
 * Deploys the dev stack in a simulated world at `nowMs` (the program's components, as a run of
 * the preview declares them) and returns the world's state as `pulumi stack export` writes it.
 */
async function deployedDevState(nowMs: number): Promise<string> {
  const world = new SimulatedWorld({ successiveDeployments: true, seed: null });
  const { config } = loadStackFile(ROOT, "dev");
  const simulation = simulateAzure({
    project: "app-credentials",
    stack: "dev",
    nowMs: () => nowMs,
    world,
    config,
  });
  await createStack(parseStackConfig(rawConfigFromValues(config, ROOT), nowMs), nowMs);
  await simulation.settle();
  assert.deepStrictEqual(deploy(world, simulation.registrations, nowMs).failures, []);
  const exported = exportStackState([...world.state.values()], {
    project: "app-credentials",
    stack: "dev",
    timeMs: nowMs,
  });
  return `${JSON.stringify(exported, null, 4)}\n`;
}

/** Every ciphertext in a state file. */
function ciphertexts(text: string): string[] {
  return [...text.matchAll(/"ciphertext": "([^"]+)"/g)].map((m) => m[1]);
}

/** The credential row of a slot. */
function slot(rows: CredentialRow[], app: string, slotText: string): CredentialRow[] {
  return rows.filter((r) => r.app === app && r.slot === slotText);
}

describe("npm start -- --state: the plan of the next pulumi up from the stack's state", function () {
  this.timeout(300_000);
  const runs: Record<string, CliResult> = {};
  let tmp: string;
  let devState: string;
  let devStateText: string;
  /** The dev state's crm-connector slot 0: what the next rotation deletes. */
  let crmSlot0: { keyId: string; end: string };
  /** The dev state's billing-worker credential (one slot: the one Key Vault holds). */
  let billingKeyId: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "state-preview-"));
    const file = (name: string, content: unknown) => {
      const target = path.join(tmp, name);
      fs.writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
      return target;
    };
    devStateText = await deployedDevState(Date.parse(DEPLOYED));
    devState = file("dev-state.json", devStateText);
    const parsed = JSON.parse(devStateText) as {
      deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
    };
    const crm = parsed.deployment.resources.find((r) =>
      r.urn.endsWith("::crm-connector-passwords-slot0"),
    );
    crmSlot0 = { keyId: String(crm?.outputs?.keyId), end: String(crm?.outputs?.endDate) };
    billingKeyId = String(
      parsed.deployment.resources.find((r) => r.urn.endsWith("::billing-worker-passwords-slot0"))
        ?.outputs?.keyId,
    );
    const activity = (keyId: string, lastSignIn: string) => ({
      value: [
        {
          keyId: keyId.toUpperCase(),
          appId: null,
          servicePrincipalObjectId: CRM_SP,
          credentialOrigin: "servicePrincipal",
          keyType: "clientSecret",
          keyUsage: "Verify",
          expirationDateTime: crmSlot0.end,
          signInActivity: { lastSignInDateTime: lastSignIn },
        },
      ],
    });
    const inUse = file("in-use.json", activity(crmSlot0.keyId, "2027-01-05T23:00:00Z"));
    const billing = file("billing.json", {
      value: [
        {
          keyId: billingKeyId,
          credentialOrigin: "application",
          keyType: "clientSecret",
          signInActivity: { lastSignInDateTime: "2027-01-25T23:00:00Z" },
        },
      ],
    });
    const otherKey = file(
      "other-key.json",
      activity("00000000-0000-4000-8000-000000000001", "2027-01-05T23:00:00Z"),
    );
    // The fixture exported with --show-secrets: the plaintext must never come out.
    const plaintext = "Pl4in~text.Secret-Value_0123456789";
    const showSecrets = file(
      "show-secrets.json",
      fs
        .readFileSync(FIXTURE_STATE, "utf8")
        .replace(
          /"ciphertext": "[^"]+"/g,
          `"plaintext": ${JSON.stringify(JSON.stringify(plaintext))}`,
        ),
    );
    const fixture = (...args: string[]) => [
      "--dir",
      FIXTURE_DIR,
      "--stack",
      "gate",
      "--state",
      FIXTURE_STATE,
      "--no-churn-check",
      ...args,
    ];
    const cases: Record<string, string[]> = {
      devSame: ["--state", devState, "--now", DEPLOYED, "--no-churn-check", "--json"],
      devNextInUse: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", inUse, "--json"],
      ],
      devNextInUseText: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", inUse],
      ],
      devNextNoEntry: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", otherKey],
      ],
      devNextAdvisory: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", inUse, "--json"],
        ...["--policy-pack-config", file("advisory.json", { [IN_USE]: "advisory" })],
      ],
      // The sign-in was an hour before: outside a 30-minute inUseWindow.
      devNextShortWindow: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", inUse, "--json"],
        ...["--policy-pack-config", file("window.json", { [IN_USE]: { inUseWindow: "PT30M" } })],
      ],
      // billing-worker (one slot) rotates at 2027-01-25T13:59:00Z.
      singleSlot: [
        ...["--state", devState, "--now", "2027-01-26T00:00:00Z", "--no-churn-check"],
        ...["--credential-activity", billing, "--json"],
      ],
      fixtureSame: fixture("--now", "2026-05-15T03:17:00Z", "--json"),
      fixtureNext: fixture("--now", "2026-07-01T03:17:00Z"),
      fixtureShowSecrets: [
        ...["--dir", FIXTURE_DIR, "--stack", "gate", "--state", showSecrets],
        ...["--now", "2026-07-01T03:17:00Z", "--no-churn-check", "--json"],
      ],
      // Failures before anything runs: one line, exit 2.
      otherStack: [
        ...["--dir", FIXTURE_DIR, "--stack", "gate", "--state", devState, "--no-churn-check"],
      ],
      notJson: ["--state", file("garbage.json", "<html>"), "--no-churn-check", "--json"],
      activityWithoutState: ["--credential-activity", inUse, "--no-churn-check"],
      badActivity: [
        ...["--state", devState, "--now", NEXT, "--no-churn-check"],
        ...["--credential-activity", file("bad-activity.json", { value: [{ keyId: 7 }] })],
      ],
    };
    const names = Object.keys(cases);
    const results = await limited(
      3,
      names.map((name) => () => runPreviewMain(cases[name])),
    );
    names.forEach((name, i) => (runs[name] = results[i]));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("from the state of a deployment at the same instant, nothing changes: every credential is the state's, with its key id", () => {
    const run = runs.devSame;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.ok(report.state, "the report names the state");
    assert.strictEqual(report.state.file, devState);
    assert.strictEqual(report.state.version, 3);
    assert.deepStrictEqual(
      report.resources.filter((r) => r.op !== "same" && r.op !== "read").map((r) => r.name),
      [],
    );
    assert.strictEqual(report.state.plan.create + report.state.plan.replace, 0);
    // Two slots each for orders-api, consumer-portal, crm-connector, batch-signer, token-signer
    // (its two Key Vault certificate credentials) and legacy-portal, one for billing-worker; the
    // federated deploy-pipeline has none: 6 × 2 + 1.
    assert.deepStrictEqual(
      [...new Set(report.credentials.map((c) => c.app))],
      [
        "orders-api",
        "consumer-portal",
        "billing-worker",
        "crm-connector",
        "batch-signer",
        "token-signer",
        "legacy-portal",
      ],
    );
    assert.strictEqual(report.credentials.length, 13);
    const state = JSON.parse(devStateText) as {
      deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
    };
    for (const row of report.credentials) {
      assert.strictEqual(row.step, "same", row.name);
      assert.strictEqual(row.keyIdSource, "state");
      const inState = state.deployment.resources.find((r) => r.urn.endsWith(`::${row.name}`));
      assert.strictEqual(row.keyId, inState?.outputs?.keyId, row.name);
    }
  });

  it("at the next window's rotation one slot is replaced, showing the real key id of the credential it deletes", () => {
    const report = json(runs.devNextInUse);
    const replaced = report.credentials.filter((c) => c.step === "replace");
    assert.deepStrictEqual(
      replaced.map((c) => [c.app, c.slot]),
      [["crm-connector", "0/2"]],
    );
    const [row] = replaced;
    assert.strictEqual(row.keyIdSource, "simulated");
    assert.strictEqual(row.replaces?.keyId, crmSlot0.keyId);
    assert.strictEqual(row.replaces?.end, crmSlot0.end);
    assert.deepStrictEqual(row.keyVaultSecrets, ["crm-connector-client-secret"]);
    assert.deepStrictEqual(
      report.credentials.filter((c) => c.step !== "same" && c.step !== "replace"),
      [],
    );
    assert.deepStrictEqual(slot(report.credentials, "crm-connector", "1/2")[0].step, "same");
    // The tree: the slot replaced, its app's three secrets updated (new expiry, new value).
    assert.deepStrictEqual(
      report.resources
        .filter((r) => r.op !== "same" && r.op !== "read")
        .map((r) => `${r.op} ${r.name}`),
      [
        "replace crm-connector-passwords-slot0",
        "update crm-connector-secrets-tenant-id",
        "update crm-connector-secrets-client-id",
        "update crm-connector-secrets-client-secret",
      ],
    );
  });

  it("credential-in-use-before-deletion: the deleted credential signed in an hour before; exit 1, naming app, key id and last sign-in", () => {
    const run = runs.devNextInUse;
    assert.strictEqual(run.code, 1, run.stderr);
    const report = json(run);
    const found = report.policy.diagnostics.filter((d) => d.policy === IN_USE);
    assert.strictEqual(found.length, 1);
    const [d] = found;
    assert.strictEqual(d.enforcementLevel, "mandatory");
    assert.strictEqual(d.resource?.name, "crm-connector-passwords-slot0");
    const firstLine = d.message.split("\n")[0];
    assert.match(firstLine, /^app crm-connector: credential /);
    assert.ok(firstLine.includes(crmSlot0.keyId), firstLine);
    assert.match(firstLine, /last signed in at 2027-01-05T23:00:00Z, 1 h before this deployment/);
    assert.match(firstLine, /some consumer has not moved to the credential Key Vault holds/);
    assert.match(d.message, /beta/);
    assert.match(d.message, /up to 24 hours/);
    assert.deepStrictEqual(
      report.policy.policies.find((p) => p.name === IN_USE),
      { name: IN_USE, enforcementLevel: "mandatory", origin: "preview" },
    );
    assert.strictEqual(report.summary.exitCode, 1);
    assert.strictEqual(report.credentialActivity?.beta, true);
    const row = report.credentials.find((c) => c.step === "replace");
    assert.deepStrictEqual(row?.replaces?.lastSignIn, {
      status: "signed-in",
      at: "2027-01-05T23:00:00Z",
    });
    // The text: the step, the deleted credential's line with its key id and last sign-in, the verdict.
    const text = runs.devNextInUseText;
    assert.strictEqual(text.code, 1, text.stderr);
    assert.match(text.stdout, /^Sign-in report: .*in-use\.json \(1 entry; Microsoft Graph beta/m);
    assert.match(
      text.stdout,
      new RegExp(
        `^ +└ deletes +${crmSlot0.keyId.slice(0, 8)}… +\\S+ \\S+ +\\S+ \\S+ +2027-01-05 23:00:00Z`,
        "m",
      ),
    );
    assert.match(text.stdout, /^ {2}mandatory \(1\):\n {4}\[credential-in-use-before-deletion\]/m);
    assert.match(
      text.stdout,
      /^Summary: plan from the state: .*1 mandatory violation \(exit 1\)$/m,
    );
  });

  it("no entry in the sign-in report: no data, no finding, exit 0; a level set in the config file applies", () => {
    const run = runs.devNextNoEntry;
    assert.strictEqual(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /\[credential-in-use-before-deletion\]/);
    assert.match(run.stdout, /^ +└ deletes +\S+… +\S+ \S+ +\S+ \S+ +no data/m);
    const advisory = json(runs.devNextAdvisory);
    assert.strictEqual(runs.devNextAdvisory.code, 0);
    assert.deepStrictEqual(
      advisory.policy.diagnostics.filter((d) => d.policy === IN_USE).map((d) => d.enforcementLevel),
      ["advisory"],
    );
    // inUseWindow from the same file: an hour-old sign-in is outside PT30M.
    const short = json(runs.devNextShortWindow);
    assert.strictEqual(runs.devNextShortWindow.code, 0, runs.devNextShortWindow.stderr);
    assert.deepStrictEqual(
      short.policy.diagnostics.filter((d) => d.policy === IN_USE),
      [],
    );
  });

  it("a single-slot app's rotation deletes the credential Key Vault holds: revoked by design, no finding", () => {
    const run = runs.singleSlot;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    const [row] = slot(report.credentials, "billing-worker", "0/1");
    assert.strictEqual(row.step, "replace");
    assert.strictEqual(row.replaces?.keyId, billingKeyId);
    assert.deepStrictEqual(row.replaces?.lastSignIn, {
      status: "signed-in",
      at: "2027-01-25T23:00:00Z",
    });
    assert.deepStrictEqual(
      report.policy.diagnostics.filter((d) => d.policy === IN_USE),
      [],
    );
  });

  it("the hand-checked export (another tenant, subscription and deployer): nothing changes inside the window, real key ids", () => {
    const run = runs.fixtureSame;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.deepStrictEqual(
      report.resources.filter((r) => r.op !== "same").map((r) => `${r.op} ${r.name}`),
      [],
    );
    assert.deepStrictEqual(
      report.credentials.map((c) => [c.slot, c.step, c.keyId]),
      [
        ["0/2", "same", "5c8e2a9f-4b1d-4f7e-a6c3-0d9b8e2f1a64"],
        ["1/2", "same", "a7d3f1b9-2e6c-4a8d-9f5b-3c1e7a0d6b52"],
      ],
    );
    assert.deepStrictEqual(report.state?.identity, {
      subscriptionId: "6e8d2b41-9f7a-4c3e-a5b1-2d9c8e7f4a60",
      tenantId: "0f3c9a7e-5b21-4d68-9e4a-7c2b8d1f6a35",
      deployerObjectId: "b27e4c19-8d3a-4f6b-9c2e-5a1d7f3e8b04",
    });
    // The report shows the state's ids, not the simulation's stand-ins.
    const tenantSecret = report.resources.find((r) => r.name === "payments-api-secrets-tenant-id");
    assert.strictEqual(
      (tenantSecret?.inputs.properties as Record<string, unknown>).value,
      "0f3c9a7e-5b21-4d68-9e4a-7c2b8d1f6a35",
    );
    assert.ok(report.offlineLimits.some((l) => /come from the state/.test(l)));
    assert.ok(report.notes.some((n) => /3 secret values of the state were not read/.test(n)));
  });

  it("the hand-checked export at the next window: slot 0 replaced, the state's credential deleted", () => {
    const run = runs.fixtureNext;
    assert.strictEqual(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^ {2}payments-api +password +0\/2 +1 +replace +\(new\) .*◀ payments-api-client-secret$/m,
    );
    assert.match(
      run.stdout,
      /^ +└ deletes +5c8e2a9f… +2026-04-10 03:19:34Z +2026-07-30 00:00:00Z$/m,
    );
    assert.match(run.stdout, /^ {2}payments-api +password +1\/2 +0 +same +a7d3f1b9… /m);
    assert.match(
      run.stdout,
      /^ \+- .*payments-api-passwords-slot0 +replace \(displayName, endDate, rotateWhenChanged\)$/m,
    );
    assert.match(
      run.stdout,
      /^State: .*state\.json \(version 3, written 2026-04-10T03:19:42\.318754Z; 13 resources\)/m,
    );
  });

  it("no secret or ciphertext of the state reaches stdout, stderr or --json (encrypted, or exported with --show-secrets)", () => {
    const secrets = [
      ...ciphertexts(devStateText),
      ...ciphertexts(fs.readFileSync(FIXTURE_STATE, "utf8")),
      "Pl4in~text.Secret-Value_0123456789",
    ];
    assert.ok(secrets.length > 20);
    assert.strictEqual(runs.fixtureShowSecrets.code, 0, runs.fixtureShowSecrets.stderr);
    for (const [name, run] of Object.entries(runs)) {
      for (const secret of secrets) {
        assert.ok(!run.stdout.includes(secret), `${name}: stdout`);
        assert.ok(!run.stderr.includes(secret), `${name}: stderr`);
      }
      assert.ok(
        !run.stdout.includes("1b47061264138c4ac30d75fd1eb44270"),
        `${name}: a secret wrapper`,
      );
    }
  });

  it("refuses a state of another stack, a file that is not JSON, and the sign-in report without --state or malformed: one line, exit 2", () => {
    const other = runs.otherStack;
    assert.strictEqual(other.code, 2);
    assert.strictEqual(
      other.stderr.trim(),
      `error: --state ${devState}: the state of stack "dev" of project "app-credentials" (its URNs), not of stack "gate" of project "app-credentials" previewed here: export that stack's state (pulumi stack export --stack <org>/app-credentials/gate --file FILE)`,
    );
    const notJson = json<FailureReport>(runs.notJson);
    assert.strictEqual(runs.notJson.code, 2);
    assert.deepStrictEqual(notJson.error, {
      kind: "usage",
      message: `--state ${path.join(tmp, "garbage.json")}: not JSON`,
    });
    assert.strictEqual(runs.activityWithoutState.code, 2);
    assert.match(runs.activityWithoutState.stderr, /^error: --credential-activity needs --state: /);
    assert.strictEqual(runs.badActivity.code, 2);
    assert.match(
      runs.badActivity.stderr,
      /^error: --credential-activity .*bad-activity\.json: \$\.value\[0\]\.keyId: expected the credential's keyId, got number 7\n$/,
    );
  });
});
