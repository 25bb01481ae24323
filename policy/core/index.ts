/**
 * The shared rule core of app-credentials: what the program, the policy pack, the offline engine
 * and the tools all rely on, written once. Import this index, never the files behind it.
 *
 * - dates and durations: `iso8601`, `relative-duration`;
 * - lifetimes and end dates: `lifetime`, `end-dates`, `certificate`, `keyvault`; their verdicts
 *   (max lifetime, expired), shared by the pack and the audit: `verdicts`;
 * - Key Vault certificates' lifetime actions: `keyvault-certificate`; private keys generated in
 *   the program behind a credential: `private-key`;
 * - schedules and rotation windows: `schedule`, `rotation`, `certificate-schedule`,
 *   `dependency-chain`, `time-rotating`;
 * - the markers of managed credentials: `managed`;
 * - the pack's defaults and configuration readers: `defaults`, `config`;
 * - resource type tokens and the providers' facts, each with its source: `resource-types`,
 *   `provider-facts`;
 * - messages: `messages`;
 * - reading values the engine may not know yet: `unknowns` (the one module that reaches into
 *   @pulumi/policy's internals) and `unknown-sentinels`.
 */
export * from "./audit-policies";
export * from "./certificate";
export * from "./certificate-schedule";
export * from "./config";
export * from "./consumers";
export * from "./defaults";
export * from "./dependency-chain";
export * from "./end-dates";
export * from "./federation";
export * from "./iso8601";
export * from "./keyvault";
export * from "./keyvault-certificate";
export * from "./keyvault-roles";
export * from "./lifetime";
export * from "./managed";
export * from "./messages";
export * from "./private-key";
export * from "./provider-facts";
export * from "./relative-duration";
export * from "./resource-types";
export * from "./rotation";
export * from "./schedule";
export * from "./time-rotating";
export * from "./unknown-sentinels";
export * from "./unknowns";
export * from "./verdicts";
