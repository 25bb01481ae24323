/**
 * `--state FILE`: reading `pulumi stack export` (tools/offline/stackExport.ts) — the hand-checked
 * fixture test/fixtures/stack-export/state.json in the CLI's format (version 3, Pulumi Cloud
 * secrets provider, encrypted secrets, versioned default providers, the bridge's `__defaults`),
 * one-line errors that never quote a value, secrets never kept — and the simulated world it
 * seeds (tools/offline/stateSeed.ts, simulator/world.ts, simulator/deployment.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  checkStackExportFor,
  exportStackState,
  parseStackExport,
  simulatedUrn,
  StackExportError,
} from "../../tools/offline/stackExport";
import { idTranslation, seedFromState, translateIds } from "../../tools/offline/stateSeed";
import { planDeployment } from "../../tools/offline/simulator/deployment";
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";
import {
  SIMULATED_DEPLOYER_OBJECT_ID,
  SIMULATED_SUBSCRIPTION_ID,
  SIMULATED_TENANT_ID,
  SimulatedWorld,
} from "../../tools/offline/simulator/world";

const FIXTURE = path.join(__dirname, "..", "fixtures", "stack-export", "state.json");
const TEXT = fs.readFileSync(FIXTURE, "utf8");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const TENANT = "0f3c9a7e-5b21-4d68-9e4a-7c2b8d1f6a35";
const SUBSCRIPTION = "6e8d2b41-9f7a-4c3e-a5b1-2d9c8e7f4a60";
const DEPLOYER = "b27e4c19-8d3a-4f6b-9c2e-5a1d7f3e8b04";
const SLOT0_KEY_ID = "5c8e2a9f-4b1d-4f7e-a6c3-0d9b8e2f1a64";

/** Every ciphertext of a state file's text. */
function ciphertexts(text: string): string[] {
  return [...text.matchAll(/"ciphertext": "([^"]+)"/g)].map((m) => m[1]);
}

/** A resource of the fixture, as JSON. */
type ResourceDoc = Record<string, unknown> & {
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
};

/** The fixture's document, as JSON. */
interface StateDoc {
  version: unknown;
  features?: string[];
  deployment: { resources: ResourceDoc[] };
}

/** The fixture's JSON, changed by `edit`, as text. */
function edited(edit: (doc: StateDoc) => void): string {
  const doc = JSON.parse(TEXT) as StateDoc;
  edit(doc);
  return JSON.stringify(doc, null, 4);
}

/** The fixture's resource whose URN ends with `suffix`. */
function resource(doc: StateDoc, suffix: string): ResourceDoc {
  const found = doc.deployment.resources.find((r) => r.urn.endsWith(suffix));
  assert.ok(found, suffix);
  return found;
}

function record(value: unknown): Record<string, unknown> {
  assert.ok(value && typeof value === "object" && !Array.isArray(value));
  return value as Record<string, unknown>;
}

const rejects = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseStackExport(text, "--state s.json"),
    (error: unknown) => {
      assert.ok(error instanceof StackExportError, String(error));
      assert.match(error.message, pattern);
      assert.equal(error.message.split("\n").length, 1, "one line");
      for (const c of ciphertexts(TEXT)) assert.ok(!error.message.includes(c), "no ciphertext");
      return true;
    },
  );

describe("--state: pulumi stack export", () => {
  const exported = parseStackExport(TEXT, "--state s.json");

  it("reads the CLI's version-3 export: the stack's resources in the simulation's URNs, no root stack, no default provider", () => {
    assert.equal(exported.version, 3);
    assert.equal(exported.project, "app-credentials");
    assert.equal(exported.stack, "gate");
    assert.equal(exported.secretsProvider, "service");
    assert.equal(exported.cliVersion, "v3.191.0");
    assert.equal(exported.resources.length, 13);
    assert.ok(exported.resources.every((r) => !r.type.startsWith("pulumi:")));
    const slot0 = exported.resources.find((r) => r.name === "payments-api-passwords-slot0");
    assert.ok(slot0);
    // Three levels in the state's URN; the mock runtime names the parent's own type only.
    assert.match(slot0.stateUrn, /AppCredential\$app-credentials:entra:RotatingPasswords\$azuread/);
    assert.equal(
      slot0.urn,
      "urn:pulumi:gate::app-credentials::app-credentials:entra:RotatingPasswords$azuread:index/applicationPassword:ApplicationPassword::payments-api-passwords-slot0",
    );
    assert.equal(slot0.parent, simulatedUrn(slot0.parent ?? ""));
    assert.equal(slot0.outputs.keyId, SLOT0_KEY_ID);
    // Directly under the root stack: no parent; a `null` dependency list reads as none.
    const vault = exported.resources.find((r) => r.name === "vault");
    assert.equal(vault?.parent, undefined);
    const suffix = exported.resources.find((r) => r.name === "vault-suffix");
    assert.deepEqual(suffix?.propertyDependencies.special, []);
  });

  it("keeps no secret: every encrypted value is the placeholder, and no ciphertext survives", () => {
    assert.equal(exported.secretValues, 3);
    const kept = JSON.stringify(exported);
    assert.equal(ciphertexts(TEXT).length, 3);
    for (const c of ciphertexts(TEXT)) assert.ok(!kept.includes(c), c);
    assert.ok(!kept.includes(SIG));
    const secret = exported.resources.find((r) => r.name === "payments-api-secrets-client-secret");
    assert.equal((secret?.inputs.properties as Record<string, unknown>).value, "[secret]");
    assert.deepEqual(secret?.secretInputs, ["properties.value"]);
  });

  it("with --show-secrets: plaintext is never kept, nor any copy of it elsewhere in the state", () => {
    const plain = "Zq8~s3cr3t.Value_Of-The-Password";
    const text = edited((doc) => {
      for (const r of doc.deployment.resources) {
        const value = r.outputs?.value;
        if (r.outputs && value && record(value)[SIG] === SECRET) {
          r.outputs.value = { [SIG]: SECRET, plaintext: JSON.stringify(plain) };
        }
      }
      // A program that copied the value out of its secret wrapper (pulumi.unsecret).
      const tenantId = resource(doc, "::payments-api-secrets-tenant-id");
      record(record(tenantId.inputs).tags).copied = `prefix ${plain} suffix`;
    });
    const read = parseStackExport(text, "--state s.json");
    assert.equal(read.plaintextSecrets, 2);
    assert.ok(!JSON.stringify(read).includes(plain));
    const tags = read.resources.find((r) => r.name === "payments-api-secrets-tenant-id")?.inputs
      .tags as Record<string, unknown>;
    assert.equal(tags.copied, "[secret]");
  });

  it("refuses, in one line naming the problem and never a value: not JSON, another version, not an export, a malformed resource or secret", () => {
    rejects("{ not json", /^--state s\.json: not JSON/);
    rejects("", /^--state s\.json: not JSON \(the file is empty\)$/);
    rejects("[]", /expected the output of pulumi stack export .* got a list$/);
    rejects(
      edited((doc) => (doc.version = 2)),
      /^--state s\.json: version: deployment version 2 is not read here: expected 3/,
    );
    rejects(
      JSON.stringify({ version: 3, checkpoint: { latest: {} } }),
      /a checkpoint file of a file backend, not the output of pulumi stack export/,
    );
    rejects(
      edited((doc) => {
        doc.version = 4;
        doc.features = ["teleport"];
      }),
      /features: the state needs features this reader does not know \(teleport\)/,
    );
    rejects(
      edited((doc) => ((doc.deployment.resources[5] as Record<string, unknown>).urn = 42)),
      /deployment\.resources\[5\]\.urn: expected a URN .*, got a number$/,
    );
    rejects(
      edited((doc) => {
        record(record(resource(doc, "slot0").outputs).value).plaintext = '"both"';
      }),
      /\.outputs\.value: malformed secret value: exactly one of `ciphertext` or `plaintext`/,
    );
    rejects(
      edited((doc) => {
        const r = doc.deployment.resources[6];
        r.urn = r.urn.replace("gate", "prod");
      }),
      /deployment\.resources\[6\]\.urn: names stack "prod" .* one export holds one stack$/,
    );
  });

  it("accepts version 4 with the features the CLI writes, and names another stack's or project's state", () => {
    const v4 = parseStackExport(
      edited((doc) => {
        doc.version = 4;
        doc.features = ["taint"];
        doc.deployment.resources[8].taint = true;
      }),
      "--state s.json",
    );
    assert.equal(v4.version, 4);
    assert.equal(v4.resources.filter((r) => r.taint).length, 1);
    assert.doesNotThrow(() =>
      checkStackExportFor(exported, "app-credentials", "gate", "--state s"),
    );
    assert.throws(
      () => checkStackExportFor(exported, "app-credentials", "dev", "--state s.json"),
      /^StackExportError: --state s\.json: the state of stack "gate" of project "app-credentials" \(its URNs\), not of stack "dev" of project "app-credentials" previewed here: export that stack's state \(pulumi stack export --stack <org>\/app-credentials\/dev --file FILE\)$/,
    );
    assert.throws(
      () => checkStackExportFor(exported, "billing", "gate", "--state s.json"),
      /not of stack "gate" of project "billing"/,
    );
  });

  it("finds the deploying identity and translates it into the simulation's, and back", () => {
    const { identity, toSimulated, toReal } = idTranslation(exported.resources);
    assert.deepEqual(identity, {
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
      deployerObjectId: DEPLOYER,
    });
    const value = { owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", DEPLOYER.toUpperCase()] };
    const simulated = translateIds(value, toSimulated);
    assert.deepEqual(simulated.owners, [
      "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      SIMULATED_DEPLOYER_OBJECT_ID,
    ]);
    assert.equal(
      translateIds(`/subscriptions/${SUBSCRIPTION}/resourceGroups/x`, toSimulated),
      `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/x`,
    );
    assert.equal(translateIds(SIMULATED_TENANT_ID, toReal), TENANT);
  });
});

describe("--state: the world it seeds, and the plan", () => {
  const exported = parseStackExport(TEXT, "--state s.json");
  const { seed } = seedFromState(exported, "app-credentials", "gate");
  const byName = (name: string) => {
    const entry = seed.state.find((e) => e.name === name);
    assert.ok(entry, name);
    return entry;
  };
  const key = (type: string, name: string) => `urn:pulumi:gate::app-credentials::${type}::${name}`;
  /** The state's resources as a run registers them, unchanged. */
  const registrations = (): Registration[] =>
    seed.state.map((e) => ({
      type: e.type,
      name: e.name,
      urn: e.urn,
      ...(e.parent !== undefined ? { parent: e.parent } : {}),
      custom: e.custom !== false,
      inputs: Object.fromEntries(Object.entries(e.inputs).filter(([k]) => !k.startsWith("__"))),
      secretInputs: [],
      outputs: e.outputs,
      dependencies: e.dependencies ?? [],
      propertyDependencies: e.propertyDependencies ?? {},
    }));

  it("answers an unchanged resource with its state, an update with its id and computed outputs kept", () => {
    const world = new SimulatedWorld({ seed });
    const app = byName("payments-api-app");
    const type = "azuread:index/application:Application";
    // The program's inputs: without the bridge's defaults, the deployer in the simulation's terms.
    const inputs = {
      displayName: "Payments API",
      owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", SIMULATED_DEPLOYER_OBJECT_ID],
      signInAudience: "AzureADMyOrg",
    };
    assert.equal(world.unchanged(key(type, app.name), type, inputs)?.id, app.id);
    const renamed = world.unchanged(key(type, app.name), type, {
      ...inputs,
      displayName: "Payments API v2",
    });
    assert.equal(renamed?.id, app.id, "an update keeps the id");
    assert.equal(renamed?.state.objectId, app.outputs.objectId);
    assert.equal(renamed?.state.displayName, "Payments API v2");
    // A secret of the state is unknown: equal to any value.
    const secretType = "azure-native:keyvault:Secret";
    const secret = byName("payments-api-secrets-client-secret");
    const properties = secret.inputs.properties as Record<string, unknown>;
    const same = world.unchanged(key(secretType, secret.name), secretType, {
      ...Object.fromEntries(Object.entries(secret.inputs)),
      properties: { ...properties, value: "sim~anything" },
    });
    assert.equal(same?.state, secret.outputs);
  });

  it("plans nothing for the state's own resources; a changed end date replaces the credential; a resource gone is deleted", () => {
    const world = new SimulatedWorld({ seed });
    const same = planDeployment(world, registrations());
    assert.deepEqual(
      same.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`),
      [],
    );
    const changed = registrations()
      .filter((r) => r.name !== "payments-api-secrets-tenant-id")
      .map((r) =>
        r.name === "payments-api-passwords-slot0"
          ? { ...r, inputs: { ...r.inputs, endDate: "2027-01-26T00:00:00Z" } }
          : r,
      );
    assert.deepEqual(
      planDeployment(world, changed)
        .filter((s) => s.op !== "same")
        .map((s) => `${s.op} ${s.name} ${s.changed.join(",")}`),
      ["replace payments-api-passwords-slot0 endDate", "delete payments-api-secrets-tenant-id "],
    );
  });

  it("replaces a tainted resource and deletes the old copies the state marks delete", () => {
    const text = edited((doc) => {
      doc.version = 4;
      doc.features = ["taint"];
      resource(doc, "slot1").taint = true;
      doc.deployment.resources.push({ ...resource(doc, "slot0"), delete: true });
    });
    const tainted = seedFromState(parseStackExport(text, "s"), "app-credentials", "gate").seed;
    const steps = planDeployment(new SimulatedWorld({ seed: tainted }), registrations());
    assert.deepEqual(
      steps.filter((s) => s.op !== "same").map((s) => [s.op, s.name, s.pendingDelete === true]),
      [
        ["replace", "payments-api-passwords-slot1", false],
        // Its value goes to Key Vault: a new version.
        ["update", "payments-api-secrets-client-secret", false],
        ["delete", "payments-api-passwords-slot0", true],
      ],
    );
  });

  it("exports a simulated state as the CLI would, and reads it back to the same resources", () => {
    const text = JSON.stringify(
      exportStackState(seed.state, { project: "app-credentials", stack: "gate", timeMs: 0 }),
      null,
      4,
    );
    const again = parseStackExport(text, "--state again.json");
    assert.deepEqual(
      again.resources.map((r) => r.urn),
      seed.state.map((e) => e.urn),
    );
    assert.equal(again.secretValues, 3);
    const parsed = JSON.parse(text) as { deployment: { resources: { urn: string }[] } };
    assert.ok(
      parsed.deployment.resources[0].urn.endsWith("::pulumi:pulumi:Stack::app-credentials-gate"),
    );
    assert.ok(
      parsed.deployment.resources.some((r) =>
        r.urn.includes("AppCredential$app-credentials:entra:RotatingPasswords$azuread"),
      ),
      "real-form URNs: the parents' qualified types",
    );
  });
});
