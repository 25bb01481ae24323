import * as assert from "assert";
import { credentialRotationRequired } from "../../policy/policies/credential-rotation-required";
import { runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = credentialRotationRequired;
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const APPLICATION = "azuread:index/application:Application";
const FIX =
  'Fix: set rotateWhenChanged to values that change when the password is due, e.g. the app-credentials schedule keys ("rotation-window", "rotation-slot", "rotation-trigger") or { rotation: <time.Rotating>.id }.';

describe("credential-rotation-required", () => {
  it("is mandatory with requiredKeys defaulting to []", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.deepStrictEqual(policy.configSchema?.properties.requiredKeys.default, []);
  });

  it("passes passwords with a non-empty rotateWhenChanged", async () => {
    const schedule = {
      "rotation-window": "2026-01-01T00:00:00Z/P180D#0",
      "rotation-slot": "0/2",
      "rotation-trigger": "0",
    };
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "p", { rotateWhenChanged: schedule }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, SP_PASSWORD, "p", {
        rotateWhenChanged: { rotation: "2026-01-01T00:00:00Z" },
      }),
      [],
    );
  });

  it("rejects a missing, empty or malformed rotateWhenChanged", async () => {
    assert.deepStrictEqual(await runResource(policy, APP_PASSWORD, "p", {}), [
      `azuread:index/applicationPassword:ApplicationPassword "p" has no rotation schedule: rotateWhenChanged is not set, and every password needs a non-empty one. ${FIX}`,
    ]);
    assert.deepStrictEqual(await runResource(policy, SP_PASSWORD, "p", { rotateWhenChanged: {} }), [
      `azuread:index/servicePrincipalPassword:ServicePrincipalPassword "p" has no rotation schedule: rotateWhenChanged is an empty map, and every password needs a non-empty one. ${FIX}`,
    ]);
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "p", { rotateWhenChanged: "yearly" }),
      [
        `azuread:index/applicationPassword:ApplicationPassword "p" has no rotation schedule: rotateWhenChanged is "yearly", and every password needs a non-empty one. ${FIX}`,
      ],
    );
  });

  it("rejects the Application inline password and points to ApplicationPassword", async () => {
    assert.deepStrictEqual(
      await runResource(policy, APPLICATION, "app", { password: { displayName: "legacy" } }),
      [
        'azuread:index/application:Application "app" has an inline password (displayName "legacy"), which cannot rotate with overlap: the provider removes the old password before adding the new one. Limit: inline passwords are not allowed. Fix: remove password from the Application and create an azuread.ApplicationPassword with endDate and rotateWhenChanged.',
      ],
    );
    assert.deepStrictEqual(
      await runResource(policy, APPLICATION, "app", { displayName: "app", password: null }),
      [],
    );
  });

  it("enforces requiredKeys from config", async () => {
    const props = { rotateWhenChanged: { "rotation-window": "2026-01-01T00:00:00Z/P180D#0" } };
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "p", props, { requiredKeys: ["rotation-trigger"] }),
      [
        'azuread:index/applicationPassword:ApplicationPassword "p" rotateWhenChanged lacks the required key "rotation-trigger" (found: "rotation-window"). Fix: add "rotation-trigger" to rotateWhenChanged.',
      ],
    );
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "p", props, { requiredKeys: ["rotation-window"] }),
      [],
    );
  });

  it("re-throws UnknownValueError only when rotateWhenChanged itself is unknown", async () => {
    await assert.rejects(
      runResource(policy, APP_PASSWORD, "p", { rotateWhenChanged: UNKNOWN }),
      UnknownValueError,
    );
    // `{ rotation: rotating.id }` at the first preview: the key is known, so the map is not empty.
    assert.deepStrictEqual(
      await runResource(policy, APP_PASSWORD, "p", { rotateWhenChanged: { rotation: UNKNOWN } }),
      [],
    );
    assert.deepStrictEqual(
      await runResource(
        policy,
        APP_PASSWORD,
        "p",
        { rotateWhenChanged: { rotation: UNKNOWN } },
        { requiredKeys: ["rotation-trigger"] },
      ),
      [
        'azuread:index/applicationPassword:ApplicationPassword "p" rotateWhenChanged lacks the required key "rotation-trigger" (found: "rotation"). Fix: add "rotation-trigger" to rotateWhenChanged.',
      ],
    );
  });

  it("never flags certificates or federated identity credentials", async () => {
    for (const type of [
      "azuread:index/applicationCertificate:ApplicationCertificate",
      "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    ]) {
      assert.deepStrictEqual(await runResource(policy, type, "x", {}), []);
    }
  });
});
