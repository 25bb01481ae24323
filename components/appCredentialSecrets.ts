import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { CONSUMER_REFRESH_TAG, parseInstant } from "../policy/core";
import { SlotCredential } from "./credentials";
import { expiresSeconds } from "./rotation";

/** Arguments of {@link AppCredentialSecrets}. */
export interface AppCredentialSecretsArgs {
  /** The app's name: secrets are named `<appName>-client-id`, `-tenant-id`, and the credential's. */
  appName: string;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  /**
   * The active credential: a password's text goes to `<appName>-client-secret`, a certificate and
   * its private key (PEM) to `<appName>-client-certificate`, with its keyId, endDate, slot and
   * generation (and a certificate's thumbprint) as tags.
   */
  active: SlotCredential;
  /**
   * Schedule markers of the active credential (`rotation-window`, `rotation-slot`; see
   * policy/core/schedule.ts), written as tags of the credential's secret so the policy pack can
   * check the consumers' overlap from the secret alone.
   */
  schedule: Record<string, string>;
  /** The slowest consumer's refresh (ISO 8601), tagged `consumer-refresh`; absent without consumers. */
  consumerRefresh?: string;
}

/** One Key Vault secret as the rest of the stack sees it. */
export interface HandedOverSecret {
  /** `<app>-client-id`, `<app>-tenant-id`, `<app>-client-secret` or `<app>-client-certificate`. */
  name: string;
  /** ARM resource id: the scope of its readers' role assignments. */
  id: pulumi.Output<string>;
  /** Versionless data-plane URI, e.g. `https://<vault>.vault.azure.net/secrets/<name>`. */
  uri: pulumi.Output<string>;
}

/** Content types written to the secrets, read by humans in the portal and by the policy pack. */
export const CONTENT_TYPES = {
  clientId: "text/plain; entra-client-id",
  tenantId: "text/plain; entra-tenant-id",
  clientSecret: "text/plain; entra-client-secret",
  /** A PEM file holding the certificate and its private key. */
  clientCertificate: "application/x-pem-file",
} as const;

/**
 * Key Vault secrets that hand an app's credential to its code: `<app>-client-id`, `<app>-tenant-id`
 * and either `<app>-client-secret` (the active password's value) or `<app>-client-certificate`
 * (the active certificate and its private key, PEM).
 *
 * All three expire with the active credential: `attributes.expires` is its end date in **seconds**
 * since the Unix epoch (the ARM unit), so nothing in the vault outlives the credential. The
 * credential's secret is tagged with its `keyId`, `endDate`, `slot` and `generation` (and
 * `thumbprint` for a certificate); through the `keyId` tag it depends on the credential itself, so
 * a credential that Entra ID refused is never handed over. Updating the value creates a new secret
 * version; readers of the latest version pick it up.
 */
export class AppCredentialSecrets extends pulumi.ComponentResource {
  readonly clientIdSecretId: pulumi.Output<string>;
  readonly tenantIdSecretId: pulumi.Output<string>;
  /** The id of `<app>-client-secret` or `<app>-client-certificate`. */
  readonly credentialSecretId: pulumi.Output<string>;
  /** The three secrets: client id, tenant id, then the credential's. */
  readonly all: HandedOverSecret[];
  /**
   * Versionless data-plane URI of the credential's secret, e.g.
   * `https://<vault>.vault.azure.net/secrets/<app>-client-secret`.
   */
  readonly credentialSecretUri: pulumi.Output<string>;

  constructor(
    name: string,
    args: AppCredentialSecretsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("app-credentials:keyvault:AppCredentialSecrets", name, {}, opts);
    const end = parseInstant(args.active.endDate);
    if (!end.ok) throw new Error(`active credential endDate: ${end.reason}`);
    const expires = expiresSeconds(end.value);
    const common = {
      resourceGroupName: args.resourceGroupName,
      vaultName: args.vaultName,
    };
    const secret = (
      suffix: string,
      value: pulumi.Input<string>,
      contentType: string,
      tags: Record<string, pulumi.Input<string>>,
    ) =>
      new keyvault.Secret(
        `${name}-${suffix}`,
        {
          ...common,
          secretName: `${args.appName}-${suffix}`,
          properties: { value, contentType, attributes: { enabled: true, expires } },
          tags: { app: args.appName, "managed-by": "app-credentials", ...tags },
        },
        { parent: this },
      );
    const clientId = secret("client-id", args.clientId, CONTENT_TYPES.clientId, {});
    const tenantId = secret("tenant-id", args.tenantId, CONTENT_TYPES.tenantId, {});
    const active = args.active;
    const isCertificate = active.kind === "certificate";
    const credentialSuffix = isCertificate ? "client-certificate" : "client-secret";
    const credential = secret(
      credentialSuffix,
      pulumi.secret(active.secretValue),
      isCertificate ? CONTENT_TYPES.clientCertificate : CONTENT_TYPES.clientSecret,
      {
        keyId: active.keyId,
        endDate: active.endDate,
        slot: String(active.slot),
        generation: String(active.generation),
        ...(active.thumbprint ? { thumbprint: active.thumbprint } : {}),
        ...args.schedule,
        ...(args.consumerRefresh ? { [CONSUMER_REFRESH_TAG]: args.consumerRefresh } : {}),
      },
    );
    const uri = (s: keyvault.Secret) => s.properties.apply((p) => p.secretUri);
    this.all = [
      { name: `${args.appName}-client-id`, id: clientId.id, uri: uri(clientId) },
      { name: `${args.appName}-tenant-id`, id: tenantId.id, uri: uri(tenantId) },
      { name: `${args.appName}-${credentialSuffix}`, id: credential.id, uri: uri(credential) },
    ];
    this.clientIdSecretId = clientId.id;
    this.tenantIdSecretId = tenantId.id;
    this.credentialSecretId = credential.id;
    this.credentialSecretUri = this.all[2].uri;
    this.registerOutputs({
      clientIdSecretId: this.clientIdSecretId,
      tenantIdSecretId: this.tenantIdSecretId,
      credentialSecretId: this.credentialSecretId,
      credentialSecretUri: this.credentialSecretUri,
    });
  }
}
