/**
 * How to fix a child process's clock (the fixed-clock preload). Light: imports nothing but `path`,
 * so processes that only spawn children need not load gRPC or the Pulumi runtime.
 */
import * as path from "path";

/**
 * Absolute path of a preload script that fixes the pack's clock: pass it with
 * `nodeOptions: ["--require", FIXED_CLOCK]` and set `PULUMI_TEST_NOW` (RFC 3339) in `env`.
 */
export const FIXED_CLOCK = path.join(__dirname, "fixed-clock.js");

/** The variable {@link FIXED_CLOCK} reads the instant from (RFC 3339). */
export const FIXED_CLOCK_VARIABLE = "PULUMI_TEST_NOW";

/**
 * Options for {@link startPolicyPack} (or any child process) that fix its clock at `nowMs` from its
 * first line: `PULUMI_TEST_NOW` in the environment and `--require` {@link FIXED_CLOCK}.
 *
 * @param nowMs ms since the Unix epoch
 */
export function fixedClockOptions(nowMs: number): {
  env: Record<string, string>;
  nodeOptions: string[];
} {
  return {
    env: { [FIXED_CLOCK_VARIABLE]: new Date(nowMs).toISOString() },
    nodeOptions: ["--require", FIXED_CLOCK],
  };
}
