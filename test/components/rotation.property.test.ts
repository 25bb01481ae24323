/**
 * Property-based tests of the rotation model's invariants (docs/rotation-model.md) over
 * random schedules, each deployed at a random cadence shorter than its grace for 5 simulated years.
 */
import * as assert from "assert";
import fc from "fast-check";
import { Duration } from "luxon";
import {
  RotationSettings,
  rotationState,
  windowIndex,
  windowStart,
  worstCaseLifetime,
} from "../../components/rotation";
import { addDuration, formatInstant } from "../../policy/core/iso8601";

const DAY = 86_400_000;
const YEARS = 5;
const MAX_LIFETIME = Duration.fromISO("P2Y");

interface Deployed {
  key: string;
  createdAt: number;
  endDate: number;
}

const anySchedule = fc
  .record({
    period: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 7, max: 360 }).map((d) => `P${d}D`) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 11 }).map((m) => `P${m}M`) },
      { weight: 2, arbitrary: fc.integer({ min: 2, max: 8 }).map((w) => `P${w}W`) },
    ),
    graceDays: fc.integer({ min: 2, max: 60 }),
    slots: fc.constantFrom(1 as const, 2 as const),
    anchorMs: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 0, 1) }),
    startOffsetHours: fc.integer({ min: 0, max: 24 * 400 }),
    cadenceFraction: fc.double({ min: 0.3, max: 0.99, noNaN: true }),
    trigger: fc.string({ maxLength: 8 }),
  })
  .map((s) => {
    const settings: RotationSettings = {
      anchorMs: s.anchorMs,
      period: s.period,
      periodDuration: Duration.fromISO(s.period),
      grace: `P${s.graceDays}D`,
      graceDuration: Duration.fromISO(`P${s.graceDays}D`),
      slots: s.slots,
      trigger: s.trigger,
    };
    // A deployment at least once every D < G (docs/rotation-model.md's requirement), at least hourly steps.
    const cadenceMs = Math.max(3_600_000, Math.floor(s.cadenceFraction * s.graceDays * DAY));
    return { settings, startMs: s.anchorMs + s.startOffsetHours * 3_600_000, cadenceMs };
  });

/** Schedules that configuration validation accepts (their lifetime fits in P2Y). */
const schedule = anySchedule.filter(({ settings, startMs }) => {
  // Configuration validation rejects the rest.
  return !worstCaseLifetime(settings, MAX_LIFETIME, startMs).exceeds;
});

/** Simulates deployments and returns the first broken invariant, or undefined. */
function firstViolation(
  settings: RotationSettings,
  startMs: number,
  cadenceMs: number,
): string | undefined {
  const endMs = addDuration(startMs, Duration.fromObject({ years: YEARS }));
  const deployed: (Deployed | undefined)[] = [];
  let keyVault: Deployed | undefined;
  let previous: { k: number; inputs: string } | undefined;
  for (let t = startMs; t <= endMs; t += cadenceMs) {
    const at = formatInstant(t);
    // 3 (between deployments): what Key Vault held since the last deployment was valid until now.
    if (keyVault && keyVault.endDate <= t)
      return `${at}: Key Vault held a password that expired at ${formatInstant(keyVault.endDate)}`;
    const state = rotationState(settings, t);
    const inputs = JSON.stringify(state.slots.map((s) => [s.rotateWhenChanged, s.endDateMs]));
    // 5: inside one window, nothing changes.
    if (previous && previous.k === state.window && previous.inputs !== inputs)
      return `${at}: inputs changed inside window ${state.window}`;
    previous = { k: state.window, inputs };
    for (const slot of state.slots) {
      const key = JSON.stringify([slot.rotateWhenChanged, slot.endDateMs]);
      if (deployed[slot.slot]?.key === key) continue;
      const password = { key, createdAt: t, endDate: slot.endDateMs };
      // 2: never created already expired (nor so close that the next deployment finds it expired).
      if (password.endDate <= t + cadenceMs)
        return `${at}: slot ${slot.slot} created with end date ${formatInstant(password.endDate)}`;
      // 1: lifetime ≤ maxLifetime, calendar-correct, and ≤ the password's `slots` windows + G.
      if (password.endDate > addDuration(t, MAX_LIFETIME))
        return `${at}: slot ${slot.slot} outlives P2Y`;
      const windowsEnd = addDuration(
        windowStart(settings, slot.issuedWindow + settings.slots),
        settings.graceDuration,
      );
      if (t < slot.issuedAtMs || password.endDate > windowsEnd)
        return `${at}: slot ${slot.slot} outlives slots·P + G`;
      deployed[slot.slot] = password;
    }
    const active = deployed[state.activeSlot]!;
    // 4: the password Key Vault stops pointing to stays valid for at least one more period (the
    // length of the window in which it is superseded: month windows differ in length).
    const windowLength = state.nextWindowStartMs - state.windowStartMs;
    if (
      settings.slots === 2 &&
      keyVault &&
      keyVault !== active &&
      keyVault.endDate < t + windowLength
    ) {
      return `${at}: superseded password expires at ${formatInstant(keyVault.endDate)}, less than one period later`;
    }
    // 3 (at the deployment): Key Vault points at the newest password, which is valid.
    if (active.endDate <= t || state.slots[state.activeSlot].issuedWindow !== state.window)
      return `${at}: Key Vault not on the current window's password`;
    keyVault = active;
  }
  return undefined;
}

describe("rotation model invariants (property-based)", () => {
  it("hold over 1,000 random schedules, each deployed for 5 years at a cadence shorter than the grace", () => {
    let schedules = 0;
    fc.assert(
      fc.property(schedule, ({ settings, startMs, cadenceMs }) => {
        schedules++;
        const violation = firstViolation(settings, startMs, cadenceMs);
        assert.strictEqual(
          violation,
          undefined,
          `${JSON.stringify({ ...settings, periodDuration: undefined, graceDuration: undefined })}: ${violation}`,
        );
      }),
      { numRuns: 1000, seed: 20261121 },
    );
    assert.strictEqual(schedules >= 1000, true);
  });

  it("are broken when deployments are further apart than one period plus the grace (the checks can fail)", () => {
    fc.assert(
      fc.property(schedule, ({ settings, startMs }) => {
        const longestPeriodMs =
          addDuration(settings.anchorMs, settings.periodDuration) - settings.anchorMs + 4 * DAY;
        const cadenceMs = addDuration(longestPeriodMs, settings.graceDuration);
        assert.notStrictEqual(firstViolation(settings, startMs, cadenceMs), undefined);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it("windowIndex is the largest k with anchor + k·period ≤ t", () => {
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: 0, max: 3_000 * DAY }), ({ settings }, offset) => {
        const t = settings.anchorMs + offset;
        const k = windowIndex(settings, t);
        assert.ok(addDuration(settings.anchorMs, settings.periodDuration, k) <= t);
        assert.ok(addDuration(settings.anchorMs, settings.periodDuration, k + 1) > t);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
