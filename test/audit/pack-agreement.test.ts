/**
 * The audit judges lifetimes and end dates as the pack does, and reports unmanaged credentials
 * under their own name (issue 23, item 2).
 *
 * Agreement: the same credentials go through the audit (from Graph JSON, as `az ad app list`
 * prints it) and through the pack's own policies (`credential-max-lifetime`, `credential-expired`,
 * `credential-expiring-soon`, as ApplicationPasswords with the same dates), with calendar units
 * (`P1M`) and boundaries where a re-implementation with fixed days, `<` for `<=` or another order
 * would disagree. Each verdict and each figure the messages show must be the same.
 */
import { strict as assert } from "assert";
import { Duration } from "luxon";
import {
  AUDIT_ONLY_POLICIES,
  AUDIT_ONLY_POLICY_NAMES,
  daysBetween,
  endStatus,
  isExpired,
  maxLifetimeVerdict,
  MaxLifetimeKind,
  managedPasswordDisplayName,
} from "../../policy/core";
import { credentialExpiredPolicy } from "../../policy/policies/credential-expired";
import { credentialExpiringSoonPolicy } from "../../policy/policies/credential-expiring-soon";
import { credentialMaxLifetimePolicy } from "../../policy/policies/credential-max-lifetime";
import { AUDIT_POLICIES, AUDIT_RULES, auditSettings } from "../../tools/audit/policies";
import { renderText } from "../../tools/audit/render";
import { auditTenant } from "../../tools/audit/rules";
import { parseTenantObjects } from "../../tools/audit/tenant";
import { runResource, runStack, urnOf } from "../policy/helpers";
import { audit, credential, graphObject, NOW, tenantObject, SAMPLE_TENANT } from "./helpers";

const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
/** Month ends make `P1M` differ from 30 days: now + P1M is 2026-02-28, now + 30 days 2026-03-02. */
const NOW_MS = Date.parse("2026-01-31T00:00:00Z");
const CONFIG = {
  "credential-max-lifetime": { maxLifetime: "P1M" },
  "credential-expiring-soon": { warnBefore: "P1M" },
};
const P1M = Duration.fromISO("P1M");
const MANAGED = managedPasswordDisplayName(0, 3);

/** name → [startDateTime, endDateTime] */
const CASES: Record<string, [string, string]> = {
  "ends exactly at start + P1M": ["2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"],
  "one second past start + P1M": ["2026-03-31T00:00:00Z", "2026-04-30T00:00:01Z"],
  "leap day + P1M, exactly": ["2028-02-29T00:00:00Z", "2028-03-29T00:00:00Z"],
  "leap day + P1M, one second over": ["2028-02-29T00:00:00Z", "2028-03-29T00:00:01Z"],
  "ends at now + P1M (not within it)": ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z"],
  "30 days is not a month": ["2026-01-31T00:00:00Z", "2026-03-01T00:00:00Z"],
  "one second before now + P1M": ["2026-01-15T00:00:00Z", "2026-02-27T23:59:59Z"],
  "ends before it starts": ["2026-05-01T00:00:00Z", "2026-04-01T00:00:00Z"],
  "ends when it starts": ["2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"],
  "one second after now": ["2026-01-20T00:00:00Z", "2026-01-31T00:00:01Z"],
  "ends exactly now": ["2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z"],
  "ended a month ago, too long": ["2020-01-01T00:00:00Z", "2025-12-31T00:00:00Z"],
  "start + P1M beyond what a date holds": ["+275760-09-01T00:00:00Z", "+275760-09-10T00:00:00Z"],
};

/** The first capture of `pattern` in each message, or undefined. */
function capture(messages: string[], pattern: RegExp): string | undefined {
  for (const message of messages) {
    const match = pattern.exec(message);
    if (match) return match[1];
  }
  return undefined;
}

describe("audit: judges as the pack does", () => {
  it("lifetime and end-date verdicts and figures equal the pack's policies' and functions'", async () => {
    const names = Object.keys(CASES);
    const objects = names.map((name) =>
      tenantObject(
        [
          credential({
            displayName: MANAGED,
            startMs: Date.parse(CASES[name][0]),
            endMs: Date.parse(CASES[name][1]),
            startDateTime: CASES[name][0],
            endDateTime: CASES[name][1],
          }),
        ],
        { displayName: name },
      ),
    );
    // Through the audit's reader, as an export is read.
    const parsed = parseTenantObjects(objects.map(graphObject), "apps.json", "application");
    const settings = auditSettings(JSON.stringify(CONFIG));
    const result = auditTenant(parsed, settings, NOW_MS);
    const clock = () => NOW_MS;
    const stack = names.map((name) => ({
      type: APP_PASSWORD,
      name,
      props: { endDate: CASES[name][1] },
    }));
    const expired = await runStack(credentialExpiredPolicy(clock), stack);
    const soon = await runStack(
      credentialExpiringSoonPolicy(clock),
      stack,
      CONFIG["credential-expiring-soon"],
    );
    const kinds = new Set<MaxLifetimeKind>();
    const statuses = new Set<string>();
    for (const name of names) {
      const [startText, endText] = CASES[name];
      const [startMs, endMs] = [Date.parse(startText), Date.parse(endText)];
      const row = result.rows.find((r) => r.object.displayName === name);
      assert.ok(row, name);
      const found = (policy: string) =>
        row.findings.filter((f) => f.policy === policy).map((f) => f.message);
      const urn = urnOf(APP_PASSWORD, name);
      const packExpired = expired.filter((v) => v.urn === urn).map((v) => v.message);
      const packSoon = soon.filter((v) => v.urn === urn).map((v) => v.message);

      // End dates: the pack's endStatus / isExpired and its two stack policies.
      assert.equal(row.status, endStatus(endMs, NOW_MS, P1M), name);
      assert.equal(row.status === "expired", isExpired(endMs, NOW_MS), name);
      assert.equal(row.daysLeft, daysBetween(NOW_MS, endMs), name);
      assert.equal(found("credential-expired").length, packExpired.length, name);
      assert.equal(found("credential-expiring-soon").length, packSoon.length, name);
      assert.equal(
        capture(found("credential-expired"), /expired (.+?) ago, at (?:\S+?)[;.]/),
        capture(packExpired, /expired (.+?) ago/),
        name,
      );
      assert.equal(
        capture(found("credential-expiring-soon"), /expires in (.+?), at/),
        capture(packSoon, /expires in (.+?), at/),
        name,
      );
      statuses.add(row.status);

      // Lifetime: judged only on unexpired credentials (an expired one gets credential-expired only).
      if (row.status === "expired") {
        assert.equal(row.lifetime, null, name);
        continue;
      }
      const verdict = maxLifetimeVerdict(startMs, endMs, P1M);
      assert.deepEqual(row.lifetime, verdict, name);
      kinds.add(verdict.kind);
      const pack = await runResource(
        credentialMaxLifetimePolicy(clock),
        APP_PASSWORD,
        name,
        { startDate: startText, endDate: endText },
        CONFIG["credential-max-lifetime"],
      );
      const audited = found("credential-max-lifetime");
      assert.equal(audited.length, pack.length, `${name}: ${pack.join()} / ${audited.join()}`);
      assert.equal(
        /ends before it starts/.test(audited.join()),
        /ends before it starts/.test(pack.join()),
        name,
      );
      assert.equal(
        /out of the supported range/.test(audited.join()),
        /out of the supported range/.test(pack.join()),
        name,
      );
      assert.equal(capture(audited, /lives (.+?) \(/), capture(pack, /lives (.+?) \(/), name);
      assert.equal(
        capture(audited, /should end by (\S+)\)/),
        capture(pack, /lives .*no later than (\S+) \(/),
        name,
      );
    }
    // The cases reach every verdict, so the comparison above means something.
    assert.deepEqual([...kinds].sort(), [
      "ends-before-start",
      "out-of-range",
      "too-long",
      "within",
    ]);
    assert.deepEqual([...statuses].sort(), ["expired", "expiring-soon", "ok"]);
  });
});

describe("audit: credential-unmanaged (formerly credential-rotation-required)", () => {
  const portal = () => credential({ displayName: "created in the portal" });

  it("reports a credential without the marker as credential-unmanaged, mandatory by default", () => {
    const c = portal();
    const result = auditTenant([tenantObject([c])], auditSettings(undefined), Date.parse(NOW));
    assert.deepEqual(
      result.findings.map((f) => [f.policy, f.level]),
      [["credential-unmanaged", "mandatory"]],
    );
    assert.deepEqual(result.summary.byPolicy, { "credential-unmanaged": 1 });
    assert.equal(result.summary.exitCode, 1);
    assert.deepEqual(
      AUDIT_ONLY_POLICIES.find((p) => p.name === "credential-unmanaged")?.enforcementLevel,
      "mandatory",
    );
    assert.ok(AUDIT_ONLY_POLICY_NAMES.includes("credential-unmanaged"));
  });

  it("no longer reports under credential-rotation-required, whose level no longer applies", () => {
    assert.ok(!(AUDIT_POLICIES as readonly string[]).includes("credential-rotation-required"));
    assert.ok(!("credential-rotation-required" in AUDIT_RULES));
    const c = portal();
    const objects = [tenantObject([c])];
    // The pack's entry is still accepted (one file serves the pack and the audit) but sets nothing.
    const packOnly = auditSettings(JSON.stringify({ "credential-rotation-required": "advisory" }));
    assert.equal(packOnly.levels["credential-unmanaged"], "mandatory");
    const own = auditSettings(JSON.stringify({ "credential-unmanaged": "advisory" }));
    assert.deepEqual(
      auditTenant(objects, own, Date.parse(NOW)).findings.map((f) => [f.policy, f.level]),
      [["credential-unmanaged", "advisory"]],
    );
    const off = auditSettings(JSON.stringify({ "credential-unmanaged": "disabled" }));
    assert.deepEqual(auditTenant(objects, off, Date.parse(NOW)).findings, []);
    const text = renderText(auditTenant(objects, own, Date.parse(NOW)), own, { source: "test" });
    assert.match(text, /\n {2}credential-unmanaged {2}\s+1 {2}advisory {3}not created by/);
    assert.doesNotMatch(text, /credential-rotation-required/);
  });

  it("--json of the sample tenant: credential-unmanaged, never credential-rotation-required", async () => {
    const run = await audit([...SAMPLE_TENANT, "--json"]);
    const json = JSON.parse(run.stdout) as {
      findings: { policy: string }[];
      summary: { byPolicy: Record<string, number> };
    };
    assert.equal(json.summary.byPolicy["credential-unmanaged"], 9);
    assert.ok(!("credential-rotation-required" in json.summary.byPolicy));
    assert.ok(json.findings.every((f) => f.policy !== "credential-rotation-required"));
  });
});
