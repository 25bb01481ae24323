/**
 * The simulated Entra ID directory: applications and service principals, their owners and locks,
 * the identity that deploys and its Microsoft Graph permission, and the rules the real directory
 * and the azuread provider apply to credential writes. Each rule names its source.
 *
 * Objects come from a tenant snapshot (./tenant.ts) and from the resources the simulated program
 * creates. Without a snapshot the directory does not know the tenant: every object id is assumed
 * to exist and to be owned by the deployer. The snapshot's app management policies, when it holds
 * them, are enforced on every credential added (./appPolicies.ts).
 */
import { formatInstant } from "../../../policy/core";
import type { AppManagementPolicies } from "../appManagementPolicy";
import { AddedCredential, appPolicyRefusal, judgeCredentialAdd } from "./appPolicies";
import { SimulatedFederatedCredentials } from "./federatedCredentials";
import { Refusal, refuse } from "./refusals";
import type { LockConfiguration, TenantObject, TenantSnapshot } from "./tenant";

/**
 * The deployer's Microsoft Graph application permission (or role): `All` is
 * `Application.ReadWrite.All` (or an administrator role); `OwnedBy` is
 * `Application.ReadWrite.OwnedBy`, which only writes objects the caller owns — the same limit as a
 * non-admin user's default rights on app registrations.
 */
export type GraphPermission = "All" | "OwnedBy";

/** The identity that runs the deployment (`azuread.getClientConfig()`). */
export interface Deployer {
  objectId: string;
  permission: GraphPermission;
}

export type { Refusal } from "./refusals";

/** One application or service principal of the simulated directory. */
interface DirectoryObject extends TenantObject {
  /** True when the simulated program created it (its owners are then known exactly). */
  created: boolean;
}

/** Sign-in audiences that include personal Microsoft accounts. */
export const PERSONAL_ACCOUNT_AUDIENCES: readonly string[] = [
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];
/** Client secrets an application of a personal-account audience may hold (see checkPasswordLimit). */
export const MAX_PERSONAL_ACCOUNT_PASSWORDS = 2;

export type ObjectKind = "application" | "servicePrincipal";

/** The simulated directory of one tenant. */
export class SimulatedDirectory {
  /** Per kind, true when a tenant snapshot says which objects of that kind exist. */
  readonly known: Record<ObjectKind, boolean>;
  private readonly objects: Record<ObjectKind, Map<string, DirectoryObject>> = {
    application: new Map(),
    servicePrincipal: new Map(),
  };
  /** Applications by appId (a service principal's application). */
  private readonly applicationsByAppId = new Map<string, DirectoryObject>();
  /** The tenant's app management policies (the snapshot's), or undefined: none known. */
  readonly appManagementPolicies: AppManagementPolicies | undefined;
  /**
   * The applications' federated identity credentials as the current deployment changes them
   * (./federatedCredentials.ts: Graph's limit of 20 per application, issuer and subject unique).
   */
  readonly federatedCredentials = new SimulatedFederatedCredentials();

  constructor(
    readonly deployer: Deployer,
    tenant?: TenantSnapshot,
  ) {
    this.appManagementPolicies = tenant?.appManagementPolicies;
    this.known = {
      application: tenant?.covers.applications ?? false,
      servicePrincipal: tenant?.covers.servicePrincipals ?? false,
    };
    for (const [kind, source] of [
      ["application", tenant?.applications],
      ["servicePrincipal", tenant?.servicePrincipals],
    ] as const) {
      for (const [id, object] of source ?? []) {
        const entry = { ...object, created: false };
        this.objects[kind].set(id, entry);
        if (kind === "application" && entry.appId) this.applicationsByAppId.set(entry.appId, entry);
      }
    }
  }

  /**
   * Records an application or service principal the program creates.
   *
   * The azuread provider sets the owners to exactly the `owners` given: the calling principal,
   * owner of what it creates, is removed unless listed (terraform-provider-azuread
   * internal/services/applications/application_resource.go; its docs: "It's recommended to always
   * specify one or more application owners, including the principal being used to execute
   * Terraform").
   *
   * @param createdMs when the program creates it (the simulated clock), ms since the Unix epoch:
   *   its `createdDateTime`, against which app management restrictions are dated. An object
   *   created by an earlier run of the same world keeps its first creation date (an update does
   *   not re-create it).
   */
  create(
    kind: ObjectKind,
    objectId: string,
    appId: string | undefined,
    owners: unknown,
    signInAudience?: unknown,
    createdMs?: number,
  ): void {
    const list = Array.isArray(owners)
      ? owners.filter((o): o is string => typeof o === "string")
      : [];
    const earlier = this.objects[kind].get(objectId.toLowerCase());
    const createdDateTime =
      earlier?.createdDateTime ?? (createdMs === undefined ? undefined : formatInstant(createdMs));
    const object: DirectoryObject = {
      objectId: objectId.toLowerCase(),
      appId: appId?.toLowerCase(),
      owners: list.map((o) => o.toLowerCase()),
      created: true,
      ...(typeof signInAudience === "string" ? { signInAudience } : {}),
      ...(createdDateTime !== undefined ? { createdDateTime } : {}),
    };
    this.objects[kind].set(object.objectId, object);
    if (kind === "application" && object.appId) this.applicationsByAppId.set(object.appId, object);
  }

  /** Forgets an object the program created (the stack deleted it). */
  remove(kind: ObjectKind, objectId: string): void {
    const object = this.objects[kind].get(objectId.toLowerCase());
    this.objects[kind].delete(objectId.toLowerCase());
    if (kind === "application" && object?.appId) this.applicationsByAppId.delete(object.appId);
  }

  /** The object, `assumed` when no snapshot says which objects exist, else undefined (missing). */
  find(kind: ObjectKind, objectId: string): DirectoryObject | "assumed" | undefined {
    const found = this.objects[kind].get(objectId.toLowerCase());
    if (found) return found;
    return this.known[kind] ? undefined : "assumed";
  }

  /**
   * A refusal when the object does not exist (the snapshot does not list it), else undefined.
   *
   * @param step `read`: the object is read (`Resource.get`, a plan-time Read step); `write`: a
   *   credential is added to it (an apply-time step)
   */
  checkExists(
    kind: ObjectKind,
    objectId: string,
    what: string,
    step: "read" | "write" = "read",
  ): Refusal | undefined {
    if (this.find(kind, objectId) !== undefined) return undefined;
    const noun = kind === "application" ? "application" : "service principal";
    // Graph answers 404 Request_ResourceNotFound; the provider reports the object id.
    return refuse(
      step === "read" ? "object-not-found-read" : "object-not-found-write",
      `${what}: the ${noun} with object ID ${objectId} was not found in the tenant (Graph 404 Request_ResourceNotFound). Fix the object id in the configuration, or remove the app; after an app was deleted, run \`pulumi refresh\` before \`pulumi up\`.`,
    );
  }

  /**
   * The refusals a credential write (add password or certificate; add or update a federated
   * identity credential, which belongs to an application) meets on an application or a service
   * principal, in the order Graph checks them: existence, then permission, then the lock.
   *
   * - Under `Application.ReadWrite.OwnedBy` (and for a non-admin user) the caller must own the
   *   object (Microsoft Graph permissions reference, Application.ReadWrite.OwnedBy); for a service
   *   principal password it must own both the service principal and its application
   *   (terraform-provider-azuread docs/resources/service_principal_password.md), which is impossible
   *   when the application lives in another tenant (a multi-tenant app consented into this one).
   * - The publisher's app instance property lock (`servicePrincipalLockConfiguration` of the
   *   application) forbids adding credentials to its service principals in customer tenants:
   *   `credentialsWithUsageVerify` covers `passwordCredentials` and `keyCredentials` with usage
   *   Verify (the client-credentials sign-in credentials), `allProperties` every sensitive property
   *   (Microsoft Entra docs, "How to configure app instance property lock"; Graph
   *   servicePrincipalLockConfiguration; enabled by default for applications created in the Entra
   *   admin center). Graph answers 400 `CannotUpdateLockedServicePrincipalProperty`
   *   (Azure/azure-cli#28734).
   *
   * @param credential what is being added, for the message: `password`, `certificate` or
   *   `federated credential`
   */
  checkCredentialWrite(
    kind: ObjectKind,
    objectId: string,
    credential: "password" | "certificate" | "federated credential",
    what: string,
  ): Refusal | undefined {
    const missing = this.checkExists(kind, objectId, what, "write");
    if (missing) return missing;
    const target = this.find(kind, objectId);
    if (this.deployer.permission === "OwnedBy") {
      const unowned = this.unownedFor(kind, target);
      if (unowned) {
        return refuse(
          "owned-by-not-owner",
          `${what}: Authorization_RequestDenied (403): Insufficient privileges to complete the operation. The deploying identity ${this.deployer.objectId} has Application.ReadWrite.OwnedBy and does not own ${unowned}. Add it to the owners (the stack lists it for the objects it creates), or grant Application.ReadWrite.All.`,
        );
      }
    }
    if (kind === "servicePrincipal" && target !== "assumed" && target !== undefined) {
      const lock = this.lockOf(target);
      if (lock && lock.isEnabled && (lock.allProperties || lock.credentialsWithUsageVerify)) {
        return refuse(
          "service-principal-locked",
          `${what}: 400 CannotUpdateLockedServicePrincipalProperty ("Property ${credential === "password" ? "passwordCredentials" : "keyCredentials"} is invalid."): the publisher of application ${target.appId ?? "(unknown appId)"} has enabled the app instance property lock (servicePrincipalLockConfiguration${lock.allProperties ? ".allProperties" : ".credentialsWithUsageVerify"}), so no ${credential} can be added to its service principal ${objectId} in this tenant. Ask the publisher for a credential, or use an app registration of your own.`,
        );
      }
    }
    return undefined;
  }

  /**
   * Graph's limit on the client secrets of an application whose `signInAudience` includes personal
   * Microsoft accounts (`AzureADandPersonalMicrosoftAccount`, `PersonalMicrosoftAccount`): at most
   * two `passwordCredentials` (Microsoft identity platform docs, "Validation differences by
   * supported account types", https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation).
   *
   * @param held how many passwords the application holds when this one is added (the new one not
   *   counted)
   * @returns the refusal when adding one more would exceed the limit, else undefined
   */
  checkPasswordLimit(objectId: string, held: number, what: string): Refusal | undefined {
    const target = this.find("application", objectId);
    if (target === "assumed" || target === undefined) return undefined;
    const audience = target.signInAudience;
    if (audience === undefined || !PERSONAL_ACCOUNT_AUDIENCES.includes(audience)) return undefined;
    if (held < MAX_PERSONAL_ACCOUNT_PASSWORDS) return undefined;
    return refuse(
      "personal-account-password-limit",
      `${what}: 400 Bad Request: application ${target.objectId} has signInAudience ${audience}, whose apps hold at most ${MAX_PERSONAL_ACCOUNT_PASSWORDS} client secrets, and already holds ${held}. Replace a password delete-before-create (the program does so for these audiences), or use one slot.`,
    );
  }

  /**
   * Graph's rule for the key credentials of an application whose `signInAudience` includes
   * personal Microsoft accounts: encryption and asymmetric signing keys only, no symmetric key
   * (https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation).
   *
   * @returns the refusal of a symmetric key on such an application, else undefined
   */
  checkSymmetricKey(objectId: string, what: string): Refusal | undefined {
    const target = this.find("application", objectId);
    if (target === "assumed" || target === undefined) return undefined;
    const audience = target.signInAudience;
    if (audience === undefined || !PERSONAL_ACCOUNT_AUDIENCES.includes(audience)) return undefined;
    return refuse(
      "personal-account-symmetric-key",
      `${what}: 400 Bad Request: application ${target.objectId} has signInAudience ${audience}, whose apps accept only encryption and asymmetric signing keys, not a symmetric key.`,
    );
  }

  /**
   * The tenant's app management policies on a credential added to an application or a service
   * principal (Microsoft Learn, "Configure app management policies"; the rules, the sources and
   * what the simulation assumes: ./appPolicies.ts): the restrictions of the per-app policy
   * assigned to the object, else of the default policy for its kind, enabled and dated on or
   * before the object's creation (an object the program created: when it ran; a snapshot object:
   * its `createdDateTime`; unknown: assumed to fall under a dated restriction). Checked after
   * existence, permission and lock ({@link checkCredentialWrite}).
   *
   * @param subject `adding <type> "<name>"`, for the message
   * @returns the refusal (`app-policy-credential-lifetime` / `-type`), else undefined (also when
   *   the snapshot holds no policy, or the object does not exist)
   */
  checkAppManagementPolicy(
    kind: ObjectKind,
    objectId: string,
    added: AddedCredential,
    subject: string,
  ): Refusal | undefined {
    const policies = this.appManagementPolicies;
    if (policies === undefined) return undefined;
    const target = this.find(kind, objectId);
    if (target === undefined) return undefined;
    const known = target === "assumed" ? undefined : target;
    const breach = judgeCredentialAdd(
      policies,
      {
        kind,
        id: objectId,
        ...(known?.appId !== undefined ? { appId: known.appId } : {}),
        createdDateTime: known?.createdDateTime ?? null,
      },
      added,
    );
    return breach === undefined ? undefined : appPolicyRefusal(subject, breach);
  }

  /** Which object the deployer fails to own, as text, or undefined when it owns what it needs. */
  private unownedFor(
    kind: ObjectKind,
    target: DirectoryObject | "assumed" | undefined,
  ): string | undefined {
    if (target === "assumed" || target === undefined) return undefined;
    if (!this.owns(target)) {
      return `the ${kind === "application" ? "application" : "service principal"} ${target.objectId}`;
    }
    if (kind === "servicePrincipal") {
      const application = this.applicationOf(target);
      if (application === undefined && this.known.application) {
        return `the application of service principal ${target.objectId} (appId ${target.appId ?? "unknown"}), which is not in this tenant`;
      }
      if (application && !this.owns(application)) {
        return `the application ${application.objectId} of service principal ${target.objectId}`;
      }
    }
    return undefined;
  }

  private owns(object: DirectoryObject): boolean {
    // A snapshot entry without owners: ownership unknown, assumed (the snapshot can list them).
    if (object.owners === undefined) return true;
    return object.owners.includes(this.deployer.objectId.toLowerCase());
  }

  private applicationOf(servicePrincipal: DirectoryObject): DirectoryObject | undefined {
    if (servicePrincipal.appId === undefined) return undefined;
    return this.applicationsByAppId.get(servicePrincipal.appId);
  }

  private lockOf(servicePrincipal: DirectoryObject): LockConfiguration | undefined {
    return servicePrincipal.lock ?? this.applicationOf(servicePrincipal)?.lock;
  }
}
