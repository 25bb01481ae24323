/**
 * Key Vault certificates (`azure.keyvault.Certificate`, terraform-provider-azurerm
 * `azurerm_key_vault_certificate`) as the pack reads them: the lifetime actions of their
 * certificate policy.
 *
 * A certificate policy's `lifetimeActions` (@pulumi/azure types/input.d.ts
 * `CertificateCertificatePolicyLifetimeAction`): `action.actionType` `AutoRenew` or
 * `EmailContacts`, triggered at `trigger.lifetimePercentage` (1–99) or `trigger.daysBeforeExpiry`.
 * Sources: Microsoft Learn, "LifetimeAction interface" (@azure/keyvault-certificates), and
 * "About Azure Key Vault certificate renewal"
 * (https://learn.microsoft.com/azure/key-vault/certificates/overview-renew-certificate).
 *
 * `AutoRenew` makes Key Vault create a new version by itself, outside any deployment. For a
 * certificate that feeds an Entra ID key credential that version's public key never reaches Entra
 * ID, while consumers reading the versionless secret (or signing with the versionless key) get it
 * and are refused. app-credentials therefore writes `EmailContacts` explicitly
 * (components/rotatingKeyVaultCertificates.ts `LIFETIME_ACTION`).
 *
 * Pure, never throws.
 */
import { field, fieldPath } from "./unknowns";

/** Key Vault's lifetime action that renews a certificate by itself. */
export const AUTO_RENEW = "AutoRenew";

/** A lifetime action of a certificate policy, as found. */
export interface LifetimeAction {
  /** Its index in `certificatePolicy.lifetimeActions`. */
  index: number;
  /** `action.actionType` as written (e.g. `AutoRenew`, `EmailContacts`). */
  actionType: string;
  /** When it fires, for messages: `at 80% of its lifetime`, `30 days before expiry`, or "". */
  trigger: string;
}

/**
 * The lifetime actions of a Key Vault certificate whose action type is `AutoRenew` (any case).
 * Actions whose type is unknown (preview) are left out: no verdict on an unknown; a wholly unknown
 * policy or action list gives `unknown`.
 *
 * @param props the certificate's properties (plain or the SDK's unknown-checking proxy)
 */
export function autoRenewActions(props: unknown): LifetimeAction[] | "unknown" {
  const actions = fieldPath(props, ["certificatePolicy", "lifetimeActions"]);
  if (!actions.known) return "unknown";
  if (!Array.isArray(actions.value)) return [];
  const found: LifetimeAction[] = [];
  (actions.value as unknown[]).forEach((action, index) => {
    const actionType = fieldPath(action, ["action", "actionType"]);
    if (!actionType.known || typeof actionType.value !== "string") return;
    if (actionType.value.toLowerCase() !== AUTO_RENEW.toLowerCase()) return;
    found.push({ index, actionType: actionType.value, trigger: triggerText(action) });
  });
  return found;
}

/** `at <n>% of its lifetime`, `<n> days before expiry`, or "" (unset or unknown). */
function triggerText(action: unknown): string {
  const trigger = field(action, "trigger");
  if (!trigger.known) return "";
  const percentage = field(trigger.value, "lifetimePercentage");
  if (percentage.known && typeof percentage.value === "number") {
    return `at ${percentage.value}% of its lifetime`;
  }
  const days = field(trigger.value, "daysBeforeExpiry");
  if (days.known && typeof days.value === "number") return `${days.value} days before expiry`;
  return "";
}
