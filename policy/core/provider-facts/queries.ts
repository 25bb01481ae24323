/**
 * Queries over the provider facts table: a type's row, its replacing and credential-replacing
 * inputs, its secret attributes, and the check of a program's inputs against its validations.
 */
import { UNKNOWN_SENTINELS } from "../unknown-sentinels";
import { PROVIDER_FACTS } from "./table";
import type { CreateConflict, CreateLimit, Enforcement, ProviderFacts, Rule } from "./types";

/** azure-native API-version modules (`azure-native:keyvault/v20230701:Secret`) share the default row. */
const AZURE_NATIVE_VERSIONED = /^azure-native:([a-z0-9]+)\/v[0-9a-z]+:([A-Za-z0-9]+)$/;

/** The facts of `type` (API-versioned azure-native tokens map to their default module), or `undefined`. */
export function factsOf(type: string): ProviderFacts | undefined {
  const direct = PROVIDER_FACTS[type];
  if (direct) return direct;
  const versioned = AZURE_NATIVE_VERSIONED.exec(type);
  return versioned ? PROVIDER_FACTS[`azure-native:${versioned[1]}:${versioned[2]}`] : undefined;
}

/**
 * The inputs whose change replaces a resource of `type`: the row's list, or, where every input
 * replaces (`"*"`), the row's inputs followed by any other input the registration sets (keys
 * starting with `__` are the engine's and left out). Conditional replacements are included.
 *
 * @returns `undefined` for a type the table does not know
 */
export function replacingInputsOf(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): readonly string[] | undefined {
  const row = factsOf(type);
  if (!row) return undefined;
  const listed = row.replacingInputs.inputs;
  const conditional = (row.replacingInputs.conditional ?? [])
    .map((c) => c.input)
    .filter((input) => row.inputs.includes(input));
  if (listed !== "*") return unique([...listed, ...conditional]);
  const extra = Object.keys(inputs).filter((key) => !key.startsWith("__"));
  return unique([...row.inputs, ...extra]);
}

/**
 * The inputs whose change gives a resource of `type` a new credential (secret or key): the
 * replacing inputs of a credential type, and for an `Application` its inline `password` block
 * when it declares one (updated in place, yet a new password). The churn check compares these.
 *
 * @returns `undefined` when the resource carries no credential
 */
export function credentialReplacingInputsOf(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): readonly string[] | undefined {
  const row = factsOf(type);
  if (!row || row.provider !== "azuread") return undefined;
  if (row.credentialReplacingInputs) {
    const password = inputs.password;
    const declared = Array.isArray(password)
      ? password.length > 0
      : typeof password === "object" && password !== null;
    return declared ? row.credentialReplacingInputs.inputs : undefined;
  }
  if (row.secretOutputs.outputs.length === 0) return undefined;
  return replacingInputsOf(type, inputs);
}

/** The attributes of `type` the provider holds secret (Pulumi names), or `[]` when unknown. */
export function secretOutputsOf(type: string): readonly string[] {
  return factsOf(type)?.secretOutputs.outputs ?? [];
}

/**
 * The creates of `type` refused because something already exists (the row's `createConflicts`),
 * or `[]`.
 */
export function createConflictsOf(type: string): readonly CreateConflict[] {
  return factsOf(type)?.createConflicts ?? [];
}

/**
 * The creates of `type` refused because the parent already holds as many as allowed (the row's
 * `createLimits`), or `[]`.
 */
export function createLimitsOf(type: string): readonly CreateLimit[] {
  return factsOf(type)?.createLimits ?? [];
}

/** One input the provider (or service, or standard) would refuse. */
export interface InputProblem {
  /** Pulumi input name, dotted. */
  readonly input: string;
  readonly value: unknown;
  /** What is allowed, in words. */
  readonly allowed: string;
  readonly enforcement: Enforcement;
  readonly source: string;
  /** One line naming the input, the value and what is allowed. */
  readonly message: string;
}

/** Options of {@link validateInputs}. */
export interface ValidateOptions {
  /** Only these enforcements (default: all). */
  readonly enforcement?: readonly Enforcement[];
}

/**
 * Checks `inputs` of a resource of `type` against the row's validations. Values that are absent
 * or unknown (the engine's sentinel strings, or anything but a string, number, boolean, array or
 * plain object) are not judged. One problem per bad input: the first rule it breaks (for an input
 * over a list, `name[]`, the first element that breaks it).
 *
 * @returns the problems, in the row's order; `[]` for an unknown type
 */
export function validateInputs(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): InputProblem[] {
  const row = factsOf(type);
  if (!row) return [];
  const problems: InputProblem[] = [];
  const reported = new Set<string>();
  for (const validation of row.validations) {
    if (options.enforcement && !options.enforcement.includes(validation.enforcement)) continue;
    if (reported.has(validation.input)) continue;
    let value: unknown;
    let allowed: string | undefined;
    for (const candidate of valuesAt(inputs, validation.input)) {
      allowed = check(validation.rule, candidate, inputs);
      value = candidate;
      if (allowed !== undefined) break;
    }
    if (allowed === undefined) continue;
    reported.add(validation.input);
    problems.push({
      input: validation.input,
      value,
      allowed,
      enforcement: validation.enforcement,
      source: validation.source,
      message: `${shortType(type)} input \`${validation.input}\` = ${show(value)}: ${allowed} (${validation.enforcement}; ${validation.source})`,
    });
  }
  return problems;
}

/** What `rule` allows, when `value` breaks it; `undefined` when it passes or cannot be judged. */
function check(
  rule: Rule,
  value: unknown,
  inputs: Readonly<Record<string, unknown>>,
): string | undefined {
  switch (rule.kind) {
    case "atLeastOneOf":
      return rule.inputs.some((input) => valueAt(inputs, input) !== undefined)
        ? undefined
        : `at least one of ${rule.inputs.map((i) => `\`${i}\``).join(", ")} must be set`;
    case "atLeastOneTrue":
      return rule.inputs.every((input) => valueAt(inputs, input) === false)
        ? `at least one of ${rule.inputs.map((i) => `\`${i}\``).join(", ")} must be true`
        : undefined;
    case "requiresWhen": {
      if (typeof value !== "string" || !rule.whenValues.includes(value)) return undefined;
      const then = valueAt(inputs, rule.then);
      if (then !== undefined && !isPlain(then)) return undefined;
      return then === rule.equals
        ? undefined
        : `requires \`${rule.then}\` = ${show(rule.equals)} (it is ${show(then)})`;
    }
    case "conflictsWith":
      return value !== undefined && valueAt(inputs, rule.other) !== undefined
        ? `not together with \`${rule.other}\``
        : undefined;
    case "requiredWhen": {
      const when = valueAt(inputs, rule.when);
      if (!isScalar(when) || !rule.whenValues.includes(when)) return undefined;
      return value === undefined || value === null
        ? `required when \`${rule.when}\` is ${show(when)}`
        : undefined;
    }
    case "enumWhen": {
      const when = valueAt(inputs, rule.when);
      if (!isScalar(when) || !rule.whenValues.includes(when)) return undefined;
      if (!isScalar(value)) return undefined;
      return rule.values.includes(value)
        ? undefined
        : `one of ${rule.values.map(show).join(", ")} when \`${rule.when}\` is ${show(when)}`;
    }
    case "integerUpTo": {
      if (value === undefined || value === null || !isPlain(value)) return undefined;
      const other = valueAt(inputs, rule.other);
      const max = typeof other === "number" && isPlain(other) ? rule.factor * other : undefined;
      const ok =
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= rule.min &&
        (max === undefined || value <= max);
      return ok
        ? undefined
        : `a whole number from ${rule.min} to ${rule.factor} × \`${rule.other}\`${max === undefined ? "" : ` (${max})`}`;
    }
    default:
      break;
  }
  if (value === undefined || value === null || !isPlain(value)) return undefined;
  return checkValue(rule, value);
}

function checkValue(rule: Rule, value: unknown): string | undefined {
  switch (rule.kind) {
    case "enum":
      return rule.values.includes(value as string | number)
        ? undefined
        : `one of ${rule.values.map(show).join(", ")} (exact case)`;
    case "enumList": {
      if (!Array.isArray(value)) return `a list of ${describeEnum(rule.values)}`;
      const bad = value.filter((v) => typeof v === "string" && !rule.values.includes(v));
      return bad.length === 0
        ? undefined
        : `${bad.map(show).join(", ")} not allowed; each element one of ${describeEnum(rule.values)}`;
    }
    case "integer": {
      const ok =
        typeof value === "number" &&
        Number.isInteger(value) &&
        (rule.min === undefined || value >= rule.min) &&
        (rule.max === undefined || value <= rule.max);
      return ok ? undefined : `a whole number ${bounds(rule.min, rule.max)}`;
    }
    case "length": {
      const ok =
        typeof value === "string" &&
        (rule.min === undefined || [...value].length >= rule.min) &&
        (rule.max === undefined || [...value].length <= rule.max);
      return ok ? undefined : `a string of ${bounds(rule.min, rule.max)} characters`;
    }
    case "pattern":
      return typeof value === "string" && new RegExp(rule.pattern).test(value)
        ? undefined
        : `${rule.description} (/${rule.pattern}/)`;
    case "rfc3339":
      return typeof value === "string" && isGoRfc3339(value)
        ? undefined
        : "an RFC 3339 timestamp YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)";
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? undefined : "a UUID";
    case "list": {
      if (!Array.isArray(value)) return "a list";
      if (rule.minItems !== undefined && value.length < rule.minItems) {
        return rule.maxItems === rule.minItems
          ? `exactly ${rule.minItems} element(s)`
          : `at least ${rule.minItems} element(s)`;
      }
      if (rule.maxItems !== undefined && value.length > rule.maxItems) {
        return rule.maxItems === rule.minItems
          ? `exactly ${rule.maxItems} element(s)`
          : `at most ${rule.maxItems} element(s)`;
      }
      if (rule.each) {
        const each = rule.each;
        for (const element of value) {
          if (!isPlain(element)) continue;
          const inner = checkValue(each, element);
          if (inner !== undefined) return `each element ${inner} (${show(element)} is not)`;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Go's `time.Parse(time.RFC3339, v)`: the layout, and every field in range (no leap second). */
function isGoRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}

/** A known value a program can hold before deployment (unknowns and their wrappers are not). */
function isPlain(value: unknown): boolean {
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return false;
  return (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    Array.isArray(value) ||
    (typeof value === "object" &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype)
  );
}

/** A known string, number or boolean (what the conditional rules compare). */
function isScalar(value: unknown): value is string | number | boolean {
  return (
    (typeof value === "string" || typeof value === "number" || typeof value === "boolean") &&
    isPlain(value)
  );
}

/**
 * The values at a dotted path: one (see {@link valueAt}), or, through a segment `name[]`, one per
 * element of the list `name` (a single object stands for a list of one).
 */
function valuesAt(inputs: Readonly<Record<string, unknown>>, path: string): unknown[] {
  if (!path.includes("[]")) return [valueAt(inputs, path)];
  let current: unknown[] = [inputs];
  for (const raw of path.split(".")) {
    const each = raw.endsWith("[]");
    const segment = each ? raw.slice(0, -2) : raw;
    current = current.flatMap((item) => {
      if (typeof item !== "object" || item === null) return [undefined];
      const found = valueAt(item as Readonly<Record<string, unknown>>, segment);
      return each && Array.isArray(found) ? found : [found];
    });
  }
  return current;
}

/** The value at a dotted path; a one-element list on the way stands for its element (Terraform blocks). */
function valueAt(inputs: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = inputs;
  for (const segment of path.split(".")) {
    if (Array.isArray(current)) current = current.length === 1 ? current[0] : undefined;
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function describeEnum(values: readonly string[]): string {
  return values.length > 8
    ? `the ${values.length} snake_case names (${values.slice(0, 4).join(", ")}, …)`
    : values.join(", ");
}

function bounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `≥ ${min}`;
  if (max !== undefined) return `≤ ${max}`;
  return "";
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function shortType(type: string): string {
  const parts = type.split(":");
  return `${parts[0]}.${parts[parts.length - 1]}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
