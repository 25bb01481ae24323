/**
 * A simulated Azure for Pulumi's mock runtime: deterministic ids and plausible computed outputs for
 * the resources and functions app-credentials uses, and a record of every registration (type,
 * name, URN, parent, inputs, dependencies, property dependencies) for tests, the offline preview,
 * the rotation calendar and the benchmarks.
 *
 * Ids are derived from the URN (and, for passwords, from the inputs that force replacement), so
 * two runs of one program give the same ids and a replaced password gets a new keyId.
 */
import type * as Pulumi from "@pulumi/pulumi";
import { secretOutputsOf } from "../../../policy/core";
import { mockMonitor } from "../sdkInternals";
import type { Deployer } from "./directory";
import type { Refusal } from "./refusals";
import { AliasResolver, AliasSpec, aliasSpecsOf, mockUrn } from "./aliases";
import { withSchedule } from "./appPolicies";
import { FailedSteps } from "./failedSteps";
import { skipPromiseDebugStacks } from "./promiseStacks";
import { simulateCall } from "./invokes";
import { simulateResource } from "./providers";
import { withParent } from "./roleAssignments";
import { replacementTriggered } from "./stash";
import { isSecretWrapper, SECRET_PLACEHOLDER, stripSecrets } from "./wire";

export { SECRET_PLACEHOLDER } from "./wire";
import type { TenantSnapshot } from "./tenant";
import { SimulatedWorld, WorldOptions } from "./world";

export { guidFrom, SIMULATED_SUBSCRIPTION_ID, SIMULATED_TENANT_ID } from "./world";
export { simulateCall } from "./invokes";
export { simulateResource } from "./providers";

/** One resource registration as the engine would receive it. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent, or undefined for the stack's direct children. */
  parent?: string;
  custom: boolean;
  /** Inputs as plain JSON; secret values are replaced by {@link SECRET_PLACEHOLDER}. */
  inputs: Record<string, unknown>;
  /** Dotted paths (top-level property names) of inputs that are secret. */
  secretInputs: string[];
  /** Outputs the simulated provider returned (custom resources) or the component registered. */
  outputs: Record<string, unknown>;
  dependencies: string[];
  /** Per input property, the URNs it depends on. */
  propertyDependencies: Record<string, string[]>;
  provider?: string;
  /** True when registered with the `deleteBeforeReplace` resource option. */
  deleteBeforeReplace?: boolean;
  /**
   * The `aliases` resource option as the request carries it (@pulumi/pulumi runtime/resource.js
   * `mapAliasesForRequest`: specs, the resource's parent filled in when an alias names none);
   * absent when none. The engine, not the SDK, derives the aliases a child inherits from an
   * aliased parent: ./deployment.ts `planDeployment` follows its rules (./aliases.ts).
   */
  aliases?: AliasSpec[];
  /**
   * The `replacementTrigger` resource option, as the registration request carries it (plain JSON,
   * secrets as {@link SECRET_PLACEHOLDER}); absent when not set. The mocks never see it: the
   * simulation reads it off the request (./stash.ts).
   */
  replacementTrigger?: unknown;
  /** True for a read of an existing resource (`Resource.get`): its id is `id`. */
  read?: boolean;
  /** The resource id (for reads: the id read). */
  id?: string;
  /** Set when the real provider or service would refuse this step (see {@link SimulatedFailure}). */
  failure?: SimulatedFailure;
}

/**
 * A step the real Azure would refuse: a read or write of an object that does not exist, a
 * credential write the deployer may not make or the tenant's app management policies refuse, a
 * soft-deleted Key Vault secret name, a locked service principal, or an input the provider
 * rejects — each under a rule of ./refusals.ts, whose phase says whether the engine meets it while
 * planning (it stops, in a preview as in an update) or when it applies the step (never in a
 * preview; under `pulumi up --continue-on-error` the resources that depend on it are skipped and
 * every other step runs). The simulated program keeps running either way, so that everything it
 * registers is recorded.
 */
export interface SimulatedFailure extends Refusal {
  urn: string;
  type: string;
  name: string;
}

/** Options of {@link simulateAzure}. */
export interface SimulationOptions {
  project: string;
  stack: string;
  /** `pulumi:` run mode: preview (default true, like `pulumi preview`). */
  preview?: boolean;
  /** The simulated clock, ms since the epoch: a password's `startDate` when none is given. */
  nowMs?: () => number;
  /** Stack configuration, `namespace:key` → string value (objects as JSON text). */
  config?: Record<string, string>;
  /** Keys of `config` whose values are secret (`secure:` in the stack file). */
  secretKeys?: string[];
  /**
   * The simulated Azure to run against (directory, Key Vault, the stack's state): pass the same
   * world to successive runs to simulate successive deployments. Default: a new world from
   * `tenant` and `deployer`.
   */
  world?: SimulatedWorld;
  /** Which applications and service principals exist (new world only); default: every id exists. */
  tenant?: TenantSnapshot;
  /** The deploying identity and its Graph permission (new world only); default OwnedBy. */
  deployer?: Partial<Deployer>;
  /**
   * Where the deployer may write role assignments, which assignments and vaults exist (new world
   * only; see {@link WorldOptions}); defaults: the tenant snapshot's, else everywhere, none, any.
   */
  roleAssignmentWrite?: WorldOptions["roleAssignmentWrite"];
  roleAssignments?: WorldOptions["roleAssignments"];
  vaults?: WorldOptions["vaults"];
  /** Where the deployer may manage Key Vault certificates (new world only; default everywhere). */
  keyVaultCertificatesOfficer?: WorldOptions["keyVaultCertificatesOfficer"];
}

/** A running simulation. */
export interface Simulation {
  /** Every registration so far, in registration order. */
  readonly registrations: Registration[];
  /** The steps the real Azure would refuse, in registration order. */
  readonly failures: SimulatedFailure[];
  /** The simulated Azure this run uses. */
  readonly world: SimulatedWorld;
  /** Waits until every registration and output registration of the program has been made. */
  settle(): Promise<void>;
}

type State = Record<string, unknown>;

/** Private key material in PEM, whatever resource holds it: never recorded in plain text. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Recorded outputs with the provider's secret outputs, and any private key in PEM (of a type not
 * listed above), replaced by the placeholder.
 */
function maskSecretOutputs(type: string, outputs: State): State {
  const masked = maskPrivateKeys(outputs) as State;
  // The providers' secret outputs (the provider facts table): the engine keeps them secret; under
  // mocks the response carries them plain.
  for (const key of secretOutputsOf(type)) if (key in masked) masked[key] = SECRET_PLACEHOLDER;
  return masked;
}

function maskPrivateKeys(value: unknown): unknown {
  if (typeof value === "string") return PRIVATE_KEY_PEM.test(value) ? SECRET_PLACEHOLDER : value;
  if (Array.isArray(value)) return value.map(maskPrivateKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPrivateKeys(v)]));
  }
  return value;
}

/** Plain JSON from a wire-format value, secrets replaced by the placeholder. */
function unwrap(value: unknown, secretPaths: Set<string>, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrap(v, secretPaths, `${path}[${i}]`));
  if (value && typeof value === "object") {
    const record = value as State;
    if (isSecretWrapper(record)) {
      secretPaths.add(path);
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        k,
        unwrap(v, secretPaths, path ? `${path}.${k}` : k),
      ]),
    );
  }
  return value;
}

/**
 * A refusal's import command and message with the resource's parent (`--parent`): the providers
 * are not told the parent, the registration is (./roleAssignments.ts `withParent`).
 */
function importWithParent(
  refusal: Refusal,
  parent: string | undefined,
): Pick<Refusal, "importCommand" | "message"> | undefined {
  if (refusal.importCommand === undefined) return undefined;
  const command = withParent(refusal.importCommand, parent);
  return {
    importCommand: command,
    message: refusal.message.split(refusal.importCommand).join(command),
  };
}

/** `type::name` of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::name`). */
function typeAndName(urn: string): string {
  const parts = urn.split("::");
  return `${(parts[2] ?? "").split("$").pop() ?? ""}::${parts.slice(3).join("::")}`;
}

/**
 * The key under which the simulated providers know a resource: its URN without the parent types
 * (`urn:pulumi:<stack>::<project>::<type>::<name>`). Mock URNs carry the parent's type; the
 * providers are not told the parent.
 */
export function simulationKey(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** The simulation key of a URN (mock form): its stack, project, own type and name. */
function simulationKeyOfUrn(urn: string): string | undefined {
  const parts = urn.replace(/^urn:pulumi:/, "").split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualified] = parts;
  const type = qualified.split("$").pop() ?? qualified;
  return simulationKey(stack, project, type, parts.slice(3).join("::"));
}

/**
 * Installs the simulated Azure as Pulumi's mock runtime and records every registration and read.
 *
 * Must be called before the program declares any resource. Config is applied with
 * `pulumi.runtime.setAllConfig` (replacing any previous config). Pulumi's per-promise debug stacks
 * are skipped unless `PULUMI_DEBUG_PROMISE_LEAKS` is set (see `promiseStacks.ts`).
 *
 * A step the real Azure would refuse is answered as if it succeeded (the program keeps running) and
 * recorded in {@link Simulation.failures} and on its registration.
 */
export function simulateAzure(options: SimulationOptions): Simulation {
  const clock = options.nowMs ?? Date.now;
  const world =
    options.world ??
    new SimulatedWorld({
      tenant: options.tenant,
      deployer: options.deployer,
      roleAssignmentWrite: options.roleAssignmentWrite,
      roleAssignments: options.roleAssignments,
      vaults: options.vaults,
      keyVaultCertificatesOfficer: options.keyVaultCertificatesOfficer,
    });
  const registrations: Registration[] = [];
  const failures: SimulatedFailure[] = [];
  const byUrn = new Map<string, Registration>();
  const refusals = new Map<string, Refusal>();
  const pending = new Set<Promise<unknown>>();
  const keyOf = (type: string, name: string) =>
    simulationKey(options.stack, options.project, type, name);
  /** Simulation keys of registrations with `deleteBeforeReplace` (read off the wire request). */
  const deleteBeforeReplace = new Set<string>();
  /**
   * `replacementTrigger` by simulation key, plain (read off the wire request: the mock runtime does
   * not pass it to the mocks, runtime/mocks.js `registerResource`).
   */
  const replacementTriggers = new Map<string, unknown>();
  /**
   * What each registration depends on (`type::name` → `type::name`s: dependencies and property
   * dependencies, read off the wire request), to know which steps the engine orders.
   */
  const dependsOnNames = new Map<string, Set<string>>();
  /**
   * The engine's alias lookup over the state before this run (./aliases.ts), as the requests come
   * (a parent before its children), and the simulation key each aliased resource had there: the
   * engine's "same" step keeps the old resource's outputs (pulumi/pulumi
   * pkg/resource/deploy/step_generator.go `getOldResource`), so its provider answer is the old
   * key's. ./deployment.ts `planDeployment` redoes the lookup and reports a duplicate alias.
   */
  const aliasResolver = new AliasResolver((urn) => world.state.has(urn));
  const answerKeys = new Map<string, string>();
  /** True when `from` depends on `owner`, directly or through other registrations of this run. */
  const waitsFor = (from: string, owner: string): boolean => {
    const seen = new Set<string>();
    const queue = [...(dependsOnNames.get(from) ?? [])];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (next === owner) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(dependsOnNames.get(next) ?? []));
    }
    return false;
  };
  world.beginRun();
  // Loaded here, not at import: the tools that only read this module's types and helpers (the
  // preview's parent process, the audit) never load the Pulumi runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
  const mocks: Pulumi.runtime.Mocks = {
    newResource: (args) => {
      const key = keyOf(args.type, args.name);
      const isRead = args.custom === true && typeof args.id === "string" && args.id !== "";
      const inputs = stripSecrets(args.inputs) as State;
      const trigger = replacementTriggers.get(key);
      // An aliased resource's previous answer is its old name's.
      const answerKey = answerKeys.get(key) ?? key;
      // A changed replacementTrigger replaces the resource, whatever its inputs (./stash.ts).
      const previous = isRead ? undefined : world.previousAnswer(answerKey);
      const replaced =
        previous !== undefined && replacementTriggered(trigger, previous.replacementTrigger);
      // Unchanged since the last simulated deployment: the engine keeps its state, no API call.
      const same = isRead || replaced ? undefined : world.unchanged(answerKey, args.type, inputs);
      const result =
        same ??
        simulateResource(args, key, clock(), world, {
          deleteBeforeReplace: deleteBeforeReplace.has(key),
          replaced,
          waitsFor: (owner) => waitsFor(`${args.type}::${args.name}`, owner),
        });
      if ("failure" in result && result.failure) refusals.set(key, result.failure);
      else {
        world.stage(key, {
          inputs,
          id: result.id,
          state: result.state,
          ...(trigger !== undefined ? { replacementTrigger: trigger } : {}),
        });
      }
      return { id: result.id, state: result.state };
    },
    call: (args) => simulateCall(args, world),
  };
  skipPromiseDebugStacks();
  pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true);
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  const monitor = mockMonitor(pulumi);
  const track = <T>(run: (settled: () => void) => T): T => {
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    pending.add(done);
    return run(() => {
      settled();
      pending.delete(done);
    });
  };
  // Failed resources and those depending on them (./failedSteps.ts): the engine would skip the
  // dependents' steps (pulumi up --continue-on-error), so a dependent's own refusal never happens.
  const steps = new FailedSteps();
  const record = (registration: Registration) => {
    const found = refusals.get(keyOf(registration.type, registration.name));
    if (steps.record(registration, found !== undefined) === "failed" && found) {
      // An app management policy's refusal names the credential's rotation schedule, which the
      // providers do not see (a certificate's is on the resources its value comes from).
      const refusal = withSchedule(found, registration, byUrn);
      registration.failure = {
        urn: registration.urn,
        type: registration.type,
        name: registration.name,
        ...refusal,
        ...importWithParent(refusal, registration.parent),
      };
      failures.push(registration.failure);
    }
    registrations.push(registration);
    byUrn.set(registration.urn, registration);
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    if (req.getDeletebeforereplace()) deleteBeforeReplace.add(keyOf(req.getType(), req.getName()));
    // pulumi/pulumi sdk/nodejs runtime/resource.js: set only when the option is given.
    const trigger = req.hasReplacementTrigger()
      ? req.getReplacementTrigger()?.toJavaScript()
      : undefined;
    if (trigger !== undefined && trigger !== null) {
      replacementTriggers.set(keyOf(req.getType(), req.getName()), stripSecrets(trigger));
    }
    const dependencies = new Set(req.getDependenciesList().map(typeAndName));
    req
      .getPropertydependenciesMap()
      .forEach((deps) => deps.getUrnsList().forEach((urn) => dependencies.add(typeAndName(urn))));
    dependsOnNames.set(`${req.getType()}::${req.getName()}`, dependencies);
    const aliases = aliasSpecsOf(req);
    const parent = req.getParent() || undefined;
    try {
      const { aliasOf } = aliasResolver.resolve({
        urn: mockUrn(options.stack, options.project, parent, req.getType(), req.getName()),
        type: req.getType(),
        name: req.getName(),
        parent,
        aliases,
      });
      const oldKey = aliasOf !== undefined ? simulationKeyOfUrn(aliasOf) : undefined;
      const key = keyOf(req.getType(), req.getName());
      if (oldKey !== undefined && oldKey !== key) answerKeys.set(key, oldKey);
    } catch {
      // Two resources claim one old resource: planDeployment reports it.
    }
    return track((settled) =>
      register(req, (err, resp) => {
        if (!err && resp) {
          const secretInputs = new Set<string>();
          const inputs = maskPrivateKeys(
            unwrap(req.getObject()?.toJavaScript() ?? {}, secretInputs, ""),
          ) as State;
          const propertyDependencies: Record<string, string[]> = {};
          req
            .getPropertydependenciesMap()
            .forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
          record({
            type: req.getType(),
            name: req.getName(),
            urn: resp.getUrn(),
            parent,
            custom: req.getCustom(),
            inputs,
            secretInputs: [...secretInputs],
            outputs: maskSecretOutputs(
              req.getType(),
              unwrap(resp.getObject()?.toJavaScript() ?? {}, new Set(), "") as State,
            ),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: req.getProvider() || undefined,
            id: resp.getId() || undefined,
            ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
            ...(aliases.length > 0 ? { aliases } : {}),
            ...(trigger !== undefined && trigger !== null
              ? { replacementTrigger: maskPrivateKeys(unwrap(trigger, new Set(), "")) }
              : {}),
          });
        }
        cb(err, resp);
        settled();
      }),
    );
  };
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) =>
    track((settled) =>
      read(req, (err, resp) => {
        if (!err && resp) {
          const secretInputs = new Set<string>();
          record({
            type: req.getType(),
            name: req.getName(),
            urn: resp.getUrn(),
            parent: req.getParent() || undefined,
            custom: true,
            inputs: maskPrivateKeys(
              unwrap(req.getProperties()?.toJavaScript() ?? {}, secretInputs, ""),
            ) as State,
            secretInputs: [...secretInputs],
            outputs: maskSecretOutputs(
              req.getType(),
              unwrap(resp.getProperties()?.toJavaScript() ?? {}, new Set(), "") as State,
            ),
            dependencies: req.getDependenciesList(),
            propertyDependencies: {},
            provider: req.getProvider() || undefined,
            read: true,
            id: req.getId(),
          });
        }
        cb(err, resp);
        settled();
      }),
    );
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const found = byUrn.get(req.getUrn());
    if (found)
      found.outputs = maskPrivateKeys(
        unwrap(req.getOutputs()?.toJavaScript() ?? {}, new Set(), ""),
      ) as State;
    registerOutputs(req, cb);
  };
  return {
    registrations,
    failures,
    world,
    async settle() {
      // Registrations chain on each other's outputs: wait until no new one starts.
      for (let idle = 0; idle < 3;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (pending.size > 0) {
          idle = 0;
          await Promise.all([...pending]);
        } else {
          idle++;
        }
      }
    },
  };
}
