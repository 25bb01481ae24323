/**
 * Credentials added to a service principal the stack does not create (an existing one, e.g. the
 * enterprise application of a multi-tenant app consented into this tenant): what a real deployment
 * needs for them, which an offline preview cannot check.
 *
 * Pure: no I/O.
 */
import { appOf } from "../offline";
import {
  SERVICE_PRINCIPAL_CERTIFICATE,
  SERVICE_PRINCIPAL_PASSWORD,
  SERVICE_PRINCIPAL,
  TOKEN_SIGNING_CERTIFICATE,
} from "../../policy/core";
import type { Registration } from "../offline";

const ON_SERVICE_PRINCIPAL = [
  SERVICE_PRINCIPAL_PASSWORD,
  SERVICE_PRINCIPAL_CERTIFICATE,
  TOKEN_SIGNING_CERTIFICATE,
];

/**
 * The apps (see `appOf`) with a credential on a service principal that no registration of the run
 * creates (its `servicePrincipalId` depends on no created `ServicePrincipal`; reads do not count).
 * @returns app names, in order of first appearance, without duplicates
 */
export function appsOnExternalServicePrincipals(registrations: Registration[]): string[] {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const apps: string[] = [];
  for (const r of registrations) {
    if (!ON_SERVICE_PRINCIPAL.includes(r.type)) continue;
    const created = (r.propertyDependencies.servicePrincipalId ?? []).some((urn) => {
      const owner = byUrn.get(urn);
      return owner?.type === SERVICE_PRINCIPAL && owner.read !== true;
    });
    const app = appOf(r, byUrn);
    if (!created && !apps.includes(app)) apps.push(app);
  }
  return apps;
}

/** The note for those apps, or `undefined` when there are none. */
export function externalServicePrincipalNote(apps: string[]): string | undefined {
  if (apps.length === 0) return undefined;
  return (
    `${apps.join(", ")}: credentials are added to a service principal this stack does not create. ` +
    "That needs Microsoft Graph Application.ReadWrite.All (Application.ReadWrite.OwnedBy requires owning both the application and the service principal, impossible when the application lives in another tenant), " +
    "and fails when the application's publisher enabled the app instance property lock (servicePrincipalLockConfiguration, on by default for multi-tenant applications created since 2024)"
  );
}
