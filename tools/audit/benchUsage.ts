/**
 * Preload of the audit benchmark (`-r tools/audit/benchUsage.ts`, after ts-node): when the process
 * exits, appends `{maxRssBytes, cpuMs}` (peak resident set, user + system CPU time) as one JSON line
 * to the file named by `AUDIT_BENCH_USAGE_FILE`. CPU time is reported besides wall time because
 * it barely depends on what else the machine runs.
 */
import * as fs from "fs";

const file = process.env.AUDIT_BENCH_USAGE_FILE;
if (file) {
  process.once("exit", () => {
    const usage = process.resourceUsage();
    const line = {
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
