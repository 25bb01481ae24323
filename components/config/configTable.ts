/**
 * The configuration's fields as one data table: key, shape and default, built from the constants
 * the validation uses (./rotationConfig.ts, ./appConfig.ts, ./configSource.ts). docs/configuration.md
 * shows this table; test/components/configTable.test.ts fails when the two differ, and
 * `renderConfigTable()` prints the Markdown to paste.
 */
import { CONSUMER_KINDS, DEFAULT_REFRESH } from "../../policy/core";
import { CREDENTIAL_TYPES } from "./appConfig";
import { CATALOGUE_FILE_MAX_BYTES } from "./configSource";
import {
  DEFAULT_TRIGGER,
  MAX_LIFETIME_CEILING,
  MIN_GRACE,
  MIN_PERIOD,
  ROTATION_DEFAULTS,
} from "./rotationConfig";

/** One row of the table: a key under `app-credentials:` (dotted for nested ones). */
export interface ConfigField {
  /** The key, e.g. `rotation.period` or `apps[].credential`. */
  key: string;
  /** What the value may be, in words. */
  shape: string;
  /** The value when the key is absent, or `required`. */
  default: string;
}

const code = (text: string | number) => `\`${text}\``;
const mib = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

/** Every field, top-level keys in `CONFIG_KEYS` order with their nested fields after them. */
export const CONFIG_FIELDS: readonly ConfigField[] = [
  {
    key: "keyVault",
    shape:
      "exactly one of `existing: {resourceGroupName, name}` or `create: {resourceGroupName, location, namePrefix}`",
    default: "required",
  },
  {
    key: "rotation.period",
    shape: `ISO 8601 duration, window length, ≥ ${code(MIN_PERIOD)}`,
    default: code(ROTATION_DEFAULTS.period),
  },
  {
    key: "rotation.grace",
    shape: `ISO 8601, validity after a slot's next rotation, ≥ ${code(MIN_GRACE)} (the pack's \`minGrace\`)`,
    default: code(ROTATION_DEFAULTS.grace),
  },
  { key: "rotation.slots", shape: "`1` or `2`", default: code(ROTATION_DEFAULTS.slots) },
  {
    key: "rotation.maxLifetime",
    shape: `ISO 8601, ≤ ${code(MAX_LIFETIME_CEILING)} (the pack's \`maxLifetime\`)`,
    default: code(ROTATION_DEFAULTS.maxLifetime),
  },
  {
    key: "rotation.anchor",
    shape: "RFC 3339 instant, whole seconds, not in the future",
    default:
      "`2024-01-01T00:00:00Z` + a stable per-app offset (hash of the name) within one period, so apps do not all rotate in the same minute",
  },
  {
    key: "rotationTrigger",
    shape: "string; change it to rotate every credential now",
    default: code(JSON.stringify(DEFAULT_TRIGGER)),
  },
  {
    key: "apps[]",
    shape:
      "`{name, credential?, tags?, displayName?, signInAudience?, owners?, rotation?, rotationTrigger?, consumers?}` or `{name, existing: {applicationObjectId, signInAudience?} \\| {servicePrincipalObjectId}, credential?, tags?, rotation?, rotationTrigger?, consumers?}`",
    default: "apps here and/or in `appFiles`",
  },
  {
    key: "apps[].credential",
    shape: `${CREDENTIAL_TYPES.map(code).join(" or ")} (certificate schedules are in whole hours)`,
    default: code(CREDENTIAL_TYPES[0]),
  },
  {
    key: "apps[].consumers[]",
    shape: `\`{name, kind, principalId, refresh?}\`: who reads the app's secrets (granted \`Key Vault Secrets User\` on each); kind ${CONSUMER_KINDS.map(code).join(", ")}; refresh + grace ≤ the shortest period, and \`slots: 2\` (\`consumer-refresh-overlap\`)`,
    default: "none",
  },
  {
    key: "apps[].consumers[].refresh",
    shape: "ISO 8601, how often the consumer re-reads Key Vault",
    default: `${Object.entries(DEFAULT_REFRESH)
      .map(([kind, d]) => `${code(kind)} ${code(d.refresh)}`)
      .join(", ")}; required for \`custom\``,
  },
  {
    key: "appFiles",
    shape: `list of YAML files (paths relative to the project directory; regular files inside it, ≤ ${mib(CATALOGUE_FILE_MAX_BYTES)}), each \`apps: [...]\` of entries as above`,
    default: "none",
  },
  {
    key: "appSelector",
    shape: "`{tags: [...]}`: this stack serves the apps carrying any of these tags",
    default: "every app",
  },
];

/** The top-level key of a field (`rotation.period` → `rotation`, `apps[]` → `apps`). */
export function topLevelKey(field: ConfigField): string {
  return field.key.split(/[.[]/)[0];
}

/** The table as Markdown rows (header, separator, one row per field), unpadded. */
export function renderConfigTable(): string {
  return [
    "| key | shape | default |",
    "| --- | --- | --- |",
    ...CONFIG_FIELDS.map((f) => `| ${code(f.key)} | ${f.shape} | ${f.default} |`),
  ].join("\n");
}
