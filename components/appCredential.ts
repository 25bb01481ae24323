import { createHash } from "crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { AppCredentialArgs, KeyVault } from "./appCredentialArgs";
import { validateAppCredentialArgs } from "./appCredentialValidation";
import { handedOverLabel } from "./appCredentialSecrets";
import { AppContext, AppResources, declareAppResources } from "./appResources";
import type { AppConfig } from "./config";
import { ConfigError } from "./config/configError";
import { runDeploymentInstant } from "./instant";

/** Type token of {@link AppCredential}: `<package>:index:<Class>`, as the component provider requires. */
export const APP_CREDENTIAL_TYPE = "app-credentials:index:AppCredential";
/**
 * The token {@link AppCredential} had before it was published: an alias, so stacks deployed with it
 * keep every URN (the component's and, through the engine's inherited aliases, its children's)
 * and no credential or secret is replaced.
 */
export const LEGACY_APP_CREDENTIAL_TYPE = "app-credentials:entra:AppCredential";

/** One consumer of the credential, in the component's outputs. Holds no secret value. */
export interface AppCredentialConsumer {
  /** The consumer's name, unique within the app. */
  name: string;
  /** Where it runs: `appService`, `containerApp`, `aksSecretsStoreCsi` or `custom`. */
  kind: string;
  /** Object id of its identity, granted `Key Vault Secrets User` on the app's secrets. */
  principalId: string;
  /** How often it re-reads Key Vault, ISO 8601. */
  refresh: string;
  /**
   * What it pastes, as JSON: versionless references (App Service app settings, Container Apps
   * secrets, a SecretProviderClass's objects, or secret URIs), by kind (docs/consumers.md).
   */
  reference: string;
}

/** One federated identity credential, in the component's outputs. */
export interface AppCredentialFederatedCredential {
  /** Its `displayName`. */
  name: string;
  /** The token issuer it trusts, matched exactly. */
  issuer: string;
  /** The subject claim it trusts, matched exactly. */
  subject: string;
  /** The audience it accepts, e.g. `api://AzureADTokenExchange`. */
  audience: string;
}

/** Each component's resources, for the stack program (./stack.ts): not part of the public API. */
const declared = new WeakMap<AppCredential, AppResources>();

/**
 * One app and its credentials: its registration (created, or read by object id), the rotating
 * client secrets or certificates (none for `credential: federated`), its federated identity
 * credentials, the Key Vault secrets `<name>-client-id`, `-tenant-id` and `-client-secret`
 * (passwords) or `-client-certificate` (certificates), and its consumers' read access.
 *
 * ```ts
 * new AppCredential("orders", {
 *   displayName: "Orders API",
 *   rotation: { period: "P90D", grace: "P14D" },
 *   keyVault: { resourceGroupName: "rg-identity", vaultName: "kv-identity" },
 * });
 * ```
 *
 * - A new app, or `existing.applicationObjectId`: the credentials are the application's
 *   (`ApplicationPassword`s or `ApplicationCertificate`s, `ApplicationFederatedIdentityCredential`s).
 * - `existing.servicePrincipalObjectId`: the service principal's (`ServicePrincipalPassword`s or
 *   `ServicePrincipalCertificate`s); it takes no federated credentials.
 *
 * The rotation windows are computed from the deployment instant (`APP_CREDENTIALS_NOW`, RFC 3339,
 * set once per deployment job, else the clock: docs/rotation-model.md), the deploying identity
 * (an owner of every app it creates) and tenant from `azuread.getClientConfig`; neither is an
 * argument. Run `pulumi up` on a schedule shorter than the grace.
 *
 * An existing vault must use the Azure RBAC permission model for consumers' access (the stack
 * program checks it; a component cannot before its children are declared). No output holds a
 * secret value.
 *
 * @throws ConfigError naming every invalid argument, before any child resource is registered
 *   (the same rules as `app-credentials:apps` entries; the resource name is the app's name). A
 *   `rotationTrigger` given as an Output is checked once it resolves: an invalid value is an error
 *   of the run, after the component is registered, and never shown.
 */
export class AppCredential extends pulumi.ComponentResource {
  /** The app's client (application) id. */
  readonly clientId: pulumi.Output<string>;
  /** The tenant the credentials belong to (the deploying identity's). */
  readonly tenantId: pulumi.Output<string>;
  /** Object id of the application; undefined for an existing service principal. */
  readonly applicationObjectId: pulumi.Output<string | undefined>;
  /** Object id of the service principal; undefined for an existing application. */
  readonly servicePrincipalObjectId: pulumi.Output<string | undefined>;
  /** Key id of the credential Key Vault holds; undefined for `credential: federated`. */
  readonly activeKeyId: pulumi.Output<string | undefined>;
  /** End date of the credential Key Vault holds, RFC 3339; undefined for `federated`. */
  readonly activeEndDate: pulumi.Output<string | undefined>;
  /** When the next deployment rotates a slot of this app, RFC 3339; undefined for `federated`. */
  readonly nextRotation: pulumi.Output<string | undefined>;
  /** Certificates: SHA-1 thumbprint of the active certificate, upper-case hex. */
  readonly activeThumbprint: pulumi.Output<string | undefined>;
  /** Passwords: versionless URI of the Key Vault secret the application reads its client secret from. */
  readonly clientSecretUri: pulumi.Output<string | undefined>;
  /**
   * Certificates: versionless URI of the PEM holding the certificate and its private key (for
   * `keyVaultCertificate`, the certificate's companion secret, or its key when not exportable).
   */
  readonly clientCertificateUri: pulumi.Output<string | undefined>;
  /** Versionless URIs of the app's Key Vault secrets, keyed by secret name (`<name>-client-id`…). */
  readonly secretUris: pulumi.Output<Record<string, string>>;
  /** Who reads the secrets, and what each pastes. */
  readonly consumers: pulumi.Output<AppCredentialConsumer[]>;
  /** Federated identity credentials: what signs in without a secret (empty: none). */
  readonly federatedCredentials: pulumi.Output<AppCredentialFederatedCredential[]>;

  /**
   * @param name the app's name: prefixes its child resources and Key Vault secrets
   * @param args the app, its schedule and its vault: see {@link AppCredentialArgs}
   * @param opts the component's options; an alias to its former type is added
   * @throws ConfigError naming every invalid argument, before any child resource is registered
   */
  constructor(name: string, args: AppCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    const nowMs = runDeploymentInstant();
    const app = validateAppCredentialArgs(name, args, nowMs);
    super(APP_CREDENTIAL_TYPE, name, {}, withAlias(opts, LEGACY_APP_CREDENTIAL_TYPE));
    const client = azuread.getClientConfigOutput({ parent: this });
    const context: AppContext = {
      nowMs,
      tenantId: client.tenantId,
      deployerObjectId: client.objectId,
      resourceGroupName: args.keyVault.resourceGroupName,
      vaultName: args.keyVault.vaultName,
      subscriptionId: args.keyVault.subscriptionId,
      keyVaultId:
        app.credential === "keyVaultCertificate" ? vaultId(args.keyVault, this) : undefined,
    };
    const trigger = args.rotationTrigger;
    let pick: <T>(read: (resources: AppResources) => pulumi.Input<T>) => pulumi.Output<T>;
    if (trigger === undefined || typeof trigger === "string") {
      const resources = declareAppResources(app, context, this);
      declared.set(this, resources);
      pick = (read) => pulumi.output(read(resources)) as pulumi.Output<never>;
    } else {
      // A trigger given as an Output: its value is known at preview (a secret or config value),
      // but only asynchronously; the app is declared once it is, with a digest in its place.
      let resources: AppResources | undefined;
      const given = pulumi.output(trigger);
      refuseUnknownTrigger(name, given, this);
      const ready = pulumi.unsecret(
        given.apply((value) => {
          resources = declareAppResources(
            validateAppCredentialArgs(name, args, nowMs, secretTriggerDigest(name, value)),
            context,
            this,
          );
          return true;
        }),
      );
      pick = (read) =>
        ready.apply(() => read(resources as AppResources)) as unknown as pulumi.Output<never>;
    }
    this.clientId = pick((r) => r.clientId);
    this.tenantId = client.tenantId;
    this.applicationObjectId = pick((r) => r.applicationObjectId);
    this.servicePrincipalObjectId = pick((r) => r.servicePrincipalObjectId);
    this.activeKeyId = pick((r) => r.credentials?.active.keyId);
    this.activeEndDate = pick((r) => r.credentials?.active.endDate);
    this.nextRotation = pick((r) => r.credentials?.nextRotation);
    this.activeThumbprint = pick((r) => r.credentials?.active.thumbprint);
    const handOver = app.credential === "password" ? "clientSecretUri" : "clientCertificateUri";
    this.clientSecretUri = pick((r) =>
      handOver === "clientSecretUri" && app.credential !== "federated"
        ? r.secrets.credentialSecretUri
        : undefined,
    );
    this.clientCertificateUri = pick((r) =>
      handOver === "clientCertificateUri" && app.credential !== "federated"
        ? r.secrets.credentialSecretUri
        : undefined,
    );
    this.secretUris = pick((r) => secretUrisOf(r));
    this.consumers = pick((r) => consumersOf(r));
    this.federatedCredentials = pick((r) => federatedOf(r));
    this.registerOutputs({
      clientId: this.clientId,
      tenantId: this.tenantId,
      applicationObjectId: this.applicationObjectId,
      servicePrincipalObjectId: this.servicePrincipalObjectId,
      activeKeyId: this.activeKeyId,
      activeEndDate: this.activeEndDate,
      nextRotation: this.nextRotation,
      activeThumbprint: this.activeThumbprint,
      clientSecretUri: this.clientSecretUri,
      clientCertificateUri: this.clientCertificateUri,
      secretUris: this.secretUris,
      consumers: this.consumers,
      federatedCredentials: this.federatedCredentials,
    });
  }
}

/**
 * The resources an {@link AppCredential} declared, for the stack program's outputs.
 *
 * @internal not part of the package's API (stripped from its declarations)
 * @throws Error when the component was given its trigger as an Output (declared later)
 */
export function appResourcesOf(component: AppCredential): AppResources {
  const resources = declared.get(component);
  if (!resources) throw new Error("this AppCredential declares its resources asynchronously");
  return resources;
}

/**
 * The resolved app an {@link AppCredential} would declare (for tests and tools), without
 * declaring it.
 *
 * @internal not part of the package's API (stripped from its declarations)
 */
export function resolveAppCredential(
  name: string,
  args: AppCredentialArgs,
  nowMs: number,
): AppConfig {
  return validateAppCredentialArgs(name, args, nowMs);
}

/** `opts` with an alias to a former type token added to its aliases. */
export function withAlias(
  opts: pulumi.ComponentResourceOptions | undefined,
  type: string,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type }] };
}

/**
 * The vault's ARM id: given, or composed from the subscription (given, else the deploying
 * identity's), the resource group and the name, in the form Azure Resource Manager returns it.
 */
function vaultId(keyVault: KeyVault, parent: pulumi.Resource): pulumi.Input<string> {
  if (keyVault.vaultId !== undefined) return keyVault.vaultId;
  const subscriptionId =
    keyVault.subscriptionId ?? authorization.getClientConfigOutput({ parent }).subscriptionId;
  return pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${keyVault.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${keyVault.vaultName}`;
}

/**
 * A trigger that is unknown at preview (computed from a resource not yet created) would declare
 * none of the app's resources in the preview: the preview would show them all deleted and the
 * policy pack would see nothing. Logged as an error on the component, which fails the preview
 * (the engine fails a run that logged an error), naming the field.
 *
 * Whether an Output is known is not in @pulumi/pulumi's declarations: `OutputImpl.isKnown`
 * (output.js), a promise; when it is missing (another SDK version) nothing is checked.
 */
function refuseUnknownTrigger(
  name: string,
  trigger: pulumi.Output<string>,
  component: pulumi.Resource,
): void {
  const known = (trigger as unknown as { isKnown?: Promise<boolean> }).isKnown;
  if (!(known instanceof Promise) || !pulumi.runtime.isDryRun()) return;
  void known.then((isKnown) => {
    if (isKnown) return;
    void pulumi.log.error(
      `${name}.rotationTrigger: (unknown at preview) is invalid; the trigger must be known when the program runs (a literal, a config value or a secret), not computed from a resource that does not exist yet: the app's credentials are declared from it`,
      component,
    );
  });
}

/**
 * What stands for a trigger given as an Output: `sha256-` and the first 16 hex digits of the
 * SHA-256 of the app's name and the value, so the value itself is never stored in any input,
 * and a change still changes every slot's `rotateWhenChanged`.
 *
 * @throws ConfigError when the value is not a string of 1–256 characters (the value is not shown)
 */
export function secretTriggerDigest(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 256) {
    throw new ConfigError(
      [
        `${name}.rotationTrigger: [secret] is invalid; expected a non-empty string of at most 256 characters`,
      ],
      `arguments of AppCredential ${JSON.stringify(name)}`,
    );
  }
  const hex = createHash("sha256").update(`${name}\u0000${value}`).digest("hex");
  return `sha256-${hex.slice(0, 16)}`;
}

/** Versionless URIs of the app's secrets, keyed by secret name. */
function secretUrisOf(resources: AppResources): pulumi.Output<Record<string, string>> {
  const all = resources.secrets.all;
  return pulumi
    .all(all.map((s) => s.uri))
    .apply((uris) => Object.fromEntries(all.map((s, i) => [handedOverLabel(s), uris[i]])));
}

function consumersOf(resources: AppResources): pulumi.Output<AppCredentialConsumer[]> {
  const consumers = resources.consumers;
  return pulumi.all(consumers.map((c) => c.reference)).apply((references) =>
    consumers.map((c, i) => ({
      name: c.name,
      kind: c.kind,
      principalId: c.principalId,
      refresh: c.refresh,
      reference: JSON.stringify(references[i]),
    })),
  );
}

function federatedOf(resources: AppResources): pulumi.Output<AppCredentialFederatedCredential[]> {
  const credentials = resources.federatedCredentials;
  return pulumi.all(credentials.map((c) => c.issuer)).apply((issuers) =>
    credentials.map((c, i) => ({
      name: c.name,
      issuer: issuers[i],
      subject: c.subject,
      audience: c.audience,
    })),
  );
}
