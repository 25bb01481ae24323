/**
 * The preview against values from a stack or a tenant snapshot drawn neutralised in the
 * text output (JSON exact), a tenant snapshot that says what it covers (an empty one refused), a
 * policy pack that cannot start naming why, stack and package files that are not what they
 * should be named as such, instants in whole seconds and not before the default anchors, one
 * instant format in the tables.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveInstant } from "../../tools/offline/clock";
import { diagnosticEffect } from "../../tools/preview/engineEffect";
import { main } from "../../tools/preview/cli";
import { packStartReason, PolicyResult } from "../../tools/preview/policies";
import { renderJson, renderText, short } from "../../tools/preview/render";
import {
  buildReport,
  offlineLimits,
  PreviewReport,
  ReportInput,
  tenantCoverage,
  uncheckedObjectsNote,
} from "../../tools/preview/report";
import { parseTenantSnapshot, TenantSnapshotError } from "../../tools/offline/simulator/tenant";
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";
import { loadStackFile, StackFileError } from "../../tools/offline/stackFile";
import { registration, testUrn } from "../support/registrations";
import { reportInput } from "../support/reportInput";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = Date.parse("2026-11-21T10:11:12Z");
const CLOCK = Date.parse("2026-11-21T10:11:12.345Z");

const APP_CREDENTIAL = "app-credentials:index:AppCredential";
const APP_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const SP_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
const SECRET = "azure-native:keyvault:Secret";

/** Control and bidi characters a tenant or a stack can carry. */
const CLEAR = "\u001b[2J";
const TITLE = "\u001b]0;pwned\u0007";
const RLO = "\u202e";
const HOSTILE = `evil${CLEAR}${TITLE}${RLO}gnp.exe\rforged`;

/** A raw control or bidi character (what must never reach a terminal). */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const SP_ID = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
const APP_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

function registrations(name = "crm"): Registration[] {
  const app = registration(APP_CREDENTIAL, name, { custom: false });
  const sp = registration(SP, `${name}-sp`, {
    parent: app.urn,
    read: true,
    id: `/servicePrincipals/${SP_ID}`,
  });
  const password = registration(SP_PASSWORD, `${name}-pw`, {
    parent: app.urn,
    inputs: { servicePrincipalId: `/servicePrincipals/${SP_ID}` },
    outputs: {
      keyId: "0f0e0d0c-0b0a-4908-8706-050403020100",
      startDate: "2026-11-21T10:11:12Z",
      endDate: "2027-07-11T04:56:00Z",
    },
    propertyDependencies: { servicePrincipalId: [sp.urn] },
  });
  const secret = registration(SECRET, `${name}-secret`, {
    parent: app.urn,
    inputs: {
      secretName: `${name}-client-secret`,
      vaultName: "v",
      properties: { value: "[secret]" },
    },
    secretInputs: ["properties"],
    propertyDependencies: { properties: [password.urn] },
  });
  const literal = registration(APP_PASSWORD, "literal-pw", {
    inputs: { applicationId: `/applications/${APP_ID}` },
  });
  return [app, sp, password, secret, literal];
}

function policy(message = "fine"): PolicyResult {
  return {
    pack: { name: "pack", version: "1.0.0", dir: "/pack" },
    config: {},
    policies: [{ name: "credential-max-lifetime", enforcementLevel: "mandatory", origin: "pack" }],
    previewSettings: {},
    diagnostics: [
      {
        policy: "credential-max-lifetime",
        enforcementLevel: "mandatory",
        urn: testUrn(SP_PASSWORD, "x"),
        resource: { type: SP_PASSWORD, name: HOSTILE },
        message,
        engine: diagnosticEffect("mandatory", "analyze"),
      },
    ],
  };
}

function input(regs: Registration[], extra: Partial<ReportInput> = {}): ReportInput {
  return reportInput({ registrations: regs, notes: [`a note quoting ${HOSTILE}`] }, policy(), NOW, {
    nowSource: "option",
    churn: { enabled: false, instantsMs: [NOW], findings: [] },
    ...extra,
  });
}

describe("hostile values in the preview's text output", () => {
  it("control and bidi characters from the stack and the tenant are shown escaped; JSON stays exact", () => {
    const report = buildReport({
      ...input(registrations(HOSTILE)),
      policy: policy(`line one quotes ${HOSTILE}\nline two ${CLEAR}`),
    });
    const text = renderText(report);
    assert.doesNotMatch(text, RAW);
    assert.match(
      text,
      /evil\\u\{1b\}\[2J\\u\{1b\}\]0;pwned\\u\{7\}\\u\{202e\}gnp\.exe\\u\{d\}forged/,
    );
    // No forged line: every row holding the name holds all of it.
    for (const line of text.split("\n").filter((l) => l.includes("forged"))) {
      assert.match(line, /evil\\u\{1b\}/, line);
    }
    const json = JSON.parse(renderJson(report)) as PreviewReport;
    assert.ok(
      json.resources.some((r) => r.name === HOSTILE),
      "JSON keeps the exact name",
    );
    assert.ok(json.notes.includes(`a note quoting ${HOSTILE}`), "JSON keeps the exact note");
  });

  it("a consumer's name, principal, scope and reference are shown escaped in its table; JSON exact", () => {
    const regs = registrations("crm");
    const scope = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/secrets/${HOSTILE}`;
    regs.push(
      registration("azure-native:authorization:RoleAssignment", "crm-reader", {
        parent: regs[0].urn,
        inputs: {
          scope,
          principalId: HOSTILE,
          roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${HOSTILE}`,
        },
      }),
    );
    const consumer = {
      name: HOSTILE,
      kind: "custom",
      principalId: HOSTILE,
      refresh: `PT1H${CLEAR}`,
      reference: { kind: "custom", secretUris: { [HOSTILE]: `https://v/secrets/${HOSTILE}` } },
    };
    const base = input(regs);
    const report = buildReport({
      ...base,
      run: { ...base.run, stackOutputs: { apps: { crm: { consumers: [consumer] } } } },
    });
    const text = renderText(report);
    assert.doesNotMatch(text, RAW);
    const table = text.slice(text.indexOf("Consumers ("), text.indexOf("\nPolicies ("));
    assert.match(table, /evil\\u\{1b\}\[2J/);
    // One row per line: every line holding the name holds all of it, and the columns line up.
    const lines = table.split("\n").filter((l) => l.includes("forged"));
    assert.ok(lines.length >= 1, table);
    for (const line of lines) assert.match(line, /evil\\u\{1b\}/, line);
    const header = table.split("\n")[1];
    const [row] = table.split("\n").slice(2);
    assert.equal(row.indexOf("https://v/secrets/"), header.indexOf("Pastes"), table);
    const json = JSON.parse(renderJson(report)) as PreviewReport;
    assert.equal(json.consumers[0].name, HOSTILE, "JSON keeps the exact consumer name");
    assert.equal(json.consumers[0].principalId, HOSTILE);
    assert.equal(json.consumers[0].roleAssignments[0].secretName, HOSTILE);
    assert.deepEqual(json.consumers[0].reference, consumer.reference);
  });
});

describe("one instant format in the credential table", () => {
  it("start and end dates both show seconds", () => {
    assert.equal(short("2027-07-11T04:56:00Z"), "2027-07-11 04:56:00Z");
    assert.equal(short("2026-11-21T10:11:12Z"), "2026-11-21 10:11:12Z");
    assert.equal(short("2026-11-21T10:11:12.500Z"), "2026-11-21 10:11:12Z");
    const text = renderText(buildReport(input(registrations())));
    assert.match(text, /2026-11-21 10:11:12Z {2}2027-07-11 04:56:00Z/);
  });
});

describe("what a tenant snapshot covers", () => {
  const refused = (json: unknown): string => {
    try {
      parseTenantSnapshot(json, "t.json");
    } catch (error) {
      assert.ok(error instanceof TenantSnapshotError);
      assert.doesNotMatch(error.message, /\n/);
      return error.message;
    }
    return assert.fail("accepted");
  };

  it("an empty snapshot is refused in one line: it could check nothing", () => {
    for (const empty of [[], { value: [] }, { applications: [], servicePrincipals: [] }]) {
      assert.match(refused(empty), /^t\.json: lists no application and no service principal/);
    }
    // A file that only states the deployer's permission claims no list: accepted.
    const only = parseTenantSnapshot({ deployer: {} }, "t.json");
    assert.deepEqual(only.covers, { applications: false, servicePrincipals: false });
  });

  it("the footer and the JSON say which kinds were checked; ids of an unlisted kind are named", () => {
    const appsOnly = parseTenantSnapshot([{ id: APP_ID, displayName: "a" }], "apps.json");
    assert.deepEqual(appsOnly.covers, { applications: true, servicePrincipals: false });
    const coverage = tenantCoverage("apps.json", appsOnly);
    const [existence] = offlineLimits(coverage, true).filter((l) => l.startsWith("existence"));
    assert.match(
      existence,
      /only applications \(1 application\) are checked against the snapshot apps\.json/,
    );
    assert.match(existence, /every service principal id is assumed to exist/);
    assert.equal(
      uncheckedObjectsNote(registrations(), coverage),
      `not checked against the tenant snapshot apps.json, which does not list their kind (assumed to exist): service principal ${SP_ID} (crm)`,
    );
    const report = buildReport(
      input(registrations(), { tenantFile: "apps.json", tenantSnapshot: appsOnly }),
    );
    assert.deepEqual(report.tenantCoverage, {
      file: "apps.json",
      applications: { listed: true, count: 1 },
      servicePrincipals: { listed: false, count: 0 },
    });
    assert.ok(report.notes.some((n) => n.includes(`service principal ${SP_ID} (crm)`)));
    assert.ok(!report.notes.some((n) => n.includes(APP_ID)), "applications were checked");
    const both = parseTenantSnapshot(
      { applications: [{ id: APP_ID }], servicePrincipals: [{ id: SP_ID }] },
      "both.json",
    );
    assert.equal(
      uncheckedObjectsNote(registrations(), tenantCoverage("both.json", both)),
      undefined,
    );
  });
});

describe("a policy pack that cannot start", () => {
  it("names the missing module, not Node's `Require stack:` heading", () => {
    const harness =
      "Cannot find module '@pulumi/pulumi/cmd/run-policy-pack'\nRequire stack:\n- /work/main/tools/offline/analyzer/pack.ts\n- /work/main/tools/offline/analyzer/index.ts";
    assert.equal(
      packStartReason(harness),
      "Cannot find module '@pulumi/pulumi/cmd/run-policy-pack' (install the pack's dependencies: npm install in its directory)",
    );
    const printed = [
      "policy pack did not start: exited with 1",
      "node:internal/modules/cjs/loader:1228",
      "  throw err;",
      "  ^",
      "",
      "Require stack:",
      "- /tmp/pack/bin/index.js",
    ].join("\n");
    assert.equal(packStartReason(printed), "throw err;");
    const thrown = [
      "policy pack did not start: exited with 32",
      "    Error: Cannot find module './missing-module'",
      "Require stack:",
      "- /tmp/pack/bin/index.js",
    ].join("\n");
    assert.equal(packStartReason(thrown), "Cannot find module './missing-module'");
  });
});

describe("project and stack files that are not what they should be", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-stack-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const project = (name: string, files: Record<string, string | Buffer>): string => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), "export {};\n");
    for (const [file, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
  };
  const failure = (dir: string): string => {
    try {
      loadStackFile(dir, "test");
    } catch (error) {
      assert.ok(error instanceof StackFileError, String(error));
      assert.doesNotMatch(error.message, /\n/);
      return error.message;
    }
    return assert.fail("accepted");
  };

  it("a stack file that is a list, a string or binary is not a map of settings", () => {
    const cases: [string, string | Buffer, string][] = [
      ["list", "- a\n- b\n", "a list"],
      ["string", "just some text\n", "a string"],
      [
        "binary",
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]),
        "binary content, not UTF-8 text",
      ],
    ];
    for (const [name, content, found] of cases) {
      const dir = project(name, { "Pulumi.test.yaml": content });
      assert.equal(
        failure(dir),
        `${path.join(dir, "Pulumi.test.yaml")}: not a YAML map of settings (found ${found})`,
      );
    }
  });

  it("a malformed package.json in --dir is named with its JSON error", () => {
    const dir = project("package", {
      "Pulumi.test.yaml": "config: {}\n",
      "package.json": "{ main: ",
    });
    assert.match(
      failure(dir),
      new RegExp(
        `^${path.join(dir, "package.json").replace(/[.]/g, "\\.")}: not valid JSON \\(.+\\)$`,
      ),
    );
  });

  it("npm start: the malformed package.json and the empty tenant snapshot exit 2 with one line", async () => {
    const dir = project("cli", { "Pulumi.test.yaml": "config: {}\n", "package.json": "{" });
    const run = async (argv: string[]) => {
      let out = "";
      let err = "";
      const code = await main(argv, {
        stdout: { write: (t: string, cb?: () => void) => ((out += t), cb?.(), true) } as never,
        stderr: { write: (t: string, cb?: () => void) => ((err += t), cb?.(), true) } as never,
        env: {},
        clockMs: NOW,
      });
      return { code, out, err };
    };
    const pkg = await run(["--dir", dir, "--stack", "test", "--no-churn-check"]);
    assert.equal(pkg.code, 2);
    assert.match(pkg.err, /^error: .*package\.json: not valid JSON \(.+\)\n$/);
    const empty = path.join(tmp, "empty.json");
    fs.writeFileSync(empty, "[]\n");
    const tenant = await run(["--dir", ROOT, "--tenant", empty, "--no-churn-check"]);
    assert.equal(tenant.code, 2);
    assert.match(
      tenant.err,
      /^error: --tenant: .*empty\.json: lists no application and no service principal.*\n$/,
    );
  });
});

describe("instants", () => {
  it("a fraction of a second is refused, for --now and APP_CREDENTIALS_NOW", () => {
    assert.throws(
      () => resolveInstant("2027-01-01T00:00:00.5Z", "--now", {}, CLOCK),
      /^InstantError: --now: "2027-01-01T00:00:00\.5Z" has a fraction of a second: give whole seconds, such as 2027-01-01T00:00:00Z/,
    );
    assert.throws(
      () =>
        resolveInstant(
          undefined,
          "--now",
          { APP_CREDENTIALS_NOW: "2027-01-01T00:00:00.001Z" },
          CLOCK,
        ),
      /^InstantError: APP_CREDENTIALS_NOW: .* has a fraction of a second/,
    );
    // Zero fractions are whole seconds.
    assert.equal(
      resolveInstant("2027-01-01T00:00:00.000Z", "--now", {}, CLOCK).ms,
      Date.parse("2027-01-01T00:00:00Z"),
    );
  });

  it("an instant before the default anchors (2024-01-01) is refused, naming the option", () => {
    assert.throws(
      () => resolveInstant("2020-01-01T00:00:00Z", "--now", {}, CLOCK),
      /^InstantError: --now: 2020-01-01T00:00:00Z is before 2024-01-01T00:00:00Z, where default rotation anchors start/,
    );
    assert.throws(
      () =>
        resolveInstant(undefined, "--now", { APP_CREDENTIALS_NOW: "1999-12-31T23:59:59Z" }, CLOCK),
      /^InstantError: APP_CREDENTIALS_NOW: 1999-12-31T23:59:59Z is before/,
    );
    assert.equal(resolveInstant("2024-01-01T00:00:00Z", "--now", {}, CLOCK).source, "option");
  });
});
