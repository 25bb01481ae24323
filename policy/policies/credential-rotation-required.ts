/**
 * `credential-rotation-required` (mandatory): every `ApplicationPassword` and
 * `ServicePrincipalPassword` needs a non-empty `rotateWhenChanged` (the provider replaces the
 * password, create-before-delete, when a value changes); the `Application` inline `password`
 * is a violation because the provider removes the old password before adding the new one
 * (no overlap), so it cannot rotate without an outage: use `ApplicationPassword` instead.
 *
 * Config `requiredKeys` (default `[]`): keys that every `rotateWhenChanged` must also carry,
 * e.g. `["rotation-trigger"]` to require an emergency-rotation trigger.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { stringListSchema, stringListSetting } from "../lib/config";
import { resourceLabel, showValue } from "../lib/messages";
import { APPLICATION, isPasswordType } from "../lib/resource-types";
import { field, knownOrThrow, readMapPartial } from "../lib/unknowns";

export const CREDENTIAL_ROTATION_REQUIRED = "credential-rotation-required";

const FIX_SCHEDULE =
  'set rotateWhenChanged to values that change when the password is due, e.g. the app-credentials schedule keys ("rotation-window", "rotation-slot", "rotation-trigger") or { rotation: <time.Rotating>.id }';

/** Creates the policy. */
export function credentialRotationRequiredPolicy(): ResourceValidationPolicy {
  return {
    name: CREDENTIAL_ROTATION_REQUIRED,
    description:
      "Application and service principal passwords must rotate: a non-empty rotateWhenChanged, and no Application inline password.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        requiredKeys: stringListSchema(
          "Keys every password's rotateWhenChanged must carry (default: none, any non-empty map).",
        ),
      },
    },
    validateResource: validate,
  };
}

/** The policy as the pack serves it. */
export const credentialRotationRequired = credentialRotationRequiredPolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  const label = resourceLabel(args.type, args.name);
  if (args.type === APPLICATION) {
    const password = knownOrThrow(field(args.props, "password"));
    const present = Array.isArray(password)
      ? password.length > 0
      : typeof password === "object" && password !== null;
    if (present) {
      const displayName = Array.isArray(password)
        ? undefined
        : knownOrThrow(field(password, "displayName"));
      report(
        `${label} has an inline password${displayName ? ` (displayName ${showValue(displayName)})` : ""}, which cannot rotate with overlap: the provider removes the old password before adding the new one. ` +
          "Limit: inline passwords are not allowed. Fix: remove password from the Application and create an azuread.ApplicationPassword with endDate and rotateWhenChanged.",
      );
    }
    return;
  }
  if (!isPasswordType(args.type)) return;
  // Only the keys matter here: a value unknown during preview (e.g. `{ rotation: rotating.id }`)
  // still counts as an entry. Only a wholly unknown rotateWhenChanged is unknown.
  const read = readMapPartial(field(args.props, "rotateWhenChanged"));
  if (read.error) throw read.error;
  const keys = read.map === undefined ? undefined : [...Object.keys(read.map), ...read.unknownKeys];
  if (keys === undefined || keys.length === 0) {
    const found =
      keys === undefined
        ? showValue(knownOrThrow(field(args.props, "rotateWhenChanged")))
        : "an empty map";
    report(
      `${label} has no rotation schedule: rotateWhenChanged is ${found}, and every password needs a non-empty one. Fix: ${FIX_SCHEDULE}.`,
    );
    return;
  }
  const required = stringListSetting(args.getConfig(), "requiredKeys");
  if (!required.ok) {
    report(
      `${label} cannot be checked: ${required.reason}. Fix: set requiredKeys to a list of strings in the policy configuration.`,
    );
    return;
  }
  const missing = required.value.filter((key) => !keys.includes(key));
  if (missing.length > 0) {
    report(
      `${label} rotateWhenChanged lacks the required key${missing.length > 1 ? "s" : ""} ${missing.map((k) => JSON.stringify(k)).join(", ")} (found: ${keys
        .slice(0, 10)
        .map((k) => JSON.stringify(k.slice(0, 64)))
        .join(", ")}). ` +
        `Fix: add ${missing.map((k) => JSON.stringify(k)).join(", ")} to rotateWhenChanged.`,
    );
  }
}
