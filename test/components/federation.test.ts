/**
 * Federated credentials: the config that builds them from each platform's documented forms and
 * refuses what Entra ID, Graph and the provider refuse (by name, with the rule's source), and what
 * the stack declares for a federated app (no password, no certificate, Key Vault keeps only the
 * client id and tenant id) and for an app in migration (both).
 */
import * as assert from "assert";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const FIC =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SECRET = "azure-native:keyvault:Secret";
const MI = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

function withApp(app: Record<string, unknown>): RawStackConfig {
  return { ...SAMPLE_CONFIG, apps: [app] };
}

function problemsOf(raw: RawStackConfig): string[] {
  try {
    parseStackConfig(raw, NOW);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

const DEPLOY = {
  name: "deployer",
  displayName: "Deployer",
  credential: "federated",
  federation: [
    { githubActions: { repository: "contoso/infra", environment: "prod" } },
    { githubActions: { repository: "contoso@123456/infra@456789", branch: "main" } },
    { githubActions: { repository: "contoso/infra", tag: "v1:2" } },
    {
      kubernetes: {
        issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/",
        namespace: "payments",
        serviceAccount: "orders",
      },
    },
    { managedIdentity: { principalId: MI.toUpperCase() } },
    {
      issuer: "https://accounts.google.com",
      subject: "1234567890",
      audience: "api://AzureADTokenExchangeUSGov",
    },
  ],
};

describe("federated credentials in config", () => {
  it("builds the documented issuer, subject and audience for each form, with stable names", () => {
    const [app] = parseStackConfig(withApp(DEPLOY), NOW).apps;
    assert.strictEqual(app.credential, "federated");
    assert.deepStrictEqual(
      app.federation.map((f) => [f.issuer, f.subject, f.audience]),
      [
        [
          "https://token.actions.githubusercontent.com",
          "repo:contoso/infra:environment:prod",
          "api://AzureADTokenExchange",
        ],
        [
          "https://token.actions.githubusercontent.com",
          "repo:contoso@123456/infra@456789:ref:refs/heads/main",
          "api://AzureADTokenExchange",
        ],
        [
          "https://token.actions.githubusercontent.com",
          "repo:contoso/infra:ref:refs/tags/v1%3A2",
          "api://AzureADTokenExchange",
        ],
        [
          "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/",
          "system:serviceaccount:payments:orders",
          "api://AzureADTokenExchange",
        ],
        [undefined, MI, "api://AzureADTokenExchange"],
        ["https://accounts.google.com", "1234567890", "api://AzureADTokenExchangeUSGov"],
      ],
    );
    const names = app.federation.map((f) => f.name);
    for (const name of names) assert.match(name, /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
    assert.strictEqual(new Set(names).size, names.length);
    assert.strictEqual(names[0], "github-contoso-infra-environment-prod");
    assert.deepStrictEqual(
      parseStackConfig(withApp(DEPLOY), NOW).apps[0].federation.map((f) => f.name),
      names,
      "the same entries get the same names",
    );
  });

  it("refuses 21 credentials on one app, naming the limit and its source", () => {
    const federation = Array.from({ length: 21 }, (_, i) => ({
      githubActions: { repository: "contoso/infra", environment: `env${i}` },
    }));
    const problems = problemsOf(withApp({ ...DEPLOY, federation }));
    assert.deepStrictEqual(problems, [
      'app-credentials:apps[0].federation: "21 entries" is invalid; an application holds at most 20 federated identity credentials (Microsoft Entra, Configure an app to trust an external identity provider (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust))',
    ]);
  });

  it("refuses a duplicate (issuer, subject) pair and an http issuer, by name", () => {
    const problems = problemsOf(
      withApp({
        ...DEPLOY,
        federation: [
          { githubActions: { repository: "contoso/infra", environment: "prod" } },
          {
            issuer: "https://token.actions.githubusercontent.com",
            subject: "repo:contoso/infra:environment:prod",
          },
          { issuer: "http://issuer.example.com", subject: "x" },
        ],
      }),
    );
    assert.match(
      problems.find((p) => p.startsWith("app-credentials:apps[0].federation[1]:")) ?? "",
      /the combination of issuer and subject must be unique within the app \(Microsoft Graph, federatedIdentityCredential resource .*\); apps\[0\]\.federation\[0\] has it already/,
    );
    assert.match(
      problems.find((p) => p.startsWith("app-credentials:apps[0].federation[2].issuer:")) ?? "",
      /"http:\/\/issuer\.example\.com" is invalid; expected the issuer's https URL, exactly as the tokens' iss claim carries it .*OpenID Connect Discovery/,
    );
  });

  it("refuses a GitHub subject that trusts every pull request, naming the policy the pack would", () => {
    const problems = problemsOf(
      withApp({
        ...DEPLOY,
        federation: [{ githubActions: { repository: "contoso/infra", pullRequest: true } }],
      }),
    );
    assert.match(
      problems[0],
      /^app-credentials:apps\[0\]\.federation\[0\]\.githubActions\.pullRequest: true is invalid; subject "repo:contoso\/infra:pull_request" trusts every pull request's workflow.*Fix: trust a protected environment .*\(federated-credential-subject-scope\)$/,
    );
  });

  it("refuses names, subjects and forms Entra ID refuses, and federation on a service principal", () => {
    const problems = problemsOf({
      ...SAMPLE_CONFIG,
      apps: [
        {
          ...DEPLOY,
          federation: [
            { name: "x", githubActions: { repository: "contoso/infra", environment: "prod" } },
            { issuer: "https://issuer.example.com", subject: "team/*" },
            { issuer: " https://issuer.example.com", subject: "a" },
            { githubActions: { repository: "not a repo", branch: "main" } },
            {
              kubernetes: {
                issuer: "https://k8s.example.com",
                namespace: "Payments",
                serviceAccount: "a",
              },
            },
            { managedIdentity: { principalId: "me" } },
            { githubActions: { repository: "contoso/infra", environment: "prod", branch: "main" } },
            { issuer: "https://issuer.example.com" },
          ],
        },
        {
          name: "consented",
          existing: { servicePrincipalObjectId: "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d" },
          federation: [{ githubActions: { repository: "contoso/infra", environment: "prod" } }],
        },
        { name: "nothing", credential: "federated" },
      ],
    });
    const expect = (field: string, pattern: RegExp) => {
      const problem = problems.find((p) => p.startsWith(`app-credentials:${field}:`));
      assert.ok(problem, `no problem for ${field} in:\n${problems.join("\n")}`);
      assert.match(problem, pattern);
    };
    expect("apps[0].federation[0].name", /3–120 letters, digits, '-' or '_'/);
    expect("apps[0].federation[1].subject", /wildcards are not supported/);
    expect("apps[0].federation[2].issuer", /without leading or trailing spaces/);
    expect(
      "apps[0].federation[3].githubActions.repository",
      /expected org\/repo, or GitHub's immutable form/,
    );
    expect("apps[0].federation[4].kubernetes.namespace", /RFC 1123 label/);
    expect("apps[0].federation[5].managedIdentity.principalId", /user-assigned managed identity/);
    expect(
      "apps[0].federation[6].githubActions",
      /exactly one of environment, branch, tag or pullRequest/,
    );
    expect("apps[0].federation[7].subject", /\(missing\) is invalid; expected non-empty text/);
    expect("apps[1].federation", /added to an application .* not to a service principal/);
    expect("apps[2].federation", /credential: federated needs at least one federated credential/);
  });
});

describe("federated credentials in the stack", () => {
  it("declares a federated app's credentials and no password; Key Vault keeps only client id and tenant id", async () => {
    const run = await runStack(withApp(DEPLOY), NOW);
    assert.deepStrictEqual(run.failures, []);
    const fics = run.registrations.filter((r) => r.type === FIC);
    assert.strictEqual(fics.length, 6);
    for (const fic of fics) {
      assert.match(String(fic.inputs.applicationId), /^\/applications\//);
      assert.strictEqual((fic.inputs.audiences as string[]).length, 1);
    }
    const mi = fics.find((f) => f.inputs.subject === MI);
    assert.match(
      String(mi?.inputs.issuer),
      /^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/,
    );
    assert.strictEqual(run.registrations.filter((r) => r.type === PASSWORD).length, 0);
    assert.deepStrictEqual(
      run.registrations
        .filter((r) => r.type === SECRET)
        .map((r) => r.inputs.secretName)
        .sort(),
      ["deployer-client-id", "deployer-tenant-id"],
    );
    const expires = run.registrations
      .filter((r) => r.type === SECRET)
      .map((r) => (r.inputs.properties as { attributes: { expires: number } }).attributes.expires);
    assert.ok(
      expires.every((e) => e * 1000 > NOW),
      "the secrets still expire, on the schedule's end date",
    );
    const outputs = run.outputs.apps.deployer;
    assert.strictEqual(outputs.activeKeyId, undefined);
    assert.strictEqual(outputs.federatedCredentials?.length, 6);
  });

  it("an app in migration keeps its passwords beside its federated credentials", async () => {
    const run = await runStack(
      withApp({
        name: "orders-api",
        displayName: "Orders API",
        federation: [{ managedIdentity: { principalId: MI } }],
      }),
      NOW,
    );
    assert.strictEqual(run.registrations.filter((r) => r.type === PASSWORD).length, 2);
    assert.strictEqual(run.registrations.filter((r) => r.type === FIC).length, 1);
    assert.ok(run.registrations.some((r) => r.inputs.secretName === "orders-api-client-secret"));
  });
});
