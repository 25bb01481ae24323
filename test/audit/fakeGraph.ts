/**
 * A fake Microsoft Graph for the audit's `--graph` tests: a plain HTTP server on 127.0.0.1 (port
 * chosen by the system) serving `GET /v1.0/applications` and `GET /v1.0/servicePrincipals` the way
 * Graph pages them: `$select` honoured, `$top` items per page, `@odata.nextLink` pointing back to
 * this server with an opaque `$skiptoken` (URL-encoded, with characters that must survive the
 * round trip). Modes: answer 429 with `Retry-After` once per listed path, refuse every token (401),
 * deny (403), or put a nextLink on another host.
 *
 * Bounded: it answers at most `maxRequests` requests (then 500), and closes itself after
 * `lifetimeMs` if a test forgets to.
 */
import * as http from "http";
import type { AddressInfo } from "net";

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
}

/** One request the server received. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  status: number;
}

export interface FakeGraph {
  /** Base URL without version, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const requests: SeenRequest[] = [];
  const throttled = new Set<string>();
  const token = options.token ?? "fake-token";
  const maxRequests = options.maxRequests ?? 200;
  let base = "";

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    const seen: SeenRequest = {
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      status: 0,
    };
    requests.push(seen);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      seen.status = status;
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, headers = {}) =>
      send(status, { error: { code, message, innerError: { "request-id": "fake" } } }, headers);

    if (requests.length > maxRequests) return error(500, "TooManyRequestsInTest", "bound reached");
    if (options.unauthorized || req.headers.authorization !== `Bearer ${token}`) {
      return error(401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    if (options.forbidden) {
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
    const collections: Record<string, Record<string, unknown>[]> = {
      "/v1.0/applications": options.applications,
      "/v1.0/servicePrincipals": options.servicePrincipals,
    };
    const items = collections[url.pathname];
    if (req.method !== "GET" || items === undefined) {
      return error(404, "Request_ResourceNotFound", `no ${req.method} ${url.pathname}`);
    }
    const skipToken = url.searchParams.get("$skiptoken");
    const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
    if (offset === undefined) return error(400, "BadRequest", "unreadable $skiptoken");
    if (offset > 0 && options.throttleOnce && !throttled.has(url.pathname)) {
      throttled.add(url.pathname);
      if (url.pathname === "/v1.0/applications") {
        return error(429, "TooManyRequests", "Too many requests", {
          "Retry-After": options.throttleOnce.retryAfter,
        });
      }
    }
    const select = url.searchParams.get("$select")?.split(",");
    const top = Math.min(Number(url.searchParams.get("$top") ?? 100), options.maxPageSize ?? 999);
    const page = items
      .slice(offset, offset + top)
      .map((item) =>
        select
          ? Object.fromEntries(select.filter((k) => k in item).map((k) => [k, item[k]]))
          : item,
      );
    const body: Record<string, unknown> = {
      "@odata.context": `${base}/v1.0/$metadata#${url.pathname.slice(6)}`,
      value: page,
    };
    if (offset + top < items.length) {
      // As Graph writes it: the original query plus an opaque, URL-encoded $skiptoken.
      const host = options.foreignNextLink ? "http://127.0.0.2:1" : base;
      const kept = [...url.searchParams.entries()]
        .filter(([key]) => key !== "$skiptoken")
        .map(([key, value]) => `${key}=${value}`);
      const next = encodeURIComponent(encodeSkipToken(offset + top));
      body["@odata.nextLink"] =
        `${host}${url.pathname}?${[...kept, `$skiptoken=${next}`].join("&")}`;
    }
    send(200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 30_000);
  lifetime.unref();
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
