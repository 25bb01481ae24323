/**
 * Benchmark of the offline audit at tenant scale:
 *
 *   node -r ts-node/register/transpile-only tools/audit/bench.ts [--apps 10000] [--runs 3]
 *
 * Generates `--apps` applications × 3 credentials (and one service principal per five apps, a
 * third of them holding a secret) into a temporary directory, as `az ad app list --all` /
 * `az ad sp list --all` print them, then times `npm run audit -- --apps … --service-principals …`
 * as users run it: a spawned `node -r ts-node/register/transpile-only tools/audit/cli.ts`, wall
 * time from spawn to exit, for the table (default), `--json` and `--adopt`; CPU time (user +
 * system) and peak RSS of the child from `process.resourceUsage()` (./benchUsage.ts preload).
 * Prints the median of `--runs` runs per mode as a Markdown table, with the machine's load average
 * (wall time depends on it, CPU time hardly). Figures only: no assertion.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "tools", "audit", "cli.ts");
const USAGE_REPORTER = path.join(ROOT, "tools", "audit", "benchUsage.ts");
/** The instant the generated tenant is audited at. */
const NOW = "2026-03-01T00:00:00Z";
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name}: expected a positive whole number, got ${process.argv[index + 1]}`);
  }
  return value;
}

/** A deterministic pseudo-random generator (mulberry32), so every run audits the same tenant. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", ".1234567Z");
}

/** Writes the generated tenant into `dir`; returns the two file paths. */
export function generate(dir: string, apps: number): { apps: string; servicePrincipals: string } {
  const next = random(42);
  let key = 0;
  const credentialAt = (displayName: string | null, startDays: number, lengthDays: number) => ({
    customKeyIdentifier: null,
    displayName,
    endDateTime: iso(NOW_MS + (startDays + lengthDays) * DAY),
    hint: "abc",
    keyId: guid(3, key++),
    secretText: null,
    startDateTime: iso(NOW_MS + startDays * DAY),
  });
  const password = () => {
    const managed = next() < 0.4;
    const lengthDays = managed ? 390 : [180, 365, 730, 1095][Math.floor(next() * 4)];
    const startDays = -Math.floor(next() * lengthDays * 1.1);
    return credentialAt(
      managed ? `app-credentials slot ${key % 2} generation ${key % 7}` : "portal secret",
      startDays,
      lengthDays,
    );
  };
  const applications = Array.from({ length: apps }, (_, n) => ({
    id: guid(1, n),
    appId: guid(2, n),
    displayName: `Generated app ${n % 997} ${["API", "worker", "portal", "job"][n % 4]}`,
    signInAudience: "AzureADMyOrg",
    identifierUris: [],
    requiredResourceAccess: [],
    passwordCredentials: [password(), password()],
    keyCredentials: [
      {
        ...credentialAt("CN=generated", -Math.floor(next() * 300), 365),
        type: "AsymmetricX509Cert",
        usage: "Verify",
        key: null,
      },
    ],
  }));
  const servicePrincipals = Array.from({ length: Math.floor(apps / 5) }, (_, n) => ({
    id: guid(4, n),
    appId: guid(2, n * 5),
    displayName: `Generated app ${(n * 5) % 997}`,
    servicePrincipalType: "Application",
    servicePrincipalNames: [],
    passwordCredentials: n % 3 === 0 ? [password()] : [],
    keyCredentials: [],
  }));
  const files = {
    apps: path.join(dir, "apps.json"),
    servicePrincipals: path.join(dir, "service-principals.json"),
  };
  fs.writeFileSync(files.apps, JSON.stringify(applications, null, 2));
  fs.writeFileSync(files.servicePrincipals, JSON.stringify(servicePrincipals, null, 2));
  return files;
}

interface Sample {
  ms: number;
  cpuMs: number;
  maxRssBytes: number;
  stdoutBytes: number;
  exitCode: number | null;
}

/** Spawns the CLI once; wall time from spawn to exit, the child's peak RSS. */
function runOnce(args: string[], usageFile: string): Promise<Sample> {
  fs.rmSync(usageFile, { force: true });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "-r", USAGE_REPORTER, CLI, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, AUDIT_BENCH_USAGE_FILE: usageFile },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdoutBytes += chunk.length));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (exitCode) => {
      const ms = performance.now() - started;
      if (exitCode !== 0 && exitCode !== 1) {
        reject(new Error(`audit exited ${exitCode}: ${stderr}`));
        return;
      }
      const usage = fs.existsSync(usageFile)
        ? (JSON.parse(fs.readFileSync(usageFile, "utf8").trim().split("\n")[0]) as {
            maxRssBytes: number;
            cpuMs: number;
          })
        : { maxRssBytes: Number.NaN, cpuMs: Number.NaN };
      resolve({ ms, ...usage, stdoutBytes, exitCode });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  const apps = option("--apps", 10_000);
  const runs = option("--runs", 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-bench-"));
  try {
    const files = generate(dir, apps);
    const sizeMiB =
      (fs.statSync(files.apps).size + fs.statSync(files.servicePrincipals).size) / 2 ** 20;
    const credentials = apps * 3 + Math.ceil(apps / 5 / 3);
    process.stderr.write(
      `audit bench: ${apps} applications × 3 credentials, ${Math.floor(apps / 5)} service principals (${credentials} credentials, ${sizeMiB.toFixed(1)} MiB of JSON), ${runs} run(s) per mode\n`,
    );
    const base = [
      "--apps",
      files.apps,
      "--service-principals",
      files.servicePrincipals,
      "--now",
      NOW,
    ];
    const modes: [string, string[]][] = [
      ["table (default)", base],
      ["--json", [...base, "--json"]],
      ["--adopt", [...base, "--adopt"]],
    ];
    const lines = [
      `| Mode | Wall time (median of ${runs}) | Wall min – max | CPU user + sys (median) | Peak RSS (max) | stdout |`,
      "| --- | --- | --- | --- | --- | --- |",
    ];
    const loadBefore = os.loadavg()[0];
    for (const [name, args] of modes) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(await runOnce(args, path.join(dir, "usage.jsonl")));
        process.stderr.write(`  ${name} run ${i + 1}: ${(samples[i].ms / 1000).toFixed(2)} s\n`);
      }
      const times = samples.map((s) => s.ms);
      const seconds = (ms: number) => (ms / 1000).toFixed(2);
      lines.push(
        `| ${name} | ${seconds(median(times))} s | ${seconds(Math.min(...times))} – ${seconds(Math.max(...times))} s | ${seconds(median(samples.map((s) => s.cpuMs)))} s | ${(Math.max(...samples.map((s) => s.maxRssBytes)) / 2 ** 20).toFixed(0)} MiB | ${(samples[0].stdoutBytes / 2 ** 20).toFixed(1)} MiB |`,
      );
    }
    process.stdout.write(
      [
        `Offline audit, ${apps.toLocaleString("en-US")} applications × 3 credentials + ${Math.floor(apps / 5).toLocaleString("en-US")} service principals (${credentials.toLocaleString("en-US")} credentials, ${sizeMiB.toFixed(1)} MiB of JSON), Node ${process.version}, ${os.availableParallelism()} cores, load average ${loadBefore.toFixed(1)} before / ${os.loadavg()[0].toFixed(1)} after:`,
        "",
        ...lines,
        "",
      ].join("\n"),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `audit bench: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  });
}
