/**
 * `keyvault-secret-expiry` (mandatory): every Key Vault secret — azure-native `keyvault:Secret`
 * under any API-version token, and the classic `azure:keyvault/secret:Secret` — has an expiry no
 * later than `maxValidity` (ISO 8601, default `P2Y`) from now. Mirrors the Azure Policy built-ins
 * "Key Vault secrets should have an expiration date" and "Secrets should have the specified maximum
 * validity period". Unknown expiry during preview: the SDK's `UnknownValueError` is re-thrown
 * (advisory), never a mandatory violation.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { DEFAULT_MAX_VALIDITY } from "../core/defaults";
import { durationSchema, durationSetting } from "../core/config";
import { addDuration } from "../core/iso8601";
import { expiryField, expiryUnit, secretExpiry } from "../core/keyvault";
import { at, resourceLabel } from "../core/messages";
import { keyVaultSecretFlavour } from "../core/resource-types";

export const KEYVAULT_SECRET_EXPIRY = "keyvault-secret-expiry";
export { DEFAULT_MAX_VALIDITY };

/** Creates the policy. @param clock current instant (ms since epoch): the validity is counted from now */
export function keyVaultSecretExpiryPolicy(clock: Clock = systemClock): ResourceValidationPolicy {
  return {
    name: KEYVAULT_SECRET_EXPIRY,
    description: "Key Vault secrets must have an expiry, no later than maxValidity from now.",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set the secret's expiry (properties.attributes.expires in Unix seconds for azure-native, expirationDate for classic azure) no later than now + maxValidity (default P2Y), e.g. the end date of the credential it holds.",
    url: "policy/README.md#keyvault-secret-expiry",
    configSchema: {
      properties: {
        maxValidity: durationSchema(
          "Latest allowed expiry of a Key Vault secret, counted from now, ISO 8601.",
          DEFAULT_MAX_VALIDITY,
        ),
      },
    },
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation, clock());
    },
  };
}

/** The policy with the system clock, as the pack serves it. */
export const keyVaultSecretExpiry = keyVaultSecretExpiryPolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation, nowMs: number): void {
  const flavour = keyVaultSecretFlavour(args.type);
  if (flavour === undefined) return;
  const label = resourceLabel(args.type, args.name);
  const name = expiryField(flavour);
  const unit = expiryUnit(flavour);
  const setting = durationSetting(args.getConfig(), "maxValidity", DEFAULT_MAX_VALIDITY);
  if (!setting.ok) {
    report(
      `${label} cannot be checked: ${setting.reason}. Fix: set maxValidity to an ISO 8601 duration such as P2Y in the policy configuration.`,
    );
    return;
  }
  const max = setting.value;
  const limitMs = addDuration(nowMs, max.duration);
  const expiry = secretExpiry(flavour, args.props);
  switch (expiry.kind) {
    case "unknown":
      throw expiry.error;
    case "missing":
      report(
        `${label} has no expiry (${name} is not set); every secret must expire within ${max.text}. Fix: set ${name} (${unit}) no later than ${at(limitMs)}, e.g. the end date of the credential it holds.`,
      );
      return;
    case "invalid":
      report(
        `${label} has an unreadable expiry: ${name}: ${expiry.reason}. Fix: set ${name} (${unit}) no later than ${at(limitMs)} (now + ${max.text}).`,
      );
      return;
    case "ok":
      if (expiry.ms > limitMs) {
        report(
          `${label} expires at ${at(expiry.ms)} (${name} = ${expiry.shown}), later than the maximum validity ${max.text} from now (${at(limitMs)}). ` +
            `Fix: set ${name} (${unit}) no later than ${at(limitMs)}.`,
        );
      }
      return;
  }
}
