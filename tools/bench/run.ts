/**
 * `npm run bench [-- --quick]`: program scale, offline preview, policy cost and cold start
 * benchmarks. Prints a table and writes BENCHMARKS.md. Every program run and every pack runs in its
 * own process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as prettier from "prettier";
import { loadProject } from "../offline";
import type { Registration } from "../offline";
import { BENCH_NOW, fmtMs, log, median, QUICK, RUNS, runChild } from "./common";
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
import { Report } from "./report";
import { auditScale } from "./audit";
import { NON_CREDENTIAL_RESOURCES, nonCredentialCost, STACK_REPEATS } from "./nonCredential";
import { previewScale, programScale } from "./scale";

const POLICY_RESOURCES = 10_000;

/**
 * The tsconfig `pulumi up` compiles the program with (Pulumi.yaml's `tsconfig` runtime option),
 * relative to the repository root.
 */
const PULUMI_TSCONFIG = path.relative(ROOT, loadProject(ROOT).tsconfig);

async function policyCost(report: Report, dumpFile: string, emptyPack: string): Promise<void> {
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
      // Which pack goes first alternates, so the machine's drift falls on both alike.
      const order = i % 2 === 0 ? (["ours", "empty"] as const) : (["empty", "ours"] as const);
      for (const which of order) {
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
    report.add(
      "Policy",
      `${name}: Analyze ×${POLICY_RESOURCES} (${n})`,
      fmtMs(median(times[which].analyze)),
    );
    report.add(
      "Policy",
      `${name}: AnalyzeStack of ${POLICY_RESOURCES} (${n})`,
      fmtMs(median(times[which].stack)),
    );
  }
  const ratio = median(ratios);
  report.add(
    "Policy",
    "ours / empty, Analyze + AnalyzeStack (median of per-run ratios)",
    `${ratio.toFixed(2)}×`,
    { target: "≤ 1.15×", met: ratio <= 1.15, key: "policy-ratio" },
  );
}

async function coldStart(report: Report, emptyPack: string): Promise<void> {
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
  report.add("Cold start", `our pack: spawn → port printed (${n})`, fmtMs(median(ours)), {
    key: "pack-cold-start",
  });
  report.add("Cold start", `empty pack: spawn → port printed (${n})`, fmtMs(median(empty)));
  const ratio = median(ratios);
  report.add("Cold start", "ours / empty pack", `${ratio.toFixed(2)}×`, {
    target: "≤ 1.2×",
    met: ratio <= 1.2,
    key: "pack-cold-ratio",
  });

  // Program compile + load as `pulumi up` runs this project (tools/bench/pulumi-like-load.js with
  // the tsconfig of Pulumi.yaml's `tsconfig` runtime option), of an index-like entry (imports
  // components/stack) vs an entry importing only @pulumi/azuread, compiled the same way; spawn →
  // exit. Also with tsconfig.json (type-checked), as the CLI would without the option.
  // Under the repository, so the entries resolve its node_modules and tsconfig files.
  fs.mkdirSync(path.join(ROOT, ".bench"), { recursive: true });
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
      report.add(
        "Cold start",
        `index-like program, ${mode.label}: compile + load (${n})`,
        fmtMs(median(loads.index)),
        { key: main ? "program-load" : undefined },
      );
      report.add(
        "Cold start",
        `@pulumi/azuread-only program, ${mode.label}: compile + load (${n})`,
        fmtMs(median(loads.azuread)),
      );
      report.add(
        "Cold start",
        `index-like / azuread-only, ${mode.label}`,
        `${median(loadRatios).toFixed(2)}×`,
        main
          ? { target: "(informational: the 1.2× target is the pack's)", key: "program-load-ratio" }
          : {},
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What profiling (`node --cpu-prof`, `--max-old-space-size` probes) found about the 10,000-app
 * preview, for the reader of the figures.
 */
const SCALE_NOTES = [
  "The program's cost per app is Pulumi's: each resource creates an Output (and its promises) per output property of its SDK class (an azuread Application has about 50), and azure-native resources collapse a dozen type aliases to URNs at construction. A 10,000-app stack declares about 106,000 resources; the program run alone takes about 20–30 ms of CPU per app, and the Pulumi runtime keeps about 300 KiB per app alive to the end (the stack outputs hold Outputs, which hold their resources): about 3 GiB at 10,000 apps, in the program's process alone (a 4,000-app run does not fit a 1 GiB heap).",
  "The policy pack judges each resource in a separate `Analyze` and the whole stack in one `AnalyzeStack` request: at 10,000 apps the pack holds the whole stack once per stack policy that applies, and the preview builds that request.",
  "A tenant this size is served by several stacks (`app-credentials:appSelector`, e.g. by team tag) under one policy pack: per stack, the preview's time and memory follow its share of the catalogue.",
];

/** How each measure is taken: the Method section of BENCHMARKS.md. */
function method(): string[] {
  return [
    "**Program scale**: `createStack(parseStackConfig(generated, now), now)` under `simulateAzure` (Pulumi mock runtime), for generated configs of 10, 100 and 1,000 apps cycling through the app kinds of `Pulumi.dev.yaml` (new app with owners, new app with per-app rotation, existing service principal, new app with a rotating certificate, existing application). Each run is its own child process (`node -r ts-node/register/transpile-only tools/bench/programChild.ts N`); the run is timed from the first `createStack` call to the last registration, module load apart; peak memory is the child's `process.resourceUsage().maxRSS`. Median of " +
      RUNS +
      " runs. The per-app linearity target is judged here, where no fixed start-up cost hides the per-app cost.",
    "**Offline preview**: what a user runs, `npm start -- --dir <project> --stack bench-N --now " +
      BENCH_NOW +
      " --json`, with the churn check (the default: the program also runs a second and a day later, in parallel child processes) and with `--no-churn-check`, on a generated project (`Pulumi.yaml` with this repository's `index.ts` as `main`; the apps in catalogue files of 1,000 apps listed in `app-credentials:appFiles`): program runs, policy pack start, `Analyze` of every resource, `AnalyzeStack`, report. Wall time from spawn to exit; peak memory is the sum of the peaks of every process of the run (preview, program runs, pack; the `tools/bench/usage-reporter.js` preload), an upper bound. Median of " +
      RUNS +
      " runs, one run at 10,000 apps.",
    `**Policy cost**: the registrations of the 10-app run, repeated with renamed URNs to ${POLICY_RESOURCES.toLocaleString("en")} resources, sent through \`Remediate\`+\`Analyze\` one by one (as the engine does) and one \`AnalyzeStack\`, to our pack (\`policy/\`) and to an empty pack (\`new PolicyPack("empty", {policies: []})\`, generated under \`os.tmpdir()\`), both started by \`tools/offline/analyzer\` as the engine starts them, their clock fixed at ${BENCH_NOW} (the instant the resources were generated at). Both packs run in the same iteration, which goes first alternating; the ratio is the median of per-iteration ratios.`,
    `**Policy cost on non-credential resources**: ${NON_CREDENTIAL_RESOURCES.toLocaleString("en")} resources of an ordinary stack (resource groups, storage accounts, virtual networks, web apps, applications without passwords; tools/bench/nonCredential.ts) through \`Remediate\`+\`Analyze\` one by one and then one \`AnalyzeStack\`, as the engine sends them, to our pack and to the empty pack, side by side in each iteration (which goes first alternating; \`AnalyzeStack\` repeated ${STACK_REPEATS} times per pack, interleaved, its median kept); ratios are medians of per-iteration ratios.`,
    "**Tenant audit**: `npm run audit -- --apps apps.json --service-principals sps.json --now " +
      BENCH_NOW +
      "` (and with `--json`) on a generated tenant of 10,000 applications × 3 credentials and 2,000 service principals (tools/bench/auditTenant.ts), spawned as users run it; wall time from spawn to exit, CPU time and peak RSS of the process (usage-reporter preload). Median of " +
      RUNS +
      " runs.",
    "**Cold start**: spawn of `node run-policy-pack <engine> .` in the pack directory until the port is printed. Program compile + load: spawn to exit of `node tools/bench/pulumi-like-load.js <entry>`, which registers ts-node as `pulumi up` does (the tsconfig of Pulumi.yaml's `tsconfig` option; type-checked unless its `noCheck` is true), on an entry importing `components/stack` vs one importing only `@pulumi/azuread`, both compiled the same way; once with `" +
      PULUMI_TSCONFIG +
      "` and once with `tsconfig.json` (type-checked).",
  ];
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const report = new Report();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const dumpFile = path.join(work, "registrations.json");
  const emptyPack = createEmptyPack();
  try {
    await programScale(report, dumpFile);
    await previewScale(report, work);
    await policyCost(report, dumpFile, emptyPack);
    await nonCredentialCost(report, emptyPack);
    await coldStart(report, emptyPack);
    await auditScale(report, work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(emptyPack, { recursive: true, force: true });
  }
  report.notes.push(...SCALE_NOTES);
  console.log(report.table());
  const header =
    "Generated by `npm run bench" +
    (QUICK ? " -- --quick" : "") +
    `\` on ${started.toISOString()} (total ${fmtMs(performance.now() - t0)}). Do not edit by hand: re-run the command.`;
  // Formatted as `npm run lint` (prettier --check) expects it.
  const text = await prettier.format(report.markdown(header, method()), { parser: "markdown" });
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), text);
  console.log(`wrote BENCHMARKS.md (${fmtMs(performance.now() - t0)})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
