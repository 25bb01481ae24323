/**
 * Generated stack configurations for the benchmarks: `n` apps cycling through the kinds of
 * Pulumi.dev.yaml (new app with owners, new app with per-app rotation, existing service
 * principal, new app with a rotating certificate, existing application) and the federated kinds
 * (docs/federation.md): a federated app (`credential: federated`, a GitHub Actions environment and
 * a managed identity) and an app in migration (its password beside a federated credential).
 */
import type { RawStackConfig } from "../../components/config";

/** Deterministic GUID-shaped id from a number. */
function fakeGuid(i: number, salt: number): string {
  const hex = (i * 2654435761 + salt).toString(16).padStart(12, "0").slice(-12);
  return `${hex.slice(0, 8)}-0000-4000-8000-${hex}`;
}

/** A raw stack config with `n` apps, a created vault, and a fixed anchor. */
export function generateConfig(n: number): RawStackConfig {
  const apps: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app-${String(i).padStart(5, "0")}`;
    switch (i % 7) {
      case 0:
        apps.push({
          name,
          displayName: `App ${i}`,
          signInAudience: "AzureADMyOrg",
          owners: [fakeGuid(i, 1)],
        });
        break;
      case 1:
        apps.push({ name, displayName: `Worker ${i}`, rotation: { slots: 1, period: "P90D" } });
        break;
      case 2:
        apps.push({ name, existing: { servicePrincipalObjectId: fakeGuid(i, 2) } });
        break;
      case 3:
        apps.push({ name, displayName: `Signer ${i}`, credential: "certificate" });
        break;
      case 4:
        apps.push({ name, existing: { applicationObjectId: fakeGuid(i, 3) } });
        break;
      case 5:
        apps.push({
          name,
          displayName: `Deployer ${i}`,
          credential: "federated",
          federation: [
            { githubActions: { repository: `bench/app-${i}`, environment: "prod" } },
            { managedIdentity: { principalId: fakeGuid(i, 4) } },
          ],
        });
        break;
      default:
        apps.push({
          name,
          displayName: `Migrating ${i}`,
          federation: [{ managedIdentity: { principalId: fakeGuid(i, 5) } }],
        });
    }
  }
  return {
    keyVault: {
      create: { resourceGroupName: "rg-bench", location: "westeurope", namePrefix: "appcred" },
    },
    rotation: {
      period: "P180D",
      grace: "P30D",
      slots: 2,
      maxLifetime: "P2Y",
      anchor: "2025-01-01T00:00:00Z",
    },
    rotationTrigger: "0",
    apps,
  };
}

/** The fixed instant every benchmark run uses. */
export const BENCH_NOW_MS = Date.parse("2026-03-01T00:00:00Z");
