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

export * from "./config";
export * from "./convert";
export * from "./engine";
export * from "./pack";
export * from "./sentinels";

export { FIXED_CLOCK, FIXED_CLOCK_VARIABLE, fixedClockOptions } from "./clockOptions";
