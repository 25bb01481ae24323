import * as assert from "assert";
import { keyVaultSecretContentType as policy } from "../../policy/policies/keyvault-secret-content-type";
import { runResource, UNKNOWN } from "./helpers";

const NATIVE = "azure-native:keyvault/v20230701:Secret";
const CLASSIC = "azure:keyvault/secret:Secret";

describe("keyvault-secret-content-type", () => {
  it("is advisory with allowedContentTypes defaulting to []", () => {
    assert.strictEqual(policy.enforcementLevel, "advisory");
    assert.deepStrictEqual(policy.configSchema?.properties.allowedContentTypes.default, []);
  });

  it("passes secrets with a content type", async () => {
    assert.deepStrictEqual(
      await runResource(policy, NATIVE, "s", { properties: { contentType: "text/plain" } }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, CLASSIC, "s", { contentType: "client-secret" }),
      [],
    );
  });

  it("flags a missing or blank content type", async () => {
    assert.deepStrictEqual(await runResource(policy, NATIVE, "s", { properties: { value: "x" } }), [
      'azure-native:keyvault/v20230701:Secret "s" has no content type (properties.contentType is not set). Fix: set properties.contentType, e.g. "text/plain".',
    ]);
    assert.deepStrictEqual(await runResource(policy, CLASSIC, "s", { contentType: " " }), [
      'azure:keyvault/secret:Secret "s" has no content type (contentType is " "). Fix: set contentType, e.g. "text/plain".',
    ]);
  });

  it("enforces allowedContentTypes", async () => {
    const config = { allowedContentTypes: ["application/x-pkcs12", "text/plain"] };
    assert.deepStrictEqual(
      await runResource(policy, CLASSIC, "s", { contentType: "password" }, config),
      [
        'azure:keyvault/secret:Secret "s" has content type "password", not one of the allowed "application/x-pkcs12", "text/plain". Fix: set contentType to one of them.',
      ],
    );
    assert.deepStrictEqual(
      await runResource(policy, CLASSIC, "s", { contentType: "text/plain" }, config),
      [],
    );
  });

  it("does not report an unknown content type", async () => {
    assert.deepStrictEqual(
      await runResource(policy, NATIVE, "s", { properties: { contentType: UNKNOWN } }),
      [],
    );
    assert.deepStrictEqual(await runResource(policy, NATIVE, "s", { properties: UNKNOWN }), []);
  });
});
