/**
 * What the real Pulumi engine does with each finding of the offline preview: a policy diagnostic
 * or a step the simulated Azure refuses, under `pulumi preview --policy-pack` and under the
 * scheduled `pulumi up --skip-preview --continue-on-error --policy-pack` (docs/operations.md, "Rotate on a
 * schedule").
 *
 * Sources (pulumi/pulumi pkg/resource/deploy):
 * - step_generator.go `generateSteps`: a failed provider `Check` marks the resource invalid; a
 *   mandatory diagnostic from `Analyze` marks it invalid unless the run is a preview (`DryRun`),
 *   where it only records an error so that every violation is reported before the preview fails;
 *   an invalid resource bails the whole step generation ("resource … is invalid") — the update
 *   stops, `--continue-on-error` notwithstanding. Steps already executed stay executed: the
 *   executor runs steps while the generator still works through later registrations.
 * - step_executor.go `cancelDueToError`: a failed step execution (Read, Create, Update, Delete)
 *   cancels the deployment, unless `--continue-on-error`: then the failure is recorded, the steps
 *   depending on it are skipped (deployment_executor.go) and every other step runs.
 * - deployment_executor.go: stack policies (`AnalyzeStack`) run after the steps, over outputs, and
 *   are skipped when any step failed.
 * - step.go: Read steps run during previews; Create, Update and Delete steps do not.
 *
 * Pure: no I/O.
 */
import type { RefusalPhase } from "../offline";

/** What one finding does to `pulumi preview` and to the scheduled `pulumi up`. */
export interface EngineEffect {
  /**
   * `pulumi preview --policy-pack`: `stops` there; `fails` (reported with every other
   * violation, then the preview fails); `unseen` (no such step runs in a preview); `none`.
   */
  preview: "stops" | "fails" | "unseen" | "none";
  /**
   * `pulumi up --skip-preview --continue-on-error --policy-pack`: `stops` the whole update there
   * (steps already run stay); `step-fails` (that step fails, its dependents are skipped, every
   * other step runs, stack policies are skipped); `fails-after-steps` (every step has run, then
   * the update is marked failed); `none`.
   */
  update: "stops" | "step-fails" | "fails-after-steps" | "none";
  /** True when the real engine stops the whole update on it. */
  stopsUpdate: boolean;
  /** One line for people. */
  summary: string;
}

const EFFECTS = {
  check: {
    preview: "stops",
    update: "stops",
    stopsUpdate: true,
    summary:
      "the provider's Check fails: pulumi preview and pulumi up stop here (--continue-on-error does not help)",
  },
  read: {
    preview: "stops",
    update: "step-fails",
    stopsUpdate: false,
    summary:
      "a Read step fails: pulumi preview stops here; pulumi up --continue-on-error fails this step, skips its dependents and runs every other step",
  },
  apply: {
    preview: "unseen",
    update: "step-fails",
    stopsUpdate: false,
    summary:
      "Azure refuses the step when it is applied: pulumi preview never runs it; pulumi up --continue-on-error fails this step, skips its dependents and runs every other step",
  },
  resourcePolicy: {
    preview: "fails",
    update: "stops",
    stopsUpdate: true,
    summary:
      "mandatory resource policy: pulumi preview fails after reporting every violation; pulumi up stops the whole update before this resource's step (steps already run stay)",
  },
  stackPolicy: {
    preview: "fails",
    update: "fails-after-steps",
    stopsUpdate: false,
    summary:
      "mandatory stack policy: pulumi preview fails; pulumi up judges it after every step ran (and not at all when a step failed), then marks the update failed",
  },
  advisory: {
    preview: "none",
    update: "none",
    stopsUpdate: false,
    summary: "advisory: reported, nothing stops",
  },
  previewOnly: {
    preview: "none",
    update: "none",
    stopsUpdate: false,
    summary:
      "a check of this offline preview only: the engine does not run it (run the offline preview as a gate)",
  },
} as const satisfies Record<string, EngineEffect>;

/** The engine's effect of a step the simulated Azure refuses, by its phase. */
export function refusalEffect(phase: RefusalPhase): EngineEffect {
  return EFFECTS[phase];
}

/**
 * The engine's effect of a policy diagnostic.
 *
 * @param level the diagnostic's enforcement level (`remediate` counts as mandatory, as the engine
 *   downgrades a remediation that still violates)
 * @param stage `analyze` (a resource policy on inputs) or `analyzeStack`; undefined for the
 *   preview's own checks
 */
export function diagnosticEffect(
  level: string,
  stage: "analyze" | "analyzeStack" | undefined,
): EngineEffect {
  if (stage === undefined) return EFFECTS.previewOnly;
  if (level !== "mandatory" && level !== "remediate") return EFFECTS.advisory;
  return stage === "analyzeStack" ? EFFECTS.stackPolicy : EFFECTS.resourcePolicy;
}
