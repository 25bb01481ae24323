/**
 * `credential: keyVaultCertificate`: the config's whole-month validity (covering every end date,
 * never beyond maxLifetime), `exportable`, and what the stack declares: one Key Vault certificate
 * generated from a policy (no AutoRenew), per slot a stash of the version and the key credential
 * with its hex DER, the consumers' roles on the companion secret or on the key and certificate, and
 * no private key anywhere in what the program registers.
 */
import * as assert from "assert";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const KV_CERTIFICATE = "azure:keyvault/certificate:Certificate";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APP_CERTIFICATE = "azuread:index/applicationCertificate:ApplicationCertificate";
const WEB = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";

function config(app: Record<string, unknown>, rotation?: Record<string, unknown>): RawStackConfig {
  return {
    ...SAMPLE_CONFIG,
    ...(rotation ? { rotation: { ...(SAMPLE_CONFIG.rotation as object), ...rotation } } : {}),
    apps: [{ name: "signer", displayName: "Signer", credential: "keyVaultCertificate", ...app }],
  };
}

function problemsOf(raw: RawStackConfig): string[] {
  try {
    parseStackConfig(raw, NOW);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

describe("keyVaultCertificate in config", () => {
  it("sets the policy's validity to the fewest whole months covering 2·period + grace, exportable by default", () => {
    const [app] = parseStackConfig(config({}), NOW).apps;
    // P180D·2 + P30D = 390 days: 13 months cover it from any window start.
    assert.deepStrictEqual(app.keyVaultCertificate, { exportable: true, validityInMonths: 13 });
    const [locked] = parseStackConfig(config({ exportable: false }), NOW).apps;
    assert.strictEqual(locked.keyVaultCertificate?.exportable, false);
  });

  it("refuses a schedule whose whole months would outlive maxLifetime, and exportable elsewhere", () => {
    // 2·P300D + P30D = 630 days needs 21 months, which can last 640 days, over P630D.
    const problems = problemsOf(
      config({ rotation: { maxLifetime: "P630D" } }, { period: "P300D", grace: "P30D" }),
    );
    assert.match(
      problems.join("\n"),
      /apps\[0\]\.credential: "keyVaultCertificate" is invalid; Key Vault sets a certificate's validity in whole months: .*beyond maxLifetime P630D/,
    );
    assert.match(
      problemsOf({ ...SAMPLE_CONFIG, apps: [{ name: "p", exportable: false }] })[0],
      /apps\[0\]\.exportable: false is invalid; only a certificate Key Vault generates/,
    );
  });
});

describe("keyVaultCertificate in the stack", () => {
  it("declares one generated certificate per app and a hex key credential per slot, and no private key", async () => {
    const run = await runStack(config({}), NOW);
    const [certificate] = run.registrations.filter((r) => r.type === KV_CERTIFICATE);
    assert.ok(certificate, "a Key Vault certificate");
    assert.strictEqual(certificate.inputs.name, "signer-client-cert");
    const policy = certificate.inputs.certificatePolicy as {
      issuerParameters: { name: string };
      keyProperties: { exportable: boolean; keyType: string; keySize: number };
      lifetimeActions: { action: { actionType: string } }[];
      x509CertificateProperties: {
        validityInMonths: number;
        subject: string;
        extendedKeyUsages: string[];
      };
    };
    assert.strictEqual(policy.issuerParameters.name, "Self");
    assert.deepStrictEqual(
      policy.lifetimeActions.map((a) => a.action.actionType),
      ["EmailContacts"],
      "never AutoRenew",
    );
    assert.strictEqual(policy.x509CertificateProperties.validityInMonths, 13);
    assert.deepStrictEqual(policy.x509CertificateProperties.extendedKeyUsages, [
      "1.3.6.1.5.5.7.3.2",
    ]);
    assert.match(
      policy.x509CertificateProperties.subject,
      /^CN=app-credentials signer slot \d generation \d+,OU=trigger [0-9a-f]{8}$/,
    );
    const credentials = run.registrations.filter((r) => r.type === APP_CERTIFICATE);
    assert.strictEqual(credentials.length, 2);
    for (const c of credentials) assert.strictEqual(c.inputs.encoding, "hex");
    const everything = JSON.stringify(run.registrations.map((r) => [r.inputs, r.outputs]));
    assert.doesNotMatch(everything, /PRIVATE KEY/);
  });

  it("grants consumers the companion secret, or for a non-exportable key the key and the certificate", async () => {
    const consumers = [{ name: "web", kind: "appService", principalId: WEB }];
    const roles = async (exportable: boolean) => {
      const run = await runStack(config({ exportable, consumers }), NOW);
      return run.registrations
        .filter((r) => r.type === ROLE_ASSIGNMENT)
        .map(
          (r) =>
            `${String(r.inputs.scope).split("/vaults/")[1].split("/").slice(1).join("/")} ${String(r.inputs.roleDefinitionId).split("/").pop()}`,
        )
        .sort();
    };
    assert.deepStrictEqual(await roles(true), [
      "secrets/signer-client-cert 4633458b-17de-408a-b874-0445c86b69e6",
      "secrets/signer-client-id 4633458b-17de-408a-b874-0445c86b69e6",
      "secrets/signer-tenant-id 4633458b-17de-408a-b874-0445c86b69e6",
    ]);
    assert.deepStrictEqual(await roles(false), [
      "certificates/signer-client-cert db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
      "keys/signer-client-cert 12338af0-0e69-4776-bea7-57ae8d297424",
      "secrets/signer-client-id 4633458b-17de-408a-b874-0445c86b69e6",
      "secrets/signer-tenant-id 4633458b-17de-408a-b874-0445c86b69e6",
    ]);
  });
});
