/**
 * The `--policy-pack-config` checks (tools/preview/policyConfig.ts) and the one-line reason of a
 * pack that did not start (tools/preview/policies.ts).
 */
import { strict as assert } from "assert";
import { durationSchema } from "../../policy/core/config";
import type { AnalyzerInfo, JsonSchema } from "../../tools/offline/analyzer";
import {
  parsePolicyPackConfig,
  PolicyConfigError,
  reconcileConfig,
} from "../../tools/offline/analyzer";
import { packStartReason } from "../../tools/preview/policies";
import {
  checkPolicyPackConfig,
  PreviewPolicy,
  splitPolicyPackConfig,
} from "../../tools/preview/policyConfig";

const INFO: AnalyzerInfo = {
  name: "pack",
  version: "1.0.0",
  description: "",
  supportsConfig: true,
  initialConfig: {},
  policies: [
    {
      name: "credential-max-lifetime",
      displayName: "",
      description: "",
      enforcementLevel: "mandatory",
      type: "resource",
      configSchema: {
        properties: { maxLifetime: durationSchema("maximum lifetime", "P2Y") as JsonSchema },
        required: [],
      },
    },
    {
      name: "keyvault-secret-content-type",
      displayName: "",
      description: "",
      enforcementLevel: "advisory",
      type: "resource",
    },
  ],
};
const CHURN: PreviewPolicy = {
  name: "credential-replaced-every-deployment",
  description: "",
  enforcementLevel: "mandatory",
};

describe("--policy-pack-config checks", () => {
  it("accepts the pack's policies with their schema properties, the preview's own policy and all", () => {
    const config = parsePolicyPackConfig({
      all: "advisory",
      "credential-max-lifetime": { maxLifetime: "P1Y" },
      "credential-replaced-every-deployment": "disabled",
    });
    assert.deepEqual(checkPolicyPackConfig(config, INFO, [CHURN]), []);
  });

  it("refuses a duration the pack cannot use (P0D), as the audit does, naming the policy and property", () => {
    const config = parsePolicyPackConfig({ "credential-max-lifetime": { maxLifetime: "P0D" } });
    const problems = checkPolicyPackConfig(config, INFO, [CHURN]);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^credential-max-lifetime\.maxLifetime: "P0D" is invalid; expected a positive ISO 8601 duration/,
    );
  });

  it("names unknown policies with the known ones, and unknown properties with the allowed ones", () => {
    const config = parsePolicyPackConfig({
      "credential-max-lifetim": "advisory",
      "credential-max-lifetime": { maxLifetimeDays: 365 },
      "keyvault-secret-content-type": { allowed: ["text/plain"] },
      "credential-replaced-every-deployment": { window: "P1D" },
    });
    assert.deepEqual(checkPolicyPackConfig(config, INFO, [CHURN]), [
      'unknown policy "credential-max-lifetim" (known: all, credential-max-lifetime, keyvault-secret-content-type, credential-replaced-every-deployment)',
      '"credential-max-lifetime": unknown property "maxLifetimeDays" (credential-max-lifetime takes enforcementLevel, maxLifetime)',
      '"keyvault-secret-content-type": unknown property "allowed" (keyvault-secret-content-type takes only enforcementLevel)',
      '"credential-replaced-every-deployment": unknown property "window" (credential-replaced-every-deployment takes only enforcementLevel)',
    ]);
  });

  it("accepts the names of policies that share the file (the audit's), with only a level", () => {
    const audit = [{ name: "credential-count" }];
    assert.deepEqual(
      checkPolicyPackConfig(
        parsePolicyPackConfig({ "credential-count": "mandatory" }),
        INFO,
        [CHURN],
        audit,
      ),
      [],
    );
    assert.deepEqual(
      checkPolicyPackConfig(
        parsePolicyPackConfig({ "credential-count": { max: 3 } }),
        INFO,
        [CHURN],
        audit,
      ),
      ['"credential-count": unknown property "max" (credential-count takes only enforcementLevel)'],
    );
    const { pack } = splitPolicyPackConfig(
      parsePolicyPackConfig({ "credential-count": "mandatory" }),
      [CHURN],
      audit,
    );
    assert.deepEqual(pack, {}, "the pack never sees them");
  });

  it("levels of the preview's policies: default, then all, then its own entry; remediate is mandatory", () => {
    const level = (file: object) =>
      splitPolicyPackConfig(parsePolicyPackConfig(file), [CHURN]).previewLevels[CHURN.name];
    assert.equal(level({}), "mandatory");
    assert.equal(level({ all: "advisory" }), "advisory");
    assert.equal(
      level({ "credential-replaced-every-deployment": "advisory", all: "disabled" }),
      "advisory",
    );
    assert.equal(level({ all: "remediate" }), "mandatory");
    const { pack } = splitPolicyPackConfig(
      parsePolicyPackConfig({
        all: "advisory",
        "credential-replaced-every-deployment": "disabled",
      }),
      [CHURN],
    );
    assert.deepEqual(Object.keys(pack), ["all"], "the pack never sees the preview's policies");
  });
});

describe("policy config schema validation (ajv, a full JSON Schema validator)", () => {
  /** One policy whose config schema has `properties` and `required`. */
  const info = (properties: Record<string, JsonSchema>, required: string[] = []): AnalyzerInfo => ({
    ...INFO,
    policies: [{ ...INFO.policies[0], name: "p", configSchema: { properties, required } }],
  });
  /** The messages of the PolicyConfigError reconcileConfig throws, or [] when it accepts. */
  const errors = (schemaInfo: AnalyzerInfo, file: object): string[] => {
    try {
      reconcileConfig(schemaInfo, file);
      return [];
    } catch (error) {
      if (!(error instanceof PolicyConfigError)) throw error;
      return error.errors;
    }
  };

  it("keeps the engine's message shapes: required first, a wrong type alone, array items by index", () => {
    const schema = info(
      {
        d: { type: "string", pattern: "^P[0-9]+D$" },
        e: { type: "string", enum: ["a", "b"], minLength: 3 },
        l: { type: "array", items: { type: "string", minLength: 2 } },
      },
      ["z"],
    );
    assert.deepEqual(errors(schema, { p: { d: 5, e: "c", l: ["a", 3] } }), [
      "p: z is required",
      "p: d: invalid type. Expected: string, given: integer",
      'p: e: must be one of "a", "b"',
      "p: e: string length must be greater than or equal to 3",
      "p: l.0: string length must be greater than or equal to 2",
      "p: l.1: invalid type. Expected: string, given: integer",
    ]);
    assert.deepEqual(errors(schema, { p: { z: 1, d: "P3D", e: "a".repeat(3), l: [] } }), [
      'p: e: must be one of "a", "b"',
    ]);
  });

  it("checks the keywords the former hand-written subset ignored (maximum, maxItems)", () => {
    const schema = info({ n: { type: "integer", maximum: 10 }, l: { type: "array", maxItems: 1 } });
    assert.deepEqual(errors(schema, { p: { n: 11, l: [1, 2] } }), [
      "p: n: must be <= 10",
      "p: l: must NOT have more than 1 items",
    ]);
    assert.deepEqual(errors(schema, { p: { n: 10, l: [1] } }), []);
  });

  it("refuses a schema that is not JSON Schema instead of accepting every value", () => {
    assert.deepEqual(errors(info({ n: { type: "integr" } }), { p: { n: 1 } }).length, 1);
    assert.match(
      errors(info({ n: { type: "integr" } }), { p: { n: 1 } })[0],
      /^p: invalid config schema: /,
    );
  });
});

describe("a policy pack that does not start", () => {
  it("shows the error the pack threw, in one line, without stack frames or colours", () => {
    const message = [
      "policy pack did not start: exited with 32",
      "error: [runtime] Running program '/tmp/pack' failed with an unhandled exception:",
      "    Error: app-credential-policies: the compiled pack in /tmp/pack/bin is older than its sources (lib/clock.ts); run `npm run build` in /tmp/pack",
      "    at assertCompiledUpToDate \u001b[90m(/tmp/pack/\u001b[39mbin/lib/compiled.js:99:15\u001b[90m)\u001b[39m",
      "    at Object.<anonymous> (/tmp/pack/bin/index.js:13:39)",
      "",
    ].join("\n");
    assert.equal(
      packStartReason(message),
      "app-credential-policies: the compiled pack in /tmp/pack/bin is older than its sources (lib/clock.ts); run `npm run build` in /tmp/pack",
    );
  });

  it("shows the line a pack printed itself, else why the harness gave up", () => {
    assert.equal(
      packStartReason("policy pack did not start: exited with 1\nthe pack is stale: rebuild it\n"),
      "the pack is stale: rebuild it",
    );
    assert.equal(
      packStartReason("policy pack did not start: no port on stdout after 60000 ms\n"),
      "no port on stdout after 60000 ms",
    );
  });
});
