/**
 * End to end: `npm start -- --json` itself (spawned, first and alone: its `prestart` recompiles the
 * pack the other runs load), then the CLI's `main` in this process for the other cases, a few at a
 * time (each runs programs in child processes — one per instant with the churn check — and starts
 * the policy pack), and one spawned CLI for the process exit code of a failure. The cases assert
 * on the collected results.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliResult, json, limited, runPreviewMain } from "../support/previewMain";
import { DateTime } from "luxon";
import { parseStackConfig, rawConfigFromValues } from "../../components/config";
import { rotationState } from "../../components/rotation";
import { formatInstant } from "../../policy/core/iso8601";
import { loadStackFile } from "../../tools/offline/stackFile";
import type { CredentialRow } from "../../tools/preview/credentials";
import type { PolicyDiagnostic } from "../../tools/preview/policies";
import { renderText } from "../../tools/preview/render";
import type { FailureReport, PreviewReport } from "../../tools/preview/report";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "tools", "preview", "cli.ts");
const FIXTURES = path.join(ROOT, "test", "fixtures");
const CHURN = "credential-replaced-every-deployment";

/** Runs a command from the repository root and collects its output. */
function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** Runs the CLI as `npm start -- <args>` does (ts-node, transpile-only), in a process of its own. */
function spawnCli(args: string[]): Promise<CliResult> {
  return run(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args]);
}

/** The credential table the rotation model predicts for the dev stack at an instant. */
function expectedDevTable(nowMs: number) {
  const { config } = loadStackFile(ROOT, "dev");
  const stack = parseStackConfig(rawConfigFromValues(config, ROOT), nowMs);
  // A `credential: federated` app (deploy-pipeline) has no rotating credential at all: its
  // consumers sign in with their own tokens, so it contributes no row.
  return stack.apps
    .filter((app) => app.credential !== "federated")
    .flatMap((app) =>
      rotationState(app.rotation, nowMs).slots.map((slot) => ({
        app: app.name,
        slot: `${slot.slot}/${slot.slots}`,
        generation: slot.generation,
        end: formatInstant(slot.endDateMs),
        nextRotation: formatInstant(slot.nextRotationMs),
        // A Key Vault certificate (token-signer) is no Key Vault secret's value: Key Vault itself
        // holds every version and its key, so no slot is held by a secret.
        inKeyVault: slot.active && app.credential !== "keyVaultCertificate",
        keyInKeyVault: app.credential === "keyVaultCertificate",
      })),
    );
}

function actualTable(rows: CredentialRow[]) {
  return rows.map((row) => ({
    app: row.app,
    slot: row.slot,
    generation: row.generation,
    end: row.end,
    nextRotation: row.nextRotation,
    inKeyVault: row.keyVaultSecrets.length > 0,
    keyInKeyVault: row.keyInKeyVault === true,
  }));
}

const churnDiagnostics = (report: PreviewReport): PolicyDiagnostic[] =>
  report.policy.diagnostics.filter((d) => d.policy === CHURN);

const NO_STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

/** A copy of the policy pack whose compiled files are older than a source. */
function stalePackCopy(tmp: string): string {
  const dir = path.join(tmp, "stale-pack");
  fs.cpSync(path.join(ROOT, "policy"), dir, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}node_modules`),
  });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(dir, "core", "iso8601.ts"), later, later);
  return dir;
}

describe("npm start: offline preview with policy verdicts", function () {
  this.timeout(240_000);
  const runs: Record<string, CliResult> = {};
  /** `--now` of the later dev run: thirteen months after the tests started (whole seconds). */
  let laterMs: number;
  let tmp: string;
  const ENV_NOW = "2027-02-03T04:05:06Z";

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-test-"));
    const file = (name: string, content: unknown) => {
      const target = path.join(tmp, name);
      fs.writeFileSync(target, JSON.stringify(content));
      return target;
    };
    const startMs = Math.floor(Date.now() / 1000) * 1000;
    laterMs = DateTime.fromMillis(startMs, { zone: "utc" }).plus({ months: 13 }).toMillis();
    const fixture = (name: string, ...args: string[]) => [
      "--dir",
      path.join(FIXTURES, name),
      "--stack",
      "test",
      ...args,
    ];
    type Case = [string[], NodeJS.ProcessEnv?];
    /** Cases that never start the policy pack: they may run while `npm start` recompiles it. */
    const withoutPack: Record<string, Case> = {
      neverFinishes: [fixture("never-finishes", "--timeout", "2", "--no-churn-check")],
      neverSettles: [fixture("never-settles", "--json", "--no-churn-check")],
      broken: [["--dir", "test/fixtures/broken-config", "--stack", "broken"]],
      badEnv: [["--json"], { APP_CREDENTIALS_NOW: "yesterday" }],
      badStack: [["--stack", "../dev"]],
      unknownOption: [["--json", "--stak", "dev"]],
    };
    const withPack: Record<string, Case> = {
      churn: [fixture("churning-credentials", "--json")],
      later: [
        [
          "--json",
          "--no-churn-check",
          "--now",
          formatInstant(laterMs),
          "--policy-pack-config",
          file("disable.json", { "keyvault-secret-content-type": "disabled" }),
        ],
      ],
      longLived: [fixture("long-lived-secret", "--json", "--no-churn-check")],
      async: [
        fixture("async-program", "--json", "--no-churn-check"),
        { APP_CREDENTIALS_NOW: ENV_NOW },
      ],
      secretInputs: [fixture("secret-inputs", "--json", "--no-churn-check")],
      tenant: [
        [
          "--json",
          "--no-churn-check",
          "--tenant",
          file("tenant.json", {
            applications: [],
            servicePrincipals: [{ id: "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d" }],
          }),
        ],
      ],
      stalePack: [
        fixture("async-program", "--no-churn-check", "--policy-pack", stalePackCopy(tmp)),
      ],
      unknownConfig: [
        fixture(
          "async-program",
          "--no-churn-check",
          "--policy-pack-config",
          file("unknown.json", {
            "credential-max-lifetim": "advisory",
            "credential-max-lifetime": { maxLifetimeDays: 365 },
            [CHURN]: "advisory",
          }),
        ),
      ],
    };
    const inProcess = async (cases: Record<string, Case>) => {
      const names = Object.keys(cases);
      const results = await limited(
        3,
        names.map((name) => () => runPreviewMain(...cases[name])),
      );
      names.forEach((name, i) => (runs[name] = results[i]));
    };
    // `npm start -- --json` exactly as the README writes it; npm's own log level must not come
    // from the environment (the suite may itself run under `npm test`).
    const { npm_config_loglevel: _level, ...npmEnv } = process.env;
    void _level;
    await Promise.all([
      run("npm", ["start", "--", "--json"], npmEnv).then((result) => {
        runs.npmStart = result;
        runs.devJson = result;
      }),
      spawnCli(["--now", "next tuesday"]).then((result) => (runs.badNow = result)),
      inProcess(withoutPack),
    ]);
    await inProcess(withPack);
    for (const [name, result] of Object.entries(runs))
      console.log(`      (${name}: exit ${result.code} in ${(result.ms / 1000).toFixed(1)} s)`);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("`npm start -- --json` writes one JSON document to stdout (no npm banner)", () => {
    const run = runs.npmStart;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.strictEqual(report.stack, "dev");
    assert.strictEqual(report.summary.exitCode, 0);
  });

  it("dev stack: exit 0, no mandatory violation, the credential table the rotation model predicts", () => {
    const run = runs.devJson;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "app-credentials");
    assert.strictEqual(report.stack, "dev");
    assert.strictEqual(report.summary.exitCode, 0);
    assert.strictEqual(report.summary.violations.mandatory, 0);
    assert.deepStrictEqual(
      report.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory"),
      [],
    );
    assert.strictEqual(report.policy.pack.name, "app-credential-policies");
    assert.deepStrictEqual(
      report.policy.policies.filter((p) => p.origin === "preview"),
      [{ name: CHURN, enforcementLevel: "mandatory", origin: "preview" }],
    );

    const nowMs = Date.parse(report.now);
    const expected = expectedDevTable(nowMs);
    assert.deepStrictEqual(actualTable(report.credentials), expected);
    // One credential per slot of each app with a rotating credential (deploy-pipeline is
    // federated: none); each app whose credential a Key Vault secret holds has exactly one of
    // them there. token-signer's Key Vault certificate is held by no secret.
    const apps = new Set(expected.map((row) => row.app)).size;
    const appsWithSecret = new Set(expected.filter((row) => row.inKeyVault).map((row) => row.app))
      .size;
    assert.strictEqual(apps, 7, "every dev app but the federated deploy-pipeline");
    assert.strictEqual(appsWithSecret, 6, "every app with a credential but token-signer");
    assert.strictEqual(report.credentials.length, expected.length);
    assert.strictEqual(report.summary.credentialsInKeyVault, appsWithSecret);
    const certificates = report.credentials.filter((c) => c.kind === "certificate");
    assert.deepStrictEqual(
      certificates.map((c) => `${c.app} ${c.slot} ${c.keyInKeyVault === true}`),
      [
        "batch-signer 0/2 false",
        "batch-signer 1/2 false",
        "token-signer 0/2 true",
        "token-signer 1/2 true",
      ],
      "the certificate apps' two slots each: batch-signer's from the program, token-signer's from Key Vault",
    );
    for (const row of certificates.filter((c) => !c.keyInKeyVault)) {
      // The certificate covers its key credential's end date; its thumbprint is SHA-1 hex.
      assert.match(row.thumbprint ?? "", /^[0-9A-F]{40}$/);
      assert.ok(row.notAfter !== undefined && row.end !== undefined && row.notAfter >= row.end);
    }
    for (const row of certificates.filter((c) => c.keyInKeyVault)) {
      // Key Vault generates the certificate when deployed: offline, no certificate to read.
      assert.deepStrictEqual([row.thumbprint, row.notAfter], [undefined, undefined], row.name);
    }
    for (const row of report.credentials) {
      assert.match(row.keyId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
      assert.ok(row.lifetimeDays !== undefined && row.lifetimeDays <= 2 * 180 + 30, row.name);
    }
    // The Key Vault client secret (or certificate) expires with the credential it holds.
    const clientSecrets = report.secrets.filter((s) =>
      /-client-(secret|certificate)$/.test(s.secretName),
    );
    assert.strictEqual(clientSecrets.length, appsWithSecret);
    for (const secret of clientSecrets) {
      const held = report.credentials.find((c) => c.keyId === secret.holdsKeyId);
      assert.ok(held, `${secret.secretName} holds a declared credential`);
      assert.strictEqual(secret.expires, held.end);
      assert.deepStrictEqual(held.keyVaultSecrets, [secret.secretName]);
    }
    // Client id, tenant id and client secret (or certificate) for each app a secret holds the
    // credential of; client id and tenant id only for token-signer and deploy-pipeline.
    assert.strictEqual(report.secrets.length, 3 * appsWithSecret + 2 * 2);
    assert.ok(report.resources.some((r) => r.type === "azure-native:keyvault:Vault"));
    assert.ok(report.offlineLimits.some((l) => /assumed to exist \(pass --tenant/.test(l)));
  });

  it("dev stack: the churn check ran the program one second and one day later and found nothing", () => {
    const report = json(runs.devJson);
    const nowMs = Date.parse(report.now);
    assert.deepStrictEqual(report.churnCheck, {
      enabled: true,
      instants: [nowMs, nowMs + 1000, nowMs + 86_400_000].map(formatInstant),
    });
    assert.deepStrictEqual(churnDiagnostics(report), []);
  });

  it("--json: every resource carries its inputs, secret values as [secret]", () => {
    const report = json(runs.devJson);
    const byName = new Map(report.resources.map((r) => [r.name, r]));
    const app = byName.get("orders-api-app");
    assert.ok(
      (app?.inputs.owners as string[]).includes("3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
      JSON.stringify(app?.inputs),
    );
    const password = byName.get("orders-api-passwords-slot0");
    assert.match(String(password?.inputs.endDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(
      String((password?.inputs.rotateWhenChanged as Record<string, string>)["rotation-window"]),
      /#\d+$/,
    );
    const secret = byName.get("orders-api-secrets-client-secret");
    assert.strictEqual((secret?.inputs.properties as Record<string, unknown>).value, "[secret]");
  });

  it("dev stack in a terminal: resource tree, tables, policies with the disabled ones, summary, footer", () => {
    // The text the CLI prints without --json: the same report, rendered.
    const report = json(runs.later);
    const out = renderText(report);
    assert.match(out, /^ \+ {3}pulumi:pulumi:Stack +app-credentials-dev +create$/m);
    assert.match(out, /^ \+ {3}├─ app-credentials:index:AppCredential +orders-api +create$/m);
    assert.match(
      out,
      /^ \+ {3}│ {2}│ {2}├─ azuread:index\/applicationPassword:ApplicationPassword +orders-api-passwords-slot0 +create$/m,
    );
    assert.match(out, /^Credentials \(as of .+\):$/m);
    assert.match(
      out,
      /^ +App +Kind +Slot +Gen +Key ID +Start +End +Days +Next rotation +Thumbprint +notAfter +Key Vault$/m,
    );
    assert.match(out, /^ +billing-worker +password +0\/1 .*◀ billing-worker-client-secret$/m);
    assert.match(out, /^Key Vault secrets:$/m);
    assert.match(
      out,
      /^ +orders-api-client-secret +appcred-dev-\w{6} +text\/plain; entra-client-secret /m,
    );
    // The dev stack's five advisories: orders-api's and consumer-portal's consumers could all
    // sign in through federation, and batch-signer's program-generated private key is in the
    // state (its two certificate credentials and the Key Vault secret holding the PEM).
    assert.match(
      out,
      /^Policies \(app-credential-policies@[\d.]+, and the preview's credential-replaced-every-deployment\):\n {2}disabled: keyvault-secret-content-type, credential-replaced-every-deployment\n {2}advisory \(5\):$/m,
    );
    assert.deepStrictEqual(
      [...out.matchAll(/^ {4}\[([\w-]+)\] +\S+ \(([\w-]+)\)$/gm)].map((m) => `${m[1]} ${m[2]}`),
      [
        "credential-federation-available orders-api-secrets-client-secret",
        "credential-federation-available consumer-portal-secrets-client-secret",
        "credential-private-key-in-state batch-signer-certificates-slot0",
        "credential-private-key-in-state batch-signer-certificates-slot1",
        "credential-private-key-in-state batch-signer-secrets-client-certificate",
      ],
    );
    assert.match(out, /the churn check was skipped \(--no-churn-check\)/);
    // 16 role assignments: three Key Vault Secrets User for each of the four secret consumers,
    // and token-signer's signer-job's four (Secrets User on client-id and tenant-id, Certificate
    // User on the certificate, Crypto User on its key).
    assert.match(
      out,
      /^Summary: \d+ resources to create .* \d+ credentials \(\d+ in Key Vault\), \d+ Key Vault secrets, 16 role assignments \(5 consumers\); policies: 0 mandatory, 5 advisory: no mandatory violation \(exit 0\)$/m,
    );
    assert.match(out, /cannot know:/);
    assert.match(out, /real permissions/);
    assert.match(out, /name clashes outside this stack/);
    assert.match(out, /service limits/);
    assert.match(
      out,
      /crm-connector: credentials are added to a service principal this stack does not create/,
    );
  });

  it("dev stack: one consumer of each kind, its role assignments on its app's three secrets, what it pastes", () => {
    const report = json(runs.devJson);
    const nowMs = Date.parse(report.now);
    const { config } = loadStackFile(ROOT, "dev");
    const configured = parseStackConfig(rawConfigFromValues(config, ROOT), nowMs).apps.flatMap(
      (app) => app.consumers.map((consumer) => ({ app, consumer })),
    );
    assert.deepStrictEqual(
      configured.map(({ consumer }) => consumer.kind).sort(),
      // Two custom consumers: batch-signer's batch-runner and token-signer's signer-job.
      ["aksSecretsStoreCsi", "appService", "containerApp", "custom", "custom"],
      "the dev stack has a consumer of each kind",
    );
    const vault = report.secrets[0].vault;
    const uri = (secret: string) => `https://${vault}.vault.azure.net/secrets/${secret}`;
    assert.strictEqual(report.consumers.length, configured.length);
    for (const [i, { app, consumer }] of configured.entries()) {
      const row = report.consumers[i];
      // A Key Vault certificate app's consumer reads only client-id and tenant-id as secrets: it
      // signs with the certificate's key inside Key Vault.
      const keyVaultCertificate = app.credential === "keyVaultCertificate";
      const secrets = [
        `${app.name}-client-id`,
        `${app.name}-tenant-id`,
        ...(keyVaultCertificate
          ? []
          : [`${app.name}-client-${app.credential === "certificate" ? "certificate" : "secret"}`]),
      ];
      assert.deepStrictEqual(
        [row.app, row.name, row.kind, row.principalId, row.refresh, row.refreshDefault],
        [
          app.name,
          consumer.name,
          consumer.kind,
          consumer.principalId,
          consumer.refresh,
          consumer.refreshIsDefault,
        ],
      );
      // Key Vault Secrets User on each of its app's secrets, never on the vault; a Key Vault
      // certificate's consumer also gets Certificate User on the certificate and Crypto User on its
      // key (both scoped to that one object).
      assert.deepStrictEqual(
        row.roleAssignments
          .filter((g) => g.scope.includes("/secrets/"))
          .map((g) => [
            g.secretName,
            g.vault,
            g.role,
            g.scope.endsWith(`/secrets/${g.secretName}`),
          ]),
        secrets.map((secret) => [secret, vault, "Key Vault Secrets User", true]),
      );
      const objectScope = (kind: string) =>
        `/providers/Microsoft.KeyVault/vaults/${vault}/${kind}/${app.name}-client-cert`;
      assert.deepStrictEqual(
        row.roleAssignments
          .filter((g) => !g.scope.includes("/secrets/"))
          .map((g) => [g.secretName, g.role, g.scope.slice(g.scope.indexOf("/providers/"))]),
        keyVaultCertificate
          ? [
              [`${app.name}-client-cert (key)`, "Key Vault Crypto User", objectScope("keys")],
              [
                `${app.name}-client-cert (cert)`,
                "Key Vault Certificate User",
                objectScope("certificates"),
              ],
            ]
          : [],
        consumer.name,
      );
      const expected = {
        appService: {
          kind: "appService",
          appSettings: Object.fromEntries(
            secrets.map((s) => [s, `@Microsoft.KeyVault(SecretUri=${uri(s)}/)`]),
          ),
        },
        containerApp: {
          kind: "containerApp",
          secrets: secrets.map((s) => ({ name: s.toLowerCase(), keyVaultUrl: uri(s) })),
        },
        aksSecretsStoreCsi: {
          kind: "aksSecretsStoreCsi",
          keyvaultName: vault,
          tenantId: row.reference?.tenantId,
          objects: secrets.map((objectName) => ({
            objectName,
            objectType: "secret",
            objectVersion: "",
          })),
        },
        custom: {
          kind: "custom",
          secretUris: Object.fromEntries([
            ...secrets.map((s) => [s, uri(s)]),
            ...(keyVaultCertificate
              ? [
                  [
                    `${app.name}-client-cert (key)`,
                    `https://${vault}.vault.azure.net/keys/${app.name}-client-cert`,
                  ],
                  [
                    `${app.name}-client-cert (cert)`,
                    `https://${vault}.vault.azure.net/certificates/${app.name}-client-cert`,
                  ],
                ]
              : []),
          ]),
        },
      }[consumer.kind];
      assert.deepStrictEqual(row.reference, expected, consumer.name);
    }
    assert.match(
      String(report.consumers.find((c) => c.kind === "aksSecretsStoreCsi")?.reference?.tenantId),
      /^[0-9a-f-]{36}$/,
    );
    // Three per consumer (Secrets User on its app's three secrets), but four for token-signer's
    // signer-job (two Secrets User, Certificate User, Crypto User): 3 × 4 + 4.
    assert.strictEqual(report.summary.roleAssignments, 3 * (configured.length - 1) + 4);
    assert.strictEqual(report.summary.roleAssignments, 16);
    assert.strictEqual(report.summary.consumers, configured.length);
    // A manual rotation, a new period or anchor revokes what the consumers hold: named per app.
    assert.ok(
      report.notes.includes(
        "orders-api: changing rotationTrigger, the rotation period or the anchor is an intentional revocation: " +
          "every slot is replaced at once, and orders-web (appService, refresh PT24H) and orders-sync (aksSecretsStoreCsi, refresh PT2M) " +
          "fail until they next read Key Vault (within their refresh)",
      ),
      report.notes.join("\n"),
    );
    assert.ok(
      report.notes.some((n) =>
        n.startsWith(
          "batch-signer: changing rotationTrigger, the rotation period or the anchor is an intentional revocation: every slot is replaced at once, and batch-runner (custom, refresh PT1H) fails until it next reads Key Vault",
        ),
      ),
      report.notes.join("\n"),
    );

    // The same in a terminal: one row per consumer and secret, the consumer's cells on its first.
    const text = renderText(report);
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const row = (cells: string[]) => new RegExp(`^ {2}${cells.map(esc).join(" +")}$`, "m");
    assert.match(
      text,
      /^Consumers \(who reads each app's secrets, its role assignments, and what it pastes\):$/m,
    );
    assert.match(
      text,
      row([
        "orders-api",
        "orders-web",
        "appService",
        "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        "PT24H (default)",
        "3 × Key Vault Secrets User",
        "orders-api-client-id",
        `@Microsoft.KeyVault(SecretUri=${uri("orders-api-client-id")}/)`,
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "orders-api-client-secret",
        `@Microsoft.KeyVault(SecretUri=${uri("orders-api-client-secret")}/)`,
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "orders-sync",
        "aksSecretsStoreCsi",
        "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b",
        "PT2M (default)",
        "3 × Key Vault Secrets User",
        "orders-api-client-id",
        `objectName orders-api-client-id, keyvaultName ${vault}, tenantId ${String(report.consumers[1].reference?.tenantId)}`,
      ]),
    );
    assert.match(
      text,
      row([
        "consumer-portal",
        "portal-frontend",
        "containerApp",
        "7f6e5d4c-3b2a-4f1e-8d9c-8b7a6f5e4d3c",
        "PT30M (default)",
        "3 × Key Vault Secrets User",
        "consumer-portal-client-id",
        `consumer-portal-client-id: keyVaultUrl ${uri("consumer-portal-client-id")}`,
      ]),
    );
    assert.match(
      text,
      row([
        "batch-signer",
        "batch-runner",
        "custom",
        "8a7f6e5d-4c3b-4a2f-9e1d-0c9b8a7f6e5d",
        "PT1H",
        "3 × Key Vault Secrets User",
        "batch-signer-client-id",
        uri("batch-signer-client-id"),
      ]),
    );
    assert.match(
      text,
      row(["", "batch-signer-client-certificate", uri("batch-signer-client-certificate")]),
    );
    assert.doesNotMatch(text, /no role assignment/);
  });

  it("no secret text or key material anywhere in the text or JSON output, even when a program unwraps a secret", () => {
    for (const name of ["npmStart", "later", "longLived", "churn", "secretInputs", "tenant"]) {
      assert.doesNotMatch(runs[name].stdout, /sim~/, name);
      assert.doesNotMatch(runs[name].stdout, /PRIVATE KEY/, name);
    }
    const run = runs.secretInputs;
    const report = json(run);
    const byName = new Map(report.resources.map((r) => [r.name, r]));
    assert.deepStrictEqual(byName.get("inputs-leaky")?.inputs.tags, { copy: "[secret]" });
    assert.strictEqual(
      (byName.get("inputs-client-secret")?.inputs.properties as Record<string, unknown>).value,
      "[secret]",
    );
    assert.strictEqual(byName.get("inputs-secret")?.inputs.endDate, "2027-06-01T00:00:00Z");
  });

  it("the churn fixture: each typical pattern reports what it must", () => {
    const run = runs.churn;
    assert.strictEqual(run.code, 1, run.stderr);
    const report = json(run);
    const now = Date.parse(report.now);
    const found = churnDiagnostics(report).map((d) => [d.resource?.name, d.enforcementLevel]);
    assert.deepStrictEqual(found.sort(), [
      ["from-date-now", "mandatory"],
      ["from-today", "mandatory"],
      ["rotating-but-clock", "mandatory"],
    ]);
    const message = (name: string) =>
      churnDiagnostics(report).find((d) => d.resource?.name === name)?.message ?? "";
    assert.match(
      message("from-date-now"),
      new RegExp(
        `1 second apart .*: endDate "${formatInstant(now + 90 * 86_400_000).replace("Z", ".000Z")}" → "${formatInstant(now + 1000 + 90 * 86_400_000).replace("Z", ".000Z")}"`,
      ),
    );
    assert.match(message("from-today"), /1 day apart/);
    assert.match(message("rotating-but-clock"), /1 second apart/);
    assert.match(message("from-date-now"), /Fix: a fixed end date per rotation window/);
    const text = renderText(report);
    assert.match(
      text,
      /^ {4}\[credential-replaced-every-deployment\] +azuread:index\/applicationPassword:ApplicationPassword \(from-today\)$/m,
    );
  });

  it("a project outside this stack with a 5-year secret and no rotation: exit 1 with both violations", () => {
    const run = runs.longLived;
    assert.strictEqual(run.code, 1, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "fixture-long-lived");
    assert.ok(
      report.notes.some((n) =>
        /fixture-long-lived:reportingToken is a secure value and cannot be decrypted offline/.test(
          n,
        ),
      ),
      report.notes.join("\n"),
    );
    assert.strictEqual(report.summary.exitCode, 1);
    const mandatory = report.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    assert.deepStrictEqual(mandatory.map((d) => d.policy).sort(), [
      "credential-max-lifetime",
      "credential-rotation-required",
    ]);
    for (const d of mandatory) assert.strictEqual(d.resource?.name, "reporting-secret");
    const [row] = report.credentials;
    assert.strictEqual(report.credentials.length, 1);
    assert.strictEqual(row.app, "reporting");
    assert.strictEqual(row.nextRotation, undefined);
    assert.ok(
      row.lifetimeDays !== undefined && row.lifetimeDays > 5 * 365,
      String(row.lifetimeDays),
    );

    // The terminal rendering of the same document groups the diagnostics by enforcement level.
    const text = renderText(report);
    assert.match(text, /^ {2}mandatory \(2\):$/m);
    assert.match(
      text,
      /\[credential-max-lifetime\] +azuread:index\/applicationPassword:ApplicationPassword \(reporting-secret\)/,
    );
    assert.match(text, /\[credential-rotation-required\]/);
    assert.match(text, /policies: 2 mandatory, .*mandatory violations \(exit 1\)$/m);
  });

  it("an async program under APP_CREDENTIALS_NOW: awaited as Pulumi does, evaluated as of the variable", () => {
    const run = runs.async;
    assert.strictEqual(run.code, 0, run.stderr);
    const report = json(run);
    assert.strictEqual(report.project, "fixture-async");
    assert.deepStrictEqual(
      report.resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`),
      ["azuread:index/application:Application declared-late"],
    );
    assert.strictEqual(report.now, ENV_NOW);
    assert.strictEqual(report.nowSource, "environment");
    assert.ok(
      report.notes.includes(
        `evaluated as of ${ENV_NOW} (APP_CREDENTIALS_NOW), not the current time`,
      ),
      report.notes.join("\n"),
    );
  });

  it("--now thirteen months ahead: every slot has rotated, as the rotation model predicts", () => {
    const before = json(runs.devJson);
    const run = runs.later;
    assert.strictEqual(run.code, 0, run.stderr);
    const later = json(run);
    assert.strictEqual(later.now, formatInstant(laterMs));
    assert.strictEqual(later.nowFromOption, true);
    assert.deepStrictEqual(actualTable(later.credentials), expectedDevTable(laterMs));

    const expectedBefore = expectedDevTable(Date.parse(before.now));
    const expectedLater = expectedDevTable(laterMs);
    for (const [i, row] of later.credentials.entries()) {
      const earlier = before.credentials[i];
      assert.strictEqual(`${row.app} ${row.slot}`, `${earlier.app} ${earlier.slot}`);
      // 13 months exceed two 180-day windows: every slot was replaced at least once.
      assert.ok(
        expectedLater[i].generation > expectedBefore[i].generation,
        `${row.app} ${row.slot}`,
      );
      assert.notStrictEqual(row.keyId, earlier.keyId, `${row.app} ${row.slot} keyId`);
      assert.notStrictEqual(row.end, earlier.end, `${row.app} ${row.slot} end`);
      assert.ok(Date.parse(row.end ?? "") > laterMs, `${row.app} ${row.slot} still valid`);
      assert.strictEqual(row.start, later.now, "a new password starts at the faked instant");
    }
    // The policy pack saw the faked instant too: nothing it checks is expired or about to be.
    assert.strictEqual(later.summary.violations.mandatory, 0);
  });

  it("--tenant without an existing application: a plan-time refusal, reported for its app, exit 2", () => {
    const run = runs.tenant;
    assert.strictEqual(run.code, 2, run.stderr);
    const report = json(run);
    assert.strictEqual(report.summary.exitCode, 2);
    const missing = report.failures.find((f) => f.code === "NotFound");
    assert.ok(missing, JSON.stringify(report.failures));
    assert.strictEqual(missing.app, "legacy-portal");
    assert.match(missing.message, /1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5/);
    assert.ok(missing.skipped.includes("legacy-portal-passwords-slot0"), missing.skipped.join());
    // A failed Read: pulumi preview stops there; pulumi up --continue-on-error skips its dependents.
    assert.strictEqual(missing.phase, "read");
    assert.deepStrictEqual(
      [missing.engine.preview, missing.engine.update, missing.engine.stopsUpdate],
      ["stops", "step-fails", false],
    );
    assert.ok(
      report.notes.some((n) =>
        n.includes(`the real engine stops at ${missing.type} "${missing.name}"`),
      ),
      report.notes.join("\n"),
    );
    // The other apps are still previewed.
    assert.ok(report.credentials.some((c) => c.app === "orders-api"));
    assert.ok(report.offlineLimits.some((l) => l.includes(`snapshot ${report.tenant}`)));
  });

  it("a program that never finishes: exit 2 after --timeout, naming the project and the time", () => {
    const run = runs.neverFinishes;
    assert.strictEqual(run.code, 2, run.stdout);
    assert.match(
      run.stderr,
      /^error: the program of project fixture-never-finishes \(.*never-finishes, stack test, run as of .*\) did not finish within 2 seconds \(--timeout\) and was stopped/m,
    );
    assert.strictEqual(run.stdout, "");
  });

  it("a program that never settles a registration: exit 2 saying so (--json: the failure document)", () => {
    const run = runs.neverSettles;
    assert.strictEqual(run.code, 2, run.stdout);
    const failure = json<FailureReport>(run);
    assert.deepStrictEqual(failure.summary, { exitCode: 2 });
    assert.strictEqual(failure.error.kind, "never-settled");
    assert.match(failure.error.message, /^the program never settled: /);
  });

  it("a stale compiled pack: one line, the pack's own message, no stack trace", () => {
    const run = runs.stalePack;
    assert.strictEqual(run.code, 2, run.stdout);
    const lines = run.stderr.trim().split("\n");
    assert.strictEqual(lines.length, 1, run.stderr);
    assert.match(
      lines[0],
      /^error: the policy pack in .*stale-pack did not start: .*older than its sources \(core\/iso8601\.ts\)/,
    );
  });

  it("a --policy-pack-config naming unknown policies or properties: exit 2 naming them", () => {
    const run = runs.unknownConfig;
    assert.strictEqual(run.code, 2, run.stdout);
    assert.match(run.stderr, /^error: --policy-pack-config .*unknown\.json: /);
    assert.match(
      run.stderr,
      /unknown policy "credential-max-lifetim" \(known: all, credential-max-lifetime, /,
    );
    assert.match(run.stderr, /"credential-max-lifetime": unknown property "maxLifetimeDays"/);
    assert.doesNotMatch(run.stderr, /credential-replaced-every-deployment"? ?:? unknown/);
  });

  it("a broken stack config: exit 2 with the field named, no stack trace", () => {
    const run = runs.broken;
    assert.strictEqual(run.code, 2, run.stdout);
    assert.match(run.stderr, /^error: invalid stack configuration/m);
    assert.match(run.stderr, /app-credentials:rotation\.period: "six months" is invalid/);
    assert.match(run.stderr, /Pulumi\.broken\.yaml/);
    assert.doesNotMatch(run.stderr, NO_STACK_TRACE);
    assert.strictEqual(run.stdout, "");
  });

  it("an invalid --now (the CLI process), APP_CREDENTIALS_NOW or --stack: exit 2 naming it", () => {
    assert.strictEqual(runs.badNow.code, 2, runs.badNow.stdout);
    assert.match(runs.badNow.stderr, /^error: --now: "next tuesday" is not an RFC 3339 instant/);
    assert.doesNotMatch(runs.badNow.stderr, NO_STACK_TRACE);

    assert.strictEqual(runs.badEnv.code, 2);
    const failure = json<FailureReport>(runs.badEnv);
    assert.strictEqual(failure.error.kind, "usage");
    assert.match(
      failure.error.message,
      /^APP_CREDENTIALS_NOW: "yesterday" is not an RFC 3339 instant/,
    );

    assert.strictEqual(runs.badStack.code, 2);
    assert.match(runs.badStack.stderr, /^error: --stack: "..\/dev" is not a stack name/);

    // An unknown option: commander's message on stderr, and with --json still one document.
    assert.strictEqual(runs.unknownOption.code, 2);
    assert.match(runs.unknownOption.stderr, /unknown option '--stak'/);
    assert.deepStrictEqual(json<FailureReport>(runs.unknownOption), {
      error: { kind: "usage", message: "unknown option '--stak'\n(Did you mean --stack?)" },
      summary: { exitCode: 2 },
    });
  });
});
