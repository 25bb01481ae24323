/**
 * The instant an offline preview (or the calendar) evaluates at: `--now` (`--from`), else the
 * `APP_CREDENTIALS_NOW` variable, else the current time. Programs run in child processes whose
 * `Date` is faked at that instant (./programRunner.ts); the policy pack's clock is faked the same
 * way when the instant is not the current time.
 */
import { DEFAULT_ANCHOR_EPOCH_MS } from "../../components/rotation";
import { formatInstant, parseInstant } from "../../policy/core";

/** The variable holding the deployment instant (RFC 3339), honoured by the program too. */
export const NOW_VARIABLE = "APP_CREDENTIALS_NOW";

/** Where the instant came from. */
export type InstantSource = "option" | "environment" | "clock";

/** A resolved instant. */
export interface ResolvedInstant {
  /** ms since the Unix epoch. */
  ms: number;
  source: InstantSource;
}

/** An invalid `--now` / `--from` or `APP_CREDENTIALS_NOW`; the message names it. */
export class InstantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstantError";
  }
}

/**
 * Parses an RFC 3339 instant with an explicit offset, e.g. `2027-03-01T12:00:00Z`, in whole
 * seconds: every instant the programs and the configuration use is (credential dates, anchors),
 * and a fraction would give end dates the provider stores differently than declared.
 *
 * @param name what to name in the error: the option (`--now`) or the variable
 * @returns ms since the Unix epoch
 * @throws InstantError naming `name` and the bad value (not RFC 3339, out of range, or with a
 *   fraction of a second)
 */
export function parseNow(text: string, name = "--now"): number {
  const parsed = parseInstant(text);
  if (!parsed.ok || formatInstant(parsed.value) === "(invalid instant)") {
    throw new InstantError(
      `${name}: ${JSON.stringify(text)} is not an RFC 3339 instant such as 2027-03-01T12:00:00Z` +
        (parsed.ok ? " (out of range)" : " (a date, a time and an offset such as Z or +02:00)"),
    );
  }
  if (parsed.value % 1000 !== 0) {
    throw new InstantError(
      `${name}: ${JSON.stringify(text)} has a fraction of a second: give whole seconds, such as ${formatInstant(Math.floor(parsed.value / 1000) * 1000)} (credential dates and anchors are whole seconds: the azuread provider stores them to the second)`,
    );
  }
  return parsed.value;
}

/**
 * Refuses an instant before every default rotation anchor: an app without an explicit `anchor`
 * starts its window 0 at 2024-01-01T00:00:00Z plus a per-app offset (components/rotation.ts
 * `defaultAnchor`), and the configuration refuses an explicit anchor later than now; an instant
 * before 2024 would evaluate every such app before its window 0 (negative generations).
 *
 * @param name the option or variable, for the message
 * @returns the instant
 * @throws InstantError naming `name`, the instant and the earliest default anchor
 */
export function checkNotBeforeDefaultAnchors(ms: number, name: string): number {
  if (ms < DEFAULT_ANCHOR_EPOCH_MS) {
    throw new InstantError(
      `${name}: ${formatInstant(ms)} is before ${formatInstant(DEFAULT_ANCHOR_EPOCH_MS)}, where default rotation anchors start (an app without \`anchor\` starts window 0 there plus a per-app offset, and an anchor may not be later than now): give a later instant`,
    );
  }
  return ms;
}

/**
 * The instant to evaluate at. The variable is validated even when the option wins: the program
 * reads it too, so a bad value would fail the real deployment.
 *
 * @param option the option's value, when given (wins)
 * @param optionName `--now` or `--from`, for messages
 * @param env the environment (reads {@link NOW_VARIABLE})
 * @param clockMs the current time, ms since the epoch; truncated to whole seconds, as RFC 3339
 *   instants are usually written
 * @throws InstantError naming the option or the variable: not an RFC 3339 instant, a fraction of
 *   a second, or before the default rotation anchors ({@link checkNotBeforeDefaultAnchors})
 */
export function resolveInstant(
  option: string | undefined,
  optionName: string,
  env: NodeJS.ProcessEnv,
  clockMs: number,
): ResolvedInstant {
  const variable = env[NOW_VARIABLE];
  const fromVariable =
    variable === undefined
      ? undefined
      : checkNotBeforeDefaultAnchors(parseNow(variable, NOW_VARIABLE), NOW_VARIABLE);
  if (option !== undefined) {
    const ms = checkNotBeforeDefaultAnchors(parseNow(option, optionName), optionName);
    return { ms, source: "option" };
  }
  if (fromVariable !== undefined) return { ms: fromVariable, source: "environment" };
  return { ms: Math.floor(clockMs / 1000) * 1000, source: "clock" };
}

/** How the instant's origin is named in notes: `--now`, `APP_CREDENTIALS_NOW`. */
export function describeSource(source: InstantSource, optionName: string): string {
  return source === "option" ? optionName : source === "environment" ? NOW_VARIABLE : "the clock";
}
