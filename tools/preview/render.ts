/**
 * Renders a preview for a terminal (plain text, no colours: readable in CI logs) or as one JSON
 * document.
 *
 * Every value that comes from the stack, the program, the tenant snapshot or the policy pack
 * (resource types and names, app names, secret and vault names, tags, messages quoting them,
 * notes) is drawn through `neutralise`: control and bidi characters are shown escaped, so a name
 * cannot clear the screen, retitle the terminal, recolour or reorder rows. It is neutralised
 * before it is measured or split into lines, so columns stay aligned and a line break in a value
 * cannot forge a row. The JSON document keeps every value exact.
 */
import Table from "cli-table3";
import { neutralise as n } from "../offline";
import { ConsumerGrant, ConsumerRow, referenceEntries } from "./consumers";
import type { CredentialRow, SignInRow } from "./credentials";
import type { PolicyDiagnostic } from "./policies";
import type { FailureReport, PreviewReport, ResourceNode } from "./report";

/** Enforcement levels in the order they are shown. */
const LEVEL_ORDER = ["mandatory", "remediate", "advisory", "disabled"];

/** `1 credential`, `2 credentials`. */
function count(k: number, noun: string): string {
  return `${k} ${noun}${k === 1 ? "" : "s"}`;
}

/** cli-table3's text without the trailing padding of each line. */
function tableText(t: Table.Table): string {
  return t
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/** A borderless table with a rule under the header. */
function table(head: string[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], compact: true, "padding-left": 0, "padding-right": 2 },
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "  ",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "",
    },
  });
}

/**
 * `2027-07-11T04:56:00Z` → `2027-07-11 04:56:00Z`: one format for every instant of the tables
 * (whole seconds, as the provider stores credential dates; a fraction is dropped), so start and
 * end dates line up and compare at a glance. Not an RFC 3339 instant: shown as is, neutralised.
 */
export function short(instant: string | undefined): string {
  if (instant === undefined) return "-";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(instant);
  return match ? `${match[1]} ${match[2]}Z` : n(instant);
}

/** The tree's marker per plan, as `pulumi preview` draws them (`+-` replace, `~` update). */
const MARKERS: Record<ResourceNode["op"] | "skip", string> = {
  create: "+",
  read: ">",
  skip: " ",
  same: " ",
  update: "~",
  replace: "+-",
  delete: "-",
};

/** The resource tree, grouped by parent like `pulumi preview`. */
export function renderTree(resources: ResourceNode[]): string[] {
  const children = new Map<string | undefined, ResourceNode[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    const key = r.parent !== undefined && urns.has(r.parent) ? r.parent : undefined;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const rows: [string, string, string, string][] = [];
  const walk = (node: ResourceNode, prefix: string, branch: string) => {
    const plan = node.status === "skipped" ? "skip" : node.op;
    const marker = node.status === "failed" ? "!" : MARKERS[plan];
    const status = node.status === "failed" ? "  (refused: see Refused steps)" : "";
    const detail =
      node.changed && node.changed.length > 0
        ? ` (${node.changed.map(n).join(", ")})`
        : node.pendingDelete
          ? " (old copy of a replaced resource)"
          : "";
    rows.push([
      `${prefix}${branch}${n(node.type)}`,
      n(node.name),
      marker,
      `${plan}${detail}${status}`,
    ]);
    const kids = children.get(node.urn) ?? [];
    const nextPrefix = prefix + (branch === "" ? "" : branch === "└─ " ? "   " : "│  ");
    kids.forEach((kid, i) => walk(kid, nextPrefix, i === kids.length - 1 ? "└─ " : "├─ "));
  };
  for (const root of children.get(undefined) ?? []) walk(root, "", "");
  const width = Math.max(4, ...rows.map(([type]) => type.length));
  const nameWidth = Math.max(4, ...rows.map(([, name]) => name.length));
  return [
    `     ${"Type".padEnd(width)}  ${"Name".padEnd(nameWidth)}  Plan`,
    ...rows.map(
      ([type, name, marker, plan]) =>
        ` ${marker.padEnd(2)}  ${type.padEnd(width)}  ${name.padEnd(nameWidth)}  ${plan}`,
    ),
  ];
}

/** A last sign-in cell: the instant, `none recorded`, `no data`, or `-` when not known. */
function signInCell(sign: SignInRow | undefined): string {
  if (sign === undefined) return "-";
  if (sign.status === "signed-in") return short(sign.at);
  return sign.status === "none-recorded" ? "none recorded" : "no data";
}

/** A key id cell: its first 8 characters, or `(new)` for a key id Azure has yet to assign. */
function keyIdCell(c: CredentialRow): string {
  if (c.keyIdSource === "simulated") return "(new)";
  return c.keyId ? `${n(c.keyId.slice(0, 8))}…` : "-";
}

function renderCredentials(report: PreviewReport): string[] {
  if (report.credentials.length === 0) return ["Credentials: none declared"];
  const certificates = report.credentials.some((c) => c.kind === "certificate");
  const planned = report.state !== undefined;
  const signIns = report.credentialActivity !== undefined;
  const t = table([
    "App",
    "Kind",
    "Slot",
    "Gen",
    ...(planned ? ["Step"] : []),
    "Key ID",
    "Start",
    "End",
    "Days",
    ...(signIns ? ["Last sign-in"] : []),
    "Next rotation",
    ...(certificates ? ["Thumbprint", "notAfter"] : []),
    "Key Vault",
  ]);
  for (const c of report.credentials) {
    const deleted = c.step === "delete";
    t.push([
      n(c.app),
      c.keyInKeyVault ? "certificate (key in Key Vault)" : n(c.kind),
      n(c.slot ?? "-"),
      c.generation === undefined ? "-" : String(c.generation),
      ...(planned ? [c.pendingDelete ? "delete (old copy)" : n(c.step ?? "create")] : []),
      keyIdCell(c),
      short(c.start),
      short(c.end),
      c.lifetimeDays === undefined ? "-" : c.lifetimeDays.toFixed(1),
      ...(signIns ? [signInCell(c.lastSignIn)] : []),
      deleted
        ? "-"
        : c.nextRotation
          ? short(c.nextRotation)
          : c.scheduleError
            ? "invalid schedule"
            : "never",
      ...(certificates
        ? [
            c.thumbprint ? `${n(c.thumbprint.slice(0, 8))}…` : "",
            c.notAfter ? short(c.notAfter) : "",
          ]
        : []),
      !deleted && c.keyVaultSecrets.length > 0 ? `◀ ${c.keyVaultSecrets.map(n).join(", ")}` : "",
    ]);
    // A replacement deletes the credential the state holds: its own line under the new one.
    if (c.replaces) {
      const old = c.replaces;
      t.push([
        "",
        "",
        "",
        "",
        "└ deletes",
        old.keyId ? `${n(old.keyId.slice(0, 8))}…` : "-",
        short(old.start),
        short(old.end),
        "",
        ...(signIns ? [signInCell(old.lastSignIn)] : []),
        "",
        ...(certificates ? ["", ""] : []),
        "",
      ]);
    }
  }
  const heading = planned
    ? `Credentials (as of ${short(report.now)}; what the next pulumi up does with each, from the state):`
    : `Credentials (as of ${short(report.now)}):`;
  return [heading, tableText(t)];
}

function renderSecrets(report: PreviewReport): string[] {
  if (report.secrets.length === 0) return ["Key Vault secrets: none declared"];
  const t = table(["Secret", "Vault", "Content type", "Expires", "In days", "Holds key"]);
  for (const s of report.secrets) {
    t.push([
      n(s.secretName),
      n(s.vault),
      n(s.contentType ?? "-"),
      s.expires ? short(s.expires) : "never",
      s.expiresInDays === undefined ? "-" : s.expiresInDays.toFixed(1),
      s.holdsKeyId ? `${n(s.holdsKeyId.slice(0, 8))}…` : "",
    ]);
  }
  return ["Key Vault secrets:", tableText(t)];
}

/** The role every consumer of this project is granted: named only when a grant has another. */
const SECRETS_USER = "Key Vault Secrets User";

/** `3 × Key Vault Secrets User`, per role in order of first appearance; `none` without grants. */
function grantsCell(grants: ConsumerGrant[]): string {
  if (grants.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const g of grants) {
    const role = g.role ?? g.roleDefinitionId;
    counts.set(role, (counts.get(role) ?? 0) + 1);
  }
  return [...counts].map(([role, k]) => `${k} × ${n(role)}`).join(", ");
}

/** What a grant's scope covers: the secret's name, the vault, else the scope as declared. */
function scopeLabel(g: ConsumerGrant): string {
  if (g.secretName !== undefined) return n(g.secretName);
  if (g.vault !== undefined) return `vault ${n(g.vault)} (every secret)`;
  return n(g.scope);
}

/**
 * One line per secret a consumer reads or is named to paste: the role assignment's scope (with
 * its role when it is not Key Vault Secrets User; `no role assignment` when the reference names a
 * secret none grants) and what it pastes for it.
 */
function consumerLines(c: ConsumerRow): [string, string][] {
  const entries = referenceEntries(c.reference);
  const lines: [string, string][] = [];
  const pasted = new Set<string>();
  for (const g of c.roleAssignments) {
    const entry =
      g.secretName === undefined ? undefined : entries.find((e) => e.secretName === g.secretName);
    if (entry) pasted.add(entry.secretName);
    const role =
      (g.role ?? g.roleDefinitionId) === SECRETS_USER
        ? ""
        : ` (${n(g.role ?? g.roleDefinitionId)})`;
    lines.push([`${scopeLabel(g)}${role}`, entry ? n(entry.pastes) : "-"]);
  }
  for (const e of entries) {
    if (!pasted.has(e.secretName))
      lines.push([`${n(e.secretName)} (no role assignment)`, n(e.pastes)]);
  }
  return lines.length > 0 ? lines : [["-", "-"]];
}

/**
 * The consumer table: one row per consumer and secret; the consumer's own cells on its first row
 * only. `(default)` marks a refresh the configuration leaves to the kind's documented default.
 */
function renderConsumers(report: PreviewReport): string[] {
  if (report.consumers.length === 0) return ["Consumers: none declared"];
  const t = table([
    "App",
    "Consumer",
    "Kind",
    "Principal ID",
    "Refresh",
    "Role assignments",
    "Scope",
    "Pastes",
  ]);
  let previousApp: string | undefined;
  for (const c of report.consumers) {
    const refresh =
      c.refresh === undefined
        ? "-"
        : `${n(c.refresh)}${c.refreshDefault === true ? " (default)" : ""}`;
    consumerLines(c).forEach(([scope, pastes], i) => {
      const first = i === 0;
      t.push([
        first && c.app !== previousApp ? n(c.app) : "",
        first ? n(c.name ?? "-") : "",
        first ? n(c.kind ?? "-") : "",
        first ? n(c.principalId) : "",
        first ? refresh : "",
        first ? grantsCell(c.roleAssignments) : "",
        scope,
        pastes,
      ]);
    });
    previousApp = c.app;
  }
  return [
    "Consumers (who reads each app's secrets, its role assignments, and what it pastes):",
    tableText(t),
  ];
}

function renderDiagnostic(d: PolicyDiagnostic): string[] {
  const where = d.resource ? `${n(d.resource.type)} (${n(d.resource.name)})` : n(d.urn || "stack");
  // The pack writes its messages over several lines: each line is neutralised on its own.
  const message = d.message
    .split("\n")
    .map((line) => `        ${n(line)}`)
    .join("\n");
  const stops = d.engine.stopsUpdate ? "  [stops the whole update]" : "";
  return [`    [${n(d.policy)}]  ${where}${stops}`, message];
}

function renderPolicies(report: PreviewReport): string[] {
  const { pack, diagnostics, policies } = report.policy;
  const own = policies.filter((p) => p.origin === "preview").map((p) => n(p.name));
  const lines = [
    `Policies (${n(pack.name)}@${n(pack.version)}${own.length > 0 ? `, and the preview's ${own.join(", ")}` : ""}):`,
  ];
  const disabled = policies.filter((p) => p.enforcementLevel === "disabled").map((p) => n(p.name));
  const disabledText = disabled.length > 0 ? `; disabled: ${disabled.join(", ")}` : "";
  if (diagnostics.length === 0) {
    const k = policies.length;
    lines.push(`    no violations (${k} ${k === 1 ? "policy" : "policies"}${disabledText})`);
    return lines;
  }
  if (disabled.length > 0) lines.push(`  disabled: ${disabled.join(", ")}`);
  const levels = [...new Set([...LEVEL_ORDER, ...diagnostics.map((d) => d.enforcementLevel)])];
  for (const level of levels) {
    const group = diagnostics.filter((d) => d.enforcementLevel === level);
    if (group.length === 0) continue;
    lines.push(`  ${n(level)} (${group.length}):`);
    for (const d of group) lines.push(...renderDiagnostic(d));
  }
  return lines;
}

/** The summary line. */
export function summaryLine(report: PreviewReport): string {
  const s = report.summary;
  const v = s.violations;
  const others = Object.entries(v)
    .filter(([level, n]) => level !== "mandatory" && level !== "advisory" && n > 0)
    .map(([level, k]) => `, ${k} ${n(level)}`)
    .join("");
  const mandatory =
    v.mandatory > 0 ? `${count(v.mandatory, "mandatory violation")}` : "no mandatory violation";
  const planned = report.state?.plan;
  const verdict =
    s.failures > 0
      ? `${mandatory} and ${count(s.failures, "step")} the real Azure would refuse (exit 2)`
      : s.exitCode === 0
        ? "no mandatory violation (exit 0)"
        : `${mandatory} (exit 1)`;
  const what = planned
    ? `plan from the state: ${planText(planned)} (${count(s.resources, "resource")} declared: ${s.customResources} custom, ${count(s.components, "component")}), `
    : `${count(s.resources, "resource")} to create (${s.customResources} custom, ${count(s.components, "component")}), `;
  return (
    `Summary: ${what}` +
    `${count(s.credentials, "credential")} (${s.credentialsInKeyVault} in Key Vault), ${count(s.secrets, "Key Vault secret")}` +
    (s.roleAssignments > 0 || s.consumers > 0
      ? `, ${count(s.roleAssignments, "role assignment")} (${count(s.consumers, "consumer")})`
      : "") +
    "; " +
    `policies: ${v.mandatory} mandatory, ${v.advisory} advisory${others}: ${verdict}`
  );
}

/** `1 to replace, 3 to update, 74 unchanged`: the plan's steps, every kind that occurs. */
function planText(plan: NonNullable<PreviewReport["state"]>["plan"]): string {
  const parts = [
    plan.create > 0 ? `${plan.create} to create` : "",
    plan.update > 0 ? `${plan.update} to update` : "",
    plan.replace > 0 ? `${plan.replace} to replace` : "",
    plan.delete > 0 ? `${plan.delete} to delete` : "",
    plan.same > 0 ? `${plan.same} unchanged` : "",
    plan.read > 0 ? `${plan.read} read` : "",
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

/** The apps whose schedule the tenant's app management policies refuse (the `--tenant` file). */
function renderTenantPolicyRefusals(report: PreviewReport): string[] {
  if (report.tenantPolicyRefusals.length === 0) return [];
  return [
    `Refused by the tenant's app management policies (${report.tenantPolicyRefusals.length}): at some rotation of each schedule, Entra ID would refuse the credential`,
    ...report.tenantPolicyRefusals.map((r) => `  - ${n(r.app)}: ${n(r.message)}`),
    "",
  ];
}

/** The refused steps, per app. */
function renderFailures(report: PreviewReport): string[] {
  if (report.failures.length === 0) return [];
  const lines = [
    `Refused steps (${report.failures.length}): what the real engine would meet, beside the policies' verdicts`,
  ];
  for (const f of report.failures) {
    const when = f.phase === "apply" ? "apply-time" : `plan-time (${f.phase})`;
    lines.push(
      `    ${n(f.app)}: ${n(f.code)} ${n(f.type)} (${n(f.name)}), ${when}${f.engine.stopsUpdate ? " [stops the whole update]" : ""}`,
      `        ${n(f.message)}`,
      `        engine: ${n(f.engine.summary)}`,
    );
    if (f.skipped.length > 0)
      lines.push(`        skipped by pulumi up as a consequence: ${f.skipped.map(n).join(", ")}`);
  }
  return [...lines, ""];
}

/** The header: what, where, as of when, the churn check's instants, the deployer's Graph permission. */
function renderHeader(report: PreviewReport): string[] {
  const lines = [
    `Previewing stack ${n(report.stack)} of ${n(report.project)} offline (${n(report.dir)}) as of ${report.now}`,
  ];
  const [, ...later] = report.churnCheck.instants;
  if (report.churnCheck.enabled && later.length > 0) {
    lines.push(`Churn check: the program also ran as of ${later.join(" and ")}`);
  }
  if (report.tenant !== undefined) lines.push(`Tenant snapshot: ${n(report.tenant)}`);
  if (report.state !== undefined) {
    const st = report.state;
    const written = st.updatedAt !== undefined ? `, written ${n(st.updatedAt)}` : "";
    lines.push(
      `State: ${n(st.file)} (version ${st.version}${written}; ${count(st.resources, "resource")}): the plan of the next pulumi up`,
    );
  }
  if (report.credentialActivity !== undefined) {
    const a = report.credentialActivity;
    lines.push(
      `Sign-in report: ${n(a.file)} (${a.entries} ${a.entries === 1 ? "entry" : "entries"}; Microsoft Graph beta, may lag up to 24 hours; in use: a sign-in within ${n(a.inUseWindow)})`,
    );
  }
  const { permission, source } = report.graphPermission;
  const from =
    source === "option"
      ? "--graph-permission"
      : source === "tenant"
        ? "the --tenant file's deployer.graphPermission"
        : "default; --graph-permission sets it";
  lines.push(`Deployer's Graph permission: ${permission} (${from})`);
  return lines;
}

/** The whole preview for a terminal. */
export function renderText(report: PreviewReport): string {
  const lines = [
    ...renderHeader(report),
    "",
    ...renderTree(report.resources),
    "",
    ...renderCredentials(report),
    "",
    ...renderSecrets(report),
    "",
    ...renderConsumers(report),
    "",
    ...renderTenantPolicyRefusals(report),
    ...renderFailures(report),
    ...renderPolicies(report),
    "",
  ];
  if (report.notes.length > 0) {
    lines.push("Notes:", ...report.notes.map((note) => `  - ${n(note)}`), "");
  }
  lines.push(summaryLine(report), "");
  if (report.simulatedChecks.length > 0) {
    lines.push(
      "The simulated Azure refuses what the real one would for:",
      ...report.simulatedChecks.map((c) => `  - ${n(c)}`),
    );
  }
  lines.push(
    "An offline preview runs the program against a simulated Azure. It cannot know:",
    ...report.offlineLimits.map((l) => `  - ${n(l)}`),
    `Run \`pulumi preview --policy-pack ${n(report.policy.pack.dir)}\` with Azure credentials to check those.`,
  );
  return lines.join("\n") + "\n";
}

/** The preview or failure as one JSON document (2-space indented). */
export function renderJson(report: PreviewReport | FailureReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
