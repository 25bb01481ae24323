/**
 * Every policy of the `app-credential-policies` pack, in the order the pack serves them. Importing
 * this module starts nothing (unlike ../index.ts), so tools that apply the pack's rules outside
 * the engine — the offline preview's config checks, the tenant audit — read names, enforcement
 * levels and config schemas from here.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { consumerRefreshOverlap } from "./consumer-refresh-overlap";
import { credentialExpired } from "./credential-expired";
import { credentialEndDateIgnored } from "./credential-end-date-ignored";
import { credentialExpiringSoon } from "./credential-expiring-soon";
import { credentialFederationAvailable } from "./credential-federation-available";
import { credentialMaxLifetime } from "./credential-max-lifetime";
import { credentialPrivateKeyInState } from "./credential-private-key-in-state";
import { credentialRotatesBeforeExpiry } from "./credential-rotates-before-expiry";
import { credentialRotationRequired } from "./credential-rotation-required";
import { federatedCredentialSubjectScope } from "./federated-credential-subject-scope";
import { federatedCredentialTrustAdvisory } from "./federated-credential-trust-advisory";
import { keyVaultSecretContentType } from "./keyvault-secret-content-type";
import { keyVaultSecretExpiry } from "./keyvault-secret-expiry";
import { keyVaultSecretReaderScope } from "./keyvault-secret-reader-scope";

/** The pack's policies with the system clock, as the engine runs them. */
export const ALL_POLICIES: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
  credentialMaxLifetime,
  credentialRotationRequired,
  credentialRotatesBeforeExpiry,
  keyVaultSecretExpiry,
  credentialExpired,
  credentialExpiringSoon,
  keyVaultSecretContentType,
  credentialEndDateIgnored,
  consumerRefreshOverlap,
  keyVaultSecretReaderScope,
  credentialPrivateKeyInState,
  federatedCredentialSubjectScope,
  federatedCredentialTrustAdvisory,
  credentialFederationAvailable,
];
