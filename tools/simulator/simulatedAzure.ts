/**
 * A simulated Azure for Pulumi's mock runtime: deterministic ids and plausible computed outputs for
 * the resources and functions app-credentials uses, and a record of every registration (type,
 * name, URN, parent, inputs, dependencies, property dependencies) for tests, the offline preview,
 * the rotation calendar and the benchmarks.
 *
 * Ids are derived from the URN (and, for passwords, from the inputs that force replacement), so
 * two runs of one program give the same ids and a replaced password gets a new keyId.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { skipPromiseDebugStacks } from "./promiseStacks";

/** Key marking a secret value in the Pulumi wire format (`runtime/rpc`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Simulated subscription and tenant. */
export const SIMULATED_TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de";
export const SIMULATED_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000a2b3";

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
}

/** What a recorded secret value is shown as. Secret values never leave the simulation. */
export const SECRET_PLACEHOLDER = "[secret]";

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
}

/** A running simulation. */
export interface Simulation {
  /** Every registration so far, in registration order. */
  readonly registrations: Registration[];
  /** Waits until every registration and output registration of the program has been made. */
  settle(): Promise<void>;
}

/** A deterministic version-4-shaped GUID from any text. */
export function guidFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function lowerAlnum(text: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(text).digest();
  return Array.from(bytes.subarray(0, length), (b) => alphabet[b % alphabet.length]).join("");
}

function resourceGroupId(resourceGroupName: unknown): string {
  return `/subscriptions/${SIMULATED_SUBSCRIPTION_ID}/resourceGroups/${String(resourceGroupName)}`;
}

function vaultId(resourceGroupName: unknown, vaultName: unknown): string {
  return `${resourceGroupId(resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${String(vaultName)}`;
}

type State = Record<string, unknown>;

/**
 * Computed outputs of the simulated provider for one new resource.
 * @returns the resource id and its output state (inputs plus computed properties)
 */
export function simulateResource(
  args: pulumi.runtime.MockResourceArgs,
  urn: string,
  nowMs: number,
): { id: string; state: State } {
  // A nested secret makes the whole enclosing input a secret on the wire: read through them.
  const inputs = stripSecrets(args.inputs) as State;
  const seed = urn;
  switch (args.type) {
    case "azuread:index/application:Application": {
      const objectId = guidFrom(`${seed}#objectId`);
      return {
        id: `/applications/${objectId}`,
        state: { ...inputs, objectId, clientId: guidFrom(`${seed}#clientId`) },
      };
    }
    case "azuread:index/servicePrincipal:ServicePrincipal": {
      const objectId = guidFrom(`${seed}#objectId`);
      return {
        id: `/servicePrincipals/${objectId}`,
        state: { ...inputs, objectId, applicationTenantId: SIMULATED_TENANT_ID },
      };
    }
    case "azuread:index/applicationPassword:ApplicationPassword":
    case "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": {
      // Every input forces replacement: a new keyId for every distinct set of inputs.
      const version = JSON.stringify([
        inputs.endDate,
        inputs.rotateWhenChanged,
        inputs.startDate,
        inputs.displayName,
      ]);
      const keyId = guidFrom(`${seed}#${version}`);
      const owner = String(inputs.applicationId ?? inputs.servicePrincipalId ?? "");
      return {
        id: `${owner}/password/${keyId}`,
        state: {
          ...inputs,
          keyId,
          startDate: inputs.startDate ?? new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
          value: `sim~${lowerAlnum(`${seed}#value#${version}`, 34)}`,
        },
      };
    }
    case "random:index/randomString:RandomString": {
      const length = typeof inputs.length === "number" ? inputs.length : 8;
      const result = lowerAlnum(`${seed}#result`, length);
      return { id: result, state: { ...inputs, result } };
    }
    case "azure-native:keyvault:Vault": {
      const name = String(inputs.vaultName);
      return {
        id: vaultId(inputs.resourceGroupName, name),
        state: {
          ...inputs,
          name,
          properties: {
            ...(inputs.properties as State),
            vaultUri: `https://${name}.vault.azure.net/`,
          },
        },
      };
    }
    case "azure-native:keyvault:Secret": {
      const name = String(inputs.secretName ?? args.name);
      const version = lowerAlnum(`${seed}#${JSON.stringify(inputs.properties)}`, 32);
      const uri = `https://${String(inputs.vaultName)}.vault.azure.net/secrets/${name}`;
      // The ARM API never returns a secret's value.
      const { value: _value, ...given } = (inputs.properties ?? {}) as State;
      void _value;
      const properties = { ...given, secretUri: uri, secretUriWithVersion: `${uri}/${version}` };
      return {
        id: `${vaultId(inputs.resourceGroupName, inputs.vaultName)}/secrets/${name}`,
        state: { ...inputs, name, properties },
      };
    }
    default:
      return {
        id: args.custom ? `${args.name}-${lowerAlnum(seed, 8)}` : "",
        state: args.inputs as State,
      };
  }
}

/** Results of the simulated provider functions (invokes). */
export function simulateCall(args: pulumi.runtime.MockCallArgs): State {
  const inputs = args.inputs as State;
  switch (args.token) {
    case "azuread:index/getClientConfig:getClientConfig":
    case "azure-native:authorization:getClientConfig":
      return {
        tenantId: SIMULATED_TENANT_ID,
        clientId: guidFrom("deployer#clientId"),
        objectId: guidFrom("deployer#objectId"),
        subscriptionId: SIMULATED_SUBSCRIPTION_ID,
      };
    case "azuread:index/getApplication:getApplication": {
      const objectId = String(inputs.objectId ?? guidFrom(`app#${JSON.stringify(inputs)}`));
      return {
        id: `/applications/${objectId}`,
        objectId,
        clientId: inputs.clientId ?? guidFrom(`${objectId}#clientId`),
        displayName: inputs.displayName ?? `application ${objectId.slice(0, 8)}`,
      };
    }
    case "azuread:index/getServicePrincipal:getServicePrincipal": {
      const objectId = String(inputs.objectId ?? guidFrom(`sp#${JSON.stringify(inputs)}`));
      return {
        id: `/servicePrincipals/${objectId}`,
        objectId,
        clientId: inputs.clientId ?? guidFrom(`${objectId}#clientId`),
        applicationTenantId: guidFrom(`${objectId}#tenant`),
        displayName: `service principal ${objectId.slice(0, 8)}`,
      };
    }
    case "azure-native:keyvault:getVault": {
      const name = String(inputs.vaultName);
      return {
        id: vaultId(inputs.resourceGroupName, name),
        name,
        location: "westeurope",
        properties: {
          vaultUri: `https://${name}.vault.azure.net/`,
          tenantId: SIMULATED_TENANT_ID,
          enableRbacAuthorization: true,
        },
      };
    }
    default:
      return {};
  }
}

/** Output properties the providers mark secret (`additionalSecretOutputs`), by resource type. */
const SECRET_OUTPUTS: Record<string, string[]> = {
  "azuread:index/applicationPassword:ApplicationPassword": ["value"],
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": ["value"],
};

/** Recorded outputs with the provider's secret outputs replaced by the placeholder. */
function maskSecretOutputs(type: string, outputs: State): State {
  const masked = { ...outputs };
  for (const key of SECRET_OUTPUTS[type] ?? []) if (key in masked) masked[key] = SECRET_PLACEHOLDER;
  return masked;
}

/** The value with every secret wrapper (`{[SIG_KEY]: SECRET_SIG, value}`) replaced by its value. */
function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value && typeof value === "object") {
    const record = value as State;
    if (record[SIG_KEY] === SECRET_SIG) return stripSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, stripSecrets(v)]));
  }
  return value;
}

/** Plain JSON from a wire-format value, secrets replaced by the placeholder. */
function unwrap(value: unknown, secretPaths: Set<string>, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrap(v, secretPaths, `${path}[${i}]`));
  if (value && typeof value === "object") {
    const record = value as State;
    if (record[SIG_KEY] === SECRET_SIG) {
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

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): { toJavaScript(): State } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
}
interface WireResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): State } | undefined;
}
interface MonitorLike {
  registerResource(
    req: WireRequest,
    cb: (err: Error | null, resp?: WireResponse) => void,
  ): Promise<void>;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): { toJavaScript(): State } | undefined },
    cb: (err: unknown, resp?: unknown) => void,
  ): void;
}

/**
 * Installs the simulated Azure as Pulumi's mock runtime and records every registration.
 *
 * Must be called before the program declares any resource. Config is applied with
 * `pulumi.runtime.setAllConfig` (replacing any previous config). Pulumi's per-promise debug stacks
 * are skipped unless `PULUMI_DEBUG_PROMISE_LEAKS` is set (see `promiseStacks.ts`).
 */
export function simulateAzure(options: SimulationOptions): Simulation {
  const clock = options.nowMs ?? Date.now;
  const registrations: Registration[] = [];
  const byUrn = new Map<string, Registration>();
  const pending = new Set<Promise<unknown>>();
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      const urn = `urn:pulumi:${options.stack}::${options.project}::${args.type}::${args.name}`;
      return simulateResource(args, urn, clock());
    },
    call: (args) => simulateCall(args),
  };
  skipPromiseDebugStacks();
  pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true);
  pulumi.runtime.setAllConfig(options.config ?? {}, []);
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    pending.add(done);
    return register(req, (err, resp) => {
      if (!err && resp) {
        const secretInputs = new Set<string>();
        const inputs = unwrap(req.getObject()?.toJavaScript() ?? {}, secretInputs, "") as State;
        const propertyDependencies: Record<string, string[]> = {};
        req
          .getPropertydependenciesMap()
          .forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
        const registration: Registration = {
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          parent: req.getParent() || undefined,
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
        };
        registrations.push(registration);
        byUrn.set(registration.urn, registration);
      }
      cb(err, resp);
      settled();
      pending.delete(done);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const found = byUrn.get(req.getUrn());
    if (found)
      found.outputs = unwrap(req.getOutputs()?.toJavaScript() ?? {}, new Set(), "") as State;
    registerOutputs(req, cb);
  };
  return {
    registrations,
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
