/**
 * The instant an offline preview evaluates at (`--now`): `Date` is faked in this process and, via a
 * `--require` preload, in the policy pack's process, so the program, the simulated provider and the
 * pack all read the same instant.
 */
import * as path from "path";
import { install } from "@sinonjs/fake-timers";
import { parseInstant } from "../../policy/lib/iso8601";

/** Environment variable read by `fake-date-preload.js`: the faked instant, ms since the epoch. */
export const FAKE_NOW_ENV = "PREVIEW_FAKE_NOW_MS";

/** Absolute path of the plain-JavaScript preload that fakes `Date` from {@link FAKE_NOW_ENV}. */
export const FAKE_DATE_PRELOAD = path.join(__dirname, "fake-date-preload.js");

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
 * line: {@link FAKE_NOW_ENV} in its environment and `--require <preload>` in its node options.
 *
 * @param nowMs ms since the Unix epoch
 */
export function fakeDateChildOptions(nowMs: number): {
  env: Record<string, string>;
  nodeOptions: string[];
} {
  return { env: { [FAKE_NOW_ENV]: String(nowMs) }, nodeOptions: ["--require", FAKE_DATE_PRELOAD] };
}
