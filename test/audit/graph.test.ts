/**
 * `--graph` against a fake Microsoft Graph on 127.0.0.1 (test/audit/fakeGraph.ts): the real
 * @microsoft/microsoft-graph-client does the requests, paging, retries and error handling; only the
 * token comes from a fixed TokenCredential.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import type { TokenCredential } from "@azure/identity";
import { AuditDeps } from "../../tools/audit/cli";
import { FakeGraph, FakeGraphOptions, startFakeGraph } from "./fakeGraph";
import { APPS, audit, fixedToken, NOW, SERVICE_PRINCIPALS, SAMPLE_TENANT } from "./helpers";

const applications = JSON.parse(fs.readFileSync(APPS, "utf8")) as Record<string, unknown>[];
const servicePrincipals = (
  JSON.parse(fs.readFileSync(SERVICE_PRINCIPALS, "utf8")) as { value: Record<string, unknown>[] }
).value;

const SELECT = "id,appId,displayName,passwordCredentials,keyCredentials";

describe("audit: --graph against a fake Graph", () => {
  let server: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function graphAudit(
    options: Partial<FakeGraphOptions> = {},
    deps: AuditDeps = {},
    args: string[] = ["--json"],
  ) {
    server = await startFakeGraph({ applications, servicePrincipals, ...options });
    const credential = fixedToken();
    const run = await audit(["--graph", "--now", NOW, ...args], {
      env: { APP_CREDENTIALS_GRAPH_URL: server.url },
      credential,
      graph: { pageSize: 2, maxRetries: 2 },
      ...deps,
    });
    return { run, requests: server.requests, credential, url: server.url };
  }

  it("follows every nextLink and finds what the offline audit of the same tenant finds", async () => {
    const { run, requests, credential, url } = await graphAudit();
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, "");
    const offline = await audit([...SAMPLE_TENANT, "--json"]);
    // The same findings, except those only live owners give (the fake serves none): one
    // credential-owner-missing per object with credentials.
    const live = JSON.parse(run.stdout) as { findings: { policy: string }[]; summary: unknown };
    const owned = live.findings.filter((f) => f.policy !== "credential-owner-missing");
    assert.equal(live.findings.length - owned.length, 11);
    assert.deepEqual(owned, (JSON.parse(offline.stdout) as { findings: unknown[] }).findings);
    // 9 applications and 5 service principals, 2 per page; then the owners in one $batch.
    const lists = requests.filter((r) => !r.batched && r.path !== "/v1.0/$batch");
    assert.deepEqual(
      lists.map((r) => [r.path, r.status]),
      [
        ...Array(5).fill(["/v1.0/applications", 200]),
        ...Array(3).fill(["/v1.0/servicePrincipals", 200]),
      ],
    );
    assert.equal(requests.filter((r) => r.path === "/v1.0/$batch").length, 1);
    for (const r of lists) {
      assert.equal(r.query.get("$select"), SELECT);
      assert.equal(r.authorization, "Bearer fake-token");
    }
    assert.equal(requests[0].query.get("$skiptoken"), null);
    assert.match(requests[1].query.get("$skiptoken") ?? "", /\+/); // survived URL encoding
    assert.deepEqual([...new Set(credential.scopes)], [`${url}/.default`]);
  });

  it("waits Retry-After and retries a throttled page (429)", async () => {
    const started = Date.now();
    const { run, requests } = await graphAudit({ throttleOnce: { retryAfter: "1" } });
    assert.equal(run.code, 1, run.stderr);
    assert.ok(Date.now() - started >= 1000, "waited the Retry-After second");
    assert.deepEqual(
      requests.slice(0, 3).map((r) => r.status),
      [200, 429, 200],
    );
    assert.equal(requests[1].query.toString(), requests[2].query.toString());
    assert.equal(requests.filter((r) => !r.batched && r.path !== "/v1.0/$batch").length, 9);
    assert.equal(
      run.stderr,
      "audit: Microsoft Graph answered 429 for /v1.0/applications; retrying after 1 s (Retry-After)\n",
    );
    // 20 findings, and 11 credential-owner-missing (the fake serves no owners).
    assert.equal((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length, 31);
  });

  it("gives up after the bounded retries, exit 2", async () => {
    const { run, requests } = await graphAudit({ throttleAlways: { retryAfter: "0" } });
    assert.equal(run.code, 2);
    assert.equal(requests.length, 3); // the request and 2 retries
    assert.match(
      run.stderr.trim().split("\n").pop() ?? "",
      /^audit: Microsoft Graph GET \/applications at http:\/\/127\.0\.0\.1:\d+ still answered 429 after at most 2 retries .*try again later$/,
    );
  });

  it("does not wait when Retry-After exceeds the bound", async () => {
    const { run, requests } = await graphAudit({ throttleAlways: { retryAfter: "600" } });
    assert.equal(run.code, 2);
    assert.equal(requests.length, 1);
  });

  it("a refused token (401) is exit 2 naming Application.Read.All, one line, no token", async () => {
    const { run } = await graphAudit({ unauthorized: true }, {}, []);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^audit: Microsoft Graph refused the token for GET \/applications at http:\/\/127\.0\.0\.1:\d+ \(401 Unauthorized\) \(Graph says: InvalidAuthenticationToken: Access token validation failure\.\)\. The audit needs Application\.Read\.All: sign in again/,
    );
    assert.equal(run.stderr.split("\n").length, 2);
    assert.doesNotMatch(run.stderr, /fake-token/);
  });

  it("a token Graph does not accept is the same 401", async () => {
    const { run } = await graphAudit({}, { credential: fixedToken("expired") });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /refused the token .*Application\.Read\.All/);
  });

  it("a missing permission (403) is exit 2 naming Application.Read.All", async () => {
    const { run } = await graphAudit({ forbidden: true });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^audit: Microsoft Graph denied GET \/applications .*\(403 Forbidden\) \(Graph says: Authorization_RequestDenied: .*\)\. The identity lacks Application\.Read\.All/,
    );
    assert.deepEqual(JSON.parse(run.stdout).summary, { exitCode: 2 });
  });

  it("refuses a nextLink to another host", async () => {
    const { run, requests } = await graphAudit({ foreignNextLink: true });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /@odata\.nextLink "http:\/\/127\.0\.0\.2:1\/v1\.0\/applications\?.*" is not under http:\/\/127\.0\.0\.1:\d+\/v1\.0\/; refusing to follow it/,
    );
    assert.equal(requests.length, 1);
  });

  it("a credential that cannot give a token is exit 2 saying so", async () => {
    const failing: TokenCredential = {
      getToken: async () => {
        throw new Error(
          "DefaultAzureCredential failed to retrieve a token.\n  EnvironmentCredential is unavailable.",
        );
      },
    };
    const { run, requests } = await graphAudit({}, { credential: failing });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^audit: cannot get a token for Microsoft Graph \(http:\/\/127\.0\.0\.1:\d+\/\.default\): sign in \(az login, .*\) as an identity with Application\.Read\.All\. The credential said: DefaultAzureCredential failed to retrieve a token\. EnvironmentCredential is unavailable\.$/m,
    );
    assert.equal(run.stderr.split("\n").length, 2);
    assert.equal(requests.length, 0);
  });

  it("an unreachable Graph is exit 2 naming it", async () => {
    const closed = await startFakeGraph({ applications: [], servicePrincipals: [] });
    await closed.close();
    const run = await audit(["--graph"], {
      env: { APP_CREDENTIALS_GRAPH_URL: closed.url },
      credential: fixedToken(),
    });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `audit: cannot reach Microsoft Graph at ${closed.url}: ECONNREFUSED\n`,
    );
  });

  it("an invalid APP_CREDENTIALS_GRAPH_URL is exit 2 naming it", async () => {
    const run = await audit(["--graph"], {
      env: { APP_CREDENTIALS_GRAPH_URL: "http://graph.example.com" },
      credential: fixedToken(),
    });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^audit: APP_CREDENTIALS_GRAPH_URL: Graph base URL "http:\/\/graph\.example\.com" is not allowed: expected https:\/\/<host>/,
    );
  });
});
