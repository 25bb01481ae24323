/**
 * The calendar against values from the stack and the program (the stack name, violation
 * messages quoting resource names and values) drawn neutralised in the text report, the SVG and
 * the HTML page; certificate apps labelled by their kind, not as passwords.
 */
import { strict as assert } from "assert";
import { Duration } from "luxon";
import { calendarSpec, htmlPage, renderSvg } from "../../tools/calendar/chart";
import { simulate, Violation } from "../../tools/calendar/simulate";
import {
  credentialKinds,
  describeViolation,
  formatReport,
  summarize,
} from "../../tools/calendar/summary";
import { consumer, ms, ROOT, stackApps, withConsumers } from "./helpers";

const HOSTILE = "evil\u001b[2J\u001b]0;pwned\u0007\u202egnp.exe\nforged";
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const FROM = ms("2026-11-21T00:00:00Z");

function simulation() {
  const apps = stackApps(ROOT, "dev", FROM);
  return {
    apps,
    sim: simulate(apps, { fromMs: FROM, years: 1, every: Duration.fromISO("P1D") }),
  };
}

/** An invariant-5 violation found by running the program, quoting a hostile resource name. */
function programViolation(app: string): Violation {
  return {
    app,
    instantMs: FROM + 1000,
    instant: "2026-11-21T00:00:01Z",
    invariant: 5,
    message: `the program replaces credential ${HOSTILE} (azuread:index/applicationPassword:ApplicationPassword) at every deployment`,
  };
}

describe("calendar: hostile values", () => {
  it("the text report and the violation lines show control and bidi characters escaped", () => {
    const { sim } = simulation();
    const violation = programViolation(sim.apps[0].app);
    const report = formatReport(sim, `dev${HOSTILE}`, { programViolations: [violation] });
    assert.doesNotMatch(report, RAW);
    assert.match(
      report,
      /credential evil\\u\{1b\}\[2J\\u\{1b\}\]0;pwned\\u\{7\}\\u\{202e\}gnp\.exe\\u\{a\}forged/,
    );
    const line = describeViolation(violation);
    assert.doesNotMatch(line, RAW);
    assert.doesNotMatch(line, /\n/);
    assert.doesNotMatch(report, /^forged/m, "a line break in a value forges no line");
  });

  it("the SVG and the HTML page carry no raw control or bidi character", async () => {
    const { sim } = simulation();
    const app = sim.apps[0];
    const hostile = {
      ...sim,
      apps: [{ ...app, violations: [programViolation(app.app)] }, ...sim.apps.slice(1)],
    };
    const svg = await renderSvg(hostile, { stack: `dev${HOSTILE}` });
    assert.doesNotMatch(svg, RAW);
    assert.match(svg, /evil\\u\{1b\}/);
    const page = htmlPage(svg, formatReport(hostile, "dev"), `Rotation calendar of ${HOSTILE}`);
    assert.doesNotMatch(page, RAW);
  });

  it("a consumer's name and refresh are shown escaped in its row, the report and its violation", async () => {
    // The configuration refuses such names and a one-slot app's consumers; simulate() does not.
    const apps = stackApps(ROOT, "dev", FROM);
    const worker = apps.find((a) => a.rotation.slots === 1);
    assert.ok(worker);
    const hostile = { ...consumer("x", "PT2M"), name: HOSTILE, refresh: `PT2M${HOSTILE}` };
    const sim = simulate([withConsumers(worker, hostile)], {
      fromMs: FROM,
      years: 1,
      every: Duration.fromISO("P1D"),
    });
    const [violation] = sim.apps[0].consumers[0].violations;
    assert.equal(violation?.invariant, 7);
    const line = describeViolation(violation);
    assert.doesNotMatch(line, RAW);
    assert.match(line, /consumer evil\\u\{1b\}/);
    const report = formatReport(sim, "dev");
    assert.doesNotMatch(report, RAW);
    assert.match(report, /│ evil\\u\{1b\}/);
    const svg = await renderSvg(sim, {});
    assert.doesNotMatch(svg, RAW);
    assert.match(svg, /evil\\u\{1b\}\[2J/);
  });
});

describe("calendar: credentials labelled by kind", () => {
  it("a certificate app's credentials are certificates, in the table and the chart", () => {
    const { apps, sim } = simulation();
    const kinds = credentialKinds(apps);
    assert.equal(kinds["batch-signer"], "certificate");
    assert.equal(kinds["orders-api"], "password");
    const byApp = new Map(summarize(sim, kinds).map((s) => [s.app, s]));
    assert.equal(byApp.get("batch-signer")?.kind, "certificate");
    const report = formatReport(sim, "dev", { credentialKinds: kinds });
    // The kind column is as wide as token-signer's keyVaultCertificate: certificate is padded.
    assert.equal(kinds["token-signer"], "keyVaultCertificate");
    assert.match(report, /│ batch-signer +│ certificate +│/);
    assert.match(report, /│ token-signer +│ keyVaultCertificate │/);
    assert.match(report, /│ orders-api +│ password +│/);
    assert.doesNotMatch(report, /│ passwords │/, "the count column is not headed passwords");
    const titles = JSON.stringify(calendarSpec(sim, { credentialKinds: kinds }));
    assert.match(titles, /batch-signer — [^"]*: \d+ rotations, \d+ certificates/);
    assert.match(titles, /orders-api — [^"]*: \d+ rotations, \d+ passwords/);
    // Without the kinds (an older caller), nothing is called a password that may not be one.
    assert.match(
      JSON.stringify(calendarSpec(sim)),
      /batch-signer — [^"]*: \d+ rotations, \d+ credentials/,
    );
  });
});
