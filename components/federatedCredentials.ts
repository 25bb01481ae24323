import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { entraIssuer } from "../policy/core";
import type { FederatedCredentialConfig } from "./config";

/** One federated credential in the stack outputs. */
export interface FederatedCredentialOutputs {
  name: string;
  issuer: pulumi.Output<string>;
  subject: string;
  audience: string;
}

/**
 * Declares one `azuread.ApplicationFederatedIdentityCredential` per entry on the application
 * (`applicationId` is its resource id, `/applications/{objectId}`), with exactly one audience (the
 * provider's `audiences` takes one: MaxItems 1). A managed identity is trusted through the tenant's
 * own issuer `https://login.microsoftonline.com/<tenantId>/v2.0`.
 *
 * The resource is named after what it trusts (a hash of issuer and subject), not after its
 * `displayName`: Graph refuses a second credential with the same issuer and subject on an
 * application, so a renamed entry must replace the credential in place, and a replacement deletes
 * the old credential first (`deleteBeforeReplace`: `displayName` forces a new credential in the
 * provider). A changed issuer or subject is another credential: the new one is created before
 * the old one is deleted (a different pair, no conflict).
 */
export function declareFederatedCredentials(
  appName: string,
  applicationId: pulumi.Input<string>,
  federation: readonly FederatedCredentialConfig[],
  tenantId: pulumi.Input<string>,
  parent: pulumi.Resource,
): FederatedCredentialOutputs[] {
  return federation.map((entry) => {
    const issuer =
      entry.issuer !== undefined
        ? pulumi.output(entry.issuer)
        : pulumi.output(tenantId).apply(entraIssuer);
    const trusts = createHash("sha256")
      .update(`${entry.issuer ?? "(tenant)"}\u0000${entry.subject}`)
      .digest("hex")
      .slice(0, 12);
    new azuread.ApplicationFederatedIdentityCredential(
      `${appName}-federation-${entry.form}-${trusts}`,
      {
        applicationId,
        displayName: entry.name,
        issuer,
        subject: entry.subject,
        audiences: [entry.audience],
        description: entry.description,
      },
      { parent, deleteBeforeReplace: true },
    );
    return { name: entry.name, issuer, subject: entry.subject, audience: entry.audience };
  });
}
