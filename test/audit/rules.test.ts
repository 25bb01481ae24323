/** The audit's rules, one policy at a time, on tenant objects built in the test. */
import { strict as assert } from "assert";
import { managedPasswordDisplayName } from "../../policy/core/managed";
import { auditSettings } from "../../tools/audit/policies";
import { auditTenant, TenantCredentialRow } from "../../tools/audit/rules";
import type { TenantObject } from "../../tools/audit/tenant";
import { credential, DAY, DEFAULT_SETTINGS, NOW_MS, tenantObject } from "./helpers";

const MANAGED = managedPasswordDisplayName(0, 3);

function audit(objects: TenantObject[], settings = DEFAULT_SETTINGS) {
  return auditTenant(objects, settings, NOW_MS);
}

/** Policy names per credential, keyed by keyId. */
function policies(rows: TenantCredentialRow[]): Map<string, string[]> {
  return new Map(rows.map((r) => [r.credential.keyId, r.findings.map((f) => f.policy)]));
}

describe("audit: rules", () => {
  it("a managed password within its lifetime has no finding", () => {
    const c = credential({ displayName: MANAGED, startDays: -100, endDays: 200 });
    const result = audit([tenantObject([c])]);
    assert.deepEqual(result.findings, []);
    assert.equal(result.summary.exitCode, 0);
    assert.equal(result.rows[0].role, "managed");
  });

  it("credential-max-lifetime: end − start beyond maxLifetime (calendar-correct), mandatory", () => {
    const start = Date.UTC(2024, 1, 29);
    const exactly = credential({
      displayName: MANAGED,
      startMs: start,
      endMs: Date.UTC(2026, 1, 28),
    });
    const over = credential({
      displayName: MANAGED,
      startMs: start,
      endMs: Date.UTC(2026, 1, 28) + 1,
    });
    const backwards = credential({
      displayName: MANAGED,
      startMs: NOW_MS + 300 * DAY,
      endMs: NOW_MS + 100 * DAY,
    });
    const result = audit([
      tenantObject([exactly]),
      tenantObject([over]),
      tenantObject([backwards]),
    ]);
    const found = policies(result.rows);
    assert.deepEqual(found.get(exactly.keyId), []);
    assert.deepEqual(found.get(over.keyId), ["credential-max-lifetime"]);
    assert.deepEqual(found.get(backwards.keyId), ["credential-max-lifetime"]);
    const finding = result.findings.find((f) => f.keyId === over.keyId);
    assert.equal(finding?.level, "mandatory");
    assert.match(
      finding?.message ?? "",
      /lives 730 days .*longer than the maximum lifetime P2Y \(it should end by 2026-02-28T00:00:00Z\)/,
    );
    assert.match(
      result.findings.find((f) => f.keyId === backwards.keyId)?.message ?? "",
      /ends before it starts/,
    );
    assert.equal(result.summary.exitCode, 1);
  });

  it("maxLifetime from the config file applies", () => {
    const c = credential({ displayName: MANAGED, startDays: -200, endDays: 200 });
    const settings = auditSettings(
      JSON.stringify({ "credential-max-lifetime": { maxLifetime: "P1Y" } }),
    );
    assert.deepEqual(policies(audit([tenantObject([c])], settings).rows).get(c.keyId), [
      "credential-max-lifetime",
    ]);
    assert.deepEqual(policies(audit([tenantObject([c])]).rows).get(c.keyId), []);
  });

  it("credential-expired: an expired credential gets that finding only, advisory", () => {
    const c = credential({ displayName: "hand-made", startDays: -1000, endDays: -1 });
    const result = audit([tenantObject([c])]);
    assert.deepEqual(
      result.findings.map((f) => [f.policy, f.level]),
      [["credential-expired", "advisory"]],
    );
    assert.match(
      result.findings[0].message,
      /expired 1 day ago, at 2025-12-31T00:00:00Z; it can no longer sign in/,
    );
    assert.equal(result.summary.exitCode, 0);
    const atNow = credential({ displayName: MANAGED, endMs: NOW_MS });
    assert.deepEqual(policies(audit([tenantObject([atNow])]).rows).get(atNow.keyId), [
      "credential-expired",
    ]);
  });

  it("credential-expiring-soon: ends within warnBefore (default P30D), advisory", () => {
    const soon = credential({ displayName: MANAGED, endDays: 29.9 });
    const later = credential({ displayName: MANAGED, endDays: 30 });
    const result = audit([tenantObject([soon, later])]);
    assert.deepEqual(policies(result.rows).get(soon.keyId), ["credential-expiring-soon"]);
    assert.deepEqual(policies(result.rows).get(later.keyId), []);
    const wide = auditSettings(
      JSON.stringify({ "credential-expiring-soon": { warnBefore: "P60D" } }),
    );
    assert.deepEqual(policies(audit([tenantObject([later])], wide).rows).get(later.keyId), [
      "credential-expiring-soon",
    ]);
  });

  it("credential-unmanaged: any credential without the marker, passwords and certificates", () => {
    const password = credential({ displayName: "created in the portal" });
    const unnamed = credential({ displayName: null });
    const certificate = credential({
      credentialType: "certificate",
      displayName: "CN=portal",
      usage: "Verify",
    });
    const managedCertificate = credential({
      credentialType: "certificate",
      displayName: "CN=app-credentials orders slot 0 generation 1",
      usage: "Verify",
    });
    const result = audit([tenantObject([password, unnamed, certificate, managedCertificate])]);
    const found = policies(result.rows);
    for (const c of [password, unnamed, certificate]) {
      assert.deepEqual(found.get(c.keyId), ["credential-unmanaged"]);
    }
    assert.deepEqual(found.get(managedCertificate.keyId), []);
    const message = result.findings.find((f) => f.keyId === unnamed.keyId)?.message ?? "";
    assert.match(message, /displayName not set lacks the "app-credentials " marker/);
    assert.match(message, /npm run audit -- --adopt/);
  });

  it("credential-count: more than two valid secrets, on each of them; expired and certificates not counted", () => {
    const two = tenantObject([
      credential({ displayName: MANAGED }),
      credential({ displayName: MANAGED }),
    ]);
    const three = tenantObject([
      credential({ displayName: MANAGED }),
      credential({ displayName: MANAGED }),
      credential({ displayName: "extra" }),
      credential({ displayName: "old", endDays: -5 }),
      credential({ credentialType: "certificate", displayName: "CN=x", usage: "Verify" }),
    ]);
    const twoPlusExpired = tenantObject([
      credential({ displayName: MANAGED }),
      credential({ displayName: MANAGED }),
      credential({ displayName: MANAGED, endDays: -5 }),
    ]);
    const result = audit([two, three, twoPlusExpired]);
    const counted = result.findings.filter((f) => f.policy === "credential-count");
    assert.deepEqual(
      counted.map((f) => f.objectId),
      [three.objectId, three.objectId, three.objectId],
    );
    assert.equal(counted[0].level, "advisory");
    assert.match(
      counted[0].message,
      /one of 3 valid client secrets of this application, more than 2/,
    );
  });

  it("service-principal-credential: hand-made secrets on service principals only", () => {
    const handMade = credential({ displayName: "admin consent secret" });
    const managed = credential({ displayName: MANAGED });
    const sp = tenantObject([handMade, managed], { objectType: "servicePrincipal" });
    const onApp = credential({ displayName: "portal" });
    const result = audit([sp, tenantObject([onApp])]);
    const found = policies(result.rows);
    assert.deepEqual(found.get(handMade.keyId), [
      "credential-unmanaged",
      "service-principal-credential",
    ]);
    assert.deepEqual(found.get(managed.keyId), []);
    assert.deepEqual(found.get(onApp.keyId), ["credential-unmanaged"]);
    assert.match(
      result.findings.find((f) => f.policy === "service-principal-credential")?.message ?? "",
      /does not appear in the app registration's Certificates & secrets blade/,
    );
  });

  it("service principal certificates and SAML signing passwords get lifetime and end-date rules only", () => {
    const start = NOW_MS - 100 * DAY;
    const end = start + 3 * 365 * DAY;
    const sign = credential({
      credentialType: "certificate",
      displayName: "CN=Microsoft Azure Federated SSO Certificate",
      usage: "Sign",
      type: "AsymmetricX509Cert",
      customKeyIdentifier: "QUJD",
      startMs: start,
      endMs: end,
    });
    const verify = credential({
      ...sign,
      keyId: "00000000-0000-4000-8000-00000000abcd",
      usage: "Verify",
    });
    const pfxPassword = credential({
      displayName: null,
      keyId: sign.keyId,
      customKeyIdentifier: "QUJD",
      startMs: start,
      endMs: end,
    });
    const expiringCertificate = credential({
      credentialType: "certificate",
      displayName: "CN=other",
      usage: "Verify",
      endDays: 10,
    });
    const sp = tenantObject([sign, verify, pfxPassword, expiringCertificate], {
      objectType: "servicePrincipal",
    });
    const rows = audit([sp]).rows;
    for (const row of rows) assert.equal(row.role, "entra-certificate");
    assert.deepEqual(
      rows.map((r) => r.findings.map((f) => f.policy)),
      // The mandatory lifetime findings first, then the advisory one (most urgent first).
      [
        ["credential-max-lifetime"],
        ["credential-max-lifetime"],
        ["credential-max-lifetime"],
        ["credential-expiring-soon"],
      ],
    );
  });

  it("levels come from the settings; disabled policies report nothing", () => {
    const c = credential({ displayName: "portal", startDays: -800, endDays: 10 });
    const sp = tenantObject([c], { objectType: "servicePrincipal" });
    const all = audit([sp], auditSettings(JSON.stringify({ all: "advisory" })));
    assert.deepEqual(
      all.findings.map((f) => [f.policy, f.level]),
      [
        ["credential-max-lifetime", "advisory"],
        ["credential-unmanaged", "advisory"],
        ["credential-expiring-soon", "advisory"],
        ["service-principal-credential", "advisory"],
      ],
    );
    assert.equal(all.summary.exitCode, 0);
    const some = audit(
      [sp],
      auditSettings(
        JSON.stringify({ all: "disabled", "service-principal-credential": "mandatory" }),
      ),
    );
    assert.deepEqual(
      some.findings.map((f) => [f.policy, f.level]),
      [["service-principal-credential", "mandatory"]],
    );
    assert.equal(some.summary.exitCode, 1);
  });

  it("rows by urgency: expired first (most overdue first), then the soonest end", () => {
    const ends = [100, -3, 5, -40, 0.5];
    const objects = ends.map((endDays) =>
      tenantObject([credential({ displayName: MANAGED, endDays })]),
    );
    const rows = audit(objects).rows;
    assert.deepEqual(
      rows.map((r) => Math.round(r.daysLeft * 10) / 10),
      [-40, -3, 0.5, 5, 100],
    );
  });

  it("summarises counts per level, objects, credentials and the instant", () => {
    const sp = tenantObject([credential({ displayName: "x" })], { objectType: "servicePrincipal" });
    const app = tenantObject([
      credential({ displayName: MANAGED }),
      credential({ displayName: MANAGED, endDays: -1 }),
    ]);
    const { summary, findings } = audit([sp, app, tenantObject([])]);
    assert.deepEqual(summary, {
      now: "2026-01-01T00:00:00Z",
      objects: { application: 2, servicePrincipal: 1 },
      credentials: 3,
      findings: { mandatory: 1, advisory: 2 },
      byPolicy: {
        "credential-expired": 1,
        "credential-unmanaged": 1,
        "service-principal-credential": 1,
      },
      disabledPolicies: [],
      ownersKnown: false,
      warnings: [],
      appManagementPolicies: null,
      credentialActivity: null,
      federatedCredentials: null,
      exitCode: 1,
    });
    assert.deepEqual(Object.keys(findings[0]), [
      "objectType",
      "objectId",
      "appId",
      "displayName",
      "credentialType",
      "keyId",
      "endDateTime",
      "policy",
      "level",
      "message",
      "lastSignIn",
      "lastSignInStatus",
    ]);
  });
});
