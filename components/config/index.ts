/**
 * Stack configuration: validates every field of `app-credentials:*` (and of the catalogue files it
 * names) and resolves defaults, before any resource is declared. Pure: no Pulumi runtime, no clock.
 * Where the raw values come from: ./configSource.ts; one app entry: ./appConfig.ts; rotation
 * settings and the rules shared with the policy pack: ./rotationConfig.ts.
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
 *   app-credentials:appFiles: [catalog/payments.yaml]   # more `apps:` entries, read from files
 *   app-credentials:appSelector: { tags: [team-payments] }  # this stack's share of the catalogue
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
 *     - name: batch-signer                 # certificates instead of client secrets
 *       credential: certificate
 *       tags: [team-payments]
 * ```
 */
import { distance } from "fastest-levenshtein";
import { ConfigError } from "./configError";
import { AppConfig, entryName, entryTags, parseApp } from "./appConfig";
import { checkKeys, isRecord, Report, show } from "./configFields";
import {
  closestConfigKey,
  CONFIG_KEYS,
  CONFIG_NAMESPACE,
  FileAppEntry,
  RawStackConfig,
} from "./configSource";
import { KeyVaultConfig, parseKeyVault } from "./keyVaultConfig";
import {
  checkMaxLifetime,
  DEFAULT_TRIGGER,
  MAX_LIFETIME_CEILING,
  parseRotation,
  parseTrigger,
} from "./rotationConfig";

export { APP_NAME_MAX, SECRET_SUFFIXES, SIGN_IN_AUDIENCES } from "./appConfig";
export type { AppConfig, AppSource, CredentialType } from "./appConfig";
export type { ConsumerConfig } from "./consumerConfig";
export type { FederatedCredentialConfig } from "./federationConfig";
export { CONFIG_NAMESPACE, rawConfigFromValues } from "./configSource";
export { ConfigError } from "./configError";
export type { RawStackConfig } from "./configSource";
export {
  DEFAULT_TRIGGER,
  MAX_LIFETIME_CEILING,
  MIN_GRACE,
  MIN_PERIOD,
  ROTATION_DEFAULTS,
} from "./rotationConfig";

/** The whole stack configuration, validated. */
export interface StackConfig {
  keyVault: KeyVaultConfig;
  /** The apps this stack serves (after `appSelector`), inline entries first, then file entries. */
  apps: AppConfig[];
}

/** Marks a field written in a catalogue file: reported as `<file>: apps[i]…`, not under the namespace. */
const FILE_FIELD = "\u0000file:";

/** One app entry and where it was written. */
interface Entry {
  /** `apps[3]` for an inline entry; a file field for a catalogue file entry. */
  field: string;
  /** How messages name it: `apps[3]`, `catalog/a.yaml apps[3]`. */
  label: string;
  value: unknown;
}

/**
 * Validates the raw stack configuration and resolves defaults.
 *
 * @param raw the values of `app-credentials:*` (see ./configSource.ts `rawConfigFromValues`)
 * @param nowMs the deployment instant (ms since the epoch): anchors may not be later, lifetimes are
 *   checked from there
 * @throws ConfigError listing every invalid field with its value and what is allowed; values of
 *   secret keys are shown as `[secret]`
 */
export function parseStackConfig(raw: RawStackConfig, nowMs: number): StackConfig {
  const problems: string[] = [...(raw.sourceProblems ?? [])];
  const secret = new Set(raw.secretKeys ?? []);
  const report: Report = (field, value, allowed) => {
    const inFile = field.startsWith(FILE_FIELD);
    const key = /^[A-Za-z]+/.exec(field)?.[0] ?? "";
    const where = inFile ? field.slice(FILE_FIELD.length) : `${CONFIG_NAMESPACE}:${field}`;
    const shown = !inFile && secret.has(key) ? "[secret]" : show(value);
    problems.push(`${where}: ${shown} is invalid; ${allowed}`);
  };

  for (const key of raw.unknownKeys ?? []) {
    const near = closestConfigKey(key);
    const hint =
      distance(key.toLowerCase(), near.toLowerCase()) <= Math.max(2, key.length / 3)
        ? `did you mean \`${near}\`? `
        : "";
    problems.push(
      `${CONFIG_NAMESPACE}:${key}: unknown configuration key; ${hint}the keys are ${CONFIG_KEYS.join(", ")} (closest: ${near})`,
    );
  }
  const keyVault = parseKeyVault(raw.keyVault, report);
  const globalRotation = parseRotation("rotation", raw.rotation, report);
  const defaults = {
    rotation: globalRotation,
    maxLifetime: checkMaxLifetime(
      "rotation.maxLifetime",
      globalRotation.maxLifetime,
      MAX_LIFETIME_CEILING,
      report,
    ),
    trigger: parseTrigger("rotationTrigger", raw.rotationTrigger, DEFAULT_TRIGGER, report),
  };
  const selector = parseSelector(raw.appSelector, report);
  const entries = collectEntries(raw, report);

  const apps: AppConfig[] = [];
  const seen = new Map<string, string>();
  let selected = 0;
  for (const entry of entries) {
    const name = entryName(entry.value);
    if (name !== undefined) {
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) {
        report(
          `${entry.field}.name`,
          name,
          `app names must be unique, ignoring case (Key Vault secret names are case-insensitive); ${first} has it already`,
        );
      } else {
        seen.set(name.toLowerCase(), entry.label);
      }
    }
    if (selector && !entryTags(entry.value).some((tag) => selector.includes(tag))) continue;
    selected++;
    const app = parseApp(entry.field, entry.value, defaults, nowMs, report);
    if (app) apps.push(app);
  }
  if (selector && entries.length > 0 && selected === 0) {
    report(
      "appSelector",
      raw.appSelector,
      `it selects none of the ${entries.length} apps: no app has any of the tags ${selector.join(", ")}`,
    );
  }
  // Global rotation fields are resolved once per app: the same problem is listed once.
  if (problems.length > 0 || !keyVault) throw new ConfigError([...new Set(problems)]);
  return { keyVault, apps };
}

/** Inline entries (`apps[i]`) then catalogue file entries; reports when there are none. */
function collectEntries(raw: RawStackConfig, report: Report): Entry[] {
  const entries: Entry[] = [];
  const files: FileAppEntry[] = raw.fileApps ?? [];
  if (raw.apps !== undefined && raw.apps !== null) {
    if (!Array.isArray(raw.apps)) {
      report("apps", raw.apps, "expected a list of apps");
    } else {
      raw.apps.forEach((value: unknown, index) =>
        entries.push({ field: `apps[${index}]`, label: `apps[${index}]`, value }),
      );
    }
  }
  for (const { file, index, entry } of files) {
    const label = `${file} apps[${index}]`;
    entries.push({ field: `${FILE_FIELD}${file}: apps[${index}]`, label, value: entry });
  }
  const filesGiven = Array.isArray(raw.appFiles) && raw.appFiles.length > 0;
  if (
    entries.length === 0 &&
    (raw.apps === undefined || raw.apps === null || Array.isArray(raw.apps))
  ) {
    report(
      "apps",
      raw.apps,
      filesGiven
        ? "expected a non-empty list of apps, here or in the appFiles"
        : "expected a non-empty list of apps",
    );
  }
  return entries;
}

/**
 * `app-credentials:appSelector`: `{ tags: [...] }` selects the apps that carry any of these tags,
 * so one catalogue can be split across stacks (e.g. one stack per team).
 * @returns the tags, or undefined when there is no selector (every app is selected)
 */
function parseSelector(value: unknown, report: Report): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report("appSelector", value, "expected an object such as { tags: [team-payments] }");
    return undefined;
  }
  checkKeys("appSelector", value, ["tags"], report);
  const tags = value.tags;
  if (!Array.isArray(tags) || tags.length === 0 || tags.some((t) => typeof t !== "string")) {
    report(
      "appSelector.tags",
      tags,
      "expected a non-empty list of tags: the stack serves the apps carrying any of them",
    );
    return undefined;
  }
  return tags as string[];
}
