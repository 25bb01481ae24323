/**
 * Private keys generated in a Pulumi program, as a stack policy sees them behind a credential.
 *
 * A `tls.PrivateKey` (`tls:index/privateKey:PrivateKey`, terraform-provider-tls
 * `tls_private_key`) generates its key in the provider and returns it as outputs
 * (`privateKeyPem`, `privateKeyPemPkcs8`, `privateKeyOpenssh`: Sensitive in the provider's schema,
 * see ./provider-facts/tls.ts), which Pulumi stores in the state, encrypted as secrets: every
 * checkpoint, backup and `pulumi stack export` of the stack holds it. A certificate credential
 * whose `value` comes from a certificate signed with such a key (a `tls.SelfSignedCert`'s
 * `privateKeyPem`, a `tls.CertRequest`'s behind a `tls.LocallySignedCert`) can be used by whoever
 * decrypts one of those copies. A key Key Vault generates (an `azure.keyvault.Certificate` from a
 * certificate policy) never passes through Pulumi: in generate mode the provider keeps only the
 * public certificate, ids and attributes in the state (terraform-provider-azurerm
 * key_vault_certificate_resource.go: the `certificate` contents are for import only).
 *
 * The chain is followed through every property dependency, up to {@link MAX_DEPTH} resources
 * deep, except a `tls.LocallySignedCert`'s CA inputs (`caPrivateKeyPem`, `caCertPem`): the CA's key
 * signs the certificate but is not the credential's key, and Entra ID trusts the certificate
 * itself, not its issuer.
 *
 * Pure, never throws.
 */
import type { PolicyResource } from "@pulumi/policy";
import { MAX_DEPTH } from "./certificate-schedule";
import { walkDependencies } from "./dependency-chain";
import { TLS_LOCALLY_SIGNED_CERT, TLS_PRIVATE_KEY } from "./resource-types";

/** A `tls.LocallySignedCert`'s inputs naming its CA (not followed). */
const CA_INPUTS: readonly string[] = ["caPrivateKeyPem", "caCertPem"];

/**
 * The `tls.PrivateKey` resources reachable from `sources` through property dependencies (see the
 * module comment), in the order found.
 *
 * @param skip URNs never visited (the credential itself)
 */
export function generatedPrivateKeys(
  sources: readonly PolicyResource[],
  skip: readonly string[] = [],
): PolicyResource[] {
  const found: PolicyResource[] = [];
  walkDependencies(
    sources,
    MAX_DEPTH,
    (resource) => (typeof resource === "object" && resource !== null ? resource.urn : undefined),
    (resource) =>
      resource.type === TLS_PRIVATE_KEY
        ? []
        : Object.entries(resource.propertyDependencies ?? {}).flatMap(([key, deps]) =>
            Array.isArray(deps) &&
            !(resource.type === TLS_LOCALLY_SIGNED_CERT && CA_INPUTS.includes(key))
              ? deps
              : [],
          ),
    (resource) => {
      if (resource.type === TLS_PRIVATE_KEY) found.push(resource);
    },
    skip,
  );
  return found;
}
