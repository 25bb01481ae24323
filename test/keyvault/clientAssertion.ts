/**
 * The client assertion of a certificate credential whose key never leaves Key Vault
 * (`credential: keyVaultCertificate` with `exportable: false`): the JWT Entra ID expects (Microsoft
 * identity platform, "Microsoft identity platform application authentication certificate
 * credentials", https://learn.microsoft.com/entra/identity-platform/certificate-credentials,
 * "Assertion format"), signed by Key Vault's sign operation through @azure/keyvault-keys'
 * `CryptographyClient.signData`, which hashes the signing input locally and sends only the digest.
 *
 * It builds what MSAL's own certificate assertion holds (@azure/msal-node 5.6.0
 * `ClientAssertion.createJwt`, msal-node.cjs L9751-9783): header `alg` (PS256 with `x5t#S256`, or
 * RS256 with `x5t`), plus `typ: JWT`; claims `aud` (the token endpoint), `iss` = `sub` = the client
 * id, `jti` (a GUID), `nbf` and `exp` 10 minutes later. This is the code docs/certificates.md shows
 * consumers.
 */
import type { CryptographyClient } from "@azure/keyvault-keys";
import { createHash, randomUUID } from "crypto";

/** The two algorithms Entra's certificate credentials document (current page: PS256; older: RS256). */
export type AssertionAlgorithm = "PS256" | "RS256";

/** What the assertion needs. */
export interface KeyVaultAssertionInput {
  /** Signs with the certificate's key: built on the key id of the certificate's version. */
  signer: Pick<CryptographyClient, "signData">;
  /** The certificate (DER) of the same version as the key: its thumbprint goes in the header. */
  certificateDer: Uint8Array;
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token` (or the authority host's). */
  tokenEndpoint: string;
  /** Default PS256 (with `x5t#S256`). */
  algorithm?: AssertionAlgorithm;
  /** Seconds the assertion is valid; default 600, the longest Entra's page advises. */
  lifetimeSeconds?: number;
  /** Now, ms since the Unix epoch (tests). */
  nowMs?: number;
}

/** `x5t`: base64url of the certificate's SHA-1 thumbprint (RFC 7515 §4.1.7). */
export function x5t(der: Uint8Array): string {
  return createHash("sha1").update(der).digest("base64url");
}

/** `x5t#S256`: base64url of the certificate's SHA-256 thumbprint (RFC 7515 §4.1.8). */
export function x5tS256(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64url");
}

/** The compact JWS Entra ID takes as `client_assertion`, signed by Key Vault. */
export async function keyVaultClientAssertion(input: KeyVaultAssertionInput): Promise<string> {
  const algorithm = input.algorithm ?? "PS256";
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  const header =
    algorithm === "PS256"
      ? { alg: "PS256", typ: "JWT", "x5t#S256": x5tS256(input.certificateDer) }
      : { alg: "RS256", typ: "JWT", x5t: x5t(input.certificateDer) };
  const claims = {
    aud: input.tokenEndpoint,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    nbf: now,
    exp: now + (input.lifetimeSeconds ?? 600),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const { result } = await input.signer.signData(algorithm, Buffer.from(signingInput, "utf8"));
  return `${signingInput}.${Buffer.from(result).toString("base64url")}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
