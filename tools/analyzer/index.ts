/**
 * Engine-faithful harness for CrossGuard policy packs: start a pack as `pulumi preview
 * --policy-pack` does, reconcile its config like `--policy-pack-config`, and send resources
 * through `Analyze` / `AnalyzeStack`. Used by the pack's integration test and the offline preview.
 *
 * ```ts
 * const pack = await startPolicyPack("policy", { nodeOptions: ["--require", FIXED_CLOCK], env: { PULUMI_TEST_NOW: "2026-01-01T00:00:00Z" } });
 * const { diagnostics } = await runPolicies(pack, resources, { configFile: '{"all":"mandatory"}' });
 * await pack.stop();
 * ```
 */
import * as path from "path";

export * from "./config";
export * from "./convert";
export * from "./engine";
export * from "./pack";
export * from "./sentinels";

/**
 * Absolute path of a preload script that fixes the pack's clock: pass it with
 * `nodeOptions: ["--require", FIXED_CLOCK]` and set `PULUMI_TEST_NOW` (RFC 3339) in `env`.
 */
export const FIXED_CLOCK = path.join(__dirname, "fixed-clock.js");

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
    env: { PULUMI_TEST_NOW: new Date(nowMs).toISOString() },
    nodeOptions: ["--require", FIXED_CLOCK],
  };
}
