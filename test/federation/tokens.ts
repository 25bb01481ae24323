/**
 * Locally issued JSON Web Tokens for the federation tests: an issuer with an RSA key of its own
 * (node:crypto) that signs RS256 tokens the way the platforms' OIDC providers do (GitHub Actions,
 * a Kubernetes service account issuer, Entra ID for a managed identity), and the decoding the fake
 * token endpoint and the tests use to read what the client sent.
 *
 * The keys live only in memory for one test process; nothing here is a real credential.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, verify } from "crypto";

/** A token's claims (JSON). */
export type Claims = Record<string, unknown>;

/** A decoded token: its header, its claims, and what its signature covers. */
export interface DecodedJwt {
  header: Claims;
  payload: Claims;
  /** `base64url(header).base64url(payload)`. */
  signedPart: string;
  signature: Buffer;
}

/** An OIDC issuer for tests: its `iss` URL and the key that signs its tokens. */
export class TestIssuer {
  /** The key id (`kid`) its tokens carry, as a JWKS would list it. */
  readonly keyId = randomUUID();
  private readonly privateKey: KeyObject;
  /** What a relying party would fetch from the issuer's JWKS. */
  readonly publicKey: KeyObject;

  /** @param issuer the `iss` value, exactly (trailing slash and case included) */
  constructor(readonly issuer: string) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
  }

  /**
   * A token of this issuer: `iss`, `sub`, `aud`, `iat`/`nbf` now, `exp` after `lifetimeSeconds`
   * (default 600), a fresh `jti`, plus `extra` claims (which may override any of those).
   */
  mint(subject: string, audience: string, extra: Claims = {}, lifetimeSeconds = 600): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg: "RS256", typ: "JWT", kid: this.keyId },
      {
        jti: randomUUID(),
        iss: this.issuer,
        sub: subject,
        aud: audience,
        iat: now,
        nbf: now,
        exp: now + lifetimeSeconds,
        ...extra,
      },
      this.privateKey,
    );
  }
}

/** Signs `header.payload` with RSASSA-PKCS1-v1_5 SHA-256 (JWS `RS256`). */
export function signJwt(header: Claims, payload: Claims, privateKey: KeyObject): string {
  const signedPart = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(signedPart), privateKey);
  return `${signedPart}.${signature.toString("base64url")}`;
}

/** Splits and parses a compact JWS; undefined when it is not one (three parts of JSON). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!isClaims(header) || !isClaims(payload)) return undefined;
    return {
      header,
      payload,
      signedPart: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], "base64url"),
    };
  } catch {
    return undefined;
  }
}

/** True when `token` is an RS256 token whose signature `publicKey` verifies. */
export function verifiesWith(token: DecodedJwt, publicKey: KeyObject): boolean {
  return (
    token.header.alg === "RS256" &&
    verify("sha256", Buffer.from(token.signedPart), publicKey, token.signature)
  );
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function isClaims(value: unknown): value is Claims {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
