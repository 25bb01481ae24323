import * as assert from "assert";
import {
  actionCovers,
  classifyScope,
  GET_SECRET_DATA_ACTION,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  roleIdOf,
  roleReadsSecrets,
  SECRET_READING_ROLES,
} from "../../policy/core";
import { keyVaultSecretReaderScopePolicy } from "../../policy/policies/keyvault-secret-reader-scope";
import { runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = keyVaultSecretReaderScopePolicy();
const TYPE = "azure-native:authorization:RoleAssignment";
const SUB = "00000000-0000-0000-0000-0000000000aa";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-creds`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-creds`;
const SECRET = `${VAULT}/secrets/orders-api-client-secret`;
const MG = "/providers/Microsoft.Management/managementGroups/contoso";
const PRINCIPAL = "11111111-2222-3333-4444-555555555555";

const ROLES = {
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  secretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  certificateUser: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  administrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  reader: "21090545-7ca7-4776-b22c-e363652d74d2",
  certificatesOfficer: "a4417e6f-fecd-4de8-b567-7b0420556985",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
};
const roleDefinitionId = (role: string) =>
  `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
const assignment = (role: string, scope: unknown, extra: Record<string, unknown> = {}) => ({
  scope,
  roleDefinitionId: roleDefinitionId(role),
  principalId: PRINCIPAL,
  principalType: "ServicePrincipal",
  ...extra,
});

describe("keyvault-secret-reader-scope", () => {
  it("is advisory, with remediation steps and its README section", () => {
    assert.strictEqual(policy.enforcementLevel, "advisory");
    assert.strictEqual(policy.url, "policy/README.md#keyvault-secret-reader-scope");
    assert.match(policy.remediationSteps ?? "", /<vault id>\/secrets\/<secret name>/);
  });

  it("reports a vault-scoped Key Vault Secrets User: who, the vault, and the per-secret scope", async () => {
    assert.deepStrictEqual(
      await runResource(policy, TYPE, "orders-reader", assignment(ROLES.secretsUser, VAULT)),
      [
        `azure-native:authorization:RoleAssignment "orders-reader" grants ServicePrincipal ${PRINCIPAL} the role Key Vault Secrets User (4633458b-17de-408a-b874-0445c86b69e6) at Key Vault "kv-creds" (scope ${VAULT}): ` +
          `it can read every secret of that vault, not only the secrets it consumes. ` +
          `Fix: assign Key Vault Secrets User at each secret it consumes instead, scope = ${VAULT}/secrets/<secret name>, one role assignment per secret (app-credentials declares these per consumer), and remove this assignment.`,
      ],
    );
  });

  for (const [roleName, role] of [
    ["Key Vault Secrets User", ROLES.secretsUser],
    ["Key Vault Secrets Officer", ROLES.secretsOfficer],
    ["Key Vault Certificate User", ROLES.certificateUser],
    ["Key Vault Administrator", ROLES.administrator],
  ]) {
    it(`reports ${roleName} at a vault, a resource group, a subscription, a management group and the root`, async () => {
      const cases: [string, RegExp][] = [
        [VAULT, /at Key Vault "kv-creds" .*every secret of that vault/],
        [
          RG,
          /at resource group "rg-creds" of subscription 0{8}.*every vault in that resource group/,
        ],
        [`/subscriptions/${SUB}`, /at subscription 0{8}-.*every vault in that subscription/],
        [MG, /at management group "contoso" .*every subscription under that management group/],
        ["/", /at the tenant root .*every vault of the tenant/],
      ];
      for (const [scope, expected] of cases) {
        const messages = await runResource(policy, TYPE, "grant", assignment(role, scope));
        assert.strictEqual(messages.length, 1, scope);
        assert.match(messages[0], expected);
        assert.ok(messages[0].includes(`the role ${roleName} (${role})`), messages[0]);
        assert.ok(messages[0].includes(`ServicePrincipal ${PRINCIPAL}`), messages[0]);
        assert.match(
          messages[0],
          /Fix: assign .* at each secret it consumes instead, scope = \/subscriptions\/.*\/secrets\/<secret name>, one role assignment per secret/,
        );
      }
    });
  }

  it("suggests Key Vault Secrets User to a broader role that only reads", async () => {
    const [message] = await runResource(policy, TYPE, "a", assignment(ROLES.administrator, RG));
    assert.match(
      message,
      /Fix: assign Key Vault Administrator \(or Key Vault Secrets User, if it only reads secrets\) at each secret it consumes instead, scope = \/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{10}aa\/resourceGroups\/rg-creds\/providers\/Microsoft\.KeyVault\/vaults\/<vault>\/secrets\/<secret name>/,
    );
  });

  it("passes grants at a secret's scope, and roles that cannot read secret values", async () => {
    for (const role of Object.values(ROLES)) {
      assert.deepStrictEqual(
        await runResource(policy, TYPE, "a", assignment(role, SECRET)),
        [],
        role,
      );
    }
    for (const role of [ROLES.reader, ROLES.certificatesOfficer, ROLES.contributor]) {
      for (const scope of [VAULT, RG, `/subscriptions/${SUB}`, MG, "/"]) {
        assert.deepStrictEqual(
          await runResource(policy, TYPE, "a", assignment(role, scope)),
          [],
          `${role} at ${scope}`,
        );
      }
    }
  });

  it("passes scopes that hold no vault, and custom or unreadable role ids", async () => {
    const storage = `${RG}/providers/Microsoft.Storage/storageAccounts/st`;
    assert.deepStrictEqual(
      await runResource(policy, TYPE, "a", assignment(ROLES.secretsUser, storage)),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, TYPE, "a", {
        ...assignment(ROLES.secretsUser, VAULT),
        roleDefinitionId: "Key Vault Secrets User",
      }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, TYPE, "a", {
        ...assignment(ROLES.secretsUser, VAULT),
        roleDefinitionId: 42,
      }),
      [],
    );
  });

  it("judges every API-version token, reads ids case-insensitively, and ignores other types", async () => {
    for (const type of [
      "azure-native:authorization/v20220401:RoleAssignment",
      "azure-native:authorization/v20200401preview:RoleAssignment",
    ]) {
      assert.strictEqual(
        (await runResource(policy, type, "a", assignment(ROLES.secretsUser, VAULT))).length,
        1,
        type,
      );
    }
    const upper = {
      ...assignment(ROLES.secretsUser, VAULT.toUpperCase()),
      roleDefinitionId: `/providers/microsoft.authorization/ROLEDEFINITIONS/${ROLES.secretsUser.toUpperCase()}`,
    };
    assert.strictEqual((await runResource(policy, TYPE, "a", upper)).length, 1);
    for (const type of [
      "azure-native:authorization:RoleDefinition",
      "azure:authorization/assignment:Assignment",
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, type, "a", assignment(ROLES.secretsUser, VAULT)),
        [],
        type,
      );
    }
  });

  it("is never mandatory on an unknown: re-throws UnknownValueError for an unknown scope or role", async () => {
    await assert.rejects(
      runResource(policy, TYPE, "a", assignment(ROLES.secretsUser, UNKNOWN)),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(policy, TYPE, "a", {
        ...assignment(ROLES.secretsUser, VAULT),
        roleDefinitionId: UNKNOWN,
      }),
      UnknownValueError,
    );
    // A role that cannot read secrets passes whatever the scope.
    assert.deepStrictEqual(
      await runResource(policy, TYPE, "a", assignment(ROLES.reader, UNKNOWN)),
      [],
    );
  });

  it("names a principal not known yet (the verdict does not depend on it) and an ABAC condition", async () => {
    const [message] = await runResource(
      policy,
      TYPE,
      "a",
      assignment(ROLES.secretsUser, VAULT, {
        principalId: UNKNOWN,
        principalType: undefined,
        condition: "@Resource[x] StringEquals 'y'",
      }),
    );
    assert.match(
      message,
      /grants principal \(principalId not known until the deployment\) the role/,
    );
    assert.match(message, /\(its ABAC condition is not evaluated by this policy\): it can read/);
  });
});

describe("core/keyvault-roles", () => {
  it("lists the built-in roles that read secret values, each granting getSecret by its own data actions", () => {
    assert.deepStrictEqual(
      SECRET_READING_ROLES.map((r) => [r.name, r.id]),
      [
        ["Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"],
        ["Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"],
        ["Key Vault Certificate User", "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"],
        ["Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483"],
      ],
    );
    assert.strictEqual(KEY_VAULT_SECRETS_USER_ROLE_ID, "4633458b-17de-408a-b874-0445c86b69e6");
    for (const role of SECRET_READING_ROLES) assert.ok(roleReadsSecrets(role), role.name);
    // Key Vault Reader's and Certificates Officer's data actions (same source) do not.
    assert.ok(
      !roleReadsSecrets({
        dataActions: [
          "Microsoft.KeyVault/vaults/*/read",
          "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        ],
        notDataActions: [],
      }),
    );
    assert.ok(
      !roleReadsSecrets({
        dataActions: [
          "Microsoft.KeyVault/vaults/certificatecas/*",
          "Microsoft.KeyVault/vaults/certificates/*",
          "Microsoft.KeyVault/vaults/certificatecontacts/write",
        ],
        notDataActions: [],
      }),
    );
    assert.ok(
      !roleReadsSecrets({
        dataActions: ["*"],
        notDataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
      }),
    );
  });

  it("matches RBAC wildcards", () => {
    assert.ok(actionCovers("Microsoft.KeyVault/vaults/*", GET_SECRET_DATA_ACTION));
    assert.ok(
      actionCovers("microsoft.keyvault/vaults/secrets/getsecret/action", GET_SECRET_DATA_ACTION),
    );
    assert.ok(actionCovers("*", GET_SECRET_DATA_ACTION));
    assert.ok(!actionCovers("Microsoft.KeyVault/vaults/*/read", GET_SECRET_DATA_ACTION));
    assert.ok(!actionCovers("Microsoft.KeyVault/vaults/keys/*", GET_SECRET_DATA_ACTION));
    assert.ok(!actionCovers("Microsoft.KeyVault/vaults/secrets/getSecret", GET_SECRET_DATA_ACTION));
  });

  it("extracts the role GUID from a roleDefinitionId", () => {
    const id = KEY_VAULT_SECRETS_USER_ROLE_ID;
    assert.strictEqual(
      roleIdOf(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${id}`),
      id,
    );
    assert.strictEqual(roleIdOf(`/providers/Microsoft.Authorization/roleDefinitions/${id}`), id);
    assert.strictEqual(
      roleIdOf(
        `/SUBSCRIPTIONS/${SUB}/PROVIDERS/microsoft.authorization/roledefinitions/${id.toUpperCase()}`,
      ),
      id,
    );
    assert.strictEqual(
      roleIdOf(`${MG}/providers/Microsoft.Authorization/roleDefinitions/${id}`),
      id,
    );
    for (const bad of [
      id,
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${id}`,
      `${VAULT}`,
      "",
      7,
      undefined,
    ]) {
      assert.strictEqual(roleIdOf(bad), undefined, String(bad));
    }
  });

  it("classifies ARM scopes", () => {
    assert.deepStrictEqual(classifyScope("/"), { kind: "root" });
    assert.deepStrictEqual(classifyScope(MG), {
      kind: "managementGroup",
      managementGroup: "contoso",
    });
    assert.deepStrictEqual(classifyScope(`/subscriptions/${SUB}`), {
      kind: "subscription",
      subscriptionId: SUB,
    });
    assert.deepStrictEqual(classifyScope(`${RG}/`), {
      kind: "resourceGroup",
      subscriptionId: SUB,
      resourceGroup: "rg-creds",
    });
    assert.deepStrictEqual(classifyScope(VAULT.toLowerCase()), {
      kind: "vault",
      subscriptionId: SUB,
      resourceGroup: "rg-creds",
      vault: "kv-creds",
      vaultId: VAULT,
    });
    assert.deepStrictEqual(classifyScope(SECRET), {
      kind: "secret",
      subscriptionId: SUB,
      resourceGroup: "rg-creds",
      vault: "kv-creds",
      vaultId: VAULT,
      secret: "orders-api-client-secret",
    });
    for (const other of [
      `${RG}/providers/Microsoft.Storage/storageAccounts/st`,
      `${SECRET}/versions/1`,
      `${VAULT}/keys/k`,
      "kv-creds",
      "",
      null,
      `/subscriptions/${SUB}/${"x".repeat(2000)}`,
    ]) {
      assert.deepStrictEqual(classifyScope(other), { kind: "other" }, String(other).slice(0, 80));
    }
  });
});
