/**
 * What a user's `npm install app-credentials` (from the registry, or
 * `github:<org>/app-credentials#<tag>`, which runs `prepare` and packs the same `files`) puts in
 * their node_modules: `npm pack --dry-run --json --ignore-scripts` at the root, over the compiled
 * dist/ (`npm run build:lib`; the test fails, naming the command, when it is missing or older than
 * a source).
 *
 * - Exactly what a program needs: package.json, README.md, the components, the configuration code
 *   and the rule core, compiled with their declarations; nothing of tools/, test/, the policy
 *   pack's sources or bin/, examples/, docs/, provider/, deploy/, the stack program (index.ts,
 *   Pulumi.*.yaml), tsconfigs or source maps.
 * - Every `require` of the packed JavaScript resolves to a packed file, a Node.js built-in or a
 *   package of `dependencies` or `peerDependencies` (one documented exception, loaded only by the policy pack), and
 *   loading the entry in a plain Node.js process loads nothing else.
 * - The declarations reachable from the entry (`types`) import only @pulumi/pulumi, other
 *   `@pulumi/*` dependencies and packed files (not luxon, whose types are a devDependency), and
 *   the functions marked `@internal` in components/ are stripped from every packed declaration.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  main: string;
  types: string;
  exports: Record<string, { types?: string; default?: string } | string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/**
 * What a user's install provides: the dependencies, and the peer dependencies (`@pulumi/pulumi`:
 * the program's own copy, so components and program share one SDK).
 */
const RUNTIME: Record<string, string> = { ...PKG.dependencies, ...PKG.peerDependencies };
const ENTRY_JS = path.posix.normalize(PKG.main);
const ENTRY_DTS = path.posix.normalize(PKG.types);

/**
 * Requires of packed files that resolve to no packed file or dependency, each with why a user
 * never meets it. `@pulumi/policy`: required inside `policySdkInternals()` only (a function, not
 * at load), which the policy pack calls with its own @pulumi/policy; in a program, the rule core's
 * readers never meet an unknown-value sentinel (Outputs that are unknown never reach an `apply`).
 */
const LAZY_REQUIRES: Record<string, string[]> = {
  "dist/policy/core/unknowns.js": ["@pulumi/policy"],
};

/** The files `npm pack` would pack, as package-relative POSIX paths. */
let packed: Set<string>;

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isBuiltin(specifier: string): boolean {
  const name = specifier.replace(/^node:/, "");
  return builtinModules.includes(name) || builtinModules.includes(name.split("/")[0]);
}

/** The specifiers a packed file imports: `require("…")` in JavaScript, imports in declarations. */
function importsOf(file: string): { specifiers: string[]; typeReferences: string[] } {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  // The TypeScript scanner: `require("x")` calls, `import`/`export … from`, `import("x")`;
  // never a specifier inside a comment or a string.
  const info = ts.preProcessFile(text, true, true);
  return {
    specifiers: [
      ...info.importedFiles.map((f) => f.fileName),
      ...info.referencedFiles.map((f) => f.fileName),
    ],
    typeReferences: info.typeReferenceDirectives.map((f) => f.fileName),
  };
}

/**
 * The packed file a relative specifier of `from` resolves to, as Node.js (`.js`) or TypeScript
 * (`.d.ts`) resolves it, or undefined when none of the candidates is packed.
 */
function resolvePacked(from: string, specifier: string, extensions: string[]): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [
    base,
    ...extensions.map((ext) => base + ext),
    ...extensions.map((ext) => `${base}/index${ext}`),
  ];
  return candidates.find((candidate) => packed.has(candidate));
}

/** The newest file under `dir` whose name ends with `.ts` (not `.d.ts`), with its time. */
function newestSource(dir: string): { file: string; ms: number } {
  let newest = { file: "", ms: 0 };
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".d.ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const ms = fs.statSync(file).mtimeMs;
    if (ms > newest.ms) newest = { file, ms };
  }
  return newest;
}

/**
 * Fails, naming the command, when dist/ is not built or is older than a source of the package
 * (the components and the rule core they import).
 */
function assertDistBuilt(): void {
  const entry = path.join(ROOT, ENTRY_JS);
  if (!fs.existsSync(entry) || !fs.existsSync(path.join(ROOT, ENTRY_DTS))) {
    assert.fail(`${ENTRY_JS} is not built: run \`npm run build:lib\` first`);
  }
  const builtMs = fs.statSync(entry).mtimeMs;
  for (const dir of ["components", path.join("policy", "core")]) {
    const newest = newestSource(path.join(ROOT, dir));
    if (newest.ms > builtMs) {
      assert.fail(
        `dist/ is older than ${path.relative(ROOT, newest.file)}: run \`npm run build:lib\` first`,
      );
    }
  }
}

function run(
  file: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("the npm package: what `npm pack` ships (package.json files, dist/)", function () {
  this.timeout(60_000);

  before(async () => {
    assertDistBuilt();
    // --loglevel: npm's own warnings and errors back (the project's .npmrc silences them).
    const result = await run("npm", [
      "pack",
      "--dry-run",
      "--json",
      "--ignore-scripts",
      "--loglevel=warn",
    ]);
    assert.strictEqual(result.code, 0, result.stderr);
    const [manifest] = JSON.parse(result.stdout) as {
      name: string;
      files: { path: string }[];
    }[];
    assert.strictEqual(manifest.name, "app-credentials");
    packed = new Set(manifest.files.map((f) => f.path));
  });

  it("packs the compiled components, configuration code and rule core with declarations, README.md and package.json", () => {
    const expected = [
      "package.json",
      "README.md",
      ENTRY_JS,
      ENTRY_DTS,
      "dist/components/appCredential.js",
      "dist/components/appCredential.d.ts",
      "dist/components/appCredentialArgs.js",
      "dist/components/appCredentialArgs.d.ts",
      "dist/components/credentialVault.js",
      "dist/components/credentialVault.d.ts",
      "dist/components/config/index.js",
      "dist/components/config/appConfig.js",
      "dist/components/config/configError.js",
      "dist/components/config/configError.d.ts",
      "dist/components/instant.js",
      "dist/components/instant.d.ts",
      "dist/policy/core/index.js",
      "dist/policy/core/schedule.js",
      "dist/policy/core/iso8601.js",
    ];
    assert.deepStrictEqual(
      expected.filter((file) => !packed.has(file)),
      [],
      "missing from the package",
    );
    for (const target of Object.values(PKG.exports).flatMap((e) =>
      typeof e === "string" ? [e] : Object.values(e),
    )) {
      assert.ok(packed.has(path.posix.normalize(target)), `exports target ${target} is packed`);
    }
    // Everything built is packed: no compiled file of the components or the rule core left out.
    const built = ["dist/components", "dist/policy/core"].flatMap((dir) =>
      fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/")),
    );
    assert.deepStrictEqual(
      built.filter((file) => !packed.has(file)),
      [],
      "built but not packed",
    );
  });

  it("packs nothing else: no sources, tools, tests, policy pack, examples, docs, provider or stack program", () => {
    const allowed =
      /^(package\.json|README\.md|dist\/(components|policy\/core)\/.+(?<!\.map)\.(js|d\.ts))$/;
    assert.deepStrictEqual(
      [...packed].filter((file) => !allowed.test(file)),
      [],
      "packed but not part of the package",
    );
    const forbidden =
      /^(tools|test|policy|examples|docs|provider|deploy|bin|node_modules|components|\.ci)\/|^(index\.ts|Pulumi\..*yaml|tsconfig.*\.json|BENCHMARKS\.md|eslint\.config\.mjs|\.npmrc)$/;
    assert.deepStrictEqual(
      [...packed].filter((file) => forbidden.test(file)),
      [],
    );
  });

  it("every require of the packed JavaScript resolves to a packed file, a built-in or a dependency", () => {
    const problems: string[] = [];
    const lazy: string[] = [];
    for (const file of [...packed].filter((f) => f.endsWith(".js"))) {
      for (const specifier of importsOf(file).specifiers) {
        if (specifier.startsWith(".")) {
          if (!resolvePacked(file, specifier, [".js", ".json"])) {
            problems.push(`${file}: require("${specifier}") is no packed file`);
          }
        } else if (isBuiltin(specifier)) {
          continue;
        } else if (LAZY_REQUIRES[file]?.includes(specifier)) {
          lazy.push(`${file}: ${specifier}`);
        } else if (!(packageOf(specifier) in RUNTIME)) {
          problems.push(
            `${file}: require("${specifier}"): ${packageOf(specifier)} is not a dependency`,
          );
        } else {
          // Installed, and the subpath is one the package exports (e.g. @pulumi/azure-native/keyvault).
          try {
            require.resolve(specifier, { paths: [path.join(ROOT, path.dirname(file))] });
          } catch (error) {
            problems.push(`${file}: require("${specifier}") does not resolve: ${String(error)}`);
          }
        }
      }
    }
    assert.deepStrictEqual(problems, []);
    // The exceptions still exist (else the list is stale and must shrink).
    assert.deepStrictEqual(
      lazy.sort(),
      Object.entries(LAZY_REQUIRES)
        .flatMap(([file, specifiers]) => specifiers.map((s) => `${file}: ${s}`))
        .sort(),
      "LAZY_REQUIRES lists a require that is gone: remove it",
    );
  });

  it("loading the entry in a plain Node.js process loads only dependencies and built-ins (never @pulumi/policy)", async () => {
    // Every bare request a packed file makes while `require(main)` runs, as JSON lines.
    const probe = `
      const Module = require("module");
      const load = Module._load;
      const seen = new Set();
      Module._load = function (request, parent) {
        if (parent && parent.filename && parent.filename.startsWith(${JSON.stringify(path.join(ROOT, "dist") + path.sep)})
          && !request.startsWith(".") && !Module.isBuiltin(request)) seen.add(request);
        return load.apply(this, arguments);
      };
      const api = require(${JSON.stringify(path.join(ROOT, ENTRY_JS))});
      process.stdout.write(JSON.stringify({ loaded: [...seen].sort(), exports: Object.keys(api).sort() }));
    `;
    const result = await run(process.execPath, ["-e", probe]);
    assert.strictEqual(result.code, 0, result.stderr);
    const { loaded, exports } = JSON.parse(result.stdout) as {
      loaded: string[];
      exports: string[];
    };
    assert.deepStrictEqual(
      loaded.filter((request) => !(packageOf(request) in RUNTIME)),
      [],
      "loaded, but not a dependency",
    );
    assert.ok(!loaded.some((r) => packageOf(r) === "@pulumi/policy"), loaded.join(", "));
    for (const name of ["AppCredential", "CredentialVault", "ConfigError", "NOW_VARIABLE"]) {
      assert.ok(exports.includes(name), `${name} in ${exports.join(", ")}`);
    }
    for (const internal of ["appResourcesOf", "resolveAppCredential", "createStack"]) {
      assert.ok(!exports.includes(internal), `${internal} is not exported by the entry`);
    }
  });

  it("the declarations reachable from `types` import only @pulumi dependencies and packed files", () => {
    const reachable = new Set<string>([ENTRY_DTS]);
    const problems: string[] = [];
    const queue = [ENTRY_DTS];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const { specifiers, typeReferences } = importsOf(file);
      for (const specifier of specifiers) {
        if (specifier.startsWith(".")) {
          const target = resolvePacked(file, specifier, [".d.ts"]);
          if (!target) problems.push(`${file}: "${specifier}" is no packed declaration file`);
          else if (!reachable.has(target)) {
            reachable.add(target);
            queue.push(target);
          }
        } else if (!(specifier.startsWith("@pulumi/") && packageOf(specifier) in RUNTIME)) {
          problems.push(`${file}: imports "${specifier}", not an @pulumi/* dependency`);
        }
      }
      // `/// <reference types="node" />` (Node.js globals, which every Pulumi program has) only.
      for (const reference of typeReferences.filter((t) => t !== "node")) {
        problems.push(`${file}: references types "${reference}"`);
      }
    }
    assert.deepStrictEqual(problems, []);
    for (const file of [
      "dist/components/appCredential.d.ts",
      "dist/components/appCredentialArgs.d.ts",
      "dist/components/credentialVault.d.ts",
    ]) {
      assert.ok(reachable.has(file), `${file} reachable from ${ENTRY_DTS}`);
    }
  });

  it("strips every function marked @internal in components/ from the packed declarations", () => {
    const internal: string[] = [];
    for (const entry of fs.readdirSync(path.join(ROOT, "components"), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const source = path.join(entry.parentPath, entry.name);
      const parsed = ts.createSourceFile(
        source,
        fs.readFileSync(source, "utf8"),
        ts.ScriptTarget.ES2022,
        true,
      );
      for (const statement of parsed.statements) {
        if (!ts.getJSDocTags(statement).some((tag) => tag.tagName.text === "internal")) continue;
        if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
          if (statement.name) internal.push(statement.name.text);
        }
      }
    }
    // The scan finds the known ones (it is not vacuous).
    for (const name of ["appResourcesOf", "resolveAppCredential", "validateCredentialVaultArgs"]) {
      assert.ok(
        internal.includes(name),
        `${name} is marked @internal (found: ${internal.join(", ")})`,
      );
    }
    const declared = new RegExp(`\\b(function|class) (${internal.join("|")})\\b`);
    for (const file of [...packed].filter((f) => f.endsWith(".d.ts"))) {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      assert.doesNotMatch(text, declared, file);
      assert.doesNotMatch(text, /@internal/, file);
    }
  });
});
