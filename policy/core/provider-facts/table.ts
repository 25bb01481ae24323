/** The provider facts table: every provider's rows, keyed by resource type token. */
import { AZURE_ROWS } from "./azure";
import { AZURE_NATIVE_ROWS } from "./azure-native";
import { AZUREAD_ROWS } from "./azuread";
import { RANDOM_ROWS } from "./random";
import { TIME_ROWS } from "./time";
import { TLS_ROWS } from "./tls";
import type { ProviderFacts } from "./types";

/** Key: resource type token. */
export const PROVIDER_FACTS: Readonly<Record<string, ProviderFacts>> = Object.freeze(
  Object.fromEntries(
    (
      [
        ...AZUREAD_ROWS,
        ...TLS_ROWS,
        ...RANDOM_ROWS,
        ...TIME_ROWS,
        ...AZURE_NATIVE_ROWS,
        ...AZURE_ROWS,
      ] satisfies ProviderFacts[]
    ).map((row): [string, ProviderFacts] => [row.type, row]),
  ),
);
