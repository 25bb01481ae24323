/**
 * The deployment instant: the one instant every rotation window of a run is computed from.
 *
 * `pulumi up` runs the program twice, once for the preview and once for the update (unless
 * `--skip-preview`); a window boundary between the two would make the update differ from the
 * preview the user approved (and break `--plan`). A pipeline therefore sets `APP_CREDENTIALS_NOW`
 * once per job, and both runs read the same instant.
 */
import * as pulumi from "@pulumi/pulumi";
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

/**
 * The instant of each program run, keyed by the run's stack resource: an Automation API inline
 * program runs every `up` in one process, and each must read its own instant.
 */
const runInstants = new WeakMap<object, number>();
/** The instant of a process without a stack resource (a component provider, the mock runtime). */
let processInstantMs: number | undefined;

/**
 * The deployment instant of this program run: the first call of a run reads
 * {@link deploymentInstant} (`APP_CREDENTIALS_NOW`, else the clock, with its 12-hour drift check);
 * every later call of the same run returns the same instant, so every component of one run
 * computes its windows from one instant. A run is the stack resource Pulumi runs the program in
 * (`pulumi.runtime.getStackResource()`); without one (a component provider's process, which
 * serves one operation, or the mock runtime) the process. Components call it themselves: the
 * instant is never a component argument (arguments are stored in the state, and an instant there
 * would differ at every run).
 *
 * @returns ms since the Unix epoch
 * @throws ConfigError as {@link deploymentInstant}
 */
export function runDeploymentInstant(): number {
  const run = pulumi.runtime.getStackResource();
  if (run === undefined) {
    processInstantMs ??= deploymentInstant();
    return processInstantMs;
  }
  let instant = runInstants.get(run);
  if (instant === undefined) {
    instant = deploymentInstant();
    runInstants.set(run, instant);
  }
  return instant;
}

/**
 * Fixes the instant of this program run (the stack program, after reading it once; tests and
 * simulations that deploy at a chosen instant).
 *
 * @param nowMs ms since the Unix epoch
 */
export function setRunDeploymentInstant(nowMs: number): void {
  const run = pulumi.runtime.getStackResource();
  if (run === undefined) processInstantMs = nowMs;
  else runInstants.set(run, nowMs);
}
