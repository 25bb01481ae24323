/**
 * The churn check's comparison (tools/offline/churn.ts), on registrations shaped as the simulator
 * records them: which credentials a second deployment would replace, and which not.
 */
import { strict as assert } from "assert";
import { ChurnFinding, detectChurn, RunSnapshot } from "../../tools/offline/churn";
import { churnMessage } from "../../tools/offline/churnMessage";
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";
import { refuse } from "../../tools/offline/simulator/refusals";
import { registration, testUrn as urn } from "../support/registrations";

const T0 = Date.parse("2026-11-21T10:00:00Z");
const SECOND = 1000;
const DAY = 86_400_000;
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const CERTIFICATE = "azuread:index/applicationCertificate:ApplicationCertificate";
const ROTATING = "time:index/rotating:Rotating";

/** A registration as the simulator records it: outputs echo the inputs unless given. */
function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<Registration> = {},
): Registration {
  return registration(type, name, { inputs, outputs: { ...inputs }, ...extra });
}

function run(
  nowMs: number,
  registrations: Registration[],
  secretFingerprints: RunSnapshot["secretFingerprints"] = {},
): RunSnapshot {
  return { nowMs, registrations, secretFingerprints };
}

/** The program's runs at T0, one second later and one day later. */
function runs(program: (nowMs: number) => Registration[]): [RunSnapshot, RunSnapshot[]] {
  return [
    run(T0, program(T0)),
    [run(T0 + SECOND, program(T0 + SECOND)), run(T0 + DAY, program(T0 + DAY))],
  ];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("churn check: credentials replaced at every deployment", () => {
  it("a credential the simulated Azure refuses is still compared (a refusal hides no churn)", () => {
    const refused = (now: number) =>
      resource(
        PASSWORD,
        "p",
        { applicationId: "/applications/a", endDate: iso(now + 90 * DAY) },
        {
          failure: {
            urn: urn(PASSWORD, "p"),
            type: PASSWORD,
            name: "p",
            ...refuse("owned-by-not-owner", "403"),
          },
        },
      );
    const [base, later] = runs((now) => [refused(now)]);
    assert.deepEqual(
      detectChurn(base, later).map((f) => f.name),
      ["p"],
    );
  });

  it("an end date from Date.now(): reported at one second, naming endDate and both values", () => {
    const [base, later] = runs((now) => [
      resource(PASSWORD, "p", { applicationId: "/applications/a", endDate: iso(now + 90 * DAY) }),
    ]);
    const [finding, ...rest] = detectChurn(base, later);
    assert.equal(rest.length, 0);
    assert.equal(finding.name, "p");
    assert.equal(finding.kind, "inputs");
    assert.equal(finding.laterMs, T0 + SECOND);
    assert.deepEqual(finding.changes, [
      {
        input: "endDate",
        before: JSON.stringify(iso(T0 + 90 * DAY)),
        after: JSON.stringify(iso(T0 + SECOND + 90 * DAY)),
        secret: false,
      },
    ]);
    const message = churnMessage(finding);
    assert.match(message, /1 second apart/);
    assert.match(message, /endDate "2027-02-19T10:00:00Z" → "2027-02-19T10:00:01Z"/);
    assert.match(message, /Fix: a fixed end date per rotation window/);
  });

  it("an end date from today's date: stable for a second, reported at one day", () => {
    const [base, later] = runs((now) => [
      resource(PASSWORD, "p", {
        endDate: `${new Date(now + 365 * DAY).toISOString().slice(0, 10)}T00:00:00Z`,
      }),
    ]);
    const findings = detectChurn(base, later);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].laterMs, T0 + DAY);
    assert.match(churnMessage(findings[0]), /1 day apart/);
  });

  it("a fixed end date per rotation window: nothing inside the window, and a scheduled rotation is never reported", () => {
    // Daily windows from 2024-01-01: the generation changes between T0 and T0 + 1 day.
    const anchor = Date.parse("2024-01-01T00:00:00Z");
    const [base, later] = runs((now) => {
      const generation = Math.floor((now - anchor) / DAY);
      return [
        resource(PASSWORD, "p", {
          endDate: iso(anchor + (generation + 31) * DAY),
          displayName: `rotated#${generation}`,
          rotateWhenChanged: {
            "rotation-window": `2024-01-01T00:00:00Z/P1D#${generation}`,
            "rotation-slot": "0/1",
            "rotation-trigger": "0",
          },
        }),
      ];
    });
    assert.notEqual(later[1].registrations[0].inputs.endDate, base.registrations[0].inputs.endDate);
    assert.deepEqual(detectChurn(base, later), []);
  });

  it("a time.Rotating in the same window: its id is stable, nothing to report", () => {
    const rotating = resource(ROTATING, "quarterly", { rotationDays: 90 });
    const [base, later] = runs(() => [
      rotating,
      resource(
        PASSWORD,
        "p",
        { rotateWhenChanged: { rotation: "quarterly-id" } },
        { propertyDependencies: { rotateWhenChanged: [rotating.urn] } },
      ),
    ]);
    assert.deepEqual(detectChurn(base, later), []);
  });

  it("a time.Rotating in the same window does not excuse an end date from the clock", () => {
    const rotating = resource(ROTATING, "quarterly", { rotationDays: 90 });
    const [base, later] = runs((now) => [
      rotating,
      resource(
        PASSWORD,
        "p",
        { rotateWhenChanged: { rotation: "quarterly-id" }, endDate: iso(now + 120 * DAY) },
        { propertyDependencies: { rotateWhenChanged: [rotating.urn] } },
      ),
    ]);
    const findings = detectChurn(base, later);
    assert.deepEqual(
      findings.map((f) => [f.name, f.laterMs, f.changes.map((c) => c.input)]),
      [["p", T0 + SECOND, ["endDate"]]],
    );
  });

  it("a time.Rotating that rotates between the two runs is a scheduled rotation", () => {
    // Rotates daily: at T0 + 1 day it is due, so the password it drives is legitimately replaced.
    const rotating = resource(ROTATING, "daily", { rotationDays: 1 });
    const program = (now: number) => [
      rotating,
      resource(
        PASSWORD,
        "p",
        {
          rotateWhenChanged: { rotation: "daily-id" },
          endDate: `${iso(now).slice(0, 10)}T23:59:59Z`,
        },
        { propertyDependencies: { rotateWhenChanged: [rotating.urn] } },
      ),
    ];
    // Only compared one day later: the date changes, but the Rotating rotated in between.
    assert.deepEqual(detectChurn(run(T0, program(T0)), [run(T0 + DAY, program(T0 + DAY))]), []);
  });

  it("a time.Rotating with several rotation fields rotates at the last one alone, as the provider computes it", () => {
    // terraform-provider-time applies rotationDays, then rotationHours, each to the base: this one
    // rotates 12 hours after creation (not 30 days 12 hours), so within the day between the runs.
    const rotating = resource(ROTATING, "half-daily", { rotationDays: 30, rotationHours: 12 });
    const program = (now: number) => [
      rotating,
      resource(
        PASSWORD,
        "p",
        {
          rotateWhenChanged: { rotation: "half-daily-id" },
          endDate: `${iso(now).slice(0, 10)}T23:59:59Z`,
        },
        { propertyDependencies: { rotateWhenChanged: [rotating.urn] } },
      ),
    ];
    assert.deepEqual(detectChurn(run(T0, program(T0)), [run(T0 + DAY, program(T0 + DAY))]), []);
    // rotationMonths: 1 from Jan 31 is Mar 3 (Go's AddDate rolls "Feb 31" over), not Feb 28.
    const monthly = resource(ROTATING, "monthly", {
      rotationMonths: 1,
      rfc3339: "2026-01-31T00:00:00Z",
    });
    const monthlyProgram = (now: number) => [
      monthly,
      resource(
        PASSWORD,
        "q",
        {
          rotateWhenChanged: { rotation: "monthly-id" },
          endDate: `${iso(now).slice(0, 10)}T23:59:59Z`,
        },
        { propertyDependencies: { rotateWhenChanged: [monthly.urn] } },
      ),
    ];
    const runsFrom = (first: string) => {
      const at = Date.parse(first);
      return detectChurn(run(at, monthlyProgram(at)), [run(at + DAY, monthlyProgram(at + DAY))]);
    };
    // No rotation between Feb 27 and Feb 28 noon: the changed end date is churn.
    assert.deepEqual(
      runsFrom("2026-02-27T12:00:00Z").map((f) => [f.name, f.changes.map((c) => c.input)]),
      [["q", ["endDate"]]],
    );
    // The Rotating rotates at Mar 3 00:00, between Mar 2 and Mar 3 noon: a scheduled rotation.
    assert.deepEqual(runsFrom("2026-03-02T12:00:00Z"), []);
  });

  it("a time.Rotating whose own inputs change is replaced at every deployment, and its dependents with it", () => {
    const program = (now: number) => {
      const rotating = resource(ROTATING, "r", { rotationDays: 90, rfc3339: iso(now) });
      return [
        rotating,
        resource(
          PASSWORD,
          "p",
          { rotateWhenChanged: { rotation: "r-id" } },
          { propertyDependencies: { rotateWhenChanged: [rotating.urn] } },
        ),
      ];
    };
    const [base, later] = runs(program);
    const [finding] = detectChurn(base, later);
    assert.equal(finding.changes[0].input, "rotateWhenChanged");
    assert.equal(finding.changes[0].via?.rotating, "r");
    assert.equal(finding.changes[0].via?.change.input, "rfc3339");
    assert.match(
      churnMessage(finding),
      /depends on time:index\/rotating:Rotating "r", whose input rfc3339/,
    );
  });

  it("a secret input that changes: reported without its value", () => {
    const program = (now: number): Registration[] =>
      [
        resource(
          CERTIFICATE,
          "cert",
          { value: "[secret]", endDate: "2027-01-01T00:00:00Z" },
          { secretInputs: ["value"] },
        ),
        resource(PASSWORD, "same-secret", { value: "[secret]" }, { secretInputs: ["value"] }),
      ].map((r) => ({ ...r, outputs: { ...r.outputs, now } }));
    const fingerprints = (now: number) => ({
      [urn(CERTIFICATE, "cert")]: { value: `fp-${now}` },
      [urn(PASSWORD, "same-secret")]: { value: "fp-same" },
    });
    const base = run(T0, program(T0), fingerprints(T0));
    const later = [run(T0 + SECOND, program(T0 + SECOND), fingerprints(T0 + SECOND))];
    const [finding, ...rest] = detectChurn(base, later);
    assert.equal(rest.length, 0);
    assert.equal(finding.name, "cert");
    assert.deepEqual(finding.changes, [{ input: "value", secret: true }]);
    const message = churnMessage(finding);
    assert.match(message, /value changed \(secret value\)/);
    assert.doesNotMatch(message, /fp-/);
  });

  it("rotateWhenChanged keys are named one by one", () => {
    const [base, later] = runs((now) => [
      resource(PASSWORD, "p", { rotateWhenChanged: { "deployed-at": iso(now), owner: "ops" } }),
    ]);
    const [finding] = detectChurn(base, later);
    assert.deepEqual(
      finding.changes.map((c) => c.input),
      ["rotateWhenChanged.deployed-at"],
    );
  });

  it("a name that comes from the clock: the credential is deleted and another created", () => {
    const [base, later] = runs((now) => [
      resource(PASSWORD, `token-${now}`, { endDate: "2027-01-01T00:00:00Z" }),
    ]);
    const [finding] = detectChurn(base, later);
    assert.equal(finding.kind, "renamed");
    assert.deepEqual(finding.renamedTo, [urn(PASSWORD, `token-${T0 + SECOND}`)]);
    assert.match(
      churnMessage(finding),
      /is not declared again 1 second later: "token-\d+" is declared instead/,
    );
  });

  it("a date the provider stores in another form (a fraction of a second) differs at every deployment", () => {
    const password = resource(PASSWORD, "p", { endDate: "2027-01-01T00:00:00.000Z" });
    password.outputs.endDate = "2027-01-01T00:00:00Z";
    const [finding] = detectChurn(run(T0, [password]), [run(T0 + SECOND, [password])]);
    assert.equal(finding.kind, "stored");
    assert.match(
      churnMessage(finding),
      /stores endDate as "2027-01-01T00:00:00Z" \(whole seconds, UTC\), not as declared \("2027-01-01T00:00:00.000Z"\)/,
    );
  });

  it("Key Vault secrets and other resources are not credentials; an Application counts only with an inline password", () => {
    const [base, later] = runs((now) => [
      resource("azure-native:keyvault:Secret", "s", {
        properties: { attributes: { expires: now / 1000 } },
      }),
      resource("azuread:index/application:Application", "plain", { displayName: `app ${now}` }),
      resource("azuread:index/application:Application", "inline", {
        password: { displayName: "p", endDate: iso(now + DAY) },
      }),
    ]);
    const findings: ChurnFinding[] = detectChurn(base, later);
    assert.deepEqual(
      findings.map((f) => [f.name, f.changes.map((c) => c.input)]),
      [["inline", ["password.endDate"]]],
    );
  });

  describe("a simulation answers each run afresh; the real engine keeps an unchanged resource's state", () => {
    const KEY = "tls:index/privateKey:PrivateKey";
    const CERT = "tls:index/selfSignedCert:SelfSignedCert";
    /** A key pair and a self-signed certificate feeding an ApplicationCertificate's value. */
    const program = (hours: (now: number) => number) => (now: number) => {
      const key = resource(KEY, "key", { algorithm: "RSA" });
      const cert = resource(
        CERT,
        "cert",
        { privateKeyPem: "[secret]", validityPeriodHours: hours(now) },
        { secretInputs: ["privateKeyPem"], propertyDependencies: { privateKeyPem: [key.urn] } },
      );
      const credential = resource(
        CERTIFICATE,
        "app-cert",
        { value: "[secret]", endDate: "2027-01-01T00:00:00Z" },
        { secretInputs: ["value"], propertyDependencies: { value: [cert.urn] } },
      );
      return [key, cert, credential];
    };
    /** Each run draws a new key (as the simulation's key pool does per process). */
    const snapshot = (nowMs: number, registrations: Registration[]): RunSnapshot => ({
      nowMs,
      registrations,
      secretFingerprints: { [urn(CERTIFICATE, "app-cert")]: { value: `pem-${nowMs}` } },
      outputFingerprints: {
        [urn(KEY, "key")]: `key-${nowMs}`,
        [urn(CERT, "cert")]: `cert-${nowMs}`,
        [urn(CERTIFICATE, "app-cert")]: `cred-${nowMs}`,
      },
    });

    it("a certificate from a key pair and certificate whose inputs do not change: not reported", () => {
      const fixed = program(() => 9360);
      assert.deepEqual(
        detectChurn(snapshot(T0, fixed(T0)), [snapshot(T0 + SECOND, fixed(T0 + SECOND))]),
        [],
      );
    });

    it("a certificate whose validity is computed from the clock: reported, naming where the value comes from", () => {
      const fromClock = program((now) =>
        Math.floor((Date.parse("2028-01-01T00:00:00Z") - now) / 1000),
      );
      const [finding] = detectChurn(snapshot(T0, fromClock(T0)), [
        snapshot(T0 + SECOND, fromClock(T0 + SECOND)),
      ]);
      assert.equal(finding.name, "app-cert");
      assert.match(
        churnMessage(finding),
        /value changed \(secret value\): it comes from tls:index\/selfSignedCert:SelfSignedCert "cert", whose input validityPeriodHours \d+ → \d+/,
      );
    });

    it("a certificate scheduled through the keepers of a resource it comes from: its rotation is not churn", () => {
      const anchor = Date.parse("2024-01-01T00:00:00Z");
      const make = (now: number) => {
        const generation = Math.floor((now - anchor) / DAY);
        const schedule = resource("random:index/randomId:RandomId", "schedule", {
          keepers: {
            "rotation-window": `2024-01-01T00:00:00Z/P1D#${generation}`,
            "rotation-slot": "0/1",
          },
        });
        const cert = resource(
          CERT,
          "cert",
          { subject: { serialNumber: `serial-${generation}` }, validityPeriodHours: 48 },
          { propertyDependencies: { subject: [schedule.urn] } },
        );
        const credential = resource(
          CERTIFICATE,
          "app-cert",
          { value: "[secret]", endDate: iso(anchor + (generation + 2) * DAY) },
          { secretInputs: ["value"], propertyDependencies: { value: [cert.urn] } },
        );
        return [schedule, cert, credential];
      };
      const at = (nowMs: number): RunSnapshot => ({
        ...run(nowMs, make(nowMs)),
        secretFingerprints: {
          [urn(CERTIFICATE, "app-cert")]: { value: `pem-${Math.floor((nowMs - anchor) / DAY)}` },
        },
      });
      // One day later the window (and the generation) changed: a scheduled rotation.
      assert.deepEqual(detectChurn(at(T0), [at(T0 + SECOND), at(T0 + DAY)]), []);
    });

    it("an end date computed from the clock inside an apply on a stable output is still reported", () => {
      const app = resource("azuread:index/application:Application", "app", { displayName: "a" });
      const make = (now: number) => [
        app,
        resource(
          PASSWORD,
          "p",
          { applicationId: "/applications/a", endDate: iso(now + DAY) },
          { propertyDependencies: { applicationId: [app.urn], endDate: [app.urn] } },
        ),
      ];
      const same = { [app.urn]: "same-answer" };
      const [finding] = detectChurn({ ...run(T0, make(T0)), outputFingerprints: same }, [
        { ...run(T0 + SECOND, make(T0 + SECOND)), outputFingerprints: same },
      ]);
      assert.deepEqual(
        finding.changes.map((c) => c.input),
        ["endDate"],
      );
    });
  });
});
