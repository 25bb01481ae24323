/**
 * The failed-resource set, computed in one place (tools/offline/simulator/failedSteps.ts): what the
 * simulated Azure records while the program runs, and what the deployment model and the preview's
 * report rebuild from the registrations.
 */
import * as assert from "assert";
import { FailedSteps, failedSteps } from "../../tools/offline/simulator/failedSteps";
import type { SimulatedFailure } from "../../tools/offline/simulator/simulatedAzure";
import { registration } from "../support/registrations";

const T = "random:index/randomString:RandomString";
const failure = (urn: string): SimulatedFailure => ({
  urn,
  type: T,
  name: urn.split("::").pop() ?? urn,
  rule: "object-not-found-write",
  phase: "apply",
  code: "NotFound",
  message: "missing",
});

describe("the failed-resource set (simulator)", () => {
  const parent = registration(T, "parent", { custom: false });
  const failed = registration(T, "failed", { parent: parent.urn });
  const child = registration(T, "child", { parent: failed.urn });
  const dependent = registration(T, "dependent", { dependencies: [child.urn] });
  const viaProperty = registration(T, "via-property", {
    propertyDependencies: { value: [failed.urn] },
  });
  const refusedToo = registration(T, "refused-too", { dependencies: [failed.urn] });
  const unrelated = registration(T, "unrelated", { parent: parent.urn });

  it("a failed step skips its children and dependents, transitively; their own refusals never happen", () => {
    const steps = new FailedSteps();
    assert.strictEqual(steps.record(parent, false), "runs");
    assert.strictEqual(steps.record(failed, true), "failed");
    assert.strictEqual(steps.record(child, false), "skipped");
    assert.strictEqual(steps.record(dependent, false), "skipped");
    assert.strictEqual(steps.record(viaProperty, false), "skipped");
    assert.strictEqual(steps.record(refusedToo, true), "skipped");
    assert.strictEqual(steps.record(unrelated, false), "runs");
    assert.deepStrictEqual(
      [...steps.urns()].map((urn) => urn.split("::").pop()),
      ["failed", "child", "dependent", "via-property", "refused-too"],
    );
    assert.deepStrictEqual(steps.skippedBy(failed.urn), [
      child.urn,
      dependent.urn,
      viaProperty.urn,
      refusedToo.urn,
    ]);
  });

  it("rebuilds the same set from the registrations, whatever their order", () => {
    const all = [parent, { ...failed, failure: failure(failed.urn) }, child, dependent, unrelated];
    const expected = new Set([failed.urn, child.urn, dependent.urn]);
    assert.deepStrictEqual(failedSteps(all).urns(), expected);
    assert.deepStrictEqual(new Set(failedSteps([...all].reverse()).urns()), expected);
  });
});
