/**
 * The simulated `tls` and `random` resources behind rotating certificates, and Graph's rule for a
 * key credential's dates.
 *
 * - `tls.PrivateKey`: real RSA keys, drawn from a small pool (an RSA key takes ~100 ms to generate;
 *   thousands of simulated apps share a few), chosen by a hash of the resource's URN. The pool is
 *   generated once per user and machine and kept in the user's private folder of the OS's
 *   temporary directory (see `keyPoolDirectory`), so every simulated run (the offline preview runs
 *   the program several times, in separate processes) draws the same keys and issues the same
 *   certificates for the same inputs and instant. Only the simulation ever sees them; recorded
 *   outputs mask them.
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
  randomBytes,
  sign,
  X509Certificate,
} from "crypto";
import * as fs from "fs";
import type * as Forge from "node-forge";
import * as os from "os";
import * as path from "path";

const KEY_POOL_SIZE = 4;
/** The pool's file name, in {@link keyPoolDirectory}. */
const KEY_POOL_NAME = "simulated-rsa-keys-v1.json";
/** Largest pool file read, bytes (four PEM keys take about 7 KB). */
const KEY_POOL_MAX_BYTES = 64 * 1024;
/**
 * A pool file handed to child processes by {@link keyPoolForChildren} (in their parent's private
 * directory), read before the user's folder.
 */
const KEY_POOL_VARIABLE = "APP_CREDENTIALS_KEY_POOL_FILE";
let keyPool: KeyObject[] | undefined;
/** Whether {@link keyPool} is in (or was read from) a file other processes read. */
let keyPoolKept = false;

/**
 * The current user's private folder for the pool: `app-credentials-<uid>` (on Windows
 * `app-credentials-<user name>`) in the OS's temporary directory, made 0700. Another user cannot
 * read or replace what is in it.
 */
export function keyPoolDirectory(): string {
  const uid = process.getuid?.();
  const owner = uid ?? (os.userInfo().username.replace(/[^A-Za-z0-9_.-]/g, "_") || "user");
  return path.join(os.tmpdir(), `app-credentials-${owner}`);
}

/** Where the pool is kept between processes (PKCS#8 PEM keys, JSON), see {@link keyPoolDirectory}. */
export function keyPoolFile(): string {
  return path.join(keyPoolDirectory(), KEY_POOL_NAME);
}

/**
 * The pool of simulated RSA 2048 keys: read from {@link keyPoolFile}, or generated and written
 * there. The offline preview calls this before it starts its program runs, so concurrent runs
 * never generate pools of their own.
 *
 * Shared temporary directories are hostile ground: the folder is used only when it is a real
 * directory (not a symbolic link) owned by the current user and closed to others (made 0700
 * otherwise); the file is read only when it is a regular file owned by the current user, opened
 * without following a link; it is written to a new file created exclusively (O_EXCL, 0600, random
 * name) and renamed into place. When the folder cannot be trusted or written, this process keeps
 * a private pool of its own (the runs then issue different certificates, nothing else changes).
 */
export function ensureSimulatedKeyPool(): KeyObject[] {
  if (keyPool) return keyPool;
  const handed = process.env[KEY_POOL_VARIABLE];
  if (handed) {
    keyPool = readPool(handed);
    keyPoolKept = keyPool !== undefined;
    if (keyPool) return keyPool;
  }
  const dir = trustedDirectory(keyPoolDirectory());
  if (dir !== undefined) {
    keyPool = readPool(path.join(dir, KEY_POOL_NAME));
    keyPoolKept = keyPool !== undefined;
    if (keyPool) return keyPool;
  }
  const keys = Array.from(
    { length: KEY_POOL_SIZE },
    () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  );
  keyPool = keys;
  if (dir !== undefined) keyPoolKept = writePool(dir, poolText(keys)) !== undefined;
  return keyPool;
}

/**
 * What child processes need to draw the same keys as this one: nothing when the pool is kept in
 * the user's folder; else (an untrusted or read-only temporary directory) the pool is written to
 * `scratch`, a private directory of the caller's, and its path handed over in an environment
 * variable.
 *
 * @returns environment variables for the children
 */
export function keyPoolForChildren(scratch: string): Record<string, string> {
  ensureSimulatedKeyPool();
  if (keyPoolKept || keyPool === undefined) return {};
  const file = writePool(scratch, poolText(keyPool));
  return file === undefined ? {} : { [KEY_POOL_VARIABLE]: file };
}

function poolText(keys: KeyObject[]): string {
  return JSON.stringify(keys.map((k) => k.export({ type: "pkcs8", format: "pem" }).toString()));
}

/**
 * `dir` when it is (or has just been made) a directory of the current user's, not a link, closed
 * to group and others; else undefined.
 */
function trustedDirectory(dir: string): string | undefined {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
  }
  try {
    const stats = fs.lstatSync(dir);
    if (!stats.isDirectory() || !ownedByMe(stats)) return undefined;
    if (process.platform !== "win32" && (stats.mode & 0o077) !== 0) {
      // Ours but open to others (e.g. made under a permissive umask before): close it.
      fs.chmodSync(dir, 0o700);
      if ((fs.lstatSync(dir).mode & 0o077) !== 0) return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

function ownedByMe(stats: fs.Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || stats.uid === uid;
}

/** The pool in `file` when it is a regular file of the current user's holding a whole pool. */
function readPool(file: string): KeyObject[] | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const stats = fs.fstatSync(fd);
    if (!stats.isFile() || !ownedByMe(stats) || stats.size > KEY_POOL_MAX_BYTES) return undefined;
    const pems = JSON.parse(fs.readFileSync(fd, "utf8")) as unknown;
    if (!Array.isArray(pems) || pems.length !== KEY_POOL_SIZE) return undefined;
    return pems.map((pem) => createPrivateKey(String(pem)));
  } catch {
    // Missing, a link, unreadable or damaged: a new pool replaces it.
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes the pool beside its place, created exclusively (0600), then renames it into place.
 *
 * @returns the pool's file, undefined when it could not be written
 */
function writePool(dir: string, content: string): string | undefined {
  const aside = path.join(dir, `.${KEY_POOL_NAME}.${randomBytes(8).toString("hex")}`);
  const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
  let fd: number | undefined;
  try {
    fd = fs.openSync(aside, O_WRONLY | O_CREAT | O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
    fs.writeFileSync(fd, content);
    fs.closeSync(fd);
    fd = undefined;
    // rename replaces a link at the destination; it never writes where a link points.
    const file = path.join(dir, KEY_POOL_NAME);
    fs.renameSync(aside, file);
    return file;
  } catch {
    // Full or read-only: this process keeps its own pool.
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(aside, { force: true });
    return undefined;
  }
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

/** The key pair behind a simulated Key Vault certificate version. */
export type SimulatedKeySpec =
  { kind: "rsa"; bits: number } | { kind: "ec"; curve: "P-256" | "P-256K" | "P-384" | "P-521" };

/** A self-signed certificate to issue (what Key Vault's `Self` issuer puts in a version). */
export interface SelfSignedCertificateRequest {
  key: SimulatedKeySpec;
  /** Chooses the key (RSA 2048: from the pool) and the serial number; one per version. */
  seed: string;
  /** Validity, ms since the epoch (stored to the second). */
  notBeforeMs: number;
  notAfterMs: number;
  /** The subject's (and issuer's) attributes, in order: object identifier and value. */
  subject: readonly { oid: string; value: string }[];
  /** X.509 key usages by their RFC 5280 names (`digitalSignature`, `keyEncipherment`, …). */
  keyUsages: readonly string[];
  /** Extended key usages, as object identifiers (`1.3.6.1.5.5.7.3.2`: client authentication). */
  extendedKeyUsages: readonly string[];
}

/** Node's names of Key Vault's curves. */
const NODE_CURVES: Record<"P-256" | "P-256K" | "P-384" | "P-521", string> = {
  "P-256": "prime256v1",
  "P-256K": "secp256k1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
};
/** Keys other than the pooled RSA 2048 ones: generated once per process and kind. */
const otherKeys = new Map<string, KeyObject>();

/**
 * The private key of `spec` for `seed`: a pooled RSA 2048 key (see {@link ensureSimulatedKeyPool}),
 * else one key per process and size or curve (an RSA 4096 key takes about a second to generate;
 * runs in other processes then issue other keys).
 */
function simulatedKey(spec: SimulatedKeySpec, seed: string): KeyObject {
  if (spec.kind === "rsa" && spec.bits === 2048) return pooledKey(seed);
  const id = spec.kind === "rsa" ? `rsa-${spec.bits}` : `ec-${spec.curve}`;
  let key = otherKeys.get(id);
  if (!key) {
    key =
      spec.kind === "rsa"
        ? generateKeyPairSync("rsa", { modulusLength: spec.bits }).privateKey
        : generateKeyPairSync("ec", { namedCurve: NODE_CURVES[spec.curve] }).privateKey;
    otherKeys.set(id, key);
  }
  return key;
}

/** Signature algorithm and digest by key: RFC 4055 (RSA), RFC 5758 §3.2 (ECDSA). */
function signatureAlgorithm(spec: SimulatedKeySpec): { oid: string; hash: string } {
  if (spec.kind === "rsa") return { oid: "1.2.840.113549.1.1.11", hash: "sha256" };
  if (spec.curve === "P-384") return { oid: "1.2.840.10045.4.3.3", hash: "sha384" };
  if (spec.curve === "P-521") return { oid: "1.2.840.10045.4.3.4", hash: "sha512" };
  return { oid: "1.2.840.10045.4.3.2", hash: "sha256" };
}

/** ASN.1 string types of subject attributes: RFC 5280 Appendix A (country PrintableString, IA5 for e-mail and DC). */
const IA5_ATTRIBUTES = new Set(["1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.25"]);
const PRINTABLE_ATTRIBUTES = new Set(["2.5.4.6", "2.5.4.5"]);

/**
 * A real self-signed X.509 v3 certificate, as Key Vault's `Self` issuer makes one from a
 * certificate policy: the subject as issuer, the validity given, the key usages (critical) and
 * extended key usages, signed with the version's own key (node-forge builds the structure, Node's
 * crypto signs it, as {@link simulateSelfSignedCert} does). Only the public certificate leaves
 * this function; the private key stays in the simulation.
 *
 * @returns the certificate's DER
 */
export function issueSelfSignedCertificate(request: SelfSignedCertificateRequest): Buffer {
  const privateKey = simulatedKey(request.key, request.seed);
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = require("node-forge") as typeof Forge;
  const { asn1 } = forge;
  const certificate = forge.pki.createCertificate();
  // forge encodes only RSA public keys: any RSA key stands in, and the real SubjectPublicKeyInfo
  // replaces it below.
  certificate.publicKey = forge.pki.publicKeyFromPem(
    createPublicKey(pooledKey(request.seed)).export({ type: "spki", format: "pem" }).toString(),
  );
  certificate.serialNumber = `01${createHash("sha256").update(`${request.seed}#serial`).digest("hex").slice(0, 30)}`;
  certificate.validity.notBefore = new Date(Math.floor(request.notBeforeMs / 1000) * 1000);
  certificate.validity.notAfter = new Date(Math.floor(request.notAfterMs / 1000) * 1000);
  const attributes = request.subject.map((attribute) => ({
    type: attribute.oid,
    value: attribute.value,
    valueTagClass: IA5_ATTRIBUTES.has(attribute.oid)
      ? asn1.Type.IA5STRING
      : PRINTABLE_ATTRIBUTES.has(attribute.oid)
        ? asn1.Type.PRINTABLESTRING
        : asn1.Type.UTF8,
  })) as unknown as Forge.pki.CertificateField[];
  certificate.setSubject(attributes);
  certificate.setIssuer(attributes);
  const usage: Record<string, boolean> = {};
  for (const name of request.keyUsages) usage[name] = true;
  const extended: Record<string, boolean> = {};
  // forge takes a usage by its name when it knows the OID (an OID it knows would be read as a name).
  const names = forge.pki.oids as Record<string, string>;
  for (const oid of request.extendedKeyUsages) extended[names[oid] ?? oid] = true;
  certificate.setExtensions([
    { name: "keyUsage", critical: true, ...usage },
    ...(request.extendedKeyUsages.length > 0 ? [{ name: "extKeyUsage", ...extended }] : []),
  ]);
  const algorithm = signatureAlgorithm(request.key);
  const algorithmIdentifier = () =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(
        asn1.Class.UNIVERSAL,
        asn1.Type.OID,
        false,
        asn1.oidToDer(algorithm.oid).getBytes(),
      ),
      // RSA's parameters are NULL (RFC 4055 §5); ECDSA's are absent (RFC 5758 §3.2).
      ...(request.key.kind === "rsa"
        ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")]
        : []),
    ]);
  // getTBSCertificate is exported by node-forge but missing from @types/node-forge.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(certificate: Forge.pki.Certificate): Forge.asn1.Asn1;
  };
  // A placeholder forge can encode; the real algorithm replaces it below.
  certificate.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  const tbs = pki.getTBSCertificate(certificate);
  const fields = tbs.value as Forge.asn1.Asn1[];
  // TBSCertificate (RFC 5280 §4.1): version, serialNumber, signature, issuer, validity, subject,
  // subjectPublicKeyInfo, extensions.
  fields[2] = algorithmIdentifier();
  fields[6] = asn1.fromDer(spki.toString("binary"));
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign(algorithm.hash, tbsDer, privateKey);
  const whole = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(),
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.BITSTRING,
      false,
      `\u0000${signature.toString("binary")}`,
    ),
  ]);
  return Buffer.from(asn1.toDer(whole).getBytes(), "binary");
}
