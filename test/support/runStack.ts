/**
 * Runs the stack program's components under Pulumi's mock runtime with the simulated Azure, at a
 * given instant, and returns what was registered.
 */
import { parseStackConfig, RawStackConfig } from "../../components/config";
import { createStack, StackOutputs } from "../../components/stack";
import {
  Registration,
  SimulatedFailure,
  simulateAzure,
  SimulationOptions,
} from "../../tools/offline/simulator/simulatedAzure";
import { SimulatedWorld } from "../../tools/offline/simulator/world";

export interface StackRun {
  registrations: Registration[];
  /** What the real Azure would refuse in this run. */
  failures: SimulatedFailure[];
  /** The simulated Azure the run used (pass it to the next run to simulate the next deployment). */
  world: SimulatedWorld;
  outputs: StackOutputs;
  /** The registration with this resource name; throws when absent. */
  byName(name: string): Registration;
}

/**
 * Validates `raw`, declares the stack at `nowMs` and waits for every registration.
 *
 * @param simulation the simulated Azure: a `world` from a previous run, or `tenant` / `deployer`
 *   for a new one
 */
export async function runStack(
  raw: RawStackConfig,
  nowMs: number,
  simulation: Pick<SimulationOptions, "world" | "tenant" | "deployer"> = {},
): Promise<StackRun> {
  const world =
    simulation.world ??
    new SimulatedWorld({
      tenant: simulation.tenant,
      deployer: simulation.deployer,
      successiveDeployments: true,
    });
  const run = simulateAzure({
    project: "app-credentials",
    stack: "test",
    nowMs: () => nowMs,
    world,
  });
  const outputs = await createStack(parseStackConfig(raw, nowMs), nowMs);
  await run.settle();
  const registrations = run.registrations;
  return {
    registrations,
    failures: run.failures,
    world: run.world,
    outputs,
    byName(name) {
      const found = registrations.find((r) => r.name === name);
      if (!found)
        throw new Error(
          `no resource named ${name}; have ${registrations.map((r) => r.name).join(", ")}`,
        );
      return found;
    },
  };
}

/** A small stack: a created vault and one app of each kind. */
export const SAMPLE_CONFIG: RawStackConfig = {
  keyVault: {
    create: { resourceGroupName: "rg-creds", location: "westeurope", namePrefix: "appcred" },
  },
  rotation: { period: "P180D", grace: "P30D", anchor: "2025-01-01T00:00:00Z" },
  rotationTrigger: "0",
  apps: [
    {
      name: "orders-api",
      displayName: "Orders API",
      owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
    },
    { name: "billing-worker", rotation: { slots: 1, period: "P90D" } },
    {
      name: "crm-connector",
      existing: { servicePrincipalObjectId: "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d" },
    },
    {
      name: "legacy-portal",
      existing: { applicationObjectId: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5" },
    },
  ],
};
