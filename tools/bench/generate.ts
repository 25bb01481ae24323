/**
 * Generated stack configurations for the benchmarks: `n` apps cycling through the kinds of
 * Pulumi.dev.yaml (new app with owners, new app with per-app rotation, existing service
 * principal, new app with a rotating certificate, existing application).
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
    switch (i % 5) {
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
      default:
        apps.push({ name, existing: { applicationObjectId: fakeGuid(i, 3) } });
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
