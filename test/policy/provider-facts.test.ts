import * as assert from "assert";
import {
  createConflictsOf,
  credentialReplacingInputsOf,
  factsOf,
  PROVIDER_FACTS,
  ProviderFacts,
  replacingInputsOf,
  Rule,
  secretOutputsOf,
  TLS_ALLOWED_USES,
  validateInputs,
} from "../../policy/core/provider-facts";
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
  APPLICATION_PASSWORD,
  KEYVAULT_SECRET,
  KEYVAULT_VAULT,
  RANDOM_ID,
  RANDOM_PASSWORD,
  RANDOM_STRING,
  ROLE_ASSIGNMENT,
  SERVICE_PRINCIPAL,
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  TIME_ROTATING,
  TLS_CERT_REQUEST,
  TLS_LOCALLY_SIGNED_CERT,
  TLS_PRIVATE_KEY,
  TLS_SELF_SIGNED_CERT,
  TOKEN_SIGNING_CERTIFICATE,
} from "../../policy/core/resource-types";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SUBSCRIPTION = "00000000-0000-4000-8000-00000000a2b3";
const SECRET_SCOPE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-creds/providers/Microsoft.KeyVault/vaults/appcred-x7k2p9/secrets/orders-api-client-secret`;
const SECRETS_USER = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
const CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** Every rule names what it allows: values, bounds, a pattern, or another input. */
function ruleIsSpecific(rule: Rule): boolean {
  switch (rule.kind) {
    case "enum":
    case "enumList":
      return rule.values.length > 0;
    case "integer":
    case "length":
      return rule.min !== undefined || rule.max !== undefined;
    case "pattern":
      return rule.pattern.length > 0 && rule.description.length > 0;
    case "rfc3339":
    case "uuid":
      return true;
    case "list":
      return rule.maxItems !== undefined || rule.each !== undefined;
    case "conflictsWith":
      return rule.other.length > 0;
    case "requiresWhen":
      return rule.whenValues.length > 0 && rule.then.length > 0;
    case "atLeastOneOf":
    case "atLeastOneTrue":
      return rule.inputs.length > 1;
  }
}

const top = (path: string) => path.split(".")[0];

describe("provider facts", () => {
  it("has one row per type the program, the pack and the tools use", () => {
    for (const type of [
      APPLICATION,
      SERVICE_PRINCIPAL,
      APPLICATION_PASSWORD,
      SERVICE_PRINCIPAL_PASSWORD,
      APPLICATION_CERTIFICATE,
      SERVICE_PRINCIPAL_CERTIFICATE,
      TOKEN_SIGNING_CERTIFICATE,
      APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
      TLS_PRIVATE_KEY,
      TLS_SELF_SIGNED_CERT,
      TLS_LOCALLY_SIGNED_CERT,
      TLS_CERT_REQUEST,
      RANDOM_ID,
      RANDOM_STRING,
      RANDOM_PASSWORD,
      TIME_ROTATING,
      KEYVAULT_SECRET,
      KEYVAULT_VAULT,
      ROLE_ASSIGNMENT,
    ]) {
      assert.ok(PROVIDER_FACTS[type], type);
    }
  });

  it("every row: keyed by its type, every fact sourced, facts consistent with each other", () => {
    const rows: ProviderFacts[] = Object.values(PROVIDER_FACTS);
    for (const row of rows) {
      const at = row.type;
      assert.strictEqual(PROVIDER_FACTS[row.type], row, at);
      assert.ok(row.schemaSource.length > 10, `${at}: schema source`);
      assert.ok(row.inputs.length > 0, `${at}: inputs`);
      assert.strictEqual(new Set(row.inputs).size, row.inputs.length, `${at}: duplicate inputs`);
      for (const output of row.computedOutputs) {
        assert.ok(!row.inputs.includes(output), `${at}: ${output} is both input and computed`);
      }

      const replacing = row.replacingInputs;
      assert.ok(replacing.source.length > 10, `${at}: replacing inputs source`);
      if (replacing.inputs !== "*") {
        for (const input of replacing.inputs) {
          assert.ok(row.inputs.includes(input), `${at}: replacing input ${input} not an input`);
        }
      }
      for (const conditional of replacing.conditional ?? []) {
        assert.ok(conditional.source.length > 10 && conditional.when.length > 0, at);
        assert.ok(
          row.inputs.includes(conditional.input) ||
            row.computedOutputs.includes(conditional.input) ||
            conditional.input === "readyForRenewal",
          `${at}: conditional ${conditional.input}`,
        );
      }
      if (row.credentialReplacingInputs) {
        assert.ok(row.credentialReplacingInputs.source.length > 10, at);
        for (const input of row.credentialReplacingInputs.inputs) {
          assert.ok(row.inputs.includes(input), `${at}: credential input ${input}`);
          // An input whose update rotates the credential in place is not also ForceNew.
          assert.ok(replacing.inputs === "*" || !replacing.inputs.includes(input), at);
        }
      }

      const secrets = row.secretOutputs;
      assert.ok(secrets.source.length > 10, `${at}: secret outputs source`);
      for (const output of secrets.outputs) {
        const known = row.inputs.includes(top(output)) || row.computedOutputs.includes(output);
        assert.ok(known, `${at}: secret ${output} is neither an input nor a computed output`);
        // A computed-only secret can never be a replacing input.
        if (row.computedOutputs.includes(output) && replacing.inputs !== "*") {
          assert.ok(!replacing.inputs.includes(output), `${at}: ${output}`);
        }
      }

      for (const validation of row.validations) {
        const where = `${at} ${validation.input}`;
        assert.ok(row.inputs.includes(top(validation.input)), `${where}: not an input`);
        assert.ok(validation.source.length > 10, `${where}: source`);
        assert.ok(ruleIsSpecific(validation.rule), `${where}: rule allows nothing specific`);
        if (validation.rule.kind === "requiresWhen") {
          assert.ok(row.inputs.includes(top(validation.rule.then)), where);
        }
        if (validation.rule.kind === "conflictsWith") {
          assert.ok(row.inputs.includes(validation.rule.other), where);
        }
      }
      for (const fact of row.defaults) {
        const known =
          row.inputs.includes(top(fact.input)) ||
          row.computedOutputs.includes(fact.input) ||
          ["id", "validityStartTime"].includes(fact.input);
        assert.ok(known, `${at}: default for ${fact.input}`);
        assert.ok(fact.value.length > 0 && fact.source.length > 10, `${at}: default ${fact.input}`);
      }
      if (row.importId) assert.ok(row.importId.source.length > 10, at);
      for (const conflict of row.createConflicts ?? []) {
        const where = `${at} conflict ${conflict.id}`;
        assert.ok(conflict.key.length > 0, where);
        for (const input of conflict.key)
          assert.ok(row.inputs.includes(input), `${where}: ${input}`);
        assert.ok(conflict.answer.length > 0 && conflict.when.length > 0, where);
        assert.ok(conflict.source.length > 10, `${where}: source`);
      }
    }
  });

  it("knows the provider's wire values, not the SDK docs' camelCase", () => {
    assert.ok(TLS_ALLOWED_USES.includes("digital_signature"));
    assert.ok(TLS_ALLOWED_USES.includes("client_auth"));
    assert.ok(!TLS_ALLOWED_USES.includes("digitalSignature"));
    assert.strictEqual(TLS_ALLOWED_USES.length, 23);
  });

  describe("replacingInputsOf / credentialReplacingInputsOf / secretOutputsOf", () => {
    it("expands `*` to every input, the most telling first, plus any other set input", () => {
      assert.deepStrictEqual(replacingInputsOf(APPLICATION_PASSWORD, {}), [
        "endDate",
        "endDateRelative",
        "startDate",
        "rotateWhenChanged",
        "displayName",
        "applicationId",
      ]);
      assert.deepStrictEqual(
        replacingInputsOf(TOKEN_SIGNING_CERTIFICATE, { __defaults: [], extra: 1 }),
        ["endDate", "displayName", "servicePrincipalId", "extra"],
      );
    });

    it("lists only the ForceNew inputs elsewhere", () => {
      assert.deepStrictEqual(replacingInputsOf(APPLICATION, { password: {} }), ["templateId"]);
      assert.deepStrictEqual(replacingInputsOf(SERVICE_PRINCIPAL, {}), ["clientId"]);
      assert.deepStrictEqual(replacingInputsOf(KEYVAULT_SECRET, {}), [
        "resourceGroupName",
        "vaultName",
        "secretName",
      ]);
      assert.deepStrictEqual(replacingInputsOf("azure-native:keyvault/v20230701:Vault", {}), [
        "resourceGroupName",
        "vaultName",
      ]);
      const cert = replacingInputsOf(TLS_SELF_SIGNED_CERT, {}) ?? [];
      assert.ok(cert.includes("allowedUses") && cert.includes("privateKeyPem"));
      assert.ok(!cert.includes("earlyRenewalHours"), "updated in place");
      assert.deepStrictEqual(replacingInputsOf(TIME_ROTATING, {}), [
        "rfc3339",
        "triggers",
        "rotationRfc3339",
      ]);
      assert.deepStrictEqual(replacingInputsOf(ROLE_ASSIGNMENT, {}), [
        "scope",
        "roleAssignmentName",
        "principalId",
      ]);
      assert.strictEqual(replacingInputsOf("aws:s3/bucket:Bucket", {}), undefined);
    });

    it("gives the inputs whose change means a new credential", () => {
      assert.deepStrictEqual(credentialReplacingInputsOf(APPLICATION, { password: [{}] }), [
        "password",
      ]);
      assert.strictEqual(credentialReplacingInputsOf(APPLICATION, { password: [] }), undefined);
      assert.strictEqual(credentialReplacingInputsOf(APPLICATION, {}), undefined);
      assert.strictEqual(credentialReplacingInputsOf(SERVICE_PRINCIPAL, {}), undefined);
      assert.strictEqual(
        credentialReplacingInputsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL, {}),
        undefined,
      );
      assert.deepStrictEqual(
        credentialReplacingInputsOf(SERVICE_PRINCIPAL_CERTIFICATE, {})?.slice(0, 3),
        ["endDate", "endDateRelative", "startDate"],
      );
      assert.strictEqual(credentialReplacingInputsOf(TLS_PRIVATE_KEY, {}), undefined);
    });

    it("covers the secret outputs the simulator and the preview list today", () => {
      const today: Record<string, string[]> = {
        [APPLICATION_PASSWORD]: ["value"],
        [SERVICE_PRINCIPAL_PASSWORD]: ["value"],
        [APPLICATION_CERTIFICATE]: ["value"],
        [SERVICE_PRINCIPAL_CERTIFICATE]: ["value"],
        [TLS_PRIVATE_KEY]: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
        [TLS_SELF_SIGNED_CERT]: ["privateKeyPem", "privateKeyPemWo"],
        [TLS_LOCALLY_SIGNED_CERT]: ["caPrivateKeyPem"],
        [TLS_CERT_REQUEST]: ["privateKeyPem"],
        [RANDOM_PASSWORD]: ["result", "bcryptHash"],
      };
      for (const [type, outputs] of Object.entries(today)) {
        for (const output of outputs) {
          assert.ok(secretOutputsOf(type).includes(output), `${type} ${output}`);
        }
      }
      assert.deepStrictEqual(secretOutputsOf(RANDOM_STRING), []);
      assert.deepStrictEqual(secretOutputsOf(KEYVAULT_SECRET), []);
      assert.deepStrictEqual(secretOutputsOf("unknown:index/x:X"), []);
    });

    it("maps API-versioned azure-native tokens to the default module", () => {
      assert.strictEqual(
        factsOf("azure-native:keyvault/v20240401preview:Secret")?.type,
        KEYVAULT_SECRET,
      );
      assert.strictEqual(factsOf("azure-native:keyvault/v20230701:Key"), undefined);
      assert.strictEqual(
        factsOf("azure-native:authorization/v20220401:RoleAssignment")?.type,
        ROLE_ASSIGNMENT,
      );
    });
  });

  describe("role assignments (azure-native, API version 2022-04-01)", () => {
    const row = () => PROVIDER_FACTS[ROLE_ASSIGNMENT];

    it("the default module's API version and the SDK's principalType default are sourced", () => {
      assert.match(row().schemaSource, /2022-04-01/);
      const principalType = row().defaults.find((d) => d.input === "principalType");
      assert.ok(principalType && /^User\b/.test(principalType.value), "the SDK sends User");
      assert.match(principalType.source, /\?\? "User"/);
    });

    it("names both creates refused because the assignment exists, with the exact answers", () => {
      const conflicts = createConflictsOf(ROLE_ASSIGNMENT);
      assert.deepStrictEqual(
        conflicts.map((c) => [c.id, c.enforcement, c.key]),
        [
          ["same-name", "apply", ["scope", "roleAssignmentName"]],
          ["same-principal-role-scope", "service", ["scope", "principalId", "roleDefinitionId"]],
        ],
      );
      assert.strictEqual(conflicts[0].answer, "cannot create already existing resource '{id}'");
      assert.match(conflicts[0].source, /client_azcore\.go azCoreClient\.CanCreate/);
      assert.match(
        conflicts[0].remedy ?? "",
        /pulumi import azure-native:authorization:RoleAssignment/,
      );
      assert.match(
        conflicts[1].answer,
        /RoleAssignmentExists: The role assignment already exists\./,
      );
      assert.deepStrictEqual(createConflictsOf(KEYVAULT_SECRET), []);
    });

    it("imports by the ARM id of the assignment", () => {
      assert.strictEqual(
        row().importId?.format,
        "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
      );
    });
  });

  describe("validateInputs", () => {
    interface Case {
      name: string;
      type: string;
      inputs: Record<string, unknown>;
      /** The inputs reported, in order. */
      bad: string[];
      /** Words the first message must contain. */
      says?: string[];
    }
    const program: Case[] = [
      {
        name: "the program's private key",
        type: TLS_PRIVATE_KEY,
        inputs: { algorithm: "RSA", rsaBits: 2048 },
        bad: [],
      },
      {
        name: "the program's self-signed certificate",
        type: TLS_SELF_SIGNED_CERT,
        inputs: {
          privateKeyPem: UNKNOWN,
          subject: {
            commonName: "app-credentials billing slot 0 generation 12",
            serialNumber: UNKNOWN,
          },
          validityPeriodHours: 5040,
          allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
        },
        bad: [],
      },
      {
        name: "the program's schedule id",
        type: RANDOM_ID,
        inputs: { byteLength: 8, keepers: { anchor: "2024-01-01T00:00:00Z", period: "P90D" } },
        bad: [],
      },
      {
        name: "the program's application certificate",
        type: APPLICATION_CERTIFICATE,
        inputs: {
          applicationId: "/applications/00000000-0000-0000-0000-000000000001",
          type: "AsymmetricX509Cert",
          encoding: "pem",
          value: CERT_PEM,
          endDate: "2026-09-01T00:00:00Z",
        },
        bad: [],
      },
      {
        name: "the program's service principal certificate",
        type: SERVICE_PRINCIPAL_CERTIFICATE,
        inputs: {
          servicePrincipalId: "/servicePrincipals/00000000-0000-0000-0000-000000000002",
          type: "AsymmetricX509Cert",
          encoding: "pem",
          value: CERT_PEM,
          endDate: "2026-09-01T00:00:00Z",
        },
        bad: [],
      },
      {
        name: "the program's passwords",
        type: APPLICATION_PASSWORD,
        inputs: {
          applicationId: UNKNOWN,
          displayName: "app-credentials slot 1 generation 3",
          endDate: "2026-09-01T12:00:00Z",
          rotateWhenChanged: { anchor: "2024-01-01T00:00:00Z" },
        },
        bad: [],
      },
      {
        name: "the program's application with personal accounts",
        type: APPLICATION,
        inputs: {
          displayName: "Billing",
          signInAudience: "AzureADandPersonalMicrosoftAccount",
          owners: ["00000000-0000-0000-0000-000000000003"],
          api: { requestedAccessTokenVersion: 2 },
        },
        bad: [],
      },
      {
        name: "the program's service principal",
        type: SERVICE_PRINCIPAL,
        inputs: { clientId: UNKNOWN, owners: [UNKNOWN] },
        bad: [],
      },
      {
        name: "the program's vault and its suffix",
        type: KEYVAULT_VAULT,
        inputs: {
          resourceGroupName: "rg-creds",
          vaultName: "appcred-x7k2p9",
          properties: { softDeleteRetentionInDays: 90, enableSoftDelete: true },
        },
        bad: [],
      },
      {
        name: "the program's Key Vault secret",
        type: KEYVAULT_SECRET,
        inputs: {
          resourceGroupName: "rg-creds",
          vaultName: "appcred-x7k2p9",
          secretName: "billing-client-secret",
          properties: {
            value: UNKNOWN,
            contentType: "text/plain",
            attributes: { enabled: true, expires: 1788264000 },
          },
        },
        bad: [],
      },
      {
        name: "the program's role assignment of a consumer on one secret",
        type: ROLE_ASSIGNMENT,
        inputs: {
          scope: SECRET_SCOPE,
          roleDefinitionId: SECRETS_USER,
          principalId: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
          principalType: "ServicePrincipal",
          roleAssignmentName: "0f8fad5b-d9cb-569f-a165-70867728950e",
        },
        bad: [],
      },
      {
        name: "a role assignment at vault, resource group, tenant-role and unknown inputs",
        type: ROLE_ASSIGNMENT,
        inputs: {
          scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-creds`,
          roleDefinitionId:
            "/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
          principalId: UNKNOWN,
          roleAssignmentName: UNKNOWN,
        },
        bad: [],
      },
      {
        name: "the vault suffix string",
        type: RANDOM_STRING,
        inputs: { length: 6, special: false, upper: false },
        bad: [],
      },
    ];
    const refused: Case[] = [
      {
        name: "camelCase allowedUses (the SDK docs' values)",
        type: TLS_SELF_SIGNED_CERT,
        inputs: { validityPeriodHours: 1, allowedUses: ["digitalSignature", "client_auth"] },
        bad: ["allowedUses"],
        says: ["`allowedUses`", '"digitalSignature"', "snake_case"],
      },
      {
        name: "a negative validity and a 65-character common name",
        type: TLS_SELF_SIGNED_CERT,
        inputs: {
          validityPeriodHours: -1,
          allowedUses: ["client_auth"],
          subject: { commonName: "x".repeat(65) },
        },
        bad: ["validityPeriodHours", "subject.commonName"],
        says: ["≥ 0"],
      },
      {
        name: "an unknown algorithm and RSA bits below Go's floor",
        type: TLS_PRIVATE_KEY,
        inputs: { algorithm: "rsa", rsaBits: 512 },
        bad: ["algorithm", "rsaBits"],
        says: ['"RSA"', "exact case"],
      },
      {
        name: "a zero byte length",
        type: RANDOM_ID,
        inputs: { byteLength: 0 },
        bad: ["byteLength"],
      },
      {
        name: "a symmetric key on a service principal, hex-ish encoding, a date without zone",
        type: SERVICE_PRINCIPAL_CERTIFICATE,
        inputs: {
          servicePrincipalId: "00000000-0000-0000-0000-000000000002",
          type: "Symmetric",
          encoding: "PEM",
          endDate: "2026-09-01T00:00:00",
        },
        bad: ["servicePrincipalId", "type", "encoding", "endDate"],
        says: ["`/servicePrincipals/{objectId}`"],
      },
      {
        name: "a password with both end dates and an impossible date",
        type: SERVICE_PRINCIPAL_PASSWORD,
        inputs: {
          servicePrincipalId: "/servicePrincipals/abc",
          endDate: "2026-02-30T00:00:00Z",
          endDateRelative: "240h",
        },
        bad: ["endDate", "endDateRelative"],
        says: ["RFC 3339"],
      },
      {
        name: "personal accounts with v1 tokens, an empty name, a bad owner",
        type: APPLICATION,
        inputs: {
          displayName: "",
          signInAudience: "AzureADandPersonalMicrosoftAccount",
          owners: ["me"],
        },
        bad: ["displayName", "signInAudience", "owners"],
      },
      {
        name: "an audience outside the enum and token version 3",
        type: APPLICATION,
        inputs: {
          displayName: "a".repeat(257),
          signInAudience: "AzureADMultipleOrgs ",
          api: { requestedAccessTokenVersion: 3 },
        },
        bad: ["displayName", "signInAudience", "api.requestedAccessTokenVersion"],
        says: ["256"],
      },
      {
        name: "Key Vault names",
        type: KEYVAULT_SECRET,
        inputs: { vaultName: "my_vault", secretName: "client.secret" },
        bad: ["vaultName", "secretName"],
      },
      {
        name: "vault name shape and retention",
        type: KEYVAULT_VAULT,
        inputs: { vaultName: "1-vault--x", properties: { softDeleteRetentionInDays: 365 } },
        bad: ["vaultName", "properties.softDeleteRetentionInDays"],
      },
      {
        name: "a rotating time without any rotation",
        type: TIME_ROTATING,
        inputs: { triggers: { a: "b" } },
        bad: ["rotationRfc3339"],
      },
      {
        name: "a random string without any character class",
        type: RANDOM_STRING,
        inputs: { length: 6, special: false, upper: false, lower: false, numeric: false },
        bad: ["special"],
        says: ["must be true"],
      },
      {
        name: "a role assignment named by words, a principal by name, a role by name, a scope by name",
        type: ROLE_ASSIGNMENT,
        inputs: {
          roleAssignmentName: "orders-web-reader",
          principalId: "orders-web",
          roleDefinitionId: "Key Vault Secrets User",
          scope: "appcred-x7k2p9/orders-api-client-secret",
          principalType: "servicePrincipal",
        },
        bad: ["roleAssignmentName", "principalId", "roleDefinitionId", "scope", "principalType"],
        says: ["a UUID"],
      },
      {
        name: "a token-signing certificate name without CN=",
        type: TOKEN_SIGNING_CERTIFICATE,
        inputs: { servicePrincipalId: "/servicePrincipals/x", displayName: "saml" },
        bad: ["displayName"],
      },
    ];

    for (const c of [...program, ...refused]) {
      it(`${c.bad.length === 0 ? "accepts" : "refuses"} ${c.name}`, () => {
        const problems = validateInputs(c.type, c.inputs);
        assert.deepStrictEqual(
          problems.map((p) => p.input),
          c.bad,
          problems.map((p) => p.message).join("\n"),
        );
        for (const problem of problems) {
          assert.ok(problem.message.includes(`\`${problem.input}\``), problem.message);
          assert.ok(!problem.message.includes("\n"), "one line");
          assert.ok(problem.source.length > 10 && problem.allowed.length > 0);
        }
        for (const word of c.says ?? []) {
          assert.ok(problems[0].message.includes(word), `${word} in ${problems[0].message}`);
        }
      });
    }

    it("can restrict to what the provider itself refuses at plan time", () => {
      const inputs = {
        validityPeriodHours: 1,
        allowedUses: [],
        subject: { commonName: "x".repeat(70) },
      };
      assert.deepStrictEqual(
        validateInputs(TLS_SELF_SIGNED_CERT, inputs, { enforcement: ["plan"] }),
        [],
      );
      assert.deepStrictEqual(
        validateInputs(TLS_SELF_SIGNED_CERT, inputs).map((p) => [p.input, p.enforcement]),
        [["subject.commonName", "standard"]],
      );
    });

    it("judges nothing it cannot see: unknowns, absent inputs, unknown types", () => {
      assert.deepStrictEqual(validateInputs(TLS_PRIVATE_KEY, { algorithm: UNKNOWN }), []);
      assert.deepStrictEqual(validateInputs(APPLICATION_CERTIFICATE, {}), []);
      assert.deepStrictEqual(validateInputs("aws:s3/bucket:Bucket", { anything: 1 }), []);
    });
  });
});
