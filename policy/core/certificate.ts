/**
 * The `notAfter` instant of a certificate credential's `value`, read with node's
 * `crypto.X509Certificate`. azuread's `encoding` says how `value` is written: `pem` (default,
 * a PEM block), `base64` (base64 of the DER bytes) or `hex` (hex of the DER bytes).
 */
import { X509Certificate } from "crypto";
import { Parsed } from "./iso8601";

/** Longest certificate value we try to parse (characters); larger inputs are rejected. */
const MAX_VALUE_LENGTH = 65_536;

/**
 * Reads the certificate's notAfter.
 *
 * @param value the certificate as configured (string)
 * @param encoding `pem` | `base64` | `hex`; `undefined`/`null` means `pem`
 * @returns notAfter in milliseconds since the Unix epoch, or a reason. Never throws.
 */
export function certificateNotAfter(value: unknown, encoding: unknown): Parsed<number> {
  if (typeof value !== "string" || value.length === 0) {
    return { ok: false, reason: "the certificate value is not set" };
  }
  if (value.length > MAX_VALUE_LENGTH) {
    return {
      ok: false,
      reason: `the certificate value is longer than ${MAX_VALUE_LENGTH} characters`,
    };
  }
  const enc = encoding ?? "pem";
  let input: string | Buffer;
  if (enc === "pem") input = value;
  else if (enc === "base64") input = Buffer.from(value, "base64");
  else if (enc === "hex") input = Buffer.from(value, "hex");
  else
    return {
      ok: false,
      reason: `encoding must be "pem", "base64" or "hex", got ${JSON.stringify(String(enc)).slice(0, 70)}`,
    };
  try {
    const certificate = new X509Certificate(input);
    const notAfter = Date.parse(certificate.validTo);
    if (!Number.isFinite(notAfter)) {
      return {
        ok: false,
        reason: `the certificate's notAfter ${JSON.stringify(certificate.validTo)} cannot be read`,
      };
    }
    return { ok: true, value: notAfter };
  } catch {
    return { ok: false, reason: `the certificate value is not a ${enc}-encoded X.509 certificate` };
  }
}
