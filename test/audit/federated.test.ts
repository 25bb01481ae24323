/**
 * Federated identity credentials in the tenant audit (tools/audit/federated.ts): read offline from
 * `--federated-credentials FILE` (keyed by appId, or a list of `{applicationId, value}`) or live from
 * a fake Graph (`GET /applications/{id}/federatedIdentityCredentials`, batched, paged, throttled);
 * judged as the pack judges them (`federated-credential-subject-scope`,
 * `federated-credential-trust-advisory`), with levels from the shared policy configuration; an
 * application that still holds secrets or certificates beside them
 * (`credential-federation-migration-incomplete`); tenant text neutralised in the table, exact in JSON.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { APPLICATION_FEDERATED_IDENTITY_CREDENTIAL as FEDERATED_CREDENTIAL } from "../../policy/core/resource-types";
import { federatedCredentialSubjectScope } from "../../policy/policies/federated-credential-subject-scope";
import { federatedCredentialTrustAdvisory } from "../../policy/policies/federated-credential-trust-advisory";
import { FakeGraph, startFakeGraph } from "./fakeGraph";
import {
  APPS,
  audit,
  FIXTURES,
  fixedToken,
  NOW,
  SAMPLE_TENANT,
  SERVICE_PRINCIPALS,
  tempFile,
} from "./helpers";
import { runResource } from "../policy/helpers";

const FILE = path.join(FIXTURES, "federated-credentials.json");
const WITH_FILE = [...SAMPLE_TENANT, "--federated-credentials", FILE];
const FLEXIBLE =
  "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential";
/** Characters a terminal acts on: C0 (but the newline), DEL, C1, bidi overrides and isolates. */
const RAW =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

interface Finding {
  objectType: string;
  displayName: string;
  objectId: string;
  appId: string;
  credentialType: string;
  keyId: string;
  endDateTime: string | null;
  policy: string;
  level: string;
  message: string;
}
interface Document {
  findings: Finding[];
  summary: {
    byPolicy: Record<string, number>;
    warnings: string[];
    exitCode: number;
    federatedCredentials: {
      source: string;
      applications: number;
      credentials: number;
      migrationsIncomplete: number;
    } | null;
  };
  federatedCredentials?: {
    objectId: string;
    appId: string;
    displayName: string;
    credentials: {
      id: string;
      name: string;
      subject: string | null;
      claimsMatchingExpression: string | null;
      findings: { policy: string; level: string }[];
    }[];
  }[];
}

const fixture = JSON.parse(fs.readFileSync(FILE, "utf8")) as Record<string, unknown>;
const applications = JSON.parse(fs.readFileSync(APPS, "utf8")) as Record<string, unknown>[];
const servicePrincipals = (
  JSON.parse(fs.readFileSync(SERVICE_PRINCIPALS, "utf8")) as { value: Record<string, unknown>[] }
).value;

const federatedOf = (d: Document) => d.findings.filter((f) => f.credentialType === "federated");
const byPolicy = (findings: Finding[], policy: string) =>
  findings.filter((f) => f.policy === policy);

describe("audit: federated identity credentials", () => {
  describe("offline, --federated-credentials FILE", () => {
    it("judges each credential as the pack does and reports the applications still holding secrets", async () => {
      const run = await audit([...WITH_FILE, "--json"]);
      assert.equal(run.code, 1, run.stderr);
      const document = JSON.parse(run.stdout) as Document;
      assert.deepEqual(Object.keys(document), ["findings", "summary", "federatedCredentials"]);
      assert.deepEqual(document.summary.federatedCredentials, {
        source: `--federated-credentials ${FILE}`,
        applications: 4,
        credentials: 5,
        migrationsIncomplete: 3,
      });
      const federated = federatedOf(document);
      assert.deepEqual(
        federated.map((f) => [f.keyId.slice(0, 8), f.policy, f.level, f.endDateTime]),
        [
          ["f0000101", "federated-credential-subject-scope", "mandatory", null],
          ["f0000501", "federated-credential-trust-advisory", "advisory", null],
          ["f0000401", "federated-credential-trust-advisory", "advisory", null],
        ],
      );
      assert.match(
        federated[0].message,
        /^application "Legacy Portal" \(appId b0000100-\S+\) federated credential f0000101-\S+ \("github-contoso-portal-pull-request"\): subject "repo:contoso\/portal:pull_request" trusts every pull request's workflow in contoso\/portal.*Fix: trust a protected environment/,
      );
      // Both of the managed identity credential's findings in one message: http issuer, audience.
      assert.match(federated[1].message, /plain http.*; audience "api:\/\/custom-audience"/);
      assert.match(federated[2].message, /matches any repository \('repo:contoso\/\*'\)/);
      // The mandatory finding comes with the rows holding mandatory findings, before the rows
      // with advisory findings only (the expired secret's).
      const index = (policy: string) => document.findings.findIndex((f) => f.policy === policy);
      assert.ok(index("federated-credential-subject-scope") < index("credential-expired"));
      assert.ok(index("federated-credential-trust-advisory") > index("credential-expired"));

      const migration = byPolicy(document.findings, "credential-federation-migration-incomplete");
      assert.deepEqual(
        migration.map((f) => [f.objectType, f.displayName, f.credentialType, f.level]),
        [
          ["application", "Reporting job", "password", "advisory"],
          ["servicePrincipal", "CRM Connector", "password", "advisory"],
          ["application", "Legacy Portal", "certificate", "advisory"],
        ].map(([objectType, displayName, credentialType, level]) => [
          objectType,
          displayName,
          credentialType,
          level,
        ]),
      );
      assert.match(
        migration[2].message,
        /has 2 federated credentials \("github-contoso-portal-pull-request", "github-contoso-portal-environment-prod"\) and still holds 1 client secret and 1 certificate that can sign in \(keyId c0ffee00-0100-\S+, cafe0001-\S+\).*az ad app credential delete --id b0000100-/,
      );
      assert.match(
        migration[1].message,
        /^service principal "CRM Connector" .* holds 1 client secret .*, although its application has 1 federated credential \("mi-crm-sync"\).*az ad sp credential delete --id d0000100-/,
      );
      // "No credentials" is federated only: its credential has no finding, and nothing to migrate.
      const clean = document.federatedCredentials?.find((a) => a.displayName === "No credentials");
      assert.deepEqual(
        clean?.credentials.map((c) => [c.name, c.findings]),
        [["k8s-payments-worker-1a2b3c4d", []]],
      );
      // Keyed by object id in the file (CRM Connector) as by appId; the unknown key is a warning.
      assert.ok(document.federatedCredentials?.some((a) => a.displayName === "CRM Connector"));
      assert.deepEqual(document.summary.warnings, [
        `--federated-credentials ${FILE}: $["c9999999-0000-4000-8000-000000000000"]: 1 federated credential of application c9999999-0000-4000-8000-000000000000, which is not among the audited applications: not judged (export the applications and their federated credentials from the same tenant)`,
      ]);
      const flexible = document.federatedCredentials
        ?.flatMap((a) => a.credentials)
        .find((c) => c.name === "flexible-any-repository");
      assert.equal(flexible?.subject, null);
      assert.equal(flexible?.claimsMatchingExpression, "claims['sub'] matches 'repo:contoso/*'");
    });

    it("lists them in the table after the credentials, and says when they were not read", async () => {
      const run = await audit(WITH_FILE);
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stdout.split("\n");
      const at = lines.findIndex((l) => l.startsWith("Federated credentials ("));
      assert.match(
        lines[at],
        /; they never expire\): 5 credentials on 4 applications, 3 applications still holding secrets or certificates\.$/,
      );
      assert.match(
        lines[at + 1],
        /^Display name\s+appId\s+Federated credential\s+Issuer\s+Subject \(or expression\)\s+Audience\s+Findings$/,
      );
      assert.match(
        lines[at + 2],
        /^Legacy Portal\s+b0000100-\S+\s+github-contoso-portal-pull-request\s+https:\/\/token\.actions\.githubusercontent\.com\s+repo:contoso\/portal:pull_request\s+api:\/\/AzureADTokenExchange\s+federated-credential-subject-scope\*$/,
      );
      assert.match(run.stdout, /\n {2}federated-credential-subject-scope\s+1 {2}mandatory /);
      assert.match(run.stdout, /credential-federation-migration-incomplete\s+3 {2}advisory /);
      assert.doesNotMatch(run.stdout, /Federated credentials not read/);
      const only = await audit([...WITH_FILE, "--only-findings"]);
      assert.doesNotMatch(only.stdout, /k8s-payments-worker/);
      assert.match(only.stdout, /flexible-any-repository/);

      const without = await audit(SAMPLE_TENANT);
      assert.match(
        without.stdout,
        /\nFederated credentials not read \(--federated-credentials FILE, or --graph\): federated-credential-subject-scope, federated-credential-trust-advisory and credential-federation-migration-incomplete were not judged\.\n/,
      );
    });

    it("takes the list form [{applicationId, value}] and Graph's pages as values", async () => {
      const list = Object.entries(fixture).map(([applicationId, value]) => ({
        applicationId,
        value: Array.isArray(value) ? { value } : value,
      }));
      const run = await audit([
        ...SAMPLE_TENANT,
        "--federated-credentials",
        tempFile("list.json", list),
        "--json",
      ]);
      assert.equal(run.code, 1, run.stderr);
      const expected = JSON.parse((await audit([...WITH_FILE, "--json"])).stdout) as Document;
      const document = JSON.parse(run.stdout) as Document;
      assert.deepEqual(document.findings, expected.findings);
      assert.deepEqual(document.federatedCredentials, expected.federatedCredentials);
    });

    it("takes each policy's level from the shared --policy-pack-config", async () => {
      const quiet = {
        "credential-unmanaged": "disabled",
        "credential-max-lifetime": "disabled",
      };
      const strict = await audit([
        ...WITH_FILE,
        "--json",
        "--policy-pack-config",
        tempFile("p.json", { ...quiet, "credential-federation-migration-incomplete": "mandatory" }),
      ]);
      assert.equal(strict.code, 1, "the pull-request subject is mandatory");
      const strictDocument = JSON.parse(strict.stdout) as Document;
      assert.ok(
        byPolicy(strictDocument.findings, "credential-federation-migration-incomplete").every(
          (f) => f.level === "mandatory",
        ),
      );
      const lenient = await audit([
        ...WITH_FILE,
        "--json",
        "--policy-pack-config",
        tempFile("p.json", {
          ...quiet,
          "federated-credential-subject-scope": "advisory",
          "federated-credential-trust-advisory": "disabled",
          "credential-federation-migration-incomplete": "disabled",
        }),
      ]);
      assert.equal(lenient.code, 0, lenient.stderr);
      const document = JSON.parse(lenient.stdout) as Document;
      assert.deepEqual(
        federatedOf(document).map((f) => [f.policy, f.level]),
        [["federated-credential-subject-scope", "advisory"]],
      );
      assert.equal(
        document.summary.byPolicy["credential-federation-migration-incomplete"],
        undefined,
      );
      // The summary still counts the applications whose migration is not finished.
      assert.equal(document.summary.federatedCredentials?.migrationsIncomplete, 3);
    });

    it("--adopt does not put an app under rotation only because its migration is unfinished", async () => {
      const config = tempFile("p.json", {
        all: "disabled",
        "credential-federation-migration-incomplete": "advisory",
      });
      const run = await audit([...WITH_FILE, "--adopt", "--policy-pack-config", config]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /audit: 0 apps to adopt; 0 mandatory and 3 advisory findings/);
      assert.doesNotMatch(run.stdout, /existing:/);
    });

    it("agrees with the pack's own policies on every credential", async () => {
      const run = await audit([...WITH_FILE, "--json"]);
      const document = JSON.parse(run.stdout) as Document;
      for (const application of document.federatedCredentials ?? []) {
        for (const credential of application.credentials) {
          const raw = Object.values(fixture)
            .flatMap((v) => (Array.isArray(v) ? v : (v as { value: unknown[] }).value))
            .find((c) => (c as { id: string }).id === credential.id) as Record<string, unknown>;
          const expression = raw.claimsMatchingExpression as { value: string } | undefined;
          const [type, props] =
            expression === undefined
              ? [FEDERATED_CREDENTIAL, raw]
              : [
                  FLEXIBLE,
                  {
                    issuer: raw.issuer,
                    audience: (raw.audiences as string[])[0],
                    claimsMatchingExpression: expression.value,
                  },
                ];
          for (const policy of [
            federatedCredentialSubjectScope,
            federatedCredentialTrustAdvisory,
          ]) {
            const pack = await runResource(policy, type, "fic", props);
            const found = document.findings.filter(
              (f) => f.keyId === credential.id && f.policy === policy.name,
            );
            assert.equal(
              found.length,
              pack.length > 0 ? 1 : 0,
              `${credential.name} ${policy.name}`,
            );
            assert.equal(found[0]?.level ?? policy.enforcementLevel, policy.enforcementLevel);
            for (const message of pack) {
              // The pack's reason and fix, after its resource label.
              assert.ok(found[0].message.includes(message.slice(message.indexOf(": ") + 2, -1)));
            }
          }
        }
      }
    });

    it("shows tenant text escaped in the table and exact in JSON", async () => {
      const hostile = {
        "b0000600-0000-4000-8000-000000000000": [
          {
            id: "f0000602-0000-4000-8000-000000000000",
            name: "evil\u001b]0;owned\u0007name",
            issuer: "https://idp.example.com/\u202eevil",
            subject: "repo:o/r:pull_request\u001b[2J",
            description: "\u001b[31mred",
            audiences: ["api://AzureADTokenExchange\u0085"],
          },
        ],
      };
      const file = tempFile("hostile.json", hostile);
      const table = await audit([...SAMPLE_TENANT, "--federated-credentials", file]);
      assert.equal(table.code, 1, table.stderr);
      assert.doesNotMatch(table.stdout, RAW);
      assert.match(table.stdout, /evil\\u\{1b\}\]0;owned\\u\{7\}name/);
      const json = await audit([...SAMPLE_TENANT, "--federated-credentials", file, "--json"]);
      const document = JSON.parse(json.stdout) as Document;
      const credential = document.federatedCredentials?.[0].credentials[0];
      assert.equal(credential?.name, hostile["b0000600-0000-4000-8000-000000000000"][0].name);
      assert.equal(credential?.subject, "repo:o/r:pull_request\u001b[2J");
    });

    it("the per-owner report says a federated credential never expires", async () => {
      const owners = tempFile("owners.json", {
        "a0000100-0000-4000-8000-000000000000": [
          { id: "0f0f0f0f-0000-4000-8000-000000000001", userPrincipalName: "alice@contoso.com" },
        ],
      });
      const run = await audit([...WITH_FILE, "--owners", owners, "--by-owner"]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stdout,
        /\* federated-credential-subject-scope {2}application "Legacy Portal" \(appId b0000100-\S+\) federated f0000101-\S+, never expires\n/,
      );
    });

    it("refuses what it cannot read, naming the file, the JSON path and the option", async () => {
      const cases: [unknown, RegExp][] = [
        ["x", /: \$: expected an object \{"<appId>": \[/],
        [
          { "not-a-guid": [] },
          /: \$\["not-a-guid"\]: expected the application's appId \(a GUID\) as the key/,
        ],
        [
          {
            "b0000100-0000-4000-8000-000000000000": [
              {
                id: "f0000101-0000-4000-8000-000000000000",
                name: "n",
                subject: "s",
                audiences: [],
              },
            ],
          },
          /: \$\["b0000100-0000-4000-8000-000000000000"\]\[0\]\.issuer: expected a string, got nothing \(missing\)/,
        ],
        [
          {
            "b0000100-0000-4000-8000-000000000000": {
              value: [
                {
                  id: "f0000101-0000-4000-8000-000000000000",
                  name: "n",
                  issuer: "i",
                  subject: "s",
                  audiences: "api://x",
                },
              ],
            },
          },
          /\.value\[0\]\.audiences: expected a list of strings, got "api:\/\/x"/,
        ],
        [
          [{ applicationId: 42, value: [] }],
          /: \$\[0\]\.applicationId: expected the application's appId, a GUID, got number 42/,
        ],
        [
          {
            "b0000100-0000-4000-8000-000000000000": [],
            "a0000100-0000-4000-8000-000000000000": [],
          },
          /application "Legacy Portal" .* is listed twice .*: give each application's federated credentials once/,
        ],
      ];
      for (const [content, expected] of cases) {
        const file = tempFile("bad.json", typeof content === "string" ? `"${content}"` : content);
        const run = await audit([...SAMPLE_TENANT, "--federated-credentials", file]);
        assert.equal(run.code, 2, String(expected));
        assert.match(run.stderr, /^audit: --federated-credentials \S+/);
        assert.match(run.stderr, expected);
        assert.equal(run.stderr.split("\n").length, 2, "one line");
      }
      const noApps = await audit([
        "--service-principals",
        SERVICE_PRINCIPALS,
        "--federated-credentials",
        FILE,
      ]);
      assert.equal(noApps.code, 2);
      assert.match(noApps.stderr, /matched to the audited applications: give --apps FILE/);
      const negated = await audit([...SAMPLE_TENANT, "--no-federated-credentials"]);
      assert.equal(negated.code, 2);
      assert.match(negated.stderr, /--no-federated-credentials applies to --graph/);
      const both = await audit(["--graph", "--federated-credentials", FILE]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--graph reads the federated credentials live/);
    });
  });

  describe("live, --graph against a fake Graph", () => {
    let server: FakeGraph | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    /** The fixture keyed by object id, as Graph serves it; without the unknown application. */
    const byObjectId = (): Record<string, Record<string, unknown>[]> => {
      const served: Record<string, Record<string, unknown>[]> = {};
      for (const [key, value] of Object.entries(fixture)) {
        const app = applications.find((a) => a.appId === key || a.id === key);
        if (app === undefined) continue;
        served[app.id as string] = (
          Array.isArray(value) ? value : (value as { value: [] }).value
        ).map(
          // v1.0 lists no flexible credential's expression: served as the beta endpoint would.
          (c: Record<string, unknown>) => c,
        );
      }
      return served;
    };

    async function live(
      args: string[],
      options: Parameters<typeof startFakeGraph>[0] | object = {},
    ) {
      server = await startFakeGraph({
        applications,
        servicePrincipals,
        federatedCredentials: byObjectId(),
        federatedCredentialsPageSize: 1,
        ...options,
      });
      return audit(["--graph", "--no-app-management-policies", "--now", NOW, ...args], {
        env: { APP_CREDENTIALS_GRAPH_URL: server.url },
        credential: fixedToken(),
        graph: { pageSize: 2, maxRetries: 2, fetchOptions: server.fetchOptions },
      });
    }

    it("reads every application's credentials through $batch, paged, a 429 waited out; finds what the file gives", async () => {
      const started = Date.now();
      const run = await live(["--json"], { throttleFederatedOnce: { retryAfter: "1" } });
      assert.equal(run.code, 1, run.stderr);
      assert.ok(Date.now() - started >= 1000, "waited the Retry-After second");
      assert.match(
        run.stderr,
        /^audit: Microsoft Graph answered 429 for \/v1\.0\/applications\/a0000100-\S+\/federatedIdentityCredentials; retrying after 1 s \(Retry-After\)\n$/,
      );
      const requests = server?.requests ?? [];
      const inner = requests.filter(
        (r) => r.batched && r.path.endsWith("/federatedIdentityCredentials"),
      );
      // 9 applications; the throttled one again; Legacy Portal's second page (1 per page).
      assert.equal(new Set(inner.map((r) => r.path)).size, 9);
      assert.equal(inner.filter((r) => r.status === 429).length, 1);
      assert.equal(inner.filter((r) => r.query.get("$skiptoken") !== null).length, 1);
      for (const r of inner.filter((r) => r.query.get("$skiptoken") === null)) {
        assert.equal(r.query.get("$select"), "id,name,issuer,subject,description,audiences");
      }
      // The owners of "No credentials", which holds only a federated credential, are read too.
      assert.ok(
        requests.some(
          (r) => r.path === "/v1.0/applications/a0000600-0000-4000-8000-000000000000/owners",
        ),
      );
      const document = JSON.parse(run.stdout) as Document;
      const offline = JSON.parse((await audit([...WITH_FILE, "--json"])).stdout) as Document;
      // Graph v1.0 lists the flexible credential without its expression (beta only): nothing to
      // judge in it live; everything else as the file gives it.
      const FLEXIBLE_ID = "f0000401-0000-4000-8000-000000000000";
      const judged = (d: Document) =>
        d.findings.filter(
          (f) => f.policy !== "credential-owner-missing" && f.keyId !== FLEXIBLE_ID,
        );
      assert.deepEqual(judged(document), judged(offline));
      assert.ok(!document.findings.some((f) => f.keyId === FLEXIBLE_ID));
      const ids = (d: Document) =>
        (d.federatedCredentials ?? []).flatMap((a) => a.credentials.map((c) => c.id)).sort();
      assert.deepEqual(ids(document), ids(offline));
      assert.match(
        document.summary.federatedCredentials?.source ?? "",
        /^Microsoft Graph GET \/applications\/\{id\}\/federatedIdentityCredentials$/,
      );
    });

    it("--no-federated-credentials asks nothing about them", async () => {
      const run = await live(["--no-federated-credentials", "--json"]);
      assert.equal(run.code, 1, run.stderr);
      assert.ok(
        !(server?.requests ?? []).some((r) => r.path.endsWith("/federatedIdentityCredentials")),
      );
      const document = JSON.parse(run.stdout) as Document;
      assert.equal(document.summary.federatedCredentials, null);
      assert.equal(document.federatedCredentials, undefined);
    });

    it("a 403 on them is one line naming Application.Read.All", async () => {
      const run = await live(["--json"], { forbiddenPaths: ["/v1.0/$batch"] });
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /^audit: Microsoft Graph denied POST \/\$batch \(federated credentials\) at https:\/\/127\.0\.0\.1:\d+ \(403 Forbidden\) .*The identity lacks Application\.Read\.All/,
      );
    });
  });
});
