/**
 * The program and the policy pack are one rule set (property-based, fast-check): for random
 * rotation configurations × deployment instants, whenever the pack at its default configuration
 * would report a mandatory violation on what the program declares at that instant, the program's
 * configuration check refuses that configuration first, naming the same policy. So every
 * configuration the program accepts passes the pack at its defaults.
 *
 * The declared resources come from the same pure functions the components use (`rotationState`,
 * `passwordInputs`, `expiresSeconds`, `slowestRefresh`); the policies are the pack's own, with
 * their clock at the instant. Configurations may declare consumers with random refreshes: the
 * credential's secret then carries the tags `consumer-refresh-overlap` reads (`consumer-refresh`,
 * the active slot's `rotation-window` and `rotation-slot`, `endDate`), as
 * components/appCredentialSecrets.ts writes them. They may also carry `federation` entries
 * (githubActions with an environment, branch, tag or `pullRequest: true`, kubernetes,
 * managedIdentity, or a generic issuer and subject, some on plain http): the program then declares
 * one `azuread.ApplicationFederatedIdentityCredential` per entry as components/federatedCredentials.ts
 * does (issuer, or for a managed identity `https://login.microsoftonline.com/<tenantId>/v2.0`;
 * subject; `audiences: [audience]`), judged by `federated-credential-subject-scope`; when the
 * configuration accepts the app, its parsed entries must be those credentials.
 *
 * Apps may have `credential: keyVaultCertificate` (with or without `exportable`): the program then
 * declares what components/rotatingKeyVaultCertificates.ts declares — one
 * `azure.keyvault.Certificate` whose tags carry the active slot's schedule and whose certificate
 * policy has the active slot's subject, the validity the configuration computed
 * (`keyVaultCertificate.validityInMonths`, components/config/keyVaultCertificateConfig.ts) and an
 * EmailContacts lifetime action; per slot a `pulumi.Stash` of the certificate's version and the
 * key credential (`encoding: hex`, value from the Stash, the slot's end date) — and no credential
 * secret: consumers read the certificate's companion secret, so the Key Vault secrets the pack
 * judges are the client id's and tenant id's, expiring with the active credential. When the
 * configuration accepts the app, its parsed `keyVaultCertificate` must be the exportability asked
 * for (default true) and the validity keyVaultCertificateMonths computes.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import fc from "fast-check";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import { keyVaultCertificateMonths } from "../../components/config/keyVaultCertificateConfig";
import {
  CLIENT_AUTH_EKU,
  KEY_VAULT_CERTIFICATE_POLICY,
  keyVaultCertificateName,
  LIFETIME_ACTION,
} from "../../components/rotatingKeyVaultCertificates";
import {
  certificateInputs,
  defaultAnchor,
  expiresSeconds,
  passwordInputs,
  RotationSettings,
  rotationState,
} from "../../components/rotation";
import {
  DEFAULT_FEDERATION_AUDIENCE,
  entraIssuer,
  GITHUB_ACTIONS_ISSUER,
  GithubTrust,
  githubSubject,
  kubernetesSubject,
} from "../../policy/core/federation";
import {
  CONSUMER_REFRESH_TAG,
  ConsumerKind,
  DEFAULT_REFRESH,
  slowestRefresh,
} from "../../policy/core/consumers";
import { formatInstant, parseDuration } from "../../policy/core/iso8601";
import { managedCertificateCommonName } from "../../policy/core/managed";
import { SLOT_KEY, TRIGGER_KEY, WINDOW_KEY } from "../../policy/core/schedule";
import { consumerRefreshOverlapPolicy } from "../../policy/policies/consumer-refresh-overlap";
import { credentialMaxLifetimePolicy } from "../../policy/policies/credential-max-lifetime";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { credentialRotationRequiredPolicy } from "../../policy/policies/credential-rotation-required";
import { federatedCredentialSubjectScopePolicy } from "../../policy/policies/federated-credential-subject-scope";
import { keyVaultSecretExpiryPolicy } from "../../policy/policies/keyvault-secret-expiry";
import { runResource, runStack, StackResourceSpec } from "../policy/helpers";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const CERTIFICATE = "azuread:index/applicationCertificate:ApplicationCertificate";
const RANDOM_ID = "random:index/randomId:RandomId";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const SECRET = "azure-native:keyvault:Secret";
const KEYVAULT_CERTIFICATE = "azure:keyvault/certificate:Certificate";
const STASH = "pulumi:index:Stash";
const KEY_VAULT_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-creds";
const FEDERATED_CREDENTIAL =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const PERIODS = [
  "PT12H",
  "P1D",
  "PT36H",
  "P7D",
  "P2W",
  "P30D",
  "P1M",
  "P90D",
  "P3M",
  "P180D",
  "P6M",
  "P200D",
  "P1Y",
  "P400D",
];
const GRACES = ["P1D", "P6DT23H", "P7D", "P8D", "P14D", "P30D", "P1M", "P2M", "P6M", "P1Y"];
const MAX_LIFETIMES = [undefined, "P2Y", "P730D", "P24M", "P18M", "P1Y", "P365D", "P3Y"];
const YEAR_MS = 365.25 * 86_400_000;
const REFRESHES = ["PT2M", "PT30M", "PT24H", "P7D", "P30D", "P60D", "P150D"];
const CONSUMER_KINDS: ConsumerKind[] = [
  "appService",
  "containerApp",
  "aksSecretsStoreCsi",
  "custom",
];

/** Which policy a config problem speaks for: the problem names it. */
const SAME_REASON: Record<string, RegExp> = {
  "credential-max-lifetime": /credential-max-lifetime|may not exceed P2Y/,
  "keyvault-secret-expiry": /credential-max-lifetime|may not exceed P2Y/,
  "credential-rotates-before-expiry": /credential-rotates-before-expiry/,
  "credential-rotation-required": /credential-rotation-required/,
  "consumer-refresh-overlap": /consumer-refresh-overlap/,
  // components/config/federationConfig.ts: "… Fix: … (federated-credential-subject-scope)".
  "federated-credential-subject-scope": /federated-credential-subject-scope/,
};

/** One `federation` entry as the scenario writes it in the configuration. */
type ScenarioFederation = Record<string, unknown>;

/** What the program declares for one entry (components/federatedCredentials.ts). */
interface DeclaredFederatedCredential {
  issuer: string;
  subject: string;
  audience: string;
}

/**
 * The federated credential the program declares for an entry, derived from the entry as written
 * (the documented forms of policy/core/federation.ts), whether or not the configuration accepts it.
 */
function declaredFederation(
  entry: ScenarioFederation,
  tenantId: string,
): DeclaredFederatedCredential {
  const audience =
    typeof entry.audience === "string" ? entry.audience : DEFAULT_FEDERATION_AUDIENCE;
  const github = entry.githubActions as
    ({ repository: string } & Partial<Record<string, unknown>>) | undefined;
  if (github) {
    const { repository, ...trust } = github;
    return {
      issuer: GITHUB_ACTIONS_ISSUER,
      subject: githubSubject(repository, trust as GithubTrust),
      audience,
    };
  }
  const kubernetes = entry.kubernetes as
    { issuer: string; namespace: string; serviceAccount: string } | undefined;
  if (kubernetes) {
    return {
      issuer: kubernetes.issuer,
      subject: kubernetesSubject(kubernetes.namespace, kubernetes.serviceAccount),
      audience,
    };
  }
  const managedIdentity = entry.managedIdentity as { principalId: string } | undefined;
  if (managedIdentity) {
    return {
      issuer: entraIssuer(tenantId),
      subject: managedIdentity.principalId.toLowerCase(),
      audience,
    };
  }
  return { issuer: String(entry.issuer), subject: String(entry.subject), audience };
}

const audienceOption = fc.option(
  fc.constantFrom("api://AzureADTokenExchange", "api://AzureADTokenExchangeUSGov", "api://other"),
  { nil: undefined },
);
const withAudience = (entry: ScenarioFederation, audience: string | undefined) =>
  audience === undefined ? entry : { ...entry, audience };

/** One `federation` entry of each documented form; pull requests and http issuers sometimes. */
const federationEntry: fc.Arbitrary<ScenarioFederation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom("contoso/app", "contoso@123456/app@456789"),
        fc.oneof(
          fc.constantFrom({ environment: "prod" }, { environment: "staging" }),
          fc.constantFrom({ branch: "main" }, { branch: "release/1.0" }),
          fc.constant({ tag: "v1.2.0" }),
          fc.constant({ pullRequest: true }),
        ),
        audienceOption,
      )
      .map(([repository, trust, audience]) =>
        withAudience({ githubActions: { repository, ...trust } }, audience),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "https://oidc.prod-aks.azure.com/0a1b2c3d-0000-4000-8000-000000000001/",
          "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0a1b2c3d-0000-4000-8000-000000000002/",
        ),
        fc.constantFrom("payments", "default"),
        fc.constantFrom("api", "worker.v2"),
        audienceOption,
      )
      .map(([issuer, namespace, serviceAccount, audience]) =>
        withAudience({ kubernetes: { issuer, namespace, serviceAccount } }, audience),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uuid(), fc.boolean(), audienceOption)
      .map(([principalId, upper, audience]) =>
        withAudience(
          { managedIdentity: { principalId: upper ? principalId.toUpperCase() : principalId } },
          audience,
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          GITHUB_ACTIONS_ISSUER,
          "https://token.actions.githubusercontent.com/contoso",
          "https://github.contoso.com/_services/token",
          "https://accounts.google.com",
          "http://issuer.example.com",
          "http://token.actions.githubusercontent.com",
        ),
        fc.constantFrom(
          "repo:contoso/app:pull_request",
          "repo:contoso@1/app@2:pull_request",
          "repo:contoso/app:environment:prod",
          "repo:contoso/app:pull_request:job_workflow_ref:contoso/app/.github/workflows/ci.yml@refs/heads/main",
          "system:serviceaccount:payments:api",
          "108123456789012345678",
        ),
        audienceOption,
      )
      .map(([issuer, subject, audience]) => withAudience({ issuer, subject }, audience)),
  },
);

/** One consumer as the scenario declares it; `refresh` undefined: the kind's documented default. */
interface ScenarioConsumer {
  kind: ConsumerKind;
  refresh?: string;
}

/** The refresh the program resolves for a consumer: configured, else its kind's documented one. */
function resolvedRefresh(consumer: ScenarioConsumer): string {
  if (consumer.refresh !== undefined) return consumer.refresh;
  assert.ok(consumer.kind !== "custom", "custom consumers are generated with a refresh");
  return DEFAULT_REFRESH[consumer.kind].refresh;
}

/** The credential kinds the scenarios declare. */
type CredentialKind = "password" | "certificate" | "keyVaultCertificate";

/** The certificate policy's settings of a `keyVaultCertificate` app (as the configuration computes them). */
interface KeyVaultCertificateSettings {
  exportable: boolean;
  validityInMonths: number;
}

/**
 * What the program declares for one app's credentials: passwords; or per slot the certificate
 * chain (schedule carrier → self-signed certificate → key credential); or the Key Vault certificate
 * and per slot its Stash and key credential — as the components build them.
 */
function credentialResources(
  settings: RotationSettings,
  nowMs: number,
  credential: CredentialKind,
  keyVault: KeyVaultCertificateSettings,
): StackResourceSpec[] {
  const state = rotationState(settings, nowMs);
  if (credential === "keyVaultCertificate") {
    return keyVaultCertificateResources(state, keyVault);
  }
  if (credential === "password") {
    return state.slots.map((slot, i) => ({
      type: PASSWORD,
      name: `app-passwords-slot${i}`,
      props: { applicationId: "/applications/x", ...passwordInputs(slot) },
    }));
  }
  return state.slots.flatMap((slot, i): StackResourceSpec[] => {
    const inputs = certificateInputs("app", slot);
    const prefix = `app-certificates-slot${i}`;
    return [
      {
        type: RANDOM_ID,
        name: `${prefix}-schedule`,
        props: { byteLength: 8, keepers: slot.rotateWhenChanged },
      },
      {
        type: SELF_SIGNED,
        name: `${prefix}-cert`,
        props: {
          validityPeriodHours: inputs.validityPeriodHours,
          subject: { commonName: inputs.commonName },
        },
        propertyDependencies: { subject: [`${prefix}-schedule`] },
      },
      {
        type: CERTIFICATE,
        name: prefix,
        props: {
          applicationId: "/applications/x",
          type: "AsymmetricX509Cert",
          endDate: formatInstant(slot.endDateMs),
        },
        propertyDependencies: { value: [`${prefix}-cert`] },
      },
    ];
  });
}

/**
 * components/rotatingKeyVaultCertificates.ts for app `app` (owner an application, component name
 * `app-kv-certificates`): the certificate with the active slot's tags and subject, per slot the
 * Stash of its version and the key credential.
 */
function keyVaultCertificateResources(
  state: ReturnType<typeof rotationState>,
  keyVault: KeyVaultCertificateSettings,
): StackResourceSpec[] {
  const prefix = "app-kv-certificates";
  const active = state.slots[state.activeSlot];
  const marker = managedCertificateCommonName("app", active.slot, active.generation);
  const trigger = createHash("sha256")
    .update(active.rotateWhenChanged[TRIGGER_KEY] ?? "")
    .digest("hex")
    .slice(0, 8);
  const certificate: StackResourceSpec = {
    type: KEYVAULT_CERTIFICATE,
    name: `${prefix}-kv`,
    props: {
      name: keyVaultCertificateName("app"),
      keyVaultId: KEY_VAULT_ID,
      certificatePolicy: {
        issuerParameters: { name: KEY_VAULT_CERTIFICATE_POLICY.issuer },
        keyProperties: {
          exportable: keyVault.exportable,
          keyType: KEY_VAULT_CERTIFICATE_POLICY.keyType,
          keySize: KEY_VAULT_CERTIFICATE_POLICY.keySize,
          reuseKey: false,
        },
        lifetimeActions: [LIFETIME_ACTION],
        secretProperties: { contentType: KEY_VAULT_CERTIFICATE_POLICY.contentType },
        x509CertificateProperties: {
          subject: `CN=${marker},OU=trigger ${trigger}`,
          validityInMonths: keyVault.validityInMonths,
          keyUsages: [...KEY_VAULT_CERTIFICATE_POLICY.keyUsages],
          extendedKeyUsages: [CLIENT_AUTH_EKU],
        },
      },
      tags: {
        app: "app",
        "managed-by": "app-credentials",
        [WINDOW_KEY]: active.rotateWhenChanged[WINDOW_KEY],
        [SLOT_KEY]: active.rotateWhenChanged[SLOT_KEY],
        [TRIGGER_KEY]: active.rotateWhenChanged[TRIGGER_KEY],
      },
    },
  };
  return [
    certificate,
    ...state.slots.flatMap((slot): StackResourceSpec[] => [
      {
        type: STASH,
        name: `${prefix}-slot${slot.slot}-version`,
        props: { input: { version: `generation-${slot.generation}` } },
        propertyDependencies: { input: [certificate.name] },
      },
      {
        type: CERTIFICATE,
        name: `${prefix}-slot${slot.slot}`,
        props: {
          applicationId: "/applications/x",
          type: "AsymmetricX509Cert",
          encoding: "hex",
          endDate: formatInstant(slot.endDateMs),
        },
        propertyDependencies: { value: [`${prefix}-slot${slot.slot}-version`] },
      },
    ]),
  ];
}

/** The mandatory policies' verdicts on what the program declares for one app at `nowMs`. */
async function packVerdicts(
  settings: RotationSettings,
  nowMs: number,
  credential: CredentialKind,
  keyVault: KeyVaultCertificateSettings,
  consumers: readonly ScenarioConsumer[],
  federation: readonly DeclaredFederatedCredential[],
): Promise<Map<string, string[]>> {
  const clock = () => nowMs;
  const state = rotationState(settings, nowMs);
  const resources = credentialResources(settings, nowMs, credential, keyVault);
  const active = state.slots[state.activeSlot];
  const consumerRefresh = slowestRefresh(consumers.map(resolvedRefresh), nowMs);
  // A Key Vault certificate hands itself over (its companion secret): the secrets the program
  // declares are the client id's and tenant id's, expiring with the active credential, untagged.
  const clientIdSecret = {
    properties: {
      value: "00000000-0000-0000-0000-0000000000c1",
      contentType: "text/plain; entra-client-id",
      attributes: { enabled: true, expires: expiresSeconds(active.endDateMs) },
    },
    tags: { app: "app", "managed-by": "app-credentials" },
  };
  const credentialSecret = {
    properties: {
      value: "[secret]",
      contentType: "text/plain; entra-client-secret",
      attributes: {
        enabled: true,
        expires: expiresSeconds(active.endDateMs),
      },
    },
    tags: {
      app: "app",
      "managed-by": "app-credentials",
      keyId: "00000000-0000-0000-0000-000000000001",
      endDate: formatInstant(active.endDateMs),
      slot: String(active.slot),
      generation: String(active.generation),
      [WINDOW_KEY]: active.rotateWhenChanged[WINDOW_KEY],
      [SLOT_KEY]: active.rotateWhenChanged[SLOT_KEY],
      ...(consumerRefresh ? { [CONSUMER_REFRESH_TAG]: consumerRefresh } : {}),
    },
  };
  const verdicts = new Map<string, string[]>();
  const add = (policy: string, messages: string[]) => {
    if (messages.length > 0) verdicts.set(policy, [...(verdicts.get(policy) ?? []), ...messages]);
  };
  const rotationRequired = credentialRotationRequiredPolicy();
  for (const r of resources.filter((r) => r.type === PASSWORD || r.type === CERTIFICATE)) {
    add(
      "credential-max-lifetime",
      await runResource(credentialMaxLifetimePolicy(clock), r.type, r.name, r.props),
    );
    add(
      "credential-rotation-required",
      await runResource(rotationRequired, r.type, r.name, r.props),
    );
  }
  add(
    "credential-rotation-required",
    (await runStack(rotationRequired, resources)).map((v) => v.message),
  );
  const [secretName, secret] =
    credential === "keyVaultCertificate"
      ? ["app-client-id", clientIdSecret]
      : ["app-client-secret", credentialSecret];
  add(
    "keyvault-secret-expiry",
    await runResource(keyVaultSecretExpiryPolicy(clock), SECRET, secretName, secret),
  );
  add(
    "consumer-refresh-overlap",
    await runResource(consumerRefreshOverlapPolicy(clock), SECRET, secretName, secret),
  );
  add(
    "credential-rotates-before-expiry",
    (await runStack(credentialRotatesBeforeExpiryPolicy(clock), resources)).map((v) => v.message),
  );
  const subjectScope = federatedCredentialSubjectScopePolicy();
  for (const [i, f] of federation.entries()) {
    add(
      "federated-credential-subject-scope",
      await runResource(subjectScope, FEDERATED_CREDENTIAL, `app-federation-${i}`, {
        applicationId: "/applications/x",
        displayName: `entry-${i}`,
        issuer: f.issuer,
        subject: f.subject,
        audiences: [f.audience],
        description: "app-credentials",
      }),
    );
  }
  return verdicts;
}

/** The rotation settings the components would use, without the configuration's checks. */
function unchecked(rotation: Record<string, unknown>, name: string): RotationSettings {
  const period = String(rotation.period);
  const grace = String(rotation.grace);
  const periodDuration = parseDuration(period);
  const graceDuration = parseDuration(grace);
  assert.ok(periodDuration.ok && graceDuration.ok);
  return {
    anchorMs:
      rotation.anchor === undefined
        ? defaultAnchor(name, periodDuration.value)
        : Date.parse(String(rotation.anchor)),
    period,
    periodDuration: periodDuration.value,
    grace,
    graceDuration: graceDuration.value,
    slots: rotation.slots as 1 | 2,
    trigger: "0",
  };
}

const scenario = fc.record({
  period: fc.constantFrom(...PERIODS),
  grace: fc.constantFrom(...GRACES),
  slots: fc.constantFrom(1, 2),
  credential: fc.constantFrom<CredentialKind>("password", "certificate", "keyVaultCertificate"),
  /** `exportable` as written for a keyVaultCertificate app; undefined: not written (default true). */
  exportable: fc.option(fc.boolean(), { nil: undefined }),
  maxLifetime: fc.constantFrom(...MAX_LIFETIMES),
  /** Whole minutes from 2020-01-01, up to six years; undefined: the default anchor. */
  anchorMinutes: fc.option(fc.integer({ min: 0, max: 6 * 525_600 }), { nil: undefined }),
  /** The deployment instant: seconds after the anchor (or after 2024-06-01 for the default), up to 40 years. */
  afterSeconds: fc.integer({ min: 0, max: Math.floor((40 * YEAR_MS) / 1000) }),
  /** Most configurations have none; custom consumers always state their refresh. */
  consumers: fc.oneof(
    { weight: 1, arbitrary: fc.constant([] as ScenarioConsumer[]) },
    {
      weight: 2,
      arbitrary: fc.array(
        fc
          .record({
            kind: fc.constantFrom(...CONSUMER_KINDS),
            refresh: fc.option(fc.constantFrom(...REFRESHES), { nil: undefined }),
          })
          .map((c): ScenarioConsumer =>
            c.kind === "custom" && c.refresh === undefined ? { ...c, refresh: "PT1H" } : c,
          ),
        { minLength: 1, maxLength: 3 },
      ),
    },
  ),
  /** Most configurations have none. */
  federation: fc.oneof(
    { weight: 1, arbitrary: fc.constant([] as ScenarioFederation[]) },
    { weight: 1, arbitrary: fc.array(federationEntry, { minLength: 1, maxLength: 3 }) },
  ),
  /** The tenant a managed identity's credential trusts (its Entra ID issuer). */
  tenantId: fc.uuid(),
});

describe("the program and the policy pack are one rule set (property-based)", () => {
  it("whatever the pack rejects at its defaults, the configuration refuses first, naming the same policy", async () => {
    let accepted = 0;
    let refusedForThePack = 0;
    let acceptedWithFederation = 0;
    let refusedForPullRequests = 0;
    let acceptedKeyVault = 0;
    let refusedKeyVaultForThePack = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const anchor =
          s.anchorMinutes === undefined
            ? undefined
            : formatInstant(Date.UTC(2020, 0, 1) + s.anchorMinutes * 60_000);
        const rotation: Record<string, unknown> = {
          period: s.period,
          grace: s.grace,
          slots: s.slots,
          ...(anchor ? { anchor } : {}),
          ...(s.maxLifetime ? { maxLifetime: s.maxLifetime } : {}),
        };
        const settings = unchecked(rotation, "app");
        const nowMs = Math.max(settings.anchorMs, Date.UTC(2024, 5, 1)) + s.afterSeconds * 1000;
        const raw: RawStackConfig = {
          keyVault: { existing: { resourceGroupName: "rg", name: "kv-creds" } },
          apps: [
            {
              name: "app",
              credential: s.credential,
              ...(s.credential === "keyVaultCertificate" && s.exportable !== undefined
                ? { exportable: s.exportable }
                : {}),
              rotation,
              ...(s.consumers.length > 0
                ? {
                    consumers: s.consumers.map((c, i) => ({
                      name: `consumer-${i}`,
                      kind: c.kind,
                      principalId: `00000000-0000-0000-0000-00000000000${i}`,
                      ...(c.refresh !== undefined ? { refresh: c.refresh } : {}),
                    })),
                  }
                : {}),
              ...(s.federation.length > 0 ? { federation: s.federation } : {}),
            },
          ],
        };
        const federation = s.federation.map((entry) => declaredFederation(entry, s.tenantId));
        // The certificate policy's validity as the configuration computes it (when it fits).
        const cap = parseDuration(s.maxLifetime ?? "P2Y");
        assert.ok(cap.ok);
        const months = keyVaultCertificateMonths(settings, cap.value, nowMs);
        let keyVault: KeyVaultCertificateSettings = {
          exportable: s.exportable ?? true,
          validityInMonths: months.ok ? months.months : 24,
        };
        let problems: string[] = [];
        try {
          const parsed = parseStackConfig(raw, nowMs);
          accepted++;
          if (s.federation.length > 0) acceptedWithFederation++;
          if (s.credential === "keyVaultCertificate") {
            acceptedKeyVault++;
            // What the configuration hands components/rotatingKeyVaultCertificates.ts is what was judged.
            assert.ok(months.ok, `accepted although ${months.ok ? "" : months.reason}`);
            assert.deepStrictEqual(parsed.apps[0].keyVaultCertificate, keyVault);
            keyVault = parsed.apps[0].keyVaultCertificate;
          } else {
            assert.strictEqual(parsed.apps[0].keyVaultCertificate, undefined);
          }
          // What the configuration hands components/federatedCredentials.ts is what was judged.
          assert.deepStrictEqual(
            parsed.apps[0].federation.map((f): DeclaredFederatedCredential => ({
              issuer: f.issuer ?? entraIssuer(s.tenantId),
              subject: f.subject,
              audience: f.audience,
            })),
            federation,
          );
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = error.problems;
        }
        const verdicts = await packVerdicts(
          settings,
          nowMs,
          s.credential,
          keyVault,
          s.consumers,
          federation,
        );
        for (const [policy, messages] of verdicts) {
          const reason = SAME_REASON[policy];
          assert.ok(
            problems.some((p) => reason.test(p)),
            `at ${formatInstant(nowMs)} the pack's ${policy} rejects ${s.credential} ${JSON.stringify(rotation)}${s.consumers.length > 0 ? ` with consumers ${JSON.stringify(s.consumers)}` : ""}${s.federation.length > 0 ? ` with federation ${JSON.stringify(s.federation)}` : ""} (${messages[0]}) but the configuration ${problems.length === 0 ? "accepted it" : `said only: ${problems.join(" | ")}`}`,
          );
        }
        if (verdicts.size > 0) refusedForThePack++;
        if (verdicts.has("federated-credential-subject-scope")) refusedForPullRequests++;
        if (verdicts.size > 0 && s.credential === "keyVaultCertificate") {
          refusedKeyVaultForThePack++;
        }
      }),
      { numRuns: 500, seed: 20261121 },
    );
    // The generators reach both sides of the rule.
    assert.ok(accepted > 40, `accepted ${accepted}`);
    assert.ok(refusedForThePack > 40, `refused for the pack ${refusedForThePack}`);
    assert.ok(acceptedWithFederation > 15, `accepted with federation ${acceptedWithFederation}`);
    assert.ok(refusedForPullRequests > 30, `refused for pull requests ${refusedForPullRequests}`);
    assert.ok(acceptedKeyVault > 15, `accepted with a Key Vault certificate ${acceptedKeyVault}`);
    assert.ok(
      refusedKeyVaultForThePack > 15,
      `Key Vault certificates refused for the pack ${refusedKeyVaultForThePack}`,
    );
  });
});
