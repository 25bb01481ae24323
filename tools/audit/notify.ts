/**
 * Notifications through a channel the user already runs (`--notify-webhook URL`): one JSON document
 * per owner, POSTed to an incoming-webhook style endpoint (Teams / Slack workflows, a Logic App, an
 * Azure Function, a chat bridge), naming the owner and their findings, most urgent first, each with
 * its message (the fix).
 *
 * Delivery: one owner at a time; 429 and 5xx answers are retried (at most `maxRetries` times),
 * waiting what `Retry-After` asks (seconds or an HTTP date, capped at {@link MAX_RETRY_WAIT_MS}) or
 * else an exponential backoff; each request has a timeout (AbortController). A request that timed
 * out or failed on the network is not retried: the endpoint may have received it, and an owner
 * should not be told twice. Redirects are not followed (a redirect could send the document
 * elsewhere). A failure is one log line naming the owner and never stops the other owners'
 * notifications. Log lines never contain the URL (a webhook URL is a secret: its path or query
 * carries the key).
 *
 * Documents hold only the {@link OwnerFinding} fields listed in {@link NotifiedFinding}: never a
 * secret value or a credential hint (the shapes have none, and the documents are built field by
 * field, so nothing else can slip in).
 */
import { isLoopbackHost } from "../offline";
import { forTerminal } from "./errors";
import type { Owner, OwnerFinding, OwnerReport } from "./owners";

/** Options of {@link notifyOwners}. */
export interface NotifyOptions {
  /** The webhook: https, or http to a loopback host only (local testing). Required unless `dryRun`. */
  url?: string;
  /** Send nothing; log, per owner, the document that would be sent (one line of JSON). */
  dryRun?: boolean;
  /** Receives each log line (no newline): failures, and the documents of a dry run. */
  log: (line: string) => void;
  /** The fetch to use (tests); the global `fetch` by default. */
  fetchImpl?: typeof fetch;
  /** Per-request timeout in milliseconds; {@link DEFAULT_TIMEOUT_MS} by default. */
  timeoutMs?: number;
  /** Retries after a 429 or 5xx answer (so at most `maxRetries + 1` attempts); 4 by default. */
  maxRetries?: number;
  /** Waits between attempts (tests inject one that records and returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

/** What {@link notifyOwners} did: documents delivered (2xx) and owners not notified. */
export interface NotifyResult {
  sent: number;
  failed: number;
}

/** An owner as a document names them (absent fields are null, so every document has every key). */
export interface NotifiedOwner {
  id: string;
  userPrincipalName: string | null;
  mail: string | null;
}

/** A finding as a document shows it: exactly these keys, absent values null. */
export interface NotifiedFinding {
  appId: string | null;
  displayName: string | null;
  objectType: OwnerFinding["objectType"];
  objectId: string;
  keyId: string;
  credentialType: OwnerFinding["credentialType"];
  endDateTime: string | null;
  policy: string;
  level: OwnerFinding["level"];
  message: string;
}

/** The document POSTed for one owner (`owner` null: the objects nobody owns). */
export interface NotificationDocument {
  /** One human line: whose, how many findings, how many mandatory, the earliest end. */
  text: string;
  owner: NotifiedOwner | null;
  /** Most urgent first: mandatory first; then unreadable ends, then the earliest end. */
  findings: NotifiedFinding[];
}

/** Default per-request timeout: 10 s. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default number of retries after a 429 or 5xx answer. */
export const DEFAULT_MAX_RETRIES = 4;
/** The longest wait between two attempts, whatever `Retry-After` asks: 60 s. */
export const MAX_RETRY_WAIT_MS = 60_000;
/** First backoff when the answer has no usable `Retry-After` (then doubled each attempt). */
const BASE_BACKOFF_MS = 1_000;

/**
 * Sends one document per owner with findings (reports without findings are skipped), one owner at
 * a time, and never throws for a delivery failure: each is counted in `failed` and logged on one
 * line naming the owner.
 *
 * @returns `sent`: documents the webhook accepted (2xx); `failed`: owners not notified. A dry run
 *   sends nothing and returns `{sent: 0, failed: 0}`.
 * @throws Error (one line) when `url` is missing (and not `dryRun`) or refused by
 *   {@link validateWebhookUrl}, or when `timeoutMs` / `maxRetries` is invalid.
 */
export async function notifyOwners(
  reports: readonly OwnerReport[],
  options: NotifyOptions,
): Promise<NotifyResult> {
  const url = options.url === undefined ? undefined : validateWebhookUrl(options.url);
  if (url === undefined && !options.dryRun) {
    throw new Error("notifications: no webhook URL (--notify-webhook URL, or --notify-dry-run)");
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error("notifications: the timeout must be a positive number of milliseconds");
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Error("notifications: the number of retries must be a whole number, 0 or more");
  }

  const result: NotifyResult = { sent: 0, failed: 0 };
  for (const report of reports) {
    if (report.findings.length === 0) continue;
    const document = notificationDocument(report);
    if (options.dryRun || url === undefined) {
      options.log(jsonLine(document));
      continue;
    }
    const failure = await deliver(url, JSON.stringify(document), {
      fetchImpl: options.fetchImpl ?? fetch,
      timeoutMs,
      maxRetries,
      sleep: options.sleep ?? defaultSleep,
    });
    if (failure === undefined) {
      result.sent++;
    } else {
      result.failed++;
      options.log(`notify: ${ownerLabel(report.owner)} not notified: ${failure}`);
    }
  }
  return result;
}

/**
 * Checks a webhook URL: `https:`, or `http:` to a loopback host only (`localhost`, 127.0.0.0/8,
 * `::1`), for local testing. The error never repeats the URL (it may hold a key).
 *
 * @returns the parsed URL
 * @throws Error with a one-line message
 */
export function validateWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error("notifications: the webhook URL is not a valid absolute URL");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:") {
    if (isLoopbackHost(url.hostname)) return url;
    throw new Error(
      `notifications: the webhook URL uses http to ${url.hostname}; use https (http is allowed only to a loopback host: localhost, 127.0.0.0/8, ::1)`,
    );
  }
  throw new Error(
    `notifications: the webhook URL must use https (got ${url.protocol.replace(/[^a-z0-9+.-]/gi, "")})`,
  );
}

/**
 * The document for one report: `text`, the owner (id, userPrincipalName, mail) or null, and the
 * findings in urgency order, built field by field (no other key can appear).
 */
export function notificationDocument(report: OwnerReport): NotificationDocument {
  const findings = [...report.findings].sort(compareFindings).map((finding): NotifiedFinding => ({
    appId: finding.appId ?? null,
    displayName: finding.displayName ?? null,
    objectType: finding.objectType,
    objectId: finding.objectId,
    keyId: finding.keyId,
    credentialType: finding.credentialType,
    endDateTime: finding.endDateTime,
    policy: finding.policy,
    level: finding.level,
    message: finding.message,
  }));
  const owner: NotifiedOwner | null =
    report.owner === null
      ? null
      : {
          id: report.owner.id,
          userPrincipalName: report.owner.userPrincipalName ?? null,
          mail: report.owner.mail ?? null,
        };
  return { text: summaryText(report.owner, findings), owner, findings };
}

/**
 * Urgency: mandatory before advisory; then unreadable ends first (how urgent is unknown), then the
 * earliest end; ties by object id, keyId, policy (a stable, total order).
 */
function compareFindings(a: OwnerFinding, b: OwnerFinding): number {
  const byLevel = levelRank(a) - levelRank(b);
  if (byLevel !== 0) return byLevel;
  const aEnd = endMs(a);
  const bEnd = endMs(b);
  const aUnknown = Number.isNaN(aEnd);
  const bUnknown = Number.isNaN(bEnd);
  if (aUnknown !== bUnknown) return aUnknown ? -1 : 1;
  return (
    (aUnknown ? 0 : aEnd - bEnd) ||
    compareText(a.objectId, b.objectId) ||
    compareText(a.keyId, b.keyId) ||
    compareText(a.policy, b.policy)
  );
}

function levelRank(finding: OwnerFinding): number {
  return finding.level === "mandatory" ? 0 : 1;
}

/** ms since the epoch; NaN when unreadable; Infinity for a federated credential (never expires). */
function endMs(finding: OwnerFinding): number {
  if (finding.credentialType === "federated") return Infinity;
  return finding.endDateTime === null ? NaN : Date.parse(finding.endDateTime);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** E.g. `App credentials: 3 findings (2 mandatory) for alice@contoso.com; earliest end 2026-03-01T09:30:00Z`. */
function summaryText(owner: Owner | null, findings: readonly NotifiedFinding[]): string {
  const mandatory = findings.filter((finding) => finding.level === "mandatory").length;
  const whose = owner === null ? "on objects with no owner" : `for ${ownerName(owner)}`;
  const count = `${findings.length} finding${findings.length === 1 ? "" : "s"}`;
  const ends = findings
    .map((finding) => (finding.endDateTime === null ? NaN : Date.parse(finding.endDateTime)))
    .filter((ms) => !Number.isNaN(ms));
  const earliest = ends.length === 0 ? "" : `; earliest end ${shownInstant(Math.min(...ends))}`;
  return `App credentials: ${count} (${mandatory} mandatory) ${whose}${earliest}`;
}

/** RFC 3339, UTC, whole seconds, as the audit shows instants. */
function shownInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function ownerName(owner: Owner): string {
  return owner.userPrincipalName ?? owner.mail ?? owner.id;
}

/** The owner as a log line names them, control and bidi characters shown escaped. */
function ownerLabel(owner: Owner | null): string {
  return owner === null ? "(no owner)" : forTerminal(ownerName(owner));
}

/**
 * A document as one line of JSON, safe for a terminal: JSON escapes C0 controls already; C1
 * controls, bidi and invisible format characters and line/paragraph separators are written as
 * `\uXXXX` escapes too (still valid JSON, the same value).
 */
function jsonLine(document: NotificationDocument): string {
  return JSON.stringify(document).replace(
    /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

interface DeliveryOptions {
  fetchImpl: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * POSTs `body` until a 2xx, a final answer, or the retries run out.
 *
 * @returns undefined when delivered, otherwise why not (one short phrase, no URL)
 */
async function deliver(
  url: URL,
  body: string,
  options: DeliveryOptions,
): Promise<string | undefined> {
  const attempts = options.maxRetries + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await attemptOnce(url, body, options);
    if (outcome.kind === "delivered") return undefined;
    if (outcome.kind === "error") return outcome.reason;
    const retryable = outcome.status === 429 || (outcome.status >= 500 && outcome.status <= 599);
    if (!retryable) return `HTTP ${outcome.status}`;
    if (attempt === attempts) {
      return `HTTP ${outcome.status} after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    }
    const asked = parseRetryAfter(outcome.retryAfter, Date.now());
    const backoff = BASE_BACKOFF_MS * 2 ** (attempt - 1);
    await options.sleep(Math.min(asked ?? backoff, MAX_RETRY_WAIT_MS));
  }
  return "no attempt made"; // unreachable: attempts >= 1
}

type AttemptOutcome =
  | { kind: "delivered" }
  | { kind: "status"; status: number; retryAfter: string | null }
  | { kind: "error"; reason: string };

/** One POST under its own timeout; the answer's body is discarded. */
async function attemptOnce(
  url: URL,
  body: string,
  options: DeliveryOptions,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await options.fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "app-credentials-audit" },
      body,
      redirect: "manual",
      signal: controller.signal,
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status <= 299) return { kind: "delivered" };
    return {
      kind: "status",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch (error) {
    if (timedOut) return { kind: "error", reason: `no answer within ${options.timeoutMs} ms` };
    return { kind: "error", reason: `request failed (${networkReason(error)})` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A network error as a short code (`ECONNREFUSED`, `ENOTFOUND`, an error name), never its message:
 * some messages repeat the URL.
 */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  for (const candidate of [cause, error]) {
    if (typeof candidate === "object" && candidate !== null && "code" in candidate) {
      const code = (candidate as { code: unknown }).code;
      if (typeof code === "string" && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
    }
  }
  return error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : "error";
}

/**
 * `Retry-After` in milliseconds: delay-seconds (`120`) or an HTTP date (a past date: 0); uncapped
 * (the caller caps it).
 *
 * @returns undefined when absent or unreadable
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and a GMT time; Date.parse alone accepts too much.
  if (!/^[A-Za-z]{3},? .*\d{2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
