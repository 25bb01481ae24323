/**
 * The deployment instant: the one instant every rotation window of a run is computed from.
 *
 * `pulumi up` runs the program twice, once for the preview and once for the update (unless
 * `--skip-preview`); a window boundary between the two would make the update differ from the
 * preview the user approved (and break `--plan`). A pipeline therefore sets `APP_CREDENTIALS_NOW`
 * once per job, and both runs read the same instant.
 */
import { formatInstant, parseInstant } from "../policy/core";
import { ConfigError } from "./config";

/** Environment variable holding the deployment instant (RFC 3339), set once per deployment job. */
export const NOW_VARIABLE = "APP_CREDENTIALS_NOW";

/**
 * How far `APP_CREDENTIALS_NOW` may be from the clock: 12 hours, longer than any deployment job.
 * A value left behind in an environment would otherwise freeze rotation at that instant.
 */
export const MAX_NOW_DRIFT_MS = 12 * 3_600_000;

/**
 * The deployment instant: `APP_CREDENTIALS_NOW` when set (RFC 3339 with an offset, e.g.
 * `2026-11-21T02:17:00Z`), else the clock.
 *
 * @param env the environment (default `process.env`)
 * @param clockMs the clock, ms since the epoch (default `Date.now()`)
 * @returns ms since the Unix epoch
 * @throws ConfigError naming the variable when its value is not an RFC 3339 instant, or is more
 *   than {@link MAX_NOW_DRIFT_MS} (12 hours) away from the clock
 */
export function deploymentInstant(
  env: NodeJS.ProcessEnv = process.env,
  clockMs: number = Date.now(),
): number {
  const text = env[NOW_VARIABLE];
  if (text === undefined || text === "") return clockMs;
  const parsed = parseInstant(text);
  if (!parsed.ok) {
    throw new ConfigError([
      `${NOW_VARIABLE}: ${JSON.stringify(text.slice(0, 64))} is invalid; expected an RFC 3339 instant such as 2026-11-21T02:17:00Z (${parsed.reason})`,
    ]);
  }
  if (Math.abs(parsed.value - clockMs) > MAX_NOW_DRIFT_MS) {
    throw new ConfigError([
      `${NOW_VARIABLE}: ${JSON.stringify(text)} is invalid; it must be within 12 hours of the clock (now ${formatInstant(clockMs)}): set it once at the start of each deployment job, never permanently`,
    ]);
  }
  return parsed.value;
}
