/** Builds the arguments @pulumi/policy passes to validateResource / validateStack, for unit tests. */
import { unknownCheckingProxy, unknownValueErrorClass } from "../../policy/core";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The fixed "now" of the unit tests: 2026-01-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 0, 1);
export const clock = (): number => NOW;

/** The engine's unknown sentinel. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The SDK's proxy that throws UnknownValueError on unknown values, through the pack's one module
 * for @pulumi/policy internals (policy/core/unknowns.ts).
 */
export { unknownCheckingProxy };
/** The SDK's UnknownValueError class (policy/core/unknowns.ts). */
export const UnknownValueError = unknownValueErrorClass();

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::app-credentials::${type}::${name}`;
}

/** validateResource arguments, with props behind the SDK's unknown-checking proxy. */
export function resourceArgs(
  type: string,
  name: string,
  props: Record<string, unknown>,
  config: object = {},
): ResourceValidationArgs {
  return {
    type,
    name,
    urn: urnOf(type, name),
    props: unknownCheckingProxy(props),
    opts: OPTIONS,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`notApplicable: ${reason}`);
    },
  };
}

/** One violation: the message and the URN passed to reportViolation (if any). */
export interface Violation {
  message: string;
  urn?: string;
}

/** Runs a resource policy; returns its violations. Throws whatever the policy throws. */
export async function runResource(
  policy: ResourceValidationPolicy,
  type: string,
  name: string,
  props: Record<string, unknown>,
  config: object = {},
): Promise<string[]> {
  const messages: string[] = [];
  const report: ReportViolation = (message) => messages.push(message);
  const validations = policy.validateResource;
  for (const validate of Array.isArray(validations)
    ? validations
    : validations
      ? [validations]
      : []) {
    await validate(resourceArgs(type, name, props, config), report);
  }
  return messages;
}

/** A resource of a stack test: `propertyDependencies` names other resources of the stack. */
export interface StackResourceSpec {
  type: string;
  name: string;
  props: Record<string, unknown>;
  propertyDependencies?: Record<string, string[]>;
}

/** validateStack arguments: PolicyResources with proxied props and resolved propertyDependencies. */
export function stackArgs(specs: StackResourceSpec[], config: object = {}): StackValidationArgs {
  const resources: PolicyResource[] = specs.map((spec) => ({
    type: spec.type,
    name: spec.name,
    urn: urnOf(spec.type, spec.name),
    props: unknownCheckingProxy(spec.props),
    opts: OPTIONS,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const byName = new Map(resources.map((r) => [r.name, r]));
  specs.forEach((spec, index) => {
    for (const [key, names] of Object.entries(spec.propertyDependencies ?? {})) {
      resources[index].propertyDependencies[key] = names
        .map((n) => byName.get(n))
        .filter((r): r is PolicyResource => r !== undefined);
    }
  });
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`notApplicable: ${reason}`);
    },
  };
}

/** Runs a stack policy; returns its violations with the URNs they name. */
export async function runStack(
  policy: StackValidationPolicy,
  specs: StackResourceSpec[],
  config: object = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  await policy.validateStack(stackArgs(specs, config), (message, urn) =>
    violations.push({ message, urn }),
  );
  return violations;
}
