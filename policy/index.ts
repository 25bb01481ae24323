/**
 * The `app-credential-policies` CrossGuard policy pack. Importing this module starts the pack's
 * gRPC server (as `pulumi preview --policy-pack` expects), so tests import the policy modules
 * under ./policies instead.
 *
 * The engine runs the compiled `bin/index.js` (package.json `main`), see lib/compiled.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { assertCompiledUpToDate } from "./lib/compiled";
import { credentialExpiringSoon } from "./policies/credential-expiring-soon";
import { credentialMaxLifetime } from "./policies/credential-max-lifetime";
import { credentialRotatesBeforeExpiry } from "./policies/credential-rotates-before-expiry";
import { credentialRotationRequired } from "./policies/credential-rotation-required";
import { keyVaultSecretContentType } from "./policies/keyvault-secret-content-type";
import { keyVaultSecretExpiry } from "./policies/keyvault-secret-expiry";

assertCompiledUpToDate(__filename);

new PolicyPack("app-credential-policies", {
  description:
    "Entra ID credentials and Key Vault secrets must not outlive the maximum lifetime and must rotate before they expire.",
  policies: [
    credentialMaxLifetime,
    credentialRotationRequired,
    credentialRotatesBeforeExpiry,
    keyVaultSecretExpiry,
    credentialExpiringSoon,
    keyVaultSecretContentType,
  ],
});
