/**
 * How a credential created by app-credentials' rotation is recognised outside Pulumi: by its
 * display name in Microsoft Graph (`passwordCredentials[].displayName`,
 * `keyCredentials[].displayName`).
 *
 * - Passwords: the stack sets `displayName` to `app-credentials slot <s> generation <g>`.
 * - Certificates: azuread's `ApplicationCertificate` has no display name input; Graph shows a
 *   certificate's subject as its display name (`CN=…`), so the certificate's subject common name
 *   carries the same marker: `CN=app-credentials <app> slot <s> generation <g>`.
 *
 * The audit (`npm run audit`) uses {@link isManagedCredentialName} to tell rotated credentials from
 * hand-made ones; nothing else depends on the text after the prefix.
 */

/** Display names (and certificate subject common names) of managed credentials start with this. */
export const MANAGED_CREDENTIAL_PREFIX = "app-credentials ";

/** Display name of a managed password: `app-credentials slot <slot> generation <generation>`. */
export function managedPasswordDisplayName(slot: number, generation: number): string {
  return `${MANAGED_CREDENTIAL_PREFIX}slot ${slot} generation ${generation}`;
}

/**
 * Subject common name of a managed certificate: `app-credentials <app> slot <s> generation <g>`
 * (Graph shows it as the key credential's display name, `CN=…`).
 */
export function managedCertificateCommonName(
  app: string,
  slot: number,
  generation: number,
): string {
  return `${MANAGED_CREDENTIAL_PREFIX}${app} slot ${slot} generation ${generation}`;
}

/**
 * True when a Graph credential's display name marks it as created by app-credentials' rotation:
 * it starts with {@link MANAGED_CREDENTIAL_PREFIX}, optionally behind `CN=` (certificates).
 */
export function isManagedCredentialName(displayName: unknown): boolean {
  if (typeof displayName !== "string") return false;
  const name = displayName.startsWith("CN=") ? displayName.slice(3) : displayName;
  return name.startsWith(MANAGED_CREDENTIAL_PREFIX);
}
