/**
 * `npm run calendar --tenant FILE`: the tenant's app management policies refuse, before anything
 * is simulated, the apps whose rotation schedule they would refuse (a blocked credential type, or a
 * lifetime the schedule can exceed), naming the cap, the schedule's longest lifetime and the
 * setting to change, as the simulated Graph does in `npm start` (exit 1, as for a broken
 * invariant); the other apps are simulated. Fixtures: test/fixtures/tenant-policies/ (the dev
 * stack's objects).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/calendar/cli";
import { tenantPolicyRefusals } from "../../tools/offline";
import { parseTenantSnapshot } from "../../tools/offline/simulator/tenant";
import { ms, ROOT, stackApps } from "./helpers";

const FIXTURES = path.join(ROOT, "test", "fixtures", "tenant-policies");
const FROM = "2026-08-01T00:00:00Z";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process (the program is not run: --no-churn-check). */
async function calendar(...args: string[]): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const { APP_CREDENTIALS_NOW: _ignored, ...env } = process.env;
  void _ignored;
  const code = await main(
    ["--from", FROM, "--years", "1", "--no-churn-check", ...args],
    Date.now(),
    env,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stdout, stderr };
}

/** The apps named by `calendar: <app>: the tenant …` lines. */
const refused = (stderr: string) =>
  [...stderr.matchAll(/^calendar: ([\w-]+): the tenant /gm)].map((m) => m[1]);

/** The apps of the summary table (the first table; a consumer table may follow). */
const simulated = (stdout: string) =>
  [...(stdout.split("└")[0] ?? "").matchAll(/^│ ([\w-]+) +│/gm)]
    .map((m) => m[1])
    .filter((app) => app !== "app");

describe("calendar --tenant: the tenant's app management policies", function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "calendar-tenant-"))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("a default policy capping passwords at P90D refuses every password app whose schedule exceeds it, before simulating (exit 1)", async () => {
    const run = await calendar("--tenant", path.join(FIXTURES, "default-p90d.json"));
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(refused(run.stderr), [
      "orders-api",
      "consumer-portal",
      "billing-worker",
      "crm-connector",
      "legacy-portal",
    ]);
    assert.match(
      run.stderr,
      /^calendar: billing-worker: the tenant caps passwords at P90D \(default app management policy, applicationRestrictions: passwordLifetime\); this schedule's passwords live up to 120 days \(period \+ grace = P90D \+ P30D\); set rotation\.period and grace so that period \+ grace ≤ P90D, or rotation\.maxLifetime: P90D \(Graph would refuse each such password with 400 CredentialInvalidLifetimeAsPerAppPolicy\)$/m,
    );
    assert.match(
      run.stderr,
      /^calendar: crm-connector: .*servicePrincipalRestrictions: passwordLifetime/m,
    );
    assert.match(
      run.stdout,
      /^Not simulated: the app management policies of --tenant .*default-p90d\.json refuse the credentials of orders-api, consumer-portal, billing-worker, crm-connector, legacy-portal \(see stderr\)\.$/m,
    );
    // The certificate apps (batch-signer's program-generated certificates, token-signer's Key
    // Vault certificate) hold no password: a passwordLifetime does not refuse them. The federated
    // app holds no password or certificate: no policy refuses it.
    assert.deepEqual(simulated(run.stdout), ["batch-signer", "token-signer", "deploy-pipeline"]);
  });

  it("per-app policies and dates: the same apps as the simulated Graph refuses in npm start", async () => {
    const run = await calendar("--tenant", path.join(FIXTURES, "per-app.json"));
    assert.equal(run.code, 1, run.stderr);
    // token-signer's Key Vault certificate credentials are key credentials on batch-signer's
    // P180D/P30D two-slot schedule: asymmetricKeyLifetime P90D refuses both apps.
    assert.deepEqual(refused(run.stderr), [
      "orders-api",
      "consumer-portal",
      "batch-signer",
      "token-signer",
    ]);
    for (const app of ["batch-signer", "token-signer"])
      assert.match(
        run.stderr,
        new RegExp(
          `^calendar: ${app}: the tenant caps certificates at P90D \\(default app management policy, applicationRestrictions: asymmetricKeyLifetime\\); this schedule's certificates live up to 390 days`,
          "m",
        ),
      );
    assert.deepEqual(simulated(run.stdout), [
      "billing-worker",
      "crm-connector",
      "legacy-portal",
      "deploy-pipeline",
    ]);
  });

  it("a default policy that is not enabled refuses nothing (exit 0)", async () => {
    const run = await calendar("--tenant", path.join(FIXTURES, "disabled.json"));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.doesNotMatch(run.stdout, /Not simulated/);
    // Every app of the dev stack, in its order (deploy-pipeline and token-signer included).
    assert.deepEqual(simulated(run.stdout), [
      "orders-api",
      "consumer-portal",
      "billing-worker",
      "crm-connector",
      "batch-signer",
      "token-signer",
      "legacy-portal",
      "deploy-pipeline",
    ]);
  });

  it("a blocked password type refuses the app whatever its schedule; the tenant's values are neutralised", async () => {
    const run = await calendar("--tenant", path.join(FIXTURES, "blocked.json"));
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(refused(run.stderr), [
      "orders-api",
      "consumer-portal",
      "billing-worker",
      "crm-connector",
    ]);
    assert.match(
      run.stderr,
      /^calendar: crm-connector: the tenant blocks new passwords \(app management policy "No secrets.*\(f1000003-0000-4000-8000-000000000000\): passwordAddition\); rotate certificates instead .*\(Graph would refuse each such password with 400 CredentialTypeNotAllowedAsPerAppPolicy\)$/m,
    );
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(run.stderr, /[\u0007\u001b\u202e]/);
  });

  it("a --tenant file Graph would not have written exits 2 with one line naming the file and the path", async () => {
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ defaultAppManagementPolicy: { isEnabled: "yes" } }));
    const run = await calendar("--tenant", bad);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `calendar: --tenant: ${bad}: defaultAppManagementPolicy.isEnabled: expected true or false, got "yes"\n`,
    );
    const missing = await calendar("--tenant", path.join(tmp, "missing.json"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^calendar: --tenant: .*missing\.json: cannot be read/);
  });

  it("tenantPolicyRefusals: apps that rotate nothing are never refused; a file without policies refuses nothing", () => {
    const apps = stackApps(ROOT, "dev", ms(FROM));
    const snapshot = parseTenantSnapshot(
      JSON.parse(fs.readFileSync(path.join(FIXTURES, "default-p90d.json"), "utf8")),
      "default-p90d.json",
    );
    const federated = apps.map((app) => ({ ...app, credential: "federated" as const }));
    assert.deepEqual(tenantPolicyRefusals(federated, snapshot, ms(FROM)), []);
    const { appManagementPolicies: _policies, ...withoutPolicies } = snapshot;
    void _policies;
    assert.deepEqual(tenantPolicyRefusals(apps, withoutPolicies, ms(FROM)), []);
  });
});
