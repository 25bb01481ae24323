/** The audit reads `--policy-pack-config` as the engine does, plus its own two policies. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { AuditInputError } from "../../tools/audit/errors";
import {
  AUDIT_ONLY_POLICY_NAMES,
  auditAnalyzerInfo,
  auditSettings,
} from "../../tools/audit/policies";
import { ALL_POLICIES } from "../../policy/policies";
import { ROOT } from "./helpers";

const settings = (config: unknown) => auditSettings(JSON.stringify(config), "policy.json");

function rejects(config: unknown, pattern: RegExp) {
  assert.throws(
    () => settings(config),
    (error: unknown) => {
      assert.ok(error instanceof AuditInputError, String(error));
      assert.match(error.message, /^policy\.json: /);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("audit: policy configuration", () => {
  it("defaults to the pack's levels and durations, the audit-only policies' own", () => {
    const s = auditSettings(undefined);
    assert.deepEqual(s.levels, {
      "credential-unreadable": "mandatory",
      "credential-expired": "advisory",
      "credential-max-lifetime": "mandatory",
      "credential-unmanaged": "mandatory",
      "credential-expiring-soon": "advisory",
      "credential-count": "advisory",
      "service-principal-credential": "advisory",
      "credential-owner-missing": "advisory",
      "credential-in-use-before-deletion": "mandatory",
      "credential-tenant-policy": "advisory",
      "credential-unused": "advisory",
      "credential-federation-migration-incomplete": "advisory",
      // The pack's own levels for federated identity credentials.
      "federated-credential-subject-scope": "mandatory",
      "federated-credential-trust-advisory": "advisory",
    });
    assert.equal(s.maxLifetime.text, "P2Y");
    assert.equal(s.warnBefore.text, "P30D");
  });

  it("describes every pack policy with its type and schema, and the audit-only ones", () => {
    const info = auditAnalyzerInfo();
    assert.deepEqual(
      info.policies.map((p) => p.name),
      [...ALL_POLICIES.map((p) => p.name), ...AUDIT_ONLY_POLICY_NAMES],
    );
    const byName = new Map(info.policies.map((p) => [p.name, p]));
    assert.equal(byName.get("credential-max-lifetime")?.type, "resource");
    assert.equal(byName.get("credential-expired")?.type, "stack");
    assert.equal(
      byName.get("credential-max-lifetime")?.configSchema?.properties.maxLifetime.default,
      "P2Y",
    );
  });

  it("reads levels and properties from the file", () => {
    const s = settings({
      "credential-max-lifetime": { maxLifetime: "P1Y" },
      "credential-expiring-soon": { enforcementLevel: "mandatory", warnBefore: "P45D" },
      "credential-count": "mandatory",
      "service-principal-credential": { enforcementLevel: "disabled" },
      "credential-unmanaged": "advisory",
    });
    assert.equal(s.maxLifetime.text, "P1Y");
    assert.equal(s.warnBefore.text, "P45D");
    assert.equal(s.levels["credential-expiring-soon"], "mandatory");
    assert.equal(s.levels["credential-count"], "mandatory");
    assert.equal(s.levels["service-principal-credential"], "disabled");
    assert.equal(s.levels["credential-unmanaged"], "advisory");
  });

  it('applies "all" to every policy, then the named ones', () => {
    const all = settings({ all: "mandatory" });
    assert.ok(Object.values(all.levels).every((level) => level === "mandatory"));
    const mixed = settings({ all: "disabled", "credential-expired": "advisory" });
    assert.deepEqual(
      Object.entries(mixed.levels).filter(([, level]) => level !== "disabled"),
      [["credential-expired", "advisory"]],
    );
  });

  it("counts remediate as mandatory for pack policies, as @pulumi/policy reports it", () => {
    assert.equal(
      settings({ "credential-expired": "remediate" }).levels["credential-expired"],
      "mandatory",
    );
    assert.equal(settings({ all: "remediate" }).levels["credential-count"], "mandatory");
  });

  it("accepts the pack's example configuration as is", () => {
    const text = fs.readFileSync(path.join(ROOT, "policy", "policy-config.example.json"), "utf8");
    const s = auditSettings(text);
    assert.equal(s.maxLifetime.text, "P1Y");
    assert.equal(s.warnBefore.text, "P45D");
  });

  it("rejects unknown policies and properties, naming them", () => {
    rejects(
      { "credential-max-lifetim": "mandatory" },
      /unknown policy "credential-max-lifetim"; known: all, credential-max-lifetime,.*credential-count, service-principal-credential/,
    );
    rejects(
      { "credential-max-lifetime": { maxLifetme: "P1Y" } },
      /credential-max-lifetime: unknown property "maxLifetme"; allowed: enforcementLevel, maxLifetime/,
    );
    rejects(
      { "credential-count": { enforcementLevel: "mandatory", max: 3 } },
      /credential-count: unknown property "max"; only enforcementLevel may be set/,
    );
    rejects({ "credential-expired": { days: 1 } }, /credential-expired: unknown property "days"/);
    rejects({ a: "advisory", b: "advisory" }, /unknown policy "a".*; unknown policy "b"/);
  });

  it("rejects invalid levels and values, naming them", () => {
    rejects(
      { "credential-count": "remediate" },
      /credential-count: enforcement level "remediate" is not available/,
    );
    rejects({ "credential-count": "loud" }, /"loud" is not a valid enforcement level/);
    rejects(
      { "credential-max-lifetime": { maxLifetime: "two years" } },
      /credential-max-lifetime: maxLifetime: does not match pattern/,
    );
    rejects(
      { "credential-expiring-soon": { warnBefore: "P" } },
      /credential-expiring-soon\.warnBefore: "P" is invalid; expected a positive ISO 8601 duration such as P30D, P14D or P2M \("P" is not an ISO 8601 duration/,
    );
    assert.throws(
      () => auditSettings("{", "policy.json"),
      /^AuditInputError: policy\.json: invalid JSON/,
    );
  });
});
