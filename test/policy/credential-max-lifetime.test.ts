import * as assert from "assert";
import { credentialMaxLifetimePolicy } from "../../policy/policies/credential-max-lifetime";
import { CERT_1Y_PEM, CERT_4Y_PEM, derOf } from "./certificates";
import { clock, runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = credentialMaxLifetimePolicy(clock);
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
const SP_CERT = "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate";
const TOKEN_CERT =
  "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate";
const APPLICATION = "azuread:index/application:Application";

describe("credential-max-lifetime", () => {
  it("is mandatory with maxLifetime defaulting to P2Y in its schema", () => {
    assert.strictEqual(policy.name, "credential-max-lifetime");
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.strictEqual(policy.configSchema?.properties.maxLifetime.default, "P2Y");
  });

  it("caps passwords and certificates separately with maxPasswordLifetime / maxCertificateLifetime, each defaulting to maxLifetime", async () => {
    assert.strictEqual(policy.configSchema?.properties.maxPasswordLifetime.default, undefined);
    const dates = { startDate: "2026-01-01T00:00:00Z", endDate: "2026-07-01T00:00:00Z" }; // 181 days
    const config = { maxLifetime: "P1Y", maxPasswordLifetime: "P90D" };
    const password = await runResource(policy, APP_PASSWORD, "api-0", dates, config);
    assert.strictEqual(password.length, 1);
    assert.match(password[0], /lives 181 days .* longer than the maximum lifetime P90D/);
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", { ...dates, value: CERT_1Y_PEM }, config),
      [],
      "certificates keep maxLifetime P1Y",
    );
    const certificate = await runResource(
      policy,
      SP_CERT,
      "cert",
      { ...dates, value: CERT_1Y_PEM },
      { maxLifetime: "P1Y", maxCertificateLifetime: "P30D" },
    );
    assert.match(certificate[0], /longer than the maximum lifetime P30D/);
    const bad = await runResource(policy, APP_PASSWORD, "api-0", dates, {
      maxPasswordLifetime: "90 days",
    });
    assert.match(bad[0], /cannot be checked: policy config maxPasswordLifetime: /);
  });

  it("passes a password within the limit, up to exactly startDate + P2Y", async () => {
    for (const endDate of [
      "2027-06-30T00:00:00Z",
      "2028-01-01T00:00:00Z",
      "2028-01-01T02:00:00+02:00",
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, APP_PASSWORD, "api-0", {
          startDate: "2026-01-01T00:00:00Z",
          endDate,
        }),
        [],
        endDate,
      );
    }
  });

  it("rejects a password one day over, naming resource, lifetime, limit and fix", async () => {
    const messages = await runResource(policy, APP_PASSWORD, "api-0", {
      startDate: "2026-01-01T00:00:00Z",
      endDate: "2028-01-02T00:00:00Z",
    });
    assert.deepStrictEqual(messages, [
      'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 731 days (startDate 2026-01-01T00:00:00Z to endDate 2028-01-02T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (startDate + P2Y).',
    ]);
  });

  it("is calendar-correct: 2024-02-29 + P2Y is 2026-02-28", async () => {
    const start = { startDate: "2024-02-29T00:00:00Z" };
    assert.deepStrictEqual(
      await runResource(policy, SP_PASSWORD, "sp", { ...start, endDate: "2026-02-28T00:00:00Z" }),
      [],
    );
    const messages = await runResource(policy, SP_PASSWORD, "sp", {
      ...start,
      endDate: "2026-03-01T00:00:00Z",
    });
    assert.strictEqual(messages.length, 1);
    assert.match(messages[0], /no later than 2026-02-28T00:00:00Z \(startDate \+ P2Y\)/);
  });

  it("counts from now when startDate is not set", async () => {
    const messages = await runResource(policy, APP_PASSWORD, "api-0", {
      endDate: "2030-01-01T00:00:00Z",
    });
    assert.deepStrictEqual(messages, [
      'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 1461 days (now 2026-01-01T00:00:00Z to endDate 2030-01-01T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (now + P2Y).',
    ]);
  });

  it("honours a maxLifetime override and falls back to the default when config is absent", async () => {
    const props = { startDate: "2026-01-01T00:00:00Z", endDate: "2026-12-31T00:00:00Z" };
    assert.deepStrictEqual(await runResource(policy, APP_PASSWORD, "api-0", props, {}), []);
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", props, { maxLifetime: "P180D" }),
      [
        'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 364 days (startDate 2026-01-01T00:00:00Z to endDate 2026-12-31T00:00:00Z), longer than the maximum lifetime P180D. Fix: set endDate no later than 2026-06-30T00:00:00Z (startDate + P180D).',
      ],
    );
  });

  it("applies Graph's 2-year default to a password without endDate", async () => {
    assert.deepStrictEqual(await runResource(policy, APP_PASSWORD, "api-0", {}), []);
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", {}, { maxLifetime: "P1Y" }),
      [
        'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 730 days (now 2026-01-01T00:00:00Z to service default end date 2028-01-01T00:00:00Z), longer than the maximum lifetime P1Y. Fix: set endDate no later than 2027-01-01T00:00:00Z (now + P1Y).',
      ],
    );
  });

  it("endDateRelative on a password: not reported when Graph's default end date is within maxLifetime", async () => {
    // The provider ignores endDateRelative for passwords: Graph's default (start + 2 years)
    // applies, which P2Y allows. Nothing breaks in Azure: credential-end-date-ignored (advisory)
    // reports the ignored value.
    for (const props of [
      { startDate: "2026-01-01T00:00:00Z", endDateRelative: "2160h" },
      { endDateRelative: "2160h" },
      { endDateRelative: "not a duration" },
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, APP_PASSWORD, "api-0", props),
        [],
        props.endDateRelative,
      );
      assert.deepStrictEqual(await runResource(policy, SP_PASSWORD, "sp", props), []);
      assert.deepStrictEqual(
        await runResource(policy, APPLICATION, "app", { password: { displayName: "p", ...props } }),
        [],
      );
    }
    assert.deepStrictEqual(
      await runResource(
        policy,
        APP_PASSWORD,
        "api-0",
        { startDate: "2026-01-01T00:00:00Z", endDateRelative: "2160h" },
        { maxLifetime: "P730D" },
      ),
      [],
    );
    // With endDate set, endDateRelative does not matter.
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", {
        endDate: "2026-06-01T00:00:00Z",
        endDateRelative: "2160h",
      }),
      [],
    );
  });

  it("endDateRelative on a password: mandatory when Graph's default end date exceeds maxLifetime", async () => {
    const messages = await runResource(
      policy,
      APP_PASSWORD,
      "api-0",
      { startDate: "2026-01-01T00:00:00Z", endDateRelative: "2160h" },
      { maxLifetime: "P1Y" },
    );
    assert.deepStrictEqual(messages, [
      'azuread:index/applicationPassword:ApplicationPassword "api-0" sets endDateRelative "2160h" and no endDate: the provider ignores endDateRelative for passwords (deprecated), so Microsoft Graph\'s default applies and the password ends at 2028-01-01T00:00:00Z (startDate 2026-01-01T00:00:00Z to service default end date 2028-01-01T00:00:00Z), longer than the maximum lifetime P1Y. Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp no later than 2027-01-01T00:00:00Z.',
    ]);
    assert.deepStrictEqual(
      await runResource(
        policy,
        APPLICATION,
        "app",
        { password: [{ displayName: "p", endDateRelative: "24h" }] },
        { maxLifetime: "P18M" },
      ),
      [
        'azuread:index/application:Application "app" password[0] sets endDateRelative "24h" and no endDate: the provider ignores endDateRelative for passwords (deprecated), so Microsoft Graph\'s default applies and the password ends at 2028-01-01T00:00:00Z (now 2026-01-01T00:00:00Z to service default end date 2028-01-01T00:00:00Z), longer than the maximum lifetime P18M. Fix: remove endDateRelative and set endDate to an RFC 3339 timestamp no later than 2027-07-01T00:00:00Z.',
      ],
    );
  });

  it("reports an unparseable date as a violation, never an exception", async () => {
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "api-0", { endDate: "2026-13-01" }),
      [
        'azuread:index/applicationPassword:ApplicationPassword "api-0" has an unreadable endDate: "2026-13-01" is not an RFC 3339 timestamp (e.g. 2026-01-31T00:00:00Z). Maximum lifetime is P2Y. Fix: set endDate to an RFC 3339 timestamp such as 2026-01-31T00:00:00Z, with endDate no later than startDate + P2Y.',
      ],
    );
    const wrongType = await runResource(policy, APP_PASSWORD, "api-0", {
      startDate: 42,
      endDate: "2027-01-01T00:00:00Z",
    });
    assert.strictEqual(wrongType.length, 1);
    assert.match(
      wrongType[0],
      /unreadable startDate: expected an RFC 3339 timestamp string, got number 42/,
    );
  });

  it("reports an end date before the start date", async () => {
    const messages = await runResource(policy, APP_PASSWORD, "api-0", {
      startDate: "2026-06-01T00:00:00Z",
      endDate: "2026-05-01T00:00:00Z",
    });
    assert.deepStrictEqual(messages, [
      'azuread:index/applicationPassword:ApplicationPassword "api-0" ends before it starts (startDate 2026-06-01T00:00:00Z to endDate 2026-05-01T00:00:00Z). Fix: set endDate after startDate and no later than 2028-06-01T00:00:00Z (startDate + P2Y).',
    ]);
  });

  it("rejects an invalid maxLifetime instead of passing silently", async () => {
    const messages = await runResource(
      policy,
      APP_PASSWORD,
      "api-0",
      { endDate: "2026-06-01T00:00:00Z" },
      { maxLifetime: "P2X" },
    );
    assert.deepStrictEqual(messages, [
      'azuread:index/applicationPassword:ApplicationPassword "api-0" cannot be checked: policy config maxLifetime: "P2X" is not an ISO 8601 duration (e.g. P2Y, P180D). Fix: set maxLifetime to an ISO 8601 duration such as P2Y in the policy configuration.',
    ]);
  });

  it("re-throws the SDK's UnknownValueError for an unknown endDate (advisory), never a violation", async () => {
    await assert.rejects(
      runResource(policy, APP_PASSWORD, "api-0", { endDate: UNKNOWN }),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(policy, APP_PASSWORD, "api-0", {
        startDate: UNKNOWN,
        endDate: "2026-06-01T00:00:00Z",
      }),
      UnknownValueError,
    );
  });

  it("checks the Application inline password and ignores an Application without one", async () => {
    assert.deepStrictEqual(
      await runResource(policy, APPLICATION, "app", { displayName: "app" }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, APPLICATION, "app", {
        password: { displayName: "p", endDate: "2029-01-01T00:00:00Z" },
      }),
      [
        'azuread:index/application:Application "app" password lives 1096 days (now 2026-01-01T00:00:00Z to endDate 2029-01-01T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (now + P2Y).',
      ],
    );
  });

  it("reads endDateRelative of certificates as a Go duration", async () => {
    const start = { startDate: "2026-01-01T00:00:00Z" };
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", { ...start, endDateRelative: "8760h" }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, SP_CERT, "cert", { ...start, endDateRelative: "26280h" }),
      [
        'azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate "cert" lives 1095 days (startDate 2026-01-01T00:00:00Z to endDateRelative 2028-12-31T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (startDate + P2Y).',
      ],
    );
    const bad = await runResource(policy, APP_CERT, "cert", { endDateRelative: "1 year" });
    assert.strictEqual(bad.length, 1);
    assert.match(bad[0], /unreadable endDateRelative: "1 year" is not a duration such as "8760h"/);
  });

  it("falls back to the certificate's notAfter, in PEM, base64 or hex", async () => {
    assert.deepStrictEqual(await runResource(policy, APP_CERT, "cert", { value: CERT_1Y_PEM }), []);
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", {
        value: derOf(CERT_1Y_PEM).toString("base64"),
        encoding: "base64",
      }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", {
        value: derOf(CERT_1Y_PEM).toString("hex"),
        encoding: "hex",
      }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", { value: CERT_4Y_PEM, encoding: "pem" }),
      [
        'azuread:index/applicationCertificate:ApplicationCertificate "cert" lives 1785.2 days (now 2026-01-01T00:00:00Z to certificate notAfter 2030-11-21T05:36:21Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (now + P2Y).',
      ],
    );
    assert.deepStrictEqual(
      await runResource(policy, APP_CERT, "cert", { value: "not a certificate" }),
      [
        'azuread:index/applicationCertificate:ApplicationCertificate "cert" has an unreadable value: the certificate value is not a pem-encoded X.509 certificate. Maximum lifetime is P2Y. Fix: set endDate (RFC 3339) no later than startDate + P2Y.',
      ],
    );
  });

  it("applies the 3-year default of token-signing certificates", async () => {
    assert.deepStrictEqual(await runResource(policy, TOKEN_CERT, "saml", {}), [
      'azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate "saml" lives 1096 days (now 2026-01-01T00:00:00Z to service default end date 2029-01-01T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (now + P2Y).',
    ]);
    assert.deepStrictEqual(
      await runResource(policy, TOKEN_CERT, "saml", {}, { maxLifetime: "P3Y" }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, TOKEN_CERT, "saml", { endDate: "2027-01-01T00:00:00Z" }),
      [],
    );
  });

  it("never flags federated identity credentials or other types", async () => {
    for (const type of [
      "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
      "azure-native:keyvault:Secret",
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, type, "x", { endDate: "2099-01-01T00:00:00Z" }),
        [],
      );
    }
  });
});
