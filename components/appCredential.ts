import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { formatInstant, SLOT_KEY, slowestRefresh, WINDOW_KEY } from "../policy/core";
import { declareAppIdentity } from "./appIdentity";
import { AppCredentialSecrets } from "./appCredentialSecrets";
import type {
  AppSource,
  ConsumerConfig,
  CredentialType,
  FederatedCredentialConfig,
} from "./config";
import { ConsumerOutputs, declareConsumerAccess } from "./consumerAccess";
import { CredentialOwner, RotatingCredentials } from "./credentials";
import { declareFederatedCredentials, FederatedCredentialOutputs } from "./federatedCredentials";
import { replacesPasswordsDeleteFirst } from "./passwordLimits";
import { RotationSettings, RotationState, rotationState } from "./rotation";
import { RotatingCertificates } from "./rotatingCertificates";
import { RotatingKeyVaultCertificates } from "./rotatingKeyVaultCertificates";
import { RotatingPasswords } from "./rotatingPasswords";

/** Arguments of {@link AppCredential}. */
export interface AppCredentialArgs {
  /** How the app came to exist: a new registration, an existing application or service principal. */
  source: AppSource;
  /** What rotates: client secrets (`password`), certificates, or nothing (`federated`). */
  credential: CredentialType;
  /** Federated identity credentials (default none); required with `credential: federated`. */
  federation?: readonly FederatedCredentialConfig[];
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
  /** The vault's ARM id: where a `keyVaultCertificate` credential is generated. */
  keyVaultId?: pulumi.Input<string>;
  /** `credential: keyVaultCertificate` only: the certificate policy's settings (from the config). */
  keyVaultCertificate?: { exportable: boolean; validityInMonths: number };
}

/**
 * One app and its credentials: its registration (created, or read by object id: see
 * ./appIdentity.ts), the rotating passwords or certificates (none for `credential: federated`),
 * its federated identity credentials, and the Key Vault secrets `<name>-client-id`, `-tenant-id`
 * and `-client-secret` (passwords) or `-client-certificate` (certificates), which its consumers
 * are granted to read.
 *
 * - `new` and `existingApplication`: the credentials are the application's
 *   (`ApplicationPassword`s or `ApplicationCertificate`s, and
 *   `ApplicationFederatedIdentityCredential`s).
 * - `existingServicePrincipal`: the credentials are the service principal's
 *   (`ServicePrincipalPassword`s or `ServicePrincipalCertificate`s: a key credential with usage
 *   Verify on a service principal signs the app in with client credentials in that tenant); it
 *   takes no federated credentials (refused in config).
 *
 * No output holds a secret value.
 */
export class AppCredential extends pulumi.ComponentResource {
  readonly clientId: pulumi.Output<string>;
  /** Object id of the application; undefined for an existing service principal. */
  readonly applicationObjectId: pulumi.Output<string | undefined>;
  /** Object id of the service principal; undefined for an existing application. */
  readonly servicePrincipalObjectId: pulumi.Output<string | undefined>;
  /** Key id of the credential Key Vault holds; undefined for `credential: federated`. */
  readonly activeKeyId: pulumi.Output<string | undefined>;
  /** End date of the credential Key Vault holds, RFC 3339; undefined for `federated`. */
  readonly activeEndDate: string | undefined;
  /** When the next deployment rotates a slot of this app, RFC 3339; undefined for `federated`. */
  readonly nextRotation: string | undefined;
  /** The rotating passwords or certificates; undefined for `credential: federated`. */
  readonly credentials: RotatingCredentials | undefined;
  /** The federated identity credentials (empty: none). */
  readonly federatedCredentials: FederatedCredentialOutputs[];
  readonly secrets: AppCredentialSecrets;
  /** The consumers, their role assignments and the references they paste. */
  readonly consumers: ConsumerOutputs[];

  constructor(name: string, args: AppCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:entra:AppCredential", name, {}, opts);
    const identity = declareAppIdentity(name, args.source, args.deployerObjectId, this);
    this.clientId = identity.clientId;
    this.applicationObjectId = identity.applicationObjectId;
    this.servicePrincipalObjectId = identity.servicePrincipalObjectId;
    this.credentials = rotatingCredentials(name, args, identity.owner, this);
    const owner = identity.owner;
    this.federatedCredentials =
      owner.kind === "application"
        ? declareFederatedCredentials(
            name,
            owner.applicationId,
            args.federation ?? [],
            args.tenantId,
            this,
          )
        : [];
    const consumers = args.consumers ?? [];
    const state = this.credentials?.state;
    const activeSchedule = state?.slots[state.activeSlot].rotateWhenChanged;
    this.secrets = new AppCredentialSecrets(
      `${name}-secrets`,
      {
        appName: name,
        resourceGroupName: args.resourceGroupName,
        vaultName: args.vaultName,
        clientId: this.clientId,
        tenantId: args.tenantId,
        active: this.credentials?.active,
        expires:
          this.credentials?.active.endDate ??
          scheduleEndDate(rotationState(args.rotation, args.nowMs)),
        schedule: activeSchedule
          ? { [WINDOW_KEY]: activeSchedule[WINDOW_KEY], [SLOT_KEY]: activeSchedule[SLOT_KEY] }
          : {},
        consumerRefresh: slowestRefresh(
          consumers.map((c) => c.refresh),
          args.nowMs,
        ),
        handOver:
          this.credentials instanceof RotatingKeyVaultCertificates
            ? this.credentials.handOver
            : undefined,
        consumerIdentities:
          consumers.length > 0 ? consumers.map((c) => c.identity ?? "-").join(",") : undefined,
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
    this.activeKeyId = this.credentials?.active.keyId ?? pulumi.output(undefined);
    this.activeEndDate = this.credentials?.active.endDate;
    this.nextRotation = this.credentials?.nextRotation;
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

/** The end date the schedule gives the active slot now, RFC 3339 (stable inside a window). */
function scheduleEndDate(state: RotationState): string {
  return formatInstant(state.slots[state.activeSlot].endDateMs);
}

/**
 * The rotating passwords or certificates of an app, or undefined for `credential: federated`.
 */
function rotatingCredentials(
  name: string,
  args: AppCredentialArgs,
  owner: CredentialOwner,
  parent: pulumi.Resource,
): RotatingCredentials | undefined {
  if (args.credential === "federated") return undefined;
  if (args.credential === "keyVaultCertificate") {
    if (!args.keyVaultId || !args.keyVaultCertificate) {
      throw new Error(
        `${name}: credential keyVaultCertificate needs keyVaultId and keyVaultCertificate settings`,
      );
    }
    return new RotatingKeyVaultCertificates(
      `${name}-kv-certificates`,
      {
        appName: name,
        owner,
        rotation: args.rotation,
        nowMs: args.nowMs,
        keyVaultId: args.keyVaultId,
        ...args.keyVaultCertificate,
      },
      { parent },
    );
  }
  if (args.credential === "certificate") {
    return new RotatingCertificates(
      `${name}-certificates`,
      { appName: name, owner, rotation: args.rotation, nowMs: args.nowMs },
      { parent },
    );
  }
  return new RotatingPasswords(
    `${name}-passwords`,
    {
      owner,
      rotation: args.rotation,
      nowMs: args.nowMs,
      deleteBeforeReplace: replacesPasswordsDeleteFirst(
        args.source,
        args.credential,
        args.rotation.slots,
      ),
    },
    { parent },
  );
}
