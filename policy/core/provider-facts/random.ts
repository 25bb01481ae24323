/**
 * The random rows (terraform-provider-random, bridged by @pulumi/random): random_id,
 * random_string and random_password.
 */
import { RANDOM_ID, RANDOM_PASSWORD, RANDOM_STRING } from "../resource-types";
import { RANDOM_STRING_INPUTS } from "./rules";
import { RANDOM } from "./sources";
import type { ProviderFacts } from "./types";

/** The random rows, in table order. */
export const RANDOM_ROWS: readonly ProviderFacts[] = [
  {
    type: RANDOM_ID,
    provider: "random",
    upstream: "random_id",
    schemaSource: `${RANDOM}/provider/resource_id.go Schema`,
    inputs: ["byteLength", "keepers", "prefix"],
    computedOutputs: ["hex", "b64Url", "b64Std", "dec"],
    replacingInputs: {
      inputs: "*",
      conditional: [
        {
          input: "keepers",
          when: "a key is added or changed to a non-null value, or removed (changes to null values only do not replace)",
          source: `${RANDOM}/planmodifiers/map/mapplanmodifiers.go RequiresReplaceIfValuesNotNull`,
        },
      ],
      source: `${RANDOM}/provider/resource_id.go Schema: every argument RequiresReplace (keepers conditionally)`,
    },
    secretOutputs: {
      outputs: [],
      source: `${RANDOM}/provider/resource_id.go Schema: no Sensitive attribute (random_bytes is the sensitive one)`,
    },
    validations: [
      {
        input: "byteLength",
        rule: { kind: "integer", min: 1 },
        enforcement: "documented",
        source:
          `${RANDOM}/provider/resource_id.go schema "byte_length" Description ("The minimum value is 1"); ` +
          "no validator: 0 yields an empty id, a negative length fails in Create (make)",
      },
    ],
    defaults: [],
  },
  {
    type: RANDOM_STRING,
    provider: "random",
    upstream: "random_string",
    schemaSource: `${RANDOM}/provider/resource_string.go stringSchemaV3`,
    inputs: RANDOM_STRING_INPUTS,
    computedOutputs: ["result"],
    replacingInputs: {
      inputs: "*",
      conditional: [
        {
          input: "keepers",
          when: "a key is added or changed to a non-null value, or removed",
          source: `${RANDOM}/planmodifiers/map/mapplanmodifiers.go RequiresReplaceIfValuesNotNull`,
        },
        {
          input: "overrideSpecial",
          when: 'any change but from "" to null',
          source: `${RANDOM}/planmodifiers/string/stringplanmodifier.go RequiresReplaceUnlessEmptyStringToNull`,
        },
      ],
      source: `${RANDOM}/provider/resource_string.go stringSchemaV3: every argument RequiresReplace`,
    },
    secretOutputs: {
      outputs: [],
      source: `${RANDOM}/provider/resource_string.go stringSchemaV3 "result": not Sensitive (random_password's is)`,
    },
    validations: [
      {
        input: "length",
        rule: { kind: "integer", min: 1 },
        enforcement: "plan",
        source: `${RANDOM}/provider/resource_string.go schema "length" int64validator.AtLeast(1), AtLeastSumOf(min_upper, min_lower, min_numeric, min_special)`,
      },
      {
        input: "special",
        rule: { kind: "atLeastOneTrue", inputs: ["special", "upper", "lower", "numeric"] },
        enforcement: "plan",
        source: `${RANDOM}/provider/resource_string.go schema "numeric" validators.AtLeastOneOfTrue(special, upper, lower)`,
        note: "the four default to true; setting all of them to false is refused",
      },
    ],
    defaults: ["special", "upper", "lower", "numeric"].map((input) => ({
      input,
      value: "true",
      source: `${RANDOM}/provider/resource_string.go schema "${input}" Default true`,
    })),
  },
  {
    type: RANDOM_PASSWORD,
    provider: "random",
    upstream: "random_password",
    schemaSource: `${RANDOM}/provider/resource_password.go`,
    inputs: RANDOM_STRING_INPUTS,
    computedOutputs: ["result", "bcryptHash"],
    replacingInputs: {
      inputs: "*",
      source: `${RANDOM}/provider/resource_password.go: every argument RequiresReplace, as random_string`,
    },
    secretOutputs: {
      outputs: ["result", "bcryptHash"],
      source: `${RANDOM}/provider/resource_password.go schema "result", "bcrypt_hash" Sensitive`,
    },
    validations: [
      {
        input: "length",
        rule: { kind: "integer", min: 1 },
        enforcement: "plan",
        source: `${RANDOM}/provider/resource_password.go schema "length" int64validator.AtLeast(1)`,
      },
    ],
    defaults: [],
  },
];
