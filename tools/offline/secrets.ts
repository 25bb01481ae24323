/**
 * Secret values inside a program run: compared without being known, and kept out of every output.
 *
 * - {@link fingerprintSecrets}: a keyed fingerprint (HMAC-SHA256 with a random key per preview,
 *   never printed) of each top-level input holding a secret, so two runs can tell whether a secret
 *   input changed (the churn check) without the value leaving the child process.
 * - {@link SecretScrubber}: the values the simulated providers return as secrets (a password's
 *   `value`) are known in a simulation, unlike in a real preview; a program that strips their
 *   secretness (`pulumi.unsecret`) would put them in another resource's recorded inputs. The scrubber
 *   replaces any recorded string containing one of them by the placeholder.
 */
import { createHmac } from "crypto";
import { isSecretWrapper, stripSecrets } from "./simulator/wire";

/** Only PEM certificates, no private key: public material, never scrubbed. */
const PUBLIC_CERTIFICATE =
  /^\s*(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*)+$/;

/** Secrets shorter than this are not scrubbed from other values (too likely to match by chance). */
const MIN_SCRUB_LENGTH = 8;

/** True when the wire-format value holds a secret anywhere inside. */
export function containsSecret(value: unknown): boolean {
  if (isSecretWrapper(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** Every string inside a secret wrapper of the wire-format value. */
export function secretStrings(value: unknown, inSecret = false): string[] {
  if (isSecretWrapper(value)) return secretStrings(value.value, true);
  if (typeof value === "string") return inSecret ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretStrings(v, inSecret));
  if (value && typeof value === "object") {
    return Object.values(value).flatMap((v) => secretStrings(v, inSecret));
  }
  return [];
}

/**
 * A keyed fingerprint of a wire-format value, secrets included (their text never leaves the
 * process: only the fingerprint does).
 *
 * @param key the HMAC key (random per preview, never printed)
 * @returns 32 hex characters
 */
export function fingerprint(key: string, wire: unknown): string {
  return createHmac("sha256", key)
    .update(JSON.stringify(stripSecrets(wire)) ?? "undefined")
    .digest("hex")
    .slice(0, 32);
}

/**
 * Fingerprints of the top-level properties of a wire-format object that hold a secret.
 *
 * @param key the HMAC key (random per preview, shared by its program runs, never printed)
 * @param wire the registration's inputs as the runtime sent them (secret wrappers included)
 * @returns property name → 32 hex characters
 */
export function fingerprintSecrets(
  key: string,
  wire: Record<string, unknown>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(wire)) {
    if (containsSecret(value)) result[name] = fingerprint(key, value);
  }
  return result;
}

/** Replaces recorded strings that contain a known secret value (see the module comment). */
export class SecretScrubber {
  /** Remembered secrets by their first {@link MIN_SCRUB_LENGTH} characters. */
  private readonly byPrefix = new Map<string, string[]>();
  private readonly known = new Set<string>();

  constructor(private readonly placeholder: string) {}

  /**
   * Remembers a secret value (ignored when shorter than 8 characters, and when it is an X.509
   * certificate in PEM: providers mark a key credential's `value` secret, but a certificate is
   * public — the key is what is secret — and the preview reads its thumbprint and notAfter).
   */
  add(secret: string): void {
    if (secret.length < MIN_SCRUB_LENGTH || this.known.has(secret)) return;
    if (PUBLIC_CERTIFICATE.test(secret)) return;
    this.known.add(secret);
    const prefix = secret.slice(0, MIN_SCRUB_LENGTH);
    const list = this.byPrefix.get(prefix);
    if (list) list.push(secret);
    else this.byPrefix.set(prefix, [secret]);
  }

  /** Number of secret values remembered. */
  get size(): number {
    return this.known.size;
  }

  /** True when `text` contains a remembered secret value. */
  leaks(text: string): boolean {
    if (this.known.size === 0 || text.length < MIN_SCRUB_LENGTH) return false;
    if (this.known.has(text)) return true;
    for (let i = 0; i + MIN_SCRUB_LENGTH <= text.length; i++) {
      const candidates = this.byPrefix.get(text.slice(i, i + MIN_SCRUB_LENGTH));
      if (candidates?.some((secret) => text.startsWith(secret, i))) return true;
    }
    return false;
  }

  /**
   * A copy of a JSON value in which every string containing a remembered secret is the
   * placeholder.
   * @returns the value itself when nothing is remembered
   */
  scrub<T>(value: T): T {
    if (this.known.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === "string") return this.leaks(value) ? this.placeholder : value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v)]));
    }
    return value;
  }
}
