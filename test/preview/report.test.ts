/**
 * The report and its rendering, from registrations built by hand (tools/preview/report.ts,
 * failures.ts, externalServicePrincipals.ts, render.ts): refused steps per app, skipped
 * dependents, the note on existing service principals, disabled policies, the footer.
 */
import { strict as assert } from "assert";
import { refusalEffect } from "../../tools/preview/engineEffect";
import { analyzeFailures } from "../../tools/preview/failures";
import { appsOnExternalServicePrincipals } from "../../tools/preview/externalServicePrincipals";
import type { PolicyResult } from "../../tools/preview/policies";
import { renderText } from "../../tools/preview/render";
import { buildReport, ReportInput } from "../../tools/preview/report";
import type { Registration, SimulatedFailure } from "../../tools/offline/simulator/simulatedAzure";
import { registration, testUrn as urn } from "../support/registrations";
import { reportInput } from "../support/reportInput";

const NOW = Date.parse("2026-11-21T00:00:00Z");

const APP_CREDENTIAL = "app-credentials:entra:AppCredential";
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
