import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { AppSource } from "./config";
import type { CredentialOwner } from "./credentials";
import { allowsPersonalAccounts } from "./passwordLimits";

/** The app's registration as the rest of the component sees it. */
export interface AppIdentity {
  /** Whose credentials: the application's, or the service principal's. */
  owner: CredentialOwner;
  clientId: pulumi.Output<string>;
  /** Undefined for an existing service principal. */
  applicationObjectId: pulumi.Output<string | undefined>;
  /** Undefined for an existing application. */
  servicePrincipalObjectId: pulumi.Output<string | undefined>;
}

/**
 * Declares or reads the app's registration, as a child of `parent`:
 *
 * - `new`: an `Application` and its `ServicePrincipal`, both owned by the configured owners **and
 *   the deploying identity** (the azuread provider removes the calling principal from the owners
 *   unless it is listed: terraform-provider-azuread application_resource.go; under
 *   `Application.ReadWrite.OwnedBy` or as a non-admin user it could then add no credential).
 *   Audiences that include personal Microsoft accounts get `api.requestedAccessTokenVersion = 2`,
 *   which the provider requires for them.
 * - `existingApplication`: the application is read (`Application.get`, `/applications/{objectId}`).
 * - `existingServicePrincipal` (e.g. an enterprise app that arrived through admin consent, whose
 *   application may live in another tenant): the service principal is read.
 *
 * Existing objects are read as resources, never looked up with a data source: a data source that
 * fails (the object was deleted, or its id mistyped) fails the whole program, so no app would
 * rotate. A failed read is a Read step: it stops a `pulumi preview`, and under
 * `pulumi up --continue-on-error` it fails only this app's steps (docs/operations.md).
 *
 * @param deployerObjectId `azuread.getClientConfig().objectId` of the identity that deploys
 */
export function declareAppIdentity(
  name: string,
  source: AppSource,
  deployerObjectId: pulumi.Input<string>,
  parent: pulumi.Resource,
): AppIdentity {
  const none = pulumi.output<string | undefined>(undefined);
  if (source.kind === "new") {
    const owners = pulumi
      .output(deployerObjectId)
      .apply((deployer) => uniqueIds([...source.owners, deployer]));
    const application = new azuread.Application(
      `${name}-app`,
      {
        displayName: source.displayName,
        signInAudience: source.signInAudience,
        owners,
        ...(allowsPersonalAccounts(source.signInAudience)
          ? { api: { requestedAccessTokenVersion: 2 } }
          : {}),
      },
      { parent },
    );
    const servicePrincipal = new azuread.ServicePrincipal(
      `${name}-sp`,
      { clientId: application.clientId, owners },
      { parent },
    );
    return {
      owner: { kind: "application", applicationId: application.id },
      clientId: application.clientId,
      applicationObjectId: application.objectId,
      servicePrincipalObjectId: servicePrincipal.objectId,
    };
  }
  if (source.kind === "existingApplication") {
    const application = azuread.Application.get(
      `${name}-app`,
      `/applications/${source.applicationObjectId}`,
      undefined,
      { parent },
    );
    return {
      owner: { kind: "application", applicationId: application.id },
      clientId: application.clientId,
      applicationObjectId: application.objectId,
      servicePrincipalObjectId: none,
    };
  }
  const servicePrincipal = azuread.ServicePrincipal.get(
    `${name}-sp`,
    `/servicePrincipals/${source.servicePrincipalObjectId}`,
    undefined,
    { parent },
  );
  return {
    owner: { kind: "servicePrincipal", servicePrincipalId: servicePrincipal.id },
    clientId: servicePrincipal.clientId,
    applicationObjectId: none,
    servicePrincipalObjectId: servicePrincipal.objectId,
  };
}

/** Object ids without duplicates (compared ignoring case), in first-seen order. */
function uniqueIds(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
