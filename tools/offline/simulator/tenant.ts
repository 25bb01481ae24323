/**
 * A tenant snapshot: which applications and service principals exist in the Entra ID tenant, read
 * from what the Azure CLI prints, so the simulated Azure can refuse what the real one would
 * (a password added to an object that does not exist, to a service principal whose publisher locked
 * its credentials, or under `Application.ReadWrite.OwnedBy` to an object the deployer does not own).
 *
 * Accepted files (JSON):
 * - the array `az ad app list --all` prints (Graph `application` objects), or
 * - the array `az ad sp list --all` prints (Graph `servicePrincipal` objects), or
 * - an object `{ "applications": [...], "servicePrincipals": [...] }` (either may be absent), or
 *   Graph's own page shape `{ "value": [...] }`.
 * The object may also say which Microsoft Graph permission the deploying identity holds:
 * `"deployer": { "graphPermission": "Application.ReadWrite.All" }` (or
 * `"Application.ReadWrite.OwnedBy"`, the simulation's default); `npm start --graph-permission`
 * wins over it. Three more keys describe Azure RBAC and Key Vault (./roleAssignments.ts):
 * - `deployer.roleAssignmentWrite`: whether the deployer holds
 *   `Microsoft.Authorization/roleAssignments/write`: `true` (the default), `false`, or the names of
 *   the vaults it holds it on;
 * - `deployer.keyVaultCertificatesOfficer`: whether the deployer may manage Key Vault certificates
 *   (Key Vault Certificates Officer or Key Vault Administrator, ./keyVaultCertificates.ts): `true`
 *   (the default), `false`, or the names of the vaults it holds the role on;
 * - `roleAssignments`: the role assignments that exist (the array `az role assignment list --all`
 *   prints: `name`, `scope`, `principalId`, `roleDefinitionId`, `principalType`), e.g. those an
 *   earlier deployment of a re-created stack left;
 * - `vaults`: the vaults that exist (as `az keyvault show` prints them: `name`, `resourceGroup`,
 *   `properties.enableRbacAuthorization`); the vault lookup answers from it, and fails for a vault
 *   it does not list.
 * Two more keys hold the tenant's app management policies (./appPolicies.ts, which the simulated
 * Graph enforces when a credential is added), as Microsoft Graph v1.0 returns them:
 * - `defaultAppManagementPolicy`: the JSON of `GET /policies/defaultAppManagementPolicy` (a
 *   `tenantAppManagementPolicy`);
 * - `appManagementPolicies`: the JSON of `GET /policies/appManagementPolicies?$expand=appliesTo`
 *   (`{"value": [appManagementPolicy, …]}`, a list of policies, or a list of such pages).
 * Both are validated by ../appManagementPolicy.ts (shared with the tenant audit, whose `--tenant`
 * file holds the same keys); a wrong shape names the JSON path.
 * Without `--all` the Azure CLI returns only the first 100 objects: a snapshot that is cut short
 * makes real objects look missing. A file whose lists hold no object at all (`[]`, what the Azure
 * CLI prints signed in to another tenant or account) is refused: it could check nothing.
 *
 * A single array covers only the kinds found in it: an array of applications says nothing about
 * service principals, whose ids stay unchecked (assumed to exist); {@link TenantSnapshot.covers}
 * says which kinds were listed.
 *
 * In an array, an element is a service principal when it carries a service-principal-only
 * property (`servicePrincipalType`, `appOwnerOrganizationId`, `servicePrincipalNames`), else an
 * application. Only `id` (the object id) is required; `appId`, `displayName`, `signInAudience` (an
 * application's account types: personal-account audiences hold at most two client secrets),
 * `createdDateTime` (RFC 3339: Graph v1.0 returns it for applications and `az ad app list` prints
 * it; v1.0 returns none for service principals, https://learn.microsoft.com/graph/api/resources/serviceprincipal,
 * so an entry may state it by hand; app management restrictions dated by
 * `restrictForAppsCreatedAfterDateTime` are judged against it), and two optional additions the
 * Azure CLI list does not print are read:
 * - `owners`: object ids of the owners (`az ad app owner list --id <appId>` / `az ad sp owner list
 *   --id <id>`); when absent, the deployer is assumed to own the object;
 * - `servicePrincipalLockConfiguration`: Graph's application property (app instance property
 *   lock): `{isEnabled, allProperties, credentialsWithUsageVerify, credentialsWithUsageSign}`.
 *   On an application it applies to the service principals of that appId; on a service
 *   principal entry it states the publisher's lock directly (the publisher's application is in
 *   another tenant).
 */
import * as fs from "fs";
import { parseInstant } from "../../../policy/core";
import {
  AppManagementPolicies,
  AppManagementPolicyShapeError,
  parseAppManagementPolicies,
  parseTenantAppManagementPolicy,
} from "../appManagementPolicy";
import { ProgramFailure } from "../errors";
import type { GraphPermission } from "./directory";
import type { ExistingVault } from "./keyVault";
import type { KeyVaultDataRole } from "./keyVaultCertificates";
import {
  ExistingRoleAssignment,
  readExistingRoleAssignments,
  readExistingVaults,
  readRoleAssignmentWrite,
  RoleAssignmentWrite,
} from "./roleAssignments";

/**
 * The Microsoft Graph application permissions a deployer of app credentials holds, by their Graph
 * names (Microsoft Graph permissions reference,
 * https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteall and
 * #applicationreadwriteownedby), with the simulated directory's name of each.
 */
export const GRAPH_PERMISSIONS = {
  "Application.ReadWrite.All": "All",
  "Application.ReadWrite.OwnedBy": "OwnedBy",
} as const satisfies Record<string, GraphPermission>;

/** A Graph permission by its Graph name: `Application.ReadWrite.All` or `…OwnedBy`. */
export type GraphPermissionName = keyof typeof GRAPH_PERMISSIONS;

/** The allowed Graph permission names, for messages: `A or B`. */
export const GRAPH_PERMISSION_CHOICES = Object.keys(GRAPH_PERMISSIONS).join(" or ");

/** True when `value` is one of {@link GRAPH_PERMISSIONS}' names (exactly, as Graph spells it). */
export function isGraphPermissionName(value: unknown): value is GraphPermissionName {
  return (
    typeof value === "string" && Object.prototype.hasOwnProperty.call(GRAPH_PERMISSIONS, value)
  );
}

/** The app instance property lock of an application (Graph `servicePrincipalLockConfiguration`). */
export interface LockConfiguration {
  isEnabled: boolean;
  allProperties: boolean;
  credentialsWithUsageVerify: boolean;
  credentialsWithUsageSign: boolean;
}

/** One application or service principal of the snapshot. */
export interface TenantObject {
  /** Object id (Graph `id`). */
  objectId: string;
  /** Application (client) id (Graph `appId`). */
  appId?: string;
  displayName?: string;
  /**
   * An application's `signInAudience` (printed by `az ad app list`): audiences with personal
   * Microsoft accounts limit the application to two client secrets.
   */
  signInAudience?: string;
  /** Owner object ids; undefined when the snapshot does not say (the deployer is assumed owner). */
  owners?: string[];
  lock?: LockConfiguration;
  /**
   * Graph `createdDateTime` (RFC 3339, as written); undefined when the snapshot does not say
   * (service principals in Graph v1.0).
   */
  createdDateTime?: string;
}

/** The snapshot: applications and service principals by object id (lower case). */
export interface TenantSnapshot {
  /** Where it was read from, for messages. */
  source: string;
  applications: ReadonlyMap<string, TenantObject>;
  servicePrincipals: ReadonlyMap<string, TenantObject>;
  /**
   * Which lists the snapshot holds: a kind it does not list is unknown (its ids are assumed to
   * exist), not empty. A single array holds the kinds found in it.
   */
  covers: { applications: boolean; servicePrincipals: boolean };
  /** The deployer's Graph permission the file states (`deployer.graphPermission`), if any. */
  graphPermission?: GraphPermissionName;
  /** `deployer.roleAssignmentWrite`, if the file states it (see the module comment). */
  roleAssignmentWrite?: RoleAssignmentWrite;
  /** `deployer.keyVaultCertificatesOfficer`, if the file states it (see the module comment). */
  keyVaultCertificatesOfficer?: KeyVaultDataRole;
  /** `roleAssignments`: role assignments that exist, if the file lists them. */
  roleAssignments?: readonly ExistingRoleAssignment[];
  /** `vaults`: vaults that exist, with their permission model, if the file lists them. */
  vaults?: readonly ExistingVault[];
  /**
   * The app management policies (`defaultAppManagementPolicy`, `appManagementPolicies`), when the
   * file holds either key; `defaultPolicy` is null when it holds only the per-app policies.
   */
  appManagementPolicies?: AppManagementPolicies;
}

/** The snapshot file is unreadable or not of the accepted shape; the message names the file. */
export class TenantSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantSnapshotError";
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERVICE_PRINCIPAL_ONLY = [
  "servicePrincipalType",
  "appOwnerOrganizationId",
  "servicePrincipalNames",
];

/**
 * Reads a snapshot file.
 *
 * @throws TenantSnapshotError naming the file and the problem (unreadable, not JSON, wrong shape,
 *   with the JSON path of the offending element)
 */
export function loadTenantSnapshot(file: string): TenantSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new TenantSnapshotError(`${file}: cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TenantSnapshotError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseTenantSnapshot(json, file);
}

/**
 * Builds a snapshot from parsed JSON (see the module comment for the accepted shapes).
 *
 * @param source the file name, used in messages
 * @throws TenantSnapshotError naming the source, the JSON path and what was expected, or saying
 *   that the file lists no object at all (an empty snapshot)
 */
export function parseTenantSnapshot(json: unknown, source: string): TenantSnapshot {
  const applications = new Map<string, TenantObject>();
  const servicePrincipals = new Map<string, TenantObject>();
  const fail = (path: string, expected: string): never => {
    throw new TenantSnapshotError(`${source}: ${path || "the document"}: expected ${expected}`);
  };
  const add = (element: unknown, path: string, kind?: "application" | "servicePrincipal") => {
    if (!isRecord(element)) return fail(path, "an application or service principal object");
    const isServicePrincipal =
      kind === "servicePrincipal" ||
      (kind === undefined && SERVICE_PRINCIPAL_ONLY.some((key) => key in element));
    const object = readObject(element, path, fail);
    (isServicePrincipal ? servicePrincipals : applications).set(
      object.objectId.toLowerCase(),
      object,
    );
  };
  const addAll = (list: unknown, path: string, kind?: "application" | "servicePrincipal") => {
    if (!Array.isArray(list)) return fail(path, "a JSON array (as `az ad app list --all` prints)");
    list.forEach((element, index) => add(element, `${path}[${index}]`, kind));
  };
  let covers = { applications: false, servicePrincipals: false };
  let deployer: DeployerEntry = {};
  let azure: Pick<TenantSnapshot, "roleAssignments" | "vaults" | "appManagementPolicies"> = {};
  // True when the file holds a list of objects (a file with only `deployer` claims no list).
  let listed = true;
  if (Array.isArray(json)) {
    addAll(json, "");
  } else if (isRecord(json) && SNAPSHOT_KEYS.some((key) => key in json)) {
    covers = {
      applications: json.applications !== undefined,
      servicePrincipals: json.servicePrincipals !== undefined,
    };
    for (const key of Object.keys(json)) {
      if (!SNAPSHOT_KEYS.includes(key)) {
        fail(
          key,
          "only `applications`, `servicePrincipals`, `roleAssignments`, `defaultAppManagementPolicy`, `appManagementPolicies`, `vaults` and `deployer` keys",
        );
      }
    }
    listed = covers.applications || covers.servicePrincipals;
    if (json.deployer !== undefined) deployer = readDeployer(json.deployer, fail);
    if (json.roleAssignments !== undefined) {
      azure = {
        ...azure,
        roleAssignments: readExistingRoleAssignments(json.roleAssignments, "roleAssignments", fail),
      };
    }
    if (json.vaults !== undefined) {
      azure = { ...azure, vaults: readExistingVaults(json.vaults, "vaults", fail) };
    }
    if (json.defaultAppManagementPolicy !== undefined || json.appManagementPolicies !== undefined) {
      azure = { ...azure, appManagementPolicies: readPolicies(json, source) };
    }
    if (json.applications !== undefined) addAll(json.applications, "applications", "application");
    if (json.servicePrincipals !== undefined) {
      addAll(json.servicePrincipals, "servicePrincipals", "servicePrincipal");
    }
  } else if (isRecord(json) && Array.isArray(json.value)) {
    addAll(json.value, "value");
  } else {
    fail(
      "",
      "the JSON array of `az ad app list --all` or `az ad sp list --all`, or an object {applications: [...], servicePrincipals: [...]}",
    );
  }
  if (listed && applications.size === 0 && servicePrincipals.size === 0) {
    throw new TenantSnapshotError(
      `${source}: lists no application and no service principal, so it could check nothing: an empty list is what \`az ad sp list\` / \`az ad app list\` print when signed in to another tenant or account (check \`az account show\`), or leave out --tenant`,
    );
  }
  covers = {
    applications: covers.applications || applications.size > 0,
    servicePrincipals: covers.servicePrincipals || servicePrincipals.size > 0,
  };
  return {
    source,
    applications,
    servicePrincipals,
    covers,
    ...deployer,
    ...azure,
  };
}

/** The keys of a snapshot's `deployer` object. */
const DEPLOYER_KEYS: readonly string[] = [
  "graphPermission",
  "roleAssignmentWrite",
  "keyVaultCertificatesOfficer",
];

/** The keys of a snapshot object. */
const SNAPSHOT_KEYS: readonly string[] = [
  "applications",
  "servicePrincipals",
  "deployer",
  "roleAssignments",
  "vaults",
  "defaultAppManagementPolicy",
  "appManagementPolicies",
];

/**
 * The app management policies of a snapshot object: `defaultAppManagementPolicy` (null: not in the
 * file, then only per-app policies apply) and `appManagementPolicies` (absent: none), read by the
 * shared evaluation (../appManagementPolicy.ts).
 *
 * @throws TenantSnapshotError naming the source and the JSON path of a shape Graph does not return
 */
function readPolicies(json: Record<string, unknown>, source: string): AppManagementPolicies {
  try {
    const given = json.defaultAppManagementPolicy;
    return {
      defaultPolicy:
        given === undefined || given === null
          ? null
          : parseTenantAppManagementPolicy(given, "defaultAppManagementPolicy"),
      appPolicies:
        json.appManagementPolicies === undefined || json.appManagementPolicies === null
          ? []
          : parseAppManagementPolicies(json.appManagementPolicies, "appManagementPolicies"),
    };
  } catch (error) {
    if (error instanceof AppManagementPolicyShapeError) {
      throw new TenantSnapshotError(`${source}: ${error.message}`);
    }
    throw error;
  }
}

/** What the `deployer` object states. */
type DeployerEntry = Pick<
  TenantSnapshot,
  "graphPermission" | "roleAssignmentWrite" | "keyVaultCertificatesOfficer"
>;

/**
 * The `deployer` object: `{ "graphPermission": "Application.ReadWrite.All",
 * "roleAssignmentWrite": false, "keyVaultCertificatesOfficer": ["vault-1"] }` (every key optional).
 */
function readDeployer(
  deployer: unknown,
  fail: (path: string, expected: string) => never,
): DeployerEntry {
  if (!isRecord(deployer)) return fail("deployer", 'an object such as {"graphPermission": "…"}');
  for (const key of Object.keys(deployer)) {
    if (!DEPLOYER_KEYS.includes(key)) {
      fail(
        `deployer.${key}`,
        "only `graphPermission`, `roleAssignmentWrite` and `keyVaultCertificatesOfficer` keys",
      );
    }
  }
  const entry: DeployerEntry = {};
  const value = deployer.graphPermission;
  if (value !== undefined) {
    if (!isGraphPermissionName(value)) {
      return fail(
        "deployer.graphPermission",
        `${GRAPH_PERMISSION_CHOICES}, not ${JSON.stringify(value)}`,
      );
    }
    entry.graphPermission = value;
  }
  if (deployer.keyVaultCertificatesOfficer !== undefined) {
    // The same shape as the role-assignment write: true, false, or vault names.
    entry.keyVaultCertificatesOfficer = readRoleAssignmentWrite(
      deployer.keyVaultCertificatesOfficer,
      "deployer.keyVaultCertificatesOfficer",
      fail,
    );
  }
  if (deployer.roleAssignmentWrite !== undefined) {
    entry.roleAssignmentWrite = readRoleAssignmentWrite(
      deployer.roleAssignmentWrite,
      "deployer.roleAssignmentWrite",
      fail,
    );
  }
  return entry;
}

function readObject(
  element: Record<string, unknown>,
  path: string,
  fail: (path: string, expected: string) => never,
): TenantObject {
  const id = element.id;
  if (typeof id !== "string" || !GUID.test(id)) fail(`${path}.id`, "an object id (GUID)");
  const object: TenantObject = { objectId: (id as string).toLowerCase() };
  if (element.appId !== undefined && element.appId !== null) {
    if (typeof element.appId !== "string") fail(`${path}.appId`, "a string");
    object.appId = (element.appId as string).toLowerCase();
  }
  if (typeof element.displayName === "string") object.displayName = element.displayName;
  // Graph's application property, in `az ad app list` output: the account types it signs in.
  if (typeof element.signInAudience === "string") object.signInAudience = element.signInAudience;
  const created = element.createdDateTime;
  if (created !== undefined && created !== null) {
    if (typeof created !== "string" || !parseInstant(created).ok) {
      return fail(`${path}.createdDateTime`, "an RFC 3339 timestamp such as 2024-01-01T00:00:00Z");
    }
    object.createdDateTime = created;
  }
  if (element.owners !== undefined) {
    const owners = element.owners;
    if (!Array.isArray(owners)) return fail(`${path}.owners`, "a list of owner object ids");
    object.owners = owners.map((owner, index) => {
      // `az ad app owner list` prints directory objects; plain ids are accepted too.
      const ownerId = isRecord(owner) ? owner.id : owner;
      if (typeof ownerId !== "string" || !GUID.test(ownerId)) {
        return fail(`${path}.owners[${index}]`, "an object id (GUID) or an object with `id`");
      }
      return ownerId.toLowerCase();
    });
  }
  const lock = element.servicePrincipalLockConfiguration;
  if (lock !== undefined && lock !== null) {
    if (!isRecord(lock)) return fail(`${path}.servicePrincipalLockConfiguration`, "an object");
    object.lock = {
      isEnabled: lock.isEnabled === true,
      allProperties: lock.allProperties === true,
      credentialsWithUsageVerify: lock.credentialsWithUsageVerify === true,
      credentialsWithUsageSign: lock.credentialsWithUsageSign === true,
    };
  }
  return object;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the `--tenant` file of a tool: the snapshot, or a `ProgramFailure` (kind `tenant`) whose
 * message names the option, the file and the problem.
 */
export function loadTenantOption(file: string): TenantSnapshot {
  try {
    return loadTenantSnapshot(file);
  } catch (error) {
    if (error instanceof TenantSnapshotError) {
      throw new ProgramFailure("tenant", `--tenant: ${error.message}`);
    }
    throw error;
  }
}
