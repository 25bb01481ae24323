/**
 * app-credentials: Entra ID app registrations whose client secrets and certificates rotate on a
 * schedule, never outlive `maxLifetime` (P2Y at most), and reach the applications that use them
 * through Azure Key Vault.
 *
 * The package's public API (`import { AppCredential } from "app-credentials"`):
 *
 * - {@link AppCredential}: one app, its rotating credentials, its Key Vault secrets and who reads
 *   them; arguments {@link AppCredentialArgs}.
 * - {@link CredentialVault}: a Key Vault for them, existing or created; arguments
 *   {@link CredentialVaultArgs}.
 * - {@link ConfigError}: what both throw, naming every invalid argument, before any resource.
 *
 * Other Pulumi languages use the same components through the component provider in `provider/`
 * (`pulumi package add`). The policy pack that enforces the same rules is in `policy/`.
 */
export {
  AppCredential,
  APP_CREDENTIAL_TYPE,
  LEGACY_APP_CREDENTIAL_TYPE,
  secretTriggerDigest,
} from "./appCredential";
export type { AppCredentialConsumer, AppCredentialFederatedCredential } from "./appCredential";
export {
  ConsumerIdentity,
  ConsumerKind,
  CredentialKind,
  SignInAudience,
} from "./appCredentialArgs";
export type {
  AppCredentialArgs,
  Consumer,
  ExistingApp,
  FederatedCredential,
  GithubActionsTrust,
  KeyVault,
  KubernetesTrust,
  ManagedIdentityTrust,
  Rotation,
} from "./appCredentialArgs";
export {
  CredentialVault,
  CREDENTIAL_VAULT_TYPE,
  LEGACY_CREDENTIAL_VAULT_TYPE,
} from "./credentialVault";
export type { CredentialVaultArgs, ExistingVault, NewVault } from "./credentialVault";
export { ConfigError } from "./config/configError";
export { NOW_VARIABLE } from "./instant";
