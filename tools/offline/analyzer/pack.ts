/**
 * Starts a Node.js policy pack exactly as the Pulumi engine does and talks to it over gRPC.
 *
 * The engine (pulumi/sdk/go/common/resource/plugin/analyzer_plugin.go, `NewPolicyAnalyzer`) runs
 * `pulumi-analyzer-policy`, which runs `node <@pulumi/pulumi/cmd/run-policy-pack> <engine-address> .`
 * with the pack directory as working directory, with the environment of `constructEnv`
 * (`PULUMI_CONFIG`, `PULUMI_NODEJS_{PROJECT,STACK,ORGANIZATION,DRY_RUN}` and `PULUMI_*`), reads
 * the port from stdout's first line, then calls `Handshake` (a Node pack answers Unimplemented,
 * which the engine tolerates) and `ConfigureStack`. run-policy-pack registers ts-node (type-checked,
 * with the pack's tsconfig.json) and requires the pack, whose `new PolicyPack` serves gRPC.
 *
 * Unlike the engine, the harness starts the pack in its own process group with a lifeline
 * (../childProcesses.ts): SIGINT, SIGTERM or SIGHUP to the process that started it, or that
 * process's death, stop the pack too.
 */
import { ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { killTree, spawnNode } from "../childProcesses";
import { AnalyzerInfo, ReconciledConfig, reconcileConfig } from "./config";
import {
  DEFAULT_IDENTITY,
  Diagnostic,
  fromAnalyzeResponse,
  fromAnalyzerInfo,
  ResourceRecord,
  StackIdentity,
  toAnalyzeRequest,
  toAnalyzeStackRequest,
  toConfigureRequest,
} from "./convert";
import { FakeEngine, startFakeEngine } from "./engine";

/** How long {@link PolicyPack.stop} waits after SIGTERM before it kills the pack, ms. */
const STOP_GRACE_MS = 5000;

/** The stack the pack is run for (sent with `ConfigureStack` and in the environment). */
export interface StackContext extends StackIdentity {
  organization?: string;
  /** True for `pulumi preview` (default), false for `pulumi up`. */
  dryRun?: boolean;
  /** Stack configuration, `<namespace>:<key>` → string, passed as `PULUMI_CONFIG`. */
  config?: Record<string, string>;
  tags?: Record<string, string>;
}

/** Options of {@link startPolicyPack}. */
export interface StartOptions {
  /** Extra environment variables for the pack process (override the inherited ones). */
  env?: Record<string, string>;
  /** Extra node options, appended to NODE_OPTIONS (e.g. `["--require", "/abs/fake-clock.js"]`). */
  nodeOptions?: string[];
  /** Stack identity and config; defaults to project `app-credentials`, stack `dev`, preview. */
  stack?: StackContext;
  /** Milliseconds to wait for the port on stdout (default 60 000: ts-node type-checks the pack). */
  startTimeoutMs?: number;
  /** Deadline of each RPC in milliseconds (default 30 000). */
  rpcTimeoutMs?: number;
}

/** A running policy pack. */
export interface PolicyPack {
  /** Port of the pack's gRPC server on 127.0.0.1. */
  port: number;
  client: analyzerRpc.AnalyzerClient;
  /** The fake engine whose address the pack was given. */
  engine: FakeEngine;
  stack: StackContext;
  /** Everything the pack wrote on stderr so far. */
  stderr(): string;
  getAnalyzerInfo(): Promise<AnalyzerInfo>;
  /** Sends a reconciled config (see {@link reconcileConfig}). */
  configure(config: ReconciledConfig): Promise<void>;
  /**
   * `Remediate` then `Analyze` of one resource (inputs), as the engine does per resource. A
   * diagnostic without URN gets the resource's URN, as the engine reports it.
   *
   * @param options.remediate false skips `Remediate` (default true): the pack remediates only
   *   with policies at level `remediate`, so without any it changes nothing
   */
  analyze(resource: ResourceRecord, options?: { remediate?: boolean }): Promise<Diagnostic[]>;
  /** `AnalyzeStack` over all resources (outputs, with parents and property dependencies). */
  analyzeStack(resources: ResourceRecord[]): Promise<Diagnostic[]>;
  /** Kills the pack process and stops the fake engine. */
  stop(): Promise<void>;
}

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: never) => void,
) => grpc.ClientUnaryCall;

/** Absolute path of the runner the engine uses, resolved from the pack directory as the engine does. */
export function runPolicyPackPath(packDir: string): string {
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
}

/**
 * Starts the policy pack in `packDir` as the engine does (see module comment).
 *
 * @throws Error with the pack's stderr when it exits or prints no port within the timeout
 */
export async function startPolicyPack(
  packDir: string,
  options: StartOptions = {},
): Promise<PolicyPack> {
  const dir = path.resolve(packDir);
  const stack: StackContext = { ...DEFAULT_IDENTITY, dryRun: true, ...options.stack };
  const rpcTimeoutMs = options.rpcTimeoutMs ?? 30_000;
  const engine = await startFakeEngine();
  const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv(stack), ...options.env };
  if (options.nodeOptions && options.nodeOptions.length > 0) {
    env.NODE_OPTIONS = [env.NODE_OPTIONS ?? "", ...options.nodeOptions.map(quoteNodeOption)]
      .join(" ")
      .trim();
  }
  const child = spawnNode([runPolicyPackPath(dir), engine.address, "."], { cwd: dir, env });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let port: number;
  try {
    port = await readPort(child, options.startTimeoutMs ?? 60_000, () => stderr);
  } catch (error) {
    killTree(child);
    await engine.stop();
    throw error;
  }
  const client = new analyzerRpc.AnalyzerClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const call = <Req, Res>(method: string, request: Req): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      const deadline = new Date(Date.now() + rpcTimeoutMs);
      const fn = (client as unknown as Record<string, UnaryMethod>)[method].bind(client);
      fn(
        request,
        new grpc.Metadata(),
        { deadline },
        (error: grpc.ServiceError | null, response: Res) =>
          error ? reject(error) : resolve(response),
      );
    });

  await handshake(call, engine.address, dir);
  await call("configureStack", stackConfigureRequest(stack));

  const pack: PolicyPack = {
    port,
    client,
    engine,
    stack,
    stderr: () => stderr,
    getAnalyzerInfo: async () =>
      fromAnalyzerInfo(
        await call<Empty, analyzerProto.AnalyzerInfo>("getAnalyzerInfo", new Empty()),
      ),
    configure: async (config) => {
      await call("configure", toConfigureRequest(config));
    },
    analyze: async (resource, options = {}) => {
      const request = toAnalyzeRequest(resource, stack);
      if (options.remediate ?? true) {
        await call<analyzerProto.AnalyzeRequest, analyzerProto.RemediateResponse>(
          "remediate",
          request,
        );
      }
      const response = await call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(
        "analyze",
        request,
      );
      // The engine reports a resource's diagnostics against that resource (OnPolicyViolation(urn, d)).
      return fromAnalyzeResponse(response).map((d) => ({ ...d, urn: d.urn || request.getUrn() }));
    },
    analyzeStack: async (resources) =>
      fromAnalyzeResponse(
        await call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(
          "analyzeStack",
          toAnalyzeStackRequest(resources, stack),
        ),
      ),
    stop: async () => {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        killTree(child, "SIGTERM");
        // A pack that ignores SIGTERM is killed after a few seconds.
        const stubborn = setTimeout(() => killTree(child), STOP_GRACE_MS);
        await exited;
        clearTimeout(stubborn);
      }
      await engine.stop();
    },
  };
  return pack;
}

/** What a whole preview or update run of the pack produced. */
export interface PolicyRun {
  info: AnalyzerInfo;
  config: ReconciledConfig;
  /** Per-resource diagnostics (`Analyze`), in resource order, then the stack diagnostics. */
  diagnostics: Diagnostic[];
}

/**
 * Runs the engine's sequence on a started pack: `GetAnalyzerInfo`, config reconciliation (schema
 * defaults, initial config, then `configFile`), `Configure`, `Remediate` + `Analyze` per resource
 * (with `inputs`), then `AnalyzeStack` (with `outputs`, defaulting to the inputs) unless
 * `analyzeStack` is false.
 *
 * @param configFile `--policy-pack-config` JSON text or object
 */
export async function runPolicies(
  pack: PolicyPack,
  resources: ResourceRecord[],
  options: {
    configFile?: string | object;
    outputs?: ResourceRecord[];
    /** False: no `AnalyzeStack` (the engine stopped before the end of the deployment). */
    analyzeStack?: boolean;
    /**
     * How many `Remediate`+`Analyze` calls may be in flight at once (default 1, as the engine
     * sends them). More keeps both this process and the pack busy on a multi-core machine;
     * `Analyze` judges one resource at a time, so the diagnostics are the same, in resource order.
     */
    concurrency?: number;
  } = {},
): Promise<PolicyRun> {
  const info = await pack.getAnalyzerInfo();
  const config = reconcileConfig(info, options.configFile);
  await pack.configure(config);
  // The pack remediates only with policies at level `remediate` (@pulumi/policy server.js): with
  // none, `Remediate` would return nothing and is skipped.
  const remediate = Object.values(config).some((c) => c.enforcementLevel === "remediate");
  const perResource: Diagnostic[][] = new Array(resources.length);
  let next = 0;
  const worker = async () => {
    while (next < resources.length) {
      const index = next++;
      perResource[index] = await pack.analyze(resources[index], { remediate });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, resources.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const diagnostics: Diagnostic[] = perResource.flat().map((d) => ({ ...d, stage: "analyze" }));
  if (options.analyzeStack !== false) {
    const stack = await pack.analyzeStack(options.outputs ?? resources);
    diagnostics.push(...stack.map((d) => ({ ...d, stage: "analyzeStack" as const })));
  }
  return { info, config, diagnostics };
}

function stackEnv(stack: StackContext): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value) env[key] = value;
  };
  set("PULUMI_CONFIG", stack.config ? JSON.stringify(stack.config) : undefined);
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    set(`${prefix}ORGANIZATION`, stack.organization);
    set(`${prefix}PROJECT`, stack.project);
    set(`${prefix}STACK`, stack.stack);
    set(`${prefix}DRY_RUN`, String(stack.dryRun ?? true));
  }
  return env;
}

function stackConfigureRequest(stack: StackContext): analyzerProto.AnalyzerStackConfigureRequest {
  const request = new analyzerProto.AnalyzerStackConfigureRequest();
  request.setStack(stack.stack);
  request.setProject(stack.project);
  request.setOrganization(stack.organization ?? "");
  request.setDryRun(stack.dryRun ?? true);
  for (const [key, value] of Object.entries(stack.config ?? {}))
    request.getConfigMap().set(key, value);
  for (const [key, value] of Object.entries(stack.tags ?? {})) request.getTagsMap().set(key, value);
  return request;
}

async function handshake(
  call: <Req, Res>(method: string, request: Req) => Promise<Res>,
  engineAddress: string,
  dir: string,
): Promise<void> {
  const request = new analyzerProto.AnalyzerHandshakeRequest();
  request.setEngineAddress(engineAddress);
  request.setRootDirectory(dir);
  request.setProgramDirectory(dir);
  try {
    await call("handshake", request);
  } catch (error) {
    if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw error;
  }
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stdout = "";
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`policy pack did not start: ${reason}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no port on stdout after ${timeoutMs} ms`), timeoutMs);
    child.once("exit", (code, signal) => fail(`exited with ${signal ?? code}`));
    child.once("error", (error) => fail(error.message));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const port = Number(stdout.slice(0, newline).trim());
      clearTimeout(timer);
      child.removeAllListeners("exit");
      if (Number.isInteger(port) && port > 0) resolve(port);
      else
        reject(
          new Error(
            `policy pack printed ${JSON.stringify(stdout.slice(0, newline))} instead of a port\n${stderr()}`,
          ),
        );
    });
  });
}

function quoteNodeOption(option: string): string {
  return /\s/.test(option) ? JSON.stringify(option) : option;
}
