/**
 * The simulated `tls` and `random` resources behind rotating certificates, and Graph's rule for a
 * key credential's dates.
 *
 * - `tls.PrivateKey`: real RSA keys, drawn from a small pool (an RSA key takes ~100 ms to generate;
 *   thousands of simulated apps share a few), chosen by a hash of the resource's URN. The pool is
 *   generated once per machine and kept in the OS's temporary directory, so every simulated run
 *   (the offline preview runs the program several times, in separate processes) draws the same
 *   keys and issues the same certificates for the same inputs and instant. Only the simulation
 *   ever sees them; recorded outputs mask them.
 * - `tls.SelfSignedCert`: a real X.509 certificate (built with node-forge, signed with Node's
 *   crypto) valid from the simulated clock for `validityPeriodHours`, as the tls provider issues it
 *   (terraform-provider-tls internal/provider/resource_self_signed_cert.go: validity starts at
 *   creation).
 * - `random.RandomId`: a deterministic id from the URN and the `keepers`, which force replacement.
 * - A key credential whose `endDateTime` is after the certificate's notAfter is refused by Graph
 *   with 400 "Key credential end date is invalid." (Azure/azure-cli#11146,
 *   Azure/azure-rest-api-specs#11985).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  X509Certificate,
} from "crypto";
import * as fs from "fs";
import type * as Forge from "node-forge";
import * as os from "os";
import * as path from "path";

const KEY_POOL_SIZE = 4;
/** Where the pool is kept between processes (PKCS#8 PEM keys, JSON). */
export const KEY_POOL_FILE = path.join(os.tmpdir(), "app-credentials-simulated-rsa-keys-v1.json");
let keyPool: KeyObject[] | undefined;

/**
 * The pool of simulated RSA 2048 keys: read from {@link KEY_POOL_FILE}, or generated and written
 * there (atomically: written aside, then renamed). The offline preview calls this before it starts
 * its program runs, so concurrent runs never generate pools of their own.
 */
export function ensureSimulatedKeyPool(): KeyObject[] {
  if (keyPool) return keyPool;
  try {
    const pems = JSON.parse(fs.readFileSync(KEY_POOL_FILE, "utf8")) as unknown;
    if (Array.isArray(pems) && pems.length === KEY_POOL_SIZE) {
      keyPool = pems.map((pem) => createPrivateKey(String(pem)));
      return keyPool;
    }
  } catch {
    // Missing or unreadable: generate it.
  }
  const keys = Array.from(
    { length: KEY_POOL_SIZE },
    () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  );
  const aside = `${KEY_POOL_FILE}.${process.pid}`;
  try {
    fs.writeFileSync(
      aside,
      JSON.stringify(keys.map((k) => k.export({ type: "pkcs8", format: "pem" }).toString())),
      { mode: 0o600 },
    );
    fs.renameSync(aside, KEY_POOL_FILE);
  } catch {
    // A read-only temporary directory: this process keeps its own pool.
  }
  keyPool = keys;
  return keyPool;
}

/** A pooled RSA 2048 private key for this seed. */
function pooledKey(seed: string): KeyObject {
  const index = createHash("sha256").update(seed).digest().readUInt32BE(0) % KEY_POOL_SIZE;
  return ensureSimulatedKeyPool()[index];
}

/** Outputs of a simulated `tls.PrivateKey` (RSA). */
export function simulatePrivateKey(seed: string): Record<string, string> {
  const key = pooledKey(seed);
  const publicKey = createPublicKey(key);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return {
    privateKeyPem: key.export({ type: "pkcs1", format: "pem" }).toString(),
    privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem,
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256")
      .update(publicKey.export({ type: "spki", format: "der" }))
      .digest("base64")}`,
  };
}

/** The parts of `tls.SelfSignedCert` inputs the simulation reads. */
export interface SelfSignedCertInputs {
  privateKeyPem?: unknown;
  validityPeriodHours?: unknown;
  subject?: unknown;
  allowedUses?: unknown;
}

/**
 * A simulated `tls.SelfSignedCert`: a real certificate signed by the given key.
 *
 * @param nowMs the simulated creation instant, ms since the epoch (notBefore)
 * @returns `certPem`, `validityStartTime`, `validityEndTime` (RFC 3339), or an error text
 */
export function simulateSelfSignedCert(
  seed: string,
  inputs: SelfSignedCertInputs,
  nowMs: number,
): Record<string, unknown> | string {
  if (typeof inputs.privateKeyPem !== "string") return "privateKeyPem is required";
  const hours = Number(inputs.validityPeriodHours);
  if (!Number.isInteger(hours) || hours <= 0)
    return "validityPeriodHours must be a positive whole number";
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(inputs.privateKeyPem);
  } catch {
    return "privateKeyPem is not a PEM private key";
  }
  const nodeKey = createPublicKey(privateKey);
  // Loaded on first use: programs without certificates never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = require("node-forge") as typeof Forge;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(
    nodeKey.export({ type: "spki", format: "pem" }).toString(),
  );
  certificate.serialNumber = `01${createHash("sha256").update(`${seed}#serial`).digest("hex").slice(0, 30)}`;
  const notBefore = Math.floor(nowMs / 1000) * 1000;
  certificate.validity.notBefore = new Date(notBefore);
  certificate.validity.notAfter = new Date(notBefore + hours * 3_600_000);
  const subject = (inputs.subject ?? {}) as Record<string, unknown>;
  const attributes: Forge.pki.CertificateField[] = [];
  if (typeof subject.commonName === "string")
    attributes.push({ name: "commonName", value: subject.commonName });
  if (typeof subject.serialNumber === "string")
    attributes.push({ name: "serialNumber", value: subject.serialNumber });
  certificate.setSubject(attributes);
  certificate.setIssuer(attributes);
  const uses = Array.isArray(inputs.allowedUses) ? (inputs.allowedUses as unknown[]) : [];
  certificate.setExtensions([
    {
      name: "keyUsage",
      critical: true,
      digitalSignature: uses.includes("digital_signature"),
      keyEncipherment: uses.includes("key_encipherment"),
    },
    { name: "extKeyUsage", clientAuth: uses.includes("client_auth") },
  ]);
  // forge builds the certificate; Node's crypto signs it (forge's own RSA is ~30× slower).
  certificate.signatureOid = forge.pki.oids.sha256WithRSAEncryption;
  certificate.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate is exported by node-forge but missing from @types/node-forge.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(certificate: Forge.pki.Certificate): Forge.asn1.Asn1;
  };
  const tbs = forge.asn1.toDer(pki.getTBSCertificate(certificate)).getBytes();
  certificate.signature = sign("sha256", Buffer.from(tbs, "binary"), privateKey).toString("binary");
  const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    certPem: forge.pki.certificateToPem(certificate).replace(/\r\n/g, "\n"),
    validityStartTime: rfc3339(notBefore),
    validityEndTime: rfc3339(notBefore + hours * 3_600_000),
    readyForRenewal: false,
  };
}

/** Outputs of a simulated `random.RandomId` of `byteLength` bytes (default 8). */
export function simulateRandomId(
  seed: string,
  byteLength: unknown,
  keepers: unknown,
): Record<string, string> {
  const length = typeof byteLength === "number" && byteLength > 0 ? byteLength : 8;
  const bytes = createHash("sha256")
    .update(`${seed}#${JSON.stringify(keepers ?? {})}`)
    .digest()
    .subarray(0, Math.min(length, 32));
  const b64Url = bytes.toString("base64url");
  return {
    hex: bytes.toString("hex"),
    b64Url,
    b64Std: bytes.toString("base64"),
    dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
    id: b64Url,
  };
}

/**
 * Reads a key credential's certificate (`value` per `encoding`: pem, base64 or hex DER).
 * @returns the certificate's validity (ms since the epoch), or an error text
 */
export function certificateValidity(
  value: unknown,
  encoding: unknown,
): { notBeforeMs: number; notAfterMs: number } | string {
  if (typeof value !== "string" || value === "") return "value is required";
  try {
    const input =
      encoding === "base64"
        ? Buffer.from(value, "base64")
        : encoding === "hex"
          ? Buffer.from(value, "hex")
          : value;
    const certificate = new X509Certificate(input);
    return {
      notBeforeMs: Date.parse(certificate.validFrom),
      notAfterMs: Date.parse(certificate.validTo),
    };
  } catch {
    return `value is not a ${String(encoding ?? "pem")}-encoded X.509 certificate`;
  }
}
