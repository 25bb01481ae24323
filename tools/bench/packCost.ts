/**
 * What our policy pack costs over what @pulumi/policy itself costs to serve a pack of its shape: our
 * pack and the no-op pack (same policies, each validating nothing; {@link createNoopPack}) side by
 * side, on a credential-heavy mix (the recorded registrations of the 10-app program) and on an
 * ordinary stack without credentials ({@link nonCredentialResources}).
 */
import type { ResourceRecord } from "../offline";
import { fmtMs, log, median, RUNS } from "./common";
import { cpuMs, OUR_PACK, startConfigured, StartedPack, tmpEnv } from "./policyBench";
import { Report } from "./report";

/** `AnalyzeStack` calls per pack and run, interleaved; one call is within the machine's noise. */
export const STACK_REPEATS = 5;
/** Resources sent to one pack before the other gets the next ones. */
const CHUNK = 250;

type Which = "ours" | "noop";
const PACKS: readonly Which[] = ["ours", "noop"];

/** One mix of resources and its targets. */
export interface Mix {
  /** Section of the report. */
  section: string;
  /** Inputs (sent through `Remediate`+`Analyze`) and outputs (`AnalyzeStack`). */
  resources: { inputs: ResourceRecord[]; outputs: ResourceRecord[] };
  /** Target of ours / no-op, `Analyze` + `AnalyzeStack`, pack CPU time. */
  target: number;
  /** Key in tools/bench/baseline.json. */
  key: string;
}

/** Wall and pack CPU time of one phase, per pack. */
type Times = Record<Which, { wall: number; cpu: number }>;

const zero = (): Times => ({ ours: { wall: 0, cpu: 0 }, noop: { wall: 0, cpu: 0 } });

/**
 * Sends `mix` to our pack and the no-op pack: every input through `Remediate`+`Analyze` one by one
 * (as the engine does), in chunks of {@link CHUNK} resources that alternate between the packs and
 * whose first pack alternates; then {@link STACK_REPEATS} `AnalyzeStack` of all outputs per pack,
 * interleaved. Measures wall time (as the engine waits) and the pack process's CPU time (what the
 * pack costs; less sensitive to other load on the machine). Ratios are medians of per-run ratios.
 */
export async function packCost(report: Report, mix: Mix, noopPack: string): Promise<void> {
  log(`${mix.section} …`);
  const packs: Record<Which, StartedPack> = {
    ours: await startConfigured(OUR_PACK),
    noop: await startConfigured(noopPack, tmpEnv()),
  };
  const runs: { analyze: Times; stack: Times }[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const analyze = zero();
      const stack = zero();
      let diagnostics = 0;
      const { inputs, outputs } = mix.resources;
      for (let start = 0, c = 0; start < inputs.length; start += CHUNK, c++) {
        const chunk = inputs.slice(start, start + CHUNK);
        for (const which of (i + c) % 2 === 0 ? PACKS : [...PACKS].reverse()) {
          const { pack, pid } = packs[which];
          const [t0, c0] = [performance.now(), cpuMs(pid)];
          for (const r of chunk) diagnostics += (await pack.analyze(r)).length;
          analyze[which].wall += performance.now() - t0;
          analyze[which].cpu += cpuMs(pid) - c0;
        }
      }
      const stackWall: Record<Which, number[]> = { ours: [], noop: [] };
      for (let k = 0; k < STACK_REPEATS; k++) {
        for (const which of (i + k) % 2 === 0 ? PACKS : [...PACKS].reverse()) {
          const { pack, pid } = packs[which];
          const [t0, c0] = [performance.now(), cpuMs(pid)];
          diagnostics += (await pack.analyzeStack(outputs)).length;
          stackWall[which].push(performance.now() - t0);
          stack[which].cpu += (cpuMs(pid) - c0) / STACK_REPEATS;
        }
      }
      for (const which of PACKS) {
        stack[which].wall = median(stackWall[which]);
        log(
          `  ${which} run ${i + 1}/${RUNS}: Analyze ${fmtMs(analyze[which].wall)} (pack CPU ${fmtMs(analyze[which].cpu)}), AnalyzeStack ${fmtMs(stack[which].wall)} (pack CPU ${fmtMs(stack[which].cpu)}, mean of ${STACK_REPEATS})`,
        );
      }
      log(`  ${diagnostics} diagnostics`);
      runs.push({ analyze, stack });
    }
  } finally {
    await packs.ours.pack.stop();
    await packs.noop.pack.stop();
  }
  addRows(report, mix, runs);
}

function addRows(report: Report, mix: Mix, runs: { analyze: Times; stack: Times }[]): void {
  const n = `median of ${runs.length}`;
  const count = mix.resources.inputs.length.toLocaleString("en");
  const cell = (times: Times[], which: Which) => {
    const wall = median(times.map((t) => t[which].wall));
    const cpu = median(times.map((t) => t[which].cpu));
    return `${fmtMs(wall)} (pack CPU ${fmtMs(cpu)})`;
  };
  const phases = [
    ["Analyze", runs.map((r) => r.analyze), `Remediate+Analyze ×${count}`],
    ["AnalyzeStack", runs.map((r) => r.stack), `AnalyzeStack of ${count}`],
  ] as const;
  for (const which of PACKS) {
    const name = which === "ours" ? "our pack" : "no-op pack";
    for (const [, times, label] of phases) {
      report.add(mix.section, `${name}: ${label} (${n})`, cell([...times], which));
    }
  }
  const ratio = (pick: (r: { analyze: Times; stack: Times }, w: Which) => number) =>
    median(runs.map((r) => pick(r, "ours") / pick(r, "noop")));
  const both = ratio((r, w) => r.analyze[w].cpu + r.stack[w].cpu);
  report.add(
    mix.section,
    "ours / no-op, Analyze + AnalyzeStack, pack CPU (median of per-run ratios)",
    `${both.toFixed(2)}×`,
    { target: `≤ ${mix.target.toFixed(2)}×`, met: both <= mix.target, key: mix.key },
  );
  report.add(
    mix.section,
    "ours / no-op, Analyze + AnalyzeStack, wall (median of per-run ratios)",
    `${ratio((r, w) => r.analyze[w].wall + r.stack[w].wall).toFixed(2)}×`,
  );
  for (const [phase] of phases) {
    const key = phase === "Analyze" ? "analyze" : "stack";
    report.add(
      mix.section,
      `ours / no-op, ${phase} only: pack CPU, wall`,
      `${ratio((r, w) => r[key][w].cpu).toFixed(2)}×, ${ratio((r, w) => r[key][w].wall).toFixed(2)}×`,
    );
  }
}
