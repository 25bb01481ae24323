/**
 * Registrations built by hand, as the simulated Azure records them (tools/offline/simulator), for tests of
 * what reads them: the preview's report and churn check, the calendar.
 */
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";

/** The URN a registration of `type` named `name` gets in the test stack `dev` of project `p`. */
export function testUrn(type: string, name: string): string {
  return `urn:pulumi:dev::p::${type}::${name}`;
}

/**
 * A custom resource's registration: no inputs, outputs or dependencies unless `extra` gives them.
 */
export function registration(
  type: string,
  name: string,
  extra: Partial<Registration> = {},
): Registration {
  return {
    type,
    name,
    urn: testUrn(type, name),
    custom: true,
    inputs: {},
    secretInputs: [],
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}
