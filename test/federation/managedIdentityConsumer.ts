/**
 * The sign-in of a consumer running with a user-assigned managed identity that the app trusts
 * (docs/federation.md, "Managed identity"), as a program of its own: `ManagedIdentityCredential`
 * gets a token for `api://AzureADTokenExchange/.default` and `ClientAssertionCredential` hands it
 * to Entra ID as the app's client assertion.
 *
 * signIn.test.ts runs it in a child process because MSAL keeps the managed identity source it
 * picks (from IDENTITY_ENDPOINT and IDENTITY_HEADER, or IMDS) in a static field for the rest of
 * the process: the test process never sees those variables and keeps no such state.
 *
 * Input (argv[2], JSON): {tenantId, appClientId, identityClientId, authorityHost, scope, audience};
 * the fake's certificate authority (PEM) in FAKE_ENTRA_CA, trusted by these two credentials only.
 * Output (stdout, JSON): {token, expiresOnTimestamp} or {error}.
 */
import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";

/** What the test passes. */
interface ConsumerInput {
  tenantId: string;
  appClientId: string;
  identityClientId: string;
  authorityHost: string;
  scope: string;
  audience: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? "{}") as ConsumerInput;
  const ca = process.env.FAKE_ENTRA_CA ?? "";
  const tlsOptions = { ca };
  // 1. The managed identity's own token, for Entra ID's token exchange audience.
  const managedIdentity = new ManagedIdentityCredential({
    clientId: input.identityClientId,
    tlsOptions,
  });
  // 2. That token is the app's client assertion; fetched again whenever MSAL needs a new one.
  const app = new ClientAssertionCredential(
    input.tenantId,
    input.appClientId,
    async () => (await managedIdentity.getToken(`${input.audience}/.default`)).token,
    { authorityHost: input.authorityHost, disableInstanceDiscovery: true, tlsOptions },
  );
  const token = await app.getToken(input.scope);
  process.stdout.write(
    JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp }),
  );
}

// Only as a program of its own (not when a test runner loads every file of the folder).
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stdout.write(
      JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
    );
    process.exitCode = 1;
  });
}
