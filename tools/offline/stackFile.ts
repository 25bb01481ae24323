/**
 * Reads a Pulumi project's `Pulumi.yaml` and a stack's `Pulumi.<stack>.yaml` the way the Pulumi CLI
 * hands them to a program: config keys namespaced (`<project>:<key>` when written without a
 * namespace), scalar values as strings, objects and lists as JSON text.
 *
 * Offline there is no passphrase or secrets provider: `secure:` values cannot be decrypted and are
 * replaced by {@link SECURE_PLACEHOLDER}, with a note per key.
 */
import { ProgramFailure } from "./errors";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Value given to a `secure:` config value that cannot be decrypted offline. */
export const SECURE_PLACEHOLDER = "offline-placeholder-for-secure-value";

/** A Pulumi project directory, as its `Pulumi.yaml` describes it. */
export interface ProjectFile {
  /** Absolute project directory. */
  dir: string;
  /** `name` of Pulumi.yaml. */
  project: string;
  /** The program's entry file, absolute (`main` of Pulumi.yaml, else `main` of package.json, else index.ts). */
  main: string;
  /**
   * The tsconfig the Pulumi CLI compiles a TypeScript program with, absolute: the `tsconfig`
   * runtime option of Pulumi.yaml (passed on as `PULUMI_NODEJS_TSCONFIG_PATH`), else
   * `tsconfig.json`. It may not exist.
   */
  tsconfig: string;
}

/** A Pulumi project directory with one stack's configuration. */
export interface StackFile extends ProjectFile {
  stack: string;
  /** `namespace:key` → value as the program's `pulumi.Config` sees it. */
  config: Record<string, string>;
  /** Keys whose value was `secure:` (replaced by the placeholder). */
  secureKeys: string[];
}

/** Raised when the project or stack file is missing or malformed; the message names the file. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/**
 * Loads `<dir>/Pulumi.yaml`.
 *
 * @throws StackFileError naming the file and what is wrong with it
 */
export function loadProject(dir: string): ProjectFile {
  const root = path.resolve(dir);
  const projectFile = path.join(root, "Pulumi.yaml");
  const project = readYamlMap(projectFile);
  if (typeof project.name !== "string" || project.name === "") {
    throw new StackFileError(`${projectFile}: \`name\` is missing`);
  }
  const runtime =
    typeof project.runtime === "object" && project.runtime
      ? (project.runtime as { name?: unknown; options?: { tsconfig?: unknown } })
      : { name: project.runtime };
  if (runtime.name !== "nodejs") {
    throw new StackFileError(
      `${projectFile}: runtime ${JSON.stringify(runtime.name)} is not supported offline (only nodejs)`,
    );
  }
  const tsconfig = runtime.options?.tsconfig;
  return {
    dir: root,
    project: project.name,
    main: resolveMain(root, project),
    tsconfig: path.resolve(root, typeof tsconfig === "string" ? tsconfig : "tsconfig.json"),
  };
}

/**
 * Loads `<dir>/Pulumi.yaml` and `<dir>/Pulumi.<stack>.yaml`.
 *
 * @throws StackFileError naming the file and what is wrong with it
 */
export function loadStackFile(dir: string, stack: string): StackFile {
  const project = loadProject(dir);
  const root = project.dir;
  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  const stackYaml = readYamlMap(stackFile);
  const rawConfig = stackYaml.config ?? {};
  if (!isMap(rawConfig)) {
    throw new StackFileError(
      `${stackFile}: \`config\` must be a map of settings (found ${describeValue(rawConfig)})`,
    );
  }
  const config: Record<string, string> = {};
  const secureKeys: string[] = [];
  for (const [key, value] of Object.entries(rawConfig)) {
    const fullKey = key.includes(":") ? key : `${project.project}:${key}`;
    if (isSecure(value)) {
      secureKeys.push(fullKey);
      config[fullKey] = SECURE_PLACEHOLDER;
    } else if (value !== null && typeof value === "object") {
      config[fullKey] = JSON.stringify(replaceSecure(value, fullKey, secureKeys));
    } else {
      config[fullKey] = String(value);
    }
  }
  return { ...project, stack, config, secureKeys };
}

/**
 * A project or stack file's top level: a YAML map of settings (an empty file is an empty map).
 *
 * @throws StackFileError naming the file when it is missing, not YAML, not text, or holds
 *   something else than a map (a list, a string, a number…)
 */
function readYamlMap(file: string): Record<string, unknown> {
  const value = readYaml(file) ?? {};
  if (!isMap(value)) {
    throw new StackFileError(`${file}: not a YAML map of settings (found ${describeValue(value)})`);
  }
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a YAML or JSON value is, for messages: `a list`, `a string`, `a number`, `true`. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  return `a ${typeof value}`;
}

/**
 * Text that is not a YAML file: a NUL byte or invalid UTF-8 (a binary file, e.g. a stack file
 * encrypted or saved in another encoding).
 */
function looksBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

function readYaml(file: string): unknown {
  if (!fs.existsSync(file)) {
    throw new StackFileError(`${file}: not found (check the project directory and the stack name)`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new StackFileError(`${file}: cannot be read (${(error as Error).message})`);
  }
  if (looksBinary(bytes)) {
    throw new StackFileError(
      `${file}: not a YAML map of settings (found binary content, not UTF-8 text)`,
    );
  }
  try {
    return parse(bytes.toString("utf8"));
  } catch (error) {
    throw new StackFileError(`${file}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    "secure" in value
  );
}

function replaceSecure(value: unknown, key: string, secureKeys: string[]): unknown {
  if (isSecure(value)) {
    secureKeys.push(key);
    return SECURE_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, key, secureKeys));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceSecure(v, key, secureKeys)]),
    );
  }
  return value;
}

/**
 * `main` of a project's package.json, when it has one.
 *
 * @throws StackFileError naming the file and the JSON error, or what is wrong with `main`
 */
function packageMain(pkgFile: string): string | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  } catch (error) {
    throw new StackFileError(
      `${pkgFile}: not valid JSON (${(error as Error).message.split("\n")[0]})`,
    );
  }
  if (!isMap(pkg)) {
    throw new StackFileError(`${pkgFile}: not a JSON object (found ${describeValue(pkg)})`);
  }
  if (pkg.main === undefined || pkg.main === "") return undefined;
  if (typeof pkg.main !== "string") {
    throw new StackFileError(
      `${pkgFile}: \`main\` must be a string (found ${describeValue(pkg.main)})`,
    );
  }
  return pkg.main;
}

function resolveMain(root: string, project: Record<string, unknown>): string {
  const candidates: string[] = [];
  if (typeof project.main === "string") candidates.push(project.main);
  const pkgFile = path.join(root, "package.json");
  if (fs.existsSync(pkgFile)) {
    const main = packageMain(pkgFile);
    if (main !== undefined) candidates.push(main);
  }
  candidates.push("index.ts", "index.js");
  for (const candidate of candidates) {
    const file = path.resolve(root, candidate);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
    for (const index of ["index.ts", "index.js"]) {
      if (fs.existsSync(path.join(file, index))) return path.join(file, index);
    }
  }
  throw new StackFileError(
    `${root}: no program entry point (index.ts, or \`main\` in Pulumi.yaml / package.json)`,
  );
}

/**
 * A stack name as a file name part (`Pulumi.<stack>.yaml`): no path separator, no `..`.
 *
 * @param option the option to name in the error
 * @returns the name
 * @throws ProgramFailure (kind `usage`) naming the option and the value
 */
export function checkStackName(name: string, option = "--stack"): string {
  if (name === "" || /[/\\]/.test(name) || name.includes("..")) {
    throw new ProgramFailure(
      "usage",
      `${option}: ${JSON.stringify(name)} is not a stack name: it must be non-empty, without "/", "\\" or ".." (the stack file is Pulumi.<stack>.yaml in --dir)`,
    );
  }
  return name;
}
