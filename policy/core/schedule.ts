/**
 * The rotation schedule that app-credentials writes into a password's `rotateWhenChanged`.
 *
 * This is the contract between the stack program (which writes it) and the policy pack (which
 * reads it at preview time, before any password exists). Three keys, all strings:
 *
 * | key                | value                                   | example                              |
 * |--------------------|-----------------------------------------|--------------------------------------|
 * | `rotation-window`  | `<anchor RFC 3339>/<period ISO 8601>#<generation>` | `2024-01-01T00:00:00Z/P180D#7` |
 * | `rotation-slot`    | `<slot>/<slots>`                        | `1/2`                                |
 * | `rotation-trigger` | the manual trigger, any string          | `2026-11-21-leak`                    |
 *
 * A password of generation g in slot s (of `slots`) was issued for window `k = slots·g + s` and is
 * replaced at the start of window `k + slots`, that is at `anchor + (slots·g + s + slots)·period`.
 * Every value depends on the generation only, so the map is stable inside a rotation window and
 * changes exactly when the slot is due (or when the trigger is advanced).
 */
import { Duration } from "luxon";
import { addDuration, formatInstant, parseDuration, parseInstant, Parsed } from "./iso8601";

/** `rotateWhenChanged` key holding `<anchor>/<period>#<generation>`. */
export const WINDOW_KEY = "rotation-window";
/** `rotateWhenChanged` key holding `<slot>/<slots>`. */
export const SLOT_KEY = "rotation-slot";
/** `rotateWhenChanged` key holding the manual rotation trigger. */
export const TRIGGER_KEY = "rotation-trigger";

/** One slot's position in the schedule. */
export interface SlotSchedule {
  /** Start of window 0, milliseconds since the Unix epoch. */
  anchorMs: number;
  /** Window length, an ISO 8601 duration string such as `P180D`. */
  period: string;
  /** How many times this slot has been replaced since the anchor (≥ -1: slot 1 starts at -1 in window 0). */
  generation: number;
  /** Slot index, 0 ≤ slot < slots. */
  slot: number;
  /** Number of overlapping passwords: 1 or 2. */
  slots: number;
}

/** A parsed schedule with the instant the password will be replaced. */
export interface ParsedSchedule extends SlotSchedule {
  periodDuration: Duration;
  /** Start of the window in which this password was issued, ms since the epoch. */
  issuedWindowStartMs: number;
  /** Start of the window in which this password is replaced, ms since the epoch. */
  nextRotationMs: number;
}

/** Builds the `rotateWhenChanged` map of one slot (all values strings, as the provider requires). */
export function formatSchedule(schedule: SlotSchedule, trigger: string): Record<string, string> {
  return {
    [WINDOW_KEY]: `${formatInstant(schedule.anchorMs)}/${schedule.period}#${schedule.generation}`,
    [SLOT_KEY]: `${schedule.slot}/${schedule.slots}`,
    [TRIGGER_KEY]: trigger,
  };
}

/** Instant at which the password of this slot and generation is replaced, ms since the epoch. */
export function nextRotation(schedule: SlotSchedule, period: Duration): number {
  const { anchorMs, generation, slot, slots } = schedule;
  return addDuration(anchorMs, period, slots * generation + slot + slots);
}

/**
 * Reads the schedule keys from a `rotateWhenChanged` map.
 *
 * @returns `undefined` when the map carries no `rotation-window` key (not written by
 *   app-credentials); a failed result naming the malformed key; otherwise the schedule.
 *   `rotation-slot` defaults to `0/1` when absent. Never throws.
 */
export function parseSchedule(rotateWhenChanged: unknown): Parsed<ParsedSchedule> | undefined {
  if (typeof rotateWhenChanged !== "object" || rotateWhenChanged === null) return undefined;
  const map = rotateWhenChanged as Record<string, unknown>;
  const window = map[WINDOW_KEY];
  if (window === undefined) return undefined;
  const match = typeof window === "string" ? /^([^/]+)\/([^#]+)#(-?\d{1,6})$/.exec(window) : null;
  if (!match) {
    return { ok: false, reason: `${WINDOW_KEY} must read "<anchor>/<period>#<generation>"` };
  }
  const anchor = parseInstant(match[1]);
  if (!anchor.ok) return { ok: false, reason: `${WINDOW_KEY} anchor: ${anchor.reason}` };
  const period = parseDuration(match[2]);
  if (!period.ok) return { ok: false, reason: `${WINDOW_KEY} period: ${period.reason}` };
  const slotText = map[SLOT_KEY] ?? "0/1";
  const slotMatch = typeof slotText === "string" ? /^([01])\/([12])$/.exec(slotText) : null;
  if (!slotMatch || Number(slotMatch[1]) >= Number(slotMatch[2])) {
    return { ok: false, reason: `${SLOT_KEY} must be "0/1", "0/2" or "1/2"` };
  }
  const schedule: SlotSchedule = {
    anchorMs: anchor.value,
    period: match[2],
    generation: Number(match[3]),
    slot: Number(slotMatch[1]),
    slots: Number(slotMatch[2]),
  };
  const issuedWindow = schedule.slots * schedule.generation + schedule.slot;
  return {
    ok: true,
    value: {
      ...schedule,
      periodDuration: period.value,
      issuedWindowStartMs: addDuration(schedule.anchorMs, period.value, issuedWindow),
      nextRotationMs: nextRotation(schedule, period.value),
    },
  };
}
