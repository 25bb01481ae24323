import * as assert from "assert";
import { debuggableModule, resourceStatics } from "../../tools/offline/sdkInternals";
import { skipPromiseDebugStacks } from "../../tools/offline/simulator/promiseStacks";

interface DebugPromise extends Promise<unknown> {
  _debugId?: number;
  _debugCtx?: unknown;
  _debugStackTrace?: string;
}

/** runtime/debuggable.js, through the one module for the SDK's internals. */
const debuggable = debuggableModule();

/** Calls the runtime's (wrapped) `debuggablePromise`. */
function debuggablePromise(p: Promise<unknown>, ctx: unknown): Promise<unknown> {
  const wrap = debuggable.debuggablePromise;
  if (!wrap) throw new Error("runtime/debuggable has no debuggablePromise");
  return wrap(p, ctx);
}

describe("skipping Pulumi's promise debug stacks (simulator)", () => {
  it("is left off when PULUMI_DEBUG_PROMISE_LEAKS asks for the stacks", () => {
    assert.strictEqual(skipPromiseDebugStacks({ PULUMI_DEBUG_PROMISE_LEAKS: "1" }), false);
  });

  it("captures no frames for runtime promises, keeps id, context and the value", async () => {
    assert.strictEqual(skipPromiseDebugStacks({}), true);
    const limit = Error.stackTraceLimit;
    const p: DebugPromise = Promise.resolve(42);
    const tracked = debuggablePromise(p, "transferProperty(app, clientId)");
    assert.strictEqual(p._debugStackTrace, "Error");
    assert.strictEqual(p._debugCtx, "transferProperty(app, clientId)");
    assert.strictEqual(typeof p._debugId, "number");
    assert.strictEqual(await tracked, 42);
    // Everything else keeps its stack trace.
    assert.strictEqual(Error.stackTraceLimit, limit);
    assert.match(new Error("program error").stack ?? "", /\n {4}at .*promiseStacks\.test\.ts/);
  });

  it("installs once however often the simulation starts", () => {
    skipPromiseDebugStacks({});
    const installed = debuggable.debuggablePromise;
    skipPromiseDebugStacks({});
    assert.strictEqual(debuggable.debuggablePromise, installed);
  });

  it("captures no source positions for resource registrations (mocks ignore them)", () => {
    skipPromiseDebugStacks({});
    assert.deepStrictEqual(resourceStatics().callsites?.(), []);
  });
});
