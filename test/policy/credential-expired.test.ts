import * as assert from "assert";
import { credentialExpiredPolicy } from "../../policy/policies/credential-expired";
import { clock, runStack, UNKNOWN, urnOf } from "./helpers";

const policy = credentialExpiredPolicy(clock);
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const NATIVE = "azure-native:keyvault:Secret";

describe("credential-expired", () => {
  it("is an advisory stack policy", () => {
    assert.strictEqual(policy.enforcementLevel, "advisory");
  });

  it("reports credentials and secrets whose end date has passed (now included), with the fix", async () => {
    const violations = await runStack(policy, [
      { type: APP_CERT, name: "cert", props: { endDate: "2025-12-31T00:00:00Z" } },
      { type: APP_PASSWORD, name: "at-now", props: { endDate: "2026-01-01T00:00:00Z" } },
      { type: APP_PASSWORD, name: "ahead", props: { endDate: "2026-01-01T00:00:01Z" } },
      {
        type: NATIVE,
        name: "kv",
        props: {
          properties: { attributes: { expires: Date.parse("2025-11-01T00:00:00Z") / 1000 } },
        },
      },
      {
        type: "azuread:index/application:Application",
        name: "app",
        props: {
          password: [{ endDate: "2026-02-01T00:00:00Z" }, { endDate: "2025-12-01T00:00:00Z" }],
        },
      },
    ]);
    assert.deepStrictEqual(violations, [
      {
        message:
          'azuread:index/applicationCertificate:ApplicationCertificate "cert" expired 1 day ago, at 2025-12-31T00:00:00Z (endDate). Fix: upload a new certificate (new value and endDate) before this one expires.',
        urn: urnOf(APP_CERT, "cert"),
      },
      {
        message:
          'azuread:index/applicationPassword:ApplicationPassword "at-now" expired 0 days ago, at 2026-01-01T00:00:00Z (endDate). Fix: advance the rotation trigger (the "rotation-trigger" value in rotateWhenChanged, or whatever rotateWhenChanged depends on) and run pulumi up to replace the password now.',
        urn: urnOf(APP_PASSWORD, "at-now"),
      },
      {
        message:
          'azure-native:keyvault:Secret "kv" expired 61 days ago, at 2025-11-01T00:00:00Z (properties.attributes.expires). Fix: advance the rotation trigger of the credential this secret holds and run pulumi up, so the secret is rewritten with a new value and expiry.',
        urn: urnOf(NATIVE, "kv"),
      },
      {
        message:
          'azuread:index/application:Application "app" password[1] expired 31 days ago, at 2025-12-01T00:00:00Z (endDate). Fix: replace the inline password with an azuread.ApplicationPassword that has endDate and rotateWhenChanged, then advance its rotation trigger.',
        urn: urnOf("azuread:index/application:Application", "app"),
      },
    ]);
  });

  it("skips unknown and unreadable end dates", async () => {
    assert.deepStrictEqual(
      await runStack(policy, [
        { type: APP_PASSWORD, name: "a", props: { endDate: UNKNOWN } },
        { type: APP_PASSWORD, name: "b", props: { endDate: "long ago" } },
        { type: NATIVE, name: "c", props: { properties: UNKNOWN } },
      ]),
      [],
    );
  });
});
