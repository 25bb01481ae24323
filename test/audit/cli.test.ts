/**
 * `npm run audit` end to end, offline: in-process through `main(argv)` (fast), and once through the
 * real entry point as npm runs it (exit code and stderr of a spawned process).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { parse } from "yaml";
import { APPS, audit, NOW, ROOT, SERVICE_PRINCIPALS, tempFile } from "./helpers";

const INPUTS = ["--apps", APPS, "--service-principals", SERVICE_PRINCIPALS, "--now", NOW];

const FINDING_KEYS = [
  "objectType",
  "objectId",
  "appId",
  "displayName",
  "credentialType",
  "keyId",
  "endDateTime",
  "policy",
  "level",
  "message",
  "lastSignIn",
  "lastSignInStatus",
];

interface AuditJson {
  findings: Record<string, unknown>[];
  summary: {
    now: string;
    objects: { application: number; servicePrincipal: number };
    credentials: number;
    findings: { mandatory: number; advisory: number };
    byPolicy: Record<string, number>;
    exitCode: number;
  };
}

describe("audit: CLI", () => {
  it("prints the table by urgency, a legend and the summary; exit 1 on mandatory findings", async () => {
    const run = await audit(INPUTS);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, "");
    const lines = run.stdout.split("\n");
    assert.match(
      lines[0],
      /as of 2026-01-01T00:00:00Z: 9 applications, 5 service principals, 16 credentials\.$/,
    );
    assert.match(
      lines[2],
      /^Object type\s+Display name\s+appId\s+Object id\s+Credential\s+keyId\s+End\s+Days left\s+Findings$/,
    );
    // One row per credential: mandatory findings first, then advisory ones, then none; by end
    // within each; days left with one decimal.
    const rows = lines.slice(3, 19);
    assert.match(
      rows[0],
      /Reporting job .* 2026-01-14T23:00:00Z\s+13\.9\s+credential-unmanaged\*, credential-expiring-soon$/,
    );
    assert.match(
      rows[12],
      /^application\s+Billing worker\s+b0000300-\S+\s+a0000300-\S+\s+password\s+c0ffee00-0500-\S+\s+2025-12-01T00:00:00Z\s+-31\.0\s+credential-expired$/,
    );
    assert.match(rows[15], /servicePrincipal\s+Adopted SP .*304\.0$/);
    assert.equal(lines[19], "");
    assert.match(run.stdout, /Findings \(\* mandatory\):\n {2}credential-expired\s+1 {2}advisory /);
    assert.match(run.stdout, /credential-max-lifetime\s+4 {2}mandatory .*\(maxLifetime P2Y\)/);
    assert.match(run.stdout, /Summary: 13 mandatory findings, 7 advisory findings; exit code 1\./);
    assert.doesNotMatch(run.stdout, /"abc"|hint/);
  });

  it("--only-findings leaves out credentials without findings", async () => {
    const run = await audit([...INPUTS, "--only-findings"]);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout, /Adopted SP/);
    assert.match(run.stdout, /Legacy Portal/);
  });

  it("--json prints exactly {findings, summary}, findings by urgency", async () => {
    const run = await audit([...INPUTS, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as AuditJson;
    assert.deepEqual(Object.keys(document), ["findings", "summary"]);
    for (const finding of document.findings) assert.deepEqual(Object.keys(finding), FINDING_KEYS);
    assert.equal(document.findings.length, 20);
    assert.deepEqual(document.summary, {
      now: "2026-01-01T00:00:00Z",
      objects: { application: 9, servicePrincipal: 5 },
      credentials: 16,
      findings: { mandatory: 13, advisory: 7 },
      byPolicy: {
        "credential-expired": 1,
        "credential-unmanaged": 9,
        "credential-expiring-soon": 1,
        "service-principal-credential": 2,
        "credential-count": 3,
        "credential-max-lifetime": 4,
      },
      disabledPolicies: [],
      ownersKnown: false,
      warnings: [],
      appManagementPolicies: null,
      credentialActivity: null,
      federatedCredentials: null,
      exitCode: 1,
    });
    // By urgency: credentials with a mandatory finding first, then the others; by end within each.
    const byCredential = new Map<string, { mandatory: boolean; end: number }>();
    for (const f of document.findings) {
      const seen = byCredential.get((f.keyId as string) + f.credentialType);
      byCredential.set((f.keyId as string) + f.credentialType, {
        mandatory: (seen?.mandatory ?? false) || f.level === "mandatory",
        end: Date.parse(f.endDateTime as string),
      });
    }
    const order = [...byCredential.values()].map((c) => [c.mandatory ? 0 : 1, c.end]);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    );
    const expired = document.findings.find((f) => f.policy === "credential-expired");
    assert.deepEqual(expired, {
      objectType: "application",
      objectId: "a0000300-0000-4000-8000-000000000000",
      appId: "b0000300-0000-4000-8000-000000000000",
      displayName: "Billing worker",
      credentialType: "password",
      keyId: "c0ffee00-0500-4000-8000-000000000000",
      endDateTime: "2025-12-01T00:00:00Z",
      policy: "credential-expired",
      level: "advisory",
      message: expired?.message,
      lastSignIn: null,
      lastSignInStatus: "not-loaded",
    });
  });

  it("exit 0 when no finding is mandatory; the config file decides the levels", async () => {
    const config = tempFile("policy.json", {
      all: "advisory",
      "credential-expired": "disabled",
    });
    const run = await audit([...INPUTS, "--policy-pack-config", config, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as AuditJson;
    assert.deepEqual(document.summary.findings, { mandatory: 0, advisory: 19 });
    assert.ok(document.findings.every((f) => f.policy !== "credential-expired"));
  });

  it("--now decides what is expired and what expires soon", async () => {
    const later = await audit([...INPUTS.slice(0, 4), "--now", "2026-05-15T00:00:00Z", "--json"]);
    const document = JSON.parse(later.stdout) as AuditJson;
    assert.equal(document.summary.now, "2026-05-15T00:00:00Z");
    assert.equal(document.summary.byPolicy["credential-expired"], 5);
    assert.equal(document.summary.byPolicy["credential-expiring-soon"], 4);
  });

  it("--adopt prints only YAML on stdout and a summary line on stderr", async () => {
    const run = await audit([...INPUTS, "--adopt"]);
    assert.equal(run.code, 1);
    const parsed = parse(run.stdout) as { apps: { name: string }[] };
    assert.equal(parsed.apps.length, 7);
    assert.equal(
      run.stderr,
      "audit: 7 apps to adopt; 13 mandatory and 7 advisory findings; exit code 1\n",
    );
  });

  it("accepts UTF-16 files with a byte order mark, as Windows PowerShell writes them", async () => {
    const text = fs.readFileSync(APPS, "utf8");
    const utf16 = tempFile("apps.json", "");
    fs.writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    );
    const run = await audit(["--apps", utf16, "--now", NOW, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as AuditJson).summary.objects.application, 9);
  });

  describe("exit 2 with one line naming the problem", () => {
    const cases: [string, () => string[], RegExp][] = [
      [
        "no input",
        () => ["--now", NOW],
        /^audit: nothing to audit: give --apps FILE and\/or --service-principals FILE/,
      ],
      [
        "files and --graph",
        () => ["--apps", APPS, "--graph"],
        /^audit: --graph reads the tenant live/,
      ],
      ["--json and --adopt", () => [...INPUTS, "--json", "--adopt"], /^audit: --json and --adopt/],
      [
        "an invalid --now",
        () => ["--apps", APPS, "--now", "2026-01-01"],
        /^audit: --now: "2026-01-01" is not an RFC 3339 timestamp/,
      ],
      [
        "a missing file",
        () => ["--apps", "missing.json"],
        /^audit: missing\.json: cannot read \(no such file\)$/,
      ],
      [
        "a file that is not JSON",
        () => ["--apps", tempFile("apps.json", "[{")],
        /^audit: \S+apps\.json: not valid JSON \(/,
      ],
      [
        "a wrong shape",
        () => ["--apps", tempFile("apps.json", [{ id: 1 }])],
        /^audit: \S+apps\.json: \[0\]\.id: expected the object id, a GUID, got number 1$/,
      ],
      [
        "an unknown policy",
        () => [
          ...INPUTS,
          "--policy-pack-config",
          tempFile("p.json", { "credential-cout": "mandatory" }),
        ],
        /^audit: --policy-pack-config \S+p\.json: unknown policy "credential-cout"/,
      ],
      [
        "an unknown option",
        () => ["--apps", APPS, "--frobnicate"],
        /unknown option '--frobnicate'/,
      ],
    ];
    for (const [name, args, pattern] of cases) {
      it(name, async () => {
        const argv = args();
        const run = await audit(argv);
        assert.equal(run.code, 2, run.stdout);
        assert.match(run.stderr.trimEnd(), pattern);
        assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
        if (!argv.includes("--json")) assert.equal(run.stdout, "");
      });
    }

    it("with --json, stdout holds {error, summary: {exitCode: 2}}", async () => {
      const run = await audit(["--apps", "missing.json", "--json"]);
      assert.equal(run.code, 2);
      assert.deepEqual(JSON.parse(run.stdout), {
        error: { message: "missing.json: cannot read (no such file)" },
        summary: { exitCode: 2 },
      });
    });
  });

  it("runs as npm runs it: exit codes and a one-line error from the real entry point", () => {
    const spawn = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "tools/audit/cli.ts", ...args],
        {
          cwd: ROOT,
          encoding: "utf8",
          timeout: 60_000,
        },
      );
    const ok = spawn(...INPUTS, "--json");
    assert.equal(ok.status, 1, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as AuditJson).findings.length, 20);
    const bad = spawn("--apps", "test/audit/fixtures/service-principals.json");
    assert.equal(bad.status, 2);
    assert.equal(
      bad.stderr,
      "audit: test/audit/fixtures/service-principals.json: value[0]: has servicePrincipalType, so it is a service principal: pass this file with --service-principals\n",
    );
  });
});
