/**
 * A minimal fake of the engine's `pulumirpc.Engine` gRPC service, on 127.0.0.1.
 *
 * The engine passes its address as the first argument of `run-policy-pack`. The Node.js policy
 * runtime only dials it when `PULUMI_NODEJS_ENGINE` is set (log calls), which the real engine does
 * not set for policy packs; serving it anyway gives the pack a live address and records any `Log`.
 */
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/** How long {@link FakeEngine.stop} waits for open calls before it closes them, ms. */
const SHUTDOWN_GRACE_MS = 2000;

/** One `Log` call received from the pack. `severity`: 0 debug, 1 info, 2 warning, 3 error. */
export interface EngineLogEntry {
  severity: number;
  message: string;
  urn: string;
}

/** A running fake engine. */
export interface FakeEngine {
  /** `127.0.0.1:<port>`, to pass as the engine address. */
  address: string;
  /** Log calls received so far. */
  logs: EngineLogEntry[];
  /** Shuts the server down: gracefully, or at once after two seconds. */
  stop(): Promise<void>;
}

/** Starts the fake engine on an ephemeral port of 127.0.0.1. */
export async function startFakeEngine(): Promise<FakeEngine> {
  const logs: EngineLogEntry[] = [];
  const server = new grpc.Server();
  const implementation: grpc.UntypedServiceImplementation = {
    log: (
      call: grpc.ServerUnaryCall<engineProto.LogRequest, Empty>,
      callback: grpc.sendUnaryData<Empty>,
    ) => {
      logs.push({
        severity: call.request.getSeverity(),
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
    getRootResource: (
      _call: unknown,
      callback: grpc.sendUnaryData<engineProto.GetRootResourceResponse>,
    ) => callback(null, new engineProto.GetRootResourceResponse()),
    setRootResource: (
      _call: unknown,
      callback: grpc.sendUnaryData<engineProto.SetRootResourceResponse>,
    ) => callback(null, new engineProto.SetRootResourceResponse()),
    startDebugging: (_call: unknown, callback: grpc.sendUnaryData<Empty>) =>
      callback(null, new Empty()),
    requirePulumiVersion: (
      _call: unknown,
      callback: grpc.sendUnaryData<engineProto.RequirePulumiVersionResponse>,
    ) => callback(null, new engineProto.RequirePulumiVersionResponse()),
  };
  server.addService(engineRpc.EngineService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        // A client that keeps its connection open (a pack killed mid-call) would hold a graceful
        // shutdown forever: after a moment, the server is shut down at once.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
