/**
 * What `pulumi preview --policy-pack` analyses, given the steps the simulated Azure refuses: the
 * offline preview's policy verdicts are the engine's, whatever was refused.
 *
 * - A refusal at apply time (Azure refusing a Create, Update or Delete) never happens in a real
 *   preview: every registered resource is analysed on its inputs; a resource whose inputs come
 *   from the refused resource's outputs (directly or through a resource that would be skipped)
 *   sees those inputs unknown, as a preview sends the outputs of a resource not created yet; and
 *   `AnalyzeStack` runs over every planned resource, the refused one and its dependents with their
 *   computed outputs unknown.
 * - A refusal at plan time stops the engine (./../simulator/refusals.ts): a failed `Check` after
 *   the resource itself was analysed (pulumi/pulumi step_generator.go analyses an invalid resource,
 *   then bails), a failed Read before (GenerateReadSteps runs no analyzer); resources registered
 *   later are not analysed and `AnalyzeStack` does not run.
 *
 * Pure: no I/O.
 */
import { UNKNOWN, isPlanTime } from "../offline";
import type { Registration, SimulatedFailure } from "../offline";

/** The resources the engine would analyse, as it would send them. */
export interface EngineView {
  /** `Analyze` (inputs), in registration order; unknown where the engine would not know a value. */
  analysed: Registration[];
  /** `AnalyzeStack` (outputs): every planned resource; undefined when the engine stops first. */
  stack?: Registration[];
  /** The plan-time refusal the engine stops at, if any (the first in registration order). */
  stoppedAt?: SimulatedFailure;
}

/**
 * The engine's view of one run for its policy verdicts.
 *
 * @param registrations every registration, in registration order
 * @param failures the simulated refusals, in registration order
 */
export function engineView(
  registrations: Registration[],
  failures: SimulatedFailure[],
): EngineView {
  const stoppedAt = failures.find((f) => isPlanTime(f.phase));
  if (stoppedAt) {
    const index = registrations.findIndex((r) => r.urn === stoppedAt.urn);
    const through = stoppedAt.phase === "check" ? index + 1 : index;
    return { analysed: registrations.slice(0, Math.max(through, 0)), stoppedAt };
  }
  const tainted = taintedBy(registrations, failures);
  if (tainted.size === 0) return { analysed: registrations, stack: registrations };
  return {
    analysed: registrations.map((r) => withUnknownInputs(r, tainted)),
    stack: registrations.map((r) => withUnknownOutputs(r, tainted)),
  };
}

/**
 * The resources whose outputs a preview could not know: each refused one and, transitively, every
 * resource taking an input from one of those (its property dependencies).
 */
function taintedBy(registrations: Registration[], failures: SimulatedFailure[]): Set<string> {
  const tainted = new Set(failures.map((f) => f.urn));
  if (tainted.size === 0) return tainted;
  // Registrations come after what they take inputs from: one pass in order sees every cause.
  for (const r of registrations) {
    if (Object.values(r.propertyDependencies).some((urns) => urns.some((u) => tainted.has(u)))) {
      tainted.add(r.urn);
    }
  }
  return tainted;
}

/** Top-level input keys whose value comes from a tainted resource. */
function taintedKeys(registration: Registration, tainted: Set<string>): string[] {
  return Object.entries(registration.propertyDependencies)
    .filter(([, urns]) => urns.some((u) => tainted.has(u)))
    .map(([key]) => key);
}

function withUnknownInputs(registration: Registration, tainted: Set<string>): Registration {
  const keys = taintedKeys(registration, tainted);
  if (keys.length === 0) return registration;
  const inputs = { ...registration.inputs };
  for (const key of keys) if (key in inputs) inputs[key] = UNKNOWN;
  return {
    ...registration,
    inputs,
    secretInputs: registration.secretInputs.filter((p) => !keys.includes(p.split(".")[0])),
  };
}

function withUnknownOutputs(registration: Registration, tainted: Set<string>): Registration {
  if (!tainted.has(registration.urn)) return registration;
  const keys = taintedKeys(registration, tainted);
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(registration.outputs)) {
    const computed = registration.custom && !(key in registration.inputs);
    outputs[key] = computed || keys.includes(key) ? UNKNOWN : value;
  }
  return { ...registration, outputs };
}
