/**
 * `--graph` against a fake Microsoft Graph on 127.0.0.1 (test/audit/fakeGraph.ts): the real
 * @microsoft/microsoft-graph-client does the requests, paging, retries and error handling; only the
 * token comes from a fixed TokenCredential.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";
import { AuditDeps } from "../../tools/audit/cli";
import { FakeGraph, FakeGraphOptions, startFakeGraph } from "./fakeGraph";
import {
  APPS,
  audit,
  FIXTURES,
  fixedToken,
  NOW,
  SERVICE_PRINCIPALS,
  SAMPLE_TENANT,
} from "./helpers";

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
      graph: { pageSize: 2, maxRetries: 2, fetchOptions: server.fetchOptions },
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
    // 9 applications and 5 service principals, 2 per page; the app management policies; then the
    // applications' federated credentials in one $batch, and the owners in another.
    const lists = requests.filter((r) => !r.batched && r.path !== "/v1.0/$batch");
    assert.deepEqual(
      lists.map((r) => [r.path, r.status]),
      [
        ...Array(5).fill(["/v1.0/applications", 200]),
        ...Array(3).fill(["/v1.0/servicePrincipals", 200]),
        ["/v1.0/policies/defaultAppManagementPolicy", 200],
        ["/v1.0/policies/appManagementPolicies", 200],
      ],
    );
    assert.equal(requests.filter((r) => r.path === "/v1.0/$batch").length, 2);
    assert.equal(
      requests.filter((r) => r.batched && r.path.endsWith("/federatedIdentityCredentials")).length,
      9,
    );
    for (const r of lists.slice(0, 8)) {
      // Applications also give their creation date (app management policies are dated by it).
      const select = r.path === "/v1.0/applications" ? `${SELECT},createdDateTime` : SELECT;
      assert.equal(r.query.get("$select"), select);
    }
    for (const r of requests) assert.equal(r.authorization, "Bearer fake-token");
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
    assert.equal(
      requests.filter((r) => /^\/v1\.0\/(applications|servicePrincipals)$/.test(r.path)).length,
      9,
    );
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
      /^audit: Microsoft Graph GET \/applications at https:\/\/127\.0\.0\.1:\d+ still answered 429 after at most 2 retries .*try again later$/,
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
      /^audit: Microsoft Graph refused the token for GET \/applications at https:\/\/127\.0\.0\.1:\d+ \(401 Unauthorized\) \(Graph says: InvalidAuthenticationToken: Access token validation failure\.\)\. The audit needs Application\.Read\.All: sign in again/,
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
      /@odata\.nextLink "https:\/\/127\.0\.0\.2:1\/v1\.0\/applications\?.*" is not under https:\/\/127\.0\.0\.1:\d+\/v1\.0\/; refusing to follow it/,
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
      /^audit: cannot get a token for Microsoft Graph \(https:\/\/127\.0\.0\.1:\d+\/\.default\): sign in \(az login, .*\) as an identity with Application\.Read\.All\. The credential said: DefaultAzureCredential failed to retrieve a token\. EnvironmentCredential is unavailable\.$/m,
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

describe("audit: --graph, app management policies and the beta sign-in report", () => {
  const tenant = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, "tenant-policies.json"), "utf8"),
  ) as {
    applications: Record<string, unknown>[];
    servicePrincipals: Record<string, unknown>[];
    defaultAppManagementPolicy: Record<string, unknown>;
    appManagementPolicies: { value: Record<string, unknown>[] };
  };
  const activityFile = path.join(FIXTURES, "credential-activity.json");
  const activity = parseCredentialActivityTextAsJson(fs.readFileSync(activityFile, "utf8"));
  let server: FakeGraph | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function live(options: Partial<FakeGraphOptions>, args: string[]) {
    server = await startFakeGraph({
      applications: tenant.applications,
      servicePrincipals: tenant.servicePrincipals,
      defaultAppManagementPolicy: tenant.defaultAppManagementPolicy,
      appManagementPolicies: tenant.appManagementPolicies.value,
      credentialActivity: activity,
      ...options,
    });
    return audit(["--graph", "--now", NOW, ...args], {
      env: { APP_CREDENTIALS_GRAPH_URL: server.url },
      credential: fixedToken(),
      graph: { pageSize: 2, maxRetries: 2, activityPageSize: 2, fetchOptions: server.fetchOptions },
    });
  }

  it("reads the policies and the beta report (paged, a 429 waited out) and finds what the files give", async () => {
    const started = Date.now();
    const run = await live({ throttleActivityOnce: { retryAfter: "1" }, policyPageSize: 1 }, [
      "--credential-activity",
      "--json",
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(Date.now() - started >= 1000, "waited the Retry-After second");
    assert.equal(
      run.stderr,
      "audit: Microsoft Graph answered 429 for /beta/reports/appCredentialSignInActivities; retrying after 1 s (Retry-After)\n",
    );
    const requests = server?.requests ?? [];
    const report = requests.filter((r) => r.path === "/beta/reports/appCredentialSignInActivities");
    // 5 entries, 2 per page; the second page answered 429 once, then served.
    assert.deepEqual(
      report.map((r) => r.status),
      [200, 429, 200, 200],
    );
    assert.equal(report[0].query.get("$top"), "2");
    const policies = requests.filter((r) => r.path === "/v1.0/policies/appManagementPolicies");
    assert.deepEqual(
      policies.map((r) => [r.query.get("$expand"), r.status]),
      [
        ["appliesTo", 200],
        ["appliesTo", 200],
      ],
    );
    assert.equal(
      requests.filter((r) => r.path === "/v1.0/policies/defaultAppManagementPolicy").length,
      1,
    );
    const offline = await audit([
      "--tenant",
      path.join(FIXTURES, "tenant-policies.json"),
      "--credential-activity",
      activityFile,
      "--now",
      NOW,
      "--json",
    ]);
    type Document = {
      findings: { policy: string }[];
      summary: { appManagementPolicies: unknown; credentialActivity: { source: string } };
    };
    const liveDocument = JSON.parse(run.stdout) as Document;
    const offlineDocument = JSON.parse(offline.stdout) as Document;
    assert.deepEqual(
      liveDocument.findings.filter((f) => f.policy !== "credential-owner-missing"),
      offlineDocument.findings,
    );
    assert.deepEqual(
      liveDocument.summary.appManagementPolicies,
      offlineDocument.summary.appManagementPolicies,
    );
    assert.match(liveDocument.summary.credentialActivity.source, /beta/);
  });

  it("a policy applied to 20 objects or more is read from its appliesTo list, paged", async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      "@odata.type": "#microsoft.graph.application",
      id: `a2${String(i).padStart(6, "0")}-0000-4000-8000-000000000000`,
    }));
    const policy = { ...tenant.appManagementPolicies.value[1], appliesTo: many };
    const run = await live({ appManagementPolicies: [policy], appliesToPageSize: 10 }, ["--json"]);
    assert.equal(run.code, 1, run.stderr);
    const applied = (server?.requests ?? []).filter((r) => r.path.endsWith("/appliesTo"));
    // 25 objects, 10 per page: three pages, the later ones through their nextLink.
    assert.equal(applied.length, 3);
    assert.equal(applied[0].query.get("$select"), "id");
    assert.equal(applied[0].query.get("$skiptoken"), null);
    assert.notEqual(applied[2].query.get("$skiptoken"), null);
    const summary = (
      JSON.parse(run.stdout) as {
        summary: { appManagementPolicies: { appPolicies: { appliesTo: unknown[] }[] } };
      }
    ).summary;
    assert.equal(summary.appManagementPolicies.appPolicies[0].appliesTo.length, 25);
  });

  it("a 403 on the policies is one line naming Policy.Read.All; --no-app-management-policies does without", async () => {
    const run = await live({ forbiddenPaths: ["/v1.0/policies/"] }, []);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^audit: Microsoft Graph denied GET \/policies\/defaultAppManagementPolicy at https:\/\/127\.0\.0\.1:\d+ \(403 Forbidden\) \(Graph says: Authorization_RequestDenied: .*\)\. The identity lacks Policy\.Read\.All: grant it \(admin consent\) or use an identity that has it; or pass --no-app-management-policies to audit without the tenant's policies\n$/,
    );
    await server?.close();
    const without = await live({ forbiddenPaths: ["/v1.0/policies/"] }, [
      "--no-app-management-policies",
      "--json",
    ]);
    assert.equal(without.code, 1, without.stderr);
    assert.equal(
      (JSON.parse(without.stdout) as { summary: { appManagementPolicies: unknown } }).summary
        .appManagementPolicies,
      null,
    );
  });

  it("a 403 on the beta report is one line naming AuditLog.Read.All", async () => {
    const run = await live({ forbiddenPaths: ["/beta/"] }, ["--credential-activity", "--json"]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^audit: Microsoft Graph denied GET \/beta\/reports\/appCredentialSignInActivities \(beta API\) at https:\/\/127\.0\.0\.1:\d+ \(403 Forbidden\) .*The identity lacks AuditLog\.Read\.All: grant it \(admin consent\) or use an identity that has it; the report also needs a Microsoft Entra ID P1 or P2 license\. Or drop --credential-activity\n$/,
    );
    assert.deepEqual(JSON.parse(run.stdout), {
      error: { message: run.stderr.slice("audit: ".length).trimEnd() },
      summary: { exitCode: 2 },
    });
  });
});

/** The entries of the activity fixture (a list of pages) as the fake serves them. */
function parseCredentialActivityTextAsJson(text: string): Record<string, unknown>[] {
  return (JSON.parse(text) as { value: Record<string, unknown>[] }[]).flatMap((page) => page.value);
}
