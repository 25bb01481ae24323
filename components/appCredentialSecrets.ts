import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { CONSUMER_IDENTITIES_TAG, CONSUMER_REFRESH_TAG, parseInstant } from "../policy/core";
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
  active: SlotCredential | undefined;
  /**
   * When all the secrets expire, RFC 3339: the active credential's end date; for an app without a
   * rotating credential (`federated`), the end date its schedule gives the current window, which is
   * stable inside a window and never beyond `maxLifetime`.
   */
  expires: string;
  /**
   * Schedule markers of the active credential (`rotation-window`, `rotation-slot`; see
   * policy/core/schedule.ts), written as tags of the credential's secret so the policy pack can
   * check the consumers' overlap from the secret alone.
   */
  schedule: Record<string, string>;
  /** The slowest consumer's refresh (ISO 8601), tagged `consumer-refresh`; absent without consumers. */
  consumerRefresh?: string;
  /** The consumers' identities, tagged `consumer-identities` (`-`: not known); absent without consumers. */
  consumerIdentities?: string;
  /**
   * What hands the credential over when the stack writes no secret for it (a certificate Key Vault
   * generated: its companion secret, or its key when not exportable).
   */
  handOver?: readonly HandedOverSecret[];
}

/** One Key Vault item that hands the credential over, as the rest of the stack sees it. */
export interface HandedOverSecret {
  /**
   * `<app>-client-id`, `<app>-tenant-id`, `<app>-client-secret`, `<app>-client-certificate`, or a
   * Key Vault-generated certificate's `<app>-client-cert`.
   */
  name: string;
  /** ARM resource id: the scope of its readers' role assignments. */
  id: pulumi.Output<string>;
  /** Versionless data-plane URI, e.g. `https://<vault>.vault.azure.net/secrets/<name>`. */
  uri: pulumi.Output<string>;
  /** What kind of Key Vault object it is (default `secret`), as the AKS CSI driver names them. */
  objectType?: "secret" | "key" | "cert";
  /**
   * The built-in role consumers need on it (GUID); default `Key Vault Secrets User`. A
   * non-exportable key is used through Key Vault's sign operation: `Key Vault Crypto User`.
   */
  roleId?: string;
}

/** How outputs name a handed-over item: its Key Vault name, with its kind when not a secret. */
export function handedOverLabel(item: Pick<HandedOverSecret, "name" | "objectType">): string {
  return item.objectType && item.objectType !== "secret"
    ? `${item.name} (${item.objectType})`
    : item.name;
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
  /** The id of `<app>-client-secret` or `<app>-client-certificate`; undefined without one. */
  readonly credentialSecretId: pulumi.Output<string> | undefined;
  /** The secrets: client id, tenant id, then the credential's (when there is one). */
  readonly all: HandedOverSecret[];
  /**
   * Versionless data-plane URI of the credential's secret, e.g.
   * `https://<vault>.vault.azure.net/secrets/<app>-client-secret`; undefined without one.
   */
  readonly credentialSecretUri: pulumi.Output<string> | undefined;

  constructor(
    name: string,
    args: AppCredentialSecretsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("app-credentials:keyvault:AppCredentialSecrets", name, {}, opts);
    const end = parseInstant(args.expires);
    if (!end.ok) throw new Error(`secrets' expiry: ${end.reason}`);
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
    const uri = (s: keyvault.Secret) => s.properties.apply((p) => p.secretUri);
    this.all = [
      { name: `${args.appName}-client-id`, id: clientId.id, uri: uri(clientId) },
      { name: `${args.appName}-tenant-id`, id: tenantId.id, uri: uri(tenantId) },
    ];
    this.clientIdSecretId = clientId.id;
    this.tenantIdSecretId = tenantId.id;
    const active = args.active;
    if (args.handOver && args.handOver.length > 0) {
      this.all.push(...args.handOver);
      this.credentialSecretId = args.handOver[0].id;
      this.credentialSecretUri = args.handOver[0].uri;
    } else if (active?.secretValue) {
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
          ...(args.consumerIdentities
            ? { [CONSUMER_IDENTITIES_TAG]: args.consumerIdentities }
            : {}),
        },
      );
      this.all.push({
        name: `${args.appName}-${credentialSuffix}`,
        id: credential.id,
        uri: uri(credential),
      });
      this.credentialSecretId = credential.id;
      this.credentialSecretUri = this.all[2].uri;
    }
    this.registerOutputs({
      clientIdSecretId: this.clientIdSecretId,
      tenantIdSecretId: this.tenantIdSecretId,
      credentialSecretId: this.credentialSecretId,
      credentialSecretUri: this.credentialSecretUri,
    });
  }
}
