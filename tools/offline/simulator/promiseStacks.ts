/**
 * Skips the stack trace that Pulumi's Node.js runtime captures for every internal promise.
 *
 * `debuggablePromise` (`@pulumi/pulumi/runtime/debuggable.js`) runs `new Error().stack` for each
 * of the four promises behind every output property of every resource, and keeps the string on the
 * promise. The string is read only by `promiseDebugString`, which prints it for leaked promises
 * when `PULUMI_DEBUG_PROMISE_LEAKS` is set. Under ts-node every captured frame is also mapped
 * through source maps: in the offline preview of a 100-app stack this was 40 % of the run time
 * (BENCHMARKS.md).
 *
 * {@link skipPromiseDebugStacks} wraps `debuggablePromise` so that it captures no frames
 * (`Error.stackTraceLimit` is 0 for the duration of the call and restored after it): promise ids,
 * contexts and leak detection are unchanged, only the leak report's `STACK_TRACE` is empty. Errors
 * thrown by a program keep their stacks.
 *
 * The runtime's modules call `debuggable_1.debuggablePromise(...)` through the module object, so
 * replacing the export reaches every caller.
 *
 * The same applies to `Resource.callsites()` (`@pulumi/pulumi/resource.js`), which every resource
 * constructor calls to send its source position to the engine: it captures the *whole* stack
 * (`Error.stackTraceLimit = Infinity`), which ts-node source-maps frame by frame — 10 % of a
 * simulated program's run. Pulumi's mocks ignore source positions, so under the simulation it
 * returns no frames.
 *
 * Both hooks reach into the SDK's internals through ../sdkInternals.ts (checked by
 * test/simulator/sdkContract.test.ts).
 */
import { debuggableModule, resourceStatics } from "../sdkInternals";

/** Marks the wrapper so that installing twice wraps once. */
const WRAPPED = Symbol.for("app-credentials.skipPromiseDebugStacks");

/**
 * Installs the wrapper in this process, unless `PULUMI_DEBUG_PROMISE_LEAKS` is set (then the
 * stacks are what the user asked for) or it is already installed.
 *
 * @returns true when promise debug stacks are skipped after the call
 * @throws Error when `@pulumi/pulumi/runtime/debuggable` no longer exports `debuggablePromise`
 *   (a Pulumi upgrade changed its internals: the wrapper must be revisited, not silently dropped)
 */
export function skipPromiseDebugStacks(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PULUMI_DEBUG_PROMISE_LEAKS) return false;
  const debuggable = debuggableModule();
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function") {
    throw new Error(
      "@pulumi/pulumi/runtime/debuggable no longer exports debuggablePromise: revisit tools/offline/simulator/promiseStacks.ts",
    );
  }
  if (WRAPPED in original) return true;
  const wrapped = (promise: Promise<unknown>, ctx: unknown): Promise<unknown> => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = Object.assign(wrapped, { [WRAPPED]: true });
  skipSourcePositions();
  return true;
}

/**
 * Makes `Resource.callsites()` return no frames (see the module comment).
 * @throws Error when `Resource.callsites` no longer exists (a Pulumi upgrade: revisit this file)
 */
function skipSourcePositions(): void {
  const Resource = resourceStatics();
  if (typeof Resource.callsites !== "function") {
    throw new Error(
      "@pulumi/pulumi/resource: Resource.callsites no longer exists: revisit tools/offline/simulator/promiseStacks.ts",
    );
  }
  Resource.callsites = () => [];
}
