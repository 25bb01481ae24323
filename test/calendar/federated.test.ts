/**
 * Federated apps in the rotation calendar: an app with `credential: federated` holds no rotating
 * credential, so nothing is created, switched, deleted or expires, and its consumers (who sign in
 * with their own platform's token) hold nothing: invariant 7 does not apply. An app in migration
 * (`federation` beside its password) rotates as before. The apps are built by the configuration's
 * own parser, simulated daily over 5 years, and shown as "federated: nothing expires" in the report
 * and the chart.
 */
import { strict as assert } from "assert";
import { Duration } from "luxon";
import { parseStackConfig, RawStackConfig } from "../../components/config";
import { calendarSpec, FEDERATED_MARK, renderSvg } from "../../tools/calendar/chart";
import { simulate } from "../../tools/calendar/simulate";
import {
  credentialKinds,
  FEDERATED_RESULT,
  formatReport,
  reportedViolations,
  summarize,
} from "../../tools/calendar/summary";
import { ms } from "./helpers";

const FROM_MS = ms("2026-11-21T00:00:00Z");
const MI = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

const RAW: RawStackConfig = {
  keyVault: { existing: { resourceGroupName: "rg-test", name: "kv-calendar-test" } },
  rotation: { anchor: "2025-01-01T00:00:00Z", period: "P180D", grace: "P30D", slots: 2 },
  rotationTrigger: "0",
  apps: [
    {
      name: "deployer",
      displayName: "Deployer",
      credential: "federated",
      federation: [
        { githubActions: { repository: "contoso/infra", environment: "prod" } },
        { managedIdentity: { principalId: MI } },
      ],
      consumers: [{ name: "pipeline", kind: "custom", principalId: MI, refresh: "P400D" }],
    },
    {
      name: "orders-api",
      displayName: "Orders API",
      federation: [{ managedIdentity: { principalId: MI } }],
      consumers: [{ name: "web", kind: "appService", principalId: MI }],
    },
  ],
};

describe("calendar: federated apps", () => {
  const apps = parseStackConfig(RAW, FROM_MS).apps;
  const simulation = simulate(apps, { fromMs: FROM_MS, years: 5, every: Duration.fromISO("P1D") });
  const [federated, migrating] = simulation.apps;

  it("the configuration gives one federated app and one in migration", () => {
    assert.deepEqual(
      apps.map((a) => [a.name, a.credential, a.federation.length]),
      [
        ["deployer", "federated", 2],
        ["orders-api", "password", 1],
      ],
    );
    assert.ok(simulation.deploymentsMs.length > 1800, "5 years of daily deployments");
  });

  it("every invariant holds for both over 5 years of daily deployments", () => {
    assert.deepEqual(reportedViolations(simulation), []);
    for (const app of simulation.apps) assert.deepEqual(app.violations, [], app.app);
  });

  it("a federated app never expires: no credential, no switch, no rotation; its consumers hold nothing", () => {
    assert.equal(federated.federated, true);
    assert.deepEqual(federated.credentials, []);
    assert.deepEqual(federated.switches, []);
    assert.deepEqual(federated.rotations, []);
    assert.deepEqual(
      federated.consumers.map((c) => [c.name, c.holds, c.violations, c.shortestMarginMs]),
      // A refresh longer than any rotation window would break invariant 7 on a rotating app.
      [["pipeline", [], [], undefined]],
    );
  });

  it("an app in migration rotates as before, its consumer holding the credential Key Vault left", () => {
    assert.equal(migrating.federated, false);
    assert.ok(migrating.credentials.length >= 10, `${migrating.credentials.length} passwords`);
    assert.ok(migrating.rotations.length >= 9);
    assert.ok(migrating.switches.length >= 10);
    const [web] = migrating.consumers;
    assert.ok(web.holds.length >= 10);
    assert.ok((web.shortestMarginMs ?? -1) > 0);
    // The same as the app without federation: federation entries change nothing of the rotation.
    const plain = parseStackConfig(
      {
        ...RAW,
        apps: [{ ...(RAW.apps as Record<string, unknown>[])[1], federation: undefined }],
      },
      FROM_MS,
    ).apps;
    const alone = simulate(plain, { fromMs: FROM_MS, years: 5, every: Duration.fromISO("P1D") });
    assert.deepEqual(alone.apps[0].credentials, migrating.credentials);
  });

  it("the report shows the federated app as nothing expiring", () => {
    const kinds = credentialKinds(apps);
    const [deployer, orders] = summarize(simulation, kinds);
    assert.deepEqual(
      [deployer.federated, deployer.kind, deployer.rotations, deployer.credentials],
      [true, "federated", 0, 0],
    );
    assert.equal(orders.federated, false);
    const report = formatReport(simulation, "federated", { credentialKinds: kinds });
    const line = report.split("\n").find((l) => l.includes("deployer") && l.includes("federated"));
    assert.match(
      line ?? "",
      /deployer\s+│\s+federated\s+│\s+-\s+│\s+-\s+│\s+0\s+│\s+0\s+│.*federated: nothing expires/,
    );
    assert.match(report, /pipeline .*federated: nothing expires \(no rotating credential\)/);
    assert.match(report, /orders-api\s+│\s+password\s+│\s+2\s+│ P180D \/ P30D .*│ ok/);
    assert.match(report, /Federated apps \(credential: federated\) hold no secret or certificate/);
    assert.match(report, /All invariants hold\./);
    assert.ok(report.includes(FEDERATED_RESULT));
  });

  it("the chart says so in the app's lane and its consumers', with no bar", async () => {
    const spec = JSON.stringify(calendarSpec(simulation, { stack: "federated" }));
    assert.ok(spec.includes(`"name":"${FEDERATED_MARK}_0"`));
    assert.ok(!spec.includes(`"name":"${FEDERATED_MARK}_1"`), "the app in migration has slots");
    const svg = await renderSvg(simulation, { stack: "federated" });
    assert.match(
      svg,
      /deployer — federated: nothing expires: no secret, no certificate, nothing rotates — ok/,
    );
    assert.match(svg, />federated: nothing expires</);
    assert.match(svg, />holds no rotating credential \(federated\)</);
  });
});
