/**
 * Everything the offline engine reaches for inside @pulumi/pulumi beyond its public API, in one
 * place: the mock resource monitor and its wire messages (the SDK's own protobuf types), the wire
 * format's signature keys and sentinels, the runtime's config, settings and state modules, the
 * promise-debugging and source-position hooks. The policy pack's own reach into @pulumi/policy
 * lives in policy/core/unknowns.ts (the pack cannot import the tools).
 *
 * A Pulumi upgrade that changes any of these fails one named test,
 * test/simulator/sdkContract.test.ts, instead of the engine silently recording nothing.
 *
 * Nothing here loads the Pulumi runtime at import: each accessor requires its module when called,
 * so the tools that only read the simulator's types (the preview's parent process, the audit)
 * never load it.
 */
import type * as Pulumi from "@pulumi/pulumi";
import type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";

export type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";

/** The pinned @pulumi/pulumi version these internals were checked against (package.json). */
export const PINNED_PULUMI_VERSION = "3.248.0";

/** A monitor RPC's callback, as the mock monitor calls it. */
export type MonitorCallback<Response> = (err: Error | null, resp?: Response) => void;

/**
 * The resource monitor under `pulumi.runtime.setMocks` (`MockMonitor`, runtime/mocks.js): the
 * calls the simulated Azure and the program runner wrap to record registrations. Its messages are
 * the SDK's protobuf types (proto/resource_pb); the SDK declares them `any` on `MockMonitor` and
 * declares `getMonitor()` as the gRPC client, whose signatures differ.
 */
export interface MockResourceMonitor {
  registerResource(
    req: RegisterResourceRequest,
    cb: MonitorCallback<RegisterResourceResponse>,
  ): Promise<void>;
  readResource(req: ReadResourceRequest, cb: MonitorCallback<ReadResourceResponse>): Promise<void>;
  registerResourceOutputs(req: RegisterResourceOutputsRequest, cb: MonitorCallback<unknown>): void;
}

/**
 * The mock monitor installed by `pulumi.runtime.setMocks`.
 *
 * @param pulumi the loaded @pulumi/pulumi module (loaded by the caller, after its own setup)
 * @throws Error when no monitor is installed or it lacks one of the wrapped calls (an SDK upgrade)
 */
export function mockMonitor(pulumi: typeof Pulumi): MockResourceMonitor {
  const monitor: unknown = pulumi.runtime.getMonitor();
  if (!isMockMonitor(monitor)) {
    throw new Error(
      "pulumi.runtime.getMonitor() is not the mock monitor (registerResource, readResource, registerResourceOutputs): call setMocks first, or revisit tools/offline/sdkInternals.ts after a Pulumi upgrade",
    );
  }
  return monitor;
}

/** True for an object with the mock monitor's wrapped calls. */
export function isMockMonitor(value: unknown): value is MockResourceMonitor {
  if (typeof value !== "object" || value === null) return false;
  const calls = value as Record<string, unknown>;
  return (
    typeof calls.registerResource === "function" &&
    typeof calls.readResource === "function" &&
    typeof calls.registerResourceOutputs === "function"
  );
}

/**
 * The wire format's constants (runtime/rpc.js), which tools/offline/analyzer/sentinels.ts and
 * policy/core/unknown-sentinels.ts copy so as not to load the runtime.
 */
export interface RpcConstants {
  /** `specialSigKey`: the key marking a special value (secret, asset, resource reference). */
  specialSigKey: string;
  /** `specialSecretSig`: a secret's signature. */
  specialSecretSig: string;
  /** `unknownValue`: the sentinel of a value unknown during preview. */
  unknownValue: string;
}

/** runtime/rpc.js's wire constants. */
export function rpcConstants(): RpcConstants {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/pulumi/runtime/rpc") as RpcConstants;
}

/**
 * runtime/config.js `isConfigSecret`: whether a config key (`project:key`) was set with
 * `--secret` (not in the SDK's public API); undefined when this SDK lacks it.
 */
export function configSecretReader(): ((key: string) => boolean) | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (key: string) => boolean;
  };
  return typeof config.isConfigSecret === "function" ? config.isConfigSecret : undefined;
}

/** runtime/settings.js `waitForRPCs`: waits for the runtime's outstanding RPCs, when present. */
export function rpcWaiter(): (() => Promise<void>) | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  return typeof settings.waitForRPCs === "function" ? settings.waitForRPCs : undefined;
}

/** runtime/state.js's store: the runtime settings, among them the project root mocks leave unset. */
export interface RuntimeStore {
  settings: { options: { rootDirectory?: string } };
}

/** runtime/state.js `getStore()`. */
export function runtimeStore(): RuntimeStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeStore };
  return state.getStore();
}

/**
 * runtime/debuggable.js: `debuggablePromise` wraps each of the runtime's promises and captures a
 * stack for it (see ./simulator/promiseStacks.ts). The runtime calls it through the module object,
 * so replacing the export reaches every caller.
 */
export interface DebuggableModule {
  debuggablePromise?: (promise: Promise<unknown>, ctx: unknown) => Promise<unknown>;
}

/** runtime/debuggable.js's module object (writable). */
export function debuggableModule(): DebuggableModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
}

/**
 * resource.js `Resource`, for its static `callsites()`: the source positions every resource
 * constructor captures (the whole stack) and sends to the engine (see ./simulator/promiseStacks.ts).
 */
export interface ResourceStatics {
  callsites?: () => object[];
}

/** resource.js's `Resource` class, as its writable statics. */
export function resourceStatics(): ResourceStatics {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resource } = require("@pulumi/pulumi/resource") as { Resource: ResourceStatics };
  return Resource;
}
