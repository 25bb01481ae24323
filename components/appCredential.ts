import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { SLOT_KEY, slowestRefresh, WINDOW_KEY } from "../policy/core";
import { AppCredentialSecrets } from "./appCredentialSecrets";
import type { AppSource, ConsumerConfig, CredentialType } from "./config";
import { ConsumerOutputs, declareConsumerAccess } from "./consumerAccess";
import { CredentialOwner, RotatingCredentials } from "./credentials";
import { allowsPersonalAccounts, replacesPasswordsDeleteFirst } from "./passwordLimits";
import { RotationSettings } from "./rotation";
import { RotatingCertificates } from "./rotatingCertificates";
import { RotatingPasswords } from "./rotatingPasswords";

/** Arguments of {@link AppCredential}. */
export interface AppCredentialArgs {
  /** How the app came to exist: a new registration, an existing application or service principal. */
  source: AppSource;
  /** What rotates: client secrets (`password`) or certificates. */
  credential: CredentialType;
  rotation: RotationSettings;
  /** The deployment instant, ms since the Unix epoch. */
  nowMs: number;
  /** The tenant the credentials belong to (written to `<app>-tenant-id`). */
  tenantId: pulumi.Input<string>;
  /**
   * Object id of the identity that runs the deployment (`azuread.getClientConfig().objectId`): it
   * becomes an owner of every application and service principal this component creates.
   */
  deployerObjectId: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  /**
   * The applications that read the credential from Key Vault (default none): each is granted
   * `Key Vault Secrets User` on exactly this app's secrets. The rotation must cover the slowest
   * (checked by the config: `checkConsumerOverlap`).
   */
  consumers?: readonly ConsumerConfig[];
  /**
   * The subscription of the vault (role definition ids are subscription-scoped); default: the
   * deploying identity's (`authorization.getClientConfig`), looked up only when there are consumers.
   */
  subscriptionId?: pulumi.Input<string>;
}

/**
 * One app whose credential rotates: its registration (created, or read by object id), the rotating
 * passwords or certificates, and the Key Vault secrets `<name>-client-id`, `-tenant-id` and
 * `-client-secret` (passwords) or `-client-certificate` (certificates).
 *
 * - `new`: an `Application` and its `ServicePrincipal`; the credentials are the application's
 *   (`ApplicationPassword`s or `ApplicationCertificate`s). Both
 *   are owned by the configured owners **and the deploying identity**: the azuread provider removes
 *   the calling principal from the owners unless it is listed (terraform-provider-azuread
 *   application_resource.go), and under `Application.ReadWrite.OwnedBy` (or as a non-admin user) it
 *   could then add no password. Audiences that include personal Microsoft accounts get
 *   `api.requestedAccessTokenVersion = 2`, which the provider requires for them.
 * - `existingApplication`: the application is read (`Application.get`, `/applications/{objectId}`)
 *   and its credentials are `ApplicationPassword`s or `ApplicationCertificate`s.
 * - `existingServicePrincipal` (e.g. an enterprise app that arrived through admin consent, whose
 *   application may live in another tenant): the service principal is read and its credentials are
 *   `ServicePrincipalPassword`s or `ServicePrincipalCertificate`s (a key credential with usage
 *   Verify on a service principal signs the app in with client credentials in that tenant).
 *
 * Existing objects are read as resources, never looked up with a data source: a data source that
 * fails (the object was deleted, or its id mistyped) fails the whole program, so no app would
 * rotate. A failed read is a Read step: it stops a `pulumi preview` (Read steps run during
 * previews), and under `pulumi up --continue-on-error` it fails only this app's steps (docs/operations.md,
 * "Rotate on a schedule", what the engine stops on).
 *
 * No output holds a secret value.
 */
export class AppCredential extends pulumi.ComponentResource {
  readonly clientId: pulumi.Output<string>;
  /** Object id of the application; undefined for an existing service principal. */
  readonly applicationObjectId: pulumi.Output<string | undefined>;
  /** Object id of the service principal; undefined for an existing application. */
  readonly servicePrincipalObjectId: pulumi.Output<string | undefined>;
  readonly activeKeyId: pulumi.Output<string>;
  /** End date of the credential Key Vault holds, RFC 3339. */
  readonly activeEndDate: string;
  /** When the next deployment rotates a slot of this app, RFC 3339. */
  readonly nextRotation: string;
  /** The rotating passwords or certificates. */
  readonly credentials: RotatingCredentials;
  readonly secrets: AppCredentialSecrets;
  /** The consumers, their role assignments and the references they paste. */
  readonly consumers: ConsumerOutputs[];

  constructor(name: string, args: AppCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:entra:AppCredential", name, {}, opts);
    const none = pulumi.output<string | undefined>(undefined);
    let owner: CredentialOwner;
    const source = args.source;
    if (source.kind === "new") {
      const owners = pulumi
        .output(args.deployerObjectId)
        .apply((deployer) => uniqueIds([...source.owners, deployer]));
      const application = new azuread.Application(
        `${name}-app`,
        {
          displayName: source.displayName,
          signInAudience: source.signInAudience,
          owners,
          ...(allowsPersonalAccounts(source.signInAudience)
            ? { api: { requestedAccessTokenVersion: 2 } }
            : {}),
        },
        { parent: this },
      );
      const servicePrincipal = new azuread.ServicePrincipal(
        `${name}-sp`,
        { clientId: application.clientId, owners },
        { parent: this },
      );
      owner = { kind: "application", applicationId: application.id };
      this.clientId = application.clientId;
      this.applicationObjectId = application.objectId;
      this.servicePrincipalObjectId = servicePrincipal.objectId;
    } else if (source.kind === "existingApplication") {
      const application = azuread.Application.get(
        `${name}-app`,
        `/applications/${source.applicationObjectId}`,
        undefined,
        { parent: this },
      );
      owner = { kind: "application", applicationId: application.id };
      this.clientId = application.clientId;
      this.applicationObjectId = application.objectId;
      this.servicePrincipalObjectId = none;
    } else {
      const servicePrincipal = azuread.ServicePrincipal.get(
        `${name}-sp`,
        `/servicePrincipals/${source.servicePrincipalObjectId}`,
        undefined,
        { parent: this },
      );
      owner = { kind: "servicePrincipal", servicePrincipalId: servicePrincipal.id };
      this.clientId = servicePrincipal.clientId;
      this.applicationObjectId = none;
      this.servicePrincipalObjectId = servicePrincipal.objectId;
    }
    this.credentials =
      args.credential === "certificate"
        ? new RotatingCertificates(
            `${name}-certificates`,
            { appName: name, owner, rotation: args.rotation, nowMs: args.nowMs },
            { parent: this },
          )
        : new RotatingPasswords(
            `${name}-passwords`,
            {
              owner,
              rotation: args.rotation,
              nowMs: args.nowMs,
              deleteBeforeReplace: replacesPasswordsDeleteFirst(
                source,
                args.credential,
                args.rotation.slots,
              ),
            },
            { parent: this },
          );
    const consumers = args.consumers ?? [];
    const state = this.credentials.state;
    const activeSchedule = state.slots[state.activeSlot].rotateWhenChanged;
    this.secrets = new AppCredentialSecrets(
      `${name}-secrets`,
      {
        appName: name,
        resourceGroupName: args.resourceGroupName,
        vaultName: args.vaultName,
        clientId: this.clientId,
        tenantId: args.tenantId,
        active: this.credentials.active,
        schedule: {
          [WINDOW_KEY]: activeSchedule[WINDOW_KEY],
          [SLOT_KEY]: activeSchedule[SLOT_KEY],
        },
        consumerRefresh: slowestRefresh(
          consumers.map((c) => c.refresh),
          args.nowMs,
        ),
      },
      { parent: this },
    );
    this.consumers = declareConsumerAccess({
      appName: name,
      consumers,
      secrets: this.secrets.all,
      subscriptionId:
        consumers.length === 0
          ? ""
          : (args.subscriptionId ??
            authorization.getClientConfigOutput({ parent: this }).subscriptionId),
      tenantId: args.tenantId,
      vaultName: args.vaultName,
      parent: this,
    });
    this.activeKeyId = this.credentials.active.keyId;
    this.activeEndDate = this.credentials.active.endDate;
    this.nextRotation = this.credentials.nextRotation;
    this.registerOutputs({
      clientId: this.clientId,
      applicationObjectId: this.applicationObjectId,
      servicePrincipalObjectId: this.servicePrincipalObjectId,
      activeKeyId: this.activeKeyId,
      activeEndDate: this.activeEndDate,
      nextRotation: this.nextRotation,
    });
  }
}

/** Object ids without duplicates (compared ignoring case), in first-seen order. */
function uniqueIds(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
