/**
 * `--graph`: lists every application and service principal of the tenant from Microsoft Graph v1.0
 * with @microsoft/microsoft-graph-client, selecting only the properties the audit reads.
 *
 * - `GET /applications` and `GET /servicePrincipals` with
 *   `$select=id,appId,displayName,passwordCredentials,keyCredentials` and `$top=999` (the largest
 *   page these lists allow), following `@odata.nextLink` until the last page
 *   (https://learn.microsoft.com/graph/paging). A nextLink outside the base URL is refused, so the
 *   token is never sent elsewhere.
 * - Throttling: the client's RetryHandler retries 429 (and 503, 504) after the `Retry-After`
 *   seconds Graph sends (https://learn.microsoft.com/graph/throttling), at most `maxRetries` times
 *   per request and only while Retry-After is at most `maxRetryAfterSeconds`; then the request
 *   fails with a message.
 * - Permission: `Application.Read.All` (application or delegated) for the lists and owners,
 *   `Policy.Read.All` for the policies, `AuditLog.Read.All` for the sign-in report. A 401 (token
 *   refused) or 403 (permission missing) is an {@link AuditInputError} naming the permission.
 * - Token: any `TokenCredential` (the CLI passes `DefaultAzureCredential` from @azure/identity),
 *   scope `<base URL origin>/.default`, cached until 2 minutes before it expires. It is attached
 *   by our own middleware rather than the client's AuthenticationHandler, which attaches tokens
 *   to https Graph hosts only and so could not be exercised against a local fake server.
 *
 * - Owners ({@link fetchOwners}): `GET /{applications|servicePrincipals}/{id}/owners`, 20 per
 *   `POST /$batch`, paged, throttled requests inside a batch sent again after their Retry-After.
 * - Federated identity credentials ({@link fetchFederatedCredentials}, permission
 *   `Application.Read.All`): `GET /applications/{id}/federatedIdentityCredentials`, batched and
 *   paged the same way.
 * - App management policies ({@link fetchAppManagementPolicies}, permission `Policy.Read.All`):
 *   `GET /policies/defaultAppManagementPolicy` and `GET /policies/appManagementPolicies?$expand=appliesTo`
 *   (paged); a policy whose expanded `appliesTo` holds 20 or more objects (Graph expands at most 20
 *   directory objects, without a next link: https://learn.microsoft.com/graph/query-parameters#expand)
 *   is listed again through `GET /policies/appManagementPolicies/{id}/appliesTo` (paged).
 * - The sign-in report ({@link fetchCredentialActivity}, permission `AuditLog.Read.All`), a BETA API:
 *   `GET /beta/reports/appCredentialSignInActivities`, paged.
 *
 * Node 20's global fetch is used: the client checks for it and needs no polyfill.
 */
import { isHttpsOrLoopback } from "../offline";
import type { AccessToken, TokenCredential } from "@azure/identity";
import {
  Client,
  Context,
  FetchOptions,
  GraphError,
  HTTPMessageHandler,
  Middleware,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from "@microsoft/microsoft-graph-client";
import { AuditInputError, messageOf, oneLine } from "./errors";
import type { Owner } from "./owners";
import {
  AppManagementPolicyShapeError,
  parseAppManagementPolicies,
  parseTenantAppManagementPolicy,
  type AppManagementPolicies,
} from "../offline/appManagementPolicy";
import {
  CredentialActivityShapeError,
  parseCredentialActivity,
  type CredentialActivityEntry,
} from "../offline/credentialActivity";

/** Environment variable that overrides the Graph base URL (national clouds, a local fake server). */
export const GRAPH_URL_ENV = "APP_CREDENTIALS_GRAPH_URL";
/** Microsoft Graph, global service. */
export const DEFAULT_GRAPH_URL = "https://graph.microsoft.com";
/** The only Graph version used. */
export const GRAPH_VERSION = "v1.0";
/** The properties requested: nothing else is read. */
export const GRAPH_SELECT = ["id", "appId", "displayName", "passwordCredentials", "keyCredentials"];
/**
 * Applications also give their creation date (Graph v1.0 `application.createdDateTime`), which app
 * management policies are dated by; v1.0's servicePrincipal has no such property (selecting it would
 * be refused).
 */
export const GRAPH_SELECT_APPLICATIONS = [...GRAPH_SELECT, "createdDateTime"];
/** The permission the audit needs. */
export const REQUIRED_PERMISSION = "Application.Read.All";
/** The permission `GET /policies/defaultAppManagementPolicy` and `…/appManagementPolicies` need. */
export const POLICY_PERMISSION = "Policy.Read.All";
/** The permission the sign-in report (`/beta/reports/appCredentialSignInActivities`) needs. */
export const ACTIVITY_PERMISSION = "AuditLog.Read.All";
/** The version of the sign-in report: it exists in beta only. */
export const ACTIVITY_VERSION = "beta";
/** The sign-in report's path (under {@link ACTIVITY_VERSION}). */
export const ACTIVITY_PATH = "/reports/appCredentialSignInActivities";
/** Graph expands at most this many directory objects, without a next link. */
export const EXPAND_LIMIT = 20;

/** Options of {@link fetchTenant}. */
export interface GraphFetchOptions {
  credential: TokenCredential;
  /**
   * Base URL without the version, default {@link DEFAULT_GRAPH_URL}. https, or http on a loopback
   * host (127.0.0.1, ::1, localhost) only.
   */
  baseUrl?: string;
  /** Retries per request after 429/503/504, 0–10 (the client's limit), default 5. */
  maxRetries?: number;
  /** A Retry-After longer than this (seconds) fails the request instead, default 120. */
  maxRetryAfterSeconds?: number;
  /** Page size (`$top`), default 999. */
  pageSize?: number;
  /** Page size (`$top`) of the sign-in report; default: none sent (Graph's own page size). */
  activityPageSize?: number;
  /**
   * Options passed to every fetch (e.g. a `dispatcher` trusting a test server's certificate);
   * default none.
   */
  fetchOptions?: FetchOptions;
  /** Called before each retry after a throttling or unavailable answer. */
  onRetry?: (info: { url: string; status: number; retryAfterSeconds: number | null }) => void;
}

/** What Graph returned, items not yet validated (see tenant.ts). */
export interface GraphTenant {
  applications: unknown[];
  servicePrincipals: unknown[];
}

/**
 * Lists all applications, then all service principals.
 *
 * @throws AuditInputError (one line) for an invalid base URL, a token that cannot be obtained, a
 *   401/403 (naming {@link REQUIRED_PERMISSION}), throttling beyond the bounds, any other Graph
 *   error, an unreachable host or an unexpected page
 */
export async function fetchTenant(options: GraphFetchOptions): Promise<GraphTenant> {
  const graph = graphClient(options);
  const applications = await listAll(graph, options, {
    path: "/applications",
    what: "GET /applications",
    select: GRAPH_SELECT_APPLICATIONS,
    top: options.pageSize ?? 999,
  });
  const servicePrincipals = await listAll(graph, options, {
    path: "/servicePrincipals",
    what: "GET /servicePrincipals",
    select: GRAPH_SELECT,
    top: options.pageSize ?? 999,
  });
  return { applications, servicePrincipals };
}

/** The client, its token middleware and the base URL, as {@link graphClient} makes them. */
interface GraphConnection {
  client: Client;
  auth: BearerToken;
  base: URL;
}

/** One list request of {@link listAll}. */
interface ListRequest {
  /** Relative to the version, starting with `/`. */
  path: string;
  /** How messages name it, e.g. `GET /applications`. */
  what: string;
  /** `v1.0` (default) or `beta`. */
  version?: string;
  select?: string[];
  expand?: string;
  top?: number;
  /** The permission a 401 or 403 names (default {@link REQUIRED_PERMISSION}). */
  permission?: string;
  /** Added to a 403's message, e.g. how to do without the call. */
  hint?: string;
}

/**
 * Every item of a paged list: the first page with the query, then each `@odata.nextLink` (which
 * must be under the base URL and version, and never repeat).
 *
 * @throws AuditInputError naming the request (401/403 naming the permission)
 */
async function listAll(
  { client, auth, base }: GraphConnection,
  options: GraphFetchOptions,
  request: ListRequest,
): Promise<unknown[]> {
  const version = request.version ?? GRAPH_VERSION;
  const prefix = `${base.href}${version}/`;
  const items: unknown[] = [];
  const seen = new Set<string>();
  let path = request.path;
  let first = true;
  for (;;) {
    const what = `${request.what}${first ? "" : " (next page)"}`;
    let page: unknown;
    try {
      let call = client.api(path).version(version);
      if (first) {
        if (request.select !== undefined) call = call.select(request.select);
        if (request.expand !== undefined) call = call.expand(request.expand);
        if (request.top !== undefined) call = call.top(request.top);
      }
      page = await call.get();
    } catch (error) {
      throw (
        auth.failure ??
        graphFailure(
          error,
          what,
          base.origin,
          options.maxRetries ?? 5,
          request.permission,
          request.hint,
        )
      );
    }
    first = false;
    if (!isRecord(page) || !Array.isArray(page.value)) {
      throw new AuditInputError(
        `Microsoft Graph ${what}: expected a page {"value": [...]}, got ${typeof page}`,
      );
    }
    for (const item of page.value) items.push(item);
    const next = page["@odata.nextLink"];
    if (next === undefined || next === null) return items;
    if (typeof next !== "string" || !next.startsWith(prefix)) {
      throw new AuditInputError(
        `Microsoft Graph ${what}: @odata.nextLink ${JSON.stringify(String(next).slice(0, 200))} is not under ${prefix}; refusing to follow it`,
      );
    }
    if (seen.has(next)) {
      throw new AuditInputError(
        `Microsoft Graph ${what}: @odata.nextLink repeats an earlier page; stopping`,
      );
    }
    seen.add(next);
    path = `/${next.slice(prefix.length)}`;
  }
}

/** What a 403 on the policy calls adds: how to audit without them. */
const POLICY_HINT = "; or pass --no-app-management-policies to audit without the tenant's policies";

/**
 * Reads the tenant's app management policies: `GET /policies/defaultAppManagementPolicy`, then
 * `GET /policies/appManagementPolicies?$expand=appliesTo` (paged); a policy whose expanded
 * `appliesTo` may have been cut ({@link EXPAND_LIMIT} objects or more) is completed from
 * `GET /policies/appManagementPolicies/{id}/appliesTo?$select=id` (paged). Permission
 * {@link POLICY_PERMISSION} (a 403 names it).
 *
 * @throws AuditInputError as {@link fetchTenant}, naming the request and the permission; or naming
 *   the JSON path of an answer that is not a policy
 */
export async function fetchAppManagementPolicies(
  options: GraphFetchOptions,
): Promise<AppManagementPolicies> {
  const graph = graphClient(options);
  const what = "GET /policies/defaultAppManagementPolicy";
  let tenantJson: unknown;
  try {
    tenantJson = await graph.client.api("/policies/defaultAppManagementPolicy").get();
  } catch (error) {
    throw (
      graph.auth.failure ??
      graphFailure(
        error,
        what,
        graph.base.origin,
        options.maxRetries ?? 5,
        POLICY_PERMISSION,
        POLICY_HINT,
      )
    );
  }
  const policiesJson = await listAll(graph, options, {
    path: "/policies/appManagementPolicies",
    what: "GET /policies/appManagementPolicies",
    expand: "appliesTo",
    permission: POLICY_PERMISSION,
    hint: POLICY_HINT,
  });
  for (const policy of policiesJson) {
    if (!isRecord(policy) || typeof policy.id !== "string") continue;
    const expanded = policy.appliesTo;
    if (Array.isArray(expanded) && expanded.length < EXPAND_LIMIT) continue;
    policy.appliesTo = await listAll(graph, options, {
      path: `/policies/appManagementPolicies/${encodeURIComponent(policy.id)}/appliesTo`,
      what: `GET /policies/appManagementPolicies/${policy.id}/appliesTo`,
      select: ["id"],
      permission: POLICY_PERMISSION,
      hint: POLICY_HINT,
    });
  }
  try {
    return {
      defaultPolicy: parseTenantAppManagementPolicy(tenantJson),
      appPolicies: parseAppManagementPolicies({ value: policiesJson }),
    };
  } catch (error) {
    if (error instanceof AppManagementPolicyShapeError) {
      throw new AuditInputError(
        `Microsoft Graph ${error.path.includes("value") ? "GET /policies/appManagementPolicies" : what}: ${error.path}: ${error.problem}`,
      );
    }
    throw error;
  }
}

/**
 * Reads the sign-in report, a Microsoft Graph BETA API: `GET /beta/reports/appCredentialSignInActivities`
 * (`$top` {@link GraphFetchOptions.activityPageSize} when set), following `@odata.nextLink`;
 * throttling as every call. Permission {@link ACTIVITY_PERMISSION} (a 403 names it).
 *
 * @throws AuditInputError naming the request and the permission; or the JSON path of an entry that is
 *   not the report's
 */
export async function fetchCredentialActivity(
  options: GraphFetchOptions,
): Promise<CredentialActivityEntry[]> {
  const graph = graphClient(options);
  const what = `GET /${ACTIVITY_VERSION}${ACTIVITY_PATH} (beta API)`;
  const items = await listAll(graph, options, {
    path: ACTIVITY_PATH,
    what,
    version: ACTIVITY_VERSION,
    top: options.activityPageSize,
    permission: ACTIVITY_PERMISSION,
    hint: "; the report also needs a Microsoft Entra ID P1 or P2 license. Or drop --credential-activity",
  });
  try {
    return parseCredentialActivity({ value: items });
  } catch (error) {
    if (error instanceof CredentialActivityShapeError) {
      throw new AuditInputError(`Microsoft Graph ${what}: ${error.path}: ${error.problem}`);
    }
    throw error;
  }
}

/** The Graph client with the audit's middleware: our bearer token, retries, redirects. */
function graphClient(options: GraphFetchOptions): GraphConnection {
  const base = graphBaseUrl(options.baseUrl ?? DEFAULT_GRAPH_URL);
  const auth = new BearerToken(options.credential, base.origin);
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  // Delay: the client's default (3 s, backing off) when Graph sends no Retry-After.
  const retry = new RetryHandlerOptions(
    undefined,
    options.maxRetries ?? 5,
    (_delay, _attempt, request, _options, response) => {
      const retryAfter = retryAfterSeconds(response);
      if (retryAfter !== null && retryAfter > maxRetryAfter) return false;
      options.onRetry?.({
        url: urlOf(request),
        status: response.status,
        retryAfterSeconds: retryAfter,
      });
      return true;
    },
  );
  const client = Client.initWithMiddleware({
    baseUrl: base.href.replace(/\/$/, ""),
    defaultVersion: GRAPH_VERSION,
    fetchOptions: options.fetchOptions,
    middleware: [
      auth,
      new RetryHandler(retry),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
  return { client, auth, base };
}

/** Requests per `$batch`: Graph's limit (https://learn.microsoft.com/graph/json-batching). */
export const MAX_BATCH_REQUESTS = 20;

/** The owner properties requested. */
export const OWNER_SELECT = ["id", "userPrincipalName", "mail", "displayName"];

/** An object whose owners {@link fetchOwners} reads. */
export interface OwnedObject {
  objectType: "application" | "servicePrincipal";
  objectId: string;
}

/**
 * Reads the owners of each object: `GET /applications/{id}/owners` or
 * `GET /servicePrincipals/{id}/owners` (`$select=id,userPrincipalName,mail,displayName`), sent
 * {@link MAX_BATCH_REQUESTS} at a time through `POST /$batch` ({@link batchedLists}: each list's
 * `@odata.nextLink` sent in a later batch, throttled requests inside a batch sent again after their
 * Retry-After). Permission: Application.Read.All, as for the lists; with only that permission Graph
 * may return user owners without userPrincipalName or mail (their id is always there).
 *
 * @returns owners by object id (lower case); every object is in the map (an empty list: no owner)
 * @throws AuditInputError as {@link fetchTenant}, naming the owners request
 */
export async function fetchOwners(
  options: GraphFetchOptions,
  objects: readonly OwnedObject[],
): Promise<Map<string, Owner[]>> {
  const owners = new Map<string, Owner[]>();
  const lists = objects.map((object) => {
    const collection = object.objectType === "application" ? "applications" : "servicePrincipals";
    owners.set(object.objectId.toLowerCase(), []);
    return {
      key: object.objectId.toLowerCase(),
      url: `/${collection}/${encodeURIComponent(object.objectId)}/owners?$select=${OWNER_SELECT.join(",")}`,
      what: `GET /${collection}/${object.objectId}/owners`,
    };
  });
  await batchedLists(options, lists, "owners", (key, items, what) => {
    const list = owners.get(key) as Owner[];
    for (const item of items) {
      if (!isRecord(item) || typeof item.id !== "string") {
        throw new AuditInputError(`Microsoft Graph ${what}: an owner without an id`);
      }
      const owner: Owner = { id: item.id };
      for (const key of ["userPrincipalName", "mail", "displayName"] as const) {
        const value = item[key];
        if (typeof value === "string" && value !== "") owner[key] = value;
      }
      list.push(owner);
    }
  });
  return owners;
}

/** The federated credential properties requested (Graph v1.0 `federatedIdentityCredential`). */
export const FEDERATED_CREDENTIAL_SELECT = [
  "id",
  "name",
  "issuer",
  "subject",
  "description",
  "audiences",
];

/**
 * Reads the federated identity credentials of each application:
 * `GET /applications/{id}/federatedIdentityCredentials` (`$select=id,name,issuer,subject,description,audiences`;
 * https://learn.microsoft.com/graph/api/application-list-federatedidentitycredentials), sent
 * {@link MAX_BATCH_REQUESTS} at a time through `POST /$batch`, paged and throttled as the owners
 * ({@link batchedLists}). Permission: Application.Read.All, as for the lists. v1.0 lists no flexible
 * credential's expression (beta only).
 *
 * @param applications the applications (object ids) to ask about
 * @returns the credentials Graph returned by application object id (lower case), not yet
 *   validated (./federated.ts); every application is in the map
 * @throws AuditInputError as {@link fetchTenant}, naming the request
 */
export async function fetchFederatedCredentials(
  options: GraphFetchOptions,
  applications: readonly { objectId: string }[],
): Promise<Map<string, { what: string; items: unknown[] }>> {
  const found = new Map<string, { what: string; items: unknown[] }>();
  const lists = applications.map((application) => {
    const what = `GET /applications/${application.objectId}/federatedIdentityCredentials`;
    found.set(application.objectId.toLowerCase(), { what, items: [] });
    return {
      key: application.objectId.toLowerCase(),
      url: `/applications/${encodeURIComponent(application.objectId)}/federatedIdentityCredentials?$select=${FEDERATED_CREDENTIAL_SELECT.join(",")}`,
      what,
    };
  });
  await batchedLists(options, lists, "federated credentials", (key, items) => {
    const entry = found.get(key) as { items: unknown[] };
    for (const item of items) entry.items.push(item);
  });
  return found;
}

/** One paged list {@link batchedLists} reads. */
interface BatchedList {
  /** What the items are recorded under. */
  key: string;
  /** Relative to the version, starting with `/`, with its query. */
  url: string;
  /** How messages name it, e.g. `GET /applications/{id}/owners`. */
  what: string;
}

/**
 * Reads paged lists through `POST /$batch`, {@link MAX_BATCH_REQUESTS} requests a batch
 * (https://learn.microsoft.com/graph/json-batching), following each list's `@odata.nextLink` (which
 * must be under the base URL and version, and never repeat) in a later batch. Throttling: a whole
 * batch answered 429/503/504 is retried by the client like any request; a request inside a batch
 * answered so is sent again in a later batch after the longest Retry-After of that batch (at most
 * `maxRetryAfterSeconds`, at most `maxRetries` times per request).
 *
 * @param label what the batch reads, for messages (`POST /$batch (<label>)`)
 * @param onPage called with each page's items (in page order for one list)
 * @throws AuditInputError as {@link fetchTenant}, naming the inner request
 */
async function batchedLists(
  options: GraphFetchOptions,
  lists: readonly BatchedList[],
  label: string,
  onPage: (key: string, items: unknown[], what: string) => void,
): Promise<void> {
  const { client, auth, base } = graphClient(options);
  const maxRetries = options.maxRetries ?? 5;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  const prefix = `${base.href}${GRAPH_VERSION}/`;
  interface Pending extends BatchedList {
    retries: number;
    seen: Set<string>;
  }
  let queue: Pending[] = lists.map((list) => ({ ...list, retries: 0, seen: new Set<string>() }));
  while (queue.length > 0) {
    const later: Pending[] = [];
    let waitSeconds = 0;
    for (let start = 0; start < queue.length; start += MAX_BATCH_REQUESTS) {
      const chunk = queue.slice(start, start + MAX_BATCH_REQUESTS);
      let answer: unknown;
      try {
        answer = await client.api("/$batch").post({
          requests: chunk.map((p, i) => ({ id: String(i), method: "GET", url: p.url })),
        });
      } catch (error) {
        throw (
          auth.failure ?? graphFailure(error, `POST /$batch (${label})`, base.origin, maxRetries)
        );
      }
      const responses = isRecord(answer) && Array.isArray(answer.responses) ? answer.responses : [];
      const byId = new Map<string, Record<string, unknown>>();
      for (const r of responses) if (isRecord(r) && typeof r.id === "string") byId.set(r.id, r);
      chunk.forEach((pending, i) => {
        const response = byId.get(String(i));
        if (response === undefined) {
          throw new AuditInputError(
            `Microsoft Graph POST /$batch: no response for ${pending.what}; expected {"responses": [{"id", "status", "body"}, …]}`,
          );
        }
        const status = Number(response.status);
        const body = response.body;
        if (status === 429 || status === 503 || status === 504) {
          const headers = isRecord(response.headers) ? response.headers : {};
          const header = Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after");
          const retryAfter = header === undefined ? null : parseRetryAfter(String(header[1]));
          if (
            pending.retries >= maxRetries ||
            (retryAfter !== null && retryAfter > maxRetryAfter)
          ) {
            throw new AuditInputError(
              `Microsoft Graph ${pending.what} at ${base.origin} still answered ${status} after at most ${maxRetries} retries (or asked to wait longer than allowed); try again later`,
            );
          }
          options.onRetry?.({
            url: `${prefix}${pending.url.slice(1)}`,
            status,
            retryAfterSeconds: retryAfter,
          });
          waitSeconds = Math.max(waitSeconds, retryAfter ?? 3 * 2 ** pending.retries);
          later.push({ ...pending, retries: pending.retries + 1 });
          return;
        }
        if (status !== 200) {
          const error = isRecord(body) && isRecord(body.error) ? body.error : {};
          throw graphFailure(
            new GraphError(
              status,
              [error.code, error.message].filter((s) => typeof s === "string").join(": "),
            ),
            pending.what,
            base.origin,
            maxRetries,
          );
        }
        if (!isRecord(body) || !Array.isArray(body.value)) {
          throw new AuditInputError(
            `Microsoft Graph ${pending.what}: expected a page {"value": [...]}, got ${typeof body}`,
          );
        }
        onPage(pending.key, body.value, pending.what);
        const next = body["@odata.nextLink"];
        if (next === undefined || next === null) return;
        if (typeof next !== "string" || !next.startsWith(prefix)) {
          throw new AuditInputError(
            `Microsoft Graph ${pending.what}: @odata.nextLink ${JSON.stringify(String(next).slice(0, 200))} is not under ${prefix}; refusing to follow it`,
          );
        }
        if (pending.seen.has(next)) {
          throw new AuditInputError(
            `Microsoft Graph ${pending.what}: @odata.nextLink repeats an earlier page; stopping`,
          );
        }
        pending.seen.add(next);
        later.push({ ...pending, url: `/${next.slice(prefix.length)}`, retries: 0 });
      });
    }
    if (waitSeconds > 0) await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    queue = later;
  }
}

/**
 * Validates the Graph base URL: https, or http on a loopback host only (tokens never cross a
 * network in clear text); no query or fragment. Returns it with a trailing slash.
 *
 * @throws AuditInputError naming the value and what is allowed
 */
export function graphBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuditInputError(
      `Graph base URL ${JSON.stringify(text)} is not a URL; expected e.g. ${DEFAULT_GRAPH_URL}`,
    );
  }
  if (
    !isHttpsOrLoopback(url) ||
    url.search !== "" ||
    url.hash !== "" ||
    url.username !== "" ||
    url.password !== ""
  ) {
    throw new AuditInputError(
      `Graph base URL ${JSON.stringify(text)} is not allowed: expected https://<host>[/path] (http only on a loopback host: localhost, 127.0.0.0/8, ::1), without query, fragment or credentials`,
    );
  }
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return url;
}

/**
 * Attaches `Authorization: Bearer <token>` to requests for the base URL's origin; refuses any
 * other origin. Records the first failure it sees (token, network, refusal) for a clear message:
 * the client wraps middleware errors into a GraphError without their cause.
 */
class BearerToken implements Middleware {
  failure?: AuditInputError;
  private next?: Middleware;
  private token?: AccessToken;

  constructor(
    private readonly credential: TokenCredential,
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = urlOf(context.request);
    if (new URL(url).origin !== this.origin) {
      throw this.fail(`refusing to send the Graph token to ${new URL(url).origin}`);
    }
    const token = await this.accessToken();
    const options = (context.options ??= {});
    if (options.headers instanceof Headers) {
      options.headers.set("Authorization", `Bearer ${token}`);
    } else {
      options.headers = {
        ...(options.headers as Record<string, string> | undefined),
        Authorization: `Bearer ${token}`,
      };
    }
    try {
      await this.next?.execute(context);
    } catch (error) {
      // fetch rejects with a TypeError ("fetch failed") whose cause says why (ECONNREFUSED, …).
      if (!(error instanceof TypeError)) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw this.fail(
        `cannot reach Microsoft Graph at ${this.origin}: ${cause?.code ?? cause?.message ?? messageOf(error)}`,
      );
    }
  }

  private async accessToken(): Promise<string> {
    const fresh = this.token && this.token.expiresOnTimestamp - Date.now() > 120_000;
    if (!fresh) {
      let token: AccessToken | null;
      try {
        token = await this.credential.getToken(`${this.origin}/.default`);
      } catch (error) {
        throw this.fail(
          `cannot get a token for Microsoft Graph (${this.origin}/.default): sign in (az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET) as an identity with ${REQUIRED_PERMISSION}. The credential said: ${oneLine(messageOf(error), 400)}`,
        );
      }
      if (!token) throw this.fail(`the credential returned no token for ${this.origin}/.default`);
      this.token = token;
    }
    return (this.token as AccessToken).token;
  }

  private fail(message: string): AuditInputError {
    this.failure ??= new AuditInputError(message);
    return this.failure;
  }
}

/**
 * A Graph error as one line, naming the permission for 401 and 403.
 *
 * @param permission the permission the call needs (default {@link REQUIRED_PERMISSION})
 * @param hint appended to a 403's message
 */
function graphFailure(
  error: unknown,
  what: string,
  origin: string,
  maxRetries: number,
  permission = REQUIRED_PERMISSION,
  hint = "",
): AuditInputError {
  if (!(error instanceof GraphError)) {
    return new AuditInputError(`Microsoft Graph ${what} failed: ${messageOf(error)}`);
  }
  const detail = [error.code, error.message].filter((s) => s).join(": ");
  const said = detail ? ` (Graph says: ${oneLine(detail, 300)})` : "";
  switch (error.statusCode) {
    case 401:
      return new AuditInputError(
        `Microsoft Graph refused the token for ${what} at ${origin} (401 Unauthorized)${said}. The audit needs ${permission}: sign in again as an identity granted it (application permission with admin consent, or delegated with a role that includes it)`,
      );
    case 403:
      return new AuditInputError(
        `Microsoft Graph denied ${what} at ${origin} (403 Forbidden)${said}. The identity lacks ${permission}: grant it (admin consent) or use an identity that has it${hint}`,
      );
    case 429:
    case 503:
    case 504:
      return new AuditInputError(
        `Microsoft Graph ${what} at ${origin} still answered ${error.statusCode} after at most ${maxRetries} retries (or asked to wait longer than allowed)${said}; try again later`,
      );
    default:
      return new AuditInputError(
        `Microsoft Graph ${what} at ${origin} failed${error.statusCode > 0 ? ` (${error.statusCode})` : ""}${said || `: ${messageOf(error)}`}`,
      );
  }
}

/** Retry-After in seconds (a number, or an HTTP date), or null when absent or unreadable. */
function retryAfterSeconds(response: Response): number | null {
  const header = response.headers?.get("Retry-After");
  if (header === null || header === undefined) return null;
  return parseRetryAfter(header);
}

/** A Retry-After value in seconds (a number, or an HTTP date), or null when unreadable. */
function parseRetryAfter(header: string): number | null {
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** The URL of a fetch request: a string, or a Request / URL object. */
function urlOf(request: unknown): string {
  if (typeof request === "string") return request;
  if (request instanceof URL) return request.href;
  return String((request as { url?: unknown }).url);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
