import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../components/config";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { runStack, SAMPLE_CONFIG, StackRun } from "../support/runStack";

const ms = (iso: string) => Date.parse(iso);
/** Window 3 of the sample (anchor 2025-01-01, P180D) runs from 2026-06-25 to 2026-12-22. */
const IN_WINDOW_3 = ms("2026-11-21T09:00:00Z");
const LATER_IN_WINDOW_3 = ms("2026-12-21T23:59:00Z");
const WINDOW_4 = ms("2026-12-22T00:00:00Z");

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const SECRET = "azure-native:keyvault:Secret";

function passwordsOf(run: StackRun) {
  return run.registrations.filter((r) => r.type === PASSWORD || r.type === SP_PASSWORD);
}

describe("stack components under the mock runtime", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(SAMPLE_CONFIG, IN_WINDOW_3);
  });

  it("declares the vault, each app's registration, passwords and Key Vault secrets, parented and named from the component", () => {
    const shape = run.registrations
      .map((r) => `${r.type} ${r.name} <- ${r.parent ? r.parent.split("::").pop() : "(stack)"}`)
      .sort();
    const expected = [
      "app-credentials:index:CredentialVault vault <- (stack)",
      "random:index/randomString:RandomString vault-suffix <- vault",
      "azure-native:keyvault:Vault vault-vault <- vault",
    ];
    for (const app of ["orders-api", "billing-worker", "crm-connector", "legacy-portal"]) {
      expected.push(
        `app-credentials:index:AppCredential ${app} <- (stack)`,
        `app-credentials:entra:RotatingPasswords ${app}-passwords <- ${app}`,
        `app-credentials:keyvault:AppCredentialSecrets ${app}-secrets <- ${app}`,
        `${SECRET} ${app}-secrets-client-id <- ${app}-secrets`,
        `${SECRET} ${app}-secrets-tenant-id <- ${app}-secrets`,
        `${SECRET} ${app}-secrets-client-secret <- ${app}-secrets`,
      );
    }
    for (const app of ["orders-api", "billing-worker"]) {
      expected.push(
        `azuread:index/application:Application ${app}-app <- ${app}`,
        `azuread:index/servicePrincipal:ServicePrincipal ${app}-sp <- ${app}`,
      );
    }
    // Existing objects are read as resources (a failed read fails only that app).
    expected.push(
      `azuread:index/application:Application legacy-portal-app <- legacy-portal`,
      `azuread:index/servicePrincipal:ServicePrincipal crm-connector-sp <- crm-connector`,
    );
    expected.push(
      `${PASSWORD} orders-api-passwords-slot0 <- orders-api-passwords`,
      `${PASSWORD} orders-api-passwords-slot1 <- orders-api-passwords`,
      `${PASSWORD} billing-worker-passwords-slot0 <- billing-worker-passwords`,
      `${SP_PASSWORD} crm-connector-passwords-slot0 <- crm-connector-passwords`,
      `${SP_PASSWORD} crm-connector-passwords-slot1 <- crm-connector-passwords`,
      `${PASSWORD} legacy-portal-passwords-slot0 <- legacy-portal-passwords`,
      `${PASSWORD} legacy-portal-passwords-slot1 <- legacy-portal-passwords`,
    );
    assert.deepStrictEqual(shape, expected.sort());
  });

  it("gives each password a stable endDate and the schedule in rotateWhenChanged, never endDateRelative", () => {
    const slot0 = run.byName("orders-api-passwords-slot0").inputs;
    const slot1 = run.byName("orders-api-passwords-slot1").inputs;
    // Window 3: slot 0 has generation 1 (issued in window 2), slot 1 generation 1 (window 3, active).
    assert.deepStrictEqual(slot0.rotateWhenChanged, {
      "rotation-window": "2025-01-01T00:00:00Z/P180D#1",
      "rotation-slot": "0/2",
      "rotation-trigger": "0",
    });
    assert.strictEqual(slot0.endDate, "2027-01-21T00:00:00Z"); // anchor + 4·180 days + 30 days
    assert.strictEqual(slot1.endDate, "2027-07-20T00:00:00Z"); // anchor + 5·180 days + 30 days
    assert.strictEqual(slot0.endDateRelative, undefined);
    assert.strictEqual(slot0.startDate, undefined);
    const crm = run.byName("crm-connector-passwords-slot0").inputs;
    assert.match(
      String(crm.servicePrincipalId),
      /^\/servicePrincipals\/8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d$/,
    );
    assert.match(
      String(run.byName("legacy-portal-passwords-slot0").inputs.applicationId),
      /^\/applications\/1c2d3e4f-/,
    );
  });

  it("writes the active slot to <app>-client-secret with expires in seconds and the password's tags", () => {
    const secret = run.byName("orders-api-secrets-client-secret");
    const properties = secret.inputs.properties as Record<string, unknown>;
    assert.strictEqual(secret.inputs.secretName, "orders-api-client-secret");
    assert.strictEqual(properties.value, "[secret]");
    assert.deepStrictEqual(secret.secretInputs, ["properties.value"]);
    assert.deepStrictEqual(properties.attributes, {
      enabled: true,
      expires: ms("2027-07-20T00:00:00Z") / 1000,
    });
    assert.strictEqual(properties.contentType, "text/plain; entra-client-secret");
    const tags = secret.inputs.tags as Record<string, string>;
    assert.strictEqual(tags.slot, "1");
    assert.strictEqual(tags.generation, "1");
    assert.strictEqual(tags.endDate, "2027-07-20T00:00:00Z");
    assert.strictEqual(tags.keyId, run.byName("orders-api-passwords-slot1").outputs.keyId);
    assert.deepStrictEqual(secret.propertyDependencies.properties, [
      run.byName("orders-api-passwords-slot1").urn,
    ]);
    for (const suffix of ["client-id", "tenant-id"]) {
      const attributes = (
        run.byName(`orders-api-secrets-${suffix}`).inputs.properties as Record<string, unknown>
      ).attributes;
      assert.deepStrictEqual(
        attributes,
        { enabled: true, expires: ms("2027-07-20T00:00:00Z") / 1000 },
        suffix,
      );
    }
  });

  it("creates the vault with RBAC authorization, soft delete, purge protection and a random suffix", () => {
    const vault = run.byName("vault-vault");
    const properties = vault.inputs.properties as Record<string, unknown>;
    assert.strictEqual(properties.enableRbacAuthorization, true);
    assert.strictEqual(properties.enableSoftDelete, true);
    assert.strictEqual(properties.enablePurgeProtection, true);
    assert.match(String(vault.inputs.vaultName), /^appcred-[a-z0-9]{6}$/);
    assert.deepStrictEqual(vault.propertyDependencies.vaultName, [run.byName("vault-suffix").urn]);
  });

  it("keeps every input identical for two instants in one window", async () => {
    const later = await runStack(SAMPLE_CONFIG, LATER_IN_WINDOW_3);
    const inputs = (r: StackRun) => r.registrations.map((x) => [x.urn, x.inputs]).sort();
    assert.deepStrictEqual(inputs(later), inputs(run));
  });

  it("at the next boundary replaces only the due slot, and Key Vault moves to it", async () => {
    const next = await runStack(SAMPLE_CONFIG, WINDOW_4);
    const before = run.byName("orders-api-passwords-slot0").inputs;
    const after = next.byName("orders-api-passwords-slot0").inputs;
    assert.notDeepStrictEqual(after.rotateWhenChanged, before.rotateWhenChanged);
    assert.strictEqual(after.endDate, "2028-01-16T00:00:00Z"); // anchor + 6·180 days + 30 days
    assert.deepStrictEqual(
      next.byName("orders-api-passwords-slot1").inputs,
      run.byName("orders-api-passwords-slot1").inputs,
      "slot 1 is not due",
    );
    const tags = next.byName("orders-api-secrets-client-secret").inputs.tags as Record<
      string,
      string
    >;
    assert.strictEqual(tags.slot, "0");
    assert.strictEqual(tags.endDate, "2028-01-16T00:00:00Z");
    assert.deepStrictEqual(
      next.byName("orders-api-secrets-client-secret").propertyDependencies.properties,
      [next.byName("orders-api-passwords-slot0").urn],
    );
  });

  it("advancing the trigger replaces every password of the stack with unchanged end dates", async () => {
    const rotated = await runStack(
      { ...SAMPLE_CONFIG, rotationTrigger: "2026-11-21-leak" },
      IN_WINDOW_3,
    );
    const before = passwordsOf(run);
    const after = passwordsOf(rotated);
    assert.strictEqual(after.length, 7);
    for (const password of after) {
      const old = before.find((p) => p.urn === password.urn)!;
      assert.strictEqual(password.inputs.endDate, old.inputs.endDate, password.name);
      assert.notDeepStrictEqual(
        password.inputs.rotateWhenChanged,
        old.inputs.rotateWhenChanged,
        password.name,
      );
      assert.strictEqual(
        (password.inputs.rotateWhenChanged as Record<string, string>)["rotation-trigger"],
        "2026-11-21-leak",
      );
      assert.notStrictEqual(
        password.outputs.keyId,
        old.outputs.keyId,
        `${password.name} gets a new keyId`,
      );
    }
  });

  it("a per-app trigger rotates that app only", async () => {
    const apps = (SAMPLE_CONFIG.apps as Record<string, unknown>[]).map((a) =>
      a.name === "crm-connector" ? { ...a, rotationTrigger: "1" } : a,
    );
    const rotated = await runStack({ ...SAMPLE_CONFIG, apps }, IN_WINDOW_3);
    for (const password of passwordsOf(rotated)) {
      const unchanged =
        JSON.stringify(password.inputs) === JSON.stringify(run.byName(password.name).inputs);
      assert.strictEqual(unchanged, !password.name.startsWith("crm-connector"), password.name);
    }
  });

  it("keeps every secret output secret and exports no secret value", async () => {
    const simulation = simulateAzure({
      project: "app-credentials",
      stack: "test",
      nowMs: () => IN_WINDOW_3,
    });
    const { AppCredential, appResourcesOf } = await import("../../components/appCredential");
    const { setRunDeploymentInstant } = await import("../../components/instant");
    const { parseStackConfig } = await import("../../components/config");
    const config = parseStackConfig(SAMPLE_CONFIG, IN_WINDOW_3);
    setRunDeploymentInstant(IN_WINDOW_3);
    const component = new AppCredential("secret-check", {
      ...config.apps[0].args,
      keyVault: { resourceGroupName: "rg", vaultName: "kv-test" },
    });
    const credential = appResourcesOf(component);
    for (const password of credential.credentials!.credentials) {
      assert.strictEqual(
        await pulumi.isSecret(password.secretValue!),
        true,
        `slot ${password.slot} value`,
      );
    }
    assert.strictEqual(await pulumi.isSecret(credential.credentials!.active.secretValue!), true);
    await simulation.settle();
    // Stack outputs: nothing secret, and no simulated password value anywhere.
    const outputs = await new Promise<unknown>((resolve) =>
      pulumi.output(run.outputs).apply(resolve),
    );
    assert.doesNotMatch(JSON.stringify(outputs), /sim~/);
    assert.strictEqual(await pulumi.isSecret(pulumi.output(run.outputs.apps["orders-api"])), false);
    assert.deepStrictEqual(
      Object.keys((outputs as { apps: Record<string, object> }).apps["orders-api"]).sort(),
      [
        "activeEndDate",
        "activeKeyId",
        "applicationObjectId",
        "clientId",
        "clientSecretUri",
        "consumers",
        "keyVaultSecretIds",
        "nextRotation",
        "secretUris",
        "servicePrincipalObjectId",
      ],
    );
  });

  it("stops on invalid configuration before declaring any resource", async () => {
    const simulation = simulateAzure({
      project: "app-credentials",
      stack: "test",
      config: {
        "app-credentials:keyVault": JSON.stringify(SAMPLE_CONFIG.keyVault),
        "app-credentials:apps": JSON.stringify([{ name: "x", rotation: { period: "P400D" } }]),
      },
    });
    // The program's entry point, as the Pulumi host runs it: the exported async function.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../index") as () => Promise<unknown>;
    await assert.rejects(program(), ConfigError);
    await simulation.settle();
    assert.deepStrictEqual(simulation.registrations, []);
  });
});
