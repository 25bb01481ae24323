/**
 * Renders an audit for a terminal (plain text, no colours: readable in CI logs) or as one JSON
 * document.
 *
 * The credential table is laid out here rather than with cli-table3 (which the preview uses):
 * cli-table3's layout grows faster than linearly with the row count (measured here: 1,000 rows
 * 0.8 s, 3,000 rows 3.8 s, 33,000 rows 374 s), and a tenant audit has tens of thousands of rows.
 * Nothing here spreads rows into a call (`Math.max(...rows)`, `push(...rows)`): a call's arguments
 * live on the stack, which holds about 125,000 of them.
 *
 * Text from the tenant (display names) and the names of the inputs reach the terminal through
 * tools/text/neutralise.ts: control and bidi characters are shown escaped, so a display name
 * cannot clear the screen, set the window title, colour or reorder what the administrator reads.
 * `--json` keeps every value exact.
 */
import { neutralise } from "../offline";
import { forTerminal } from "./errors";
import { AUDIT_POLICIES, AUDIT_RULES, AuditSettings } from "./policies";
import { shownInstant } from "./rules";
import type { AuditResult, AuditSummary, TenantCredentialRow, Finding } from "./rules";

/** `--json`: exactly these two keys. */
export interface AuditJson {
  findings: Finding[];
  summary: AuditSummary;
}

/** Options of {@link renderText}. */
export interface TextOptions {
  /** What was audited, e.g. `apps.json, sps.json` or `Microsoft Graph`. */
  source: string;
  /** Leave out credentials without findings (`--only-findings`). */
  onlyFindings?: boolean;
}

/** Longest display name shown in the table, in characters (code points), before escaping. */
const NAME_WIDTH = 40;

/** Warnings listed under the table; `--json` has them all. */
const MAX_WARNINGS_SHOWN = 20;

const HEAD = [
  "Object type",
  "Display name",
  "appId",
  "Object id",
  "Credential",
  "keyId",
  "End",
  "Days left",
  "Findings",
];

/**
 * The table (one row per credential, by urgency), a legend of the policies found with their level
 * and count, the disabled policies, warnings (duplicate keyIds) and a summary line.
 */
export function renderText(
  result: AuditResult,
  settings: AuditSettings,
  options: TextOptions,
): string {
  const { summary } = result;
  const rows = options.onlyFindings
    ? result.rows.filter((row) => row.findings.length > 0)
    : result.rows;
  const lines = [
    `Tenant audit of ${forTerminal(options.source)} as of ${summary.now}: ${count(summary.objects.application, "application")}, ${count(summary.objects.servicePrincipal, "service principal")}, ${count(summary.credentials, "credential")}.`,
    "",
  ];
  if (rows.length === 0) {
    lines.push(
      options.onlyFindings && result.rows.length > 0
        ? "No credential has a finding."
        : "No credentials found.",
    );
  } else {
    const table: string[][] = [HEAD];
    for (const row of rows) table.push(cells(row));
    for (const line of layout(table)) lines.push(line);
  }
  lines.push("");
  const found = AUDIT_POLICIES.filter((policy) => (summary.byPolicy[policy] ?? 0) > 0);
  if (found.length > 0) {
    lines.push("Findings (* mandatory):");
    const width = found.reduce((max, p) => Math.max(max, p.length), 0);
    for (const policy of found) {
      const level = settings.levels[policy];
      lines.push(
        `  ${policy.padEnd(width)}  ${String(summary.byPolicy[policy]).padStart(6)}  ${level.padEnd(9)}  ${AUDIT_RULES[policy]}${setting(policy, settings)}`,
      );
    }
    lines.push("");
  }
  const everyPolicyDisabled = summary.disabledPolicies.length === AUDIT_POLICIES.length;
  if (summary.disabledPolicies.length > 0) {
    const names = summary.disabledPolicies.join(", ");
    lines.push(
      everyPolicyDisabled
        ? `Disabled by the policy pack configuration: every policy (${names}): no credential was judged.`
        : `Disabled by the policy pack configuration: ${names}.`,
      "",
    );
  }
  if (!summary.ownersKnown && settings.levels["credential-owner-missing"] !== "disabled") {
    lines.push(
      "Owners not known (give --owners FILE, or use --graph): credential-owner-missing was not judged.",
      "",
    );
  }
  if (summary.warnings.length > 0) {
    lines.push("Warnings:");
    for (const warning of summary.warnings.slice(0, MAX_WARNINGS_SHOWN)) {
      lines.push(`  ${forTerminal(warning)}`);
    }
    const more = summary.warnings.length - MAX_WARNINGS_SHOWN;
    if (more > 0) lines.push(`  … and ${count(more, "more warning")} (--json lists them all)`);
    lines.push("");
  }
  const { mandatory, advisory } = summary.findings;
  lines.push(
    `Summary: ${count(mandatory, "mandatory finding")}, ${count(advisory, "advisory finding")}; exit code ${summary.exitCode}${everyPolicyDisabled ? " (every policy is disabled: nothing was checked)" : ""}.`,
  );
  if (mandatory + advisory > 0) {
    lines.push(
      "Messages and fixes: --json. Put the apps with findings under rotation: --adopt (prints their apps entries).",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `{ findings, summary }`, pretty-printed, with a final newline. */
export function renderJson(result: AuditResult): string {
  const document: AuditJson = { findings: result.findings, summary: result.summary };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A row's cells; a credential whose endDateTime is unreadable shows `unreadable` and `?` days left. */
function cells(row: TenantCredentialRow): string[] {
  return [
    row.object.objectType,
    // Cut first, then escaped: the cut never splits an escape; an escaped name is wider, visibly.
    neutralise(truncate(row.object.displayName.replace(/\s+/g, " "), NAME_WIDTH)),
    // Ids and keyIds were checked to be GUIDs when read (tenant.ts): nothing to escape.
    row.object.appId,
    row.object.objectId,
    row.credential.credentialType,
    row.credential.keyId,
    ...(row.status === "unreadable"
      ? ["unreadable", "?"]
      : [shownInstant(row.credential.endMs), (Math.floor(row.daysLeft * 10) / 10).toFixed(1)]),
    row.findings.map((f) => `${f.policy}${f.level === "mandatory" ? "*" : ""}`).join(", "),
  ];
}

/** Left-aligned columns separated by two spaces (the days column right-aligned), no trailing blanks. */
function layout(table: string[][]): string[] {
  const widths = table[0].map(() => 0);
  for (const row of table) {
    for (let column = 0; column < row.length; column++) {
      widths[column] = Math.max(widths[column], length(row[column]));
    }
  }
  const daysColumn = HEAD.indexOf("Days left");
  return table.map((row) =>
    row
      .map((cell, column) => {
        const pad = " ".repeat(widths[column] - length(cell));
        return column === daysColumn ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** Length in code points, so names with characters outside the BMP stay aligned. */
function length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) n++;
  }
  return n;
}

function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : text;
}

function setting(policy: string, settings: AuditSettings): string {
  if (policy === "credential-max-lifetime") return ` (maxLifetime ${settings.maxLifetime.text})`;
  if (policy === "credential-expiring-soon") return ` (warnBefore ${settings.warnBefore.text})`;
  return "";
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
