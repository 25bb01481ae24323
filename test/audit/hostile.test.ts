/**
 * The audit against what a careful attacker (anyone allowed to register an app) or an
 * unlucky operator meets. Terminal escapes in tenant text (1), a table of more credentials than a
 * spread fits on the stack (3), input files that are not regular files or too large (6), a
 * configuration that disables every policy, a zero duration and duplicate keyIds (7), and the
 * order and instants a newcomer reads (10).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderText } from "../../tools/audit/render";
import { auditTenant, compareUrgency, TenantCredentialRow } from "../../tools/audit/rules";
import type { TenantObject } from "../../tools/audit/tenant";
import {
  APPS,
  audit,
  credential,
  DEFAULT_SETTINGS,
  graphObject,
  NOW,
  NOW_MS,
  ROOT,
  SERVICE_PRINCIPALS,
  tempDir,
  tempFile,
  tenantObject,
} from "./helpers";

/** Characters a terminal acts on: C0 (but the newline), DEL, C1, bidi overrides and isolates. */
const RAW =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

/** A display name that clears the screen, sets the window title, colours, and reverses text. */
const HOSTILE =
  "Evil\u001b[2J\u001b]0;owned\u0007\u001b[31mred\u001b[0m\u009b1A\u202eelif.exe\r\nforged row";

const INPUTS = ["--apps", APPS, "--service-principals", SERVICE_PRINCIPALS, "--now", NOW];

/** A Graph export of applications holding `objects`. */
function export_(objects: TenantObject[], name = "apps.json"): string {
  return tempFile(name, objects.map(graphObject));
}

function hostileTenant(): { objects: TenantObject[]; file: string } {
  const objects = [
    tenantObject(
      [
        credential({
          displayName: `secret\u001b[8m${HOSTILE}`,
          customKeyIdentifier: "\u001b]8;;http://evil\u0007",
          endDays: 10,
        }),
      ],
      { displayName: HOSTILE },
    ),
  ];
  const file = export_(objects);
  // Graph's hint: never read, never shown; hostile anyway.
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { passwordCredentials: object[] }[];
  json[0].passwordCredentials[0] = { ...json[0].passwordCredentials[0], hint: "\u001b[2J" };
  fs.writeFileSync(file, JSON.stringify(json));
  return { objects, file };
}

/** The rows' ranks: 0 with a mandatory finding, 1 with advisory ones only, 2 without. */
function rank(row: TenantCredentialRow): number {
  if (row.findings.some((f) => f.level === "mandatory")) return 0;
  return row.findings.length > 0 ? 1 : 2;
}

describe("audit: hostile input", () => {
  describe("1. tenant text never reaches the terminal raw", () => {
    it("the table shows escapes, control and bidi characters escaped", async () => {
      const { file } = hostileTenant();
      const run = await audit(["--apps", file, "--now", NOW]);
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stdout, RAW);
      assert.doesNotMatch(run.stderr, RAW);
      assert.match(run.stdout, /Evil\\u\{1b\}\[2J\\u\{1b\}\]0;owned\\u\{7\}/);
      assert.match(run.stdout, /\\u\{202e\}elif/);
    });

    it("--adopt's YAML comments show them escaped; the YAML still parses", async () => {
      const { file } = hostileTenant();
      const run = await audit(["--apps", file, "--now", NOW, "--adopt"]);
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stdout, RAW);
      assert.doesNotMatch(run.stderr, RAW);
      assert.match(run.stdout, /\\u\{202e\}/);
      const parsed = parse(run.stdout) as { apps: { name: string }[] };
      assert.equal(parsed.apps.length, 1);
    });

    it("--json keeps every value exact", async () => {
      const { objects, file } = hostileTenant();
      const run = await audit(["--apps", file, "--now", NOW, "--json"]);
      assert.equal(run.code, 1, run.stderr);
      const document = JSON.parse(run.stdout) as { findings: { displayName: string }[] };
      assert.ok(document.findings.length > 0);
      for (const f of document.findings) assert.equal(f.displayName, objects[0].displayName);
    });

    it("errors quoting tenant text are one line with the text escaped", async () => {
      const file = tempFile("apps.json", [
        { id: "\u001b[2J\u009b31m\u202eevil", appId: "x", passwordCredentials: [] },
      ]);
      const run = await audit(["--apps", file]);
      assert.equal(run.code, 2);
      assert.doesNotMatch(run.stderr.trimEnd(), RAW);
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, /\\u\{202e\}evil/);
    });

    it("a file name with escapes is shown escaped", async () => {
      const file = export_([tenantObject([credential()])], "apps\u001b[2J.json");
      const run = await audit(["--apps", file, "--now", NOW]);
      assert.doesNotMatch(run.stdout, RAW);
      assert.match(run.stdout, /apps\\u\{1b\}\[2J\.json/);
    });
  });

  describe("3. scale", () => {
    it("renders a table of 130,000 credentials (no spread over rows)", function () {
      this.timeout(120_000);
      const objects: TenantObject[] = [];
      for (let i = 0; i < 26_000; i++) {
        const credentials = [];
        for (let j = 0; j < 5; j++) credentials.push(credential({ endDays: (i % 700) - 20 + j }));
        objects.push(tenantObject(credentials, { displayName: `App ${i}` }));
      }
      const result = auditTenant(objects, DEFAULT_SETTINGS, NOW_MS);
      const text = renderText(result, DEFAULT_SETTINGS, { source: "generated" });
      assert.equal(result.rows.length, 130_000);
      assert.match(text, /130,000 credentials/);
      assert.equal(text.split("\n").length > 130_000, true);
    });

    it("audits one object holding 130,000 credentials", function () {
      this.timeout(120_000);
      const credentials = [];
      for (let j = 0; j < 130_000; j++) {
        credentials.push(credential({ displayName: "app-credentials slot 0 generation 1" }));
      }
      const result = auditTenant([tenantObject(credentials)], DEFAULT_SETTINGS, NOW_MS);
      assert.equal(result.summary.credentials, 130_000);
    });
  });

  describe("6. input files: regular files of bounded size, never a hang", () => {
    /** The real entry point, as npm runs it, stopped after 30 s (a hang fails the test). */
    const spawnAudit = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "tools/audit/cli.ts", ...args],
        { cwd: ROOT, encoding: "utf8", timeout: 30_000, maxBuffer: 1 << 20 },
      );

    it("a FIFO is refused at once, naming the file and the limit", function () {
      this.timeout(60_000);
      const fifo = path.join(tempDir(), "apps.json");
      const made = spawnSync("mkfifo", [fifo]);
      if (made.status !== 0) this.skip();
      const run = spawnAudit("--apps", fifo, "--now", NOW);
      assert.equal(run.status, 2, `${run.signal ?? ""} ${run.stderr}`);
      assert.equal(
        run.stderr,
        `audit: ${fifo}: cannot read: a FIFO (named pipe), not a regular file; the audit reads regular files of at most 500 MiB\n`,
      );
    });

    it("/dev/zero is refused at once, as a tenant export and as the policy configuration", function () {
      this.timeout(60_000);
      if (!fs.existsSync("/dev/zero")) this.skip();
      const run = spawnAudit("--service-principals", "/dev/zero", "--now", NOW);
      assert.equal(run.status, 2, `${run.signal ?? ""} ${run.stderr}`);
      assert.equal(
        run.stderr,
        "audit: /dev/zero: cannot read: a character device, not a regular file; the audit reads regular files of at most 500 MiB\n",
      );
      const config = spawnAudit("--apps", APPS, "--policy-pack-config", "/dev/zero", "--json");
      assert.equal(config.status, 2, `${config.signal ?? ""} ${config.stderr}`);
      assert.match(
        config.stderr,
        /^audit: --policy-pack-config \/dev\/zero: cannot read: a character device, not a regular file; the audit reads regular files of at most 1 MiB\n$/,
      );
    });

    it("a directory, and a file over the size limit, are refused naming the limit", async () => {
      const dir = tempDir();
      const asDir = await audit(["--apps", dir]);
      assert.equal(asDir.code, 2);
      assert.equal(
        asDir.stderr,
        `audit: ${dir}: cannot read: a directory, not a regular file; the audit reads regular files of at most 500 MiB\n`,
      );
      const big = export_([tenantObject([credential()])]);
      const size = fs.statSync(big).size;
      const run = await audit(["--apps", big], { maxInputBytes: 100 });
      assert.equal(run.code, 2);
      assert.equal(
        run.stderr,
        `audit: ${big}: cannot read: ${size} bytes, larger than the limit of 100 bytes for a tenant export\n`,
      );
    });
  });

  describe("7. no false calm, no vague errors", () => {
    it("a configuration that disables every policy says so", async () => {
      const config = tempFile("policy.json", { all: "disabled" });
      const table = await audit([...INPUTS, "--policy-pack-config", config]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(
        table.stdout,
        /\nDisabled by the policy pack configuration: every policy \(credential-unreadable, credential-expired, credential-max-lifetime, credential-unmanaged, credential-in-use-before-deletion, credential-tenant-policy, credential-expiring-soon, credential-count, service-principal-credential, credential-unused, credential-owner-missing, credential-federation-migration-incomplete, federated-credential-subject-scope, federated-credential-trust-advisory\): no credential was judged\.\n/,
      );
      assert.match(
        table.stdout,
        /Summary: 0 mandatory findings, 0 advisory findings; exit code 0 \(every policy is disabled: nothing was checked\)\./,
      );
      const json = await audit([...INPUTS, "--policy-pack-config", config, "--json"]);
      const document = JSON.parse(json.stdout) as {
        summary: { disabledPolicies: string[]; warnings: string[] };
      };
      assert.equal(document.summary.disabledPolicies.length, 14);
      assert.match(json.stderr, /^audit: warning: every policy is disabled/);
    });

    it("lists the disabled policies, as the preview does", async () => {
      const config = tempFile("policy.json", {
        "credential-expired": "disabled",
        "credential-count": "disabled",
      });
      const run = await audit([...INPUTS, "--policy-pack-config", config]);
      assert.match(
        run.stdout,
        /\nDisabled by the policy pack configuration: credential-expired, credential-count\.\n/,
      );
      assert.doesNotMatch(run.stdout, /every policy/);
    });

    for (const [key, policy, value, examples] of [
      ["maxLifetime", "credential-max-lifetime", "P0D", "P2Y, P1Y or P180D"],
      ["warnBefore", "credential-expiring-soon", "PT0S", "P30D, P14D or P2M"],
    ] as const) {
      it(`${policy}.${key}: ${value} is one config error naming the field, value and what is allowed`, async () => {
        const config = tempFile("policy.json", { [policy]: { [key]: value } });
        const run = await audit([...INPUTS, "--policy-pack-config", config]);
        assert.equal(run.code, 2);
        assert.equal(
          run.stderr,
          `audit: --policy-pack-config ${config}: ${policy}.${key}: "${value}" is invalid; expected a positive ISO 8601 duration such as ${examples} ("${value}" is zero; durations must be positive)\n`,
        );
      });
    }

    it("duplicate keyIds are reported, naming the keyId and both places", async () => {
      const shared = credential({ displayName: "app-credentials slot 0 generation 1" });
      const a = tenantObject([shared], { displayName: "First\u202e" });
      const b = tenantObject([credential(), { ...shared, displayName: "copy" }], {
        displayName: "Second",
      });
      const file = export_([a, b]);
      const place = (object: TenantObject, at: number, name: string) =>
        `${file}: [${at}].passwordCredentials[${at}] (application ${name}, object id ${object.objectId})`;
      const json = await audit(["--apps", file, "--now", NOW, "--json"]);
      const document = JSON.parse(json.stdout) as { summary: { warnings: string[] } };
      assert.deepEqual(document.summary.warnings, [
        `keyId ${shared.keyId} appears twice: ${place(a, 0, '"First\u202e"')} and ${place(b, 1, '"Second"')}; a keyId names one credential, so the export is damaged (edited, merged or cut): both are audited`,
      ]);
      assert.equal(
        json.stderr,
        `audit: warning: keyId ${shared.keyId} appears twice: ${place(a, 0, '"First\\u{202e}"')} and ${place(b, 1, '"Second"')}; a keyId names one credential, so the export is damaged (edited, merged or cut): both are audited\n`,
      );
      const table = await audit(["--apps", file, "--now", NOW]);
      assert.match(
        table.stdout,
        new RegExp(`\\nWarnings:\\n {2}keyId ${shared.keyId} appears twice`),
      );
      assert.doesNotMatch(table.stdout, RAW);
      // A SAML signing certificate and the password that opens it share their keyId: no warning.
      const fixtures = await audit([...INPUTS, "--json"]);
      assert.equal(fixtures.stderr, "");
    });
  });

  describe("10. what a newcomer reads", () => {
    it("rows by severity (mandatory, advisory, none), then by end", () => {
      const objects = [
        tenantObject([credential({ displayName: "app-credentials slot 0 generation 1" })]),
        tenantObject([
          credential({ displayName: "app-credentials slot 0 generation 1", endDays: -5 }),
        ]),
        tenantObject([credential({ endDays: 400 })]),
        tenantObject([credential({ endDays: 200 })]),
        tenantObject([
          credential({ displayName: "app-credentials slot 0 generation 1", endDays: 3 }),
        ]),
      ];
      const rows = auditTenant(objects, DEFAULT_SETTINGS, NOW_MS).rows;
      assert.deepEqual(
        rows.map((r) => [rank(r), Math.round(r.daysLeft)]),
        [
          [0, 200],
          [0, 400],
          [1, -5],
          [1, 3],
          [2, 150],
        ],
      );
      assert.ok(compareUrgency(rows[0], rows[4]) < 0);
    });

    it("the fixture table: mandatory rows first; every instant in one format", async () => {
      const run = await audit(INPUTS);
      const rows = run.stdout.split("\n").slice(3, 19);
      const ranks = rows.map((r) => (/\*/.test(r) ? 0 : /credential-/.test(r) ? 1 : 2));
      assert.deepEqual(
        ranks,
        [...ranks].sort((x, y) => x - y),
      );
      const json = await audit([...INPUTS, "--json"]);
      const messages = (JSON.parse(json.stdout) as { findings: { message: string }[] }).findings
        .map((f) => f.message)
        .join("\n");
      const instants = messages.match(/\d{4}-\d\d-\d\dT[\d:.]+Z/g) ?? [];
      assert.ok(instants.length > 10);
      for (const instant of instants) assert.match(instant, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("README's audit example names files that exist, and runs as written", async () => {
      const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
      const section = readme.split("\n## Tenant audit: `npm run audit`")[1].split("\n## ")[0];
      const commands = section
        .split("\n")
        .filter((line) => /^npm run (-s )?audit -- /.test(line))
        .map((line) => line.replace(/\s+#.*$/, ""));
      const produced = [...section.matchAll(/> (\S+\.json)/g)].map((m) => m[1]);
      const sample = commands.find((c) => c.includes("test/audit/fixtures/apps.json"));
      assert.ok(sample, "README shows the sample tenant that ships with the tests");
      for (const command of commands) {
        for (const file of command.match(/\S+\.json/g) ?? []) {
          assert.ok(
            produced.includes(file) || fs.existsSync(path.join(ROOT, file)),
            `${file} in ${command}`,
          );
        }
      }
      const args = sample.replace(/^npm run (-s )?audit -- /, "").split(/\s+/);
      const cwd = process.cwd();
      process.chdir(ROOT);
      try {
        const run = await audit(args);
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stdout, /9 applications, 5 service principals, 16 credentials/);
      } finally {
        process.chdir(cwd);
      }
    });
  });
});
