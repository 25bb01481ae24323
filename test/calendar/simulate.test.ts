import { strict as assert } from "assert";
import { Duration } from "luxon";
import { rotationState } from "../../components/rotation";
import { formatInstant } from "../../policy/core/iso8601";
import { RotationModel, simulate, Simulation, Violation } from "../../tools/calendar/simulate";
import { summarize } from "../../tools/calendar/summary";
import { DAY_MS, FIXTURE, ms, ROOT, stackApps } from "./helpers";

const firstViolations = (sim: Simulation): Violation[] =>
  sim.apps.flatMap((a) => a.violations.slice(0, 1));

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
          if (s.slots === 2) assert.ok((s.minOverlapDays ?? 0) >= 180, `${s.app} overlap`);
          else assert.equal(s.minOverlapDays, 0);
          assert.ok(s.longestLifetimeDays <= 2 * 180 + 30, `${s.app} lifetime`);
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

  describe("detects a broken rotation model", () => {
    const fromMs = ms("2026-11-21T00:00:00Z");
    const apps = stackApps(ROOT, "dev", fromMs);
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
      assert.equal(first.length, apps.length);
      for (const v of first) assert.equal(v.instant, formatInstant(fromMs + 10 * DAY_MS));
      for (const app of sim.apps) {
        const atFirst = app.violations.filter((v) => v.instantMs === app.violations[0].instantMs);
        // A delete-before-create app (consumer-portal) also loses the password Key Vault holds.
        assert.deepEqual(
          atFirst.map((v) => v.invariant),
          app.app === "consumer-portal" ? [3, 5, 5] : atFirst.map(() => 5),
          app.app,
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
      assert.equal(first.length, apps.length);
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
      const twoSlots = apps.filter((a) => a.rotation.slots === 2).map((a) => a.name);
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
