/**
 * `consumer-refresh-overlap` (mandatory): a credential's Key Vault secret tagged `consumer-refresh`
 * (the slowest consumer's refresh interval, ISO 8601) must be covered by the rotation's overlap,
 * or a consumer could still hold a credential that has been deleted (`core/consumers.ts`,
 * `consumerOverlapProblem`: with two slots `refresh + grace ≤ shortest window`; one slot never
 * covers a consumer). The stack config refuses the same finding (`consumers`, "…
 * (consumer-refresh-overlap)"), so a stack that passes its config passes this policy.
 *
 * Read from the secret's tags, as app-credentials writes them on `<app>-client-secret` /
 * `<app>-client-certificate` (azure-native `keyvault:Secret` under any API-version token; the
 * classic `azure:keyvault/secret:Secret` carries `tags` the same way):
 * - `consumer-refresh`: ISO 8601 duration; a secret without it is not checked;
 * - `rotation-window` = `<anchor RFC 3339>/<period ISO 8601>#<generation>` and `rotation-slot` =
 *   `<slot>/<slots>` of the credential it holds (`core/schedule.ts`), giving its next rotation;
 * - `endDate`: RFC 3339, the credential's end date; the grace is `endDate − next rotation`.
 * The windows are walked from the pack's clock. Malformed tags are a violation naming the tag;
 * an unknown tag during preview re-throws the SDK's `UnknownValueError` (advisory).
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { Duration } from "luxon";
import { recordAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { CONSUMER_REFRESH_TAG, consumerOverlapProblem, OverlapSchedule } from "../core/consumers";
import { parseDuration, parseInstant } from "../core/iso8601";
import { at, resourceLabel, showValue } from "../core/messages";
import { keyVaultSecretFlavour } from "../core/resource-types";
import { parseSchedule, SLOT_KEY, WINDOW_KEY } from "../core/schedule";
import { field, knownOrThrow } from "../core/unknowns";

export const CONSUMER_REFRESH_OVERLAP = "consumer-refresh-overlap";
/** Tag holding the credential's end date (RFC 3339), written by app-credentials. */
export const END_DATE_TAG = "endDate";

/** Creates the policy. @param clock current instant (ms since epoch): calendar windows are walked from it */
export function consumerRefreshOverlapPolicy(clock: Clock = systemClock): ResourceValidationPolicy {
  return {
    name: CONSUMER_REFRESH_OVERLAP,
    description:
      "The rotation's overlap must cover the slowest consumer's refresh of a credential's Key Vault secret.",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Make refresh + grace no longer than the shortest rotation window, with rotation.slots 2: shorten the slowest consumer's refresh (tag consumer-refresh, the consumers' refresh in the stack config), lengthen rotation.period or shorten rotation.grace.",
    url: `policy/README.md#${CONSUMER_REFRESH_OVERLAP}`,
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation, clock());
    },
  };
}

/** The policy with the system clock, as the pack serves it. */
export const consumerRefreshOverlap = consumerRefreshOverlapPolicy();

const TAG_FIX = `tag the secret as app-credentials does: ${CONSUMER_REFRESH_TAG} = the slowest consumer's refresh (ISO 8601, e.g. PT24H), ${WINDOW_KEY} = "<anchor>/<period>#<generation>" and ${SLOT_KEY} = "<slot>/<slots>" of the credential it holds, ${END_DATE_TAG} = its end date (RFC 3339)`;

const NOT_SET = "not set";

function validate(args: ResourceValidationArgs, report: ReportViolation, nowMs: number): void {
  if (keyVaultSecretFlavour(args.type) === undefined) return;
  const tags = knownOrThrow(field(args.props, "tags"));
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return;
  const tag = (key: string): unknown => knownOrThrow(field(tags, key, ["tags"]));
  const refreshText = tag(CONSUMER_REFRESH_TAG);
  if (refreshText === undefined) return;
  const window = tag(WINDOW_KEY);
  const slot = tag(SLOT_KEY);
  const endDate = tag(END_DATE_TAG);
  const label = resourceLabel(args.type, args.name);
  const unreadable = (what: string, reason: string) =>
    report(
      `${label}: tag ${what} ${reason === NOT_SET ? "is not set" : `is unreadable (${reason})`}, so the consumers' overlap cannot be checked. Fix: ${TAG_FIX}.`,
    );

  const refresh = parseDuration(refreshText);
  if (!refresh.ok) return unreadable(CONSUMER_REFRESH_TAG, refresh.reason);
  if (window === undefined) return unreadable(WINDOW_KEY, NOT_SET);
  if (slot === undefined) return unreadable(SLOT_KEY, NOT_SET);
  const parsed = parseSchedule({ [WINDOW_KEY]: window, [SLOT_KEY]: slot });
  if (parsed === undefined || !parsed.ok) {
    const reason = parsed?.reason ?? NOT_SET;
    return unreadable(reason.startsWith(SLOT_KEY) ? SLOT_KEY : WINDOW_KEY, reason);
  }
  const schedule = parsed.value;
  const end = parseInstant(endDate);
  if (!end.ok) return unreadable(END_DATE_TAG, end.reason);
  const graceMs = end.value - schedule.nextRotationMs;
  if (!Number.isFinite(schedule.nextRotationMs) || !(graceMs > 0)) {
    return unreadable(
      END_DATE_TAG,
      `${showValue(endDate)} is not after the credential's next rotation ${at(schedule.nextRotationMs)} given by ${WINDOW_KEY} ${showValue(window)} and ${SLOT_KEY} ${showValue(slot)}`,
    );
  }
  const grace = formatFixedDuration(graceMs);
  const overlap: OverlapSchedule = {
    anchorMs: schedule.anchorMs,
    period: schedule.period,
    periodDuration: schedule.periodDuration,
    grace,
    graceDuration: Duration.fromMillis(graceMs),
    slots: schedule.slots,
  };
  const problem = consumerOverlapProblem(overlap, refresh.value, nowMs);
  if (problem === undefined) return;
  report(
    `${label}: consumers refresh every ${refreshText as string} (tag ${CONSUMER_REFRESH_TAG}), and the rotation's overlap does not cover them ` +
      `(period ${schedule.period}, ${schedule.slots} slot${schedule.slots === 1 ? "" : "s"}, grace ${grace} = ${END_DATE_TAG} ${at(end.value)} − next rotation ${at(schedule.nextRotationMs)}): ` +
      `${problem.reason}. Fix: ${problem.fix}.`,
  );
}

/**
 * A positive span as an ISO 8601 duration in days and time units, zeros left out: `P30D`,
 * `P6DT23H`, `PT1H30M`, `PT0.5S`.
 *
 * @param ms milliseconds, > 0
 */
export function formatFixedDuration(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time =
    (hours ? `${hours}H` : "") + (minutes ? `${minutes}M` : "") + (seconds ? `${seconds}S` : "");
  const text = `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
  return text === "P" ? "PT0S" : text;
}
