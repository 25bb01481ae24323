/**
 * The `app-credential-policies` CrossGuard policy pack. Importing this module starts the pack's
 * gRPC server (as `pulumi preview --policy-pack` expects), so tests and tools import the policy
 * modules under ./policies instead (./policies/index.ts lists them all).
 *
 * The engine runs the compiled `bin/index.js` (package.json `main`), see lib/compiled.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { assertCompiledUpToDate } from "./lib/compiled";
import { ALL_POLICIES } from "./policies";

try {
  assertCompiledUpToDate(__filename);
} catch (error) {
  // One line, no stack trace: the engine (and the offline preview) show the pack's stderr.
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

new PolicyPack("app-credential-policies", {
  description:
    "Entra ID credentials and Key Vault secrets must not outlive the maximum lifetime and must rotate before they expire.",
  policies: [...ALL_POLICIES],
});
