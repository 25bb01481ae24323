/**
 * A real stack's state (./stackExport.ts) as the starting point of the simulated world
 * (./simulator/seed.ts), and its hand-over to the program runs.
 *
 * The simulation answers the deploying identity's own lookups (`getClientConfig`: tenant,
 * subscription, object id) with simulated ids (./simulator/invokes.ts), which a program writes into
 * its resources (owners, the tenant-id secret, role definition ids under the subscription). So that
 * a run over a real state sees its own values unchanged, the state's ids of the tenant, the
 * subscription and the deploying identity are found ({@link findIdentity}) and translated into the
 * simulation's before the world is seeded; the preview translates the run back
 * ({@link IdTranslation.toReal}) before it shows anything. An existing application or service
 * principal that the program reads (`Resource.get`) is answered with a simulated client id unless a
 * tenant snapshot lists it: the state's client id is translated into that one too.
 */
import * as fs from "fs";
import {
  APPLICATION,
  factsOf,
  KEYVAULT_VAULT,
  keyVaultSecretFlavour,
  ROLE_ASSIGNMENT,
  SERVICE_PRINCIPAL,
} from "../../policy/core";
import { makeTemporaryDirectory, removeTemporaryDirectory } from "./childProcesses";
import type { StackExport, StateResource } from "./stackExport";
import type { ExistingRoleAssignment } from "./simulator/roleAssignments";
import { seedFile, SeedObject, STATE_SEED_VARIABLE, WorldSeed } from "./simulator/seed";
import { simulationKey } from "./simulator/simulatedAzure";
import {
  guidFrom,
  SIMULATED_DEPLOYER_OBJECT_ID,
  SIMULATED_SUBSCRIPTION_ID,
  SIMULATED_TENANT_ID,
} from "./simulator/world";
import type { StateEntry } from "./simulator/world";

/** A GUID, anywhere in a string (not part of a longer run of hex digits and dashes). */
const GUID =
  /(?<![0-9a-fA-F-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-fA-F-])/g;

/** The deploying identity's ids, as the state shows them (each absent when not found). */
export interface StateIdentity {
  /** The Entra ID tenant. */
  tenantId?: string;
  /** The Azure subscription of the resources (ARM ids `/subscriptions/<id>/…`). */
  subscriptionId?: string;
  /** The deploying identity's object id (an owner of every application the stack created). */
  deployerObjectId?: string;
}

/** Real ids to simulated ones and back (lower-case GUIDs). */
export interface IdTranslation {
  /** What was found in the state. */
  identity: StateIdentity;
  toSimulated: ReadonlyMap<string, string>;
  toReal: ReadonlyMap<string, string>;
}

/** Which kinds a tenant snapshot lists: the directory then answers reads with the real client id. */
export interface TenantCovers {
  applications: boolean;
  servicePrincipals: boolean;
}

/**
 * The deploying identity in a state:
 * - subscription: the one most ARM ids of the state name (`/subscriptions/<id>/`);
 * - tenant: the one most often named by a created vault's `properties.tenantId`, a created
 *   service principal's `applicationTenantId` (an application of this tenant) and a provider's
 *   `tenantId`;
 * - deploying identity: the owner every application and service principal the stack created
 *   lists (programs add the deployer: components/appIdentity.ts); when several are listed by all,
 *   the one each list ends with; else not found.
 */
export function findIdentity(resources: readonly StateResource[]): StateIdentity {
  const subscriptions = new Map<string, number>();
  const tenants = new Map<string, number>();
  const count = (map: Map<string, number>, id: unknown) => {
    if (typeof id !== "string" || !/^[0-9a-fA-F-]{36}$/.test(id)) return;
    const key = id.toLowerCase();
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  const owners: string[][] = [];
  for (const r of resources) {
    const subscription = /^\/subscriptions\/([0-9a-fA-F-]{36})(?:\/|$)/i.exec(r.id);
    if (subscription) count(subscriptions, subscription[1]);
    if (r.type.startsWith("pulumi:providers:")) count(tenants, r.inputs.tenantId);
    if (r.read) continue;
    if (r.type === KEYVAULT_VAULT) count(tenants, record(r.inputs.properties).tenantId);
    if (r.type === SERVICE_PRINCIPAL) count(tenants, r.outputs.applicationTenantId);
    if (r.type === APPLICATION || r.type === SERVICE_PRINCIPAL) {
      const list = r.inputs.owners;
      if (Array.isArray(list)) {
        owners.push(list.filter((o): o is string => typeof o === "string").map(lower));
      }
    }
  }
  return {
    ...optional("subscriptionId", mostFrequent(subscriptions)),
    ...optional("tenantId", mostFrequent(tenants)),
    ...optional("deployerObjectId", commonOwner(owners)),
  };
}

/**
 * The translation of a state's ids into the simulation's ({@link findIdentity}, and the client ids
 * of the objects the program reads when no tenant snapshot lists their kind).
 */
export function idTranslation(
  resources: readonly StateResource[],
  covers: TenantCovers = { applications: false, servicePrincipals: false },
): IdTranslation {
  const identity = findIdentity(resources);
  const pairs: [string | undefined, string][] = [
    [identity.tenantId, SIMULATED_TENANT_ID],
    [identity.subscriptionId, SIMULATED_SUBSCRIPTION_ID],
    [identity.deployerObjectId, SIMULATED_DEPLOYER_OBJECT_ID],
  ];
  for (const r of resources) {
    if (!r.read || (r.type !== APPLICATION && r.type !== SERVICE_PRINCIPAL)) continue;
    const listed = r.type === APPLICATION ? covers.applications : covers.servicePrincipals;
    const objectId = /([0-9a-fA-F-]{36})$/.exec(r.id)?.[1];
    if (listed || objectId === undefined) continue;
    // What ./simulator/providers.ts answers for a read of an object no snapshot lists.
    pairs.push([stringOf(r.outputs.clientId), guidFrom(`${objectId.toLowerCase()}#clientId`)]);
  }
  const toSimulated = new Map<string, string>();
  const toReal = new Map<string, string>();
  for (const [real, simulated] of pairs) {
    if (real === undefined || real.toLowerCase() === simulated) continue;
    if (toSimulated.has(real.toLowerCase()) || toReal.has(simulated)) continue;
    toSimulated.set(real.toLowerCase(), simulated);
    toReal.set(simulated, real.toLowerCase());
  }
  return { identity, toSimulated, toReal };
}

/**
 * A copy of a JSON value with every GUID the map names replaced (strings anywhere inside, keys
 * untouched); the value itself when the map is empty.
 */
export function translateIds<T>(value: T, map: ReadonlyMap<string, string>): T {
  if (map.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.replace(GUID, (guid) => map.get(guid.toLowerCase()) ?? guid);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** The seed of a world from a state, with the translation of its ids. */
export interface SeededState {
  seed: WorldSeed;
  translation: IdTranslation;
}

/**
 * Builds the seed of the simulated world from a validated export.
 *
 * Not seeded: resources deleted before their replacement and not re-created
 * (`pendingReplacement`: the next deployment creates them); a tainted resource keeps no provider
 * answer (the next deployment replaces it). Objects go to the directory only when the deploying
 * identity was found (their owners then name the simulation's deployer).
 *
 * @param covers which kinds a `--tenant` snapshot lists (its objects answer for themselves)
 */
export function seedFromState(
  exported: StackExport,
  project: string,
  stack: string,
  covers?: TenantCovers,
): SeededState {
  const translation = idTranslation([...exported.resources, ...exported.pendingDeletes], covers);
  const map = translation.toSimulated;
  const entry = (r: StateResource): StateEntry => {
    const t = {
      ...r,
      id: translateIds(r.id, map),
      inputs: translateIds(r.inputs, map),
      outputs: translateIds(r.outputs, map),
    };
    return {
      urn: t.urn,
      type: t.type,
      name: t.name,
      id: t.id,
      inputs: t.inputs,
      outputs: t.outputs,
      dependsOn: [...new Set([...t.dependencies, ...Object.values(t.propertyDependencies).flat()])],
      read: t.read,
      ...(t.parent !== undefined ? { parent: t.parent } : {}),
      custom: t.custom,
      dependencies: t.dependencies,
      propertyDependencies: t.propertyDependencies,
      ...(t.taint ? { taint: true } : {}),
      ...(t.retainOnDelete ? { retainOnDelete: true } : {}),
    };
  };
  const state = exported.resources.map(entry);
  const answers = state
    .filter((e) => e.custom !== false && !e.read && e.taint !== true)
    .map((e) => ({
      key: simulationKey(stack, project, e.type, e.name),
      inputs: e.inputs,
      id: e.id,
      state: e.outputs,
    }));
  const objects: SeedObject[] = [];
  if (translation.identity.deployerObjectId !== undefined) {
    for (const e of state) {
      if (e.read || (e.type !== APPLICATION && e.type !== SERVICE_PRINCIPAL)) continue;
      const objectId = stringOf(e.outputs.objectId);
      if (objectId === undefined) continue;
      objects.push({
        kind: e.type === APPLICATION ? "application" : "servicePrincipal",
        objectId,
        ...optional("appId", stringOf(e.outputs.clientId ?? e.inputs.clientId)),
        owners: (Array.isArray(e.inputs.owners) ? e.inputs.owners : []).filter(
          (o): o is string => typeof o === "string",
        ),
        ...optional(
          "signInAudience",
          stringOf(e.outputs.signInAudience ?? e.inputs.signInAudience),
        ),
      });
    }
  }
  const vaults = state
    .filter((e) => e.type === KEYVAULT_VAULT && !e.read)
    .map((e) => ({
      name: stringOf(e.outputs.name ?? e.inputs.vaultName) ?? e.name,
      ...optional("resourceGroup", stringOf(e.inputs.resourceGroupName)),
      enableRbacAuthorization:
        record(e.outputs.properties).enableRbacAuthorization === true ||
        record(e.inputs.properties).enableRbacAuthorization === true,
    }));
  const secrets = state
    .filter((e) => keyVaultSecretFlavour(e.type) === "azure-native" && !e.read)
    .map((e) => ({
      vault: stringOf(e.inputs.vaultName) ?? "",
      name: stringOf(e.inputs.secretName) ?? e.name,
    }))
    .filter((s) => s.vault !== "");
  const roleAssignments = state
    .filter((e) => factsOf(e.type)?.type === ROLE_ASSIGNMENT && !e.read)
    .flatMap((e) => {
      const assignment = roleAssignmentOf(e);
      return assignment ? [{ assignment, owner: `${e.type}::${e.name}` }] : [];
    });
  return {
    seed: {
      project,
      stack,
      state,
      pendingDeletes: exported.pendingDeletes.map(entry),
      answers,
      objects,
      vaults,
      secrets,
      roleAssignments,
    },
    translation,
  };
}

function roleAssignmentOf(e: StateEntry): ExistingRoleAssignment | undefined {
  const name = stringOf(e.inputs.roleAssignmentName ?? e.outputs.name);
  const scope = stringOf(e.inputs.scope ?? e.outputs.scope);
  const principalId = stringOf(e.inputs.principalId ?? e.outputs.principalId);
  const roleDefinitionId = stringOf(e.inputs.roleDefinitionId ?? e.outputs.roleDefinitionId);
  if (!name || !scope || !principalId || !roleDefinitionId) return undefined;
  const principalType = stringOf(e.inputs.principalType ?? e.outputs.principalType);
  return {
    name,
    scope,
    principalId,
    roleDefinitionId,
    ...(principalType ? { principalType } : {}),
  };
}

/** The folder of published seeds, shared by the previews of this process, and who uses it. */
let published: { dir: string; files: Map<string, { text: string; users: number }> } | undefined;

/**
 * Publishes a seed for the program runs at `instantsMs` (./simulator/seed.ts): one file per
 * instant (0600) in a private folder (0700) that {@link STATE_SEED_VARIABLE} names in this
 * process's environment, which the runs inherit. Previews of this process share the folder; two
 * of them at one instant must start from the same state.
 *
 * @returns the release: removes this preview's files (the folder and the variable with the last)
 * @throws Error when another preview of this process published a different seed for one of the
 *   instants
 */
export function publishSeed(seed: WorldSeed, instantsMs: readonly number[]): () => void {
  const text = JSON.stringify(seed);
  if (published === undefined) {
    const dir = makeTemporaryDirectory("app-credentials-state-");
    published = { dir, files: new Map() };
    process.env[STATE_SEED_VARIABLE] = dir;
  }
  const folder = published;
  const mine: string[] = [];
  for (const ms of new Set(instantsMs)) {
    const file = seedFile(folder.dir, ms);
    const existing = folder.files.get(file);
    if (existing !== undefined && existing.text !== text) {
      for (const f of mine) releaseFile(f);
      throw new Error(
        `another preview of this process runs at ${new Date(ms).toISOString()} from a different state`,
      );
    }
    if (existing === undefined) {
      fs.writeFileSync(file, text, { mode: 0o600, flag: "wx" });
      folder.files.set(file, { text, users: 1 });
    } else {
      existing.users++;
    }
    mine.push(file);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const file of mine) releaseFile(file);
  };
}

function releaseFile(file: string): void {
  const folder = published;
  const entry = folder?.files.get(file);
  if (folder === undefined || entry === undefined) return;
  entry.users--;
  if (entry.users > 0) return;
  folder.files.delete(file);
  fs.rmSync(file, { force: true });
  if (folder.files.size === 0) {
    removeTemporaryDirectory(folder.dir);
    if (process.env[STATE_SEED_VARIABLE] === folder.dir) delete process.env[STATE_SEED_VARIABLE];
    published = undefined;
  }
}

function mostFrequent(counts: Map<string, number>): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const [key, n] of counts) {
    if (n > most) {
      best = key;
      most = n;
    }
  }
  return best;
}

/** The owner every list names; when several, the one every list ends with; else undefined. */
function commonOwner(lists: string[][]): string | undefined {
  if (lists.length === 0) return undefined;
  const common = lists.reduce((acc, list) => acc.filter((id) => list.includes(id)), lists[0]);
  if (common.length === 1) return common[0];
  const last = lists[0][lists[0].length - 1];
  return common.includes(last) && lists.every((l) => l[l.length - 1] === last) ? last : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function lower(text: string): string {
  return text.toLowerCase();
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
