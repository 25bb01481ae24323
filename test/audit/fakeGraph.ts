/**
 * A fake Microsoft Graph for the audit's `--graph` tests: an HTTPS server on 127.0.0.1 (port
 * chosen by the system; a self-signed certificate for 127.0.0.1 made once per test process, which
 * only the `fetchOptions` it hands out trust: an undici `Agent` given as fetch's `dispatcher`, the way
 * Node documents to configure its fetch, https://nodejs.org/api/globals.html#fetch) serving
 * `GET /v1.0/applications` and `GET /v1.0/servicePrincipals` the way
 * Graph pages them: `$select` honoured, `$top` items per page, `@odata.nextLink` pointing back to
 * this server with an opaque `$skiptoken` (URL-encoded, with characters that must survive the
 * round trip). Modes: answer 429 with `Retry-After` once per listed path, refuse every token (401),
 * deny (403), or put a nextLink on another host.
 *
 * Owners: `GET /v1.0/applications/{id}/owners` and `GET /v1.0/servicePrincipals/{id}/owners`
 * (paged by `ownersPageSize`, `$select` honoured, absolute nextLinks), also inside
 * `POST /v1.0/$batch` (at most 20 requests, else 400), whose answers carry each inner request's
 * status, headers and body as Graph's JSON batching does; `throttleOwnersOnce` answers the first
 * inner owners request 429 with Retry-After. Inner requests are recorded too (`batched: true`).
 *
 * Federated identity credentials: `GET /v1.0/applications/{id}/federatedIdentityCredentials` (paged
 * by `federatedCredentialsPageSize`, `$select` honoured, 404 for an application it does not serve),
 * also inside `$batch`; `throttleFederatedOnce` answers the first such request inside a batch 429.
 *
 * App management policies: `GET /v1.0/policies/defaultAppManagementPolicy` (a disabled default
 * policy unless one is given, as Entra has) and `GET /v1.0/policies/appManagementPolicies` (paged by
 * `policyPageSize`; with `$expand=appliesTo`, at most 20 applied-to objects per policy, as Graph
 * expands directory objects), and `GET /v1.0/policies/appManagementPolicies/{id}/appliesTo` (paged,
 * `$select` honoured). The sign-in report, beta: `GET /beta/reports/appCredentialSignInActivities`
 * (paged by `$top` or `activityPageSize`; `throttleActivityOnce` answers its second page 429 once).
 * `forbiddenPaths`: 403 for the paths starting with one of them, with Graph's error, as Graph
 * answers a call whose permission the token lacks.
 *
 * Bounded: it answers at most `maxRequests` requests (then 500), and closes itself after
 * `lifetimeMs` if a test forgets to.
 */
import * as https from "https";
import type { AddressInfo } from "net";
import { testCertificate } from "../support/testCertificate";
import { Agent } from "undici";
import type { FetchOptions } from "@microsoft/microsoft-graph-client";

/** How the fake server behaves. */
export interface FakeGraphOptions {
  applications: Record<string, unknown>[];
  servicePrincipals: Record<string, unknown>[];
  /** The only bearer token accepted (others get 401), default "fake-token". */
  token?: string;
  /** Answer 429 with this Retry-After to the first request for page 2 of /applications. */
  throttleOnce?: { retryAfter: string };
  /** Answer every request with 429 and this Retry-After. */
  throttleAlways?: { retryAfter: string };
  /** 401 to every request, as Graph does for a token it refuses. */
  unauthorized?: boolean;
  /** 403 to every request, as Graph does without Application.Read.All. */
  forbidden?: boolean;
  /** The first nextLink points to another host. */
  foreignNextLink?: boolean;
  /** Largest page, whatever `$top` asks (Graph caps it too), default 999. */
  maxPageSize?: number;
  maxRequests?: number;
  lifetimeMs?: number;
  /** Owners by object id (an object absent here has none). */
  owners?: Record<string, Record<string, unknown>[]>;
  /** Owners per page (Graph's default is 100), default 100. */
  ownersPageSize?: number;
  /** Answer the first owners request inside a batch 429 with this Retry-After. */
  throttleOwnersOnce?: { retryAfter: string };
  /** `GET /policies/defaultAppManagementPolicy`; default a disabled policy restricting nothing. */
  defaultAppManagementPolicy?: Record<string, unknown>;
  /** The per-app policies, each with its full `appliesTo` list. */
  appManagementPolicies?: Record<string, unknown>[];
  /** Policies per page of `/policies/appManagementPolicies`, default 100. */
  policyPageSize?: number;
  /** Objects per page of `/policies/appManagementPolicies/{id}/appliesTo`, default 100. */
  appliesToPageSize?: number;
  /** The sign-in report's entries (`/beta/reports/appCredentialSignInActivities`). */
  credentialActivity?: Record<string, unknown>[];
  /** Entries per page of the sign-in report when no `$top` is sent, default 100. */
  activityPageSize?: number;
  /** Answer the first request for a later page of the sign-in report 429 with this Retry-After. */
  throttleActivityOnce?: { retryAfter: string };
  /** 403 (Authorization_RequestDenied) for every path starting with one of these. */
  forbiddenPaths?: string[];
  /** Federated identity credentials by application object id (an application absent here has none). */
  federatedCredentials?: Record<string, Record<string, unknown>[]>;
  /** Federated credentials per page, default 100. */
  federatedCredentialsPageSize?: number;
  /** Answer the first federated credentials request inside a batch 429 with this Retry-After. */
  throttleFederatedOnce?: { retryAfter: string };
}

/** One request the server received. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  status: number;
  method: string;
  /** Sent inside a `$batch` (then `authorization` is the batch's). */
  batched?: boolean;
  /** `$batch`: how many requests it held. */
  batchSize?: number;
}

/** What the server answers one (possibly batched) request. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeGraph {
  /** Base URL without version, e.g. `https://127.0.0.1:41234`. */
  url: string;
  requests: SeenRequest[];
  /**
   * What the audit's Graph client must pass to fetch to trust the server's certificate (and only
   * it): `graph: {fetchOptions}` in the CLI's deps.
   */
  fetchOptions: FetchOptions;
  close(): Promise<void>;
}

/** Graph's answer to `GET /policies/defaultAppManagementPolicy` in a tenant that never set it. */
export const DISABLED_DEFAULT_POLICY = {
  "@odata.context":
    "https://graph.microsoft.com/v1.0/$metadata#policies/defaultAppManagementPolicy",
  id: "00000000-0000-0000-0000-000000000000",
  displayName: "Default app management tenant policy",
  description:
    "Default tenant policy that enforces app management restrictions on applications and service principals.",
  isEnabled: false,
  applicationRestrictions: { passwordCredentials: [], keyCredentials: [] },
  servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
};

/** Starts the server; resolves once it listens. */
export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const requests: SeenRequest[] = [];
  const throttled = new Set<string>();
  const token = options.token ?? "fake-token";
  const maxRequests = options.maxRequests ?? 200;
  let base = "";

  let ownersThrottled = false;
  let federatedThrottled = false;

  const error = (
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): Answer => ({
    status,
    headers: { "Content-Type": "application/json", ...headers },
    body: { error: { code, message, innerError: { "request-id": "fake" } } },
  });
  const ok = (body: unknown): Answer => ({
    status: 200,
    headers: { "Content-Type": "application/json" },
    body,
  });

  /** A page of `items` for `url` ($skiptoken, $top, $select), with a nextLink when more remain. */
  const page = (
    url: URL,
    items: Record<string, unknown>[],
    pageSize: number,
    host: string,
  ): Answer => {
    const skipToken = url.searchParams.get("$skiptoken");
    const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
    if (offset === undefined) return error(400, "BadRequest", "unreadable $skiptoken");
    const select = url.searchParams.get("$select")?.split(",");
    const top = Math.min(
      Number(url.searchParams.get("$top") ?? pageSize),
      options.maxPageSize ?? 999,
    );
    const value = items
      .slice(offset, offset + top)
      .map((item) =>
        select
          ? Object.fromEntries(select.filter((k) => k in item).map((k) => [k, item[k]]))
          : item,
      );
    const body: Record<string, unknown> = {
      "@odata.context": `${base}/${url.pathname.split("/")[1]}/$metadata#${url.pathname.split("/").slice(2).join("/")}`,
      value,
    };
    if (offset + top < items.length) {
      // As Graph writes it: the original query plus an opaque, URL-encoded $skiptoken.
      const kept = [...url.searchParams.entries()]
        .filter(([key]) => key !== "$skiptoken")
        .map(([key, value]) => `${key}=${value}`);
      const next = encodeURIComponent(encodeSkipToken(offset + top));
      body["@odata.nextLink"] =
        `${host}${url.pathname}?${[...kept, `$skiptoken=${next}`].join("&")}`;
    }
    return ok(body);
  };

  let activityThrottled = false;
  const policies = options.appManagementPolicies ?? [];

  /** One GET (top-level or inside a batch). */
  const get = (url: URL, batched: boolean): Answer => {
    if (url.pathname === "/v1.0/policies/defaultAppManagementPolicy") {
      return ok(options.defaultAppManagementPolicy ?? DISABLED_DEFAULT_POLICY);
    }
    if (url.pathname === "/v1.0/policies/appManagementPolicies") {
      const expand = url.searchParams.get("$expand") === "appliesTo";
      const shown = policies.map((policy) => {
        const { appliesTo, ...rest } = policy;
        return expand
          ? { ...rest, appliesTo: ((appliesTo as unknown[]) ?? []).slice(0, 20) }
          : rest;
      });
      return page(url, shown, options.policyPageSize ?? 100, base);
    }
    const applied = /^\/v1\.0\/policies\/appManagementPolicies\/([^/]+)\/appliesTo$/.exec(
      url.pathname,
    );
    if (applied) {
      const id = decodeURIComponent(applied[1]);
      const policy = policies.find((p) => p.id === id);
      if (policy === undefined) {
        return error(404, "Request_ResourceNotFound", `Resource '${id}' does not exist`);
      }
      return page(
        url,
        (policy.appliesTo as Record<string, unknown>[]) ?? [],
        options.appliesToPageSize ?? 100,
        base,
      );
    }
    if (url.pathname === "/beta/reports/appCredentialSignInActivities") {
      if (
        url.searchParams.get("$skiptoken") !== null &&
        options.throttleActivityOnce &&
        !activityThrottled
      ) {
        activityThrottled = true;
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleActivityOnce.retryAfter,
        });
      }
      return page(url, options.credentialActivity ?? [], options.activityPageSize ?? 100, base);
    }
    const trusted = /^\/v1\.0\/applications\/([^/]+)\/federatedIdentityCredentials$/.exec(
      url.pathname,
    );
    if (trusted) {
      if (batched && options.throttleFederatedOnce && !federatedThrottled) {
        federatedThrottled = true;
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleFederatedOnce.retryAfter,
        });
      }
      const id = decodeURIComponent(trusted[1]);
      if (!options.applications.some((item) => item.id === id)) {
        return error(404, "Request_ResourceNotFound", `Resource '${id}' does not exist`);
      }
      return page(
        url,
        options.federatedCredentials?.[id] ?? [],
        options.federatedCredentialsPageSize ?? 100,
        base,
      );
    }
    const owned = /^\/v1\.0\/(applications|servicePrincipals)\/([^/]+)\/owners$/.exec(url.pathname);
    if (owned) {
      if (batched && options.throttleOwnersOnce && !ownersThrottled) {
        ownersThrottled = true;
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleOwnersOnce.retryAfter,
        });
      }
      const id = decodeURIComponent(owned[2]);
      const collection =
        owned[1] === "applications" ? options.applications : options.servicePrincipals;
      if (!collection.some((item) => item.id === id)) {
        return error(404, "Request_ResourceNotFound", `Resource '${id}' does not exist`);
      }
      return page(url, options.owners?.[id] ?? [], options.ownersPageSize ?? 100, base);
    }
    const collections: Record<string, Record<string, unknown>[]> = {
      "/v1.0/applications": options.applications,
      "/v1.0/servicePrincipals": options.servicePrincipals,
    };
    const items = collections[url.pathname];
    if (items === undefined)
      return error(404, "Request_ResourceNotFound", `no GET ${url.pathname}`);
    const skipToken = url.searchParams.get("$skiptoken");
    if (skipToken !== null && options.throttleOnce && !throttled.has(url.pathname)) {
      throttled.add(url.pathname);
      if (url.pathname === "/v1.0/applications") {
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleOnce.retryAfter,
        });
      }
    }
    return page(url, items, 100, options.foreignNextLink ? "https://127.0.0.2:1" : base);
  };

  /** `POST /v1.0/$batch`: each inner GET answered as Graph's JSON batching does. */
  const batch = (text: string, authorization: string | undefined): Answer => {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return error(400, "BadRequest", "invalid JSON");
    }
    const inner = (document as { requests?: unknown }).requests;
    if (!Array.isArray(inner) || inner.length === 0 || inner.length > 20) {
      return error(400, "BadRequest", "a batch holds 1 to 20 requests");
    }
    const responses = inner.map((item: { id?: unknown; method?: unknown; url?: unknown }) => {
      const url = new URL(`/v1.0${String(item.url)}`, base);
      const answer =
        item.method === "GET" ? get(url, true) : error(405, "BadRequest", "GET only in this fake");
      requests.push({
        path: url.pathname,
        query: url.searchParams,
        authorization,
        status: answer.status,
        method: String(item.method),
        batched: true,
      });
      return { id: item.id, status: answer.status, headers: answer.headers, body: answer.body };
    });
    return ok({ responses });
  };

  const server = https.createServer(testCertificate(), (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const seen: SeenRequest = {
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      status: 0,
      method: req.method ?? "GET",
    };
    requests.push(seen);
    const send = (answer: Answer) => {
      seen.status = answer.status;
      res.writeHead(answer.status, answer.headers);
      res.end(JSON.stringify(answer.body));
    };
    const topLevel = (): Answer | undefined => {
      if (requests.length > maxRequests)
        return error(500, "TooManyRequestsInTest", "bound reached");
      if (options.unauthorized || req.headers.authorization !== `Bearer ${token}`) {
        return error(401, "InvalidAuthenticationToken", "Access token validation failure.");
      }
      if (
        options.forbidden ||
        (options.forbiddenPaths ?? []).some((prefix) => url.pathname.startsWith(prefix))
      ) {
        return error(
          403,
          "Authorization_RequestDenied",
          "Insufficient privileges to complete the operation.",
        );
      }
      if (options.throttleAlways) {
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleAlways.retryAfter,
        });
      }
      return undefined;
    };
    const refused = topLevel();
    if (refused) return send(refused);
    if (req.method === "POST" && url.pathname === "/v1.0/$batch") {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => {
        const size = /"id"/g[Symbol.match](text)?.length;
        seen.batchSize = size;
        send(batch(text, req.headers.authorization));
      });
      return;
    }
    if (req.method !== "GET")
      return send(error(404, "Request_ResourceNotFound", `no ${req.method} ${url.pathname}`));
    send(get(url, false));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 30_000);
  lifetime.unref();
  const dispatcher = new Agent({ connect: { ca: testCertificate().cert } });
  return {
    url: base,
    requests,
    // undici's Agent is the dispatcher Node's fetch takes (its types come from undici-types).
    fetchOptions: { dispatcher } as unknown as FetchOptions,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => dispatcher.close()),
  };
}

/** An opaque token like Graph's: base64 with `+`, `/` and `=` that must survive URL encoding. */
function encodeSkipToken(offset: number): string {
  return Buffer.from(`RFNwdAIAAQAAA+/${offset}?>`).toString("base64");
}

function decodeSkipToken(token: string): number | undefined {
  const match = /^RFNwdAIAAQAAA\+\/(\d+)\?>$/.exec(Buffer.from(token, "base64").toString());
  return match ? Number(match[1]) : undefined;
}
