import { strict as assert } from "assert";
import { Duration } from "luxon";
import { rotationState } from "../../components/rotation";
import { consumerOverlapProblem } from "../../policy/core";
import { addDuration, formatInstant } from "../../policy/core/iso8601";
import {
  AppSimulation,
  ConsumerSimulation,
  RotationModel,
  simulate,
  Simulation,
  Violation,
} from "../../tools/calendar/simulate";
import { reportedViolations, summarize } from "../../tools/calendar/summary";
import { consumer, DAY_MS, FIXTURE, ms, ROOT, stackApps, withConsumers } from "./helpers";

const firstViolations = (sim: Simulation): Violation[] =>
  sim.apps.flatMap((a) => a.violations.slice(0, 1));

/**
 * A consumer's timeline at the worst phase: it starts with what Key Vault holds at the first
 * deployment, then holds each credential from `refresh` after Key Vault moved to it until `refresh`
 * after Key Vault moved on, contiguously, until the end of the simulation.
 */
function assertWorstPhaseTimeline(sim: Simulation, app: AppSimulation, c: ConsumerSimulation) {
  const refresh = Duration.fromISO(c.refresh);
  const label = `${app.app}/${c.name}`;
  assert.equal(c.holds[0]?.fromMs, sim.fromMs, label);
  assert.equal(c.holds[c.holds.length - 1]?.untilMs, sim.untilMs, label);
  const expected = app.switches
    .map((s, i) => ({
      credentialId: s.toId,
      fromMs: i === 0 ? s.atMs : addDuration(s.atMs, refresh),
      untilMs: Math.min(
        sim.untilMs,
        i + 1 < app.switches.length ? addDuration(app.switches[i + 1].atMs, refresh) : Infinity,
      ),
    }))
    .filter((h) => h.fromMs < h.untilMs);
  assert.deepEqual(
    c.holds.map(({ credentialId, fromMs, untilMs }) => ({ credentialId, fromMs, untilMs })),
    expected,
    label,
  );
}

describe("calendar simulation", () => {
  describe("dev stack, daily deployments for 5 years", () => {
    for (const from of ["2026-11-21T00:00:00Z", "2027-03-14T15:09:26Z", "2030-12-31T23:59:59Z"]) {
      it(`keeps every invariant from ${from}`, () => {
        const fromMs = ms(from);
        const apps = stackApps(ROOT, "dev", fromMs);
        const sim = simulate(apps, { fromMs, years: 5, every: Duration.fromISO("P1D") });
        assert.ok(sim.deploymentsMs.length >= 1826 && sim.deploymentsMs.length <= 1827);
        assert.deepEqual(firstViolations(sim), []);
        for (const app of sim.apps) {
          if (app.federated) {
            // credential: federated holds nothing that rotates or expires.
            assert.deepEqual([app.credentials, app.switches, app.rotations], [[], [], []]);
            continue;
          }
          const { period, slots } = app.settings;
          const periodDays = Duration.fromISO(period).as("days");
          // 5 years ≈ 1826 days: one rotation per window start, minus one slot per window.
          const expected = Math.floor(1826 / periodDays);
          assert.ok(
            Math.abs(app.rotations.length - expected) <= 1,
            `${app.app}: ${app.rotations.length} rotation deployments, expected about ${expected}`,
          );
          assert.equal(app.credentials.length, slots + app.rotations.length);
          // Every rotation creates exactly one password and moves Key Vault to it.
          for (const r of app.rotations) assert.equal(r.created.length, 1);
          assert.equal(app.switches.length, app.rotations.length + 1);
        }
        const summary = summarize(sim);
        for (const s of summary) {
          if (s.federated) continue; // nothing overlaps: nothing rotates
          if (s.slots === 2) assert.ok((s.minOverlapDays ?? 0) >= 180, `${s.app} overlap`);
          else assert.equal(s.minOverlapDays, 0);
          assert.ok(s.longestLifetimeDays <= 2 * 180 + 30, `${s.app} lifetime`);
        }
        // 7: every consumer keeps a working credential; with daily deployments the credential Key
        // Vault left works at least period − 1 day − refresh after the consumer re-reads.
        const consumers = sim.apps.flatMap((a) => a.consumers.map((c) => ({ a, c })));
        assert.ok(consumers.length > 0, "the dev stack declares consumers");
        for (const { a, c } of consumers) {
          assertWorstPhaseTimeline(sim, a, c);
          assert.deepEqual(c.violations, []);
          const boundMs =
            Duration.fromISO(a.settings.period).as("milliseconds") -
            DAY_MS -
            Duration.fromISO(c.refresh).as("milliseconds");
          assert.ok((c.shortestMarginMs ?? -Infinity) >= boundMs, `${a.app}/${c.name} margin`);
        }
      });
    }
  });

  describe("apps that hold at most two client secrets (personal Microsoft accounts)", () => {
    const apps = (fromMs: number) =>
      stackApps(ROOT, "dev", fromMs).filter((a) => a.name === "consumer-portal");

    it("two slots replaced delete-before-create: never a third secret, daily for 5 years", () => {
      const fromMs = ms("2026-11-21T00:00:00Z");
      const sim = simulate(apps(fromMs), { fromMs, years: 5, every: Duration.fromISO("P1D") });
      assert.equal(sim.apps.length, 1);
      assert.ok(sim.apps[0].rotations.length >= 9);
      assert.deepEqual(firstViolations(sim), []);
    });

    it("a model that declares a third slot breaks invariant 6 at the first deployment", () => {
      const fromMs = ms("2026-11-21T00:00:00Z");
      const threeSlots: RotationModel = (settings, nowMs) => {
        const state = rotationState(settings, nowMs);
        return { ...state, slots: [...state.slots, { ...state.slots[0], slot: 2 }] };
      };
      const sim = simulate(apps(fromMs), {
        fromMs,
        years: 1,
        every: Duration.fromISO("P1D"),
        model: threeSlots,
      });
      const first = firstViolations(sim)[0];
      assert.deepEqual([first?.invariant, first?.instant], [6, formatInstant(fromMs)]);
      assert.match(first.message, /3 client secrets at once.*may hold 2/);
    });
  });

  describe("cadence longer than the grace", () => {
    it("fails with the app and instant computed by hand (fixture with known anchors)", () => {
      // Anchor 2025-01-01; deployments every 55 days from the anchor: days 0, 55, 110, 165, 220…
      // worker (slots 1, P90D, grace 30 days): windows start on days 90, 180…; the day-90 window is
      // deployed on day 110 (its predecessor's password lives until day 120: fine); the day-180
      // window waits for day 220, but the password Key Vault holds ends on day 180 + 30 = 210.
      // api (slots 2, P180D): window 1 starts on day 180 and is deployed on day 220, so Key Vault
      // leaves a password ending on day 360 + 30 = 390, only 170 days (< 180) later.
      const fromMs = ms("2025-01-01T00:00:00Z");
      const apps = stackApps(FIXTURE, "grace", fromMs);
      const sim = simulate(apps, { fromMs, years: 1, every: Duration.fromISO("P55D") });
      const first = firstViolations(sim).map((v) => [v.app, v.instant, v.invariant]);
      assert.deepEqual(first, [
        ["api", formatInstant(fromMs + 220 * DAY_MS), 4],
        ["worker", formatInstant(fromMs + 210 * DAY_MS), 3],
      ]);
      assert.equal(formatInstant(fromMs + 210 * DAY_MS), "2025-07-30T00:00:00Z");
    });

    it("fails on the dev stack where a window starts more than the grace before the next deployment", () => {
      const fromMs = ms("2026-01-01T00:00:00Z");
      const everyDays = 45;
      const apps = stackApps(ROOT, "dev", fromMs);
      const sim = simulate(apps, { fromMs, years: 5, every: Duration.fromISO(`P${everyDays}D`) });
      const untilMs = ms("2031-01-01T00:00:00Z");
      // Independently of the simulator: plain arithmetic on the resolved (hashed) anchors.
      const expected: [string, string][] = [];
      for (const app of apps) {
        const periodMs = Duration.fromISO(app.rotation.period).as("milliseconds");
        const graceMs = Duration.fromISO(app.rotation.grace).as("milliseconds");
        const firstK = Math.floor((fromMs - app.rotation.anchorMs) / periodMs) + 1;
        for (let k = firstK; ; k++) {
          const start = app.rotation.anchorMs + k * periodMs;
          if (start >= untilMs) break;
          const deploy =
            fromMs + Math.ceil((start - fromMs) / (everyDays * DAY_MS)) * everyDays * DAY_MS;
          if (app.rotation.slots === 1 && deploy >= start + graceMs) {
            expected.push([app.name, formatInstant(start + graceMs)]); // expired in Key Vault
            break;
          }
          if (app.rotation.slots === 2 && deploy > start + graceMs) {
            expected.push([app.name, formatInstant(deploy)]); // switched too late
            break;
          }
        }
      }
      assert.ok(expected.length > 0, "the cadence should break the dev stack");
      assert.deepEqual(
        firstViolations(sim).map((v) => [v.app, v.instant]),
        expected,
      );
    });
  });

  describe("consumers (invariant 7)", () => {
    const fromMs = ms("2025-01-01T00:00:00Z"); // the fixtures' anchor
    const day = (n: number) => formatInstant(fromMs + n * DAY_MS);
    const graceApps = () => stackApps(FIXTURE, "grace", fromMs);
    const api = () => graceApps().filter((a) => a.name === "api"); // P180D, grace P30D, slots 2
    const every = (iso: string) => Duration.fromISO(iso);

    it("consumers of every kind keep a working credential, daily for 5 years (fixture)", () => {
      const apps = stackApps(FIXTURE, "consumers", fromMs);
      const kinds = new Set(apps.flatMap((a) => a.consumers.map((c) => c.kind)));
      assert.deepEqual([...kinds].sort(), [
        "aksSecretsStoreCsi",
        "appService",
        "containerApp",
        "custom",
      ]);
      const sim = simulate(apps, { fromMs, years: 5, every: every("P1D") });
      assert.deepEqual(firstViolations(sim), []);
      for (const app of sim.apps) {
        for (const c of app.consumers) {
          assertWorstPhaseTimeline(sim, app, c);
          assert.deepEqual(c.violations, []);
        }
      }
      // The slowest consumer the overlap rule accepts (refresh P150D + grace P30D = P180D): Key
      // Vault switches at a window's start and the credential it left is deleted one period
      // later, 30 days after the consumer has re-read Key Vault.
      const batch = sim.apps[0].consumers.find((c) => c.name === "batch");
      assert.equal(batch?.shortestMarginMs, 30 * DAY_MS);
      const summary = summarize(sim)[0].consumers.find((c) => c.name === "batch");
      assert.deepEqual([summary?.shortestMarginDays, summary?.firstViolation], [30, undefined]);
    });

    it("a consumer slower than the period fails, naming consumer, credential and instant", () => {
      // refresh P200D on a P180D schedule (the configuration refuses it; built directly). Daily
      // from the anchor: Key Vault moves from api/slot0/gen0 to slot 1 on day 180; the consumer may
      // keep gen0 until day 380, but the deployment of day 360 (window 2) deletes it.
      const slow = consumer("slow", "P200D");
      assert.ok(consumerOverlapProblem(api()[0].rotation, slow.refreshDuration, fromMs));
      const sim = simulate([withConsumers(api()[0], slow)], {
        fromMs,
        years: 2,
        every: every("P1D"),
      });
      const [app] = sim.apps;
      assert.ok(app.violations.length > 0);
      assert.ok(
        app.violations.every((v) => v.invariant === 7),
        "only invariant 7 breaks",
      );
      const first = app.violations[0];
      assert.deepEqual([first.app, first.instant, first.invariant], ["api", day(360), 7]);
      assert.equal(day(360), "2025-12-27T00:00:00Z");
      assert.deepEqual(first.consumer, {
        app: "api",
        name: "slow",
        kind: "custom",
        refresh: "P200D",
      });
      assert.match(
        first.message,
        /^consumer slow \(custom, refresh P200D\) may still hold api\/slot0\/gen0 until 2026-01-16T00:00:00Z: Key Vault moved to api\/slot1\/gen0 at 2025-06-30T00:00:00Z .* but api\/slot0\/gen0 is deleted at 2025-12-27T00:00:00Z \(20 days without a working credential\)$/,
      );
      assert.deepEqual(app.consumers[0].violations, app.violations);
      assert.equal(app.consumers[0].shortestMarginMs, -20 * DAY_MS);
      // Drawn: the consumer holds gen0 past its deletion.
      const broken = app.consumers[0].holds.find((h) => h.brokenFromMs !== undefined);
      assert.deepEqual(
        [broken?.credentialId, broken?.brokenFromMs, broken?.untilMs],
        ["api/slot0/gen0", fromMs + 360 * DAY_MS, fromMs + 380 * DAY_MS],
      );
      // Reported (and so the CLI exits 1) with the consumer named.
      assert.deepEqual(reportedViolations(sim), [first]);
    });

    it("keeps up exactly while refresh ≤ period − (period mod cadence), cadence within the grace", () => {
      // Every 29 days (< grace 30): the deployment after a window start comes 6 days earlier in
      // the next window (180 mod 29 = 6), so the credential Key Vault left is deleted 174 days
      // after the switch. Day 203 (window 1) to day 377 (window 2) first.
      const run = (refresh: string) =>
        simulate([withConsumers(api()[0], consumer("edge", refresh))], {
          fromMs,
          years: 3,
          every: every("P29D"),
        }).apps[0];
      const keepsUp = run("P174D");
      assert.deepEqual(keepsUp.violations, []);
      assert.equal(keepsUp.consumers[0].shortestMarginMs, 0);
      const late = run("P175D");
      assert.ok(
        late.violations.every((v) => v.invariant === 7),
        "only invariant 7 breaks",
      );
      assert.deepEqual(
        [late.violations[0]?.instant, late.violations[0]?.consumer?.name],
        [day(377), "edge"],
      );
      assert.match(late.violations[0].message, /is deleted at 2026-01-13T00:00:00Z \(1 days/);
    });

    it("one slot: the credential a consumer holds is deleted at every switch", () => {
      // The configuration refuses consumers of a one-slot app; built directly. worker: P90D.
      const worker = graceApps().find((a) => a.name === "worker");
      assert.ok(worker);
      const sim = simulate(
        [withConsumers(worker, consumer("pods", "PT2M", "aksSecretsStoreCsi"))],
        {
          fromMs,
          years: 1,
          every: every("P1D"),
        },
      );
      const sevens = sim.apps[0].violations.filter((v) => v.invariant === 7);
      assert.deepEqual(
        sevens.map((v) => v.instant),
        [90, 180, 270, 360].map(day),
      );
      assert.match(sevens[0].message, /worker\/slot0\/gen0 is deleted at 2025-04-01T00:00:00Z/);
      assert.deepEqual(
        sim.apps[0].violations.map((v) => v.invariant),
        [7, 7, 7, 7],
      );
    });

    it("an accepted consumer, deployments less often than the grace: invariant 4 breaks first", () => {
      // refresh P150D + grace P30D ≤ period P180D is accepted. Deployments every 100 days switch
      // Key Vault 20, 40, 60, 80, 0 days after windows 1…5 start (days 200, 400, 600, 800, 900):
      // on day 400 Key Vault leaves a credential that expires on day 570 < 400 + 180 (4). On day
      // 800 it leaves one that the deployment of day 900 deletes, while the consumer may keep it
      // until day 950 (7).
      const apps = stackApps(FIXTURE, "consumers", fromMs).filter((a) => a.name === "api");
      const sim = simulate(apps, { fromMs, years: 3, every: every("P100D") });
      const [app] = sim.apps;
      assert.deepEqual([app.violations[0].invariant, app.violations[0].instant], [4, day(400)]);
      const batch = app.consumers.find((c) => c.name === "batch");
      assert.deepEqual(
        batch?.violations.map((v) => [v.instant, v.invariant]),
        [[day(900), 7]],
      );
      assert.equal(day(900), "2027-06-20T00:00:00Z");
      for (const c of app.consumers.filter((c) => c !== batch)) assert.deepEqual(c.violations, []);
      assert.deepEqual(
        reportedViolations(sim).map((v) => [v.invariant, v.instant, v.consumer?.name]),
        [
          [4, day(400), undefined],
          [7, day(900), "batch"],
        ],
      );
    });

    it("with an accepted consumer, no cadence breaks invariant 7 before invariant 4", () => {
      // Any cadence from 2 to 120 days: a consumer with refresh + grace ≤ period can only hold a
      // dead credential after Key Vault switched more than the grace late, which invariant 4
      // reports at that switch.
      const base = api()[0];
      const accepted = consumer("limit", "P150D");
      assert.equal(
        consumerOverlapProblem(base.rotation, accepted.refreshDuration, fromMs),
        undefined,
      );
      let broken = 0;
      for (let d = 2; d <= 120; d++) {
        const [app] = simulate([withConsumers(base, accepted)], {
          fromMs: fromMs + 7 * 3_600_000, // off the anchor's phase
          years: 4,
          every: every(`P${d}D`),
        }).apps;
        const seven = app.violations.find((v) => v.invariant === 7);
        if (d < 30) assert.deepEqual(app.violations, [], `every ${d} days`);
        if (!seven) continue;
        broken++;
        const four = app.violations.find((v) => v.invariant === 4);
        assert.ok(four && four.instantMs < seven.instantMs, `every ${d} days`);
      }
      assert.ok(broken > 0, "some cadence longer than the grace breaks invariant 7");
    });
  });

  describe("detects a broken rotation model", () => {
    const fromMs = ms("2026-11-21T00:00:00Z");
    const apps = stackApps(ROOT, "dev", fromMs);
    // A federated app (credential: federated) has no rotating credential the model could break.
    const rotating = apps.filter((a) => a.credential !== "federated");
    const run = (model: RotationModel) =>
      simulate(apps, {
        fromMs,
        years: 1,
        every: Duration.fromISO("P1D"),
        model,
      });

    it("inputs that change with the clock rotate inside a window (invariant 5)", () => {
      const sim = run((settings, nowMs) => {
        const state = rotationState(settings, nowMs);
        const label = nowMs >= fromMs + 10 * DAY_MS ? "later" : "earlier";
        return {
          ...state,
          slots: state.slots.map((s) => ({
            ...s,
            rotateWhenChanged: { ...s.rotateWhenChanged, "deployed-at": label },
          })),
        };
      });
      const first = firstViolations(sim);
      assert.equal(first.length, rotating.length);
      for (const v of first) assert.equal(v.instant, formatInstant(fromMs + 10 * DAY_MS));
      for (const app of sim.apps.filter((a) => !a.federated)) {
        const atFirst = app.violations.filter((v) => v.instantMs === app.violations[0].instantMs);
        // One 5 per slot replaced. A delete-before-create app (consumer-portal) also loses the
        // password Key Vault holds (3). The spurious rotation deletes the credential Key Vault
        // left at once: every consumer may still hold it (7, naming the consumer).
        assert.deepEqual(
          atFirst.map((v) => v.invariant),
          [
            ...(app.app === "consumer-portal" ? [3] : []),
            ...Array.from({ length: app.settings.slots }, () => 5),
            ...app.consumers.map(() => 7),
          ],
          app.app,
        );
        assert.deepEqual(
          atFirst.filter((v) => v.invariant === 7).map((v) => v.consumer?.name),
          app.consumers.map((c) => c.name),
        );
      }
    });

    it("an end date beyond the lifetime cap (invariant 1) or in the past (invariant 2)", () => {
      const tooLong = run((settings, nowMs) => {
        const state = rotationState(settings, nowMs);
        return {
          ...state,
          slots: state.slots.map((s) => ({ ...s, endDateMs: s.endDateMs + 400 * DAY_MS })),
        };
      });
      assert.ok(
        firstViolations(tooLong).every(
          (v) => v.invariant === 1 && v.instant === formatInstant(fromMs),
        ),
      );
      const expired = run((settings, nowMs) => {
        const state = rotationState(settings, nowMs);
        return { ...state, slots: state.slots.map((s) => ({ ...s, endDateMs: nowMs })) };
      });
      const first = firstViolations(expired);
      assert.equal(first.length, rotating.length);
      assert.ok(first.every((v) => v.invariant === 2 && v.instant === formatInstant(fromMs)));
    });

    it("Key Vault pointing at the older password (invariant 4 / 3)", () => {
      const sim = run((settings, nowMs) => {
        const state = rotationState(settings, nowMs);
        if (settings.slots === 1) return state;
        return { ...state, activeSlot: 1 - state.activeSlot };
      });
      const byApp = new Map(firstViolations(sim).map((v) => [v.app, v]));
      assert.equal(byApp.has("billing-worker"), false);
      const twoSlots = rotating.filter((a) => a.rotation.slots === 2).map((a) => a.name);
      assert.ok(twoSlots.length >= 3, twoSlots.join());
      for (const app of twoSlots) {
        const v = byApp.get(app);
        assert.ok(v && (v.invariant === 4 || v.invariant === 3), `${app}: ${JSON.stringify(v)}`);
      }
    });
  });

  it("simulates 5 daily years of the dev stack quickly", () => {
    const fromMs = ms("2026-11-21T00:00:00Z");
    const apps = stackApps(ROOT, "dev", fromMs);
    const started = process.hrtime.bigint();
    simulate(apps, { fromMs, years: 5, every: Duration.fromISO("P1D") });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMs < 5000, `took ${elapsedMs} ms`);
  });
});
