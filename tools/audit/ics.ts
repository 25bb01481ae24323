/**
 * The tenant's credentials that this project does not rotate, as an iCalendar (RFC 5545) file to
 * subscribe to (`npm run audit -- --ics FILE`): one event per end date, with a reminder
 * `warnBefore` ahead. Pure: no clock, no I/O.
 *
 * Written with ical.js, as the rotation calendar is (tools/calendar/ics.ts, whose building blocks
 * it shares). Credentials created by this project's rotation (`role` `managed`) are left out: they
 * are replaced before they end. So are credentials whose end date cannot be read.
 *
 * Every event has a stable UID, derived from the object's type, its object id and the credential's
 * keyId: a subscribed calendar updates the event when the credential's end date changes, instead of
 * duplicating it. Times are UTC (`…Z`), whole seconds. Summaries and descriptions name the object
 * (display name, drawn through `neutralise`), its ids and the credential's type, keyId and end
 * date: never a secret, a hint or a credential's own display name.
 */
import { Duration } from "luxon";
import ICAL from "ical.js";
import { neutralise as n } from "../offline";
import { addDuration, formatInstant, isFixedLength } from "../../policy/core";
import { newCalendar, newEvent, stableUid, utcTime } from "../calendar/ics";
import type { TenantCredentialRow } from "./rules";

/** Options of {@link auditCalendar}. */
export interface AuditCalendarOptions {
  /** The audit's instant, ms since the epoch: DTSTAMP, and whether an end is past ("expired"). */
  nowMs: number;
  /** How long before each end date the reminder (VALARM) fires. */
  warnBefore: Duration;
}

const OBJECT_NOUN = { application: "application", servicePrincipal: "service principal" } as const;
const CREDENTIAL_NOUN = { password: "client secret", certificate: "certificate" } as const;

/**
 * The end dates of the credentials this project does not rotate, as iCalendar text (CRLF line
 * ends): one VEVENT per credential with a readable end date and `role !== "managed"`, in end-date
 * order, each with a DISPLAY alarm `warnBefore` before it.
 *
 * The alarm's TRIGGER is relative to the event (`-P14D`) when `warnBefore` has no years or months;
 * otherwise, since an iCalendar duration holds neither, an absolute UTC DATE-TIME computed
 * calendar-correctly (`end − warnBefore`), as the audit's `credential-expiring-soon` counts.
 *
 * The UID is {@link stableUid} of the object's type, object id and keyId. When the input holds the
 * same keyId twice on one object (the audit warns about it), the second one's UID also takes its
 * end date, and a counter if that is the same too.
 */
export function auditCalendar(
  rows: readonly TenantCredentialRow[],
  options: AuditCalendarOptions,
): string {
  const calendar = newCalendar("Credentials to renew by hand (app-credentials audit)");
  const chosen = rows
    .filter((row) => row.role !== "managed" && Number.isFinite(row.credential.endMs))
    .slice()
    .sort(
      (a, b) =>
        a.credential.endMs - b.credential.endMs ||
        compare(a.object.objectId, b.object.objectId) ||
        compare(a.credential.keyId, b.credential.keyId),
    );
  const used = new Set<string>();
  for (const row of chosen) {
    const { object, credential } = row;
    const base = ["audit-calendar", object.objectType, object.objectId, credential.keyId];
    let uid = stableUid(...base);
    if (used.has(uid)) uid = stableUid(...base, String(credential.endMs));
    for (let i = 2; used.has(uid); i++) uid = stableUid(...base, String(credential.endMs), `#${i}`);
    used.add(uid);

    const name = n(object.displayName) || "(no display name)";
    const what = CREDENTIAL_NOUN[credential.credentialType];
    const end = formatInstant(credential.endMs);
    const past = credential.endMs <= options.nowMs;
    const event = newEvent({
      uid,
      atMs: credential.endMs,
      stampMs: options.nowMs,
      summary: `${name}: ${what} ${past ? "expired" : "expires"}`,
      description: [
        `The ${what} ${n(credential.keyId)} of ${OBJECT_NOUN[object.objectType]} ${name} ` +
          `(object id ${n(object.objectId)}, appId ${n(object.appId)}) ` +
          `${past ? "expired" : "expires"} at ${end}.`,
        row.role === "entra-certificate"
          ? "Entra ID's own certificate process renews it: check that it did."
          : "Nothing rotates it: create its replacement, hand it to its users, then delete this one.",
      ].join(" "),
      categories: ["app-credentials", "Expiry"],
    });
    event.addSubcomponent(
      reminder(credential.endMs, options.warnBefore, `${name}: ${what} expires at ${end}`),
    );
    calendar.addSubcomponent(event);
  }
  return calendar.toString() + "\r\n";
}

/** A DISPLAY VALARM `warnBefore` before `endMs` (relative when it can be, see {@link auditCalendar}). */
function reminder(endMs: number, warnBefore: Duration, text: string): ICAL.Component {
  const alarm = new ICAL.Component("valarm");
  alarm.addPropertyWithValue("action", "DISPLAY");
  alarm.addPropertyWithValue("description", text);
  if (isFixedLength(warnBefore)) {
    const duration = ICAL.Duration.fromSeconds(-Math.round(warnBefore.toMillis() / 1000));
    alarm.addPropertyWithValue("trigger", duration);
  } else {
    const trigger = new ICAL.Property("trigger");
    trigger.resetType("date-time");
    trigger.setValue(utcTime(addDuration(endMs, warnBefore, -1)));
    alarm.addProperty(trigger);
  }
  return alarm;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
