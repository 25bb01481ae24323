/**
 * The rotation calendar as a picture: a Vega-Lite spec, compiled with vega-lite and rendered to SVG
 * server-side with vega (no browser, no network).
 *
 * One chart per app, stacked on a shared time axis. Lanes: one per slot and one for deployments.
 * - a light bar per password, from creation to end date, coloured by slot; its darker inner band
 *   marks the span when Key Vault held it; a black tick marks its deletion;
 * - grey rules: Key Vault switches; a dashed black rule: today; red rules and labels: violations;
 * - deployment ticks (every deployment when there are few, else only those that rotated something,
 *   over a faint band covering the deployment schedule);
 * - one row per consumer of the app (under its slots): a bar per credential it holds at the worst
 *   phase (it keeps the credential Key Vault left for `refresh` after each switch), coloured by the
 *   credential's slot and labelled with its slot and generation where it fits; red where the
 *   credential it holds is deleted or expired (invariant 7).
 *
 * Every password bar is a Vega item of the mark named `credential` whose ARIA label starts with
 * `credential <id>`, and every consumer bar one of the mark named `consumer` whose ARIA label starts
 * with `consumer <app>/<consumer> holds <id>`, so the picture can be checked against the simulation.
 *
 * A federated app (`credential: federated`) has no bar: one lane says "federated: nothing expires"
 * (a text item of the mark named `federated_<app index>`), and each of its consumers' lanes says it
 * holds no rotating credential.
 *
 * Bars are passwords or certificates: each app's title names its kind when the options give it
 * ({@link ChartOptions.credentialKinds}). Every text from the stack (app names, the stack name,
 * violation messages) is drawn through `neutralise`: an SVG or HTML file shows control and bidi
 * characters escaped (XML forbids most control characters outright).
 */
import type { TopLevelSpec } from "vega-lite/build/index";
import { formatInstant } from "../../policy/core";
import { neutralise as n } from "../offline";
import { AppSimulation, ConsumerSimulation, INVARIANTS, Simulation } from "./simulate";
import { loadVega, loadVegaLite } from "./esm";
import { CredentialKinds, credentialNoun, FEDERATED_RESULT, summarize } from "./summary";

/** Options of the chart. */
export interface ChartOptions {
  /** "Today" rule, ms since the epoch; omitted when undefined or outside the time axis. */
  todayMs?: number;
  /** Stack name, for the title. */
  stack?: string;
  /** Width of the time axis in pixels (default 1300). */
  width?: number;
  /** Draw every deployment when there are at most this many (default 400); else only rotations. */
  maxDeploymentTicks?: number;
  /** What each app rotates (`credentialKinds(config.apps)`); unknown kinds are "credentials". */
  credentialKinds?: CredentialKinds;
}

/** Mark name prefix of the password bars (`credential_<app index>`, one item per password). */
export const CREDENTIAL_MARK = "credential";
/** Prefix of each password bar's ARIA label: `credential <id> …`. */
export const CREDENTIAL_LABEL_PREFIX = "credential ";
/** Mark name prefix of the consumer bars (`consumer_<app index>`, one item per credential held). */
export const CONSUMER_MARK = "consumer";
/** Prefix of each consumer bar's ARIA label: `consumer <app>/<consumer> holds <id> …`. */
export const CONSUMER_LABEL_PREFIX = "consumer ";
/** Mark name prefix of a federated app's text (`federated_<app index>`): {@link FEDERATED_RESULT}. */
export const FEDERATED_MARK = "federated";
/** The lane of a federated app (it has no slot). */
const FEDERATED_LANE = "federated";

const SLOT_COLOURS = ["#4c78a8", "#f58518"];
const VIOLATION_COLOUR = "#d62728";
const DEPLOY_LANE = "deployments";

type Row = Record<string, string | number>;

/** Builds the Vega-Lite spec of the calendar. */
export function calendarSpec(simulation: Simulation, options: ChartOptions = {}): TopLevelSpec {
  const width = options.width ?? 1300;
  const maxTicks = options.maxDeploymentTicks ?? 400;
  const endMs = Math.max(
    simulation.untilMs,
    ...simulation.apps.flatMap((a) => a.credentials.map((c) => c.endDateMs)),
  );
  const domain = [simulation.fromMs, endMs];
  const summaries = new Map(summarize(simulation, options.credentialKinds).map((s) => [s.app, s]));
  const today =
    options.todayMs !== undefined &&
    options.todayMs >= simulation.fromMs &&
    options.todayMs <= endMs
      ? options.todayMs
      : undefined;
  const failed = simulation.apps.filter((a) => a.violations.length > 0).length;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Rotation calendar${options.stack ? ` of stack ${n(options.stack)}` : ""}: ${simulation.deploymentsMs.length} deployments every ${simulation.every}, ${formatInstant(simulation.fromMs)} → ${formatInstant(simulation.untilMs)}`,
      subtitle: [
        "Light bar: a credential (password or certificate) from creation to end date (colour = slot); dark band: while Key Vault holds it; black tick: deleted.",
        `Deployments lane: ${simulation.deploymentsMs.length > maxTicks ? "grey band = the scheduled deployments, ticks = those that rotated a credential" : "one tick per deployment"}. ` +
          `Grey rule: Key Vault switches; dashed rule: today; red: invariant broken (red band: Key Vault holds an expired credential).`,
        ...(simulation.apps.some((a) => (a.consumers ?? []).length > 0)
          ? [
              "Consumer rows (name, kind, refresh): the credential each consumer holds if it read Key Vault just before every switch (it keeps the old one for its refresh); red: it holds a deleted or expired credential.",
            ]
          : []),
        failed === 0 ? "All invariants hold." : `${failed} app(s) break an invariant.`,
      ],
      anchor: "start",
      fontSize: 16,
      subtitleFontSize: 12,
      subtitlePadding: 6,
      offset: 12,
    },
    background: "white",
    padding: 16,
    config: {
      view: { stroke: "#ddd" },
      axis: { labelFontSize: 11, titleFontSize: 11 },
      concat: { spacing: 26 },
    },
    resolve: { scale: { x: "shared", color: "shared" } },
    vconcat: simulation.apps.map((app, index) => {
      const summary = summaries.get(app.app);
      const first = app.violations[0];
      return appChart(app, simulation, {
        index,
        width,
        domain,
        maxTicks,
        today,
        title: app.federated
          ? `${n(app.app)} — ${FEDERATED_RESULT}: no secret, no certificate, nothing rotates` +
            (first
              ? ` — FAIL: invariant ${first.invariant} (${INVARIANTS[first.invariant]}) at ${first.instant}`
              : " — ok")
          : `${n(app.app)} — slots ${app.settings.slots}, period ${app.settings.period}, grace ${app.settings.grace}, ` +
            `anchor ${formatInstant(app.settings.anchorMs)}: ${summary?.rotations ?? 0} rotations, ${app.credentials.length} ${credentialNoun(summary?.kind, app.credentials.length === 1)}` +
            (first
              ? ` — FAIL: invariant ${first.invariant} (${INVARIANTS[first.invariant]}) at ${first.instant}`
              : " — ok"),
        failed: first !== undefined,
      });
    }),
  } as TopLevelSpec;
}

interface AppChartOptions {
  /** Position of the app: Vega-Lite names must be unique across the whole spec. */
  index: number;
  width: number;
  domain: number[];
  maxTicks: number;
  today?: number;
  title: string;
  failed: boolean;
}

/** The y-axis label of a consumer's row: `<name> (<kind>, <refresh>)`, neutralised. */
export function consumerLane(
  consumer: Pick<ConsumerSimulation, "name" | "kind" | "refresh">,
): string {
  return `${n(consumer.name)} (${n(consumer.kind)}, ${n(consumer.refresh)})`;
}

function appChart(app: AppSimulation, simulation: Simulation, o: AppChartOptions): object {
  const consumers = app.consumers ?? [];
  const lanes = [
    ...(app.federated
      ? [FEDERATED_LANE]
      : Array.from({ length: app.settings.slots }, (_, s) => `slot ${s}`)),
    ...consumers.map(consumerLane),
    DEPLOY_LANE,
  ];
  const x = (field: string) => ({
    field,
    type: "temporal",
    title: null,
    scale: { type: "utc" },
    axis: { format: "%Y-%m", labelAngle: 0, grid: true, gridColor: "#f0f0f0", tickCount: 20 },
  });
  const y = {
    field: "lane",
    type: "nominal",
    title: null,
    scale: { domain: lanes },
    // Consumer rows are labelled `<name> (<kind>, <refresh>)`: room for a 64-character name.
    axis: {
      labelFontSize: 11,
      labelFontWeight: "bold",
      ticks: false,
      domain: false,
      labelLimit: 420,
    },
  };
  const color = {
    field: "slotName",
    type: "nominal",
    title: "slot",
    scale: { domain: ["slot 0", "slot 1"], range: SLOT_COLOURS },
    legend: { orient: "top", direction: "horizontal" },
  };
  const untilMs = simulation.untilMs;

  // Successive passwords of a slot overlap (the old one outlives its replacement by the grace):
  // alternate generations are drawn on two sub-rows of the slot's lane.
  const row = (generation: number) => (generation % 2 === 0 ? "even" : "odd");
  const yOffset = {
    field: "row",
    type: "nominal",
    scale: { domain: ["even", "odd"], paddingInner: 0.15 },
  };
  const credentials: Row[] = app.credentials.map((c) => ({
    id: c.id,
    row: row(c.generation),
    lane: `slot ${c.slot}`,
    slotName: `slot ${c.slot}`,
    start: c.createdAtMs,
    end: c.endDateMs,
    label:
      `${CREDENTIAL_LABEL_PREFIX}${n(c.id)} created ${formatInstant(c.createdAtMs)} end date ${formatInstant(c.endDateMs)}` +
      (c.deletedAtMs !== undefined ? ` deleted ${formatInstant(c.deletedAtMs)}` : ""),
  }));
  const active: Row[] = app.credentials
    .filter((c) => c.activeFromMs !== undefined)
    .map((c) => ({
      lane: `slot ${c.slot}`,
      row: row(c.generation),
      slotName: `slot ${c.slot}`,
      start: c.activeFromMs as number,
      end: c.supersededAtMs ?? Math.min(untilMs, c.endDateMs),
      label: `Key Vault holds ${n(c.id)}`,
    }));
  // Key Vault holding a password past its end date (invariant 3 broken): drawn in red.
  const expired: Row[] = app.credentials
    .filter((c) => c.activeFromMs !== undefined && c.endDateMs < (c.supersededAtMs ?? untilMs))
    .map((c) => ({
      lane: `slot ${c.slot}`,
      row: row(c.generation),
      start: c.endDateMs,
      end: c.supersededAtMs ?? untilMs,
      label: `Key Vault holds ${n(c.id)} after its end date`,
    }));
  const deleted: Row[] = app.credentials
    .filter((c) => c.deletedAtMs !== undefined)
    .map((c) => ({
      lane: `slot ${c.slot}`,
      row: row(c.generation),
      at: c.deletedAtMs as number,
      label: `deleted ${n(c.id)}`,
    }));
  const switches: Row[] = app.switches
    .filter((s) => s.fromId !== undefined)
    .map((s) => ({
      at: s.atMs,
      label: `Key Vault switches ${n(s.fromId ?? "")} → ${n(s.toId)}`,
    }));
  const allTicks = simulation.deploymentsMs.length <= o.maxTicks;
  const deployTicks: Row[] = allTicks
    ? simulation.deploymentsMs.map((at) => ({
        lane: DEPLOY_LANE,
        at,
        label: `deployment ${formatInstant(at)}`,
      }))
    : app.rotations.map((r) => ({
        lane: DEPLOY_LANE,
        at: r.atMs,
        label: `deployment ${formatInstant(r.atMs)} rotates ${r.created.map(n).join(", ")}`,
      }));
  const deployBand: Row[] = allTicks
    ? []
    : [
        {
          lane: DEPLOY_LANE,
          start: simulation.deploymentsMs[0] ?? simulation.fromMs,
          end: simulation.deploymentsMs[simulation.deploymentsMs.length - 1] ?? simulation.fromMs,
          label: `${simulation.deploymentsMs.length} deployments every ${simulation.every} (ticks: the ones that rotate a credential)`,
        },
      ];
  // Consumers: what each holds over time, coloured like the credential's slot.
  const byId = new Map(app.credentials.map((c) => [c.id, c]));
  const msPerPixel = (o.domain[1] - o.domain[0]) / o.width;
  const held: Row[] = [];
  const heldLabels: Row[] = [];
  const heldBroken: Row[] = [];
  for (const consumer of consumers) {
    const lane = consumerLane(consumer);
    for (const h of consumer.holds) {
      const credential = byId.get(h.credentialId);
      const short = credential
        ? `slot ${credential.slot} gen ${credential.generation}`
        : n(h.credentialId);
      held.push({
        lane,
        slotName: `slot ${credential?.slot ?? 0}`,
        start: h.fromMs,
        end: h.untilMs,
        label:
          `${CONSUMER_LABEL_PREFIX}${n(app.app)}/${n(consumer.name)} holds ${n(h.credentialId)} ` +
          `from ${formatInstant(h.fromMs)} until ${formatInstant(h.untilMs)}` +
          (h.brokenFromMs !== undefined
            ? `, no longer working from ${formatInstant(h.brokenFromMs)}`
            : ""),
      });
      // The label only where it fits (about 5.5 pixels per character at font size 9).
      if ((h.untilMs - h.fromMs) / msPerPixel >= short.length * 5.5 + 6) {
        heldLabels.push({ lane, at: (h.fromMs + h.untilMs) / 2, text: short });
      }
      if (h.brokenFromMs !== undefined) {
        heldBroken.push({
          lane,
          start: h.brokenFromMs,
          end: h.untilMs,
          label: `${n(consumer.name)} holds ${n(h.credentialId)}, deleted or expired (invariant 7)`,
        });
      }
    }
  }

  const violations: Row[] = app.violations.map((v, i) => ({
    at: v.instantMs,
    lane: lanes[0],
    text: i === 0 ? `✗ invariant ${v.invariant} at ${v.instant}` : `✗ ${v.invariant}`,
    label: `violation of invariant ${v.invariant} at ${v.instant}: ${n(v.message)}`,
  }));

  const layers: object[] = [
    {
      data: { values: deployBand },
      mark: { type: "bar", color: "#e6e6e6", height: { band: 0.5 } },
      encoding: { x: x("start"), x2: { field: "end" }, y, description: { field: "label" } },
    },
    {
      name: `${CREDENTIAL_MARK}_${o.index}`,
      data: { values: credentials },
      mark: { type: "bar", opacity: 0.35, cornerRadius: 2 },
      encoding: {
        yOffset,
        x: {
          ...x("start"),
          scale: { type: "utc", domainMin: o.domain[0], domainMax: o.domain[1] },
        },
        x2: { field: "end" },
        y,
        color,
        description: { field: "label" },
      },
    },
    {
      data: { values: active },
      mark: { type: "bar", height: { band: 0.5 } },
      encoding: {
        x: x("start"),
        x2: { field: "end" },
        y,
        yOffset,
        color,
        description: { field: "label" },
      },
    },
    {
      data: { values: expired },
      mark: { type: "bar", color: VIOLATION_COLOUR, height: { band: 0.5 } },
      encoding: {
        x: x("start"),
        x2: { field: "end" },
        y,
        yOffset,
        description: { field: "label" },
      },
    },
    {
      data: { values: deleted },
      mark: { type: "tick", color: "black", thickness: 2 },
      encoding: { x: x("at"), y, yOffset, description: { field: "label" } },
    },
    {
      data: { values: deployTicks },
      mark: {
        type: "tick",
        color: allTicks ? "#999" : "#555",
        thickness: allTicks ? 1 : 2,
      },
      encoding: { x: x("at"), y, description: { field: "label" } },
    },
    {
      data: { values: switches },
      mark: { type: "rule", color: "#888", strokeWidth: 1 },
      encoding: { x: x("at"), description: { field: "label" } },
    },
  ];
  if (held.length > 0) {
    layers.push(
      {
        name: `${CONSUMER_MARK}_${o.index}`,
        data: { values: held },
        mark: {
          type: "bar",
          opacity: 0.6,
          height: { band: 0.6 },
          stroke: "white",
          strokeWidth: 1,
        },
        encoding: {
          x: x("start"),
          x2: { field: "end" },
          y,
          color,
          description: { field: "label" },
        },
      },
      {
        data: { values: heldBroken },
        mark: { type: "bar", color: VIOLATION_COLOUR, height: { band: 0.6 } },
        encoding: { x: x("start"), x2: { field: "end" }, y, description: { field: "label" } },
      },
      {
        data: { values: heldLabels },
        mark: { type: "text", fontSize: 9, color: "#222", baseline: "middle", align: "center" },
        encoding: { x: x("at"), y, text: { field: "text" } },
      },
    );
  }
  if (app.federated) {
    // Nothing expires: one text in the app's lane, and in each consumer's.
    const middle = (o.domain[0] + o.domain[1]) / 2;
    const texts: Row[] = [
      { lane: FEDERATED_LANE, at: middle, text: FEDERATED_RESULT },
      ...consumers.map((consumer) => ({
        lane: consumerLane(consumer),
        at: middle,
        text: "holds no rotating credential (federated)",
      })),
    ];
    layers.push({
      name: `${FEDERATED_MARK}_${o.index}`,
      data: { values: texts },
      mark: { type: "text", fontSize: 11, color: "#2a7a2a", baseline: "middle", align: "center" },
      encoding: { x: x("at"), y, text: { field: "text" }, description: { field: "text" } },
    });
  }
  if (o.today !== undefined) {
    const todayRow = [{ at: o.today, text: `today ${formatInstant(o.today).slice(0, 10)}` }];
    layers.push(
      {
        data: { values: todayRow },
        mark: { type: "rule", color: "black", strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: x("at"), description: { field: "text" } },
      },
      {
        data: { values: todayRow },
        mark: {
          type: "text",
          align: "left",
          baseline: "bottom",
          dx: 3,
          dy: -2,
          y: 0,
          fontSize: 10,
        },
        encoding: { x: x("at"), text: { field: "text" } },
      },
    );
  }
  if (violations.length > 0) {
    layers.push(
      {
        name: `violation_${o.index}`,
        data: { values: violations },
        mark: { type: "rule", color: VIOLATION_COLOUR, strokeWidth: 2.5 },
        encoding: { x: x("at"), description: { field: "label" } },
      },
      {
        data: { values: violations.slice(0, 1) },
        mark: {
          type: "text",
          color: VIOLATION_COLOUR,
          align: "left",
          baseline: "top",
          dx: 4,
          y: 2,
          fontWeight: "bold",
          fontSize: 11,
        },
        encoding: { x: x("at"), text: { field: "text" } },
      },
    );
  }
  return {
    title: {
      text: o.title,
      anchor: "start",
      fontSize: 13,
      color: o.failed ? VIOLATION_COLOUR : "black",
    },
    width: o.width,
    height: lanes.length * 36,
    layer: layers,
  };
}

/** Renders the calendar to an SVG document (server-side, no browser). */
export async function renderSvg(
  simulation: Simulation,
  options: ChartOptions = {},
): Promise<string> {
  const [vega, vegaLite] = await Promise.all([loadVega(), loadVegaLite()]);
  const compiled = vegaLite.compile(calendarSpec(simulation, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A self-contained HTML page (no script, no network) embedding the SVG and the report text.
 *
 * @param report `formatReport`'s text, whose stack values are already neutralised (escaped here
 *   for HTML only)
 * @param title neutralised here (it names the stack)
 */
export function htmlPage(svg: string, report: string, title: string): string {
  const escape = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(n(title))}</title>
<style>
  body { font-family: sans-serif; margin: 16px; background: white; color: #222; }
  pre { font-size: 12px; line-height: 1.3; white-space: pre-wrap; }
</style>
</head>
<body>
${svg}
<pre>${escape(report)}</pre>
</body>
</html>
`;
}
