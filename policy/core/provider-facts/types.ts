/** The shapes of the provider facts table: rows, rules, validations, replacements, defaults. */

/** Which provider a row describes. */
export type ProviderName = "azuread" | "tls" | "random" | "time" | "azure-native" | "azure";

/**
 * Who refuses a value that breaks a rule, and when:
 *
 * - `plan`: the provider, at check/plan time (a preview fails);
 * - `apply`: the provider or its libraries, when creating (the preview passes, the update fails);
 * - `service`: the cloud API (Graph, ARM, Key Vault's data plane), when creating;
 * - `standard`: a standard (RFC) bound nobody in the chain enforces — a certificate that breaks it
 *   is created, other software may reject it;
 * - `documented`: the provider documents the bound but does not check it.
 */
export type Enforcement = "plan" | "apply" | "service" | "standard" | "documented";

/** A rule over one input's value. */
export type Rule =
  /** One of `values`, compared exactly (case-sensitive). */
  | { readonly kind: "enum"; readonly values: readonly (string | number)[] }
  /** A list whose every element is one of `values` (exact). */
  | { readonly kind: "enumList"; readonly values: readonly string[] }
  /** A whole number within the bounds (inclusive). */
  | { readonly kind: "integer"; readonly min?: number; readonly max?: number }
  /** A string of `min`..`max` characters (inclusive). */
  | { readonly kind: "length"; readonly min?: number; readonly max?: number }
  /** A string matching `pattern` (JavaScript syntax, anchored). */
  | { readonly kind: "pattern"; readonly pattern: string; readonly description: string }
  /** Go `time.Parse(time.RFC3339, v)`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)`, fields in range. */
  | { readonly kind: "rfc3339" }
  /** A UUID (8-4-4-4-12 hexadecimal digits), as hashicorp/go-uuid's `ParseUUID` accepts. */
  | { readonly kind: "uuid" }
  /**
   * A list of at least `minItems` and at most `maxItems` elements, each (when `each` is given)
   * following `each`.
   */
  | {
      readonly kind: "list";
      readonly minItems?: number;
      readonly maxItems?: number;
      readonly each?: Rule;
    }
  /** Not to be set together with `other` (Terraform `ConflictsWith`). */
  | { readonly kind: "conflictsWith"; readonly other: string }
  /** When `input` is one of `whenValues`, `then` (another input, dotted) must equal `equals`. */
  | {
      readonly kind: "requiresWhen";
      readonly whenValues: readonly string[];
      readonly then: string;
      readonly equals: string | number;
    }
  /**
   * This input must be set when `when` (another input, dotted) is one of `whenValues`: a
   * requirement the provider checks only when it builds its request (a plan passes).
   */
  | {
      readonly kind: "requiredWhen";
      readonly when: string;
      readonly whenValues: readonly (string | number | boolean)[];
    }
  /** When `when` (another input, dotted) is one of `whenValues`, this input is one of `values`. */
  | {
      readonly kind: "enumWhen";
      readonly when: string;
      readonly whenValues: readonly (string | number | boolean)[];
      readonly values: readonly (string | number | boolean)[];
    }
  /** A whole number from `min` to `factor` × the value of `other` (another input, dotted). */
  | {
      readonly kind: "integerUpTo";
      readonly min: number;
      readonly other: string;
      readonly factor: number;
    }
  /** At least one of `inputs` (this input included) must be set. */
  | { readonly kind: "atLeastOneOf"; readonly inputs: readonly string[] }
  /** Not every one of `inputs` may be `false` (an unset input counts as its default, `true`). */
  | { readonly kind: "atLeastOneTrue"; readonly inputs: readonly string[] };

/** One validation fact: a rule the provider (or service, or standard) applies to one input. */
export interface Validation {
  /**
   * Pulumi input name, dotted for nested inputs (`subject.commonName`,
   * `api.requestedAccessTokenVersion`); `name[]` stands for every element of the list `name`
   * (`certificatePolicy.lifetimeActions[].action.actionType`), each judged on its own.
   */
  readonly input: string;
  readonly rule: Rule;
  readonly enforcement: Enforcement;
  /** Where the rule is written: repository + file (+ function/field), or a Microsoft docs URL. */
  readonly source: string;
  readonly note?: string;
}

/** An input whose change replaces the resource only under a condition. */
export interface ConditionalReplacement {
  readonly input: string;
  /** When the change replaces the resource. */
  readonly when: string;
  readonly source: string;
}

/** Which inputs force a replacement (ForceNew / RequiresReplace). */
export interface ReplacingInputs {
  /** `"*"` when the provider marks every input ForceNew/RequiresReplace, else the list. */
  readonly inputs: "*" | readonly string[];
  /** Replacements that depend on the old or new value, or on the clock. */
  readonly conditional?: readonly ConditionalReplacement[];
  readonly source: string;
  readonly note?: string;
}

/** Attributes the provider marks Sensitive (inputs or outputs): Pulumi keeps them secret. */
export interface SecretOutputs {
  readonly outputs: readonly string[];
  readonly source: string;
  readonly note?: string;
}

/** A default that matters to the program or the pack. */
export interface Default {
  /** The input (or computed attribute) the default applies to. */
  readonly input: string;
  /** The value, or how it is computed. */
  readonly value: string;
  readonly source: string;
}

/**
 * Why creating a resource fails although each input is valid: the same resource, or one the
 * service deems the same, already exists. The simulated Azure (tools/offline/simulator/) refuses
 * these with the `answer` below.
 */
export interface CreateConflict {
  /** Stable id, e.g. `same-name`. */
  readonly id: string;
  /**
   * The inputs that identify the existing resource: the same values (ARM ids compared
   * case-insensitively) under these inputs make the create fail.
   */
  readonly key: readonly string[];
  /** What must hold besides the key (e.g. another name, or not in the stack's state). */
  readonly when: string;
  /** `apply`: the provider checks before its request; `service`: the cloud API answers. */
  readonly enforcement: Enforcement;
  /** The error as the user sees it; `{id}` stands for the resource id. */
  readonly answer: string;
  readonly source: string;
  /** What to do about it. */
  readonly remedy?: string;
}

/**
 * Why creating a resource fails although each input is valid and nothing equal exists: its parent
 * already holds as many such resources as the service allows. The simulated Azure
 * (tools/offline/simulator/) refuses the create that would exceed `max`.
 */
export interface CreateLimit {
  /** Stable id, e.g. `per-application`. */
  readonly id: string;
  /** The input naming the parent the limit counts under (e.g. `applicationId`). */
  readonly per: string;
  /** How many the parent may hold; one more is refused. */
  readonly max: number;
  readonly enforcement: Enforcement;
  /** The error as the user sees it (as far as it is known). */
  readonly answer: string;
  readonly source: string;
  /** What to do about it. */
  readonly remedy?: string;
}

/** What one resource type's provider does, each fact with its source. */
export interface ProviderFacts {
  readonly type: string;
  readonly provider: ProviderName;
  /** The upstream resource: Terraform type name or ARM resource type. */
  readonly upstream: string;
  /** Where the resource's schema is defined. */
  readonly schemaSource: string;
  /**
   * The resource's inputs (Pulumi names), the most telling first. Complete for rows whose
   * `replacingInputs.inputs` is `"*"`; otherwise the inputs the facts refer to.
   */
  readonly inputs: readonly string[];
  /** Computed-only attributes the facts refer to (never inputs). */
  readonly computedOutputs: readonly string[];
  readonly replacingInputs: ReplacingInputs;
  /**
   * Inputs whose in-place update nevertheless replaces the credential the resource carries
   * (`Application.password`: the provider removes the old password, then adds a new one). The
   * churn check compares these as well as the replacing inputs.
   */
  readonly credentialReplacingInputs?: {
    readonly inputs: readonly string[];
    readonly source: string;
  };
  readonly secretOutputs: SecretOutputs;
  readonly validations: readonly Validation[];
  readonly defaults: readonly Default[];
  /** Creates refused because something already exists (see {@link CreateConflict}). */
  readonly createConflicts?: readonly CreateConflict[];
  /** Creates refused because the parent holds as many as allowed (see {@link CreateLimit}). */
  readonly createLimits?: readonly CreateLimit[];
  /** The id `Resource.get` / `pulumi import` expects. */
  readonly importId?: { readonly format: string; readonly source: string };
}
