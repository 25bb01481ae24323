/**
 * The simulated Azure that outlives one program run: the Entra ID directory (./directory.ts), the
 * Key Vault secrets, certificates and vaults (./keyVault.ts, ./keyVaultCertificates.ts), the role
 * assignments of the subscription (./roleAssignments.ts) and the stack's state after the last
 * simulated deployment (./deployment.ts). One run of a program sees one world; a test that deploys
 * several times passes the same world to each run.
 */
import { createHash } from "crypto";
import { KEYVAULT_CERTIFICATE, replacingInputsOf } from "../../../policy/core";
import { Deployer, GraphPermission, SimulatedDirectory } from "./directory";
import { ExistingVault, SimulatedKeyVaults } from "./keyVault";
import {
  AzureKeyVaultFeatures,
  certificateTarget,
  DEFAULT_AZURE_KEY_VAULT_FEATURES,
  KeyVaultDataRole,
  makesNewVersion,
} from "./keyVaultCertificates";
import {
  ExistingRoleAssignment,
  RoleAssignmentWrite,
  SimulatedRoleAssignments,
} from "./roleAssignments";
import { seedFromEnvironment, WorldSeed } from "./seed";
import type { TenantSnapshot } from "./tenant";
import { SECRET_PLACEHOLDER } from "./wire";

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
  /**
   * Where the deployer may manage Key Vault certificates (Key Vault Certificates Officer or Key
   * Vault Administrator): `true` on every vault, `false` nowhere, or the names of the vaults
   * (./keyVaultCertificates.ts). Default: the tenant snapshot's
   * `deployer.keyVaultCertificatesOfficer`, else true (the dev stack previews).
   */
  keyVaultCertificatesOfficer?: KeyVaultDataRole;
  /**
   * The azurerm provider's Key Vault features (`features.keyVault.*` of the Pulumi `azure`
   * provider): purge certificates when they are deleted, recover soft-deleted ones on create.
   * Default: the provider's, both true.
   */
  azureKeyVaultFeatures?: Partial<AzureKeyVaultFeatures>;
  /**
   * Where the deployer holds `Microsoft.Authorization/roleAssignments/write`: `true` everywhere,
   * `false` nowhere, or the names of the vaults it holds it on (./roleAssignments.ts). Default: the
   * tenant snapshot's `deployer.roleAssignmentWrite`, else true (the dev stack previews).
   */
  roleAssignmentWrite?: RoleAssignmentWrite;
  /**
   * Role assignments that exist before the first run (e.g. those of an earlier deployment of a
   * re-created stack). Default: the tenant snapshot's `roleAssignments`, else none.
   */
  roleAssignments?: readonly ExistingRoleAssignment[];
  /**
   * Vaults that exist before the first run, with their permission model (the vault lookup answers
   * `properties.enableRbacAuthorization` from it; a lookup of another vault fails). Default: the
   * tenant snapshot's `vaults`; without either every vault is assumed to exist, using Azure RBAC.
   */
  vaults?: readonly ExistingVault[];
  /**
   * Where the stack stands before this run: a real stack's state (./seed.ts, `npm start --
   * --state`). Default: the seed the preview published for this program run, if any
   * (`seedFromEnvironment`); `null`: none, whatever the environment says.
   */
  seed?: WorldSeed | null;
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
  /** URN of the parent (mock form); absent directly under the stack. */
  parent?: string;
  /** False for components; absent: not recorded (custom). */
  custom?: boolean;
  /** The dependencies as recorded: resource options, and per input property. */
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  /** Marked `taint` in a real state: the next deployment replaces it. */
  taint?: boolean;
  /**
   * The `replacementTrigger` resource option recorded at the last deployment (the engine replaces
   * the resource when the program's differs: ./stash.ts `replacementTriggered`); absent: none.
   */
  replacementTrigger?: unknown;
  /** `retainOnDelete` in a real state: deleting it only drops it from the state. */
  retainOnDelete?: boolean;
}

/** What a simulated provider answered for a resource: the inputs it saw (plain) and its state. */
export interface ProviderEntry {
  inputs: Record<string, unknown>;
  id: string;
  state: Record<string, unknown>;
  /**
   * True for what a real provider answered, from a real stack's state (./seed.ts): its secret
   * values are the placeholder `[secret]`, which compares equal to any value.
   */
  seeded?: boolean;
  /** The registration's `replacementTrigger` (plain), if it had one. */
  replacementTrigger?: unknown;
}

/**
 * True for the credential types whose provider (azuread, bridged Terraform) diffs new inputs
 * against the stored state, which holds dates to the second (./providers.ts `providerInstant`).
 */
export function diffsAgainstState(type: string): boolean {
  return DIFF_AGAINST_STATE.test(type);
}
const DIFF_AGAINST_STATE = /^azuread:index\/(application|servicePrincipal)(Password|Certificate):/;

/** The simulated Azure of one tenant and subscription. */
export class SimulatedWorld {
  readonly directory: SimulatedDirectory;
  readonly vaults = new SimulatedKeyVaults();
  /** The subscription's role assignments (./roleAssignments.ts). */
  readonly roleAssignments: SimulatedRoleAssignments;
  /** See {@link WorldOptions.roleAssignmentWrite}. */
  readonly roleAssignmentWrite: RoleAssignmentWrite;
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
  /** See {@link WorldOptions.keyVaultCertificatesOfficer}. */
  readonly keyVaultCertificatesOfficer: KeyVaultDataRole;
  /** See {@link WorldOptions.azureKeyVaultFeatures}. */
  readonly azureKeyVaultFeatures: AzureKeyVaultFeatures;
  /** See {@link WorldOptions.successiveDeployments}. */
  readonly successiveDeployments: boolean;
  /** The real state this world started from (`npm start -- --state`), if any. */
  readonly seed: WorldSeed | undefined;
  /**
   * Old copies of replaced resources that the next deployment deletes (`delete: true` in a real
   * state; ./deployment.ts plans a delete for each).
   */
  pendingDeletes: readonly StateEntry[] = [];

  constructor(options: WorldOptions = {}) {
    this.keyVaultSecretsOfficer = options.keyVaultSecretsOfficer ?? false;
    this.keyVaultCertificatesOfficer =
      options.keyVaultCertificatesOfficer ?? options.tenant?.keyVaultCertificatesOfficer ?? true;
    this.azureKeyVaultFeatures = {
      ...DEFAULT_AZURE_KEY_VAULT_FEATURES,
      ...options.azureKeyVaultFeatures,
    };
    this.successiveDeployments = options.successiveDeployments ?? false;
    this.roleAssignmentWrite =
      options.roleAssignmentWrite ?? options.tenant?.roleAssignmentWrite ?? true;
    this.roleAssignments = new SimulatedRoleAssignments(
      options.roleAssignments ?? options.tenant?.roleAssignments ?? [],
    );
    const vaults = options.vaults ?? options.tenant?.vaults;
    if (vaults !== undefined) this.vaults.declareVaults(vaults);
    this.directory = new SimulatedDirectory(
      {
        objectId: options.deployer?.objectId ?? SIMULATED_DEPLOYER_OBJECT_ID,
        permission: options.deployer?.permission ?? DEFAULT_GRAPH_PERMISSION,
      },
      options.tenant,
    );
    this.seed = options.seed === null ? undefined : (options.seed ?? seedFromEnvironment());
    if (this.seed) this.applySeed(this.seed);
  }

  /**
   * Starts from a real stack's state: its resources are the state, each custom resource's state
   * is its provider's answer (kept by a "same" step, and by an update: ./deployment.ts), and the
   * objects, vaults, secrets and role assignments the stack made exist — the directory learns an
   * object only where no tenant snapshot says which objects exist.
   */
  private applySeed(seed: WorldSeed): void {
    this.state = new Map(seed.state.map((entry) => [entry.urn, entry]));
    this.pendingDeletes = seed.pendingDeletes;
    for (const { key, inputs, id, state } of seed.answers) {
      this.committed.set(key, { inputs, id, state, seeded: true });
    }
    for (const object of seed.objects) {
      if (this.directory.find(object.kind, object.objectId) !== "assumed") continue;
      this.directory.create(
        object.kind,
        object.objectId,
        object.appId,
        object.owners,
        object.signInAudience,
      );
    }
    for (const vault of seed.vaults) this.vaults.vaultCreated(vault);
    for (const secret of seed.secrets) {
      this.vaults.create(secret.vault, secret.name, 0, true, "the state's secret");
    }
    for (const { assignment, owner } of seed.roleAssignments) {
      this.roleAssignments.add(assignment, owner);
    }
    // The stack's Key Vault certificates exist, with their companion secrets and keys.
    for (const entry of seed.state) {
      if (entry.type !== KEYVAULT_CERTIFICATE || entry.read) continue;
      const target = certificateTarget(entry.inputs);
      if (target === undefined) continue;
      this.vaults.certificateWritten(
        target.vault,
        target.name,
        `${entry.type}::${entry.name}`,
        entry.id || undefined,
      );
    }
  }

  /** Passwords this run has added so far, per owner resource id (`/applications/{id}`). */
  private addedThisRun = new Map<string, number>();
  /** `type::name` of the state's passwords this run replaced delete-before-create (gone first). */
  private deletedFirstThisRun = new Set<string>();

  /** Starts a program run: forgets what the previous run added (it was deployed or discarded). */
  beginRun(): void {
    this.addedThisRun = new Map();
    this.deletedFirstThisRun = new Set();
  }

  /**
   * How many passwords the owner holds at the moment the engine creates the password `type`/`name`:
   * those of the last deployment's state (a password replaced create-before-delete is deleted only
   * after its replacement exists; with `deleteBeforeReplace` its old version is gone first), plus
   * those this run has already added (pulumi/pulumi pkg/resource/deploy/step_generator.go: a
   * replacement is create-then-delete unless `deleteBeforeReplace`; the deletes of
   * create-before-delete replacements run at the end of the deployment).
   *
   * @param owner the password's `applicationId` / `servicePrincipalId` (a resource id)
   */
  passwordsHeld(owner: string, type: string, name: string, deleteBeforeReplace: boolean): number {
    if (deleteBeforeReplace) this.deletedFirstThisRun.add(`${type}::${name}`);
    let held = this.addedThisRun.get(owner) ?? 0;
    for (const entry of this.entries.values()) {
      if (entry.type !== type) continue;
      const of = entry.inputs.applicationId ?? entry.inputs.servicePrincipalId;
      if (of !== owner || this.deletedFirstThisRun.has(`${entry.type}::${entry.name}`)) continue;
      held++;
    }
    return held;
  }

  /** Records a password this run added to `owner` (see {@link passwordsHeld}). */
  passwordAdded(owner: string): void {
    this.addedThisRun.set(owner, (this.addedThisRun.get(owner) ?? 0) + 1);
  }

  /** True when the stack's state holds a resource of this type and name. */
  inState(type: string, name: string): boolean {
    return this.names.has(`${type}::${name}`);
  }

  /**
   * The provider's answer for a resource the last deployment holds, when the new inputs would not
   * change it (the engine's "same" step keeps the resource's state: a certificate created at the
   * previous deployment keeps its validity and thumbprint); else undefined.
   *
   * For a resource of a real state (./seed.ts) whose change replaces nothing (no input the
   * provider facts table says forces a replacement), the engine's update: the provider keeps the
   * resource's id and computed outputs and takes the new inputs (its answer, the state's outputs
   * with the new inputs laid over them). A secret value of the state (`[secret]`, never read)
   * compares equal to any value.
   */
  unchanged(key: string, type: string, inputs: Record<string, unknown>): ProviderEntry | undefined {
    const previous = this.committed.get(key);
    if (!previous) return undefined;
    const against = diffsAgainstState(type) ? previous.state : previous.inputs;
    const keys = new Set([...Object.keys(inputs), ...Object.keys(previous.inputs)]);
    const seeded = previous.seeded === true;
    const defaulted = seeded ? defaultedKeys(previous.inputs) : [];
    const changed = [...keys].filter((name) =>
      seeded
        ? !name.startsWith("__") &&
          !(inputs[name] === undefined && defaulted.includes(name)) &&
          !sameOrSecret(inputs[name], against[name])
        : !sameJson(inputs[name], against[name]),
    );
    if (changed.length === 0) return previous;
    if (!seeded) return undefined;
    const replacing = replacingInputsOf(type, inputs) ?? [];
    if (changed.some((name) => replacing.includes(name))) return undefined;
    // An update that makes a new version has new computed outputs (./keyVaultCertificates.ts).
    if (type === KEYVAULT_CERTIFICATE && makesNewVersion(previous.inputs, inputs)) return undefined;
    return {
      inputs,
      id: previous.id,
      state: overlay(previous.state, inputs) as Record<string, unknown>,
      seeded: true,
    };
  }

  /**
   * The provider's answer for a resource at the last deployment (unmasked), if the stack holds it:
   * what an update starts from.
   */
  previousAnswer(key: string): ProviderEntry | undefined {
    return this.committed.get(key);
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

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A new input value `a` equals the state's `b`, where a secret value of a real state (the
 * placeholder, never read) equals anything (an input computed from secrets can only be known to
 * change through a replaced dependency: ./deployment.ts), and the bookkeeping of a Terraform-bridged
 * provider is left out: keys starting with `__`, and a property `a` leaves out that `b`'s
 * `__defaults` lists — filled by the provider's Check with its default, as the next Check fills it
 * again ("Each object-typed value contains metadata about the properties that were set using
 * default values under a special key (\"__defaults\")", pulumi-terraform-bridge
 * pkg/tfbridge/schema.go).
 */
export function sameOrSecret(a: unknown, b: unknown): boolean {
  if (a === SECRET_PLACEHOLDER || b === SECRET_PLACEHOLDER) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameOrSecret(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const defaulted = defaultedKeys(b);
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every(
      (k) =>
        k.startsWith("__") ||
        (a[k] === undefined && defaulted.includes(k)) ||
        sameOrSecret(a[k], b[k]),
    );
  }
  return sameJson(a, b);
}

/** The properties an object's `__defaults` lists (see {@link sameOrSecret}); none when absent. */
export function defaultedKeys(value: unknown): string[] {
  const list = isPlainObject(value) ? value.__defaults : undefined;
  return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string") : [];
}

/** `base` with `over` laid over it: objects merged key by key, anything else replaced. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = overlay(base[key], value);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
