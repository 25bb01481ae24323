/**
 * The tenant's app management policies in the simulated Graph (tools/offline/simulator/appPolicies.ts):
 * read from the `--tenant` snapshot, enforced per object when a password or a certificate is added
 * (the state of each restriction, `restrictForAppsCreatedAfterDateTime` against the object's
 * creation, per-app policies replacing the default), refused with Graph's error codes and worded
 * with the credential's schedule; and the calendar's check of a whole schedule.
 */
import * as assert from "assert";
import * as azuread from "@pulumi/azuread";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { Duration } from "luxon";
import { failedSteps } from "../../tools/offline/simulator/failedSteps";
import { SimulatedFailure, simulateAzure } from "../../tools/offline/simulator/simulatedAzure";
import {
  checkScheduleAgainstPolicies,
  describeScheduleBreach,
  scheduledAppTarget,
} from "../../tools/offline/simulator/appPolicies";
import {
  parseTenantSnapshot,
  TenantSnapshot,
  TenantSnapshotError,
} from "../../tools/offline/simulator/tenant";
import { SimulatedWorld } from "../../tools/offline/simulator/world";

const NOW = Date.parse("2026-11-30T10:00:00Z");
const DAY = 86_400_000;
const DEFAULT_ID = "00000000-0000-0000-0000-000000000000";
/** An application of the snapshot, created before 2025. */
const OLD_APP = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5";
/** A service principal of the snapshot (Graph v1.0: no createdDateTime). */
const SP = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";

const at = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

type Restriction = Record<string, unknown>;

/** A default policy with these application and service principal restrictions. */
const defaultPolicy = (
  application: { passwordCredentials?: Restriction[]; keyCredentials?: Restriction[] },
  servicePrincipal: { passwordCredentials?: Restriction[]; keyCredentials?: Restriction[] } = {},
  isEnabled = true,
) => ({
  id: DEFAULT_ID,
  displayName: "Default app management tenant policy",
  isEnabled,
  applicationRestrictions: application,
  servicePrincipalRestrictions: servicePrincipal,
});

const lifetime = (maxLifetime: string, extra: Restriction = {}): Restriction => ({
  restrictionType: "passwordLifetime",
  state: "enabled",
  maxLifetime,
  restrictForAppsCreatedAfterDateTime: null,
  ...extra,
});

/** A snapshot with OLD_APP (created 2024-06-01) and SP (no creation date), and the given policies. */
const tenant = (policies: Record<string, unknown>, sp: Record<string, unknown> = {}) =>
  parseTenantSnapshot(
    {
      applications: [
        { id: OLD_APP, displayName: "legacy", createdDateTime: "2024-06-01T00:00:00Z" },
      ],
      servicePrincipals: [{ id: SP, servicePrincipalType: "Application", ...sp }],
      ...policies,
    },
    "tenant.json",
  );

/** Declares resources against a world made from `snapshot` (deployer: Application.ReadWrite.All). */
async function failures(
  snapshot: TenantSnapshot,
  declare: () => void,
): Promise<SimulatedFailure[]> {
  const world = new SimulatedWorld({ tenant: snapshot, deployer: { permission: "All" } });
  const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
  declare();
  await simulation.settle();
  return simulation.failures;
}

/** A password ending `days` after NOW on a new application (`new`) or an existing object. */
const password = (on: "new" | "old" | "sp", days: number, name = "pw") => {
  const endDate = at(NOW + days * DAY);
  if (on === "sp") {
    return new azuread.ServicePrincipalPassword(name, {
      servicePrincipalId: `/servicePrincipals/${SP}`,
      endDate,
    });
  }
  const applicationId =
    on === "new"
      ? new azuread.Application(`${name}-app`, { displayName: name }).id
      : `/applications/${OLD_APP}`;
  return new azuread.ApplicationPassword(name, { applicationId, endDate });
};

/** A certificate credential valid `days` from NOW on a new application. */
const certificate = (days: number, subject: Record<string, unknown> = { commonName: "c" }) => {
  const key = new tls.PrivateKey("key", { algorithm: "RSA" });
  const cert = new tls.SelfSignedCert("cert", {
    privateKeyPem: key.privateKeyPem,
    validityPeriodHours: days * 24,
    allowedUses: ["digital_signature", "client_auth"],
    subject,
  });
  const app = new azuread.Application("cert-app", { displayName: "cert-app" });
  return new azuread.ApplicationCertificate("credential", {
    applicationId: app.id,
    type: "AsymmetricX509Cert",
    value: cert.certPem,
    encoding: "pem",
    endDate: at(NOW + days * DAY),
  });
};

const rules = (found: SimulatedFailure[]) => found.map((f) => [f.name, f.rule]);

describe("app management policies in the tenant snapshot", () => {
  it("reads defaultAppManagementPolicy, appManagementPolicies and createdDateTime", () => {
    const snapshot = tenant({
      defaultAppManagementPolicy: defaultPolicy({ passwordCredentials: [lifetime("P90D")] }),
      appManagementPolicies: {
        value: [
          {
            id: "f0000001-0000-4000-8000-000000000000",
            displayName: "exempt",
            isEnabled: false,
            appliesTo: [{ "@odata.type": "#microsoft.graph.application", id: OLD_APP }],
          },
        ],
      },
    });
    const policies = snapshot.appManagementPolicies;
    assert.ok(policies);
    assert.strictEqual(policies.defaultPolicy?.isEnabled, true);
    assert.strictEqual(policies.defaultPolicy?.id, DEFAULT_ID);
    assert.deepStrictEqual(
      policies.appPolicies.map((p) => [p.displayName, p.isEnabled, p.appliesTo.map((a) => a.id)]),
      [["exempt", false, [OLD_APP]]],
    );
    assert.strictEqual(snapshot.applications.get(OLD_APP)?.createdDateTime, "2024-06-01T00:00:00Z");
    assert.strictEqual(snapshot.servicePrincipals.get(SP)?.createdDateTime, undefined);
    // Without either key: no policies at all (nothing enforced).
    assert.strictEqual(tenant({}).appManagementPolicies, undefined);
    // A file holding only the policies is accepted, and lists no object (ids stay unchecked).
    const only = parseTenantSnapshot({ appManagementPolicies: { value: [] } }, "policies.json");
    assert.deepStrictEqual(only.appManagementPolicies, { defaultPolicy: null, appPolicies: [] });
    assert.deepStrictEqual(only.covers, { applications: false, servicePrincipals: false });
  });

  it("a shape Graph does not return is refused in one line naming the file and the JSON path", () => {
    const refused = (json: unknown) => {
      try {
        parseTenantSnapshot(json, "t.json");
      } catch (error) {
        assert.ok(error instanceof TenantSnapshotError, String(error));
        assert.doesNotMatch(error.message, /\n/);
        return error.message;
      }
      return assert.fail("accepted");
    };
    assert.strictEqual(
      refused({ defaultAppManagementPolicy: { isEnabled: "yes" } }),
      't.json: defaultAppManagementPolicy.isEnabled: expected true or false, got "yes"',
    );
    assert.match(
      refused({
        defaultAppManagementPolicy: defaultPolicy({
          passwordCredentials: [lifetime("90 days")],
        }),
      }),
      /^t\.json: defaultAppManagementPolicy\.applicationRestrictions\.passwordCredentials\[0\]\.maxLifetime: "90 days" is not an ISO 8601 duration/,
    );
    assert.strictEqual(
      refused({ appManagementPolicies: { value: [{ id: "p", appliesTo: {} }] } }),
      "t.json: appManagementPolicies.value[0].appliesTo: expected a list of directory objects, got an object",
    );
    assert.strictEqual(
      refused({ applications: [{ id: OLD_APP, createdDateTime: "last year" }] }),
      "t.json: applications[0].createdDateTime: expected an RFC 3339 timestamp such as 2024-01-01T00:00:00Z",
    );
    assert.match(
      refused({ applications: [{ id: OLD_APP }], policies: {} }),
      /`defaultAppManagementPolicy`, `appManagementPolicies`, `vaults` and `deployer` keys/,
    );
  });
});

describe("the simulated Graph enforces app management policies when a credential is added", () => {
  const capped = () =>
    tenant({
      defaultAppManagementPolicy: defaultPolicy(
        { passwordCredentials: [lifetime("P90D")] },
        { passwordCredentials: [lifetime("P90D")] },
      ),
    });

  it("a password over the cap: 400 CredentialInvalidLifetimeAsPerAppPolicy, naming the policy, the cap and its lifetime", async () => {
    const [refusal, ...others] = await failures(capped(), () => password("new", 120));
    assert.deepStrictEqual(others, []);
    assert.strictEqual(refusal.rule, "app-policy-credential-lifetime");
    assert.strictEqual(refusal.phase, "apply");
    assert.strictEqual(refusal.code, "BadRequest");
    assert.strictEqual(
      refusal.message,
      `adding azuread:index/applicationPassword:ApplicationPassword "pw": 400 CredentialInvalidLifetimeAsPerAppPolicy ("Credential lifetime exceeds the max value allowed as per assigned policy '${DEFAULT_ID}'."): the tenant caps passwords at P90D (default app management policy, applicationRestrictions: passwordLifetime); this password would live 120 days; set the end date no later than the start + P90D.`,
    );
    assert.deepStrictEqual(refusal.appPolicy, {
      code: "CredentialInvalidLifetimeAsPerAppPolicy",
      credential: "password",
      restrictionType: "passwordLifetime",
      maxLifetime: "P90D",
      policy: "default app management policy, applicationRestrictions",
      policyId: DEFAULT_ID,
      restrictForAppsCreatedAfterDateTime: null,
      assumedCreatedAfter: false,
      lifetimeMs: 120 * DAY,
    });
  });

  it("exactly the cap is accepted; a service principal is judged by servicePrincipalRestrictions", async () => {
    assert.deepStrictEqual(await failures(capped(), () => password("new", 90)), []);
    const [sp] = await failures(capped(), () => password("sp", 91));
    assert.match(sp.message, /servicePrincipalRestrictions: passwordLifetime/);
    const appsOnly = tenant({
      defaultAppManagementPolicy: defaultPolicy({ passwordCredentials: [lifetime("P90D")] }),
    });
    assert.deepStrictEqual(await failures(appsOnly, () => password("sp", 365)), []);
  });

  it("a default policy that is disabled, or a restriction in state disabled, refuses nothing", async () => {
    const disabled = tenant({
      defaultAppManagementPolicy: defaultPolicy(
        { passwordCredentials: [lifetime("P90D")] },
        {},
        false,
      ),
    });
    assert.deepStrictEqual(await failures(disabled, () => password("new", 365)), []);
    const stateDisabled = tenant({
      defaultAppManagementPolicy: defaultPolicy({
        passwordCredentials: [lifetime("P90D", { state: "disabled" })],
      }),
    });
    assert.deepStrictEqual(await failures(stateDisabled, () => password("old", 365)), []);
  });

  it("a per-app policy replaces the default: disabled exempts the object, a longer cap applies instead", async () => {
    const perApp = (policy: Record<string, unknown>) =>
      tenant({
        defaultAppManagementPolicy: defaultPolicy(
          { passwordCredentials: [lifetime("P90D")] },
          { passwordCredentials: [lifetime("P90D")] },
        ),
        appManagementPolicies: {
          value: [
            {
              id: "f0000002-0000-4000-8000-000000000000",
              displayName: "legacy",
              appliesTo: [
                { "@odata.type": "#microsoft.graph.application", id: OLD_APP.toUpperCase() },
                { "@odata.type": "#microsoft.graph.servicePrincipal", id: SP },
              ],
              ...policy,
            },
          ],
        },
      });
    const exempt = perApp({
      isEnabled: false,
      restrictions: { passwordCredentials: [lifetime("P30D")] },
    });
    assert.deepStrictEqual(
      await failures(exempt, () => {
        password("old", 365, "old");
        password("sp", 365, "sp");
      }),
      [],
    );
    // The new application is not assigned the policy: the default still caps it.
    assert.deepStrictEqual(rules(await failures(exempt, () => password("new", 365, "new"))), [
      ["new", "app-policy-credential-lifetime"],
    ]);
    const longer = perApp({
      isEnabled: true,
      restrictions: { passwordCredentials: [lifetime("P400D")] },
    });
    const found = await failures(longer, () => {
      password("old", 365, "old");
      password("sp", 401, "sp");
    });
    assert.deepStrictEqual(rules(found), [["sp", "app-policy-credential-lifetime"]]);
    assert.match(
      found[0].message,
      /as per assigned policy 'f0000002-0000-4000-8000-000000000000'.*caps passwords at P400D \(app management policy "legacy" \(f0000002-0000-4000-8000-000000000000\): passwordLifetime\)/,
    );
  });

  it("restrictForAppsCreatedAfterDateTime: an object created before it is not restricted; one the stack creates is created now", async () => {
    const since = (date: string) =>
      tenant({
        defaultAppManagementPolicy: defaultPolicy({
          passwordCredentials: [lifetime("P90D", { restrictForAppsCreatedAfterDateTime: date })],
        }),
      });
    // OLD_APP was created on 2024-06-01, the new application at NOW (2026-11-30).
    const found = await failures(since("2025-01-01T00:00:00Z"), () => {
      password("old", 365, "old");
      password("new", 365, "new");
    });
    assert.deepStrictEqual(rules(found), [["new", "app-policy-credential-lifetime"]]);
    assert.match(
      found[0].message,
      /passwordLifetime, for objects created from 2025-01-01T00:00:00Z\)/,
    );
    // A restriction dated after now spares what the stack creates now.
    assert.deepStrictEqual(
      await failures(since("2027-01-01T00:00:00Z"), () => password("new", 365)),
      [],
    );
    // On the very instant: created on or after it, restricted.
    assert.deepStrictEqual(
      rules(await failures(since("2024-06-01T00:00:00Z"), () => password("old", 365))),
      [["pw", "app-policy-credential-lifetime"]],
    );
  });

  it("a service principal without createdDateTime (Graph v1.0) is assumed to fall under a dated restriction, and the refusal says so", async () => {
    const policies = {
      defaultAppManagementPolicy: defaultPolicy(
        {},
        {
          passwordCredentials: [
            lifetime("P90D", { restrictForAppsCreatedAfterDateTime: "2024-01-01T00:00:00Z" }),
          ],
        },
      ),
    };
    const [assumed] = await failures(tenant(policies), () => password("sp", 120));
    assert.strictEqual(assumed.rule, "app-policy-credential-lifetime");
    assert.strictEqual(assumed.appPolicy?.assumedCreatedAfter, true);
    assert.match(
      assumed.message,
      /the --tenant file gives no createdDateTime for this object, so it is assumed created after that .*created on 2019-01-01\): state createdDateTime in its entry/,
    );
    // Stated in the snapshot's entry, it is judged exactly.
    assert.deepStrictEqual(
      await failures(tenant(policies, { createdDateTime: "2020-02-01T00:00:00Z" }), () =>
        password("sp", 120),
      ),
      [],
    );
  });

  it("a blocked type (passwordAddition) is CredentialTypeNotAllowedAsPerAppPolicy; customPasswordAddition spares Graph-generated secrets", async () => {
    const blocked = tenant({
      appManagementPolicies: {
        value: [
          {
            id: "f0000003-0000-4000-8000-000000000000",
            displayName: "No secrets",
            isEnabled: true,
            restrictions: {
              passwordCredentials: [{ restrictionType: "passwordAddition", state: "enabled" }],
            },
            appliesTo: [{ id: OLD_APP }],
          },
        ],
      },
    });
    const [refusal, ...others] = await failures(blocked, () => password("old", 30));
    assert.deepStrictEqual(others, []);
    assert.strictEqual(refusal.rule, "app-policy-credential-type");
    assert.strictEqual(refusal.appPolicy?.code, "CredentialTypeNotAllowedAsPerAppPolicy");
    assert.strictEqual(
      refusal.message,
      'adding azuread:index/applicationPassword:ApplicationPassword "pw": 400 CredentialTypeNotAllowedAsPerAppPolicy: the tenant blocks new passwords (app management policy "No secrets" (f0000003-0000-4000-8000-000000000000): passwordAddition); rotate certificates instead (the app\'s credential: certificate), or exempt the object with an app management policy assigned to it.',
    );
    const custom = tenant({
      defaultAppManagementPolicy: defaultPolicy({
        passwordCredentials: [{ restrictionType: "customPasswordAddition", state: "enabled" }],
      }),
    });
    assert.deepStrictEqual(await failures(custom, () => password("old", 30)), []);
  });

  it("certificates are judged by asymmetricKeyLifetime (from the certificate's notBefore), not by passwordLifetime", async () => {
    const keyCap = tenant({
      defaultAppManagementPolicy: defaultPolicy({
        passwordCredentials: [lifetime("P30D")],
        keyCredentials: [
          { restrictionType: "asymmetricKeyLifetime", state: "enabled", maxLifetime: "P45D" },
        ],
      }),
    });
    const [refusal, ...others] = await failures(keyCap, () => certificate(60));
    assert.deepStrictEqual(others, []);
    assert.strictEqual(refusal.type, "azuread:index/applicationCertificate:ApplicationCertificate");
    assert.strictEqual(refusal.rule, "app-policy-credential-lifetime");
    assert.match(
      refusal.message,
      /the tenant caps certificates at P45D \(default app management policy, applicationRestrictions: asymmetricKeyLifetime\); this certificate would live 60 days/,
    );
    const passwordsOnly = tenant({
      defaultAppManagementPolicy: defaultPolicy({ passwordCredentials: [lifetime("P30D")] }),
    });
    assert.deepStrictEqual(await failures(passwordsOnly, () => certificate(60)), []);
  });

  it("the refusal names the credential's schedule: its longest lifetime and the settings to change", async () => {
    const capped90 = tenant({
      defaultAppManagementPolicy: defaultPolicy({
        passwordCredentials: [lifetime("P90D")],
        keyCredentials: [
          { restrictionType: "asymmetricKeyLifetime", state: "enabled", maxLifetime: "P90D" },
        ],
      }),
    });
    // One slot, P90D + P30D, issued at NOW (window 0): 120 days.
    const [found] = await failures(capped90, () => {
      const app = new azuread.Application("worker-app", { displayName: "worker" });
      new azuread.ApplicationPassword("worker-slot0", {
        applicationId: app.id,
        endDate: at(NOW + 120 * DAY),
        rotateWhenChanged: {
          "rotation-window": `${at(NOW)}/P90D#0`,
          "rotation-slot": "0/1",
          "rotation-trigger": "0",
        },
      });
    });
    assert.match(
      found.message,
      /the tenant caps passwords at P90D \(default app management policy, applicationRestrictions: passwordLifetime\); this password would live 120 days; this schedule's passwords live up to 120 days \(period \+ grace = P90D \+ P30D\); set rotation\.period and grace so that period \+ grace ≤ P90D, or rotation\.maxLifetime: P90D\.$/,
    );
    assert.deepStrictEqual(found.appPolicy?.schedule, {
      slots: 1,
      period: "P90D",
      grace: "P30D",
      longestMs: 120 * DAY,
    });
    // A certificate's schedule is on the resources its value comes from (the schedule carrier's keepers).
    const [cert] = await failures(capped90, () => {
      const schedule = new random.RandomId("schedule", {
        byteLength: 8,
        keepers: {
          "rotation-window": `${at(NOW - 10 * DAY)}/P60D#0`,
          "rotation-slot": "0/2",
          "rotation-trigger": "0",
        },
      });
      certificate(130, { commonName: "c", serialNumber: schedule.hex });
    });
    assert.match(
      cert.message,
      /caps certificates at P90D .*; this certificate would live 130 days; this schedule's certificates live up to 140 days \(2·period \+ grace = 2·P60D \+ P20D\); set rotation\.period and grace so that 2·period \+ grace ≤ P90D/,
    );
  });

  it("only the refused credential fails: its dependents are skipped, the other apps' steps run", async () => {
    const snapshot = tenant({
      defaultAppManagementPolicy: defaultPolicy({ passwordCredentials: [lifetime("P90D")] }),
    });
    const world = new SimulatedWorld({ tenant: snapshot, deployer: { permission: "All" } });
    const simulation = simulateAzure({ project: "p", stack: "s", world, nowMs: () => NOW });
    const secret = (name: string, value: Pick<azuread.ApplicationPassword, "value">) =>
      new keyvault.Secret(name, {
        resourceGroupName: "rg",
        vaultName: "vault-1",
        secretName: name,
        properties: { value: value.value },
      });
    secret("long-secret", password("new", 120, "long"));
    secret("short-secret", password("new", 60, "short"));
    await simulation.settle();
    assert.deepStrictEqual(rules(simulation.failures), [
      ["long", "app-policy-credential-lifetime"],
    ]);
    const urn = (name: string) => simulation.registrations.find((r) => r.name === name)?.urn ?? "";
    const steps = failedSteps(simulation.registrations);
    // pulumi up --continue-on-error skips the refused password's secret; the other app's run.
    assert.deepStrictEqual(steps.skippedBy(urn("long")), [urn("long-secret")]);
    assert.ok(!steps.has(urn("short")) && !steps.has(urn("short-secret")));
  });
});

describe("the calendar's check of a schedule against the tenant's policies", () => {
  const schedule = (period: string, grace: string, slots: 1 | 2) => ({
    anchorMs: Date.parse("2024-01-01T00:00:00Z"),
    period,
    periodDuration: Duration.fromISO(period),
    grace,
    graceDuration: Duration.fromISO(grace),
    slots,
  });
  const snapshot = tenant({
    defaultAppManagementPolicy: defaultPolicy({
      passwordCredentials: [
        lifetime("P90D", { restrictForAppsCreatedAfterDateTime: "2025-01-01T00:00:00Z" }),
      ],
      keyCredentials: [
        { restrictionType: "asymmetricKeyLifetime", state: "enabled", maxLifetime: "P180D" },
      ],
    }),
  });
  const policies = snapshot.appManagementPolicies;
  assert.ok(policies);

  it("a schedule whose longest lifetime exceeds the cap is refused with the same wording", () => {
    const target = scheduledAppTarget({ kind: "new" }, snapshot, NOW);
    const breach = checkScheduleAgainstPolicies(
      policies,
      target,
      "password",
      schedule("P90D", "P30D", 1),
      NOW,
    );
    assert.ok(breach);
    assert.strictEqual(
      describeScheduleBreach(breach),
      "the tenant caps passwords at P90D (default app management policy, applicationRestrictions: passwordLifetime, for objects created from 2025-01-01T00:00:00Z); this schedule's passwords live up to 120 days (period + grace = P90D + P30D); set rotation.period and grace so that period + grace ≤ P90D, or rotation.maxLifetime: P90D (Graph would refuse each such password with 400 CredentialInvalidLifetimeAsPerAppPolicy)",
    );
    // Within the cap: accepted.
    assert.strictEqual(
      checkScheduleAgainstPolicies(policies, target, "password", schedule("P60D", "P30D", 1), NOW),
      undefined,
    );
  });

  it("an existing application created before the restriction's date is not restricted; certificates meet asymmetricKeyLifetime", () => {
    const old = scheduledAppTarget(
      { kind: "existingApplication", applicationObjectId: OLD_APP },
      snapshot,
      NOW,
    );
    assert.strictEqual(old.createdDateTime, "2024-06-01T00:00:00Z");
    assert.strictEqual(
      checkScheduleAgainstPolicies(policies, old, "password", schedule("P180D", "P30D", 2), NOW),
      undefined,
    );
    const certificates = checkScheduleAgainstPolicies(
      policies,
      old,
      "certificate",
      schedule("P180D", "P30D", 2),
      NOW,
    );
    assert.strictEqual(certificates?.restrictionType, "asymmetricKeyLifetime");
    assert.strictEqual(certificates?.schedule?.longestMs, 390 * DAY);
    // A service principal the snapshot gives no date for: assumed created after 2025-01-01.
    const sp = scheduledAppTarget(
      { kind: "existingServicePrincipal", servicePrincipalObjectId: SP },
      snapshot,
      NOW,
    );
    assert.strictEqual(sp.createdDateTime, null);
  });

  it("a blocked type is refused whatever the schedule", () => {
    const blocked = tenant({
      appManagementPolicies: [
        {
          id: "f0000004-0000-4000-8000-000000000000",
          displayName: "No secrets",
          isEnabled: true,
          restrictions: { passwordCredentials: [{ restrictionType: "passwordAddition" }] },
          appliesTo: [{ id: OLD_APP }],
        },
      ],
    });
    assert.ok(blocked.appManagementPolicies);
    const target = scheduledAppTarget(
      { kind: "existingApplication", applicationObjectId: OLD_APP },
      blocked,
      NOW,
    );
    const breach = checkScheduleAgainstPolicies(
      blocked.appManagementPolicies,
      target,
      "password",
      schedule("P30D", "P7D", 2),
      NOW,
    );
    assert.strictEqual(breach?.code, "CredentialTypeNotAllowedAsPerAppPolicy");
    assert.strictEqual(
      checkScheduleAgainstPolicies(
        blocked.appManagementPolicies,
        target,
        "certificate",
        schedule("P30D", "P7D", 2),
        NOW,
      ),
      undefined,
    );
  });
});
