/**
 * A stack's state as the Pulumi CLI exports it (`pulumi stack export [--show-secrets] [--file
 * FILE]`): read for the offline preview's `--state` ({@link parseStackExport}), and written from a
 * simulated world's state for tests and tools ({@link exportStackState}). Pure: no I/O.
 *
 * The format, from pulumi/pulumi (sources as of 2026-08):
 * - `pulumi stack export` writes an `apitype.UntypedDeployment`, JSON indented by four spaces
 *   (pkg/cmd/pulumi/stack/stack_export.go): `{"version": 3, "deployment": {…}}`. `version` is
 *   `DeploymentSchemaVersionCurrent` (3), or `DeploymentSchemaVersionLatest` (4) with a `features`
 *   list when the state uses newer features such as `taint` or `refreshBeforeUpdate`
 *   (pkg/resource/stack/deployment.go `SerializeDeployment`); "both deployment schema versions 3 and
 *   4 can be unmarshaled into DeploymentV3" (sdk/go/common/apitype/core.go).
 * - `deployment` is an `apitype.DeploymentV3`: `manifest {time, magic, version, plugins}`,
 *   `secrets_providers {type, state}`, `resources` (`ResourceV3[]`), `pending_operations`.
 * - A `ResourceV3`: `urn`, `custom`, `delete` (an old copy the next update deletes), `id`, `type`,
 *   `inputs`, `outputs`, `parent`, `protect`, `taint`, `external` (read, not managed), `dependencies`,
 *   `provider`, `propertyDependencies` (an input's list may be `null`), `pendingReplacement`,
 *   `retainOnDelete`, …
 * - URNs are `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, the qualified type being the
 *   parent's qualified type, `$`, then the resource's own type; directly under the root stack, the
 *   type alone (sdk/go/common/resource/urn/urn.go `New`; pkg/resource/deploy/deployment.go
 *   `generateURN`). Pulumi's mock runtime names a child after its parent's own type only
 *   (@pulumi/pulumi runtime/mocks.js `newUrn`): {@link simulatedUrn} maps one to the other.
 * - A secret value is an `apitype.SecretV1`, `{"4dabf18193072939515e22adb298388d":
 *   "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "…"}`, or with `--show-secrets` `{…,
 *   "plaintext": "<the value as JSON text>"}`: exactly one of the two
 *   (sdk/go/common/resource/sig/sig.go `Key`, `Secret`; pkg/resource/stack/deployment.go
 *   `SerializePropertyValue`, `deserializeSecret`).
 *
 * What is kept holds no secret: every secret value, encrypted or not, becomes the simulation's
 * placeholder `[secret]` as it is read; so does any other string holding a `--show-secrets`
 * plaintext, and any PEM private key. Ciphertext and plaintext are never copied, and messages about
 * the file name JSON paths and kinds of values, never the values.
 */
import { createHash } from "crypto";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "./analyzer/sentinels";
import { SecretScrubber } from "./secrets";
import { SECRET_PLACEHOLDER } from "./simulator/wire";

/** The deployment versions read: 3, and 4 (the same shape, with features). */
export const STATE_VERSIONS = [3, 4] as const;

/** The root stack resource's type (`resource.RootStackType`). */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The features of a version-4 deployment this reader understands (none changes what it reads). */
const KNOWN_FEATURES = [
  "refreshBeforeUpdate",
  "views",
  "hooks",
  "taint",
  "replaceWith",
  "snippets-prototype",
  "extensionParameterization",
  "byteString",
];

/** Private key material in PEM: never kept, whether or not the state marks it secret. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** A problem with the file: one line naming the JSON path and what is wrong, never a value. */
export class StackExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackExportError";
  }
}

/** The parts of a URN. */
export interface UrnParts {
  stack: string;
  project: string;
  /** The qualified type: parents' types and the resource's own, joined by `$`. */
  qualifiedType: string;
  /** The resource's own type (the last segment of the qualified type). */
  type: string;
  name: string;
}

/**
 * One resource of the state, in the simulation's terms: shaped like a recorded registration
 * (tools/offline/simulator/simulatedAzure.ts `Registration`), URNs as the mock runtime writes them.
 */
export interface StateResource {
  /** URN as the mock runtime writes it ({@link simulatedUrn}). */
  urn: string;
  /** URN as the state writes it. */
  stateUrn: string;
  type: string;
  name: string;
  /** Parent URN (mock form); absent directly under the root stack. */
  parent?: string;
  custom: boolean;
  /** Provider-assigned id; `""` for components. */
  id: string;
  /**
   * Inputs as the state holds them (a Terraform-bridged provider's `__defaults` lists included);
   * secret values as `[secret]`.
   */
  inputs: Record<string, unknown>;
  /** Outputs; secret values as `[secret]`. */
  outputs: Record<string, unknown>;
  /** Dotted paths of the inputs that held a secret (top-level names and nested keys). */
  secretInputs: string[];
  /** URNs (mock form) it depends on; the root stack and providers left out. */
  dependencies: string[];
  /** Per input, the URNs (mock form) it depends on. */
  propertyDependencies: Record<string, string[]>;
  /** `external`: read with `Resource.get` (never deleted by Pulumi). */
  read: boolean;
  /** `taint`: the next update replaces it. */
  taint: boolean;
  /** `retainOnDelete`: a delete only drops it from the state; it stays in Azure. */
  retainOnDelete: boolean;
}

/** A validated `pulumi stack export`, secrets removed. */
export interface StackExport {
  version: 3 | 4;
  /** Version 4's features (empty for version 3). */
  features: string[];
  /** From the URNs; absent for an empty state. */
  project?: string;
  stack?: string;
  /** `manifest.time`: when the state was last written, as written (RFC 3339). */
  updatedAt?: string;
  /** `manifest.version`: the Pulumi CLI that wrote it. */
  cliVersion?: string;
  /** `secrets_providers.type` (`service`, `passphrase`, `awskms`, …). */
  secretsProvider?: string;
  /** Live resources, in state order: neither the root stack nor default providers. */
  resources: StateResource[];
  /** `delete: true`: old copies of replaced resources that the next update deletes. */
  pendingDeletes: StateResource[];
  /** `pendingReplacement: true`: deleted before their replacement, not re-created yet. */
  pendingReplacements: StateResource[];
  /** `pending_operations`: operations an interrupted update left unfinished. */
  pendingOperations: number;
  /** How many secret values the file holds (all read as `[secret]`). */
  secretValues: number;
  /** How many of them were plaintext (`--show-secrets`). */
  plaintextSecrets: number;
}

/** Splits a URN; undefined when it is not one (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function parseUrn(urn: string): UrnParts | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const rest = urn.slice("urn:pulumi:".length);
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 3; i++) {
    const at = rest.indexOf("::", from);
    if (at < 0) return undefined;
    parts.push(rest.slice(from, at));
    from = at + 2;
  }
  const [stack, project, qualifiedType] = parts;
  const name = rest.slice(from);
  if (stack === "" || project === "" || qualifiedType === "") return undefined;
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  return { stack, project, qualifiedType, type, name };
}

/**
 * The URN the mock runtime gives the resource a state URN names: its type qualified by its
 * parent's own type only (`A$B$C` → `B$C`), as @pulumi/pulumi runtime/mocks.js `newUrn` does.
 * Anything that is not a URN is returned unchanged.
 */
export function simulatedUrn(urn: string): string {
  const parts = parseUrn(urn);
  if (!parts) return urn;
  const segments = parts.qualifiedType.split("$");
  const qualified = segments.slice(-2).join("$");
  return `urn:pulumi:${parts.stack}::${parts.project}::${qualified}::${parts.name}`;
}

/** True for a provider resource the engine made itself (`pulumi:providers:<pkg>` named `default…`). */
export function isDefaultProvider(type: string, name: string): boolean {
  return type.startsWith("pulumi:providers:") && name.startsWith("default");
}

/**
 * Reads the text of `pulumi stack export` (see the module comment).
 *
 * @param source how messages name the file, e.g. `--state state.json`
 * @throws StackExportError `<source>: <problem>` on one line: not JSON, not an export, an
 *   unsupported version or feature, a malformed resource (its JSON path), mixed stacks
 */
export function parseStackExport(text: string, source: string): StackExport {
  let document: unknown;
  try {
    document = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new StackExportError(`${source}: not JSON${jsonErrorPlace(text, error)}`);
  }
  const fail = (path: string, problem: string) =>
    new StackExportError(`${source}: ${path}: ${problem}`);
  if (!isRecord(document)) {
    throw new StackExportError(
      `${source}: expected the output of pulumi stack export ({"version": 3, "deployment": {…}}), got ${kind(document)}`,
    );
  }
  if (!("deployment" in document) && isRecord(document.checkpoint)) {
    throw new StackExportError(
      `${source}: a checkpoint file of a file backend, not the output of pulumi stack export: run \`pulumi stack export --file ${source.replace(/^--state /, "")}\``,
    );
  }
  const version = document.version;
  if (typeof version !== "number") {
    throw fail(
      "version",
      `expected the deployment version (3), got ${kind(version)}: is this the output of pulumi stack export?`,
    );
  }
  if (!(STATE_VERSIONS as readonly number[]).includes(version)) {
    throw fail(
      "version",
      `deployment version ${version} is not read here: expected 3 (or 4, with features), what the Pulumi CLI 3.x writes; export the state again with a current CLI`,
    );
  }
  const features = document.features ?? [];
  if (!Array.isArray(features) || features.some((f) => typeof f !== "string")) {
    throw fail("features", `expected a list of feature names, got ${kind(features)}`);
  }
  const unknownFeatures = (features as string[]).filter((f) => !KNOWN_FEATURES.includes(f));
  if (unknownFeatures.length > 0) {
    throw fail(
      "features",
      `the state needs features this reader does not know (${unknownFeatures.join(", ")}); known: ${KNOWN_FEATURES.join(", ")}`,
    );
  }
  const deployment = document.deployment;
  if (!isRecord(deployment)) {
    throw fail("deployment", `expected an object, got ${kind(deployment)}`);
  }
  const manifest = isRecord(deployment.manifest) ? deployment.manifest : {};
  const providers = isRecord(deployment.secrets_providers) ? deployment.secrets_providers : {};
  const list = deployment.resources ?? [];
  if (!Array.isArray(list)) {
    throw fail("deployment.resources", `expected a list of resources, got ${kind(list)}`);
  }
  const operations = deployment.pending_operations ?? [];
  if (!Array.isArray(operations)) {
    throw fail("deployment.pending_operations", `expected a list, got ${kind(operations)}`);
  }

  // First pass: shapes, and the plaintext secrets to scrub from every other value.
  const scrubber = new SecretScrubber(SECRET_PLACEHOLDER);
  const counts = { secrets: 0, plaintext: 0 };
  const raw = list.map((item: unknown, index) => {
    const path = `deployment.resources[${index}]`;
    if (!isRecord(item)) throw fail(path, `expected a resource object, got ${kind(item)}`);
    const urn = item.urn;
    const parts = typeof urn === "string" ? parseUrn(urn) : undefined;
    if (typeof urn !== "string" || parts === undefined) {
      throw fail(
        `${path}.urn`,
        `expected a URN (urn:pulumi:<stack>::<project>::<type>::<name>), got ${kind(urn)}`,
      );
    }
    if (typeof item.type !== "string" || item.type === "") {
      throw fail(`${path}.type`, `expected a type token, got ${kind(item.type)}`);
    }
    for (const key of ["inputs", "outputs"] as const) {
      if (item[key] !== undefined && item[key] !== null && !isRecord(item[key])) {
        throw fail(`${path}.${key}`, `expected an object, got ${kind(item[key])}`);
      }
      collectPlaintext(item[key], `${path}.${key}`, fail, scrubber, counts);
    }
    for (const key of ["parent", "id"] as const) {
      if (item[key] !== undefined && item[key] !== null && typeof item[key] !== "string") {
        throw fail(`${path}.${key}`, `expected a string, got ${kind(item[key])}`);
      }
    }
    const dependencies = item.dependencies ?? [];
    if (!Array.isArray(dependencies) || dependencies.some((d) => typeof d !== "string")) {
      throw fail(`${path}.dependencies`, `expected a list of URNs, got ${kind(dependencies)}`);
    }
    const propertyDependencies = item.propertyDependencies ?? {};
    if (!isRecord(propertyDependencies)) {
      throw fail(
        `${path}.propertyDependencies`,
        `expected an object, got ${kind(propertyDependencies)}`,
      );
    }
    for (const [key, urns] of Object.entries(propertyDependencies)) {
      if (urns !== null && (!Array.isArray(urns) || urns.some((d) => typeof d !== "string"))) {
        throw fail(
          `${path}.propertyDependencies.${key}`,
          `expected a list of URNs or null, got ${kind(urns)}`,
        );
      }
    }
    return { item, parts, urn, path };
  });

  // One project and stack: a file mixing stacks is not an export.
  const first = raw[0]?.parts;
  for (const { parts, path } of raw) {
    if (first && (parts.stack !== first.stack || parts.project !== first.project)) {
      throw fail(
        `${path}.urn`,
        `names stack ${JSON.stringify(parts.stack)} of project ${JSON.stringify(parts.project)}, while the first resource names stack ${JSON.stringify(first.stack)} of project ${JSON.stringify(first.project)}: one export holds one stack`,
      );
    }
  }

  const keep = (value: unknown, path: string): unknown =>
    sanitise(value, path, fail, scrubber, counts);
  const resources: StateResource[] = [];
  const pendingDeletes: StateResource[] = [];
  const pendingReplacements: StateResource[] = [];
  for (const { item, parts, urn, path } of raw) {
    const type = item.type as string;
    if (type === ROOT_STACK_TYPE || isDefaultProvider(type, parts.name)) {
      // Their values are read for secrets all the same (counted, never kept).
      keep(item.inputs, `${path}.inputs`);
      keep(item.outputs, `${path}.outputs`);
      continue;
    }
    const secretInputs: string[] = [];
    // The bridge's `__defaults` stay: the comparisons leave the defaults it lists out
    // (tools/offline/simulator/world.ts `sameOrSecret`).
    const inputs =
      (keep(item.inputs ?? {}, `${path}.inputs`) as Record<string, unknown> | null) ?? {};
    collectSecretPaths(item.inputs, "", secretInputs);
    const parent = typeof item.parent === "string" ? item.parent : undefined;
    const resource: StateResource = {
      urn: simulatedUrn(urn),
      stateUrn: urn,
      type,
      name: parts.name,
      ...(parent !== undefined && !isRootStack(parent) ? { parent: simulatedUrn(parent) } : {}),
      custom: item.custom === true,
      id: typeof item.id === "string" ? item.id : "",
      inputs,
      outputs:
        (keep(item.outputs ?? {}, `${path}.outputs`) as Record<string, unknown> | null) ?? {},
      secretInputs,
      dependencies: relevantUrns(item.dependencies as string[] | undefined),
      propertyDependencies: Object.fromEntries(
        Object.entries((item.propertyDependencies ?? {}) as Record<string, string[] | null>).map(
          ([key, urns]) => [key, relevantUrns(urns ?? [])],
        ),
      ),
      read: item.external === true,
      taint: item.taint === true,
      retainOnDelete: item.retainOnDelete === true,
    };
    if (item.delete === true) pendingDeletes.push(resource);
    else if (item.pendingReplacement === true) pendingReplacements.push(resource);
    else resources.push(resource);
  }
  return {
    version: version as 3 | 4,
    features: features as string[],
    ...(first ? { project: first.project, stack: first.stack } : {}),
    ...(typeof manifest.time === "string" ? { updatedAt: manifest.time } : {}),
    ...(typeof manifest.version === "string" && manifest.version !== ""
      ? { cliVersion: manifest.version }
      : {}),
    ...(typeof providers.type === "string" ? { secretsProvider: providers.type } : {}),
    resources,
    pendingDeletes,
    pendingReplacements,
    pendingOperations: operations.length,
    secretValues: counts.secrets,
    plaintextSecrets: counts.plaintext,
  };
}

/**
 * Checks that the export is the state of the stack previewed: the project and stack its URNs name.
 *
 * @throws StackExportError naming both stacks and the command that exports the right one
 */
export function checkStackExportFor(
  exported: StackExport,
  project: string,
  stack: string,
  source: string,
): void {
  if (exported.project === undefined || exported.stack === undefined) return;
  if (exported.project === project && exported.stack === stack) return;
  throw new StackExportError(
    `${source}: the state of stack ${JSON.stringify(exported.stack)} of project ${JSON.stringify(exported.project)} (its URNs), not of stack ${JSON.stringify(stack)} of project ${JSON.stringify(project)} previewed here: export that stack's state (pulumi stack export --stack <org>/${project}/${stack} --file FILE)`,
  );
}

/** A recorded value: secret wrappers checked and replaced, plaintexts and private keys scrubbed. */
function sanitise(
  value: unknown,
  path: string,
  fail: (path: string, problem: string) => StackExportError,
  scrubber: SecretScrubber,
  counts: { secrets: number; plaintext: number },
): unknown {
  if (isStateSecret(value)) {
    counts.secrets++;
    return SECRET_PLACEHOLDER;
  }
  if (typeof value === "string") {
    if (PRIVATE_KEY_PEM.test(value)) return SECRET_PLACEHOLDER;
    return scrubber.leaks(value) ? SECRET_PLACEHOLDER : value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => sanitise(v, `${path}[${i}]`, fail, scrubber, counts));
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        sanitise(v, `${path}.${k}`, fail, scrubber, counts),
      ]),
    );
  }
  return value;
}

/**
 * Checks every secret wrapper under `value` (exactly one of `ciphertext` and `plaintext`, a
 * string) and remembers the strings of each plaintext, so that a copy of one elsewhere in the
 * state is scrubbed too. Counts the plaintexts.
 */
function collectPlaintext(
  value: unknown,
  path: string,
  fail: (path: string, problem: string) => StackExportError,
  scrubber: SecretScrubber,
  counts: { secrets: number; plaintext: number },
): void {
  if (isRecord(value) && value[SPECIAL_SIG_KEY] === SECRET_SIG) {
    const cipher = value.ciphertext;
    const plain = value.plaintext;
    const hasCipher = typeof cipher === "string" && cipher !== "";
    const hasPlain = typeof plain === "string" && plain !== "";
    if (hasCipher === hasPlain) {
      throw fail(
        path,
        "malformed secret value: exactly one of `ciphertext` or `plaintext` must be supplied (as pulumi stack export writes it)",
      );
    }
    if (hasPlain) {
      counts.plaintext++;
      let decoded: unknown = plain;
      try {
        decoded = JSON.parse(plain);
      } catch {
        // Not JSON text: the string itself is the secret.
      }
      for (const text of strings(decoded)) scrubber.add(text);
      scrubber.add(plain);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectPlaintext(v, `${path}[${i}]`, fail, scrubber, counts));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      collectPlaintext(v, `${path}.${k}`, fail, scrubber, counts);
    }
  }
}

/** Dotted paths of the secret wrappers under `value`. */
function collectSecretPaths(value: unknown, path: string, into: string[]): void {
  if (isStateSecret(value)) {
    if (path !== "") into.push(path);
    return;
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!k.startsWith("__")) collectSecretPaths(v, path === "" ? k : `${path}.${k}`, into);
    }
  }
}

/** True for a state secret (`apitype.SecretV1`). */
export function isStateSecret(value: unknown): boolean {
  return isRecord(value) && value[SPECIAL_SIG_KEY] === SECRET_SIG;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isRecord(value)) return Object.values(value).flatMap(strings);
  return [];
}

function isRootStack(urn: string): boolean {
  return parseUrn(urn)?.type === ROOT_STACK_TYPE;
}

/** URNs in mock form, without the root stack and default providers. */
function relevantUrns(urns: readonly string[] | undefined): string[] {
  return (urns ?? [])
    .filter((urn) => {
      const parts = parseUrn(urn);
      return parts !== undefined && !isRootStack(urn) && !isDefaultProvider(parts.type, parts.name);
    })
    .map(simulatedUrn);
}

/** ` (line L, column C)` from a JSON.parse error that gives a position; never the text there. */
function jsonErrorPlace(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const at = /position (\d+)/.exec(message);
  if (!at) return text.trim() === "" ? " (the file is empty)" : "";
  const offset = Number(at[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return ` (line ${line}, column ${column})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a value is, for messages: never the value itself (it may be secret). */
function kind(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  return `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// Writing: a simulated world's state as `pulumi stack export` would print it.

/** One resource of a simulated state to export (tools/offline/simulator/world.ts `StateEntry`). */
export interface ExportableResource {
  /** Mock-form URN. */
  urn: string;
  type: string;
  name: string;
  /** Mock-form parent URN (absent: under the root stack). */
  parent?: string;
  custom?: boolean;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  read: boolean;
}

/** Options of {@link exportStackState}. */
export interface ExportOptions {
  project: string;
  stack: string;
  /** `manifest.time`, ms since the epoch. */
  timeMs: number;
  /** `manifest.version`, the CLI that "wrote" it (default `3.248.0`, this project's SDK). */
  cliVersion?: string;
  /** `secrets_providers.type` (default `service`, Pulumi Cloud's). */
  secretsProvider?: string;
}

/**
 * A simulated state as `pulumi stack export` prints it: version 3, the root stack resource first,
 * a default provider per package, real-form URNs (parents' qualified types), the `__defaults`
 * list a Terraform-bridged provider's Check adds, and every `[secret]` placeholder written as an
 * encrypted secret (`{sig, ciphertext}`; the ciphertext is a hash of the resource and path, shaped
 * as the secrets provider's).
 *
 * @returns the JSON document (serialise with four-space indentation, as the CLI does)
 */
export function exportStackState(
  resources: readonly ExportableResource[],
  options: ExportOptions,
): Record<string, unknown> {
  const { project, stack } = options;
  const time = new Date(options.timeMs).toISOString();
  const root = `urn:pulumi:${stack}::${project}::${ROOT_STACK_TYPE}::${project}-${stack}`;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const qualified = new Map<string, string>();
  const qualifiedType = (resource: ExportableResource, depth = 0): string => {
    const known = qualified.get(resource.urn);
    if (known !== undefined) return known;
    const parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
    const type =
      parent && depth < 64
        ? `${qualifiedType(parent, depth + 1)}$${resource.type}`
        : (parseUrn(resource.urn)?.qualifiedType ?? resource.type);
    qualified.set(resource.urn, type);
    return type;
  };
  const realUrn = (urn: string): string => {
    const resource = byUrn.get(urn);
    return resource
      ? `urn:pulumi:${stack}::${project}::${qualifiedType(resource)}::${resource.name}`
      : urn;
  };
  const packages = [
    ...new Set(resources.filter((r) => r.custom !== false).map((r) => r.type.split(":")[0])),
  ];
  const provider = (pkg: string) => ({
    urn: `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default`,
    id: hashGuid(`provider#${pkg}`),
  });
  // Pulumi Cloud's ciphertext is base64 (pkg/secrets/service/manager.go `EncryptValue`), a
  // passphrase's `v1:<nonce>:<ciphertext>` (sdk/go/common/resource/config/crypt.go).
  const passphrase = (options.secretsProvider ?? "service") === "passphrase";
  const secretOf = (urn: string, path: string) => {
    const bytes = createHash("sha512").update(`${urn}#${path}`).digest();
    return {
      [SPECIAL_SIG_KEY]: SECRET_SIG,
      ciphertext: passphrase
        ? `v1:${bytes.subarray(0, 12).toString("base64")}:${bytes.subarray(12).toString("base64")}`
        : bytes.toString("base64"),
    };
  };
  // Terraform-bridged providers record the inputs their Check defaulted (none here).
  const bridged = (type: string) => /^(azuread|random|tls|time):/.test(type);
  const encrypt = (value: unknown, urn: string, path: string): unknown => {
    if (value === SECRET_PLACEHOLDER) return secretOf(urn, path);
    if (Array.isArray(value)) return value.map((v, i) => encrypt(v, urn, `${path}[${i}]`));
    if (isRecord(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, encrypt(v, urn, `${path}.${k}`)]),
      );
    }
    return value;
  };
  const exported = resources.map((r) => {
    const urn = realUrn(r.urn);
    const custom = r.custom !== false;
    const pkg = provider(r.type.split(":")[0]);
    return {
      urn,
      custom,
      ...(custom ? { id: r.id } : {}),
      type: r.type,
      inputs: encrypt(bridged(r.type) ? { __defaults: [], ...r.inputs } : r.inputs, urn, "inputs"),
      outputs: encrypt(r.outputs, urn, "outputs"),
      parent: r.parent === undefined ? root : realUrn(r.parent),
      ...(r.read ? { external: true } : {}),
      ...(custom ? { provider: `${pkg.urn}::${pkg.id}` } : {}),
      ...(r.dependencies && r.dependencies.length > 0
        ? { dependencies: r.dependencies.map(realUrn) }
        : {}),
      ...(r.propertyDependencies && Object.keys(r.propertyDependencies).length > 0
        ? {
            propertyDependencies: Object.fromEntries(
              Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(realUrn)]),
            ),
          }
        : {}),
      created: time,
      modified: time,
    };
  });
  return {
    version: 3,
    deployment: {
      manifest: {
        time,
        magic: createHash("sha256")
          .update(options.cliVersion ?? "3.248.0")
          .digest("hex"),
        version: options.cliVersion ?? "3.248.0",
      },
      secrets_providers: { type: options.secretsProvider ?? "service", state: {} },
      resources: [
        {
          urn: root,
          custom: false,
          type: ROOT_STACK_TYPE,
          outputs: {},
          created: time,
          modified: time,
        },
        ...packages.map((pkg) => {
          const p = provider(pkg);
          return {
            urn: p.urn,
            custom: true,
            id: p.id,
            type: `pulumi:providers:${pkg}`,
            inputs: { __internal: {} },
            outputs: {},
            created: time,
            modified: time,
          };
        }),
        ...exported,
      ],
    },
  };
}

/** A GUID-shaped id from text. */
function hashGuid(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
