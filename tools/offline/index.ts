/**
 * The offline engine behind every tool: a simulated Azure with the providers', Graph's, Key Vault's
 * and the engine's rules (`simulator/`), Entra ID's app management policies (`appManagementPolicy`,
 * pure, shared with the tenant audit), the policy-pack harness that speaks the engine's analyzer
 * protocol (`analyzer/`), the program runner (each run in a child process of its own), the churn
 * check, the stack file reader, child-process and signal hygiene, and text made safe for a
 * terminal. The thin CLIs (preview, calendar, audit, bench) import this index and the rule core
 * (policy/core), never each other.
 */
export * from "./analyzer";
export * from "./appManagementPolicy";
export * from "./apps";
export * from "./childProcesses";
export * from "./churn";
export * from "./churnMessage";
export * from "./churnOffsets";
export * from "./churnSchedule";
export * from "./clock";
export * from "./errors";
export * from "./programProtocol";
export * from "./programRunner";
export * from "./replacingInputs";
export * from "./secrets";
export * from "./simulator/appPolicies";
export * from "./simulator/certificates";
export * from "./simulator/deployment";
export * from "./simulator/directory";
export * from "./simulator/failedSteps";
export * from "./simulator/keyVaultCertificates";
export * from "./simulator/refusals";
export * from "./simulator/roleAssignments";
export * from "./simulator/seed";
export * from "./simulator/simulatedAzure";
export * from "./simulator/stash";
export * from "./simulator/tenant";
export * from "./simulator/wire";
export * from "./simulator/world";
export * from "./stackExport";
export * from "./stackFile";
export * from "./stateSeed";
export * from "./text/neutralise";
export * from "./timeout";
export * from "./urls";
