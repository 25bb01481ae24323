import * as assert from "assert";
import {
  NOT_ANALYZED,
  recordAnalyzed,
  resetAnalyzedTypes,
  skipWithoutAnalyzed,
} from "../../policy/lib/analyzed-types";
import { hasEndDates } from "../../policy/core/end-dates";
import { APPLICATION } from "../../policy/core/resource-types";
import { getPulumiType } from "../../policy/core/unknowns";

describe("skipping stack policies on stacks without credentials (lib/analyzed-types)", () => {
  const judged = (type: string) => type.startsWith("azuread:");
  const validate = skipWithoutAnalyzed(() => undefined, judged);
  afterEach(resetAnalyzedTypes);

  it("runs the policy when nothing was analysed (AnalyzeStack alone)", () => {
    assert.strictEqual(getPulumiType(validate), undefined);
  });

  it("is not applicable when resources were analysed and none of a judged type", () => {
    recordAnalyzed("azure-native:resources:ResourceGroup", {});
    assert.strictEqual(getPulumiType(validate), NOT_ANALYZED);
  });

  it("runs when a judged type was analysed, and forgets a deployment's types at the next one", () => {
    recordAnalyzed("azure-native:resources:ResourceGroup", {});
    recordAnalyzed("azuread:index/applicationPassword:ApplicationPassword", {});
    assert.strictEqual(getPulumiType(validate), undefined);
    // The next deployment's Analyze starts afresh.
    recordAnalyzed("azure-native:storage:StorageAccount", {});
    assert.strictEqual(getPulumiType(validate), NOT_ANALYZED);
  });

  describe("applications, judged by the end-date policies only for their inline password", () => {
    const endDatePolicy = skipWithoutAnalyzed(() => undefined, hasEndDates);

    it("an application without a password does not make the stack policies run", () => {
      recordAnalyzed(APPLICATION, { displayName: "app" });
      recordAnalyzed(APPLICATION, { displayName: "app", password: [] });
      recordAnalyzed("azure-native:resources:ResourceGroup", {});
      assert.strictEqual(getPulumiType(endDatePolicy), NOT_ANALYZED);
    });

    for (const [what, password] of [
      ["a password block", { displayName: "inline", endDate: "2027-01-01T00:00:00Z" }],
      ["a list of password blocks", [{ displayName: "inline" }]],
      ["a password unknown during preview", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"],
    ] as const) {
      it(`an application with ${what} makes them run`, () => {
        recordAnalyzed(APPLICATION, { displayName: "app" });
        recordAnalyzed(APPLICATION, { displayName: "other", password });
        assert.strictEqual(getPulumiType(endDatePolicy), undefined);
      });
    }
  });
});
