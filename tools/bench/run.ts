/**
 * `npm run bench [-- --quick]`: program scale, policy cost and cold start benchmarks. Prints a
 * table and writes BENCHMARKS.md. Every program run and every pack runs in its own process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";
import type { Registration } from "../simulator/simulatedAzure";
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
/** A 1,000-app run that exceeds this is stopped and reported as over the limit. */
const PROGRAM_TIMEOUT_MS = 60_000;
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

async function programScale(dumpFile: string): Promise<void> {
  log("program scale …");
  const perApp: Record<number, number> = {};
  for (const apps of [10, 100, 1000]) {
    const runs = apps === 1000 ? 1 : RUNS;
    const results: ProgramResult[] = [];
    let timedOut = false;
    for (let i = 0; i < runs; i++) {
      const dump = apps === 10 && i === 0 ? [dumpFile] : [];
      const child = path.join(__dirname, "programChild.ts");
      const timeoutMs = apps === 1000 ? PROGRAM_TIMEOUT_MS : undefined;
      const r = await runChild([...TS_NODE, child, String(apps), ...dump], { timeoutMs });
      if (r.timedOut) {
        timedOut = true;
        break;
      }
      results.push(JSON.parse(r.stdout.trim()) as ProgramResult);
      log(`  ${apps} apps run ${i + 1}/${runs}: ${fmtMs(results[results.length - 1].runMs)}`);
    }
    const label = `${apps} apps`;
    if (timedOut) {
      log(`  ${apps} apps: stopped after ${fmtMs(PROGRAM_TIMEOUT_MS)}`);
      add(
        "Program",
        `${label}: wall time (run)`,
        `> ${fmtMs(PROGRAM_TIMEOUT_MS)} (stopped)`,
        "< 60 s",
        false,
      );
      add(
        "Program",
        `${label}: time per app`,
        `> ${fmtMs(PROGRAM_TIMEOUT_MS / apps)} (run stopped: not determined)`,
        "≤ 1.25× per app at 100",
        undefined,
      );
      notes.push(
        `The ${apps}-app run was stopped after ${fmtMs(PROGRAM_TIMEOUT_MS)} so the whole benchmark stays under 5 minutes; its peak memory was not measured.`,
      );
      continue;
    }
    const runMs = median(results.map((r) => r.runMs));
    const loadMs = median(results.map((r) => r.loadMs));
    const rss = Math.max(...results.map((r) => r.maxRssBytes));
    perApp[apps] = runMs / apps;
    const n = `median of ${results.length}`;
    add(
      "Program",
      `${label} (${results[0].registrations} resources): module load`,
      fmtMs(loadMs),
      "",
    );
    if (apps === 1000) {
      add("Program", `${label}: wall time (run)`, fmtMs(runMs), "< 60 s", runMs < 60_000);
      add("Program", `${label}: peak RSS`, fmtMiB(rss), "< 2 GiB", rss < 2 ** 31);
    } else {
      add("Program", `${label}: wall time (run, ${n})`, fmtMs(runMs));
      add("Program", `${label}: peak RSS`, fmtMiB(rss));
    }
    if (apps === 1000 && perApp[100]) {
      const ratio = perApp[1000] / perApp[100];
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

  // Program compile + load: ts-node (transpile-only, as the Pulumi CLI) of an index-like entry
  // (imports components/stack) vs an entry importing only @pulumi/azuread; spawn → exit.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-programs-"));
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
  const loads: Record<string, number[]> = { index: [], azuread: [] };
  const loadRatios: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const a = (await runChild([...TS_NODE, indexLike], { env: tmpEnv() })).ms;
      const b = (await runChild([...TS_NODE, azureadOnly], { env: tmpEnv() })).ms;
      loads.index.push(a);
      loads.azuread.push(b);
      loadRatios.push(a / b);
      log(`  program load run ${i + 1}/${RUNS}: index-like ${fmtMs(a)}, azuread-only ${fmtMs(b)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  add("Cold start", `index-like program: compile + load (${n})`, fmtMs(median(loads.index)));
  add(
    "Cold start",
    `@pulumi/azuread-only program: compile + load (${n})`,
    fmtMs(median(loads.azuread)),
  );
  const lr = median(loadRatios);
  add(
    "Cold start",
    "index-like / azuread-only",
    `${lr.toFixed(2)}×`,
    "(≤ 1.2× is the pack target; informational)",
    undefined,
  );
}

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
    "- **Program scale**: `createStack(parseStackConfig(generated, now), now)` under `simulateAzure` (Pulumi mock runtime), for generated configs of 10, 100 and 1,000 apps cycling through the app kinds of `Pulumi.dev.yaml` (new app with owners, new app with per-app rotation, existing service principal, existing application). Each run is its own child process (`node -r ts-node/register/transpile-only tools/bench/programChild.ts N`); wall time is from the first `createStack` call to `settle()`, module load is measured separately; peak memory is the child's `process.resourceUsage().maxRSS`. 10 and 100 apps: median of " +
      RUNS +
      " runs; 1,000 apps: one run, stopped after " +
      fmtMs(PROGRAM_TIMEOUT_MS) +
      ".",
    `- **Policy cost**: the registrations of the 10-app run, repeated with renamed URNs to ${POLICY_RESOURCES.toLocaleString("en")} resources, sent through \`Remediate\`+\`Analyze\` one by one (as the engine does) and one \`AnalyzeStack\`, to our pack (\`policy/\`) and to an empty pack (\`new PolicyPack("empty", {policies: []})\`, generated under \`os.tmpdir()\`), both started by \`tools/analyzer\` as the engine starts them. Both packs run in the same iteration; the ratio is the median of per-iteration ratios.`,
    "- **Cold start**: spawn of `node run-policy-pack <engine> .` in the pack directory until the port is printed. Program compile + load: spawn to exit of `node -r ts-node/register/transpile-only` on an entry importing `components/stack` vs one importing only `@pulumi/azuread`.",
    "",
    "## Results",
    "",
    "| Section | Measure | Value | Target | Met |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target} | ${r.met} |`),
    "",
  ];
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
    await policyCost(dumpFile, emptyPack);
    await coldStart(emptyPack);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(emptyPack, { recursive: true, force: true });
  }
  const table = new Table({ head: ["Section", "Measure", "Value", "Target", "Met"] });
  for (const r of rows) table.push([r.section, r.measure, r.value, r.target, r.met]);
  console.log(table.toString());
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), markdown(started, performance.now() - t0));
  console.log(`wrote BENCHMARKS.md (${fmtMs(performance.now() - t0)})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
