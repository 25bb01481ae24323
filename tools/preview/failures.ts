/**
 * Steps the real Azure would refuse (the simulation's failures: a missing application or service
 * principal, a credential write the deployer may not make, a soft-deleted Key Vault secret name, a
 * locked service principal, an input the provider rejects), reported per app with what the real
 * engine does about each (./engineEffect.ts), and the resources that depend on a failed one: a
 * real `pulumi up --continue-on-error` skips them. They are still analysed by the policies, as a
 * real preview analyses them (./engineView.ts).
 *
 * Pure: no I/O.
 */
import { appOf } from "../offline";
import type { Registration, SimulatedFailure, RefusalPhase, RefusalRuleId } from "../offline";
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
}

/** The failures, per app, and what a real deployment would skip. */
export interface FailureAnalysis {
  rows: FailureRow[];
  /** URNs of the failed resources and of every resource depending on one, transitively. */
  excluded: Set<string>;
}

/**
 * Reports each failure for its app and finds the resources that depend on failed ones (through
 * `dependencies`, `propertyDependencies` and the parent, transitively: the engine skips the steps
 * that depend on an errored step, its children included; pulumi/pulumi
 * pkg/resource/deploy/deployment_executor.go, as tools/offline/simulator/deployment.ts models it).
 *
 * @param registrations every registration of the run
 * @param failures the simulation's failures, in registration order
 */
export function analyzeFailures(
  registrations: Registration[],
  failures: SimulatedFailure[],
): FailureAnalysis {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const dependents = new Map<string, string[]>();
  for (const r of registrations) {
    const on = new Set([
      ...r.dependencies,
      ...Object.values(r.propertyDependencies).flat(),
      ...(r.parent ? [r.parent] : []),
    ]);
    for (const urn of on) dependents.set(urn, [...(dependents.get(urn) ?? []), r.urn]);
  }
  const excluded = new Set<string>();
  const rows = failures.map((failure): FailureRow => {
    const skipped: string[] = [];
    const queue = [...(dependents.get(failure.urn) ?? [])];
    const seen = new Set<string>([failure.urn]);
    while (queue.length > 0) {
      const urn = queue.shift() as string;
      if (seen.has(urn)) continue;
      seen.add(urn);
      skipped.push(byUrn.get(urn)?.name ?? urn);
      queue.push(...(dependents.get(urn) ?? []));
    }
    for (const urn of seen) excluded.add(urn);
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
      skipped: failure.phase === "check" ? [] : skipped,
      engine: refusalEffect(failure.phase),
    };
  });
  return { rows, excluded };
}
