/** The time row (terraform-provider-time, bridged by @pulumiverse/time): time_rotating. */
import { TIME_ROTATING } from "../resource-types";
import { toSnake } from "./rules";
import { TIME } from "./sources";
import type { ProviderFacts, Validation } from "./types";

/** The time rows, in table order. */
export const TIME_ROWS: readonly ProviderFacts[] = [
  {
    type: TIME_ROTATING,
    provider: "time",
    upstream: "time_rotating",
    schemaSource: `${TIME} Schema`,
    inputs: [
      "rfc3339",
      "rotationDays",
      "rotationHours",
      "rotationMinutes",
      "rotationMonths",
      "rotationYears",
      "rotationRfc3339",
      "triggers",
    ],
    computedOutputs: ["id", "unix", "year", "month", "day", "hour", "minute", "second"],
    replacingInputs: {
      inputs: ["rfc3339", "triggers"],
      conditional: [
        {
          input: "rotationRfc3339",
          when: "the current time is past the saved rotation time (the rotation itself)",
          source: `${TIME} schema "rotation_rfc3339" RequiresReplaceIf(timemodifier.ReplaceIfOutdated)`,
        },
      ],
      source: `${TIME} Schema: "rfc3339" and "triggers" RequiresReplace`,
      note:
        "rotation_days/hours/minutes/months/years update in place: ModifyPlan and Update " +
        "recompute rotationRfc3339 from the base timestamp (setRotationValues)",
    },
    secretOutputs: { outputs: [], source: `${TIME} Schema: no Sensitive attribute` },
    validations: [
      ...[
        "rotationDays",
        "rotationHours",
        "rotationMinutes",
        "rotationMonths",
        "rotationYears",
      ].map((input): Validation => ({
        input,
        rule: { kind: "integer", min: 1 },
        enforcement: "plan",
        source: `${TIME} schema "${toSnake(input)}" int64validator.AtLeast(1)`,
      })),
      {
        input: "rotationRfc3339",
        rule: {
          kind: "atLeastOneOf",
          inputs: [
            "rotationMinutes",
            "rotationHours",
            "rotationDays",
            "rotationMonths",
            "rotationYears",
            "rotationRfc3339",
          ],
        },
        enforcement: "plan",
        source: `${TIME} ConfigValidators resourcevalidator.AtLeastOneOf(rotation_*)`,
      },
      ...["rfc3339", "rotationRfc3339"].map((input): Validation => ({
        input,
        rule: { kind: "rfc3339" },
        enforcement: "plan",
        source: `${TIME} schema "${toSnake(input)}" CustomType timetypes.RFC3339Type`,
      })),
    ],
    defaults: [
      {
        input: "rfc3339",
        value: "the creation time",
        source: `${TIME} schema "rfc3339" Description`,
      },
    ],
  },
];
