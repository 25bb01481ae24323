/**
 * Program scale: the stack program alone (`createStack` under the simulator) and the offline
 * preview end to end, for generated stacks of 10, 100 and 1,000 apps.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CONFIG_NAMESPACE, RawStackConfig } from "../../components/config";
import { BENCH_NOW, fmtMiB, fmtMs, log, median, OPTIONS, RUNS, runChild, TS_NODE } from "./common";
import { generateConfig } from "./generate";
import { ROOT } from "./policyBench";
import { Report } from "./report";

/** Program sizes: 1,000 apps; 10 and 100 as well with `--small-sizes`. */
const SIZES = OPTIONS.smallSizes ? [10, 100, 1000] : [1000];
/** A program run that exceeds this is stopped and reported as over the limit (preview: twice). */
const PROGRAM_TIMEOUT_MS = 120_000;
const TARGET_1000_MS = 60_000;
/** A preview run that exceeds this is stopped (the 10,000-app preview included). */
const PREVIEW_TIMEOUT_MS = 30 * 60_000;
/** Apps per generated catalogue file. */
const APPS_PER_FILE = 1000;
const TARGET_RSS_BYTES = 2 ** 31;

/** What tools/bench/programChild.ts prints. */
interface ProgramResult {
  apps: number;
  loadMs: number;
  runMs: number;
  registrations: number;
  maxRssBytes: number;
}

/** What tools/bench/usage-reporter.js appends per process. */
interface Usage {
  pid: number;
  main: string;
  maxRssBytes: number;
}

/**
 * The stack program alone: `createStack` under the simulated Azure in a child process, timed from
 * the first declaration to the last registration (module load apart). The per-app linearity
 * target (1,000 against 100 apps, with `--small-sizes`) is judged here, where no fixed start-up
 * cost hides the per-app cost.
 */
export async function programScale(report: Report): Promise<void> {
  log("program scale (createStack under the simulator) …");
  const perApp: Record<number, number> = {};
  for (const apps of SIZES) {
    const results: ProgramResult[] = [];
    let timedOut = false;
    for (let i = 0; i < RUNS; i++) {
      const child = path.join(__dirname, "programChild.ts");
      const r = await runChild([...TS_NODE, child, String(apps)], {
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
      report.add("Program", `${label}: run`, `> ${fmtMs(PROGRAM_TIMEOUT_MS)} (stopped)`, {
        met: false,
      });
      report.notes.push(
        `A ${apps}-app program run was stopped after ${fmtMs(PROGRAM_TIMEOUT_MS)}.`,
      );
      continue;
    }
    const runMs = median(results.map((r) => r.runMs));
    const loadMs = median(results.map((r) => r.loadMs));
    const rss = Math.max(...results.map((r) => r.maxRssBytes));
    perApp[apps] = runMs / apps;
    const n = `median of ${results.length}`;
    const resources = results[0].registrations;
    report.add("Program", `${label} (${resources} resources): module load (${n})`, fmtMs(loadMs));
    report.add("Program", `${label}: run (${n})`, fmtMs(runMs), { key: `program-${apps}-run` });
    report.add("Program", `${label}: peak RSS (max of ${results.length})`, fmtMiB(rss), {
      key: `program-${apps}-rss`,
    });
    if (apps === 1000 && perApp[100]) {
      const ratio = perApp[1000] / perApp[100];
      report.add(
        "Program",
        `${label}: time per app`,
        `${fmtMs(perApp[1000])} (${ratio.toFixed(2)}× of 100)`,
        { target: "≤ 1.25× per app at 100", met: ratio <= 1.25, key: "program-1000-per-app" },
      );
    } else {
      report.add("Program", `${label}: time per app`, fmtMs(perApp[apps]));
    }
  }
}

/**
 * The registrations of a 10-app program run (the policy cost's credential-heavy mix), written to
 * `dumpFile` by tools/bench/programChild.ts.
 */
export async function dumpRegistrations(dumpFile: string): Promise<void> {
  const child = path.join(__dirname, "programChild.ts");
  await runChild([...TS_NODE, child, "10", dumpFile], { timeoutMs: PROGRAM_TIMEOUT_MS });
}

/**
 * Preview sizes, each with and without the churn check: 1,000 apps; 10 and 100 with
 * `--small-sizes`; 10,000 (once each) with `--preview-10000`.
 */
const PREVIEW_SIZES = [
  ...(OPTIONS.smallSizes ? [10, 100] : []),
  1000,
  ...(OPTIONS.preview10000 ? [10_000] : []),
];
/** Targets of the 10,000-app preview. */
const TARGET_10000_MS = 300_000;
const TARGET_10000_RSS_BYTES = 4 * 2 ** 30;

/**
 * The offline preview end to end, as a user runs it (`npm start -- --dir <generated project>
 * --stack bench-N --now <bench instant> --json`, with and without `--no-churn-check`): the program
 * (and, with the churn check, its runs a second and a day later), policy pack start, `Analyze` of
 * every resource, `AnalyzeStack`, report. The generated apps are in catalogue files
 * (`app-credentials:appFiles`, 1,000 apps a file). Wall time from spawn to exit; peak memory is
 * the sum of the peaks of every process of the run (preview, program runs, pack), reported by the
 * usage-reporter preload: an upper bound, since they overlap but need not peak together.
 *
 * @param work a scratch directory for the generated projects
 */
export async function previewScale(report: Report, work: string): Promise<void> {
  log("offline preview (npm start) …");
  const cli = path.join(ROOT, "tools", "preview", "cli.ts");
  const reporter = path.join(__dirname, "usage-reporter.js");
  const wall: Record<string, number> = {};
  for (const apps of PREVIEW_SIZES) {
    const dir = fs.mkdtempSync(path.join(work, `preview-${apps}-`));
    const stack = writeStackProject(dir, apps, path.join(ROOT, "index.ts"));
    const runs = apps >= 10_000 ? 1 : RUNS;
    for (const churn of [true, false]) {
      const times: number[] = [];
      let peak = 0;
      let resources = 0;
      for (let i = 0; i < runs; i++) {
        const usageFile = path.join(dir, `usage-${churn}-${i}.jsonl`);
        const args = [...TS_NODE, cli, "--dir", dir, "--stack", stack, "--now", BENCH_NOW];
        args.push("--json", ...(churn ? [] : ["--no-churn-check"]));
        const r = await runChild(args, {
          timeoutMs: PREVIEW_TIMEOUT_MS,
          env: {
            BENCH_USAGE_FILE: usageFile,
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${reporter}`.trim(),
          },
        });
        if (r.timedOut) {
          throw new Error(`the ${apps}-app preview ran past ${fmtMs(PREVIEW_TIMEOUT_MS)}`);
        }
        resources = (JSON.parse(r.stdout) as { resources: unknown[] }).resources.length;
        const usage = fs
          .readFileSync(usageFile, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as Usage);
        const total = usage.reduce((sum, u) => sum + u.maxRssBytes, 0);
        peak = Math.max(peak, total);
        times.push(r.ms);
        log(
          `  ${apps} apps${churn ? "" : " --no-churn-check"} run ${i + 1}/${runs}: ${fmtMs(r.ms)}, ${fmtMiB(total)} (${usage.length} processes)`,
        );
      }
      const ms = median(times);
      const variant = churn ? "" : "-no-churn";
      wall[`${apps}${variant}`] = ms;
      const label = `${apps.toLocaleString("en")} apps${churn ? "" : ", --no-churn-check"}`;
      const n = runs === 1 ? "1 run" : `median of ${runs}`;
      const targets =
        apps === 1000
          ? { wall: ["< 60 s", ms < TARGET_1000_MS], rss: ["< 2 GiB", peak < TARGET_RSS_BYTES] }
          : apps === 10_000
            ? {
                wall: ["≤ 300 s", ms <= TARGET_10000_MS],
                rss: ["≤ 4 GiB", peak <= TARGET_10000_RSS_BYTES],
              }
            : undefined;
      report.add("Preview", `${label} (${resources} resources): wall time (${n})`, fmtMs(ms), {
        target: targets ? String(targets.wall[0]) : "",
        met: targets ? Boolean(targets.wall[1]) : undefined,
        key: `preview-${apps}-wall${variant}`,
      });
      report.add("Preview", `${label}: peak RSS, every process (${n})`, fmtMiB(peak), {
        target: targets ? String(targets.rss[0]) : "",
        met: targets ? Boolean(targets.rss[1]) : undefined,
        key: `preview-${apps}-rss${variant}`,
      });
      report.add("Preview", `${label}: time per app (wall / apps)`, fmtMs(ms / apps));
    }
  }
  for (const variant of OPTIONS.preview10000 ? ["", "-no-churn"] : []) {
    const ratio = wall[`10000${variant}`] / 10_000 / (wall[`1000${variant}`] / 1000);
    report.add(
      "Preview",
      `time per app at 10,000 / at 1,000 apps${variant ? ", --no-churn-check" : ""}`,
      `${ratio.toFixed(2)}×`,
      { target: "≤ 1.25×", met: ratio <= 1.25, key: `preview-per-app-ratio${variant}` },
    );
  }
  for (const apps of PREVIEW_SIZES) {
    const cost = wall[`${apps}`] / wall[`${apps}-no-churn`];
    report.add(
      "Preview",
      `${apps.toLocaleString("en")} apps: the churn check's cost, wall time with / without`,
      `${cost.toFixed(2)}×`,
    );
  }
}

/**
 * Writes a Pulumi project for the offline preview: `Pulumi.yaml` (this repository's program as
 * `main`, the project name being the config namespace), catalogue files of 1,000 apps each
 * (`catalog-<k>.yaml`) and `Pulumi.<stack>.yaml` holding the rest of {@link generateConfig}`(n)`
 * as `app-credentials:*` with `appFiles` naming the catalogue files.
 *
 * @param dir an existing, empty directory
 * @returns the stack name (`bench-<n>`)
 */
function writeStackProject(dir: string, n: number, programMain: string): string {
  const stack = `bench-${n}`;
  const { apps, ...raw } = generateConfig(n) as RawStackConfig & { apps: unknown[] };
  const appFiles: string[] = [];
  for (let start = 0; start < apps.length; start += APPS_PER_FILE) {
    const file = `catalog-${start / APPS_PER_FILE}.yaml`;
    fs.writeFileSync(
      path.join(dir, file),
      stringify({ apps: apps.slice(start, start + APPS_PER_FILE) }),
    );
    appFiles.push(file);
  }
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    stringify({ name: CONFIG_NAMESPACE, runtime: "nodejs", main: programMain }),
  );
  fs.writeFileSync(
    path.join(dir, `Pulumi.${stack}.yaml`),
    stringify({
      config: Object.fromEntries(
        Object.entries({ ...raw, appFiles }).map(([key, value]) => [
          `${CONFIG_NAMESPACE}:${key}`,
          value,
        ]),
      ),
    }),
  );
  return stack;
}
