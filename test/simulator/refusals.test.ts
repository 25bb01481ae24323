/**
 * Every rule of the simulated Azure (tools/offline/simulator/refusals.ts), triggered once: the refusal names
 * its rule, carries the rule's phase and code, and says Azure's or the provider's answer.
 */
import * as assert from "assert";
import * as azurekv from "@pulumi/azure/keyvault";
import * as azuread from "@pulumi/azuread";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as tls from "@pulumi/tls";
import { deploy } from "../../tools/offline/simulator/deployment";
import { REFUSAL_RULES, RefusalRuleId } from "../../tools/offline/simulator/refusals";
import { SimulatedFailure, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { parseTenantSnapshot } from "../../tools/offline/simulator/tenant";
import { SIMULATED_SUBSCRIPTION_ID, SimulatedWorld } from "../../tools/offline/simulator/world";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const MISSING = "0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d";
const OTHERS_APP = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
const LOCKED_SP = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";

/** Declares resources against `world` and returns the refusals of that run. */
async function refusals(
  world: SimulatedWorld,
  declare: () => void,
  deployAfter = false,
): Promise<SimulatedFailure[]> {
  const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
  declare();
  await simulation.settle();
  if (deployAfter) deploy(world, simulation.registrations, NOW);
  return simulation.failures;
}

const tenant = () =>
  parseTenantSnapshot(
    {
      applications: [{ id: OTHERS_APP, appId: MISSING }],
      servicePrincipals: [
        {
          id: LOCKED_SP,
          appId: "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
          servicePrincipalLockConfiguration: {
            isEnabled: true,
            allProperties: false,
            credentialsWithUsageVerify: true,
            credentialsWithUsageSign: false,
          },
        },
      ],
    },
    "tenant.json",
  );

/** A tenant whose default policy caps passwords at P90D and blocks them on OTHERS_APP. */
const policyTenant = () =>
  parseTenantSnapshot(
    {
      defaultAppManagementPolicy: {
        id: "00000000-0000-0000-0000-000000000000",
        isEnabled: true,
        applicationRestrictions: {
          passwordCredentials: [
            { restrictionType: "passwordLifetime", state: "enabled", maxLifetime: "P90D" },
          ],
        },
      },
      appManagementPolicies: {
        value: [
          {
            id: "f0000001-0000-4000-8000-000000000000",
            displayName: "No secrets",
            isEnabled: true,
            restrictions: {
              passwordCredentials: [{ restrictionType: "passwordAddition", state: "enabled" }],
            },
            appliesTo: [{ "@odata.type": "#microsoft.graph.application", id: OTHERS_APP }],
          },
        ],
      },
    },
    "tenant.json",
  );

const personalApp = () =>
  new azuread.Application("personal", {
    displayName: "personal",
    signInAudience: "PersonalMicrosoftAccount",
    api: { requestedAccessTokenVersion: 2 },
  });

const vaultSecret = (name: string, value = "v") =>
  new keyvault.Secret(name, {
    resourceGroupName: "rg",
    vaultName: "vault-1",
    secretName: name,
    properties: { value },
  });

const SECRETS_USER = `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
const CONSUMER = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
const ASSIGNMENT = "0f8fad5b-d9cb-4a9f-a165-70867728950e";
const secretScope = (name: string) =>
  `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault-1/secrets/${name}`;

/** A consumer's `Key Vault Secrets User` assignment on one secret, as the program declares it. */
const reader = (scope: string | keyvault.Secret, name = ASSIGNMENT) =>
  new authorization.RoleAssignment("reader", {
    scope: typeof scope === "string" ? scope : scope.id,
    roleDefinitionId: SECRETS_USER,
    principalId: CONSUMER,
    principalType: "ServicePrincipal",
    roleAssignmentName: name,
  });

/** A federated identity credential on `applicationId`, trusting GitHub's `environment`. */
const federated = (name: string, applicationId: string, environment = "prod", displayName = name) =>
  new azuread.ApplicationFederatedIdentityCredential(name, {
    applicationId,
    displayName,
    issuer: "https://token.actions.githubusercontent.com",
    subject: `repo:contoso/infra:environment:${environment}`,
    audiences: ["api://AzureADTokenExchange"],
  });

const VAULT_ID = `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault-1`;

/** A Key Vault certificate `name` in vault-1, self-signed, RSA `keySize`. */
const kvCertificate = (name: string, keySize = 2048) =>
  new azurekv.Certificate(name, {
    name,
    keyVaultId: VAULT_ID,
    certificatePolicy: {
      issuerParameters: { name: "Self" },
      keyProperties: { exportable: true, keyType: "RSA", keySize, reuseKey: false },
      secretProperties: { contentType: "application/x-pem-file" },
      x509CertificateProperties: {
        subject: `CN=${name}`,
        validityInMonths: 12,
        keyUsages: ["digitalSignature"],
        extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
      },
    },
  });

/** Per rule: how to trigger it, and a text its message must hold. */
const CASES: Record<RefusalRuleId, { run: () => Promise<SimulatedFailure[]>; says: RegExp }> = {
  "provider-input-invalid": {
    run: () =>
      refusals(new SimulatedWorld(), () => {
        const key = new tls.PrivateKey("key", { algorithm: "RSA" });
        new tls.SelfSignedCert("cert", {
          privateKeyPem: key.privateKeyPem,
          validityPeriodHours: 24,
          allowedUses: ["digitalSignature", "client_auth"],
        });
      }),
    says: /allowedUses.*digitalSignature/,
  },
  "object-not-found-read": {
    run: () =>
      refusals(new SimulatedWorld({ tenant: tenant() }), () => {
        azuread.Application.get("gone", `/applications/${MISSING}`);
      }),
    says: /404 Request_ResourceNotFound/,
  },
  "object-not-found-write": {
    run: () =>
      refusals(new SimulatedWorld({ tenant: tenant() }), () => {
        new azuread.ApplicationPassword("pw", {
          applicationId: `/applications/${MISSING}`,
          endDate: "2027-01-01T00:00:00Z",
        });
      }),
    says: /404 Request_ResourceNotFound/,
  },
  "owned-by-not-owner": {
    run: () => {
      const world = new SimulatedWorld();
      world.directory.create("application", OTHERS_APP, undefined, [MISSING]);
      return refusals(world, () => {
        new azuread.ApplicationPassword("pw", {
          applicationId: `/applications/${OTHERS_APP}`,
          endDate: "2027-01-01T00:00:00Z",
        });
      });
    },
    says: /Authorization_RequestDenied \(403\)/,
  },
  "service-principal-locked": {
    run: () =>
      refusals(new SimulatedWorld({ tenant: tenant(), deployer: { permission: "All" } }), () => {
        new azuread.ServicePrincipalPassword("pw", {
          servicePrincipalId: `/servicePrincipals/${LOCKED_SP}`,
          endDate: "2027-01-01T00:00:00Z",
        });
      }),
    says: /CannotUpdateLockedServicePrincipalProperty/,
  },
  "personal-account-password-limit": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        const app = personalApp();
        for (const n of [1, 2, 3]) {
          new azuread.ApplicationPassword(`pw${n}`, {
            applicationId: app.id,
            endDate: "2027-01-01T00:00:00Z",
          });
        }
      }),
    says: /at most 2 client secrets/,
  },
  "personal-account-symmetric-key": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        const app = personalApp();
        new azuread.ApplicationCertificate("key", {
          applicationId: app.id,
          type: "Symmetric",
          value: "c2VjcmV0",
          encoding: "base64",
          endDate: "2027-01-01T00:00:00Z",
        });
      }),
    says: /only encryption and asymmetric signing keys/,
  },
  "app-policy-credential-lifetime": {
    run: () =>
      refusals(
        new SimulatedWorld({ tenant: policyTenant(), deployer: { permission: "All" } }),
        () => {
          const app = new azuread.Application("api", { displayName: "api" });
          new azuread.ApplicationPassword("pw", {
            applicationId: app.id,
            endDate: "2027-03-30T10:00:00Z", // 120 days after NOW
          });
        },
      ),
    says: /400 CredentialInvalidLifetimeAsPerAppPolicy \("Credential lifetime exceeds the max value allowed as per assigned policy '00000000-0000-0000-0000-000000000000'\."\): the tenant caps passwords at P90D \(default app management policy, applicationRestrictions: passwordLifetime\); this password would live 120 days/,
  },
  "app-policy-credential-type": {
    run: () =>
      refusals(
        new SimulatedWorld({ tenant: policyTenant(), deployer: { permission: "All" } }),
        () => {
          new azuread.ApplicationPassword("pw", {
            applicationId: `/applications/${OTHERS_APP}`,
            endDate: "2026-12-30T10:00:00Z",
          });
        },
      ),
    says: /400 CredentialTypeNotAllowedAsPerAppPolicy: the tenant blocks new passwords \(app management policy "No secrets" \(f0000001-0000-4000-8000-000000000000\): passwordAddition\)/,
  },
  "federated-credential-invalid": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        // 1–120 characters pass the provider's Check; Entra ID wants at least 3.
        federated("fic", `/applications/${OTHERS_APP}`, "prod", "ab");
      }),
    says: /Microsoft Graph refuses .*`displayName` = "ab": 3–120 letters, digits, '-' or '_'/,
  },
  "federated-credential-duplicate": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        federated("first", `/applications/${OTHERS_APP}`);
        federated("second", `/applications/${OTHERS_APP}`);
      }),
    says: /400 InvalidFederatedIdentityCredentialValue: The combination of issuer and subject must be unique for the application\. Issuer https:\/\/token\.actions\.githubusercontent\.com and Subject: repo:contoso\/infra:environment:prod already exist\..*"first"/,
  },
  "federated-credential-limit": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        for (let n = 1; n <= 21; n++) federated(`fic${n}`, `/applications/${OTHERS_APP}`, `e${n}`);
      }),
    says: /adding .*"fic21": 400 Bad Request: the application already holds 20 federated identity credentials/,
  },
  "key-credential-value-invalid": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        new azuread.ApplicationCertificate("cert", {
          applicationId: `/applications/${OTHERS_APP}`,
          type: "AsymmetricX509Cert",
          value: "not a certificate",
          encoding: "pem",
        });
      }),
    says: /not a pem-encoded X\.509 certificate/,
  },
  "key-credential-end-after-certificate": {
    run: () =>
      refusals(new SimulatedWorld({ deployer: { permission: "All" } }), () => {
        const key = new tls.PrivateKey("key", { algorithm: "RSA" });
        const cert = new tls.SelfSignedCert("cert", {
          privateKeyPem: key.privateKeyPem,
          validityPeriodHours: 24,
          allowedUses: ["digital_signature", "client_auth"],
          subject: { commonName: "c" },
        });
        new azuread.ApplicationCertificate("credential", {
          applicationId: `/applications/${OTHERS_APP}`,
          type: "AsymmetricX509Cert",
          value: cert.certPem,
          encoding: "pem",
          endDate: "2027-01-01T00:00:00Z",
        });
      }),
    says: /400 Key credential end date is invalid/,
  },
  "tls-private-key-invalid": {
    run: () =>
      refusals(new SimulatedWorld(), () => {
        new tls.SelfSignedCert("cert", {
          privateKeyPem:
            "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
          validityPeriodHours: 24,
          allowedUses: ["digital_signature"],
        });
      }),
    says: /not a PEM private key/,
  },
  "keyvault-secret-deleted-recoverable": {
    run: async () => {
      const world = new SimulatedWorld({ successiveDeployments: true });
      world.vaults.create("vault-1", "old-secret", NOW - 86_400_000, false, "seed");
      world.vaults.delete("vault-1", "old-secret", NOW - 3_600_000, true, "seed");
      return refusals(world, () => vaultSecret("old-secret"));
    },
    says: /409 Conflict ObjectIsDeletedButRecoverable/,
  },
  "keyvault-secret-delete-forbidden": {
    run: async () => {
      const world = new SimulatedWorld({ successiveDeployments: true });
      await refusals(world, () => vaultSecret("kept"), true);
      const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
      await simulation.settle();
      return deploy(world, simulation.registrations, NOW).failures;
    },
    says: /403 Forbidden.*secrets\/delete/,
  },
  "keyvault-certificate-policy-invalid": {
    // 256 passes azurerm's IntInSlice (an EC size); Key Vault makes RSA keys of 2048–4096 bits.
    run: () => refusals(new SimulatedWorld(), () => kvCertificate("small", 256)),
    says: /Key Vault: 400 BadParameter: Property certificatePolicy\.keyProperties\.keySize has invalid value 256: one of 2048, 3072, 4096 when `certificatePolicy\.keyProperties\.keyType` is "RSA"/,
  },
  "keyvault-certificate-forbidden": {
    run: () =>
      refusals(new SimulatedWorld({ keyVaultCertificatesOfficer: ["another-vault"] }), () =>
        kvCertificate("c"),
      ),
    says: /403 Forbidden ForbiddenByRbac: .*Action: 'Microsoft\.KeyVault\/vaults\/certificates\/create\/action'.*Key Vault Certificates Officer/,
  },
  "keyvault-certificate-exists": {
    run: () => {
      const world = new SimulatedWorld();
      world.vaults.certificateWritten(
        "vault-1",
        "c",
        undefined,
        "https://vault-1.vault.azure.net/certificates/c/0123456789abcdef0123456789abcdef",
      );
      return refusals(world, () => kvCertificate("c"));
    },
    says: /A resource with the ID "https:\/\/vault-1\.vault\.azure\.net\/certificates\/c\/0123456789abcdef0123456789abcdef" already exists.*`pulumi import azure:keyvault\/certificate:Certificate c https:/,
  },
  "keyvault-certificate-deleted-recoverable": {
    run: () => {
      const world = new SimulatedWorld({
        azureKeyVaultFeatures: { recoverSoftDeletedCertificates: false },
      });
      world.vaults.certificateWritten("vault-1", "c");
      world.vaults.certificateDeleted("vault-1", "c", NOW - 3_600_000, false);
      return refusals(world, () => kvCertificate("c"));
    },
    says: /409 Conflict ObjectIsDeletedButRecoverable: Certificate c is currently in a deleted but recoverable state/,
  },
  "role-assignment-input-invalid": {
    run: () => refusals(new SimulatedWorld(), () => reader(vaultSecret("s"), "orders-web-reader")),
    says: /400 InvalidRoleAssignmentId: The role assignment ID 'orders-web-reader' is not valid\. The role assignment ID must be a GUID\./,
  },
  "azure-native-already-exists": {
    run: () =>
      refusals(
        new SimulatedWorld({
          roleAssignments: [
            {
              name: ASSIGNMENT,
              scope: secretScope("s"),
              principalId: CONSUMER,
              roleDefinitionId: SECRETS_USER,
            },
          ],
        }),
        () => reader(vaultSecret("s")),
      ),
    says: /cannot create already existing resource '.*\/roleAssignments\/0f8fad5b-d9cb-4a9f-a165-70867728950e'.*`pulumi import azure-native:authorization:RoleAssignment reader \/subscriptions\//,
  },
  "role-assignment-write-forbidden": {
    run: () =>
      refusals(new SimulatedWorld({ roleAssignmentWrite: false }), () => reader(vaultSecret("s"))),
    says: /403 AuthorizationFailed: .* to perform action 'Microsoft\.Authorization\/roleAssignments\/write'/,
  },
  "role-assignment-scope-not-found": {
    run: () => refusals(new SimulatedWorld(), () => reader(secretScope("never-created"))),
    says: /404 ResourceNotFound: The Resource 'Microsoft\.KeyVault\/vaults\/vault-1\/secrets\/never-created' under resource group 'rg' was not found/,
  },
  "role-assignment-exists": {
    run: () =>
      refusals(
        new SimulatedWorld({
          roleAssignments: [
            {
              name: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
              scope: secretScope("s").toUpperCase(),
              principalId: CONSUMER,
              roleDefinitionId: SECRETS_USER,
            },
          ],
        }),
        () => reader(vaultSecret("s")),
      ),
    says: /409 Conflict RoleAssignmentExists: The role assignment already exists\./,
  },
};

describe("the simulated Azure's refusals, one rule at a time", () => {
  for (const [id, rule] of Object.entries(REFUSAL_RULES) as [
    RefusalRuleId,
    (typeof REFUSAL_RULES)[RefusalRuleId],
  ][]) {
    it(`${id}: ${rule.phase}, ${rule.code} — ${rule.answer}`, async () => {
      const found = await CASES[id].run();
      assert.strictEqual(found.length, 1, JSON.stringify(found, null, 1));
      const [refusal] = found;
      assert.strictEqual(refusal.rule, id);
      assert.strictEqual(refusal.phase, rule.phase);
      assert.strictEqual(refusal.code, rule.code);
      assert.match(refusal.message, CASES[id].says);
      assert.ok(rule.source.length > 0);
    });
  }

  it("a test for every rule, and a rule for every test", () => {
    assert.deepStrictEqual(Object.keys(CASES).sort(), Object.keys(REFUSAL_RULES).sort());
  });
});
