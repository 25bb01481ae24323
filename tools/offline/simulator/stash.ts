/**
 * The engine's own parts the simulated deployments follow beyond the providers: the built-in
 * `pulumi:index:Stash` resource, and the `replacementTrigger` resource option. Sources are
 * pulumi/pulumi v3.248.0 (a88168d, the release @pulumi/pulumi 3.248.0 belongs to):
 *
 * - `pulumi.Stash` (sdk/nodejs/stash.ts: `super("pulumi:index:Stash", name, {input, output:
 *   undefined}, opts)`) is served by the engine's builtin provider
 *   (pkg/resource/deploy/builtins.go): Check accepts only the property `input` (L145-161, `unknown
 *   property`, `missing required property "input"`); Diff reports a change of `input` as an update,
 *   never a replacement (L179-189); Create returns `{input, output: input}` with a new UUID as its
 *   id (none in a preview, L220-238); Update returns the new `input` and keeps the old `output`
 *   (L247-256). A Stash thus keeps the value its input had when it was created, until it is
 *   replaced.
 * - `replacementTrigger` (sdk/go/common/resource/resource_state.go L68: "If set, the engine will
 *   diff this with the last recorded value, and trigger a replace if they are not equal"):
 *   pkg/resource/deploy/step_generator.go `generateStepsFromDiff` (L1670-1720) compares the goal's
 *   trigger with the one the state recorded (`shouldTriggerReplace`, L3422-3437) and, when it
 *   differs, replaces the resource without asking its provider to diff (L1691-1695, L1833); a
 *   `pulumi up` whose trigger is still unknown fails (L1679-1684). Unknowns count as changed;
 *   a null on either side (no trigger, or none recorded) never triggers; secrets and outputs are
 *   compared by their values.
 *
 * The Node mock runtime drops the option: `MockMonitor.registerResource` passes the mocks only
 * type, name, inputs, provider, custom and id (runtime/mocks.js). The SDK does put it on the
 * registration request (runtime/resource.js L396-404, `req.setReplacementTrigger`), so the
 * simulation reads it there (./simulatedAzure.ts wraps the monitor's `registerResource`).
 */
import { PULUMI_STASH, UNKNOWN_SENTINELS } from "../../../policy/core";
import { Refusal, refuse } from "./refusals";
import { guidFrom } from "./world";

type State = Record<string, unknown>;

/** True when `value` holds an unknown (the engine's sentinel strings, in any nested place). */
function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") return UNKNOWN_SENTINELS.has(value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * The engine's `shouldTriggerReplace` (step_generator.go L3422-3437): a resource is replaced when
 * its new `replacementTrigger` differs from the one recorded at the last deployment.
 *
 * @param next the trigger the program registers now (undefined: none)
 * @param recorded the trigger the state recorded (undefined: none)
 */
export function replacementTriggered(next: unknown, recorded: unknown): boolean {
  if (containsUnknown(next) || containsUnknown(recorded)) return true;
  if (next === undefined || next === null || recorded === undefined || recorded === null) {
    return false;
  }
  return JSON.stringify(next) !== JSON.stringify(recorded);
}

/** What the builtin provider answers for a Stash. */
export interface StashAnswer {
  id: string;
  state: State;
  failure?: Refusal;
}

/**
 * The builtin provider's Stash: Check, then Create (no previous answer, or replaced by its
 * trigger) or Update (the input changed; the output stays).
 *
 * @param previous the last deployment's answer for this Stash, if the stack holds it
 * @param replaced true when the engine replaces it (its `replacementTrigger` changed)
 * @param seed the resource's simulation key (ids derive from it)
 */
export function simulateStash(
  name: string,
  inputs: State,
  previous: { id: string; state: State } | undefined,
  replaced: boolean,
  seed: string,
): StashAnswer {
  const what = `${PULUMI_STASH} "${name}"`;
  const unexpected = Object.keys(inputs).filter((key) => key !== "input" && !key.startsWith("__"));
  if (unexpected.length > 0 || !("input" in inputs)) {
    const reason =
      unexpected.length > 0
        ? `unknown property "${unexpected[0]}"`
        : 'missing required property "input"';
    return {
      id: "",
      state: inputs,
      failure: refuse(
        "provider-input-invalid",
        `${what}: the builtin provider's Check refuses it: ${reason} (pulumi/pulumi v3.248.0 pkg/resource/deploy/builtins.go L145-161)`,
      ),
    };
  }
  if (previous === undefined || replaced) {
    // Create: a new UUID (the builtin provider's uuid.NewV4; here derived from the seed and value).
    return {
      id: guidFrom(`${seed}#stash#${JSON.stringify(inputs.input ?? null)}`),
      state: { input: inputs.input, output: inputs.input },
    };
  }
  // Update: the new input, the old output.
  return { id: previous.id, state: { input: inputs.input, output: previous.state.output } };
}
