/**
 * Validation of {@link AppCredentialArgs}: the same code as the stack configuration's
 * (./config/appConfig.ts `parseApp`, one rule set with the policy pack), so an app the component
 * accepts is one the stack would accept, and the reverse. Pure: no Pulumi runtime, no clock.
 */
import * as pulumi from "@pulumi/pulumi";
import { KEYVAULT_CERTIFICATE, validateInputs } from "../policy/core";
import { AppConfig, ConfigError } from "./config";
import { AppDefaults, parseApp } from "./config/appConfig";
import { checkKeys, isRecord, Report, show } from "./config/configFields";
import { VAULT_NAME } from "./config/keyVaultConfig";
import {
  checkMaxLifetime,
  DEFAULT_TRIGGER,
  MAX_LIFETIME_CEILING,
  parseTrigger,
} from "./config/rotationConfig";
import type { AppCredentialArgs } from "./appCredentialArgs";

/** The fields of {@link AppCredentialArgs}. */
const ARG_KEYS = [
  "displayName",
  "signInAudience",
  "owners",
  "existing",
  "credential",
  "rotation",
  "rotationTrigger",
  "exportable",
  "keyVault",
  "consumers",
  "federation",
];
const KEY_VAULT_KEYS = ["resourceGroupName", "vaultName", "vaultId", "subscriptionId"];
/** Fields that may be Outputs (everything else must be known while the program runs). */
const INPUT_FIELDS = new Set(["keyVault", "rotationTrigger"]);

/**
 * Validates a component's arguments and resolves its app, before any resource is declared.
 *
 * @param name the component's resource name: the app's name (Key Vault secret names
 *   `<name>-client-id`…, child resource names), 1–{@link APP_NAME_MAX} letters, digits, hyphens
 * @param args the arguments as given (a program in another language passes them through the
 *   component provider: anything may be missing or of the wrong type)
 * @param nowMs the deployment instant, ms since the epoch (anchors may not be later)
 * @param trigger the rotation trigger to use when `args.rotationTrigger` is an Output (its value,
 *   or its digest); default: `args.rotationTrigger` itself
 * @returns the app, as the stack configuration would resolve it
 * @throws ConfigError naming every invalid field (`<name>.rotation.period: "P1D" is invalid; …`)
 */
export function validateAppCredentialArgs(
  name: string,
  args: AppCredentialArgs,
  nowMs: number,
  trigger?: string,
): AppConfig {
  const problems: string[] = [];
  // The configuration reports a default it resolved under the global key (`rotation.anchor`);
  // a component has no global settings: every field is its own.
  const report: Report = (field, value, allowed) =>
    problems.push(
      `${field === name || field.startsWith(`${name}.`) ? field : `${name}.${field}`}: ${show(value)} is invalid; ${allowed}`,
    );
  const given: unknown = args;
  if (!isRecord(given)) {
    throw new ConfigError(
      [`${name}: ${show(given)} is invalid; expected the arguments object`],
      `arguments of AppCredential ${JSON.stringify(name)}`,
    );
  }
  checkKeys(name, given, ARG_KEYS, report);
  for (const [key, value] of Object.entries(given)) {
    if (!INPUT_FIELDS.has(key)) reportOutputs(`${name}.${key}`, value, report);
  }
  checkKeyVault(`${name}.keyVault`, given.keyVault, report);
  const rotationTrigger = trigger ?? given.rotationTrigger;
  if (rotationTrigger !== undefined && typeof rotationTrigger !== "string") {
    if (!pulumi.Output.isInstance(rotationTrigger) && !(rotationTrigger instanceof Promise)) {
      parseTrigger(`${name}.rotationTrigger`, rotationTrigger, DEFAULT_TRIGGER, report);
    }
  }
  const defaults: AppDefaults = {
    rotation: {},
    maxLifetime: checkMaxLifetime(
      `${name}.rotation.maxLifetime`,
      undefined,
      MAX_LIFETIME_CEILING,
      report,
    ),
    trigger: DEFAULT_TRIGGER,
  };
  // Unknown fields are reported above, with the public list; the entry holds the known ones.
  const entry = Object.fromEntries(
    Object.entries(given).filter(([key]) => ARG_KEYS.includes(key) && key !== "keyVault"),
  );
  const app = parseApp(
    name,
    {
      ...entry,
      name,
      rotationTrigger: typeof rotationTrigger === "string" ? rotationTrigger : undefined,
    },
    defaults,
    nowMs,
    report,
  );
  if (problems.length > 0 || !app) {
    throw new ConfigError(
      [...new Set(problems)],
      `arguments of AppCredential ${JSON.stringify(name)}`,
    );
  }
  return app;
}

/**
 * `keyVault`: `{resourceGroupName, vaultName, vaultId?, subscriptionId?}`; values may be Outputs
 * (checked only when they are plain strings).
 */
function checkKeyVault(field: string, value: unknown, report: Report): void {
  if (!isRecord(value)) {
    report(field, value, "expected an object {resourceGroupName, vaultName}");
    return;
  }
  checkKeys(field, value, KEY_VAULT_KEYS, report);
  for (const key of ["resourceGroupName", "vaultName"]) {
    const text = value[key];
    if (isDeferred(text)) continue;
    if (typeof text !== "string" || text.trim() === "") {
      report(`${field}.${key}`, text, "expected a non-empty string");
    }
  }
  const vaultName = value.vaultName;
  if (typeof vaultName === "string" && vaultName.trim() !== "" && !VAULT_NAME.test(vaultName)) {
    report(
      `${field}.vaultName`,
      vaultName,
      "a vault name has 3–24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, and has no '--'",
    );
  }
  for (const key of ["vaultId", "subscriptionId"]) {
    const text = value[key];
    if (text !== undefined && !isDeferred(text) && (typeof text !== "string" || text === "")) {
      report(`${field}.${key}`, text, "expected a non-empty string, or nothing for the default");
    }
  }
  // The vault id becomes a Key Vault certificate's `keyVaultId`: the provider's own rule (the
  // provider facts table, with its source) refuses it at plan, so it is refused here first.
  const vaultId = value.vaultId;
  if (typeof vaultId === "string" && vaultId !== "") {
    for (const problem of validateInputs(KEYVAULT_CERTIFICATE, { keyVaultId: vaultId })) {
      report(`${field}.vaultId`, vaultId, `expected ${problem.allowed}`);
    }
  }
}

/** An Output or a promise: a value known only later. */
function isDeferred(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Reports every Output or promise inside a field that must be known while the program runs. */
function reportOutputs(field: string, value: unknown, report: Report): void {
  if (isDeferred(value)) {
    report(
      field,
      "(an Output)",
      "expected a plain value: names, schedules and their validation need it while the program runs, before any resource exists",
    );
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => reportOutputs(`${field}[${i}]`, v, report));
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) reportOutputs(`${field}.${key}`, v, report);
  }
}
