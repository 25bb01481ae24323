/**
 * The TypeScript example (examples/typescript): a Pulumi program of its own that installs this
 * package (`"app-credentials": "file:../.."`) and declares a vault and two apps with the public
 * API, without any `app-credentials:` configuration.
 *
 * - `npm start -- --dir examples/typescript` (the CLI's `main`, in this process; the program runs
 *   in child processes, with the churn check) previews it offline: exit 0, no mandatory violation,
 *   no refused step, both apps' resources under their components.
 * - `tsc --noEmit -p examples/typescript/tsconfig.json` type-checks it against the package's
 *   built declarations (dist/components/index.d.ts), as a user's editor would.
 *
 * No network: `npm install` in the example would make examples/typescript/node_modules/app-credentials
 * a symlink to this repository (npm links a `file:` dependency on a directory, it does not copy
 * it). The test creates that symlink when it is absent (the directory is ignored by the root
 * .gitignore's `node_modules/`), so `app-credentials` resolves through the package's `exports` to
 * the compiled dist/ (`npm run build:lib`, which `pretest:slow` runs; the test fails naming it
 * when dist/ is missing or older than a source), and every other package (@pulumi/*, typescript,
 * @types/node) from the repository's node_modules, up the directory tree, as Node.js and tsc
 * resolve them.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CliResult, runPreviewMain } from "../support/previewMain";
import { loadStackFile } from "../../tools/offline/stackFile";
import type { PreviewReport, ResourceNode } from "../../tools/preview/report";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "typescript");
const LINK = path.join(EXAMPLE, "node_modules", "app-credentials");
const NOW = "2027-03-01T10:00:00Z";
const APP_COMPONENT = "app-credentials:index:AppCredential";
const VAULT_COMPONENT = "app-credentials:index:CredentialVault";

/** Runs `tsc` (the repository's) from the root. */
function runTsc(args: string[]): Promise<CliResult> {
  const started = Date.now();
  const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/**
 * What `npm install` in the example would create for its `file:../..` dependency: the symlink
 * node_modules/app-credentials → the repository. An existing entry must already be that.
 */
function linkPackage(): void {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(LINK);
  } catch {
    existing = undefined;
  }
  if (existing === undefined) {
    fs.mkdirSync(path.dirname(LINK), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(LINK), ROOT), LINK, "dir");
  }
  assert.strictEqual(
    fs.realpathSync(LINK),
    fs.realpathSync(ROOT),
    `${path.relative(ROOT, LINK)} is not a link to the repository: remove it`,
  );
}

/**
 * Fails, naming the command, when dist/ is not built or is older than a source of the package
 * (the components and the rule core they import): the example would run yesterday's code.
 */
function assertDistBuilt(): void {
  const entry = path.join(ROOT, "dist", "components", "index.js");
  if (!fs.existsSync(entry) || !fs.existsSync(entry.replace(/\.js$/, ".d.ts"))) {
    assert.fail("dist/components/index.js is not built: run `npm run build:lib` first");
  }
  const builtMs = fs.statSync(entry).mtimeMs;
  for (const dir of ["components", path.join("policy", "core")]) {
    for (const e of fs.readdirSync(path.join(ROOT, dir), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!e.isFile() || !e.name.endsWith(".ts") || e.name.endsWith(".d.ts")) continue;
      const file = path.join(e.parentPath, e.name);
      if (fs.statSync(file).mtimeMs > builtMs) {
        assert.fail(
          `dist/ is older than ${path.relative(ROOT, file)}: run \`npm run build:lib\` first`,
        );
      }
    }
  }
}

/** The resources under the component `type` named `name` (its descendants), as `op type name`. */
function descendants(report: PreviewReport, type: string, name: string): string[] {
  const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
  const component = report.resources.find((r) => r.type === type && r.name === name);
  assert.ok(component, `${type} ${name}`);
  const isUnder = (r: ResourceNode): boolean => {
    for (let p = r.parent; p !== undefined; p = byUrn.get(p)?.parent) {
      if (p === component.urn) return true;
    }
    return false;
  };
  return report.resources
    .filter(isUnder)
    .map((r) => `${r.op} ${r.type.split(":").pop()} ${r.name}`)
    .sort();
}

describe("examples/typescript: a program of its own using the package", function () {
  this.timeout(180_000);
  let preview: CliResult;
  let report: PreviewReport;
  let typeCheck: CliResult;

  before(async () => {
    assertDistBuilt();
    linkPackage();
    [preview, typeCheck] = await Promise.all([
      // `npm start -- --dir examples/typescript`, as the example's README writes it.
      runPreviewMain(["--dir", path.relative(process.cwd(), EXAMPLE), "--now", NOW, "--json"]),
      runTsc(["--noEmit", "--listFiles", "-p", path.join(EXAMPLE, "tsconfig.json")]),
    ]);
    try {
      report = JSON.parse(preview.stdout) as PreviewReport;
    } catch {
      assert.fail(
        `not one JSON document (exit ${preview.code}):\n${preview.stdout}\n${preview.stderr}`,
      );
    }
  });

  it("has no app-credentials: configuration and resolves the package to the compiled dist/", () => {
    const stack = loadStackFile(EXAMPLE, "dev");
    assert.strictEqual(stack.project, "app-credentials-example");
    assert.deepStrictEqual(
      Object.keys(stack.config).filter((key) => key.startsWith("app-credentials:")),
      [],
    );
    assert.strictEqual(
      require.resolve("app-credentials", { paths: [EXAMPLE] }),
      path.join(fs.realpathSync(ROOT), "dist", "components", "index.js"),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    assert.strictEqual(pkg.dependencies["app-credentials"], "file:../..");
  });

  it("previews offline: exit 0, no mandatory violation, no refused step, no churn", () => {
    assert.strictEqual(preview.code, 0, `${preview.stderr}\n${preview.stdout.slice(0, 2000)}`);
    assert.strictEqual(report.project, "app-credentials-example");
    assert.strictEqual(report.stack, "dev");
    assert.strictEqual(fs.realpathSync(report.dir), fs.realpathSync(EXAMPLE));
    assert.strictEqual(report.summary.violations.mandatory ?? 0, 0);
    assert.strictEqual(report.summary.failures, 0);
    assert.deepStrictEqual(report.failures, []);
    assert.strictEqual(report.churnCheck.enabled, true);
    assert.deepStrictEqual(
      report.policy.diagnostics.filter((d) => d.policy === "credential-replaced-every-deployment"),
      [],
    );
  });

  it("shows the vault and both apps, each with its credentials, secrets and consumer", () => {
    const components = report.resources
      .filter((r) => r.type === APP_COMPONENT || r.type === VAULT_COMPONENT)
      .map((r) => `${r.type} ${r.name}`);
    assert.deepStrictEqual(components, [
      `${VAULT_COMPONENT} identity`,
      `${APP_COMPONENT} orders`,
      `${APP_COMPONENT} crm-connector`,
    ]);
    assert.deepStrictEqual(descendants(report, VAULT_COMPONENT, "identity"), [
      "create RandomString identity-suffix",
      "create Vault identity-vault",
    ]);
    const children = (app: string) => descendants(report, APP_COMPONENT, app);
    const orders = children("orders");
    for (const expected of [
      "create Application orders-app",
      "create ServicePrincipal orders-sp",
      "create ApplicationPassword orders-passwords-slot0",
      "create ApplicationPassword orders-passwords-slot1",
      "create Secret orders-secrets-client-secret",
      "create RoleAssignment orders-orders-web-client-secret-reader",
    ]) {
      assert.ok(orders.includes(expected), `${expected} in\n${orders.join("\n")}`);
    }
    // An existing service principal: read, never created; certificates added to it.
    const crm = children("crm-connector");
    for (const expected of [
      "read ServicePrincipal crm-connector-sp",
      "create ServicePrincipalCertificate crm-connector-certificates-slot0",
      "create ServicePrincipalCertificate crm-connector-certificates-slot1",
      "create Secret crm-connector-secrets-client-certificate",
    ]) {
      assert.ok(crm.includes(expected), `${expected} in\n${crm.join("\n")}`);
    }
    assert.ok(!crm.some((r) => / Application /.test(r)), crm.join("\n"));

    // Two slots each; Key Vault holds one credential per app.
    assert.deepStrictEqual(
      report.credentials.map((c) => `${c.app} ${c.kind} ${c.slot}`),
      [
        "orders password 0/2",
        "orders password 1/2",
        "crm-connector certificate 0/2",
        "crm-connector certificate 1/2",
      ],
    );
    assert.deepStrictEqual(report.secrets.map((s) => s.secretName).sort(), [
      "crm-connector-client-certificate",
      "crm-connector-client-id",
      "crm-connector-tenant-id",
      "orders-client-id",
      "orders-client-secret",
      "orders-tenant-id",
    ]);
    // The App Service consumer's identity reads exactly the orders app's three secrets.
    assert.deepStrictEqual(
      report.consumers.map((c) => ({
        app: c.app,
        name: c.name,
        kind: c.kind,
        refresh: c.refresh,
        principalId: c.principalId,
        reads: c.roleAssignments.map((g) => `${g.role} ${g.secretName}`).sort(),
      })),
      [
        {
          app: "orders",
          // From the component's `consumers` output: the program exports no `apps` of this project.
          name: "orders-web",
          kind: "appService",
          refresh: "PT24H",
          principalId: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
          reads: [
            "Key Vault Secrets User orders-client-id",
            "Key Vault Secrets User orders-client-secret",
            "Key Vault Secrets User orders-tenant-id",
          ],
        },
      ],
    );
  });

  it("type-checks against the package's built declarations", () => {
    assert.strictEqual(typeCheck.code, 0, `${typeCheck.stdout}\n${typeCheck.stderr}`);
    const files = typeCheck.stdout.split(/\r?\n/).map((f) => path.resolve(f));
    const root = fs.realpathSync(ROOT);
    assert.ok(
      files.includes(path.join(root, "dist", "components", "index.d.ts")),
      "the program sees dist/components/index.d.ts",
    );
    // The declarations, never the TypeScript sources of the package.
    assert.deepStrictEqual(
      files.filter((f) => f.startsWith(path.join(root, "components") + path.sep)),
      [],
    );
  });
});
