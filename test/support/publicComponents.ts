/**
 * What the tests of the package's public components share (test/components/appCredentialPublic,
 * test/provider/construct): two apps as a program writes them, a run of a program under the
 * simulated Azure at one instant, and the resources registered under a component.
 */
import type { AppCredentialArgs } from "../../components/appCredentialArgs";
import { setRunDeploymentInstant } from "../../components/instant";
import { Registration, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import { SimulatedWorld } from "../../tools/offline/simulator/world";

/** The instant every run of these tests deploys at. */
export const NOW = Date.parse("2027-03-01T10:00:00Z");
export const KEY_VAULT = { resourceGroupName: "rg-identity", vaultName: "kv-identity" };

/** A new app with a password and an App Service consumer, as a program in any language writes it. */
export const ORDERS: AppCredentialArgs = {
  displayName: "Orders API",
  owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
  rotation: { period: "P90D", grace: "P14D" },
  consumers: [
    { name: "web", kind: "appService", principalId: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d" },
  ],
  keyVault: KEY_VAULT,
};

/** An existing application with one rotating certificate. */
export const BATCH: AppCredentialArgs = {
  existing: { applicationObjectId: "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a" },
  credential: "certificate",
  rotation: { period: "P30D", grace: "P7D", slots: 1, anchor: "2026-01-01T00:00:00Z" },
  keyVault: KEY_VAULT,
};

/** Runs a program under the simulated Azure at {@link NOW} and returns its registrations. */
export async function runAtNow(program: () => unknown | Promise<unknown>): Promise<Registration[]> {
  const simulation = simulateAzure({
    project: "app-credentials",
    stack: "test",
    nowMs: () => NOW,
    world: new SimulatedWorld({ successiveDeployments: true }),
  });
  setRunDeploymentInstant(NOW);
  await program();
  await simulation.settle();
  return simulation.registrations;
}

/**
 * The registrations under the components of `type` (and the components): type, name and inputs,
 * in a stable order, to compare two runs.
 */
export function subtrees(registrations: Registration[], type: string): string[] {
  const components = new Set(registrations.filter((r) => r.type === type).map((r) => r.urn));
  const under = (r: Registration): boolean => {
    for (let p = r.parent; p; p = registrations.find((x) => x.urn === p)?.parent) {
      if (components.has(p)) return true;
    }
    return components.has(r.urn);
  };
  return registrations
    .filter(under)
    .map((r) => `${r.type} ${r.name} ${JSON.stringify(r.inputs)}`)
    .sort();
}
