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
 * `pulumi.runtime.allConfig()` and `tools/offline/stackFile.ts` give): object values are JSON text, the
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
  for (const key of Object.keys(PUBLISHED_KEYS)) {
    if (secret.has(key) && values[`${prefix}${key}`] !== undefined) {
      problems.push(publishedSecretProblem(key));
    }
  }
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

/**
 * Keys whose values the program publishes in resource inputs, which Pulumi stores in the state and
 * shows in every diff in plain text (and, since @pulumi/pulumi 3.202, sends to the engine as
 * component arguments too), where it is read from: where each one goes.
 */
const PUBLISHED_KEYS: Readonly<Record<string, string>> = {
  rotationTrigger:
    "the rotateWhenChanged of every password and the keepers of every certificate schedule",
  rotation: "the schedule keys (rotateWhenChanged, keepers) and end dates of every credential",
  apps: "app names, display names, owners and rotation triggers of the resources declared",
  keyVault: "the vault's and secrets' names and resource group",
};

/**
 * The one-line refusal of a secret value (`pulumi config set --secret`) under a key the program
 * publishes: it would stand in plain text in the state and in diffs. None of these values is a
 * secret (a rotation trigger is a label such as an incident id), so the program refuses rather
 * than publish one.
 */
function publishedSecretProblem(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}: [secret] is invalid; a secret value would be published in plain text in ${PUBLISHED_KEYS[key]} (Pulumi state and diffs). Set it without --secret: it holds no secret (a rotation trigger is a label such as an incident id)`;
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
    const read = readCatalogueFile(projectDir, absolute);
    if (!read.ok) {
      problems.push(`${file}: ${read.reason}; ${field} paths are relative to ${projectDir}`);
      continue;
    }
    const text = read.text;
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

/** Largest catalogue file read: 16 MiB (about 80,000 app entries). */
export const CATALOGUE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads one catalogue file, if it is a regular file inside the project directory (after resolving
 * links) of at most {@link CATALOGUE_FILE_MAX_BYTES}: never a device (`/dev/zero` would grow the
 * program until it times out), a FIFO (it would hang), a directory, or a file outside the project
 * reached through `..` or a link.
 *
 * @returns the text, or why it is refused (one clause, without the file name)
 */
export function readCatalogueFile(
  projectDir: string,
  absolute: string,
): { ok: true; text: string } | { ok: false; reason: string } {
  let real: string;
  let project: string;
  try {
    project = fs.realpathSync(projectDir);
    real = fs.realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `cannot be read (${code === "ENOENT" ? "not found" : code})` };
  }
  const inside = path.relative(project, real);
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) {
    return { ok: false, reason: `is outside the project directory (it resolves to ${real})` };
  }
  let fd: number;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: "is not a regular file" };
    if (stat.size > CATALOGUE_FILE_MAX_BYTES) {
      return {
        ok: false,
        reason: `is ${stat.size} bytes, above the ${CATALOGUE_FILE_MAX_BYTES}-byte limit for a catalogue file (split it)`,
      };
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, text: buffer.subarray(0, read).toString("utf8") };
  } finally {
    fs.closeSync(fd);
  }
}
