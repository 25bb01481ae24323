import * as assert from "assert";
import { durationSetting, stringListSetting } from "../../policy/core/config";
import { credentialLifetime } from "../../policy/core/lifetime";
import { parseRelativeDuration } from "../../policy/core/relative-duration";
import { credentialKind, keyVaultSecretFlavour } from "../../policy/core/resource-types";
import { parseSchedule } from "../../policy/core/schedule";
import { field, fieldPath } from "../../policy/core/unknowns";
import { NOW, UNKNOWN, unknownCheckingProxy } from "./helpers";

describe("policy/lib", () => {
  it("classifies resource types; federated credentials are not credentials", () => {
    assert.strictEqual(
      credentialKind(
        "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate",
      ),
      "tokenSigningCertificate",
    );
    assert.strictEqual(
      credentialKind(
        "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
      ),
      undefined,
    );
    assert.strictEqual(
      keyVaultSecretFlavour("azure-native:keyvault/v20240401preview:Secret"),
      "azure-native",
    );
    assert.strictEqual(keyVaultSecretFlavour("azure-native:keyvault:SecretX"), undefined);
    assert.strictEqual(keyVaultSecretFlavour("azure-native:keyvaultx:Secret"), undefined);
    assert.strictEqual(keyVaultSecretFlavour("azure:keyvault/secret:Secret"), "azure-classic");
  });

  it("parses endDateRelative as a Go duration (or ISO 8601), rejecting signs and zero", () => {
    assert.deepStrictEqual(parseRelativeDuration("2400h30m"), {
      ok: true,
      value: { kind: "fixed", ms: (2400 * 60 + 30) * 60_000 },
    });
    assert.deepStrictEqual(parseRelativeDuration("1.5h"), {
      ok: true,
      value: { kind: "fixed", ms: 5_400_000 },
    });
    for (const bad of ["-1h", "0h", "1d", "h", "", "1h ", 8760])
      assert.strictEqual(parseRelativeDuration(bad).ok, false, String(bad));
    assert.strictEqual(parseRelativeDuration("P90D").ok, true);
  });

  it("computes lifetimes in the documented order", () => {
    const start = "2026-01-01T00:00:00Z";
    const r1 = credentialLifetime(
      "certificate",
      { startDate: start, endDate: "2026-02-01T00:00:00Z", endDateRelative: "1h" },
      NOW,
    );
    assert.ok(r1.ok && r1.endSource === "endDate");
    const r2 = credentialLifetime("password", { endDateRelative: "1h" }, NOW);
    assert.ok(
      r2.ok &&
        r2.endSource === "serviceDefault" &&
        r2.ignoredEndDateRelative === "1h" &&
        r2.endMs === Date.UTC(2028, 0, 1),
    );
    const r3 = credentialLifetime("certificate", {}, NOW);
    assert.deepStrictEqual(r3, {
      ok: false,
      field: "value",
      reason: "the certificate value is not set",
    });
  });

  it("reads config with explicit defaults and rejects bad values", () => {
    const d = durationSetting({}, "maxLifetime", "P2Y");
    assert.ok(d.ok && d.value.text === "P2Y" && d.value.isDefault);
    assert.ok(!durationSetting({ maxLifetime: "P0D" }, "maxLifetime", "P2Y").ok);
    assert.ok(!durationSetting({ maxLifetime: ["P1Y"] }, "maxLifetime", "P2Y").ok);
    assert.deepStrictEqual(stringListSetting(undefined, "requiredKeys"), { ok: true, value: [] });
    assert.strictEqual(stringListSetting({ requiredKeys: [1] }, "requiredKeys").ok, false);
  });

  it("parses generation -1 of slot 1 in the schedule contract", () => {
    const parsed = parseSchedule({
      "rotation-window": "2026-01-01T00:00:00Z/P90D#-1",
      "rotation-slot": "1/2",
    });
    assert.ok(parsed?.ok);
    assert.strictEqual(parsed.value.generation, -1);
    assert.strictEqual(parsed.value.nextRotationMs, Date.UTC(2026, 3, 1));
  });

  it("reads through the SDK proxy, turning unknowns into values instead of exceptions", () => {
    const props = unknownCheckingProxy({ a: { b: UNKNOWN }, c: "x" });
    assert.deepStrictEqual(field(props, "c"), { known: true, value: "x" });
    assert.deepStrictEqual(field(props, "toString"), { known: true, value: undefined });
    const unknown = fieldPath(props, ["a", "b"]);
    assert.ok(
      !unknown.known &&
        unknown.error.message === "string value at .a.b can't be known during preview",
    );
    const raw = field({ d: UNKNOWN }, "d");
    assert.strictEqual(raw.known, false);
  });
});
