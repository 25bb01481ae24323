/**
 * Secret values in a program run (tools/offline/secrets.ts): compared by keyed fingerprint, and
 * scrubbed from recorded values when a program strips their secretness.
 */
import { strict as assert } from "assert";
import { fingerprintSecrets, SecretScrubber, secretStrings } from "../../tools/offline/secrets";

/** A secret as Pulumi's wire format carries it. */
const secret = (value: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});

describe("secret values in a program run", () => {
  it("fingerprints only the inputs holding a secret; equal values, equal fingerprints; the key matters", () => {
    const a = fingerprintSecrets("k1", { value: secret("pem-1"), endDate: "2027-01-01T00:00:00Z" });
    const b = fingerprintSecrets("k1", { value: secret("pem-1") });
    const c = fingerprintSecrets("k1", { value: secret("pem-2") });
    const d = fingerprintSecrets("k2", { value: secret("pem-1") });
    assert.deepEqual(Object.keys(a), ["value"]);
    assert.equal(a.value, b.value);
    assert.notEqual(a.value, c.value);
    assert.notEqual(a.value, d.value);
    assert.doesNotMatch(JSON.stringify(a), /pem-1/);
    assert.deepEqual(
      Object.keys(fingerprintSecrets("k", { tags: { owner: "ops", token: secret("t") } })),
      ["tags"],
    );
  });

  it("finds the strings inside secrets, however deep", () => {
    assert.deepEqual(
      secretStrings({ a: "plain", b: secret({ c: ["s1", 2] }), d: [secret("s2")] }),
      ["s1", "s2"],
    );
  });

  it("scrubs every recorded string that contains a known secret value", () => {
    const scrubber = new SecretScrubber("[secret]");
    scrubber.add("sim~abcdefghijklmnopqrstuvwxyz01234567");
    scrubber.add("short");
    const recorded = {
      properties: { value: "sim~abcdefghijklmnopqrstuvwxyz01234567" },
      tags: { note: "copy: sim~abcdefghijklmnopqrstuvwxyz01234567!", other: "short and fine" },
      list: [1, "sim~abcdefghijklmnopqrstuvwxyz0123456"],
    };
    assert.deepEqual(scrubber.scrub(recorded), {
      properties: { value: "[secret]" },
      tags: { note: "[secret]", other: "short and fine" },
      list: [1, "sim~abcdefghijklmnopqrstuvwxyz0123456"],
    });
    assert.equal(scrubber.size, 1, "values under 8 characters are not scrubbed");
  });
});
