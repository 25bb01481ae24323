/**
 * Stack policies that cost nothing on stacks without credentials.
 *
 * The engine sends every resource of a deployment through `Analyze` and then the whole stack
 * through `AnalyzeStack`. For each stack policy, @pulumi/policy deserializes every resource of the
 * stack before calling it — unless the policy's function carries a `__pulumiType` and no resource
 * of that type is in the stack (the fast path behind the SDK's `validateStackResourcesOfType`,
 * server.js `makeAnalyzeStackRpcFun`). An organisation runs this pack on every stack, and most hold
 * no credential: there the stack policies would multiply the cost of `AnalyzeStack`.
 *
 * So the resource policies record the type of every resource they analyse (an `Application`
 * without an inline password as {@link APPLICATION_WITHOUT_PASSWORD}: no stack policy judges it, and
 * organisations' stacks hold many), and each stack policy's function answers `__pulumiType` with:
 * - nothing (the policy runs) when no `Analyze` came since the last stack analysis — e.g. a tool
 *   that calls `AnalyzeStack` alone — or when a type the policy judges was analysed;
 * - a type no resource has ({@link NOT_ANALYZED}) when resources were analysed and none of a type
 *   the policy judges: the SDK then skips the policy, as not applicable.
 *
 * Limit: a resource that is in the stack but was not analysed in this deployment (e.g. untouched by
 * `pulumi up --target`) is not judged by the stack policies in a deployment that analysed no
 * credential; it was judged in the deployment that last changed it.
 */

import { APPLICATION, hasInlinePassword } from "../core/resource-types";
import { field, PULUMI_TYPE_PROPERTY } from "../core/unknowns";

/** The "type" a skipped stack policy applies to: never a real resource type. */
export const NOT_ANALYZED = "(a credential or Key Vault secret analysed in this deployment)";

const analyzed = new Set<string>();
/** True once a stack policy asked, so the next `Analyze` starts a new deployment's record. */
let stackPhase = false;

/**
 * What an `Application` whose inputs hold no inline password is recorded as: not a type any stack
 * policy judges. One whose `password` is unknown (preview) is recorded as an `Application`.
 */
export const APPLICATION_WITHOUT_PASSWORD = `${APPLICATION} (without an inline password)`;

/**
 * Records a resource seen by `Analyze`: its type, or {@link APPLICATION_WITHOUT_PASSWORD}. Called
 * by every resource policy (cheap).
 *
 * @param type the resource's Pulumi type token
 * @param props its inputs (plain or the SDK's unknown-checking proxy); read only for applications
 */
export function recordAnalyzed(type: string, props: unknown): void {
  if (stackPhase) {
    analyzed.clear();
    stackPhase = false;
  }
  analyzed.add(type === APPLICATION ? applicationKey(props) : type);
}

function applicationKey(props: unknown): string {
  const password = field(props, "password");
  return password.known && !hasInlinePassword(password.value)
    ? APPLICATION_WITHOUT_PASSWORD
    : APPLICATION;
}

/**
 * Makes a stack policy skippable (see the module comment): defines `__pulumiType` on `validate`.
 *
 * @param judges true for the resource types the policy judges
 * @returns `validate`, with the getter
 */
export function skipWithoutAnalyzed<F extends object>(
  validate: F,
  judges: (type: string) => boolean,
): F {
  Object.defineProperty(validate, PULUMI_TYPE_PROPERTY, {
    configurable: true,
    enumerable: false,
    get(): string | undefined {
      stackPhase = true;
      if (analyzed.size === 0) return undefined;
      for (const type of analyzed) if (judges(type)) return undefined;
      return NOT_ANALYZED;
    },
  });
  return validate;
}

/** Forgets every recorded type (tests). */
export function resetAnalyzedTypes(): void {
  analyzed.clear();
  stackPhase = false;
}
