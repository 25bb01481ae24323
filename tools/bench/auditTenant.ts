/**
 * A generated tenant for the audit benchmark: `apps` applications × 3 credentials (two passwords,
 * 40 % of them managed by app-credentials, and a certificate) and one service principal per five
 * apps (a third of them holding a secret), as `az ad app list --all` / `az ad sp list --all` print
 * them; and the sign-in report of that tenant (Graph beta `/reports/appCredentialSignInActivities`),
 * as a loop of `az rest` writes its pages one after the other: an entry for 80 % of the credentials
 * (the others: no data), a tenth of those without a sign-in, the rest signed in within the last
 * 200 days; pages of 999 entries, half of them in Graph's examples' spelling (`expirationDate`,
 * `keyType: "secret"`); and the applications' federated identity credentials (docs/audit.md,
 * `--federated-credentials`), keyed by appId as the export loop writes them: one federated
 * application (no secret, no certificate: a GitHub Actions environment and a managed identity) per
 * twenty applications, written after them, and on every tenth application a managed identity
 * beside its secrets (an app in migration), every fiftieth also trusting a pull request's subject.
 * Deterministic: every run audits the same tenant.
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
 * and one secret on every third of the `apps / 5` service principals (the federated applications
 * hold none).
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
): {
  apps: string;
  servicePrincipals: string;
  /** The sign-in report: pages written one after the other. */
  activity: string;
  credentials: number;
  servicePrincipalCount: number;
  /** Entries in the sign-in report. */
  activityEntries: number;
  /** The federated identity credentials, keyed by appId (`--federated-credentials`). */
  federated: string;
  /** Applications holding only federated credentials (written after the `apps` others). */
  federatedApplications: number;
  /** Federated identity credentials written. */
  federatedCredentials: number;
} {
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
  // Federated identity credentials, as Graph returns them (`az ad app federated-credential list`).
  let federatedKey = 0;
  const federatedCredential = (issuer: string, subject: string) => ({
    id: guid(5, federatedKey++),
    name: `generated-${federatedKey}`,
    issuer,
    subject,
    description: null,
    audiences: ["api://AzureADTokenExchange"],
  });
  const github = (repository: string, trust: string) =>
    federatedCredential(
      "https://token.actions.githubusercontent.com",
      `repo:${repository}:${trust}`,
    );
  const managedIdentity = (n: number) =>
    federatedCredential(
      "https://login.microsoftonline.com/72f988bf-0000-4000-8000-00000000c0de/v2.0",
      guid(6, n),
    );
  const federatedOnly = Array.from({ length: Math.floor(apps / 20) }, (_, n) => ({
    id: guid(7, n),
    appId: guid(8, n),
    displayName: `Generated federated app ${n % 997}`,
    signInAudience: "AzureADMyOrg",
    identifierUris: [],
    requiredResourceAccess: [],
    passwordCredentials: [],
    keyCredentials: [],
  }));
  const federated: Record<string, ReturnType<typeof federatedCredential>[]> = {};
  applications.forEach((a, n) => {
    if (n % 10 !== 3) return;
    federated[a.appId] = [
      managedIdentity(n),
      ...(n % 50 === 3 ? [github(`generated/app-${n}`, "pull_request")] : []),
    ];
  });
  federatedOnly.forEach((a, n) => {
    federated[a.appId] = [
      github(`generated/federated-${n}`, "environment:prod"),
      managedIdentity(apps + n),
    ];
  });
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
    activity: path.join(dir, "credential-activity.json"),
    federated: path.join(dir, "federated-credentials.json"),
  };
  fs.writeFileSync(files.apps, JSON.stringify([...applications, ...federatedOnly], null, 2));
  fs.writeFileSync(files.federated, JSON.stringify(federated, null, 2));
  fs.writeFileSync(files.servicePrincipals, JSON.stringify(servicePrincipals, null, 2));
  const entries: Record<string, unknown>[] = [];
  const activityOf = (
    origin: "application" | "servicePrincipal",
    holder: { id: string; appId: string },
    credential: { keyId: string; endDateTime: string },
    keyType: "clientSecret" | "certificate",
  ) => {
    if (next() >= 0.8) return; // no entry: no data
    const signedIn = next() < 0.9;
    const examples = entries.length % 2 === 1;
    entries.push({
      id: Buffer.from(`${credential.keyId}|${origin}`).toString("base64"),
      keyId: credential.keyId,
      keyType: examples && keyType === "clientSecret" ? "secret" : keyType,
      keyUsage: keyType === "certificate" ? "verify" : "sign",
      appId: holder.appId,
      ...(origin === "application"
        ? { appObjectId: holder.id }
        : { servicePrincipalObjectId: holder.id }),
      credentialOrigin: origin,
      [examples ? "expirationDate" : "expirationDateTime"]: credential.endDateTime,
      signInActivity: {
        lastSignInDateTime: signedIn ? iso(NOW_MS - Math.floor(next() * 200 * DAY)) : null,
      },
    });
  };
  for (const a of applications) {
    for (const c of a.passwordCredentials) activityOf("application", a, c, "clientSecret");
    for (const c of a.keyCredentials) activityOf("application", a, c, "certificate");
  }
  for (const sp of servicePrincipals) {
    for (const c of sp.passwordCredentials) activityOf("servicePrincipal", sp, c, "clientSecret");
  }
  const PAGE = 999;
  const pages: string[] = [];
  for (let start = 0; start < entries.length; start += PAGE) {
    const page: Record<string, unknown> = {
      "@odata.context":
        "https://graph.microsoft.com/beta/$metadata#reports/appCredentialSignInActivities",
      value: entries.slice(start, start + PAGE),
    };
    if (start + PAGE < entries.length) {
      page["@odata.nextLink"] =
        `https://graph.microsoft.com/beta/reports/appCredentialSignInActivities?$skiptoken=${start + PAGE}`;
    }
    pages.push(JSON.stringify(page, null, 2));
  }
  fs.writeFileSync(files.activity, pages.join("\n"));
  const credentials =
    applications.reduce((n, a) => n + a.passwordCredentials.length + a.keyCredentials.length, 0) +
    servicePrincipals.reduce((n, sp) => n + sp.passwordCredentials.length, 0);
  return {
    ...files,
    credentials,
    servicePrincipalCount: servicePrincipals.length,
    activityEntries: entries.length,
    federatedApplications: federatedOnly.length,
    federatedCredentials: federatedKey,
  };
}
