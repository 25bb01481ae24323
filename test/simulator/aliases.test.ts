/**
 * Resource aliases in the simulated engine (tools/offline/simulator/aliases.ts, deployment.ts
 * `planDeployment`): a component whose type token or name changed, with `aliases` saying what it
 * was, keeps its children and grandchildren — every resource is `same`, nothing is deleted — as
 * the Pulumi engine decides it (pulumi/pulumi v3.248.0 pkg/resource/deploy/step_generator.go
 * `getOldResource`, `generateAliases`, `collapseAliasToUrn`, `inheritedChildAlias`). Without the
 * alias, the renamed resources are created and the old ones deleted.
 */
import * as assert from "assert";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AliasResolver,
  createUrn,
  DuplicateResourceAliasError,
  inheritedChildAlias,
  mockUrn,
} from "../../tools/offline/simulator/aliases";
import { deploy, planDeployment, PlannedStep } from "../../tools/offline/simulator/deployment";
import { Registration, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { SimulatedWorld } from "../../tools/offline/simulator/world";
import { exportStackState, parseStackExport } from "../../tools/offline/stackExport";
import { seedFromState } from "../../tools/offline/stateSeed";
import { planFromState, withRealIds } from "../../tools/preview/statePlan";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const APP = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
const OLD_APP = "test:entra:AppCredential";
const NEW_APP = "test:index:AppCredential";
const OLD_SLOT = "test:entra:RotatingPasswords";
const NEW_SLOT = "test:index:RotatingPasswords";
const RANDOM_ID = "random:index/randomId:RandomId";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const urn = (qualifiedType: string, name: string) => `urn:pulumi:s::p::${qualifiedType}::${name}`;

class Component extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/** What one version of the program declares: an app component, its slot, the slot's resources. */
interface Shape {
  appType?: string;
  appName?: string;
  appAliases?: pulumi.ResourceOptions["aliases"];
  slotType?: string;
  slotAliases?: pulumi.ResourceOptions["aliases"];
  /** The names of the slot's random id and password (default `<app>-slot-id`, `<app>-slot-pw`). */
  idName?: string;
  idAliases?: pulumi.ResourceOptions["aliases"];
  passwordName?: string;
  passwordAliases?: pulumi.ResourceOptions["aliases"];
  /** The password's end date (default 2027-06-01): another one replaces it. */
  endDate?: string;
}

function declare(shape: Shape = {}): void {
  const name = shape.appName ?? "app";
  const app = new Component(shape.appType ?? OLD_APP, name, { aliases: shape.appAliases });
  const slot = new Component(shape.slotType ?? OLD_SLOT, `${name}-slot`, {
    parent: app,
    aliases: shape.slotAliases,
  });
  new random.RandomId(
    shape.idName ?? `${name}-slot-id`,
    { byteLength: 8 },
    { parent: slot, aliases: shape.idAliases },
  );
  new azuread.ApplicationPassword(
    shape.passwordName ?? `${name}-slot-pw`,
    { applicationId: `/applications/${APP}`, endDate: shape.endDate ?? "2027-06-01T00:00:00Z" },
    { parent: slot, aliases: shape.passwordAliases },
  );
}

/** Runs one version of the program against `world`; returns its registrations. */
async function run(world: SimulatedWorld, shape: Shape = {}): Promise<Registration[]> {
  const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
  declare(shape);
  await simulation.settle();
  assert.deepStrictEqual(simulation.failures, [], "the run's refusals");
  return simulation.registrations;
}

/** A world whose state is the first version of the program, deployed. */
async function deployed(
  shape: Shape = {},
): Promise<{ world: SimulatedWorld; first: Registration[] }> {
  const world = new SimulatedWorld({
    deployer: { permission: "All" },
    successiveDeployments: true,
  });
  const first = await run(world, shape);
  assert.deepStrictEqual(deploy(world, first, NOW).failures, []);
  return { world, first };
}

/** `op name [← old URN]` of each step, sorted. */
const summary = (steps: PlannedStep[]) =>
  steps.map((s) => `${s.op} ${s.name}${s.aliasOf !== undefined ? ` ← ${s.aliasOf}` : ""}`).sort();

const keyIdOf = (registrations: Registration[]) =>
  registrations.find((r) => r.type === PASSWORD)?.outputs.keyId;
const hexOf = (registrations: Registration[]) =>
  registrations.find((r) => r.type === RANDOM_ID)?.outputs.hex;

describe("resource aliases in the simulated engine", () => {
  it("keeps every child of a component whose type token changed, with aliases: [{ type: old }]", async () => {
    const { world } = await deployed();
    const second = await run(world, { appType: NEW_APP, appAliases: [{ type: OLD_APP }] });
    const steps = planDeployment(world, second);
    assert.deepStrictEqual(summary(steps), [
      `same app ← ${urn(OLD_APP, "app")}`,
      `same app-slot ← ${urn(`${OLD_APP}$${OLD_SLOT}`, "app-slot")}`,
      // The mock runtime qualifies a type by its parent's own type only: unchanged URNs.
      "same app-slot-id",
      "same app-slot-pw",
    ]);
    // The steps keep the new URNs.
    assert.strictEqual(steps.find((s) => s.name === "app")?.urn, urn(NEW_APP, "app"));
  });

  it("keeps the grandchildren when every component type changed (inherited through the parent's alias)", async () => {
    const { world, first } = await deployed();
    const second = await run(world, {
      appType: NEW_APP,
      appAliases: [{ type: OLD_APP }],
      slotType: NEW_SLOT,
      slotAliases: [{ type: OLD_SLOT }],
    });
    const steps = planDeployment(world, second);
    assert.deepStrictEqual(summary(steps), [
      `same app ← ${urn(OLD_APP, "app")}`,
      `same app-slot ← ${urn(`${OLD_APP}$${OLD_SLOT}`, "app-slot")}`,
      `same app-slot-id ← ${urn(`${OLD_SLOT}$${RANDOM_ID}`, "app-slot-id")}`,
      `same app-slot-pw ← ${urn(`${OLD_SLOT}$${PASSWORD}`, "app-slot-pw")}`,
    ]);
    assert.strictEqual(keyIdOf(second), keyIdOf(first), "the password keeps its key id");

    // Deployed, the state holds the new URNs: the next run finds them directly.
    assert.deepStrictEqual(deploy(world, second, NOW).failures, []);
    assert.deepStrictEqual(
      [...world.state.keys()].sort(),
      second.map((r) => r.urn).sort(),
      "the state after the deployment",
    );
    const third = await run(world, {
      appType: NEW_APP,
      appAliases: [{ type: OLD_APP }],
      slotType: NEW_SLOT,
      slotAliases: [{ type: OLD_SLOT }],
    });
    assert.deepStrictEqual(summary(planDeployment(world, third)), [
      "same app",
      "same app-slot",
      "same app-slot-id",
      "same app-slot-pw",
    ]);
  });

  it("without the aliases, creates the renamed resources and deletes the old ones", async () => {
    const { world } = await deployed();
    const second = await run(world, { appType: NEW_APP, slotType: NEW_SLOT });
    assert.deepStrictEqual(summary(planDeployment(world, second)), [
      "create app",
      "create app-slot",
      "create app-slot-id",
      "create app-slot-pw",
      "delete app",
      "delete app-slot",
      "delete app-slot-id",
      "delete app-slot-pw",
    ]);
  });

  it("combines a child's own alias ({ name }) with the alias it inherits from a renamed parent", async () => {
    // Before: app "app", slot "app-slot", its random id "app-slot-oldid" and password "app-slot-oldpw".
    const { world, first } = await deployed({
      idName: "app-slot-oldid",
      passwordName: "app-slot-oldpw",
    });
    // After: the app is "svc" of the new type; the slot "svc-slot" (no alias of its own) is found
    // under "app-slot" by the inherited alias (the parent's name prefix replaced); its children,
    // renamed too, are found only by the inherited form of their own alias: "svc-slot-oldid" →
    // "app-slot-oldid" under the old slot.
    const second = await run(world, {
      appType: NEW_APP,
      appName: "svc",
      appAliases: [{ type: OLD_APP, name: "app" }],
      idName: "svc-slot-id",
      idAliases: [{ name: "svc-slot-oldid" }],
      passwordName: "svc-slot-pw",
      passwordAliases: [{ name: "svc-slot-oldpw" }],
    });
    const steps = planDeployment(world, second);
    assert.deepStrictEqual(summary(steps), [
      `same svc ← ${urn(OLD_APP, "app")}`,
      `same svc-slot ← ${urn(`${OLD_APP}$${OLD_SLOT}`, "app-slot")}`,
      `same svc-slot-id ← ${urn(`${OLD_SLOT}$${RANDOM_ID}`, "app-slot-oldid")}`,
      `same svc-slot-pw ← ${urn(`${OLD_SLOT}$${PASSWORD}`, "app-slot-oldpw")}`,
    ]);
    // The engine's same step keeps the old resource's outputs: the providers answer as before.
    assert.strictEqual(keyIdOf(second), keyIdOf(first), "the password keeps its key id");
    assert.strictEqual(hexOf(second), hexOf(first), "the random id keeps its value");

    // A child's own alias alone, under an unchanged parent.
    const { world: plain } = await deployed({ idName: "app-slot-oldid" });
    const renamed = await run(plain, {
      idName: "app-slot-id",
      idAliases: [{ name: "app-slot-oldid" }],
    });
    assert.deepStrictEqual(summary(planDeployment(plain, renamed)), [
      "same app",
      "same app-slot",
      `same app-slot-id ← ${urn(`${OLD_SLOT}$${RANDOM_ID}`, "app-slot-oldid")}`,
      "same app-slot-pw",
    ]);
  });

  it("records the aliases as the request carries them (the parent filled in by the SDK)", async () => {
    const world = new SimulatedWorld({ deployer: { permission: "All" } });
    const registrations = await run(world, {
      appType: NEW_APP,
      appAliases: [{ type: OLD_APP }],
      idAliases: [
        { name: "old-id" },
        urn("x:y:Z", "whole"),
        { name: "orphan", parent: pulumi.rootStackResource },
      ],
    });
    const of = (name: string) => registrations.find((r) => r.name === name);
    assert.deepStrictEqual(of("app")?.aliases, [{ type: OLD_APP }]);
    assert.deepStrictEqual(of("app-slot-id")?.aliases, [
      { name: "old-id", parentUrn: urn(`${NEW_APP}$${OLD_SLOT}`, "app-slot") },
      { urn: urn("x:y:Z", "whole") },
      { name: "orphan", noParent: true },
    ]);
    assert.strictEqual(of("app-slot")?.aliases, undefined, "no aliases: no field");
  });

  it("refuses two resources claiming one old resource, as the engine does", async () => {
    const { world } = await deployed();
    const second = await run(world, {
      idName: "app-slot-id2",
      idAliases: [{ name: "app-slot-pw", type: PASSWORD }],
      passwordName: "app-slot-pw2",
      passwordAliases: [{ name: "app-slot-pw" }],
    });
    assert.throws(
      () => planDeployment(world, second),
      (error: unknown) =>
        error instanceof DuplicateResourceAliasError &&
        // The second registration (in the order they come) is the one refused.
        /^Duplicate resource alias 'urn:pulumi:s::p::test:entra:RotatingPasswords\$azuread:index\/applicationPassword:ApplicationPassword::app-slot-pw' applied to resource with URN '.*::app-slot-(pw2|id2)' conflicting with resource with URN '.*::app-slot-(id2|pw2)'$/.test(
          error.message,
        ),
    );
  });
});

describe("the plan from a real state (tools/preview/statePlan.ts) with aliases", () => {
  /** Plans `shape` over the exported state of the first version, deployed. */
  async function planOverState(shape: Shape) {
    const { world, first } = await deployed();
    const text = JSON.stringify(
      exportStackState([...world.state.values()], { project: "p", stack: "s", timeMs: NOW }),
    );
    const exported = parseStackExport(text, "--state state.json");
    const seeded = seedFromState(exported, "p", "s");
    const seededWorld = new SimulatedWorld({ seed: seeded.seed, deployer: { permission: "All" } });
    const registrations = await run(seededWorld, shape);
    const simulatedRun = { registrations, failures: [] };
    const plan = planFromState({
      state: { file: "state.json", exported },
      seeded,
      simulatedRun,
      run: withRealIds(simulatedRun, seeded),
      nowMs: NOW,
    });
    return { plan, first };
  }
  const renamed: Shape = {
    appType: NEW_APP,
    appAliases: [{ type: OLD_APP }],
    slotType: NEW_SLOT,
    slotAliases: [{ type: OLD_SLOT }],
  };

  it("shows a credential under renamed components with the state's key id (same)", async () => {
    const { plan, first } = await planOverState(renamed);
    assert.deepStrictEqual(plan.counts, {
      create: 0,
      same: 4,
      update: 0,
      replace: 0,
      delete: 0,
      read: 0,
    });
    assert.deepStrictEqual(plan.deleted, []);
    const row = plan.credentials.find((r) => r.name === "app-slot-pw");
    assert.strictEqual(row?.step, "same");
    assert.strictEqual(row?.keyIdSource, "state");
    assert.strictEqual(row?.keyId, keyIdOf(first));
  });

  it("shows the credential a replacement under renamed components replaces (found under its old URN)", async () => {
    const { plan, first } = await planOverState({ ...renamed, endDate: "2027-07-01T00:00:00Z" });
    const rows = plan.credentials.map((r) => [r.name, r.step, r.replaces?.keyId]);
    assert.deepStrictEqual(rows, [["app-slot-pw", "replace", keyIdOf(first)]]);
  });
});

describe("the engine's alias rules (aliases.ts)", () => {
  const inState =
    (...urns: string[]) =>
    (u: string) =>
      urns.includes(u);

  it("collapses a spec: defaults, noParent, the root stack, another project or stack, a whole URN in the state's form", () => {
    const parent = urn(`a:b:Outer$${NEW_APP}`, "app");
    const resolver = new AliasResolver(inState());
    const aliases = resolver.generateAliases({
      urn: urn(`${NEW_APP}$x:y:Z`, "child"),
      type: "x:y:Z",
      name: "child",
      parent,
      aliases: [
        { name: "old" },
        { parentUrn: parent, type: "x:y:Old" },
        { noParent: true },
        { parentUrn: urn("pulumi:pulumi:Stack", "p-s") },
        { project: "q", stack: "t", noParent: true },
        // A real state's URN (parents' qualified types) is looked up in the mock runtime's form.
        { urn: urn(`a:b:Outer$${OLD_APP}$x:y:Z`, "real") },
      ],
    });
    assert.deepStrictEqual(aliases, [
      urn(`${NEW_APP}$x:y:Z`, "old"),
      urn(`${NEW_APP}$x:y:Old`, "child"),
      urn("x:y:Z", "child"),
      "urn:pulumi:t::q::x:y:Z::child",
      urn(`${OLD_APP}$x:y:Z`, "real"),
    ]);
  });

  it("builds URNs as CreateURN, inheritedChildAlias and the mock runtime do", () => {
    assert.strictEqual(createUrn("n", "t:t:T", "", "p", "s"), urn("t:t:T", "n"));
    assert.strictEqual(
      createUrn("n", "t:t:T", urn("a:a:A$b:b:B", "x"), "p", "s"),
      urn("a:a:A$b:b:B$t:t:T", "n"),
    );
    // The child's name prefix that is the parent's new name takes the parent's old name.
    assert.strictEqual(
      inheritedChildAlias(
        "t:t:T",
        "newapp-function",
        "newapp",
        urn("a:a:A$b:b:Vpc", "app"),
        "s",
        "p",
      ),
      urn("b:b:Vpc$t:t:T", "app-function"),
    );
    assert.strictEqual(
      inheritedChildAlias("t:t:T", "other", "newapp", urn("b:b:Vpc", "app"), "s", "p"),
      urn("b:b:Vpc$t:t:T", "other"),
    );
    assert.strictEqual(
      mockUrn("s", "p", urn("a:a:A$b:b:B", "x"), "t:t:T", "n"),
      urn("b:b:B$t:t:T", "n"),
    );
    assert.strictEqual(mockUrn("s", "p", undefined, "t:t:T", "n"), urn("t:t:T", "n"));
  });

  it("looks up the URN first, then the aliases; an aliased parent's children inherit; a claimed URN is not claimed twice", () => {
    const oldApp = urn(OLD_APP, "app");
    const oldSlot = urn(`${OLD_APP}$${OLD_SLOT}`, "app-slot");
    const newApp = urn(NEW_APP, "app");
    const resolver = new AliasResolver(inState(oldApp, oldSlot, newApp));
    // Its own URN in the state wins over an alias.
    assert.deepStrictEqual(
      resolver.resolve({ urn: newApp, type: NEW_APP, name: "app", aliases: [{ type: OLD_APP }] }),
      { old: newApp },
    );
    const other = new AliasResolver(inState(oldApp, oldSlot));
    assert.deepStrictEqual(
      other.resolve({ urn: newApp, type: NEW_APP, name: "app", aliases: [{ type: OLD_APP }] }),
      { old: oldApp, aliasOf: oldApp },
    );
    assert.deepStrictEqual(
      other.resolve({
        urn: urn(`${NEW_APP}$${OLD_SLOT}`, "app-slot"),
        type: OLD_SLOT,
        name: "app-slot",
        parent: newApp,
      }),
      { old: oldSlot, aliasOf: oldSlot },
    );
    assert.ok(other.claimed(oldApp) && other.claimed(oldSlot));
    // Registering the claimed old URN itself: the engine's error 2016.
    assert.throws(
      () => other.resolve({ urn: oldApp, type: OLD_APP, name: "app" }),
      /^DuplicateResourceAliasError: Duplicate resource URN '.*::test:entra:AppCredential::app' conflicting with alias on resource with URN '.*::test:index:AppCredential::app'$/,
    );
  });
});
