/**
 * Federated identity credentials in the simulated Azure (tools/offline/simulator/federatedCredentials.ts):
 * what the provider refuses at plan time, what Graph refuses when a credential is created or updated
 * (the name's form, values over 600 characters, a duplicate issuer and subject, a 21st credential),
 * a missing application and a deployer that may not write it — counted over the stack's state and
 * the deployment as the engine runs it (deletes at the end, create-before-delete replacements) —
 * and the stack's own federated and migrating apps, which Azure accepts.
 */
import * as assert from "assert";
import * as azuread from "@pulumi/azuread";
import { createHash } from "crypto";
import type { RawStackConfig } from "../../components/config";
import { deploy } from "../../tools/offline/simulator/deployment";
import { SimulatedFailure, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { parseTenantSnapshot } from "../../tools/offline/simulator/tenant";
import { SimulatedWorld } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const APP = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
const MISSING = "0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d";
const GITHUB = "https://token.actions.githubusercontent.com";
const FIC =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";

interface Declared {
  name: string;
  subject?: string;
  displayName?: string;
  issuer?: string;
  audiences?: string[];
  description?: string;
  applicationId?: string;
  deleteBeforeReplace?: boolean;
}

/** Declares the credentials against `world`; returns the run's refusals (and deploys when asked). */
async function run(
  world: SimulatedWorld,
  credentials: Declared[],
  deployAfter = false,
): Promise<SimulatedFailure[]> {
  const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
  for (const c of credentials) {
    new azuread.ApplicationFederatedIdentityCredential(
      c.name,
      {
        applicationId: c.applicationId ?? `/applications/${APP}`,
        displayName: c.displayName ?? `cred-${c.name}`,
        issuer: c.issuer ?? GITHUB,
        subject: c.subject ?? `repo:contoso/infra:environment:${c.name}`,
        audiences: c.audiences ?? ["api://AzureADTokenExchange"],
        description: c.description,
      },
      { deleteBeforeReplace: c.deleteBeforeReplace },
    );
  }
  await simulation.settle();
  if (deployAfter) {
    const deployed = deploy(world, simulation.registrations, NOW);
    assert.deepStrictEqual(deployed.failures, [], "the deployment itself");
  }
  return simulation.failures;
}

const world = (options: ConstructorParameters<typeof SimulatedWorld>[0] = {}) =>
  new SimulatedWorld({ deployer: { permission: "All" }, successiveDeployments: true, ...options });

/** `count` credentials `e1`…`e<count>`, each trusting its own environment. */
const many = (count: number, prefix = "e"): Declared[] =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i + 1}` }));

/** `[name, rule, phase]` of each refusal, by name (registrations settle in any order). */
const rules = (failures: SimulatedFailure[]) =>
  failures.map((f) => [f.name, f.rule, f.phase]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
/** The refusal of the resource `name`. */
const of = (failures: SimulatedFailure[], name: string): SimulatedFailure => {
  const found = failures.find((f) => f.name === name);
  assert.ok(found, `no refusal of ${name}`);
  return found;
};

describe("simulated federated identity credentials", () => {
  describe("the provider's Check (plan time: the preview stops)", () => {
    it("refuses a 121-character name, two audiences, an empty audience and an object id for applicationId", async () => {
      const failures = await run(world(), [
        { name: "long", displayName: "x".repeat(121) },
        { name: "two", audiences: ["api://AzureADTokenExchange", "api://other"] },
        { name: "empty", audiences: [""] },
        { name: "bare", applicationId: APP },
      ]);
      assert.deepStrictEqual(rules(failures), [
        ["bare", "provider-input-invalid", "check"],
        ["empty", "provider-input-invalid", "check"],
        ["long", "provider-input-invalid", "check"],
        ["two", "provider-input-invalid", "check"],
      ]);
      assert.match(
        of(failures, "long").message,
        /`displayName`.*from 1 to 120 characters.*StringLenBetween\(1, 120\)/,
      );
      assert.match(of(failures, "two").message, /`audiences`.*at most 1 element.*MaxItems 1/);
      assert.match(of(failures, "bare").message, /`applicationId`.*\/applications\/\{objectId\}/);
    });
  });

  describe("Graph, when the credential is created (apply: the preview passes, pulumi up fails)", () => {
    it("refuses a name Entra ID does not take although the provider does", async () => {
      for (const displayName of ["ab", "my.credential", "-dash-first", "with space"]) {
        const failures = await run(world(), [{ name: "fic", displayName }]);
        assert.deepStrictEqual(rules(failures), [["fic", "federated-credential-invalid", "apply"]]);
        assert.match(failures[0].message, /`displayName`.*3–120 letters, digits/);
        assert.match(failures[0].message, /workload-identity-federation-create-trust/);
      }
      assert.deepStrictEqual(await run(world(), [{ name: "fic", displayName: "A_b-9" }]), []);
    });

    it("refuses an issuer, subject or description over 600 characters, and no audience", async () => {
      const failures = await run(world(), [
        { name: "issuer", issuer: `https://idp.example.com/${"i".repeat(577)}` },
        { name: "subject", subject: "s".repeat(601) },
        { name: "description", description: "d".repeat(601) },
        { name: "none", audiences: [] },
        { name: "at-limit", subject: "s".repeat(600), description: "d".repeat(600) },
      ]);
      assert.deepStrictEqual(rules(failures), [
        ["description", "federated-credential-invalid", "apply"],
        ["issuer", "federated-credential-invalid", "apply"],
        ["none", "federated-credential-invalid", "apply"],
        ["subject", "federated-credential-invalid", "apply"],
      ]);
      assert.match(of(failures, "issuer").message, /`issuer`.*from 1 to 600 characters/);
      assert.match(of(failures, "none").message, /`audiences`.*exactly 1 element/);
    });

    it("an application missing from the tenant snapshot fails like other writes", async () => {
      const tenant = parseTenantSnapshot({ applications: [{ id: APP }] }, "tenant.json");
      const failures = await run(world({ tenant }), [
        { name: "gone", applicationId: `/applications/${MISSING}` },
        { name: "here" },
      ]);
      assert.deepStrictEqual(rules(failures), [["gone", "object-not-found-write", "apply"]]);
      assert.match(
        failures[0].message,
        /adding .*"gone": the application with object ID 0a0b0c0d-.* was not found in the tenant \(Graph 404 Request_ResourceNotFound\)/,
      );
    });

    it("Application.ReadWrite.OwnedBy writes only applications the deployer owns", async () => {
      const w = new SimulatedWorld();
      w.directory.create("application", APP, undefined, [MISSING]);
      const failures = await run(w, [{ name: "fic" }]);
      assert.deepStrictEqual(rules(failures), [["fic", "owned-by-not-owner", "apply"]]);
    });

    it("refuses a second credential with the same issuer and subject, whatever its name", async () => {
      const subject = "repo:contoso/infra:environment:prod";
      const failures = await run(world(), [
        { name: "first", subject },
        { name: "second", subject },
        { name: "case", subject: subject.toUpperCase() }, // compared exactly: another subject
        { name: "other-issuer", subject, issuer: "https://token.actions.githubusercontent.com/" },
      ]);
      assert.deepStrictEqual(rules(failures), [
        ["second", "federated-credential-duplicate", "apply"],
      ]);
      assert.match(
        failures[0].message,
        /The combination of issuer and subject must be unique.*the federated credential "first"/,
      );
    });

    it("refuses the 21st credential of an application, not the 20th, and counts per application", async () => {
      const other = "2c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
      const failures = await run(world(), [
        ...many(21),
        ...many(20, "o").map((c) => ({ ...c, applicationId: `/applications/${other}` })),
      ]);
      assert.deepStrictEqual(rules(failures), [["e21", "federated-credential-limit", "apply"]]);
      assert.match(failures[0].message, /application 1c2d3e4f-.* holds 20 \(e1, e2, /);
    });
  });

  describe("over successive deployments", () => {
    it("counts the state's credentials: 19 deployed, two more refused at the second", async () => {
      const w = world();
      assert.deepStrictEqual(await run(w, many(19), true), []);
      const failures = await run(w, many(21));
      assert.deepStrictEqual(rules(failures), [["e21", "federated-credential-limit", "apply"]]);
    });

    it("credentials that left the program are deleted only at the end: 20 renamed at once overflow", async () => {
      const w = world();
      assert.deepStrictEqual(await run(w, many(20), true), []);
      // Twenty new resources (new names, new environments) while the twenty old ones still exist.
      const failures = await run(w, many(20, "n"));
      assert.strictEqual(failures.length, 20);
      assert.ok(failures.every((f) => f.rule === "federated-credential-limit"));
    });

    it("a renamed entry (a new resource, same issuer and subject) is refused: the old one still exists", async () => {
      const w = world();
      assert.deepStrictEqual(
        await run(w, [{ name: "old", subject: "repo:o/r:environment:prod" }], true),
        [],
      );
      const failures = await run(w, [{ name: "new", subject: "repo:o/r:environment:prod" }]);
      assert.deepStrictEqual(rules(failures), [["new", "federated-credential-duplicate", "apply"]]);
      assert.match(failures[0].message, /the federated credential "old"/);
    });

    it("a new displayName replaces create-before-delete: refused against its own old copy, unless deleteBeforeReplace", async () => {
      const w = world();
      assert.deepStrictEqual(await run(w, [{ name: "fic", displayName: "before" }], true), []);
      const failures = await run(w, [{ name: "fic", displayName: "after" }]);
      assert.deepStrictEqual(rules(failures), [["fic", "federated-credential-duplicate", "apply"]]);
      assert.match(
        failures[0].message,
        /its own old copy, which a create-before-delete replacement deletes only after the new one exists.*deleteBeforeReplace/,
      );
      assert.deepStrictEqual(
        await run(w, [{ name: "fic", displayName: "after", deleteBeforeReplace: true }]),
        [],
      );
    });

    it("an update in place (a new subject) adds nothing: allowed at 20, refused onto another's subject", async () => {
      const w = world();
      assert.deepStrictEqual(await run(w, many(20), true), []);
      const moved = many(20).map((c, i) =>
        i === 0 ? { ...c, subject: "repo:contoso/infra:environment:moved" } : c,
      );
      assert.deepStrictEqual(await run(w, moved), []);
      const onto = many(20).map((c, i) =>
        i === 0 ? { ...c, subject: "repo:contoso/infra:environment:e2" } : c,
      );
      const failures = await run(w, onto);
      assert.deepStrictEqual(rules(failures), [["e1", "federated-credential-duplicate", "apply"]]);
      assert.match(failures[0].message, /^updating /);
    });
  });

  describe("the stack's own apps", () => {
    const MI = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const config: RawStackConfig = {
      ...SAMPLE_CONFIG,
      apps: [
        {
          name: "deployer",
          displayName: "Deployer",
          credential: "federated",
          federation: [
            { githubActions: { repository: "contoso/infra", environment: "prod" } },
            { managedIdentity: { principalId: MI } },
            {
              kubernetes: {
                issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/",
                namespace: "payments",
                serviceAccount: "orders",
              },
            },
            {
              issuer: "https://accounts.google.com",
              subject: "1234567890",
              audience: "api://AzureADTokenExchangeUSGov",
            },
          ],
        },
        {
          name: "orders-api",
          displayName: "Orders API",
          federation: [{ githubActions: { repository: "contoso/orders", branch: "main" } }],
        },
      ],
    };

    it("a federated app and an app in migration: Azure refuses nothing, deployment after deployment", async () => {
      const first = await runStack(config, NOW);
      assert.deepStrictEqual(first.failures, []);
      assert.strictEqual(first.registrations.filter((r) => r.type === FIC).length, 5);
      for (const fic of first.registrations.filter((r) => r.type === FIC)) {
        assert.match(String(fic.id), /^[0-9a-f-]{36}\/federatedIdentityCredential\/[0-9a-f-]{36}$/);
      }
      deploy(first.world, first.registrations, NOW);
      const second = await runStack(config, NOW + 86_400_000, { world: first.world });
      assert.deepStrictEqual(second.failures, []);
    });

    it("renaming a federation entry keeps its resource name: replaced delete-before-create, Graph refuses nothing", async () => {
      const first = await runStack(config, NOW);
      deploy(first.world, first.registrations, NOW);
      const github = (registrations: typeof first.registrations) =>
        registrations.filter(
          (r) =>
            r.type === FIC &&
            r.inputs.subject === "repo:contoso/infra:environment:prod" &&
            r.inputs.issuer === GITHUB,
        );
      // Named after what it trusts: <app>-federation-<form>-<12 hex of sha256(issuer \0 subject)>.
      const trusts = createHash("sha256")
        .update(`${GITHUB}\u0000repo:contoso/infra:environment:prod`)
        .digest("hex")
        .slice(0, 12);
      const name = `deployer-federation-githubActions-${trusts}`;
      assert.deepStrictEqual(
        github(first.registrations).map((r) => r.name),
        [name],
      );
      const renamed: RawStackConfig = {
        ...config,
        apps: [
          {
            ...(config.apps as Record<string, unknown>[])[0],
            federation: [
              {
                name: "prod-deploy",
                githubActions: { repository: "contoso/infra", environment: "prod" },
              },
              { managedIdentity: { principalId: MI } },
            ],
          },
          (config.apps as Record<string, unknown>[])[1],
        ],
      };
      const second = await runStack(renamed, NOW + 86_400_000, { world: first.world });
      // Graph no longer sees a second credential with the same issuer and subject.
      assert.deepStrictEqual(second.failures, []);
      const [entry] = github(second.registrations);
      assert.deepStrictEqual(
        [entry?.name, entry?.inputs.displayName, entry?.deleteBeforeReplace],
        [name, "prod-deploy", true],
      );
      // The new displayName forces a replacement of the same resource, which deletes the old
      // credential first; the entries dropped from the config are deleted.
      const deployed = deploy(second.world, second.registrations, NOW + 86_400_000);
      assert.deepStrictEqual(deployed.failures, []);
      assert.deepStrictEqual(
        deployed.steps.filter((s) => s.type === FIC && s.op !== "same").map((s) => [s.name, s.op]),
        [
          [name, "replace"],
          ...first.registrations
            .filter((r) => r.type === FIC && r.name.startsWith("deployer-"))
            .filter((r) => !second.registrations.some((n) => n.urn === r.urn))
            .map((r) => [r.name, "delete"]),
        ],
      );
      assert.strictEqual(
        deployed.steps.filter((s) => s.type === FIC && s.op === "delete").length,
        2,
        "the Kubernetes and Google entries left the config",
      );
      const replaced = deployed.steps.find((s) => s.name === name);
      assert.ok(replaced?.changed.includes("displayName"), JSON.stringify(replaced));
    });
  });
});
