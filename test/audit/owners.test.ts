/**
 * Owners in the audit: `--owners FILE` offline and owners from a fake Graph (paging, `$batch`, a
 * 429), `credential-owner-missing`, the per-owner report (`--by-owner` text and JSON, `--markdown`),
 * `--ics`, and the notification wiring (`--notify-dry-run`, a failing webhook).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { FakeGraph, startFakeGraph } from "./fakeGraph";
import {
  APPS,
  audit,
  FIXTURES,
  fixedToken,
  NOW,
  SERVICE_PRINCIPALS,
  tempDir,
  tempFile,
} from "./helpers";

const OWNERS = path.join(FIXTURES, "owners.json");
const INPUTS = ["--apps", APPS, "--service-principals", SERVICE_PRINCIPALS, "--now", NOW];
const ALICE = "0a11ce00-0000-4000-8000-000000000001";
const BOB = "0b0b0000-0000-4000-8000-000000000002";
const CAROL = "0ca01000-0000-4000-8000-000000000003";
/** Objects with credentials and no owner in owners.json: "!!!", Salesforce SAML, Consented Tool. */
const OWNERLESS = [
  "a0000700-0000-4000-8000-000000000000",
  "d0000200-0000-4000-8000-000000000000",
  "d0000300-0000-4000-8000-000000000000",
];

interface Finding {
  objectId: string;
  keyId: string;
  policy: string;
  level: string;
  message: string;
}
interface ByOwner {
  owners: {
    owner: { id: string; userPrincipalName: string | null; mail: string | null } | null;
    findings: Finding[];
  }[];
  summary: {
    findings: { mandatory: number; advisory: number };
    ownersKnown: boolean;
    exitCode: number;
  };
}

describe("audit: owners", () => {
  it("credential-owner-missing: once per ownerless object with credentials, advisory", async () => {
    const run = await audit([...INPUTS, "--owners", OWNERS, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as { findings: Finding[]; summary: ByOwner["summary"] };
    const missing = document.findings.filter((f) => f.policy === "credential-owner-missing");
    assert.deepEqual(missing.map((f) => f.objectId).sort(), OWNERLESS);
    for (const f of missing) {
      assert.equal(f.level, "advisory");
      assert.match(f.message, /has no owner: nobody would be told .* Fix: add an owner/);
    }
    assert.equal(document.summary.ownersKnown, true);
    // Without --owners it is not judged, and the table says so.
    const without = await audit(INPUTS);
    assert.doesNotMatch(without.stdout, /credential-owner-missing\s+\d/);
    assert.match(
      without.stdout,
      /Owners not known \(give --owners FILE, or use --graph\): credential-owner-missing was not judged\./,
    );
  });

  it("--by-owner --json: {owners, summary}; an object with several owners under each, no owner last group", async () => {
    const run = await audit([...INPUTS, "--owners", OWNERS, "--by-owner", "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as ByOwner;
    assert.deepEqual(Object.keys(document), ["owners", "summary"]);
    const ids = document.owners.map((o) => o.owner?.id ?? null);
    assert.deepEqual([...ids].sort(), [ALICE, BOB, CAROL, null].sort());
    const alice = document.owners.find((o) => o.owner?.id === ALICE);
    assert.deepEqual(alice?.owner, {
      id: ALICE,
      userPrincipalName: "alice@contoso.example",
      mail: "alice@contoso.example",
    });
    const bob = document.owners.find((o) => o.owner?.id === BOB);
    assert.equal(bob?.owner?.mail, null);
    // Reporting job (a0000400) has three owners: its findings appear under each.
    for (const group of [alice, bob, document.owners.find((o) => o.owner?.id === CAROL)]) {
      assert.ok(group?.findings.some((f) => f.objectId === "a0000400-0000-4000-8000-000000000000"));
    }
    const nobody = document.owners.find((o) => o.owner === null);
    assert.deepEqual([...new Set(nobody?.findings.map((f) => f.objectId))].sort(), OWNERLESS);
    // Most urgent first: the first group holds the audit's most urgent finding (Reporting job).
    assert.equal(document.owners[0].findings[0].objectId, "a0000400-0000-4000-8000-000000000000");
    // Within a group: the audit's urgency order.
    const all = JSON.parse((await audit([...INPUTS, "--owners", OWNERS, "--json"])).stdout) as {
      findings: Finding[];
    };
    // Each group's findings are a subsequence of the audit's findings.
    const texts = all.findings.map((f) => JSON.stringify(f));
    for (const group of document.owners) {
      let at = 0;
      for (const finding of group.findings) {
        at = texts.indexOf(JSON.stringify(finding), at) + 1;
        assert.ok(at > 0, `in urgency order: ${finding.objectId} ${finding.policy}`);
      }
    }
    assert.doesNotMatch(run.stdout, /"abc"|hint/);
  });

  it("--by-owner text: a section per owner, tenant text neutralised", async () => {
    const run = await audit([...INPUTS, "--owners", OWNERS, "--by-owner"]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /findings by owner \(3 owners with findings, and objects with no owner\)/,
    );
    assert.match(run.stdout, /^alice@contoso\.example \(id 0a11ce00-\S+\): \d+ findings$/m);
    assert.match(run.stdout, /^no owner: \d+ findings$/m);
    assert.match(run.stdout, /^ {2}\* credential-max-lifetime {2}application "Legacy Portal"/m);
    assert.match(run.stdout, /Carol \\u\{1b\}\[31m/);
    assert.doesNotMatch(run.stdout, /[\u202e]/);
    assert.ok(!run.stdout.includes("\u001b"));
    assert.match(
      run.stdout,
      /Summary: \d+ mandatory findings, \d+ advisory findings; exit code 1\./,
    );
  });

  it("--markdown FILE: one section per owner, Markdown and control characters escaped", async () => {
    const file = path.join(tempDir(), "report.md");
    const run = await audit([...INPUTS, "--owners", OWNERS, "--markdown", file, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    JSON.parse(run.stdout); // stdout still holds the one JSON document
    const markdown = fs.readFileSync(file, "utf8");
    assert.match(markdown, /^# Credential audit by owner\n/);
    const sections = markdown.split("\n").filter((line) => line.startsWith("## "));
    assert.equal(sections.length, 4);
    assert.ok(sections.includes("## No owner"));
    assert.ok(sections.some((s) => s.startsWith("## alice\\@contoso\\.example")));
    const carol = sections.find((s) => s.includes("Carol")) ?? "";
    assert.match(carol, /Carol \\\\u\\\{1b\\\}\\\[31m\\\*\\\[admin\\\]\\\(https\\:\\\/\\\/evil/);
    assert.doesNotMatch(markdown, /[\u202e]|\]\(https/);
    assert.ok(!markdown.includes("\u001b"));
    assert.match(
      markdown,
      /- \*\*mandatory\*\* `credential-max-lifetime`: application Legacy Portal/,
    );
    // Written again over the same file (a scheduled job's rerun).
    const again = await audit([...INPUTS, "--owners", OWNERS, "--markdown", file]);
    assert.equal(again.code, 1, again.stderr);
  });

  it("--markdown refuses a symbolic link and a missing folder: one line, exit 2", async () => {
    const dir = tempDir();
    const target = path.join(dir, "target");
    fs.writeFileSync(target, "keep");
    const link = path.join(dir, "link.md");
    fs.symlinkSync(target, link);
    const run = await audit([...INPUTS, "--owners", OWNERS, "--markdown", link]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `audit: --markdown ${link}: cannot write (a symbolic link; the audit does not follow links it writes to)\n`,
    );
    assert.equal(fs.readFileSync(target, "utf8"), "keep");
    const missing = path.join(dir, "no", "report.md");
    const second = await audit([...INPUTS, "--owners", OWNERS, "--markdown", missing, "--json"]);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /^audit: --markdown .*: cannot write \(no such folder\)\n$/);
    assert.deepEqual(JSON.parse(second.stdout).summary, { exitCode: 2 });
  });

  it("--by-owner, --markdown and --notify-* need owners: exit 2 saying how", async () => {
    const run = await audit([...INPUTS, "--by-owner", "--markdown", "x.md"]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      "audit: --by-owner, --markdown group the findings by owner: give --owners FILE (see tools/audit/README.md), or use --graph\n",
    );
    const both = await audit(["--graph", "--owners", OWNERS]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--graph reads the owners live/);
  });

  for (const [name, content, message] of [
    ["not an object", "[]", /^audit: --owners \S+: \$: expected an object/],
    [
      "not a list",
      '{"a": {"id": "x"}}',
      /^audit: --owners \S+: \$\["a"\]: expected a list of owners, got an object\n$/,
    ],
    [
      "no id",
      '{"a": [{"id": "x"}, {"mail": "m"}]}',
      /^audit: --owners \S+: \$\["a"\]\[1\]\.id: expected the owner's object id/,
    ],
    [
      "a bad mail",
      '{"a": [{"id": "x", "mail": 3}]}',
      /^audit: --owners \S+: \$\["a"\]\[0\]\.mail: expected a string or null, got number 3\n$/,
    ],
    ["not JSON", "{", /^audit: --owners \S+: not valid JSON/],
  ] as const) {
    it(`a bad owners file (${name}) is one line naming the JSON path, exit 2`, async () => {
      const file = tempFile("owners.json", content);
      const run = await audit([...INPUTS, "--owners", file]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.split("\n").length, 2);
    });
  }

  it("--owners reads only a regular file", async () => {
    const run = await audit([...INPUTS, "--owners", tempDir()]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^audit: --owners \S+: cannot read: a directory, not a regular file/);
  });

  it("--ics FILE writes the calendar of the credentials not rotated here", async () => {
    const file = path.join(tempDir(), "audit.ics");
    const run = await audit([...INPUTS, "--ics", file, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /^BEGIN:VCALENDAR\r\n/);
    assert.match(text, /BEGIN:VEVENT/);
    assert.match(text, /BEGIN:VALARM/);
  });

  it("--notify-dry-run prints one document per owner group; the exit code is the findings'", async () => {
    const run = await audit([
      ...INPUTS,
      "--owners",
      OWNERS,
      "--notify-dry-run",
      "--by-owner",
      "--json",
    ]);
    assert.equal(run.code, 1, run.stderr);
    JSON.parse(run.stdout);
    const documents = run.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as unknown);
    assert.equal(documents.length, 4, run.stderr);
    assert.doesNotMatch(run.stderr, /"abc"|hint/);
  });

  it("a failing webhook prints a line and does not change the exit code", async () => {
    let posts = 0;
    const server = http.createServer((req, res) => {
      posts++;
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const run = await audit([...INPUTS, "--owners", OWNERS, "--notify-webhook", url], {
        notify: { maxRetries: 0, sleep: async () => undefined },
      });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(posts, 4);
      assert.match(run.stderr, /audit: notifications: 0 sent, 4 failed \(of 4 owner groups\)\n$/);
      const bad = await audit([
        ...INPUTS,
        "--owners",
        OWNERS,
        "--notify-webhook",
        "http://example.com/x",
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^audit: --notify-webhook: notifications: /);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("audit: owners from a fake Graph", () => {
  let server: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const applications = JSON.parse(fs.readFileSync(APPS, "utf8")) as Record<string, unknown>[];
  const servicePrincipals = (
    JSON.parse(fs.readFileSync(SERVICE_PRINCIPALS, "utf8")) as { value: Record<string, unknown>[] }
  ).value;
  /** owners.json keyed by exact object id, as Graph would serve it. */
  const owners = Object.fromEntries(
    Object.entries(
      JSON.parse(fs.readFileSync(OWNERS, "utf8")) as Record<string, Record<string, unknown>[]>,
    ).map(([id, list]) => [id.toLowerCase(), list]),
  );

  it("reads owners through $batch with paging and a 429, as the --owners file says", async () => {
    server = await startFakeGraph({
      applications,
      servicePrincipals,
      owners,
      ownersPageSize: 2,
      throttleOwnersOnce: { retryAfter: "1" },
    });
    const started = Date.now();
    // Without the policies and the federated credentials: the offline run below has neither, and
    // the summaries must be equal.
    const run = await audit(
      [
        "--graph",
        "--no-app-management-policies",
        "--no-federated-credentials",
        "--now",
        NOW,
        "--by-owner",
        "--json",
      ],
      {
        env: { APP_CREDENTIALS_GRAPH_URL: server.url },
        credential: fixedToken(),
        graph: { pageSize: 2, maxRetries: 2, fetchOptions: server.fetchOptions },
      },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.ok(Date.now() - started >= 1000, "waited the Retry-After second");
    assert.match(
      run.stderr,
      /^audit: Microsoft Graph answered 429 for \/v1\.0\/applications\/a0000100-\S+\/owners; retrying after 1 s \(Retry-After\)\n$/,
    );
    const offline = await audit([...INPUTS, "--owners", OWNERS, "--by-owner", "--json"]);
    assert.deepEqual(JSON.parse(run.stdout), JSON.parse(offline.stdout));
    const batches = server.requests.filter((r) => r.path === "/v1.0/$batch");
    const inner = server.requests.filter((r) => r.batched);
    // 11 objects with credentials in one batch; the throttled one and Reporting job's second page
    // in a second; Reporting job has 3 owners, 2 per page.
    assert.deepEqual(
      batches.map((b) => [b.method, b.status, b.batchSize]),
      [
        ["POST", 200, 11],
        ["POST", 200, 2],
      ],
    );
    assert.equal(inner.filter((r) => r.status === 429).length, 1);
    assert.equal(inner.filter((r) => r.query.get("$skiptoken") !== null).length, 1);
    for (const r of inner)
      assert.equal(r.query.get("$select"), "id,userPrincipalName,mail,displayName");
    // Objects without credentials (CRM Connector app, No credentials, Orders API SP) are not asked.
    assert.equal(new Set(inner.map((r) => r.path)).size, 11);
  });

  it("sends at most 20 requests per $batch", async () => {
    const many = Array.from({ length: 45 }, (_, i) => ({
      ...applications[2],
      id: `e${String(i).padStart(7, "0")}-0000-4000-8000-000000000000`,
      appId: `f${String(i).padStart(7, "0")}-0000-4000-8000-000000000000`,
    }));
    server = await startFakeGraph({ applications: many, servicePrincipals: [] });
    const run = await audit(["--graph", "--now", NOW, "--json"], {
      env: { APP_CREDENTIALS_GRAPH_URL: server.url },
      credential: fixedToken(),
      graph: { fetchOptions: server.fetchOptions },
    });
    // Advisory findings only (an expired secret, no owner): exit 0.
    assert.equal(run.code, 0, run.stderr);
    // The 45 applications' federated credentials, then their owners: 20 requests a batch at most.
    const batches = server.requests.filter((r) => r.path === "/v1.0/$batch");
    assert.deepEqual(
      batches.map((b) => b.batchSize),
      [20, 20, 5, 20, 20, 5],
    );
    const document = JSON.parse(run.stdout) as { findings: Finding[] };
    assert.equal(
      document.findings.filter((f) => f.policy === "credential-owner-missing").length,
      45,
    );
  });
});
