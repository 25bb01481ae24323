/**
 * Certificate credentials under the mock runtime and the simulated Azure: per slot a key pair and a
 * self-signed certificate registered as the app's key credential, rotated exactly like passwords,
 * handed over through Key Vault as PEM.
 */
import * as assert from "assert";
import { X509Certificate } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import { deploy, planDeployment } from "../../tools/offline/simulator/deployment";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { runStack, SAMPLE_CONFIG, StackRun } from "../support/runStack";

const IN_WINDOW_3 = Date.parse("2026-11-21T09:00:00Z");
const LATER_IN_WINDOW_3 = Date.parse("2026-12-21T23:59:00Z");
const WINDOW_4 = Date.parse("2026-12-22T00:00:00Z");
const CERT_CONFIG: RawStackConfig = {
  ...SAMPLE_CONFIG,
  apps: [
    { name: "signer", credential: "certificate", owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"] },
    {
      name: "crm-cert",
      credential: "certificate",
      existing: { servicePrincipalObjectId: "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d" },
    },
  ],
};
const HOUR = 3_600_000;

const certificatePem = (run: StackRun, name: string) => String(run.byName(name).outputs.certPem);

describe("certificate credentials under the mock runtime", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(CERT_CONFIG, IN_WINDOW_3);
  });

  it("declares per slot a schedule, an RSA key, a client-auth certificate and the key credential", () => {
    assert.deepStrictEqual(run.failures, []);
    for (const slot of [0, 1]) {
      const prefix = `signer-certificates-slot${slot}`;
      const schedule = run.byName(`${prefix}-schedule`);
      assert.strictEqual(schedule.type, "random:index/randomId:RandomId");
      assert.deepStrictEqual(schedule.inputs.keepers, {
        "rotation-window": "2025-01-01T00:00:00Z/P180D#1",
        "rotation-slot": `${slot}/2`,
        "rotation-trigger": "0",
      });
      const key = run.registrations.find((r) => r.name.startsWith(`${prefix}-key-`))!;
      assert.deepStrictEqual(key.inputs, { algorithm: "RSA", rsaBits: 2048 });
      const cert = run.byName(`${prefix}-cert`);
      // terraform-provider-tls's own names (internal/provider/common_cert.go), passed through as is.
      assert.deepStrictEqual(cert.inputs.allowedUses, [
        "digital_signature",
        "key_encipherment",
        "client_auth",
      ]);
      assert.deepStrictEqual(cert.inputs.subject, {
        commonName: `app-credentials signer slot ${slot} generation 1`,
        serialNumber: schedule.outputs.hex,
      });
      assert.deepStrictEqual(cert.propertyDependencies.subject, [schedule.urn]);
      assert.deepStrictEqual(cert.propertyDependencies.privateKeyPem, [key.urn]);
      const credential = run.byName(prefix);
      assert.strictEqual(
        credential.type,
        "azuread:index/applicationCertificate:ApplicationCertificate",
      );
      assert.strictEqual(credential.inputs.type, "AsymmetricX509Cert");
      assert.strictEqual(credential.inputs.encoding, "pem");
      assert.deepStrictEqual(credential.propertyDependencies.value, [cert.urn]);
      // The certificate covers the key credential's end date and lives no longer than maxLifetime.
      const x509 = new X509Certificate(certificatePem(run, `${prefix}-cert`));
      const endMs = Date.parse(String(credential.inputs.endDate));
      assert.ok(
        Date.parse(x509.validTo) >= endMs,
        `${x509.validTo} covers ${credential.inputs.endDate}`,
      );
      assert.ok(
        Date.parse(x509.validTo) - Date.parse(x509.validFrom) <= 730 * 24 * HOUR,
        "validity ≤ P2Y",
      );
      assert.match(x509.subject, new RegExp(`CN=app-credentials signer slot ${slot} generation 1`));
    }
    assert.strictEqual(
      run.byName("crm-cert-certificates-slot0").type,
      "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate",
    );
  });

  it("hands the active certificate and its key to <app>-client-certificate as PEM, tagged and expiring with it", async () => {
    const secret = run.byName("signer-secrets-client-certificate");
    const properties = secret.inputs.properties as Record<string, unknown>;
    assert.strictEqual(properties.contentType, "application/x-pem-file");
    assert.strictEqual(properties.value, "[secret]");
    assert.deepStrictEqual(properties.attributes, {
      enabled: true,
      expires: Date.parse("2027-07-20T00:00:00Z") / 1000,
    });
    const tags = secret.inputs.tags as Record<string, string>;
    const active = run.byName("signer-certificates-slot1");
    const activePem = certificatePem(run, "signer-certificates-slot1-cert");
    assert.strictEqual(tags.keyId, active.outputs.keyId);
    assert.strictEqual(
      tags.thumbprint,
      new X509Certificate(activePem).fingerprint.replace(/:/g, ""),
    );
    assert.deepStrictEqual(
      [tags.slot, tags.generation, tags.endDate],
      ["1", "1", "2027-07-20T00:00:00Z"],
    );
    // Key Vault waits for the key credential: a credential Entra refused is never handed over.
    assert.ok(secret.propertyDependencies.tags.includes(active.urn));
    // The PEM bundle, as the program holds it: certificate then private key, and secret.
    simulateAzure({ project: "app-credentials", stack: "test", nowMs: () => IN_WINDOW_3 });
    const { AppCredential, appResourcesOf } = await import("../../components/appCredential");
    const { setRunDeploymentInstant } = await import("../../components/instant");
    const config = parseStackConfig(CERT_CONFIG, IN_WINDOW_3);
    setRunDeploymentInstant(IN_WINDOW_3);
    const component = new AppCredential("pem-check", {
      ...config.apps[0].args,
      keyVault: { resourceGroupName: "rg", vaultName: "kv-test" },
    });
    const credential = appResourcesOf(component);
    const value = credential.credentials!.active.secretValue!;
    assert.strictEqual(await pulumi.isSecret(value), true);
    const pem = await new Promise<string>((resolve) => value.apply(resolve));
    assert.match(
      pem,
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n-----BEGIN (RSA )?PRIVATE KEY-----/,
    );
  });

  it("records no private key material anywhere", () => {
    assert.doesNotMatch(JSON.stringify(run.registrations), /PRIVATE KEY/);
  });

  it("changes nothing between two deployments in one window", async () => {
    deploy(run.world, run.registrations, IN_WINDOW_3);
    const later = await runStack(CERT_CONFIG, LATER_IN_WINDOW_3, { world: run.world });
    assert.deepStrictEqual(
      planDeployment(later.world, later.registrations).filter(
        (s) => !["same", "read"].includes(s.op),
      ),
      [],
    );
  });

  it("at its generation replaces only the due slot's key, certificate and key credential; Key Vault gets the new PEM", async () => {
    const next = await runStack(CERT_CONFIG, WINDOW_4, { world: run.world });
    const changes = planDeployment(next.world, next.registrations)
      .filter((s) => s.name.startsWith("signer") && !["same", "read"].includes(s.op))
      .map((s) => `${s.op} ${s.name.replace(/-key-[0-9a-f]{10}$/, "-key-<version>")}`)
      .sort();
    assert.deepStrictEqual(changes, [
      "create signer-certificates-slot0-key-<version>",
      "delete signer-certificates-slot0-key-<version>",
      "replace signer-certificates-slot0",
      "replace signer-certificates-slot0-cert",
      "replace signer-certificates-slot0-schedule",
      "update signer-secrets-client-certificate",
      // Every secret expires with the active credential, which is now slot 0's.
      "update signer-secrets-client-id",
      "update signer-secrets-tenant-id",
    ]);
    const tags = next.byName("signer-secrets-client-certificate").inputs.tags as Record<
      string,
      string
    >;
    assert.deepStrictEqual([tags.slot, tags.generation], ["0", "2"]);
    assert.strictEqual(tags.keyId, next.byName("signer-certificates-slot0").outputs.keyId);
  });

  it("a trigger replaces every key and certificate with unchanged end dates", async () => {
    const rotated = await runStack({ ...CERT_CONFIG, rotationTrigger: "leak-42" }, IN_WINDOW_3, {
      world: run.world,
    });
    const steps = planDeployment(rotated.world, rotated.registrations);
    for (const slot of [0, 1]) {
      const name = `signer-certificates-slot${slot}`;
      assert.strictEqual(steps.find((s) => s.name === name)?.op, "replace", name);
      assert.strictEqual(steps.find((s) => s.name === `${name}-cert`)?.op, "replace");
      assert.ok(steps.some((s) => s.op === "create" && s.name.startsWith(`${name}-key-`)));
      assert.strictEqual(
        rotated.byName(name).inputs.endDate,
        run.byName(name).inputs.endDate,
        "end date unchanged",
      );
    }
  });

  it("refuses a certificate schedule that is not in whole hours", () => {
    assert.throws(
      () =>
        parseStackConfig(
          {
            ...CERT_CONFIG,
            rotation: { period: "P1DT30M", grace: "P30D", anchor: "2025-01-01T00:00:00Z" },
          },
          IN_WINDOW_3,
        ),
      (error: ConfigError) =>
        error.problems.some((p) =>
          p.startsWith(
            'app-credentials:apps[0].credential: "certificate" is invalid; a certificate\'s validity is set in whole hours',
          ),
        ),
    );
  });
});
