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
import { forTerminal, quoted } from "./errors";
import { AUDIT_POLICIES, AUDIT_RULES, AuditSettings } from "./policies";
import { shownInstant } from "./rules";
import type {
  AuditResult,
  AuditSummary,
  FederatedCredentialRow,
  TenantCredentialRow,
  Finding,
  RestrictionJson,
} from "./rules";

/** One application's federated identity credentials in `--json` (`federatedCredentials`). */
export interface FederatedApplicationJson {
  objectId: string;
  appId: string;
  displayName: string;
  credentials: {
    id: string;
    name: string;
    issuer: string;
    /** null for a flexible credential. */
    subject: string | null;
    audiences: string[];
    description: string | null;
    claimsMatchingExpression: string | null;
    /** The findings on it (their messages are in `findings`). */
    findings: { policy: string; level: "mandatory" | "advisory" }[];
  }[];
}

/**
 * `--json`: `findings` and `summary`; `federatedCredentials` too when they were read (`--graph`,
 * `--federated-credentials FILE`): per application, most urgent first.
 */
export interface AuditJson {
  findings: Finding[];
  summary: AuditSummary;
  federatedCredentials?: FederatedApplicationJson[];
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

/** The column shown when the sign-in report is given, before "Findings". */
const LAST_SIGN_IN = "Last sign-in";

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
    const withActivity = summary.credentialActivity !== null;
    const head = withActivity ? [...HEAD.slice(0, -1), LAST_SIGN_IN, HEAD[HEAD.length - 1]] : HEAD;
    const table: string[][] = [head];
    for (const row of rows) table.push(cells(row, withActivity));
    for (const line of layout(table, HEAD.indexOf("Days left"))) lines.push(line);
  }
  lines.push("");
  for (const line of federatedLines(result, options)) lines.push(line);
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
  for (const line of policyLines(summary)) lines.push(line);
  for (const line of activityLines(summary)) lines.push(line);
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
  const activityPolicies = ["credential-unused", "credential-in-use-before-deletion"] as const;
  if (
    summary.credentialActivity === null &&
    activityPolicies.some((policy) => settings.levels[policy] !== "disabled")
  ) {
    lines.push(
      "Sign-in report not given (--credential-activity FILE, or --graph --credential-activity): credential-unused and credential-in-use-before-deletion were not judged.",
      "",
    );
  }
  const federatedPolicies = [
    "federated-credential-subject-scope",
    "federated-credential-trust-advisory",
    "credential-federation-migration-incomplete",
  ] as const;
  if (
    summary.federatedCredentials === null &&
    federatedPolicies.some((policy) => settings.levels[policy] !== "disabled")
  ) {
    lines.push(
      "Federated credentials not read (--federated-credentials FILE, or --graph): federated-credential-subject-scope, federated-credential-trust-advisory and credential-federation-migration-incomplete were not judged.",
      "",
    );
  }
  if (
    summary.appManagementPolicies === null &&
    settings.levels["credential-tenant-policy"] !== "disabled"
  ) {
    lines.push(
      "App management policies not known (a --tenant FILE holding them, or --graph): credential-tenant-policy was not judged.",
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

/**
 * `{ findings, summary }` (and `federatedCredentials` when they were read), pretty-printed, with a
 * final newline.
 */
export function renderJson(result: AuditResult): string {
  const document: AuditJson = { findings: result.findings, summary: result.summary };
  if (result.summary.federatedCredentials !== null) {
    document.federatedCredentials = federatedJson(result.federatedRows);
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The federated rows grouped by application, in row order (most urgent first). */
export function federatedJson(rows: readonly FederatedCredentialRow[]): FederatedApplicationJson[] {
  const byObject = new Map<string, FederatedApplicationJson>();
  for (const row of rows) {
    const key = row.object.objectId.toLowerCase();
    let application = byObject.get(key);
    if (application === undefined) {
      application = {
        objectId: row.object.objectId,
        appId: row.object.appId,
        displayName: row.object.displayName,
        credentials: [],
      };
      byObject.set(key, application);
    }
    const c = row.credential;
    application.credentials.push({
      id: c.id,
      name: c.name,
      issuer: c.issuer,
      subject: c.subject,
      audiences: c.audiences,
      description: c.description,
      claimsMatchingExpression: c.claimsMatchingExpression,
      findings: row.findings.map((f) => ({ policy: f.policy, level: f.level })),
    });
  }
  return [...byObject.values()];
}

/** Widths (characters, before escaping) of the federated table's text columns. */
const FEDERATED_WIDTHS = { name: 40, issuer: 48, subject: 56, audience: 32 };

const FEDERATED_HEAD = [
  "Display name",
  "appId",
  "Federated credential",
  "Issuer",
  "Subject (or expression)",
  "Audience",
  "Findings",
];

/**
 * The federated identity credentials, when read: one row per credential (most urgent first), every
 * value from the tenant cut and neutralised; they never expire, so no end column.
 */
function federatedLines(result: AuditResult, options: TextOptions): string[] {
  const summary = result.summary.federatedCredentials;
  if (summary === null) return [];
  const rows = options.onlyFindings
    ? result.federatedRows.filter((row) => row.findings.length > 0)
    : result.federatedRows;
  const lines = [
    `Federated credentials (${forTerminal(summary.source)}; they never expire): ${count(summary.credentials, "credential")} on ${count(summary.applications, "application")}${summary.migrationsIncomplete > 0 ? `, ${count(summary.migrationsIncomplete, "application")} still holding secrets or certificates` : ""}.`,
  ];
  if (rows.length === 0) {
    lines.push(
      options.onlyFindings && result.federatedRows.length > 0
        ? "No federated credential has a finding."
        : "No federated credentials found.",
      "",
    );
    return lines;
  }
  const cell = (text: string, width: number) =>
    neutralise(truncate(text.replace(/\s+/g, " "), width));
  const table: string[][] = [FEDERATED_HEAD];
  for (const row of rows) {
    const c = row.credential;
    table.push([
      cell(row.object.displayName, NAME_WIDTH),
      row.object.appId,
      cell(c.name, FEDERATED_WIDTHS.name),
      cell(c.issuer, FEDERATED_WIDTHS.issuer),
      cell(c.subject ?? c.claimsMatchingExpression ?? "(none)", FEDERATED_WIDTHS.subject),
      cell(c.audiences.join(", "), FEDERATED_WIDTHS.audience),
      row.findings.map((f) => `${f.policy}${f.level === "mandatory" ? "*" : ""}`).join(", "),
    ]);
  }
  for (const line of layout(table)) lines.push(line);
  lines.push("");
  return lines;
}

/**
 * The tenant's app management policies, when read: whether the default policy is enabled and what
 * it caps, the per-app policies and the objects they apply to (tenant text neutralised), the caps
 * for the pack, and how many existing credentials break the policies.
 */
function policyLines(summary: AuditSummary): string[] {
  const policies = summary.appManagementPolicies;
  if (policies === null) return [];
  const lines = ["App management policies (Entra checks them only when a credential is added):"];
  const describe = (list: readonly RestrictionJson[]) => {
    const enabled = list.filter((r) => r.state === "enabled");
    return enabled.length === 0 ? "nothing" : enabled.map(restrictionText).join("; ");
  };
  const tenant = policies.defaultPolicy;
  if (tenant === null) {
    lines.push("  Tenant default policy: not read.");
  } else if (!tenant.isEnabled) {
    lines.push("  Tenant default policy: disabled (Entra's default): it restricts nothing.");
  } else {
    lines.push(
      "  Tenant default policy: enabled.",
      `    applications: ${describe(tenant.applicationRestrictions)}`,
      `    service principals: ${describe(tenant.servicePrincipalRestrictions)}`,
    );
  }
  if (policies.appPolicies.length === 0) {
    lines.push("  Per-app policies: none.");
  }
  for (const policy of policies.appPolicies) {
    const targets = policy.appliesTo.map((t) =>
      t.displayName === null
        ? `${t.objectType ?? "object"} ${neutralise(t.objectId)} (not in the audited tenant)`
        : `${t.objectType === "servicePrincipal" ? "service principal" : "application"} ${quoted(t.displayName)} (${t.objectId})`,
    );
    lines.push(
      `  Per-app policy ${quoted(policy.displayName ?? "")} (${neutralise(policy.id)}), ${policy.isEnabled ? `enabled: ${describe(policy.restrictions)}` : "disabled: the objects it applies to are exempt from the default policy"}; applies to ${targets.length === 0 ? "nothing" : targets.join(", ")}.`,
    );
  }
  const caps = Object.entries(policies.caps).map(([key, value]) => `${key} ${value}`);
  lines.push(
    `  Caps for the policy pack: ${caps.length === 0 ? "none" : caps.join(", ")}${caps.length === 0 ? "" : " (--emit-policy-config FILE writes them)"}.`,
    `  Existing credentials that break them: ${policies.credentialsBreaking} (credential-tenant-policy).`,
    "",
  );
  return lines;
}

/** `passwordLifetime ≤ P90D for objects created from …`, `passwordAddition blocked`. */
function restrictionText(r: RestrictionJson): string {
  const what = r.restrictionType.endsWith("Addition")
    ? `${neutralise(r.restrictionType)} blocked`
    : `${neutralise(r.restrictionType)} ≤ ${neutralise(r.maxLifetime ?? "(none)")}`;
  return r.restrictForAppsCreatedAfterDateTime === null
    ? what
    : `${what} for objects created from ${r.restrictForAppsCreatedAfterDateTime}`;
}

/** The sign-in report, when given: a beta API, how much it covers, how fresh it is. */
function activityLines(summary: AuditSummary): string[] {
  const activity = summary.credentialActivity;
  if (activity === null) return [];
  return [
    `Sign-in report (${forTerminal(activity.source)}; Microsoft Graph BETA API, subject to change): ${activity.entries.toLocaleString("en-US")} ${activity.entries === 1 ? "entry" : "entries"}; ${count(activity.credentialsWithData, "credential")} with data, ${activity.credentialsWithoutData.toLocaleString("en-US")} without ("no data": not judged, never counted as unused). Freshness: ${activity.freshness}.`,
    "",
  ];
}

/**
 * A row's cells; a credential whose endDateTime is unreadable shows `unreadable` and `?` days left.
 * With the sign-in report, its last sign-in too: the instant, `none recorded` or `no data`.
 */
function cells(row: TenantCredentialRow, withActivity = false): string[] {
  const lastSignIn =
    row.lastSignIn === null
      ? []
      : [
          row.lastSignIn.status === "signed-in"
            ? shownInstant(row.lastSignIn.ms)
            : row.lastSignIn.status === "none-recorded"
              ? "none recorded"
              : "no data",
        ];
  const findings = row.findings
    .map((f) => `${f.policy}${f.level === "mandatory" ? "*" : ""}`)
    .join(", ");
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
    ...(withActivity ? (lastSignIn.length > 0 ? lastSignIn : ["no data"]) : []),
    findings,
  ];
}

/**
 * Left-aligned columns separated by two spaces (the column `rightAligned`, if any, right-aligned),
 * no trailing blanks.
 */
function layout(table: string[][], rightAligned = -1): string[] {
  const widths = table[0].map(() => 0);
  for (const row of table) {
    for (let column = 0; column < row.length; column++) {
      widths[column] = Math.max(widths[column], length(row[column]));
    }
  }
  const daysColumn = rightAligned;
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
  if (policy === "credential-max-lifetime") {
    const { password, certificate } = settings.maxLifetimeByKind;
    return password.text === settings.maxLifetime.text &&
      certificate.text === settings.maxLifetime.text
      ? ` (maxLifetime ${settings.maxLifetime.text})`
      : ` (passwords ${password.text}, certificates ${certificate.text})`;
  }
  if (policy === "credential-expiring-soon") return ` (warnBefore ${settings.warnBefore.text})`;
  if (policy === "credential-unused") return ` (unusedAfter ${settings.unusedAfter.text})`;
  if (policy === "credential-in-use-before-deletion") {
    return ` (inUseWindow ${settings.inUseWindow.text})`;
  }
  return "";
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
