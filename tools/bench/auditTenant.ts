/**
 * A generated tenant for the audit benchmark: `apps` applications × 3 credentials (two passwords,
 * 40 % of them managed by app-credentials, and a certificate) and one service principal per five
 * apps (a third of them holding a secret), as `az ad app list --all` / `az ad sp list --all` print
 * them. Deterministic: every run audits the same tenant.
 */
import * as fs from "fs";
import * as path from "path";
import { BENCH_NOW_MS } from "./generate";

const NOW_MS = BENCH_NOW_MS;
const DAY = 86_400_000;

/** A deterministic pseudo-random generator (mulberry32), so every run audits the same tenant. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", ".1234567Z");
}

/**
 * How many credentials {@link generateTenant} writes for `apps` applications: 3 per application,
 * and one secret on every third of the `apps / 5` service principals.
 */
export function tenantCredentials(apps: number): number {
  return apps * 3 + Math.ceil(Math.floor(apps / 5) / 3);
}

/** The fewest applications whose generated tenant holds at least `credentials` credentials. */
export function appsForCredentials(credentials: number): number {
  let apps = Math.max(1, Math.floor(credentials / 3.07));
  while (tenantCredentials(apps) < credentials) apps++;
  while (apps > 1 && tenantCredentials(apps - 1) >= credentials) apps--;
  return apps;
}

/**
 * Writes the generated tenant into `dir` (one JSON file per kind, as `az` prints them, indented);
 * returns the two file paths and the counts ({@link tenantCredentials} credentials).
 */
export function generateTenant(
  dir: string,
  apps: number,
): { apps: string; servicePrincipals: string; credentials: number; servicePrincipalCount: number } {
  const next = random(42);
  let key = 0;
  const credentialAt = (displayName: string | null, startDays: number, lengthDays: number) => ({
    customKeyIdentifier: null,
    displayName,
    endDateTime: iso(NOW_MS + (startDays + lengthDays) * DAY),
    hint: "abc",
    keyId: guid(3, key++),
    secretText: null,
    startDateTime: iso(NOW_MS + startDays * DAY),
  });
  const password = () => {
    const managed = next() < 0.4;
    const lengthDays = managed ? 390 : [180, 365, 730, 1095][Math.floor(next() * 4)];
    const startDays = -Math.floor(next() * lengthDays * 1.1);
    return credentialAt(
      managed ? `app-credentials slot ${key % 2} generation ${key % 7}` : "portal secret",
      startDays,
      lengthDays,
    );
  };
  const applications = Array.from({ length: apps }, (_, n) => ({
    id: guid(1, n),
    appId: guid(2, n),
    displayName: `Generated app ${n % 997} ${["API", "worker", "portal", "job"][n % 4]}`,
    signInAudience: "AzureADMyOrg",
    identifierUris: [],
    requiredResourceAccess: [],
    passwordCredentials: [password(), password()],
    keyCredentials: [
      {
        ...credentialAt("CN=generated", -Math.floor(next() * 300), 365),
        type: "AsymmetricX509Cert",
        usage: "Verify",
        key: null,
      },
    ],
  }));
  const servicePrincipals = Array.from({ length: Math.floor(apps / 5) }, (_, n) => ({
    id: guid(4, n),
    appId: guid(2, n * 5),
    displayName: `Generated app ${(n * 5) % 997}`,
    servicePrincipalType: "Application",
    servicePrincipalNames: [],
    passwordCredentials: n % 3 === 0 ? [password()] : [],
    keyCredentials: [],
  }));
  const files = {
    apps: path.join(dir, "apps.json"),
    servicePrincipals: path.join(dir, "service-principals.json"),
  };
  fs.writeFileSync(files.apps, JSON.stringify(applications, null, 2));
  fs.writeFileSync(files.servicePrincipals, JSON.stringify(servicePrincipals, null, 2));
  const credentials =
    applications.reduce((n, a) => n + a.passwordCredentials.length + a.keyCredentials.length, 0) +
    servicePrincipals.reduce((n, sp) => n + sp.passwordCredentials.length, 0);
  return { ...files, credentials, servicePrincipalCount: servicePrincipals.length };
}
