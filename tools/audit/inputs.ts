/**
 * Where the audit's tenant comes from: `az ad app/sp list --all` exports (`--apps`,
 * `--service-principals`) and a tenant file (`--tenant`: the lists and the app management
 * policies), or Microsoft Graph live (`--graph`: the lists, each object's owners, the policies, the
 * applications' federated identity credentials); and what it knows besides: the sign-in report
 * (`--credential-activity`, a file or Graph's beta report), the federated identity credentials
 * offline (`--federated-credentials FILE`) and the stack's rotation settings (`--stack`).
 */
import type { GraphFetchOptions } from "./graph";
import type { AuditDeps } from "./cli";
import type { AppManagementPolicies } from "../offline/appManagementPolicy";
import {
  CredentialActivityShapeError,
  parseCredentialActivityText,
  type CredentialActivityEntry,
} from "../offline/credentialActivity";
import { AuditInputError, messageOf } from "./errors";
import {
  attachFederatedCredentials,
  parseFederatedCredentialsText,
  parseGraphFederatedCredentials,
  type FederatedCredentialList,
  type FederatedCredentials,
} from "./federated";
import { readText } from "./files";
import type { OwnerDirectory } from "./owners";
import {
  ObjectType,
  parseTenantFile,
  parseTenantJson,
  parseTenantObjects,
  TenantObject,
} from "./tenant";
import type { RotationSettings } from "../../components/rotation";

/** The offline inputs: the objects, what they were read from, and the policies if the tenant file holds them. */
export interface OfflineTenant {
  objects: TenantObject[];
  source: string;
  /** From the `--tenant` file's `defaultAppManagementPolicy` / `appManagementPolicies`. */
  policies?: AppManagementPolicies;
}

/**
 * Reads `--apps`, `--service-principals` and `--tenant`. A kind of object given twice (`--apps`
 * and the tenant file's `applications`) is refused.
 *
 * @throws AuditInputError naming the file and the problem
 */
export function readFiles(
  options: { apps?: string; servicePrincipals?: string; tenant?: string },
  maxBytes: number,
): OfflineTenant {
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
  let policies: AppManagementPolicies | undefined;
  if (options.tenant !== undefined) {
    const source = `--tenant ${options.tenant}`;
    const tenant = parseTenantFile(
      readText(options.tenant, source, { maxBytes, what: "a tenant file" }),
      source,
    );
    for (const [list, option, key] of [
      [tenant.applications, options.apps, "applications"],
      [tenant.servicePrincipals, options.servicePrincipals, "servicePrincipals"],
    ] as const) {
      if (list === null) continue;
      if (option !== undefined) {
        throw new AuditInputError(
          `${source}: holds ${key}, and ${key === "applications" ? "--apps" : "--service-principals"} gives them too: give each kind once`,
        );
      }
      objects = objects.concat(list);
    }
    if (tenant.applications !== null || tenant.servicePrincipals !== null) {
      names.push(options.tenant);
    }
    policies = tenant.policies ?? undefined;
  }
  return { objects, source: names.join(", "), ...(policies ? { policies } : {}) };
}

/**
 * Reads a `--credential-activity` file (the sign-in report's JSON: a page, pages concatenated, or
 * a list of pages).
 *
 * @throws AuditInputError `--credential-activity <file>: <JSON path>: <problem>`
 */
export function readActivityFile(file: string, maxBytes: number): CredentialActivityEntry[] {
  const source = `--credential-activity ${file}`;
  const text = readText(file, source, { maxBytes, what: "a sign-in report" });
  try {
    return parseCredentialActivityText(text);
  } catch (error) {
    if (error instanceof CredentialActivityShapeError) {
      throw new AuditInputError(`${source}: ${error.path}: ${error.problem}`);
    }
    throw error;
  }
}

/**
 * Reads a `--federated-credentials` file (./federated.ts: an object keyed by appId, or a list of
 * `{applicationId, value}`), to be matched to the audited applications
 * ({@link attachFederatedCredentials}).
 *
 * @throws AuditInputError `--federated-credentials <file>: <JSON path>: <problem>`
 */
export function readFederatedFile(file: string, maxBytes: number): FederatedCredentialList[] {
  const source = `--federated-credentials ${file}`;
  const text = readText(file, source, { maxBytes, what: "a federated credentials export" });
  return parseFederatedCredentialsText(text, source);
}

/** What {@link readGraph} reads besides the objects and their owners. */
export interface GraphReads {
  /** The app management policies (Policy.Read.All). */
  policies: boolean;
  /** The sign-in report, a beta API (AuditLog.Read.All). */
  activity: boolean;
  /** The applications' federated identity credentials (Application.Read.All); default false. */
  federated?: boolean;
}

/** What {@link readGraph} returns. */
export interface GraphInputs {
  objects: TenantObject[];
  source: string;
  owners: OwnerDirectory;
  policies?: AppManagementPolicies;
  activity?: CredentialActivityEntry[];
  federated?: FederatedCredentials;
}

/**
 * Reads the tenant live: the applications and service principals, the app management policies and
 * the sign-in report when asked, the applications' federated identity credentials when asked, then
 * the owners of every object holding credentials or federated credentials.
 */
export async function readGraph(
  deps: AuditDeps,
  stderr: (text: string) => void,
  reads: GraphReads = { policies: false, activity: false },
): Promise<GraphInputs> {
  // Loaded only for --graph: the Azure SDK and the Graph client take a while to load.
  const {
    DEFAULT_GRAPH_URL,
    GRAPH_URL_ENV,
    fetchAppManagementPolicies,
    fetchCredentialActivity,
    fetchFederatedCredentials,
    fetchOwners,
    fetchTenant,
    graphBaseUrl,
  } = await import("./graph");
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
  const policies = reads.policies ? await fetchAppManagementPolicies(graphOptions) : undefined;
  let federated: FederatedCredentials | undefined;
  if (reads.federated === true) {
    const applications = objects.filter((object) => object.objectType === "application");
    const found = await fetchFederatedCredentials(graphOptions, applications);
    const lists = [...found].map(([objectId, { what, items }]) =>
      parseGraphFederatedCredentials(objectId, items, what),
    );
    federated = attachFederatedCredentials(
      lists,
      objects,
      "Microsoft Graph GET /applications/{id}/federatedIdentityCredentials",
    );
  }
  // Owners only of the objects holding credentials or federated credentials: the others have
  // nothing to tell anyone.
  const owners = await fetchOwners(
    graphOptions,
    objects.filter(
      (object) =>
        object.credentials.length > 0 ||
        (federated?.byObjectId.get(object.objectId.toLowerCase())?.length ?? 0) > 0,
    ),
  );
  const activity = reads.activity ? await fetchCredentialActivity(graphOptions) : undefined;
  return {
    objects,
    source: `Microsoft Graph (${baseUrl})`,
    owners,
    ...(policies ? { policies } : {}),
    ...(activity ? { activity } : {}),
    ...(federated ? { federated } : {}),
  };
}

/** The rotation settings of a stack's apps, by the object ids they manage. */
export interface StackRotations {
  /** By object id (lower case). */
  rotations: Map<string, Pick<RotationSettings, "anchorMs" | "periodDuration" | "slots">>;
  /** One line per app whose object could not be told (shown on stderr). */
  notes: string[];
}

/**
 * Reads a stack's rotation settings (`Pulumi.<stack>.yaml` in `dir`, catalogue files included, as
 * the program and the calendar read them) and finds the object each app's credentials are on: an
 * existing application or service principal by its object id; a new app by its application's
 * display name (`displayName`, when exactly one application of the tenant has it).
 *
 * @param nowMs the audit's instant (anchors may not be later, as for a deployment)
 * @throws AuditInputError `--stack <name>: …` for a missing or invalid project, stack or configuration
 */
export async function readStackRotations(
  options: { stack: string; dir: string },
  nowMs: number,
  objects: readonly TenantObject[],
): Promise<StackRotations> {
  const { loadStackFile } = await import("../offline");
  const { ConfigError, parseStackConfig, rawConfigFromValues } =
    await import("../../components/config");
  const option = `--stack ${options.stack}`;
  let apps;
  try {
    const stack = loadStackFile(options.dir, options.stack);
    apps = parseStackConfig(rawConfigFromValues(stack.config, stack.dir), nowMs).apps;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new AuditInputError(`${option}: ${error.problems.join("; ")}`);
    }
    throw new AuditInputError(`${option}: ${messageOf(error)}`);
  }
  const applicationsByName = new Map<string, TenantObject[]>();
  for (const object of objects) {
    if (object.objectType !== "application") continue;
    const list = applicationsByName.get(object.displayName) ?? [];
    list.push(object);
    applicationsByName.set(object.displayName, list);
  }
  const rotations: StackRotations["rotations"] = new Map();
  const notes: string[] = [];
  for (const app of apps) {
    const source = app.source;
    if (source.kind === "existingApplication") {
      rotations.set(source.applicationObjectId.toLowerCase(), app.rotation);
    } else if (source.kind === "existingServicePrincipal") {
      rotations.set(source.servicePrincipalObjectId.toLowerCase(), app.rotation);
    } else {
      const named = applicationsByName.get(source.displayName) ?? [];
      if (named.length === 1) {
        rotations.set(named[0].objectId.toLowerCase(), app.rotation);
      } else if (named.length > 1) {
        notes.push(
          `${option}: app ${app.name}: ${named.length} applications are named ${JSON.stringify(source.displayName)}; its credentials' deletion instants are estimated from their end dates`,
        );
      }
    }
  }
  return { rotations, notes };
}
