/**
 * The instant an offline preview (or the calendar) evaluates at: `--now` (`--from`), else the
 * `APP_CREDENTIALS_NOW` variable, else the current time. Programs run in child processes whose
 * `Date` is faked at that instant (./programRunner.ts); the policy pack's clock is faked the same
 * way when the instant is not the current time.
 */
import { formatInstant, parseInstant } from "../../policy/lib/iso8601";

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
 * Parses an RFC 3339 instant with an explicit offset, e.g. `2027-03-01T12:00:00Z`.
 *
 * @param name what to name in the error: the option (`--now`) or the variable
 * @returns ms since the Unix epoch
 * @throws InstantError naming `name` and the bad value
 */
export function parseNow(text: string, name = "--now"): number {
  const parsed = parseInstant(text);
  if (!parsed.ok || formatInstant(parsed.value) === "(invalid instant)") {
    throw new InstantError(
      `${name}: ${JSON.stringify(text)} is not an RFC 3339 instant such as 2027-03-01T12:00:00Z` +
        (parsed.ok ? " (out of range)" : " (a date, a time and an offset such as Z or +02:00)"),
    );
  }
  return parsed.value;
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
 * @throws InstantError naming the option or the variable
 */
export function resolveInstant(
  option: string | undefined,
  optionName: string,
  env: NodeJS.ProcessEnv,
  clockMs: number,
): ResolvedInstant {
  const variable = env[NOW_VARIABLE];
  const fromVariable = variable === undefined ? undefined : parseNow(variable, NOW_VARIABLE);
  if (option !== undefined) return { ms: parseNow(option, optionName), source: "option" };
  if (fromVariable !== undefined) return { ms: fromVariable, source: "environment" };
  return { ms: Math.floor(clockMs / 1000) * 1000, source: "clock" };
}

/** How the instant's origin is named in notes: `--now`, `APP_CREDENTIALS_NOW`. */
export function describeSource(source: InstantSource, optionName: string): string {
  return source === "option" ? optionName : source === "environment" ? NOW_VARIABLE : "the clock";
}
