/**
 * Runs a Pulumi Node.js program offline, in the current process: loads the stack file, installs the
 * simulated Azure as Pulumi's mock runtime, loads the program's main file (TypeScript through
 * ts-node, transpile-only), calls and awaits its export as the Pulumi Node.js host does (async
 * programs), and waits until every registration has been made and every pending RPC has drained.
 *
 * The preview calls it in a child process per run (./programChild.ts): the mock runtime, the module
 * registry and the working directory are process-wide.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { mockMonitor, rpcWaiter, runtimeStore } from "./sdkInternals";
import type { GraphPermission } from "./simulator/directory";
import type { Registration, SimulatedFailure } from "./simulator/simulatedAzure";
import { simulateAzure } from "./simulator/simulatedAzure";
import type { TenantSnapshot } from "./simulator/tenant";
import { isSecretWrapper, SECRET_PLACEHOLDER } from "./simulator/wire";
import { loadStackFile, SECURE_PLACEHOLDER, StackFile } from "./stackFile";
import { messageOf, ProgramFailure } from "./errors";

export { messageOf, ProgramFailure } from "./errors";
export type { ProgramFailureKind } from "./errors";

/** What the program registered, with the stack file it ran with. */
export interface ProgramRun {
  stackFile: StackFile;
  /** Every registration and read, in registration order. */
  registrations: Registration[];
  /** Steps the real Azure would refuse, as the simulation found them (empty when none). */
  failures: SimulatedFailure[];
  /** True when the simulator reports refused steps at all (it models directory and vault rules). */
  refusalsModelled: boolean;
  /** Notes for the reader, e.g. `secure:` values that were replaced by a placeholder. */
  notes: string[];
  /**
   * The stack outputs: what the program exports (an async program's result), serialized as the
   * Pulumi host registers them on the root stack, as plain JSON with secret values as the
   * placeholder; absent when the program exports no object or the outputs cannot be serialized.
   */
  stackOutputs?: Record<string, unknown>;
}

/** A registration or read as the runtime sent it, before the simulator records it. */
export interface WireRegistration {
  type: string;
  urn: string;
  /** Inputs in Pulumi's wire format: secrets are `{[sig]: secretSig, value}` wrappers. */
  inputs: Record<string, unknown>;
  /** What the simulated provider answered, in wire format. */
  outputs: Record<string, unknown>;
}

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** Pulumi project directory (holds `Pulumi.yaml`). */
  dir: string;
  /** Stack name: config is read from `Pulumi.<stack>.yaml`. */
  stack: string;
  /**
   * The simulated providers' clock (e.g. a password's default `startDate`), ms since the epoch;
   * default `Date.now()` at each call. A later run of the churn check passes the first run's
   * instant: resources that already exist keep what they were created with.
   */
  providerNowMs?: number;
  /** Which applications and service principals exist; default: every id is assumed to exist. */
  tenant?: TenantSnapshot;
  /** The deploying identity's Graph permission; default: the simulation's (OwnedBy). */
  graphPermission?: GraphPermission;
  /** Called with each registration and read as sent, before it is recorded. */
  observe?: (registration: WireRegistration) => void;
}

/**
 * Runs the project's program under the simulated Azure.
 *
 * Call at most once per process: the mock runtime, the module cache and the working directory
 * (changed to the project directory, as the Pulumi CLI runs programs) are process-wide. When a
 * registration waits for a value that never resolves, the returned promise never settles: the
 * caller detects it when the event loop empties (`beforeExit`) or by a timeout.
 *
 * @throws ProgramFailure when the stack file cannot be read or the program fails
 */
export async function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
  let stackFile: StackFile;
  try {
    stackFile = loadStackFile(options.dir, options.stack);
  } catch (error) {
    throw new ProgramFailure("stack-file", messageOf(error));
  }
  const notes = stackFile.secureKeys.map(
    (key) =>
      `${key} is a secure value and cannot be decrypted offline: the program saw "${SECURE_PLACEHOLDER}"`,
  );

  const providerNowMs = options.providerNowMs;
  const simulation = simulateAzure({
    project: stackFile.project,
    stack: stackFile.stack,
    preview: true,
    config: stackFile.config,
    nowMs: providerNowMs === undefined ? undefined : () => providerNowMs,
    tenant: options.tenant,
    deployer: options.graphPermission ? { permission: options.graphPermission } : undefined,
  });
  if (options.observe) observeMonitor(options.observe);
  setRootDirectory(stackFile.dir);
  process.chdir(stackFile.dir);

  const failures: unknown[] = [];
  let stackOutputs: Record<string, unknown> | undefined;
  const onFailure = (error: unknown) => failures.push(error);
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
  let exportedValue: unknown;
  try {
    try {
      registerTypeScript(stackFile);
      fallBackToOwnPackages();
      // The program is only known at run time: a dynamic require, as the Pulumi Node.js host does.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported: unknown = require(stackFile.main);
      // As the host does: an exported function is called, and the result awaited (async programs).
      exportedValue = await (exported instanceof Function
        ? (exported as () => unknown)()
        : exported);
    } catch (error) {
      failures.push(error);
    }
    if (failures.length === 0) {
      await simulation.settle();
      // As the host does before it exits: every registration's RPC, including those still waiting
      // for their inputs, must complete.
      await waitForRpcs();
      stackOutputs = await serializeStackOutputs(exportedValue);
    }
    // Rejections surface one turn after the failing promise settles.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", onFailure);
    process.off("uncaughtException", onFailure);
  }
  if (failures.length > 0) throw toFailure(failures[0], stackFile);
  const recorded = simulation as { failures?: SimulatedFailure[] };
  return {
    stackFile,
    registrations: simulation.registrations,
    failures: recorded.failures ?? [],
    refusalsModelled: Array.isArray(recorded.failures),
    notes,
    ...(stackOutputs !== undefined ? { stackOutputs } : {}),
  };
}

/**
 * The stack outputs as the Pulumi host registers them on the root stack (`registerOutputs` of
 * `pulumi:pulumi:Stack`: every Output and promise resolved by the runtime's own serialization),
 * as plain JSON with secret values as the placeholder. Mock runs have no root stack resource, so
 * the simulation never sees this registration: the exported value is serialized here instead.
 *
 * @returns undefined when the program exports no object, or its outputs cannot be serialized
 */
async function serializeStackOutputs(
  exported: unknown,
): Promise<Record<string, unknown> | undefined> {
  if (typeof exported !== "object" || exported === null || Array.isArray(exported)) {
    return undefined;
  }
  try {
    const wire = await pulumi.runtime.serializeProperties(
      "stack outputs",
      exported as Record<string, unknown>,
    );
    return maskSecrets(wire) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A wire-format value as plain JSON, each secret wrapper replaced by the placeholder. */
function maskSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/** Wraps the (simulated) monitor so that `observe` sees each registration and read as sent. */
function observeMonitor(observe: (registration: WireRegistration) => void): void {
  const monitor = mockMonitor(pulumi);
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        observe({
          type: req.getType(),
          urn: resp.getUrn(),
          inputs: req.getObject()?.toJavaScript() ?? {},
          outputs: resp.getObject()?.toJavaScript() ?? {},
        });
      }
      cb(err, resp);
    });
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) =>
    read(req, (err, resp) => {
      if (!err && resp) {
        observe({
          type: req.getType(),
          urn: resp.getUrn(),
          inputs: req.getProperties()?.toJavaScript() ?? {},
          outputs: resp.getProperties()?.toJavaScript() ?? {},
        });
      }
      cb(err, resp);
    });
}

/** Waits for the runtime's outstanding RPCs (`runtime/settings` `waitForRPCs`, when present). */
async function waitForRpcs(): Promise<void> {
  await rpcWaiter()?.();
}

/** Sets Pulumi's project root (`pulumi.runtime.getRootDirectory()`), which mocks leave unset. */
function setRootDirectory(dir: string): void {
  runtimeStore().settings.options.rootDirectory = dir;
}

/**
 * Lets a project without its own `node_modules` (e.g. a fresh checkout that was never installed)
 * resolve `@pulumi/*` and the other packages from the preview's own installation, as `NODE_PATH`
 * does: only after the project's own resolution fails.
 */
function fallBackToOwnPackages(): void {
  const own = path.resolve(__dirname, "..", "..", "node_modules");
  const current = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
  if (current.includes(own)) return;
  process.env.NODE_PATH = [...current, own].join(path.delimiter);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const moduleApi = require("module") as { _initPaths?: () => void };
  moduleApi._initPaths?.();
}

interface TsNodeRegister {
  register(options: Record<string, unknown>): unknown;
}

/**
 * Makes `require` compile the project's TypeScript, transpile-only: as the Pulumi CLI does for a
 * project whose tsconfig sets `noCheck` (this one, through Pulumi.yaml's `tsconfig` option); the
 * CLI type-checks other projects, the preview does not (type errors are `tsc`'s business, and
 * the result runs the same). When this process already compiles TypeScript (it runs under ts-node),
 * that compiler is reused, except for a project with its own tsconfig (the one the CLI would use:
 * Pulumi.yaml's `tsconfig` option, else `tsconfig.json`), whose files get a compiler scoped to the
 * project directory and configured by that file.
 */
function registerTypeScript(stackFile: StackFile): void {
  if (!stackFile.main.endsWith(".ts")) return;
  const tsconfig = stackFile.tsconfig;
  const hasTsconfig = fs.existsSync(tsconfig);
  const alreadyRegistered = require.extensions[".ts"] !== undefined;
  if (alreadyRegistered && !hasTsconfig) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNode = require("ts-node") as TsNodeRegister;
  tsNode.register({
    transpileOnly: true,
    ...(hasTsconfig ? { project: tsconfig } : { skipProject: true }),
    ...(alreadyRegistered ? { scope: true, scopeDir: stackFile.dir } : {}),
    compilerOptions: { module: "commonjs" },
  });
}

function toFailure(error: unknown, stackFile: StackFile): ProgramFailure {
  if (error instanceof Error && error.name === "ConfigError") {
    return new ProgramFailure(
      "config",
      `${error.message}\n(stack file: ${path.join(stackFile.dir, `Pulumi.${stackFile.stack}.yaml`)})`,
    );
  }
  return new ProgramFailure(
    "program",
    `the program ${path.relative(process.cwd(), stackFile.main) || stackFile.main} failed: ${messageOf(error).split("\nRequire stack:")[0]}`,
  );
}
