/**
 * The simulated Azure that outlives one program run: the Entra ID directory (./directory.ts), the
 * Key Vault secrets (./keyVault.ts) and the stack's state after the last simulated deployment
 * (./deployment.ts). One run of a program sees one world; a test that deploys several times
 * passes the same world to each run.
 */
import { createHash } from "crypto";
import { Deployer, GraphPermission, SimulatedDirectory } from "./directory";
import { SimulatedKeyVaults } from "./keyVault";
import type { TenantSnapshot } from "./tenant";

/** A deterministic version-4-shaped GUID from any text. */
export function guidFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Simulated subscription and tenant. */
export const SIMULATED_TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de";
export const SIMULATED_SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000a2b3";
/** Object id of the simulated deploying identity (`getClientConfig().objectId`). */
export const SIMULATED_DEPLOYER_OBJECT_ID = guidFrom("deployer#objectId");
/** Client id of the simulated deploying identity. */
export const SIMULATED_DEPLOYER_CLIENT_ID = guidFrom("deployer#clientId");

/**
 * The permission the simulation gives the deployer unless told otherwise: the least privilege a
 * rotation pipeline should run with, so the preview refuses what would fail there.
 */
export const DEFAULT_GRAPH_PERMISSION: GraphPermission = "OwnedBy";

/** Options of a new world. */
export interface WorldOptions {
  /** Which applications and service principals exist; without it every id is assumed to exist. */
  tenant?: TenantSnapshot;
  /** The deploying identity: object id and Graph permission (default OwnedBy). */
  deployer?: Partial<Deployer>;
  /**
   * True when the world will be deployed (./deployment.ts) and run again: the providers' answers
   * are then kept until the deployment, so unchanged resources keep their state across runs.
   * Default false: a single run (the offline preview, the benchmarks) keeps nothing.
   */
  successiveDeployments?: boolean;
  /**
   * True when the deployer holds the data-plane role Key Vault Secrets Officer on the vaults
   * (needed to delete and to recover secrets); default false: only a control-plane role such as
   * Contributor, which writes secrets through Azure Resource Manager.
   */
  keyVaultSecretsOfficer?: boolean;
}

/** Resource state the engine keeps between deployments, per URN. */
export interface StateEntry {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** URNs this resource depends on (all dependencies, property dependencies included). */
  dependsOn: string[];
  /** True for a resource read with `Resource.get` (external: never deleted in Azure). */
  read: boolean;
}

/** What a simulated provider answered for a resource: the inputs it saw (plain) and its state. */
export interface ProviderEntry {
  inputs: Record<string, unknown>;
  id: string;
  state: Record<string, unknown>;
}

/**
 * Credential types whose provider (azuread, bridged Terraform) diffs new inputs against the stored
 * state, which holds dates to the second (./providers.ts `providerInstant`).
 */
const DIFF_AGAINST_STATE = /^azuread:index\/(application|servicePrincipal)(Password|Certificate):/;

/** The simulated Azure of one tenant and subscription. */
export class SimulatedWorld {
  readonly directory: SimulatedDirectory;
  readonly vaults = new SimulatedKeyVaults();
  /** The stack's resources after the last simulated deployment (empty: a new stack). */
  get state(): ReadonlyMap<string, StateEntry> {
    return this.entries;
  }
  set state(entries: ReadonlyMap<string, StateEntry>) {
    this.entries = new Map(entries);
    this.names = new Set([...entries.values()].map((e) => `${e.type}::${e.name}`));
  }
  private entries = new Map<string, StateEntry>();
  private names = new Set<string>();
  /** Provider answers of the last deployment, by simulation key (unmasked: never recorded). */
  private readonly committed = new Map<string, ProviderEntry>();
  /** Provider answers of runs not deployed yet, by simulation key. */
  private readonly staged = new Map<string, ProviderEntry>();
  /** See {@link WorldOptions.keyVaultSecretsOfficer}. */
  readonly keyVaultSecretsOfficer: boolean;
  /** See {@link WorldOptions.successiveDeployments}. */
  readonly successiveDeployments: boolean;

  constructor(options: WorldOptions = {}) {
    this.keyVaultSecretsOfficer = options.keyVaultSecretsOfficer ?? false;
    this.successiveDeployments = options.successiveDeployments ?? false;
    this.directory = new SimulatedDirectory(
      {
        objectId: options.deployer?.objectId ?? SIMULATED_DEPLOYER_OBJECT_ID,
        permission: options.deployer?.permission ?? DEFAULT_GRAPH_PERMISSION,
      },
      options.tenant,
    );
  }

  /** True when the stack's state holds a resource of this type and name. */
  inState(type: string, name: string): boolean {
    return this.names.has(`${type}::${name}`);
  }

  /**
   * The provider's answer for a resource the last deployment holds, when the new inputs would not
   * change it (the engine's "same" step keeps the resource's state: a certificate created at the
   * previous deployment keeps its validity and thumbprint); else undefined.
   */
  unchanged(key: string, type: string, inputs: Record<string, unknown>): ProviderEntry | undefined {
    const previous = this.committed.get(key);
    if (!previous) return undefined;
    const against = DIFF_AGAINST_STATE.test(type) ? previous.state : previous.inputs;
    const keys = new Set([...Object.keys(inputs), ...Object.keys(previous.inputs)]);
    for (const name of keys) {
      if (JSON.stringify(inputs[name]) !== JSON.stringify(against[name])) return undefined;
    }
    return previous;
  }

  /** Remembers a provider answer of the current run until it is deployed (successive deployments). */
  stage(key: string, entry: ProviderEntry): void {
    if (this.successiveDeployments) this.staged.set(key, entry);
  }

  /** Keeps the staged answers of the deployed resources; forgets the rest and the deleted ones. */
  commit(deployed: Iterable<string>): void {
    const keep = new Set(deployed);
    for (const key of [...this.committed.keys()]) if (!keep.has(key)) this.committed.delete(key);
    for (const key of keep) {
      const staged = this.staged.get(key);
      if (staged) this.committed.set(key, staged);
    }
    this.staged.clear();
  }
}
