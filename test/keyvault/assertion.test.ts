/**
 * `credential: keyVaultCertificate` sign-in end to end, offline: the stack declares each app's
 * Key Vault certificate policy (run under the simulated Azure, test/support/runStack.ts); a fake
 * Key Vault on 127.0.0.1 over HTTPS (./fakeKeyVault.ts) generates the certificate from that
 * policy and keeps the key; the official clients (@azure/keyvault-keys' `CryptographyClient`,
 * @azure/keyvault-certificates' `CertificateClient`, @azure/identity's `ClientAssertionCredential`
 * and `ClientCertificateCredential`, unmocked) build and present the assertion to the fake Entra ID
 * of the federation tests, extended with certificate credentials (./fakeEntraCertificates.ts).
 *
 * What is checked: the requests the Key Vault clients send (challenge, key read, sign with the
 * digest only), the assertion's header (`alg`, `typ`, `x5t` / `x5t#S256` of the certificate) and
 * claims (Entra's "certificate credentials" assertion format), that its signature verifies with
 * the certificate's public key, and that Entra accepts it; then the cases that fail in production:
 * a policy without `digitalSignature`, a certificate and key of different versions after a
 * rotation, the challenge of a host that is not a vault's.
 *
 * Both fakes' certificate is trusted through each client's `tlsOptions: {ca}` only: no
 * process-wide TLS setting is changed.
 */
import * as assert from "assert";
import { constants, createHash, verify, X509Certificate } from "crypto";
import {
  AccessToken,
  ClientAssertionCredential,
  ClientCertificateCredential,
  GetTokenOptions,
  TokenCredential,
} from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { CryptographyClient } from "@azure/keyvault-keys";
import { SIMULATED_TENANT_ID } from "../../tools/offline/simulator/world";
import { decodeJwt, TestIssuer, verifiesWith } from "../federation/tokens";
import { runStack, SAMPLE_CONFIG } from "../support/runStack";
import { AssertionAlgorithm, keyVaultClientAssertion } from "./clientAssertion";
import { FakeEntraWithCertificates, startFakeEntraWithCertificates } from "./fakeEntraCertificates";
import {
  FakeCertificatePolicy,
  FakeCertificateVersion,
  FakeKeyVault,
  KEY_VAULT_RESOURCE,
  SeenKeyVaultRequest,
  startFakeKeyVault,
} from "./fakeKeyVault";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const KV_CERTIFICATE = "azure:keyvault/certificate:Certificate";
const APPLICATION = "azuread:index/application:Application";
/** What the consumers ask for once signed in as the app. */
const SCOPE = "https://graph.microsoft.com/.default";
/** The only token the fake vaults accept, which the consumer's credential hands out. */
const VAULT_TOKEN = "fake-key-vault-token";
const API_VERSION = "2025-07-01";
const CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Two apps: the key never leaves Key Vault, or leaves it in the companion secret. */
const SIGNER = {
  name: "batch-signer",
  displayName: "Batch signer",
  credential: "keyVaultCertificate",
  exportable: false,
};
const EXPORTER = {
  name: "report-exporter",
  displayName: "Report exporter",
  credential: "keyVaultCertificate",
};

/** A consumer's identity: a fixed token for Key Vault, recording what it was asked. */
class FixedTokenCredential implements TokenCredential {
  readonly calls: { scopes: string[]; tenantId?: string }[] = [];

  constructor(private readonly token: string) {}

  /** Records the scopes and tenant, and answers the fixed token for an hour. */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.calls.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** What the stack declared for one app: its Key Vault certificate and its application. */
interface Declared {
  certificateName: string;
  policy: FakeCertificatePolicy;
  clientId: string;
}

/** The certificate policy as the stack declares it (the registration's `certificatePolicy`). */
function policyOf(inputs: Record<string, unknown>): FakeCertificatePolicy {
  const policy = inputs.certificatePolicy as FakeCertificatePolicy | undefined;
  assert.ok(policy?.x509CertificateProperties && policy.keyProperties, JSON.stringify(inputs));
  return policy;
}

/** `AA:BB:…` (Node's X509Certificate fingerprints) as base64url: an independent `x5t`. */
function fingerprintToBase64url(fingerprint: string): string {
  return Buffer.from(fingerprint.replace(/:/g, ""), "hex").toString("base64url");
}

describe("keyVaultCertificate sign-in: Key Vault signs the client assertion (fake Key Vault and Entra ID, HTTPS, 127.0.0.1)", function () {
  this.timeout(120_000);
  const tenantId = SIMULATED_TENANT_ID;
  const federatedIssuer = new TestIssuer("https://token.actions.githubusercontent.com");
  const federatedClientId = "7d1e6c2b-3a4f-4b5c-8d9e-0f1a2b3c4d5e";
  const declared: Record<string, Declared> = {};
  /** Signs as a principal with Key Vault Crypto User (it may read the key). */
  let vault: FakeKeyVault;
  /** Signs as a principal that may only sign (`keys/sign/action`; reading the key is 403). */
  let signOnlyVault: FakeKeyVault;
  let entra: FakeEntraWithCertificates;
  let signerVersion: FakeCertificateVersion;
  let exporterVersion: FakeCertificateVersion;

  before(async () => {
    const run = await runStack({ ...SAMPLE_CONFIG, apps: [SIGNER, EXPORTER] }, NOW);
    // The simulated Azure does not model the azurerm certificate's outputs (it has no
    // certificateData), so the key credentials it registers fail there; only the declared
    // certificates and applications are read here.
    for (const app of [SIGNER, EXPORTER]) {
      const certificate = run.registrations.find(
        (r) => r.type === KV_CERTIFICATE && r.name.startsWith(`${app.name}-`),
      );
      const application = run.registrations.find(
        (r) => r.type === APPLICATION && r.name.startsWith(app.name),
      );
      assert.ok(certificate && application, run.registrations.map((r) => r.name).join(", "));
      declared[app.name] = {
        certificateName: String(certificate.inputs.name),
        policy: policyOf(certificate.inputs),
        clientId: String(application.outputs.clientId),
      };
    }
    vault = await startFakeKeyVault({ tenantId, token: VAULT_TOKEN });
    signOnlyVault = await startFakeKeyVault({ tenantId, token: VAULT_TOKEN, denyKeyRead: true });
    const signer = declared[SIGNER.name];
    const exporter = declared[EXPORTER.name];
    signerVersion = vault.createCertificate(signer.certificateName, signer.policy);
    const signOnlyVersion = signOnlyVault.createCertificate(signer.certificateName, signer.policy);
    exporterVersion = vault.createCertificate(exporter.certificateName, exporter.policy);
    entra = await startFakeEntraWithCertificates({
      tenantId,
      // The stack registers each version's public certificate as a key credential of the app.
      keyCredentials: {
        [signer.clientId]: [
          { certificate: signerVersion.der },
          { certificate: signOnlyVersion.certificatePem },
        ],
        [exporter.clientId]: [{ certificate: exporterVersion.certificatePem }],
      },
      applications: {
        [federatedClientId]: [
          {
            issuer: federatedIssuer.issuer,
            subject: "repo:org/repo:environment:prod",
            audience: "api://AzureADTokenExchange",
          },
        ],
      },
      issuers: [federatedIssuer],
    });
  });

  after(async () => {
    await vault?.close();
    await signOnlyVault?.close();
    await entra?.close();
  });

  /** The token endpoint the assertion is for: the fake's, as MSAL reads it from the metadata. */
  const tokenEndpoint = () => `${entra.url}/${tenantId}/oauth2/v2.0/token`;

  /** What a Key Vault client needs to talk to a fake vault, and only to it. */
  const vaultOptions = (fake: FakeKeyVault) => ({
    tlsOptions: fake.tlsOptions,
    // The fake's host is 127.0.0.1, not <vault>.vault.azure.net, which the challenge's resource
    // would otherwise have to be a suffix of.
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });

  /** What an @azure/identity credential needs to talk to the fake Entra ID. */
  const entraOptions = () => ({
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
    tlsOptions: entra.tlsOptions,
  });

  /** Checks an assertion's header, claims and signature against the certificate it names. */
  function assertAssertion(
    assertion: string,
    algorithm: AssertionAlgorithm,
    certificatePem: string,
    clientId: string,
  ): void {
    const jwt = decodeJwt(assertion);
    assert.ok(jwt, assertion);
    const certificate = new X509Certificate(certificatePem);
    // Header: alg and typ, and the thumbprint of the certificate (computed by Node's X509).
    if (algorithm === "PS256") {
      assert.deepStrictEqual(jwt.header, {
        alg: "PS256",
        typ: "JWT",
        "x5t#S256": fingerprintToBase64url(certificate.fingerprint256),
      });
    } else {
      assert.deepStrictEqual(jwt.header, {
        alg: "RS256",
        typ: "JWT",
        x5t: fingerprintToBase64url(certificate.fingerprint),
      });
      assert.ok(verifiesWith(jwt, certificate.publicKey), "RS256 verifies (tokens.ts)");
    }
    // The signature verifies with the certificate's public key.
    const padding =
      algorithm === "PS256"
        ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : { padding: constants.RSA_PKCS1_PADDING };
    assert.ok(
      verify(
        "sha256",
        Buffer.from(jwt.signedPart),
        { key: certificate.publicKey, ...padding },
        jwt.signature,
      ),
      `${algorithm} signature verifies with the certificate's public key`,
    );
    // Claims: Entra's assertion format.
    const { aud, iss, sub, jti, nbf, exp } = jwt.payload;
    assert.strictEqual(aud, tokenEndpoint());
    assert.strictEqual(iss, clientId);
    assert.strictEqual(sub, clientId);
    assert.match(String(jti), UUID);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(typeof nbf === "number" && nbf <= now + 1, `nbf ${String(nbf)}`);
    assert.ok(typeof exp === "number" && exp > now, `exp ${String(exp)}`);
    assert.ok(exp - nbf <= 600, "valid at most 10 minutes");
  }

  it("the stack's policy: self-signed RSA 2048, a new key per version, digitalSignature and client-auth EKU, PEM secret, no AutoRenew", () => {
    for (const app of [SIGNER, EXPORTER]) {
      const { certificateName, policy } = declared[app.name];
      assert.strictEqual(certificateName, `${app.name}-client-cert`);
      assert.strictEqual(policy.issuerParameters.name, "Self");
      assert.deepStrictEqual(policy.keyProperties, {
        exportable: app === EXPORTER,
        keyType: "RSA",
        keySize: 2048,
        reuseKey: false,
      });
      assert.strictEqual(policy.secretProperties.contentType, "application/x-pem-file");
      assert.ok(policy.x509CertificateProperties.keyUsages.includes("digitalSignature"));
      assert.deepStrictEqual(policy.x509CertificateProperties.extendedKeyUsages, [CLIENT_AUTH_EKU]);
      assert.ok(
        (policy.lifetimeActions ?? []).every((a) => a.action.actionType !== "AutoRenew"),
        JSON.stringify(policy.lifetimeActions),
      );
    }
    // What Key Vault (the fake) generates from it.
    const generated = new X509Certificate(signerVersion.certificatePem);
    const x509 = declared[SIGNER.name].policy.x509CertificateProperties;
    assert.strictEqual(generated.subject.split("\n").join(","), x509.subject.split(",").join(","));
    assert.deepStrictEqual(generated.keyUsage, [CLIENT_AUTH_EKU]);
    assert.ok(signerVersion.keyOps.includes("sign"), signerVersion.keyOps.join(","));
  });

  for (const algorithm of ["PS256", "RS256"] as const) {
    it(`${algorithm}: CryptographyClient.signData on the versionless key signs the assertion in Key Vault, and ClientAssertionCredential gets a token with it`, async () => {
      const { certificateName, clientId } = declared[SIGNER.name];
      const credential = new FixedTokenCredential(VAULT_TOKEN);
      const signer = new CryptographyClient(
        `${vault.url}/keys/${certificateName}`,
        credential,
        vaultOptions(vault),
      );
      const seen = vault.requests.length;
      const assertion = await keyVaultClientAssertion({
        signer,
        certificateDer: signerVersion.der,
        clientId,
        tokenEndpoint: tokenEndpoint(),
        algorithm,
      });
      assertAssertion(assertion, algorithm, signerVersion.certificatePem, clientId);

      // On the wire: the challenge (no token, no body), the key read, the sign with the digest.
      const sent = vault.requests.slice(seen);
      const summary = (r: SeenKeyVaultRequest) => `${r.method} ${r.path} ${r.status}`;
      assert.deepStrictEqual(sent.map(summary), [
        `GET /keys/${certificateName}/ 401`,
        `GET /keys/${certificateName}/ 200`,
        `POST /keys/${certificateName}//sign 200`,
      ]);
      assert.ok(sent.every((r) => r.query.get("api-version") === API_VERSION));
      assert.strictEqual(sent[0].authorization, undefined, "the first request carries no token");
      assert.ok(sent.slice(1).every((r) => r.authorization === `Bearer ${VAULT_TOKEN}`));
      const signedPart = assertion.split(".").slice(0, 2).join(".");
      assert.deepStrictEqual(sent[2].body, {
        alg: algorithm,
        value: createHash("sha256").update(signedPart).digest("base64url"),
      });
      // The token was asked for the challenge's resource, in the challenge's tenant.
      assert.deepStrictEqual(credential.calls, [
        { scopes: [`${KEY_VAULT_RESOURCE}/.default`], tenantId },
      ]);

      // Entra ID takes it as the app's client assertion.
      const before = entra.tokenRequests().length;
      const signs = vault.requests.length;
      let built = 0;
      const app = new ClientAssertionCredential(
        tenantId,
        clientId,
        () => {
          built++;
          return keyVaultClientAssertion({
            signer,
            certificateDer: signerVersion.der,
            clientId,
            tokenEndpoint: tokenEndpoint(),
            algorithm,
          });
        },
        entraOptions(),
      );
      const token = await app.getToken(SCOPE);
      // MSAL 5.6.0 calls the callback twice per token request (the client configuration's
      // assertion, msal-node.cjs L10306-10309, and the request's, L11708-11715; only the latter is
      // sent): two sign operations per token, which docs/certificates.md says to cache.
      assert.strictEqual(built, 2);
      assert.strictEqual(vault.requests.length - signs, 2);
      const [request] = entra.tokenRequests().slice(before);
      assert.strictEqual(request.form.get("client_id"), clientId);
      assert.strictEqual(
        request.form.get("client_assertion_type"),
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
      assert.deepStrictEqual(request.outcome, { accessToken: token.token });
    });
  }

  it("Entra refuses an assertion with another audience (700023), issuer (700021), an expired one (700024), or another app's certificate (700027)", async () => {
    const { certificateName, clientId } = declared[SIGNER.name];
    const signer = new CryptographyClient(
      `${vault.url}/keys/${certificateName}/${signerVersion.version}`,
      new FixedTokenCredential(VAULT_TOKEN),
      vaultOptions(vault),
    );
    const base = {
      signer,
      certificateDer: signerVersion.der,
      clientId,
      tokenEndpoint: tokenEndpoint(),
    };
    const cases: [string, Parameters<typeof keyVaultClientAssertion>[0], number][] = [
      [
        "v1 token endpoint",
        { ...base, tokenEndpoint: `${entra.url}/${tenantId}/oauth2/token` },
        700023,
      ],
      ["expired", { ...base, lifetimeSeconds: -60 }, 700024],
      ["other app's certificate", { ...base, certificateDer: exporterVersion.der }, 700027],
    ];
    for (const [what, input, code] of cases) {
      const before = entra.tokenRequests().length;
      await assert.rejects(
        new ClientAssertionCredential(
          tenantId,
          clientId,
          () => keyVaultClientAssertion(input),
          entraOptions(),
        ).getToken(SCOPE),
        new RegExp(`AADSTS${code}`),
        what,
      );
      assert.strictEqual(
        (entra.tokenRequests()[before].outcome as { refused?: number }).refused,
        code,
        what,
      );
    }
    // Built for the signer's client id but presented as the exporter's: iss and sub name another app.
    await assert.rejects(
      new ClientAssertionCredential(
        tenantId,
        declared[EXPORTER.name].clientId,
        () => keyVaultClientAssertion(base),
        entraOptions(),
      ).getToken(SCOPE),
      /AADSTS700021/,
    );
  });

  it("a principal that may only sign (GET key is 403): the client falls back to Key Vault's sign operation", async () => {
    const { certificateName, clientId } = declared[SIGNER.name];
    const [version] = signOnlyVault.versions(certificateName);
    const signer = new CryptographyClient(
      `${signOnlyVault.url}/keys/${certificateName}`,
      new FixedTokenCredential(VAULT_TOKEN),
      vaultOptions(signOnlyVault),
    );
    const seen = signOnlyVault.requests.length;
    const app = new ClientAssertionCredential(
      tenantId,
      clientId,
      () =>
        keyVaultClientAssertion({
          signer,
          certificateDer: version.der,
          clientId,
          tokenEndpoint: tokenEndpoint(),
        }),
      entraOptions(),
    );
    const token = await app.getToken(SCOPE);
    assert.match(token.token, /^fake-access-token-/);
    // Once refused the key, the client never reads it again: every later call signs directly
    // (two here, as MSAL builds the assertion twice per token request).
    assert.deepStrictEqual(
      signOnlyVault.requests.slice(seen).map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        `GET /keys/${certificateName}/ 401`,
        `GET /keys/${certificateName}/ 403`,
        `POST /keys/${certificateName}//sign 200`,
        `POST /keys/${certificateName}//sign 200`,
      ],
    );
  });

  it("a policy without digitalSignature: the key does not allow sign, and the client refuses before sending", async () => {
    const name = "no-signature-client-cert";
    const policy = declared[SIGNER.name].policy;
    vault.createCertificate(name, {
      ...policy,
      x509CertificateProperties: {
        ...policy.x509CertificateProperties,
        keyUsages: ["keyEncipherment"],
      },
    });
    const signer = new CryptographyClient(
      `${vault.url}/keys/${name}`,
      new FixedTokenCredential(VAULT_TOKEN),
      vaultOptions(vault),
    );
    const seen = vault.requests.length;
    await assert.rejects(
      signer.signData("PS256", Buffer.from("x")),
      /Operation sign is not supported on key/,
    );
    assert.ok(vault.requests.slice(seen).every((r) => r.method === "GET"));
  });

  it("the challenge's resource must match the vault's host unless verification is disabled", async () => {
    const signer = new CryptographyClient(
      `${vault.url}/keys/${declared[SIGNER.name].certificateName}`,
      new FixedTokenCredential(VAULT_TOKEN),
      { tlsOptions: vault.tlsOptions, retryOptions: { maxRetries: 0 } },
    );
    await assert.rejects(
      signer.signData("PS256", Buffer.from("x")),
      /The challenge resource 'vault\.azure\.net' does not match the requested domain/,
    );
  });

  it("after a new version: the held certificate with the versionless key is refused (AADSTS700027); the certificate read with CertificateClient and its own key id are accepted", async () => {
    const { certificateName, clientId, policy } = declared[SIGNER.name];
    const identity = new FixedTokenCredential(VAULT_TOKEN);
    const held = signerVersion;
    // A rotation changes the policy's subject: a new version, with a new key (reuseKey false),
    // whose certificate the stack registers on the app beside the previous one.
    const rotated = vault.createCertificate(certificateName, {
      ...policy,
      x509CertificateProperties: {
        ...policy.x509CertificateProperties,
        subject: policy.x509CertificateProperties.subject.replace(
          /generation \d+/,
          "generation 99",
        ),
      },
    });
    entra.addKeyCredential(clientId, { certificate: rotated.certificatePem });
    const attempt = (sign: () => Promise<string>) =>
      new ClientAssertionCredential(tenantId, clientId, sign, entraOptions()).getToken(SCOPE);

    // A consumer that read the certificate before the new version, signing with the versionless
    // key (now the new version's): the thumbprint names the old certificate, the key is the new one.
    const versionless = new CryptographyClient(
      `${vault.url}/keys/${certificateName}`,
      identity,
      vaultOptions(vault),
    );
    const before = entra.tokenRequests().length;
    await assert.rejects(
      attempt(() =>
        keyVaultClientAssertion({
          signer: versionless,
          certificateDer: held.der,
          clientId,
          tokenEndpoint: tokenEndpoint(),
        }),
      ),
      /AADSTS700027/,
    );
    assert.match(
      JSON.stringify(entra.tokenRequests()[before].outcome),
      /did not match the expected signature value/,
    );

    // The same old certificate with its own version's key: still registered (the overlap), accepted.
    const pinned = new CryptographyClient(
      `${vault.url}/keys/${certificateName}/${held.version}`,
      identity,
      vaultOptions(vault),
    );
    await attempt(() =>
      keyVaultClientAssertion({
        signer: pinned,
        certificateDer: held.der,
        clientId,
        tokenEndpoint: tokenEndpoint(),
      }),
    );

    // What docs/certificates.md shows: read the newest certificate (its DER and its versioned key
    // id) and sign with that key, so certificate and key always belong to the same version.
    const certificates = new CertificateClient(vault.url, identity, vaultOptions(vault));
    const seen = vault.requests.length;
    const token = await attempt(async () => {
      const certificate = await certificates.getCertificate(certificateName);
      assert.ok(certificate.cer && certificate.keyId, "the certificate's DER and key id");
      return keyVaultClientAssertion({
        signer: new CryptographyClient(certificate.keyId, identity, vaultOptions(vault)),
        certificateDer: certificate.cer,
        clientId,
        tokenEndpoint: tokenEndpoint(),
      });
    });
    assert.match(token.token, /^fake-access-token-/);
    const paths = vault.requests.slice(seen).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(paths.includes(`GET /certificates/${certificateName}/ 200`), paths.join("\n"));
    assert.ok(
      paths.includes(`POST /keys/${certificateName}/${rotated.version}/sign 200`),
      paths.join("\n"),
    );
  });

  it("exportable: the companion secret's PEM signs in with ClientCertificateCredential (MSAL's own assertion, which the fake accepts too)", async () => {
    const { certificateName, clientId } = declared[EXPORTER.name];
    const pem = vault.secretValue(certificateName);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n[^]*-----BEGIN CERTIFICATE-----\n/);
    assert.doesNotMatch(
      vault.secretValue(declared[SIGNER.name].certificateName),
      /PRIVATE KEY/,
      "a non-exportable certificate's secret holds the certificate only",
    );
    const before = entra.tokenRequests().length;
    const credential = new ClientCertificateCredential(
      tenantId,
      clientId,
      { certificate: pem },
      entraOptions(),
    );
    const token = await credential.getToken(SCOPE);
    const [request] = entra.tokenRequests().slice(before);
    assert.deepStrictEqual(request.outcome, { accessToken: token.token });
    const jwt = decodeJwt(request.form.get("client_assertion") ?? "");
    assert.ok(jwt);
    const certificate = new X509Certificate(exporterVersion.certificatePem);
    assert.strictEqual(jwt.header.alg, "PS256");
    assert.strictEqual(jwt.header["x5t#S256"], fingerprintToBase64url(certificate.fingerprint256));
    assert.strictEqual(jwt.payload.aud, tokenEndpoint());
  });

  it("the front forwards federated assertions to the federated fake unchanged", async () => {
    const before = entra.federated.tokenRequests().length;
    const jobToken = federatedIssuer.mint(
      "repo:org/repo:environment:prod",
      "api://AzureADTokenExchange",
    );
    const token = await new ClientAssertionCredential(
      tenantId,
      federatedClientId,
      async () => jobToken,
      entraOptions(),
    ).getToken(SCOPE);
    const [forwarded] = entra.federated.tokenRequests().slice(before);
    assert.deepStrictEqual(forwarded.outcome, { accessToken: token.token });
  });
});
