/**
 * Apps whose sign-in audience includes personal Microsoft accounts hold at most two client secrets
 * (Microsoft identity platform docs, "Validation differences by supported account types"): the
 * simulated Graph refuses a third, and the program replaces such an app's passwords
 * delete-before-create so that no deployment ever asks for one, while consumers keep a whole
 * period of overlap.
 */
import * as assert from "assert";
import { RawStackConfig } from "../../components/config";
import { deploy } from "../../tools/offline/simulator/deployment";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { SimulatedWorld } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";

const ANCHOR = Date.parse("2025-01-01T00:00:00Z");
const DAY = 86_400_000;
/** 10:00 UTC on day `d` after the anchor. */
const day = (d: number) => ANCHOR + d * DAY + 10 * 3_600_000;

const personalApp = (
  signInAudience: string,
  extra: Record<string, unknown> = {},
): RawStackConfig => ({
  ...SAMPLE_CONFIG,
  rotation: { period: "P30D", grace: "P7D", anchor: "2025-01-01T00:00:00Z" },
  apps: [{ name: "consumer", signInAudience, owners: [], ...extra }],
});

describe("personal-account apps hold at most two client secrets", () => {
  it("the simulated Graph refuses a third password on such an application, not on an organisational one", async () => {
    for (const [audience, refused] of [
      ["AzureADandPersonalMicrosoftAccount", true],
      ["PersonalMicrosoftAccount", true],
      ["AzureADMyOrg", false],
    ] as const) {
      const simulation = simulateAzure({
        project: "p",
        stack: "s",
        nowMs: () => ANCHOR,
        deployer: { permission: "All" },
      });
      const azuread = await import("@pulumi/azuread");
      const app = new azuread.Application("app", {
        displayName: "app",
        signInAudience: audience,
        api: { requestedAccessTokenVersion: 2 },
      });
      for (const n of [1, 2, 3]) {
        new azuread.ApplicationPassword(`password${n}`, {
          applicationId: app.id,
          endDate: "2026-01-01T00:00:00Z",
        });
      }
      await simulation.settle();
      assert.deepStrictEqual(
        simulation.failures.map((f) => [f.name, f.code]),
        refused ? [["password3", "BadRequest"]] : [],
        audience,
      );
      if (refused) assert.match(simulation.failures[0].message, /at most 2 client secrets/);
    }
  });

  it("the program replaces their passwords delete-before-create; other apps keep create-before-delete", async () => {
    const run = await runStack(personalApp("AzureADandPersonalMicrosoftAccount"), day(40));
    const org = await runStack(personalApp("AzureADMyOrg"), day(40));
    for (const slot of [0, 1]) {
      assert.strictEqual(run.byName(`consumer-passwords-slot${slot}`).deleteBeforeReplace, true);
      assert.strictEqual(
        org.byName(`consumer-passwords-slot${slot}`).deleteBeforeReplace,
        undefined,
      );
    }
  });

  it("deployments every 15 days over two years and a manual trigger never ask Graph for a third secret", async () => {
    for (const audience of ["AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]) {
      let world: SimulatedWorld | undefined;
      let keyVaultKeyId: string | undefined;
      // Every rotation (P30D) over two years, the day before and the day of each.
      for (let d = 0; d < 730; d += 15) {
        const trigger = d >= 600 ? "1" : "0";
        const run = await runStack(
          { ...personalApp(audience), rotationTrigger: trigger },
          day(d),
          world ? { world } : {},
        );
        assert.deepStrictEqual(run.failures, [], `${audience} day ${d}`);
        deploy(run.world, run.registrations, day(d));
        world = run.world;
        const held = [...world.state.values()].filter(
          (e) => e.type === "azuread:index/applicationPassword:ApplicationPassword",
        );
        assert.ok(held.length <= 2, `${audience} day ${d}: ${held.length} passwords`);
        keyVaultKeyId = String(run.outputs.apps.consumer.activeKeyId ?? keyVaultKeyId);
      }
      assert.ok(keyVaultKeyId);
    }
  });

  it("the organisational app's create-before-delete rotation would be refused on a personal-account app", async () => {
    // The rule the program avoids: a create-before-delete replacement adds a third secret.
    const world = new SimulatedWorld({
      successiveDeployments: true,
      deployer: { permission: "All" },
    });
    const declare = async (generation: number, deleteBeforeReplace: boolean) => {
      const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => ANCHOR });
      const azuread = await import("@pulumi/azuread");
      const app = new azuread.Application("app", {
        displayName: "app",
        signInAudience: "PersonalMicrosoftAccount",
        api: { requestedAccessTokenVersion: 2 },
      });
      for (const slot of [0, 1]) {
        new azuread.ApplicationPassword(
          `slot${slot}`,
          {
            applicationId: app.id,
            endDate: "2026-01-01T00:00:00Z",
            rotateWhenChanged: { generation: String(slot === 0 ? generation : 0) },
          },
          { deleteBeforeReplace },
        );
      }
      await simulation.settle();
      return simulation;
    };
    const first = await declare(0, false);
    assert.deepStrictEqual(first.failures, []);
    deploy(world, first.registrations, ANCHOR);
    const createBeforeDelete = await declare(1, false);
    assert.deepStrictEqual(
      createBeforeDelete.failures.map((f) => f.name),
      ["slot0"],
    );
    const deleteFirst = await declare(1, true);
    assert.deepStrictEqual(deleteFirst.failures, []);
  });
});
