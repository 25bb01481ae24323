import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { parseInstant } from "../policy/core";
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
    const credential = secret(
      isCertificate ? "client-certificate" : "client-secret",
      pulumi.secret(active.secretValue),
      isCertificate ? CONTENT_TYPES.clientCertificate : CONTENT_TYPES.clientSecret,
      {
        keyId: active.keyId,
        endDate: active.endDate,
        slot: String(active.slot),
        generation: String(active.generation),
        ...(active.thumbprint ? { thumbprint: active.thumbprint } : {}),
      },
    );
    this.clientIdSecretId = clientId.id;
    this.tenantIdSecretId = tenantId.id;
    this.credentialSecretId = credential.id;
    this.credentialSecretUri = credential.properties.apply((p) => p.secretUri);
    this.registerOutputs({
      clientIdSecretId: this.clientIdSecretId,
      tenantIdSecretId: this.tenantIdSecretId,
      credentialSecretId: this.credentialSecretId,
      credentialSecretUri: this.credentialSecretUri,
    });
  }
}
