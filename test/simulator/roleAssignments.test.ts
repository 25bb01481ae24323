/**
 * Role assignments in the simulated Azure (tools/offline/simulator/roleAssignments.ts): ARM's input
 * checks, azure-native's refusal to create over an existing assignment (with the `pulumi import`
 * command that adopts it), ARM's one assignment per (scope, principal, role), the deployer's
 * `Microsoft.Authorization/roleAssignments/write`, the scope that must exist, and the vault lookup's
 * `properties.enableRbacAuthorization` — set through the world's options or the tenant snapshot.
 */
import * as assert from "assert";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { ROLE_ASSIGNMENT } from "../../policy/core";
import { deploy } from "../../tools/offline/simulator/deployment";
import { simulateCall } from "../../tools/offline/simulator/invokes";
import {
  importCommand,
  parseScope,
  roleAssignmentId,
  withParent,
} from "../../tools/offline/simulator/roleAssignments";
import { SimulatedFailure, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { parseTenantSnapshot, TenantSnapshotError } from "../../tools/offline/simulator/tenant";
import {
  SIMULATED_SUBSCRIPTION_ID,
  SimulatedWorld,
  WorldOptions,
} from "../../tools/offline/simulator/world";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const SUB = SIMULATED_SUBSCRIPTION_ID;
const SECRETS_USER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
const SECRETS_OFFICER = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7`;
const CONSUMER = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
const NAME = "0f8fad5b-d9cb-4a9f-a165-70867728950e";
const OTHER_NAME = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const scopeOf = (secret: string, vault = "vault-1") =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${vault}/secrets/${secret}`;
const idOf = (secret: string, name = NAME) =>
  `${scopeOf(secret)}/providers/Microsoft.Authorization/roleAssignments/${name}`;

interface Run {
  failures: SimulatedFailure[];
  registrations: ReturnType<typeof simulateAzure>["registrations"];
}

/** Declares resources against `world`; deploys them after when asked. */
async function run(world: SimulatedWorld, declare: () => void, deployAfter = false): Promise<Run> {
  const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
  declare();
  await simulation.settle();
  if (deployAfter) deploy(world, simulation.registrations, NOW);
  return { failures: simulation.failures, registrations: simulation.registrations };
}

const secret = (name: string, vault = "vault-1", opts?: pulumi.CustomResourceOptions) =>
  new keyvault.Secret(
    name,
    { resourceGroupName: "rg", vaultName: vault, secretName: name, properties: { value: "v" } },
    opts,
  );

/** The program's shape: one consumer, `Key Vault Secrets User`, scoped to the secret's id. */
const reader = (
  scope: pulumi.Input<string>,
  args: Partial<authorization.RoleAssignmentArgs> = {},
  opts?: pulumi.CustomResourceOptions,
  name = "reader",
) =>
  new authorization.RoleAssignment(
    name,
    {
      scope,
      roleDefinitionId: SECRETS_USER,
      principalId: CONSUMER,
      principalType: "ServicePrincipal",
      roleAssignmentName: NAME,
      ...args,
    },
    opts,
  );

/** A RoleAssignment of an API-versioned module (`pulumi package add azure-native authorization …`). */
class VersionedRoleAssignment extends pulumi.CustomResource {
  constructor(name: string, args: pulumi.Inputs) {
    super("azure-native:authorization/v20220401:RoleAssignment", name, args);
  }
}

const world = (options: WorldOptions = {}) => new SimulatedWorld(options);
const rules = (found: SimulatedFailure[]) => found.map((f) => f.rule);

describe("role assignments in the simulated Azure", () => {
  describe("a consumer's assignment on one secret, as the program declares it", () => {
    it("is created: ARM id, API version, recorded in the subscription", async () => {
      const w = world();
      const { failures, registrations } = await run(w, () => reader(secret("s").id));
      assert.deepStrictEqual(failures, []);
      const assignment = registrations.find((r) => r.type === ROLE_ASSIGNMENT);
      assert.strictEqual(assignment?.id, idOf("s"));
      assert.strictEqual(assignment?.outputs.azureApiVersion, "2022-04-01");
      assert.strictEqual(assignment?.outputs.name, NAME);
      assert.deepStrictEqual(
        w.roleAssignments.list().map((a) => [a.id, a.owner]),
        [[idOf("s"), `${ROLE_ASSIGNMENT}::reader`]],
      );
    });

    it("the API-versioned module meets the same rules", async () => {
      const { failures } = await run(world({ roleAssignmentWrite: false }), () => {
        const s = secret("s");
        // SDK 3.x ships the default module only; a local SDK of another version uses this token.
        new VersionedRoleAssignment("reader", {
          scope: s.id,
          roleDefinitionId: SECRETS_USER,
          principalId: CONSUMER,
          principalType: "ServicePrincipal",
          roleAssignmentName: NAME,
        });
      });
      assert.deepStrictEqual(rules(failures), ["role-assignment-write-forbidden"]);
    });
  });

  describe("ARM's input checks (the facts table's service validations)", () => {
    it("a name that is not a GUID: 400 InvalidRoleAssignmentId; a GUID passes", async () => {
      const bad = await run(world(), () =>
        reader(secret("s").id, { roleAssignmentName: "orders-web-reader" }),
      );
      assert.deepStrictEqual(rules(bad.failures), ["role-assignment-input-invalid"]);
      assert.match(
        bad.failures[0].message,
        /400 InvalidRoleAssignmentId: The role assignment ID 'orders-web-reader' is not valid\. The role assignment ID must be a GUID\./,
      );
      assert.strictEqual(bad.failures[0].phase, "apply");
      const good = await run(world(), () => reader(secret("s").id));
      assert.deepStrictEqual(good.failures, []);
    });

    it("a principal by name, a role by name, a lower-case principal type: each answer", async () => {
      const { failures } = await run(world(), () =>
        reader(secret("s").id, {
          principalId: "orders-web",
          roleDefinitionId: "Key Vault Secrets User",
          principalType: "servicePrincipal",
        }),
      );
      assert.deepStrictEqual(rules(failures), ["role-assignment-input-invalid"]);
      const message = failures[0].message;
      assert.match(message, /400 InvalidPrincipalId: The Principal ID 'orders-web' is not valid/);
      assert.match(
        message,
        /400 InvalidRoleDefinitionId: The role definition ID 'Key Vault Secrets User' is not valid\./,
      );
      assert.match(message, /`principalType` = "servicePrincipal": one of .*"ServicePrincipal"/);
    });

    it("a scope that is no ARM id: refused, in words", async () => {
      const { failures } = await run(world(), () => reader("vault-1/s"));
      assert.deepStrictEqual(rules(failures), ["role-assignment-input-invalid"]);
      assert.match(
        failures[0].message,
        /the scope 'vault-1\/s' is not an ARM scope \(\/subscriptions\//,
      );
    });
  });

  describe("azure-native refuses to create over an existing assignment of the same name", () => {
    const existing = (scope = scopeOf("s")) => ({
      roleAssignments: [
        { name: NAME, scope, principalId: CONSUMER, roleDefinitionId: SECRETS_USER },
      ],
    });

    it("with the provider's answer and the pulumi import command that adopts it", async () => {
      const { failures } = await run(world(existing()), () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["azure-native-already-exists"]);
      const [failure] = failures;
      assert.strictEqual(failure.code, "Conflict");
      assert.ok(
        failure.message.includes(`cannot create already existing resource '${idOf("s")}'`),
        failure.message,
      );
      const command = `pulumi import azure-native:authorization:RoleAssignment reader ${idOf("s")}`;
      assert.strictEqual(failure.importCommand, command);
      assert.ok(failure.message.includes(`\`${command}\``), failure.message);
    });

    it("the scope's case does not matter (ARM ids compare case-insensitively)", async () => {
      const { failures } = await run(world(existing(scopeOf("s").toLowerCase())), () =>
        reader(secret("s").id),
      );
      assert.deepStrictEqual(rules(failures), ["azure-native-already-exists"]);
    });

    it("a component's child: the command names its parent, so the import lands on its URN", async () => {
      const { failures, registrations } = await run(world(existing()), () => {
        const component = new pulumi.ComponentResource("app-credentials:consumer:Access", "orders");
        reader(secret("s").id, {}, { parent: component }, "orders-web-client-secret-reader");
      });
      const parent = registrations.find((r) => r.type === "app-credentials:consumer:Access")?.urn;
      assert.ok(parent);
      const command =
        `pulumi import azure-native:authorization:RoleAssignment orders-web-client-secret-reader ${idOf("s")}` +
        ` --parent parent=${parent}`;
      assert.strictEqual(failures[0].importCommand, command);
      assert.ok(failures[0].message.includes(command), failures[0].message);
    });

    it("an assignment the stack's state holds is updated in place, not refused", async () => {
      const w = world({ successiveDeployments: true });
      const first = await run(w, () => reader(secret("s").id), true);
      assert.deepStrictEqual(first.failures, []);
      const second = await run(w, () => reader(secret("s").id, { description: "orders-web" }));
      assert.deepStrictEqual(second.failures, []);
    });

    it("after `pulumi import` (the state holds it), the same declaration is no create", async () => {
      const w = world(existing());
      w.state = new Map([
        [
          `urn:pulumi:s::p::${ROLE_ASSIGNMENT}::reader`,
          {
            urn: `urn:pulumi:s::p::${ROLE_ASSIGNMENT}::reader`,
            type: ROLE_ASSIGNMENT,
            name: "reader",
            id: idOf("s"),
            inputs: {},
            outputs: {},
            dependsOn: [],
            read: false,
          },
        ],
      ]);
      const { failures } = await run(w, () => reader(secret("s").id));
      assert.deepStrictEqual(failures, []);
    });

    it("a re-created stack (empty state) over the first deployment's assignment is refused", async () => {
      const first = world({ successiveDeployments: true });
      await run(first, () => reader(secret("s").id), true);
      const recreated = world({ roleAssignments: first.roleAssignments.list() });
      const { failures } = await run(recreated, () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["azure-native-already-exists"]);
    });
  });

  describe("ARM: one assignment per (scope, principal, role)", () => {
    const twin = (role = SECRETS_USER, principalId = CONSUMER) => ({
      roleAssignments: [
        { name: OTHER_NAME, scope: scopeOf("s"), principalId, roleDefinitionId: role },
      ],
    });

    it("the same trio under another name: 409 RoleAssignmentExists, naming the existing one", async () => {
      const { failures } = await run(world(twin()), () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["role-assignment-exists"]);
      assert.match(
        failures[0].message,
        /409 Conflict RoleAssignmentExists: The role assignment already exists\./,
      );
      assert.ok(failures[0].message.includes(idOf("s", OTHER_NAME)), failures[0].message);
    });

    it("the role compares by its GUID: a tenant-level role id is the same role", async () => {
      const tenantLevel = SECRETS_USER.replace(`/subscriptions/${SUB}`, "");
      const { failures } = await run(world(twin(tenantLevel)), () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["role-assignment-exists"]);
    });

    it("another role or another principal at the same scope is no conflict", async () => {
      for (const options of [twin(SECRETS_OFFICER), twin(SECRETS_USER, NAME)]) {
        const { failures } = await run(world(options), () => reader(secret("s").id));
        assert.deepStrictEqual(failures, []);
      }
    });

    it("the stack's own assignment, deleted with its app and declared again: no conflict", async () => {
      const w = world({ successiveDeployments: true });
      await run(w, () => reader(secret("s").id), true);
      await run(w, () => secret("s"), true);
      assert.deepStrictEqual(w.roleAssignments.list(), []);
      const again = await run(w, () => reader(secret("s").id, { roleAssignmentName: OTHER_NAME }));
      assert.deepStrictEqual(again.failures, []);
    });
  });

  describe("the deployer's Microsoft.Authorization/roleAssignments/write", () => {
    it("held by default (the dev stack previews)", async () => {
      const { failures } = await run(world(), () => reader(secret("s").id));
      assert.deepStrictEqual(failures, []);
    });

    it("lacking it: 403 AuthorizationFailed naming the action, the scope and the fix", async () => {
      const w = world({ roleAssignmentWrite: false });
      const { failures } = await run(w, () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["role-assignment-write-forbidden"]);
      const message = failures[0].message;
      assert.strictEqual(failures[0].code, "Forbidden");
      assert.ok(message.includes(`object id '${w.directory.deployer.objectId}'`), message);
      assert.ok(message.includes(`over scope '${idOf("s")}'`), message);
      assert.match(message, /Role Based Access Control Administrator/);
      assert.deepStrictEqual(w.roleAssignments.list(), []);
    });

    it("held on some vaults only: allowed there, refused elsewhere", async () => {
      const onVault1 = world({ roleAssignmentWrite: ["VAULT-1"] });
      const { failures } = await run(onVault1, () => {
        reader(secret("s").id);
        reader(secret("t", "vault-2").id, {}, undefined, "reader-2");
      });
      assert.deepStrictEqual(
        failures.map((f) => [f.name, f.rule]),
        [["reader-2", "role-assignment-write-forbidden"]],
      );
    });
  });

  describe("the scope must exist", () => {
    it("a secret the vault does not hold: 404 ResourceNotFound", async () => {
      const { failures } = await run(world(), () => reader(scopeOf("missing")));
      assert.deepStrictEqual(rules(failures), ["role-assignment-scope-not-found"]);
      assert.match(
        failures[0].message,
        /The Resource 'Microsoft\.KeyVault\/vaults\/vault-1\/secrets\/missing' under resource group 'rg' was not found/,
      );
    });

    it("a secret whose own create fails: the assignment's step is skipped, not refused", async () => {
      const w = world({ successiveDeployments: true });
      w.vaults.create("vault-1", "s", NOW - 86_400_000, false, "seed");
      w.vaults.delete("vault-1", "s", NOW - 3_600_000, true, "seed");
      const { failures } = await run(w, () => reader(secret("s").id));
      assert.deepStrictEqual(rules(failures), ["keyvault-secret-deleted-recoverable"]);
    });

    it("a vault scope: a declared vault exists, an undeclared one does not", async () => {
      const vaultScope = (name: string) =>
        `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`;
      const w = world({ vaults: [{ name: "kv-old", enableRbacAuthorization: true }] });
      const { failures } = await run(w, () => {
        reader(vaultScope("kv-old"));
        reader(vaultScope("kv-gone"), { roleAssignmentName: OTHER_NAME }, undefined, "reader-2");
      });
      assert.deepStrictEqual(
        failures.map((f) => [f.name, f.rule]),
        [["reader-2", "role-assignment-scope-not-found"]],
      );
    });
  });

  describe("the vault lookup's properties.enableRbacAuthorization", () => {
    const lookup = (w: SimulatedWorld, vaultName: string) =>
      simulateCall(
        { token: "azure-native:keyvault:getVault", inputs: { resourceGroupName: "rg", vaultName } },
        w,
      );
    const rbacOf = (result: Record<string, unknown>) =>
      (result.properties as Record<string, unknown>).enableRbacAuthorization;

    it("true by default: any vault is assumed to exist and to use Azure RBAC", () => {
      assert.strictEqual(rbacOf(lookup(world(), "kv-any")), true);
    });

    it("false for a declared vault that uses access policies; another declared vault is absent", () => {
      const w = world({
        vaults: [
          { name: "kv-policies", resourceGroup: "rg", enableRbacAuthorization: false },
          { name: "kv-rbac", enableRbacAuthorization: true },
        ],
      });
      assert.strictEqual(rbacOf(lookup(w, "KV-POLICIES")), false);
      assert.strictEqual(rbacOf(lookup(w, "kv-rbac")), true);
      assert.throws(
        () => lookup(w, "kv-gone"),
        /ResourceNotFound.*Microsoft\.KeyVault\/vaults\/kv-gone' under resource group 'rg' was not found/,
      );
    });

    it("reaches the program through keyvault.getVault", async () => {
      const w = world({ vaults: [{ name: "kv-policies", enableRbacAuthorization: false }] });
      let seen: boolean | undefined;
      await run(w, () => {
        void keyvault
          .getVault({ resourceGroupName: "rg", vaultName: "kv-policies" })
          .then((vault) => (seen = vault.properties.enableRbacAuthorization));
      });
      assert.strictEqual(seen, false);
    });

    it("a vault the program creates answers with the RBAC setting it was created with", () => {
      const w = world();
      w.vaults.vaultCreated({ name: "kv-new", enableRbacAuthorization: false });
      assert.strictEqual(rbacOf(lookup(w, "kv-new")), false);
    });
  });

  describe("the tenant snapshot states them (npm start --tenant)", () => {
    const snapshot = () =>
      parseTenantSnapshot(
        {
          deployer: { graphPermission: "Application.ReadWrite.All", roleAssignmentWrite: false },
          // As `az role assignment list --all` prints them (extra keys ignored).
          roleAssignments: [
            {
              id: idOf("s"),
              name: NAME,
              scope: scopeOf("s"),
              principalId: CONSUMER,
              principalType: "ServicePrincipal",
              roleDefinitionId: SECRETS_USER,
              roleDefinitionName: "Key Vault Secrets User",
            },
          ],
          // As `az keyvault show` prints them.
          vaults: [
            {
              name: "kv-policies",
              resourceGroup: "rg",
              properties: { enableRbacAuthorization: false, tenantId: "t" },
            },
            {
              name: "kv-default",
              resourceGroup: "rg",
              properties: { enableRbacAuthorization: null },
            },
          ],
        },
        "tenant.json",
      );

    it("reads deployer.roleAssignmentWrite, roleAssignments and vaults", () => {
      const read = snapshot();
      assert.strictEqual(read.roleAssignmentWrite, false);
      assert.strictEqual(read.graphPermission, "Application.ReadWrite.All");
      assert.deepStrictEqual(read.roleAssignments, [
        {
          name: NAME,
          scope: scopeOf("s"),
          principalId: CONSUMER,
          roleDefinitionId: SECRETS_USER,
          principalType: "ServicePrincipal",
        },
      ]);
      assert.deepStrictEqual(read.vaults, [
        { name: "kv-policies", resourceGroup: "rg", enableRbacAuthorization: false },
        { name: "kv-default", resourceGroup: "rg", enableRbacAuthorization: true },
      ]);
      // No application or service principal list: the directory stays unchecked.
      assert.deepStrictEqual(read.covers, { applications: false, servicePrincipals: false });
    });

    it("a world built from it refuses and answers accordingly; options win over it", async () => {
      const fromFile = world({ tenant: snapshot() });
      assert.strictEqual(fromFile.roleAssignmentWrite, false);
      assert.strictEqual(fromFile.roleAssignments.list().length, 1);
      const looked = simulateCall(
        {
          token: "azure-native:keyvault:getVault",
          inputs: { resourceGroupName: "rg", vaultName: "kv-policies" },
        },
        fromFile,
      );
      assert.strictEqual(
        (looked.properties as Record<string, unknown>).enableRbacAuthorization,
        false,
      );
      const { failures } = await run(world({ tenant: snapshot(), roleAssignmentWrite: true }), () =>
        reader(secret("s").id),
      );
      assert.deepStrictEqual(rules(failures), ["azure-native-already-exists"]);
    });

    it("bad shapes are refused with the file, the JSON path and what was expected", () => {
      const refused = (json: unknown): string => {
        try {
          parseTenantSnapshot(json, "t.json");
        } catch (error) {
          assert.ok(error instanceof TenantSnapshotError);
          return error.message;
        }
        return assert.fail("accepted");
      };
      assert.strictEqual(
        refused({ deployer: { roleAssignmentWrite: "yes" } }),
        "t.json: deployer.roleAssignmentWrite: expected true, false, or a list of vault names",
      );
      assert.match(
        refused({ roleAssignments: [{ name: "reader", scope: scopeOf("s") }] }),
        /^t\.json: roleAssignments\[0\]\.name: expected the assignment's name \(a GUID\)$/,
      );
      assert.match(
        refused({ vaults: [{ name: "kv", properties: { enableRbacAuthorization: "false" } }] }),
        /^t\.json: vaults\[0\]\.properties\.enableRbacAuthorization: expected true or false$/,
      );
      assert.match(refused({ vaults: {} }), /^t\.json: vaults: expected a JSON array/);
      assert.match(refused({ vaults: [], keyVaults: [] }), /`vaults` and `deployer` keys$/);
    });
  });

  describe("helpers", () => {
    it("ids, scopes and the import command", () => {
      assert.strictEqual(roleAssignmentId(`${scopeOf("s")}/`, NAME), idOf("s"));
      assert.strictEqual(roleAssignmentId(scopeOf("s").slice(1), NAME), idOf("s"));
      assert.deepStrictEqual(parseScope(scopeOf("s")), {
        kind: "secret",
        subscriptionId: SUB,
        resourceGroup: "rg",
        vault: "vault-1",
        secret: "s",
      });
      // A Key Vault certificate's addressable key, and the certificate itself.
      const vaultScope = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault-1`;
      assert.deepStrictEqual(parseScope(`${vaultScope}/keys/app-client-cert`), {
        kind: "key",
        subscriptionId: SUB,
        resourceGroup: "rg",
        vault: "vault-1",
        key: "app-client-cert",
      });
      assert.deepStrictEqual(parseScope(`${vaultScope}/certificates/app-client-cert`), {
        kind: "certificate",
        subscriptionId: SUB,
        resourceGroup: "rg",
        vault: "vault-1",
        certificate: "app-client-cert",
      });
      assert.strictEqual(
        parseScope(`/subscriptions/${SUB}/resourceGroups/rg`)?.kind,
        "resourceGroup",
      );
      assert.strictEqual(parseScope("vault-1/s"), undefined);
      assert.strictEqual(
        importCommand(ROLE_ASSIGNMENT, "it's", idOf("s")),
        `pulumi import ${ROLE_ASSIGNMENT} 'it'\\''s' ${idOf("s")}`,
      );
      const stackChild = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
      assert.strictEqual(withParent("cmd", stackChild), "cmd");
      assert.strictEqual(withParent("cmd", undefined), "cmd");
      assert.strictEqual(
        withParent("cmd", "urn:pulumi:s::p::a:b:C$d:e:F::x"),
        "cmd --parent 'parent=urn:pulumi:s::p::a:b:C$d:e:F::x'",
      );
    });
  });
});
