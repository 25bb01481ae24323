import * as assert from "assert";
import {
  ENTRA_TOKEN_EXCHANGE_AUDIENCES,
  entraIssuer,
  GITHUB_ACTIONS_ISSUER,
  githubSubject,
  isGithubActionsIssuer,
  kubernetesSubject,
  subjectScopeFindings,
} from "../../policy/core";
import { ALL_POLICIES } from "../../policy/policies";
import { federatedCredentialSubjectScopePolicy } from "../../policy/policies/federated-credential-subject-scope";
import { federatedCredentialTrustAdvisoryPolicy } from "../../policy/policies/federated-credential-trust-advisory";
import { runResource, UNKNOWN, UnknownValueError } from "./helpers";

const mandatory = federatedCredentialSubjectScopePolicy();
const advisory = federatedCredentialTrustAdvisoryPolicy();
const FIC =
  "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const FLEXIBLE =
  "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential";
const AUDIENCE = "api://AzureADTokenExchange";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** A federated credential as app-credentials declares it (components/federatedCredentials.ts). */
const credential = (subject: unknown, extra: Record<string, unknown> = {}) => ({
  applicationId: "/applications/00000000-0000-0000-0000-000000000001",
  displayName: "github-contoso-app",
  issuer: GITHUB_ACTIONS_ISSUER,
  subject,
  audiences: [AUDIENCE],
  description: "app-credentials: githubActions",
  ...extra,
});
/** A flexible credential (@pulumi/azuread ApplicationFlexibleFederatedIdentityCredential). */
const flexible = (expression: unknown, extra: Record<string, unknown> = {}) => ({
  applicationId: "/applications/00000000-0000-0000-0000-000000000001",
  displayName: "github-flexible",
  issuer: GITHUB_ACTIONS_ISSUER,
  audience: AUDIENCE,
  claimsMatchingExpression: expression,
  ...extra,
});

/** Both policies' verdicts on one resource. */
async function both(type: string, props: Record<string, unknown>) {
  return {
    mandatory: await runResource(mandatory, type, "fic", props),
    advisory: await runResource(advisory, type, "fic", props),
  };
}

describe("federated-credential-subject-scope", () => {
  it("is mandatory, with remediation steps and its README section, served after the other policies", () => {
    assert.strictEqual(mandatory.name, "federated-credential-subject-scope");
    assert.strictEqual(mandatory.enforcementLevel, "mandatory");
    assert.strictEqual(mandatory.configSchema, undefined);
    assert.strictEqual(mandatory.url, "policy/README.md#federated-credential-subject-scope");
    assert.match(mandatory.remediationSteps ?? "", /environment/);
    const names = ALL_POLICIES.map((p) => p.name);
    assert.deepStrictEqual(names.slice(-3), [
      "federated-credential-subject-scope",
      "federated-credential-trust-advisory",
      "credential-federation-available",
    ]);
  });

  it("refuses the pull-request subject, naming it and the safer form", async () => {
    assert.deepStrictEqual(
      await runResource(mandatory, FIC, "ci-pr", credential("repo:contoso/app:pull_request")),
      [
        `${FIC} "ci-pr": subject "repo:contoso/app:pull_request" trusts every pull request's workflow in contoso/app: anyone who can open a pull request can obtain the app's tokens. ` +
          "Fix: trust a protected environment (repo:contoso/app:environment:<name>) or a branch (repo:contoso/app:ref:refs/heads/main).",
      ],
    );
  });

  it("refuses the immutable form repo:ORG@ID/REPO@ID:pull_request, keeping the ids in the safer form", async () => {
    const subject = githubSubject("contoso@123456/app@456789", { pullRequest: true });
    assert.strictEqual(subject, "repo:contoso@123456/app@456789:pull_request");
    const [message, ...rest] = await runResource(mandatory, FIC, "ci-pr", credential(subject));
    assert.deepStrictEqual(rest, []);
    assert.ok(
      message.includes(
        `subject "repo:contoso@123456/app@456789:pull_request" trusts every pull request's workflow in contoso@123456/app@456789`,
      ),
      message,
    );
    assert.ok(
      message.includes(
        "Fix: trust a protected environment (repo:contoso@123456/app@456789:environment:<name>)",
      ),
      message,
    );
  });

  it("refuses it under every GitHub issuer: GitHub.com, an enterprise's unique URL, GHE.com, GHES, none", async () => {
    for (const issuer of [
      GITHUB_ACTIONS_ISSUER,
      "https://token.actions.githubusercontent.com/contoso",
      "https://token.actions.contoso.ghe.com",
      "https://github.contoso.com/_services/token",
      undefined,
    ]) {
      assert.strictEqual(
        (
          await runResource(
            mandatory,
            FIC,
            "ci-pr",
            credential("repo:contoso/app:pull_request", { issuer }),
          )
        ).length,
        1,
        String(issuer),
      );
    }
  });

  it("passes environment, branch and tag subjects, other platforms' subjects and other issuers", async () => {
    for (const subject of [
      githubSubject("contoso/app", { environment: "prod" }),
      githubSubject("contoso/app", { branch: "main" }),
      githubSubject("contoso/app", { tag: "v1.2.0" }),
      githubSubject("contoso@1/app@2", { environment: "pull_request" }),
      githubSubject("contoso/app", { branch: "pull_request" }),
      // A customized subject pins the workflow: not GitHub's default pull-request subject.
      "repo:contoso/app:pull_request:job_workflow_ref:contoso/app/.github/workflows/ci.yml@refs/heads/main",
      kubernetesSubject("payments", "api"),
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    ]) {
      assert.deepStrictEqual(
        await both(FIC, credential(subject)),
        { mandatory: [], advisory: [] },
        subject,
      );
    }
    for (const issuer of [
      // Entra compares issuers as strings: these never match GitHub's tokens.
      `${GITHUB_ACTIONS_ISSUER}/`,
      "https://gitlab.example.com",
      entraIssuer(TENANT),
    ]) {
      assert.deepStrictEqual(
        await runResource(
          mandatory,
          FIC,
          "a",
          credential("repo:contoso/app:pull_request", { issuer }),
        ),
        [],
        issuer,
      );
    }
  });

  it("leaves flexible credentials, other types and the other findings to the advisory", async () => {
    assert.deepStrictEqual(
      await runResource(
        mandatory,
        FLEXIBLE,
        "a",
        flexible("claims['sub'] matches 'repo:contoso/*'"),
      ),
      [],
    );
    assert.deepStrictEqual(
      await runResource(mandatory, FIC, "a", {
        ...credential(githubSubject("contoso/app", { environment: "prod" })),
        issuer: "http://issuer.example.com",
        audiences: ["api://other"],
      }),
      [],
    );
    for (const type of [
      "azuread:index/applicationPassword:ApplicationPassword",
      "azure-native:managedidentity:FederatedIdentityCredential",
    ]) {
      assert.deepStrictEqual(
        await runResource(mandatory, type, "a", credential("repo:contoso/app:pull_request")),
        [],
        type,
      );
    }
  });

  it("is never mandatory on an unknown: re-throws UnknownValueError for the subject, and for the issuer of a pull-request subject", async () => {
    await assert.rejects(runResource(mandatory, FIC, "a", credential(UNKNOWN)), UnknownValueError);
    await assert.rejects(
      runResource(
        mandatory,
        FIC,
        "a",
        credential("repo:contoso/app:pull_request", { issuer: UNKNOWN }),
      ),
      UnknownValueError,
    );
    // Any other subject passes whatever the issuer.
    assert.deepStrictEqual(
      await runResource(
        mandatory,
        FIC,
        "a",
        credential(githubSubject("contoso/app", { branch: "main" }), { issuer: UNKNOWN }),
      ),
      [],
    );
    // Not text: nothing to judge.
    assert.deepStrictEqual(await runResource(mandatory, FIC, "a", credential(42)), []);
  });
});

describe("federated-credential-trust-advisory", () => {
  it("is advisory, with remediation steps and its README section", () => {
    assert.strictEqual(advisory.name, "federated-credential-trust-advisory");
    assert.strictEqual(advisory.enforcementLevel, "advisory");
    assert.strictEqual(advisory.url, "policy/README.md#federated-credential-trust-advisory");
    assert.match(advisory.remediationSteps ?? "", /api:\/\/AzureADTokenExchange/);
  });

  it("reports a flexible expression matching any repository of an owner", async () => {
    const expression = "claims['sub'] matches 'repo:contoso/*'";
    assert.deepStrictEqual(await both(FLEXIBLE, flexible(expression)), {
      mandatory: [],
      advisory: [
        `${FLEXIBLE} "fic": claims-matching expression "claims['sub'] matches 'repo:contoso/*'" matches any repository ('repo:contoso/*'). ` +
          "Fix: match one repository and a protected branch or environment, e.g. claims['sub'] matches 'repo:org/repo:environment:prod'.",
      ],
    });
  });

  it("reports any branch (refs/heads/*, a wildcard context) and names pull requests when they match too", async () => {
    const [branches] = await runResource(
      advisory,
      FLEXIBLE,
      "a",
      flexible("claims['sub'] matches 'repo:contoso/app:ref:refs/heads/*'"),
    );
    assert.match(
      branches,
      /matches any branch of contoso\/app \('repo:contoso\/app:ref:refs\/heads\/\*'\)\. Fix: /,
    );
    const [anything] = await runResource(
      advisory,
      FLEXIBLE,
      "a",
      flexible("claims['sub'] matches 'repo:contoso/app:*'"),
    );
    assert.match(anything, /matches any branch of contoso\/app and every pull request's workflow/);
    for (const expression of [
      "claims['sub'] matches 'repo:contoso/app:ref:*'",
      "claims['sub'] matches 'repo:contoso/app:ref:refs/*'",
      "claims['sub'] matches 'repo:contoso@1/app@2:ref:refs/heads/*'",
      "claims['sub'] matches 'repo:contoso/app:environment:prod' and claims['job_workflow_ref'] matches 'contoso/app/.github/workflows/deploy.yml@refs/heads/*'",
      "claims['sub'] matches 'repo:*'",
      "claims['sub'] matches '*'",
      "claims['sub'] matches 'repo:contoso/app-*:ref:refs/heads/main'",
    ]) {
      assert.strictEqual(
        (await runResource(advisory, FLEXIBLE, "a", flexible(expression))).length,
        1,
        expression,
      );
    }
  });

  it("reports a flexible expression matching pull requests' subjects (advisory: flexible credentials are never mandatory)", async () => {
    const [message, ...rest] = await runResource(
      advisory,
      FLEXIBLE,
      "a",
      flexible("claims['sub'] eq 'repo:contoso/app:pull_request'"),
    );
    assert.deepStrictEqual(rest, []);
    assert.match(
      message,
      /matches the subject of every pull request's workflow in contoso\/app .*Fix: match a protected environment \(repo:contoso\/app:environment:<name>\)/,
    );
  });

  it("passes flexible expressions scoped to one repository's protected refs", async () => {
    for (const expression of [
      "claims['sub'] matches 'repo:contoso/app:environment:prod'",
      "claims['sub'] matches 'repo:contoso/app:ref:refs/heads/release/*'",
      "claims['sub'] matches 'repo:contoso/app:ref:refs/tags/v*'",
      "claims['sub'] eq 'repo:contoso/app:ref:refs/heads/main' and claims['job_workflow_ref'] matches 'contoso/app/.github/workflows/*.yml@refs/heads/main'",
      // `eq` compares literally: a * is no wildcard there.
      "claims['sub'] eq 'repo:contoso/*'",
    ]) {
      assert.deepStrictEqual(
        await both(FLEXIBLE, flexible(expression)),
        { mandatory: [], advisory: [] },
        expression,
      );
    }
  });

  it("reports a plain-http issuer", async () => {
    const props = credential(githubSubject("contoso/app", { environment: "prod" }), {
      issuer: "http://issuer.example.com",
    });
    assert.deepStrictEqual(await both(FIC, props), {
      mandatory: [],
      advisory: [
        `${FIC} "fic": issuer "http://issuer.example.com" is plain http: the keys that sign its tokens are fetched unprotected. Fix: use the issuer's https URL (OpenID Connect Discovery requires https).`,
      ],
    });
    assert.strictEqual(
      (
        await runResource(
          advisory,
          FLEXIBLE,
          "a",
          flexible("claims['sub'] matches 'repo:contoso/app:environment:prod'", {
            issuer: "HTTP://issuer.example.com",
          }),
        )
      ).length,
      1,
    );
  });

  it("reports an audience other than Entra ID's token-exchange audiences, on both types", async () => {
    const subject = githubSubject("contoso/app", { environment: "prod" });
    assert.deepStrictEqual(await both(FIC, credential(subject, { audiences: ["api://other"] })), {
      mandatory: [],
      advisory: [
        `${FIC} "fic": audience "api://other" is not one Entra ID expects (api://AzureADTokenExchange in the public cloud). ` +
          "Fix: set audiences to [api://AzureADTokenExchange] (or the sovereign cloud's: api://AzureADTokenExchangeUSGov, api://AzureADTokenExchangeChina, api://AzureADTokenExchangeUSNat, api://AzureADTokenExchangeUSSec).",
      ],
    });
    const expression = "claims['sub'] matches 'repo:contoso/app:environment:prod'";
    const [message] = await runResource(
      advisory,
      FLEXIBLE,
      "a",
      flexible(expression, { audience: "https://github.com/contoso" }),
    );
    assert.match(message, /audience "https:\/\/github\.com\/contoso" is not one Entra ID expects/);
  });

  it("passes the public and sovereign clouds' audiences", async () => {
    const subject = githubSubject("contoso/app", { environment: "prod" });
    for (const audience of ENTRA_TOKEN_EXCHANGE_AUDIENCES) {
      assert.deepStrictEqual(
        await both(FIC, credential(subject, { audiences: [audience] })),
        { mandatory: [], advisory: [] },
        audience,
      );
      assert.deepStrictEqual(
        await runResource(
          advisory,
          FLEXIBLE,
          "a",
          flexible("claims['sub'] matches 'repo:contoso/app:environment:prod'", { audience }),
        ),
        [],
        audience,
      );
    }
  });

  it("reports each finding once, and never the pull-request subject (the mandatory policy's)", async () => {
    const messages = await runResource(
      advisory,
      FIC,
      "a",
      credential("repo:contoso/app:pull_request", {
        issuer: "http://issuer.example.com",
        audiences: ["api://other", AUDIENCE, "api://third"],
      }),
    );
    assert.deepStrictEqual(
      messages.map((m) => /: (issuer|audience) "([^"]+)"/.exec(m)?.slice(1).join(" ")),
      ["issuer http://issuer.example.com", "audience api://other", "audience api://third"],
    );
  });

  it("is never a verdict on an unknown: re-throws UnknownValueError for the issuer, an audience or the expression", async () => {
    const subject = githubSubject("contoso/app", { environment: "prod" });
    await assert.rejects(
      runResource(advisory, FIC, "a", credential(subject, { issuer: UNKNOWN })),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(advisory, FIC, "a", credential(subject, { audiences: [AUDIENCE, UNKNOWN] })),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(advisory, FLEXIBLE, "a", flexible(UNKNOWN)),
      UnknownValueError,
    );
    await assert.rejects(
      runResource(
        advisory,
        FLEXIBLE,
        "a",
        flexible("claims['sub'] matches 'x'", { audience: UNKNOWN }),
      ),
      UnknownValueError,
    );
    // The subject is the mandatory policy's: an unknown one does not stop the advisory.
    assert.deepStrictEqual(await runResource(advisory, FIC, "a", credential(UNKNOWN)), []);
  });
});

describe("core/federation: subjectScopeFindings and GitHub's issuers", () => {
  it("recognises GitHub's issuers, compared as strings", () => {
    for (const issuer of [
      GITHUB_ACTIONS_ISSUER,
      "https://token.actions.githubusercontent.com/contoso-enterprise",
      "https://token.actions.contoso.ghe.com",
      "https://github.contoso.com/_services/token",
    ]) {
      assert.ok(isGithubActionsIssuer(issuer), issuer);
    }
    for (const issuer of [
      `${GITHUB_ACTIONS_ISSUER}/`,
      "http://token.actions.githubusercontent.com",
      "https://token.actions.githubusercontent.com/a/b",
      "https://token.actions.githubusercontent.com.evil.example/",
      "https://gitlab.com",
      entraIssuer(TENANT),
    ]) {
      assert.ok(!isGithubActionsIssuer(issuer), issuer);
    }
  });

  it("finds the pull-request subject in both repository forms, and no other GitHub subject", () => {
    for (const repository of ["contoso/app", "contoso@123456/app@456789", "Contoso-1/app.web_2"]) {
      assert.deepStrictEqual(
        subjectScopeFindings({
          issuer: GITHUB_ACTIONS_ISSUER,
          subject: githubSubject(repository, { pullRequest: true }),
        }).map((f) => f.kind),
        ["pullRequest"],
        repository,
      );
      for (const trust of [{ environment: "prod" }, { branch: "main" }, { tag: "v1" }]) {
        assert.deepStrictEqual(
          subjectScopeFindings({
            issuer: GITHUB_ACTIONS_ISSUER,
            subject: githubSubject(repository, trust),
            audiences: [AUDIENCE],
          }),
          [],
        );
      }
    }
    // A literal * never matches a token's subject (subjects are compared exactly).
    assert.deepStrictEqual(subjectScopeFindings({ subject: "repo:*:pull_request" }), []);
  });
});
