/**
 * `credential-expiring-soon` (advisory, stack policy): credentials (passwords, certificates,
 * Application inline passwords) and Key Vault secrets whose end date falls within `warnBefore`
 * (ISO 8601, default `P30D`) from now — or has passed — with the fix: advance the rotation
 * trigger. Reads end dates from the stack's state (outputs); values unknown during preview are
 * skipped.
 */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Clock, systemClock } from "../lib/clock";
import { durationSchema, durationSetting } from "../lib/config";
import { addDuration, parseInstant } from "../lib/iso8601";
import { secretExpiry } from "../lib/keyvault";
import { at, formatDays, resourceLabel } from "../lib/messages";
import { credentialKind, CredentialKind, keyVaultSecretFlavour } from "../lib/resource-types";
import { field } from "../lib/unknowns";

export const CREDENTIAL_EXPIRING_SOON = "credential-expiring-soon";
/** Default `warnBefore`: 30 days. */
export const DEFAULT_WARN_BEFORE = "P30D";

const FIXES: Record<CredentialKind | "secret", string> = {
  password:
    'advance the rotation trigger (the "rotation-trigger" value in rotateWhenChanged, or whatever rotateWhenChanged depends on) and run pulumi up to replace the password now',
  inlinePassword:
    "replace the inline password with an azuread.ApplicationPassword that has endDate and rotateWhenChanged, then advance its rotation trigger",
  certificate: "upload a new certificate (new value and endDate) before this one expires",
  tokenSigningCertificate:
    "create a new token-signing certificate (replace the resource) before this one expires",
  secret:
    "advance the rotation trigger of the credential this secret holds and run pulumi up, so the secret is rewritten with a new value and expiry",
};

/** Creates the policy. @param clock current instant (ms since epoch) */
export function credentialExpiringSoonPolicy(clock: Clock = systemClock): StackValidationPolicy {
  return {
    name: CREDENTIAL_EXPIRING_SOON,
    description:
      "Credentials and Key Vault secrets whose end date falls within warnBefore from now.",
    enforcementLevel: "advisory",
    configSchema: {
      properties: {
        warnBefore: durationSchema(
          "Warn when a credential or secret ends within this duration from now, ISO 8601.",
          DEFAULT_WARN_BEFORE,
        ),
      },
    },
    validateStack: (args, reportViolation) => validate(args, reportViolation, clock()),
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialExpiringSoon = credentialExpiringSoonPolicy();

function validate(args: StackValidationArgs, report: ReportViolation, nowMs: number): void {
  const setting = durationSetting(args.getConfig(), "warnBefore", DEFAULT_WARN_BEFORE);
  for (const resource of args.resources) {
    const ends = endDates(resource);
    if (ends.length === 0) continue;
    const label = resourceLabel(resource.type, resource.name);
    if (!setting.ok) {
      report(
        `${label} cannot be checked: ${setting.reason}. Fix: set warnBefore to an ISO 8601 duration such as P30D in the policy configuration.`,
        resource.urn,
      );
      continue;
    }
    const horizonMs = addDuration(nowMs, setting.value.duration);
    for (const end of ends) {
      if (!(end.ms < horizonMs)) continue;
      const when =
        end.ms <= nowMs
          ? `expired ${formatDays(nowMs - end.ms)} ago, at`
          : `expires in ${formatDays(end.ms - nowMs)}, at`;
      report(
        `${label}${end.where} ${when} ${at(end.ms)} (${end.field}), within the warning window ${setting.value.text}. Fix: ${FIXES[end.kind]}.`,
        resource.urn,
      );
    }
  }
}

interface EndDate {
  ms: number;
  field: string;
  where: string;
  kind: CredentialKind | "secret";
}

/** Known, readable end dates of a resource; unknown or unreadable ones are skipped. */
function endDates(resource: PolicyResource): EndDate[] {
  const flavour = keyVaultSecretFlavour(resource.type);
  if (flavour !== undefined) {
    const expiry = secretExpiry(flavour, resource.props);
    return expiry.kind === "ok"
      ? [{ ms: expiry.ms, field: expiry.field, where: "", kind: "secret" }]
      : [];
  }
  const kind = credentialKind(resource.type);
  if (kind === undefined) return [];
  if (kind !== "inlinePassword") {
    const end = readEnd(resource.props);
    return end === undefined ? [] : [{ ms: end, field: "endDate", where: "", kind }];
  }
  const password = field(resource.props, "password");
  if (!password.known) return [];
  const isList = Array.isArray(password.value);
  const count = isList ? (password.value as unknown[]).length : 1;
  const result: EndDate[] = [];
  for (let index = 0; index < count && index < 100; index++) {
    const block = isList ? field(password.value, String(index)) : password;
    if (!block.known) continue;
    const end = readEnd(block.value);
    const where = isList ? ` password[${index}]` : " password";
    if (end !== undefined) result.push({ ms: end, field: "endDate", where, kind });
  }
  return result;
}

function readEnd(props: unknown): number | undefined {
  const read = field(props, "endDate");
  if (!read.known) return undefined;
  const parsed = parseInstant(read.value);
  return parsed.ok ? parsed.value : undefined;
}
