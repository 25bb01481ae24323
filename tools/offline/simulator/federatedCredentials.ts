/**
 * Federated identity credentials in the simulated Entra ID (`azuread.ApplicationFederatedIdentityCredential`):
 * which credentials each application holds while a deployment runs, and what Microsoft Graph
 * refuses when one is created or updated. Every rule comes from the provider facts table
 * (policy/core/provider-facts/azuread.ts, the row of
 * `azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential`), each
 * with its source:
 *
 * - the provider's own checks (application id form, `displayName` 1–120, at most one non-empty
 *   audience) fail its Check: ./providers.ts refuses them for every type before this module runs
 *   (`provider-input-invalid`, phase `check`);
 * - the provider reads the application before it adds the credential (terraform-provider-azuread
 *   v3.8.0 application_federated_identity_credential_resource.go L113-116 `GetApplication`), and
 *   Graph's write rules apply as to a password (./directory.ts `checkCredentialWrite`: the object
 *   exists, the deployer may write it): `object-not-found-write`, `owned-by-not-owner`;
 * - Graph's checks of the values (the row's `service` validations: the name's form, values over 600
 *   characters, exactly one audience): `federated-credential-invalid`;
 * - an issuer and subject another credential of the application has (the row's create conflict
 *   `same-issuer-subject`): `federated-credential-duplicate`;
 * - a 21st credential on one application (the row's create limit `per-application`):
 *   `federated-credential-limit`.
 *
 * What the application holds at a step: the stack state's credentials (the last deployment's, or a
 * real state's: ./seed.ts) as this run changed them so far, and those this run created. The engine
 * deletes what left the program, and the old copy of a credential replaced create-before-delete,
 * only at the end of the deployment (pulumi/pulumi pkg/resource/deploy/step_generator.go), so they
 * still count; a replacement with `deleteBeforeReplace` removes the old copy first. A tenant
 * snapshot (./tenant.ts) lists no federated credentials: those made outside the stack are unknown
 * to the simulation.
 *
 * A change of `displayName` or `applicationId` replaces the credential (ForceNew); issuer, subject,
 * audiences and description are updated in place (`applicationFederatedIdentityCredentialResourceUpdate`).
 * A renamed `federation` entry is a new resource (its name is in the resource name): it is created
 * while the old one, with the same issuer and subject, still exists, and Graph refuses it.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  APPLICATION_FEDERATED_IDENTITY_CREDENTIAL,
  createConflictsOf,
  createLimitsOf,
  replacingInputsOf,
  validateInputs,
} from "../../../policy/core";
import type { SimulatedDirectory } from "./directory";
import { Refusal, refuse } from "./refusals";
import type { StateEntry } from "./world";

type State = Record<string, unknown>;

/** One credential an application holds: its resource name (`type::name` is unique), issuer and subject. */
interface HeldCredential {
  name: string;
  /** The application's object id, lower case. */
  owner: string;
  issuer: unknown;
  subject: unknown;
}

/** What this deployment did to one credential resource (by its name). */
interface Change {
  /** `create`: a new credential (a new resource, or a replacement); `update`: in place. */
  kind: "create" | "update";
  held: HeldCredential;
  /** A replacement with `deleteBeforeReplace`: the state's old copy is gone before the create. */
  deletedFirst: boolean;
}

/** The federated identity credentials of the simulated tenant, as one deployment changes them. */
export class SimulatedFederatedCredentials {
  /** This deployment's changes, by resource name. */
  private changes = new Map<string, Change>();
  /**
   * The stack state the changes apply to: a deployment sets a new state (./deployment.ts), which
   * then holds what the changes made, so the changes are forgotten.
   */
  private basis: ReadonlyMap<string, StateEntry> | undefined;

  /**
   * The credentials `owner` holds now: the state's (as this deployment updated them; without the
   * old copies a delete-before-create replacement removed), then those this deployment created.
   *
   * @param except the resource being simulated: its own earlier change of this deployment is
   *   ignored (a program run again before the deployment)
   */
  held(state: ReadonlyMap<string, StateEntry>, owner: string, except?: string): HeldCredential[] {
    this.sync(state);
    const held: HeldCredential[] = [];
    for (const entry of state.values()) {
      if (entry.type !== APPLICATION_FEDERATED_IDENTITY_CREDENTIAL || entry.read) continue;
      const change = entry.name === except ? undefined : this.changes.get(entry.name);
      if (change?.kind === "create" && change.deletedFirst) continue;
      const current =
        change?.kind === "update"
          ? change.held
          : {
              name: entry.name,
              owner: objectIdOf(entry.inputs.applicationId) ?? "",
              issuer: entry.inputs.issuer,
              subject: entry.inputs.subject,
            };
      if (current.owner === owner) held.push(current);
    }
    for (const [name, change] of this.changes) {
      if (name !== except && change.kind === "create" && change.held.owner === owner) {
        held.push(change.held);
      }
    }
    return held;
  }

  /** Records what this deployment did to the credential `change.held.name`. */
  record(state: ReadonlyMap<string, StateEntry>, change: Change): void {
    this.sync(state);
    this.changes.set(change.held.name, change);
  }

  private sync(state: ReadonlyMap<string, StateEntry>): void {
    if (this.basis === state) return;
    this.basis = state;
    this.changes = new Map();
  }
}

/** What {@link simulateFederatedCredential} needs of the world. */
export interface FederatedCredentialWorld {
  directory: SimulatedDirectory;
  /** The stack's state after the last deployment. */
  state: ReadonlyMap<string, StateEntry>;
}

/** The object id in `/applications/{objectId}`, lower case; undefined for anything else. */
export function objectIdOf(resourceId: unknown): string | undefined {
  const match =
    typeof resourceId === "string" ? /^\/applications\/([0-9a-fA-F-]{36})$/.exec(resourceId) : null;
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * The simulated provider's answer for one `ApplicationFederatedIdentityCredential` (a create, a
 * replacement or an in-place update; the provider's Check already passed): its id
 * (`{objectId}/federatedIdentityCredential/{credentialId}`, the provider's import id), its state and
 * Graph's refusal, if any (see the module comment).
 *
 * @param credentialId the credential's id Graph would give it (a replacement gets a new one)
 * @param options `deleteBeforeReplace` of the registration
 */
export function simulateFederatedCredential(
  args: Pick<pulumi.runtime.MockResourceArgs, "type" | "name">,
  inputs: State,
  credentialId: (version: string) => string,
  world: FederatedCredentialWorld,
  options: { deleteBeforeReplace?: boolean } = {},
): { id: string; state: State; failure?: Refusal } {
  const what = `${args.type} "${args.name}"`;
  const applicationId = inputs.applicationId;
  const owner = objectIdOf(applicationId);
  const replacing = replacingInputsOf(args.type, inputs) ?? [];
  const version = JSON.stringify(replacing.map((input) => inputs[input] ?? null));
  const id = `${owner ?? String(applicationId ?? "")}/federatedIdentityCredential/${credentialId(version)}`;
  const state: State = { ...inputs, credentialId: credentialId(version) };
  if (owner === undefined) {
    // The provider's pattern check accepts any `/applications/<segment>`; Graph answers for a
    // segment that is no object id as for a missing object.
    return {
      id,
      state,
      failure: refuse(
        "provider-input-invalid",
        `${what}: applicationId ${JSON.stringify(applicationId)} is not a resource id such as /applications/00000000-0000-0000-0000-000000000000`,
      ),
    };
  }
  const prior = [...world.state.values()].find(
    (e) => e.type === args.type && e.name === args.name && !e.read,
  );
  const update =
    prior !== undefined &&
    replacing.every(
      (input) => JSON.stringify(prior.inputs[input]) === JSON.stringify(inputs[input]),
    );
  const deletedFirst = prior !== undefined && !update && options.deleteBeforeReplace === true;
  const verb = update ? "updating" : "adding";
  const fail = (failure: Refusal) => ({ id, state, failure });

  const written = world.directory.checkCredentialWrite(
    "application",
    owner,
    "federated credential",
    `${verb} ${what}`,
  );
  if (written) return fail(written);

  const problems = validateInputs(args.type, inputs, { enforcement: ["service"] });
  if (problems.length > 0) {
    return fail(
      refuse(
        "federated-credential-invalid",
        `${what}: 400 Bad Request: Microsoft Graph refuses ${problems.map((p) => p.message).join("; ")}`,
      ),
    );
  }

  const directory = world.directory.federatedCredentials;
  const others = directory
    .held(world.state, owner, args.name)
    .filter((c) => !(c.name === args.name && (update || deletedFirst)));
  const { issuer, subject } = inputs;
  const twin =
    typeof issuer === "string" && typeof subject === "string"
      ? others.find((c) => c.issuer === issuer && c.subject === subject)
      : undefined;
  if (twin !== undefined) {
    const conflict = createConflictsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL).find(
      (c) => c.id === "same-issuer-subject",
    );
    const answer = (conflict?.answer ?? "400 InvalidFederatedIdentityCredentialValue")
      .replace("{issuer}", String(issuer))
      .replace("{subject}", String(subject));
    const which =
      twin.name === args.name
        ? "its own old copy, which a create-before-delete replacement deletes only after the new one exists"
        : `the federated credential "${twin.name}"`;
    return fail(
      refuse(
        "federated-credential-duplicate",
        `${verb} ${what}: ${answer} Application ${owner} holds it already: ${which}. Fix: ${conflict?.remedy ?? "remove the other credential"}.`,
      ),
    );
  }
  const limit = createLimitsOf(APPLICATION_FEDERATED_IDENTITY_CREDENTIAL).find(
    (l) => l.per === "applicationId",
  );
  if (!update && limit !== undefined && others.length >= limit.max) {
    return fail(
      refuse(
        "federated-credential-limit",
        `adding ${what}: ${limit.answer}: application ${owner} holds ${others.length} (${others
          .map((c) => c.name)
          .join(", ")}). Fix: ${limit.remedy ?? "remove one first"}.`,
      ),
    );
  }
  directory.record(world.state, {
    kind: update ? "update" : "create",
    held: { name: args.name, owner, issuer, subject },
    deletedFirst,
  });
  return { id, state };
}
