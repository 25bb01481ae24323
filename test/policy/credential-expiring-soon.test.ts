import * as assert from "assert";
import { credentialExpiringSoonPolicy } from "../../policy/policies/credential-expiring-soon";
import { clock, runStack, UNKNOWN, urnOf } from "./helpers";

const policy = credentialExpiringSoonPolicy(clock);
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const NATIVE = "azure-native:keyvault:Secret";
const CLASSIC = "azure:keyvault/secret:Secret";

describe("credential-expiring-soon", () => {
  it("is an advisory stack policy with warnBefore defaulting to P30D", () => {
    assert.strictEqual(policy.enforcementLevel, "advisory");
    assert.strictEqual(policy.configSchema?.properties.warnBefore.default, "P30D");
  });

  it("warns about a password ending within the window, with the fix", async () => {
    assert.deepStrictEqual(
      await runStack(policy, [
        { type: APP_PASSWORD, name: "api-0", props: { endDate: "2026-01-11T00:00:00Z" } },
      ]),
      [
        {
          message:
            'azuread:index/applicationPassword:ApplicationPassword "api-0" expires in 10 days, at 2026-01-11T00:00:00Z (endDate), within the warning window P30D. Fix: advance the rotation trigger (the "rotation-trigger" value in rotateWhenChanged, or whatever rotateWhenChanged depends on) and run pulumi up to replace the password now.',
          urn: urnOf(APP_PASSWORD, "api-0"),
        },
      ],
    );
  });

  it("warns about a certificate and a Key Vault secret ending soon, not about expired ones", async () => {
    const violations = await runStack(policy, [
      { type: APP_CERT, name: "cert", props: { endDate: "2026-01-02T00:00:00Z" } },
      { type: APP_CERT, name: "expired", props: { endDate: "2025-12-31T00:00:00Z" } },
      {
        type: NATIVE,
        name: "kv",
        props: {
          properties: { attributes: { expires: Date.parse("2026-01-21T00:00:00Z") / 1000 } },
        },
      },
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.message),
      [
        'azuread:index/applicationCertificate:ApplicationCertificate "cert" expires in 1 day, at 2026-01-02T00:00:00Z (endDate), within the warning window P30D. Fix: upload a new certificate (new value and endDate) before this one expires.',
        'azure-native:keyvault:Secret "kv" expires in 20 days, at 2026-01-21T00:00:00Z (properties.attributes.expires), within the warning window P30D. Fix: advance the rotation trigger of the credential this secret holds and run pulumi up, so the secret is rewritten with a new value and expiry.',
      ],
    );
  });

  it("stays quiet outside the window and honours a warnBefore override", async () => {
    const secret = { type: CLASSIC, name: "kv", props: { expirationDate: "2026-03-01T00:00:00Z" } };
    assert.deepStrictEqual(await runStack(policy, [secret]), []);
    const [violation] = await runStack(policy, [secret], { warnBefore: "P90D" });
    assert.match(
      violation.message,
      /^azure:keyvault\/secret:Secret "kv" expires in 59 days, at 2026-03-01T00:00:00Z \(expirationDate\), within the warning window P90D/,
    );
  });

  it("covers the Application inline password", async () => {
    const [violation] = await runStack(policy, [
      {
        type: "azuread:index/application:Application",
        name: "app",
        props: { password: { endDate: "2026-01-05T00:00:00Z" } },
      },
    ]);
    assert.match(
      violation.message,
      /^azuread:index\/application:Application "app" password expires in 4 days/,
    );
  });

  it("skips unknown and unreadable end dates and federated credentials", async () => {
    assert.deepStrictEqual(
      await runStack(policy, [
        { type: APP_PASSWORD, name: "a", props: { endDate: UNKNOWN } },
        { type: APP_PASSWORD, name: "b", props: { endDate: "soon" } },
        { type: NATIVE, name: "c", props: { properties: UNKNOWN } },
        {
          type: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
          name: "f",
          props: { endDate: "2026-01-02T00:00:00Z" },
        },
      ]),
      [],
    );
  });

  it("reports an invalid warnBefore instead of passing", async () => {
    const [violation] = await runStack(
      policy,
      [{ type: APP_PASSWORD, name: "a", props: { endDate: "2026-01-02T00:00:00Z" } }],
      { warnBefore: "soon" },
    );
    assert.match(
      violation.message,
      /cannot be checked: policy config warnBefore: "soon" is not an ISO 8601 duration/,
    );
  });
});
