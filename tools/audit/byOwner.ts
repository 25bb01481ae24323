/**
 * The per-owner report (`--by-owner`, `--markdown FILE`): the audit's findings grouped by owner
 * ({@link groupByOwner}), as text for a terminal, one JSON document, or Markdown for a job summary
 * or an issue body.
 *
 * Tenant text (display names, owner names, messages quoting them) reaches a terminal through
 * tools/offline's `neutralise` (control and bidi characters shown escaped); in Markdown it is
 * neutralised the same way, then every Markdown special character is backslash-escaped, so a
 * display name can neither format the report, link anywhere, nor inject HTML. `--json` keeps every
 * value exact.
 */
import { neutralise } from "../offline";
import { forTerminal } from "./errors";
import { ownerJson, ownerName, type Owner, type OwnerFinding, type OwnerReport } from "./owners";
import type { AuditSummary } from "./rules";

/** `--by-owner --json`: exactly these two keys. */
export interface ByOwnerJson {
  owners: { owner: ReturnType<typeof ownerJson>; findings: OwnerFinding[] }[];
  summary: AuditSummary;
}

/** `{owners: [{owner, findings}], summary}`, pretty-printed, with a final newline. */
export function renderByOwnerJson(reports: readonly OwnerReport[], summary: AuditSummary): string {
  const document: ByOwnerJson = {
    owners: reports.map((report) => ({
      owner: ownerJson(report.owner),
      findings: report.findings,
    })),
    summary,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The findings by owner for a terminal: per owner a heading line, then each finding (level,
 * policy, object, credential, end) and its message with the fix, indented; a summary line.
 *
 * @param source what was audited, e.g. `apps.json` or `Microsoft Graph (…)`
 */
export function renderByOwnerText(
  reports: readonly OwnerReport[],
  summary: AuditSummary,
  source: string,
): string {
  const lines = [
    `Tenant audit of ${forTerminal(source)} as of ${summary.now}: findings by owner (${count(reports.filter((r) => r.owner !== null).length, "owner")} with findings${reports.some((r) => r.owner === null) ? ", and objects with no owner" : ""}).`,
    "",
  ];
  if (reports.length === 0) lines.push("No findings.", "");
  for (const report of reports) {
    lines.push(
      `${neutralise(ownerLine(report.owner))}: ${count(report.findings.length, "finding")}`,
    );
    for (const finding of report.findings) {
      const mark = finding.level === "mandatory" ? "*" : " ";
      lines.push(
        `  ${mark} ${finding.policy}  ${objectNoun(finding)} ${neutralise(JSON.stringify(finding.displayName ?? ""))} (appId ${finding.appId ?? "?"}) ${finding.credentialType} ${finding.keyId}, ${endText(finding)}`,
        `      ${forTerminal(finding.message)}`,
      );
    }
    lines.push("");
  }
  lines.push(summaryLine(summary) + " (* mandatory)");
  return `${lines.join("\n")}\n`;
}

/**
 * The findings by owner as Markdown: a title and the summary, then one `##` section per owner
 * (the objects nobody owns under "No owner"), each finding a list item (level, policy, object,
 * credential, end, message with the fix).
 */
export function renderByOwnerMarkdown(
  reports: readonly OwnerReport[],
  summary: AuditSummary,
  source: string,
): string {
  const lines = [
    `# Credential audit by owner`,
    "",
    `Tenant audit of ${markdownText(source)} as of ${summary.now}\\. ${markdownText(summaryLine(summary))}`,
    "",
  ];
  if (reports.length === 0) lines.push("No findings\\.", "");
  for (const report of reports) {
    lines.push(
      `## ${report.owner === null ? "No owner" : markdownText(ownerLine(report.owner))}`,
      "",
      `${count(report.findings.length, "finding")}:`,
      "",
    );
    for (const f of report.findings) {
      lines.push(
        `- **${f.level}** \`${f.policy}\`: ${objectNoun(f)} ${markdownText(f.displayName ?? "")} (appId ${code(f.appId ?? "?")}), ${f.credentialType} ${code(f.keyId)}, ${f.credentialType === "federated" ? "never expires" : `ends ${f.endDateTime === null ? "unreadable" : code(f.endDateTime)}`}  `,
        `  ${markdownText(f.message)}`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}

/**
 * Tenant text for Markdown, on one line: control and bidi characters neutralised, whitespace
 * collapsed, every ASCII punctuation character Markdown or HTML could act on backslash-escaped
 * (CommonMark lets any of them be escaped), so it always renders as the literal text.
 */
export function markdownText(text: string): string {
  return neutralise(text.replace(/\s+/g, " ").trim()).replace(
    /[\\`*_{}[\]()#+\-.!|<>~&@:"'=$%^;/?,]/g,
    "\\$&",
  );
}

/** A value that holds only safe characters (ids, instants) as inline code; anything else escaped. */
function code(text: string): string {
  return /^[A-Za-z0-9:.+-]+$/.test(text) ? `\`${text}\`` : markdownText(text);
}

/** `alice@contoso.com (mail alice@contoso.com, id …)`, or `no owner`. */
function ownerLine(owner: Owner | null): string {
  if (owner === null) return "no owner";
  const details = [
    owner.mail !== undefined && owner.mail !== ownerName(owner) ? `mail ${owner.mail}` : "",
    `id ${owner.id}`,
  ].filter((s) => s !== "");
  return `${ownerName(owner)} (${details.join(", ")})`;
}

function objectNoun(finding: OwnerFinding): string {
  return finding.objectType === "application" ? "application" : "service principal";
}

/** `ends <instant>`, `ends unreadable`, or `never expires` for a federated credential. */
function endText(finding: OwnerFinding): string {
  if (finding.credentialType === "federated") return "never expires";
  return `ends ${finding.endDateTime ?? "unreadable"}`;
}

function summaryLine(summary: AuditSummary): string {
  const { mandatory, advisory } = summary.findings;
  return `Summary: ${count(mandatory, "mandatory finding")}, ${count(advisory, "advisory finding")}; exit code ${summary.exitCode}.`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
