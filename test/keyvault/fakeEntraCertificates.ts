/**
 * The fake Entra ID of the federation tests (test/federation/fakeEntra.ts), extended with
 * certificate credentials: an HTTPS front on 127.0.0.1 (the same test certificate) that judges a
 * client assertion signed with one of an application's certificates itself, and forwards
 * everything else — federated assertions, the managed identity endpoint — to the federated fake
 * behind it, unchanged but for its own URL, which it writes in place of the fake's (the OpenID
 * metadata's `token_endpoint` must point at the front).
 *
 * A certificate assertion is one that names the application itself: its `iss` or its `sub` is the
 * request's `client_id` (a federated one names its external issuer and the workload; platform
 * tokens may carry `x5t` too, so the header does not tell them apart); or any assertion for an
 * application that holds certificates and no federated credential. It is judged as Entra ID
 * documents it (Microsoft identity platform,
 * "Microsoft identity platform application authentication certificate credentials", "Assertion
 * format": https://learn.microsoft.com/entra/identity-platform/certificate-credentials) with the
 * codes Entra answers (Azure SDK for JS, sdk/identity/identity/TROUBLESHOOTING.md, "Client
 * certificate credential issues" and "Client assertion credential issues"; 700024 as the
 * federated fake answers it):
 *
 * - `iss` and `sub` must both be the request's `client_id` (AADSTS700021);
 * - `aud` must be the token endpoint the request was sent to (AADSTS700023);
 * - `exp` in the future, `nbf` not more than 5 minutes ahead (AADSTS700024);
 * - the header's thumbprint (`x5t#S256`, else `x5t`) must be one of the application's key credentials, within its dates, and the
 *   signature (RS256, or PS256 with a 32-byte salt) must verify with that certificate's public key
 *   (AADSTS700027, "Client assertion contains an invalid signature", with the reason).
 *
 * Entra's checks of `jti` reuse and of `exp − nbf` are not documented, so the fake makes neither.
 */
import { constants, createHash, KeyObject, verify, X509Certificate } from "crypto";
import type { IncomingMessage, ServerResponse } from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import type { Claims } from "../federation/tokens";
import { decodeJwt } from "../federation/tokens";
import {
  FakeEntra,
  FakeEntraOptions,
  SeenEntraRequest,
  startFakeEntra,
} from "../federation/fakeEntra";
import { testCertificate } from "../support/testCertificate";

/** One certificate an application holds as a key credential (what the stack registers). */
export interface FakeKeyCredential {
  /** The certificate, PEM or DER. */
  certificate: string | Buffer;
  /** The key credential's dates (default: the certificate's). */
  startDateTime?: Date;
  endDateTime?: Date;
}

/** The federated fake's options, plus the applications' certificates by client id. */
export interface FakeEntraWithCertificatesOptions extends FakeEntraOptions {
  keyCredentials: Record<string, readonly FakeKeyCredential[]>;
}

/** A running front: the federated fake's interface, for the front's URL. */
export interface FakeEntraWithCertificates extends FakeEntra {
  /** The federated fake behind the front. */
  federated: FakeEntra;
  /** Registers one more certificate on an application (what a rotation's new slot does). */
  addKeyCredential(clientId: string, credential: FakeKeyCredential): void;
}

/** A registered certificate, ready to verify with. */
interface HeldKeyCredential {
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
  start: number;
  end: number;
}

/** An Entra ID error answer (OAuth 2.0 error response with Entra's extra fields). */
function refusal(status: number, code: number, error: string, description: string) {
  const now = new Date().toISOString();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: fake Correlation ID: fake Timestamp: ${now}`,
      error_codes: [code],
      timestamp: now,
      trace_id: "00000000-0000-0000-0000-000000000000",
      correlation_id: "00000000-0000-0000-0000-000000000000",
    },
  };
}

/** Starts the federated fake and the front before it; resolves once both listen. */
export async function startFakeEntraWithCertificates(
  options: FakeEntraWithCertificatesOptions,
): Promise<FakeEntraWithCertificates> {
  const federated = await startFakeEntra(options);
  const requests: SeenEntraRequest[] = [];
  const maxRequests = options.maxRequests ?? 100;
  const held = new Map<string, HeldKeyCredential[]>(
    Object.entries(options.keyCredentials).map(([clientId, credentials]) => [
      clientId,
      credentials.map(holdKeyCredential),
    ]),
  );
  let issued = 0;
  let base = "";

  /** Judges a client-credentials request whose assertion names a certificate. */
  const judge = (tenant: string, form: URLSearchParams, seen: SeenEntraRequest) => {
    if (tenant !== options.tenantId) {
      return refusal(400, 90002, "invalid_tenant", `Tenant '${tenant}' not found.`);
    }
    if (form.get("grant_type") !== "client_credentials") {
      return refusal(
        400,
        900144,
        "invalid_request",
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    const clientId = form.get("client_id") ?? "";
    const credentials = held.get(clientId);
    if (credentials === undefined && options.applications[clientId] === undefined) {
      return refusal(
        400,
        700016,
        "unauthorized_client",
        `Application with identifier '${clientId}' was not found in the directory.`,
      );
    }
    if (
      form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ) {
      return refusal(
        400,
        900144,
        "invalid_request",
        "The request body must contain the following parameter: 'client_assertion_type'.",
      );
    }
    const assertion = decodeJwt(form.get("client_assertion") ?? "");
    if (assertion === undefined) {
      return refusal(401, 50027, "invalid_client", "JWT token is invalid or malformed.");
    }
    const { header, payload } = assertion;
    if (payload.iss !== clientId || payload.sub !== clientId) {
      return refusal(
        401,
        700021,
        "invalid_client",
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(`${base}/${tenant}/oauth2/v2.0/token`)) {
      return refusal(
        401,
        700023,
        "invalid_client",
        "Client assertion audience claim does not match Realm issuer.",
      );
    }
    const now = Date.now();
    const { exp, nbf } = payload;
    if (
      typeof exp !== "number" ||
      exp * 1000 <= now ||
      (typeof nbf === "number" && nbf * 1000 > now + 300_000)
    ) {
      return refusal(
        401,
        700024,
        "invalid_client",
        "Client assertion is not within its valid time range.",
      );
    }
    const thumbprint = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : header.x5t;
    const key = (credentials ?? []).find((c) =>
      typeof header["x5t#S256"] === "string" ? c.x5tS256 === thumbprint : c.x5t === thumbprint,
    );
    const invalid = (reason: string) =>
      refusal(
        401,
        700027,
        "invalid_client",
        `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${hexOf(thumbprint)}']`,
      );
    if (key === undefined) return invalid("The key was not found.");
    if (now < key.start || now > key.end) return invalid("The key used is expired.");
    if (!verifiesWith(header, assertion.signedPart, assertion.signature, key.publicKey)) {
      return invalid("The provided signature value did not match the expected signature value.");
    }
    issued++;
    const accessToken = `fake-access-token-${issued}-for-${clientId}-by-certificate`;
    seen.outcome = { accessToken };
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      },
    };
  };

  /** Sends the request on to the federated fake and its answer back, with the front's URL in it. */
  const forward = (
    req: IncomingMessage,
    text: string,
    res: ServerResponse,
    seen: SeenEntraRequest,
  ) => {
    const upstream = https.request(
      `${federated.url}${req.url ?? "/"}`,
      {
        method: req.method,
        headers: { ...req.headers, host: new URL(federated.url).host },
        ca: testCertificate().cert,
      },
      (answer) => {
        let body = "";
        answer.setEncoding("utf8");
        answer.on("data", (chunk: string) => (body += chunk));
        answer.on("end", () => {
          seen.status = answer.statusCode ?? 502;
          const replaced = body.split(federated.url).join(base);
          res.writeHead(seen.status, {
            "Content-Type": answer.headers["content-type"] ?? "application/json; charset=utf-8",
          });
          res.end(replaced);
        });
      },
    );
    upstream.on("error", (e) => {
      seen.status = 502;
      res.writeHead(502, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "bad_gateway", error_description: e.message }));
    });
    upstream.end(text);
  };

  const server = https.createServer(testCertificate(), (req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      const seen: SeenEntraRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(req.method === "POST" ? text : ""),
        headers: req.headers,
        status: 0,
      };
      requests.push(seen);
      const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      const assertion = decodeJwt(seen.form.get("client_assertion") ?? "");
      const clientId = seen.form.get("client_id");
      const byCertificate =
        assertion !== undefined &&
        clientId !== null &&
        (assertion.payload.iss === clientId ||
          assertion.payload.sub === clientId ||
          (held.has(clientId) && options.applications[clientId] === undefined));
      if (requests.length > maxRequests) {
        seen.status = 500;
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: "bound reached in test" }));
        return;
      }
      if (req.method !== "POST" || tokenPath === null || !byCertificate) {
        forward(req, text, res, seen);
        return;
      }
      const answer = judge(tokenPath[1], seen.form, seen);
      seen.status = answer.status;
      const codes = (answer.body as Claims).error_codes;
      if (Array.isArray(codes) && typeof codes[0] === "number") {
        seen.outcome = {
          refused: codes[0],
          description: String((answer.body as Claims).error_description),
        };
      }
      res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 60_000);
  lifetime.unref();
  return {
    url: base,
    managedIdentityEndpoint: `${base}/msi/token`,
    tlsOptions: { ca: testCertificate().cert },
    entra: federated.entra,
    requests,
    tokenRequests: () =>
      requests.filter((r) => r.method === "POST" && r.path.endsWith("/oauth2/v2.0/token")),
    federated,
    addKeyCredential(clientId, credential) {
      held.set(clientId, [...(held.get(clientId) ?? []), holdKeyCredential(credential)]);
    },
    close: async () => {
      clearTimeout(lifetime);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await federated.close();
    },
  };
}

/** A key credential's thumbprints, public key and dates. */
function holdKeyCredential(credential: FakeKeyCredential): HeldKeyCredential {
  const x509 = new X509Certificate(credential.certificate);
  return {
    x5t: createHash("sha1").update(x509.raw).digest("base64url"),
    x5tS256: createHash("sha256").update(x509.raw).digest("base64url"),
    publicKey: x509.publicKey,
    start: (credential.startDateTime ?? new Date(x509.validFrom)).getTime(),
    end: (credential.endDateTime ?? new Date(x509.validTo)).getTime(),
  };
}

/** True when the JWS `alg` is RS256 or PS256 and the signature verifies with `publicKey`. */
function verifiesWith(
  header: Claims,
  signedPart: string,
  signature: Buffer,
  publicKey: KeyObject,
): boolean {
  const data = Buffer.from(signedPart);
  if (header.alg === "RS256") return verify("sha256", data, publicKey, signature);
  if (header.alg === "PS256") {
    return verify(
      "sha256",
      data,
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      signature,
    );
  }
  return false;
}

/** A base64url thumbprint in upper-case hex, as Entra prints it. */
function hexOf(thumbprint: unknown): string {
  return typeof thumbprint === "string"
    ? Buffer.from(thumbprint, "base64url").toString("hex").toUpperCase()
    : "";
}
