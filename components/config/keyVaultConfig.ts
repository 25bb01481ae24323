/** The `app-credentials:keyVault` config: an existing vault, or one the stack creates. */
import { checkKeys, isRecord, optionalString, Report, requireString } from "./configFields";

/** Where the credentials are written. */
export type KeyVaultConfig =
  | { kind: "existing"; resourceGroupName: string; name: string }
  | { kind: "create"; resourceGroupName: string; location?: string; namePrefix: string };

/** Length of the random suffix appended to `namePrefix` for a created vault (`<prefix>-<suffix>`). */
export const VAULT_SUFFIX_LENGTH = 6;
export const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/** Validates `app-credentials:keyVault`; reports problems and returns undefined when invalid. */
export function parseKeyVault(value: unknown, report: Report): KeyVaultConfig | undefined {
  const field = "keyVault";
  if (!isRecord(value)) {
    report(
      field,
      value,
      "expected an object with exactly one of `existing: {resourceGroupName, name}` or `create: {resourceGroupName, location, namePrefix}`",
    );
    return undefined;
  }
  checkKeys(field, value, ["existing", "create"], report);
  if ((value.existing === undefined) === (value.create === undefined)) {
    report(
      field,
      Object.keys(value),
      "set exactly one of `existing` (a vault to use) or `create` (a vault the stack creates)",
    );
    return undefined;
  }
  if (value.existing !== undefined) {
    const sub = `${field}.existing`;
    if (!isRecord(value.existing)) {
      report(sub, value.existing, "expected an object {resourceGroupName, name}");
      return undefined;
    }
    checkKeys(sub, value.existing, ["resourceGroupName", "name"], report);
    const resourceGroupName = requireString(
      `${sub}.resourceGroupName`,
      value.existing.resourceGroupName,
      report,
    );
    const name = requireString(`${sub}.name`, value.existing.name, report);
    if (name !== undefined && !VAULT_NAME.test(name)) {
      report(
        `${sub}.name`,
        name,
        "a vault name has 3–24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, and has no '--'",
      );
    }
    return resourceGroupName && name ? { kind: "existing", resourceGroupName, name } : undefined;
  }
  const sub = `${field}.create`;
  if (!isRecord(value.create)) {
    report(sub, value.create, "expected an object {resourceGroupName, location, namePrefix}");
    return undefined;
  }
  checkKeys(sub, value.create, ["resourceGroupName", "location", "namePrefix"], report);
  const resourceGroupName = requireString(
    `${sub}.resourceGroupName`,
    value.create.resourceGroupName,
    report,
  );
  const location = optionalString(`${sub}.location`, value.create.location, report);
  const namePrefix = requireString(`${sub}.namePrefix`, value.create.namePrefix, report);
  const maxPrefix = 24 - VAULT_SUFFIX_LENGTH - 1;
  if (
    namePrefix !== undefined &&
    (namePrefix.length > maxPrefix ||
      !VAULT_NAME.test(`${namePrefix}-${"a".repeat(VAULT_SUFFIX_LENGTH)}`))
  ) {
    report(
      `${sub}.namePrefix`,
      namePrefix,
      `the vault is named <namePrefix>-<${VAULT_SUFFIX_LENGTH} random characters>, so the prefix needs 2–${maxPrefix} letters, digits and hyphens, starting with a letter, with no '--'`,
    );
  }
  return resourceGroupName && namePrefix
    ? { kind: "create", resourceGroupName, location, namePrefix }
    : undefined;
}
