/**
 * `keyvault-secret-content-type` (advisory): Key Vault secrets should set a content type (Azure
 * Policy built-in "Secrets should have content type set"), so consumers know what the value is.
 * Config `allowedContentTypes` (default `[]`, any non-empty value). An unknown content type during
 * preview is not reported.
 */
import { recordAnalyzed } from "../lib/analyzed-types";
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { stringListSchema, stringListSetting } from "../core/config";
import { secretContentType } from "../core/keyvault";
import { resourceLabel, showValue } from "../core/messages";
import { keyVaultSecretFlavour } from "../core/resource-types";

export const KEYVAULT_SECRET_CONTENT_TYPE = "keyvault-secret-content-type";

/** Creates the policy. */
export function keyVaultSecretContentTypePolicy(): ResourceValidationPolicy {
  return {
    name: KEYVAULT_SECRET_CONTENT_TYPE,
    description: "Key Vault secrets should set a content type.",
    enforcementLevel: "advisory",
    remediationSteps:
      "Set the secret's content type (properties.contentType for azure-native, contentType for classic azure) to what the value is, e.g. text/plain or application/x-pkcs12, one of allowedContentTypes when that list is configured.",
    url: "policy/README.md#policies",
    configSchema: {
      properties: {
        allowedContentTypes: stringListSchema(
          "Allowed content types (default: any non-empty content type).",
        ),
      },
    },
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
  };
}

/** The policy as the pack serves it. */
export const keyVaultSecretContentType = keyVaultSecretContentTypePolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  const flavour = keyVaultSecretFlavour(args.type);
  if (flavour === undefined) return;
  const label = resourceLabel(args.type, args.name);
  const name = flavour === "azure-native" ? "properties.contentType" : "contentType";
  const read = secretContentType(flavour, args.props);
  if (!read.known) return;
  const allowed = stringListSetting(args.getConfig(), "allowedContentTypes");
  const example = allowed.ok && allowed.value.length > 0 ? allowed.value[0] : "text/plain";
  if (typeof read.value !== "string" || read.value.trim() === "") {
    report(
      `${label} has no content type (${name} is ${showValue(read.value)}). Fix: set ${name}, e.g. ${JSON.stringify(example)}.`,
    );
    return;
  }
  if (!allowed.ok) {
    report(
      `${label} cannot be checked: ${allowed.reason}. Fix: set allowedContentTypes to a list of strings in the policy configuration.`,
    );
    return;
  }
  if (allowed.value.length > 0 && !allowed.value.includes(read.value)) {
    report(
      `${label} has content type ${showValue(read.value)}, not one of the allowed ${allowed.value.map((t) => JSON.stringify(t)).join(", ")}. Fix: set ${name} to one of them.`,
    );
  }
}
