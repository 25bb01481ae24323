/**
 * The credential and Key Vault secret tables, derived from the recorded registrations alone (so
 * they work for any program, not only this repository's components). Credentials are client
 * secrets (passwords) and certificates (key credentials).
 */
import { appOf } from "../offline";
import { X509Certificate } from "crypto";
import {
  APPLICATION_PASSWORD,
  CERTIFICATE_TYPES,
  formatInstant,
  keyVaultSecretFlavour,
  MAX_DEPTH,
  parseInstant,
  parseSchedule,
  SERVICE_PRINCIPAL_PASSWORD,
  walkDependencies,
  WINDOW_KEY,
} from "../../policy/core";
import type { Registration } from "../offline";

const DAY_MS = 86_400_000;

/** One credential (client secret or certificate) the program declares. Instants are RFC 3339, UTC. */
export interface CredentialRow {
  /** The app it belongs to: the enclosing AppCredential, else the application or service principal it is added to, else the top-most parent component. */
  app: string;
  kind: "password" | "certificate";
  type: string;
  name: string;
  urn: string;
  /**
   * `<slot>/<slots>` from the schedule keys (`rotation-slot`): a password's `rotateWhenChanged`,
   * or for a certificate the `keepers` / `rotateWhenChanged` of a resource its value comes from.
   */
  slot?: string;
  /** Generation from `rotation-window`, when scheduled. */
  generation?: number;
  /** The password's key id (simulated). */
  keyId?: string;
  start?: string;
  end?: string;
  /** `end - start` in days (two decimals). */
  lifetimeDays?: number;
  /** When the schedule replaces this credential; absent when it has none. */
  nextRotation?: string;
  /** Why the schedule could not be read, when `rotation-window` is present but malformed. */
  scheduleError?: string;
  /** Names of the Key Vault secrets that hold this credential's value (empty: none points to it). */
  keyVaultSecrets: string[];
  /**
   * Certificates: the SHA-1 thumbprint (upper-case hex) of the X.509 certificate the value comes
   * from, when a resource of its value's chain holds it in `certPem`.
   */
  thumbprint?: string;
  /** Certificates: that certificate's notAfter, RFC 3339. */
  notAfter?: string;
}

/** One Key Vault secret the program declares. */
export interface SecretRow {
  /** The secret's name in the vault (`secretName`, else the resource name). */
  secretName: string;
  vault: string;
  name: string;
  urn: string;
  contentType?: string;
  /** `attributes.expires` (seconds since the epoch in ARM) as RFC 3339; absent: never expires. */
  expires?: string;
  /** Days from the preview's instant to `expires` (two decimals). */
  expiresInDays?: number;
  /** The key id of the credential whose value it holds, when it holds one. */
  holdsKeyId?: string;
}

/** The credential table, in registration order. */
export function credentialRows(registrations: Registration[]): CredentialRow[] {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const holders = secretsByCredential(registrations);
  const rows = registrations
    .filter((r) => isPassword(r.type) || CERTIFICATE_TYPES.includes(r.type))
    .map((password) => {
      const keyId = text(password.outputs.keyId);
      const start = instant(password.outputs.startDate ?? password.inputs.startDate);
      const end = instant(password.outputs.endDate ?? password.inputs.endDate);
      const row: CredentialRow = {
        app: appOf(password, byUrn),
        kind: isPassword(password.type) ? "password" : "certificate",
        type: password.type,
        name: password.name,
        urn: password.urn,
        keyId,
        start: start === undefined ? undefined : formatInstant(start),
        end: end === undefined ? undefined : formatInstant(end),
        lifetimeDays:
          start !== undefined && end !== undefined ? round2((end - start) / DAY_MS) : undefined,
        keyVaultSecrets: [
          ...new Set([
            ...(holders.byUrn.get(password.urn) ?? []),
            ...(keyId === undefined ? [] : (holders.byKeyId.get(keyId) ?? [])),
          ]),
        ].map((s) => secretName(s)),
      };
      const schedule = isPassword(password.type)
        ? parseSchedule(password.inputs.rotateWhenChanged)
        : parseSchedule(certificateScheduleMap(password, byUrn));
      if (row.kind === "certificate") Object.assign(row, certificateOf(password, byUrn));
      if (schedule?.ok) {
        row.slot = `${schedule.value.slot}/${schedule.value.slots}`;
        row.generation = schedule.value.generation;
        row.nextRotation = formatInstant(schedule.value.nextRotationMs);
      } else if (schedule) {
        row.scheduleError = schedule.reason;
      }
      return row;
    });
  // Registration order is asynchronous: group by app (in order of first declaration), then slot.
  const appOrder = appDeclarationOrder(registrations, rows);
  return rows.sort(
    (a, b) =>
      (appOrder.get(a.app) ?? 0) - (appOrder.get(b.app) ?? 0) ||
      (a.slot ?? "").localeCompare(b.slot ?? "") ||
      a.name.localeCompare(b.name),
  );
}

function isPassword(type: string): boolean {
  return type === APPLICATION_PASSWORD || type === SERVICE_PRINCIPAL_PASSWORD;
}

/**
 * The schedule keys a certificate rotates with: the first `keepers` or `rotateWhenChanged` map
 * with a `rotation-window` among the resources its `value` comes from (property dependencies,
 * up to 4 deep), as the policy pack reads it (policy/core/certificate-schedule.ts).
 */
function certificateScheduleMap(
  certificate: Registration,
  byUrn: Map<string, Registration>,
): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  walkDependencies<string>(
    certificate.propertyDependencies.value ?? [],
    MAX_DEPTH,
    (urn) => (byUrn.has(urn) ? urn : undefined),
    (urn) => Object.values(byUrn.get(urn)?.propertyDependencies ?? {}).flat(),
    (urn) => {
      const inputs = byUrn.get(urn)?.inputs ?? {};
      for (const key of ["keepers", "rotateWhenChanged"]) {
        const map = record(inputs[key]);
        if (WINDOW_KEY in map) found = map;
        if (found) return true;
      }
      return false;
    },
    [certificate.urn],
  );
  return found;
}

/**
 * The thumbprint and notAfter of the certificate a key credential's value comes from: the first
 * resource of its value's chain (property dependencies) that holds a PEM `certPem` output, such as
 * a `tls.SelfSignedCert`. The value itself is secret (masked in the records).
 */
function certificateOf(
  credential: Registration,
  byUrn: Map<string, Registration>,
): { thumbprint?: string; notAfter?: string } {
  for (const urn of credential.propertyDependencies.value ?? []) {
    const pem = byUrn.get(urn)?.outputs.certPem;
    if (typeof pem !== "string") continue;
    try {
      const certificate = new X509Certificate(pem);
      return {
        thumbprint: certificate.fingerprint.replace(/:/g, ""),
        notAfter: formatInstant(Date.parse(certificate.validTo)),
      };
    } catch {
      return {};
    }
  }
  return {};
}

/** Index of each app's first registration (its component, or its first password). */
function appDeclarationOrder(
  registrations: Registration[],
  rows: CredentialRow[],
): Map<string, number> {
  const firstByName = new Map<string, number>();
  const indexByUrn = new Map<string, number>();
  registrations.forEach((r, index) => {
    if (!firstByName.has(r.name)) firstByName.set(r.name, index);
    indexByUrn.set(r.urn, index);
  });
  const order = new Map<string, number>();
  for (const row of rows) {
    const index = Math.min(
      firstByName.get(row.app) ?? Infinity,
      indexByUrn.get(row.urn) ?? Infinity,
    );
    order.set(row.app, Math.min(order.get(row.app) ?? Infinity, index));
  }
  return order;
}

/**
 * The Key Vault secrets that hold each credential: by the credential's URN (the secret's
 * `properties` depend on it) and by key id (the secret's `keyId` tag).
 */
function secretsByCredential(registrations: Registration[]): {
  byUrn: Map<string, Registration[]>;
  byKeyId: Map<string, Registration[]>;
} {
  const byUrn = new Map<string, Registration[]>();
  const byKeyId = new Map<string, Registration[]>();
  const add = (map: Map<string, Registration[]>, key: string, secret: Registration) =>
    map.set(key, [...(map.get(key) ?? []), secret]);
  for (const secret of registrations) {
    if (keyVaultSecretFlavour(secret.type) !== "azure-native") continue;
    for (const urn of secret.propertyDependencies.properties ?? []) add(byUrn, urn, secret);
    const keyId = record(secret.inputs.tags).keyId;
    if (typeof keyId === "string") add(byKeyId, keyId, secret);
  }
  return { byUrn, byKeyId };
}

/**
 * The Key Vault secret table, in registration order.
 * @param nowMs the preview's instant, ms since the epoch
 */
export function secretRows(registrations: Registration[], nowMs: number): SecretRow[] {
  const credentials = registrations.filter(
    (r) => isPassword(r.type) || CERTIFICATE_TYPES.includes(r.type),
  );
  const byUrn = new Map(credentials.map((c) => [c.urn, c]));
  const byKeyId = new Map<string, Registration>();
  for (const c of credentials) {
    const keyId = text(c.outputs.keyId);
    if (keyId !== undefined && !byKeyId.has(keyId)) byKeyId.set(keyId, c);
  }
  /** The credential a secret holds: one its value depends on, else the one its keyId tag names. */
  const holderOf = (secret: Registration): Registration | undefined => {
    for (const urn of secret.propertyDependencies.properties ?? []) {
      const found = byUrn.get(urn);
      if (found) return found;
    }
    const keyId = record(secret.inputs.tags).keyId;
    return typeof keyId === "string" ? byKeyId.get(keyId) : undefined;
  };
  const rows = registrations
    .filter((r) => keyVaultSecretFlavour(r.type) === "azure-native")
    .map((secret): SecretRow => {
      const properties = record(secret.inputs.properties);
      const attributes = record(properties.attributes);
      const expiresSeconds = attributes.expires;
      const expiresMs = typeof expiresSeconds === "number" ? expiresSeconds * 1000 : undefined;
      const holder = holderOf(secret);
      return {
        secretName: secretName(secret),
        vault: text(secret.inputs.vaultName) ?? "?",
        name: secret.name,
        urn: secret.urn,
        contentType: text(properties.contentType),
        expires: expiresMs === undefined ? undefined : formatInstant(expiresMs),
        expiresInDays: expiresMs === undefined ? undefined : round2((expiresMs - nowMs) / DAY_MS),
        holdsKeyId: holder ? text(holder.outputs.keyId) : undefined,
      };
    });
  return rows.sort(
    (a, b) => a.vault.localeCompare(b.vault) || a.secretName.localeCompare(b.secretName),
  );
}

function secretName(secret: Registration): string {
  return text(secret.inputs.secretName) ?? secret.name;
}

function instant(value: unknown): number | undefined {
  const parsed = parseInstant(value);
  return parsed.ok ? parsed.value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
