/**
 * `credential-federation-available` (advisory): a credential's Key Vault secret whose consumers can
 * all prove who they are without a secret, so the app could drop its rotating client secret or
 * certificate for federated identity credentials.
 *
 * Read from the secret's tags, as app-credentials writes them on `<app>-client-secret` /
 * `<app>-client-certificate` (azure-native `keyvault:Secret` under any API-version token; the
 * classic `azure:keyvault/secret:Secret` carries `tags` the same way):
 * - `consumer-identities` (`core/consumers.ts`, CONSUMER_IDENTITIES_TAG): the consumers'
 *   identities, comma-separated in consumer order, each `managedIdentity`, `kubernetes`,
 *   `githubActions`, `servicePrincipal`, or `-` when not known; e.g. `managedIdentity,kubernetes`;
 * - `app`: the app's name, for the message.
 * Reported when the tag lists at least one consumer and every one is federation-capable
 * (FEDERATION_CAPABLE_IDENTITIES: managedIdentity, kubernetes, githubActions). A `servicePrincipal`
 * (it signs in with a secret of its own), a `-`, anything else, or no tag passes. An app with
 * `credential: federated` has no credential secret, so nothing to report.
 *
 * Unknown tags during preview re-throw the SDK's `UnknownValueError` (advisory "can't run policy
 * during preview"); an unknown `app` tag does not change the verdict and is named as not known yet.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { recordAnalyzed } from "../lib/analyzed-types";
import {
  CONSUMER_IDENTITIES_TAG,
  ConsumerIdentity,
  FEDERATION_CAPABLE_IDENTITIES,
} from "../core/consumers";
import { resourceLabel } from "../core/messages";
import { keyVaultSecretFlavour } from "../core/resource-types";
import { field, knownOrThrow } from "../core/unknowns";

export const CREDENTIAL_FEDERATION_AVAILABLE = "credential-federation-available";
/** Tag holding the app's name, written by app-credentials on each of its secrets. */
export const APP_TAG = "app";

const FIX =
  "add `federation:` entries for the consumers beside the rotating credential, move consumers one by one, then switch to `credential: federated` (docs/federation.md, Migration without an outage)";

/** Creates the policy (no configuration). */
export function credentialFederationAvailablePolicy(): ResourceValidationPolicy {
  return {
    name: CREDENTIAL_FEDERATION_AVAILABLE,
    description:
      "An app whose every consumer can sign in through federation should not need a rotating client secret or certificate.",
    enforcementLevel: "advisory",
    remediationSteps: `Replace the rotating secret or certificate with federated identity credentials: ${FIX}.`,
    url: `policy/README.md#${CREDENTIAL_FEDERATION_AVAILABLE}`,
    validateResource: (args, reportViolation) => {
      recordAnalyzed(args.type, args.props);
      validate(args, reportViolation);
    },
  };
}

/** The policy as the pack serves it. */
export const credentialFederationAvailable = credentialFederationAvailablePolicy();

function validate(args: ResourceValidationArgs, report: ReportViolation): void {
  if (keyVaultSecretFlavour(args.type) === undefined) return;
  const tags = knownOrThrow(field(args.props, "tags"));
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return;
  const tagText = knownOrThrow(field(tags, CONSUMER_IDENTITIES_TAG, ["tags"]));
  if (typeof tagText !== "string") return;
  const identities = tagText.split(",").map((entry) => entry.trim());
  if (!identities.every(isFederationCapable)) return;
  const label = resourceLabel(args.type, args.name);
  const who =
    identities.length === 1 ? "its one consumer" : `each of its ${identities.length} consumers`;
  report(
    `${label}: ${appOf(tags)} still rotates a client secret or certificate, although ${who} can prove who it is without one (tag ${CONSUMER_IDENTITIES_TAG}: ${identities.join(", ")}). ` +
      `Fix: ${FIX}.`,
  );
}

function isFederationCapable(identity: string): boolean {
  return (FEDERATION_CAPABLE_IDENTITIES as readonly string[]).includes(
    identity as ConsumerIdentity,
  );
}

/** `app "orders-api"` from the `app` tag, saying when it is not known or not set. */
function appOf(tags: object): string {
  const app = field(tags, APP_TAG, ["tags"]);
  if (!app.known) return "its app (tag app not known until the deployment)";
  return typeof app.value === "string" && app.value !== "" && app.value.length <= 64
    ? `app ${JSON.stringify(app.value)}`
    : "its app";
}
