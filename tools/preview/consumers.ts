/**
 * The consumer table: who reads each app's secrets from Key Vault, the role assignments that let
 * it, and what it pastes into its own configuration. Derived from what the program registered
 * (azure-native role assignments: `scope`, `principalId`, `roleDefinitionId`) and from its stack
 * outputs when it exports this project's `apps.<app>.consumers` (name, kind, refresh, reference),
 * else from the `consumers` output of each `AppCredential` a program of its own declares (the
 * package's public component: the reference is JSON text there); role assignments alone still
 * give a row per principal, so it works for any program.
 *
 * Whether a consumer's refresh is its kind's documented default is not in the outputs: the caller
 * reads it from the stack's configuration (./stackConfigFacts.ts). Pure: no I/O.
 */
import { appOf, isAppCredentialType } from "../offline";
import type { Registration } from "../offline";
import {
  classifyScope,
  isRoleAssignmentType,
  roleIdOf,
  KEY_VAULT_CRYPTO_USER_ROLE_ID,
  secretReadingRole,
} from "../../policy/core";

/** One role assignment granted to a consumer. */
export interface ConsumerGrant {
  /** The role assignment's resource name. */
  name: string;
  urn: string;
  /** `roleDefinitionId` as declared. */
  roleDefinitionId: string;
  /** The built-in role's name, when it is one that reads secrets (`Key Vault Secrets User`…). */
  role?: string;
  /** `scope` as declared. */
  scope: string;
  /** The secret the scope names, when it is one Key Vault secret. */
  secretName?: string;
  /** The vault, when the scope is a vault or one of its secrets. */
  vault?: string;
}

/** One consumer of an app's secrets. Values are exact (rendered neutralised). */
export interface ConsumerRow {
  /** The app (see `appOf`) whose component declares the role assignments, or whose outputs name it. */
  app: string;
  /** Its name in the stack outputs; absent for a principal that only role assignments name. */
  name?: string;
  /** `appService`, `containerApp`, `aksSecretsStoreCsi` or `custom` (stack outputs). */
  kind?: string;
  /** Object id of its managed identity or service principal. */
  principalId: string;
  /** How often it re-reads Key Vault, ISO 8601 (stack outputs). */
  refresh?: string;
  /**
   * True when `refresh` is the kind's documented default (the configuration sets none), false
   * when configured; absent when the preview cannot tell (the configuration could not be read).
   */
  refreshDefault?: boolean;
  /** Its role assignments, in the order of the secrets it reads. */
  roleAssignments: ConsumerGrant[];
  /** What it pastes, exactly as the stack outputs hold it (`reference`); absent without outputs. */
  reference?: Record<string, unknown>;
}

/** One consumer as the stack outputs hold it (`apps.<app>.consumers[]`). */
interface OutputConsumer {
  app: string;
  name: string;
  kind?: string;
  principalId: string;
  refresh?: string;
  reference?: Record<string, unknown>;
}

/** True for every azure-native role assignment registration. */
export function isRoleAssignment(r: Registration): boolean {
  return isRoleAssignmentType(r.type);
}

/**
 * The consumer table: the consumers the stack outputs name, in their order (apps in output order),
 * each with the role assignments of its app granted to its principal; and every other principal
 * granted a role, one row per app and principal, after its app's named consumers (apps in order of
 * first appearance).
 *
 * @param stackOutputs the program's stack outputs, when recorded
 * @param refreshDefaults per {@link consumerKey}, whether the consumer's refresh is its kind's
 *   default (./stackConfigFacts.ts); absent: `refreshDefault` is left out
 */
export function consumerRows(
  registrations: Registration[],
  stackOutputs: Record<string, unknown> | undefined,
  refreshDefaults?: Map<string, boolean>,
): ConsumerRow[] {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const grants = registrations.filter(isRoleAssignment).map((r) => ({
    app: appOf(r, byUrn),
    principalId: text(r.inputs.principalId) ?? "",
    grant: grantOf(r),
  }));
  const byApp = new Map<string, number[]>();
  grants.forEach((g, index) => byApp.set(g.app, [...(byApp.get(g.app) ?? []), index]));
  const used = new Set<number>();
  const rows: ConsumerRow[] = [
    ...outputConsumers(stackOutputs),
    ...componentConsumers(registrations, stackOutputs),
  ].map((consumer) => {
    const mine = (byApp.get(consumer.app) ?? []).flatMap((index) => {
      const g = grants[index];
      if (used.has(index) || !samePrincipal(g.principalId, consumer.principalId)) return [];
      used.add(index);
      return [g.grant];
    });
    const isDefault = refreshDefaults?.get(consumerKey(consumer.app, consumer.name));
    return {
      app: consumer.app,
      name: consumer.name,
      ...(consumer.kind !== undefined ? { kind: consumer.kind } : {}),
      principalId: consumer.principalId,
      ...(consumer.refresh !== undefined ? { refresh: consumer.refresh } : {}),
      ...(isDefault !== undefined ? { refreshDefault: isDefault } : {}),
      roleAssignments: inSecretOrder(mine, referenceSecrets(consumer.reference)),
      ...(consumer.reference !== undefined ? { reference: consumer.reference } : {}),
    };
  });
  // Principals granted a role that no stack output names: one row per app and principal.
  const others = new Map<string, ConsumerRow>();
  grants.forEach((g, index) => {
    if (used.has(index)) return;
    const key = `${g.app}\u0000${g.principalId.toLowerCase()}`;
    const row = others.get(key);
    if (row) row.roleAssignments.push(g.grant);
    else others.set(key, { app: g.app, principalId: g.principalId, roleAssignments: [g.grant] });
  });
  for (const row of others.values()) {
    row.roleAssignments = inSecretOrder(row.roleAssignments, []);
    rows.push(row);
  }
  // Grouped by app, apps in order of first appearance (a stable sort keeps the rest in order).
  const appOrder = new Map<string, number>();
  for (const row of rows) if (!appOrder.has(row.app)) appOrder.set(row.app, appOrder.size);
  return rows.sort((a, b) => (appOrder.get(a.app) ?? 0) - (appOrder.get(b.app) ?? 0));
}

/**
 * Built-in roles the stack grants consumers besides the secret readers: `Key Vault Crypto User`
 * (signs with a non-exportable key). Source: Azure built-in roles, Security.
 */
const OTHER_CONSUMER_ROLES: Readonly<Record<string, string>> = {
  [KEY_VAULT_CRYPTO_USER_ROLE_ID]: "Key Vault Crypto User",
};

/** What one role assignment grants, from its inputs. */
function grantOf(r: Registration): ConsumerGrant {
  const roleDefinitionId = text(r.inputs.roleDefinitionId) ?? "";
  const scope = text(r.inputs.scope) ?? "";
  const roleId = roleIdOf(roleDefinitionId);
  const role =
    roleId === undefined
      ? undefined
      : (secretReadingRole(roleId)?.name ?? OTHER_CONSUMER_ROLES[roleId.toLowerCase()]);
  const where = classifyScope(scope);
  // A non-exportable Key Vault certificate's key or certificate, labelled as the stack outputs
  // label them (`<name> (key)`, `<name> (cert)`: components/appCredentialSecrets.ts).
  const item =
    /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/(keys|certificates)\/([^/]+)$/i.exec(scope);
  const itemName = item ? `${item[2]} (${item[1] === "keys" ? "key" : "cert"})` : undefined;
  return {
    name: r.name,
    urn: r.urn,
    roleDefinitionId,
    ...(role !== undefined ? { role } : {}),
    scope,
    ...(where.kind === "secret"
      ? { secretName: where.secret }
      : itemName !== undefined
        ? { secretName: itemName }
        : {}),
    ...(where.kind === "secret" || where.kind === "vault" ? { vault: where.vault } : {}),
  };
}

/** Principal ids compare case-insensitively (GUIDs). */
function samePrincipal(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The key of a consumer in a `refreshDefaults` map: its app and its name. */
export function consumerKey(app: string, consumer: string): string {
  return `${app}\u0000${consumer}`;
}

/**
 * Grants sorted by the order of the secrets the reference names, then those it does not name by
 * secret (or scope), then by name: registration order is asynchronous.
 */
function inSecretOrder(grants: ConsumerGrant[], secrets: string[]): ConsumerGrant[] {
  const rank = (g: ConsumerGrant) => {
    const i = g.secretName === undefined ? -1 : secrets.indexOf(g.secretName);
    return i < 0 ? secrets.length : i;
  };
  return [...grants].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.secretName ?? a.scope).localeCompare(b.secretName ?? b.scope) ||
      a.name.localeCompare(b.name),
  );
}

/** The consumers the stack outputs name (`apps.<app>.consumers[]` with a name and a principal). */
function outputConsumers(stackOutputs: Record<string, unknown> | undefined): OutputConsumer[] {
  const found: OutputConsumer[] = [];
  for (const [app, outputs] of Object.entries(record(stackOutputs?.apps))) {
    const consumers = record(outputs).consumers;
    if (!Array.isArray(consumers)) continue;
    for (const entry of consumers) {
      const c = record(entry);
      const name = text(c.name);
      const principalId = text(c.principalId);
      if (name === undefined || principalId === undefined) continue;
      const reference = c.reference;
      found.push({
        app,
        name,
        principalId,
        kind: text(c.kind),
        refresh: text(c.refresh),
        reference:
          reference && typeof reference === "object" && !Array.isArray(reference)
            ? (reference as Record<string, unknown>)
            : undefined,
      });
    }
  }
  return found;
}

/**
 * The consumers of the apps the stack outputs do not cover, from their `AppCredential`
 * components' registered `consumers` output (components/appCredential.ts
 * `AppCredentialConsumer`: the reference as JSON text), in registration order.
 */
function componentConsumers(
  registrations: Registration[],
  stackOutputs: Record<string, unknown> | undefined,
): OutputConsumer[] {
  const covered = new Set(Object.keys(record(stackOutputs?.apps)));
  const found: OutputConsumer[] = [];
  for (const component of registrations) {
    if (!isAppCredentialType(component.type) || covered.has(component.name)) continue;
    const consumers = component.outputs.consumers;
    if (!Array.isArray(consumers)) continue;
    for (const entry of consumers) {
      const c = record(entry);
      const name = text(c.name);
      const principalId = text(c.principalId);
      if (name === undefined || principalId === undefined) continue;
      found.push({
        app: component.name,
        name,
        principalId,
        kind: text(c.kind),
        refresh: text(c.refresh),
        reference: parsedReference(c.reference),
      });
    }
  }
  return found;
}

/** A reference given as JSON text, parsed; undefined when it is not a JSON object. */
function parsedReference(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The last segment of a versionless secret URI (`https://<vault>.vault.azure.net/secrets/<name>`). */
function secretOfUri(uri: string): string | undefined {
  return /\/secrets\/([^/]+)\/?$/.exec(uri)?.[1];
}

/** One secret a reference names, and what the consumer pastes for it. */
export interface ReferenceEntry {
  secretName: string;
  /** The text it pastes for this secret (one line). */
  pastes: string;
}

/**
 * The secrets a consumer's reference names and, for each, what it pastes: an App Service app
 * setting's value, a container app secret's `keyVaultUrl`, a Secrets Store CSI object (with its
 * `keyvaultName` and `tenantId`), a custom consumer's URI. Unknown kinds and shapes: none.
 */
export function referenceEntries(reference: Record<string, unknown> | undefined): ReferenceEntry[] {
  if (reference === undefined) return [];
  switch (reference.kind) {
    case "appService":
      return Object.entries(record(reference.appSettings)).flatMap(([secretName, value]) =>
        typeof value === "string" ? [{ secretName, pastes: value }] : [],
      );
    case "containerApp":
      return (Array.isArray(reference.secrets) ? reference.secrets : []).flatMap((entry) => {
        const s = record(entry);
        const name = text(s.name);
        const url = text(s.keyVaultUrl);
        const secretName = url === undefined ? undefined : secretOfUri(url);
        if (name === undefined || url === undefined || secretName === undefined) return [];
        return [{ secretName, pastes: `${name}: keyVaultUrl ${url}` }];
      });
    case "aksSecretsStoreCsi": {
      const vault = text(reference.keyvaultName) ?? "?";
      const tenant = text(reference.tenantId) ?? "?";
      return (Array.isArray(reference.objects) ? reference.objects : []).flatMap((entry) => {
        const objectName = text(record(entry).objectName);
        if (objectName === undefined) return [];
        return [
          {
            secretName: objectName,
            pastes: `objectName ${objectName}, keyvaultName ${vault}, tenantId ${tenant}`,
          },
        ];
      });
    }
    case "custom":
      return Object.entries(record(reference.secretUris)).flatMap(([secretName, uri]) =>
        typeof uri === "string" ? [{ secretName, pastes: uri }] : [],
      );
    default:
      return [];
  }
}

/** The secret names a reference names, in its order. */
function referenceSecrets(reference: Record<string, unknown> | undefined): string[] {
  return referenceEntries(reference).map((e) => e.secretName);
}

/**
 * The note for an app whose credentials rotate on this project's schedule and that has
 * consumers: a manual rotation (`rotationTrigger`) or a new period or anchor replaces every slot
 * at once, revoking the credential its consumers hold until they next read Key Vault.
 *
 * @param consumers the app's rows (at least one)
 */
export function revocationNote(app: string, consumers: ConsumerRow[]): string {
  const named = consumers.map((c) => {
    const details = [c.kind, c.refresh === undefined ? "refresh unknown" : `refresh ${c.refresh}`]
      .filter((d): d is string => d !== undefined)
      .join(", ");
    return `${c.name ?? `principal ${c.principalId}`} (${details})`;
  });
  const one = named.length === 1;
  const list = one ? named[0] : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
  return (
    `${app}: changing rotationTrigger, the rotation period or the anchor is an intentional revocation: ` +
    `every slot is replaced at once, and ${list} ${one ? "fails until it next reads" : "fail until they next read"} ` +
    `Key Vault (within ${one ? "its" : "their"} refresh)`
  );
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
