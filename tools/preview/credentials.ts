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
  isKeyVaultCertificateType,
  keyVaultSecretFlavour,
  MAX_DEPTH,
  parseInstant,
  parseSchedule,
  SERVICE_PRINCIPAL_PASSWORD,
  sharedSchedulePairing,
  sharedScheduleRotations,
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
  /**
   * Certificates Key Vault generated (`azure:keyvault/certificate:Certificate` in the value's
   * chain): the private key stays in Key Vault, never in the program or its state.
   */
  keyInKeyVault?: boolean;
  /**
   * With `--state`: what the next `pulumi up` does with it (./statePlan.ts): `same`, `update`,
   * `replace` (a new credential; the one it replaces is {@link replaces}), `create`, or `delete`
   * (the program no longer declares it, or an old copy the state marks for deletion).
   */
  step?: "create" | "same" | "update" | "replace" | "delete";
  /**
   * With `--state`: where {@link keyId} comes from: `state` (the real key id), or `simulated` (a
   * credential the deployment creates: Azure assigns its key id then).
   */
  keyIdSource?: "state" | "simulated";
  /** With `--state`, step `replace`: the credential it deletes, as the state holds it. */
  replaces?: DeletedCredential;
  /** With `--state`, step `delete`: an old copy of a replaced credential the state marks `delete`. */
  pendingDelete?: boolean;
  /** With `--credential-activity`: its last sign-in, by its key id (credentials of the state). */
  lastSignIn?: SignInRow;
}

/** A credential's last sign-in in the sign-in report. Instants RFC 3339. */
export type SignInRow =
  /** The latest sign-in the report holds for it. */
  | { status: "signed-in"; at: string }
  /** The report lists it without a sign-in. */
  | { status: "none-recorded" }
  /** The report has no entry for it: nothing is known (never "unused"). */
  | { status: "no-data" };

/** A credential the next deployment deletes (a replaced one), as the state holds it. RFC 3339. */
export interface DeletedCredential {
  keyId?: string;
  start?: string;
  end?: string;
  /** With `--credential-activity`. */
  lastSignIn?: SignInRow;
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
      if (row.keyInKeyVault) return row; // its schedule is shared: see sharedKeyVaultSchedules
      if (schedule?.ok) {
        row.slot = `${schedule.value.slot}/${schedule.value.slots}`;
        row.generation = schedule.value.generation;
        row.nextRotation = formatInstant(schedule.value.nextRotationMs);
      } else if (schedule) {
        row.scheduleError = schedule.reason;
      }
      return row;
    });
  sharedKeyVaultSchedules(rows, byUrn);
  // Registration order is asynchronous: group by app (in order of first declaration), then slot.
  const appOrder = appDeclarationOrder(registrations, rows);
  return rows.sort(
    (a, b) =>
      (appOrder.get(a.app) ?? 0) - (appOrder.get(b.app) ?? 0) ||
      (a.slot ?? "").localeCompare(b.slot ?? "") ||
      a.name.localeCompare(b.name),
  );
}

/**
 * Slot, generation and next rotation of key credentials whose value comes from a Key Vault
 * certificate: its tags carry the active slot's schedule, shared by every slot's credential, so
 * the credentials are paired with the slots' rotations in end-date order, as the policy pack pairs
 * them (policy/core/certificate-schedule.ts `sharedScheduleRotations`, `sharedSchedulePairing`).
 */
function sharedKeyVaultSchedules(rows: CredentialRow[], byUrn: Map<string, Registration>): void {
  const groups = new Map<string, CredentialRow[]>();
  for (const row of rows.filter((r) => r.keyInKeyVault)) {
    const source = keyVaultCertificateOf(byUrn.get(row.urn), byUrn);
    if (!source) continue;
    groups.set(source.urn, [...(groups.get(source.urn) ?? []), row]);
  }
  for (const [urn, group] of groups) {
    const tags = record(byUrn.get(urn)?.inputs.tags);
    const parsed = parseSchedule(tags);
    const rotations = sharedScheduleRotations(tags);
    if (!parsed?.ok || !rotations?.ok) {
      if (parsed && !parsed.ok) for (const row of group) row.scheduleError = parsed.reason;
      continue;
    }
    const { slots, slot: activeSlot, generation } = parsed.value;
    const ordered = [...group].sort((a, b) => (a.end ?? "").localeCompare(b.end ?? ""));
    const pairing = sharedSchedulePairing(ordered.length, slots);
    const issued = slots * generation + activeSlot;
    ordered.forEach((row, position) => {
      const i = pairing[position] + 1;
      // The i-th window after the active credential's issue window replaces slot (active + i),
      // whose credential was issued `slots` windows before that.
      const slot = (activeSlot + i) % slots;
      row.slot = `${slot}/${slots}`;
      row.generation = (issued + i - slots - slot) / slots;
      row.nextRotation = formatInstant(rotations.value[i - 1]);
    });
  }
}

/** The Key Vault certificate a key credential's value comes from (through a stash), if any. */
function keyVaultCertificateOf(
  credential: Registration | undefined,
  byUrn: Map<string, Registration>,
): Registration | undefined {
  let found: Registration | undefined;
  if (!credential) return undefined;
  walkDependencies<string>(
    credential.propertyDependencies.value ?? [],
    MAX_DEPTH,
    (urn) => (byUrn.has(urn) ? urn : undefined),
    (urn) => Object.values(byUrn.get(urn)?.propertyDependencies ?? {}).flat(),
    (urn) => {
      const r = byUrn.get(urn);
      if (r && isKeyVaultCertificateType(r.type)) found = r;
      return found !== undefined;
    },
    [credential.urn],
  );
  return found;
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
): { thumbprint?: string; notAfter?: string; keyInKeyVault?: boolean } {
  const fromKeyVault = keyVaultCertificateOf(credential, byUrn);
  if (fromKeyVault) {
    // The value is the hex DER of the version the slot's stash holds (public data only).
    for (const urn of credential.propertyDependencies.value ?? []) {
      const held = record(byUrn.get(urn)?.outputs.output).certificateData;
      if (typeof held !== "string" || !/^[0-9a-fA-F]+$/.test(held)) continue;
      try {
        const certificate = new X509Certificate(Buffer.from(held, "hex"));
        return {
          keyInKeyVault: true,
          thumbprint: certificate.fingerprint.replace(/:/g, ""),
          notAfter: formatInstant(Date.parse(certificate.validTo)),
        };
      } catch {
        break;
      }
    }
    return { keyInKeyVault: true };
  }
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
