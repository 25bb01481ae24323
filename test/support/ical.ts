/** Reading iCalendar files back with ical.js, for the calendar's and the audit's --ics tests. */
import { strict as assert } from "assert";
import ICAL from "ical.js";

/** The VEVENTs of an iCalendar text (a VCALENDAR 2.0 with a PRODID), parsed with ical.js. */
export function events(text: string): ICAL.Component[] {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  assert.equal(calendar.name, "vcalendar");
  assert.equal(calendar.getFirstPropertyValue("version"), "2.0");
  assert.ok(calendar.getFirstPropertyValue("prodid"));
  return calendar.getAllSubcomponents("vevent");
}

/** A DATE-TIME property as a UTC instant (ms), asserting that it is written in UTC. */
export function utcMs(component: ICAL.Component, name: string): number {
  const value = component.getFirstPropertyValue(name);
  assert.ok(value instanceof ICAL.Time, `${name} is a DATE-TIME`);
  assert.equal(value.zone?.tzid, "UTC", `${name} in UTC`);
  assert.equal(value.isDate, false);
  return value.toJSDate().getTime();
}

/** A property's value as text. */
export const text = (component: ICAL.Component, name: string): string =>
  String(component.getFirstPropertyValue(name));
