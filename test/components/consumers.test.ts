/**
 * Consumers: the config that declares them (per-kind refresh defaults, refusals by name, the
 * overlap rule), the role assignments the stack grants them (one per secret, scoped to the secret),
 * the references they paste, and the preview's exit status for a consumer slower than the overlap.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import {
  ConfigError,
  parseStackConfig,
  RawStackConfig,
  rawConfigFromValues,
} from "../../components/config";
import { KEY_VAULT_SECRETS_USER, roleAssignmentName } from "../../components/roleAssignments";
import { main } from "../../tools/preview/cli";
import { SimulatedWorld } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG, StackRun } from "../support/runStack";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SECRET = "azure-native:keyvault:Secret";
const WEB = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
const SYNC = "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b";
const JOB = "8a7f6e5d-4c3b-4a2f-9e1d-0c9b8a7f6e5d";

/** The sample stack with consumers on orders-api. */
function withConsumers(consumers: unknown, rotation?: unknown): RawStackConfig {
  const apps = SAMPLE_CONFIG.apps as Record<string, unknown>[];
  return {
    ...SAMPLE_CONFIG,
    apps: [{ ...apps[0], consumers, ...(rotation ? { rotation } : {}) }, ...apps.slice(1)],
  };
}

function problemsOf(raw: RawStackConfig): string[] {
  try {
    parseStackConfig(raw, NOW);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

describe("consumers in config", () => {
  it("defaults refresh per kind from each platform's documentation; custom keeps its own", () => {
    const config = parseStackConfig(
      withConsumers([
        { name: "web", kind: "appService", principalId: WEB },
        { name: "aca", kind: "containerApp", principalId: SYNC },
        { name: "aks", kind: "aksSecretsStoreCsi", principalId: JOB },
        { name: "job", kind: "custom", principalId: JOB.toUpperCase(), refresh: "PT6H" },
      ]),
      NOW,
    );
    const consumers = config.apps[0].consumers;
    assert.deepStrictEqual(
      consumers.map((c) => [c.name, c.refresh, c.refreshIsDefault]),
      [
        ["web", "PT24H", true],
        ["aca", "PT30M", true],
        ["aks", "PT2M", true],
        ["job", "PT6H", false],
      ],
    );
    assert.strictEqual(consumers[3].principalId, JOB, "object ids are compared lower-case");
    assert.deepStrictEqual(config.apps[1].consumers, [], "no consumers: none declared");
  });

  it("refuses unknown keys, bad kinds, bad ids and durations, a custom consumer without refresh, and duplicate names, each by field", () => {
    const problems = problemsOf(
      withConsumers([
        { name: "web", kind: "appservice", principalId: WEB },
        { name: "aks", kind: "aksSecretsStoreCsi", principalId: "not-a-guid", refesh: "PT5M" },
        { name: "job", kind: "custom", principalId: JOB },
        { name: "api", kind: "custom", principalId: JOB, refresh: "every hour" },
        { name: "API", kind: "appService", principalId: WEB },
        { name: "api", kind: "appService", principalId: WEB, refresh: "PT0S" },
      ]),
    );
    const at = (i: number, field: string) => `app-credentials:apps[0].consumers[${i}].${field}`;
    const expectations: [string, RegExp][] = [
      [
        at(0, "kind"),
        /"appservice" is invalid; expected one of appService, containerApp, aksSecretsStoreCsi, custom/,
      ],
      [at(1, "refesh"), /unknown field; allowed here: name, kind, principalId, refresh/],
      [at(1, "principalId"), /"not-a-guid" is invalid; expected the object id \(a GUID\)/],
      [at(2, "refresh"), /\(missing\) is invalid; a custom consumer needs its refresh/],
      [at(3, "refresh"), /"every hour" is invalid; expected a positive ISO 8601 duration/],
      [
        at(4, "name"),
        /"API" is invalid; consumer names must be unique within the app, ignoring case/,
      ],
      [at(5, "refresh"), /"PT0S" is invalid; expected a positive ISO 8601 duration/],
    ];
    for (const [field, pattern] of expectations) {
      const problem = problems.find((p) => p.startsWith(`${field}:`));
      assert.ok(problem, `no problem for ${field} in:\n${problems.join("\n")}`);
      assert.match(problem, pattern);
    }
  });

  it("refuses a consumer slower than the overlap, naming the app, the consumer, its refresh and the setting", () => {
    const problems = problemsOf(
      withConsumers(
        [
          { name: "web", kind: "appService", principalId: WEB },
          { name: "export", kind: "custom", principalId: JOB, refresh: "P61D" },
        ],
        { period: "P90D", grace: "P30D" },
      ),
    );
    assert.strictEqual(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^app-credentials:apps\[0\]\.consumers\[1\]\.refresh: "P61D" is invalid; app orders-api: consumer export \(custom, refresh P61D\) could hold a credential that no longer works: refresh P61D \+ grace P30D .* is 91 days, longer than the shortest window of period P90D \(90 days\).*Fix: shorten the consumer's refresh to at most 60 days, or lengthen rotation\.period, or shorten rotation\.grace \(consumer-refresh-overlap\)$/,
    );
    // 60 days fits exactly: refresh + grace = the window.
    parseStackConfig(
      withConsumers([{ name: "export", kind: "custom", principalId: JOB, refresh: "P60D" }], {
        period: "P90D",
        grace: "P30D",
      }),
      NOW,
    );
  });

  it("checks month periods against their shortest window (February)", () => {
    const consumer = (refresh: string) =>
      withConsumers([{ name: "export", kind: "custom", principalId: JOB, refresh }], {
        period: "P1M",
        grace: "P7D",
      });
    parseStackConfig(consumer("P21D"), NOW);
    assert.match(problemsOf(consumer("P22D"))[0], /shortest window of period P1M \(28 days\)/);
  });

  it("reads consumers from catalogue files with the same rules, naming the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-consumers-"));
    try {
      fs.writeFileSync(
        path.join(dir, "team.yaml"),
        [
          "apps:",
          "  - name: team-api",
          "    consumers:",
          "      - { name: web, kind: appService, principalId: " + WEB + " }",
          "      - { name: job, kind: cronJob, principalId: " + JOB + " }",
        ].join("\n"),
      );
      const raw = rawConfigFromValues(
        {
          "app-credentials:keyVault": JSON.stringify(SAMPLE_CONFIG.keyVault),
          "app-credentials:appFiles": JSON.stringify(["team.yaml"]),
        },
        dir,
        [],
      );
      const problems = problemsOf(raw);
      assert.deepStrictEqual(problems, [
        'team.yaml: apps[0].consumers[1].kind: "cronJob" is invalid; expected one of appService, containerApp, aksSecretsStoreCsi, custom (appService also covers Azure Functions)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses consumers on a one-slot app: its credential is deleted in the deployment that creates the next", () => {
    const problems = problemsOf(
      withConsumers([{ name: "aks", kind: "aksSecretsStoreCsi", principalId: SYNC }], {
        slots: 1,
      }),
    );
    assert.match(
      problems[0],
      /^app-credentials:apps\[0\]\.rotation\.slots: 1 is invalid; app orders-api: consumer aks \(aksSecretsStoreCsi, refresh PT2M\).*Fix: set rotation\.slots: 2/,
    );
  });
});

describe("consumers on an existing vault", () => {
  const existing = (vaults: { name: string; enableRbacAuthorization: boolean }[]) =>
    runStack(
      {
        ...withConsumers([{ name: "web", kind: "appService", principalId: WEB }]),
        keyVault: { existing: { resourceGroupName: "rg-creds", name: "kv-creds" } },
      },
      NOW,
      { world: new SimulatedWorld({ vaults, successiveDeployments: true }) },
    );

  it("refuses a vault that uses access policies before any resource, naming the vault and the fix", async () => {
    await assert.rejects(
      existing([{ name: "kv-creds", enableRbacAuthorization: false }]),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(
          error.problems[0],
          /^app-credentials:keyVault\.existing\.name: "kv-creds" uses access policies .* consumers of orders-api .*--enable-rbac-authorization true/,
        );
        return true;
      },
    );
  });

  it("grants per-secret roles on a vault that uses Azure RBAC", async () => {
    const run = await existing([{ name: "kv-creds", enableRbacAuthorization: true }]);
    assert.strictEqual(run.registrations.filter((r) => r.type === ROLE_ASSIGNMENT).length, 3);
    assert.deepStrictEqual(run.failures, []);
  });
});

describe("consumers in the stack", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(
      withConsumers([
        { name: "web", kind: "appService", principalId: WEB },
        { name: "sync", kind: "aksSecretsStoreCsi", principalId: SYNC },
      ]),
      NOW,
    );
  });

  it("grants Key Vault Secrets User to each consumer on exactly its app's three secrets, scoped to each secret", () => {
    const assignments = run.registrations.filter((r) => r.type === ROLE_ASSIGNMENT);
    assert.strictEqual(assignments.length, 6, "2 consumers × 3 secrets");
    const secretIds = new Map(
      run.registrations
        .filter((r) => r.type === SECRET)
        .map((r) => [String(r.outputs.id ?? r.id), String(r.inputs.secretName)]),
    );
    const granted = assignments.map((a) => {
      const scope = String(a.inputs.scope);
      assert.match(scope, /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/secrets\/orders-api-/);
      assert.ok(secretIds.has(scope) || [...secretIds.keys()].some((id) => id === scope));
      assert.strictEqual(a.inputs.principalType, "ServicePrincipal");
      assert.match(
        String(a.inputs.roleDefinitionId),
        new RegExp(
          `^/subscriptions/[^/]+/providers/Microsoft\\.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}$`,
        ),
      );
      assert.strictEqual(
        a.inputs.roleAssignmentName,
        roleAssignmentName(scope, String(a.inputs.principalId), KEY_VAULT_SECRETS_USER),
      );
      return `${a.inputs.principalId} ${scope.split("/").pop()}`;
    });
    assert.deepStrictEqual(
      granted.sort(),
      [
        `${WEB} orders-api-client-id`,
        `${WEB} orders-api-client-secret`,
        `${WEB} orders-api-tenant-id`,
        `${SYNC} orders-api-client-id`,
        `${SYNC} orders-api-client-secret`,
        `${SYNC} orders-api-tenant-id`,
      ].sort(),
    );
    assert.deepStrictEqual(run.failures, []);
  });

  it("names each assignment by (scope, principal, role): the same every run, different per grant", () => {
    const names = run.registrations
      .filter((r) => r.type === ROLE_ASSIGNMENT)
      .map((r) => String(r.inputs.roleAssignmentName));
    assert.strictEqual(new Set(names).size, names.length);
    for (const name of names) {
      assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.strictEqual(
      roleAssignmentName("/S/x", WEB, KEY_VAULT_SECRETS_USER),
      roleAssignmentName("/s/X", WEB.toUpperCase(), KEY_VAULT_SECRETS_USER),
    );
  });

  it("tags the credential's secret with the slowest consumer's refresh and the active slot's schedule", () => {
    const secret = run.byName("orders-api-secrets-client-secret");
    const tags = secret.inputs.tags as Record<string, string>;
    assert.strictEqual(tags["consumer-refresh"], "PT24H");
    assert.match(tags["rotation-window"], /^2025-01-01T00:00:00Z\/P180D#\d+$/);
    assert.match(tags["rotation-slot"], /^[01]\/2$/);
    const other = run.byName("billing-worker-secrets-client-secret").inputs.tags as Record<
      string,
      string
    >;
    assert.strictEqual(other["consumer-refresh"], undefined, "no consumers, no tag");
  });

  it("outputs versionless references per consumer kind", async () => {
    const app = run.outputs.apps["orders-api"];
    const uris = await new Promise<Record<string, string>>((resolve) =>
      app.secretUris.apply(resolve),
    );
    assert.deepStrictEqual(Object.keys(uris).sort(), [
      "orders-api-client-id",
      "orders-api-client-secret",
      "orders-api-tenant-id",
    ]);
    for (const uri of Object.values(uris)) {
      assert.match(uri, /^https:\/\/[^/]+\.vault\.azure\.net\/secrets\/orders-api-[a-z-]+$/);
    }
    const [web, sync] = await Promise.all(
      app.consumers.map((c) => new Promise((resolve) => c.reference.apply(resolve))),
    );
    assert.deepStrictEqual(web, {
      kind: "appService",
      appSettings: Object.fromEntries(
        Object.entries(uris).map(([name, uri]) => [name, `@Microsoft.KeyVault(SecretUri=${uri}/)`]),
      ),
    });
    const csi = sync as { kind: string; objects: unknown[]; keyvaultName: string };
    assert.strictEqual(csi.kind, "aksSecretsStoreCsi");
    assert.deepStrictEqual(csi.objects[2], {
      objectName: "orders-api-client-secret",
      objectType: "secret",
      objectVersion: "",
    });
    assert.match(csi.keyvaultName, /^appcred-[a-z0-9]{6}$/);
  });
});

/** This process's environment without APP_CREDENTIALS_NOW (the CLI would use it as the instant). */
function withoutNow(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.APP_CREDENTIALS_NOW;
  return env;
}

describe("the preview of a stack whose consumer is slower than the overlap", () => {
  it("exits 2 naming the app, the consumer, its refresh and the setting, before any resource", async () => {
    const chunks: string[] = [];
    const sink = (into: string[]) =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          into.push(chunk.toString("utf8"));
          callback();
        },
      });
    const out: string[] = [];
    const code = await main(
      ["--dir", "test/fixtures/slow-consumer", "--stack", "slow", "--no-churn-check"],
      { stdout: sink(out), stderr: sink(chunks), env: withoutNow() },
    );
    const stderr = chunks.join("");
    assert.strictEqual(code, 2, stderr);
    assert.match(
      stderr,
      /app-credentials:apps\[0\]\.consumers\[0\]\.refresh: "P70D" is invalid; app reports-api: consumer nightly-export \(custom, refresh P70D\)/,
    );
    assert.match(stderr, /Fix: shorten the consumer's refresh to at most 60 days/);
    assert.strictEqual(out.join(""), "");
  });
});
