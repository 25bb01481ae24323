/**
 * The component provider (provider/) constructing the components for a program in another
 * language, under the simulated Azure: the path `pulumi package add` SDKs take.
 *
 * - The arguments travel as the engine delivers them: serialized by the caller's SDK (output
 *   values kept, as for every remote component) and deserialized by the provider server's own
 *   `deserializeInputs` (@pulumi/pulumi provider/server.js).
 * - `construct` registers the same children with the same inputs as `new AppCredential` with the
 *   same arguments, and returns the outputs in its state; no output is a secret.
 * - A rotation trigger given as a secret never reaches any input or output.
 * - Invalid arguments are refused with the ConfigError naming them; a token other than
 *   `app-credentials:index:<Class>` is refused by the provider.
 *
 * One provider for the file: the schema inference behind `construct` takes seconds.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import {
  AppCredential,
  APP_CREDENTIAL_TYPE,
  secretTriggerDigest,
} from "../../components/appCredential";
import type { AppCredentialArgs } from "../../components/appCredentialArgs";
import { ConfigError } from "../../components/config/configError";
import {
  CredentialVault,
  CREDENTIAL_VAULT_TYPE,
  CredentialVaultArgs,
} from "../../components/credentialVault";
import {
  BATCH,
  KEY_VAULT,
  NOW,
  ORDERS,
  runAtNow as run,
  subtrees,
} from "../support/publicComponents";

const REPO = path.resolve(__dirname, "../..");
const DEPLOY: AppCredentialArgs = {
  credential: "federated",
  federation: [{ githubActions: { repository: "contoso/orders", environment: "production" } }],
  keyVault: KEY_VAULT,
};
const VAULT: CredentialVaultArgs = {
  existing: { resourceGroupName: "rg-identity", name: "kv-identity" },
};

/** The provider server's deserialization of `construct`'s inputs (JavaScript only, not typed). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/pulumi/provider/server") as {
  deserializeInputs(
    inputs: unknown,
    dependencies: Map<string, { getUrnsList(): string[] }>,
  ): Promise<pulumi.Inputs>;
};
// The protobuf Struct the provider server uses (its google-protobuf).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO] }))],
  }),
) as { Struct: { fromJavaScript(value: Record<string, unknown>): unknown } };

/**
 * The arguments as `construct` receives them from the engine: serialized by the caller's SDK
 * (output values kept), deserialized by the provider server.
 */
async function overTheWire(args: object): Promise<pulumi.Inputs> {
  const serialized = await rpc.serializeProperties("construct inputs", args as pulumi.Inputs, {
    keepOutputValues: true,
  });
  return server.deserializeInputs(Struct.fromJavaScript(serialized), new Map());
}

/** Outputs as the provider server returns them to the engine (plain JSON, secrets marked). */
async function wireState(state: pulumi.Inputs): Promise<Record<string, unknown>> {
  const [serialized] = await rpc.serializeResourceProperties("construct state", state);
  return serialized;
}

describe("the component provider constructing the components (provider/)", () => {
  const provider = new ComponentProvider({
    components: [AppCredential, CredentialVault],
    dirname: path.join(REPO, "provider"),
    name: "app-credentials",
  });
  let outputNames: string[];

  before(async () => {
    const schema = JSON.parse(await provider.getSchema());
    outputNames = Object.keys(schema.resources[APP_CREDENTIAL_TYPE].properties).sort();
  });

  it("registers what `new AppCredential` registers with the same arguments", async () => {
    const apps: [string, AppCredentialArgs][] = [
      ["orders", ORDERS],
      ["batch", BATCH],
      ["deploy", DEPLOY],
    ];
    const direct = await run(() => {
      for (const [name, args] of apps) new AppCredential(name, args);
    });
    const constructed = await run(async () => {
      for (const [name, args] of apps) {
        const { urn } = await provider.construct(
          name,
          APP_CREDENTIAL_TYPE,
          await overTheWire(args),
          {},
        );
        assert.match(
          await new Promise<string>((resolve) => pulumi.output(urn).apply(resolve)),
          new RegExp(`::app-credentials:index:AppCredential::${name}$`),
        );
      }
    });
    const fromProvider = subtrees(constructed, APP_CREDENTIAL_TYPE);
    assert.ok(fromProvider.length > 25, `${fromProvider.length} registrations`);
    assert.deepStrictEqual(fromProvider, subtrees(direct, APP_CREDENTIAL_TYPE));
    for (const name of [
      "orders-passwords-slot0",
      "batch-certificates-slot0",
      "deploy-federation-",
    ]) {
      assert.ok(
        fromProvider.some((line) => line.split(" ")[1].startsWith(name)),
        `${name}… is registered`,
      );
    }
  });

  it("returns every output in its state, as the component has them, none secret", async () => {
    let direct: Record<string, unknown> = {};
    await run(async () => {
      const component = new AppCredential("orders", ORDERS) as unknown as Record<string, unknown>;
      direct = await wireState(Object.fromEntries(outputNames.map((n) => [n, component[n]])));
    });
    let state: pulumi.Inputs = {};
    let wired: Record<string, unknown> = {};
    await run(async () => {
      ({ state } = await provider.construct(
        "orders",
        APP_CREDENTIAL_TYPE,
        await overTheWire(ORDERS),
        {},
      ));
      wired = await wireState(state);
    });
    assert.deepStrictEqual(Object.keys(state).sort(), outputNames);
    for (const [name, value] of Object.entries(state)) {
      assert.ok(pulumi.Output.isInstance(value), `${name} is an Output`);
      assert.strictEqual(await pulumi.isSecret(value as pulumi.Output<unknown>), false, name);
    }
    assert.doesNotMatch(JSON.stringify(wired), new RegExp(rpc.specialSecretSig));
    assert.deepStrictEqual(wired, direct);
    assert.match(String(wired.clientId), /^[0-9a-f-]{36}$/);
    assert.ok(Date.parse(String(wired.activeEndDate)) > NOW, String(wired.activeEndDate));
    assert.ok(Date.parse(String(wired.nextRotation)) > NOW, String(wired.nextRotation));
    assert.deepStrictEqual(Object.keys(wired.secretUris as object).sort(), [
      "orders-client-id",
      "orders-client-secret",
      "orders-tenant-id",
    ]);
    assert.deepStrictEqual(
      (wired.consumers as { name: string }[]).map((c) => c.name),
      ["web"],
    );
    assert.deepStrictEqual(wired.federatedCredentials, []);
  });

  it("never stores a rotation trigger given as a secret, in any input or output", async () => {
    let inputs: pulumi.Inputs = {};
    let state: pulumi.Inputs = {};
    let wired: Record<string, unknown> = {};
    const registrations = await run(async () => {
      inputs = await overTheWire({ ...ORDERS, rotationTrigger: pulumi.secret("INC-4711") });
      ({ state } = await provider.construct("orders", APP_CREDENTIAL_TYPE, inputs, {}));
      wired = await wireState(state);
    });
    const trigger = inputs.rotationTrigger as pulumi.Output<string>;
    assert.ok(pulumi.Output.isInstance(trigger), "a secret argument arrives as an Output");
    assert.strictEqual(await pulumi.isSecret(trigger), true);
    assert.doesNotMatch(JSON.stringify(registrations), /INC-47/);
    assert.doesNotMatch(JSON.stringify(wired), /INC-47/);
    assert.doesNotMatch(JSON.stringify(wired), new RegExp(rpc.specialSecretSig));
    for (const [name, value] of Object.entries(state)) {
      assert.strictEqual(await pulumi.isSecret(value as pulumi.Output<unknown>), false, name);
    }
    const passwords = registrations.filter(
      (r) => r.type === "azuread:index/applicationPassword:ApplicationPassword",
    );
    assert.strictEqual(passwords.length, 2);
    for (const password of passwords) {
      assert.strictEqual(
        (password.inputs.rotateWhenChanged as Record<string, string>)["rotation-trigger"],
        secretTriggerDigest("orders", "INC-4711"),
      );
    }
  });

  it("refuses invalid arguments with the ConfigError naming each, before any resource", async () => {
    let error: unknown;
    const registrations = await run(async () => {
      const inputs = await overTheWire({
        displayName: "Orders",
        rotation: { period: "PT1H", grace: "P1D" },
        credential: "passkey",
        keyVault: { resourceGroupName: "", vaultName: "kv" },
        colour: "blue",
      });
      error = await provider.construct("orders_api", APP_CREDENTIAL_TYPE, inputs, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
    });
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^invalid arguments of AppCredential "orders_api"/);
    for (const field of [
      "orders_api.name",
      "orders_api.rotation.period",
      "orders_api.credential",
      "orders_api.keyVault.resourceGroupName",
      "orders_api.keyVault.vaultName",
      "orders_api.colour",
    ]) {
      assert.ok(error.message.includes(`  - ${field}: `), `${field} in\n${error.message}`);
    }
    assert.deepStrictEqual(registrations, []);
  });

  it("refuses a token other than app-credentials:index:<Class>", async () => {
    const registrations = await run(async () => {
      const inputs = await overTheWire(ORDERS);
      for (const [type, message] of [
        [
          "app-credentials:entra:AppCredential",
          /Invalid module 'entra' in resource type 'app-credentials:entra:AppCredential'/,
        ],
        ["app-credential:index:AppCredential", /Invalid package name app-credential/],
        ["app-credentials:index:Rotation", /Component class not found for 'Rotation'/],
      ] as const) {
        await assert.rejects(provider.construct("orders", type, inputs, {}), message);
      }
    });
    assert.deepStrictEqual(registrations, []);
  });

  it("constructs a CredentialVault as `new CredentialVault` does", async () => {
    const direct = await run(() => new CredentialVault("vault", VAULT));
    let wired: Record<string, unknown> = {};
    const constructed = await run(async () => {
      const { state } = await provider.construct(
        "vault",
        CREDENTIAL_VAULT_TYPE,
        await overTheWire(VAULT),
        {},
      );
      wired = await wireState(state);
    });
    const fromProvider = subtrees(constructed, CREDENTIAL_VAULT_TYPE);
    assert.ok(fromProvider.length >= 1);
    assert.deepStrictEqual(fromProvider, subtrees(direct, CREDENTIAL_VAULT_TYPE));
    assert.deepStrictEqual(Object.keys(wired).sort(), [
      "resourceGroupName",
      "vaultId",
      "vaultName",
      "vaultUri",
    ]);
    assert.strictEqual(wired.vaultName, "kv-identity");
  });
});
