/**
 * End dates of credentials and Key Vault secrets as a stack policy reads them from a resource's
 * state, and how an end date stands against now: shared by `credential-expired`,
 * `credential-expiring-soon` and the tenant audit (`npm run audit`).
 *
 * Pure, never throws. Instants are milliseconds since the Unix epoch.
 */
import type { Duration } from "luxon";
import { addDuration, parseInstant } from "./iso8601";
import { secretExpiry } from "./keyvault";
import { credentialKind, CredentialKind, keyVaultSecretFlavour } from "./resource-types";
import { field } from "./unknowns";

/** One known, readable end date of a resource. */
export interface EndDate {
  ms: number;
  /** The property it was read from, e.g. `endDate`, `properties.attributes.expires`. */
  field: string;
  /** Where in the resource, for messages: `""`, ` password`, ` password[1]`. */
  where: string;
  kind: CredentialKind | "secret";
}

/**
 * How an end date stands at `nowMs`: `expired` when it is not after now, `expiring-soon` when it
 * falls before now + `warnBefore` (calendar-correct), else `ok`.
 */
export type EndStatus = "expired" | "expiring-soon" | "ok";

export function endStatus(endMs: number, nowMs: number, warnBefore: Duration): EndStatus {
  if (endMs <= nowMs) return "expired";
  return endMs < addDuration(nowMs, warnBefore) ? "expiring-soon" : "ok";
}

/** True for the types whose end dates {@link endDates} reads: credentials and Key Vault secrets. */
export function hasEndDates(type: string): boolean {
  return credentialKind(type) !== undefined || keyVaultSecretFlavour(type) !== undefined;
}

/**
 * Known, readable end dates of a resource (plain props or the SDK proxy): the `endDate` of
 * passwords and certificates, each inline `password` block of an `Application`, the expiry of Key
 * Vault secrets. Unknown or unreadable ones are skipped.
 */
export function endDates(type: string, props: unknown): EndDate[] {
  const flavour = keyVaultSecretFlavour(type);
  if (flavour !== undefined) {
    const expiry = secretExpiry(flavour, props);
    return expiry.kind === "ok"
      ? [{ ms: expiry.ms, field: expiry.field, where: "", kind: "secret" }]
      : [];
  }
  const kind = credentialKind(type);
  if (kind === undefined) return [];
  if (kind !== "inlinePassword") {
    const end = readEnd(props);
    return end === undefined ? [] : [{ ms: end, field: "endDate", where: "", kind }];
  }
  const password = field(props, "password");
  if (!password.known) return [];
  const isList = Array.isArray(password.value);
  const count = isList ? (password.value as unknown[]).length : 1;
  const result: EndDate[] = [];
  for (let index = 0; index < count && index < 100; index++) {
    const block = isList ? field(password.value, String(index)) : password;
    if (!block.known) continue;
    const end = readEnd(block.value);
    const where = isList ? ` password[${index}]` : " password";
    if (end !== undefined) result.push({ ms: end, field: "endDate", where, kind });
  }
  return result;
}

function readEnd(props: unknown): number | undefined {
  const read = field(props, "endDate");
  if (!read.known) return undefined;
  const parsed = parseInstant(read.value);
  return parsed.ok ? parsed.value : undefined;
}
