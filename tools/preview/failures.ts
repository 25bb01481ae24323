/**
 * Steps the real Azure would refuse (the simulation's failures: a missing application or service
 * principal, a credential write the deployer may not make or the tenant's app management policies
 * refuse, a soft-deleted Key Vault secret name, a locked service principal, an input the provider
 * rejects), reported per app with what the real
 * engine does about each (./engineEffect.ts), and the resources that depend on a failed one: a
 * real `pulumi up --continue-on-error` skips them (the simulator's one failed-resource set,
 * tools/offline/simulator/failedSteps.ts). They are still analysed by the policies, as a
 * real preview analyses them (./engineView.ts).
 *
 * Pure: no I/O.
 */
import { appOf, failedSteps } from "../offline";
import type {
  AppPolicyBreach,
  Registration,
  SimulatedFailure,
  RefusalPhase,
  RefusalRuleId,
} from "../offline";
import { EngineEffect, refusalEffect } from "./engineEffect";

/** One refused step, as reported. */
export interface FailureRow {
  /** The enclosing AppCredential (else the resource's app, see `appOf`). */
  app: string;
  urn: string;
  type: string;
  name: string;
  /** The simulated Azure's rule (tools/offline/simulator/refusals.ts). */
  rule: RefusalRuleId;
  /** `check` and `read`: met while planning (a preview meets them); `apply`: when the step runs. */
  phase: RefusalPhase;
  /** `NotFound`, `Forbidden`, `Conflict`, `BadRequest`. */
  code: string;
  message: string;
  /**
   * Names of the resources `pulumi up --continue-on-error` skips because they depend on this one
   * (directly or not); empty for a `check` refusal, where the whole update stops.
   */
  skipped: string[];
  /** What the real engine does about it. */
  engine: EngineEffect;
  /**
   * For an app management policy's refusal (`app-policy-*` rules): the restriction, its policy,
   * the cap and, when the credential has a rotation schedule, its longest lifetime
   * (tools/offline/simulator/appPolicies.ts).
   */
  appPolicy?: AppPolicyBreach;
}

/** The failures, per app, and what a real deployment would skip. */
export interface FailureAnalysis {
  rows: FailureRow[];
  /** URNs of the failed resources and of every resource depending on one, transitively. */
  excluded: Set<string>;
}

/**
 * Reports each failure for its app with the resources a real deployment skips because of it: the
 * simulator's failed-resource set ({@link failedSteps}: dependencies, property dependencies and the
 * parent, transitively, as the engine skips the steps that depend on an errored step).
 *
 * @param registrations every registration of the run
 * @param failures the simulation's failures, in registration order
 */
export function analyzeFailures(
  registrations: Registration[],
  failures: SimulatedFailure[],
): FailureAnalysis {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const failed = new Set(failures.map((failure) => failure.urn));
  const steps = failedSteps(registrations, (registration) => failed.has(registration.urn));
  const rows = failures.map((failure): FailureRow => {
    const registration = byUrn.get(failure.urn);
    return {
      app: registration ? appOf(registration, byUrn) : failure.name,
      urn: failure.urn,
      type: failure.type,
      name: failure.name,
      rule: failure.rule,
      phase: failure.phase,
      code: failure.code,
      message: failure.message,
      skipped:
        failure.phase === "check"
          ? []
          : steps.skippedBy(failure.urn).map((urn) => byUrn.get(urn)?.name ?? urn),
      engine: refusalEffect(failure.phase),
      ...(failure.appPolicy !== undefined ? { appPolicy: failure.appPolicy } : {}),
    };
  });
  const excluded = steps.urns();
  // A failure the registrations do not hold is still excluded, as it always was.
  for (const urn of failed) excluded.add(urn);
  return { rows, excluded };
}
