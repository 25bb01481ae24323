/**
 * The preview's verdicts are `pulumi preview --policy-pack`'s verdicts: a step the simulated Azure
 * refuses at apply time never removes a resource from the policies (a real preview never applies
 * it); a plan-time refusal stops the policies where the engine stops.
 */
import * as assert from "assert";
import * as path from "path";
import { Writable } from "stream";
import { UNKNOWN } from "../../tools/offline/analyzer/sentinels";
import { main } from "../../tools/preview/cli";
import { engineView } from "../../tools/preview/engineView";
import type { PreviewReport } from "../../tools/preview/report";
import type { SimulatedFailure } from "../../tools/offline/simulator/simulatedAzure";
import { refuse, RefusalRuleId } from "../../tools/offline/simulator/refusals";
import { registration } from "../support/registrations";

const FIXTURE = path.join(__dirname, "..", "fixtures", "unowned-legacy-program");
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const SECRET = "azure-native:keyvault:Secret";

async function preview(args: string[]): Promise<{ code: number; report: PreviewReport }> {
  const chunks: Buffer[] = [];
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
  const stdout = sink();
  const { APP_CREDENTIALS_NOW: _ignored, ...env } = process.env;
  void _ignored;
  const code = await main(args, {
    stdout,
    stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    env,
  });
  return { code, report: JSON.parse(Buffer.concat(chunks).toString("utf8")) as PreviewReport };
}

const mandatory = (report: PreviewReport) =>
  report.policy.diagnostics
    .filter((d) => d.enforcementLevel === "mandatory")
    .map((d) => `${d.policy} ${d.resource?.name}`)
    .sort();

const EXPECTED = [
  "credential-max-lifetime aks-app-secret",
  "credential-max-lifetime aks-sp-password",
  "credential-rotation-required aks-app-secret",
  "credential-rotation-required aks-sp-password",
];

describe("a refused step never hides a violation", () => {
  let ownedBy: { code: number; report: PreviewReport };
  let all: { code: number; report: PreviewReport };
  before(async () => {
    const args = ["--dir", FIXTURE, "--stack", "test", "--json", "--no-churn-check"];
    [ownedBy, all] = await Promise.all([
      preview(args),
      preview([...args, "--graph-permission", "Application.ReadWrite.All"]),
    ]);
  });

  it("passwords on objects the deployer does not own: every violation reported beside the refusals (exit 2)", () => {
    assert.strictEqual(ownedBy.code, 2);
    assert.deepStrictEqual(mandatory(ownedBy.report), EXPECTED);
    assert.deepStrictEqual(
      ownedBy.report.failures.map((f) => [f.name, f.rule, f.phase, f.engine.stopsUpdate]),
      [
        ["aks-app-secret", "owned-by-not-owner", "apply", false],
        ["aks-sp-password", "owned-by-not-owner", "apply", false],
      ],
    );
    // A mandatory resource policy stops a real update; pulumi preview reports every one.
    for (const d of ownedBy.report.policy.diagnostics.filter(
      (d) => d.enforcementLevel === "mandatory",
    )) {
      assert.deepStrictEqual(
        [d.engine.preview, d.engine.update, d.engine.stopsUpdate],
        ["fails", "stops", true],
      );
    }
    assert.ok(
      !ownedBy.report.notes.some((n) => /did not evaluate/.test(n)),
      ownedBy.report.notes.join("\n"),
    );
  });

  it("the same violations under Application.ReadWrite.All, with nothing refused (exit 1)", () => {
    assert.strictEqual(all.code, 1);
    // And the Key Vault secret, whose properties are now known, is judged on them (no expiry).
    assert.deepStrictEqual(mandatory(all.report), [
      ...EXPECTED,
      "keyvault-secret-expiry aks-sp-secret",
    ]);
    assert.deepStrictEqual(all.report.failures, []);
  });

  it("the dependent of a refused password is analysed with the refused value unknown, as in a real preview", () => {
    const unknown = ownedBy.report.policy.diagnostics.filter(
      (d) =>
        d.resource?.name === "aks-sp-secret" && /can't be known during preview/.test(d.message),
    );
    assert.ok(unknown.length > 0, JSON.stringify(ownedBy.report.policy.diagnostics, null, 1));
    // Under All the value is known: the same resource is judged on it.
    assert.ok(
      !all.report.policy.diagnostics.some(
        (d) => d.resource?.name === "aks-sp-secret" && /can't be known/.test(d.message),
      ),
    );
  });
});

describe("the engine's view of a run with refused steps", () => {
  const sp = registration(SP, "sp", { outputs: { objectId: "o", clientId: "c" } });
  const password = registration(SP_PASSWORD, "pw", {
    inputs: { servicePrincipalId: "/servicePrincipals/o", endDate: "2099-01-01T00:00:00Z" },
    outputs: {
      servicePrincipalId: "/servicePrincipals/o",
      endDate: "2099-01-01T00:00:00Z",
      keyId: "k",
      value: "[secret]",
    },
    propertyDependencies: { servicePrincipalId: [sp.urn] },
  });
  const secret = registration(SECRET, "secret", {
    inputs: { secretName: "s", properties: { value: "[secret]" } },
    secretInputs: ["properties"],
    outputs: { secretName: "s", properties: { secretUri: "u" } },
    propertyDependencies: { properties: [password.urn] },
  });
  const after = registration("random:index/randomString:RandomString", "after", {
    inputs: { length: 8 },
  });
  const all = [sp, password, secret, after];
  const refused = (
    rule: RefusalRuleId,
    urn: string,
    name: string,
    type: string,
  ): SimulatedFailure => ({
    urn,
    name,
    type,
    ...refuse(rule, "refused"),
  });

  it("apply time: everything analysed; inputs from the refused resource unknown; stack policies over every resource", () => {
    const view = engineView(all, [refused("owned-by-not-owner", password.urn, "pw", SP_PASSWORD)]);
    assert.strictEqual(view.stoppedAt, undefined);
    assert.deepStrictEqual(
      view.analysed.map((r) => r.name),
      ["sp", "pw", "secret", "after"],
    );
    assert.deepStrictEqual(
      view.analysed[1].inputs,
      password.inputs,
      "the refused resource is judged on its own inputs",
    );
    assert.deepStrictEqual(view.analysed[2].inputs, { secretName: "s", properties: UNKNOWN });
    assert.deepStrictEqual(view.analysed[2].secretInputs, []);
    assert.ok(view.stack);
    assert.deepStrictEqual(view.stack[1].outputs, {
      servicePrincipalId: "/servicePrincipals/o",
      endDate: "2099-01-01T00:00:00Z",
      keyId: UNKNOWN,
      value: UNKNOWN,
    });
    assert.deepStrictEqual(view.stack[2].outputs, { secretName: "s", properties: UNKNOWN });
    assert.strictEqual(view.stack[3], after);
  });

  it("a provider Check fails: analysed through that resource, then the engine stops; no stack policy", () => {
    const view = engineView(all, [
      refused("provider-input-invalid", password.urn, "pw", SP_PASSWORD),
    ]);
    assert.deepStrictEqual(
      view.analysed.map((r) => r.name),
      ["sp", "pw"],
    );
    assert.strictEqual(view.stack, undefined);
    assert.strictEqual(view.stoppedAt?.name, "pw");
  });

  it("a Read fails: analysed up to that resource, then pulumi preview stops; no stack policy", () => {
    const view = engineView(all, [refused("object-not-found-read", sp.urn, "sp", SP)]);
    assert.deepStrictEqual(
      view.analysed.map((r) => r.name),
      [],
    );
    assert.strictEqual(view.stack, undefined);
    assert.strictEqual(view.stoppedAt?.phase, "read");
  });

  it("an apply-time refusal before a plan-time one: the engine still stops at the plan-time one", () => {
    const view = engineView(all, [
      refused("owned-by-not-owner", password.urn, "pw", SP_PASSWORD),
      refused("provider-input-invalid", after.urn, "after", after.type),
    ]);
    assert.deepStrictEqual(
      view.analysed.map((r) => r.name),
      ["sp", "pw", "secret", "after"],
    );
    assert.strictEqual(view.stack, undefined);
  });
});
