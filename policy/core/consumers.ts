/**
 * Consumers: the applications that read an app's credential from Key Vault, how often they
 * refresh it, and the rule that the rotation's overlap covers the slowest of them. Pure: no clock,
 * no Pulumi runtime. The stack config refuses what {@link consumerOverlapProblem} finds, and the
 * policy pack reports the same finding from what a stack declares, so the two agree.
 */
import { Duration } from "luxon";
import { addDuration, isFixedLength, parseDuration } from "./iso8601";
import { formatDays } from "./messages";

/** How a consumer reads Key Vault. */
export const CONSUMER_KINDS = [
  "appService",
  "containerApp",
  "aksSecretsStoreCsi",
  "custom",
] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/**
 * What signs a consumer in to Key Vault: a managed identity, a Kubernetes workload (workload
 * identity), a GitHub workflow, or a service principal with a secret of its own. The first three
 * can prove who they are without any secret, so their app could use federated credentials instead
 * of a rotating one (`credential-federation-available`).
 */
export const CONSUMER_IDENTITIES = [
  "managedIdentity",
  "kubernetes",
  "githubActions",
  "servicePrincipal",
] as const;
export type ConsumerIdentity = (typeof CONSUMER_IDENTITIES)[number];

/** Identities that can sign in through federation. */
export const FEDERATION_CAPABLE_IDENTITIES: readonly ConsumerIdentity[] = [
  "managedIdentity",
  "kubernetes",
  "githubActions",
];

/**
 * The identity a consumer kind signs in with when the config does not say: App Service and
 * Container Apps read Key Vault references with a managed identity (their documentation's only
 * mechanism); the others are not implied.
 */
export const DEFAULT_IDENTITY: Readonly<Partial<Record<ConsumerKind, ConsumerIdentity>>> = {
  appService: "managedIdentity",
  containerApp: "managedIdentity",
};

/**
 * Tag of a credential's Key Vault secret listing its consumers' identities, comma-separated in
 * consumer order (`-` for a consumer whose identity is not known), so the policy pack can say when
 * federation would serve every consumer.
 */
export const CONSUMER_IDENTITIES_TAG = "consumer-identities";

/** A documented refresh interval and where it is documented. */
export interface DocumentedRefresh {
  /** ISO 8601 duration. */
  refresh: string;
  source: string;
  /** What the interval does not cover. */
  note?: string;
}

/**
 * Default `refresh` per consumer kind, from each platform's documentation. `custom` has none: its
 * refresh is whatever the code caches, so the config requires it.
 */
export const DEFAULT_REFRESH: Readonly<Record<Exclude<ConsumerKind, "custom">, DocumentedRefresh>> =
  {
    appService: {
      refresh: "PT24H",
      source:
        "Microsoft Learn, Use Key Vault references as app settings in Azure App Service and Azure Functions, " +
        "Rotation: a versionless reference is refreshed within 24 hours " +
        "(https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#rotation)",
      note: "a version-pinned reference never rotates",
    },
    containerApp: {
      refresh: "PT30M",
      source:
        "Microsoft Learn, Manage secrets in Azure Container Apps, Reference secret from Key Vault: a " +
        "versionless keyVaultUrl is retrieved again within 30 minutes " +
        "(https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault)",
      note: "environment variables that reference the secret change only when the revision restarts",
    },
    aksSecretsStoreCsi: {
      refresh: "PT2M",
      source:
        "Microsoft Learn, Azure Key Vault provider for Secrets Store CSI Driver configuration, " +
        "auto-rotation: rotation poll interval 2 minutes by default when enableSecretRotation is on " +
        "(https://learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options#enable-and-disable-auto-rotation)",
      note: "mounted files only, with auto-rotation on; environment variables change on pod restart",
    },
  };

/** The rotation settings the overlap depends on. */
export interface OverlapSchedule {
  /** Start of window 0, ms since the Unix epoch. */
  anchorMs: number;
  /** ISO 8601 as configured, for messages. */
  period: string;
  periodDuration: Duration;
  grace: string;
  graceDuration: Duration;
  slots: number;
}

/** Why some consumer could hold a credential that no longer works, and the bound it breaks. */
export interface OverlapProblem {
  /** One sentence: what breaks, with the numbers. */
  reason: string;
  /** What to change. */
  fix: string;
}

/** Windows walked for a calendar period or grace (4 years of months at most). */
const WINDOWS_WALKED = 48;

/** The spans the overlap depends on, in ms. */
export interface OverlapSpans {
  /** The shortest rotation window. */
  shortestWindowMs: number;
  /** The longest the grace can be, added at a window's start (an end date is `W(k) + grace`). */
  longestGraceMs: number;
}

/**
 * The shortest rotation window and the longest grace of a schedule, in ms. Exact for a period and
 * grace of fixed length (weeks, days, hours…); with months or years, the extremes over 48 windows
 * from the one before `fromMs` (whole months repeat within 48 windows of a month period, and 48
 * windows of any longer period cover every month length), so the verdict does not depend on the
 * deployment day.
 */
export function overlapSpans(
  schedule: Pick<OverlapSchedule, "anchorMs" | "periodDuration" | "graceDuration">,
  fromMs: number,
): OverlapSpans {
  const { anchorMs, periodDuration: period, graceDuration: grace } = schedule;
  if (isFixedLength(period) && isFixedLength(grace)) {
    return { shortestWindowMs: period.toMillis(), longestGraceMs: grace.toMillis() };
  }
  const firstLength = addDuration(anchorMs, period) - anchorMs;
  let k = Math.floor((fromMs - anchorMs) / firstLength) - 1;
  let shortestWindowMs = Infinity;
  let longestGraceMs = 0;
  for (let i = 0; i < WINDOWS_WALKED; i++, k++) {
    const start = addDuration(anchorMs, period, k);
    shortestWindowMs = Math.min(shortestWindowMs, addDuration(anchorMs, period, k + 1) - start);
    longestGraceMs = Math.max(longestGraceMs, addDuration(start, grace) - start);
  }
  return { shortestWindowMs, longestGraceMs };
}

/**
 * Does the rotation's overlap cover a consumer that re-reads Key Vault every `refresh`?
 *
 * The model (docs/rotation-model.md, "Consumers"): Key Vault moves to a new credential at the
 * first deployment after a window starts, at most `D` after it; deployments run at least every
 * `D < grace` (the cadence rule). A consumer then holds the old credential for up to `refresh`
 * more. With `slots: 2` the old credential is deleted at the first deployment after the next
 * window starts (it expires `grace` later still), so a consumer keeps a working credential when
 * `D + refresh ≤ window`; with the worst cadence allowed that is `refresh + grace ≤ window`,
 * checked with the shortest window and the longest grace ({@link overlapSpans}). With `slots: 1`
 * the old credential is deleted in the very deployment that creates its successor, so no consumer
 * is covered.
 *
 * @param fromMs the deployment instant (ms since the epoch), where calendar windows are walked from
 * @returns undefined when every instant is covered, else the problem and the fix
 */
export function consumerOverlapProblem(
  schedule: OverlapSchedule,
  refresh: Duration,
  fromMs: number,
): OverlapProblem | undefined {
  if (schedule.slots < 2) {
    return {
      reason:
        "with slots: 1 a credential is deleted in the same deployment that creates its successor, so a consumer holds a deleted credential until it refreshes",
      fix: "set rotation.slots: 2, so the old credential stays valid one full period after Key Vault moves on",
    };
  }
  const { shortestWindowMs: windowMs, longestGraceMs: graceMs } = overlapSpans(schedule, fromMs);
  const refreshMs = refreshSpanMs(refresh, fromMs);
  if (refreshMs + graceMs <= windowMs) return undefined;
  const room = windowMs - graceMs;
  return {
    reason:
      `refresh ${refresh.toISO()} + grace ${schedule.grace} (deployments run at least every grace) is ` +
      `${formatDays(refreshMs + graceMs)}, longer than the shortest window of period ${schedule.period} ` +
      `(${formatDays(windowMs)}): the credential it still holds could be deleted at the next rotation`,
    fix:
      room > 0
        ? `shorten the consumer's refresh to at most ${formatDays(room)}, or lengthen rotation.period, or shorten rotation.grace`
        : `lengthen rotation.period beyond grace + refresh (${formatDays(refreshMs + graceMs)}), or shorten rotation.grace`,
  };
}

/** A refresh interval's length from an instant, ms (calendar units counted from `fromMs`). */
export function refreshSpanMs(refresh: Duration, fromMs: number): number {
  return addDuration(fromMs, refresh) - fromMs;
}

/** The slowest refresh among ISO 8601 durations (unparseable ones ignored), or undefined. */
export function slowestRefresh(refreshes: readonly string[], fromMs: number): string | undefined {
  let slowest: { text: string; ms: number } | undefined;
  for (const text of refreshes) {
    const parsed = parseDuration(text);
    if (!parsed.ok) continue;
    const ms = refreshSpanMs(parsed.value, fromMs);
    if (!slowest || ms > slowest.ms) slowest = { text, ms };
  }
  return slowest?.text;
}

/**
 * Tag of a credential's Key Vault secret holding the slowest consumer's refresh (ISO 8601), so the
 * policy pack can check the overlap from what the stack declares.
 */
export const CONSUMER_REFRESH_TAG = "consumer-refresh";
