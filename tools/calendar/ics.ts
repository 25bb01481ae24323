/**
 * The rotation calendar as iCalendar (RFC 5545), for `npm run calendar -- --ics FILE`: a file a
 * calendar application imports or subscribes to. Pure: no clock, no I/O.
 *
 * Written with ical.js (the iCalendar library of Mozilla's calendar, from the npm registry), not by
 * hand: the library escapes text values, folds long lines and ends them with CRLF.
 *
 * Per app and slot, one event at each scheduled rotation (a deployment that replaced the slot's
 * password or certificate, the first deployment excluded) and one at each credential's end date
 * within the simulated years. Every event has a stable UID, derived from the stack, the app, the
 * slot, the generation and the kind of event: the same event keeps its UID across runs, so a
 * subscribed calendar updates its events instead of duplicating them. Times are UTC (`…Z`), whole
 * seconds. The building blocks ({@link newCalendar}, {@link stableUid}, {@link utcTime}) are shared
 * with the audit's calendar (tools/audit/ics.ts).
 */
import { createHash } from "crypto";
import ICAL from "ical.js";
import { neutralise as n } from "../offline";
import { formatInstant } from "../../policy/core";
import type { CredentialType } from "../../components/config/appConfig";
import type { Credential, Simulation } from "./simulate";
import { credentialNoun, type CredentialKinds } from "./summary";

/** The PRODID of every calendar this project writes. */
export const PRODID = "-//app-credentials//Credential calendars//EN";

/** The right-hand side of every UID: the UIDs are unique to this project's calendars. */
const UID_DOMAIN = "app-credentials.invalid";

/**
 * A UID that depends only on `parts`: a SHA-256 of them (each length-prefixed, so that no two lists
 * collide by concatenation), 32 hex digits, `@app-credentials.invalid`. Nothing of the parts (app
 * or object names) shows in it.
 */
export function stableUid(...parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}\n`);
  return `${hash.digest("hex").slice(0, 32)}@${UID_DOMAIN}`;
}

/** An instant (ms since the epoch) as an iCalendar DATE-TIME in UTC, whole seconds. */
export function utcTime(ms: number): ICAL.Time {
  return ICAL.Time.fromJSDate(new Date(Math.floor(ms / 1000) * 1000), true);
}

/**
 * An empty VCALENDAR (VERSION 2.0, {@link PRODID}, GREGORIAN, METHOD PUBLISH) named `name`
 * (X-WR-CALNAME, which calendar applications show for a subscription).
 */
export function newCalendar(name: string): ICAL.Component {
  const calendar = new ICAL.Component("vcalendar");
  calendar.addPropertyWithValue("prodid", PRODID);
  calendar.addPropertyWithValue("version", "2.0");
  calendar.addPropertyWithValue("calscale", "GREGORIAN");
  calendar.addPropertyWithValue("method", "PUBLISH");
  calendar.addPropertyWithValue("x-wr-calname", name);
  return calendar;
}

/** What one event says. */
export interface EventFields {
  uid: string;
  /** The event's instant, ms since the epoch (DTSTART; no DTEND: it lasts no time). */
  atMs: number;
  /** DTSTAMP, ms since the epoch. */
  stampMs: number;
  summary: string;
  description: string;
  categories?: string[];
}

/**
 * A VEVENT: an instant (DTSTART in UTC, no DTEND, so it ends when it starts, RFC 5545 3.6.1),
 * TRANSPARENT (it does not block time).
 */
export function newEvent(fields: EventFields): ICAL.Component {
  const event = new ICAL.Component("vevent");
  event.addPropertyWithValue("uid", fields.uid);
  event.addPropertyWithValue("dtstamp", utcTime(fields.stampMs));
  event.addPropertyWithValue("dtstart", utcTime(fields.atMs));
  event.addPropertyWithValue("summary", fields.summary);
  event.addPropertyWithValue("description", fields.description);
  event.addPropertyWithValue("transp", "TRANSPARENT");
  if (fields.categories && fields.categories.length > 0) {
    const categories = new ICAL.Property("categories");
    categories.setValues(fields.categories);
    event.addProperty(categories);
  }
  return event;
}

/** The kinds of events of the rotation calendar (part of each UID: never rename one). */
export type RotationEventKind = "rotation" | "end";

/** Options of {@link rotationCalendar}. */
export interface RotationCalendarOptions {
  /** The stack's name: part of every UID and of the calendar's name. */
  stack: string;
  /** What rotates for each app (names passwords or certificates in the summaries). */
  credentialKinds?: CredentialKinds;
  /**
   * DTSTAMP of every event, ms since the epoch (default: the simulation's first deployment, so
   * that the same simulation gives the same file).
   */
  stampMs?: number;
}

/**
 * The rotation calendar of a simulated stack as iCalendar text (CRLF line ends).
 *
 * Events, per app and slot, in time order (then app, slot):
 * - `rotation`: a deployment after the first one created the slot's credential of a generation
 *   (the one it replaced, if any, is named);
 * - `end`: a credential's end date, when it falls within the simulated span
 *   (`fromMs ≤ end < untilMs`).
 *
 * The UID of an event is {@link stableUid} of the stack, the app, the slot, the generation (with
 * the simulation's `#n` suffix when a slot and generation were created again) and the kind.
 */
export function rotationCalendar(simulation: Simulation, options: RotationCalendarOptions): string {
  const stampMs = options.stampMs ?? simulation.fromMs;
  const calendar = newCalendar(`Credential rotations of stack ${n(options.stack)}`);
  const events: { atMs: number; app: string; slot: number; component: ICAL.Component }[] = [];
  for (const app of simulation.apps) {
    const kind = options.credentialKinds?.[app.app];
    const byId = new Map(app.credentials.map((c) => [c.id, c]));
    const add = (credential: Credential, eventKind: RotationEventKind, atMs: number, text: Text) =>
      events.push({
        atMs,
        app: app.app,
        slot: credential.slot,
        component: newEvent({
          uid: stableUid(
            "rotation-calendar",
            options.stack,
            app.app,
            `slot${credential.slot}`,
            generationOf(credential),
            eventKind,
          ),
          atMs,
          stampMs,
          summary: text.summary,
          description: text.description,
          categories: ["app-credentials", eventKind === "rotation" ? "Rotation" : "End date"],
        }),
      });
    for (const rotation of app.rotations) {
      for (const id of rotation.created) {
        const credential = byId.get(id);
        if (!credential) continue;
        const replaced = rotation.deleted
          .map((d) => byId.get(d))
          .find((d) => d !== undefined && d.slot === credential.slot);
        add(credential, "rotation", rotation.atMs, rotationText(credential, kind, replaced));
      }
    }
    for (const credential of app.credentials) {
      if (credential.endDateMs >= simulation.fromMs && credential.endDateMs < simulation.untilMs) {
        add(credential, "end", credential.endDateMs, endText(credential, kind));
      }
    }
  }
  events.sort(
    (a, b) => a.atMs - b.atMs || (a.app < b.app ? -1 : a.app > b.app ? 1 : 0) || a.slot - b.slot,
  );
  for (const event of events) calendar.addSubcomponent(event.component);
  return calendar.toString() + "\r\n";
}

/** A summary and a description. */
interface Text {
  summary: string;
  description: string;
}

/** `gen<g>`, with the simulation's `#n` suffix when the slot and generation were created again. */
function generationOf(credential: Credential): string {
  const again = /#\d+$/.exec(credential.id);
  return `gen${credential.generation}${again ? again[0] : ""}`;
}

function rotationText(
  credential: Credential,
  kind: CredentialType | undefined,
  replaced: Credential | undefined,
): Text {
  const noun = credentialNoun(kind, true);
  const app = n(credential.app);
  return {
    summary: `${app} slot ${credential.slot}: ${noun} rotates (generation ${credential.generation})`,
    description:
      `A scheduled deployment creates a new ${noun} for app ${app}, slot ${credential.slot}, ` +
      `generation ${credential.generation}, ending ${formatInstant(credential.endDateMs)}` +
      (replaced
        ? `; it replaces generation ${replaced.generation} (ending ${formatInstant(replaced.endDateMs)}).`
        : ".") +
      " Nothing to do: the rotation is automatic.",
  };
}

function endText(credential: Credential, kind: CredentialType | undefined): Text {
  const noun = credentialNoun(kind, true);
  const app = n(credential.app);
  const deleted =
    credential.deletedAtMs !== undefined && credential.deletedAtMs <= credential.endDateMs
      ? ` It was replaced (deleted) at ${formatInstant(credential.deletedAtMs)}, before it ends.`
      : "";
  return {
    summary: `${app} slot ${credential.slot}: ${noun} generation ${credential.generation} ends`,
    description:
      `The ${noun} of app ${app}, slot ${credential.slot}, generation ${credential.generation}, ` +
      `created ${formatInstant(credential.createdAtMs)}, reaches its end date ` +
      `${formatInstant(credential.endDateMs)} and can no longer sign in.${deleted}`,
  };
}
