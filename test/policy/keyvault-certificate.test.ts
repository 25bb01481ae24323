/**
 * Certificates Key Vault generates (`credential: keyVaultCertificate`): the chain
 * key credential → (value) pulumi.Stash → (input) azure.keyvault.Certificate, whose tags carry the
 * newest slot's schedule (components/rotatingKeyVaultCertificates.ts). credential-rotation-required
 * and credential-rotates-before-expiry read those tags as a RandomId's keepers, pair the slots'
 * credentials with the slots' rotations, and refuse an AutoRenew lifetime action;
 * credential-private-key-in-state reports keys generated in the program (tls.PrivateKey), never a
 * Key Vault-generated one.
 */
import * as assert from "assert";
import { ALL_POLICIES } from "../../policy/policies";
import { credentialPrivateKeyInStatePolicy } from "../../policy/policies/credential-private-key-in-state";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { credentialRotationRequiredPolicy } from "../../policy/policies/credential-rotation-required";
import { sharedSchedulePairing, sharedScheduleRotations } from "../../policy/core";
import { CERT_1Y_PEM, derOf } from "./certificates";
import { clock, runStack, StackResourceSpec, UNKNOWN, urnOf } from "./helpers";

const required = credentialRotationRequiredPolicy();
const beforeExpiry = credentialRotatesBeforeExpiryPolicy(clock);
const privateKey = credentialPrivateKeyInStatePolicy();

const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const SP_CERT = "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate";
const KV_CERT = "azure:keyvault/certificate:Certificate";
const KV_CERT_ALIAS = "azure:keyvault/certifiate:Certifiate";
const STASH = "pulumi:index:Stash";
const VAULT = "azure-native:keyvault:Vault";
const KV_SECRET = "azure-native:keyvault:Secret";
const CLASSIC_SECRET = "azure:keyvault/secret:Secret";
const KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const LOCALLY_SIGNED = "tls:index/locallySignedCert:LocallySignedCert";
const CERT_REQUEST = "tls:index/certRequest:CertRequest";
const RANDOM_ID = "random:index/randomId:RandomId";
const HEX = derOf(CERT_1Y_PEM).toString("hex");

/**
 * Anchor 2025-07-05, P180D, grace P30D, 2 slots, now 2026-01-01 (window 1 starts): slot 1 is the
 * newest (generation 0, issued for window 1, replaced 2026-12-27, ends 2027-01-26); slot 0
 * (generation 0, issued for window 0) is replaced 2026-06-30 and ends 2026-07-30.
 */
const TAGS = {
  app: "api",
  "managed-by": "app-credentials",
  "rotation-window": "2025-07-05T00:00:00Z/P180D#0",
  "rotation-slot": "1/2",
  "rotation-trigger": "0",
};
const SLOT_ENDS = ["2026-07-30T00:00:00Z", "2027-01-26T00:00:00Z"];
const EMAIL_CONTACTS = {
  action: { actionType: "EmailContacts" },
  trigger: { lifetimePercentage: 90 },
};

/** The certificate policy as components/rotatingKeyVaultCertificates.ts writes it. */
function certificatePolicy(lifetimeActions: unknown[] = [EMAIL_CONTACTS]): Record<string, unknown> {
  return {
    issuerParameters: { name: "Self" },
    keyProperties: { exportable: true, keyType: "RSA", keySize: 2048, reuseKey: false },
    lifetimeActions,
    secretProperties: { contentType: "application/x-pem-file" },
    x509CertificateProperties: {
      subject: "CN=app-credentials api slot 1 generation 0,OU=trigger 5feceb66",
      validityInMonths: 19,
      keyUsages: ["digitalSignature", "keyEncipherment"],
      extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
    },
  };
}

/** What the program declares for one app: the vault's certificate, per slot a Stash and a key credential. */
function keyVaultChain(
  options: {
    tags?: unknown;
    lifetimeActions?: unknown[];
    ends?: readonly unknown[];
    type?: string;
    credentialType?: string;
  } = {},
): StackResourceSpec[] {
  const ends = options.ends ?? SLOT_ENDS;
  return [
    { type: VAULT, name: "vault", props: { vaultName: "appcred-x7k2p9" } },
    {
      type: options.type ?? KV_CERT,
      name: "api-kv",
      props: {
        name: "api-client-cert",
        keyVaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        certificatePolicy: certificatePolicy(options.lifetimeActions),
        tags: options.tags ?? TAGS,
        certificateData: HEX,
        thumbprint: "AB12",
        version: "v1",
      },
      propertyDependencies: { keyVaultId: ["vault"] },
    },
    ...ends.flatMap((endDate, slot): StackResourceSpec[] => [
      {
        type: STASH,
        name: `api-slot${slot}-version`,
        props: {
          input: { certificateData: HEX, thumbprint: "AB12", version: "v1" },
          output: { certificateData: HEX, thumbprint: "AB12", version: "v1" },
        },
        propertyDependencies: { input: ["api-kv"] },
      },
      {
        type: options.credentialType ?? APP_CERT,
        name: `api-slot${slot}`,
        props: {
          applicationId: "/applications/x",
          type: "AsymmetricX509Cert",
          encoding: "hex",
          value: HEX,
          endDate,
        },
        propertyDependencies: { value: [`api-slot${slot}-version`] },
      },
    ]),
  ];
}

/** app-credentials' `credential: certificate` chain, with its PEM bundle secret. */
function tlsChain(): StackResourceSpec[] {
  return [
    {
      type: RANDOM_ID,
      name: "signer-schedule",
      props: { byteLength: 8, keepers: { ...TAGS, "rotation-slot": "0/2" } },
    },
    { type: KEY, name: "signer-key-g0", props: { algorithm: "RSA", rsaBits: 2048 } },
    {
      type: SELF_SIGNED,
      name: "signer-cert",
      props: { validityPeriodHours: 9360, certPem: CERT_1Y_PEM },
      propertyDependencies: { privateKeyPem: ["signer-key-g0"], subject: ["signer-schedule"] },
    },
    {
      type: APP_CERT,
      name: "signer-slot0",
      props: { value: CERT_1Y_PEM, endDate: "2026-07-30T00:00:00Z" },
      propertyDependencies: { value: ["signer-cert"] },
    },
    {
      type: KV_SECRET,
      name: "signer-client-certificate",
      props: {
        properties: { value: "[secret]", contentType: "application/x-pem-file" },
        tags: { app: "signer" },
      },
      propertyDependencies: { properties: ["signer-cert", "signer-key-g0"] },
    },
  ];
}

describe("Key Vault certificates (credential: keyVaultCertificate)", () => {
  it("a chain whose certificate carries the schedule in its tags passes both policies, through a Stash or directly", async () => {
    assert.deepStrictEqual(await runStack(required, keyVaultChain()), []);
    assert.deepStrictEqual(await runStack(beforeExpiry, keyVaultChain()), []);
    // The same on a service principal, under the alias token of early @pulumi/azure releases.
    const alias = keyVaultChain({ type: KV_CERT_ALIAS, credentialType: SP_CERT });
    assert.deepStrictEqual(await runStack(required, alias), []);
    assert.deepStrictEqual(await runStack(beforeExpiry, alias), []);
    // A credential taking the certificate's data directly (no Stash) rotates at every new version.
    const direct: StackResourceSpec[] = [
      ...keyVaultChain({ ends: [] }),
      {
        type: APP_CERT,
        name: "direct",
        props: { encoding: "hex", value: HEX, endDate: "2026-07-30T00:00:00Z" },
        propertyDependencies: { value: ["api-kv"] },
      },
    ];
    assert.deepStrictEqual(await runStack(required, direct), []);
    assert.deepStrictEqual(await runStack(beforeExpiry, direct), []);
  });

  it("pairs the slots' credentials with the slots' rotations: the tags hold the newest slot's schedule only", () => {
    // Newest slot 1 of generation 0 was issued for window 1: the two credentials rotate at the
    // starts of windows 2 and 3, earliest first; the last is the tagged slot's own next rotation.
    const rotations = sharedScheduleRotations(TAGS);
    assert.ok(rotations?.ok);
    assert.deepStrictEqual(
      rotations.value.map((ms) => new Date(ms).toISOString()),
      ["2026-06-30T00:00:00.000Z", "2026-12-27T00:00:00.000Z"],
    );
    assert.deepStrictEqual(sharedSchedulePairing(2, 2), [0, 1]);
    assert.deepStrictEqual(sharedSchedulePairing(1, 2), [0]);
    assert.deepStrictEqual(sharedSchedulePairing(3, 2), [0, 0, 1]);
    assert.deepStrictEqual(sharedSchedulePairing(2, 1), [0, 0]);
    assert.strictEqual(sharedScheduleRotations({ app: "api" }), undefined);
    assert.deepStrictEqual(sharedScheduleRotations({ "rotation-window": "soon" }), {
      ok: false,
      reason: 'rotation-window must read "<anchor>/<period>#<generation>"',
    });
  });

  it("credential-rotates-before-expiry: a slot ending too soon after its rotation, named with the pairing", async () => {
    // The newest slot's credential ends 2027-01-01, 5 days after its rotation on 2026-12-27.
    const violations = await runStack(
      beforeExpiry,
      keyVaultChain({ ends: [SLOT_ENDS[0], "2027-01-01T00:00:00Z"] }),
    );
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, v.message]),
      [
        [
          urnOf(APP_CERT, "api-slot1"),
          'azuread:index/applicationCertificate:ApplicationCertificate "api-slot1" ends at 2027-01-01T00:00:00Z, only 5 days after its next rotation at 2026-12-27T00:00:00Z (from azure:keyvault/certificate:Certificate "api-kv" tags rotation-window "2025-07-05T00:00:00Z/P180D#0", rotation-slot "1/2": the 2nd of the 2 credentials it issues by end date, paired with the 2nd of its 2 slots\' next rotations); the minimum grace is P7D. Fix: set endDate no earlier than 2027-01-03T00:00:00Z (next rotation + P7D), or rotate no later than 2026-12-25T00:00:00Z (a shorter period or an earlier anchor in the schedule).',
        ],
      ],
    );
    // The older slot ending at its own rotation (no grace) is reported as such.
    const [older] = await runStack(
      beforeExpiry,
      keyVaultChain({ ends: ["2026-06-30T00:00:00Z", SLOT_ENDS[1]] }),
    );
    assert.strictEqual(older.urn, urnOf(APP_CERT, "api-slot0"));
    assert.match(older.message, /only 0 days after its next rotation at 2026-06-30T00:00:00Z/);
    // Malformed tags are an unreadable schedule, with the fix naming the tags.
    const [malformed] = await runStack(
      beforeExpiry,
      keyVaultChain({ tags: { ...TAGS, "rotation-slot": "3/2" } }),
    );
    assert.match(
      malformed.message,
      /has an unreadable rotation schedule: rotation-slot must be "0\/1", "0\/2" or "1\/2"\. Fix: write the keepers, rotateWhenChanged or Key Vault certificate tags it rotates with/,
    );
  });

  it("a Key Vault certificate without the schedule in its tags is reported: nothing replaces the Stash on a schedule", async () => {
    const violations = await runStack(required, keyVaultChain({ tags: { app: "api" } }));
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, v.message.split(". Fix: ")[0]]),
      [0, 1].map((slot) => [
        urnOf(APP_CERT, `api-slot${slot}`),
        `azuread:index/applicationCertificate:ApplicationCertificate "api-slot${slot}" has no rotation schedule: its value comes from pulumi:index:Stash "api-slot${slot}-version", which no schedule replaces (nothing it depends on carries rotation-window in keepers or rotateWhenChanged, or in the tags of a Key Vault certificate, nor is a time.Rotating)`,
      ]),
    );
    assert.match(violations[0].message, /credential: keyVaultCertificate\.$/);
    // requiredKeys applies to the tags, and says so.
    const { "rotation-trigger": _trigger, ...withoutTrigger } = TAGS;
    void _trigger;
    const [missing] = await runStack(required, keyVaultChain({ tags: withoutTrigger }), {
      requiredKeys: ["rotation-trigger"],
    });
    assert.match(
      missing.message,
      /rotates with the schedule of azure:keyvault\/certificate:Certificate "api-kv", which lacks the required key "rotation-trigger"\. Fix: add "rotation-trigger" to its tags\.$/,
    );
    // Unknown tags (preview): no verdict.
    assert.deepStrictEqual(await runStack(required, keyVaultChain({ tags: UNKNOWN })), []);
    assert.deepStrictEqual(await runStack(beforeExpiry, keyVaultChain({ tags: UNKNOWN })), []);
  });

  it("credential-rotation-required: a lifetime action AutoRenew is reported once, on the Key Vault certificate, naming its credentials", async () => {
    const autoRenew = { action: { actionType: "AutoRenew" }, trigger: { lifetimePercentage: 80 } };
    const violations = await runStack(
      required,
      keyVaultChain({ lifetimeActions: [EMAIL_CONTACTS, autoRenew] }),
    );
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, v.message]),
      [
        [
          urnOf(KV_CERT, "api-kv"),
          'azure:keyvault/certificate:Certificate "api-kv" renews itself: its certificate policy has the lifetime action AutoRenew at 80% of its lifetime (certificatePolicy.lifetimeActions[1]), and the certificate credentials azuread:index/applicationCertificate:ApplicationCertificate "api-slot0", azuread:index/applicationCertificate:ApplicationCertificate "api-slot1" take their values from it. ' +
            "Key Vault would create a version outside any deployment: its public key never reaches Entra ID, while consumers reading the versionless secret (or signing with the versionless key) get it and are refused. " +
            'Fix: set the lifetime action to EmailContacts, e.g. { action: { actionType: "EmailContacts" }, trigger: { lifetimePercentage: 90 } }, and let the stack make new versions on its schedule — app-credentials does this for apps with credential: keyVaultCertificate.',
        ],
      ],
    );
    // Whatever the case or trigger; also without schedule tags (both findings then).
    const [days] = await runStack(
      required,
      keyVaultChain({
        lifetimeActions: [
          { action: { actionType: "autorenew" }, trigger: { daysBeforeExpiry: 30 } },
        ],
      }),
    );
    assert.match(
      days.message,
      /lifetime action autorenew 30 days before expiry \(certificatePolicy\.lifetimeActions\[0\]\)/,
    );
    assert.deepStrictEqual(
      (
        await runStack(
          required,
          keyVaultChain({ tags: { app: "api" }, lifetimeActions: [autoRenew] }),
        )
      ).map((v) => v.urn),
      [urnOf(APP_CERT, "api-slot0"), urnOf(APP_CERT, "api-slot1"), urnOf(KV_CERT, "api-kv")],
    );
    // An unknown action type (preview), an unknown policy, EmailContacts or no action: no verdict.
    for (const lifetimeActions of [[{ action: { actionType: UNKNOWN } }], [EMAIL_CONTACTS], []]) {
      assert.deepStrictEqual(await runStack(required, keyVaultChain({ lifetimeActions })), []);
    }
    const unknownPolicy = keyVaultChain();
    unknownPolicy[1].props.certificatePolicy = UNKNOWN;
    assert.deepStrictEqual(await runStack(required, unknownPolicy), []);
    // A Key Vault certificate no credential takes its value from is not this policy's business.
    assert.deepStrictEqual(
      await runStack(required, keyVaultChain({ ends: [], lifetimeActions: [autoRenew] })),
      [],
    );
  });
});

describe("credential-private-key-in-state", () => {
  it("is advisory, without configuration, served after keyvault-secret-reader-scope", () => {
    assert.strictEqual(privateKey.name, "credential-private-key-in-state");
    assert.strictEqual(privateKey.enforcementLevel, "advisory");
    assert.strictEqual(privateKey.configSchema, undefined);
    assert.strictEqual(privateKey.url, "policy/README.md#credential-private-key-in-state");
    const names = ALL_POLICIES.map((p) => p.name);
    assert.strictEqual(
      names.indexOf("credential-private-key-in-state"),
      names.indexOf("keyvault-secret-reader-scope") + 1,
    );
  });

  it("reports the credential and the PEM secret of a tls.PrivateKey chain, naming the key and the fix", async () => {
    const violations = await runStack(privateKey, tlsChain());
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, v.message]),
      [
        [
          urnOf(APP_CERT, "signer-slot0"),
          'azuread:index/applicationCertificate:ApplicationCertificate "signer-slot0": the private key of its certificate is generated in the program (tls:index/privateKey:PrivateKey "signer-key-g0"): a tls.PrivateKey returns its key as outputs, which Pulumi keeps, encrypted, in every copy of the stack\'s state (each checkpoint, backup and `pulumi stack export`): whoever can read and decrypt one can sign in as the app. ' +
            "Fix: let Key Vault generate the key: `credential: keyVaultCertificate` for app-credentials apps (Key Vault generates the key; only the public certificate passes through Pulumi), or in any stack an azure.keyvault.Certificate generated from a certificate policy whose certificateData feeds the credential.",
        ],
        [
          urnOf(KV_SECRET, "signer-client-certificate"),
          'azure-native:keyvault:Secret "signer-client-certificate" holds a PEM private key generated in the program (content type application/x-pem-file, value from tls:index/privateKey:PrivateKey "signer-key-g0"): besides Key Vault, a tls.PrivateKey returns its key as outputs, which Pulumi keeps, encrypted, in every copy of the stack\'s state (each checkpoint, backup and `pulumi stack export`): whoever can read and decrypt one can sign in as the app. ' +
            "Fix: let Key Vault generate the key: `credential: keyVaultCertificate` for app-credentials apps (Key Vault generates the key; only the public certificate passes through Pulumi), or in any stack an azure.keyvault.Certificate generated from a certificate policy whose certificateData feeds the credential.",
        ],
      ],
    );
  });

  it("is silent on the Key Vault chain: Key Vault generates the key, only the public certificate passes through Pulumi", async () => {
    assert.deepStrictEqual(await runStack(privateKey, keyVaultChain()), []);
    assert.deepStrictEqual(
      await runStack(privateKey, keyVaultChain({ credentialType: SP_CERT })),
      [],
    );
  });

  it("follows a CSR's key behind a locally signed certificate, not the CA's; the classic secret; other content types pass", async () => {
    const violations = await runStack(privateKey, [
      { type: KEY, name: "ca-key", props: {} },
      {
        type: SELF_SIGNED,
        name: "ca",
        props: {},
        propertyDependencies: { privateKeyPem: ["ca-key"] },
      },
      { type: KEY, name: "leaf-key", props: {} },
      {
        type: CERT_REQUEST,
        name: "leaf-csr",
        props: {},
        propertyDependencies: { privateKeyPem: ["leaf-key"] },
      },
      {
        type: LOCALLY_SIGNED,
        name: "leaf",
        props: {},
        propertyDependencies: {
          certRequestPem: ["leaf-csr"],
          caPrivateKeyPem: ["ca-key"],
          caCertPem: ["ca"],
        },
      },
      {
        type: SP_CERT,
        name: "leaf-credential",
        props: {},
        propertyDependencies: { value: ["leaf"] },
      },
      // A CSR made elsewhere, signed by a CA of the program: the credential's key is not in state.
      {
        type: LOCALLY_SIGNED,
        name: "outside",
        props: {},
        propertyDependencies: { caPrivateKeyPem: ["ca-key"], caCertPem: ["ca"] },
      },
      {
        type: APP_CERT,
        name: "outside-credential",
        props: {},
        propertyDependencies: { value: ["outside"] },
      },
      {
        type: CLASSIC_SECRET,
        name: "bundle",
        props: { contentType: "Application/X-PEM-File; charset=utf-8" },
        propertyDependencies: { value: ["leaf", "leaf-key"] },
      },
      {
        type: CLASSIC_SECRET,
        name: "pfx",
        props: { contentType: "application/x-pkcs12" },
        propertyDependencies: { value: ["leaf-key"] },
      },
      {
        type: KV_SECRET,
        name: "preview",
        props: { properties: { contentType: UNKNOWN } },
        propertyDependencies: { properties: ["leaf-key"] },
      },
      // A literal certificate: nothing generated here.
      { type: APP_CERT, name: "pasted", props: { value: CERT_1Y_PEM } },
    ]);
    assert.deepStrictEqual(
      violations.map((v) => [
        v.urn,
        /tls:index\/privateKey:PrivateKey "(.+?)"/.exec(v.message)?.[1],
      ]),
      [
        [urnOf(SP_CERT, "leaf-credential"), "leaf-key"],
        [urnOf(CLASSIC_SECRET, "bundle"), "leaf-key"],
      ],
    );
  });
});
