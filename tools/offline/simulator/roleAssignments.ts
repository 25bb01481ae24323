/**
 * The simulated Azure RBAC role assignments of the subscription, and the rules a create of an
 * azure-native `authorization.RoleAssignment` meets, in the order the real chain meets them:
 *
 * 1. ARM refuses inputs the provider passes unchecked (`roleAssignmentName` not a GUID: 400
 *    `InvalidRoleAssignmentId`; `principalId` not a GUID: 400 `InvalidPrincipalId`; a malformed
 *    `roleDefinitionId`: 400 `InvalidRoleDefinitionId`; a scope that is no ARM scope; a
 *    `principalType` outside the enum) — the `service` validations of the provider facts table
 *    (policy/core/provider-facts/azure-native.ts, each with its source).
 * 2. azure-native reads the assignment before its PUT and refuses to create one that exists but
 *    that the stack's state does not hold: `cannot create already existing resource '<id>'`
 *    (pulumi/pulumi-azure-native@006a62a provider/pkg/provider/provider.go `defaultCreate` →
 *    crud/crud.go `CanCreate` → provider/pkg/azure/client_azcore.go `azCoreClient.CanCreate`). The
 *    provider gives no further hint; the simulated refusal adds the `pulumi import` command that
 *    adopts the assignment (https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/).
 * 3. ARM's authorization: the deployer needs `Microsoft.Authorization/roleAssignments/write` at the
 *    scope, else 403 `AuthorizationFailed` ("… does not have authorization or an ABAC condition not
 *    fulfilled to perform action 'Microsoft.Authorization/roleAssignments/write' over scope …";
 *    https://learn.microsoft.com/azure/role-based-access-control/troubleshooting).
 * 4. The scope must exist: a secret the simulated vault holds, or a Key Vault certificate, its
 *    addressable key or its companion secret (./keyVaultCertificates.ts) (404 `ResourceNotFound` "The Resource
 *    '…' under resource group '…' was not found", the answer Azure/azure-cli#15243 shows for a role
 *    assignment scoped to a missing resource). Azure/azure-powershell#3771 (2017) reported no such
 *    check; the simulation follows the later observation. A scope that a Key Vault certificate
 *    created in the same deployment makes (the certificate, its key or secret) exists only once the
 *    certificate's create has finished (azurerm polls it, at least 15 s:
 *    terraform-provider-azurerm v4.80.0 key_vault_certificate_resource.go L449-467): an
 *    assignment that does not depend on the certificate runs at the same time (the engine starts
 *    a step once the steps it depends on are done) and meets the same 404.
 * 5. One assignment per (scope, principal, role): the same trio under another name answers 409
 *    `RoleAssignmentExists` "The role assignment already exists." (hashicorp/terraform-provider-azurerm
 *    #28557, #28694; Azure/bicep discussion #19690).
 *
 * Replacements: azure-native replaces delete-before-create (provider.go `Diff`), so a replaced
 * assignment's old version is gone before its new one is created.
 */
import { createConflictsOf, ROLE_ASSIGNMENT, validateInputs } from "../../../policy/core";
import type { InputProblem } from "../../../policy/core";
import type { ExistingVault, SimulatedKeyVaults } from "./keyVault";

export type { ExistingVault } from "./keyVault";
import { Refusal, refuse } from "./refusals";

/**
 * Where the deployer holds `Microsoft.Authorization/roleAssignments/write`: `true` at every scope
 * (the default: the dev stack previews), `false` nowhere, or the names of the vaults on which it
 * holds it (case-insensitive; a scope outside those vaults is refused).
 */
export type RoleAssignmentWrite = boolean | readonly string[];

/** A role assignment that exists, as `az role assignment list --all` prints the parts read here. */
export interface ExistingRoleAssignment {
  /** The assignment's name, a GUID. */
  name: string;
  /** Its scope, an ARM id. */
  scope: string;
  /** The principal's object id. */
  principalId: string;
  /** `/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}` (or tenant-level). */
  roleDefinitionId: string;
  principalType?: string;
}

/** A role assignment the simulation holds. */
export interface RoleAssignmentRecord extends ExistingRoleAssignment {
  /** `/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
  id: string;
  /** `type::name` of the stack resource that created it; undefined for one made outside the stack. */
  owner?: string;
}

/** The API version of the default module's RoleAssignment (@pulumi/azure-native 3.28.0). */
export const ROLE_ASSIGNMENT_API_VERSION = "2022-04-01";

/** The ARM id of an assignment: azure-native trims the scope's slashes into `/{scope}/providers/…`. */
export function roleAssignmentId(scope: string, name: string): string {
  return `/${trimSlashes(scope)}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

function trimSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, "");
}

/** The role's GUID (last segment of a role definition id), lower case: ARM compares roles by it. */
function roleKey(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

function trioKey(scope: string, principalId: string, roleDefinitionId: string): string {
  return `${trimSlashes(scope).toLowerCase()}|${principalId.toLowerCase()}|${roleKey(roleDefinitionId)}`;
}

/** The role assignments of the simulated subscription. */
export class SimulatedRoleAssignments {
  /** By lower-case id. */
  private readonly byId = new Map<string, RoleAssignmentRecord>();

  constructor(existing: readonly ExistingRoleAssignment[] = []) {
    for (const assignment of existing) this.add(assignment);
  }

  /**
   * Records an assignment. One created by a stack resource (`owner`) replaces what that resource
   * held before (azure-native replaces delete-before-create).
   */
  add(assignment: ExistingRoleAssignment, owner?: string): RoleAssignmentRecord {
    if (owner !== undefined) this.removeOwned(owner);
    const { name, scope, principalId, roleDefinitionId, principalType } = assignment;
    const id = roleAssignmentId(scope, name);
    const record: RoleAssignmentRecord = {
      name,
      scope,
      principalId,
      roleDefinitionId,
      ...(principalType !== undefined ? { principalType } : {}),
      id,
      ...(owner !== undefined ? { owner } : {}),
    };
    this.byId.set(id.toLowerCase(), record);
    return record;
  }

  /** The assignment of that name at that scope, if any. */
  byName(scope: string, name: string): RoleAssignmentRecord | undefined {
    return this.byId.get(roleAssignmentId(scope, name).toLowerCase());
  }

  /** The assignment of that role to that principal at that scope, whatever its name, if any. */
  byTrio(
    scope: string,
    principalId: string,
    roleDefinitionId: string,
  ): RoleAssignmentRecord | undefined {
    const key = trioKey(scope, principalId, roleDefinitionId);
    for (const record of this.byId.values()) {
      if (trioKey(record.scope, record.principalId, record.roleDefinitionId) === key) return record;
    }
    return undefined;
  }

  /** Deletes what the stack resource `owner` created (the stack deleted or replaced it). */
  removeOwned(owner: string): void {
    for (const [key, record] of this.byId) if (record.owner === owner) this.byId.delete(key);
  }

  /** Every assignment, in the order recorded. */
  list(): RoleAssignmentRecord[] {
    return [...this.byId.values()];
  }
}

/** What a role assignment's scope designates, as far as the simulation models it. */
export interface ParsedScope {
  kind: "subscription" | "resourceGroup" | "vault" | "secret" | "key" | "certificate" | "resource";
  subscriptionId: string;
  resourceGroup?: string;
  vault?: string;
  secret?: string;
  /** A vault's key (`…/vaults/{vault}/keys/{key}`), such as a certificate's addressable key. */
  key?: string;
  /** A vault's certificate (`…/vaults/{vault}/certificates/{certificate}`). */
  certificate?: string;
}

const SCOPE =
  /^\/?subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/providers\/(.+?))?)?\/?$/i;
const KEY_VAULT =
  /^Microsoft\.KeyVault\/vaults\/([^/]+)(?:\/(secrets|keys|certificates)\/([^/]+))?$/i;

/** The scope's subscription, resource group, vault and secret or key; undefined for any other form. */
export function parseScope(scope: string): ParsedScope | undefined {
  const match = SCOPE.exec(scope);
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, provider] = match;
  if (resourceGroup === undefined) return { kind: "subscription", subscriptionId };
  if (provider === undefined) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  const vault = KEY_VAULT.exec(provider);
  if (!vault) return { kind: "resource", subscriptionId, resourceGroup };
  if (vault[2] === undefined)
    return { kind: "vault", subscriptionId, resourceGroup, vault: vault[1] };
  const at = { subscriptionId, resourceGroup, vault: vault[1] };
  switch (vault[2].toLowerCase()) {
    case "keys":
      return { kind: "key", ...at, key: vault[3] };
    case "certificates":
      return { kind: "certificate", ...at, certificate: vault[3] };
    default:
      return { kind: "secret", ...at, secret: vault[3] };
  }
}

/**
 * True when `write` lets the deployer create assignments at `scope`: everywhere, nowhere, or on
 * the listed vaults (a secret's vault counts; other scopes need `true`).
 */
export function mayWriteRoleAssignments(
  write: RoleAssignmentWrite,
  scope: ParsedScope | undefined,
): boolean {
  if (typeof write === "boolean") return write;
  const vault = scope?.vault?.toLowerCase();
  return vault !== undefined && write.some((name) => name.toLowerCase() === vault);
}

/** A shell word: as is when plain, else single-quoted. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._/:=@+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `pulumi import <type> <name> <id>`, the command that adopts an existing resource. */
export function importCommand(type: string, name: string, id: string): string {
  return `pulumi import ${type} ${shellWord(name)} ${shellWord(id)}`;
}

/**
 * The import command with the resource's parent, so the imported resource gets the URN the
 * program registers (`--parent 'parent=<urn>'`, https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/);
 * unchanged for a child of the stack itself.
 */
export function withParent(command: string, parentUrn: string | undefined): string {
  if (parentUrn === undefined || parentUrn === "") return command;
  const parentType = parentUrn.split("::")[2]?.split("$").pop();
  if (parentType === undefined || parentType === "pulumi:pulumi:Stack") return command;
  return `${command} --parent ${shellWord(`parent=${parentUrn}`)}`;
}

/** A create (or update) of one `authorization.RoleAssignment`, with what the simulation knows. */
export interface RoleAssignmentStep {
  /** The resource's type token (default or API-versioned module). */
  type: string;
  /** The resource's logical name (what `pulumi import` takes). */
  name: string;
  /** Its inputs, plain. */
  inputs: Record<string, unknown>;
  /** `type::name` of the stack resource (owner of what it creates). */
  owner: string;
  /** True when the stack's state holds the resource: a PUT over it is an update, not a create. */
  inState: boolean;
  /** The name of an assignment whose `roleAssignmentName` is unset (the provider autonames it). */
  fallbackName: string;
  /** The deploying identity, for ARM's 403 message. */
  deployer: { objectId: string; clientId: string };
  write: RoleAssignmentWrite;
  assignments: SimulatedRoleAssignments;
  vaults: SimulatedKeyVaults;
  /**
   * True when the stack resource `owner` (`type::name`) is created by this deployment (the last
   * deployment's state does not hold it). Default: never.
   */
  createdThisDeployment?: (owner: string) => boolean;
  /**
   * True when this assignment depends on the stack resource `owner` (`type::name`), directly or
   * through other resources: the engine creates it only after `owner`. Default: always.
   */
  waitsFor?: (owner: string) => boolean;
}

/** What the simulated provider answers for a role assignment. */
export interface RoleAssignmentAnswer {
  id: string;
  state: Record<string, unknown>;
  failure?: Refusal;
}

/** ARM's answer to an input it refuses (the facts table's `service` validations). */
function armAnswer(problem: InputProblem): string {
  const value = typeof problem.value === "string" ? problem.value : JSON.stringify(problem.value);
  switch (problem.input) {
    case "roleAssignmentName":
      return `400 InvalidRoleAssignmentId: The role assignment ID '${value}' is not valid. The role assignment ID must be a GUID.`;
    case "principalId":
      return `400 InvalidPrincipalId: The Principal ID '${value}' is not valid. Principal ID must be a GUID.`;
    case "roleDefinitionId":
      return `400 InvalidRoleDefinitionId: The role definition ID '${value}' is not valid.`;
    case "scope":
      return `400 Bad Request: the scope '${value}' is not an ARM scope (/subscriptions/{id}[/resourceGroups/{name}][/providers/{namespace}/{type}/{name}…]; ${problem.source})`;
    default:
      return `400 Bad Request: ${problem.message}`;
  }
}

/**
 * The simulated create or update of a role assignment (see the module comment for the rules and
 * their order). A created assignment is recorded in `step.assignments`.
 */
export function simulateRoleAssignment(step: RoleAssignmentStep): RoleAssignmentAnswer {
  const inputs = step.inputs;
  const what = `${step.type} "${step.name}"`;
  const scope = String(inputs.scope ?? "");
  const name =
    typeof inputs.roleAssignmentName === "string" ? inputs.roleAssignmentName : step.fallbackName;
  const principalId = String(inputs.principalId ?? "");
  const roleDefinitionId = String(inputs.roleDefinitionId ?? "");
  const id = roleAssignmentId(scope, name);
  const state: Record<string, unknown> = {
    ...inputs,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    azureApiVersion: ROLE_ASSIGNMENT_API_VERSION,
  };
  const answer = (failure?: Refusal): RoleAssignmentAnswer => ({
    id,
    state,
    ...(failure ? { failure } : {}),
  });

  const problems = validateInputs(step.type, inputs, { enforcement: ["service"] });
  if (problems.length > 0) {
    return answer(
      refuse("role-assignment-input-invalid", `${what}: ${problems.map(armAnswer).join("; ")}`),
    );
  }

  const [sameName, sameTrio] = conflicts();
  const existing = step.assignments.byName(scope, name);
  if (existing && !step.inState && existing.owner !== step.owner) {
    const command = importCommand(ROLE_ASSIGNMENT, step.name, existing.id);
    return answer(
      refuse(
        "azure-native-already-exists",
        `${what}: ${sameName.answer.replace("{id}", existing.id)} — azure-native reads the role assignment before creating it and does not adopt one the stack's state does not hold (one an earlier deployment of a re-created stack made, or one made outside Pulumi). Adopt it: \`${command}\`, or delete it (\`az role assignment delete --ids ${existing.id}\`), then run pulumi up again.`,
        { importCommand: command },
      ),
    );
  }

  const parsed = parseScope(scope);
  if (!mayWriteRoleAssignments(step.write, parsed)) {
    const at = parsed?.vault ? `vault ${parsed.vault}` : `scope ${scope}`;
    return answer(
      refuse(
        "role-assignment-write-forbidden",
        `${what}: 403 AuthorizationFailed: The client '${step.deployer.clientId}' with object id '${step.deployer.objectId}' does not have authorization or an ABAC condition not fulfilled to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${id}' or the scope is invalid. If access was recently granted, please refresh your credentials. The deploying identity needs Microsoft.Authorization/roleAssignments/write on ${at}: Role Based Access Control Administrator there, with a condition that lets it assign only Key Vault Secrets User (docs/permissions.md).`,
      ),
    );
  }

  const missing = missingScope(parsed, step.vaults);
  if (missing) {
    return answer(
      refuse(
        "role-assignment-scope-not-found",
        `${what}: 404 ResourceNotFound: The Resource '${missing}' under resource group '${parsed?.resourceGroup ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix. The assignment's scope must exist before it: take the scope from the secret's id, so the assignment waits for the secret.`,
      ),
    );
  }

  const creator = scopeCreator(parsed, step.vaults);
  if (
    creator !== undefined &&
    step.createdThisDeployment?.(creator) === true &&
    step.waitsFor?.(creator) === false
  ) {
    return answer(
      refuse(
        "role-assignment-scope-not-found",
        `${what}: 404 ResourceNotFound: The Resource '${scopeResource(parsed)}' under resource group '${parsed?.resourceGroup ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix. ${creator.replace("::", ' "')}" creates it in this same deployment, and nothing makes this assignment wait for it: both steps start at once, and Key Vault makes the certificate's key and secret only when its create finishes (terraform-provider-azurerm v4.80.0 key_vault_certificate_resource.go L449-467 polls it). Take the scope from the certificate's outputs (e.g. its versionlessId or resourceManagerVersionlessId), or add dependsOn on the certificate; a later pulumi up, once the certificate exists, succeeds.`,
      ),
    );
  }

  const twin = step.assignments.byTrio(scope, principalId, roleDefinitionId);
  if (twin && twin.id.toLowerCase() !== id.toLowerCase() && twin.owner !== step.owner) {
    return answer(
      refuse(
        "role-assignment-exists",
        `${what}: ${sameTrio.answer} ARM already holds ${twin.id}: the same role (${roleKey(roleDefinitionId)}) for the same principal ${principalId} at the same scope, under another name than ${name}. Delete it (\`az role assignment delete --ids ${twin.id}\`) and run pulumi up again: the stack creates its own, named deterministically.`,
      ),
    );
  }

  step.assignments.add(
    {
      name,
      scope,
      principalId,
      roleDefinitionId,
      ...(typeof inputs.principalType === "string" ? { principalType: inputs.principalType } : {}),
    },
    step.owner,
  );
  return answer();
}

/** The facts table's two create conflicts of a role assignment: same name, same trio. */
function conflicts(): [{ answer: string }, { answer: string }] {
  const table = createConflictsOf(ROLE_ASSIGNMENT);
  const sameName = table.find((c) => c.id === "same-name");
  const sameTrio = table.find((c) => c.id === "same-principal-role-scope");
  if (!sameName || !sameTrio) {
    throw new Error("the provider facts table lacks the role assignment's create conflicts");
  }
  return [sameName, sameTrio];
}

/**
 * The resource a scope names that does not exist in the simulation (`Microsoft.KeyVault/vaults/…`),
 * or undefined: a secret must be one the simulated vault holds (written, or a certificate's
 * companion secret), a key one it holds (a certificate's key); a vault must be declared or created
 * when vaults were declared; other scopes are assumed to exist.
 */
function missingScope(
  parsed: ParsedScope | undefined,
  vaults: SimulatedKeyVaults,
): string | undefined {
  if (parsed?.vault === undefined) return undefined;
  if (parsed.secret !== undefined) {
    return vaults.exists(parsed.vault, parsed.secret)
      ? undefined
      : `Microsoft.KeyVault/vaults/${parsed.vault}/secrets/${parsed.secret}`;
  }
  if (parsed.key !== undefined) {
    return vaults.keyExists(parsed.vault, parsed.key) ? undefined : scopeResource(parsed);
  }
  if (parsed.certificate !== undefined) {
    return vaults.certificateExists(parsed.vault, parsed.certificate)
      ? undefined
      : scopeResource(parsed);
  }
  return vaults.vault(parsed.vault) === undefined
    ? `Microsoft.KeyVault/vaults/${parsed.vault}`
    : undefined;
}

/** `Microsoft.KeyVault/vaults/{vault}[/{secrets|keys|certificates}/{name}]` of a vault scope. */
function scopeResource(parsed: ParsedScope | undefined): string {
  const base = `Microsoft.KeyVault/vaults/${parsed?.vault ?? ""}`;
  if (parsed?.secret !== undefined) return `${base}/secrets/${parsed.secret}`;
  if (parsed?.key !== undefined) return `${base}/keys/${parsed.key}`;
  if (parsed?.certificate !== undefined) return `${base}/certificates/${parsed.certificate}`;
  return base;
}

/**
 * The stack resource (`type::name`) whose Key Vault certificate makes the scope (the certificate,
 * its addressable key or its companion secret), if any.
 */
function scopeCreator(
  parsed: ParsedScope | undefined,
  vaults: SimulatedKeyVaults,
): string | undefined {
  if (parsed?.vault === undefined) return undefined;
  const name = parsed.secret ?? parsed.key ?? parsed.certificate;
  return name === undefined ? undefined : vaults.certificateOwner(parsed.vault, name);
}

/** Reports a snapshot element that is not of the expected shape (./tenant.ts). */
export type SnapshotFail = (path: string, expected: string) => never;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A snapshot's `roleAssignments`: the array `az role assignment list --all` prints (`name`, `scope`,
 * `principalId`, `roleDefinitionId`, `principalType`; other keys ignored).
 */
export function readExistingRoleAssignments(
  list: unknown,
  path: string,
  fail: SnapshotFail,
): ExistingRoleAssignment[] {
  if (!Array.isArray(list))
    return fail(path, "a JSON array (as `az role assignment list --all` prints)");
  return list.map((element, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(element)) return fail(at, "a role assignment object");
    const text = (key: string, expected: string, test: (v: string) => boolean): string => {
      const value = element[key];
      if (typeof value !== "string" || !test(value)) return fail(`${at}.${key}`, expected);
      return value;
    };
    const assignment: ExistingRoleAssignment = {
      name: text("name", "the assignment's name (a GUID)", (v) => GUID.test(v)),
      scope: text("scope", "an ARM scope (/subscriptions/…)", (v) => /^\/subscriptions\//i.test(v)),
      principalId: text("principalId", "an object id (GUID)", (v) => GUID.test(v)),
      roleDefinitionId: text(
        "roleDefinitionId",
        "a role definition id (…/roleDefinitions/{guid})",
        (v) => GUID.test(v.split("/").pop() ?? ""),
      ),
    };
    if (typeof element.principalType === "string") {
      assignment.principalType = element.principalType;
    }
    return assignment;
  });
}

/**
 * A snapshot's `vaults`: vaults as `az keyvault show` / `az keyvault list` print them (`name`,
 * `resourceGroup`, `properties.enableRbacAuthorization`; a missing or null value counts as true,
 * what the simulation assumes of any vault; `properties.enablePurgeProtection` and
 * `properties.softDeleteRetentionInDays` when stated — what a deleted Key Vault certificate
 * becomes, ./keyVaultCertificates.ts).
 */
export function readExistingVaults(
  list: unknown,
  path: string,
  fail: SnapshotFail,
): ExistingVault[] {
  if (!Array.isArray(list))
    return fail(path, "a JSON array of vaults (as `az keyvault list` prints)");
  return list.map((element, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(element)) return fail(at, "a vault object");
    if (typeof element.name !== "string" || element.name === "")
      return fail(`${at}.name`, "the vault name");
    const properties = element.properties;
    if (properties !== undefined && properties !== null && !isRecord(properties)) {
      return fail(`${at}.properties`, "an object");
    }
    const rbac = isRecord(properties) ? properties.enableRbacAuthorization : undefined;
    if (rbac !== undefined && rbac !== null && typeof rbac !== "boolean") {
      return fail(`${at}.properties.enableRbacAuthorization`, "true or false");
    }
    const purge = isRecord(properties) ? properties.enablePurgeProtection : undefined;
    if (purge !== undefined && purge !== null && typeof purge !== "boolean") {
      return fail(`${at}.properties.enablePurgeProtection`, "true, false or null");
    }
    const retention = isRecord(properties) ? properties.softDeleteRetentionInDays : undefined;
    if (
      retention !== undefined &&
      retention !== null &&
      (typeof retention !== "number" ||
        !Number.isInteger(retention) ||
        retention < 7 ||
        retention > 90)
    ) {
      return fail(`${at}.properties.softDeleteRetentionInDays`, "a whole number of days, 7–90");
    }
    return {
      name: element.name,
      ...(typeof element.resourceGroup === "string"
        ? { resourceGroup: element.resourceGroup }
        : {}),
      enableRbacAuthorization: rbac !== false,
      // `az keyvault show` prints null for a vault whose purge protection was never enabled.
      ...(typeof purge === "boolean" || purge === null
        ? { enablePurgeProtection: purge === true }
        : {}),
      ...(typeof retention === "number" ? { softDeleteRetentionInDays: retention } : {}),
    };
  });
}

/** A snapshot's `deployer.roleAssignmentWrite`: `true`, `false`, or a list of vault names. */
export function readRoleAssignmentWrite(
  value: unknown,
  path: string,
  fail: SnapshotFail,
): RoleAssignmentWrite {
  if (typeof value === "boolean") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")) {
    return value as string[];
  }
  return fail(path, "true, false, or a list of vault names");
}
