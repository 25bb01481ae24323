/**
 * Resource aliases as the Pulumi engine resolves them: which resource of the stack's state a
 * registration is, when its URN changed (a new name, type or parent) and it says what it was.
 *
 * Under `pulumi.runtime.setMocks` the Node SDK sends alias *specs* (runtime/mocks.js sets
 * `supportsAliasSpecs`; runtime/resource.js `mapAliasesForRequest`: an alias is a URN, or a spec of
 * name, type, stack, project and `parentUrn` or `noParent`, the resource's own parent passed when
 * the alias names none) and leaves the aliases children inherit from an aliased parent to the
 * engine. The engine's rules, from pulumi/pulumi v3.248.0 pkg/resource/deploy/step_generator.go:
 *
 * - `collapseAliasToUrn`: a spec becomes a URN; the name defaults to the resource's, the type to
 *   its type, the parent to its parent — a parent the alias names that was itself found through an
 *   alias is replaced by its old URN —; `noParent` or the root stack as parent: no parent; project
 *   and stack default to the deployment's; the URN as sdk/go/common/resource/alias.go `CreateURN`
 *   builds it (the parent's qualified type, `$`, the type).
 * - `inheritedChildAlias`: a child of a parent found through an alias is also looked up under that
 *   old parent, named with the parent's old name in place of the new one when its name starts with
 *   it (`newapp-function` → `app-function`); `generateAliases` adds it for the child's URN and for
 *   each of the child's own aliases.
 * - `getOldResource`: the old state is looked up by the URN first, then by each alias in order;
 *   found through an alias, the engine remembers it (`sg.aliases[urn] = old`, so grandchildren
 *   inherit; `sg.aliased[old] = urn`, so the old resource is not deleted: `isOperatedOn`,
 *   `GenerateDeletes`). An old URN claimed by two resources, or by one resource's alias while
 *   another registers it, is an error (sdk/go/common/diag/errors.go
 *   `GetDuplicateResourceAliasError` 2008, `GetDuplicateResourceAliasedError` 2016).
 *
 * URNs here are in the mock runtime's form (a child's type qualified by its parent's own type only,
 * ../stackExport.ts `simulatedUrn`), as the simulation's state holds them: each URN the engine's rule
 * builds is mapped to that form.
 */
import { parseUrn, simulatedUrn } from "../stackExport";
import type { RegisterResourceRequest } from "../sdkInternals";

/** The root stack's type (sdk/go/common/tokens `RootStackType`). */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * One alias of a registration, as the request carries it (proto/alias_pb.js `Alias`): a whole URN,
 * or a spec whose empty fields default to the resource's own.
 */
export interface AliasSpec {
  /** The old URN itself (an alias given as a string). The other fields are then unset. */
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  /** The old parent's URN (the Node SDK passes the resource's own when the alias names none). */
  parentUrn?: string;
  /** True: the resource had no parent. */
  noParent?: boolean;
}

/** What the engine needs of a registration to find its old state. */
export interface AliasedResource {
  /** Its URN in this deployment (mock form). */
  urn: string;
  type: string;
  name: string;
  /** Its parent's URN in this deployment (mock form). */
  parent?: string;
  aliases?: AliasSpec[];
}

/** Two resources claim one old resource of the state: the engine fails the deployment. */
export class DuplicateResourceAliasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DuplicateResourceAliasError";
  }
}

/** What {@link AliasResolver.resolve} found. */
export interface OldResource {
  /** The URN of the state's resource this registration is: its own, or an alias; undefined: new. */
  old?: string;
  /** Set when found through an alias: the old URN (= `old`). */
  aliasOf?: string;
}

/**
 * The engine's alias bookkeeping over one deployment: call {@link resolve} for each registration
 * in registration order (a parent before its children, as the engine sees them).
 */
export class AliasResolver {
  /** New URN → the old URN it was found under (`sg.aliases`). */
  private readonly aliases = new Map<string, string>();
  /** Old URN → the new URN that claimed it (`sg.aliased`). */
  private readonly aliased = new Map<string, string>();
  /** URNs registered so far (`sg.urns`). */
  private readonly urns = new Set<string>();

  /** @param inState true when the state (the deployment's olds) holds a resource of this URN */
  constructor(private readonly inState: (urn: string) => boolean) {}

  /** True when `oldUrn` was claimed by a registration through an alias: it is not deleted. */
  claimed(oldUrn: string): boolean {
    return this.aliased.has(oldUrn);
  }

  /** Marks a URN registered without looking up its old state (a read). */
  seen(urn: string): void {
    this.urns.add(urn);
  }

  /**
   * The old state of a registration (step_generator.go `generateURN`, then `getOldResource`).
   *
   * @throws DuplicateResourceAliasError with the engine's message when two resources claim one old
   *   URN
   */
  resolve(resource: AliasedResource): OldResource {
    const { urn } = resource;
    this.urns.add(urn);
    const previous = this.aliased.get(urn);
    if (previous !== undefined) {
      throw new DuplicateResourceAliasError(
        `Duplicate resource URN '${urn}' conflicting with alias on resource with URN '${previous}'`,
      );
    }
    for (const candidate of [urn, ...this.generateAliases(resource)]) {
      if (!this.inState(candidate)) continue;
      if (candidate === urn) return { old: urn };
      const other = this.urns.has(candidate) ? urn : this.aliased.get(candidate);
      if (other !== undefined) {
        throw new DuplicateResourceAliasError(
          `Duplicate resource alias '${candidate}' applied to resource with URN '${urn}' conflicting with resource with URN '${other}'`,
        );
      }
      this.aliased.set(candidate, urn);
      this.aliases.set(urn, candidate);
      return { old: candidate, aliasOf: candidate };
    }
    return {};
  }

  /** step_generator.go `generateAliases`: the resource's aliases, then those its parent's implies. */
  generateAliases(resource: AliasedResource): string[] {
    const { name, type, parent } = resource;
    const specs = resource.aliases ?? [];
    const { stack, project } = parseUrn(resource.urn) ?? { stack: "", project: "" };
    const result = new Set<string>();
    const own = specs.map((alias) => this.collapse(name, type, parent, alias, stack, project));
    for (const alias of own) result.add(alias);
    const parentAlias = parent !== undefined ? this.aliases.get(parent) : undefined;
    const parentName = parent !== undefined ? parseUrn(parent)?.name : undefined;
    if (parentAlias !== undefined && parentName !== undefined) {
      const inherit = (childType: string, childName: string) =>
        inheritedChildAlias(childType, childName, parentName, parentAlias, stack, project);
      result.add(inherit(type, name));
      for (const alias of own) {
        const parts = parseUrn(alias);
        if (parts) result.add(inherit(parts.type, parts.name));
      }
    }
    return [...result];
  }

  /** step_generator.go `collapseAliasToUrn`. */
  private collapse(
    name: string,
    type: string,
    resourceParent: string | undefined,
    alias: AliasSpec,
    stack: string,
    project: string,
  ): string {
    if (alias.urn) return simulatedUrn(alias.urn);
    let parent = resourceParent ?? "";
    if (alias.parentUrn) {
      // The parent used an alias: its old URN is this resource's old parent too.
      const given = simulatedUrn(alias.parentUrn);
      parent = this.aliases.get(given) ?? given;
    }
    if (alias.noParent || parseUrn(parent)?.qualifiedType === ROOT_STACK_TYPE) parent = "";
    return simulatedUrn(
      createUrn(
        alias.name || name,
        alias.type || type,
        parent,
        alias.project || project,
        alias.stack || stack,
      ),
    );
  }
}

/**
 * sdk/go/common/resource/alias.go `CreateURN`: under a parent, the parent's URN up to its name,
 * `$`, the type; else the stack and project's prefix.
 */
export function createUrn(
  name: string,
  type: string,
  parent: string,
  project: string,
  stack: string,
): string {
  if (parent === "") return `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const at = parent.lastIndexOf("::");
  if (at < 0) throw new Error(`Expected 'parent' string '${parent}' to contain '::'`);
  return `${parent.slice(0, at)}$${type}::${name}`;
}

/**
 * step_generator.go `inheritedChildAlias`: the child under its parent's old URN (the current
 * stack and project, sdk/go/common/resource/urn/urn.go `New`), its name's prefix that is the
 * parent's new name replaced by the parent's old name.
 */
export function inheritedChildAlias(
  childType: string,
  childName: string,
  parentName: string,
  parentAlias: string,
  stack: string,
  project: string,
): string {
  const old = parseUrn(parentAlias);
  const oldParentName = old?.name ?? "";
  const aliasName = childName.startsWith(parentName)
    ? oldParentName + childName.slice(parentName.length)
    : childName;
  const parentType = old?.qualifiedType ?? "";
  const qualified =
    parentType !== "" && parentType !== ROOT_STACK_TYPE ? `${parentType}$${childType}` : childType;
  return simulatedUrn(`urn:pulumi:${stack}::${project}::${qualified}::${aliasName}`);
}

/**
 * The URN the mock runtime gives a registration (@pulumi/pulumi runtime/mocks.js `newUrn`): its
 * type qualified by its parent's own type only.
 */
export function mockUrn(
  stack: string,
  project: string,
  parent: string | undefined,
  type: string,
  name: string,
): string {
  const parentType = parent ? (parent.split("::")[2] ?? "").split("$").pop() : undefined;
  const qualified = parentType !== undefined ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The request's aliases as the engine reads them (pkg/resource/deploy/source_eval.go
 * `RegisterResource`: the legacy `aliasURNs` first, then `aliases`, each a URN or a spec —
 * proto/alias_pb.js `Alias` —; a spec's empty parent URN means the resource's own parent).
 */
export function aliasSpecsOf(req: RegisterResourceRequest): AliasSpec[] {
  const specs: AliasSpec[] = req
    .getAliasurnsList()
    .filter((urn) => urn !== "")
    .map((urn) => ({ urn }));
  for (const alias of req.getAliasesList()) {
    const spec = alias.getSpec();
    if (spec === undefined) {
      if (alias.getUrn() !== "") specs.push({ urn: alias.getUrn() });
      continue;
    }
    specs.push({
      ...(spec.getName() !== "" ? { name: spec.getName() } : {}),
      ...(spec.getType() !== "" ? { type: spec.getType() } : {}),
      ...(spec.getStack() !== "" ? { stack: spec.getStack() } : {}),
      ...(spec.getProject() !== "" ? { project: spec.getProject() } : {}),
      ...(spec.hasParenturn() && spec.getParenturn() !== ""
        ? { parentUrn: spec.getParenturn() }
        : {}),
      ...(spec.hasNoparent() && spec.getNoparent() ? { noParent: true } : {}),
    });
  }
  return specs;
}
