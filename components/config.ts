/**
 * Stack configuration: reads the raw values of `app-credentials:*`, validates every field and
 * resolves defaults, before any resource is declared. Pure: no Pulumi runtime, no clock.
 *
 * Shape (Pulumi.<stack>.yaml):
 *
 * ```yaml
 * config:
 *   app-credentials:keyVault:          # exactly one of `existing` / `create`
 *     create: { resourceGroupName: rg-creds, location: westeurope, namePrefix: appcred }
 *     # existing: { resourceGroupName: rg-creds, name: kv-creds-prod }
 *   app-credentials:rotation:          # all optional
 *     period: P180D                    # window length (ISO 8601), default P180D
 *     grace: P30D                      # validity after the slot's next rotation, default P30D, ≥ P1D
 *     slots: 2                         # overlapping passwords, 1 or 2, default 2
 *     maxLifetime: P2Y                 # cap on any password's lifetime, default and ceiling P2Y
 *     anchor: 2025-01-01T00:00:00Z     # start of window 0 (RFC 3339, not in the future)
 *   app-credentials:rotationTrigger: "0"   # advance to rotate every password now
 *   app-credentials:apps:
 *     - name: orders-api               # a new app registration + service principal
 *       displayName: Orders API
 *       signInAudience: AzureADMyOrg
 *       owners: [<objectId>]
 *     - name: legacy-portal            # an existing application
 *       existing: { applicationObjectId: <objectId> }
 *     - name: consented-tool           # an existing service principal (e.g. admin consent)
 *       existing: { servicePrincipalObjectId: <objectId> }
 *       rotation: { slots: 1, period: P90D }   # per-app overrides
 *       rotationTrigger: "1"
 * ```
 */
import { Duration } from "luxon";
import {
  addDuration,
  formatInstant,
  isFixedLength,
  parseDuration,
  parseInstant,
} from "../policy/lib/iso8601";
import {
  checkKeys,
  formatDays,
  isRecord,
  optionalString,
  Report,
  requireString,
  show,
} from "./configFields";
import { KeyVaultConfig, parseKeyVault } from "./keyVaultConfig";
import { defaultAnchor, RotationSettings, worstCase, worstCaseLifetime } from "./rotation";

/** Pulumi project name: config keys read `app-credentials:<key>`. */
export const CONFIG_NAMESPACE = "app-credentials";

/** Defaults of `app-credentials:rotation`. */
export const ROTATION_DEFAULTS = {
  /** Microsoft recommends rotating client secrets at least every 6 months. */
  period: "P180D",
  grace: "P30D",
  slots: 2,
  /** Entra ID caps portal-created client secrets at 24 months; this is also the ceiling. */
  maxLifetime: "P2Y",
} as const;

/** Highest `maxLifetime` accepted: Entra ID's 24-month cap on client secrets. */
export const MAX_LIFETIME_CEILING = "P2Y";
/** Shortest `grace` accepted: a scheduled `pulumi up` must have at least a day to run. */
export const MIN_GRACE = "P1D";
/** Rotation trigger when none is configured. */
export const DEFAULT_TRIGGER = "0";

/** Sign-in audiences accepted by Entra ID for an application registration. */
export const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
] as const;

/** Suffixes of the Key Vault secrets written per app: `<app>-client-id` and so on. */
export const SECRET_SUFFIXES = ["client-id", "tenant-id", "client-secret"] as const;
/** Key Vault secret names: 1–127 letters, digits and hyphens. */
const SECRET_NAME_MAX = 127;
const LONGEST_SUFFIX = Math.max(...SECRET_SUFFIXES.map((s) => s.length + 1));
/** App names: letters, digits and hyphens, so `<app>-client-secret` is a valid secret name. */
export const APP_NAME_MAX = SECRET_NAME_MAX - LONGEST_SUFFIX;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How the app came to exist. */
export type AppSource =
  | { kind: "new"; displayName: string; signInAudience: string; owners: string[] }
  | { kind: "existingApplication"; applicationObjectId: string }
  | { kind: "existingServicePrincipal"; servicePrincipalObjectId: string };

/** One app of `app-credentials:apps`, validated and with rotation settings resolved. */
export interface AppConfig {
  /** Unique (case-insensitively) name; prefixes resource names and Key Vault secret names. */
  name: string;
  source: AppSource;
  rotation: RotationSettings;
  /** The lifetime cap that applies to this app (ISO 8601). */
  maxLifetime: string;
  /** True when the anchor was derived from the app's name rather than configured. */
  anchorIsDefault: boolean;
}

/** The whole stack configuration, validated. */
export interface StackConfig {
  keyVault: KeyVaultConfig;
  apps: AppConfig[];
}

/** Raw values of the stack's config keys, as `pulumi.Config.getObject` returns them. */
export interface RawStackConfig {
  keyVault?: unknown;
  rotation?: unknown;
  rotationTrigger?: unknown;
  apps?: unknown;
}

/** Thrown when the configuration is invalid; `problems` lists every problem found, one per field. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Validates the raw stack configuration and resolves defaults.
 *
 * @param raw the values of `app-credentials:keyVault`, `:rotation`, `:rotationTrigger`, `:apps`
 * @param nowMs the deployment instant (ms since the epoch): anchors may not be later
 * @throws ConfigError listing every invalid field with its value and what is allowed
 */
export function parseStackConfig(raw: RawStackConfig, nowMs: number): StackConfig {
  const problems: string[] = [];
  const report = (field: string, value: unknown, allowed: string) =>
    problems.push(`${CONFIG_NAMESPACE}:${field}: ${show(value)} is invalid; ${allowed}`);

  const keyVault = parseKeyVault(raw.keyVault, report);
  const globalRotation = parseRotation("rotation", raw.rotation, report);
  const globalMax = checkMaxLifetime(
    "rotation.maxLifetime",
    globalRotation.maxLifetime,
    MAX_LIFETIME_CEILING,
    report,
  );
  const globalTrigger = parseTrigger(
    "rotationTrigger",
    raw.rotationTrigger,
    DEFAULT_TRIGGER,
    report,
  );

  const apps: AppConfig[] = [];
  if (!Array.isArray(raw.apps) || raw.apps.length === 0) {
    report("apps", raw.apps, "expected a non-empty list of apps");
  } else {
    const seen = new Map<string, number>();
    raw.apps.forEach((rawApp: unknown, index) => {
      const field = `apps[${index}]`;
      const app = parseApp(field, rawApp, globalRotation, globalMax, globalTrigger, nowMs, report);
      if (!app) return;
      const key = app.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        report(
          `${field}.name`,
          app.name,
          `app names must be unique, ignoring case (Key Vault secret names are case-insensitive); apps[${first}] has it already`,
        );
      } else {
        seen.set(key, index);
      }
      apps.push(app);
    });
  }
  // Global rotation fields are resolved once per app: the same problem is listed once.
  if (problems.length > 0 || !keyVault) throw new ConfigError([...new Set(problems)]);
  return { keyVault, apps };
}

type RawRotation = {
  period?: string;
  grace?: string;
  slots?: unknown;
  maxLifetime?: string;
  anchor?: string;
};

const ROTATION_KEYS = ["period", "grace", "slots", "maxLifetime", "anchor"];

function parseRotation(field: string, value: unknown, report: Report): RawRotation {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    report(field, value, `expected an object with any of ${ROTATION_KEYS.join(", ")}`);
    return {};
  }
  checkKeys(field, value, ROTATION_KEYS, report);
  const text = (key: string) => optionalString(`${field}.${key}`, value[key], report);
  return {
    period: text("period"),
    grace: text("grace"),
    slots: value.slots,
    maxLifetime: text("maxLifetime"),
    anchor: text("anchor"),
  };
}

/**
 * Why dates must be whole seconds: the azuread provider formats credential dates with Go's
 * `time.RFC3339` (whole seconds) before sending them and stores what Graph returns
 * (terraform-provider-azuread internal/helpers/credentials/credentials.go); a declared `endDate`
 * with a fraction of a second never equals the state, and since it forces replacement every
 * deployment would replace every password.
 */
const WHOLE_SECOND =
  "it must be a whole second: the azuread provider stores credential dates to the second, so an endDate with a fraction never matches the state and every deployment would replace the password";

/** The duration when its fixed part (weeks…milliseconds) is whole seconds; reports it otherwise. */
function wholeSeconds(
  field: string,
  text: string,
  value: Duration | undefined,
  report: Report,
): Duration | undefined {
  if (!value) return undefined;
  const fixedMs = value.set({ years: 0, months: 0, quarters: 0 }).as("milliseconds");
  if (fixedMs % 1000 === 0) return value;
  report(field, text, WHOLE_SECOND);
  return undefined;
}

/** Parses a duration field; reports and returns undefined when invalid. */
function duration(field: string, text: string, report: Report): Duration | undefined {
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    report(
      field,
      text,
      `expected a positive ISO 8601 duration such as P180D, P6M or PT12H (${parsed.reason})`,
    );
    return undefined;
  }
  return parsed.value;
}

/** Validates `maxLifetime` against a ceiling; returns the duration or undefined. */
function checkMaxLifetime(
  field: string,
  text: string | undefined,
  ceiling: string,
  report: Report,
): Duration | undefined {
  const max = duration(field, text ?? ROTATION_DEFAULTS.maxLifetime, report);
  const limit = parseDuration(ceiling);
  if (!max || !limit.ok) return undefined;
  const check = worstCase(
    (s) => addDuration(s, max),
    (s) => addDuration(s, limit.value),
    isFixedLength(max) && isFixedLength(limit.value),
  );
  if (check.exceeds) {
    report(
      field,
      text,
      `the maximum lifetime may not exceed ${ceiling} (${formatDays(check.shortestMs)}); lower it`,
    );
    return undefined;
  }
  return max;
}

function parseTrigger(field: string, value: unknown, fallback: string, report: Report): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || value.length === 0 || value.length > 256) {
    report(
      field,
      value,
      'expected a non-empty string of at most 256 characters (quote numbers in YAML: "1")',
    );
    return fallback;
  }
  return value;
}

const NEW_APP_KEYS = [
  "name",
  "displayName",
  "signInAudience",
  "owners",
  "rotation",
  "rotationTrigger",
];
const EXISTING_APP_KEYS = ["name", "existing", "rotation", "rotationTrigger"];

function parseApp(
  field: string,
  value: unknown,
  globalRotation: RawRotation,
  globalMax: Duration | undefined,
  globalTrigger: string,
  nowMs: number,
  report: Report,
): AppConfig | undefined {
  if (!isRecord(value)) {
    report(field, value, "expected an object with at least `name`");
    return undefined;
  }
  const name = requireString(`${field}.name`, value.name, report);
  if (
    name !== undefined &&
    !new RegExp(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,${APP_NAME_MAX - 1}})$`).test(name)
  ) {
    report(
      `${field}.name`,
      name,
      `app names become Key Vault secret names <name>-client-secret: 1–${APP_NAME_MAX} letters, digits and hyphens, starting with a letter or digit`,
    );
  }
  const source = parseSource(field, value, name, report);
  const override = parseRotation(`${field}.rotation`, value.rotation, report);
  const trigger = parseTrigger(
    `${field}.rotationTrigger`,
    value.rotationTrigger,
    globalTrigger,
    report,
  );
  const rotation = resolveRotation(
    field,
    globalRotation,
    override,
    globalMax,
    name ?? "",
    trigger,
    nowMs,
    report,
  );
  if (name === undefined || !source || !rotation) return undefined;
  return { name, source, ...rotation };
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
  checkKeys(sub, existing, ["applicationObjectId", "servicePrincipalObjectId"], report);
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
    ? { kind: "existingApplication", applicationObjectId: objectId }
    : { kind: "existingServicePrincipal", servicePrincipalObjectId: objectId };
}

function resolveRotation(
  field: string,
  global: RawRotation,
  override: RawRotation,
  globalMax: Duration | undefined,
  appName: string,
  trigger: string,
  nowMs: number,
  report: Report,
): { rotation: RotationSettings; maxLifetime: string; anchorIsDefault: boolean } | undefined {
  // A field is reported where it was written: under the app when overridden, else globally.
  const where = (key: keyof RawRotation) =>
    override[key] !== undefined ? `${field}.rotation.${key}` : `rotation.${key}`;
  const pick = <K extends keyof RawRotation>(key: K) => override[key] ?? global[key];

  const period = pick("period") ?? ROTATION_DEFAULTS.period;
  const grace = pick("grace") ?? ROTATION_DEFAULTS.grace;
  const periodDuration = wholeSeconds(
    where("period"),
    period,
    duration(where("period"), period, report),
    report,
  );
  const graceDuration = wholeSeconds(
    where("grace"),
    grace,
    duration(where("grace"), grace, report),
    report,
  );
  const slots = pick("slots") ?? ROTATION_DEFAULTS.slots;
  if (slots !== 1 && slots !== 2) {
    report(
      where("slots"),
      slots,
      "expected 1 (one password, replaced in place) or 2 (two overlapping passwords)",
    );
  }
  const maxLifetime = override.maxLifetime ?? global.maxLifetime ?? ROTATION_DEFAULTS.maxLifetime;
  const max =
    override.maxLifetime !== undefined
      ? checkMaxLifetime(
          where("maxLifetime"),
          override.maxLifetime,
          global.maxLifetime ?? MAX_LIFETIME_CEILING,
          report,
        )
      : globalMax;

  if (graceDuration) {
    const minGrace = parseDuration(MIN_GRACE);
    if (
      minGrace.ok &&
      worstCase(
        (s) => addDuration(s, minGrace.value),
        (s) => addDuration(s, graceDuration),
        isFixedLength(graceDuration),
      ).exceeds
    ) {
      report(
        where("grace"),
        grace,
        `the grace must be at least ${MIN_GRACE}: a scheduled deployment must have time to run before a password expires`,
      );
    }
  }
  let anchorMs: number | undefined;
  const anchor = pick("anchor");
  if (anchor !== undefined) {
    const parsed = parseInstant(anchor);
    if (!parsed.ok) {
      report(
        where("anchor"),
        anchor,
        `expected an RFC 3339 timestamp such as 2025-01-01T00:00:00Z (${parsed.reason})`,
      );
    } else if (parsed.value % 1000 !== 0) {
      report(where("anchor"), anchor, WHOLE_SECOND);
    } else if (parsed.value > nowMs) {
      report(
        where("anchor"),
        anchor,
        `the anchor may not be in the future (now is ${formatInstant(nowMs)}): window 0 starts at the anchor`,
      );
    } else {
      anchorMs = parsed.value;
    }
  }
  if (!periodDuration || !graceDuration || (slots !== 1 && slots !== 2) || !max) return undefined;
  if (anchor !== undefined && anchorMs === undefined) return undefined;

  const anchorForCheck = anchorMs ?? defaultAnchor(appName, periodDuration);
  const lifetime = worstCaseLifetime(
    { anchorMs: anchorForCheck, periodDuration, graceDuration, slots },
    max,
    nowMs,
  );
  if (lifetime.exceeds) {
    const formula = `${slots === 2 ? "2·period" : "period"} + grace = ${slots === 2 ? "2·" : ""}${period} + ${grace}`;
    const overridden = (["period", "grace", "slots", "maxLifetime"] as const).some(
      (k) => override[k] !== undefined,
    );
    report(
      overridden ? `${field}.rotation` : "rotation",
      { period, grace, slots },
      `${formula} lets a password live up to ${formatDays(lifetime.longestMs)}, above maxLifetime ${maxLifetime} (${formatDays(lifetime.shortestMs)}); shorten period or grace`,
    );
    return undefined;
  }
  const anchorIsDefault = anchorMs === undefined;
  return {
    rotation: {
      anchorMs: anchorForCheck,
      period,
      periodDuration,
      grace,
      graceDuration,
      slots,
      trigger,
    },
    maxLifetime,
    anchorIsDefault,
  };
}

/**
 * The raw config of this project from a flat `namespace:key` → string map (the form the Pulumi CLI
 * and `tools/stackFile.ts` give): object values are JSON text, the trigger stays a string.
 *
 * @param projectDir the Pulumi project directory (holds Pulumi.yaml), against which file paths in
 *   the configuration are resolved
 * @throws ConfigError when an object value is not valid JSON
 */
export function rawConfigFromValues(
  values: Record<string, string>,
  projectDir: string = process.cwd(),
): RawStackConfig {
  void projectDir;
  const object = (key: string): unknown => {
    const text = values[`${CONFIG_NAMESPACE}:${key}`];
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfigError([
        `${CONFIG_NAMESPACE}:${key}: ${show(text)} is invalid; expected an object or list`,
      ]);
    }
  };
  return {
    keyVault: object("keyVault"),
    rotation: object("rotation"),
    rotationTrigger: values[`${CONFIG_NAMESPACE}:rotationTrigger`],
    apps: object("apps"),
  };
}
