/**
 * A fake Microsoft Entra ID token service for the federation tests: an HTTPS server on 127.0.0.1
 * (port chosen by the system) holding the project's test certificate (test/support/testCertificate.ts),
 * which only the clients given {@link FakeEntra.tlsOptions} trust (the Azure SDK pipeline's
 * `tlsOptions: {ca}`; nothing process-wide). It serves:
 *
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration`: the tenant's metadata, which MSAL reads
 *   for an authority it has no built-in metadata for (`disableInstanceDiscovery: true` makes the
 *   fake's host a known authority, so no request leaves 127.0.0.1);
 * - `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant with a client assertion
 *   (RFC 7523 `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`), as
 *   Entra ID judges a federated one (Microsoft Entra, "Workload identity federation" and
 *   "Overview of federated identity credentials"): the assertion's `iss` and `sub` must equal, case
 *   included, those of one of the application's federated credentials, its `aud` must hold that
 *   credential's audience, it must be within its validity and signed by the issuer's key. Refusals
 *   carry the AADSTS codes Entra ID answers with (70021 no matching record, 700213 subject,
 *   7002138 subject matching only without case, 700024 outside the validity, 50013 signature);
 *   an accepted request gets a new opaque access token;
 * - `GET /msi/token`: a managed identity endpoint as App Service serves it (api-version 2019-08-01,
 *   header `X-IDENTITY-HEADER`, `resource`, user-assigned `client_id`), which answers with a token
 *   Entra ID issued to the user-assigned identity: issuer `https://login.microsoftonline.com/<tenant>/v2.0`,
 *   subject the identity's object (principal) id, audience the requested resource.
 *
 * Every request is recorded. Bounded: at most `maxRequests` requests (then 500), and the server
 * closes itself after `lifetimeMs` if a test forgets to.
 */
import type { IncomingMessage } from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import { entraIssuer } from "../../policy/core";
import { testCertificate } from "../support/testCertificate";
import { Claims, decodeJwt, TestIssuer, verifiesWith } from "./tokens";

/** One federated identity credential as the stack declares it on an application. */
export interface FederatedTrust {
  issuer: string;
  subject: string;
  audience: string;
}

/** A user-assigned managed identity the fake's managed identity endpoint serves. */
export interface FakeManagedIdentity {
  /** Its client id (what `ManagedIdentityCredential({clientId})` names). */
  clientId: string;
  /** Its object (principal) id: the subject of its tokens. */
  principalId: string;
}

/** How the fake behaves. */
export interface FakeEntraOptions {
  tenantId: string;
  /** The applications by client id, each with the federated credentials it holds. */
  applications: Record<string, readonly FederatedTrust[]>;
  /**
   * The external issuers whose keys Entra ID would fetch (OIDC discovery, `jwks_uri`); the
   * tenant's own issuer (managed identities) is added by the fake.
   */
  issuers: readonly TestIssuer[];
  /** The managed identity endpoint's identities, and the secret header it expects. */
  managedIdentities?: { header: string; identities: readonly FakeManagedIdentity[] };
  maxRequests?: number;
  lifetimeMs?: number;
}

/** One request the fake received. */
export interface SeenEntraRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The form body of a POST (empty otherwise). */
  form: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  /** The token endpoint's answer: the access token issued, or the AADSTS code of the refusal. */
  outcome?: { accessToken: string } | { refused: number; description: string };
}

/** A running fake. */
export interface FakeEntra {
  /** `https://127.0.0.1:<port>`: the authority host to give the credentials. */
  url: string;
  /** The managed identity endpoint, for `IDENTITY_ENDPOINT`. */
  managedIdentityEndpoint: string;
  /** What a credential's options need to trust the fake (and only it): `tlsOptions: {ca}`. */
  tlsOptions: { ca: string };
  /** The tenant's own issuer, which signs the managed identities' tokens. */
  entra: TestIssuer;
  requests: SeenEntraRequest[];
  /** The token endpoint's requests (POST …/oauth2/v2.0/token), in order. */
  tokenRequests(): SeenEntraRequest[];
  close(): Promise<void>;
}

/** What the fake answers one request. */
interface Answer {
  status: number;
  body: Claims;
}

/** An Entra ID error body (OAuth 2.0 error response with Entra's extra fields). */
interface EntraError {
  status: number;
  code: number;
  error: string;
  description: string;
}

/** Starts the fake; resolves once it listens. */
export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  const requests: SeenEntraRequest[] = [];
  const maxRequests = options.maxRequests ?? 100;
  const entra = new TestIssuer(entraIssuer(options.tenantId));
  const keys = new Map([...options.issuers, entra].map((i) => [i.issuer, i.publicKey]));
  let issued = 0;
  let base = "";

  const refuse = (e: EntraError): Answer => ({
    status: e.status,
    body: {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.description} Trace ID: fake Correlation ID: fake Timestamp: ${new Date().toISOString()}`,
      error_codes: [e.code],
      timestamp: new Date().toISOString(),
      trace_id: "00000000-0000-0000-0000-000000000000",
      correlation_id: "00000000-0000-0000-0000-000000000000",
    },
  });

  /** Judges a client-credentials request with a federated assertion, as Entra ID does. */
  const token = (tenant: string, form: URLSearchParams, seen: SeenEntraRequest): Answer => {
    const invalid = (description: string, code = 900144) =>
      refuse({ status: 400, code, error: "invalid_request", description });
    if (tenant !== options.tenantId) {
      return refuse({
        status: 400,
        code: 90002,
        error: "invalid_tenant",
        description: `Tenant '${tenant}' not found.`,
      });
    }
    if (form.get("grant_type") !== "client_credentials") {
      return invalid("The request body must contain the following parameter: 'grant_type'.");
    }
    const clientId = form.get("client_id") ?? "";
    const trusts = options.applications[clientId];
    if (trusts === undefined) {
      return refuse({
        status: 400,
        code: 700016,
        error: "unauthorized_client",
        description: `Application with identifier '${clientId}' was not found in the directory.`,
      });
    }
    if (
      form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ) {
      return invalid(
        "The request body must contain the following parameter: 'client_assertion_type'.",
      );
    }
    const assertion = decodeJwt(form.get("client_assertion") ?? "");
    if (assertion === undefined) {
      return refuse({
        status: 401,
        code: 50027,
        error: "invalid_client",
        description: "JWT token is invalid or malformed.",
      });
    }
    const { iss, sub, aud, exp, nbf } = assertion.payload;
    const audiences = Array.isArray(aud) ? aud : [aud];
    const sameIssuer = trusts.filter((t) => t.issuer === iss);
    const match = sameIssuer.find((t) => t.subject === sub && audiences.includes(t.audience));
    if (match === undefined) {
      const noCase = sameIssuer.find(
        (t) => typeof sub === "string" && t.subject.toLowerCase() === sub.toLowerCase(),
      );
      const [code, description] = noCase
        ? [
            7002138,
            `No matching federated identity record found for presented assertion subject '${String(sub)}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`,
          ]
        : sameIssuer.length > 0 && !sameIssuer.some((t) => t.subject === sub)
          ? [
              700213,
              `No matching federated identity record found for presented assertion subject '${String(sub)}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
            ]
          : [
              70021,
              `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(iss)}'. Assertion Subject: '${String(sub)}'. Assertion Audience: '${audiences.map(String).join(",")}'.`,
            ];
      return refuse({ status: 401, code, error: "invalid_client", description });
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof exp !== "number" || exp <= now || (typeof nbf === "number" && nbf > now + 300)) {
      return refuse({
        status: 401,
        code: 700024,
        error: "invalid_client",
        description: "Client assertion is not within its valid time range.",
      });
    }
    const key = keys.get(match.issuer);
    if (key === undefined || !verifiesWith(assertion, key)) {
      return refuse({
        status: 401,
        code: 50013,
        error: "invalid_client",
        description: "Assertion failed signature validation.",
      });
    }
    issued++;
    const accessToken = `fake-access-token-${issued}-for-${clientId}`;
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

  /** The App Service managed identity endpoint (api-version 2019-08-01). */
  const managedIdentity = (url: URL, headers: SeenEntraRequest["headers"]): Answer => {
    const served = options.managedIdentities;
    const problem = (status: number, message: string): Answer => ({
      status,
      body: { statusCode: status, message, correlationId: "fake" },
    });
    if (served === undefined) return problem(404, "no managed identity endpoint in this fake");
    if (headers["x-identity-header"] !== served.header) {
      return problem(401, "X-IDENTITY-HEADER is missing or wrong");
    }
    if (url.searchParams.get("api-version") !== "2019-08-01") {
      return problem(400, "api-version 2019-08-01 expected");
    }
    const resource = url.searchParams.get("resource");
    const identity = served.identities.find(
      (i) => i.clientId === url.searchParams.get("client_id"),
    );
    if (!resource || identity === undefined) {
      return problem(400, "resource and the client_id of an assigned identity expected");
    }
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    return {
      status: 200,
      body: {
        access_token: entra.mint(identity.principalId, resource, {
          oid: identity.principalId,
          azp: identity.clientId,
          tid: options.tenantId,
        }),
        expires_on: String(expiresOn),
        resource,
        token_type: "Bearer",
        client_id: identity.clientId,
      },
    };
  };

  const route = (req: IncomingMessage, url: URL, seen: SeenEntraRequest): Answer => {
    if (requests.length > maxRequests) {
      return { status: 500, body: { error: "bound reached in test" } };
    }
    const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (req.method === "GET" && metadata) {
      const tenant = metadata[1];
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
          issuer: `${base}/${tenant}/v2.0`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
        },
      };
    }
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === "POST" && tokenPath) return token(tokenPath[1], seen.form, seen);
    if (req.method === "GET" && url.pathname === "/msi/token") {
      return managedIdentity(url, seen.headers);
    }
    return {
      status: 404,
      body: { error: "not_found", error_description: `${req.method} ${url.pathname}` },
    };
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
      const answer = route(req, url, seen);
      seen.status = answer.status;
      const codes = answer.body.error_codes;
      if (Array.isArray(codes) && typeof codes[0] === "number") {
        seen.outcome = { refused: codes[0], description: String(answer.body.error_description) };
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
    entra,
    requests,
    tokenRequests: () =>
      requests.filter((r) => r.method === "POST" && r.path.endsWith("/oauth2/v2.0/token")),
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
