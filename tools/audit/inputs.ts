/**
 * Where the audit's tenant comes from: `az ad app/sp list --all` exports (`--apps`,
 * `--service-principals`), or Microsoft Graph live (`--graph`, with each object's owners).
 */
import type { GraphFetchOptions } from "./graph";
import type { AuditDeps } from "./cli";
import { AuditInputError, messageOf } from "./errors";
import { readText } from "./files";
import type { OwnerDirectory } from "./owners";
import { ObjectType, parseTenantJson, parseTenantObjects, TenantObject } from "./tenant";

/** Reads `--apps` and `--service-principals`. */
export function readFiles(
  options: { apps?: string; servicePrincipals?: string },
  maxBytes: number,
): { objects: TenantObject[]; source: string } {
  const files: [string | undefined, ObjectType][] = [
    [options.apps, "application"],
    [options.servicePrincipals, "servicePrincipal"],
  ];
  let objects: TenantObject[] = [];
  const names: string[] = [];
  for (const [file, objectType] of files) {
    if (file === undefined) continue;
    const text = readText(file, file, { maxBytes, what: "a tenant export" });
    objects = objects.concat(parseTenantJson(text, file, objectType));
    names.push(file);
  }
  return { objects, source: names.join(", ") };
}

export async function readGraph(
  deps: AuditDeps,
  stderr: (text: string) => void,
): Promise<{ objects: TenantObject[]; source: string; owners: OwnerDirectory }> {
  // Loaded only for --graph: the Azure SDK and the Graph client take a while to load.
  const { DEFAULT_GRAPH_URL, GRAPH_URL_ENV, fetchOwners, fetchTenant, graphBaseUrl } =
    await import("./graph");
  const env = deps.env ?? process.env;
  const configured = env[GRAPH_URL_ENV];
  const baseUrl = configured === undefined || configured === "" ? DEFAULT_GRAPH_URL : configured;
  try {
    graphBaseUrl(baseUrl);
  } catch (error) {
    throw new AuditInputError(`${GRAPH_URL_ENV}: ${messageOf(error)}`);
  }
  let credential = deps.credential;
  if (credential === undefined) {
    const { DefaultAzureCredential } = await import("@azure/identity");
    credential = new DefaultAzureCredential();
  }
  const graphOptions: GraphFetchOptions = {
    ...deps.graph,
    credential,
    baseUrl,
    onRetry: ({ url, status, retryAfterSeconds }) =>
      stderr(
        `audit: Microsoft Graph answered ${status} for ${new URL(url).pathname}; retrying${retryAfterSeconds === null ? "" : ` after ${retryAfterSeconds} s (Retry-After)`}\n`,
      ),
  };
  const tenant = await fetchTenant(graphOptions);
  const objects = parseTenantObjects(
    tenant.applications,
    "Microsoft Graph /applications",
    "application",
  ).concat(
    parseTenantObjects(
      tenant.servicePrincipals,
      "Microsoft Graph /servicePrincipals",
      "servicePrincipal",
    ),
  );
  // Owners only of the objects holding credentials: the others have nothing to tell anyone.
  const owners = await fetchOwners(
    graphOptions,
    objects.filter((object) => object.credentials.length > 0),
  );
  return { objects, source: `Microsoft Graph (${baseUrl})`, owners };
}
