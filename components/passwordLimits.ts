/**
 * How many client secrets an app may hold, and so how its passwords must be replaced. Pure: the
 * component (./appCredential.ts) and the rotation calendar (tools/calendar) make the same decision.
 *
 * Source: Microsoft identity platform docs, "Validation differences by supported account types"
 * (https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation): apps whose
 * `signInAudience` includes personal Microsoft accounts hold at most two client secrets
 * (`passwordCredentials`), accept only encryption and asymmetric signing keys, and need access
 * tokens v2 (`api.requestedAccessTokenVersion = 2`, which terraform-provider-azuread checks at plan
 * time).
 */
import type { AppSource, CredentialType } from "./config/appConfig";

/** Sign-in audiences that include personal Microsoft accounts. */
export const PERSONAL_ACCOUNT_AUDIENCES: readonly string[] = [
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];

/** Client secrets an app of a personal-account audience may hold at once. */
export const PERSONAL_ACCOUNT_MAX_PASSWORDS = 2;

/** True for audiences that include personal Microsoft accounts. */
export function allowsPersonalAccounts(signInAudience: string | undefined): boolean {
  return signInAudience !== undefined && PERSONAL_ACCOUNT_AUDIENCES.includes(signInAudience);
}

/** The app's sign-in audience when the configuration knows it (new apps, or declared). */
export function signInAudienceOf(source: AppSource): string | undefined {
  if (source.kind === "new") return source.signInAudience;
  if (source.kind === "existingApplication") return source.signInAudience;
  return undefined;
}

/**
 * The most client secrets the app may hold at once, or `undefined` when Graph sets no limit.
 */
export function maxPasswords(source: AppSource): number | undefined {
  return allowsPersonalAccounts(signInAudienceOf(source))
    ? PERSONAL_ACCOUNT_MAX_PASSWORDS
    : undefined;
}

/**
 * True when the app's passwords must be replaced delete-before-create: two slots on an app that
 * holds at most two client secrets. Create-before-delete would add a third at each rotation. The
 * slot a rotation replaces is the one Key Vault moved away from a whole period earlier, so deleting
 * it first never touches the password consumers hold; a manual trigger or a change of period or
 * anchor replaces both slots, and then both old passwords are gone before the new ones exist.
 * With one slot, create-before-delete holds two at most and keeps its brief overlap.
 */
export function replacesPasswordsDeleteFirst(
  source: AppSource,
  credential: CredentialType,
  slots: number,
): boolean {
  const max = maxPasswords(source);
  return credential === "password" && max !== undefined && slots >= max;
}
