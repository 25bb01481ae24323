import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { parseInstant } from "../policy/lib/iso8601";
import { expiresSeconds } from "./rotation";
import { SlotPassword } from "./rotatingPasswords";

/** Arguments of {@link AppCredentialSecrets}. */
export interface AppCredentialSecretsArgs {
  /** The app's name: secrets are named `<appName>-client-id`, `-tenant-id`, `-client-secret`. */
  appName: string;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  /** The active password: its value, keyId and endDate are written to `<appName>-client-secret`. */
  active: SlotPassword;
}

/** Content types written to the secrets, read by humans in the portal and by the policy pack. */
export const CONTENT_TYPES = {
  clientId: "text/plain; entra-client-id",
  tenantId: "text/plain; entra-tenant-id",
  clientSecret: "text/plain; entra-client-secret",
} as const;

/**
 * Key Vault secrets that hand an app's credential to its code:
 * `<app>-client-id`, `<app>-tenant-id` and `<app>-client-secret` (the active password's value).
 *
 * All three expire with the active password: `attributes.expires` is its end date in **seconds**
 * since the Unix epoch (the ARM unit), so nothing in the vault outlives the credential. The client
 * secret is tagged with the password's `keyId`, `endDate`, `slot` and `generation`. Updating the
 * value creates a new secret version; readers of the latest version pick it up.
 */
export class AppCredentialSecrets extends pulumi.ComponentResource {
  readonly clientIdSecretId: pulumi.Output<string>;
  readonly tenantIdSecretId: pulumi.Output<string>;
  readonly clientSecretSecretId: pulumi.Output<string>;
  /** Versionless data-plane URI of the client secret, e.g. `https://<vault>.vault.azure.net/secrets/<app>-client-secret`. */
  readonly clientSecretUri: pulumi.Output<string>;

  constructor(
    name: string,
    args: AppCredentialSecretsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("app-credentials:keyvault:AppCredentialSecrets", name, {}, opts);
    const end = parseInstant(args.active.endDate);
    if (!end.ok) throw new Error(`active password endDate: ${end.reason}`);
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
    const clientSecret = secret(
      "client-secret",
      pulumi.secret(args.active.value),
      CONTENT_TYPES.clientSecret,
      {
        keyId: args.active.keyId,
        endDate: args.active.endDate,
        slot: String(args.active.slot),
        generation: String(args.active.generation),
      },
    );
    this.clientIdSecretId = clientId.id;
    this.tenantIdSecretId = tenantId.id;
    this.clientSecretSecretId = clientSecret.id;
    this.clientSecretUri = clientSecret.properties.apply((p) => p.secretUri);
    this.registerOutputs({
      clientIdSecretId: this.clientIdSecretId,
      tenantIdSecretId: this.tenantIdSecretId,
      clientSecretSecretId: this.clientSecretSecretId,
      clientSecretUri: this.clientSecretUri,
    });
  }
}
