/**
 * Where the configuration comes from: the stack's config values as Pulumi hands them to the
 * program (a flat `namespace:key` → string map, objects as JSON text), the catalogue files named by
 * `app-credentials:appFiles`, which keys hold secrets, and how large the whole config is.
 *
 * Pulumi passes the whole stack configuration to the program, and to every policy pack, in one
 * environment variable (`PULUMI_CONFIG`); Linux refuses a single environment string above
 * MAX_ARG_STRLEN (32 pages, 131,072 bytes) and both fail with `spawn E2BIG` (pulumi/pulumi#20402,
 * #8680). Catalogue files are read by the program itself and never pass through the environment,
 * so they are how a large catalogue is configured.
 */
import * as fs from "fs";
import * as path from "path";
import { closest } from "fastest-levenshtein";
import { parse as parseYaml } from "yaml";
import { isRecord, show } from "./configFields";

/** Pulumi project name: config keys read `app-credentials:<key>`. */
export const CONFIG_NAMESPACE = "app-credentials";

/** The keys this project reads under its namespace. */
export const CONFIG_KEYS = [
  "keyVault",
  "rotation",
  "rotationTrigger",
  "apps",
  "appFiles",
  "appSelector",
] as const;

/** Largest environment string Linux accepts (MAX_ARG_STRLEN = 32 × 4096 bytes, NUL included). */
export const CONFIG_ENV_LIMIT_BYTES = 131_072;
/** Above this share of the limit the program and the preview warn. */
export const CONFIG_ENV_WARN_RATIO = 0.75;

/** One app entry of a catalogue file, with where it was written. */
export interface FileAppEntry {
  /** The file as written in `appFiles`. */
  file: string;
  /** Index in the file's `apps` list. */
  index: number;
  entry: unknown;
}

/** Raw values of the stack's config keys, as `pulumi.Config.getObject` returns them. */
export interface RawStackConfig {
  keyVault?: unknown;
  rotation?: unknown;
  rotationTrigger?: unknown;
  apps?: unknown;
  /** The `appFiles` value as written (a list of paths relative to the project directory). */
  appFiles?: unknown;
  /** App entries read from the catalogue files, in file order. */
  fileApps?: FileAppEntry[];
  appSelector?: unknown;
  /** Keys under the namespace that this project does not read (misspellings). */
  unknownKeys?: string[];
  /** Keys (without namespace) whose values are secret (`pulumi config set --secret`). */
  secretKeys?: string[];
  /** Problems found while reading the sources (catalogue files, JSON, size). */
  sourceProblems?: string[];
  /** Bytes of the `PULUMI_CONFIG=…` environment string this configuration needs. */
  configBytes?: number;
}

/**
 * Bytes of the environment string Pulumi builds for a stack's configuration:
 * `PULUMI_CONFIG=<JSON of every key>` and its terminating NUL.
 *
 * @param values every config value of the stack (all namespaces), `namespace:key` → string
 */
export function configEnvironmentBytes(values: Record<string, string>): number {
  return Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(values)}`) + 1;
}

/**
 * What to tell the user about the configuration's size, or undefined while it is comfortably
 * below the limit.
 *
 * @returns `over` (Pulumi cannot start the program or the policy pack) or `near` (above 75 %)
 *   with a message saying what to do
 */
export function configSizeAdvice(
  values: Record<string, string>,
): { level: "over" | "near"; bytes: number; message: string } | undefined {
  const bytes = configEnvironmentBytes(values);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const fix = `move app entries from ${CONFIG_NAMESPACE}:apps into catalogue files listed in ${CONFIG_NAMESPACE}:appFiles (YAML files with an \`apps:\` list, read by the program itself), and split a very large catalogue across stacks with ${CONFIG_NAMESPACE}:appSelector`;
  if (bytes > CONFIG_ENV_LIMIT_BYTES) {
    return {
      level: "over",
      bytes,
      message: `the stack configuration needs ${kib(bytes)} in the PULUMI_CONFIG environment variable, above Linux's ${kib(CONFIG_ENV_LIMIT_BYTES)} limit for one variable: Pulumi cannot start the program or the policy pack (spawn E2BIG, pulumi/pulumi#20402). Fix: ${fix}`,
    };
  }
  if (bytes > CONFIG_ENV_LIMIT_BYTES * CONFIG_ENV_WARN_RATIO) {
    return {
      level: "near",
      bytes,
      message: `the stack configuration needs ${kib(bytes)} of the ${kib(CONFIG_ENV_LIMIT_BYTES)} Pulumi can pass to a program (PULUMI_CONFIG): past the limit neither the program nor the policy pack starts. Before it grows further, ${fix}`,
    };
  }
  return undefined;
}

/**
 * The raw config of this project from a flat `namespace:key` → string map (the form the Pulumi CLI,
 * `pulumi.runtime.allConfig()` and `tools/stackFile.ts` give): object values are JSON text, the
 * trigger stays a string; catalogue files are read from `projectDir`.
 *
 * Never throws: problems (a value that is not JSON, a missing or malformed catalogue file, a
 * configuration above the size limit) are listed in `sourceProblems`, and unknown keys in
 * `unknownKeys`, for `parseStackConfig` to report with every other problem.
 *
 * @param values every config value (other namespaces are ignored)
 * @param projectDir the Pulumi project directory (holds Pulumi.yaml); `appFiles` paths are
 *   relative to it
 * @param secretKeys full keys (`app-credentials:apps`) whose values are secret: never shown
 */
export function rawConfigFromValues(
  values: Record<string, string>,
  projectDir: string = process.cwd(),
  secretKeys: Iterable<string> = [],
): RawStackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const secret = new Set(
    [...secretKeys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
  );
  const problems: string[] = [];
  const object = (key: string): unknown => {
    const text = values[`${prefix}${key}`];
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      problems.push(
        `${prefix}${key}: ${secret.has(key) ? "[secret]" : show(text)} is invalid; expected an object or list`,
      );
      return undefined;
    }
  };
  const unknownKeys = Object.keys(values)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
  const appFiles = object("appFiles");
  const size = configSizeAdvice(values);
  if (size?.level === "over") problems.push(`${CONFIG_NAMESPACE}: ${size.message}`);
  return {
    keyVault: object("keyVault"),
    rotation: object("rotation"),
    rotationTrigger: values[`${prefix}rotationTrigger`],
    apps: object("apps"),
    appFiles,
    fileApps: readAppFiles(appFiles, projectDir, problems),
    appSelector: object("appSelector"),
    unknownKeys,
    secretKeys: [...secret],
    sourceProblems: problems,
    configBytes: size?.bytes,
  };
}

/** The known key closest to a misspelt one (edit distance), for the error message. */
export function closestConfigKey(key: string): string {
  return closest(key, [...CONFIG_KEYS]);
}

/**
 * Reads the catalogue files: each a YAML document `apps: [...]` (entries of the same shape as
 * `app-credentials:apps`). Problems are pushed, naming the file.
 */
function readAppFiles(value: unknown, projectDir: string, problems: string[]): FileAppEntry[] {
  if (value === undefined || value === null) return [];
  const field = `${CONFIG_NAMESPACE}:appFiles`;
  if (!Array.isArray(value) || value.some((f) => typeof f !== "string" || f.trim() === "")) {
    problems.push(
      `${field}: ${show(value)} is invalid; expected a list of YAML file paths relative to the project directory (${projectDir})`,
    );
    return [];
  }
  const entries: FileAppEntry[] = [];
  const seen = new Set<string>();
  for (const file of value as string[]) {
    const absolute = path.resolve(projectDir, file);
    if (seen.has(absolute)) {
      problems.push(`${field}: ${show(file)} is invalid; the file is listed twice`);
      continue;
    }
    seen.add(absolute);
    let text: string;
    try {
      text = fs.readFileSync(absolute, "utf8");
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
      problems.push(
        `${file}: cannot be read (${reason}); ${field} paths are relative to ${projectDir}`,
      );
      continue;
    }
    let document: unknown;
    try {
      document = parseYaml(text);
    } catch (error) {
      problems.push(`${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
      continue;
    }
    if (!isRecord(document) || !Array.isArray(document.apps)) {
      problems.push(`${file}: expected a YAML document with an \`apps:\` list of app entries`);
      continue;
    }
    const extra = Object.keys(document).filter((k) => k !== "apps");
    if (extra.length > 0) {
      problems.push(
        `${file}: ${extra.map((k) => `\`${k}\``).join(", ")} is not allowed; a catalogue file holds only \`apps:\``,
      );
    }
    document.apps.forEach((entry: unknown, index: number) => entries.push({ file, index, entry }));
  }
  return entries;
}
