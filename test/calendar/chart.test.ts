import { strict as assert } from "assert";
import { Duration } from "luxon";
import {
  CONSUMER_LABEL_PREFIX,
  CREDENTIAL_LABEL_PREFIX,
  htmlPage,
  renderSvg,
} from "../../tools/calendar/chart";
import { simulate } from "../../tools/calendar/simulate";
import { consumer, FIXTURE, ms, ROOT, stackApps, withConsumers } from "./helpers";

/** The credential ids of the password bars, from their ARIA labels. */
function barIds(svg: string): string[] {
  const pattern = new RegExp(`aria-label="${CREDENTIAL_LABEL_PREFIX}(\\S+)`, "g");
  return [...svg.matchAll(pattern)].map((m) => m[1]);
}

describe("calendar chart", () => {
  it("draws one bar per credential generated (dev stack, 5 years, daily)", async () => {
    const fromMs = ms("2026-11-21T00:00:00Z");
    const sim = simulate(stackApps(ROOT, "dev", fromMs), {
      fromMs,
      years: 5,
      every: Duration.fromISO("P1D"),
    });
    const svg = await renderSvg(sim, { todayMs: fromMs, stack: "dev" });
    assert.match(svg, /^<svg/);
    const generated = sim.apps.flatMap((a) => a.credentials.map((c) => c.id));
    assert.ok(generated.length > 40);
    const ids = barIds(svg);
    assert.equal(ids.length, generated.length);
    assert.deepEqual([...ids].sort(), [...generated].sort());
    assert.doesNotMatch(svg, /#d62728/, "no violation drawn when every invariant holds");
    assert.match(svg, /today 2026-11-21/);
  });

  it("draws a row per consumer with the credential it holds over time", async () => {
    const fromMs = ms("2025-01-01T00:00:00Z");
    const sim = simulate(stackApps(FIXTURE, "consumers", fromMs), {
      fromMs,
      years: 2,
      every: Duration.fromISO("P1D"),
    });
    const svg = await renderSvg(sim, { stack: "consumers" });
    // The row's label on the y axis, and one bar per credential each consumer held.
    assert.match(svg, />batch \(custom, P150D\)</);
    assert.match(svg, />web \(appService, PT24H\)</);
    const held = [
      ...svg.matchAll(new RegExp(`aria-label="${CONSUMER_LABEL_PREFIX}([^"]+)"`, "g")),
    ].map((m) => m[1]);
    const expected = sim.apps.flatMap((a) =>
      a.consumers.flatMap((c) => c.holds.map((h) => `${a.app}/${c.name} holds ${h.credentialId}`)),
    );
    assert.ok(expected.length > 20);
    assert.deepEqual(
      held.map((l) => l.replace(/ from .*/, "")),
      expected,
    );
    assert.match(
      held[0],
      /^api\/web holds api\/slot0\/gen0 from 2025-01-01T00:00:00Z until 2025-07-01T00:00:00Z$/,
    );
    // Labelled with the credential where the bar is wide enough.
    assert.match(svg, />slot 1 gen 0</);
    assert.doesNotMatch(svg, /#d62728/);
  });

  it("draws in red a consumer holding a deleted credential (invariant 7)", async () => {
    const fromMs = ms("2025-01-01T00:00:00Z");
    const api = stackApps(FIXTURE, "grace", fromMs).filter((a) => a.name === "api");
    const sim = simulate([withConsumers(api[0], consumer("slow", "P200D"))], {
      fromMs,
      years: 2,
      every: Duration.fromISO("P1D"),
    });
    const svg = await renderSvg(sim, {});
    assert.match(svg, />slow \(custom, P200D\)</);
    assert.match(svg, /invariant 7 at 2025-12-27T00:00:00Z/);
    assert.match(
      svg,
      /aria-label="slow holds api\/slot0\/gen0, deleted or expired \(invariant 7\)"[^>]*fill="#d62728"|fill="#d62728"[^>]*aria-label="slow holds api\/slot0\/gen0, deleted or expired/,
    );
  });

  it("draws violations in red and bars for every password when a cadence is too long", async () => {
    const fromMs = ms("2025-01-01T00:00:00Z");
    const sim = simulate(stackApps(FIXTURE, "grace", fromMs), {
      fromMs,
      years: 1,
      every: Duration.fromISO("P55D"),
    });
    const svg = await renderSvg(sim, {});
    const generated = sim.apps.flatMap((a) => a.credentials.map((c) => c.id));
    assert.deepEqual(barIds(svg).sort(), generated.sort());
    assert.match(svg, /#d62728/);
    assert.match(svg, /invariant 3 at 2025-07-30T00:00:00Z/);
    assert.match(svg, /invariant 4 at 2025-08-09T00:00:00Z/);
    // Few deployments: each one is drawn.
    assert.equal(
      [...svg.matchAll(/aria-label="deployment /g)].length,
      sim.deploymentsMs.length * sim.apps.length,
    );
    const page = htmlPage(svg, "report <text>", "t");
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /report &lt;text&gt;/);
    assert.doesNotMatch(page, /<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
