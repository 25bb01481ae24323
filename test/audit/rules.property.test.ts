/** Invariants of the audit's rules over random tenants (fast-check). */
import { strict as assert } from "assert";
import fc from "fast-check";
import { managedPasswordDisplayName } from "../../policy/core/managed";
import { auditSettings, AUDIT_POLICIES } from "../../tools/audit/policies";
import { auditTenant, MAX_VALID_SECRETS } from "../../tools/audit/rules";
import type { TenantObject } from "../../tools/audit/tenant";
import { credential, DAY, NOW_MS, tenantObject } from "./helpers";

const arbitraryCredential = fc
  .record({
    startDays: fc.integer({ min: -2000, max: 100 }),
    lengthDays: fc.double({ min: -10, max: 1500, noNaN: true }),
    certificate: fc.boolean(),
    name: fc.constantFrom(managedPasswordDisplayName(0, 1), "portal", null, "CN=x"),
    usage: fc.constantFrom("Verify", "Sign"),
  })
  .map(({ startDays, lengthDays, certificate, name, usage }) =>
    credential({
      credentialType: certificate ? "certificate" : "password",
      displayName: name,
      usage: certificate ? usage : null,
      startMs: NOW_MS + startDays * DAY,
      endMs: Math.round(NOW_MS + (startDays + lengthDays) * DAY),
    }),
  );

const arbitraryTenant = fc.array(
  fc
    .record({
      servicePrincipal: fc.boolean(),
      credentials: fc.array(arbitraryCredential, { maxLength: 5 }),
    })
    .map(({ servicePrincipal, credentials }) =>
      tenantObject(credentials, {
        objectType: servicePrincipal ? "servicePrincipal" : "application",
      }),
    ),
  { maxLength: 8 },
);

const arbitraryLevels = fc.record(
  Object.fromEntries(
    AUDIT_POLICIES.map((p) => [p, fc.constantFrom("advisory", "mandatory", "disabled")]),
  ) as Record<(typeof AUDIT_POLICIES)[number], fc.Arbitrary<string>>,
);

describe("audit: rule invariants (property)", () => {
  it("rows by urgency; expired → credential-expired only; levels honoured; exit code", () => {
    fc.assert(
      fc.property(arbitraryTenant, arbitraryLevels, (objects: TenantObject[], levels) => {
        const settings = auditSettings(JSON.stringify(levels));
        const result = auditTenant(objects, settings, NOW_MS);
        const rows = result.rows;
        assert.equal(rows.length, objects.flatMap((o) => o.credentials).length);
        // Severity (mandatory, advisory, none), then the earliest end.
        const severity = (row: (typeof rows)[number]) =>
          row.findings.some((f) => f.level === "mandatory") ? 0 : row.findings.length > 0 ? 1 : 2;
        for (let i = 1; i < rows.length; i++) {
          const [a, b] = [rows[i - 1], rows[i]];
          assert.ok(severity(a) <= severity(b), "severity order");
          if (severity(a) === severity(b)) {
            assert.ok(a.credential.endMs <= b.credential.endMs, "urgency order");
          }
        }
        assert.deepEqual(
          result.findings,
          rows.flatMap((r) => r.findings),
        );
        for (const row of rows) {
          const names = row.findings.map((f) => f.policy);
          if (row.status === "expired") {
            assert.ok(names.every((n) => n === "credential-expired"));
          } else {
            assert.ok(!names.includes("credential-expired"));
          }
          for (const f of row.findings) assert.equal(f.level, levels[f.policy]);
          if (row.role !== "unmanaged") assert.ok(!names.includes("credential-unmanaged"));
        }
        for (const object of objects) {
          const valid = rows.filter(
            (r) =>
              r.object === object &&
              r.credential.credentialType === "password" &&
              r.status !== "expired" &&
              r.role !== "entra-certificate",
          );
          const counted = valid.filter((r) =>
            r.findings.some((f) => f.policy === "credential-count"),
          );
          const enabled = levels["credential-count"] !== "disabled";
          assert.equal(
            counted.length,
            enabled && valid.length > MAX_VALID_SECRETS ? valid.length : 0,
          );
        }
        const mandatory = result.findings.some((f) => f.level === "mandatory");
        assert.equal(result.summary.exitCode, mandatory ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
