/**
 * `credential-rotation-required` (mandatory): every credential needs a rotation schedule.
 *
 * - Passwords (`ApplicationPassword`, `ServicePrincipalPassword`), judged per resource, before they
 *   are created: a non-empty `rotateWhenChanged` (the provider replaces the password,
 *   create-before-delete, when a value changes). The `Application` inline `password` is a violation
 *   because the provider removes the old password before adding the new one (no overlap), so it
 *   cannot rotate without an outage: use `ApplicationPassword` instead.
 * - Certificates (`ApplicationCertificate`, `ServicePrincipalCertificate`), judged over the stack:
 *   a certificate has no `rotateWhenChanged`; it rotates when the resource its `value` comes from is
 *   replaced on a schedule, which only the stack's property dependencies show (see
 *   ../core/certificate-schedule.ts): schedule keys in a `keepers` / `rotateWhenChanged` map, in a
 *   Key Vault certificate's `tags` (`credential: keyVaultCertificate`: credential → Stash →
 *   `azure:keyvault/certificate:Certificate`), or a `time.Rotating`. A literal value, or a chain
 *   without a schedule, is static. SAML token-signing certificates are not judged here (the
 *   lifetime rule only).
 * - Key Vault certificates a certificate credential's value comes from (over the stack): a lifetime
 *   action `AutoRenew` is a violation, reported once per Key Vault certificate. Key Vault would make
 *   a new version outside any deployment: a rotation off the schedule, whose public key never
 *   reaches Entra ID, while consumers reading the versionless secret (or signing with the
 *   versionless key) get it and are refused (../core/keyvault-certificate.ts). Mandatory, here
 *   because it is a rotation the stack does not make: the pack's rule that mandatory means broken
 *   in Azure or a running app breaking. A lifetime action whose type is unknown (preview) is not
 *   judged.
 *
 * The policy therefore has both `validateResource` and `validateStack`: the SDK runs each in its
 * phase (`Analyze` per resource, `AnalyzeStack` over the stack) and reports it as a resource policy.
 *
 * Config `requiredKeys` (default `[]`): keys that every schedule must also carry — a password's
 * `rotateWhenChanged`, a certificate's schedule map — e.g. `["rotation-trigger"]` to require an
 * emergency-rotation trigger.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed, skipWithoutAnalyzed } from "../lib/analyzed-types";
import { certificateSchedule, hasSchedule } from "../core/certificate-schedule";
import { stringListSchema, stringListSetting } from "../core/config";
import { autoRenewActions, LifetimeAction } from "../core/keyvault-certificate";
import { resourceLabel, showValue } from "../core/messages";
import {
  APPLICATION,
  APPLICATION_CERTIFICATE,
  hasInlinePassword,
  isPasswordType,
  SERVICE_PRINCIPAL_CERTIFICATE,
} from "../core/resource-types";
import { field, knownOrThrow, readMapPartial } from "../core/unknowns";

export const CREDENTIAL_ROTATION_REQUIRED = "credential-rotation-required";

const FIX_SCHEDULE =
  'set rotateWhenChanged to values that change when the password is due, e.g. the app-credentials schedule keys ("rotation-window", "rotation-slot", "rotation-trigger") or { rotation: <time.Rotating>.id }';

const FIX_CERTIFICATE =
  "make the value come from a certificate resource that is replaced on a schedule: e.g. a tls.SelfSignedCert whose subject depends on a random.RandomId with keepers holding the app-credentials schedule keys (rotation-window, rotation-slot, rotation-trigger), or on a time.Rotating — app-credentials does this for apps with credential: certificate; or an azure.keyvault.Certificate whose tags hold those keys and whose policy changes with them, the value held per slot by a pulumi.Stash replaced with the slot's schedule — app-credentials does this for apps with credential: keyVaultCertificate";

const FIX_AUTO_RENEW =
  'set the lifetime action to EmailContacts, e.g. { action: { actionType: "EmailContacts" }, trigger: { lifetimePercentage: 90 } }, and let the stack make new versions on its schedule — app-credentials does this for apps with credential: keyVaultCertificate';

/** A policy judged in both phases: per resource (passwords) and over the stack (certificates). */
export type ResourceAndStackPolicy = ResourceValidationPolicy &
  Pick<StackValidationPolicy, "validateStack">;

/** Creates the policy. */
export function credentialRotationRequiredPolicy(): ResourceAndStackPolicy {
  return {
    name: CREDENTIAL_ROTATION_REQUIRED,
    description:
      "Passwords and certificates of applications and service principals must rotate on a schedule: a non-empty rotateWhenChanged, no Application inline password, certificate values from a source replaced on a schedule, no Key Vault AutoRenew behind a certificate credential.",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Give every password a non-empty rotateWhenChanged fed by a schedule (the app-credentials schedule keys rotation-window, rotation-slot and rotation-trigger, or a time.Rotating) carrying every requiredKeys key; replace Application inline passwords with azuread.ApplicationPassword resources; take certificate values from a source replaced on a schedule (see the policy's section); give the Key Vault certificates they come from an EmailContacts lifetime action, never AutoRenew.",
    url: "policy/README.md#credential-rotation-required",
    configSchema: {
      properties: {
        requiredKeys: stringListSchema(
          "Keys every password's rotateWhenChanged must carry (default: none, any non-empty map).",
        ),
      },
    },
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
    validateStack: skipWithoutAnalyzed(validateCertificates, isCertificateCredential),
  };
}

/** The policy as the pack serves it. */
export const credentialRotationRequired = credentialRotationRequiredPolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  const label = resourceLabel(args.type, args.name);
  if (args.type === APPLICATION) {
    const password = knownOrThrow(field(args.props, "password"));
    if (hasInlinePassword(password)) {
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

/**
 * Certificates: their value must come from a source the stack replaces on a schedule; the Key Vault
 * certificates it comes from must not renew themselves.
 */
function validateCertificates(args: StackValidationArgs, report: ReportViolation): void {
  const required = stringListSetting(args.getConfig(), "requiredKeys");
  const autoRenewing = new Map<string, AutoRenewing>();
  for (const resource of args.resources) {
    if (!isCertificateCredential(resource.type)) continue;
    const label = resourceLabel(resource.type, resource.name);
    const schedule = certificateSchedule(resource);
    for (const certificate of schedule.keyVaultCertificates) {
      noteAutoRenew(autoRenewing, certificate, label);
    }
    if (schedule.unknown) continue;
    if (!hasSchedule(schedule)) {
      const source =
        schedule.sources.length === 0
          ? "its value is a literal certificate, which nothing ever replaces"
          : `its value comes from ${schedule.sources
              .slice(0, 3)
              .map((r) => resourceLabel(r.type, r.name))
              .join(
                ", ",
              )}, which no schedule replaces (nothing it depends on carries rotation-window in keepers or rotateWhenChanged, or in the tags of a Key Vault certificate, nor is a time.Rotating)`;
      report(
        `${label} has no rotation schedule: ${source}. Fix: ${FIX_CERTIFICATE}.`,
        resource.urn,
      );
      continue;
    }
    if (!required.ok || required.value.length === 0) continue;
    for (const { resource: carrier, map, property } of schedule.maps) {
      const missing = required.value.filter((key) => !(key in map));
      if (missing.length > 0) {
        report(
          `${label} rotates with the schedule of ${resourceLabel(carrier.type, carrier.name)}, which lacks the required key${missing.length > 1 ? "s" : ""} ${missing.map((k) => JSON.stringify(k)).join(", ")}. Fix: add ${missing.map((k) => JSON.stringify(k)).join(", ")} to its ${property === "tags" ? "tags" : "keepers or rotateWhenChanged"}.`,
          resource.urn,
        );
      }
    }
  }
  for (const { certificate, actions, credentials } of autoRenewing.values()) {
    if (actions.length === 0) continue;
    const [action] = actions;
    const shown = credentials.slice(0, 3).join(", ");
    const more = credentials.length > 3 ? ` and ${credentials.length - 3} more` : "";
    report(
      `${resourceLabel(certificate.type, certificate.name)} renews itself: its certificate policy has the lifetime action ${action.actionType}${action.trigger ? ` ${action.trigger}` : ""} (certificatePolicy.lifetimeActions[${action.index}]), and the certificate credential${credentials.length > 1 ? "s" : ""} ${shown}${more} take${credentials.length > 1 ? "" : "s"} ${credentials.length > 1 ? "their values" : "its value"} from it. ` +
        "Key Vault would create a version outside any deployment: its public key never reaches Entra ID, while consumers reading the versionless secret (or signing with the versionless key) get it and are refused. " +
        `Fix: ${FIX_AUTO_RENEW}.`,
      certificate.urn,
    );
  }
}

/** A Key Vault certificate behind certificate credentials, with its `AutoRenew` actions. */
interface AutoRenewing {
  certificate: PolicyResource;
  /** Its lifetime actions of type AutoRenew (empty: none, or not known yet). */
  actions: LifetimeAction[];
  /** The labels of the credentials whose value comes from it, in stack order. */
  credentials: string[];
}

/** Records that the credential `label` takes its value from `certificate` (read once per URN). */
function noteAutoRenew(
  found: Map<string, AutoRenewing>,
  certificate: PolicyResource,
  label: string,
): void {
  let entry = found.get(certificate.urn);
  if (entry === undefined) {
    const actions = autoRenewActions(certificate.props);
    entry = { certificate, actions: actions === "unknown" ? [] : actions, credentials: [] };
    found.set(certificate.urn, entry);
  }
  if (!entry.credentials.includes(label)) entry.credentials.push(label);
}

/** Application and service principal certificates (not SAML token-signing certificates). */
function isCertificateCredential(type: string): boolean {
  return type === APPLICATION_CERTIFICATE || type === SERVICE_PRINCIPAL_CERTIFICATE;
}
