// Benchmark preload (`--require`, also through NODE_OPTIONS into child processes): when the
// process ends (exit, or SIGTERM as the preview stops its policy pack), appends one JSON line
// {pid, main, maxRssBytes, cpuMs} to the file named by BENCH_USAGE_FILE (cpuMs: user + system CPU
// time, which barely depends on what else the machine runs).
"use strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
const fs = require("fs");
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const usage = process.resourceUsage();
    const line = {
      pid: process.pid,
      main: process.argv[1] ?? "",
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    };
    fs.appendFileSync(file, JSON.stringify(line) + "\n");
  };
  process.once("exit", write);
  process.once("SIGTERM", () => {
    write();
    process.exit(143);
  });
}
