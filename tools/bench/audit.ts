/**
 * The tenant audit at scale: `npm run audit -- --apps … --service-principals …
 * --credential-activity … --federated-credentials …` on a generated tenant of 10,000 applications ×
 * 3 credentials with its sign-in report and its applications' federated identity credentials (one
 * federated application per twenty, every tenth application in migration; tools/bench/auditTenant.ts),
 * spawned as users run it, in table and `--json` modes. Wall time from spawn to exit; CPU time and peak RSS of the process (the usage-reporter
 * preload).
 *
 * Opt-in, a larger tenant (the text table once failed above about 125,000 credentials):
 * - `npm run bench -- --audit-credentials 200000` adds it to the full benchmark;
 * - `npx ts-node -T tools/bench/audit.ts --credentials 200000 [--large-only] [--quick]` runs only
 *   the audit benchmark and prints the table and the Markdown rows for BENCHMARKS.md.
 * The tenant has at least that many credentials ({@link appsForCredentials} applications).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BENCH_NOW, fmtMiB, fmtMs, log, median, RUNS, runChild, TS_NODE } from "./common";
import { appsForCredentials, generateTenant } from "./auditTenant";
import { ROOT } from "./policyBench";
import { Report } from "./report";

const APPS = 10_000;
const TARGET_MS = 10_000;

/** What tools/bench/usage-reporter.js appends per process. */
interface Usage {
  maxRssBytes: number;
  cpuMs: number;
}

/** Options of {@link auditScale}. */
export interface AuditScaleOptions {
  /** Also audit a tenant of at least this many credentials (opt-in; see the module comment). */
  credentials?: number;
  /** Only the larger tenant: leave out the 10,000-app one. */
  largeOnly?: boolean;
}

/**
 * The opt-in size from the command line: `--audit-credentials N` (npm run bench) or
 * `--credentials N` (this file run alone), also as `--credentials=N`.
 *
 * @throws Error when the value is not a positive whole number
 */
export function credentialsOption(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(?:audit-)?credentials(?:=(.*))?$/.exec(argv[i]);
    if (match === null) continue;
    const text = match[1] ?? argv[i + 1] ?? "";
    const n = Number(text.replace(/[_,]/g, ""));
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new Error(`${argv[i]}: expected a positive whole number of credentials, got "${text}"`);
    }
    return n;
  }
  return undefined;
}

/** @param work a scratch directory */
export async function auditScale(
  report: Report,
  work: string,
  options: AuditScaleOptions = { credentials: credentialsOption(process.argv) },
): Promise<void> {
  if (!options.largeOnly) {
    await auditTenantRuns(report, work, {
      apps: APPS,
      label: `${APPS.toLocaleString("en")} applications × 3 credentials, with the sign-in report`,
      target: { ms: TARGET_MS, text: "≤ 10 s" },
    });
  }
  if (options.credentials !== undefined) {
    await auditTenantRuns(report, work, {
      apps: appsForCredentials(options.credentials),
      optIn: options.credentials,
    });
  }
}

/** Times the table and `--json` on one generated tenant; adds its rows to the report. */
async function auditTenantRuns(
  report: Report,
  work: string,
  tenant: {
    apps: number;
    /** How the rows name the tenant; default: what it holds and the opt-in that made it. */
    label?: string;
    target?: { ms: number; text: string };
    /** The `--audit-credentials` value that asked for it. */
    optIn?: number;
  },
): Promise<void> {
  log(`tenant audit, ${tenant.apps.toLocaleString("en")} applications …`);
  const dir = fs.mkdtempSync(path.join(work, "audit-"));
  const files = generateTenant(dir, tenant.apps);
  const cli = path.join(ROOT, "tools", "audit", "cli.ts");
  const reporter = path.join(__dirname, "usage-reporter.js");
  const base = [
    "--apps",
    files.apps,
    "--service-principals",
    files.servicePrincipals,
    "--credential-activity",
    files.activity,
    "--federated-credentials",
    files.federated,
    "--now",
    BENCH_NOW,
  ];
  // The 10,000-app rows keep their labels (BENCHMARKS.md); a larger tenant says what it holds and
  // how it was opted into (labels short enough for BENCHMARKS.md's Measure column).
  const what =
    tenant.label ??
    `${files.credentials.toLocaleString("en")} credentials (opt-in: --audit-credentials ${tenant.optIn ?? files.credentials})`;
  const bytes = fs.statSync(files.apps).size + fs.statSync(files.servicePrincipals).size;
  const activityBytes = fs.statSync(files.activity).size;
  if (tenant.label === undefined) {
    report.add(
      "Audit",
      `${what}: generated applications, service principals`,
      `${tenant.apps.toLocaleString("en")}, ${files.servicePrincipalCount.toLocaleString("en")}`,
    );
    report.add("Audit", `${what}: size of the two JSON files`, fmtMiB(bytes));
  }
  report.add(
    "Audit",
    `${what}: report entries, file size`,
    `${files.activityEntries.toLocaleString("en")}, ${fmtMiB(activityBytes)}`,
  );
  report.add(
    "Audit",
    `${what}: federated credentials, federated-only applications, file size`,
    `${files.federatedCredentials.toLocaleString("en")}, ${files.federatedApplications.toLocaleString("en")}, ${fmtMiB(fs.statSync(files.federated).size)}`,
  );
  try {
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
      const label = `${what}, ${mode}`;
      const n = RUNS === 1 ? "1 run" : `median of ${RUNS}`;
      report.add(
        "Audit",
        `${label}: wall time (${n})`,
        fmtMs(ms),
        tenant.target === undefined
          ? {}
          : {
              target: tenant.target.text,
              met: ms <= tenant.target.ms,
              key: mode === "table" ? "audit-10000-wall" : undefined,
            },
      );
      report.add("Audit", `${label}: CPU time (${n})`, fmtMs(median(usages.map((u) => u.cpuMs))));
      report.add(
        "Audit",
        `${label}: peak RSS (${RUNS === 1 ? "1 run" : `max of ${RUNS}`})`,
        fmtMiB(usages.reduce((max, u) => Math.max(max, u.maxRssBytes), 0)),
      );
    }
    if (tenant.target === undefined) {
      // The machine may be shared: the load says how far wall time is from CPU time for a reason.
      report.add(
        "Audit",
        `${what}: 1-minute load average after the runs (${os.availableParallelism()} cores)`,
        os.loadavg()[0].toFixed(1),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run alone: only the audit benchmark; prints the table and the rows for BENCHMARKS.md. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-audit-"));
  const report = new Report();
  try {
    await auditScale(report, work, {
      credentials: credentialsOption(argv),
      largeOnly: argv.includes("--large-only"),
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(report.table());
  console.log(`\nRows for BENCHMARKS.md (${new Date().toISOString()}):\n`);
  for (const r of report.rows) {
    console.log(`| ${r.section} | ${r.measure} | ${r.value} | ${r.target} | ${r.met} |`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
