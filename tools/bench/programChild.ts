/**
 * Child process of the program benchmark: runs createStack under the simulated Azure for a
 * generated config of `argv[2]` apps and prints one JSON line with the timings and peak memory.
 * With `argv[3]`, also writes the registrations (JSON) to that file.
 */
import * as fs from "fs";
import { generateConfig, BENCH_NOW_MS } from "./generate";

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  const dump = process.argv[3];
  const t0 = process.hrtime.bigint();
  // Loaded here so module load time is measured separately from the run.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { simulateAzure } = require("../offline") as typeof import("../offline");
  const { parseStackConfig } =
    require("../../components/config") as typeof import("../../components/config");
  const { createStack } =
    require("../../components/stack") as typeof import("../../components/stack");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const t1 = process.hrtime.bigint();
  const simulation = simulateAzure({
    project: "app-credentials",
    stack: "bench",
    nowMs: () => BENCH_NOW_MS,
  });
  await createStack(parseStackConfig(generateConfig(n), BENCH_NOW_MS), BENCH_NOW_MS);
  await simulation.settle();
  const t2 = process.hrtime.bigint();
  if (dump) fs.writeFileSync(dump, JSON.stringify(simulation.registrations));
  const result = {
    apps: n,
    loadMs: Number(t1 - t0) / 1e6,
    runMs: Number(t2 - t1) / 1e6,
    registrations: simulation.registrations.length,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
