/**
 * The public component API (components/appCredential.ts, components/appCredentialArgs.ts): a
 * program declares apps with user-level arguments and no `app-credentials:` configuration.
 *
 * - It registers the same children with the same inputs as the stack program does for the same
 *   app written in configuration (one rule set, one set of resources).
 * - Invalid arguments fail with one ConfigError naming every bad field, before any resource
 *   (not even the component) is registered.
 * - A rotation trigger given as a secret never reaches any input; a change of it still rotates.
 * - The deployment instant is the component's own (`APP_CREDENTIALS_NOW`), never an argument.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AppCredential } from "../../components/appCredential";
import { CredentialVault } from "../../components/credentialVault";
import type { AppCredentialArgs } from "../../components/appCredentialArgs";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import { createStack } from "../../components/stack";
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";
import { BATCH, NOW, ORDERS, runAtNow as run, subtrees } from "../support/publicComponents";

/** Registrations under the apps' components. */
const appSubtrees = (registrations: Registration[]) =>
  subtrees(registrations, "app-credentials:index:AppCredential");

describe("AppCredential, the public component", () => {
  it("registers what the stack program registers for the same apps in configuration", async () => {
    const program = await run(() => {
      new AppCredential("orders", ORDERS);
      new AppCredential("batch", BATCH);
    });
    const config: RawStackConfig = {
      keyVault: { existing: { resourceGroupName: "rg-identity", name: "kv-identity" } },
      apps: [
        { name: "orders", ...withoutVault(ORDERS) },
        { name: "batch", ...withoutVault(BATCH) },
      ],
    };
    const stack = await run(() => createStack(parseStackConfig(config, NOW), NOW));
    const fromProgram = appSubtrees(program);
    assert.ok(fromProgram.length > 20, `${fromProgram.length} registrations`);
    assert.deepStrictEqual(fromProgram, appSubtrees(stack));
  });

  it("names every invalid argument in one error, before any resource is registered", async () => {
    let error: unknown;
    const registrations = await run(() => {
      try {
        new AppCredential("orders_api", {
          displayName: "Orders",
          signInAudience: "Everyone" as never,
          rotation: { period: "PT1H", grace: "P1D" },
          credential: "passkey" as never,
          keyVault: {
            resourceGroupName: "",
            vaultName: "kv",
            vaultId: "/subscriptions/x/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv-a",
          },
          colour: "blue",
        } as AppCredentialArgs);
      } catch (e) {
        error = e;
      }
    });
    assert.ok(error instanceof ConfigError, String(error));
    const text = error.message;
    assert.match(text, /^invalid arguments of AppCredential "orders_api" \(\d+ problems\):/);
    for (const field of [
      "orders_api.name",
      "orders_api.signInAudience",
      "orders_api.rotation.period",
      "orders_api.rotation.grace",
      "orders_api.credential",
      "orders_api.keyVault.resourceGroupName",
      "orders_api.keyVault.vaultName",
      "orders_api.keyVault.vaultId",
      "orders_api.colour",
    ]) {
      assert.ok(text.includes(`  - ${field}: `), `${field} in\n${text}`);
    }
    assert.deepStrictEqual(registrations, []);
  });

  it("CredentialVault names its own invalid arguments, before any resource", async () => {
    const registrations = await run(() => {
      assert.throws(
        () =>
          new CredentialVault("vault", {
            create: { resourceGroupName: "rg-identity", namePrefix: "kv--identity" },
          }),
        (error: Error) =>
          error instanceof ConfigError &&
          /^invalid arguments of CredentialVault "vault" \(1 problem\):\n {2}- vault\.create\.namePrefix: "kv--identity" is invalid;/.test(
            error.message,
          ),
      );
    });
    assert.deepStrictEqual(registrations, []);
  });

  it("refuses an Output where the schedule needs a value while the program runs", async () => {
    await run(() => {
      assert.throws(
        () =>
          new AppCredential("orders", {
            ...ORDERS,
            rotation: { period: pulumi.output("P90D") as unknown as string },
          }),
        /orders\.rotation\.period: "\(an Output\)" is invalid; expected a plain value/,
      );
    });
  });

  it("never stores a rotation trigger given as a secret, and still rotates when it changes", async () => {
    const declare = (trigger: pulumi.Input<string>) =>
      run(() => {
        new AppCredential("orders", { ...ORDERS, rotationTrigger: trigger });
      });
    const first = await declare(pulumi.secret("INC-4711"));
    const again = await declare(pulumi.secret("INC-4711"));
    const changed = await declare(pulumi.secret("INC-4712"));
    const passwords = (rs: Registration[]) =>
      rs.filter((r) => r.type === "azuread:index/applicationPassword:ApplicationPassword");
    assert.strictEqual(passwords(first).length, 2);
    assert.doesNotMatch(JSON.stringify(first), /INC-47/);
    const triggerOf = (r: Registration) =>
      (r.inputs.rotateWhenChanged as Record<string, string>)["rotation-trigger"];
    assert.match(triggerOf(passwords(first)[0]), /^sha256-[0-9a-f]{16}$/);
    assert.deepStrictEqual(passwords(again).map(triggerOf), passwords(first).map(triggerOf));
    assert.notDeepStrictEqual(passwords(changed).map(triggerOf), passwords(first).map(triggerOf));
    const plain = await declare("INC-4711");
    assert.strictEqual(triggerOf(passwords(plain)[0]), "INC-4711");
  });

  it("takes the deployment instant from APP_CREDENTIALS_NOW, not from its arguments", async () => {
    const registrations = await run(() => {
      new AppCredential("orders", ORDERS);
    });
    const component = registrations.find((r) => r.type === "app-credentials:index:AppCredential");
    assert.deepStrictEqual(component?.inputs, {});
    const password = registrations.find((r) => r.name === "orders-passwords-slot0");
    // P90D windows from the name's default anchor: the end date follows from NOW.
    assert.ok(Date.parse(String(password?.inputs.endDate)) > NOW);
  });
});

function withoutVault(args: AppCredentialArgs): Record<string, unknown> {
  const { keyVault: _keyVault, ...rest } = args;
  void _keyVault;
  return rest;
}

describe("AppCredential with a rotation trigger unknown at preview", () => {
  it("logs an error naming the field, which fails the preview", async () => {
    const logged: string[] = [];
    const log = pulumi.log as {
      error: (message: string, resource?: pulumi.Resource) => Promise<void>;
    };
    const original = log.error;
    log.error = async (message) => {
      logged.push(message);
    };
    try {
      await run(() => {
        new AppCredential("orders", {
          ...ORDERS,
          rotationTrigger: pulumi.output(pulumi.unknown as unknown as string),
        });
      });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      log.error = original;
    }
    assert.deepStrictEqual(
      logged.map((m) => m.split(" is invalid;")[0]),
      ["orders.rotationTrigger: (unknown at preview)"],
    );
  });
});
