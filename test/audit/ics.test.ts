/**
 * The audit's calendar (tools/audit/ics.ts): the end dates of the credentials this project does not
 * rotate, parsed back with the iCalendar library that wrote them (ical.js).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import ICAL from "ical.js";
import { Duration } from "luxon";
import { events, text, utcMs } from "../support/ical";
import { managedPasswordDisplayName } from "../../policy/core/managed";
import { auditCalendar } from "../../tools/audit/ics";
import { auditTenant } from "../../tools/audit/rules";
import { parseTenantJson, type TenantObject } from "../../tools/audit/tenant";
import {
  APPS,
  credential,
  DAY,
  DEFAULT_SETTINGS,
  NOW_MS,
  SERVICE_PRINCIPALS,
  tenantObject,
} from "./helpers";

const TWO_WEEKS = Duration.fromISO("P14D");

function fixtureRows() {
  const objects = [
    ...parseTenantJson(fs.readFileSync(APPS, "utf8"), "apps.json", "application"),
    ...parseTenantJson(
      fs.readFileSync(SERVICE_PRINCIPALS, "utf8"),
      "service-principals.json",
      "servicePrincipal",
    ),
  ];
  return auditTenant(objects, DEFAULT_SETTINGS, NOW_MS).rows;
}

describe("audit: the calendar of credentials renewed by hand (--ics)", () => {
  const managed = credential({ displayName: managedPasswordDisplayName(0, 3), endDays: 40 });
  const handMade = credential({ displayName: "hand-made secret", endDays: 60 });
  const expired = credential({ credentialType: "certificate", endDays: -5 });
  const unreadable = {
    ...credential({ endDays: 10 }),
    endMs: Number.NaN,
    endDateTime: null,
    unreadable: [{ field: "endDateTime" as const, path: "test", reason: "missing" }],
  };
  const objects: TenantObject[] = [
    tenantObject([managed, handMade, unreadable], { displayName: "Orders API" }),
    tenantObject([expired], { displayName: "Billing\u202e evil", objectType: "servicePrincipal" }),
  ];
  const rows = auditTenant(objects, DEFAULT_SETTINGS, NOW_MS).rows;

  it("one event per readable end date of a credential not rotated by this project, at that end, in UTC", () => {
    const ics = auditCalendar(rows, { nowMs: NOW_MS, warnBefore: TWO_WEEKS });
    assert.ok(ics.endsWith("END:VCALENDAR\r\n"));
    const found = events(ics);
    assert.equal(found.length, 2, "the managed and the unreadable credentials are left out");
    const [first, second] = found;
    assert.equal(utcMs(first, "dtstart"), expired.endMs);
    assert.equal(utcMs(second, "dtstart"), handMade.endMs);
    assert.equal(utcMs(first, "dtstamp"), NOW_MS);
    assert.match(text(first, "summary"), /^Billing\\u\{202e\} evil: certificate expired$/);
    assert.match(text(second, "summary"), /^Orders API: client secret expires$/);
    assert.ok(text(second, "description").includes(handMade.keyId));
    assert.ok(!ics.includes("\u202e"), "display names are neutralised");
    assert.doesNotMatch(ics, /hand-made secret/, "not a credential's own display name");
  });

  it("a reminder warnBefore ahead: relative for a fixed duration, an absolute UTC instant for months", () => {
    const [, event] = events(auditCalendar(rows, { nowMs: NOW_MS, warnBefore: TWO_WEEKS }));
    const alarms = event.getAllSubcomponents("valarm");
    assert.equal(alarms.length, 1);
    assert.equal(alarms[0].getFirstPropertyValue("action"), "DISPLAY");
    assert.ok(text(alarms[0], "description").length > 0);
    const trigger = alarms[0].getFirstPropertyValue("trigger");
    assert.ok(trigger instanceof ICAL.Duration);
    assert.equal(trigger.toSeconds(), -14 * 86_400);

    const [, monthly] = events(
      auditCalendar(rows, { nowMs: NOW_MS, warnBefore: Duration.fromISO("P1M") }),
    );
    const at = utcMs(monthly.getFirstSubcomponent("valarm") as ICAL.Component, "trigger");
    const end = new Date(handMade.endMs);
    const expected = Date.UTC(
      end.getUTCFullYear(),
      end.getUTCMonth() - 1,
      end.getUTCDate(),
      end.getUTCHours(),
      end.getUTCMinutes(),
      end.getUTCSeconds(),
    );
    assert.equal(at, expected, "end − P1M, calendar-correct");
  });

  it("keeps each event's UID across runs (another instant, another order), from object id and keyId", () => {
    const uids = (ics: string) =>
      new Map(events(ics).map((e) => [text(e, "description"), text(e, "uid")]));
    const once = auditCalendar(rows, { nowMs: NOW_MS, warnBefore: TWO_WEEKS });
    const later = auditCalendar(
      auditTenant(objects.slice().reverse(), DEFAULT_SETTINGS, NOW_MS + DAY).rows,
      { nowMs: NOW_MS + DAY, warnBefore: TWO_WEEKS },
    );
    assert.deepEqual([...uids(later).values()].sort(), [...uids(once).values()].sort());
    // A new end date of the same credential: the same event, moved.
    const renewed: TenantObject = {
      ...objects[0],
      credentials: [{ ...handMade, endMs: handMade.endMs + 30 * DAY }],
    };
    const moved = events(
      auditCalendar(auditTenant([renewed], DEFAULT_SETTINGS, NOW_MS).rows, {
        nowMs: NOW_MS,
        warnBefore: TWO_WEEKS,
      }),
    );
    assert.equal(text(moved[0], "uid"), text(events(once)[1], "uid"));
    assert.match(text(moved[0], "uid"), /^[0-9a-f]{32}@app-credentials\.invalid$/);
  });

  it("distinct UIDs even for a keyId the input holds twice on one object", () => {
    const twice = credential({ endDays: 90 });
    const again = { ...twice, endMs: twice.endMs + DAY };
    const ics = auditCalendar(
      auditTenant([tenantObject([twice, again])], DEFAULT_SETTINGS, NOW_MS).rows,
      { nowMs: NOW_MS, warnBefore: TWO_WEEKS },
    );
    const uids = events(ics).map((e) => text(e, "uid"));
    assert.equal(new Set(uids).size, 2);
  });

  it("the fixture tenant: no hint, no secret, every UID unique, two runs identical", () => {
    const fixture = fixtureRows();
    const options = { nowMs: NOW_MS, warnBefore: TWO_WEEKS };
    const ics = auditCalendar(fixture, options);
    assert.equal(auditCalendar(fixtureRows(), options), ics);
    const found = events(ics);
    const expected = fixture.filter(
      (r) => r.role !== "managed" && Number.isFinite(r.credential.endMs),
    );
    assert.equal(found.length, expected.length);
    assert.ok(found.length > 0);
    assert.equal(new Set(found.map((e) => text(e, "uid"))).size, found.length);
    assert.doesNotMatch(ics, /hint|secretText/i);
    for (const event of found) {
      for (const name of ["summary", "description"]) {
        assert.doesNotMatch(text(event, name), /\babc\b/, "the fixture's hint");
      }
    }
    for (const event of found) {
      utcMs(event, "dtstart");
      assert.equal(event.getAllSubcomponents("valarm").length, 1);
    }
  });
});
