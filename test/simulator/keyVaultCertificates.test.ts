/**
 * Key Vault certificates in the simulated Azure (tools/offline/simulator/keyVaultCertificates.ts),
 * the engine's builtin Stash and `replacementTrigger` option (tools/offline/simulator/stash.ts),
 * through the stack's `credential: keyVaultCertificate` apps and through resources declared here:
 *
 * - a dev-stack-like run: Key Vault makes a real self-signed version with the policy's subject,
 *   validity and client-auth usage; azurerm's outputs (upper-case hex DER, base64, SHA-1
 *   thumbprint, ids, attributes); both slots' key credentials get that DER; no private key
 *   anywhere;
 * - successive deployments: a window boundary makes a new version in place, replaces exactly the
 *   rotated slot's Stash (its trigger changed) and key credential, while the other slot keeps the
 *   previous version; a rotationTrigger change replaces both;
 * - what azurerm and Key Vault refuse, with their sources, and what passes (AutoRenew);
 * - a deleted certificate: soft-deleted with its secret and key, its name reserved through the
 *   vault's retention (or purged when the vault allows it);
 * - role assignments scoped to a certificate's key, and the deployer's data role.
 */
import * as assert from "assert";
import { createHash, X509Certificate } from "crypto";
import * as azurekv from "@pulumi/azure/keyvault";
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { RawStackConfig } from "../../components/config";
import {
  APPLICATION_CERTIFICATE,
  KEYVAULT_CERTIFICATE,
  PULUMI_STASH,
} from "../../policy/core/resource-types";
import { deploy, planDeployment, PlannedStep } from "../../tools/offline/simulator/deployment";
import { parseSubject } from "../../tools/offline/simulator/keyVaultCertificates";
import {
  Registration,
  SimulatedFailure,
  simulateAzure,
  simulationKey,
} from "../../tools/offline/simulator/simulatedAzure";
import { replacementTriggered, simulateStash } from "../../tools/offline/simulator/stash";
import { parseTenantSnapshot } from "../../tools/offline/simulator/tenant";
import { SIMULATED_SUBSCRIPTION_ID, SimulatedWorld } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG, StackRun } from "../support/runStack";

const IN_WINDOW_3 = Date.parse("2026-11-21T09:00:00Z");
const LATER_IN_WINDOW_3 = Date.parse("2026-12-21T23:59:00Z");
const WINDOW_4 = Date.parse("2026-12-22T00:00:00Z");
const DAY = 86_400_000;
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

const KVC = { name: "kvc", displayName: "KVC", credential: "keyVaultCertificate" };
const SIGNER = {
  name: "kvs",
  displayName: "KV signer",
  credential: "keyVaultCertificate",
  exportable: false,
};
const CONFIG: RawStackConfig = { ...SAMPLE_CONFIG, apps: [KVC, SIGNER] };

/** A world that keeps the providers' answers between deployments. */
const newWorld = (options: ConstructorParameters<typeof SimulatedWorld>[0] = {}) =>
  new SimulatedWorld({ successiveDeployments: true, ...options });

/** The app's registration of `type` whose name ends with `suffix` (one). */
function one(run: { registrations: Registration[] }, app: string, type: string, suffix = "") {
  const found = run.registrations.filter(
    (r) => r.type === type && r.name.startsWith(`${app}-`) && r.name.endsWith(suffix),
  );
  assert.strictEqual(found.length, 1, `${app} ${type} *${suffix}: ${found.map((r) => r.name)}`);
  return found[0];
}
const certificateOf = (run: StackRun, app: string) => one(run, app, KEYVAULT_CERTIFICATE);
const stashOf = (run: StackRun, app: string, slot: number) =>
  one(run, app, PULUMI_STASH, `-slot${slot}-version`);
const credentialOf = (run: StackRun, app: string, slot: number) =>
  one(run, app, APPLICATION_CERTIFICATE, `-slot${slot}`);

/** The value the key credential was given (the world's unmasked provider answer). */
function credentialValue(world: SimulatedWorld, registration: Registration): unknown {
  const answer = world.previousAnswer(
    simulationKey("test", "app-credentials", registration.type, registration.name),
  );
  assert.ok(answer, `no answer for ${registration.name}`);
  return answer.inputs.value;
}

/** The step of the resource `name`. */
function stepOf(steps: PlannedStep[], name: string): PlannedStep {
  const found = steps.find((s) => s.name === name);
  assert.ok(found, `no step for ${name}`);
  return found;
}

/** `a PKCS#12 PFX`: a DER SEQUENCE whose first element is INTEGER 3 (RFC 7292 §4, version v3). */
function isPkcs12(der: Buffer): boolean {
  if (der.length < 8 || der[0] !== 0x30) return false;
  const lengthBytes = der[1] & 0x80 ? der[1] & 0x7f : 0;
  const at = 2 + lengthBytes;
  return der[at] === 0x02 && der[at + 1] === 0x01 && der[at + 2] === 0x03;
}

/** Every string in `value`, recursively. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** Asserts that no output holds a private key, in PEM or as a PKCS#12 body (hex or base64). */
function assertNoPrivateKey(registrations: Registration[]): void {
  assert.doesNotMatch(JSON.stringify(registrations), /PRIVATE KEY/);
  for (const text of strings(registrations.map((r) => r.outputs))) {
    if (text.length < 64) continue;
    const decoded = /^[0-9A-Fa-f]+$/.test(text)
      ? Buffer.from(text, "hex")
      : /^[A-Za-z0-9+/]+=*$/.test(text)
        ? Buffer.from(text, "base64")
        : undefined;
    if (decoded) assert.ok(!isPkcs12(decoded), `a PKCS#12 body: ${text.slice(0, 40)}…`);
  }
}

describe("Key Vault certificates in the simulated Azure", function () {
  this.timeout(120_000);

  describe("a dev-stack-like run of keyVaultCertificate apps", () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(CONFIG, IN_WINDOW_3, { world: newWorld() });
    });

    it("has no refusals", () => {
      assert.deepStrictEqual(run.failures, []);
    });

    it("Key Vault issues a version from the policy: subject, validity from now, client-auth usage", () => {
      for (const app of [KVC.name, SIGNER.name]) {
        const certificate = certificateOf(run, app);
        const outputs = certificate.outputs;
        const policy = certificate.inputs.certificatePolicy as {
          x509CertificateProperties: { subject: string; validityInMonths: number };
        };
        assert.match(String(outputs.certificateData), /^(?:[0-9A-F]{2})+$/, "upper-case hex DER");
        const der = Buffer.from(String(outputs.certificateData), "hex");
        assert.strictEqual(outputs.certificateDataBase64, der.toString("base64"));
        const x509 = new X509Certificate(der);
        assert.ok(x509.verify(x509.publicKey), "self-signed");
        assert.strictEqual(x509.subject, x509.issuer);
        const subject = policy.x509CertificateProperties.subject;
        assert.strictEqual(x509.subject.replace(/\n/g, ","), subject);
        assert.strictEqual(Date.parse(x509.validFrom), IN_WINDOW_3);
        const months = policy.x509CertificateProperties.validityInMonths;
        const expires = new Date(IN_WINDOW_3);
        expires.setUTCMonth(expires.getUTCMonth() + months);
        assert.strictEqual(Date.parse(x509.validTo), expires.getTime(), `${months} months`);
        assert.deepStrictEqual(x509.keyUsage, [CLIENT_AUTH]);
        assert.strictEqual(
          outputs.thumbprint,
          createHash("sha1").update(der).digest("hex").toUpperCase(),
        );
        assert.strictEqual(outputs.thumbprint, x509.fingerprint.replace(/:/g, ""));
        assert.match(String(outputs.version), /^[0-9a-f]{32}$/);
        const vault = String(certificate.inputs.keyVaultId).split("/").pop();
        const name = `${app}-client-cert`;
        const base = `https://${vault}.vault.azure.net`;
        assert.strictEqual(outputs.versionlessId, `${base}/certificates/${name}`);
        assert.strictEqual(outputs.id, `${base}/certificates/${name}/${outputs.version}`);
        assert.strictEqual(certificate.id, outputs.id, "the resource id is the versioned id");
        assert.strictEqual(outputs.versionlessSecretId, `${base}/secrets/${name}`);
        assert.strictEqual(outputs.secretId, `${base}/secrets/${name}/${outputs.version}`);
        assert.strictEqual(
          outputs.resourceManagerVersionlessId,
          `${certificate.inputs.keyVaultId}/certificates/${name}`,
        );
        assert.strictEqual(
          outputs.resourceManagerId,
          `${certificate.inputs.keyVaultId}/certificates/${name}/versions/${outputs.version}`,
        );
        assert.deepStrictEqual(outputs.certificateAttributes, [
          {
            created: "2026-11-21T09:00:00Z",
            enabled: true,
            expires: expires.toISOString().replace(/\.000Z$/, "Z"),
            notBefore: "2026-11-21T09:00:00Z",
            // The stack's vault has purge protection.
            recoveryLevel: "Recoverable",
            updated: "2026-11-21T09:00:00Z",
          },
        ]);
        // Its companion secret and key exist from now on.
        assert.ok(run.world.vaults.exists(String(vault), name));
        assert.ok(run.world.vaults.keyExists(String(vault), name));
      }
    });

    it("both slots' Stashes hold that version and both key credentials get its hex DER", () => {
      deploy(run.world, run.registrations, IN_WINDOW_3);
      for (const app of [KVC.name, SIGNER.name]) {
        const data = certificateOf(run, app).outputs.certificateData;
        for (const slot of [0, 1]) {
          const stash = stashOf(run, app, slot);
          const held = stash.outputs.output as Record<string, unknown>;
          assert.strictEqual(held.certificateData, data);
          assert.deepStrictEqual(
            stash.outputs.input,
            stash.outputs.output,
            "created: output = input",
          );
          const credential = credentialOf(run, app, slot);
          assert.strictEqual(credential.inputs.encoding, "hex");
          assert.deepStrictEqual(credential.propertyDependencies.value, [stash.urn]);
          assert.strictEqual(credentialValue(run.world, credential), data);
          // Graph dated the key credential from the certificate it was given.
          assert.strictEqual(credential.outputs.startDate, "2026-11-21T09:00:00Z");
        }
      }
    });

    it("the registrations carry each Stash's replacementTrigger: the slot's schedule", () => {
      for (const slot of [0, 1]) {
        const trigger = stashOf(run, KVC.name, slot).replacementTrigger;
        assert.strictEqual(typeof trigger, "string");
        const schedule = JSON.parse(String(trigger)) as Record<string, string>;
        assert.strictEqual(schedule["rotation-slot"], `${slot}/2`);
        assert.strictEqual(schedule["rotation-trigger"], "0");
      }
    });

    it("records no private key: no PEM, no PKCS#12 body", () => {
      assertNoPrivateKey(run.registrations);
      assert.doesNotMatch(JSON.stringify([...run.world.state.values()]), /PRIVATE KEY/);
    });
  });

  describe("successive deployments", () => {
    let world: SimulatedWorld;
    let first: StackRun;
    let rotated: StackRun;
    let rotatedSteps: PlannedStep[];
    let laterSteps: PlannedStep[];
    before(async () => {
      world = newWorld();
      first = await runStack(CONFIG, IN_WINDOW_3, { world });
      deploy(world, first.registrations, IN_WINDOW_3);
      // Not deployed: only the plan is read. (The world stages the answers of its last run, which
      // the next deployment keeps: the rotated run comes last.)
      const later = await runStack(CONFIG, LATER_IN_WINDOW_3, { world });
      laterSteps = planDeployment(world, later.registrations);
      rotated = await runStack(CONFIG, WINDOW_4, { world });
      rotatedSteps = planDeployment(world, rotated.registrations);
    });

    it("change nothing within a window", () => {
      assert.deepStrictEqual(
        laterSteps.filter((s) => !["same", "read"].includes(s.op)),
        [],
      );
    });

    it("at a window boundary the certificate gets a new version in place", () => {
      assert.deepStrictEqual(rotated.failures, []);
      for (const app of [KVC.name, SIGNER.name]) {
        const before = certificateOf(first, app);
        const after = certificateOf(rotated, app);
        assert.strictEqual(stepOf(rotatedSteps, after.name).op, "update");
        assert.notStrictEqual(after.outputs.version, before.outputs.version);
        assert.notStrictEqual(after.outputs.certificateData, before.outputs.certificateData);
        assert.notStrictEqual(after.outputs.thumbprint, before.outputs.thumbprint);
        assert.strictEqual(after.outputs.versionlessId, before.outputs.versionlessId);
        const x509 = new X509Certificate(Buffer.from(String(after.outputs.certificateData), "hex"));
        assert.strictEqual(Date.parse(x509.validFrom), WINDOW_4);
      }
    });

    it("replaces exactly the rotated slot's Stash and key credential; the other keeps the previous version", () => {
      deploy(world, rotated.registrations, WINDOW_4);
      for (const app of [KVC.name, SIGNER.name]) {
        const oldData = certificateOf(first, app).outputs.certificateData;
        const newData = certificateOf(rotated, app).outputs.certificateData;
        // Window 4 rotates slot 0 (the slot whose generation comes due).
        const rotatedStash = stepOf(rotatedSteps, stashOf(rotated, app, 0).name);
        assert.strictEqual(rotatedStash.op, "replace");
        assert.ok(
          rotatedStash.changed.includes("(replacementTrigger)"),
          rotatedStash.changed.join(),
        );
        assert.deepStrictEqual(
          [stepOf(rotatedSteps, stashOf(rotated, app, 1).name).op],
          ["update"],
          "the other slot's Stash takes the new input and keeps its output",
        );
        assert.strictEqual(stepOf(rotatedSteps, credentialOf(rotated, app, 0).name).op, "replace");
        assert.strictEqual(stepOf(rotatedSteps, credentialOf(rotated, app, 1).name).op, "same");
        const held = (slot: number) =>
          (stashOf(rotated, app, slot).outputs.output as Record<string, unknown>).certificateData;
        assert.strictEqual(held(0), newData);
        assert.strictEqual(held(1), oldData);
        assert.strictEqual(
          (stashOf(rotated, app, 1).outputs.input as Record<string, unknown>).certificateData,
          newData,
          "its input follows the certificate",
        );
        assert.strictEqual(credentialValue(world, credentialOf(rotated, app, 0)), newData);
        assert.strictEqual(credentialValue(world, credentialOf(rotated, app, 1)), oldData);
        assert.notStrictEqual(
          credentialOf(rotated, app, 0).outputs.keyId,
          credentialOf(first, app, 0).outputs.keyId,
        );
        assert.strictEqual(
          credentialOf(rotated, app, 1).outputs.keyId,
          credentialOf(first, app, 1).outputs.keyId,
        );
      }
    });

    it("a rotationTrigger change replaces both Stashes and both key credentials", async () => {
      const leaked = await runStack({ ...CONFIG, rotationTrigger: "leak-1" }, WINDOW_4 + DAY, {
        world,
      });
      assert.deepStrictEqual(leaked.failures, []);
      const steps = planDeployment(world, leaked.registrations);
      deploy(world, leaked.registrations, WINDOW_4 + DAY);
      for (const app of [KVC.name, SIGNER.name]) {
        const newest = certificateOf(leaked, app).outputs.certificateData;
        assert.notStrictEqual(newest, certificateOf(rotated, app).outputs.certificateData);
        for (const slot of [0, 1]) {
          const stash = stepOf(steps, stashOf(leaked, app, slot).name);
          assert.deepStrictEqual(
            [stash.op, stash.changed.includes("(replacementTrigger)")],
            ["replace", true],
          );
          assert.strictEqual(stepOf(steps, credentialOf(leaked, app, slot).name).op, "replace");
          assert.strictEqual(credentialValue(world, credentialOf(leaked, app, slot)), newest);
        }
      }
    });

    it("a tags-only change keeps the version", async () => {
      const declare = (tags: Record<string, string>) => () => {
        certificate("tagged", { tags });
      };
      const tagWorld = newWorld();
      const firstRun = await declared(tagWorld, declare({ a: "1" }), true);
      const secondRun = await declared(tagWorld, declare({ a: "2" }), false, IN_WINDOW_3 + DAY);
      const before = firstRun.registrations[0].outputs;
      const after = secondRun.registrations[0].outputs;
      assert.strictEqual(planDeployment(tagWorld, secondRun.registrations)[0].op, "update");
      assert.strictEqual(after.version, before.version);
      assert.strictEqual(after.certificateData, before.certificateData);
      assert.deepStrictEqual(after.tags, { a: "2" });
      const [attributes] = after.certificateAttributes as Record<string, unknown>[];
      assert.strictEqual(attributes.created, "2026-11-21T09:00:00Z");
      assert.strictEqual(attributes.updated, "2026-11-22T09:00:00Z");
    });
  });

  describe("what azurerm and Key Vault refuse", () => {
    const refusedWith = async (policy: PolicyOverrides): Promise<[string, string, string][]> => {
      const run = await declared(newWorld(), () => certificate("c", policy));
      return run.failures.map((f) => [f.rule, f.phase, f.message]);
    };

    it("keySize 1024: the provider's Check (IntInSlice), with its source", async () => {
      const [[rule, phase, message]] = await refusedWith({ keySize: 1024 });
      assert.deepStrictEqual([rule, phase], ["provider-input-invalid", "check"]);
      assert.match(
        message,
        /`certificatePolicy\.keyProperties\.keySize` = 1024: one of 256, 384, 521, 2048, 3072, 4096/,
      );
      assert.match(
        message,
        /key_vault_certificate_resource\.go L138-150 "key_size" validation\.IntInSlice/,
      );
    });

    it("validityInMonths 0: Key Vault, with its source", async () => {
      const [[rule, phase, message]] = await refusedWith({ validityInMonths: 0 });
      assert.deepStrictEqual([rule, phase], ["keyvault-certificate-policy-invalid", "apply"]);
      assert.match(
        message,
        /400 BadParameter: Property certificatePolicy\.x509CertificateProperties\.validityInMonths has invalid value 0: a whole number from 1 to 1200/,
      );
      assert.match(message, /validity_months.*bicep-registry-modules#304/);
    });

    it("the rest of Key Vault's and the provider's rules", async () => {
      const cases: [PolicyOverrides, RegExp][] = [
        [
          { keySize: undefined },
          /the provider: `certificatePolicy\.keyProperties\.keySize` required when `certificatePolicy\.keyProperties\.keyType` is "RSA"/,
        ],
        [{ keySize: 384 }, /keySize has invalid value 384: one of 2048, 3072, 4096/],
        [
          { keyType: "RSA-HSM" },
          /exportable has invalid value true: one of false when `certificatePolicy\.keyProperties\.keyType` is "RSA-HSM"/,
        ],
        [{ contentType: "application/json" }, /contentType has invalid value "application\/json"/],
        [
          { lifetimePercentage: 100 },
          /lifetimeActions\[\]\.trigger\.lifetimePercentage has invalid value 100: a whole number from 1 to 99/,
        ],
        [
          { daysBeforeExpiry: 400 },
          /daysBeforeExpiry has invalid value 400: a whole number from 1 to 27 × `certificatePolicy\.x509CertificateProperties\.validityInMonths` \(324\)/,
        ],
        [
          { subject: "app-credentials" },
          /subject has invalid value: "app-credentials" is not an attribute of a distinguished name/,
        ],
      ];
      for (const [overrides, says] of cases) {
        const found = await refusedWith(overrides);
        assert.strictEqual(found.length, 1, JSON.stringify(overrides));
        assert.strictEqual(found[0][0], "keyvault-certificate-policy-invalid");
        assert.match(found[0][2], says);
      }
    });

    it("AutoRenew passes azurerm and Key Vault (the pack reports it: Key Vault renews outside deployments)", async () => {
      assert.deepStrictEqual(await refusedWith({ actionType: "AutoRenew" }), []);
      const [[rule, phase]] = await refusedWith({ actionType: "Renew" });
      assert.deepStrictEqual([rule, phase], ["provider-input-invalid", "check"]);
    });

    it("an EC policy gets an EC certificate", async () => {
      const run = await declared(newWorld(), () =>
        certificate("ec", { keyType: "EC", keySize: 256, curve: "P-256" }),
      );
      assert.deepStrictEqual(run.failures, []);
      const der = Buffer.from(String(run.registrations[0].outputs.certificateData), "hex");
      assert.strictEqual(new X509Certificate(der).publicKey.asymmetricKeyType, "ec");
    });

    it("reads subjects as Key Vault writes them", () => {
      assert.deepStrictEqual(parseSubject("CN=a\\, b, OU=c,DC=contoso"), [
        { oid: "2.5.4.3", value: "a, b" },
        { oid: "2.5.4.11", value: "c" },
        { oid: "0.9.2342.19200300.100.1.25", value: "contoso" },
      ]);
      assert.match(String(parseSubject("FOO=bar")), /not an attribute/);
    });
  });

  describe("a deleted certificate", () => {
    const vaultName = (run: StackRun) =>
      String(certificateOf(run, KVC.name).inputs.keyVaultId).split("/").pop() ?? "";
    const withoutKvc: RawStackConfig = { ...SAMPLE_CONFIG, apps: [SIGNER] };

    it("is soft-deleted with its secret and key: the name stays reserved through the retention", async () => {
      const world = newWorld({ keyVaultSecretsOfficer: true });
      const first = await runStack(CONFIG, IN_WINDOW_3, { world });
      deploy(world, first.registrations, IN_WINDOW_3);
      const vault = vaultName(first);
      const removed = await runStack(withoutKvc, IN_WINDOW_3 + DAY, { world });
      const steps = planDeployment(world, removed.registrations);
      assert.strictEqual(stepOf(steps, certificateOf(first, KVC.name).name).op, "delete");
      assert.deepStrictEqual(deploy(world, removed.registrations, IN_WINDOW_3 + DAY).failures, []);
      const found = world.vaults.certificate(vault, "kvc-client-cert", IN_WINDOW_3 + DAY);
      assert.deepStrictEqual(found, {
        state: "deleted",
        deletedAtMs: IN_WINDOW_3 + DAY,
        // The stack's vault has purge protection and 90 days' retention.
        purgeAtMs: IN_WINDOW_3 + 91 * DAY,
      });
      assert.ok(!world.vaults.exists(vault, "kvc-client-cert"), "its secret is deleted");
      assert.ok(!world.vaults.keyExists(vault, "kvc-client-cert"), "its key is deleted");
      // A secret of that name is refused as any soft-deleted secret is (Contributor only).
      const secret = world.vaults.create(
        vault,
        "kvc-client-cert",
        IN_WINDOW_3 + 2 * DAY,
        false,
        "s",
      );
      assert.strictEqual(secret?.rule, "keyvault-secret-deleted-recoverable");
      assert.strictEqual(
        world.vaults.certificate(vault, "kvc-client-cert", IN_WINDOW_3 + 92 * DAY),
        undefined,
        "free after the retention",
      );
      // Re-adding the app: the provider recovers the certificate, then makes a new version.
      const back = await runStack(CONFIG, IN_WINDOW_3 + 2 * DAY, { world });
      assert.deepStrictEqual(back.failures, []);
      assert.strictEqual(world.vaults.certificate(vault, "kvc-client-cert", 0)?.state, "live");
    });

    it("without the provider's recovery, re-creating the name answers 409", async () => {
      const world = newWorld({
        keyVaultSecretsOfficer: true,
        azureKeyVaultFeatures: { recoverSoftDeletedCertificates: false },
      });
      const first = await runStack(CONFIG, IN_WINDOW_3, { world });
      deploy(world, first.registrations, IN_WINDOW_3);
      const removed = await runStack(withoutKvc, IN_WINDOW_3 + DAY, { world });
      deploy(world, removed.registrations, IN_WINDOW_3 + DAY);
      const back = await runStack(CONFIG, IN_WINDOW_3 + 2 * DAY, { world });
      const refused = back.failures.filter((f) => f.type === KEYVAULT_CERTIFICATE);
      assert.deepStrictEqual(
        refused.map((f) => f.rule),
        ["keyvault-certificate-deleted-recoverable"],
      );
      assert.match(
        refused[0].message,
        /409 Conflict ObjectIsDeletedButRecoverable: Certificate kvc-client-cert .*until 2027-02-20T09:00:00Z.*az keyvault certificate recover --vault-name /,
      );
      // The key credentials that take their value from it are skipped.
      const skipped = back.failures.filter((f) => f.type === APPLICATION_CERTIFICATE);
      assert.deepStrictEqual(skipped, []);
    });

    it("is purged at once in a vault without purge protection (the provider's default)", async () => {
      const world = newWorld({
        vaults: [{ name: "vault-1", enableRbacAuthorization: true, enablePurgeProtection: false }],
      });
      await declared(world, () => certificate("c"), true);
      const removed = await declared(world, () => undefined, false);
      assert.deepStrictEqual(deploy(world, removed.registrations, IN_WINDOW_3).failures, []);
      assert.strictEqual(world.vaults.certificate("vault-1", "c", IN_WINDOW_3), undefined);
    });

    it("deleting it needs the deployer's Key Vault data role", async () => {
      const world = newWorld({ keyVaultCertificatesOfficer: true });
      await declared(world, () => certificate("c"), true);
      const denied = new SimulatedWorld({ keyVaultCertificatesOfficer: false });
      // The same deployed state, seen by a deployer without the role.
      denied.state = world.state;
      const refused = deploy(denied, [], IN_WINDOW_3).failures;
      assert.deepStrictEqual(
        refused.map((f) => f.rule),
        ["keyvault-certificate-forbidden"],
      );
      assert.match(refused[0].message, /certificates\/delete/);
      assert.strictEqual(denied.state.size, 1, "the certificate stays in the state");
    });
  });

  describe("the deployer's role and role assignments on a certificate's key", () => {
    it("a tenant snapshot can take the Certificates Officer role away, per vault", async () => {
      const tenant = parseTenantSnapshot(
        {
          applications: [{ id: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5" }],
          deployer: { keyVaultCertificatesOfficer: ["another-vault"] },
          vaults: [
            {
              name: "vault-1",
              properties: { enableRbacAuthorization: true, enablePurgeProtection: null },
            },
          ],
        },
        "tenant.json",
      );
      assert.deepStrictEqual(tenant.keyVaultCertificatesOfficer, ["another-vault"]);
      assert.deepStrictEqual(tenant.vaults, [
        { name: "vault-1", enableRbacAuthorization: true, enablePurgeProtection: false },
      ]);
      const run = await declared(new SimulatedWorld({ tenant }), () => certificate("c"));
      assert.deepStrictEqual(
        run.failures.map((f) => [f.rule, f.code]),
        [["keyvault-certificate-forbidden", "Forbidden"]],
      );
      assert.throws(
        () =>
          parseTenantSnapshot(
            { applications: [], deployer: { keyVaultCertificatesOfficer: "yes" } },
            "t.json",
          ),
        /deployer\.keyVaultCertificatesOfficer: expected true, false, or a list of vault names/,
      );
    });

    it("accepts an assignment scoped to the certificate's key once it exists, and refuses one that races it", async () => {
      const keyScope = `${VAULT_ID}/keys/c`;
      const world = newWorld();
      // Same deployment, scope a plain string: the assignment does not wait for the certificate.
      const racing = await declared(world, () => {
        certificate("c");
        signer("signer", keyScope);
      });
      assert.deepStrictEqual(
        racing.failures.map((f) => f.rule),
        ["role-assignment-scope-not-found"],
      );
      assert.match(
        racing.failures[0].message,
        /404 ResourceNotFound: The Resource 'Microsoft\.KeyVault\/vaults\/vault-1\/keys\/c'.*creates it in this same deployment/,
      );
      // Scope taken from the certificate's outputs: the assignment waits for it.
      const waiting = await declared(newWorld(), () => {
        const cert = certificate("c");
        signer(
          "signer",
          cert.versionlessId.apply((id) => `${VAULT_ID}/keys/${id.split("/").pop()}`),
        );
      });
      assert.deepStrictEqual(waiting.failures, []);
      // A later deployment: the certificate exists, a plain scope is fine.
      const deployedWorld = newWorld();
      await declared(deployedWorld, () => certificate("c"), true);
      const later = await declared(deployedWorld, () => {
        certificate("c");
        signer("signer", keyScope);
      });
      assert.deepStrictEqual(later.failures, []);
      // A key no certificate made.
      const missing = await declared(newWorld(), () =>
        signer("signer", `${VAULT_ID}/keys/nothing`),
      );
      assert.deepStrictEqual(
        missing.failures.map((f) => f.rule),
        ["role-assignment-scope-not-found"],
      );
    });
  });

  describe("pulumi.Stash and replacementTrigger (the engine's builtin provider)", () => {
    const stash = (input: unknown, replacementTrigger?: string) => () => {
      new pulumi.Stash("kept", { input }, replacementTrigger ? { replacementTrigger } : {});
    };
    const outputOf = (run: { registrations: Registration[] }) => run.registrations[0].outputs;

    it("create: output = input; update: the new input, the old output; a changed trigger: replaced", async () => {
      const world = newWorld();
      const created = await declared(world, stash("a", "t1"), true);
      assert.deepStrictEqual(outputOf(created), { input: "a", output: "a" });
      assert.strictEqual(created.registrations[0].replacementTrigger, "t1");
      const updated = await declared(world, stash("b", "t1"));
      assert.deepStrictEqual(
        planDeployment(world, updated.registrations).map((s) => [s.op, s.changed]),
        [["update", ["input"]]],
      );
      assert.deepStrictEqual(outputOf(updated), { input: "b", output: "a" });
      deploy(world, updated.registrations, IN_WINDOW_3);
      const replaced = await declared(world, stash("c", "t2"));
      assert.deepStrictEqual(
        planDeployment(world, replaced.registrations).map((s) => [s.op, s.changed]),
        [["replace", ["input", "(replacementTrigger)"]]],
      );
      assert.deepStrictEqual(outputOf(replaced), { input: "c", output: "c" });
    });

    it("no trigger recorded, or none given, never replaces; unknowns always do", async () => {
      const world = newWorld();
      await declared(world, stash("a"), true);
      const triggered = await declared(world, stash("b", "t1"));
      assert.deepStrictEqual(outputOf(triggered), { input: "b", output: "a" });
      assert.strictEqual(planDeployment(world, triggered.registrations)[0].op, "update");
      assert.strictEqual(replacementTriggered(undefined, "t"), false);
      assert.strictEqual(replacementTriggered("t", "t"), false);
      assert.strictEqual(replacementTriggered({ a: 1 }, { a: 2 }), true);
      assert.strictEqual(replacementTriggered("04da6b54-80e4-46f7-96ec-b56ff0331ba9", "t"), true);
    });

    it("the builtin Check refuses any property but input", () => {
      const answer = simulateStash("s", { input: 1, extra: 2 }, undefined, false, "k");
      assert.strictEqual(answer.failure?.rule, "provider-input-invalid");
      assert.match(
        answer.failure?.message ?? "",
        /unknown property "extra".*builtins\.go L145-161/,
      );
      assert.match(
        simulateStash("s", {}, undefined, false, "k").failure?.message ?? "",
        /missing required property "input"/,
      );
    });
  });
});

const VAULT_ID = `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault-1`;
const CRYPTO_USER = `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424`;

/** What a test changes in the certificate policy the program declares. */
interface PolicyOverrides {
  keyType?: string;
  keySize?: number;
  curve?: string;
  exportable?: boolean;
  contentType?: string;
  validityInMonths?: number;
  actionType?: string;
  lifetimePercentage?: number;
  daysBeforeExpiry?: number;
  subject?: string;
  tags?: Record<string, string>;
}

/** A certificate `name` in vault-1 with the program's policy, changed by `o`. */
function certificate(name: string, o: PolicyOverrides = {}): azurekv.Certificate {
  const has = (key: keyof PolicyOverrides) => key in o;
  return new azurekv.Certificate(name, {
    name,
    keyVaultId: VAULT_ID,
    certificatePolicy: {
      issuerParameters: { name: "Self" },
      keyProperties: {
        exportable: o.exportable ?? true,
        keyType: o.keyType ?? "RSA",
        ...(has("keySize")
          ? o.keySize === undefined
            ? {}
            : { keySize: o.keySize }
          : { keySize: 2048 }),
        ...(o.curve ? { curve: o.curve } : {}),
        reuseKey: false,
      },
      lifetimeActions: [
        {
          action: { actionType: o.actionType ?? "EmailContacts" },
          trigger:
            o.daysBeforeExpiry !== undefined
              ? { daysBeforeExpiry: o.daysBeforeExpiry }
              : { lifetimePercentage: o.lifetimePercentage ?? 90 },
        },
      ],
      secretProperties: { contentType: o.contentType ?? "application/x-pem-file" },
      x509CertificateProperties: {
        subject: o.subject ?? `CN=${name}`,
        validityInMonths: o.validityInMonths ?? 12,
        keyUsages: ["digitalSignature", "keyEncipherment"],
        extendedKeyUsages: [CLIENT_AUTH],
      },
    },
    ...(o.tags ? { tags: o.tags } : {}),
  });
}

/** A consumer's `Key Vault Crypto User` assignment at `scope`. */
function signer(name: string, scope: pulumi.Input<string>): authorization.RoleAssignment {
  return new authorization.RoleAssignment(name, {
    scope,
    roleDefinitionId: CRYPTO_USER,
    principalId: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
    principalType: "ServicePrincipal",
    roleAssignmentName: "0f8fad5b-d9cb-4a9f-a165-70867728950e",
  });
}

/**
 * Declares resources against `world` at `nowMs` (stack `test`, project `app-credentials`) and
 * returns the run's registrations and refusals; deploys them when asked.
 */
async function declared(
  world: SimulatedWorld,
  declare: () => void,
  deployAfter = false,
  nowMs = IN_WINDOW_3,
): Promise<{ registrations: Registration[]; failures: SimulatedFailure[] }> {
  const simulation = simulateAzure({
    project: "app-credentials",
    stack: "test",
    world,
    nowMs: () => nowMs,
  });
  declare();
  await simulation.settle();
  if (deployAfter) deploy(world, simulation.registrations, nowMs);
  return { registrations: simulation.registrations, failures: simulation.failures };
}
