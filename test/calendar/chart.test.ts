import { strict as assert } from "assert";
import { Duration } from "luxon";
import { CREDENTIAL_LABEL_PREFIX, htmlPage, renderSvg } from "../../tools/calendar/chart";
import { simulate } from "../../tools/calendar/simulate";
import { FIXTURE, ms, ROOT, stackApps } from "./helpers";

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
