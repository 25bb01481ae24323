/**
 * The failed-resource set, computed in one place: which steps a deployment under `pulumi up
 * --continue-on-error` would not complete. Each failed resource, and every resource that depends on
 * one — through its dependencies, property dependencies or parent — transitively (pulumi/pulumi
 * pkg/resource/deploy/deployment_executor.go: steps that depend on errored steps are skipped;
 * `doesStepDependOn` includes the parent). A skipped step never runs, so its own refusal never
 * happens: a refused resource that depends on a failed one is skipped, not failed.
 *
 * The simulated Azure records registrations through {@link FailedSteps} as it makes them (and sets
 * a registration's `failure` only when its step is not skipped); the deployment model and the
 * preview's report rebuild the same set from the recorded registrations with {@link failedSteps}.
 */
import type { Registration } from "./simulatedAzure";

/** What a registration's step waits for: the links {@link FailedSteps} follows. */
export type StepLinks = Pick<
  Registration,
  "urn" | "dependencies" | "propertyDependencies" | "parent"
>;

/** How a step ends under `pulumi up --continue-on-error`. */
export type StepOutcome = "runs" | "failed" | "skipped";

/** The URNs a registration's step waits for: its dependencies, property dependencies and parent. */
export function stepCauses(registration: StepLinks): string[] {
  return [
    ...new Set([
      ...registration.dependencies,
      ...Object.values(registration.propertyDependencies).flat(),
      ...(registration.parent ? [registration.parent] : []),
    ]),
  ];
}

/**
 * The failed and skipped steps of one run, built registration by registration in registration
 * order (a registration comes after everything it waits for: the engine needs their URNs first).
 */
export class FailedSteps {
  /** Per failed or skipped URN, the failed URNs that stop it (a failed one: itself), in order. */
  private readonly stoppedBy = new Map<string, string[]>();

  /**
   * Records one registration.
   *
   * @param registration the registration's links (URN, dependencies, parent)
   * @param refused whether the provider or service refuses its own step
   * @returns `skipped` when it waits for a failed or skipped step (its refusal, if any, never
   *   happens), else `failed` when refused, else `runs`
   */
  record(registration: StepLinks, refused: boolean): StepOutcome {
    const by = new Set<string>();
    for (const cause of stepCauses(registration)) {
      for (const failed of this.stoppedBy.get(cause) ?? []) by.add(failed);
    }
    if (by.size > 0) {
      this.stoppedBy.set(registration.urn, [...by]);
      return "skipped";
    }
    if (refused) {
      this.stoppedBy.set(registration.urn, [registration.urn]);
      return "failed";
    }
    return "runs";
  }

  /** True when the step of `urn` fails or is skipped. */
  has(urn: string): boolean {
    return this.stoppedBy.has(urn);
  }

  /** URNs of the failed and skipped steps, in the order recorded. */
  urns(): Set<string> {
    return new Set(this.stoppedBy.keys());
  }

  /** URNs of the steps the failure of `failedUrn` skips (directly or not), in the order recorded. */
  skippedBy(failedUrn: string): string[] {
    const skipped: string[] = [];
    for (const [urn, by] of this.stoppedBy) {
      if (urn !== failedUrn && by.includes(failedUrn)) skipped.push(urn);
    }
    return skipped;
  }
}

/**
 * Rebuilds the failed and skipped steps of a finished run from its registrations.
 *
 * @param registrations every registration of the run, in registration order (a registration met
 *   before what it waits for is recorded once that is known)
 * @param refused which resources' own steps are refused; default: those with a `failure`
 */
export function failedSteps(
  registrations: readonly Registration[],
  refused: (registration: Registration) => boolean = (registration) =>
    registration.failure !== undefined,
): FailedSteps {
  const steps = new FailedSteps();
  const known = new Set(registrations.map((registration) => registration.urn));
  const recorded = new Set<string>();
  let waiting = [...registrations];
  // Registrations come after what they wait for, so one pass in order records everything; a
  // hand-built list in another order takes one more pass per level.
  while (waiting.length > 0) {
    const next: Registration[] = [];
    for (const registration of waiting) {
      const ready = stepCauses(registration).every(
        (urn) => recorded.has(urn) || !known.has(urn) || urn === registration.urn,
      );
      if (!ready) {
        next.push(registration);
        continue;
      }
      steps.record(registration, refused(registration));
      recorded.add(registration.urn);
    }
    if (next.length === waiting.length) {
      // A cycle (impossible in a real run): record the rest as they come.
      for (const registration of next) steps.record(registration, refused(registration));
      break;
    }
    waiting = next;
  }
  return steps;
}
