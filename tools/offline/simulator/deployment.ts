/**
 * Successive deployments in simulation: what the engine would do with one run's registrations given
 * the stack's state after the previous deployment (create, same, update, replace, delete), and its
 * effect on the simulated Azure (deleted Key Vault secrets are soft-deleted; deleted applications,
 * service principals and role assignments are gone).
 *
 * Diffs follow the providers:
 * - azuread (terraform-provider-azuread through the Pulumi bridge): the provider compares the new
 *   inputs with the stored state; every input of a password or certificate is ForceNew
 *   (internal/services/applications/application_password_resource.go and siblings), so any
 *   difference — including a date that differs from the whole-second date the provider stored
 *   (./providers.ts `providerInstant`) — replaces the credential.
 * - which inputs force a replacement comes from the provider facts table
 *   (policy/core/provider-facts/): every input of a credential, of a tls key or certificate and of a
 *   random id; a Key Vault secret's name, vault or resource group (anything else, such as a new
 *   value, is an update: a new secret version).
 * - other providers: old inputs against new inputs. An input taken from a replaced resource
 *   changes (a password's new value).
 * - the engine's `replacementTrigger` option: a resource whose trigger differs from the one the
 *   state recorded is replaced whatever its inputs (./stash.ts `replacementTriggered`); the builtin
 *   `pulumi.Stash` is otherwise updated in place (a new `input`, the old `output`).
 *
 * Deleting a Key Vault certificate (./keyVaultCertificates.ts) needs the deployer's Key Vault data
 * role; it is purged, or soft-deleted with its companion secret and key.
 *
 * Aliases (the `aliases` resource option, ./aliases.ts): a registration whose URN is not in the
 * state is looked up under its aliases and those it inherits from an aliased parent, as the engine
 * does (pulumi/pulumi pkg/resource/deploy/step_generator.go `getOldResource`, `generateAliases`,
 * `collapseAliasToUrn`, `inheritedChildAlias`): found, it is diffed against that old resource and
 * the old URN is not deleted (`GenerateDeletes`, `isOperatedOn`).
 *
 * Over a real stack's state (./seed.ts, `npm start -- --state`): a secret value of the state is
 * never read (the placeholder `[secret]`) and compares equal to any value, a resource marked
 * `taint` is replaced, and the old copies the state marks `delete` are deleted.
 */
import {
  APPLICATION,
  factsOf,
  KEYVAULT_CERTIFICATE,
  KEYVAULT_SECRET,
  replacingInputsOf,
  ROLE_ASSIGNMENT,
  SERVICE_PRINCIPAL,
} from "../../../policy/core";
import { AliasResolver } from "./aliases";
import { failedSteps } from "./failedSteps";
import { deleteKeyVaultCertificate } from "./keyVaultCertificates";
import { simulationKey } from "./simulatedAzure";
import type { Registration, SimulatedFailure } from "./simulatedAzure";
import { replacementTriggered } from "./stash";
import type { StateEntry } from "./world";
import {
  defaultedKeys,
  diffsAgainstState,
  SIMULATED_DEPLOYER_CLIENT_ID,
  sameOrSecret,
  SimulatedWorld,
} from "./world";

/** What the engine does with one resource. */
export type StepOp = "create" | "same" | "update" | "replace" | "delete" | "read";

/** One planned step. */
export interface PlannedStep {
  urn: string;
  type: string;
  name: string;
  op: StepOp;
  /**
   * The inputs that differ (update / replace), or `(dependency replaced)`, `(tainted)`,
   * `(replacementTrigger)`.
   */
  changed: string[];
  /** A delete of an old copy the state marks `delete` (a replacement's leftover), not of the resource. */
  pendingDelete?: boolean;
  /**
   * The URN the state holds the resource under, when the registration was found there through an
   * alias (its `urn` is the new one): the step is diffed against that resource, which is not
   * deleted.
   */
  aliasOf?: string;
}

/**
 * Plans the steps of a deployment of `registrations` over the world's state.
 *
 * A registration is looked up in the state by its URN, then by its aliases (see the module
 * comment); a read by its URN and the aliases it inherits from its parent (step_generator.go
 * `GenerateReadSteps`).
 *
 * @returns one step per registration, in registration order, then one `delete` per resource of the
 *   state that the run did not register (nor claim through an alias), then one per old copy the
 *   state marks `delete`
 * @throws DuplicateResourceAliasError (./aliases.ts) when two registrations claim one resource of
 *   the state (the engine's errors 2008 and 2016: the deployment fails)
 */
export function planDeployment(
  world: SimulatedWorld,
  registrations: Registration[],
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const replaced = new Set<string>();
  const registered = new Set<string>();
  const seeded = world.seed !== undefined;
  const aliases = new AliasResolver((urn) => world.state.has(urn));
  for (const registration of registrations) {
    registered.add(registration.urn);
    const { old: oldUrn, aliasOf } = aliases.resolve({
      urn: registration.urn,
      type: registration.type,
      name: registration.name,
      ...(registration.parent !== undefined ? { parent: registration.parent } : {}),
      aliases: registration.read ? [] : (registration.aliases ?? []),
    });
    if (aliasOf !== undefined) registered.add(aliasOf);
    const old = oldUrn !== undefined ? world.state.get(oldUrn) : undefined;
    const step = (op: StepOp, changed: string[] = []): PlannedStep => ({
      urn: registration.urn,
      type: registration.type,
      name: registration.name,
      op,
      changed,
      ...(aliasOf !== undefined ? { aliasOf } : {}),
    });
    if (registration.read) {
      steps.push(step("read"));
      continue;
    }
    if (!registration.custom) {
      steps.push(step(old ? "same" : "create"));
      continue;
    }
    if (!old) {
      steps.push(step("create"));
      continue;
    }
    const changed = changedInputs(registration, old, seeded);
    // An input taken from a replaced resource gets that resource's new outputs: it changes.
    for (const [key, urns] of Object.entries(registration.propertyDependencies)) {
      if (urns.some((urn) => replaced.has(urn)) && !changed.includes(key)) changed.push(key);
    }
    const dependencyReplaced = dependsOn(registration).some((urn) => replaced.has(urn));
    if (dependencyReplaced && changed.length === 0) changed.push("(dependency replaced)");
    if (old.taint === true) {
      replaced.add(registration.urn);
      steps.push(step("replace", [...changed, "(tainted)"]));
      continue;
    }
    // step_generator.go generateStepsFromDiff: a changed trigger replaces without a provider diff.
    if (replacementTriggered(registration.replacementTrigger, old.replacementTrigger)) {
      replaced.add(registration.urn);
      steps.push(step("replace", [...changed, "(replacementTrigger)"]));
      continue;
    }
    if (changed.length === 0) {
      steps.push(step("same"));
      continue;
    }
    // Which inputs force a replacement: the provider facts table (policy/core/provider-facts/).
    const replacing = replacingInputsOf(registration.type, registration.inputs) ?? [];
    const forcesNew = changed.some((key) => replacing.includes(key));
    if (forcesNew) replaced.add(registration.urn);
    steps.push(step(forcesNew ? "replace" : "update", changed));
  }
  for (const entry of world.state.values()) {
    if (!registered.has(entry.urn)) {
      steps.push({ urn: entry.urn, type: entry.type, name: entry.name, op: "delete", changed: [] });
    }
  }
  for (const entry of world.pendingDeletes) {
    steps.push({
      urn: entry.urn,
      type: entry.type,
      name: entry.name,
      op: "delete",
      changed: [],
      pendingDelete: true,
    });
  }
  return steps;
}

/**
 * Applies a planned deployment to the world: the state becomes the run's resources; deleted Key
 * Vault secrets are soft-deleted, deleted applications and service principals leave the directory.
 * A delete the real Azure refuses leaves the resource in the state.
 *
 * @param nowMs when the deployment runs, ms since the epoch (starts the soft-delete retention)
 * @returns the deletes Azure refuses (as failures of the deleted resources)
 */
export function applyDeployment(
  world: SimulatedWorld,
  registrations: Registration[],
  steps: PlannedStep[],
  nowMs: number,
): SimulatedFailure[] {
  const failures: SimulatedFailure[] = [];
  const kept: StateEntry[] = [];
  /** New URN → the state's URN of an aliased resource. */
  const aliasOf = new Map<string, string>();
  for (const step of steps) if (step.aliasOf !== undefined) aliasOf.set(step.urn, step.aliasOf);
  for (const step of steps) {
    if (step.op !== "delete") continue;
    const old = world.state.get(step.urn);
    if (!old) continue;
    if (old.type === KEYVAULT_SECRET) {
      const refusal = world.vaults.delete(
        String(old.inputs.vaultName),
        String(old.inputs.secretName),
        nowMs,
        world.keyVaultSecretsOfficer,
        `deleting ${old.type} "${old.name}"`,
      );
      if (refusal) {
        failures.push({ urn: old.urn, type: old.type, name: old.name, ...refusal });
        kept.push(old);
      }
    } else if (old.type === KEYVAULT_CERTIFICATE && !isRead(old)) {
      const refusal = deleteKeyVaultCertificate({
        inputs: old.inputs,
        what: `deleting ${old.type} "${old.name}"`,
        nowMs,
        vaults: world.vaults,
        dataRole: world.keyVaultCertificatesOfficer,
        features: world.azureKeyVaultFeatures,
        deployer: {
          objectId: world.directory.deployer.objectId,
          clientId: SIMULATED_DEPLOYER_CLIENT_ID,
        },
      });
      if (refusal) {
        failures.push({ urn: old.urn, type: old.type, name: old.name, ...refusal });
        kept.push(old);
      }
    } else if (old.type === APPLICATION && !isRead(old)) {
      world.directory.remove("application", String(old.outputs.objectId));
    } else if (old.type === SERVICE_PRINCIPAL && !isRead(old)) {
      world.directory.remove("servicePrincipal", String(old.outputs.objectId));
    } else if (factsOf(old.type)?.type === ROLE_ASSIGNMENT && !isRead(old)) {
      // Deleting needs Microsoft.Authorization/roleAssignments/delete, not modelled: the roles that
      // grant the write (docs/permissions.md) grant the delete too.
      world.roleAssignments.removeOwned(`${old.type}::${old.name}`);
    }
  }
  const state = new Map<string, StateEntry>();
  for (const registration of registrations) {
    if (registration.failure) {
      // A failed step leaves the previous state of that resource (or none), under its old URN.
      const old = world.state.get(aliasOf.get(registration.urn) ?? registration.urn);
      if (old) state.set(old.urn, old);
      continue;
    }
    state.set(registration.urn, {
      urn: registration.urn,
      type: registration.type,
      name: registration.name,
      id: registration.id ?? "",
      inputs: registration.inputs,
      outputs: registration.outputs,
      dependsOn: dependsOn(registration),
      read: registration.read === true,
      ...(registration.parent !== undefined ? { parent: registration.parent } : {}),
      custom: registration.custom,
      dependencies: registration.dependencies,
      propertyDependencies: registration.propertyDependencies,
      ...(registration.replacementTrigger !== undefined
        ? { replacementTrigger: registration.replacementTrigger }
        : {}),
    });
  }
  for (const entry of kept) state.set(entry.urn, entry);
  world.state = state;
  world.commit([...state.values()].map(simulationKeyOf));
  return failures;
}

/**
 * Plans and applies one deployment of a finished run.
 * @returns the planned steps and the deletes Azure refused
 */
export function deploy(
  world: SimulatedWorld,
  registrations: Registration[],
  nowMs: number,
): { steps: PlannedStep[]; failures: SimulatedFailure[] } {
  const steps = planDeployment(world, registrations);
  return { steps, failures: applyDeployment(world, registrations, steps, nowMs) };
}

function isRead(entry: StateEntry): boolean {
  return entry.read === true;
}

function dependsOn(registration: Registration): string[] {
  return [
    ...new Set([
      ...registration.dependencies,
      ...Object.values(registration.propertyDependencies).flat(),
    ]),
  ];
}

/**
 * Input keys whose new value differs from the previous deployment's: for azuread credentials,
 * against the stored state (outputs); otherwise against the previous inputs. Secret values
 * (recorded as a placeholder) never differ here: a new value comes from a replaced dependency.
 *
 * @param seeded over a real state: values compare as `sameOrSecret` says (secrets unknown, the
 *   bridge's defaults left out)
 */
function changedInputs(registration: Registration, old: StateEntry, seeded = false): string[] {
  const against = diffsAgainstState(registration.type) ? old.outputs : old.inputs;
  const keys = new Set([...Object.keys(registration.inputs), ...Object.keys(old.inputs)]);
  const defaulted = seeded ? defaultedKeys(old.inputs) : [];
  const changed: string[] = [];
  for (const key of keys) {
    if (key.startsWith("__")) continue;
    const next = registration.inputs[key];
    const previous = against[key];
    if (next === undefined && (!(key in old.inputs) || defaulted.includes(key))) continue;
    const same = seeded
      ? sameOrSecret(next, previous)
      : JSON.stringify(next) === JSON.stringify(previous);
    if (!same) changed.push(key);
  }
  return changed.sort();
}

/**
 * The resources a deployment under `pulumi up --continue-on-error` would not complete: each failed
 * one, and every resource that depends on one of those, transitively — the simulator's one
 * failed-resource set ({@link failedSteps}, ./failedSteps.ts).
 *
 * @returns URNs, failed and skipped
 */
export function skippedByFailures(registrations: Registration[]): Set<string> {
  return failedSteps(registrations).urns();
}

/** The simulation key (URN without parent types) of a state entry. */
function simulationKeyOf(entry: StateEntry): string {
  const [prefix, project] = entry.urn.split("::");
  return simulationKey(prefix.replace(/^urn:pulumi:/, ""), project, entry.type, entry.name);
}
