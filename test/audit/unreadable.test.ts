/**
 * One bad row never stops the audit: a credential whose endDateTime (or startDateTime) is missing
 * or unreadable becomes a `credential-unreadable` finding naming its keyId, in the table and in
 * `--json`, from a file and from live Graph, while every other credential is judged as usual.
 */
import { strict as assert } from "assert";
import { managedCertificateCommonName } from "../../policy/core/managed";
import { auditTenant } from "../../tools/audit/rules";
import { parseTenantJson } from "../../tools/audit/tenant";
import { startFakeGraph } from "./fakeGraph";
import { audit, DEFAULT_SETTINGS, fixedToken, NOW, NOW_MS, tempFile } from "./helpers";

const OK = "c0ffee00-0000-4000-8000-000000000001";
const MISSING = "c0ffee00-0000-4000-8000-000000000002";
const GARBLED = "c0ffee00-0000-4000-8000-000000000003";
const NOT_TEXT = "c0ffee00-0000-4000-8000-000000000004";
const BAD_START = "c0ffee00-0000-4000-8000-000000000005";
const CERT = "cafe0000-0000-4000-8000-000000000006";

const password = (keyId: string, dates: Record<string, unknown>) => ({
  keyId,
  displayName: "portal secret",
  hint: "abc",
  secretText: null,
  customKeyIdentifier: null,
  ...dates,
});

/** One application with a good password, three unreadable end dates and a bad start date. */
const APPLICATIONS = [
  {
    id: "a0000900-0000-4000-8000-000000000000",
    appId: "b0000900-0000-4000-8000-000000000000",
    displayName: "Export glitch",
    passwordCredentials: [
      password(OK, { startDateTime: "2025-12-01T00:00:00Z", endDateTime: "2026-06-01T00:00:00Z" }),
      password(MISSING, { startDateTime: "2025-12-01T00:00:00Z" }),
      password(GARBLED, {
        startDateTime: "2025-12-01T00:00:00Z",
        endDateTime: "2026-13-01T00:00:00Z",
      }),
      password(NOT_TEXT, { startDateTime: "2025-12-01T00:00:00Z", endDateTime: 1767225600 }),
      password(BAD_START, { startDateTime: "yesterday", endDateTime: "2026-01-10T00:00:00Z" }),
    ],
    keyCredentials: [
      {
        keyId: CERT,
        // As Graph shows a certificate added without a display name: the subject, last RDN first.
        displayName: `SERIALNUMBER=0f1e2d3c4b5a6978, CN=${managedCertificateCommonName("export-glitch", 0, 2)}`,
        type: "AsymmetricX509Cert",
        usage: "Verify",
        startDateTime: "2025-12-01T00:00:00Z",
        endDateTime: "2026-06-01T00:00:00Z",
      },
    ],
  },
];

interface JsonFinding {
  keyId: string;
  policy: string;
  level: string;
  endDateTime: string | null;
  message: string;
}

describe("audit: unreadable dates", () => {
  it("reads the file: the bad dates are recorded on their credentials, not thrown", () => {
    const [object] = parseTenantJson(JSON.stringify(APPLICATIONS), "apps.json", "application");
    assert.equal(object.credentials.length, 6);
    const byKey = new Map(object.credentials.map((c) => [c.keyId, c]));
    assert.deepEqual(byKey.get(OK)?.unreadable ?? [], []);
    assert.deepEqual(
      byKey.get(MISSING)?.unreadable?.map((u) => [u.field, u.path]),
      [["endDateTime", "apps.json: [0].passwordCredentials[1].endDateTime"]],
    );
    assert.match(byKey.get(MISSING)?.unreadable?.[0].reason ?? "", /missing/);
    assert.match(
      byKey.get(GARBLED)?.unreadable?.[0].reason ?? "",
      /"2026-13-01T00:00:00Z" is not an RFC 3339 timestamp/,
    );
    assert.match(byKey.get(NOT_TEXT)?.unreadable?.[0].reason ?? "", /number 1767225600/);
    assert.deepEqual(
      byKey.get(BAD_START)?.unreadable?.map((u) => u.field),
      ["startDateTime"],
    );
    assert.ok(Number.isNaN(byKey.get(MISSING)?.endMs));
  });

  it("judges every other credential; the unreadable ones get credential-unreadable", () => {
    const objects = parseTenantJson(JSON.stringify(APPLICATIONS), "apps.json", "application");
    const result = auditTenant(objects, DEFAULT_SETTINGS, NOW_MS);
    const policies = (keyId: string) =>
      result.rows.find((r) => r.credential.keyId === keyId)?.findings.map((f) => f.policy);
    for (const keyId of [MISSING, GARBLED, NOT_TEXT]) {
      assert.deepEqual(policies(keyId), ["credential-unreadable"], keyId);
    }
    // The start is unreadable, the end is not: the end-date rules still apply.
    assert.deepEqual(policies(BAD_START), [
      "credential-unreadable",
      "credential-unmanaged",
      "credential-expiring-soon",
    ]);
    assert.deepEqual(policies(OK), ["credential-unmanaged"]);
    // The certificate's subject, serialNumber first, is recognised as this project's.
    assert.deepEqual(policies(CERT), []);
    assert.equal(result.rows.find((r) => r.credential.keyId === CERT)?.role, "managed");
    // Unreadable end dates first (their urgency is unknown), then by end.
    assert.deepEqual(
      result.rows.map((r) => r.credential.keyId),
      [MISSING, GARBLED, NOT_TEXT, BAD_START, OK, CERT],
    );
    const finding = result.findings.find((f) => f.keyId === GARBLED);
    assert.equal(finding?.level, "mandatory");
    assert.equal(finding?.endDateTime, null);
    assert.match(finding?.message ?? "", new RegExp(`password ${GARBLED}`));
    assert.match(finding?.message ?? "", /endDateTime/);
    assert.equal(result.summary.byPolicy["credential-unreadable"], 4);
    assert.equal(result.summary.exitCode, 1);
  });

  it("the CLI reports them in the table and --json, exit 1, nothing on stderr", async () => {
    const file = tempFile("apps.json", APPLICATIONS);
    const table = await audit(["--apps", file, "--now", NOW]);
    assert.equal(table.code, 1, table.stderr);
    assert.equal(table.stderr, "");
    const line = (keyId: string) => table.stdout.split("\n").find((l) => l.includes(keyId)) ?? "";
    assert.match(line(GARBLED), /\sunreadable\s+\?\s+credential-unreadable\*$/);
    assert.match(line(MISSING), /credential-unreadable\*$/);
    assert.match(line(OK), /2026-06-01T00:00:00Z\s+151\.0\s+credential-unmanaged\*$/);
    assert.match(table.stdout, /credential-unreadable\s+4 {2}mandatory /);

    const json = await audit(["--apps", file, "--now", NOW, "--json"]);
    assert.equal(json.code, 1, json.stderr);
    const document = JSON.parse(json.stdout) as {
      findings: JsonFinding[];
      summary: { byPolicy: Record<string, number>; credentials: number };
    };
    assert.equal(document.summary.credentials, 6);
    assert.equal(document.summary.byPolicy["credential-unreadable"], 4);
    const unreadable = document.findings.filter((f) => f.policy === "credential-unreadable");
    assert.deepEqual(
      unreadable.map((f) => [f.keyId, f.endDateTime]),
      [
        [MISSING, null],
        [GARBLED, null],
        [NOT_TEXT, null],
        [BAD_START, "2026-01-10T00:00:00Z"],
      ],
    );
    assert.ok(document.findings.some((f) => f.keyId === OK));
  });

  it("the level is set like the other audit-only policies", async () => {
    const file = tempFile("apps.json", APPLICATIONS);
    const config = tempFile("policy.json", {
      all: "advisory",
      "credential-unreadable": "disabled",
    });
    const run = await audit([
      "--apps",
      file,
      "--now",
      NOW,
      "--json",
      "--policy-pack-config",
      config,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    assert.ok(document.findings.every((f) => f.policy !== "credential-unreadable"));
  });

  it("live Graph: the same findings, no abort", async () => {
    const server = await startFakeGraph({ applications: APPLICATIONS, servicePrincipals: [] });
    try {
      const run = await audit(["--graph", "--now", NOW, "--json"], {
        env: { APP_CREDENTIALS_GRAPH_URL: server.url },
        credential: fixedToken(),
        graph: { pageSize: 2, maxRetries: 0, fetchOptions: server.fetchOptions },
      });
      assert.equal(run.code, 1, run.stderr);
      const document = JSON.parse(run.stdout) as { findings: JsonFinding[] };
      const unreadable = document.findings.filter((f) => f.policy === "credential-unreadable");
      assert.deepEqual(
        unreadable.map((f) => f.keyId),
        [MISSING, GARBLED, NOT_TEXT, BAD_START],
      );
      assert.match(unreadable[0].message, /Microsoft Graph \/applications: \[0\]/);
    } finally {
      await server.close();
    }
  });
});
