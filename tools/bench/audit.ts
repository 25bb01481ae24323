/**
 * The tenant audit at scale (issue 13): `npm run audit -- --apps … --service-principals …` on a
 * generated tenant of 10,000 applications × 3 credentials, spawned as users run it, in table and
 * `--json` modes. Wall time from spawn to exit; CPU time and peak RSS of the process (the
 * usage-reporter preload).
 */
import * as fs from "fs";
import * as path from "path";
import { BENCH_NOW, fmtMiB, fmtMs, log, median, RUNS, runChild, TS_NODE } from "./common";
import { generateTenant } from "./auditTenant";
import { ROOT } from "./policyBench";
import { Report } from "./report";

const APPS = 10_000;
const TARGET_MS = 10_000;

/** What tools/bench/usage-reporter.js appends per process. */
interface Usage {
  maxRssBytes: number;
  cpuMs: number;
}

/** @param work a scratch directory */
export async function auditScale(report: Report, work: string): Promise<void> {
  log("tenant audit …");
  const dir = fs.mkdtempSync(path.join(work, "audit-"));
  const files = generateTenant(dir, APPS);
  const cli = path.join(ROOT, "tools", "audit", "cli.ts");
  const reporter = path.join(__dirname, "usage-reporter.js");
  const base = [
    "--apps",
    files.apps,
    "--service-principals",
    files.servicePrincipals,
    "--now",
    BENCH_NOW,
  ];
  for (const [mode, args] of [
    ["table", base],
    ["--json", [...base, "--json"]],
  ] as const) {
    const times: number[] = [];
    const usages: Usage[] = [];
    for (let i = 0; i < RUNS; i++) {
      const usageFile = path.join(dir, `usage-${mode}-${i}.jsonl`);
      const r = await runChild([...TS_NODE, "-r", reporter, cli, ...args], {
        env: { BENCH_USAGE_FILE: usageFile },
        exitCodes: [0, 1],
      });
      times.push(r.ms);
      usages.push(JSON.parse(fs.readFileSync(usageFile, "utf8").trim().split("\n")[0]) as Usage);
      log(`  ${mode} run ${i + 1}/${RUNS}: ${fmtMs(r.ms)}`);
    }
    const ms = median(times);
    const label = `${APPS.toLocaleString("en")} applications × 3 credentials, ${mode}`;
    report.add("Audit", `${label}: wall time (median of ${RUNS})`, fmtMs(ms), {
      target: "≤ 10 s",
      met: ms <= TARGET_MS,
      key: mode === "table" ? "audit-10000-wall" : undefined,
    });
    report.add(
      "Audit",
      `${label}: CPU time (median of ${RUNS})`,
      fmtMs(median(usages.map((u) => u.cpuMs))),
    );
    report.add(
      "Audit",
      `${label}: peak RSS (max of ${RUNS})`,
      fmtMiB(Math.max(...usages.map((u) => u.maxRssBytes))),
    );
  }
}
