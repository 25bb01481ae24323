/**
 * Federated sign-in end to end, offline: the stack declares an app's federated credentials (run
 * under the simulated Azure, test/support/runStack.ts), a fake Entra ID token service on
 * 127.0.0.1 over HTTPS holds them (./fakeEntra.ts), and the official client (@azure/identity's
 * `ClientAssertionCredential`, `WorkloadIdentityCredential`, `ManagedIdentityCredential`, with the
 * MSAL inside them, unmocked) exchanges a locally issued platform token for an access token.
 *
 * What is checked: the request the client sends (the client-credentials grant with the platform
 * token as a JWT-bearer client assertion, as MSAL builds it), that the assertion's issuer, subject
 * and audience are exactly those the stack declared for the entry (computed independently with
 * policy/core/federation.ts), and that getToken returns the access token the fake issued. The
 * fake refuses what Entra ID refuses (a different issuer, trailing slash included; a subject the
 * app does not trust), so the refusals are checked too.
 *
 * The fake's certificate is trusted through each credential's `tlsOptions: {ca}` only: no
 * process-wide TLS setting is changed. The managed identity case runs its consumer in a child
 * process (./managedIdentityConsumer.ts), which alone sees the managed identity endpoint variables.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AuthenticationRequiredError,
  ClientAssertionCredential,
  ClientAssertionCredentialOptions,
  WorkloadIdentityCredential,
} from "@azure/identity";
import {
  DEFAULT_FEDERATION_AUDIENCE,
  entraIssuer,
  GITHUB_ACTIONS_ISSUER,
  githubSubject,
  kubernetesSubject,
} from "../../policy/core";
import { SIMULATED_TENANT_ID } from "../../tools/offline/simulator/world";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";
import { FakeEntra, FederatedTrust, SeenEntraRequest, startFakeEntra } from "./fakeEntra";
import { decodeJwt, TestIssuer } from "./tokens";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = Date.parse("2026-11-21T12:00:00Z");
const FIC =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const APPLICATION = "azuread:index/application:Application";
/** An AKS OIDC issuer, as AKS writes it: with a trailing slash. */
const AKS_ISSUER =
  "https://westeurope.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-00000000c0de/5c3a1d9e-2b4f-4e6a-9c8d-7f0e1a2b3c4d/";
/** The user-assigned managed identity the app trusts: its object (principal) id and client id. */
const MI_PRINCIPAL = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const MI_CLIENT_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
/** What the consumers ask for once signed in as the app. */
const SCOPE = "https://graph.microsoft.com/.default";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Trusts in a fixed order (by issuer, then subject), to compare lists. */
function sorted(trusts: readonly FederatedTrust[]): FederatedTrust[] {
  const key = (t: FederatedTrust) => `${t.issuer}\u0000${t.subject}`;
  return [...trusts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The app: federated only, trusting one entry of each form. */
const APP = {
  name: "deployer",
  displayName: "Deployer",
  credential: "federated",
  federation: [
    { githubActions: { repository: "org/repo", environment: "prod" } },
    { githubActions: { repository: "org@123456/repo@456789", environment: "prod" } },
    { kubernetes: { issuer: AKS_ISSUER, namespace: "payments", serviceAccount: "worker" } },
    { managedIdentity: { principalId: MI_PRINCIPAL } },
  ],
};

describe("federated sign-in with @azure/identity against a fake Entra ID (HTTPS, 127.0.0.1)", function () {
  this.timeout(120_000);
  const github = new TestIssuer(GITHUB_ACTIONS_ISSUER);
  const aks = new TestIssuer(AKS_ISSUER);
  const tenantId = SIMULATED_TENANT_ID;
  let clientId = "";
  let declared: FederatedTrust[] = [];
  let fake: FakeEntra;
  let tmp = "";

  before(async () => {
    const run = await runStack({ ...SAMPLE_CONFIG, apps: [APP] }, NOW);
    assert.deepStrictEqual(run.failures, []);
    clientId = String(run.registrations.find((r) => r.type === APPLICATION)?.outputs.clientId);
    declared = run.registrations
      .filter((r) => r.type === FIC)
      .map((r) => ({
        issuer: String(r.inputs.issuer),
        subject: String(r.inputs.subject),
        audience: String((r.inputs.audiences as unknown[])[0]),
      }));
    fake = await startFakeEntra({
      tenantId,
      applications: { [clientId]: declared },
      issuers: [github, aks],
      managedIdentities: {
        header: "fake-identity-header",
        identities: [{ clientId: MI_CLIENT_ID, principalId: MI_PRINCIPAL }],
      },
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "federation-test-"));
  });

  after(async () => {
    await fake?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** What every credential needs to talk to the fake, and only to it. */
  function options(): ClientAssertionCredentialOptions {
    return {
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: fake.tlsOptions,
    };
  }

  /** The token requests received since `from` (an index into them). */
  function tokenRequestsSince(from: number): SeenEntraRequest[] {
    return fake.tokenRequests().slice(from);
  }

  /** Checks the one request MSAL sent for `assertion` and returns its assertion's claims. */
  function assertSentAssertion(
    request: SeenEntraRequest,
    assertion: string,
  ): Record<string, unknown> {
    assert.strictEqual(request.path, `/${tenantId}/oauth2/v2.0/token`);
    assert.strictEqual(request.form.get("grant_type"), "client_credentials");
    assert.strictEqual(request.form.get("client_assertion_type"), JWT_BEARER);
    assert.strictEqual(request.form.get("client_assertion"), assertion);
    assert.strictEqual(request.form.get("client_id"), clientId);
    assert.strictEqual(request.form.get("client_secret"), null, "no secret is sent");
    assert.ok(
      request.form.get("scope")?.split(" ").includes(SCOPE),
      request.form.get("scope") ?? "",
    );
    const decoded = decodeJwt(assertion);
    assert.ok(decoded);
    return decoded.payload;
  }

  it("the stack declares each form's documented issuer, subject and audience", () => {
    assert.match(clientId, /^[0-9a-f-]{36}$/);
    assert.deepStrictEqual(
      sorted(declared),
      sorted([
        {
          issuer: entraIssuer(tenantId),
          subject: MI_PRINCIPAL,
          audience: DEFAULT_FEDERATION_AUDIENCE,
        },
        {
          issuer: GITHUB_ACTIONS_ISSUER,
          subject: githubSubject("org/repo", { environment: "prod" }),
          audience: DEFAULT_FEDERATION_AUDIENCE,
        },
        {
          issuer: GITHUB_ACTIONS_ISSUER,
          subject: githubSubject("org@123456/repo@456789", { environment: "prod" }),
          audience: DEFAULT_FEDERATION_AUDIENCE,
        },
        {
          issuer: AKS_ISSUER,
          subject: kubernetesSubject("payments", "worker"),
          audience: DEFAULT_FEDERATION_AUDIENCE,
        },
      ]),
    );
    // The literal values, as GitHub and Entra document them.
    assert.strictEqual(GITHUB_ACTIONS_ISSUER, "https://token.actions.githubusercontent.com");
    assert.strictEqual(
      githubSubject("org/repo", { environment: "prod" }),
      "repo:org/repo:environment:prod",
    );
    assert.strictEqual(DEFAULT_FEDERATION_AUDIENCE, "api://AzureADTokenExchange");
  });

  for (const repository of ["org/repo", "org@123456/repo@456789"]) {
    it(`GitHub Actions (${repository}, environment prod): ClientAssertionCredential sends the job's token as the assertion and gets the access token`, async () => {
      const subject = githubSubject(repository, { environment: "prod" });
      // What GitHub's OIDC provider issues to a job of environment prod, for Entra's audience.
      const jobToken = github.mint(subject, DEFAULT_FEDERATION_AUDIENCE, {
        repository: repository.replace(/@\d+/g, ""),
        environment: "prod",
        ref: "refs/heads/main",
        event_name: "push",
      });
      const seen = fake.tokenRequests().length;
      const credential = new ClientAssertionCredential(
        tenantId,
        clientId,
        async () => jobToken,
        options(),
      );
      const token = await credential.getToken(SCOPE);

      const [request, ...more] = tokenRequestsSince(seen);
      assert.strictEqual(more.length, 0);
      const claims = assertSentAssertion(request, jobToken);
      assert.deepStrictEqual(
        [claims.iss, claims.sub, claims.aud],
        [GITHUB_ACTIONS_ISSUER, subject, DEFAULT_FEDERATION_AUDIENCE],
      );
      assert.ok(
        declared.some(
          (d) => d.issuer === claims.iss && d.subject === claims.sub && d.audience === claims.aud,
        ),
      );
      assert.deepStrictEqual(request.outcome, { accessToken: token.token });
      assert.match(token.token, /^fake-access-token-\d+-for-/);
      assert.ok(token.expiresOnTimestamp > Date.now());
    });
  }

  it("every request stayed on the fake: MSAL read the tenant's metadata there, then the token endpoint", () => {
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(
      paths.includes(`GET /${tenantId}/v2.0/.well-known/openid-configuration`),
      paths.join("\n"),
    );
    assert.ok(paths.includes(`POST /${tenantId}/oauth2/v2.0/token`), paths.join("\n"));
  });

  it("the fake is trusted only by a client given its certificate authority", async () => {
    const seen = fake.requests.length;
    const untrusting = new ClientAssertionCredential(
      tenantId,
      clientId,
      async () =>
        github.mint(
          githubSubject("org/repo", { environment: "prod" }),
          DEFAULT_FEDERATION_AUDIENCE,
        ),
      { authorityHost: fake.url, disableInstanceDiscovery: true, retryOptions: { maxRetries: 0 } },
    );
    // TLS verification stays on: the self-signed certificate is refused before any request.
    await assert.rejects(untrusting.getToken(SCOPE), /endpoints_resolution_error/);
    assert.strictEqual(fake.requests.length, seen);
  });

  it("an issuer that differs only by a trailing slash is refused (issuers match exactly)", async () => {
    const slashed = new TestIssuer(`${GITHUB_ACTIONS_ISSUER}/`);
    const jobToken = slashed.mint(
      githubSubject("org/repo", { environment: "prod" }),
      DEFAULT_FEDERATION_AUDIENCE,
    );
    const seen = fake.tokenRequests().length;
    const credential = new ClientAssertionCredential(
      tenantId,
      clientId,
      async () => jobToken,
      options(),
    );
    await assert.rejects(credential.getToken(SCOPE), (error: unknown) => {
      // A refused assertion surfaces as @azure/identity's AuthenticationRequiredError.
      assert.ok(error instanceof AuthenticationRequiredError, String(error));
      assert.match(
        error.message,
        /AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: 'https:\/\/token\.actions\.githubusercontent\.com\/'/,
      );
      return true;
    });
    const [request] = tokenRequestsSince(seen);
    assertSentAssertion(request, jobToken);
    assert.deepStrictEqual((request.outcome as { refused: number }).refused, 70021);
  });

  it("a pull request's job cannot sign in: no credential trusts repo:org/repo:pull_request", async () => {
    const prToken = github.mint(
      githubSubject("org/repo", { pullRequest: true }),
      DEFAULT_FEDERATION_AUDIENCE,
      {
        event_name: "pull_request",
      },
    );
    const credential = new ClientAssertionCredential(
      tenantId,
      clientId,
      async () => prToken,
      options(),
    );
    await assert.rejects(
      credential.getToken(SCOPE),
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:org\/repo:pull_request'/,
    );
  });

  it("Kubernetes: WorkloadIdentityCredential sends the service account token file as the assertion, issuer with its trailing slash", async () => {
    const subject = kubernetesSubject("payments", "worker");
    // The projected service account token AKS mounts at AZURE_FEDERATED_TOKEN_FILE.
    const saToken = aks.mint(subject, DEFAULT_FEDERATION_AUDIENCE, {
      "kubernetes.io": { namespace: "payments", serviceaccount: { name: "worker" } },
    });
    const tokenFilePath = path.join(tmp, "azure-identity-token");
    fs.writeFileSync(tokenFilePath, `${saToken}\n`, { mode: 0o600 });
    const seen = fake.tokenRequests().length;
    const credential = new WorkloadIdentityCredential({
      tenantId,
      clientId,
      tokenFilePath,
      ...options(),
    });
    const token = await credential.getToken(SCOPE);

    const [request] = tokenRequestsSince(seen);
    const claims = assertSentAssertion(request, saToken);
    assert.deepStrictEqual(
      [claims.iss, claims.sub, claims.aud],
      [AKS_ISSUER, subject, DEFAULT_FEDERATION_AUDIENCE],
    );
    assert.ok(String(claims.iss).endsWith("/"));
    assert.deepStrictEqual(request.outcome, { accessToken: token.token });
  });

  it("managed identity: ManagedIdentityCredential's token (issuer Entra ID of the tenant, subject the identity's object id) signs the app in", async () => {
    const seen = fake.tokenRequests().length;
    const seenAll = fake.requests.length;
    const result = await runManagedIdentityConsumer({
      tenantId,
      appClientId: clientId,
      identityClientId: MI_CLIENT_ID,
      authorityHost: fake.url,
      scope: SCOPE,
      audience: DEFAULT_FEDERATION_AUDIENCE,
    });
    assert.ok("token" in result, JSON.stringify(result));

    const identityRequest = fake.requests.slice(seenAll).find((r) => r.path === "/msi/token");
    assert.ok(identityRequest, "the consumer asked its managed identity endpoint");
    assert.strictEqual(identityRequest.query.get("resource"), DEFAULT_FEDERATION_AUDIENCE);
    assert.strictEqual(identityRequest.query.get("client_id"), MI_CLIENT_ID);
    assert.strictEqual(identityRequest.status, 200);

    const [request] = tokenRequestsSince(seen);
    const assertion = request.form.get("client_assertion") ?? "";
    const claims = assertSentAssertion(request, assertion);
    assert.deepStrictEqual(
      [claims.iss, claims.sub, claims.aud],
      [entraIssuer(tenantId), MI_PRINCIPAL, DEFAULT_FEDERATION_AUDIENCE],
    );
    assert.deepStrictEqual(request.outcome, { accessToken: result.token });
  });

  /** Runs ./managedIdentityConsumer.ts in a child process that alone sees the endpoint variables. */
  function runManagedIdentityConsumer(
    input: Record<string, string>,
  ): Promise<{ token: string } | { error: string }> {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(key)),
    );
    env.IDENTITY_ENDPOINT = fake.managedIdentityEndpoint;
    env.IDENTITY_HEADER = "fake-identity-header";
    env.FAKE_ENTRA_CA = fake.tlsOptions.ca;
    return new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          path.join(__dirname, "managedIdentityConsumer.ts"),
          JSON.stringify(input),
        ],
        { cwd: ROOT, env, timeout: 110_000 },
        (error, stdout, stderr) => {
          try {
            resolve(JSON.parse(stdout) as { token: string } | { error: string });
          } catch {
            reject(new Error(`${error?.message ?? "no output"}\n${stderr}`));
          }
        },
      ),
    );
  }
});
