/**
 * The report and its rendering, from registrations built by hand (tools/preview/report.ts,
 * failures.ts, externalServicePrincipals.ts, consumers.ts, render.ts): refused steps per app,
 * skipped dependents, the note on existing service principals, disabled policies, the footer, the
 * consumer table and its revocation note.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadStackFile } from "../../tools/offline/stackFile";
import { refreshDefaults } from "../../tools/preview/stackConfigFacts";
import { consumerKey } from "../../tools/preview/consumers";
import { refusalEffect } from "../../tools/preview/engineEffect";
import { analyzeFailures } from "../../tools/preview/failures";
import { appsOnExternalServicePrincipals } from "../../tools/preview/externalServicePrincipals";
import type { PolicyResult } from "../../tools/preview/policies";
import { renderJson, renderText } from "../../tools/preview/render";
import { buildReport, PreviewReport, ReportInput } from "../../tools/preview/report";
import type { Registration, SimulatedFailure } from "../../tools/offline/simulator/simulatedAzure";
import { registration, testUrn as urn } from "../support/registrations";
import { reportInput } from "../support/reportInput";

const NOW = Date.parse("2026-11-21T00:00:00Z");

const APP_CREDENTIAL = "app-credentials:index:AppCredential";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const SECRET = "azure-native:keyvault:Secret";

/** crm: a read SP with a password whose value goes to a Key Vault secret; web: a created SP. */
function registrations(): Registration[] {
  const crm = registration(APP_CREDENTIAL, "crm", { custom: false });
  const crmSp = registration(SP, "crm-sp", { parent: crm.urn, read: true });
  const crmPassword = registration(SP_PASSWORD, "crm-pw", {
    parent: crm.urn,
    inputs: { servicePrincipalId: "/servicePrincipals/x", endDate: "2027-01-01T00:00:00Z" },
    propertyDependencies: { servicePrincipalId: [crmSp.urn] },
  });
  const crmSecret = registration(SECRET, "crm-secret", {
    parent: crm.urn,
    inputs: { secretName: "crm-client-secret", properties: { value: "[secret]" } },
    secretInputs: ["properties"],
    propertyDependencies: { properties: [crmPassword.urn] },
  });
  const crmTag = registration("random:index/randomString:RandomString", "after-secret", {
    dependencies: [crmSecret.urn],
  });
  const webSp = registration(SP, "web-sp");
  const webPassword = registration(SP_PASSWORD, "web-pw", {
    propertyDependencies: { servicePrincipalId: [webSp.urn] },
  });
  return [crm, crmSp, crmPassword, crmSecret, crmTag, webSp, webPassword];
}

const LOCKED: SimulatedFailure = {
  urn: urn(SP_PASSWORD, "crm-pw"),
  type: SP_PASSWORD,
  name: "crm-pw",
  rule: "service-principal-locked",
  phase: "apply",
  code: "BadRequest",
  message: "the publisher locked the service principal's credentials",
};

function policy(disabled: string[] = []): PolicyResult {
  return {
    pack: { name: "pack", version: "1.0.0", dir: "/pack" },
    config: {},
    policies: [
      { name: "credential-max-lifetime", enforcementLevel: "mandatory", origin: "pack" },
      {
        name: "keyvault-secret-content-type",
        enforcementLevel: disabled.includes("keyvault-secret-content-type")
          ? "disabled"
          : "advisory",
        origin: "pack",
      },
      {
        name: "credential-replaced-every-deployment",
        enforcementLevel: disabled.includes("credential-replaced-every-deployment")
          ? "disabled"
          : "mandatory",
        origin: "preview",
      },
    ],
    previewSettings: {},
    diagnostics: [],
  };
}

function input(failures: SimulatedFailure[], extra: Partial<ReportInput> = {}): ReportInput {
  return reportInput({ registrations: registrations(), failures }, policy(), NOW, extra);
}

describe("preview report", () => {
  it("a refused step is reported for its app; its dependents are skipped, transitively", () => {
    const { rows, excluded } = analyzeFailures(registrations(), [LOCKED]);
    assert.deepEqual(rows, [
      {
        ...LOCKED,
        app: "crm",
        skipped: ["crm-secret", "after-secret"],
        engine: refusalEffect("apply"),
      },
    ]);
    assert.strictEqual(rows[0].engine.stopsUpdate, false);
    assert.deepEqual(
      [...excluded].map((u) => u.split("::").pop()),
      ["crm-pw", "crm-secret", "after-secret"],
    );
  });

  it("a refused step makes the exit code 2 after the full report, listing it per app", () => {
    const report = buildReport(input([LOCKED]));
    assert.equal(report.summary.exitCode, 2);
    assert.equal(report.summary.failures, 1);
    assert.deepEqual(
      report.resources.filter((r) => r.status).map((r) => [r.name, r.status]),
      [
        ["crm-pw", "failed"],
        ["crm-secret", "skipped"],
        ["after-secret", "skipped"],
      ],
    );
    const text = renderText(report);
    assert.match(text, /^Refused steps \(1\): what the real engine would meet/m);
    assert.match(text, /^ {4}crm: BadRequest .*ServicePrincipalPassword \(crm-pw\), apply-time$/m);
    assert.match(text, /pulumi preview never runs it/);
    assert.match(text, /skipped by pulumi up as a consequence: crm-secret, after-secret/);
    assert.match(text, /^ > +.*ServicePrincipal +crm-sp +read$/m);
    assert.match(text, /\(exit 2\)$/m);
  });

  it("credentials on a service principal the stack does not create get the permission and lock note", () => {
    assert.deepEqual(appsOnExternalServicePrincipals(registrations()), ["crm"]);
    const note = buildReport(input([])).notes.find((n) => n.startsWith("crm:"));
    assert.ok(note);
    assert.match(note, /Application\.ReadWrite\.All/);
    assert.match(note, /servicePrincipalLockConfiguration/);
  });

  it("lists disabled policies instead of a bare count; the churn check skipped is noted", () => {
    const text = renderText(
      buildReport(
        input([], {
          policy: policy(["keyvault-secret-content-type", "credential-replaced-every-deployment"]),
          churn: { enabled: false, instantsMs: [NOW], findings: [] },
        }),
      ),
    );
    assert.match(
      text,
      /^ {4}no violations \(3 policies; disabled: keyvault-secret-content-type, credential-replaced-every-deployment\)$/m,
    );
    assert.match(text, /the churn check was skipped \(--no-churn-check\)/);
    assert.doesNotMatch(text, /Churn check: the program also ran/);
  });

  it("the footer says which ids are assumed to exist, or which snapshot they were checked against", () => {
    const without = buildReport(input([]));
    assert.ok(
      without.offlineLimits.some((l) =>
        l.includes(
          "every application and service principal id in the program is assumed to exist (pass --tenant",
        ),
      ),
    );
    const withTenant = buildReport(input([], { tenantFile: "/tmp/tenant.json" }));
    assert.ok(withTenant.offlineLimits.some((l) => l.includes("snapshot /tmp/tenant.json")));
    assert.match(renderText(withTenant), /^Tenant snapshot: \/tmp\/tenant.json$/m);
  });
});

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-000000000001";
const VAULT_ID = `${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
const ROLE = (id: string) =>
  `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const SECRETS_USER = ROLE("4633458b-17de-408a-b874-0445c86b69e6");
const SECRETS_OFFICER = ROLE("b86a8fe4-44ce-4948-aee5-eccb2c155cd7");
const WEB = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
const SYNC = "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b";
const OTHER = "9f8e7d6c-5b4a-4321-8fed-cba987654321";
const URI = (secret: string) => `https://kv.vault.azure.net/secrets/${secret}`;

/**
 * orders: a scheduled password, role assignments for web (both secrets, registered in reverse
 * order, its principal id in upper case), sync (the client id only) and a principal no output
 * names (the whole vault, Key Vault Secrets Officer).
 */
function consumerRegistrations(): Registration[] {
  const orders = registration(APP_CREDENTIAL, "orders", { custom: false });
  const grant = (name: string, principalId: string, scope: string, role = SECRETS_USER) =>
    registration(ROLE_ASSIGNMENT, name, {
      parent: orders.urn,
      inputs: { scope, principalId, roleDefinitionId: role, principalType: "ServicePrincipal" },
    });
  return [
    orders,
    registration(APP_PASSWORD, "orders-pw", {
      parent: orders.urn,
      inputs: {
        endDate: "2027-07-11T04:56:00Z",
        rotateWhenChanged: {
          "rotation-window": "2026-06-01T00:00:00Z/P180D#0",
          "rotation-slot": "0/2",
        },
      },
    }),
    grant("web-secret", WEB.toUpperCase(), `${VAULT_ID}/secrets/orders-client-secret`),
    grant("web-id", WEB, `${VAULT_ID}/secrets/orders-client-id`),
    grant("sync-id", SYNC, `${VAULT_ID}/secrets/orders-client-id`),
    grant("other-vault", OTHER, VAULT_ID, SECRETS_OFFICER),
  ];
}

/** The stack outputs naming web (appService) and sync (aksSecretsStoreCsi). */
const CONSUMER_OUTPUTS = {
  keyVault: { name: "kv" },
  apps: {
    orders: {
      secretUris: {
        "orders-client-id": URI("orders-client-id"),
        "orders-client-secret": URI("orders-client-secret"),
      },
      consumers: [
        {
          name: "web",
          kind: "appService",
          principalId: WEB,
          refresh: "PT24H",
          reference: {
            kind: "appService",
            appSettings: {
              "orders-client-id": `@Microsoft.KeyVault(SecretUri=${URI("orders-client-id")}/)`,
              "orders-client-secret": `@Microsoft.KeyVault(SecretUri=${URI("orders-client-secret")}/)`,
            },
          },
        },
        {
          name: "sync",
          kind: "aksSecretsStoreCsi",
          principalId: SYNC,
          refresh: "PT5M",
          reference: {
            kind: "aksSecretsStoreCsi",
            keyvaultName: "kv",
            tenantId: "72f988bf-0000-4000-8000-00000000c0de",
            objects: ["orders-client-id", "orders-client-secret"].map((objectName) => ({
              objectName,
              objectType: "secret",
              objectVersion: "",
            })),
          },
        },
      ],
    },
  },
};

function consumerReport(stackOutputs?: Record<string, unknown>): PreviewReport {
  const base = reportInput({ registrations: consumerRegistrations() }, policy(), NOW);
  return buildReport({
    ...base,
    run: { ...base.run, ...(stackOutputs ? { stackOutputs } : {}) },
    refreshDefaults: new Map([
      [consumerKey("orders", "web"), true],
      [consumerKey("orders", "sync"), false],
    ]),
  });
}

describe("preview report: consumers", () => {
  it("JSON: each consumer of the outputs with its role assignments in secret order, and the others", () => {
    const report = JSON.parse(renderJson(consumerReport(CONSUMER_OUTPUTS))) as PreviewReport;
    assert.deepEqual(
      report.consumers.map((c) => [
        c.app,
        c.name,
        c.kind,
        c.principalId,
        c.refresh,
        c.refreshDefault,
        c.roleAssignments.map((g) => [g.name, g.secretName ?? g.scope, g.role]),
      ]),
      [
        [
          "orders",
          "web",
          "appService",
          WEB,
          "PT24H",
          true,
          [
            ["web-id", "orders-client-id", "Key Vault Secrets User"],
            ["web-secret", "orders-client-secret", "Key Vault Secrets User"],
          ],
        ],
        [
          "orders",
          "sync",
          "aksSecretsStoreCsi",
          SYNC,
          "PT5M",
          false,
          [["sync-id", "orders-client-id", "Key Vault Secrets User"]],
        ],
        [
          "orders",
          undefined,
          undefined,
          OTHER,
          undefined,
          undefined,
          [["other-vault", VAULT_ID, "Key Vault Secrets Officer"]],
        ],
      ],
    );
    // The reference exactly as the outputs hold it; the grant's vault from its scope.
    assert.deepEqual(
      report.consumers[0].reference,
      CONSUMER_OUTPUTS.apps.orders.consumers[0].reference,
    );
    assert.equal(report.consumers[2].roleAssignments[0].vault, "kv");
    assert.equal(report.summary.roleAssignments, 4);
    assert.equal(report.summary.consumers, 3);
  });

  it("text: one row per consumer and secret, what it pastes, secrets it may not read, the summary", () => {
    const text = renderText(consumerReport(CONSUMER_OUTPUTS));
    assert.match(
      text,
      /^Consumers \(who reads each app's secrets, its role assignments, and what it pastes\):$/m,
    );
    assert.match(
      text,
      /^ {2}App +Consumer +Kind +Principal ID +Refresh +Role assignments +Scope +Pastes$/m,
    );
    const row = (cells: string[]) => new RegExp(`^ {2}${cells.join(" +")}$`, "m");
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    assert.match(
      text,
      row([
        "orders",
        "web",
        "appService",
        WEB,
        "PT24H \\(default\\)",
        "2 × Key Vault Secrets User",
        "orders-client-id",
        esc(`@Microsoft.KeyVault(SecretUri=${URI("orders-client-id")}/)`),
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "orders-client-secret",
        esc(`@Microsoft.KeyVault(SecretUri=${URI("orders-client-secret")}/)`),
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "sync",
        "aksSecretsStoreCsi",
        SYNC,
        "PT5M",
        "1 × Key Vault Secrets User",
        "orders-client-id",
        "objectName orders-client-id, keyvaultName kv, tenantId 72f988bf-0000-4000-8000-00000000c0de",
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "orders-client-secret \\(no role assignment\\)",
        "objectName orders-client-secret, keyvaultName kv, tenantId 72f988bf-0000-4000-8000-00000000c0de",
      ]),
    );
    assert.match(
      text,
      row([
        "",
        "-",
        "-",
        OTHER,
        "-",
        "1 × Key Vault Secrets Officer",
        "vault kv \\(every secret\\) \\(Key Vault Secrets Officer\\)",
        "-",
      ]),
    );
    assert.match(text, /, 4 role assignments \(3 consumers\); policies: /);
  });

  it("a note per app with scheduled credentials names the consumers a manual rotation revokes", () => {
    const notes = consumerReport(CONSUMER_OUTPUTS).notes;
    const general = notes.findIndex((n) => n.startsWith("changing a rotation period or anchor"));
    assert.ok(general >= 0, notes.join("\n"));
    assert.equal(
      notes[general + 1],
      "orders: changing rotationTrigger, the rotation period or the anchor is an intentional revocation: " +
        "every slot is replaced at once, and web (appService, refresh PT24H), sync (aksSecretsStoreCsi, refresh PT5M) " +
        `and principal ${OTHER} (refresh unknown) fail until they next read Key Vault (within their refresh)`,
    );
  });

  it("without stack outputs: one row per principal from the role assignments alone", () => {
    const report = consumerReport();
    assert.deepEqual(
      report.consumers.map((c) => [c.name, c.principalId.toLowerCase(), c.roleAssignments.length]),
      [
        [undefined, WEB, 2],
        [undefined, SYNC, 1],
        [undefined, OTHER, 1],
      ],
    );
    assert.match(
      renderText(report),
      /^ {2}orders +- +- +5D4C3B2A-1F0E-4D9C-8B7A-6F5E4D3C2B1A +- +2 × Key Vault Secrets User +orders-client-id +-$/m,
    );
  });

  it("no role assignment and no consumer: the table says so, the summary does not count them", () => {
    const report = buildReport(input([]));
    assert.deepEqual(report.consumers, []);
    const text = renderText(report);
    assert.match(text, /^Consumers: none declared$/m);
    assert.match(text, /\d+ Key Vault secrets?; policies: /);
    assert.doesNotMatch(text, /role assignment/);
  });

  it("the dev stack's configuration says which refresh is the kind's default", () => {
    const root = path.resolve(__dirname, "..", "..");
    const defaults = refreshDefaults(loadStackFile(root, "dev"), NOW);
    assert.ok(defaults);
    assert.equal(defaults.get(consumerKey("orders-api", "orders-web")), true);
    assert.equal(defaults.get(consumerKey("batch-signer", "batch-runner")), false);
    // Another project's configuration: the preview cannot tell.
    assert.equal(refreshDefaults({ config: {}, dir: root }, NOW), undefined);
  });
});
