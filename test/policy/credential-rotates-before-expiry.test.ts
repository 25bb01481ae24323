import * as assert from "assert";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { clock, runStack, StackResourceSpec, UNKNOWN, urnOf } from "./helpers";

const policy = credentialRotatesBeforeExpiryPolicy(clock);
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const ROTATING = "time:index/rotating:Rotating";
/** Slot 0 of 2, generation 0, period P180D from 2026-01-01: replaced at 2026-12-27T00:00:00Z. */
const SCHEDULE = {
  "rotation-window": "2026-01-01T00:00:00Z/P180D#0",
  "rotation-slot": "0/2",
  "rotation-trigger": "0",
};

function password(
  endDate: unknown,
  rotateWhenChanged: unknown = SCHEDULE,
  extra: Partial<StackResourceSpec> = {},
): StackResourceSpec {
  return { type: APP_PASSWORD, name: "api-0", props: { endDate, rotateWhenChanged }, ...extra };
}

function rotatingPassword(
  endDate: string,
  rotating: Record<string, unknown>,
  rotateWhenChanged: unknown = { rotation: "2026-01-01T00:00:00Z" },
): StackResourceSpec[] {
  return [
    { type: ROTATING, name: "rot", props: rotating },
    {
      type: SP_PASSWORD,
      name: "sp-0",
      props: { endDate, rotateWhenChanged },
      propertyDependencies: { rotateWhenChanged: ["rot"] },
    },
  ];
}

describe("credential-rotates-before-expiry", () => {
  it("is a mandatory stack policy with minGrace defaulting to P7D", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.strictEqual(policy.configSchema?.properties.minGrace.default, "P7D");
  });

  it("passes the model's end date (next rotation + grace) and exactly next rotation + P7D", async () => {
    assert.deepStrictEqual(await runStack(policy, [password("2027-01-26T00:00:00Z")]), []);
    assert.deepStrictEqual(await runStack(policy, [password("2027-01-03T00:00:00Z")]), []);
  });

  it("rejects an end date too soon after the next rotation, with the URN, values, limit and fix", async () => {
    assert.deepStrictEqual(await runStack(policy, [password("2027-01-01T00:00:00Z")]), [
      {
        message:
          'azuread:index/applicationPassword:ApplicationPassword "api-0" ends at 2027-01-01T00:00:00Z, only 5 days after its next rotation at 2026-12-27T00:00:00Z (from rotateWhenChanged rotation-window "2026-01-01T00:00:00Z/P180D#0"); the minimum grace is P7D. Fix: set endDate no earlier than 2027-01-03T00:00:00Z (next rotation + P7D), or rotate no later than 2026-12-25T00:00:00Z (a shorter period or an earlier anchor in the schedule).',
        urn: urnOf(APP_PASSWORD, "api-0"),
      },
    ]);
  });

  it("rejects an end date before the next rotation", async () => {
    const [violation] = await runStack(policy, [password("2026-12-20T00:00:00Z")]);
    assert.match(
      violation.message,
      /ends at 2026-12-20T00:00:00Z, 7 days before its next rotation at 2026-12-27T00:00:00Z/,
    );
  });

  it("understands generation -1 of slot 1 (replaced at anchor + one period)", async () => {
    const schedule = { "rotation-window": "2026-01-01T00:00:00Z/P90D#-1", "rotation-slot": "1/2" };
    const [violation, ...rest] = await runStack(policy, [
      password("2026-04-05T00:00:00Z", schedule),
    ]);
    assert.deepStrictEqual(rest, []);
    assert.match(violation.message, /only 4 days after its next rotation at 2026-04-01T00:00:00Z/);
    assert.deepStrictEqual(
      await runStack(policy, [password("2026-05-01T00:00:00Z", schedule)]),
      [],
    );
  });

  it("honours a minGrace override", async () => {
    assert.deepStrictEqual(await runStack(policy, [password("2027-01-20T00:00:00Z")]), []);
    const [violation] = await runStack(policy, [password("2027-01-20T00:00:00Z")], {
      minGrace: "P30D",
    });
    assert.match(
      violation.message,
      /only 24 days after .* the minimum grace is P30D\. Fix: set endDate no earlier than 2027-01-26T00:00:00Z/,
    );
  });

  it("reads a time.Rotating's rotationRfc3339 through propertyDependencies", async () => {
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2026-07-05T00:00:00Z", {
          rotationRfc3339: "2026-07-01T00:00:00Z",
          rotationDays: 181,
        }),
      ),
      [
        {
          message:
            'azuread:index/servicePrincipalPassword:ServicePrincipalPassword "sp-0" ends at 2026-07-05T00:00:00Z, only 4 days after its next rotation at 2026-07-01T00:00:00Z (from time:index/rotating:Rotating "rot" rotationRfc3339 2026-07-01T00:00:00Z); the minimum grace is P7D. Fix: set endDate no earlier than 2026-07-08T00:00:00Z (next rotation + P7D), or rotate no later than 2026-06-28T00:00:00Z (a shorter period or an earlier anchor in the schedule).',
          urn: urnOf(SP_PASSWORD, "sp-0"),
        },
      ],
    );
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2026-08-01T00:00:00Z", { rotationRfc3339: "2026-07-01T00:00:00Z" }),
      ),
      [],
    );
    // A known rotationRfc3339 decides even while another input is unknown.
    const [known] = await runStack(
      policy,
      rotatingPassword("2026-07-02T00:00:00Z", {
        rotationRfc3339: "2026-07-01T00:00:00Z",
        rotationDays: UNKNOWN,
      }),
    );
    assert.match(known.message, /only 1 day after its next rotation at 2026-07-01T00:00:00Z/);
  });

  it("computes a time.Rotating's rotation from its inputs when its outputs are unknown (preview)", async () => {
    const preview = { rotationRfc3339: UNKNOWN, rfc3339: UNKNOWN, rotationDays: 90 };
    const [violation] = await runStack(
      policy,
      rotatingPassword("2026-04-03T00:00:00Z", preview, { rotation: UNKNOWN }),
    );
    assert.match(
      violation.message,
      /only 2 days after its next rotation at 2026-04-01T00:00:00Z \(from time:index\/rotating:Rotating "rot" \(now \+ P90D\)\)/,
    );
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2026-05-01T00:00:00Z", preview, { rotation: UNKNOWN }),
      ),
      [],
    );
    // rfc3339 + rotationMonths as the provider's Go AddDate computes it (not clamped to the
    // month's end): 2026-01-31 + 1 month = "2026-02-31" = 2026-03-03.
    const [monthly] = await runStack(
      policy,
      rotatingPassword("2026-03-05T00:00:00Z", {
        rfc3339: "2026-01-31T00:00:00Z",
        rotationMonths: 1,
      }),
    );
    assert.match(monthly.message, /only 2 days after its next rotation at 2026-03-03T00:00:00Z/);
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2026-03-10T00:00:00Z", {
          rfc3339: "2026-01-31T00:00:00Z",
          rotationMonths: 1,
        }),
      ),
      [],
    );
  });

  it("takes only the last rotation field a time.Rotating sets, as the provider does (not their sum)", async () => {
    // setRotationValues applies days, then hours, each to the base: the Rotating rotates after 24
    // hours (2026-01-02), not after 90 days + 24 hours (2026-04-02).
    const [violation] = await runStack(
      policy,
      rotatingPassword("2026-01-05T00:00:00Z", {
        rfc3339: "2026-01-01T00:00:00Z",
        rotationDays: 90,
        rotationHours: 24,
      }),
    );
    assert.match(
      violation.message,
      /only 3 days after its next rotation at 2026-01-02T00:00:00Z \(from time:index\/rotating:Rotating "rot" \(2026-01-01T00:00:00Z \+ PT24H; rotationDays ignored/,
    );
    // rotationYears is applied after rotationRfc3339: 2024-02-29 + 1 year = 2025-03-01.
    const [yearly] = await runStack(
      policy,
      rotatingPassword("2025-03-02T00:00:00Z", {
        rfc3339: "2024-02-29T00:00:00Z",
        rotationRfc3339: "2024-06-01T00:00:00Z",
        rotationYears: 1,
      }),
    );
    assert.match(yearly.message, /only 1 day after its next rotation at 2025-03-01T00:00:00Z/);
    // An unknown rotationYears would override a known rotationRfc3339: not judged yet.
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2024-06-02T00:00:00Z", {
          rotationRfc3339: "2024-06-01T00:00:00Z",
          rotationYears: UNKNOWN,
        }),
      ),
      [],
    );
    // A known later field decides while an earlier one is unknown: rotationHours over rotationDays.
    const [later] = await runStack(
      policy,
      rotatingPassword("2026-01-02T00:00:00Z", {
        rfc3339: "2026-01-01T00:00:00Z",
        rotationDays: UNKNOWN,
        rotationHours: 12,
      }),
    );
    assert.match(later.message, /only 0.5 days after its next rotation at 2026-01-01T12:00:00Z/);
  });

  it("takes the earliest of the schedule and a time.Rotating", async () => {
    const specs = rotatingPassword(
      "2027-01-01T00:00:00Z",
      { rotationRfc3339: "2026-12-31T00:00:00Z" },
      SCHEDULE,
    );
    const [violation] = await runStack(policy, specs);
    assert.match(
      violation.message,
      /only 5 days after its next rotation at 2026-12-27T00:00:00Z \(from rotateWhenChanged/,
    );
  });

  it("skips passwords whose end date or rotation is unknown during preview", async () => {
    assert.deepStrictEqual(await runStack(policy, [password(UNKNOWN)]), []);
    assert.deepStrictEqual(await runStack(policy, [password("2026-01-02T00:00:00Z", UNKNOWN)]), []);
    assert.deepStrictEqual(
      await runStack(policy, [
        password("2026-01-02T00:00:00Z", { ...SCHEDULE, "rotation-window": UNKNOWN }),
      ]),
      [],
    );
    assert.deepStrictEqual(
      await runStack(policy, [password("2026-01-02T00:00:00Z", { rotation: UNKNOWN })]),
      [],
    );
    assert.deepStrictEqual(
      await runStack(
        policy,
        rotatingPassword("2026-01-02T00:00:00Z", {
          rotationRfc3339: UNKNOWN,
          rotationDays: UNKNOWN,
        }),
      ),
      [],
    );
  });

  it("does not judge a rotateWhenChanged it cannot understand, but rejects malformed schedule keys", async () => {
    assert.deepStrictEqual(
      await runStack(policy, [password("2026-01-02T00:00:00Z", { build: "42" })]),
      [],
    );
    assert.deepStrictEqual(
      await runStack(policy, [
        password("2026-01-02T00:00:00Z", { "rotation-window": "every year" }),
      ]),
      [
        {
          message:
            'azuread:index/applicationPassword:ApplicationPassword "api-0" has an unreadable rotation schedule: rotation-window must read "<anchor>/<period>#<generation>". Fix: write rotateWhenChanged with the app-credentials schedule (rotation-window "<anchor>/<period>#<generation>", rotation-slot "<slot>/<slots>").',
          urn: urnOf(APP_PASSWORD, "api-0"),
        },
      ],
    );
  });

  it("rejects an invalid minGrace instead of passing", async () => {
    const [violation] = await runStack(policy, [password("2027-06-01T00:00:00Z")], {
      minGrace: "-P1D",
    });
    assert.match(violation.message, /cannot be checked: policy config minGrace: "-P1D"/);
  });

  it("ignores certificates and other resources", async () => {
    const cert = {
      type: "azuread:index/applicationCertificate:ApplicationCertificate",
      name: "c",
      props: { endDate: "2026-01-02T00:00:00Z", rotateWhenChanged: SCHEDULE },
    };
    assert.deepStrictEqual(await runStack(policy, [cert]), []);
  });
});
