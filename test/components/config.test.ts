import * as assert from "assert";
import { ConfigError, parseStackConfig, RawStackConfig } from "../../components/config";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const VAULT = { existing: { resourceGroupName: "rg", name: "kv-creds" } };
const APP = { name: "orders-api" };
const base = (patch: Partial<RawStackConfig>): RawStackConfig => ({
  keyVault: VAULT,
  apps: [APP],
  ...patch,
});

function problemsOf(raw: RawStackConfig): string[] {
  try {
    parseStackConfig(raw, NOW);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

/** Each bad configuration and the exact problem it must report (field, value, what is allowed). */
const BAD: [string, RawStackConfig, string][] = [
  [
    "maxLifetime above the 2-year ceiling",
    base({ rotation: { maxLifetime: "P3Y" } }),
    'app-credentials:rotation.maxLifetime: "P3Y" is invalid; the maximum lifetime may not exceed P2Y (730 days); lower it',
  ],
  [
    "a per-app maxLifetime above the stack's",
    base({
      rotation: { maxLifetime: "P1Y", period: "P90D" },
      apps: [{ name: "a", rotation: { maxLifetime: "P18M" } }],
    }),
    'app-credentials:apps[0].rotation.maxLifetime: "P18M" is invalid; the maximum lifetime may not exceed P1Y (365 days); lower it',
  ],
  [
    "2·period + grace above maxLifetime",
    base({ rotation: { period: "P365D", grace: "P30D" } }),
    'app-credentials:rotation: {"period":"P365D","grace":"P30D","slots":2} is invalid; 2·period + grace = 2·P365D + P30D lets a password live up to 760 days, above maxLifetime P2Y (730 days), the policy pack\'s credential-max-lifetime; shorten period or grace',
  ],
  [
    "2·period + grace above maxLifetime by a leap day only",
    base({ apps: [{ name: "a", rotation: { period: "P362D", grace: "P7D" } }] }),
    'app-credentials:apps[0].rotation: {"period":"P362D","grace":"P7D","slots":2} is invalid; 2·period + grace = 2·P362D + P7D lets a password live up to 731 days, above maxLifetime P2Y (730 days), the policy pack\'s credential-max-lifetime; shorten period or grace',
  ],
  [
    "2·period + grace above maxLifetime in calendar years, for one window",
    base({
      apps: [
        {
          name: "a",
          rotation: { period: "P1Y", grace: "P7D", anchor: "2024-02-29T00:00:00Z" },
        },
      ],
    }),
    'app-credentials:apps[0].rotation: {"period":"P1Y","grace":"P7D","slots":2} is invalid; 2·period + grace = 2·P1Y + P7D lets a password live up to 737 days (for the password issued at 2025-02-28T00:00:00Z), above maxLifetime P2Y (730 days), the policy pack\'s credential-max-lifetime; shorten period or grace',
  ],
  [
    "period + grace above a lowered maxLifetime with one slot",
    base({ apps: [{ name: "a", rotation: { slots: 1, period: "P90D", maxLifetime: "P90D" } }] }),
    'app-credentials:apps[0].rotation: {"period":"P90D","grace":"P30D","slots":1} is invalid; period + grace = P90D + P30D lets a password live up to 120 days, above maxLifetime P90D (90 days), the policy pack\'s credential-max-lifetime; shorten period or grace',
  ],
  [
    "malformed period",
    base({ rotation: { period: "6 months" } }),
    'app-credentials:rotation.period: "6 months" is invalid; expected a positive ISO 8601 duration such as P180D, P6M or PT12H ("6 months" is not an ISO 8601 duration (e.g. P2Y, P180D))',
  ],
  [
    "zero period",
    base({ rotation: { period: "P0D" } }),
    'app-credentials:rotation.period: "P0D" is invalid; expected a positive ISO 8601 duration such as P180D, P6M or PT12H ("P0D" is zero; durations must be positive)',
  ],
  [
    "negative grace",
    base({ apps: [{ name: "a", rotation: { grace: "-P7D" } }] }),
    'app-credentials:apps[0].rotation.grace: "-P7D" is invalid; expected a positive ISO 8601 duration such as P180D, P6M or PT12H ("-P7D" is negative; durations must be positive)',
  ],
  [
    "grace shorter than the policy pack's minGrace",
    base({ rotation: { grace: "P6DT23H" } }),
    'app-credentials:rotation.grace: "P6DT23H" is invalid; the grace must be at least P7D, the policy pack\'s minGrace (credential-rotates-before-expiry): a password must stay valid that long after its replacement, so consumers pick up the new one and a failed scheduled run can be retried',
  ],
  [
    "a period shorter than a day",
    base({ rotation: { period: "PT1S" } }),
    'app-credentials:rotation.period: "PT1S" is invalid; the period must be at least P1D: scheduled deployments run about daily, and a shorter window would replace every slot at every run, deleting the password Key Vault just left',
  ],
  [
    "anchor in the future",
    base({ rotation: { anchor: "2027-01-01T00:00:00Z" } }),
    'app-credentials:rotation.anchor: "2027-01-01T00:00:00Z" is invalid; the anchor may not be in the future (now is 2026-11-21T12:00:00Z): window 0 starts at the anchor',
  ],
  [
    "anchor without an offset",
    base({ rotation: { anchor: "2025-01-01T00:00:00" } }),
    'app-credentials:rotation.anchor: "2025-01-01T00:00:00" is invalid; expected an RFC 3339 timestamp such as 2025-01-01T00:00:00Z ("2025-01-01T00:00:00" is not an RFC 3339 timestamp (e.g. 2026-01-31T00:00:00Z))',
  ],
  [
    "three slots",
    base({ rotation: { slots: 3 } }),
    "app-credentials:rotation.slots: 3 is invalid; expected 1 (one password, replaced in place) or 2 (two overlapping passwords)",
  ],
  [
    "duplicate app names, differing only in case",
    base({ apps: [{ name: "orders-api" }, { name: "Orders-API" }] }),
    'app-credentials:apps[1].name: "Orders-API" is invalid; app names must be unique, ignoring case (Key Vault secret names are case-insensitive); apps[0] has it already',
  ],
  [
    "an app name that is not a valid Key Vault secret name",
    base({ apps: [{ name: "orders_api" }] }),
    'app-credentials:apps[0].name: "orders_api" is invalid; app names become Key Vault secret names <name>-client-certificate: 1–108 letters, digits and hyphens, starting with a letter or digit',
  ],
  [
    "an app name too long for <name>-client-certificate",
    base({ apps: [{ name: "a".repeat(109) }] }),
    `app-credentials:apps[0].name: "${"a".repeat(40)}"… (109 characters) is invalid; app names become Key Vault secret names <name>-client-certificate: 1–108 letters, digits and hyphens, starting with a letter or digit`,
  ],
  [
    "an existing vault name that Azure rejects",
    base({ keyVault: { existing: { resourceGroupName: "rg", name: "kv--creds" } } }),
    "app-credentials:keyVault.existing.name: \"kv--creds\" is invalid; a vault name has 3–24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, and has no '--'",
  ],
  [
    "a vault name prefix that leaves no room for the random suffix",
    base({ keyVault: { create: { resourceGroupName: "rg", namePrefix: "app-credentials-prod" } } }),
    "app-credentials:keyVault.create.namePrefix: \"app-credentials-prod\" is invalid; the vault is named <namePrefix>-<6 random characters>, so the prefix needs 2–17 letters, digits and hyphens, starting with a letter, with no '--'",
  ],
  [
    "both an existing and a created vault",
    base({
      keyVault: { existing: VAULT.existing, create: { resourceGroupName: "rg", namePrefix: "kv" } },
    }),
    'app-credentials:keyVault: ["existing","create"] is invalid; set exactly one of `existing` (a vault to use) or `create` (a vault the stack creates)',
  ],
  [
    "no vault at all",
    { apps: [APP] },
    "app-credentials:keyVault: (missing) is invalid; expected an object with exactly one of `existing: {resourceGroupName, name}` or `create: {resourceGroupName, location, namePrefix}`",
  ],
  [
    "both an existing application and an existing service principal",
    base({
      apps: [
        {
          name: "a",
          existing: {
            applicationObjectId: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
            servicePrincipalObjectId: "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d",
          },
        },
      ],
    }),
    'app-credentials:apps[0].existing: ["applicationObjectId","servicePrincipalObjectId"] is invalid; set exactly one of `applicationObjectId` (an app registration) or `servicePrincipalObjectId` (e.g. one created through admin consent)',
  ],
  [
    "neither an existing application nor an existing service principal",
    base({ apps: [{ name: "a", existing: {} }] }),
    "app-credentials:apps[0].existing: [] is invalid; set exactly one of `applicationObjectId` (an app registration) or `servicePrincipalObjectId` (e.g. one created through admin consent)",
  ],
  [
    "an existing service principal whose object id is not a GUID",
    base({ apps: [{ name: "a", existing: { servicePrincipalObjectId: "crm-connector" } }] }),
    'app-credentials:apps[0].existing.servicePrincipalObjectId: "crm-connector" is invalid; expected an object id (a GUID such as 00000000-0000-0000-0000-000000000000)',
  ],
  [
    "a numeric rotation trigger",
    base({ apps: [{ name: "a", rotationTrigger: 2 }] }),
    'app-credentials:apps[0].rotationTrigger: 2 is invalid; expected a non-empty string of at most 256 characters (quote numbers in YAML: "1")',
  ],
  [
    "a misspelt rotation field",
    base({ rotation: { perod: "P90D" } }),
    'app-credentials:rotation.perod: "P90D" is invalid; unknown field; allowed here: period, grace, slots, maxLifetime, anchor',
  ],
  [
    "an unknown sign-in audience",
    base({ apps: [{ name: "a", signInAudience: "Everyone" }] }),
    'app-credentials:apps[0].signInAudience: "Everyone" is invalid; expected one of AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount, PersonalMicrosoftAccount',
  ],
  [
    "no apps",
    base({ apps: [] }),
    "app-credentials:apps: [] is invalid; expected a non-empty list of apps",
  ],
];

describe("stack configuration validation", () => {
  it(`covers at least 15 bad configurations (has ${BAD.length})`, () =>
    assert.ok(BAD.length >= 15));

  for (const [title, raw, message] of BAD) {
    it(`rejects ${title}`, () => assert.deepStrictEqual(problemsOf(raw), [message]));
  }

  it("lists every problem at once, each global problem once", () => {
    const problems = problemsOf({
      keyVault: VAULT,
      rotation: { period: "P0D" },
      rotationTrigger: "",
      apps: [{ name: "a" }, { name: "b" }],
    });
    assert.deepStrictEqual(
      problems.map((p) => p.split(":")[1]),
      ["rotationTrigger", "rotation.period"],
    );
  });

  it("resolves defaults: P180D, P30D, 2 slots, P2Y, trigger 0, an anchor spread by app name", () => {
    const config = parseStackConfig(base({ apps: [{ name: "a" }, { name: "b" }] }), NOW);
    const [a, b] = config.apps;
    assert.strictEqual(a.rotation.period, "P180D");
    assert.strictEqual(a.rotation.grace, "P30D");
    assert.strictEqual(a.rotation.slots, 2);
    assert.strictEqual(a.rotation.trigger, "0");
    assert.strictEqual(a.maxLifetime, "P2Y");
    assert.ok(a.anchorIsDefault);
    assert.notStrictEqual(
      a.rotation.anchorMs,
      b.rotation.anchorMs,
      "different apps get different anchors",
    );
    assert.strictEqual(
      parseStackConfig(base({ apps: [{ name: "a" }] }), NOW).apps[0].rotation.anchorMs,
      a.rotation.anchorMs,
    );
    assert.deepStrictEqual(a.source, {
      kind: "new",
      displayName: "a",
      signInAudience: "AzureADMyOrg",
      owners: [],
    });
  });

  it("applies per-app overrides over the stack's rotation settings, and an explicit anchor wins", () => {
    const config = parseStackConfig(
      base({
        rotation: { period: "P120D", anchor: "2025-01-01T00:00:00Z" },
        rotationTrigger: "5",
        apps: [
          { name: "a", rotation: { slots: 1, period: "P90D" }, rotationTrigger: "7" },
          { name: "b" },
        ],
      }),
      NOW,
    );
    assert.deepStrictEqual(
      config.apps.map((a) => [
        a.rotation.period,
        a.rotation.slots,
        a.rotation.trigger,
        a.rotation.anchorMs,
      ]),
      [
        ["P90D", 1, "7", Date.parse("2025-01-01T00:00:00Z")],
        ["P120D", 2, "5", Date.parse("2025-01-01T00:00:00Z")],
      ],
    );
  });

  it("a default anchor after now is refused as an explicit one is, before anything is declared", () => {
    const early = Date.parse("2024-01-01T00:00:01Z");
    assert.throws(
      () => parseStackConfig(base({}), early),
      (error: ConfigError) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        /rotation\.anchor: .*the default anchor 2024-\S+ .* is after now \(2024-01-01T00:00:01Z\)/.test(
          error.problems[0],
        ),
    );
    // An explicit anchor not later than now is the way out.
    const config = parseStackConfig(base({ rotation: { anchor: "2024-01-01T00:00:00Z" } }), early);
    assert.strictEqual(config.apps[0].rotation.anchorMs, Date.parse("2024-01-01T00:00:00Z"));
  });
});
