/**
 * The policy pack travels alone: `pulumi policy publish` uploads `policy/` by itself, and every
 * stack of the organisation then runs it without this repository. This test builds and runs a copy
 * of `policy/` outside the repository, then the tarball `pulumi policy publish` would upload,
 * unpacked the way the Pulumi CLI installs a published pack.
 *
 * 1. Copy `policy/` without `bin/` and `node_modules/` to a temporary directory (outside the
 *    repository, with no `node_modules` in any parent directory, so nothing resolves through the
 *    repository's).
 * 2. Give the copy a `node_modules` holding exactly the packages its package.json declares
 *    (`dependencies` and `devDependencies`), each a symbolic link to the package this repository's
 *    `npm ci` installed, plus their `.bin` entries (`tsc`); every version must satisfy the declared
 *    range. Why not `npm ci` / `npm install --offline` in the copy: the pack has no lock file of its
 *    own (it is an npm workspace; the lock file is the root's), so `npm ci` refuses, and
 *    `npm install --offline` succeeds only when the user's npm cache happens to hold every tarball
 *    (ENOTCACHED on a fresh cache) and takes tens of seconds: the test would depend on the machine.
 *    Why not one link to the root `node_modules`: it holds the program's and the tools' packages
 *    too, so an import the pack's package.json forgot would still resolve. With one link per
 *    declared package the pack's own files (real paths in the copy) resolve only those; the
 *    packages' own dependencies resolve from their real paths in the repository, as installed.
 * 3. Build it with its own script and tsconfig (`npm run build` in the copy): an import that leaves
 *    `policy/` or a package it does not declare fails here. Every source import is also checked.
 * 4. Start `bin/index.js` as the engine does (tools/offline/analyzer `startPolicyPack`:
 *    `@pulumi/pulumi/cmd/run-policy-pack` resolved from the copy, the copy as working directory,
 *    gRPC), and ask `GetPluginInfo`, `GetAnalyzerInfo`, `Configure` and `Analyze` of a client secret
 *    that lives five years: the pack's name, version, policies and verdict.
 * 5. Pack it: `npm pack --dry-run --json` lists what the tarball holds; `npm pack --loglevel=error`
 *    (the command `pulumi policy publish` runs, sdk/nodejs/npm/npm.go `Pack`, which takes the whole
 *    of stdout as the tarball's file name) prints the name alone; the tarball unpacked without
 *    restoring modification times (sdk/go/common/util/archive `ExtractTGZ`, as
 *    pkg/backend/httpstate/policypack.go `installRequiredPolicy` installs a published pack) starts
 *    and gives the same verdict.
 *
 * npm runs without the network (`offline`), without any `npm_*` variable of the npm that started
 * the tests and without the repository's `node_modules/.bin` on PATH. Slow (tsc, npm, two packs):
 * in `npm run test:slow`.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as semver from "semver";
import * as ts from "typescript";
import { ALL_POLICIES } from "../../policy/policies";
import {
  AnalyzerInfo,
  Diagnostic,
  FIXED_CLOCK,
  PolicyPack,
  reconcileConfig,
  ResourceRecord,
  startPolicyPack,
} from "../../tools/offline/analyzer";

const REPO = path.resolve(__dirname, "..", "..");
const PACK_SOURCE = path.join(REPO, "policy");
const NOW = "2026-01-01T00:00:00Z";
/** @pulumi/policy server.js: the names the service accepts for a pack. */
const PACK_NAME_PATTERN = /^[a-zA-Z0-9-_.]{1,100}$/;
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";

/** A client secret with a rotation schedule that ends five years after now: too long at P2Y. */
const FIVE_YEAR_SECRET: ResourceRecord = {
  type: APP_PASSWORD,
  name: "api-0",
  properties: {
    applicationId: "/applications/00000000-0000-0000-0000-000000000001",
    endDate: "2031-01-01T00:00:00Z",
    rotateWhenChanged: {
      "rotation-window": "2026-01-01T00:00:00Z/P180D#0",
      "rotation-slot": "0/2",
      "rotation-trigger": "0",
    },
  },
};
const FIVE_YEAR_VERDICT =
  'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 1826 days (now 2026-01-01T00:00:00Z to endDate 2031-01-01T00:00:00Z), longer than the maximum lifetime P2Y. Fix: set endDate no later than 2028-01-01T00:00:00Z (now + P2Y).';

/** The sandbox group's configuration of policy/README.md ("Enforce it across the organisation"). */
const SANDBOX_CONFIG = {
  "credential-max-lifetime": "advisory",
  "credential-rotation-required": "advisory",
  "credential-rotates-before-expiry": "advisory",
  "keyvault-secret-expiry": "advisory",
  "credential-expiring-soon": { warnBefore: "P14D" },
  "keyvault-secret-content-type": "disabled",
};
/** The production group's configuration of policy/README.md. */
const PRODUCTION_CONFIG = { "federated-credential-trust-advisory": "mandatory" };

interface Manifest {
  name: string;
  version: string;
  main?: string;
  private?: boolean;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface PackedFile {
  path: string;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** True when `child` is `parent` or inside it. */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Where this repository's `npm ci` installed `name` for the pack (its workspace, else the root). */
function installedPackage(name: string): string {
  for (const modules of [path.join(PACK_SOURCE, "node_modules"), path.join(REPO, "node_modules")]) {
    const dir = path.join(modules, name);
    if (fs.existsSync(path.join(dir, "package.json"))) return fs.realpathSync(dir);
  }
  throw new Error(`${name} is not installed in this repository: run npm ci`);
}

/**
 * Gives `packDir` a `node_modules` with one symbolic link per package its package.json declares, to
 * the repository's installed copy, and the packages' `.bin` commands (see module comment).
 *
 * @returns each package with its installed version and declared range
 */
function linkDeclaredPackages(packDir: string): { name: string; range: string; version: string }[] {
  const manifest = readJson<Manifest>(path.join(packDir, "package.json"));
  const modules = path.join(packDir, "node_modules");
  const bin = path.join(modules, ".bin");
  fs.mkdirSync(bin, { recursive: true });
  const declared = { ...manifest.devDependencies, ...manifest.dependencies };
  return Object.entries(declared).map(([name, range]) => {
    const source = installedPackage(name);
    const target = path.join(modules, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(source, target, "dir");
    const installed = readJson<Manifest & { bin?: string | Record<string, string> }>(
      path.join(source, "package.json"),
    );
    const commands =
      typeof installed.bin === "string"
        ? { [name.split("/").pop() as string]: installed.bin }
        : (installed.bin ?? {});
    for (const [command, file] of Object.entries(commands)) {
      fs.symlinkSync(path.join(source, file), path.join(bin, command));
    }
    return { name, range, version: installed.version };
  });
}

/**
 * The environment of the npm commands: no `npm_*` variable of the npm that may have started the
 * tests (its configuration, e.g. the repository's `loglevel=silent`, is not the copy's), no
 * repository `node_modules/.bin` on PATH (only the copy's own `tsc`), no network, no update check.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((entry) => entry !== "" && !isInside(REPO, path.resolve(entry)))
    .join(path.delimiter);
  env.npm_config_offline = "true";
  env.npm_config_update_notifier = "false";
  env.npm_config_fund = "false";
  env.npm_config_audit = "false";
  return env;
}

/** Runs a command; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd,
    env: npmEnv(),
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} in ${cwd} exited with ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The TypeScript sources of a pack directory (not `bin/`, not `node_modules/`), relative. */
function sources(packDir: string): string[] {
  const found: string[] = [];
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(packDir, relative), { withFileTypes: true })) {
      const rel = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (!["bin", "node_modules"].includes(rel)) visit(rel);
      } else if (entry.name.endsWith(".ts")) {
        found.push(rel);
      }
    }
  };
  visit("");
  return found.sort();
}

/** The package name of a bare import specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function startPack(packDir: string): Promise<PolicyPack> {
  return startPolicyPack(packDir, {
    nodeOptions: ["--require", FIXED_CLOCK],
    env: { PULUMI_TEST_NOW: NOW },
  });
}

function pluginVersion(pack: PolicyPack): Promise<string> {
  return new Promise((resolve, reject) =>
    pack.client.getPluginInfo(new Empty(), (error, info) =>
      error ? reject(error) : resolve(info.getVersion()),
    ),
  );
}

/** `Configure` (schema defaults, then `configFile`, as the engine reconciles) and `Analyze`. */
async function verdict(
  pack: PolicyPack,
  info: AnalyzerInfo,
  configFile?: object,
): Promise<Diagnostic[]> {
  await pack.configure(reconcileConfig(info, configFile));
  return pack.analyze(FIVE_YEAR_SECRET);
}

describe("the policy pack travels alone (a copy of policy/ outside the repository)", function () {
  this.timeout(300_000);
  let root: string;
  let packDir: string;
  let manifest: Manifest;
  let linked: { name: string; range: string; version: string }[];
  let pack: PolicyPack | undefined;
  let info: AnalyzerInfo;
  const described = (message: string): string =>
    `${info.policies.find((p) => p.name === "credential-max-lifetime")?.description}\n${message}`;

  before(async () => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "appcred-standalone-")));
    assert.ok(!isInside(REPO, root), `${root} must be outside the repository ${REPO}`);
    for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
      assert.ok(
        !fs.existsSync(path.join(dir, "node_modules")),
        `${dir}/node_modules would let the copy resolve packages it does not declare: set TMPDIR elsewhere`,
      );
      if (path.dirname(dir) === dir) break;
    }
    packDir = path.join(root, "policy");
    fs.cpSync(PACK_SOURCE, packDir, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(PACK_SOURCE, source);
        const top = relative.split(path.sep)[0];
        return top !== "bin" && top !== "node_modules" && !relative.endsWith(".tgz");
      },
    });
    manifest = readJson<Manifest>(path.join(packDir, "package.json"));
    linked = linkDeclaredPackages(packDir);
    run("npm", ["run", "build", "--loglevel=error"], packDir);
    assert.ok(
      fs.existsSync(path.join(packDir, manifest.main ?? "index.js")),
      "the build wrote main",
    );
    pack = await startPack(packDir);
    info = await pack.getAnalyzerInfo();
  });

  after(async () => {
    await pack?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("imports only its own files and the packages its package.json declares, at versions in range", () => {
    const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    const files = sources(packDir);
    assert.ok(files.includes("index.ts") && files.length > 10, `sources found: ${files}`);
    for (const file of files) {
      const text = fs.readFileSync(path.join(packDir, file), "utf8");
      for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
        if (specifier.startsWith(".")) {
          const target = path.resolve(packDir, path.dirname(file), specifier);
          const resolved = [`${target}.ts`, path.join(target, "index.ts"), target].find(
            (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
          );
          if (resolved === undefined || !isInside(packDir, resolved)) {
            problems.push(`${file}: ${specifier} does not resolve inside the pack`);
          }
        } else if (!builtins.has(specifier.replace(/^node:/, ""))) {
          const name = packageOf(specifier);
          if (!runtime.has(name)) problems.push(`${file}: ${name} is not in dependencies`);
        }
      }
    }
    assert.deepStrictEqual(problems, []);
    // The engine runs @pulumi/pulumi/cmd/run-policy-pack resolved from the pack's directory.
    assert.ok(runtime.has("@pulumi/pulumi") && runtime.has("@pulumi/policy"));
    assert.deepStrictEqual(
      linked.filter(({ version, range }) => !semver.satisfies(version, range)),
      [],
      "every package linked from the repository satisfies the pack's declared range",
    );
  });

  it("starts as the engine starts it: name, version and the repository's policies", async () => {
    assert.strictEqual(info.name, "app-credential-policies");
    assert.strictEqual(info.name, manifest.name);
    assert.match(info.name, PACK_NAME_PATTERN);
    assert.strictEqual(info.version, manifest.version);
    assert.deepStrictEqual(
      info.policies.map((p) => [p.name, p.enforcementLevel]),
      ALL_POLICIES.map((p) => [p.name, p.enforcementLevel]),
    );
    // GetPluginInfo answers the version of @pulumi/policy the copy loaded (its package.json says
    // "v1.21.0", its version.js, which the server answers, "1.21.0").
    const sdk = readJson<Manifest>(path.join(packDir, "node_modules/@pulumi/policy/package.json"));
    assert.strictEqual(await pluginVersion(pack as PolicyPack), semver.clean(sdk.version));
  });

  it("refuses a client secret that lives five years (mandatory at the defaults, the production group's level)", async () => {
    const diagnostics = await verdict(pack as PolicyPack, info);
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.policyPackName, d.message]),
      [
        [
          "credential-max-lifetime",
          "mandatory",
          "app-credential-policies",
          described(FIVE_YEAR_VERDICT),
        ],
      ],
    );
    assert.deepStrictEqual(
      (await verdict(pack as PolicyPack, info, PRODUCTION_CONFIG)).map((d) => d.enforcementLevel),
      ["mandatory"],
    );
  });

  it("reports it as advisory with the sandbox group's configuration", async () => {
    const diagnostics = await verdict(pack as PolicyPack, info, SANDBOX_CONFIG);
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.message]),
      [["credential-max-lifetime", "advisory", described(FIVE_YEAR_VERDICT)]],
    );
  });

  it("npm pack --dry-run --json: PulumiPolicy.yaml, bin/index.js, README.md; no source, test or tool", () => {
    const [packed] = JSON.parse(
      run("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], packDir).stdout,
    ) as { name: string; version: string; files: PackedFile[] }[];
    const files = packed.files.map((f) => f.path);
    assert.strictEqual(packed.name, manifest.name);
    assert.strictEqual(packed.version, manifest.version);
    for (const required of [
      "PulumiPolicy.yaml",
      "package.json",
      "README.md",
      "bin/index.js",
      "bin/policies/index.js",
    ]) {
      assert.ok(files.includes(required), `${required} is packed: ${files.join(", ")}`);
    }
    assert.deepStrictEqual(
      files.filter(
        (f) =>
          f.endsWith(".ts") ||
          f === "tsconfig.json" ||
          /^(test|tools|node_modules)\//.test(f) ||
          f.endsWith(".tgz"),
      ),
      [],
      "no TypeScript source (it would look newer than bin/ once unpacked), test, tool or dependency",
    );
  });

  it("pulumi policy publish's npm pack prints only the tarball's name; unpacked as the CLI installs it, the pack starts", async () => {
    // sdk/nodejs/npm/npm.go Pack: `npm pack --loglevel=error` in the pack's directory, then reads
    // the file named by the whole of stdout (a lifecycle script's banner there breaks publishing).
    const { stdout } = run("npm", ["pack", "--loglevel=error"], packDir);
    const tarball = `${manifest.name}-${manifest.version}.tgz`;
    assert.strictEqual(stdout.trim(), tarball);
    const installed = path.join(root, "installed");
    fs.mkdirSync(installed);
    // archive.ExtractTGZ writes the entries in order with the time of extraction (tar -m).
    run("tar", ["-xzmf", path.join(packDir, tarball), "-C", installed], root);
    const installedPack = path.join(installed, "package");
    assert.ok(
      fs.existsSync(path.join(installedPack, "PulumiPolicy.yaml")),
      "PulumiPolicy.yaml at the root",
    );
    // installRequiredPolicy then runs `npm install` there: the same packages, linked.
    linkDeclaredPackages(installedPack);
    const published = await startPack(installedPack);
    try {
      const publishedInfo = await published.getAnalyzerInfo();
      assert.deepStrictEqual(
        [publishedInfo.name, publishedInfo.version, publishedInfo.policies.map((p) => p.name)],
        [info.name, info.version, info.policies.map((p) => p.name)],
      );
      const diagnostics = await verdict(published, publishedInfo);
      assert.deepStrictEqual(
        diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.message]),
        [["credential-max-lifetime", "mandatory", described(FIVE_YEAR_VERDICT)]],
      );
    } finally {
      await published.stop();
    }
  });
});
