/**
 * Engine-faithful integration test: the pack is started as `pulumi preview --policy-pack policy`
 * starts it (run-policy-pack, pack directory as working directory, port on stdout), configured
 * through GetAnalyzerInfo + reconciled `--policy-pack-config` + Configure, then fed resources
 * through Analyze (inputs) and AnalyzeStack (outputs with parents and propertyDependencies),
 * including unknown sentinels. The pack's clock is fixed at 2026-01-01T00:00:00Z.
 */
import * as assert from "assert";
import * as path from "path";
import {
  AnalyzerInfo,
  Diagnostic,
  FIXED_CLOCK,
  makeUrn,
  PolicyConfigError,
  PolicyPack,
  reconcileConfig,
  ResourceRecord,
  runPolicies,
  secret,
  startPolicyPack,
  UNKNOWN,
} from "../../tools/offline/analyzer";

const PACK_DIR = path.join(__dirname, "..", "..", "policy");
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const COMPONENT = "app-credentials:index:AppCredential";
const SCHEDULE = {
  "rotation-window": "2026-01-01T00:00:00Z/P180D#0",
  "rotation-slot": "0/2",
  "rotation-trigger": "0",
};
const CONFIG_FILE = JSON.stringify({
  "credential-max-lifetime": { maxLifetime: "P1Y" },
  "keyvault-secret-content-type": "disabled",
  "credential-expiring-soon": { enforcementLevel: "mandatory", warnBefore: "P60D" },
});

const componentUrn = makeUrn(COMPONENT, "api");
const child = (type: string, name: string): string => makeUrn(type, name, undefined, COMPONENT);

/** The fields the test asserts. */
function summary(d: Diagnostic): [string, string, string, string] {
  return [d.policyName, d.enforcementLevel, d.urn, d.message];
}

describe("policy pack through the engine protocol (tools/offline/analyzer)", function () {
  this.timeout(90_000);
  let pack: PolicyPack;
  let info: AnalyzerInfo;
  /** The SDK sends a violation as "<policy description>\n<message>"; the engine prints it so. */
  const described = (policyName: string, message: string): string =>
    `${info.policies.find((p) => p.name === policyName)?.description}\n${message}`;

  before(async () => {
    pack = await startPolicyPack(PACK_DIR, {
      nodeOptions: ["--require", FIXED_CLOCK],
      env: { PULUMI_TEST_NOW: "2026-01-01T00:00:00Z" },
    });
    info = await pack.getAnalyzerInfo();
    await pack.configure(reconcileConfig(info, CONFIG_FILE));
  });

  after(async () => {
    await pack?.stop();
  });

  it("describes the pack: fourteen policies with their enforcement levels, types and schema defaults", () => {
    assert.strictEqual(info.name, "app-credential-policies");
    assert.strictEqual(info.version, "0.1.0");
    assert.deepStrictEqual(
      info.policies.map((p) => [
        p.name,
        p.enforcementLevel,
        p.type,
        Object.fromEntries(
          Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, s.default]),
        ),
      ]),
      [
        [
          "credential-max-lifetime",
          "mandatory",
          "resource",
          // The per-kind caps have no default: absent, they fall back to maxLifetime.
          { maxLifetime: "P2Y", maxPasswordLifetime: undefined, maxCertificateLifetime: undefined },
        ],
        ["credential-rotation-required", "mandatory", "resource", { requiredKeys: [] }],
        ["credential-rotates-before-expiry", "mandatory", "stack", { minGrace: "P7D" }],
        ["keyvault-secret-expiry", "mandatory", "resource", { maxValidity: "P2Y" }],
        ["credential-expired", "advisory", "stack", {}],
        ["credential-expiring-soon", "advisory", "stack", { warnBefore: "P30D" }],
        ["keyvault-secret-content-type", "advisory", "resource", { allowedContentTypes: [] }],
        ["credential-end-date-ignored", "advisory", "resource", {}],
        ["consumer-refresh-overlap", "mandatory", "resource", {}],
        ["keyvault-secret-reader-scope", "advisory", "resource", {}],
        ["credential-private-key-in-state", "advisory", "stack", {}],
        ["federated-credential-subject-scope", "mandatory", "resource", {}],
        ["federated-credential-trust-advisory", "advisory", "resource", {}],
        ["credential-federation-available", "advisory", "resource", {}],
      ],
    );
  });

  it("reconciles schema defaults with the config file as the engine does", () => {
    const config = reconcileConfig(info, CONFIG_FILE);
    assert.deepStrictEqual(config["credential-max-lifetime"], {
      enforcementLevel: "mandatory",
      properties: { maxLifetime: "P1Y" },
    });
    assert.deepStrictEqual(config["credential-rotates-before-expiry"], {
      enforcementLevel: "mandatory",
      properties: { minGrace: "P7D" },
    });
    assert.deepStrictEqual(config["credential-expiring-soon"], {
      enforcementLevel: "mandatory",
      properties: { warnBefore: "P60D" },
    });
    assert.deepStrictEqual(config["keyvault-secret-content-type"], {
      enforcementLevel: "disabled",
      properties: { allowedContentTypes: [] },
    });
    const all = reconcileConfig(info, { all: "advisory", "keyvault-secret-expiry": "mandatory" });
    assert.deepStrictEqual(
      Object.entries(all).map(([k, v]) => [k, v.enforcementLevel]),
      [
        ["credential-max-lifetime", "advisory"],
        ["credential-rotation-required", "advisory"],
        ["credential-rotates-before-expiry", "advisory"],
        ["keyvault-secret-expiry", "mandatory"],
        ["credential-expired", "advisory"],
        ["credential-expiring-soon", "advisory"],
        ["keyvault-secret-content-type", "advisory"],
        ["credential-end-date-ignored", "advisory"],
        ["consumer-refresh-overlap", "advisory"],
        ["keyvault-secret-reader-scope", "advisory"],
        ["credential-private-key-in-state", "advisory"],
        ["federated-credential-subject-scope", "advisory"],
        ["federated-credential-trust-advisory", "advisory"],
        ["credential-federation-available", "advisory"],
        ["all", "advisory"],
      ],
    );
    assert.throws(
      () => reconcileConfig(info, { "credential-max-lifetime": { maxLifetime: "two years" } }),
      (error: PolicyConfigError) =>
        /credential-max-lifetime: maxLifetime: does not match pattern/.test(error.message),
    );
    assert.throws(
      () => reconcileConfig(info, '{"all": "strict"}'),
      /"strict" is not a valid enforcement level/,
    );
  });

  it("Analyze: reports each resource's violations with policy, level, URN and message; unknowns are advisory", async () => {
    const resources: ResourceRecord[] = [
      {
        type: APP_PASSWORD,
        name: "api-0",
        parent: componentUrn,
        urn: child(APP_PASSWORD, "api-0"),
        properties: {
          applicationId: UNKNOWN,
          endDate: "2027-06-01T00:00:00Z",
          rotateWhenChanged: SCHEDULE,
        },
      },
      {
        type: SP_PASSWORD,
        name: "sp-0",
        properties: { servicePrincipalId: UNKNOWN, endDate: UNKNOWN, rotateWhenChanged: SCHEDULE },
      },
      {
        type: "azuread:index/application:Application",
        name: "legacy",
        properties: {
          displayName: "legacy",
          password: { displayName: "inline", endDate: "2026-06-01T00:00:00Z" },
        },
      },
      {
        type: "azure-native:keyvault/v20230701:Secret",
        name: "client-secret",
        properties: { vaultName: UNKNOWN, properties: { value: secret("s3cret") } },
      },
      {
        type: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
        name: "github",
        properties: { subject: "repo:org/app:ref:refs/heads/main" },
      },
    ];
    const diagnostics: Diagnostic[] = [];
    for (const resource of resources) diagnostics.push(...(await pack.analyze(resource)));
    assert.deepStrictEqual(diagnostics.map(summary), [
      [
        "credential-max-lifetime",
        "mandatory",
        child(APP_PASSWORD, "api-0"),
        described(
          "credential-max-lifetime",
          'azuread:index/applicationPassword:ApplicationPassword "api-0" lives 516 days (now 2026-01-01T00:00:00Z to endDate 2027-06-01T00:00:00Z), longer than the maximum lifetime P1Y. Fix: set endDate no later than 2027-01-01T00:00:00Z (now + P1Y).',
        ),
      ],
      [
        "credential-max-lifetime",
        "advisory",
        makeUrn(SP_PASSWORD, "sp-0"),
        "can't run policy 'credential-max-lifetime' from policy pack 'app-credential-policies@v0.1.0' during preview: string value at .endDate can't be known during preview",
      ],
      [
        "credential-rotation-required",
        "mandatory",
        makeUrn("azuread:index/application:Application", "legacy"),
        described(
          "credential-rotation-required",
          'azuread:index/application:Application "legacy" has an inline password (displayName "inline"), which cannot rotate with overlap: the provider removes the old password before adding the new one. Limit: inline passwords are not allowed. Fix: remove password from the Application and create an azuread.ApplicationPassword with endDate and rotateWhenChanged.',
        ),
      ],
      [
        "keyvault-secret-expiry",
        "mandatory",
        makeUrn("azure-native:keyvault/v20230701:Secret", "client-secret"),
        described(
          "keyvault-secret-expiry",
          'azure-native:keyvault/v20230701:Secret "client-secret" has no expiry (properties.attributes.expires is not set); every secret must expire within P2Y. Fix: set properties.attributes.expires (seconds since the Unix epoch) no later than 2028-01-01T00:00:00Z, e.g. the end date of the credential it holds.',
        ),
      ],
    ]);
    assert.ok(diagnostics.every((d) => d.policyPackName === "app-credential-policies"));
  });

  it("Analyze: federated credentials (pull request mandatory, the rest advisory, raised by one line) and a secret every consumer could replace", async () => {
    const FIC =
      "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
    const FLEXIBLE =
      "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential";
    const KV_SECRET = "azure-native:keyvault:Secret";
    const common = { applicationId: "/applications/x", audiences: ["api://AzureADTokenExchange"] };
    const resources: ResourceRecord[] = [
      {
        type: FIC,
        name: "ci-pr",
        properties: {
          ...common,
          issuer: "https://token.actions.githubusercontent.com",
          subject: "repo:contoso@1/app@2:pull_request",
        },
      },
      {
        type: FIC,
        name: "ci-prod",
        properties: {
          ...common,
          issuer: "https://token.actions.githubusercontent.com",
          subject: "repo:contoso/app:environment:prod",
        },
      },
      {
        type: FIC,
        name: "plain",
        properties: { ...common, issuer: "http://issuer.example.com", subject: "workload" },
      },
      {
        type: FLEXIBLE,
        name: "any-repo",
        properties: {
          applicationId: "/applications/x",
          issuer: "https://token.actions.githubusercontent.com",
          audience: "api://AzureADTokenExchange",
          claimsMatchingExpression: "claims['sub'] matches 'repo:contoso/*'",
        },
      },
      { type: FIC, name: "new", properties: { ...common, issuer: UNKNOWN, subject: UNKNOWN } },
      {
        type: KV_SECRET,
        name: "orders-api-client-secret",
        properties: {
          properties: {
            value: secret("s3cret"),
            contentType: "text/plain; entra-client-secret",
            attributes: { enabled: true, expires: 1_790_000_000 },
          },
          tags: { app: "orders-api", "consumer-identities": "managedIdentity,kubernetes" },
        },
      },
    ];
    const diagnostics: Diagnostic[] = [];
    for (const resource of resources) diagnostics.push(...(await pack.analyze(resource)));
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
      [
        ["federated-credential-subject-scope", "mandatory", makeUrn(FIC, "ci-pr")],
        ["federated-credential-trust-advisory", "advisory", makeUrn(FIC, "plain")],
        ["federated-credential-trust-advisory", "advisory", makeUrn(FLEXIBLE, "any-repo")],
        ["federated-credential-subject-scope", "advisory", makeUrn(FIC, "new")],
        ["federated-credential-trust-advisory", "advisory", makeUrn(FIC, "new")],
        [
          "credential-federation-available",
          "advisory",
          makeUrn(KV_SECRET, "orders-api-client-secret"),
        ],
      ],
    );
    assert.strictEqual(
      diagnostics[0].message,
      described(
        "federated-credential-subject-scope",
        `${FIC} "ci-pr": subject "repo:contoso@1/app@2:pull_request" trusts every pull request's workflow in contoso@1/app@2: anyone who can open a pull request can obtain the app's tokens. Fix: trust a protected environment (repo:contoso@1/app@2:environment:<name>) or a branch (repo:contoso@1/app@2:ref:refs/heads/main).`,
      ),
    );
    assert.match(
      diagnostics[3].message,
      /^can't run policy 'federated-credential-subject-scope' .* during preview/,
    );
    assert.match(
      diagnostics[5].message,
      /app "orders-api" still rotates a client secret or certificate, although each of its 2 consumers can prove who it is without one \(tag consumer-identities: managedIdentity, kubernetes\)\. Fix: add `federation:` entries/,
    );
    // One line of policy config makes the advisory findings mandatory.
    try {
      const raised = await runPolicies(pack, resources.slice(0, 4), {
        configFile: { "federated-credential-trust-advisory": "mandatory" },
        analyzeStack: false,
      });
      assert.deepStrictEqual(
        raised.diagnostics.map((d) => [d.policyName, d.enforcementLevel]),
        [
          ["federated-credential-subject-scope", "mandatory"],
          ["federated-credential-trust-advisory", "mandatory"],
          ["federated-credential-trust-advisory", "mandatory"],
        ],
      );
    } finally {
      await pack.configure(reconcileConfig(info, CONFIG_FILE));
    }
  });

  it("AnalyzeStack: follows parents and propertyDependencies to a time.Rotating with unknown outputs", async () => {
    const rotatingUrn = child("time:index/rotating:Rotating", "api-rotation");
    const resources: ResourceRecord[] = [
      { type: COMPONENT, name: "api", urn: componentUrn },
      {
        type: "time:index/rotating:Rotating",
        name: "api-rotation",
        urn: rotatingUrn,
        parent: componentUrn,
        properties: { rotationDays: 90, rfc3339: UNKNOWN, rotationRfc3339: UNKNOWN },
      },
      {
        type: SP_PASSWORD,
        name: "sp-1",
        urn: child(SP_PASSWORD, "sp-1"),
        parent: componentUrn,
        dependencies: [rotatingUrn],
        propertyDependencies: { rotateWhenChanged: [rotatingUrn], servicePrincipalId: [] },
        properties: { endDate: "2026-04-03T00:00:00Z", rotateWhenChanged: { rotation: UNKNOWN } },
      },
      {
        type: APP_PASSWORD,
        name: "api-0",
        urn: child(APP_PASSWORD, "api-0"),
        parent: componentUrn,
        properties: { endDate: "2027-01-26T00:00:00Z", rotateWhenChanged: SCHEDULE },
      },
      {
        type: "azure:keyvault/secret:Secret",
        name: "legacy-secret",
        properties: { expirationDate: "2026-02-15T00:00:00Z", contentType: "text/plain" },
      },
      {
        type: APP_PASSWORD,
        name: "preview-0",
        properties: { endDate: UNKNOWN, rotateWhenChanged: SCHEDULE },
      },
    ];
    const diagnostics = await pack.analyzeStack(resources);
    assert.deepStrictEqual(diagnostics.map(summary), [
      [
        "credential-rotates-before-expiry",
        "mandatory",
        child(SP_PASSWORD, "sp-1"),
        described(
          "credential-rotates-before-expiry",
          'azuread:index/servicePrincipalPassword:ServicePrincipalPassword "sp-1" ends at 2026-04-03T00:00:00Z, only 2 days after its next rotation at 2026-04-01T00:00:00Z (from time:index/rotating:Rotating "api-rotation" (now + P90D)); the minimum grace is P7D. Fix: set endDate no earlier than 2026-04-08T00:00:00Z (next rotation + P7D), or rotate no later than 2026-03-27T00:00:00Z (a shorter period or an earlier anchor in the schedule).',
        ),
      ],
      [
        "credential-expiring-soon",
        "mandatory",
        makeUrn("azure:keyvault/secret:Secret", "legacy-secret"),
        described(
          "credential-expiring-soon",
          'azure:keyvault/secret:Secret "legacy-secret" expires in 45 days, at 2026-02-15T00:00:00Z (expirationDate), within the warning window P60D. Fix: advance the rotation trigger of the credential this secret holds and run pulumi up, so the secret is rewritten with a new value and expiry.',
        ),
      ],
    ]);
  });

  it("AnalyzeStack: a static certificate is rejected, one from a scheduled source accepted, unknown schedules skipped", async () => {
    const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
    const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
    const RANDOM_ID = "random:index/randomId:RandomId";
    const scheduleUrn = child(RANDOM_ID, "signer-schedule");
    const certUrn = child(SELF_SIGNED, "signer-cert");
    const previewScheduleUrn = makeUrn(RANDOM_ID, "new-schedule");
    const previewCertUrn = makeUrn(SELF_SIGNED, "new-cert");
    const resources: ResourceRecord[] = [
      {
        type: RANDOM_ID,
        name: "signer-schedule",
        urn: scheduleUrn,
        properties: { byteLength: 8, keepers: SCHEDULE, hex: "00ff" },
      },
      {
        type: SELF_SIGNED,
        name: "signer-cert",
        urn: certUrn,
        propertyDependencies: { subject: [scheduleUrn] },
        properties: { validityPeriodHours: 9360, certPem: "-----BEGIN CERTIFICATE-----" },
      },
      {
        type: APP_CERT,
        name: "signer",
        urn: child(APP_CERT, "signer"),
        propertyDependencies: { value: [certUrn] },
        properties: {
          endDate: "2027-01-26T00:00:00Z",
          value: secret("-----BEGIN CERTIFICATE-----"),
        },
      },
      {
        type: APP_CERT,
        name: "pasted",
        properties: { endDate: "2026-12-01T00:00:00Z", value: "-----BEGIN CERTIFICATE-----" },
      },
      // Preview of a new stack: the schedule's keepers are known inputs, the certificate unknown.
      {
        type: RANDOM_ID,
        name: "new-schedule",
        urn: previewScheduleUrn,
        properties: { keepers: UNKNOWN },
      },
      {
        type: SELF_SIGNED,
        name: "new-cert",
        urn: previewCertUrn,
        propertyDependencies: { subject: [previewScheduleUrn] },
        properties: { certPem: UNKNOWN },
      },
      {
        type: APP_CERT,
        name: "new",
        propertyDependencies: { value: [previewCertUrn] },
        properties: { endDate: UNKNOWN, value: UNKNOWN },
      },
    ];
    // As the engine does: every resource through Analyze, then the stack.
    for (const resource of resources) await pack.analyze(resource);
    const diagnostics = await pack.analyzeStack(resources);
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
      [["credential-rotation-required", "mandatory", makeUrn(APP_CERT, "pasted")]],
    );
    assert.match(
      diagnostics[0].message,
      /"pasted" has no rotation schedule: its value is a literal certificate, which nothing ever replaces/,
    );
  });

  it("AnalyzeStack: a Key Vault certificate chain through a Stash passes; a tls.PrivateKey chain gets the private-key advisory; AutoRenew is mandatory", async () => {
    const APP_CERT = "azuread:index/applicationCertificate:ApplicationCertificate";
    const KV_CERT = "azure:keyvault/certificate:Certificate";
    const STASH = "pulumi:index:Stash";
    const KEY = "tls:index/privateKey:PrivateKey";
    const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
    const RANDOM_ID = "random:index/randomId:RandomId";
    // Newest slot 1 of generation 0 (window 1 starts 2026-01-01): slot 0 rotates 2026-06-30.
    const tags = {
      app: "vault-api",
      "rotation-window": "2025-07-05T00:00:00Z/P180D#0",
      "rotation-slot": "1/2",
      "rotation-trigger": "0",
    };
    const kvUrn = makeUrn(KV_CERT, "vault-api-kv");
    const keyUrn = makeUrn(KEY, "signer-key");
    const certUrn = makeUrn(SELF_SIGNED, "signer-cert");
    const scheduleUrn = makeUrn(RANDOM_ID, "signer-schedule");
    const keyVaultChain = (lifetimeAction: string): ResourceRecord[] => [
      {
        type: KV_CERT,
        name: "vault-api-kv",
        properties: {
          name: "vault-api-client-cert",
          certificatePolicy: {
            issuerParameters: { name: "Self" },
            lifetimeActions: [
              { action: { actionType: lifetimeAction }, trigger: { lifetimePercentage: 90 } },
            ],
          },
          tags,
          certificateData: UNKNOWN,
        },
      },
      ...["2026-07-30T00:00:00Z", "2027-01-26T00:00:00Z"].flatMap(
        (endDate, slot): ResourceRecord[] => [
          {
            type: STASH,
            name: `vault-api-slot${slot}-version`,
            propertyDependencies: { input: [kvUrn] },
            properties: { input: UNKNOWN, output: UNKNOWN },
          },
          {
            type: APP_CERT,
            name: `vault-api-slot${slot}`,
            propertyDependencies: { value: [makeUrn(STASH, `vault-api-slot${slot}-version`)] },
            properties: { encoding: "hex", value: UNKNOWN, endDate },
          },
        ],
      ),
    ];
    const tlsChain: ResourceRecord[] = [
      {
        type: RANDOM_ID,
        name: "signer-schedule",
        properties: { byteLength: 8, keepers: SCHEDULE },
      },
      { type: KEY, name: "signer-key", properties: { algorithm: "RSA", privateKeyPem: UNKNOWN } },
      {
        type: SELF_SIGNED,
        name: "signer-cert",
        propertyDependencies: { privateKeyPem: [keyUrn], subject: [scheduleUrn] },
        properties: { validityPeriodHours: 9360, certPem: UNKNOWN },
      },
      {
        type: APP_CERT,
        name: "signer",
        propertyDependencies: { value: [certUrn] },
        properties: { endDate: "2027-01-26T00:00:00Z", value: UNKNOWN },
      },
    ];
    const resources = [...keyVaultChain("EmailContacts"), ...tlsChain];
    for (const resource of resources) await pack.analyze(resource);
    const diagnostics = await pack.analyzeStack(resources);
    assert.deepStrictEqual(
      diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.urn]),
      [["credential-private-key-in-state", "advisory", makeUrn(APP_CERT, "signer")]],
    );
    assert.match(
      diagnostics[0].message,
      /"signer": the private key of its certificate is generated in the program \(tls:index\/privateKey:PrivateKey "signer-key"\).* Fix: let Key Vault generate the key: `credential: keyVaultCertificate`/,
    );
    const renewing = keyVaultChain("AutoRenew");
    for (const resource of renewing) await pack.analyze(resource);
    assert.deepStrictEqual(
      (await pack.analyzeStack(renewing)).map((d) => [d.policyName, d.enforcementLevel, d.urn]),
      [["credential-rotation-required", "mandatory", kvUrn]],
    );
  });

  it("AnalyzeStack costs nothing on a stack whose deployment analysed no credential; runs when one was", async () => {
    const group: ResourceRecord = {
      type: "azure-native:resources:ResourceGroup",
      name: "rg",
      properties: { location: "westeurope" },
    };
    const expired: ResourceRecord = {
      type: "azure:keyvault/secret:Secret",
      name: "old-secret",
      properties: { expirationDate: "2025-06-01T00:00:00Z", contentType: "text/plain" },
    };
    await pack.analyze(group);
    // Only the resource group was analysed: the stack policies are not applicable (not even run).
    assert.deepStrictEqual(await pack.analyzeStack([group]), []);
    await pack.analyze(group);
    await pack.analyze(expired);
    assert.deepStrictEqual(
      (await pack.analyzeStack([group, expired])).map((d) => [d.policyName, d.urn]),
      [["credential-expired", makeUrn("azure:keyvault/secret:Secret", "old-secret")]],
    );
    // A stack analysed with no Analyze before it (a tool, not the engine) is always judged.
    const fresh = await startPolicyPack(PACK_DIR, {
      nodeOptions: ["--require", FIXED_CLOCK],
      env: { PULUMI_TEST_NOW: "2026-01-01T00:00:00Z" },
    });
    try {
      await fresh.configure(reconcileConfig(await fresh.getAnalyzerInfo()));
      assert.deepStrictEqual(
        (await fresh.analyzeStack([group, expired])).map((d) => d.policyName),
        ["credential-expired"],
      );
    } finally {
      await fresh.stop();
    }
  });

  it("runPolicies: the whole engine sequence with `all` downgrading every policy to advisory", async () => {
    const run = await runPolicies(
      pack,
      [{ type: APP_PASSWORD, name: "bare", properties: { endDate: "2029-01-01T00:00:00Z" } }],
      { configFile: { all: "advisory" } },
    );
    assert.deepStrictEqual(
      run.diagnostics.map((d) => [d.policyName, d.enforcementLevel]),
      [
        ["credential-max-lifetime", "advisory"],
        ["credential-rotation-required", "advisory"],
      ],
    );
    assert.strictEqual(pack.engine.logs.filter((l) => l.severity >= 3).length, 0, pack.stderr());
  });
});
