/**
 * Configuration that cannot silently lie: unknown keys stop the run, secret values never appear in
 * errors, catalogue files (appFiles) and selectors split a large catalogue, and a configuration
 * too large for Pulumi to pass to a program is refused with what to do instead.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, parseStackConfig } from "../../components/config";
import {
  CATALOGUE_FILE_MAX_BYTES,
  CONFIG_ENV_LIMIT_BYTES,
  configEnvironmentBytes,
  configSizeAdvice,
  rawConfigFromValues,
} from "../../components/config/configSource";
import { simulateAzure } from "../../tools/offline/simulator/simulatedAzure";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const VAULT = JSON.stringify({ existing: { resourceGroupName: "rg", name: "kv-creds" } });
const ns = (key: string) => `app-credentials:${key}`;

function problemsOf(values: Record<string, string>, dir = process.cwd(), secret: string[] = []) {
  try {
    parseStackConfig(rawConfigFromValues(values, dir, secret), NOW);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

/** Folders made by {@link tempProject}, removed after the tests. */
const tempProjects: string[] = [];

function tempProject(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "appcred-config-"));
  tempProjects.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(
      path.join(dir, name),
      typeof content === "string" ? content : stringify(content),
    );
  }
  return dir;
}

describe("configuration sources: unknown keys, secrets, catalogue files, size", () => {
  after(() => {
    for (const dir of tempProjects.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("stops on a misspelt top-level key, naming it and the closest known key", () => {
    const problems = problemsOf({
      [ns("keyVault")]: VAULT,
      [ns("apps")]: JSON.stringify([{ name: "a" }]),
      [ns("rotaiton")]: JSON.stringify({ period: "P30D", slots: 1 }),
      "azure-native:location": "westeurope",
    });
    assert.deepStrictEqual(problems, [
      "app-credentials:rotaiton: unknown configuration key; did you mean `rotation`? the keys are keyVault, rotation, rotationTrigger, apps, appFiles, appSelector (closest: rotation)",
    ]);
  });

  it("never shows the value of a secret key in an error", () => {
    const owner = "not-a-guid-but-a-secret-value-1234";
    const problems = problemsOf(
      {
        [ns("keyVault")]: VAULT,
        [ns("apps")]: JSON.stringify([{ name: "a", owners: [owner], rotationTrigger: 7 }]),
        [ns("rotationTrigger")]: "",
        [ns("rotation")]: "{not json: s3cr3t-text",
      },
      process.cwd(),
      [ns("apps"), ns("rotationTrigger"), ns("rotation")],
    );
    const text = problems.join("\n");
    assert.doesNotMatch(text, /not-a-guid|s3cr3t/);
    assert.match(text, /app-credentials:apps\[0\]\.owners: \[secret\] is invalid/);
    assert.match(text, /app-credentials:apps\[0\]\.rotationTrigger: \[secret\] is invalid/);
    assert.match(text, /app-credentials:rotationTrigger: \[secret\] is invalid/);
    assert.match(
      text,
      /app-credentials:rotation: \[secret\] is invalid; expected an object or list/,
    );
  });

  it("reads apps from catalogue files beside inline apps; names stay unique across all", () => {
    const dir = tempProject({
      "catalog/payments.yaml": {
        apps: [
          { name: "pay-api", tags: ["team-payments"] },
          { name: "pay-worker", credential: "certificate" },
        ],
      },
      "catalog/crm.yaml": { apps: [{ name: "crm-sync", tags: ["team-crm"] }] },
    });
    const values = {
      [ns("keyVault")]: VAULT,
      [ns("apps")]: JSON.stringify([{ name: "inline-app" }]),
      [ns("appFiles")]: JSON.stringify(["catalog/payments.yaml", "catalog/crm.yaml"]),
    };
    const config = parseStackConfig(rawConfigFromValues(values, dir), NOW);
    assert.deepStrictEqual(
      config.apps.map((a) => [a.name, a.credential, a.tags]),
      [
        ["inline-app", "password", []],
        ["pay-api", "password", ["team-payments"]],
        ["pay-worker", "certificate", []],
        ["crm-sync", "password", ["team-crm"]],
      ],
    );
    const duplicate = tempProject({
      "a.yaml": { apps: [{ name: "Inline-App" }, { name: "ok", signInAudience: "Everyone" }] },
    });
    assert.deepStrictEqual(
      problemsOf({ ...values, [ns("appFiles")]: JSON.stringify(["a.yaml"]) }, duplicate),
      [
        'a.yaml: apps[0].name: "Inline-App" is invalid; app names must be unique, ignoring case (Key Vault secret names are case-insensitive); apps[0] has it already',
        'a.yaml: apps[1].signInAudience: "Everyone" is invalid; expected one of AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount, PersonalMicrosoftAccount',
      ],
    );
  });

  it("reads only regular files inside the project, of bounded size: never a device, a FIFO or a path outside", () => {
    const dir = tempProject({ "ok.yaml": { apps: [{ name: "inside" }] } });
    const outside = tempProject({ "elsewhere.yaml": { apps: [{ name: "outside" }] } });
    fs.symlinkSync(path.join(outside, "elsewhere.yaml"), path.join(dir, "link.yaml"));
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    execFileSync("mkfifo", [path.join(dir, "fifo.yaml")]);
    fs.mkdirSync(path.join(dir, "folder.yaml"));
    fs.writeFileSync(path.join(dir, "big.yaml"), Buffer.alloc(CATALOGUE_FILE_MAX_BYTES + 1, 32));
    const files = [
      "../" + path.basename(outside) + "/elsewhere.yaml",
      "link.yaml",
      "/etc/passwd",
      "zero.yaml",
      "fifo.yaml",
      "folder.yaml",
      "big.yaml",
      "ok.yaml",
    ];
    const started = Date.now();
    const problems = problemsOf(
      { [ns("keyVault")]: VAULT, [ns("appFiles")]: JSON.stringify(files) },
      dir,
    );
    assert.ok(Date.now() - started < 5_000, "no file is read without bound");
    const byFile = (file: string) => problems.find((p) => p.startsWith(`${file}: `)) ?? "";
    assert.match(byFile(files[0]), /is outside the project directory/);
    assert.match(byFile("link.yaml"), /is outside the project directory/);
    assert.match(byFile("/etc/passwd"), /is outside the project directory/);
    assert.match(byFile("zero.yaml"), /is outside the project directory|is not a regular file/);
    assert.match(byFile("fifo.yaml"), /is not a regular file/);
    assert.match(byFile("folder.yaml"), /is not a regular file/);
    assert.match(byFile("big.yaml"), /above the 16777216-byte limit/);
    assert.strictEqual(byFile("ok.yaml"), "");
    assert.strictEqual(problems.length, 7, problems.join("\n"));
  });

  it("refuses a secret value under a key the program publishes in resource inputs", () => {
    const values = {
      [ns("keyVault")]: VAULT,
      [ns("apps")]: JSON.stringify([{ name: "a" }]),
      [ns("rotationTrigger")]: "incident-hunter2",
    };
    const problems = problemsOf(values, process.cwd(), [ns("rotationTrigger")]);
    assert.deepStrictEqual(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^app-credentials:rotationTrigger: \[secret\] is invalid; a secret value would be published in plain text in the rotateWhenChanged of every password/,
    );
    assert.ok(!problems[0].includes("hunter2"));
    // The same value, not secret, is accepted.
    assert.strictEqual(parseStackConfig(rawConfigFromValues(values), NOW).apps.length, 1);
  });

  it("names a missing, malformed or mis-shaped catalogue file", () => {
    const dir = tempProject({ "bad.yaml": "apps: [unclosed", "shape.yaml": { app: [] } });
    const problems = problemsOf(
      {
        [ns("keyVault")]: VAULT,
        [ns("appFiles")]: JSON.stringify(["missing.yaml", "bad.yaml", "shape.yaml"]),
      },
      dir,
    );
    assert.strictEqual(problems.length, 4, problems.join("\n"));
    assert.match(
      problems[0],
      new RegExp(
        `^missing\\.yaml: cannot be read \\(not found\\); app-credentials:appFiles paths are relative to ${dir.replace(/[/\\\\]/g, ".")}`,
      ),
    );
    assert.match(problems[1], /^bad\.yaml: not valid YAML/);
    assert.strictEqual(
      problems[2],
      "shape.yaml: expected a YAML document with an `apps:` list of app entries",
    );
    assert.match(
      problems[3],
      /^app-credentials:apps: \(missing\) is invalid; expected a non-empty list of apps, here or in the appFiles$/,
    );
  });

  it("serves the apps carrying any of the selector's tags; a selector matching nothing is refused", () => {
    const dir = tempProject({
      "all.yaml": {
        apps: [
          { name: "a", tags: ["team-a"] },
          { name: "b", tags: ["team-b"] },
          { name: "c", tags: ["team-a", "shared"] },
          // Not selected: only its name is checked (for uniqueness), not the rest.
          { name: "d", tags: ["team-d"], signInAudience: "Everyone" },
        ],
      },
    });
    const values = {
      [ns("keyVault")]: VAULT,
      [ns("appFiles")]: JSON.stringify(["all.yaml"]),
      [ns("appSelector")]: JSON.stringify({ tags: ["team-a"] }),
    };
    const config = parseStackConfig(rawConfigFromValues(values, dir), NOW);
    assert.deepStrictEqual(
      config.apps.map((a) => a.name),
      ["a", "c"],
    );
    assert.deepStrictEqual(
      problemsOf({ ...values, [ns("appSelector")]: JSON.stringify({ tags: ["team-z"] }) }, dir),
      [
        'app-credentials:appSelector: {"tags":["team-z"]} is invalid; it selects none of the 4 apps: no app has any of the tags team-z',
      ],
    );
  });

  it("measures the config as Pulumi passes it and refuses one above the E2BIG limit, saying what to do", () => {
    const apps = Array.from({ length: 1200 }, (_, i) => ({
      name: `app-${String(i).padStart(5, "0")}`,
      displayName: `Application number ${i} of the payments platform`,
      owners: ["3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
    }));
    const values = { [ns("keyVault")]: VAULT, [ns("apps")]: JSON.stringify(apps) };
    const bytes = configEnvironmentBytes(values);
    assert.ok(bytes > CONFIG_ENV_LIMIT_BYTES, String(bytes));
    const problems = problemsOf(values);
    assert.strictEqual(problems.length, 1);
    assert.match(
      problems[0],
      /above Linux's 128\.0 KiB limit for one variable: Pulumi cannot start the program or the policy pack \(spawn E2BIG/,
    );
    assert.match(
      problems[0],
      /Fix: move app entries from app-credentials:apps into catalogue files listed in app-credentials:appFiles/,
    );
    const near = { [ns("keyVault")]: VAULT, [ns("apps")]: JSON.stringify(apps.slice(0, 750)) };
    assert.strictEqual(configSizeAdvice(near)?.level, "near");
    assert.strictEqual(configSizeAdvice({ [ns("apps")]: "[]" }), undefined);
  });

  it("the program reads the stack's secret keys and files as Pulumi hands them over", async () => {
    const dir = tempProject({ "team.yaml": { apps: [{ name: "from-file" }] } });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const simulation = simulateAzure({
        project: "app-credentials",
        stack: "test",
        config: {
          [ns("keyVault")]: VAULT,
          [ns("appFiles")]: JSON.stringify(["team.yaml"]),
          [ns("apps")]: JSON.stringify([{ name: "inline", owners: ["hunter2-is-secret"] }]),
        },
        secretKeys: [ns("apps")],
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const program = require("../../index") as () => Promise<unknown>;
      await assert.rejects(program(), (error: ConfigError) => {
        assert.ok(error instanceof ConfigError);
        assert.doesNotMatch(error.message, /hunter2/);
        assert.match(error.message, /app-credentials:apps\[0\]\.owners: \[secret\] is invalid/);
        return true;
      });
      await simulation.settle();
      assert.deepStrictEqual(simulation.registrations, []);
    } finally {
      process.chdir(cwd);
    }
  });
});
