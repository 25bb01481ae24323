/**
 * A fake Azure Key Vault data plane for the `credential: keyVaultCertificate` tests: an HTTPS
 * server on 127.0.0.1 (port chosen by the system) holding the project's test certificate
 * (test/support/testCertificate.ts), which only the clients given {@link FakeKeyVault.tlsOptions}
 * trust (the Azure SDK pipeline's `tlsOptions: {ca}`; nothing process-wide).
 *
 * Like Key Vault, it generates each certificate version itself from a certificate policy (a new
 * RSA key per version, self-signed, the policy's subject, key usages, extended key usages and
 * validity in months), and the private key stays inside it: the tests reach the key only through
 * the sign operation, and the companion secret's value holds it only when the policy says
 * `exportable` (Microsoft Learn, "About Azure Key Vault certificates": "If the policy indicates
 * non-exportable, then the private key isn't a part of the value when retrieved as a secret").
 *
 * Wire format, as @azure/keyvault-keys 4.10.2 and @azure/keyvault-certificates 4.10.3 send and
 * read it (api-version `2025-07-01`, dist/commonjs/api/operations.js and models/models.js):
 *
 * - challenge-based authentication (@azure/keyvault-common keyVaultAuthenticationPolicy.js): a
 *   client's first request carries no token and no body; the vault answers 401 with
 *   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 *   resource="https://vault.azure.net"`, and the client retries with a token for
 *   `<resource>/.default` from the tenant named in `authorization`. Any other token is refused (401).
 * - `GET /keys/{name}/{version?}`: the key bundle `{key: {kid, kty, key_ops, n, e}, attributes:
 *   {enabled, nbf, exp, created, updated, recoveryLevel, recoverableDays, exportable}, managed: true}`
 *   (a certificate's key is "managed"), public parts only; `key_ops` follow the certificate's key
 *   usages (about-certificates, "X509 to Key Vault usage mapping": digitalSignature → sign, verify;
 *   keyEncipherment → wrapKey, unwrapKey; dataEncipherment → encrypt, decrypt). With
 *   `denyKeyRead` it answers 403 `ForbiddenByRbac`, as for a principal holding only
 *   `keys/sign/action`.
 * - `POST /keys/{name}/{version?}/sign`: body `{alg, value}` (`value` the base64url digest); the
 *   answer `{kid, value}` (`value` the base64url signature over that digest: Key Vault never sees
 *   the data). RS256 is RSASSA-PKCS1-v1_5 over the SHA-256 DigestInfo, PS256 RSASSA-PSS with
 *   MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.3, §3.5). The key must allow `sign` and be within
 *   its validity.
 * - `GET /certificates/{name}/{version?}`: the certificate bundle `{id, kid, sid, x5t, cer,
 *   attributes, policy, contentType, tags}` (`x5t` base64url SHA-1 of the DER, `cer` the DER in
 *   base64).
 *
 * An empty or missing version means the newest (the SDK sends `/keys/{name}//sign` for a
 * versionless key id). Errors carry Key Vault's `{error: {code, message}}` body. Every request is
 * recorded. Bounded: at most `maxRequests` requests (then 500), and the server closes itself after
 * `lifetimeMs` if a test forgets to.
 */
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  privateEncrypt,
  randomBytes,
} from "crypto";
import type { IncomingMessage } from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import forge from "node-forge";
import { testCertificate } from "../support/testCertificate";

/** Key Vault's resource, which its challenge names (the token's audience). */
export const KEY_VAULT_RESOURCE = "https://vault.azure.net";

/**
 * The part of a certificate policy the fake generates from, in the shape of the Pulumi
 * `azure.keyvault.Certificate` `certificatePolicy` input (what the stack declares).
 */
export interface FakeCertificatePolicy {
  issuerParameters: { name: string };
  keyProperties: { exportable: boolean; keyType: string; keySize: number; reuseKey: boolean };
  secretProperties: { contentType: string };
  x509CertificateProperties: {
    subject: string;
    validityInMonths: number;
    keyUsages: readonly string[];
    extendedKeyUsages?: readonly string[];
  };
  lifetimeActions?: readonly {
    action: { actionType: string };
    trigger: { lifetimePercentage?: number; daysBeforeExpiry?: number };
  }[];
}

/** One version of a certificate, as the fake holds it. */
export interface FakeCertificateVersion {
  /** 32 hex digits, as Key Vault's versions. */
  version: string;
  /** The X.509 certificate, DER. */
  der: Buffer;
  /** The same, PEM. */
  certificatePem: string;
  /** The public key (what a relying party verifies with). */
  publicKey: KeyObject;
  notBefore: Date;
  expires: Date;
  /** Key operations the key allows (from the key usages). */
  keyOps: string[];
}

/** How the fake behaves. */
export interface FakeKeyVaultOptions {
  /** The tenant its challenge names. */
  tenantId: string;
  /** The only bearer token accepted. */
  token: string;
  /** 403 to `GET /keys/…`: the caller may sign but not read the key. */
  denyKeyRead?: boolean;
  maxRequests?: number;
  lifetimeMs?: number;
}

/** One request the fake received. */
export interface SeenKeyVaultRequest {
  method: string;
  /** The path as sent (before any normalisation). */
  path: string;
  query: URLSearchParams;
  /** The Authorization header, if any. */
  authorization?: string;
  /** The parsed JSON body (undefined without one). */
  body?: unknown;
  status: number;
}

/** A running fake. */
export interface FakeKeyVault {
  /** `https://127.0.0.1:<port>`: the vault URL to give the clients. */
  url: string;
  /** What a client's options need to trust the fake (and only it): `tlsOptions: {ca}`. */
  tlsOptions: { ca: string };
  requests: SeenKeyVaultRequest[];
  /**
   * Creates a certificate, or a new version of it, from `policy`: what Key Vault does on
   * CreateCertificate (and the azurerm provider on a changed policy).
   */
  createCertificate(name: string, policy: FakeCertificatePolicy): FakeCertificateVersion;
  /** The versions of a certificate, oldest first. */
  versions(name: string): FakeCertificateVersion[];
  /**
   * The companion secret's value (`GET /secrets/{name}`), PEM: the private key (PKCS#8) then the
   * certificate when the policy is exportable, the certificate alone otherwise.
   */
  secretValue(name: string, version?: string): string;
  close(): Promise<void>;
}

/** A version with what never leaves the fake. */
interface HeldVersion extends FakeCertificateVersion {
  privateKey: KeyObject;
  policy: FakeCertificatePolicy;
  created: Date;
}

/** What the fake answers one request. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** Key Vault key operations per X.509 key usage (about-certificates, usage mapping). */
const KEY_OPS_BY_USAGE: Record<string, readonly string[]> = {
  digitalSignature: ["sign", "verify"],
  keyEncipherment: ["wrapKey", "unwrapKey"],
  dataEncipherment: ["encrypt", "decrypt"],
};

/** Starts the fake; resolves once it listens. */
export async function startFakeKeyVault(options: FakeKeyVaultOptions): Promise<FakeKeyVault> {
  const requests: SeenKeyVaultRequest[] = [];
  const maxRequests = options.maxRequests ?? 100;
  const certificates = new Map<string, HeldVersion[]>();
  let base = "";

  const error = (status: number, code: string, message: string, inner?: string): Answer => ({
    status,
    body: { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
  });

  /** The version asked for (`""` or undefined: the newest), or the error answer. */
  const find = (name: string, version: string | undefined): HeldVersion | Answer => {
    const held = certificates.get(name) ?? [];
    const found = version ? held.find((v) => v.version === version) : held[held.length - 1];
    if (found === undefined) {
      const what = version ? `${name} (version ${version})` : name;
      return error(
        404,
        "KeyNotFound",
        `A key with (name/id) ${what} was not found in this key vault.`,
      );
    }
    return found;
  };

  const keyBundle = (name: string, v: HeldVersion): Record<string, unknown> => {
    const jwk = v.publicKey.export({ format: "jwk" });
    return {
      key: {
        kid: `${base}/keys/${name}/${v.version}`,
        kty: "RSA",
        key_ops: v.keyOps,
        n: jwk.n,
        e: jwk.e,
      },
      attributes: {
        enabled: true,
        nbf: seconds(v.notBefore),
        exp: seconds(v.expires),
        created: seconds(v.created),
        updated: seconds(v.created),
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
        exportable: v.policy.keyProperties.exportable,
      },
      managed: true,
    };
  };

  const certificateBundle = (name: string, v: HeldVersion): Record<string, unknown> => {
    const x509 = v.policy.x509CertificateProperties;
    return {
      id: `${base}/certificates/${name}/${v.version}`,
      kid: `${base}/keys/${name}/${v.version}`,
      sid: `${base}/secrets/${name}/${v.version}`,
      x5t: createHash("sha1").update(v.der).digest("base64url"),
      cer: v.der.toString("base64"),
      contentType: v.policy.secretProperties.contentType,
      attributes: {
        enabled: true,
        nbf: seconds(v.notBefore),
        exp: seconds(v.expires),
        created: seconds(v.created),
        updated: seconds(v.created),
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      policy: {
        id: `${base}/certificates/${name}/policy`,
        key_props: {
          exportable: v.policy.keyProperties.exportable,
          kty: v.policy.keyProperties.keyType,
          key_size: v.policy.keyProperties.keySize,
          reuse_key: v.policy.keyProperties.reuseKey,
        },
        secret_props: { contentType: v.policy.secretProperties.contentType },
        x509_props: {
          subject: x509.subject,
          ekus: [...(x509.extendedKeyUsages ?? [])],
          key_usage: [...x509.keyUsages],
          validity_months: x509.validityInMonths,
        },
        lifetime_actions: (v.policy.lifetimeActions ?? []).map((a) => ({
          trigger: {
            ...(a.trigger.lifetimePercentage !== undefined
              ? { lifetime_percentage: a.trigger.lifetimePercentage }
              : {}),
            ...(a.trigger.daysBeforeExpiry !== undefined
              ? { days_before_expiry: a.trigger.daysBeforeExpiry }
              : {}),
          },
          action: { action_type: a.action.actionType },
        })),
        issuer: { name: v.policy.issuerParameters.name },
        attributes: { enabled: true, created: seconds(v.created), updated: seconds(v.created) },
      },
    };
  };

  /** The sign operation: the signature of the digest received, with the version's key. */
  const signDigest = (name: string, v: HeldVersion, body: unknown): Answer => {
    if (!v.keyOps.includes("sign")) {
      return error(
        403,
        "Forbidden",
        "Operation sign is not allowed on this key.",
        "KeyOperationForbidden",
      );
    }
    const now = Date.now();
    if (now < v.notBefore.getTime() || now > v.expires.getTime()) {
      return error(
        403,
        "Forbidden",
        "Operation sign is not allowed: the key is not within its validity.",
      );
    }
    const request = isRecord(body) ? body : {};
    const alg = request.alg;
    const digest =
      typeof request.value === "string" ? Buffer.from(request.value, "base64url") : undefined;
    if (alg !== "RS256" && alg !== "PS256") {
      return error(
        400,
        "BadParameter",
        `Algorithm '${String(alg)}' is not supported by this fake (RS256, PS256).`,
      );
    }
    if (digest === undefined || digest.length !== 32) {
      return error(
        400,
        "BadParameter",
        "The digest must be the 32 bytes of a SHA-256 hash, base64url.",
      );
    }
    const signature =
      alg === "RS256"
        ? privateEncrypt(
            { key: v.privateKey, padding: constants.RSA_PKCS1_PADDING },
            Buffer.concat([SHA256_DIGEST_INFO, digest]),
          )
        : privateEncrypt(
            { key: v.privateKey, padding: constants.RSA_NO_PADDING },
            pssEncode(digest, modulusBits(v.publicKey) - 1),
          );
    return {
      status: 200,
      body: { kid: `${base}/keys/${name}/${v.version}`, value: signature.toString("base64url") },
    };
  };

  const route = (req: IncomingMessage, url: URL, seen: SeenKeyVaultRequest): Answer => {
    if (requests.length > maxRequests) {
      return error(500, "InternalError", "bound reached in test");
    }
    if (seen.authorization !== `Bearer ${options.token}`) {
      const answer = error(
        401,
        "Unauthorized",
        seen.authorization === undefined
          ? "AKV10000: Request is missing a Bearer or PoP token."
          : "The bearer token is not one this vault accepts.",
      );
      answer.headers = {
        "WWW-Authenticate": `Bearer authorization="https://login.microsoftonline.com/${options.tenantId}", resource="${KEY_VAULT_RESOURCE}"`,
      };
      return answer;
    }
    if (!url.searchParams.get("api-version")) {
      return error(400, "BadParameter", "The api-version query parameter is required.");
    }
    // /keys/{name}[/{version}][/sign] and /certificates/{name}[/{version}]; `//` is an empty version.
    const parts = url.pathname.split("/").slice(1);
    const [collection, name] = parts;
    const sign = parts.length >= 3 && parts[parts.length - 1] === "sign";
    const version = parts.length >= 3 ? parts[2] : undefined;
    if (collection === "keys" && name && req.method === "POST" && sign && parts.length === 4) {
      const found = find(name, version);
      return "status" in found ? found : signDigest(name, found, seen.body);
    }
    if (collection === "keys" && name && req.method === "GET" && parts.length <= 3) {
      if (options.denyKeyRead) {
        return error(
          403,
          "Forbidden",
          `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/read'`,
          "ForbiddenByRbac",
        );
      }
      const found = find(name, version);
      return "status" in found ? found : { status: 200, body: keyBundle(name, found) };
    }
    if (collection === "certificates" && name && req.method === "GET" && parts.length <= 3) {
      const found = find(name, version);
      if ("status" in found) {
        return error(
          404,
          "CertificateNotFound",
          `A certificate with (name/id) ${name} was not found in this key vault.`,
        );
      }
      return { status: 200, body: certificateBundle(name, found) };
    }
    return error(404, "NotFound", `${req.method} ${url.pathname}`);
  };

  const server = https.createServer(testCertificate(), (req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const authorization = req.headers.authorization;
      const seen: SeenKeyVaultRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        ...(authorization !== undefined ? { authorization } : {}),
        ...(body !== undefined ? { body } : {}),
        status: 0,
      };
      requests.push(seen);
      const answer = route(req, url, seen);
      seen.status = answer.status;
      res.writeHead(answer.status, {
        "Content-Type": "application/json; charset=utf-8",
        ...answer.headers,
      });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 60_000);
  lifetime.unref();

  return {
    url: base,
    tlsOptions: { ca: testCertificate().cert },
    requests,
    createCertificate(name, policy) {
      const held = generateVersion(policy);
      certificates.set(name, [...(certificates.get(name) ?? []), held]);
      return publicPart(held);
    },
    versions: (name) => (certificates.get(name) ?? []).map(publicPart),
    secretValue(name, version) {
      const found = find(name, version);
      if ("status" in found) throw new Error(`no certificate ${name}`);
      const key = found.policy.keyProperties.exportable
        ? found.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
        : "";
      return `${key}${found.certificatePem}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A version as Key Vault generates it from a self-signed (`issuerParameters.name: Self`) RSA
 * policy: a new key pair, the policy's subject as subject and issuer, its key usages and extended
 * key usages, valid from now for `validityInMonths` calendar months.
 */
function generateVersion(policy: FakeCertificatePolicy): HeldVersion {
  const { keyProperties, x509CertificateProperties: x509 } = policy;
  if (policy.issuerParameters.name !== "Self" || keyProperties.keyType !== "RSA") {
    throw new Error("the fake generates self-signed RSA certificates only");
  }
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: keyProperties.keySize });
  const publicKey = createPublicKey(privateKey);
  const created = new Date();
  const notBefore = new Date(Math.floor(created.getTime() / 1000) * 1000 - 60_000);
  const expires = new Date(notBefore);
  expires.setUTCMonth(expires.getUTCMonth() + x509.validityInMonths);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: "spki", format: "pem" }).toString(),
  );
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = expires;
  const name = distinguishedName(x509.subject);
  cert.setSubject(name);
  cert.setIssuer(name);
  const usage: Record<string, boolean> = {};
  for (const u of x509.keyUsages) usage[u] = true;
  cert.setExtensions([
    { name: "keyUsage", critical: true, ...usage },
    ...(x509.extendedKeyUsages && x509.extendedKeyUsages.length > 0
      ? [
          {
            name: "extKeyUsage",
            ...Object.fromEntries(x509.extendedKeyUsages.map((oid) => [forgeName(oid), true])),
          },
        ]
      : []),
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    forge.md.sha256.create(),
  );
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  return {
    version: randomBytes(16).toString("hex"),
    der,
    certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"),
    publicKey,
    privateKey,
    notBefore,
    expires,
    keyOps: [...new Set(x509.keyUsages.flatMap((u) => KEY_OPS_BY_USAGE[u] ?? []))],
    policy,
    created,
  };
}

/**
 * An extended key usage as node-forge's `extKeyUsage` takes it: its name when forge knows the OID
 * (forge looks a key up in its OID table, which maps both ways, so a known OID given as such would
 * be taken for a name), the OID otherwise.
 */
function forgeName(oid: string): string {
  const known: unknown = forge.pki.oids[oid];
  return typeof known === "string" ? known : oid;
}

/** What a test may see of a version. */
function publicPart(held: HeldVersion): FakeCertificateVersion {
  const { version, der, certificatePem, publicKey, notBefore, expires, keyOps } = held;
  return { version, der, certificatePem, publicKey, notBefore, expires, keyOps };
}

/** `CN=a,OU=b` as forge attributes (no escaped commas: the stack's subjects have none). */
function distinguishedName(subject: string): forge.pki.CertificateField[] {
  return subject.split(",").map((part) => {
    const at = part.indexOf("=");
    if (at <= 0) throw new Error(`not a distinguished name: ${subject}`);
    return { shortName: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
  });
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of a SHA-256 digest, MGF1-SHA-256, 32-byte salt: the encoded
 * message that RSASSA-PSS then raises to the private exponent.
 *
 * @param emBits the modulus length in bits minus one
 */
function pssEncode(mHash: Buffer, emBits: number): Buffer {
  const hLen = 32;
  const sLen = 32;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(sLen);
  const h = createHash("sha256")
    .update(Buffer.concat([Buffer.alloc(8), mHash, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLen - sLen - hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, emLen - hLen - 1);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ mask[i]));
  maskedDb[0] &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
  // RSA_NO_PADDING takes exactly the modulus length: left-pad when emBits is a multiple of 8.
  const k = Math.ceil((emBits + 1) / 8);
  return em.length === k ? em : Buffer.concat([Buffer.alloc(k - em.length), em]);
}

/** MGF1 with SHA-256 (RFC 8017 §B.2.1). */
function mgf1(seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 32 < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(
      createHash("sha256")
        .update(Buffer.concat([seed, c]))
        .digest(),
    );
  }
  return Buffer.concat(out).subarray(0, length);
}

/** The modulus length of an RSA public key, in bits. */
function modulusBits(publicKey: KeyObject): number {
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) throw new Error("not an RSA key");
  return bits;
}

/** Seconds since the Unix epoch (Key Vault's attribute times). */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
