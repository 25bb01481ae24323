/**
 * One entry of the app catalogue (`app-credentials:apps`, or `apps:` of a catalogue file): its
 * name, how the app came to exist, its credential type, tags and rotation overrides. Pure.
 */
import type { Duration } from "luxon";
import { parseDuration, wholeMultipleOf } from "../../policy/core";
import { checkKeys, isRecord, optionalString, Report, requireString } from "./configFields";
import {
  checkConsumerOverlap,
  ConsumerConfig,
  parseConsumers,
  writtenSchedule,
} from "./consumerConfig";
import { keyVaultCertificateMonths } from "./keyVaultCertificateConfig";
import {
  parseRotation,
  parseTrigger,
  RawRotation,
  ResolvedRotation,
  resolveRotation,
} from "./rotationConfig";
import type { RotationSettings } from "../rotation";
import { FederatedCredentialConfig, parseFederation } from "./federationConfig";
import { AppEntryArgs, entryArgs } from "./appEntryArgs";

export type { AppEntryArgs } from "./appEntryArgs";

/** Sign-in audiences accepted by Entra ID for an application registration. */
export const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
] as const;

/** Credential types an app can rotate. */
export const CREDENTIAL_TYPES = [
  "password",
  "certificate",
  "keyVaultCertificate",
  "federated",
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/**
 * Suffixes of the Key Vault secrets written per app: `<app>-client-id`, `<app>-tenant-id`, and
 * `<app>-client-secret` (password apps) or `<app>-client-certificate` (certificate apps).
 */
export const SECRET_SUFFIXES = [
  "client-id",
  "tenant-id",
  "client-secret",
  "client-certificate",
] as const;
/** Key Vault secret names: 1–127 letters, digits and hyphens. */
const SECRET_NAME_MAX = 127;
const LONGEST_SUFFIX = Math.max(...SECRET_SUFFIXES.map((s) => s.length + 1));
/**
 * Longest app name: `<app>-client-certificate` must still be a valid secret name, so an app can
 * move from passwords to certificates without a rename.
 */
export const APP_NAME_MAX = SECRET_NAME_MAX - LONGEST_SUFFIX;
const APP_NAME = new RegExp(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,${APP_NAME_MAX - 1}})$`);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tags: 1–64 letters, digits, `.`, `_` and `-`. */
const TAG = /^[A-Za-z0-9._-]{1,64}$/;

/** How the app came to exist. */
export type AppSource =
  | { kind: "new"; displayName: string; signInAudience: string; owners: string[] }
  | {
      kind: "existingApplication";
      applicationObjectId: string;
      /**
       * The application's `signInAudience`, when declared: an audience with personal Microsoft
       * accounts limits it to two client secrets (see ./passwordLimits.ts).
       */
      signInAudience?: string;
    }
  | { kind: "existingServicePrincipal"; servicePrincipalObjectId: string };

/** One app, validated and with rotation settings resolved. */
export interface AppConfig {
  /** Unique (case-insensitively) name; prefixes resource names and Key Vault secret names. */
  name: string;
  source: AppSource;
  /** What rotates: client secrets (`password`, default) or certificates. */
  credential: CredentialType;
  /** Labels for selecting apps into stacks (`app-credentials:appSelector`). */
  tags: string[];
  rotation: RotationSettings;
  /** The lifetime cap that applies to this app (ISO 8601). */
  maxLifetime: string;
  /** True when the anchor was derived from the app's name rather than configured. */
  anchorIsDefault: boolean;
  /** The applications that read the credential from Key Vault (empty: none declared). */
  consumers: ConsumerConfig[];
  /**
   * Federated identity credentials (empty: none). With `credential: federated` they are the app's
   * only credentials; beside a rotating one, consumers move to them one by one.
   */
  federation: FederatedCredentialConfig[];
  /**
   * The entry as {@link AppCredential}'s public arguments (without the vault): the stack's global
   * rotation settings and trigger merged in, so the component, validating them again with the
   * same code, resolves the same app.
   */
  args: AppEntryArgs;
  /** `credential: keyVaultCertificate` only: the certificate policy's settings. */
  keyVaultCertificate?: {
    /** Whether the private key may leave Key Vault (the companion secret holds it); default true. */
    exportable: boolean;
    /** The policy's validity, whole months: covers every end date, within `maxLifetime`. */
    validityInMonths: number;
  };
}

const COMMON_KEYS = [
  "name",
  "credential",
  "tags",
  "rotation",
  "rotationTrigger",
  "consumers",
  "federation",
  "exportable",
];
const NEW_APP_KEYS = [...COMMON_KEYS, "displayName", "signInAudience", "owners"];
const EXISTING_APP_KEYS = [...COMMON_KEYS, "existing"];

/** What every app of a stack inherits. */
export interface AppDefaults {
  rotation: RawRotation;
  maxLifetime: Duration | undefined;
  trigger: string;
}

/**
 * The name of an entry, when it is one: used to check uniqueness across the whole catalogue
 * before entries are selected into a stack.
 */
export function entryName(value: unknown): string | undefined {
  return isRecord(value) && typeof value.name === "string" ? value.name : undefined;
}

/** The tags of an entry (valid or not), for selection; invalid tags are reported by parseApp. */
export function entryTags(value: unknown): string[] {
  const tags = isRecord(value) ? value.tags : undefined;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/**
 * Validates one app entry.
 *
 * @param field where it was written, e.g. `apps[3]`
 * @param nowMs the deployment instant, ms since the epoch
 * @returns the app, or undefined after reporting every problem
 */
export function parseApp(
  field: string,
  value: unknown,
  defaults: AppDefaults,
  nowMs: number,
  report: Report,
): AppConfig | undefined {
  if (!isRecord(value)) {
    report(field, value, "expected an object with at least `name`");
    return undefined;
  }
  const name = requireString(`${field}.name`, value.name, report);
  if (name !== undefined && !APP_NAME.test(name)) {
    report(
      `${field}.name`,
      name,
      `app names become Key Vault secret names <name>-client-certificate: 1–${APP_NAME_MAX} letters, digits and hyphens, starting with a letter or digit`,
    );
  }
  const source = parseSource(field, value, name, report);
  const credential = parseCredential(field, value.credential, report);
  const tags = parseTags(`${field}.tags`, value.tags, report);
  const override = parseRotation(`${field}.rotation`, value.rotation, report);
  const trigger = parseTrigger(
    `${field}.rotationTrigger`,
    value.rotationTrigger,
    defaults.trigger,
    report,
  );
  const rotation = resolveRotation({
    field,
    global: defaults.rotation,
    override,
    globalMax: defaults.maxLifetime,
    appName: name ?? "",
    trigger,
    nowMs,
    report,
  });
  const consumers = parseConsumers(`${field}.consumers`, value.consumers, report);
  const federation = parseFederation(`${field}.federation`, value.federation, report);
  if (federation && !checkFederation(field, credential, source, federation, report)) {
    return undefined;
  }
  const covered =
    consumers !== undefined &&
    (credential === "federated" ||
      checkConsumerOverlap(
        field,
        name ?? "",
        consumers,
        rotation?.rotation ??
          writtenSchedule(
            {
              period: override.period ?? defaults.rotation.period,
              grace: override.grace ?? defaults.rotation.grace,
              slots: override.slots ?? defaults.rotation.slots,
            },
            nowMs,
          ),
        nowMs,
        report,
      ));
  if (name === undefined || !source || !credential || !tags || !rotation || !covered) {
    return undefined;
  }
  if (!federation) return undefined;
  const keyVaultCertificate = parseKeyVaultCertificate(
    field,
    credential,
    value.exportable,
    rotation,
    nowMs,
    report,
  );
  if (keyVaultCertificate === null) return undefined;
  if (credential === "certificate" && !inWholeHours(rotation.rotation)) {
    report(
      `${field}.credential`,
      credential,
      `a certificate's validity is set in whole hours (@pulumi/tls validityPeriodHours), so its rotation period and grace must be whole hours; found period ${rotation.rotation.period} and grace ${rotation.rotation.grace}`,
    );
    return undefined;
  }
  return {
    name,
    source,
    credential,
    tags,
    ...rotation,
    consumers,
    federation,
    args: entryArgs(value, defaults.rotation, override, trigger),
    ...(keyVaultCertificate ? { keyVaultCertificate } : {}),
  };
}

/**
 * `credential`: `password` (default) or `certificate`. Certificates are accepted for every kind of
 * app: on an existing service principal a key credential with usage Verify signs the app in with
 * the client-credentials flow in that tenant, like a password (Microsoft Entra, "How to configure
 * app instance property lock": credentials with usage Verify serve the OIDC client credentials
 * flow).
 */
function parseCredential(
  field: string,
  value: unknown,
  report: Report,
): CredentialType | undefined {
  if (value === undefined || value === null) return "password";
  if (!(CREDENTIAL_TYPES as readonly unknown[]).includes(value)) {
    report(
      `${field}.credential`,
      value,
      "expected `password` (client secrets, the default), `certificate` (a rotating certificate and its private key), `keyVaultCertificate` (a certificate Key Vault generates; its key need not leave the vault) or `federated` (no secret: federated identity credentials only)",
    );
    return undefined;
  }
  return value as CredentialType;
}

/**
 * Federated credentials belong to an application object (Microsoft Graph: application
 * `federatedIdentityCredentials`), so an existing service principal (whose application may live in
 * another tenant) cannot take them; `credential: federated` needs at least one.
 */
function checkFederation(
  field: string,
  credential: CredentialType | undefined,
  source: AppSource | undefined,
  federation: readonly FederatedCredentialConfig[],
  report: Report,
): boolean {
  if (federation.length > 0 && source?.kind === "existingServicePrincipal") {
    report(
      `${field}.federation`,
      `${federation.length} entries`,
      "federated identity credentials are added to an application (Microsoft Graph, application: federatedIdentityCredentials), not to a service principal: use existing.applicationObjectId, or register an app of your own",
    );
    return false;
  }
  if (credential === "federated" && federation.length === 0) {
    report(
      `${field}.federation`,
      [],
      "credential: federated needs at least one federated credential (githubActions, kubernetes, managedIdentity, or issuer with subject)",
    );
    return false;
  }
  return true;
}

/**
 * `exportable` (with `credential: keyVaultCertificate` only; default true) and the policy's
 * validity in whole months.
 *
 * @returns the settings, undefined for other credential types, null after reporting a problem
 */
function parseKeyVaultCertificate(
  field: string,
  credential: CredentialType,
  exportable: unknown,
  rotation: ResolvedRotation,
  nowMs: number,
  report: Report,
): AppConfig["keyVaultCertificate"] | null {
  if (credential !== "keyVaultCertificate") {
    if (exportable === undefined) return undefined;
    report(
      `${field}.exportable`,
      exportable,
      "only a certificate Key Vault generates (credential: keyVaultCertificate) has an exportable key",
    );
    return null;
  }
  if (exportable !== undefined && typeof exportable !== "boolean") {
    report(
      `${field}.exportable`,
      exportable,
      "expected true (the companion secret holds the private key, PEM) or false (the key never leaves Key Vault: sign with it)",
    );
    return null;
  }
  const cap = parseDuration(rotation.maxLifetime);
  if (!cap.ok) return null;
  const validity = keyVaultCertificateMonths(rotation.rotation, cap.value, nowMs);
  if (!validity.ok) {
    report(`${field}.credential`, credential, validity.reason);
    return null;
  }
  return { exportable: exportable ?? true, validityInMonths: validity.months };
}

/** True when the fixed parts (weeks…milliseconds) of period and grace are whole hours. */
function inWholeHours(rotation: RotationSettings): boolean {
  return [rotation.periodDuration, rotation.graceDuration].every((duration) =>
    wholeMultipleOf(duration, 3_600_000),
  );
}

function parseTags(field: string, value: unknown, report: Report): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((t) => typeof t !== "string" || !TAG.test(t))) {
    report(
      field,
      value,
      "expected a list of tags, each 1–64 letters, digits, '.', '_' or '-' (e.g. [team-payments])",
    );
    return undefined;
  }
  return [...new Set(value as string[])];
}

function parseSource(
  field: string,
  value: Record<string, unknown>,
  name: string | undefined,
  report: Report,
): AppSource | undefined {
  if (value.existing === undefined) {
    checkKeys(field, value, NEW_APP_KEYS, report);
    const displayName = optionalString(`${field}.displayName`, value.displayName, report) ?? name;
    const signInAudience =
      optionalString(`${field}.signInAudience`, value.signInAudience, report) ?? "AzureADMyOrg";
    if (!(SIGN_IN_AUDIENCES as readonly string[]).includes(signInAudience)) {
      report(
        `${field}.signInAudience`,
        signInAudience,
        `expected one of ${SIGN_IN_AUDIENCES.join(", ")}`,
      );
    }
    const owners = value.owners ?? [];
    if (!Array.isArray(owners) || owners.some((o) => typeof o !== "string" || !GUID.test(o))) {
      report(
        `${field}.owners`,
        owners,
        "expected a list of object ids (GUIDs) of users or service principals",
      );
      return undefined;
    }
    return displayName
      ? { kind: "new", displayName, signInAudience, owners: owners as string[] }
      : undefined;
  }
  checkKeys(field, value, EXISTING_APP_KEYS, report);
  const sub = `${field}.existing`;
  const existing = value.existing;
  if (
    !isRecord(existing) ||
    (existing.applicationObjectId === undefined) ===
      (existing.servicePrincipalObjectId === undefined)
  ) {
    report(
      sub,
      isRecord(existing) ? Object.keys(existing) : existing,
      "set exactly one of `applicationObjectId` (an app registration) or `servicePrincipalObjectId` (e.g. one created through admin consent)",
    );
    return undefined;
  }
  checkKeys(
    sub,
    existing,
    existing.applicationObjectId !== undefined
      ? ["applicationObjectId", "signInAudience"]
      : ["servicePrincipalObjectId"],
    report,
  );
  let existingAudience: string | undefined;
  if (existing.applicationObjectId !== undefined && existing.signInAudience !== undefined) {
    existingAudience = optionalString(`${sub}.signInAudience`, existing.signInAudience, report);
    if (
      existingAudience !== undefined &&
      !(SIGN_IN_AUDIENCES as readonly string[]).includes(existingAudience)
    ) {
      report(
        `${sub}.signInAudience`,
        existingAudience,
        `expected one of ${SIGN_IN_AUDIENCES.join(", ")}`,
      );
      return undefined;
    }
  }
  const key =
    existing.applicationObjectId !== undefined ? "applicationObjectId" : "servicePrincipalObjectId";
  const objectId = existing[key];
  if (typeof objectId !== "string" || !GUID.test(objectId)) {
    report(
      `${sub}.${key}`,
      objectId,
      "expected an object id (a GUID such as 00000000-0000-0000-0000-000000000000)",
    );
    return undefined;
  }
  return key === "applicationObjectId"
    ? {
        kind: "existingApplication",
        applicationObjectId: objectId,
        ...(existingAudience !== undefined ? { signInAudience: existingAudience } : {}),
      }
    : { kind: "existingServicePrincipal", servicePrincipalObjectId: objectId };
}
