/**
 * Reads a Pulumi project's `Pulumi.yaml` and a stack's `Pulumi.<stack>.yaml` the way the Pulumi CLI
 * hands them to a program: config keys namespaced (`<project>:<key>` when written without a
 * namespace), scalar values as strings, objects and lists as JSON text.
 *
 * Offline there is no passphrase or secrets provider: `secure:` values cannot be decrypted and are
 * replaced by {@link SECURE_PLACEHOLDER}, with a note per key.
 */
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
  const project = (readYaml(projectFile) ?? {}) as Record<string, unknown>;
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
  const stackYaml = (readYaml(stackFile) ?? {}) as Record<string, unknown>;
  const rawConfig = (stackYaml.config ?? {}) as Record<string, unknown>;
  if (typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    throw new StackFileError(`${stackFile}: \`config\` must be a map`);
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

function readYaml(file: string): unknown {
  if (!fs.existsSync(file)) {
    throw new StackFileError(`${file}: not found (check the project directory and the stack name)`);
  }
  try {
    return parse(fs.readFileSync(file, "utf8"));
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

function resolveMain(root: string, project: Record<string, unknown>): string {
  const candidates: string[] = [];
  if (typeof project.main === "string") candidates.push(project.main);
  const pkgFile = path.join(root, "package.json");
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string };
    if (pkg.main) candidates.push(pkg.main);
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
