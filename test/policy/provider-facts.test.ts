import * as assert from "assert";
import {
  createConflictsOf,
  createLimitsOf,
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
  KEYVAULT_CERTIFICATE,
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
      return rule.minItems !== undefined || rule.maxItems !== undefined || rule.each !== undefined;
    case "conflictsWith":
      return rule.other.length > 0;
    case "requiresWhen":
      return rule.whenValues.length > 0 && rule.then.length > 0;
    case "atLeastOneOf":
    case "atLeastOneTrue":
      return rule.inputs.length > 1;
    case "requiredWhen":
      return rule.when.length > 0 && rule.whenValues.length > 0;
    case "enumWhen":
      return rule.when.length > 0 && rule.whenValues.length > 0 && rule.values.length > 0;
    case "integerUpTo":
      return rule.other.length > 0 && rule.factor > 0;
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
      KEYVAULT_CERTIFICATE,
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
        if (validation.rule.kind === "requiredWhen" || validation.rule.kind === "enumWhen") {
          assert.ok(row.inputs.includes(top(validation.rule.when)), where);
        }
        if (validation.rule.kind === "integerUpTo") {
          assert.ok(row.inputs.includes(top(validation.rule.other)), where);
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
      for (const limit of row.createLimits ?? []) {
        const where = `${at} limit ${limit.id}`;
        assert.ok(row.inputs.includes(limit.per), `${where}: ${limit.per}`);
        assert.ok(Number.isInteger(limit.max) && limit.max > 0, where);
        assert.ok(limit.answer.length > 0 && limit.source.length > 10, where);
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

  describe("Key Vault certificates (azurerm v4.80.0, Key Vault 7.4)", () => {
    const row = () => PROVIDER_FACTS[KEYVAULT_CERTIFICATE];
    const vaultId =
      "/subscriptions/00000000-0000-4000-8000-00000000a2b3/resourceGroups/rg-creds/providers/Microsoft.KeyVault/vaults/appcred-x7k2p9";
    /** The policy components/rotatingKeyVaultCertificates.ts declares. */
    const program = (
      changes: (policy: Record<string, Record<string, unknown>>) => void = () => {},
    ) => {
      const policy: Record<string, Record<string, unknown>> = {
        issuerParameters: { name: "Self" },
        keyProperties: { exportable: true, keyType: "RSA", keySize: 2048, reuseKey: false },
        secretProperties: { contentType: "application/x-pem-file" },
        x509CertificateProperties: {
          subject: "CN=app-credentials orders slot 1 generation 3,OU=trigger 5feceb66",
          validityInMonths: 13,
          keyUsages: ["digitalSignature", "keyEncipherment"],
          extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
        },
      };
      const inputs: Record<string, unknown> = {
        name: "orders-client-cert",
        keyVaultId: vaultId,
        certificatePolicy: {
          ...policy,
          lifetimeActions: [
            { action: { actionType: "EmailContacts" }, trigger: { lifetimePercentage: 90 } },
          ],
        },
        tags: { app: "orders" },
      };
      changes(inputs.certificatePolicy as Record<string, Record<string, unknown>>);
      return inputs;
    };
    const refused = (inputs: Record<string, unknown>) =>
      validateInputs(KEYVAULT_CERTIFICATE, inputs).map((p) => [p.input, p.enforcement]);

    it("name and vault force a replacement; a policy change is a new version in place", () => {
      assert.deepStrictEqual(replacingInputsOf(KEYVAULT_CERTIFICATE, program()), [
        "name",
        "keyVaultId",
      ]);
      assert.match(row().replacingInputs.note ?? "", /L630-660: createCertificate/);
      assert.strictEqual(credentialReplacingInputsOf(KEYVAULT_CERTIFICATE, program()), undefined);
      assert.deepStrictEqual(secretOutputsOf(KEYVAULT_CERTIFICATE), ["certificate"]);
      assert.match(
        row().schemaSource,
        /terraform-provider-azurerm@v4\.80\.0 internal\/services\/keyvault\/key_vault_certificate_resource\.go/,
      );
      assert.deepStrictEqual(
        row().createConflicts?.map((c) => c.id),
        ["same-name", "soft-deleted"],
      );
      assert.strictEqual(
        row().importId?.format,
        "https://{vault}.vault.azure.net/certificates/{name}/{version}",
      );
    });

    it("accepts the program's policy, at every enforcement", () => {
      assert.deepStrictEqual(refused(program()), []);
    });

    it("the provider's Check: name, vault id, key type and size, key usages, every lifetime action's type", () => {
      const inputs = program((p) => {
        p.keyProperties.keySize = 1024;
        p.keyProperties.keyType = "rsa";
        p.x509CertificateProperties.keyUsages = ["digitalSignature", "DigitalSignature"];
        (p as unknown as { lifetimeActions: unknown[] }).lifetimeActions.push({
          action: { actionType: "Renew" },
          trigger: { daysBeforeExpiry: 30 },
        });
      });
      inputs.name = "orders_client_cert";
      inputs.keyVaultId = vaultId.replace("Microsoft.KeyVault", "microsoft.keyvault");
      assert.deepStrictEqual(
        validateInputs(KEYVAULT_CERTIFICATE, inputs, { enforcement: ["plan"] }).map((p) => [
          p.input,
          p.value,
        ]),
        [
          ["name", "orders_client_cert"],
          ["keyVaultId", inputs.keyVaultId],
          ["certificatePolicy.keyProperties.keyType", "rsa"],
          ["certificatePolicy.keyProperties.keySize", 1024],
          ["certificatePolicy.lifetimeActions[].action.actionType", "Renew"],
          [
            "certificatePolicy.x509CertificateProperties.keyUsages",
            ["digitalSignature", "DigitalSignature"],
          ],
        ],
      );
    });

    it("what azurerm checks only when it builds the request, and what Key Vault refuses", () => {
      const cases: [string, (p: Record<string, Record<string, unknown>>) => void, string[][]][] = [
        [
          "RSA without a size",
          (p) => delete p.keyProperties.keySize,
          [["certificatePolicy.keyProperties.keySize", "apply"]],
        ],
        [
          "EC without a curve",
          (p) => Object.assign(p.keyProperties, { keyType: "EC", keySize: 256 }),
          [["certificatePolicy.keyProperties.curve", "apply"]],
        ],
        [
          "an RSA key of 384 bits",
          (p) => (p.keyProperties.keySize = 384),
          [["certificatePolicy.keyProperties.keySize", "service"]],
        ],
        [
          "an exportable HSM key",
          (p) => (p.keyProperties.keyType = "RSA-HSM"),
          [["certificatePolicy.keyProperties.exportable", "service"]],
        ],
        [
          "an oct key",
          (p) => Object.assign(p.keyProperties, { keyType: "oct", exportable: false }),
          [["certificatePolicy.keyProperties.keyType", "service"]],
        ],
        [
          "a JSON content type",
          (p) => (p.secretProperties.contentType = "application/json"),
          [["certificatePolicy.secretProperties.contentType", "service"]],
        ],
        [
          "0 months",
          (p) => (p.x509CertificateProperties.validityInMonths = 0),
          [["certificatePolicy.x509CertificateProperties.validityInMonths", "service"]],
        ],
        [
          "an empty EKU",
          (p) => (p.x509CertificateProperties.extendedKeyUsages = [""]),
          [["certificatePolicy.x509CertificateProperties.extendedKeyUsages", "plan"]],
        ],
        [
          "triggers out of range",
          (p) =>
            ((p as unknown as { lifetimeActions: unknown[] }).lifetimeActions = [
              { action: { actionType: "EmailContacts" }, trigger: { lifetimePercentage: 0 } },
              { action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: 352 } },
            ]),
          [
            ["certificatePolicy.lifetimeActions[].trigger.lifetimePercentage", "service"],
            ["certificatePolicy.lifetimeActions[].trigger.daysBeforeExpiry", "service"],
          ],
        ],
      ];
      for (const [name, change, expected] of cases) {
        assert.deepStrictEqual(refused(program(change)), expected, name);
      }
      // 13 months × 27 = 351 days before expiry at most; AutoRenew passes (the pack reports it).
      const autoRenew = program(
        (p) =>
          ((p as unknown as { lifetimeActions: unknown[] }).lifetimeActions = [
            { action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: 351 } },
          ]),
      );
      assert.deepStrictEqual(refused(autoRenew), []);
    });
  });

  describe("federated identity credentials (azuread v3.8.0, Graph, Entra ID)", () => {
    const row = () => PROVIDER_FACTS[APPLICATION_FEDERATED_IDENTITY_CREDENTIAL];
    const app = "/applications/00000000-0000-0000-0000-000000000001";
    const valid = {
      applicationId: app,
      displayName: "github-contoso-infra-environment-prod",
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:contoso/infra:environment:prod",
      audiences: ["api://AzureADTokenExchange"],
      description: "app-credentials: githubActions",
    };
    const refusedBy = (
      inputs: Record<string, unknown>,
      enforcement: "plan" | "service",
    ): string[] =>
      validateInputs(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL, inputs, {
        enforcement: [enforcement],
      }).map((p) => p.input);

    it("cites the bridged release's file, with line numbers", () => {
      assert.match(
        row().schemaSource,
        /terraform-provider-azuread@v3\.8\.0 .*application_federated_identity_credential_resource\.go L45-97/,
      );
      assert.match(
        row().replacingInputs.source,
        /L46-52 "application_id" ForceNew, L66-72 "display_name" ForceNew/,
      );
    });

    it("application and name force a replacement; issuer, subject, audiences, description update in place", () => {
      assert.deepStrictEqual(replacingInputsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL, valid), [
        "applicationId",
        "displayName",
      ]);
      assert.deepStrictEqual(secretOutputsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL), []);
      assert.strictEqual(
        row().importId?.format,
        "{objectId}/federatedIdentityCredential/{credentialId}",
      );
    });

    it("accepts the credential the program declares, at plan and service", () => {
      assert.deepStrictEqual(validateInputs(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL, valid), []);
      // Unknown during preview: the issuer of a managed identity (the tenant id) and the app.
      assert.deepStrictEqual(
        validateInputs(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL, {
          ...valid,
          applicationId: UNKNOWN,
          issuer: UNKNOWN,
        }),
        [],
      );
    });

    it("the provider refuses at plan: an object id, an empty or 121-character name, two or empty audiences", () => {
      assert.deepStrictEqual(
        refusedBy(
          {
            ...valid,
            applicationId: "00000000-0000-0000-0000-000000000001",
            displayName: "",
            audiences: ["api://AzureADTokenExchange", "api://other"],
          },
          "plan",
        ),
        ["applicationId", "displayName", "audiences"],
      );
      assert.deepStrictEqual(refusedBy({ ...valid, displayName: "x".repeat(121) }, "plan"), [
        "displayName",
      ]);
      assert.deepStrictEqual(refusedBy({ ...valid, audiences: [""] }, "plan"), ["audiences"]);
      // What only Graph refuses passes the provider's plan.
      assert.deepStrictEqual(
        refusedBy({ ...valid, displayName: "ab", issuer: "x".repeat(601), audiences: [] }, "plan"),
        [],
      );
    });

    it("Graph and Entra ID refuse at create: the name's form, values over 600 characters, no audience", () => {
      const problems = validateInputs(
        APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
        {
          ...valid,
          displayName: "-starts-with-a-dash",
          audiences: [],
          issuer: `https://idp.example.com/${"i".repeat(577)}`,
          subject: "s".repeat(601),
          description: "d".repeat(601),
        },
        { enforcement: ["service"] },
      );
      assert.deepStrictEqual(
        problems.map((p) => p.input),
        ["displayName", "audiences", "issuer", "subject", "description"],
      );
      assert.match(problems[0].message, /3–120 letters, digits/);
      assert.match(problems[1].message, /exactly 1 element/);
      assert.match(problems[0].source, /workload-identity-federation-create-trust/);
      for (const name of ["ab", "my.credential", "a b c", "é-credential", "x".repeat(121)]) {
        assert.deepStrictEqual(
          refusedBy({ ...valid, displayName: name }, "service"),
          ["displayName"],
          name,
        );
      }
      for (const name of ["abc", "A_b-9", "9".repeat(120)]) {
        assert.deepStrictEqual(refusedBy({ ...valid, displayName: name }, "service"), [], name);
      }
      assert.deepStrictEqual(
        refusedBy({ ...valid, issuer: "i".repeat(600), subject: "s".repeat(600) }, "service"),
        [],
      );
    });

    it("names the duplicate issuer and subject and the 20-credential limit, with Graph's answer", () => {
      const [conflict] = createConflictsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL);
      assert.deepStrictEqual(conflict.key, ["applicationId", "issuer", "subject"]);
      assert.strictEqual(conflict.enforcement, "service");
      assert.match(
        conflict.answer,
        /^400 InvalidFederatedIdentityCredentialValue: The combination of issuer and subject must be unique/,
      );
      assert.match(conflict.source, /azure-workload-identity#434/);
      assert.match(conflict.remedy ?? "", /deleteBeforeReplace/);
      assert.deepStrictEqual(
        createLimitsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL).map((l) => [
          l.per,
          l.max,
          l.enforcement,
        ]),
        [["applicationId", 20, "service"]],
      );
      assert.deepStrictEqual(createLimitsOf(APPLICATION_PASSWORD), []);
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
