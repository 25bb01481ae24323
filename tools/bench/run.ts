/**
 * `npm run bench [-- --quick]`: program scale, policy cost and cold start benchmarks. Prints a
 * table and writes BENCHMARKS.md. Every program run and every pack runs in its own process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";
import * as prettier from "prettier";
import { parse as parseYaml } from "yaml";
import type { Registration } from "../simulator/simulatedAzure";
import { BENCH_NOW_MS, writeStackProject } from "./generate";
import {
  buildResources,
  createEmptyPack,
  OUR_PACK,
  ROOT,
  startConfigured,
  timeAnalysis,
  timeColdStart,
  tmpEnv,
} from "./policyBench";

const QUICK = process.argv.includes("--quick");
const RUNS = QUICK ? 1 : 3;
/** A program run that exceeds this is stopped and reported as over the limit (preview: twice). */
const PROGRAM_TIMEOUT_MS = 120_000;
const BENCH_NOW = new Date(BENCH_NOW_MS).toISOString();
const POLICY_RESOURCES = 10_000;
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

interface Row {
  section: string;
  measure: string;
  value: string;
  target: string;
  met: "yes" | "NO" | "—";
}
const rows: Row[] = [];
/** This run's figures that tools/bench/baseline.json has a "before" for, by key. */
const after: Record<string, string> = {};
const notes: string[] = [];
const add = (section: string, measure: string, value: string, target = "", met?: boolean) =>
  rows.push({ section, measure, value, target, met: met === undefined ? "—" : met ? "yes" : "NO" });

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmtMs = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const log = (text: string) => process.stderr.write(`${text}\n`);

/** Runs a command to completion; wall time from spawn to exit; kills it after `timeoutMs`. */
function runChild(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ ms: number; stdout: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    child.once("exit", (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      if (code !== 0 && !timedOut) reject(new Error(`${args.join(" ")} exited ${code}\n${stderr}`));
      else resolve({ ms, stdout, timedOut });
    });
  });
}

interface ProgramResult {
  apps: number;
  loadMs: number;
  runMs: number;
  registrations: number;
  maxRssBytes: number;
}

const SIZES = [10, 100, 1000];
const TARGET_1000_MS = 60_000;
const TARGET_RSS_BYTES = 2 ** 31;

/**
 * The stack program alone: `createStack` under the simulated Azure in a child process, timed from
 * the first declaration to the last registration (module load apart). The per-app linearity
 * target is judged here, where no fixed start-up cost hides the per-app cost.
 */
async function programScale(dumpFile: string): Promise<void> {
  log("program scale (createStack under the simulator) …");
  const perApp: Record<number, number> = {};
  for (const apps of SIZES) {
    const results: ProgramResult[] = [];
    let timedOut = false;
    for (let i = 0; i < RUNS; i++) {
      const dump = apps === 10 && i === 0 ? [dumpFile] : [];
      const child = path.join(__dirname, "programChild.ts");
      const r = await runChild([...TS_NODE, child, String(apps), ...dump], {
        timeoutMs: PROGRAM_TIMEOUT_MS,
      });
      if (r.timedOut) {
        timedOut = true;
        break;
      }
      results.push(JSON.parse(r.stdout.trim()) as ProgramResult);
      log(`  ${apps} apps run ${i + 1}/${RUNS}: ${fmtMs(results[results.length - 1].runMs)}`);
    }
    const label = `${apps} apps`;
    if (timedOut) {
      add("Program", `${label}: run`, `> ${fmtMs(PROGRAM_TIMEOUT_MS)} (stopped)`, "", false);
      notes.push(`A ${apps}-app program run was stopped after ${fmtMs(PROGRAM_TIMEOUT_MS)}.`);
      continue;
    }
    const runMs = median(results.map((r) => r.runMs));
    const loadMs = median(results.map((r) => r.loadMs));
    const rss = Math.max(...results.map((r) => r.maxRssBytes));
    perApp[apps] = runMs / apps;
    const n = `median of ${results.length}`;
    add(
      "Program",
      `${label} (${results[0].registrations} resources): module load (${n})`,
      fmtMs(loadMs),
    );
    add("Program", `${label}: run (${n})`, fmtMs(runMs));
    add("Program", `${label}: peak RSS (max of ${results.length})`, fmtMiB(rss));
    after[`program-${apps}-run`] = fmtMs(runMs);
    after[`program-${apps}-rss`] = fmtMiB(rss);
    if (apps === 1000 && perApp[100]) {
      const ratio = perApp[1000] / perApp[100];
      after["program-1000-per-app"] = `${fmtMs(perApp[1000])} (${ratio.toFixed(2)}× of 100)`;
      add(
        "Program",
        `${label}: time per app`,
        `${fmtMs(perApp[1000])} (${ratio.toFixed(2)}× of 100)`,
        "≤ 1.25× per app at 100",
        ratio <= 1.25,
      );
    } else {
      add("Program", `${label}: time per app`, fmtMs(perApp[apps]));
    }
  }
}

interface Usage {
  pid: number;
  main: string;
  maxRssBytes: number;
}

/**
 * The offline preview end to end, as a user runs it (`npm start -- --dir <generated project>
 * --stack bench-N --now <bench instant> --json`): program, policy pack start, `Analyze` of every
 * resource, `AnalyzeStack`, report. Wall time from spawn to exit; peak memory of the preview
 * process and of the pack process it starts (reported by the usage-reporter preload), summed since
 * both are alive at once.
 */
async function previewScale(work: string): Promise<void> {
  log("offline preview (npm start) …");
  const cli = path.join(ROOT, "tools", "preview", "cli.ts");
  const reporter = path.join(__dirname, "usage-reporter.js");
  const wall: Record<number, number> = {};
  for (const apps of SIZES) {
    const dir = fs.mkdtempSync(path.join(work, `preview-${apps}-`));
    const stack = writeStackProject(dir, apps, path.join(ROOT, "index.ts"));
    const times: number[] = [];
    let peak = 0;
    let resources = 0;
    for (let i = 0; i < RUNS; i++) {
      const usageFile = path.join(dir, `usage-${i}.jsonl`);
      const args = [...TS_NODE, cli, "--dir", dir, "--stack", stack, "--now", BENCH_NOW, "--json"];
      const r = await runChild(args, {
        timeoutMs: PROGRAM_TIMEOUT_MS * 2,
        env: {
          BENCH_USAGE_FILE: usageFile,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${reporter}`.trim(),
        },
      });
      if (r.timedOut)
        throw new Error(`the ${apps}-app preview ran past ${fmtMs(PROGRAM_TIMEOUT_MS * 2)}`);
      const report = JSON.parse(r.stdout) as { resources: unknown[] };
      resources = report.resources.length;
      const usage = fs
        .readFileSync(usageFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Usage);
      const total = usage.reduce((sum, u) => sum + u.maxRssBytes, 0);
      peak = Math.max(peak, total);
      times.push(r.ms);
      log(
        `  ${apps} apps run ${i + 1}/${RUNS}: ${fmtMs(r.ms)}, ${fmtMiB(total)} (${usage.length} processes)`,
      );
    }
    const ms = median(times);
    wall[apps] = ms;
    const label = `${apps} apps`;
    const n = `median of ${RUNS}`;
    const is1000 = apps === 1000;
    add(
      "Preview",
      `${label} (${resources} resources): wall time (${n})`,
      fmtMs(ms),
      is1000 ? "< 60 s" : "",
      is1000 ? ms < TARGET_1000_MS : undefined,
    );
    add(
      "Preview",
      `${label}: peak RSS, preview + pack (max of ${RUNS})`,
      fmtMiB(peak),
      is1000 ? "< 2 GiB" : "",
      is1000 ? peak < TARGET_RSS_BYTES : undefined,
    );
    add("Preview", `${label}: time per app (wall / apps)`, fmtMs(ms / apps));
    after[`preview-${apps}-wall`] = fmtMs(ms);
    after[`preview-${apps}-rss`] = fmtMiB(peak);
  }
  const marginal = (wall[1000] - wall[100]) / 900;
  add(
    "Preview",
    "marginal time per app, 100 → 1000 apps",
    `${fmtMs(marginal)} (${(marginal / (wall[100] / 100)).toFixed(2)}× of per app at 100)`,
  );
}

async function policyCost(dumpFile: string, emptyPack: string): Promise<void> {
  log("policy cost …");
  const registrations = JSON.parse(fs.readFileSync(dumpFile, "utf8")) as Registration[];
  const resources = buildResources(registrations, POLICY_RESOURCES);
  const times: Record<string, { analyze: number[]; stack: number[] }> = {
    ours: { analyze: [], stack: [] },
    empty: { analyze: [], stack: [] },
  };
  const ratios: number[] = [];
  const packs = {
    ours: await startConfigured(OUR_PACK),
    empty: await startConfigured(emptyPack, tmpEnv()),
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      const run: Record<string, number> = {};
      for (const which of ["ours", "empty"] as const) {
        const r = await timeAnalysis(packs[which], resources);
        times[which].analyze.push(r.analyzeMs);
        times[which].stack.push(r.analyzeStackMs);
        run[which] = r.analyzeMs + r.analyzeStackMs;
        log(
          `  ${which} run ${i + 1}/${RUNS}: Analyze ${fmtMs(r.analyzeMs)}, AnalyzeStack ${fmtMs(r.analyzeStackMs)}, ${r.diagnostics} diagnostics`,
        );
      }
      ratios.push(run.ours / run.empty);
    }
  } finally {
    await packs.ours.stop();
    await packs.empty.stop();
  }
  const n = `median of ${RUNS}`;
  for (const which of ["ours", "empty"] as const) {
    const name = which === "ours" ? "our pack" : "empty pack";
    add(
      "Policy",
      `${name}: Analyze ×${POLICY_RESOURCES} (${n})`,
      fmtMs(median(times[which].analyze)),
    );
    add(
      "Policy",
      `${name}: AnalyzeStack of ${POLICY_RESOURCES} (${n})`,
      fmtMs(median(times[which].stack)),
    );
  }
  const ratio = median(ratios);
  after["policy-ratio"] = `${ratio.toFixed(2)}×`;
  add(
    "Policy",
    "ours / empty, Analyze + AnalyzeStack (median of per-run ratios)",
    `${ratio.toFixed(2)}×`,
    "≤ 1.15×",
    ratio <= 1.15,
  );
}

async function coldStart(emptyPack: string): Promise<void> {
  log("cold start …");
  const ours: number[] = [];
  const empty: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await timeColdStart(OUR_PACK);
    const b = await timeColdStart(emptyPack, tmpEnv());
    ours.push(a);
    empty.push(b);
    ratios.push(a / b);
    log(`  run ${i + 1}/${RUNS}: ours ${fmtMs(a)}, empty ${fmtMs(b)}`);
  }
  const n = `median of ${RUNS}`;
  add("Cold start", `our pack: spawn → port printed (${n})`, fmtMs(median(ours)));
  add("Cold start", `empty pack: spawn → port printed (${n})`, fmtMs(median(empty)));
  const ratio = median(ratios);
  add("Cold start", "ours / empty pack", `${ratio.toFixed(2)}×`, "≤ 1.2×", ratio <= 1.2);
  after["pack-cold-start"] = fmtMs(median(ours));
  after["pack-cold-ratio"] = `${ratio.toFixed(2)}×`;

  // Program compile + load as `pulumi up` runs this project (tools/bench/pulumi-like-load.js with
  // the tsconfig of Pulumi.yaml's `tsconfig` runtime option), of an index-like entry (imports
  // components/stack) vs an entry importing only @pulumi/azuread, compiled the same way; spawn →
  // exit. Also with tsconfig.json (type-checked), as the CLI would without the option.
  const dir = fs.mkdtempSync(path.join(ROOT, ".bench", "programs-"));
  const indexLike = path.join(dir, "index-like.ts");
  const azureadOnly = path.join(dir, "azuread-only.ts");
  fs.writeFileSync(
    indexLike,
    `import { createStack, loadStackConfig } from ${JSON.stringify(path.join(ROOT, "components", "stack"))};\nexport const used = [createStack, loadStackConfig];\n`,
  );
  fs.writeFileSync(
    azureadOnly,
    `import * as azuread from "@pulumi/azuread";\nexport const used = azuread;\n`,
  );
  const loader = path.join(__dirname, "pulumi-like-load.js");
  const modes = [
    { label: `as pulumi up runs it (${PULUMI_TSCONFIG}, noCheck)`, tsconfig: PULUMI_TSCONFIG },
    { label: "type-checked (tsconfig.json)", tsconfig: "tsconfig.json" },
  ];
  try {
    for (const mode of modes) {
      const loads: Record<string, number[]> = { index: [], azuread: [] };
      const loadRatios: number[] = [];
      const env = { PULUMI_NODEJS_TSCONFIG_PATH: mode.tsconfig };
      for (let i = 0; i < RUNS; i++) {
        const a = (await runChild([loader, indexLike], { env })).ms;
        const b = (await runChild([loader, azureadOnly], { env })).ms;
        loads.index.push(a);
        loads.azuread.push(b);
        loadRatios.push(a / b);
        log(
          `  program load ${mode.tsconfig} run ${i + 1}/${RUNS}: index-like ${fmtMs(a)}, azuread-only ${fmtMs(b)}`,
        );
      }
      const main = mode.tsconfig === PULUMI_TSCONFIG;
      add(
        "Cold start",
        `index-like program, ${mode.label}: compile + load (${n})`,
        fmtMs(median(loads.index)),
      );
      add(
        "Cold start",
        `@pulumi/azuread-only program, ${mode.label}: compile + load (${n})`,
        fmtMs(median(loads.azuread)),
      );
      const lr = median(loadRatios);
      add(
        "Cold start",
        `index-like / azuread-only, ${mode.label}`,
        `${lr.toFixed(2)}×`,
        main ? "(informational: the 1.2× target is the pack's)" : "",
      );
      if (main) {
        after["program-load"] = fmtMs(median(loads.index));
        after["program-load-ratio"] = `${lr.toFixed(2)}×`;
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The tsconfig `pulumi up` compiles the program with: Pulumi.yaml's `tsconfig` runtime option. */
const PULUMI_TSCONFIG = (() => {
  const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime?: { options?: { tsconfig?: string } };
  };
  return project.runtime?.options?.tsconfig ?? "tsconfig.json";
})();

function machine(): Record<string, string> {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  return {
    "CPU model": model,
    "nproc (available cores)": String(os.availableParallelism()),
    Memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    Node: process.version,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

interface Baseline {
  commit: string;
  measuredOn: string;
  how: string;
  figures: Record<string, string>;
  fixes: string[];
}

/** Labels of the keyed figures, in the order shown. */
const BEFORE_AFTER_LABELS: Record<string, string> = {
  "program-100-run": "Program, 100 apps: run",
  "program-100-rss": "Program, 100 apps: peak RSS",
  "program-1000-run": "Program, 1000 apps: run",
  "program-1000-rss": "Program, 1000 apps: peak RSS",
  "program-1000-per-app": "Program, 1000 apps: time per app",
  "preview-1000-wall": "Offline preview, 1000 apps: wall time",
  "preview-1000-rss": "Offline preview, 1000 apps: peak RSS (preview + pack)",
  "program-load": "Program compile + load, as pulumi up runs it",
  "program-load-ratio": "Program compile + load: index-like / azuread-only",
  "pack-cold-start": "Policy pack: spawn → port printed",
  "pack-cold-ratio": "Policy pack cold start: ours / empty pack",
  "policy-ratio": "Policy cost: ours / empty pack",
};

/** The "Before and after" section: tools/bench/baseline.json beside this run's figures. */
function beforeAfter(): string[] {
  const baseline = JSON.parse(
    fs.readFileSync(path.join(__dirname, "baseline.json"), "utf8"),
  ) as Baseline;
  return [
    "## Before and after",
    "",
    `Before: commit ${baseline.commit}, measured ${baseline.measuredOn}, ${baseline.how} (tools/bench/baseline.json). After: this run.`,
    "",
    "| Measure | Before | After |",
    "| --- | --- | --- |",
    ...Object.entries(BEFORE_AFTER_LABELS).map(
      ([key, label]) => `| ${label} | ${baseline.figures[key] ?? "—"} | ${after[key] ?? "—"} |`,
    ),
    "",
    "Causes found by profiling, and their fixes:",
    "",
    ...baseline.fixes.map((fix) => `- ${fix}`),
    "",
  ];
}

function markdown(started: Date, elapsedMs: number): string {
  const m = machine();
  const lines = [
    "# Benchmarks",
    "",
    "Generated by `npm run bench" +
      (QUICK ? " -- --quick" : "") +
      `\` on ${started.toISOString()} (total ${fmtMs(elapsedMs)}). Do not edit by hand: re-run the command.`,
    "",
    "## Machine",
    "",
    ...Object.entries(m).map(([k, v]) => `- ${k}: ${v}`),
    "",
    "## Method",
    "",
    "- **Program scale**: `createStack(parseStackConfig(generated, now), now)` under `simulateAzure` (Pulumi mock runtime), for generated configs of 10, 100 and 1,000 apps cycling through the app kinds of `Pulumi.dev.yaml` (new app with owners, new app with per-app rotation, existing service principal, existing application). Each run is its own child process (`node -r ts-node/register/transpile-only tools/bench/programChild.ts N`); the run is timed from the first `createStack` call to the last registration, module load apart; peak memory is the child's `process.resourceUsage().maxRSS`. Median of " +
      RUNS +
      " runs. The per-app linearity target is judged here, where no fixed start-up cost hides the per-app cost.",
    "- **Offline preview**: what a user runs, `npm start -- --dir <project> --stack bench-N --now " +
      BENCH_NOW +
      " --json`, on a generated project (`Pulumi.yaml` with this repository's `index.ts` as `main`, the same generated config in `Pulumi.bench-N.yaml`): program, policy pack start, `Analyze` of every resource, `AnalyzeStack`, report. Wall time from spawn to exit; peak memory is the sum of the preview's and the pack's peak RSS (both alive at once), reported by the `tools/bench/usage-reporter.js` preload. Median of " +
      RUNS +
      " runs.",
    `- **Policy cost**: the registrations of the 10-app run, repeated with renamed URNs to ${POLICY_RESOURCES.toLocaleString("en")} resources, sent through \`Remediate\`+\`Analyze\` one by one (as the engine does) and one \`AnalyzeStack\`, to our pack (\`policy/\`) and to an empty pack (\`new PolicyPack("empty", {policies: []})\`, generated under \`os.tmpdir()\`), both started by \`tools/analyzer\` as the engine starts them, their clock fixed at ${BENCH_NOW} (the instant the resources were generated at). Both packs run in the same iteration; the ratio is the median of per-iteration ratios.`,
    "- **Cold start**: spawn of `node run-policy-pack <engine> .` in the pack directory until the port is printed. Program compile + load: spawn to exit of `node tools/bench/pulumi-like-load.js <entry>`, which registers ts-node as `pulumi up` does (the tsconfig of Pulumi.yaml's `tsconfig` option; type-checked unless its `noCheck` is true), on an entry importing `components/stack` vs one importing only `@pulumi/azuread`, both compiled the same way; once with `" +
      PULUMI_TSCONFIG +
      "` and once with `tsconfig.json` (type-checked).",
    "",
    "## Results",
    "",
    "| Section | Measure | Value | Target | Met |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target} | ${r.met} |`),
    "",
  ];
  lines.push(...beforeAfter());
  const missed = rows.filter((r) => r.met === "NO");
  lines.push("## Targets missed", "");
  if (missed.length === 0) lines.push("None.");
  else
    for (const r of missed)
      lines.push(`- **${r.section} — ${r.measure}**: ${r.value}, target ${r.target}.`);
  lines.push("");
  if (notes.length > 0) lines.push("## Notes", "", ...notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const dumpFile = path.join(work, "registrations.json");
  const emptyPack = createEmptyPack();
  try {
    await programScale(dumpFile);
    await previewScale(work);
    await policyCost(dumpFile, emptyPack);
    await coldStart(emptyPack);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(emptyPack, { recursive: true, force: true });
  }
  const table = new Table({ head: ["Section", "Measure", "Value", "Target", "Met"] });
  for (const r of rows) table.push([r.section, r.measure, r.value, r.target, r.met]);
  console.log(table.toString());
  // Formatted as `npm run lint` (prettier --check) expects it.
  const text = await prettier.format(markdown(started, performance.now() - t0), {
    parser: "markdown",
  });
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), text);
  console.log(`wrote BENCHMARKS.md (${fmtMs(performance.now() - t0)})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
