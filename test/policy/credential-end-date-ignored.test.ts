import * as assert from "assert";
import { credentialEndDateIgnoredPolicy } from "../../policy/policies/credential-end-date-ignored";
import { ALL_POLICIES } from "../../policy/policies";
import { clock, runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = credentialEndDateIgnoredPolicy(clock);
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const APPLICATION = "azuread:index/application:Application";

describe("credential-end-date-ignored", () => {
  it("is advisory, without configuration, and served by the pack after credential-max-lifetime", () => {
    assert.strictEqual(policy.name, "credential-end-date-ignored");
    assert.strictEqual(policy.enforcementLevel, "advisory");
    assert.strictEqual(policy.configSchema, undefined);
    const names = ALL_POLICIES.map((p) => p.name);
    assert.ok(names.includes("credential-end-date-ignored"), names.join());
    assert.ok(
      names.indexOf("credential-end-date-ignored") > names.indexOf("credential-max-lifetime"),
    );
  });

  it("reports a password whose endDateRelative the provider ignores, with both end dates and the fix", async () => {
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", {
        startDate: "2026-01-01T00:00:00Z",
        endDateRelative: "2160h",
      }),
      [
        'azuread:index/applicationPassword:ApplicationPassword "api-0" sets endDateRelative "2160h" and no endDate: the provider ignores endDateRelative for passwords (deprecated), so the password ends at Microsoft Graph\'s default, 2028-01-01T00:00:00Z (startDate + 2 years), not at 2026-04-01T00:00:00Z (startDate + 2160h) as written. Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp, e.g. 2026-04-01T00:00:00Z.',
      ],
    );
    // Without startDate Graph counts from the creation instant (now, for a preview).
    assert.deepStrictEqual(
      await runResource(policy, SP_PASSWORD, "sp", { endDateRelative: "24h" }),
      [
        'azuread:index/servicePrincipalPassword:ServicePrincipalPassword "sp" sets endDateRelative "24h" and no endDate: the provider ignores endDateRelative for passwords (deprecated), so the password ends at Microsoft Graph\'s default, 2028-01-01T00:00:00Z (now + 2 years), not at 2026-01-02T00:00:00Z (now + 24h) as written. Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp, e.g. 2026-01-02T00:00:00Z.',
      ],
    );
  });

  it("an unreadable endDateRelative or startDate is still reported, without the dates it cannot compute", async () => {
    const [relative] = await runResource(policy, APP_PASSWORD, "api-0", {
      endDateRelative: "1 year",
    });
    assert.match(
      relative,
      /sets endDateRelative "1 year" and no endDate: the provider ignores endDateRelative for passwords \(deprecated\), so the password ends at Microsoft Graph's default, 2028-01-01T00:00:00Z \(now \+ 2 years\)\. Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp\.$/,
    );
    const [start] = await runResource(policy, APP_PASSWORD, "api-0", {
      startDate: "soon",
      endDateRelative: "24h",
    });
    assert.match(
      start,
      /so the password ends at Microsoft Graph's default \(startDate \+ 2 years\)\. Fix:/,
    );
  });

  it("checks each Application inline password", async () => {
    const messages = await runResource(policy, APPLICATION, "app", {
      password: [
        { displayName: "a", endDate: "2026-06-01T00:00:00Z" },
        { displayName: "b", endDateRelative: "48h" },
      ],
    });
    assert.strictEqual(messages.length, 1);
    assert.match(
      messages[0],
      /^azuread:index\/application:Application "app" password\[1\] sets endDateRelative "48h"/,
    );
    assert.deepStrictEqual(await runResource(policy, APPLICATION, "app", { displayName: "x" }), []);
  });

  it("does not report an endDate, a password without endDateRelative, or a certificate (whose endDateRelative counts)", async () => {
    for (const props of [
      { endDate: "2026-06-01T00:00:00Z", endDateRelative: "2160h" },
      { startDate: "2026-01-01T00:00:00Z" },
      {},
      { endDateRelative: "" },
      { endDateRelative: null },
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, APP_PASSWORD, "api-0", props),
        [],
        JSON.stringify(props),
      );
    }
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", { endDateRelative: "8760h" }),
      [],
    );
  });

  it("re-throws the SDK's UnknownValueError for an unknown endDateRelative or endDate", async () => {
    await assert.rejects(
      runResource(policy, APP_PASSWORD, "api-0", { endDateRelative: UNKNOWN }),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(policy, APP_PASSWORD, "api-0", { endDateRelative: "24h", endDate: UNKNOWN }),
      UnknownValueError,
    );
    // Nothing to judge without endDateRelative: an unknown endDate does not matter.
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", { endDate: UNKNOWN }),
      [],
    );
  });
});
