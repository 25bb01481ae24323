/** Reading `az ad app list --all` / `az ad sp list --all` JSON: accepted shapes and every error. */
import { strict as assert } from "assert";
import * as fs from "fs";
import { AuditInputError } from "../../tools/audit/errors";
import { parseTenantJson } from "../../tools/audit/tenant";
import { APPS, SERVICE_PRINCIPALS } from "./helpers";

const app = (overrides: Record<string, unknown> = {}) => ({
  id: "11111111-1111-4111-8111-111111111111",
  appId: "22222222-2222-4222-8222-222222222222",
  displayName: "Orders",
  passwordCredentials: [
    {
      keyId: "33333333-3333-4333-8333-333333333333",
      displayName: "secret",
      startDateTime: "2025-01-01T00:00:00Z",
      endDateTime: "2026-01-01T00:00:00.1234567Z",
      hint: "abc",
      secretText: null,
    },
  ],
  keyCredentials: [],
  ...overrides,
});

function rejects(
  value: unknown,
  pattern: RegExp,
  kind: "application" | "servicePrincipal" = "application",
) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  assert.throws(
    () => parseTenantJson(text, "apps.json", kind),
    (error: unknown) => {
      assert.ok(error instanceof AuditInputError, String(error));
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
}

describe("audit: input files", () => {
  it("reads the fixtures: a plain list (az) and Graph's {value: [...]}", () => {
    const apps = parseTenantJson(fs.readFileSync(APPS, "utf8"), "apps.json", "application");
    assert.equal(apps.length, 9);
    assert.equal(apps[0].credentials.length, 2);
    assert.deepEqual(
      apps[0].credentials.map((c) => c.credentialType),
      ["password", "certificate"],
    );
    const sps = parseTenantJson(
      fs.readFileSync(SERVICE_PRINCIPALS, "utf8"),
      "sps.json",
      "servicePrincipal",
    );
    assert.equal(sps.length, 5);
    assert.ok(sps.every((o) => o.objectType === "servicePrincipal"));
    const signing = sps[1].credentials.find((c) => c.usage === "Sign");
    assert.equal(signing?.type, "AsymmetricX509Cert");
    assert.equal(signing?.customKeyIdentifier, "U0FNTA==");
  });

  it("reads Graph's seven-digit fractions of a second and offsets", () => {
    const [object] = parseTenantJson(
      JSON.stringify([
        app({
          passwordCredentials: [
            {
              keyId: "33333333-3333-4333-8333-333333333333",
              startDateTime: "2025-01-01T01:00:00+01:00",
              endDateTime: "2026-01-01T00:00:00.1234567Z",
            },
          ],
        }),
      ]),
      "apps.json",
      "application",
    );
    const [c] = object.credentials;
    assert.equal(c.startMs, Date.UTC(2025, 0, 1));
    assert.equal(c.endMs, Date.UTC(2026, 0, 1) + 123);
    assert.equal(c.displayName, null);
    assert.equal(object.displayName, "Orders");
  });

  it("rejects text that is not JSON, naming the file", () => {
    rejects("[{", /^apps\.json: not valid JSON \(.+\)$/);
    rejects("", /^apps\.json: not valid JSON/);
  });

  it("rejects a document that is not a list", () => {
    rejects(
      { apps: [] },
      /^apps\.json: expected a JSON array of application objects \(an application each, as `az ad app list --all` prints\) or \{"value": \[\.\.\.\]\}, got an object$/,
    );
    rejects(42, /got number 42/);
  });

  it("names the JSON path of a wrong shape", () => {
    rejects([app(), "x"], /^apps\.json: \[1\]: expected an application object, got "x"$/);
    rejects(
      [app({ appId: 5 })],
      /^apps\.json: \[0\]\.appId: expected the application \(client\) id, a GUID, got number 5$/,
    );
    rejects(
      [app({ id: "not-a-guid" })],
      /\[0\]\.id: expected the object id, a GUID, got "not-a-guid"/,
    );
    rejects(
      [app({ passwordCredentials: undefined })],
      /\[0\]\.passwordCredentials: expected an array .*got nothing \(missing\)/,
    );
    rejects(
      { value: [app(), app({ keyCredentials: [null] })] },
      /^apps\.json: value\[1\]\.keyCredentials\[0\]: expected a credential object, got null$/,
    );
    rejects([app({ displayName: 3 })], /\[0\]\.displayName: expected a string or null/);
  });

  it("records unknown and unreadable dates on their credential, naming the path", () => {
    const at = (dates: Record<string, unknown>) =>
      app({
        passwordCredentials: [
          {
            keyId: "33333333-3333-4333-8333-333333333333",
            startDateTime: "2025-01-01T00:00:00Z",
            ...dates,
          },
        ],
      });
    const unreadable = (item: unknown) => {
      const [object] = parseTenantJson(JSON.stringify([item]), "apps.json", "application");
      return object.credentials[0].unreadable?.map((u) => `${u.path}: ${u.reason}`) ?? [];
    };
    assert.deepEqual(unreadable(app()), []);
    assert.match(
      unreadable(at({ endDateTime: "2026-13-01T00:00:00Z" })).join(),
      /^apps\.json: \[0\]\.passwordCredentials\[0\]\.endDateTime: "2026-13-01T00:00:00Z" is not an RFC 3339 timestamp/,
    );
    assert.match(
      unreadable(at({ endDateTime: null })).join(),
      /\[0\]\.passwordCredentials\[0\]\.endDateTime: null \(Graph always sets it\): expected an RFC 3339 timestamp$/,
    );
    assert.match(unreadable(at({ endDateTime: "2026-01-01" })).join(), /not an RFC 3339/);
    assert.deepEqual(
      unreadable(at({ endDateTime: "2026-01-01T00:00:00Z", startDateTime: undefined })),
      [
        "apps.json: [0].passwordCredentials[0].startDateTime: missing (Graph always sets it): expected an RFC 3339 timestamp",
      ],
    );
    assert.equal(unreadable(at({ endDateTime: 5, startDateTime: "" })).length, 2);
  });

  it("rejects a file passed with the wrong option", () => {
    const sp = { ...app(), servicePrincipalType: "Application" };
    rejects(
      [sp],
      /\[0\]: has servicePrincipalType, so it is a service principal: pass this file with --service-principals/,
    );
    rejects(
      [{ ...app(), requiredResourceAccess: [] }],
      /\[0\]: has requiredResourceAccess, so it is an application: pass this file with --apps/,
      "servicePrincipal",
    );
  });

  it("rejects an object listed twice", () => {
    rejects(
      [app(), app()],
      /\[1\]\.id: duplicate object id 11111111-1111-4111-8111-111111111111 \(also at \[0\]\)/,
    );
  });
});
