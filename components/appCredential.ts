import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { AppCredentialSecrets } from "./appCredentialSecrets";
import { AppSource } from "./config";
import { RotationSettings } from "./rotation";
import { PasswordOwner, RotatingPasswords } from "./rotatingPasswords";

/** Arguments of {@link AppCredential}. */
export interface AppCredentialArgs {
  /** How the app came to exist: a new registration, an existing application or service principal. */
  source: AppSource;
  rotation: RotationSettings;
  /** The deployment instant, ms since the Unix epoch. */
  nowMs: number;
  /** The tenant the credentials belong to (written to `<app>-tenant-id`). */
  tenantId: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
}

/**
 * One app whose client secret rotates: its registration (created, or looked up by object id), the
 * rotating passwords, and the Key Vault secrets `<name>-client-id`, `-tenant-id`, `-client-secret`.
 *
 * - `new`: an `Application` and its `ServicePrincipal`; passwords are `ApplicationPassword`s.
 * - `existingApplication`: passwords are `ApplicationPassword`s on `/applications/{objectId}`.
 * - `existingServicePrincipal` (e.g. an enterprise app that arrived through admin consent, whose
 *   application may live in another tenant): passwords are `ServicePrincipalPassword`s.
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
  /** End date of the password Key Vault holds, RFC 3339. */
  readonly activeEndDate: string;
  /** When the next deployment rotates a slot of this app, RFC 3339. */
  readonly nextRotation: string;
  readonly passwords: RotatingPasswords;
  readonly secrets: AppCredentialSecrets;

  constructor(name: string, args: AppCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:entra:AppCredential", name, {}, opts);
    const none = pulumi.output<string | undefined>(undefined);
    let owner: PasswordOwner;
    const source = args.source;
    if (source.kind === "new") {
      const application = new azuread.Application(
        `${name}-app`,
        {
          displayName: source.displayName,
          signInAudience: source.signInAudience,
          owners: source.owners,
        },
        { parent: this },
      );
      const servicePrincipal = new azuread.ServicePrincipal(
        `${name}-sp`,
        { clientId: application.clientId, owners: source.owners },
        { parent: this },
      );
      owner = { kind: "application", applicationId: application.id };
      this.clientId = application.clientId;
      this.applicationObjectId = application.objectId;
      this.servicePrincipalObjectId = servicePrincipal.objectId;
    } else if (source.kind === "existingApplication") {
      const application = azuread.getApplicationOutput(
        { objectId: source.applicationObjectId },
        { parent: this },
      );
      owner = { kind: "application", applicationId: application.id };
      this.clientId = application.clientId;
      this.applicationObjectId = application.objectId;
      this.servicePrincipalObjectId = none;
    } else {
      const servicePrincipal = azuread.getServicePrincipalOutput(
        { objectId: source.servicePrincipalObjectId },
        { parent: this },
      );
      owner = { kind: "servicePrincipal", servicePrincipalId: servicePrincipal.id };
      this.clientId = servicePrincipal.clientId;
      this.applicationObjectId = none;
      this.servicePrincipalObjectId = servicePrincipal.objectId;
    }
    this.passwords = new RotatingPasswords(
      `${name}-passwords`,
      { owner, rotation: args.rotation, nowMs: args.nowMs },
      { parent: this },
    );
    this.secrets = new AppCredentialSecrets(
      `${name}-secrets`,
      {
        appName: name,
        resourceGroupName: args.resourceGroupName,
        vaultName: args.vaultName,
        clientId: this.clientId,
        tenantId: args.tenantId,
        active: this.passwords.active,
      },
      { parent: this },
    );
    this.activeKeyId = this.passwords.active.keyId;
    this.activeEndDate = this.passwords.active.endDate;
    this.nextRotation = this.passwords.nextRotation;
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
