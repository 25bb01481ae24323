/**
 * The rotation calendar as iCalendar (tools/calendar/ics.ts, `npm run calendar -- --ics FILE`),
 * parsed back with the iCalendar library that wrote it (ical.js): the events of the simulation,
 * UTC times, UIDs stable across runs, and the file written as `--out` is (never through a link).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type ICAL from "ical.js";
import { Duration } from "luxon";
import { events, text, utcMs } from "../support/ical";
import { main } from "../../tools/calendar/cli";
import { rotationCalendar } from "../../tools/calendar/ics";
import { simulate, Simulation } from "../../tools/calendar/simulate";
import { credentialKinds } from "../../tools/calendar/summary";
import { FIXTURE, ms, stackApps } from "./helpers";

/** The grace fixture (api: 2 slots P180D; worker: 1 slot P90D) from `from` for `years`. */
function graceSimulation(from: string, years = 2): Simulation {
  const fromMs = ms(from);
  return simulate(stackApps(FIXTURE, "grace", fromMs), {
    fromMs,
    years,
    every: Duration.fromISO("P1D"),
  });
}

const KINDS = credentialKinds([
  { name: "api", credential: "password" },
  { name: "worker", credential: "password" },
]);

describe("calendar: iCalendar (--ics)", () => {
  const simulation = graceSimulation("2025-01-01T00:00:00Z");
  const ics = rotationCalendar(simulation, { stack: "grace", credentialKinds: KINDS });
  const found = events(ics);

  it("one event per rotation of a slot and per end date within the simulated years, in UTC", () => {
    const rotations = simulation.apps.flatMap((a) =>
      a.rotations.flatMap((r) => r.created.map((id) => ({ id, atMs: r.atMs }))),
    );
    const ends = simulation.apps.flatMap((a) =>
      a.credentials.filter(
        (c) => c.endDateMs >= simulation.fromMs && c.endDateMs < simulation.untilMs,
      ),
    );
    assert.ok(rotations.length > 0 && ends.length > 0);
    assert.equal(found.length, rotations.length + ends.length);
    const starts = found.map((e) => utcMs(e, "dtstart"));
    assert.deepEqual(
      starts,
      starts.slice().sort((a, b) => a - b),
      "in time order",
    );
    for (const start of starts) {
      assert.ok(start >= simulation.fromMs && start < simulation.untilMs);
    }
    for (const r of rotations) assert.ok(starts.includes(r.atMs), `rotation ${r.id}`);
    for (const c of ends) assert.ok(starts.includes(c.endDateMs), `end of ${c.id}`);
    assert.match(ics, /^DTSTART:\d{8}T\d{6}Z\r$/m, "written as UTC DATE-TIMEs");
    assert.ok(
      ics.split("\n").every((line) => line === "" || line.endsWith("\r")),
      "CRLF",
    );
  });

  it("summaries name the app, the slot and what happens", () => {
    const summaries = found.map((e) => text(e, "summary"));
    assert.ok(
      summaries.some((s) => /^api slot 1: password rotates \(generation \d+\)$/.test(s)),
      summaries.join("\n"),
    );
    assert.ok(summaries.some((s) => /^worker slot 0: password generation \d+ ends$/.test(s)));
    const [first] = simulation.apps[0].rotations;
    const firstEvent = found.find(
      (e) => utcMs(e, "dtstart") === first.atMs && text(e, "summary").startsWith("api "),
    );
    assert.ok(firstEvent, "the first rotation of api is an event at its deployment");
    assert.match(text(firstEvent, "description"), /Nothing to do/);
  });

  it("UIDs are unique and the same for the same event across runs, another --from included", () => {
    const uids = found.map((e) => text(e, "uid"));
    assert.equal(new Set(uids).size, uids.length);
    for (const uid of uids) assert.match(uid, /^[0-9a-f]{32}@app-credentials\.invalid$/);
    const again = events(rotationCalendar(simulation, { stack: "grace", credentialKinds: KINDS }));
    assert.deepEqual(
      again.map((e) => text(e, "uid")),
      uids,
    );
    // A run 100 days later: the events both runs hold (same instant and summary) keep their UID.
    const later = graceSimulation("2025-04-11T00:00:00Z");
    const laterEvents = events(rotationCalendar(later, { stack: "grace", credentialKinds: KINDS }));
    const key = (e: ICAL.Component) => `${utcMs(e, "dtstart")} ${text(e, "summary")}`;
    const before = new Map(found.map((e) => [key(e), text(e, "uid")]));
    let shared = 0;
    for (const event of laterEvents) {
      const uid = before.get(key(event));
      if (uid === undefined) continue;
      shared++;
      assert.equal(text(event, "uid"), uid, key(event));
    }
    assert.ok(shared > 3, `${shared} events in both runs`);
    // Another stack: other UIDs.
    const other = events(rotationCalendar(simulation, { stack: "prod", credentialKinds: KINDS }));
    assert.ok(other.every((e) => !uids.includes(text(e, "uid"))));
  });

  it("neutralises app names", () => {
    const hostile: Simulation = {
      ...simulation,
      apps: simulation.apps.map((a) => ({
        ...a,
        app: `${a.app}\u202e`,
        credentials: a.credentials.map((c) => ({ ...c, app: `${c.app}\u202e` })),
      })),
    };
    const out = rotationCalendar(hostile, { stack: "grace\u0007" });
    assert.ok(!out.includes("\u202e") && !out.includes("\u0007"));
    assert.match(out, /api\\\\u\{202e\} slot/);
  });
});

describe("calendar CLI: --ics FILE", function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "calendar-ics-"))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function run(args: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(
      [
        "--dir",
        FIXTURE,
        "--stack",
        "grace",
        "--from",
        "2025-01-01T00:00:00Z",
        "--years",
        "1",
        "--no-churn-check",
        ...args,
      ],
      ms("2025-01-01T00:00:00Z"),
      {},
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
      },
    );
    return { code, stdout, stderr };
  }

  it("writes the stack's calendar, creating missing folders; a second run gives the same UIDs", async () => {
    const file = path.join(tmp, "new", "grace.ics");
    const first = await run(["--ics", file]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /iCalendar written to .*grace\.ics/);
    const once = events(fs.readFileSync(file, "utf8"));
    assert.ok(once.length > 0);
    assert.ok(once.every((e) => utcMs(e, "dtstamp") === ms("2025-01-01T00:00:00Z")));
    const second = await run(["--ics", file]);
    assert.equal(second.code, 0, second.stderr);
    const twice = events(fs.readFileSync(file, "utf8"));
    assert.deepEqual(
      twice.map((e) => text(e, "uid")),
      once.map((e) => text(e, "uid")),
    );
  });

  it("refuses a symbolic link and another extension, before simulating", async () => {
    const target = path.join(tmp, "target.ics");
    fs.writeFileSync(target, "keep");
    const link = path.join(tmp, "link.ics");
    fs.symlinkSync(target, link);
    const linked = await run(["--ics", link]);
    assert.equal(linked.code, 2);
    assert.match(linked.stderr, /^calendar: --ics .*link\.ics: is a symbolic link/);
    assert.equal(linked.stdout, "");
    assert.equal(fs.readFileSync(target, "utf8"), "keep");

    const wrong = await run(["--ics", path.join(tmp, "c.txt")]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--ics: expected a file ending in \.ics/);
  });
});
