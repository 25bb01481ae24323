/**
 * What a first real `pulumi up` would meet, modelled by the simulated Azure (tools/offline/simulator, each
 * rule with its source) and respected by the program: ownership under Application.ReadWrite.OwnedBy,
 * personal-account audiences, whole-second dates, missing objects, Key Vault soft delete, locked
 * service principals, and one instant per deployment.
 */
import * as assert from "assert";
import { install } from "@sinonjs/fake-timers";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import {
  deploy,
  planDeployment,
  skippedByFailures,
} from "../../tools/offline/simulator/deployment";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { parseTenantSnapshot } from "../../tools/offline/simulator/tenant";
import { SIMULATED_DEPLOYER_OBJECT_ID, SimulatedWorld } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";

const IN_WINDOW_3 = Date.parse("2026-11-21T09:00:00Z");
const LATER_IN_WINDOW_3 = Date.parse("2026-12-21T23:59:00Z");
const CRM_SP = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
const LEGACY_APP = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
const CRM_APP_ID = "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";

const apps = () => SAMPLE_CONFIG.apps as Record<string, unknown>[];
const withApps = (list: Record<string, unknown>[]): RawStackConfig => ({
  ...SAMPLE_CONFIG,
  apps: list,
});

describe("real Azure rules the program respects (simulated)", () => {
  it("1. the deploying identity owns every application and service principal it creates, so OwnedBy can add passwords", async () => {
    const run = await runStack(SAMPLE_CONFIG, IN_WINDOW_3, { deployer: { permission: "OwnedBy" } });
    assert.deepStrictEqual(run.failures, []);
    for (const name of ["orders-api-app", "orders-api-sp"]) {
      assert.deepStrictEqual(
        run.byName(name).inputs.owners,
        ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", SIMULATED_DEPLOYER_OBJECT_ID],
        name,
      );
    }
    // Listed once when the configuration names the deployer already.
    const listed = await runStack(
      withApps([{ name: "self-owned", owners: [SIMULATED_DEPLOYER_OBJECT_ID.toUpperCase()] }]),
      IN_WINDOW_3,
    );
    assert.deepStrictEqual(listed.byName("self-owned-app").inputs.owners, [
      SIMULATED_DEPLOYER_OBJECT_ID.toUpperCase(),
    ]);
  });

  it("1. the simulated Graph refuses a password on an application the OwnedBy deployer does not own", async () => {
    const world = new SimulatedWorld({ deployer: { permission: "OwnedBy" } });
    world.directory.create("application", LEGACY_APP, undefined, ["someone-else"]);
    const run = await runStack(
      withApps([{ name: "legacy-portal", existing: { applicationObjectId: LEGACY_APP } }]),
      IN_WINDOW_3,
      { world },
    );
    assert.deepStrictEqual(
      run.failures.map((f) => [f.name, f.code]),
      [
        ["legacy-portal-passwords-slot0", "Forbidden"],
        ["legacy-portal-passwords-slot1", "Forbidden"],
      ],
    );
    assert.match(run.failures[0].message, /Application\.ReadWrite\.OwnedBy and does not own/);
  });

  it("2. personal-account audiences get api.requestedAccessTokenVersion 2, which the provider requires", async () => {
    const run = await runStack(
      withApps([
        { name: "consumer-app", signInAudience: "AzureADandPersonalMicrosoftAccount" },
        { name: "msa-only", signInAudience: "PersonalMicrosoftAccount" },
        { name: "org-only", signInAudience: "AzureADMyOrg" },
      ]),
      IN_WINDOW_3,
    );
    assert.deepStrictEqual(run.failures, []);
    for (const name of ["consumer-app-app", "msa-only-app"]) {
      assert.deepStrictEqual(run.byName(name).inputs.api, { requestedAccessTokenVersion: 2 }, name);
    }
    assert.strictEqual(run.byName("org-only-app").inputs.api, undefined);
  });

  it("3. dates are whole seconds: a sub-second anchor or grace is refused before anything is declared", () => {
    for (const rotation of [
      { anchor: "2025-01-01T00:00:00.5Z" },
      { grace: "P30DT0.25S", anchor: "2025-01-01T00:00:00Z" },
    ]) {
      assert.throws(
        () => parseStackConfig({ ...SAMPLE_CONFIG, rotation }, IN_WINDOW_3),
        (error: ConfigError) =>
          error instanceof ConfigError &&
          error.problems.some((p) => /whole second/.test(p) && /credential dates/.test(p)),
        JSON.stringify(rotation),
      );
    }
    // A whole second written with a fraction of zeros is a whole second.
    parseStackConfig(
      { ...SAMPLE_CONFIG, rotation: { anchor: "2025-01-01T00:00:00.000Z" } },
      IN_WINDOW_3,
    );
  });

  it("3. two deployments inside one window replace nothing, against the provider's whole-second state", async () => {
    const first = await runStack(SAMPLE_CONFIG, IN_WINDOW_3);
    deploy(first.world, first.registrations, IN_WINDOW_3);
    const second = await runStack(SAMPLE_CONFIG, LATER_IN_WINDOW_3, { world: first.world });
    const steps = planDeployment(second.world, second.registrations);
    assert.deepStrictEqual(
      steps.filter((s) => s.op !== "same" && s.op !== "read"),
      [],
    );
  });

  it("3. the simulated provider replaces a password whose configured date has a fraction of a second", async () => {
    const world = new SimulatedWorld({ successiveDeployments: true });
    const declare = async () => {
      const simulation = simulateAzure({
        project: "p",
        stack: "s",
        world,
        nowMs: () => IN_WINDOW_3,
      });
      const azuread = await import("@pulumi/azuread");
      new azuread.ApplicationPassword("sub-second", {
        applicationId: `/applications/${LEGACY_APP}`,
        endDate: "2027-01-01T00:00:00.500Z",
        rotateWhenChanged: { "rotation-trigger": "0" },
      });
      await simulation.settle();
      return simulation.registrations;
    };
    const first = await declare();
    assert.strictEqual(first[0].outputs.endDate, "2027-01-01T00:00:00Z");
    deploy(world, first, IN_WINDOW_3);
    const steps = planDeployment(world, await declare());
    assert.deepStrictEqual(
      steps.map((s) => [s.name, s.op, s.changed]),
      [["sub-second", "replace", ["endDate"]]],
    );
  });

  it("4. a missing existing object: a failed Read; under pulumi up --continue-on-error only that app's steps are skipped", async () => {
    const tenant = parseTenantSnapshot(
      { applications: [], servicePrincipals: [{ id: CRM_SP, appId: CRM_APP_ID }] },
      "tenant.json",
    );
    const run = await runStack(SAMPLE_CONFIG, IN_WINDOW_3, {
      tenant,
      deployer: { permission: "All" },
    });
    assert.deepStrictEqual(
      run.failures.map((f) => [f.name, f.code]),
      [["legacy-portal-app", "NotFound"]],
    );
    assert.match(run.failures[0].message, new RegExp(`object ID ${LEGACY_APP} was not found`));
    assert.match(run.failures[0].message, /pulumi refresh/);
    // As under `pulumi up --continue-on-error`: what depends on the failed read is skipped.
    const skipped = skippedByFailures(run.registrations);
    const skippedNames = run.registrations
      .filter((r) => skipped.has(r.urn))
      .map((r) => r.name)
      .sort();
    assert.deepStrictEqual(skippedNames, [
      "legacy-portal-app",
      "legacy-portal-passwords-slot0",
      "legacy-portal-passwords-slot1",
      "legacy-portal-secrets-client-id",
      "legacy-portal-secrets-client-secret",
    ]);
    for (const app of ["orders-api", "billing-worker", "crm-connector"]) {
      const declared = run.registrations.filter((r) => r.name.startsWith(`${app}-passwords-slot`));
      assert.ok(declared.length > 0, app);
      assert.ok(
        declared.every((r) => !skipped.has(r.urn)),
        `${app} rotates`,
      );
    }
  });

  it("5. re-adding an app inside the soft-delete retention: recovered with Key Vault Secrets Officer, else 409 with the recovery command", async () => {
    const without = withApps(apps().filter((a) => a.name !== "billing-worker"));
    // Deployer with the data-plane role: the delete soft-deletes, the re-add recovers.
    const officer = new SimulatedWorld({
      keyVaultSecretsOfficer: true,
      deployer: { permission: "All" },
      successiveDeployments: true,
    });
    let run = await runStack(SAMPLE_CONFIG, IN_WINDOW_3, { world: officer });
    deploy(officer, run.registrations, IN_WINDOW_3);
    run = await runStack(without, IN_WINDOW_3, { world: officer });
    assert.deepStrictEqual(deploy(officer, run.registrations, IN_WINDOW_3).failures, []);
    run = await runStack(SAMPLE_CONFIG, LATER_IN_WINDOW_3, { world: officer });
    assert.deepStrictEqual(run.failures, []);

    // Contributor only: the removal's data-plane delete is refused (403).
    const contributor = new SimulatedWorld({
      deployer: { permission: "All" },
      successiveDeployments: true,
    });
    run = await runStack(SAMPLE_CONFIG, IN_WINDOW_3, { world: contributor });
    deploy(contributor, run.registrations, IN_WINDOW_3);
    run = await runStack(without, IN_WINDOW_3, { world: contributor });
    const refused = deploy(contributor, run.registrations, IN_WINDOW_3).failures;
    assert.deepStrictEqual(refused.map((f) => [f.name, f.code]).sort(), [
      ["billing-worker-secrets-client-id", "Forbidden"],
      ["billing-worker-secrets-client-secret", "Forbidden"],
      ["billing-worker-secrets-tenant-id", "Forbidden"],
    ]);
    assert.match(refused[0].message, /Key Vault Secrets Officer/);

    // A soft-deleted name and no data-plane role: the re-added secret is refused with the command.
    const deleted = new SimulatedWorld({
      deployer: { permission: "All" },
      successiveDeployments: true,
    });
    const vault = String(run.byName("vault-vault").inputs.vaultName);
    deleted.vaults.delete(vault, "billing-worker-client-secret", IN_WINDOW_3, true, "setup");
    run = await runStack(SAMPLE_CONFIG, LATER_IN_WINDOW_3, { world: deleted });
    assert.deepStrictEqual(
      run.failures.map((f) => [f.name, f.code]),
      [["billing-worker-secrets-client-secret", "Conflict"]],
    );
    assert.match(
      run.failures[0].message,
      new RegExp(
        `az keyvault secret recover --vault-name ${vault} --name billing-worker-client-secret`,
      ),
    );
  });

  it("6. a service principal of another tenant's app: refused under OwnedBy, and when its publisher locked credentials", async () => {
    const crmOnly = withApps(apps().filter((a) => a.name === "crm-connector"));
    const snapshot = (sp: Record<string, unknown>) =>
      parseTenantSnapshot(
        { applications: [], servicePrincipals: [{ id: CRM_SP, appId: CRM_APP_ID, ...sp }] },
        "t.json",
      );
    let run = await runStack(crmOnly, IN_WINDOW_3, {
      tenant: snapshot({}),
      deployer: { permission: "OwnedBy" },
    });
    assert.deepStrictEqual(
      run.failures.map((f) => f.code),
      ["Forbidden", "Forbidden"],
    );
    assert.match(run.failures[0].message, /which is not in this tenant/);
    run = await runStack(crmOnly, IN_WINDOW_3, {
      tenant: snapshot({
        servicePrincipalLockConfiguration: { isEnabled: true, credentialsWithUsageVerify: true },
      }),
      deployer: { permission: "All" },
    });
    assert.deepStrictEqual(
      run.failures.map((f) => [f.name, f.code]),
      [
        ["crm-connector-passwords-slot0", "BadRequest"],
        ["crm-connector-passwords-slot1", "BadRequest"],
      ],
    );
    assert.match(run.failures[0].message, /app instance property lock/);
  });

  it("7. APP_CREDENTIALS_NOW is the deployment instant of the program (preview and update agree)", async () => {
    // The clock is an hour before the window 4 boundary (2026-12-22T00:00Z); the job's instant is after it.
    const clock = install({ now: Date.parse("2026-12-21T23:00:00Z"), toFake: ["Date"] });
    const previous = process.env.APP_CREDENTIALS_NOW;
    process.env.APP_CREDENTIALS_NOW = "2026-12-22T01:00:00Z";
    try {
      const simulation = simulateAzure({
        project: "app-credentials",
        stack: "test",
        config: {
          "app-credentials:keyVault": JSON.stringify(SAMPLE_CONFIG.keyVault),
          "app-credentials:rotation": JSON.stringify(SAMPLE_CONFIG.rotation),
          "app-credentials:apps": JSON.stringify([{ name: "orders-api" }]),
        },
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const program = require("../../index") as () => Promise<unknown>;
      await program();
      await simulation.settle();
      const slot0 = simulation.registrations.find((r) => r.name === "orders-api-passwords-slot0");
      assert.strictEqual(
        (slot0?.inputs.rotateWhenChanged as Record<string, string>)["rotation-window"],
        "2025-01-01T00:00:00Z/P180D#2",
        "window 4: slot 0 is in generation 2",
      );
    } finally {
      clock.uninstall();
      if (previous === undefined) delete process.env.APP_CREDENTIALS_NOW;
      else process.env.APP_CREDENTIALS_NOW = previous;
    }
  });
});
