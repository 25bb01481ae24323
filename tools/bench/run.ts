/**
 * `npm run bench [-- --quick] [--only <sections>] [opt-in flags]`: the measures that justify code
 * (program memory at 1,000 apps, the 1,000-app preview and its per-app cost, the pack's cost over
 * the SDK's floor with and without credentials, pack cold start, audit throughput). Prints a table
 * and writes BENCHMARKS.md (with `--only`, prints the Markdown rows instead). Every program run and
 * every pack runs in its own process. Flags: see {@link OPTIONS} (tools/bench/common.ts) and
 * docs/development.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as prettier from "prettier";
import { loadProject } from "../offline";
import type { Registration } from "../offline";
import { BENCH_NOW, fmtMs, log, median, OPTIONS, RUNS, runChild, runs } from "./common";
import {
  buildResources,
  createNoopPack,
  OUR_PACK,
  ROOT,
  timeColdStart,
  tmpEnv,
} from "./policyBench";
import { Report } from "./report";
import { auditScale } from "./audit";
import { nonCredentialResources } from "./nonCredential";
import { packCost, STACK_REPEATS } from "./packCost";
import { dumpRegistrations, previewScale, programScale } from "./scale";

/** Resources per pack-cost mix. */
const POLICY_RESOURCES = OPTIONS.resources;

/**
 * The tsconfig `pulumi up` compiles the program with (Pulumi.yaml's `tsconfig` runtime option),
 * relative to the repository root.
 */
const PULUMI_TSCONFIG = path.relative(ROOT, loadProject(ROOT).tsconfig);

/**
 * The pack's cost over the SDK's floor (the no-op pack), on the credential-heavy mix of the 10-app
 * program's registrations and on an ordinary stack without credentials.
 */
async function policyCost(report: Report, dumpFile: string, noopPack: string): Promise<void> {
  await dumpRegistrations(dumpFile);
  const registrations = JSON.parse(fs.readFileSync(dumpFile, "utf8")) as Registration[];
  await packCost(
    report,
    {
      section: "Policy, credential-heavy",
      resources: buildResources(registrations, POLICY_RESOURCES),
      target: 1.1,
      key: "policy-ratio",
    },
    noopPack,
  );
  const ordinary = nonCredentialResources(POLICY_RESOURCES);
  await packCost(
    report,
    {
      section: "Policy, non-credential",
      resources: { inputs: ordinary, outputs: ordinary },
      target: 1.03,
      key: "noncredential-ratio",
    },
    noopPack,
  );
}

async function coldStart(report: Report, noopPack: string): Promise<void> {
  log("cold start …");
  const ours: number[] = [];
  const noop: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await timeColdStart(OUR_PACK);
    const b = await timeColdStart(noopPack, tmpEnv());
    ours.push(a);
    noop.push(b);
    ratios.push(a / b);
    log(`  run ${i + 1}/${RUNS}: ours ${fmtMs(a)}, no-op ${fmtMs(b)}`);
  }
  const n = `median of ${RUNS}`;
  report.add("Cold start", `our pack: spawn → port printed (${n})`, fmtMs(median(ours)), {
    key: "pack-cold-start",
  });
  report.add("Cold start", `no-op pack: spawn → port printed (${n})`, fmtMs(median(noop)));
  const ratio = median(ratios);
  report.add("Cold start", "ours / no-op pack", `${ratio.toFixed(2)}×`, {
    target: "≤ 1.2×",
    met: ratio <= 1.2,
    key: "pack-cold-ratio",
  });
  if (OPTIONS.programLoad) await programLoad(report);
}

/**
 * Opt-in (`--program-load`): program compile + load as `pulumi up` runs this project, and
 * type-checked.
 */
async function programLoad(report: Report): Promise<void> {
  const n = `median of ${RUNS}`;
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
    "**Program scale**: `createStack(parseStackConfig(generated, now), now)` under `simulateAzure` (Pulumi mock runtime), for a generated config of 1,000 apps (opt-in `--small-sizes`: 10 and 100 as well) cycling through the app kinds of `Pulumi.dev.yaml` (new app with owners, new app with per-app rotation, existing service principal, new app with a rotating certificate, existing application) and the federated kinds (a federated app with a GitHub Actions and a managed identity credential; an app in migration, its password beside a federated credential). Each run is its own child process (`node -r ts-node/register/transpile-only tools/bench/programChild.ts N`); the run is timed from the first `createStack` call to the last registration, module load apart; peak memory is the child's `process.resourceUsage().maxRSS`. Median of " +
      RUNS +
      " runs. The per-app linearity target (1,000 against 100 apps, with `--small-sizes`) is judged here, where no fixed start-up cost hides the per-app cost.",
    "**Offline preview**: what a user runs, `npm start -- --dir <project> --stack bench-N --now " +
      BENCH_NOW +
      " --json`, with the churn check (the default: the program also runs a second and a day later, in parallel child processes) and with `--no-churn-check`, on a generated project (`Pulumi.yaml` with this repository's `index.ts` as `main`; the apps in catalogue files of 1,000 apps listed in `app-credentials:appFiles`): program runs, policy pack start, `Analyze` of every resource, `AnalyzeStack`, report. Wall time from spawn to exit; peak memory is the sum of the peaks of every process of the run (preview, program runs, pack; the `tools/bench/usage-reporter.js` preload), an upper bound. Median of " +
      RUNS +
      " runs. Default size 1,000 apps; opt-in `--small-sizes` adds 10 and 100, `--preview-10000` the 10,000-app preview (one run).",
    `**Policy cost**: our pack (\`policy/\`) against the SDK's floor, a no-op pack generated under \`os.tmpdir()\` with the same policies (names, levels, config schemas, resource and stack policies alike), each validating nothing (tools/bench/policyBench.ts \`createNoopPack\`): @pulumi/policy deserializes a resource's properties once per resource policy in \`Analyze\`, and the whole stack once per stack policy in \`AnalyzeStack\` (unless the policy names a \`__pulumiType\` absent from the stack, as ours do on stacks without credentials; the no-op policies name none). Both packs started by \`tools/offline/analyzer\` as the engine starts them, their clock fixed at ${BENCH_NOW}, configured with their defaults. Two mixes of ${POLICY_RESOURCES.toLocaleString("en")} resources: credential-heavy (the registrations of a 10-app program run, repeated with renamed URNs) and non-credential (resource groups, storage accounts, virtual networks, web apps, applications without passwords; tools/bench/nonCredential.ts). Every resource through \`Remediate\`+\`Analyze\` one by one, as the engine sends them, in chunks of 250 that alternate between the packs (which pack goes first alternating); then \`AnalyzeStack\` of all of them ${STACK_REPEATS} times per pack, interleaved (wall: the median; CPU: the mean). Measured: wall time, and the pack process's CPU time (user + system, /proc/<pid>/stat), less sensitive to other load on the machine; the targets are judged on pack CPU time of \`Analyze\` + \`AnalyzeStack\`. ${RUNS === 1 ? "One run" : `${RUNS} runs`}; ratios are medians of per-run ratios (tools/bench/packCost.ts).`,
    "**Tenant audit**: `npm run audit -- --apps apps.json --service-principals sps.json --credential-activity credential-activity.json --federated-credentials federated-credentials.json --now " +
      BENCH_NOW +
      "` (and with `--json`) on a generated tenant of 10,000 applications × 3 credentials and 2,000 service principals, with its sign-in report and its applications' federated identity credentials (500 more applications holding only federated credentials; a managed identity credential beside the secrets of every tenth application, a pull-request subject on every fiftieth; tools/bench/auditTenant.ts), spawned as users run it; wall time from spawn to exit, CPU time and peak RSS of the process (usage-reporter preload). Median of " +
      RUNS +
      " runs.",
    "**Cold start**: spawn of `node run-policy-pack <engine> .` in the pack directory until the port is printed, our pack against the no-op pack. Opt-in (`--program-load`), program compile + load: spawn to exit of `node tools/bench/pulumi-like-load.js <entry>`, which registers ts-node as `pulumi up` does (the tsconfig of Pulumi.yaml's `tsconfig` option; type-checked unless its `noCheck` is true), on an entry importing `components/stack` vs one importing only `@pulumi/azuread`, both compiled the same way; once with `" +
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
  const noopPack = createNoopPack();
  try {
    if (runs("program")) await programScale(report);
    if (runs("preview")) await previewScale(report, work);
    if (runs("policy")) await policyCost(report, dumpFile, noopPack);
    if (runs("cold-start")) await coldStart(report, noopPack);
    if (runs("audit")) await auditScale(report, work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(noopPack, { recursive: true, force: true });
  }
  console.log(report.table());
  if (OPTIONS.only) {
    // A partial run: the rows as BENCHMARKS.md shows them, for the reader to compare or paste.
    console.log(
      report.rows
        .map((r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target} | ${r.met} |`)
        .join("\n"),
    );
    console.log(`--only: BENCHMARKS.md not written (${fmtMs(performance.now() - t0)})`);
    return;
  }
  report.notes.push(...SCALE_NOTES);
  const header =
    "Generated by `" +
    ["npm run bench", ...process.argv.slice(2)].join(" ").replace("bench ", "bench -- ") +
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
