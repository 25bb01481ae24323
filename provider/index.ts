/**
 * The component provider's entry point (package.json `main`): the components every Pulumi
 * language uses through `pulumi package add`. The plugin host (@pulumi/pulumi
 * cmd/run-plugin) serves each exported ComponentResource class; the schema is inferred from
 * their TypeScript sources and doc comments (../components).
 */
export { AppCredential, CredentialVault } from "../components";
