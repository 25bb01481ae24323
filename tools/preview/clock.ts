/**
 * The instant an offline preview evaluates at (`--now`): `Date` is faked in this process and, via a
 * `--require` preload, in the policy pack's process, so the program, the simulated provider and the
 * pack all read the same instant.
 */
import { install } from "@sinonjs/fake-timers";
import { parseInstant } from "../../policy/lib/iso8601";
import { fixedClockOptions } from "../analyzer";

/**
 * Parses `--now`: an RFC 3339 instant with an explicit offset, e.g. `2027-03-01T12:00:00Z`.
 * @returns ms since the Unix epoch
 * @throws Error naming the option and the bad value
 */
export function parseNow(text: string): number {
  const parsed = parseInstant(text);
  if (!parsed.ok) {
    throw new Error(
      `--now: ${JSON.stringify(text)} is not an RFC 3339 instant such as 2027-03-01T12:00:00Z (${parsed.reason})`,
    );
  }
  return parsed.value;
}

/**
 * Fakes `Date` (only `Date`: timers, `setImmediate` and promises stay real) in this process at
 * `nowMs`. The clock does not advance: every reading returns `nowMs`. Call before the program is
 * loaded, since it validates its anchors against `Date.now()`.
 *
 * @param nowMs ms since the Unix epoch
 * @returns a function that restores the real `Date`
 */
export function fakeDate(nowMs: number): () => void {
  const clock = install({ now: nowMs, toFake: ["Date"] });
  return () => clock.uninstall();
}

/**
 * How to start a child process (the policy pack) so that it fakes `Date` at `nowMs` from its first
 * line: the analyzer harness's fixed-clock preload (the same mechanism as {@link fakeDate}).
 *
 * @param nowMs ms since the Unix epoch
 */
export const fakeDateChildOptions = fixedClockOptions;
