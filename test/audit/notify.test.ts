/**
 * `notifyOwners` (tools/audit/notify.ts) against a local HTTP server on 127.0.0.1: one POST per
 * owner, retries on 429/5xx honouring Retry-After (an injected sleep records the waits), failures
 * counted and logged on one line without stopping the other owners, a per-request timeout, dry runs
 * that send nothing, and the webhook URL check.
 */
import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import {
  MAX_RETRY_WAIT_MS,
  notificationDocument,
  notifyOwners,
  parseRetryAfter,
  validateWebhookUrl,
} from "../../tools/audit/notify";
import type { OwnerFinding, OwnerReport } from "../../tools/audit/owners";

/** A request the server received. */
interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

/** What the server does with a request: answer (status, headers), or never answer (`hang`). */
type Answer = { status: number; headers?: Record<string, string> } | "hang";

interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  base: string;
  requests: Received[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1, port 0; `answer` decides per request (with the parsed body). */
async function startServer(
  answer: (request: Received, parsed: unknown, index: number) => Answer,
): Promise<TestServer> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(received);
      let parsed: unknown;
      try {
        parsed = JSON.parse(received.body);
      } catch {
        parsed = undefined;
      }
      const decided = answer(received, parsed, requests.length - 1);
      if (decided === "hang") return;
      res.writeHead(decided.status, decided.headers ?? {});
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The owner id a document names (null: the ownerless document). */
function ownerIdOf(parsed: unknown): string | null {
  const owner = (parsed as { owner: { id: string } | null }).owner;
  return owner === null ? null : owner.id;
}

function finding(overrides: Partial<OwnerFinding>): OwnerFinding {
  return {
    objectType: "application",
    objectId: "11111111-1111-1111-1111-111111111111",
    appId: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
    displayName: "payments-api",
    keyId: "00000000-0000-0000-0000-000000000001",
    credentialType: "password",
    endDateTime: "2026-06-01T00:00:00Z",
    policy: "credential-max-lifetime",
    level: "advisory",
    message: "Lifetime over 2 years: add a new secret ending within 2 years and remove this one.",
    ...overrides,
  };
}

const ALICE = { id: "alice-id", userPrincipalName: "alice@contoso.com", mail: "alice@contoso.com" };
const BOB = { id: "bob-id", userPrincipalName: "bob@contoso.com" };
const CAROL = { id: "carol-id", mail: "carol@contoso.com", displayName: "Carol" };

/** Alice (three findings, given out of order), Bob, Carol, nobody; Dan has no findings. */
function reports(): OwnerReport[] {
  return [
    {
      owner: ALICE,
      findings: [
        finding({
          keyId: "00000000-0000-0000-0000-00000000000a",
          endDateTime: "2027-01-01T00:00:00Z",
        }),
        finding({
          keyId: "00000000-0000-0000-0000-00000000000b",
          level: "mandatory",
          policy: "credential-expired",
          endDateTime: "2026-02-01T00:00:00Z",
          message: "Expired: add a new secret and remove this one.",
        }),
        finding({
          keyId: "00000000-0000-0000-0000-00000000000c",
          endDateTime: "2026-03-01T09:30:00.123Z",
        }),
      ],
    },
    { owner: BOB, findings: [finding({ objectType: "servicePrincipal", appId: undefined })] },
    { owner: CAROL, findings: [finding({ credentialType: "certificate", endDateTime: null })] },
    {
      owner: null,
      findings: [finding({ policy: "credential-owner-missing", displayName: undefined })],
    },
    { owner: { id: "dan-id" }, findings: [] },
  ];
}

const DOCUMENT_KEYS = ["findings", "owner", "text"];
const OWNER_KEYS = ["id", "mail", "userPrincipalName"];
const FINDING_KEYS = [
  "appId",
  "credentialType",
  "displayName",
  "endDateTime",
  "keyId",
  "level",
  "message",
  "objectId",
  "objectType",
  "policy",
];

/** Asserts a parsed body has exactly the allowed keys, at every level (no hint, no secret value). */
function assertOnlyAllowedKeys(parsed: unknown): void {
  const document = parsed as Record<string, unknown>;
  assert.deepEqual(Object.keys(document).sort(), DOCUMENT_KEYS);
  if (document.owner !== null) {
    assert.deepEqual(Object.keys(document.owner as object).sort(), OWNER_KEYS);
  }
  for (const item of document.findings as object[]) {
    assert.deepEqual(Object.keys(item).sort(), FINDING_KEYS);
  }
}

/** An injected sleep that records the waits asked for and returns at once. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

describe("audit: notifications to a webhook", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("posts one JSON document per owner with findings, findings by urgency, only allowed keys", async () => {
    server = await startServer(() => ({ status: 200 }));
    const lines: string[] = [];
    const result = await notifyOwners(reports(), {
      url: `${server.base}/hook?sig=KEEP-OUT-OF-LOGS`,
      log: (line) => lines.push(line),
    });

    assert.deepEqual(result, { sent: 4, failed: 0 });
    assert.deepEqual(lines, []);
    assert.equal(server.requests.length, 4);
    for (const request of server.requests) {
      assert.equal(request.method, "POST");
      assert.equal(request.url, "/hook?sig=KEEP-OUT-OF-LOGS");
      assert.equal(request.contentType, "application/json");
    }
    const bodies = server.requests.map((request) => JSON.parse(request.body) as unknown);
    bodies.forEach(assertOnlyAllowedKeys);
    assert.deepEqual(bodies.map(ownerIdOf), ["alice-id", "bob-id", "carol-id", null]);

    const alice = bodies[0] as {
      text: string;
      owner: unknown;
      findings: { keyId: string; level: string }[];
    };
    assert.deepEqual(alice.owner, ALICE);
    assert.equal(
      alice.text,
      "App credentials: 3 findings (1 mandatory) for alice@contoso.com; earliest end 2026-02-01T00:00:00Z",
    );
    // Mandatory first, then the earliest end.
    assert.deepEqual(
      alice.findings.map((item) => item.keyId.slice(-1)),
      ["b", "c", "a"],
    );
    assert.deepEqual(alice.findings[0], {
      appId: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
      displayName: "payments-api",
      objectType: "application",
      objectId: "11111111-1111-1111-1111-111111111111",
      keyId: "00000000-0000-0000-0000-00000000000b",
      credentialType: "password",
      endDateTime: "2026-02-01T00:00:00Z",
      policy: "credential-expired",
      level: "mandatory",
      message: "Expired: add a new secret and remove this one.",
    });

    const bob = bodies[1] as { owner: unknown; findings: { appId: unknown }[] };
    assert.deepEqual(bob.owner, { id: "bob-id", userPrincipalName: "bob@contoso.com", mail: null });
    assert.equal(bob.findings[0].appId, null);

    const carol = bodies[2] as { text: string; owner: unknown };
    // displayName is not part of the owner in a document.
    assert.deepEqual(carol.owner, {
      id: "carol-id",
      userPrincipalName: null,
      mail: "carol@contoso.com",
    });
    assert.equal(carol.text, "App credentials: 1 finding (0 mandatory) for carol@contoso.com");

    const nobody = bodies[3] as {
      text: string;
      owner: unknown;
      findings: { displayName: unknown }[];
    };
    assert.equal(nobody.owner, null);
    assert.match(nobody.text, /on objects with no owner/);
    assert.equal(nobody.findings[0].displayName, null);

    // The body is exactly the document notificationDocument builds.
    assert.deepEqual(bodies[0], notificationDocument(reports()[0]));
  });

  it("retries a 429 after the Retry-After it asks for, and delivers once", async () => {
    server = await startServer((_request, _parsed, index) =>
      index === 0 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 200 },
    );
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const result = await notifyOwners([reports()[0]], {
      url: `${server.base}/hook`,
      log: (line) => lines.push(line),
      sleep,
    });
    assert.deepEqual(result, { sent: 1, failed: 0 });
    assert.deepEqual(waits, [1000]);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].body, server.requests[1].body);
    assert.deepEqual(lines, []);
  });

  it("caps a Retry-After HTTP date, and backs off exponentially without one", async () => {
    const far = new Date(Date.now() + 3_600_000).toUTCString();
    server = await startServer((_request, _parsed, index) =>
      index === 0
        ? { status: 503, headers: { "Retry-After": far } }
        : index < 3
          ? { status: 502 }
          : { status: 204 },
    );
    const { sleep, waits } = recordingSleep();
    const result = await notifyOwners([reports()[1]], {
      url: `${server.base}/hook`,
      log: () => undefined,
      sleep,
    });
    assert.deepEqual(result, { sent: 1, failed: 0 });
    assert.deepEqual(waits, [MAX_RETRY_WAIT_MS, 2000, 4000]);
    assert.equal(server.requests.length, 4);
  });

  it("counts an owner whose delivery keeps failing, logs one line, and notifies the others", async () => {
    server = await startServer((_request, parsed) =>
      ownerIdOf(parsed) === "bob-id" ? { status: 500 } : { status: 200 },
    );
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const result = await notifyOwners(reports(), {
      url: `${server.base}/hook/SECRET-PATH?code=SECRET-QUERY`,
      log: (line) => lines.push(line),
      maxRetries: 2,
      sleep,
    });
    assert.deepEqual(result, { sent: 3, failed: 1 });
    assert.deepEqual(lines, ["notify: bob@contoso.com not notified: HTTP 500 after 3 attempts"]);
    assert.doesNotMatch(lines[0], /SECRET|127\.0\.0\.1|\?/);
    assert.deepEqual(waits, [1000, 2000]);
    const owners = server.requests.map((request) => ownerIdOf(JSON.parse(request.body)));
    assert.deepEqual(owners, ["alice-id", "bob-id", "bob-id", "bob-id", "carol-id", null]);
  });

  it("does not retry a 4xx answer other than 429, nor follow a redirect", async () => {
    server = await startServer((_request, parsed) =>
      ownerIdOf(parsed) === "alice-id"
        ? { status: 302, headers: { Location: "http://example.com/elsewhere" } }
        : { status: 400 },
    );
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const result = await notifyOwners(reports().slice(0, 2), {
      url: `${server.base}/hook`,
      log: (line) => lines.push(line),
      sleep,
    });
    assert.deepEqual(result, { sent: 0, failed: 2 });
    assert.deepEqual(lines, [
      "notify: alice@contoso.com not notified: HTTP 302",
      "notify: bob@contoso.com not notified: HTTP 400",
    ]);
    assert.deepEqual(waits, []);
    assert.equal(server.requests.length, 2);
  });

  it("gives up on a request after timeoutMs, without retrying, and goes on", async () => {
    server = await startServer((_request, parsed) =>
      ownerIdOf(parsed) === "alice-id" ? "hang" : { status: 200 },
    );
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const started = Date.now();
    const result = await notifyOwners(reports().slice(0, 2), {
      url: `${server.base}/hook`,
      log: (line) => lines.push(line),
      timeoutMs: 150,
      sleep,
    });
    const elapsed = Date.now() - started;
    assert.deepEqual(result, { sent: 1, failed: 1 });
    assert.deepEqual(lines, ["notify: alice@contoso.com not notified: no answer within 150 ms"]);
    assert.ok(elapsed >= 140 && elapsed < 5000, `took ${elapsed} ms`);
    assert.deepEqual(waits, []);
    assert.equal(server.requests.length, 2);
  });

  it("logs a network failure by its code, never the URL", async () => {
    // A port that was just free: nothing listens there any more.
    const closed = await startServer(() => ({ status: 200 }));
    const base = closed.base;
    await closed.close();
    const lines: string[] = [];
    const result = await notifyOwners([{ owner: null, findings: [finding({})] }], {
      url: `${base}/hook?token=SECRET`,
      log: (line) => lines.push(line),
      sleep: () => Promise.resolve(),
    });
    assert.deepEqual(result, { sent: 0, failed: 1 });
    assert.deepEqual(lines, ["notify: (no owner) not notified: request failed (ECONNREFUSED)"]);
  });

  it("escapes control and bidi characters of an owner's name in a log line", async () => {
    server = await startServer(() => ({ status: 500 }));
    const lines: string[] = [];
    await notifyOwners(
      [
        {
          owner: { id: "x", userPrincipalName: "eve\u202e\u001b[2J@contoso.com" },
          findings: [finding({})],
        },
      ],
      {
        url: `${server.base}/hook`,
        log: (line) => lines.push(line),
        maxRetries: 0,
      },
    );
    assert.equal(lines.length, 1);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(lines[0], /[\u0000-\u001f\u202e]/);
    assert.match(lines[0], /eve\\u\{202e\}/);
  });

  it("dry run: sends nothing and logs each document on one line of JSON", async () => {
    server = await startServer(() => ({ status: 200 }));
    const lines: string[] = [];
    const input = reports();
    input[1] = {
      owner: BOB,
      findings: [
        finding({ displayName: "bidi\u202egnp.exe\u2028next", objectType: "servicePrincipal" }),
      ],
    };
    const result = await notifyOwners(input, {
      url: `${server.base}/hook`,
      dryRun: true,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(result, { sent: 0, failed: 0 });
    assert.equal(server.requests.length, 0);
    assert.equal(lines.length, 4);
    for (const [index, line] of lines.entries()) {
      assert.doesNotMatch(line, /[\n\u2028\u202e]/);
      const parsed = JSON.parse(line) as unknown;
      assertOnlyAllowedKeys(parsed);
      assert.deepEqual(parsed, notificationDocument(input[index]));
    }
    assert.match(lines[1], /bidi\\u202egnp\.exe\\u2028next/);

    // No URL is needed for a dry run.
    const without: string[] = [];
    await notifyOwners(reports(), { dryRun: true, log: (line) => without.push(line) });
    assert.equal(without.length, 4);
  });

  it("accepts https and loopback http only, with a one-line error that hides the URL's key", async () => {
    for (const ok of [
      "https://example.webhook.office.com/webhookb2/x?y=z",
      "http://127.0.0.1:8080/hook",
      "http://127.8.9.10/hook",
      "http://localhost:3000/",
      "http://[::1]:9000/hook",
    ]) {
      assert.doesNotThrow(() => validateWebhookUrl(ok), ok);
    }
    for (const refused of [
      "http://example.com/hook?key=SECRET",
      "http://10.0.0.1/hook",
      "http://127.0.0.1.example.com/hook",
      "http://[::2]/hook",
      "ftp://127.0.0.1/hook",
      "file:///etc/passwd",
      "not a url SECRET",
    ]) {
      assert.throws(
        () => validateWebhookUrl(refused),
        (error: Error) =>
          !/SECRET|\n/.test(error.message) && /^notifications: /.test(error.message),
        refused,
      );
    }
    await assert.rejects(
      notifyOwners(reports(), { url: "http://example.com/hook", log: () => undefined }),
      /use https/,
    );
    await assert.rejects(notifyOwners(reports(), { log: () => undefined }), /no webhook URL/);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("1", now), 1000);
    assert.equal(parseRetryAfter(" 120 ", now), 120_000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter("-1", now), undefined);
    assert.equal(parseRetryAfter("soon", now), undefined);
  });
});
