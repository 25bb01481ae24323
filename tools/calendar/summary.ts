/**
 * Per-app figures of a simulation, and the text report the CLI prints. Pure (no I/O).
 *
 * Every value from the stack (app names, the stack name, violation messages quoting resource names
 * and values the program declared) is drawn through `neutralise`: control and bidi characters are
 * shown escaped, in the terminal as in the HTML page that embeds the report.
 */
import Table from "cli-table3";
import type { AppConfig, CredentialType } from "../../components/config/appConfig";
import { formatInstant } from "../../policy/core";
import { neutralise as n } from "../offline";
import type { ConsumerKind } from "../../policy/core";
import {
  AppSimulation,
  ConsumerSimulation,
  days,
  INVARIANTS,
  Simulation,
  Violation,
} from "./simulate";

/** What rotates for each app, by app name: `password` or `certificate` (`federated`: nothing). */
export type CredentialKinds = Readonly<Record<string, CredentialType>>;

/** The kind of each app of the configuration, by name (for {@link ReportExtras}, the chart). */
export function credentialKinds(
  apps: readonly Pick<AppConfig, "name" | "credential">[],
): CredentialKinds {
  return Object.fromEntries(apps.map((a) => [a.name, a.credential]));
}

/**
 * How the credentials of an app are named: `passwords`, `certificates`, or `credentials` when the
 * kind is not known (`one` for the singular).
 */
export function credentialNoun(kind: CredentialType | undefined, one = false): string {
  const noun =
    kind === "certificate" ? "certificate" : kind === "password" ? "password" : "credential";
  return one ? noun : `${noun}s`;
}

/** What the table and the chart say of a federated app (`credential: federated`). */
export const FEDERATED_RESULT = "federated: nothing expires";

/** The figures printed for one app. Durations in days (two decimals). */
export interface AppSummary {
  app: string;
  /** A federated app: no credential rotates or expires (the figures are all zero or absent). */
  federated: boolean;
  /** What rotates, when known (see {@link CredentialKinds}). */
  kind?: CredentialType;
  slots: number;
  period: string;
  grace: string;
  /** Passwords replaced by scheduled deployments (the initial creation is not a rotation). */
  rotations: number;
  /** Credentials (passwords or certificates) generated, initial ones included (= bars in the chart). */
  credentials: number;
  /**
   * Shortest time left on the password Key Vault held when a deployment moved Key Vault to a new
   * one, in days; undefined when Key Vault never switched after the first deployment.
   */
  shortestRemainingAtRotationDays?: number;
  /** Longest `endDate − creation`, in days. */
  longestLifetimeDays: number;
  /**
   * Shortest time a password kept working after Key Vault left it (until deleted or expired,
   * whichever is first), in days: what protects consumers that cached the old secret. 0 with one slot.
   */
  minOverlapDays?: number;
  /** The first violation, if any. */
  firstViolation?: Violation;
  /** The app's consumers (invariant 7), in configuration order. */
  consumers: ConsumerSummary[];
}

/** The figures printed for one consumer of an app. */
export interface ConsumerSummary {
  name: string;
  kind: ConsumerKind;
  /** How often it re-reads Key Vault (ISO 8601). */
  refresh: string;
  /** True when `refresh` is the kind's documented default. */
  refreshIsDefault: boolean;
  /** Credentials it held over the simulation (spans of its timeline). */
  held: number;
  /**
   * Shortest time the credential Key Vault left keeps working after the consumer re-read Key
   * Vault, in days (negative: invariant 7 broken); undefined when Key Vault never switched.
   */
  shortestMarginDays?: number;
  /** Its first invariant-7 violation, if any. */
  firstViolation?: Violation;
}

/**
 * Computes the per-app figures.
 *
 * @param kinds what each app rotates, when known
 */
export function summarize(simulation: Simulation, kinds: CredentialKinds = {}): AppSummary[] {
  return simulation.apps.map((app) => summarizeApp(app, kinds[app.app]));
}

function summarizeApp(app: AppSimulation, kind: CredentialType | undefined): AppSummary {
  const byId = new Map(app.credentials.map((c) => [c.id, c]));
  let shortestRemaining: number | undefined;
  for (const change of app.switches) {
    const left = change.fromId ? byId.get(change.fromId) : undefined;
    if (!left) continue;
    const remaining = left.endDateMs - change.atMs;
    shortestRemaining =
      shortestRemaining === undefined ? remaining : Math.min(shortestRemaining, remaining);
  }
  let minOverlap: number | undefined;
  for (const c of app.credentials) {
    if (c.supersededAtMs === undefined) continue;
    const overlap = Math.min(c.deletedAtMs ?? c.endDateMs, c.endDateMs) - c.supersededAtMs;
    minOverlap = minOverlap === undefined ? overlap : Math.min(minOverlap, overlap);
  }
  return {
    app: app.app,
    federated: app.federated,
    ...(kind !== undefined ? { kind } : app.federated ? { kind: "federated" as const } : {}),
    slots: app.settings.slots,
    period: app.settings.period,
    grace: app.settings.grace,
    rotations: app.rotations.reduce((n, r) => n + r.created.length, 0),
    credentials: app.credentials.length,
    shortestRemainingAtRotationDays:
      shortestRemaining === undefined ? undefined : days(shortestRemaining),
    longestLifetimeDays: days(
      Math.max(0, ...app.credentials.map((c) => c.endDateMs - c.createdAtMs)),
    ),
    minOverlapDays: minOverlap === undefined ? undefined : days(Math.max(0, minOverlap)),
    firstViolation: app.violations[0],
    consumers: (app.consumers ?? []).map(summarizeConsumer),
  };
}

function summarizeConsumer(consumer: ConsumerSimulation): ConsumerSummary {
  return {
    name: consumer.name,
    kind: consumer.kind,
    refresh: consumer.refresh,
    refreshIsDefault: consumer.refreshIsDefault,
    held: consumer.holds.length,
    shortestMarginDays:
      consumer.shortestMarginMs === undefined ? undefined : days(consumer.shortestMarginMs),
    firstViolation: consumer.violations[0],
  };
}

/**
 * The violations to report: the first of each app's simulation and the first of each of its
 * consumers that holds a credential that no longer works (invariant 7; unless it is the app's
 * first already), then every violation found by running the program.
 */
export function reportedViolations(
  simulation: Simulation,
  programViolations: Violation[] = [],
): Violation[] {
  return [
    ...simulation.apps.flatMap((a) => {
      const first = a.violations.slice(0, 1);
      const consumers = (a.consumers ?? [])
        .map((c) => c.violations[0])
        .filter((v): v is Violation => v !== undefined && v !== first[0]);
      return [...first, ...consumers];
    }),
    ...programViolations,
  ];
}

/**
 * One line naming the app, the instant and the invariant, e.g. for stderr; the app and the
 * message neutralised (one line even when a quoted value holds a line break).
 */
export function describeViolation(v: Violation): string {
  return `${n(v.app)} at ${v.instant}: invariant ${v.invariant} (${INVARIANTS[v.invariant]}) broken: ${n(v.message)}`;
}

/** What the CLI adds to the report besides the simulation. */
export interface ReportExtras {
  /**
   * The instants the stack's program ran at (first deployment, then later), ms since the epoch;
   * undefined when it did not run (`--no-churn-check`).
   */
  programInstantsMs?: number[];
  /**
   * Invariant-5 violations found by running the program, one per credential (all are listed, and
   * each app's result shows the earliest of its model and program violations).
   */
  programViolations?: Violation[];
  /**
   * What each app rotates (`credentialKinds(config.apps)`): the table's kind column; without it
   * the kind shows as `-` and the count as credentials.
   */
  credentialKinds?: CredentialKinds;
}

/** The report the CLI prints: header, per-app table, notes and violations. */
export function formatReport(
  simulation: Simulation,
  stack: string,
  extras: ReportExtras = {},
): string {
  const summaries = summarize(simulation, extras.credentialKinds);
  const table = new Table({
    head: [
      "app",
      "kind",
      "slots",
      "period / grace",
      "rotations",
      "credentials",
      "shortest left at rotation (d)",
      "longest lifetime (d)",
      "min overlap (d)",
      "result",
    ],
    style: { head: [], border: [] },
  });
  const program = extras.programViolations ?? [];
  for (const s of summaries) {
    const first = [s.firstViolation, ...program.filter((v) => v.app === s.app)]
      .filter((v): v is Violation => v !== undefined)
      .sort((a, b) => a.instantMs - b.instantMs)[0];
    if (s.federated) {
      table.push([
        n(s.app),
        "federated",
        "-",
        "-",
        "0",
        "0",
        "-",
        "-",
        "-",
        first ? `FAIL: invariant ${first.invariant} at ${first.instant}` : FEDERATED_RESULT,
      ]);
      continue;
    }
    table.push([
      n(s.app),
      s.kind ?? "-",
      String(s.slots),
      `${s.period} / ${s.grace}`,
      String(s.rotations),
      String(s.credentials),
      s.shortestRemainingAtRotationDays?.toFixed(2) ?? "-",
      s.longestLifetimeDays.toFixed(2),
      s.minOverlapDays?.toFixed(2) ?? "-",
      first ? `FAIL: invariant ${first.invariant} at ${first.instant}` : "ok",
    ]);
  }
  const consumerLines = formatConsumers(summaries);
  const lines = [
    `Rotation calendar of stack ${n(stack)}: ${simulation.deploymentsMs.length} deployments every ${simulation.every} ` +
      `from ${formatInstant(simulation.fromMs)} until ${formatInstant(simulation.untilMs)}`,
    table.toString(),
    ...consumerLines,
    "Checked at every deployment and between deployments: " +
      Object.entries(INVARIANTS)
        .map(([id, text]) => `${id} ${text}`)
        .join("; ") +
      ".",
    "Note: changing period or anchor changes every generation, so both slots rotate at once " +
      "(the credential Key Vault held is replaced in the same deployment).",
    ...(summaries.some((s) => s.federated)
      ? [
          "Federated apps (credential: federated) hold no secret or certificate: nothing expires, nothing rotates, " +
            "and their consumers sign in with their own platform's token (invariant 7 does not apply).",
        ]
      : []),
    extras.programInstantsMs
      ? `The stack's program ran at ${extras.programInstantsMs.map(formatInstant).join(", ")}: ` +
        "a credential whose replacing inputs change between these runs without a scheduled rotation breaks invariant 5."
      : "The stack's program was not run (--no-churn-check): only the rotation model was checked.",
  ];
  const failures = reportedViolations(simulation, program);
  if (failures.length > 0) {
    lines.push(
      "",
      "VIOLATIONS (first per app of the rotation model, and first per consumer holding a credential that no longer works; every credential the program replaces at every deployment):",
      ...failures.map((v) => `  ${describeViolation(v)}`),
    );
  } else {
    lines.push("", "All invariants hold.");
  }
  return lines.join("\n");
}

/**
 * The consumers' table (none when no app declares consumers): per consumer its app, kind, refresh,
 * the credentials it held, its shortest margin and its result (invariant 7).
 */
function formatConsumers(summaries: readonly AppSummary[]): string[] {
  const rows = summaries.flatMap((s) =>
    s.consumers.map((c) => ({ app: s.app, federated: s.federated, c })),
  );
  if (rows.length === 0) return [];
  const table = new Table({
    head: [
      "app",
      "consumer",
      "kind",
      "refresh",
      "credentials held",
      "shortest margin after refresh (d)",
      "result",
    ],
    style: { head: [], border: [] },
  });
  for (const { app, federated, c } of rows) {
    table.push([
      n(app),
      n(c.name),
      n(c.kind),
      `${n(c.refresh)}${c.refreshIsDefault ? " (default)" : ""}`,
      federated ? "-" : String(c.held),
      c.shortestMarginDays?.toFixed(2) ?? "-",
      c.firstViolation
        ? `FAIL: invariant 7 at ${c.firstViolation.instant}`
        : federated
          ? `${FEDERATED_RESULT} (no rotating credential)`
          : "ok",
    ]);
  }
  return [
    "Consumers (invariant 7): each may hold the credential Key Vault left until it re-reads Key Vault, " +
      "refresh later; margin = how long that credential still works after the consumer's re-read.",
    table.toString(),
  ];
}
