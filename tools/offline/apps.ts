/**
 * Which app a resource of a program run belongs to, for reports that group by app (the preview,
 * the calendar's program check).
 */
import type { Registration } from "./simulator/simulatedAzure";

/**
 * Tokens of the component that wraps one app (components/appCredential.ts): today's, and the one
 * it had before it was published (states and recorded runs may hold either).
 */
const APP_CREDENTIAL_TYPES = new Set([
  "app-credentials:index:AppCredential",
  "app-credentials:entra:AppCredential",
]);

/** True for the token of the component that wraps one app, today's or its former one. */
export function isAppCredentialType(type: string): boolean {
  return APP_CREDENTIAL_TYPES.has(type);
}

/**
 * The app a credential (or any resource) belongs to: the name of the enclosing
 * `app-credentials:index:AppCredential`, else of the application or service principal its
 * `applicationId` / `servicePrincipalId` input depends on, else of its top-most parent component,
 * else its own name.
 *
 * @param byUrn every registration of the run by URN
 */
export function appOf(resource: Registration, byUrn: Map<string, Registration>): string {
  let topComponent: Registration | undefined;
  for (let urn = resource.parent; urn !== undefined; urn = byUrn.get(urn)?.parent) {
    const parent = byUrn.get(urn);
    if (!parent) break;
    if (APP_CREDENTIAL_TYPES.has(parent.type)) return parent.name;
    if (!parent.custom) topComponent = parent;
  }
  const owner = ["applicationId", "servicePrincipalId"]
    .flatMap((key) => resource.propertyDependencies[key] ?? [])
    .map((urn) => byUrn.get(urn))
    .find((r) => r !== undefined);
  if (owner) return owner.name;
  return topComponent?.name ?? resource.name;
}
