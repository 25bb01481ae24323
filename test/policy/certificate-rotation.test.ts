/**
 * Certificates: credential-rotation-required judges them over the stack (their schedule is only
 * visible through property dependencies), and credential-rotates-before-expiry checks them as it
 * checks passwords.
 */
import * as assert from "assert";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { credentialRotationRequiredPolicy } from "../../policy/policies/credential-rotation-required";
import { clock, runStack, StackResourceSpec, UNKNOWN, urnOf } from "./helpers";

const required = credentialRotationRequiredPolicy();
const beforeExpiry = credentialRotatesBeforeExpiryPolicy(clock);
const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const SP_CERT = "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate";
const TOKEN_SIGNING =
  "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const KEY = "tls:index/privateKey:PrivateKey";
const RANDOM_ID = "random:index/randomId:RandomId";
/** Slot 0 of generation 0 at anchor 2025-07-05, P180D: replaced at 2026-06-30 (anchor + 2·P180D). */
const KEEPERS = {
  "rotation-window": "2025-07-05T00:00:00Z/P180D#0",
  "rotation-slot": "0/2",
  "rotation-trigger": "0",
};
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n";

/** The chain app-credentials declares: schedule → (subject) cert ← key; credential ← (value) cert. */
function projectChain(
  credential: Record<string, unknown>,
  keepers: unknown = KEEPERS,
): StackResourceSpec[] {
  return [
    { type: RANDOM_ID, name: "schedule", props: { byteLength: 8, keepers } },
    { type: KEY, name: "key", props: { algorithm: "RSA", rsaBits: 2048 } },
    {
      type: SELF_SIGNED,
      name: "cert",
      props: {
        validityPeriodHours: 9360,
        subject: { commonName: "app-credentials x slot 0 generation 0" },
      },
      propertyDependencies: { subject: ["schedule"], privateKeyPem: ["key"] },
    },
    {
      type: APP_CERT,
      name: "credential",
      props: credential,
      propertyDependencies: { value: ["cert"] },
    },
  ];
}

describe("certificates: rotation required and before expiry", () => {
  it("passes a certificate whose value comes, through property dependencies, from a scheduled source", async () => {
    assert.deepStrictEqual(
      await runStack(required, projectChain({ endDate: "2026-07-27T00:00:00Z", value: PEM })),
      [],
    );
    // A time.Rotating in the chain counts too.
    assert.deepStrictEqual(
      await runStack(required, [
        { type: "time:index/rotating:Rotating", name: "yearly", props: { rotationDays: 300 } },
        {
          type: SELF_SIGNED,
          name: "cert",
          props: { validityPeriodHours: 8760 },
          propertyDependencies: { subject: ["yearly"] },
        },
        {
          type: SP_CERT,
          name: "sp-cert",
          props: { value: PEM },
          propertyDependencies: { value: ["cert"] },
        },
      ]),
      [],
    );
  });

  it("rejects a literal certificate and one whose source nothing replaces, with the fix", async () => {
    const violations = await runStack(required, [
      { type: APP_CERT, name: "pasted", props: { value: PEM, endDate: "2026-06-01T00:00:00Z" } },
      { type: SELF_SIGNED, name: "forever", props: { validityPeriodHours: 43800 } },
      {
        type: SP_CERT,
        name: "from-file",
        props: { value: PEM },
        propertyDependencies: { value: ["forever"] },
      },
    ]);
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, v.message.split(". Fix: ")[0]]),
      [
        [
          urnOf(APP_CERT, "pasted"),
          'azuread:index/applicationCertificate:ApplicationCertificate "pasted" has no rotation schedule: its value is a literal certificate, which nothing ever replaces',
        ],
        [
          urnOf(SP_CERT, "from-file"),
          'azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate "from-file" has no rotation schedule: its value comes from tls:index/selfSignedCert:SelfSignedCert "forever", which no schedule replaces (nothing it depends on carries rotation-window in keepers or rotateWhenChanged, or in the tags of a Key Vault certificate, nor is a time.Rotating)',
        ],
      ],
    );
    assert.match(
      violations[0].message,
      /Fix: make the value come from a certificate resource that is replaced on a schedule/,
    );
  });

  it("leaves SAML token-signing certificates to the lifetime rule, and skips unknown schedules (preview)", async () => {
    assert.deepStrictEqual(
      await runStack(required, [
        { type: TOKEN_SIGNING, name: "saml", props: { endDate: "2029-01-01T00:00:00Z" } },
      ]),
      [],
    );
    assert.deepStrictEqual(await runStack(required, projectChain({ value: UNKNOWN }, UNKNOWN)), []);
  });

  it("applies requiredKeys to a certificate's schedule", async () => {
    const { "rotation-trigger": _trigger, ...withoutTrigger } = KEEPERS;
    void _trigger;
    const [violation] = await runStack(required, projectChain({ value: PEM }, withoutTrigger), {
      requiredKeys: ["rotation-trigger"],
    });
    assert.match(
      violation.message,
      /rotates with the schedule of random:index\/randomId:RandomId "schedule", which lacks the required key "rotation-trigger"/,
    );
  });

  it("credential-rotates-before-expiry: a certificate ending too soon after its scheduled replacement", async () => {
    // Next rotation 2026-06-30; minGrace P7D.
    assert.deepStrictEqual(
      await runStack(beforeExpiry, projectChain({ endDate: "2026-07-27T00:00:00Z" })),
      [],
    );
    const [violation] = await runStack(
      beforeExpiry,
      projectChain({ endDate: "2026-07-03T00:00:00Z" }),
    );
    assert.strictEqual(violation.urn, urnOf(APP_CERT, "credential"));
    assert.strictEqual(
      violation.message,
      'azuread:index/applicationCertificate:ApplicationCertificate "credential" ends at 2026-07-03T00:00:00Z, only 3 days after its next rotation at 2026-06-30T00:00:00Z (from random:index/randomId:RandomId "schedule" schedule rotation-window "2025-07-05T00:00:00Z/P180D#0"); the minimum grace is P7D. Fix: set endDate no earlier than 2026-07-07T00:00:00Z (next rotation + P7D), or rotate no later than 2026-06-26T00:00:00Z (a shorter period or an earlier anchor in the schedule).',
    );
  });
});
