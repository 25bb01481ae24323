/** Shared by the audit tests: fixtures, an in-process CLI runner, builders of tenant objects. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { AuditDeps, main } from "../../tools/audit/cli";
import { auditSettings } from "../../tools/audit/policies";
import type { TenantCredential, TenantObject } from "../../tools/audit/tenant";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(__dirname, "fixtures");
export const APPS = path.join(FIXTURES, "apps.json");
export const SERVICE_PRINCIPALS = path.join(FIXTURES, "service-principals.json");
/** The instant the fixtures are audited at. */
export const NOW = "2026-01-01T00:00:00Z";
export const NOW_MS = Date.parse(NOW);
/** The audit's arguments for the sample tenant, evaluated as of {@link NOW}. */
export const SAMPLE_TENANT = [
  "--apps",
  APPS,
  "--service-principals",
  SERVICE_PRINCIPALS,
  "--now",
  NOW,
];
export const DAY = 86_400_000;

/** The pack's defaults, as the audit reads them without a config file. */
export const DEFAULT_SETTINGS = auditSettings(undefined);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run audit -- <args>` in-process, capturing stdout and stderr. */
export async function audit(args: string[], deps: AuditDeps = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...deps,
  });
  return { code, stdout, stderr };
}

const tempDirs: string[] = [];
process.once("exit", () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-test-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes `content` (JSON unless a string) to a new temporary file; returns its path. */
export function tempFile(name: string, content: unknown): string {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** A TokenCredential returning a fixed token (our own interface, not the Graph client's). */
export function fixedToken(token = "fake-token"): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (scope): Promise<AccessToken> => {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

let counter = 0;
/** A GUID unique within the test run. */
export function guid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, "0")}`;
}

/** A credential starting `startDays` and ending `endDays` from {@link NOW_MS}. */
export function credential(
  overrides: Partial<TenantCredential> & { startDays?: number; endDays?: number } = {},
): TenantCredential {
  const { startDays = -30, endDays = 150, ...rest } = overrides;
  const startMs = rest.startMs ?? NOW_MS + startDays * DAY;
  const endMs = rest.endMs ?? NOW_MS + endDays * DAY;
  return {
    credentialType: "password",
    keyId: guid(),
    displayName: "hand-made",
    type: null,
    usage: null,
    customKeyIdentifier: null,
    startDateTime: new Date(startMs).toISOString(),
    endDateTime: new Date(endMs).toISOString(),
    ...rest,
    startMs,
    endMs,
  };
}

/** An application (or service principal) holding `credentials`. */
export function tenantObject(
  credentials: TenantCredential[],
  overrides: Partial<TenantObject> = {},
): TenantObject {
  return {
    objectType: "application",
    objectId: guid(),
    appId: guid(),
    displayName: "App",
    credentials,
    ...overrides,
  };
}

/** Graph JSON of an application or service principal, as `az ad app list --all` prints it. */
export function graphObject(
  object: TenantObject,
): Record<string, unknown> & { passwordCredentials: unknown[]; keyCredentials: unknown[] } {
  const dates = (c: TenantCredential) => ({
    keyId: c.keyId,
    displayName: c.displayName,
    startDateTime: c.startDateTime,
    endDateTime: c.endDateTime,
    customKeyIdentifier: c.customKeyIdentifier,
  });
  return {
    id: object.objectId,
    appId: object.appId,
    displayName: object.displayName,
    passwordCredentials: object.credentials
      .filter((c) => c.credentialType === "password")
      .map((c) => ({ ...dates(c), hint: "abc", secretText: null })),
    keyCredentials: object.credentials
      .filter((c) => c.credentialType === "certificate")
      .map((c) => ({ ...dates(c), type: c.type, usage: c.usage, key: null })),
  };
}
