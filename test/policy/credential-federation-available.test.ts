import * as assert from "assert";
import { CONSUMER_IDENTITIES_TAG, FEDERATION_CAPABLE_IDENTITIES } from "../../policy/core";
import { credentialFederationAvailablePolicy } from "../../policy/policies/credential-federation-available";
import { runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = credentialFederationAvailablePolicy();
const SECRET = "azure-native:keyvault:Secret";

/** `<app>-client-secret` as components/appCredentialSecrets.ts writes it, with its tags. */
const secret = (tags: Record<string, unknown>) => ({
  resourceGroupName: "rg-app-credentials",
  vaultName: "kv-creds",
  secretName: "orders-api-client-secret",
  properties: {
    value: "[secret]",
    contentType: "text/plain; entra-client-secret",
    attributes: { enabled: true, expires: 1_800_000_000 },
  },
  tags: {
    app: "orders-api",
    "managed-by": "app-credentials",
    keyId: "00000000-0000-0000-0000-000000000001",
    endDate: "2027-01-21T00:00:00Z",
    "rotation-window": "2025-01-01T00:00:00Z/P180D#1",
    "rotation-slot": "0/2",
    "consumer-refresh": "PT24H",
    ...tags,
  },
});

describe("credential-federation-available", () => {
  it("is advisory, with remediation steps and its README section", () => {
    assert.strictEqual(policy.name, "credential-federation-available");
    assert.strictEqual(policy.enforcementLevel, "advisory");
    assert.strictEqual(policy.configSchema, undefined);
    assert.strictEqual(policy.url, "policy/README.md#credential-federation-available");
    assert.match(policy.remediationSteps ?? "", /credential: federated/);
    assert.strictEqual(CONSUMER_IDENTITIES_TAG, "consumer-identities");
  });

  it("reports a secret whose consumers are a managed identity and a Kubernetes workload, naming the app and the identities", async () => {
    assert.deepStrictEqual(
      await runResource(
        policy,
        SECRET,
        "orders-api-secrets-client-secret",
        secret({ [CONSUMER_IDENTITIES_TAG]: "managedIdentity,kubernetes" }),
      ),
      [
        `${SECRET} "orders-api-secrets-client-secret": app "orders-api" still rotates a client secret or certificate, although each of its 2 consumers can prove who it is without one (tag consumer-identities: managedIdentity, kubernetes). ` +
          "Fix: add `federation:` entries for the consumers beside the rotating credential, move consumers one by one, then switch to `credential: federated` (docs/federation.md, Migration without an outage).",
      ],
    );
  });

  it("reports every combination of federation-capable identities, under every Key Vault secret type", async () => {
    for (const identities of [
      "managedIdentity",
      "githubActions",
      "kubernetes,githubActions,managedIdentity",
      "managedIdentity, managedIdentity",
    ]) {
      assert.strictEqual(
        (await runResource(policy, SECRET, "s", secret({ [CONSUMER_IDENTITIES_TAG]: identities })))
          .length,
        1,
        identities,
      );
    }
    assert.deepStrictEqual(FEDERATION_CAPABLE_IDENTITIES, [
      "managedIdentity",
      "kubernetes",
      "githubActions",
    ]);
    for (const type of ["azure-native:keyvault/v20230701:Secret", "azure:keyvault/secret:Secret"]) {
      assert.strictEqual(
        (
          await runResource(
            policy,
            type,
            "s",
            secret({ [CONSUMER_IDENTITIES_TAG]: "managedIdentity" }),
          )
        ).length,
        1,
        type,
      );
    }
  });

  it("passes when a consumer is a service principal or not known, or without consumers", async () => {
    for (const identities of [
      "managedIdentity,-",
      "servicePrincipal",
      "managedIdentity,servicePrincipal",
      "-",
      "",
      "managedIdentity,",
      "managedidentity",
      "oidc",
    ]) {
      assert.deepStrictEqual(
        await runResource(policy, SECRET, "s", secret({ [CONSUMER_IDENTITIES_TAG]: identities })),
        [],
        identities,
      );
    }
    assert.deepStrictEqual(await runResource(policy, SECRET, "s", secret({})), []);
    assert.deepStrictEqual(
      await runResource(policy, SECRET, "s", secret({ [CONSUMER_IDENTITIES_TAG]: 3 })),
      [],
    );
    assert.deepStrictEqual(
      await runResource(policy, SECRET, "s", { ...secret({}), tags: "managedIdentity" }),
      [],
    );
  });

  it("judges Key Vault secrets only", async () => {
    for (const type of [
      "azuread:index/applicationPassword:ApplicationPassword",
      "azure-native:keyvault:Vault",
      "azure-native:keyvault:Key",
    ]) {
      assert.deepStrictEqual(
        await runResource(
          policy,
          type,
          "s",
          secret({ [CONSUMER_IDENTITIES_TAG]: "managedIdentity" }),
        ),
        [],
        type,
      );
    }
  });

  it("says when the app is not known or not set", async () => {
    const [unknownApp] = await runResource(
      policy,
      SECRET,
      "s",
      secret({ [CONSUMER_IDENTITIES_TAG]: "managedIdentity", app: UNKNOWN }),
    );
    assert.match(unknownApp, /: its app \(tag app not known until the deployment\) still rotates/);
    const [noApp] = await runResource(
      policy,
      SECRET,
      "s",
      secret({ [CONSUMER_IDENTITIES_TAG]: "managedIdentity", app: undefined }),
    );
    assert.match(
      noApp,
      /"s": its app still rotates a client secret or certificate, although its one consumer can prove/,
    );
  });

  it("is never a verdict on an unknown: re-throws UnknownValueError for unknown tags", async () => {
    await assert.rejects(
      runResource(policy, SECRET, "s", secret({ [CONSUMER_IDENTITIES_TAG]: UNKNOWN })),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(policy, SECRET, "s", { ...secret({}), tags: UNKNOWN }),
      UnknownValueError,
    );
  });
});
