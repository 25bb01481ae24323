import * as assert from "assert";
import { keyVaultSecretExpiryPolicy } from "../../policy/policies/keyvault-secret-expiry";
import { clock, runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = keyVaultSecretExpiryPolicy(clock);
const NATIVE = "azure-native:keyvault:Secret";
const CLASSIC = "azure:keyvault/secret:Secret";
const seconds = (iso: string): number => Date.parse(iso) / 1000;
const native = (expires: unknown) => ({ properties: { value: "s3cret", attributes: { expires } } });

describe("keyvault-secret-expiry", () => {
  it("is mandatory with maxValidity defaulting to P2Y", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.strictEqual(policy.configSchema?.properties.maxValidity.default, "P2Y");
  });

  it("passes expiries up to now + P2Y, for every azure-native API-version token", async () => {
    for (const type of [
      NATIVE,
      "azure-native:keyvault/v20230701:Secret",
      "azure-native:keyvault/v20240401preview:Secret",
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, type, "s", native(seconds("2028-01-01T00:00:00Z"))),
        [],
        type,
      );
    }
    assert.deepStrictEqual(
      await runResource(policy, CLASSIC, "s", { expirationDate: "2027-01-01T00:00:00Z" }),
      [],
    );
  });

  it("rejects a secret without expiry", async () => {
    assert.deepStrictEqual(
      await runResource(policy, NATIVE, "client-secret", { properties: { value: "x" } }),
      [
        'azure-native:keyvault:Secret "client-secret" has no expiry (properties.attributes.expires is not set); every secret must expire within P2Y. Fix: set properties.attributes.expires (seconds since the Unix epoch) no later than 2028-01-01T00:00:00Z, e.g. the end date of the credential it holds.',
      ],
    );
    assert.deepStrictEqual(await runResource(policy, CLASSIC, "client-secret", { value: "x" }), [
      'azure:keyvault/secret:Secret "client-secret" has no expiry (expirationDate is not set); every secret must expire within P2Y. Fix: set expirationDate (RFC 3339) no later than 2028-01-01T00:00:00Z, e.g. the end date of the credential it holds.',
    ]);
  });

  it("rejects an expiry beyond maxValidity, reading expires as seconds", async () => {
    assert.deepStrictEqual(
      await runResource(policy, NATIVE, "s", native(seconds("2028-01-02T00:00:00Z"))),
      [
        'azure-native:keyvault:Secret "s" expires at 2028-01-02T00:00:00Z (properties.attributes.expires = 1830384000 seconds since the Unix epoch), later than the maximum validity P2Y from now (2028-01-01T00:00:00Z). Fix: set properties.attributes.expires (seconds since the Unix epoch) no later than 2028-01-01T00:00:00Z.',
      ],
    );
    assert.deepStrictEqual(
      await runResource(
        policy,
        CLASSIC,
        "s",
        { expirationDate: "2026-07-01T00:00:00Z" },
        { maxValidity: "P90D" },
      ),
      [
        'azure:keyvault/secret:Secret "s" expires at 2026-07-01T00:00:00Z (expirationDate = "2026-07-01T00:00:00Z"), later than the maximum validity P90D from now (2026-04-01T00:00:00Z). Fix: set expirationDate (RFC 3339) no later than 2026-04-01T00:00:00Z.',
      ],
    );
  });

  it("explains milliseconds and wrong types instead of throwing", async () => {
    assert.deepStrictEqual(
      await runResource(policy, NATIVE, "s", native(Date.parse("2027-01-01T00:00:00Z"))),
      [
        'azure-native:keyvault:Secret "s" has an unreadable expiry: properties.attributes.expires: 1798761600000 is beyond the year 5000: it looks like milliseconds, but expires is in seconds since the Unix epoch. Fix: set properties.attributes.expires (seconds since the Unix epoch) no later than 2028-01-01T00:00:00Z (now + P2Y).',
      ],
    );
    const text = await runResource(policy, NATIVE, "s", native("2027-01-01T00:00:00Z"));
    assert.match(
      text[0],
      /expected a number of seconds since the Unix epoch, got "2027-01-01T00:00:00Z"/,
    );
    const bad = await runResource(policy, CLASSIC, "s", { expirationDate: "tomorrow" });
    assert.match(
      bad[0],
      /has an unreadable expiry: expirationDate: "tomorrow" is not an RFC 3339 timestamp/,
    );
    const props = await runResource(policy, NATIVE, "s", { properties: "oops" });
    assert.match(props[0], /has no expiry/);
  });

  it("re-throws UnknownValueError for an unknown expiry or properties", async () => {
    await assert.rejects(runResource(policy, NATIVE, "s", native(UNKNOWN)), UnknownValueError);
    await assert.rejects(
      runResource(policy, NATIVE, "s", { properties: UNKNOWN }),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(policy, CLASSIC, "s", { expirationDate: UNKNOWN }),
      UnknownValueError,
    );
  });

  it("rejects an invalid maxValidity instead of passing", async () => {
    const messages = await runResource(
      policy,
      CLASSIC,
      "s",
      { expirationDate: "2026-02-01T00:00:00Z" },
      { maxValidity: 30 },
    );
    assert.match(
      messages[0],
      /cannot be checked: policy config maxValidity: expected an ISO 8601 duration string, got number 30/,
    );
  });

  it("ignores other types, e.g. Key Vault keys", async () => {
    assert.deepStrictEqual(await runResource(policy, "azure-native:keyvault:Key", "k", {}), []);
  });
});
