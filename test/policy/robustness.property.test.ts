/**
 * Property-based robustness: no input, however malformed, makes a policy throw anything but the
 * SDK's UnknownValueError. 10,000 generated property bags per policy, run through the policies'
 * validate functions directly (props behind the SDK's unknown-checking proxy, as in the engine).
 */
import * as assert from "assert";
import * as fc from "fast-check";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { consumerRefreshOverlapPolicy } from "../../policy/policies/consumer-refresh-overlap";
import { credentialExpiredPolicy } from "../../policy/policies/credential-expired";
import { credentialExpiringSoonPolicy } from "../../policy/policies/credential-expiring-soon";
import { credentialFederationAvailablePolicy } from "../../policy/policies/credential-federation-available";
import { credentialEndDateIgnoredPolicy } from "../../policy/policies/credential-end-date-ignored";
import { credentialMaxLifetimePolicy } from "../../policy/policies/credential-max-lifetime";
import { credentialPrivateKeyInStatePolicy } from "../../policy/policies/credential-private-key-in-state";
import { credentialRotatesBeforeExpiryPolicy } from "../../policy/policies/credential-rotates-before-expiry";
import { credentialRotationRequiredPolicy } from "../../policy/policies/credential-rotation-required";
import { federatedCredentialSubjectScopePolicy } from "../../policy/policies/federated-credential-subject-scope";
import { federatedCredentialTrustAdvisoryPolicy } from "../../policy/policies/federated-credential-trust-advisory";
import { keyVaultSecretContentTypePolicy } from "../../policy/policies/keyvault-secret-content-type";
import { keyVaultSecretExpiryPolicy } from "../../policy/policies/keyvault-secret-expiry";
import { keyVaultSecretReaderScopePolicy } from "../../policy/policies/keyvault-secret-reader-scope";
import { CERT_1Y_PEM, derOf } from "./certificates";
import {
  clock,
  resourceArgs,
  stackArgs,
  StackResourceSpec,
  UNKNOWN,
  UnknownValueError,
} from "./helpers";

const RUNS = 10_000;
const SEED = 20_260_101;

const SENTINELS = [
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];
const TYPES = [
  "azuread:index/applicationPassword:ApplicationPassword",
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
  "azuread:index/applicationCertificate:ApplicationCertificate",
  "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate",
  "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate",
  "azuread:index/application:Application",
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
  "azure-native:keyvault:Secret",
  "azure-native:keyvault/v20230701:Secret",
  "azure:keyvault/secret:Secret",
  "time:index/rotating:Rotating",
  "azure-native:authorization:RoleAssignment",
  "azure-native:authorization/v20220401:RoleAssignment",
];
const HUGE = "9".repeat(200_000);

const instant = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .date({ noInvalidDate: true, min: new Date("2000-01-01"), max: new Date("2100-01-01") })
    .map((d) => d.toISOString().replace(".000Z", "+02:00")),
  fc.constantFrom(
    "2026-02-30T00:00:00Z",
    "2026-01-01",
    "2026-01-01T00:00:00",
    "+275760-09-13T00:00:00Z",
    "-271821-04-20T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2026-01-01T24:00:00Z",
    "T",
    "Z",
  ),
);
const duration = fc.oneof(
  fc.constantFrom(
    "P2Y",
    "P180D",
    "P0D",
    "P",
    "PT",
    "-P1D",
    "P1.5Y",
    "PT0.5S",
    "P999999999Y",
    "P1W",
    "8760h",
    "2400h30m",
    "0h",
    "-1h",
    ".5h",
    "1e9h",
    "P2Y6M3DT4H",
  ),
  fc.tuple(fc.nat(100_000), fc.constantFrom("Y", "M", "W", "D")).map(([n, u]) => `P${n}${u}`),
  fc
    .tuple(fc.nat(10_000_000), fc.constantFrom("h", "m", "s", "ms", "us", "ns"))
    .map(([n, u]) => `${n}${u}`),
);
const oddString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: instant },
  { weight: 2, arbitrary: duration },
  { weight: 2, arbitrary: fc.constantFrom(...SENTINELS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      HUGE,
      "",
      " ",
      "null",
      "__proto__",
      "constructor",
      CERT_1Y_PEM,
      derOf(CERT_1Y_PEM).toString("base64"),
      derOf(CERT_1Y_PEM).toString("hex"),
    ),
  },
);
const scalar = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e11, 1e300, -1, Number.NaN, Infinity, 1_798_761_600, 1_798_761_600_000),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);
const schedule = fc.oneof(
  fc
    .tuple(instant, duration, fc.integer({ min: -3, max: 1_000_000 }))
    .map(([a, p, g]) => `${a}/${p}#${g}`),
  anyValue,
);
const rotateWhenChanged = fc.oneof(
  anyValue,
  fc.record(
    {
      "rotation-window": schedule,
      "rotation-slot": fc.oneof(fc.constantFrom("0/1", "0/2", "1/2", "1/1", "2/2", "x"), anyValue),
      "rotation-trigger": anyValue,
      rotation: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const ROLE_IDS = [
  "4633458b-17de-408a-b874-0445c86b69e6",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "21090545-7ca7-4776-b22c-e363652d74d2",
];
const roleDefinitionId = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("", "/subscriptions/s", "/SUBSCRIPTIONS/x"),
      fc.constantFrom(...ROLE_IDS),
    )
    .map(([prefix, id]) => `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${id}`),
  anyValue,
);
const armScope = fc.oneof(
  fc.constantFrom(
    "/",
    "/providers/Microsoft.Management/managementGroups/mg",
    "/subscriptions/s",
    "/subscriptions/s/resourceGroups/rg/",
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/x",
    "/subscriptions//resourceGroups/rg",
  ),
  fc.string({ maxLength: 40 }).map((s) => `/subscriptions/${s}`),
  anyValue,
);
const tags = fc.oneof(
  fc.record(
    {
      "consumer-refresh": fc.oneof(duration, anyValue),
      "rotation-window": schedule,
      "rotation-slot": fc.oneof(fc.constantFrom("0/1", "0/2", "1/2", "1/1", "2/2", "x"), anyValue),
      endDate: fc.oneof(instant, anyValue),
    },
    { requiredKeys: ["consumer-refresh"] },
  ),
  anyValue,
);
const credential = fc.record(
  {
    startDate: fc.oneof(instant, anyValue),
    endDate: fc.oneof(instant, anyValue),
    endDateRelative: fc.oneof(duration, anyValue),
    value: anyValue,
    encoding: fc.oneof(fc.constantFrom("pem", "base64", "hex", "der"), anyValue),
    displayName: anyValue,
  },
  { requiredKeys: [] },
);
const props: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    startDate: fc.oneof(instant, anyValue),
    endDate: fc.oneof(instant, anyValue),
    endDateRelative: fc.oneof(duration, anyValue),
    value: anyValue,
    encoding: fc.oneof(fc.constantFrom("pem", "base64", "hex"), anyValue),
    rotateWhenChanged,
    password: fc.oneof(credential, fc.array(credential, { maxLength: 2 }), anyValue),
    properties: fc.oneof(
      fc.record(
        {
          attributes: fc.oneof(
            fc.record({ expires: anyValue, enabled: anyValue }, { requiredKeys: [] }),
            anyValue,
          ),
          contentType: anyValue,
          value: anyValue,
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    expirationDate: fc.oneof(instant, anyValue),
    contentType: anyValue,
    rotationRfc3339: fc.oneof(instant, anyValue),
    rfc3339: fc.oneof(instant, anyValue),
    rotationDays: fc.oneof(fc.integer({ min: -5, max: 2_000_000 }), anyValue),
    rotationMonths: anyValue,
    rotationYears: anyValue,
    scope: armScope,
    roleDefinitionId,
    principalId: anyValue,
    principalType: anyValue,
    condition: anyValue,
    tags,
  },
  { requiredKeys: [] },
);
const config = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      maxLifetime: fc.oneof(duration, anyValue),
      minGrace: fc.oneof(duration, anyValue),
      maxValidity: fc.oneof(duration, anyValue),
      warnBefore: fc.oneof(duration, anyValue),
      requiredKeys: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), anyValue),
      allowedContentTypes: fc.oneof(
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
        anyValue,
      ),
    },
    { requiredKeys: [] },
  ),
);
/**
 * Inputs of federated identity credentials (subject or flexible) and the tags
 * `credential-federation-available` reads, merged over {@link props} for the policies that read
 * them (so the other policies' generated bags, and their seed, stay as they were).
 */
const GITHUB_ISSUERS = [
  "https://token.actions.githubusercontent.com",
  "https://token.actions.githubusercontent.com/contoso",
  "https://token.actions.contoso.ghe.com",
  "https://github.contoso.com/_services/token",
];
const federationProps: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    issuer: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...GITHUB_ISSUERS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "https://token.actions.githubusercontent.com/",
          "http://issuer.example.com",
          "HTTP://x",
          "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        ),
      },
      { weight: 1, arbitrary: anyValue },
    ),
    subject: fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom("contoso/app", "contoso@1/app@2") },
              { weight: 1, arbitrary: fc.constantFrom("*", "", "a:b", HUGE) },
            ),
            fc.oneof(
              { weight: 2, arbitrary: fc.constant(":pull_request") },
              {
                weight: 1,
                arbitrary: fc.constantFrom(
                  ":environment:prod",
                  ":ref:refs/heads/main",
                  ":pull_request:job_workflow_ref:x",
                  "",
                ),
              },
            ),
          )
          .map(([repository, context]) => `repo:${repository}${context}`),
      },
      { weight: 1, arbitrary: anyValue },
    ),
    audiences: fc.oneof(
      fc.array(
        fc.oneof(
          fc.constantFrom(
            "api://AzureADTokenExchange",
            "api://AzureADTokenExchangeChina",
            "api://other",
          ),
          anyValue,
        ),
        { maxLength: 3 },
      ),
      anyValue,
    ),
    audience: fc.oneof(fc.constantFrom("api://AzureADTokenExchange", "api://other"), anyValue),
    claimsMatchingExpression: fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            "claims['sub'] matches ",
            "claims['sub'] eq ",
            'claims["sub"] matches ',
            "",
          ),
          fc.constantFrom(
            "'repo:contoso/*'",
            "'repo:contoso/app:ref:refs/heads/*'",
            "'repo:contoso/app:*'",
            "'repo:contoso/app:pull_request'",
            "'repo:contoso/app:environment:prod'",
            "'*'",
            "'(.*)+$'",
            `'${"*a".repeat(300)}b'`,
            "'",
            "",
          ),
          fc.constantFrom(
            "",
            " and claims['job_workflow_ref'] matches 'o/r/.github/workflows/x.yml@refs/heads/*'",
          ),
        )
        .map(([left, comparand, rest]) => `${left}${comparand}${rest}`),
      oddString,
      anyValue,
    ),
    tags: fc.oneof(
      fc.record(
        {
          app: anyValue,
          "consumer-identities": fc.oneof(
            fc
              .array(
                fc.constantFrom(
                  "managedIdentity",
                  "kubernetes",
                  "githubActions",
                  "servicePrincipal",
                  "-",
                  "",
                  " kubernetes ",
                ),
                { minLength: 1, maxLength: 4 },
              )
              .map((identities) => identities.join(",")),
            anyValue,
          ),
        },
        { requiredKeys: ["consumer-identities"] },
      ),
      anyValue,
    ),
  },
  { requiredKeys: ["issuer", "subject", "tags"] },
);
const FEDERATION_TYPES = [
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
  "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential",
  "azure-native:keyvault:Secret",
  "azure-native:keyvault/v20230701:Secret",
  "azure:keyvault/secret:Secret",
  "azuread:index/applicationPassword:ApplicationPassword",
];
/** Types of certificate chains (the Key Vault certificate under its token and its alias). */
const CHAIN_TYPES = [
  "azuread:index/applicationCertificate:ApplicationCertificate",
  "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate",
  "azure:keyvault/certificate:Certificate",
  "azure:keyvault/certifiate:Certifiate",
  "pulumi:index:Stash",
  "tls:index/privateKey:PrivateKey",
  "tls:index/selfSignedCert:SelfSignedCert",
  "tls:index/locallySignedCert:LocallySignedCert",
  "tls:index/certRequest:CertRequest",
  "random:index/randomId:RandomId",
  "azure-native:keyvault:Secret",
  "azure:keyvault/secret:Secret",
];
/** The property-dependency keys those chains are linked through. */
const CHAIN_KEYS = [
  "value",
  "input",
  "properties",
  "privateKeyPem",
  "certRequestPem",
  "caPrivateKeyPem",
  "subject",
];
const resourceType = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...TYPES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const name = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(HUGE));

/** Runs `check`; passes when it returns or throws the SDK's UnknownValueError, and counts outcomes. */
async function onlyUnknownValueErrors(
  check: () => Promise<string[]>,
  tally: { violations: number; unknown: number },
): Promise<void> {
  try {
    const messages = await check();
    for (const message of messages)
      assert.ok(
        typeof message === "string" && message.length > 0 && message.length < 5_000,
        message,
      );
    tally.violations += messages.length;
  } catch (error) {
    if (!(error instanceof UnknownValueError)) throw error;
    tally.unknown++;
  }
}

/** A policy and the property bags and types it is fed. */
type ResourceCase = [
  string,
  ResourceValidationPolicy,
  { props?: fc.Arbitrary<Record<string, unknown>>; types?: fc.Arbitrary<string> }?,
];
const federationBags = {
  props: fc.tuple(props, federationProps).map(([base, federation]) => ({ ...base, ...federation })),
  types: fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...FEDERATION_TYPES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  ),
};
const resourcePolicies: ResourceCase[] = [
  ["credential-max-lifetime", credentialMaxLifetimePolicy(clock)],
  ["credential-end-date-ignored", credentialEndDateIgnoredPolicy(clock)],
  ["credential-rotation-required", credentialRotationRequiredPolicy()],
  ["keyvault-secret-expiry", keyVaultSecretExpiryPolicy(clock)],
  ["keyvault-secret-content-type", keyVaultSecretContentTypePolicy()],
  ["consumer-refresh-overlap", consumerRefreshOverlapPolicy(clock)],
  ["keyvault-secret-reader-scope", keyVaultSecretReaderScopePolicy()],
  ["federated-credential-subject-scope", federatedCredentialSubjectScopePolicy(), federationBags],
  ["federated-credential-trust-advisory", federatedCredentialTrustAdvisoryPolicy(), federationBags],
  ["credential-federation-available", credentialFederationAvailablePolicy(), federationBags],
];
const stackPolicies: [string, StackValidationPolicy][] = [
  ["credential-rotates-before-expiry", credentialRotatesBeforeExpiryPolicy(clock)],
  [
    "credential-rotation-required (certificates, over the stack)",
    credentialRotationRequiredPolicy(),
  ],
  ["credential-expired", credentialExpiredPolicy(clock)],
  ["credential-expiring-soon", credentialExpiringSoonPolicy(clock)],
];

describe("policy robustness (property-based, 10,000 bags per policy)", () => {
  for (const [policyName, policy, bags] of resourcePolicies) {
    it(`${policyName} only ever throws UnknownValueError`, async () => {
      const tally = { violations: 0, unknown: 0 };
      await fc.assert(
        fc.asyncProperty(
          bags?.types ?? resourceType,
          name,
          bags?.props ?? props,
          config,
          async (type, resourceName, bag, cfg) => {
            await onlyUnknownValueErrors(async () => {
              const messages: string[] = [];
              const validate = policy.validateResource;
              if (typeof validate !== "function") throw new Error("expected one validateResource");
              await validate(resourceArgs(type, resourceName, bag, cfg), (message) =>
                messages.push(message),
              );
              return messages;
            }, tally);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      // The generators reach both outcomes, so the property is not vacuous.
      assert.ok(tally.violations > 100, `${tally.violations} violations`);
      if (policyName !== "keyvault-secret-content-type")
        assert.ok(tally.unknown > 10, `${tally.unknown} unknowns`);
    });
  }

  const stackResource = fc.record({
    type: resourceType,
    name: fc.constantFrom("a", "b", "c", "rot"),
    props,
  });
  const stack = fc
    .tuple(
      fc.array(stackResource, { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom("a", "b", "c", "rot", "missing"), { maxLength: 3 }),
      fc.oneof(fc.constant("rotateWhenChanged"), fc.string({ maxLength: 10 })),
    )
    .map(([resources, deps, key]): StackResourceSpec[] =>
      resources.map((r) => ({ ...r, propertyDependencies: { [key]: deps } })),
    );

  /**
   * Certificate chains: credentials, Stashes, Key Vault certificates (tags and certificate
   * policies), tls keys and certificates, PEM secrets, linked through the property keys the
   * policies follow — merged over {@link props}, so the other stack cases keep their bags and seed.
   */
  const chainResource = fc.record({
    type: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...CHAIN_TYPES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    ),
    name: fc.constantFrom("a", "b", "c", "d"),
    props: fc
      .tuple(
        props,
        fc.record(
          {
            tags: fc.oneof(
              fc.record(
                {
                  "rotation-window": schedule,
                  "rotation-slot": fc.oneof(fc.constantFrom("0/1", "0/2", "1/2", "3/2"), anyValue),
                  "rotation-trigger": anyValue,
                },
                { requiredKeys: ["rotation-window"] },
              ),
              anyValue,
            ),
            certificatePolicy: fc.oneof(
              fc.record(
                {
                  lifetimeActions: fc.oneof(
                    fc.array(
                      fc.oneof(
                        fc.record(
                          {
                            action: fc.oneof(
                              fc.record({
                                actionType: fc.oneof(
                                  fc.constantFrom("AutoRenew", "autorenew", "EmailContacts"),
                                  anyValue,
                                ),
                              }),
                              anyValue,
                            ),
                            trigger: fc.oneof(
                              fc.record(
                                { lifetimePercentage: anyValue, daysBeforeExpiry: anyValue },
                                { requiredKeys: [] },
                              ),
                              anyValue,
                            ),
                          },
                          { requiredKeys: ["action"] },
                        ),
                        anyValue,
                      ),
                      { maxLength: 3 },
                    ),
                    anyValue,
                  ),
                },
                { requiredKeys: [] },
              ),
              anyValue,
            ),
            contentType: fc.oneof(fc.constantFrom("application/x-pem-file"), anyValue),
            properties: fc.oneof(
              fc.record({
                contentType: fc.oneof(fc.constantFrom("application/x-pem-file; x=y"), anyValue),
              }),
              anyValue,
            ),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([base, chain]) => ({ ...base, ...chain })),
    dependencies: fc.dictionary(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...CHAIN_KEYS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      ),
      fc.array(fc.constantFrom("a", "b", "c", "d", "missing"), { maxLength: 3 }),
      { maxKeys: 4 },
    ),
  });
  const chainStack = fc
    .array(chainResource, { minLength: 2, maxLength: 6 })
    .map((resources): StackResourceSpec[] =>
      resources.map(({ dependencies, ...r }) => ({ ...r, propertyDependencies: dependencies })),
    );
  const chainPolicies: [string, StackValidationPolicy][] = [
    ["credential-private-key-in-state", credentialPrivateKeyInStatePolicy()],
    [
      "credential-rotation-required (Key Vault certificate chains)",
      credentialRotationRequiredPolicy(),
    ],
    [
      "credential-rotates-before-expiry (Key Vault certificate chains)",
      credentialRotatesBeforeExpiryPolicy(clock),
    ],
  ];
  for (const [policyName, policy] of chainPolicies) {
    it(`${policyName} never throws`, async () => {
      const tally = { violations: 0, unknown: 0 };
      await fc.assert(
        fc.asyncProperty(chainStack, config, async (specs, cfg) => {
          await onlyUnknownValueErrors(async () => {
            const messages: string[] = [];
            await policy.validateStack(stackArgs(specs, cfg), (message) => messages.push(message));
            return messages;
          }, tally);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      assert.ok(tally.violations > 100, `${tally.violations} violations`);
      assert.strictEqual(tally.unknown, 0);
    });
  }

  for (const [policyName, policy] of stackPolicies) {
    it(`${policyName} never throws`, async () => {
      const tally = { violations: 0, unknown: 0 };
      await fc.assert(
        fc.asyncProperty(stack, config, async (specs, cfg) => {
          await onlyUnknownValueErrors(async () => {
            const messages: string[] = [];
            await policy.validateStack(stackArgs(specs, cfg), (message) => messages.push(message));
            return messages;
          }, tally);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      assert.ok(tally.violations > 100, `${tally.violations} violations`);
      // Stack policies skip unknown values rather than throw.
      assert.strictEqual(tally.unknown, 0);
    });
  }
});
