import * as assert from "assert";
import * as policySdk from "@pulumi/policy/policy";
import {
  NOT_ANALYZED,
  recordAnalyzedType,
  resetAnalyzedTypes,
  skipWithoutAnalyzed,
} from "../../policy/lib/analyzed-types";

/** The SDK's own reader of `__pulumiType` (stripped from its type declarations, marked internal). */
const getPulumiType = (policySdk as unknown as { getPulumiType(fn: unknown): string | undefined })
  .getPulumiType;

describe("skipping stack policies on stacks without credentials (lib/analyzed-types)", () => {
  const judged = (type: string) => type.startsWith("azuread:");
  const validate = skipWithoutAnalyzed(() => undefined, judged);
  afterEach(resetAnalyzedTypes);

  it("runs the policy when nothing was analysed (AnalyzeStack alone)", () => {
    assert.strictEqual(getPulumiType(validate), undefined);
  });

  it("is not applicable when resources were analysed and none of a judged type", () => {
    recordAnalyzedType("azure-native:resources:ResourceGroup");
    assert.strictEqual(getPulumiType(validate), NOT_ANALYZED);
  });

  it("runs when a judged type was analysed, and forgets a deployment's types at the next one", () => {
    recordAnalyzedType("azure-native:resources:ResourceGroup");
    recordAnalyzedType("azuread:index/applicationPassword:ApplicationPassword");
    assert.strictEqual(getPulumiType(validate), undefined);
    // The next deployment's Analyze starts afresh.
    recordAnalyzedType("azure-native:storage:StorageAccount");
    assert.strictEqual(getPulumiType(validate), NOT_ANALYZED);
  });
});
