/**
 * `consumers` of one app entry: the applications that read the app's credential from Key Vault,
 * and the check that the rotation's overlap covers the slowest of them. Pure.
 */
import type { Duration } from "luxon";
import {
  CONSUMER_IDENTITIES,
  CONSUMER_KINDS,
  ConsumerIdentity,
  ConsumerKind,
  DEFAULT_IDENTITY,
  consumerOverlapProblem,
  DEFAULT_REFRESH,
  OverlapSchedule,
  parseDuration,
} from "../../policy/core";
import { checkKeys, countingReport, isRecord, Report } from "./configFields";
import { ROTATION_DEFAULTS } from "./rotationConfig";

/** One consumer of an app's credential, validated. */
export interface ConsumerConfig {
  /** Unique within the app (case-insensitively); names its role assignments. 1–64 letters, digits, hyphens. */
  name: string;
  kind: ConsumerKind;
  /** Object id of the consumer's managed identity or service principal (a GUID). */
  principalId: string;
  /** How often it re-reads Key Vault, ISO 8601 (configured, or the kind's documented default). */
  refresh: string;
  refreshDuration: Duration;
  /** True when `refresh` is the kind's documented default. */
  refreshIsDefault: boolean;
  /** What signs it in (configured, or implied by the kind); undefined when not known. */
  identity: ConsumerIdentity | undefined;
}

const CONSUMER_KEYS = ["name", "kind", "principalId", "refresh", "identity"];
const CONSUMER_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,63})$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates `consumers: [{name, kind, principalId, refresh?, identity?}]`.
 *
 * @param field where it was written, e.g. `apps[3].consumers`
 * @returns the consumers (empty when absent), or undefined after reporting every problem
 */
export function parseConsumers(
  field: string,
  value: unknown,
  report: Report,
): ConsumerConfig[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(
      field,
      value,
      "expected a list of consumers, each {name, kind, principalId, refresh?} with kind one of " +
        CONSUMER_KINDS.join(", "),
    );
    return undefined;
  }
  const consumers: ConsumerConfig[] = [];
  const names = new Map<string, number>();
  let ok = true;
  value.forEach((entry: unknown, index) => {
    const name = isRecord(entry) && typeof entry.name === "string" ? entry.name : undefined;
    const first = name === undefined ? undefined : names.get(name.toLowerCase());
    if (name !== undefined && first !== undefined) {
      report(
        `${field}[${index}].name`,
        name,
        `consumer names must be unique within the app, ignoring case; ${field}[${first}] has it already`,
      );
      ok = false;
    } else if (name !== undefined) {
      names.set(name.toLowerCase(), index);
    }
    const consumer = parseConsumer(`${field}[${index}]`, entry, report);
    if (consumer) consumers.push(consumer);
    else ok = false;
  });
  return ok ? consumers : undefined;
}

function parseConsumer(field: string, value: unknown, report: Report): ConsumerConfig | undefined {
  if (!isRecord(value)) {
    report(field, value, "expected an object {name, kind, principalId, refresh?}");
    return undefined;
  }
  const before = countingReport(report);
  checkKeys(field, value, CONSUMER_KEYS, before.report);
  const { name, kind, principalId } = value;
  if (typeof name !== "string" || !CONSUMER_NAME.test(name)) {
    before.report(
      `${field}.name`,
      name,
      "expected 1–64 letters, digits and hyphens, starting with a letter or digit (it names the consumer's role assignments)",
    );
  }
  if (!(CONSUMER_KINDS as readonly unknown[]).includes(kind)) {
    before.report(
      `${field}.kind`,
      kind,
      `expected one of ${CONSUMER_KINDS.join(", ")} (appService also covers Azure Functions)`,
    );
  }
  if (typeof principalId !== "string" || !GUID.test(principalId)) {
    before.report(
      `${field}.principalId`,
      principalId,
      "expected the object id (a GUID) of the consumer's managed identity or service principal",
    );
  }
  const refresh = parseRefresh(`${field}.refresh`, value.refresh, kind, before.report);
  const identity = value.identity ?? DEFAULT_IDENTITY[kind as ConsumerKind];
  if (identity !== undefined && !(CONSUMER_IDENTITIES as readonly unknown[]).includes(identity)) {
    before.report(
      `${field}.identity`,
      identity,
      `expected what signs the consumer in: one of ${CONSUMER_IDENTITIES.join(", ")}`,
    );
  }
  if (before.count() > 0 || !refresh) return undefined;
  return {
    name: name as string,
    kind: kind as ConsumerKind,
    principalId: (principalId as string).toLowerCase(),
    ...refresh,
    identity: identity as ConsumerIdentity | undefined,
  };
}

function parseRefresh(
  field: string,
  value: unknown,
  kind: unknown,
  report: Report,
): Pick<ConsumerConfig, "refresh" | "refreshDuration" | "refreshIsDefault"> | undefined {
  if (value === undefined || value === null) {
    if (kind === "custom") {
      report(
        field,
        value,
        "a custom consumer needs its refresh: how long its code caches the credential before it reads Key Vault again (ISO 8601, e.g. PT1H)",
      );
      return undefined;
    }
    const documented = DEFAULT_REFRESH[kind as Exclude<ConsumerKind, "custom">];
    if (!documented) return undefined; // the bad kind is reported already
    const parsed = parseDuration(documented.refresh);
    return parsed.ok
      ? { refresh: documented.refresh, refreshDuration: parsed.value, refreshIsDefault: true }
      : undefined;
  }
  const parsed = parseDuration(value);
  if (!parsed.ok || parsed.value.toMillis() <= 0) {
    report(
      field,
      value,
      `expected a positive ISO 8601 duration such as PT30M or PT24H${parsed.ok ? "" : ` (${parsed.reason})`}`,
    );
    return undefined;
  }
  return { refresh: value as string, refreshDuration: parsed.value, refreshIsDefault: false };
}

/**
 * Refuses consumers that could hold a credential that has been deleted or has expired (see
 * `consumerOverlapProblem` in policy/core/consumers.ts): one problem per consumer, on its
 * `refresh` (or on `rotation.slots` with one slot), naming the app, the consumer and its refresh.
 *
 * @param schedule the resolved rotation settings; when they are invalid (reported elsewhere), the
 *   schedule as written ({@link writtenSchedule}), so every refusal the policy pack would make on
 *   what the program declares is named here too
 * @param nowMs the deployment instant (calendar windows are walked from there)
 * @returns false when a problem was reported
 */
export function checkConsumerOverlap(
  field: string,
  appName: string,
  consumers: readonly ConsumerConfig[],
  schedule: OverlapSchedule | undefined,
  nowMs: number,
  report: Report,
): boolean {
  if (!schedule) return true;
  let ok = true;
  for (const [index, consumer] of consumers.entries()) {
    const problem = consumerOverlapProblem(schedule, consumer.refreshDuration, nowMs);
    if (!problem) continue;
    ok = false;
    const oneSlot = schedule.slots < 2;
    report(
      oneSlot ? `${field}.rotation.slots` : `${field}.consumers[${index}].refresh`,
      oneSlot ? schedule.slots : consumer.refresh,
      `app ${appName}: consumer ${consumer.name} (${consumer.kind}, refresh ${consumer.refresh}) could hold a credential that no longer works: ${problem.reason}. Fix: ${problem.fix} (consumer-refresh-overlap)`,
    );
  }
  return ok;
}

/**
 * The overlap's inputs as written, for a rotation whose other settings are invalid: period, grace
 * and slots (defaults where absent), anchored at `nowMs`; undefined when one of them cannot be read.
 */
export function writtenSchedule(
  raw: { period?: string; grace?: string; slots?: unknown },
  nowMs: number,
): OverlapSchedule | undefined {
  const period = raw.period ?? ROTATION_DEFAULTS.period;
  const grace = raw.grace ?? ROTATION_DEFAULTS.grace;
  const slots = raw.slots ?? ROTATION_DEFAULTS.slots;
  const periodDuration = parseDuration(period);
  const graceDuration = parseDuration(grace);
  if (!periodDuration.ok || !graceDuration.ok || (slots !== 1 && slots !== 2)) return undefined;
  return {
    anchorMs: nowMs,
    period,
    periodDuration: periodDuration.value,
    grace,
    graceDuration: graceDuration.value,
    slots,
  };
}
