/**
 * The benchmark's results: rows with their targets, notes, the printed table and BENCHMARKS.md
 * (machine, method, results, before and after against tools/bench/baseline.json, missed targets).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";

/** One measure of the results table. */
export interface Row {
  section: string;
  measure: string;
  value: string;
  target: string;
  met: "yes" | "NO" | "—";
  /** Key of this figure in tools/bench/baseline.json, when it has a "before". */
  key?: string;
}

/** Options of {@link Report.add}. */
export interface RowOptions {
  /** The target, as shown (e.g. `< 60 s`). */
  target?: string;
  /** Whether the target is met; undefined for a figure without target. */
  met?: boolean;
  /** Key of the figure in tools/bench/baseline.json. */
  key?: string;
}

interface Baseline {
  commit: string;
  measuredOn: string;
  how: string;
  figures: Record<string, string>;
  fixes: string[];
}

/** Labels of the figures baseline.json has a "before" for, by key, in the order shown. */
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

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  add(section: string, measure: string, value: string, options: RowOptions = {}): void {
    const { target = "", met, key } = options;
    this.rows.push({
      section,
      measure,
      value,
      target,
      met: met === undefined ? "—" : met ? "yes" : "NO",
      key,
    });
  }

  /** The results as a terminal table. */
  table(): string {
    const table = new Table({ head: ["Section", "Measure", "Value", "Target", "Met"] });
    for (const r of this.rows) table.push([r.section, r.measure, r.value, r.target, r.met]);
    return table.toString();
  }

  /**
   * BENCHMARKS.md (unformatted Markdown).
   * @param header the first paragraph (command, date, duration)
   * @param method one bullet per measure: how it was taken
   */
  markdown(header: string, method: string[]): string {
    const lines = [
      "# Benchmarks",
      "",
      header,
      "",
      "## Machine",
      "",
      ...Object.entries(machine()).map(([k, v]) => `- ${k}: ${v}`),
      "",
      "## Method",
      "",
      ...method.map((m) => `- ${m}`),
      "",
      "## Results",
      "",
      "| Section | Measure | Value | Target | Met |",
      "| --- | --- | --- | --- | --- |",
      ...this.rows.map(
        (r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target} | ${r.met} |`,
      ),
      "",
      ...this.beforeAfter(),
      "## Targets missed",
      "",
    ];
    const missed = this.rows.filter((r) => r.met === "NO");
    if (missed.length === 0) lines.push("None.");
    for (const r of missed)
      lines.push(`- **${r.section} — ${r.measure}**: ${r.value}, target ${r.target}.`);
    lines.push("");
    if (this.notes.length > 0) lines.push("## Notes", "", ...this.notes.map((n) => `- ${n}`), "");
    return lines.join("\n");
  }

  /** The "Before and after" section: tools/bench/baseline.json beside this run's keyed rows. */
  private beforeAfter(): string[] {
    const baseline = JSON.parse(
      fs.readFileSync(path.join(__dirname, "baseline.json"), "utf8"),
    ) as Baseline;
    const after = (key: string) => this.rows.find((r) => r.key === key)?.value ?? "—";
    return [
      "## Before and after",
      "",
      `Before: commit ${baseline.commit}, measured ${baseline.measuredOn}, ${baseline.how} (tools/bench/baseline.json). After: this run.`,
      "",
      "| Measure | Before | After |",
      "| --- | --- | --- |",
      ...Object.entries(BEFORE_AFTER_LABELS).map(
        ([key, label]) => `| ${label} | ${baseline.figures[key] ?? "—"} | ${after(key)} |`,
      ),
      "",
      "Causes found by profiling, and their fixes:",
      "",
      ...baseline.fixes.map((fix) => `- ${fix}`),
      "",
    ];
  }
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
