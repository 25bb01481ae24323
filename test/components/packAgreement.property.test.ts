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
 * components/appCredentialSecrets.ts writes them.
 */
import * as assert from "assert";
import fc from "fast-check";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";
import {
  certificateInputs,
  defaultAnchor,
  expiresSeconds,
  passwordInputs,
  RotationSettings,
  rotationState,
} from "../../components/rotation";
import {
  CONSUMER_REFRESH_TAG,
  ConsumerKind,
  DEFAULT_REFRESH,
  slowestRefresh,
} from "../../policy/core/consumers";
import { formatInstant, parseDuration } from "../../policy/core/iso8601";
import { SLOT_KEY, WINDOW_KEY } from "../../policy/core/schedule";
import { consumerRefreshOverlapPolicy } from "../../policy/policies/consumer-refresh-overlap";
import { credentialMaxLifetimePolicy } from "../../policy/policies/credential-max-lifetime";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { credentialRotationRequiredPolicy } from "../../policy/policies/credential-rotation-required";
import { keyVaultSecretExpiryPolicy } from "../../policy/policies/keyvault-secret-expiry";
import { runResource, runStack, StackResourceSpec } from "../policy/helpers";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const CERTIFICATE = "azuread:index/applicationCertificate:ApplicationCertificate";
const RANDOM_ID = "random:index/randomId:RandomId";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const SECRET = "azure-native:keyvault:Secret";
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
};

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

/**
 * What the program declares for one app's credentials: passwords, or per slot the certificate
 * chain (schedule carrier → self-signed certificate → key credential), as the components build it.
 */
function credentialResources(
  settings: RotationSettings,
  nowMs: number,
  credential: "password" | "certificate",
): StackResourceSpec[] {
  const state = rotationState(settings, nowMs);
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

/** The mandatory policies' verdicts on what the program declares for one app at `nowMs`. */
async function packVerdicts(
  settings: RotationSettings,
  nowMs: number,
  credential: "password" | "certificate",
  consumers: readonly ScenarioConsumer[],
): Promise<Map<string, string[]>> {
  const clock = () => nowMs;
  const state = rotationState(settings, nowMs);
  const resources = credentialResources(settings, nowMs, credential);
  const active = state.slots[state.activeSlot];
  const consumerRefresh = slowestRefresh(consumers.map(resolvedRefresh), nowMs);
  const secret = {
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
  add(
    "keyvault-secret-expiry",
    await runResource(keyVaultSecretExpiryPolicy(clock), SECRET, "app-client-secret", secret),
  );
  add(
    "consumer-refresh-overlap",
    await runResource(consumerRefreshOverlapPolicy(clock), SECRET, "app-client-secret", secret),
  );
  add(
    "credential-rotates-before-expiry",
    (await runStack(credentialRotatesBeforeExpiryPolicy(clock), resources)).map((v) => v.message),
  );
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
  credential: fc.constantFrom("password" as const, "certificate" as const),
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
});

describe("the program and the policy pack are one rule set (property-based)", () => {
  it("whatever the pack rejects at its defaults, the configuration refuses first, naming the same policy", async () => {
    let accepted = 0;
    let refusedForThePack = 0;
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
            },
          ],
        };
        let problems: string[] = [];
        try {
          parseStackConfig(raw, nowMs);
          accepted++;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = error.problems;
        }
        const verdicts = await packVerdicts(settings, nowMs, s.credential, s.consumers);
        for (const [policy, messages] of verdicts) {
          const reason = SAME_REASON[policy];
          assert.ok(
            problems.some((p) => reason.test(p)),
            `at ${formatInstant(nowMs)} the pack's ${policy} rejects ${JSON.stringify(rotation)}${s.consumers.length > 0 ? ` with consumers ${JSON.stringify(s.consumers)}` : ""} (${messages[0]}) but the configuration ${problems.length === 0 ? "accepted it" : `said only: ${problems.join(" | ")}`}`,
          );
        }
        if (verdicts.size > 0) refusedForThePack++;
      }),
      { numRuns: 300, seed: 20261121 },
    );
    // The generators reach both sides of the rule.
    assert.ok(accepted > 40, `accepted ${accepted}`);
    assert.ok(refusedForThePack > 40, `refused for the pack ${refusedForThePack}`);
  });
});
