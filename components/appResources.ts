/**
 * What {@link AppCredential} (./appCredential.ts) declares for one validated app: its identity,
 * its rotating credentials, its federated credentials, its Key Vault secrets and its consumers'
 * access. Internal: the component's public arguments are validated into an {@link AppConfig}
 * first (./appCredentialValidation.ts).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { formatInstant, SLOT_KEY, slowestRefresh, WINDOW_KEY } from "../policy/core";
import { declareAppIdentity } from "./appIdentity";
import { AppCredentialSecrets } from "./appCredentialSecrets";
import type { AppConfig } from "./config";
import { ConsumerOutputs, declareConsumerAccess } from "./consumerAccess";
import { CredentialOwner, RotatingCredentials } from "./credentials";
import { declareFederatedCredentials, FederatedCredentialOutputs } from "./federatedCredentials";
import { replacesPasswordsDeleteFirst } from "./passwordLimits";
import { RotationState, rotationState } from "./rotation";
import { RotatingCertificates } from "./rotatingCertificates";
import { RotatingKeyVaultCertificates } from "./rotatingKeyVaultCertificates";
import { RotatingPasswords } from "./rotatingPasswords";

/** What every app's resources need besides its own configuration. */
export interface AppContext {
  /** The deployment instant, ms since the Unix epoch. */
  nowMs: number;
  /** The tenant the credentials belong to (written to `<app>-tenant-id`). */
  tenantId: pulumi.Input<string>;
  /**
   * Object id of the identity that runs the deployment (`azuread.getClientConfig().objectId`): it
   * becomes an owner of every application and service principal the app creates.
   */
  deployerObjectId: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  /**
   * The subscription of the vault (role definition ids are subscription-scoped); default: the
   * deploying identity's (`authorization.getClientConfig`), looked up only when there are consumers.
   */
  subscriptionId?: pulumi.Input<string>;
  /** The vault's ARM id: where a `keyVaultCertificate` credential is generated (required for it). */
  keyVaultId?: pulumi.Input<string>;
}

/** One app's declared resources. No field holds a secret value in plain text. */
export interface AppResources {
  clientId: pulumi.Output<string>;
  /** Undefined for an existing service principal. */
  applicationObjectId: pulumi.Output<string | undefined>;
  /** Undefined for an existing application. */
  servicePrincipalObjectId: pulumi.Output<string | undefined>;
  /** The rotating passwords or certificates; undefined for `credential: federated`. */
  credentials: RotatingCredentials | undefined;
  /** The federated identity credentials (empty: none). */
  federatedCredentials: FederatedCredentialOutputs[];
  secrets: AppCredentialSecrets;
  /** The consumers, their role assignments and the references they paste. */
  consumers: ConsumerOutputs[];
}

/**
 * Declares one app's resources as children of `parent` (see {@link AppCredential} for what each
 * kind of app gets).
 *
 * @throws Error when `credential: keyVaultCertificate` is declared without `context.keyVaultId`
 */
export function declareAppResources(
  app: AppConfig,
  context: AppContext,
  parent: pulumi.Resource,
): AppResources {
  const name = app.name;
  const identity = declareAppIdentity(name, app.source, context.deployerObjectId, parent);
  const credentials = rotatingCredentials(app, context, identity.owner, parent);
  const owner = identity.owner;
  const federatedCredentials =
    owner.kind === "application"
      ? declareFederatedCredentials(
          name,
          owner.applicationId,
          app.federation,
          context.tenantId,
          parent,
        )
      : [];
  const consumers = app.consumers;
  const state = credentials?.state;
  const activeSchedule = state?.slots[state.activeSlot].rotateWhenChanged;
  const secrets = new AppCredentialSecrets(
    `${name}-secrets`,
    {
      appName: name,
      resourceGroupName: context.resourceGroupName,
      vaultName: context.vaultName,
      clientId: identity.clientId,
      tenantId: context.tenantId,
      active: credentials?.active,
      expires:
        credentials?.active.endDate ?? scheduleEndDate(rotationState(app.rotation, context.nowMs)),
      schedule: activeSchedule
        ? { [WINDOW_KEY]: activeSchedule[WINDOW_KEY], [SLOT_KEY]: activeSchedule[SLOT_KEY] }
        : {},
      consumerRefresh: slowestRefresh(
        consumers.map((c) => c.refresh),
        context.nowMs,
      ),
      handOver:
        credentials instanceof RotatingKeyVaultCertificates ? credentials.handOver : undefined,
      consumerIdentities:
        consumers.length > 0 ? consumers.map((c) => c.identity ?? "-").join(",") : undefined,
    },
    { parent },
  );
  return {
    clientId: identity.clientId,
    applicationObjectId: identity.applicationObjectId,
    servicePrincipalObjectId: identity.servicePrincipalObjectId,
    credentials,
    federatedCredentials,
    secrets,
    consumers: declareConsumerAccess({
      appName: name,
      consumers,
      secrets: secrets.all,
      subscriptionId:
        consumers.length === 0
          ? ""
          : (context.subscriptionId ??
            authorization.getClientConfigOutput({ parent }).subscriptionId),
      tenantId: context.tenantId,
      vaultName: context.vaultName,
      parent,
    }),
  };
}

/** The end date the schedule gives the active slot now, RFC 3339 (stable inside a window). */
function scheduleEndDate(state: RotationState): string {
  return formatInstant(state.slots[state.activeSlot].endDateMs);
}

/**
 * The rotating passwords or certificates of an app, or undefined for `credential: federated`.
 */
function rotatingCredentials(
  app: AppConfig,
  context: AppContext,
  owner: CredentialOwner,
  parent: pulumi.Resource,
): RotatingCredentials | undefined {
  const name = app.name;
  if (app.credential === "federated") return undefined;
  if (app.credential === "keyVaultCertificate") {
    if (!context.keyVaultId || !app.keyVaultCertificate) {
      throw new Error(
        `${name}: credential keyVaultCertificate needs the vault's id and keyVaultCertificate settings`,
      );
    }
    return new RotatingKeyVaultCertificates(
      `${name}-kv-certificates`,
      {
        appName: name,
        owner,
        rotation: app.rotation,
        nowMs: context.nowMs,
        keyVaultId: context.keyVaultId,
        ...app.keyVaultCertificate,
      },
      { parent },
    );
  }
  if (app.credential === "certificate") {
    return new RotatingCertificates(
      `${name}-certificates`,
      { appName: name, owner, rotation: app.rotation, nowMs: context.nowMs },
      { parent },
    );
  }
  return new RotatingPasswords(
    `${name}-passwords`,
    {
      owner,
      rotation: app.rotation,
      nowMs: context.nowMs,
      deleteBeforeReplace: replacesPasswordsDeleteFirst(
        app.source,
        app.credential,
        app.rotation.slots,
      ),
    },
    { parent },
  );
}
