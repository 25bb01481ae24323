/**
 * The pure evaluation of Entra ID app management policies (tools/offline/appManagementPolicy.ts):
 * which restrictions apply to an object, whether a credential breaks them, the tenant's caps.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Duration } from "luxon";
import {
  AppManagementPolicies,
  AppManagementPolicyShapeError,
  credentialBreaks,
  effectiveRestrictions,
  parseAppManagementPolicies,
  parseTenantAppManagementPolicy,
  tenantLifetimeCaps,
} from "../../tools/offline/appManagementPolicy";
import { emitPolicyConfig } from "../../tools/audit/emitPolicyConfig";
import { DEFAULT_SETTINGS, FIXTURES } from "./helpers";

const TENANT = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, "tenant-policies.json"), "utf8"),
) as Record<string, unknown>;

const POLICIES: AppManagementPolicies = {
  defaultPolicy: parseTenantAppManagementPolicy(TENANT.defaultAppManagementPolicy),
  appPolicies: parseAppManagementPolicies(TENANT.appManagementPolicies),
};

const NEW_APP = "a1000002-0000-4000-8000-000000000000";
const OLD_APP = "a1000003-0000-4000-8000-000000000000";
const EXEMPT_APP = "a1000004-0000-4000-8000-000000000000";
const NO_SECRETS_APP = "a1000005-0000-4000-8000-000000000000";

const password = (start: string, end: string) =>
  ({ type: "password", startDateTime: start, endDateTime: end }) as const;

describe("audit: app management policies (pure)", () => {
  it("reads Graph's JSON: the default policy and per-app policies with appliesTo", () => {
    assert.equal(POLICIES.defaultPolicy?.isEnabled, true);
    assert.deepEqual(
      POLICIES.defaultPolicy?.applicationRestrictions.passwordCredentials.map((r) => [
        r.restrictionType,
        r.state,
        r.maxLifetime,
      ]),
      [
        ["passwordLifetime", "enabled", "P365D"],
        ["passwordAddition", "disabled", null],
      ],
    );
    assert.deepEqual(
      POLICIES.appPolicies.map((p) => [p.displayName, p.isEnabled, p.appliesTo]),
      [
        ["Exempt legacy", false, [{ id: EXEMPT_APP, objectType: "application" }]],
        ["No secrets", true, [{ id: NO_SECRETS_APP, objectType: "application" }]],
      ],
    );
  });

  it("a restriction dated after the object's creation does not apply to it", () => {
    const old = effectiveRestrictions(POLICIES, {
      kind: "application",
      id: OLD_APP,
      createdDateTime: "2023-01-01T00:00:00Z",
    });
    assert.deepEqual(old.source, { kind: "tenantDefault", isEnabled: true });
    assert.deepEqual(
      old.restrictions.map((r) => r.restrictionType),
      ["asymmetricKeyLifetime"],
    );
    const created = effectiveRestrictions(POLICIES, {
      kind: "application",
      id: NEW_APP,
      createdDateTime: "2024-01-01T00:00:00Z", // on the date: applies
    });
    assert.deepEqual(
      created.restrictions.map((r) => [r.restrictionType, r.assumedCreatedAfter]),
      [
        ["passwordLifetime", false],
        ["asymmetricKeyLifetime", false],
      ],
    );
  });

  it("an unknown creation date (service principals in v1.0) is assumed to fall under a dated restriction", () => {
    const sp = effectiveRestrictions(POLICIES, { kind: "servicePrincipal", id: "d1" });
    assert.deepEqual(
      sp.restrictions.map((r) => [r.restrictionType, r.maxLifetime, r.assumedCreatedAfter]),
      [["passwordLifetime", "P270D", true]],
    );
  });

  it("a per-app policy replaces the default: disabled exempts, enabled applies only its own", () => {
    const exempt = effectiveRestrictions(POLICIES, {
      kind: "application",
      id: EXEMPT_APP.toUpperCase(),
      createdDateTime: "2025-03-01T00:00:00Z",
    });
    assert.equal(exempt.source.kind, "appManagementPolicy");
    assert.deepEqual(exempt.restrictions, []);
    const strict = effectiveRestrictions(POLICIES, {
      kind: "application",
      id: NO_SECRETS_APP,
      createdDateTime: "2025-03-01T00:00:00Z",
    });
    assert.deepEqual(
      strict.restrictions.map((r) => [r.restrictionType, r.policy]),
      [
        [
          "passwordAddition",
          'app management policy "No secrets" (f1000002-0000-4000-8000-000000000000)',
        ],
      ],
    );
    // The default's asymmetricKeyLifetime no longer applies to it.
    assert.equal(
      credentialBreaks(strict, {
        type: "certificate",
        startDateTime: "2025-01-01T00:00:00Z",
        endDateTime: "2027-01-01T00:00:00Z",
      }),
      null,
    );
  });

  it("no default policy read and no per-app policy: nothing applies", () => {
    assert.deepEqual(
      effectiveRestrictions(
        { defaultPolicy: null, appPolicies: [] },
        { kind: "application", id: "x" },
      ),
      { source: { kind: "none" }, restrictions: [] },
    );
    const disabled = parseTenantAppManagementPolicy({
      ...(TENANT.defaultAppManagementPolicy as object),
      isEnabled: false,
    });
    assert.deepEqual(
      effectiveRestrictions(
        { defaultPolicy: disabled, appPolicies: [] },
        { kind: "application", id: NEW_APP },
      ).restrictions,
      [],
    );
  });

  it("a lifetime over the cap is CredentialInvalidLifetimeAsPerAppPolicy, calendar-correct at the edge", () => {
    const restrictions = effectiveRestrictions(POLICIES, {
      kind: "application",
      id: NEW_APP,
      createdDateTime: "2025-03-01T00:00:00Z",
    });
    const breach = credentialBreaks(
      restrictions,
      password("2025-06-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    assert.equal(breach?.code, "CredentialInvalidLifetimeAsPerAppPolicy");
    assert.equal(breach?.restriction.restrictionType, "passwordLifetime");
    assert.equal(breach?.limitMs, Date.parse("2026-06-01T00:00:00Z"));
    // Exactly the cap is within; one second more is not.
    assert.equal(
      credentialBreaks(restrictions, password("2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z")),
      null,
    );
    assert.notEqual(
      credentialBreaks(restrictions, password("2025-06-01T00:00:00Z", "2026-06-01T00:00:01Z")),
      null,
    );
    // Certificates against asymmetricKeyLifetime (P180D), from ms as well as from text.
    const start = Date.parse("2025-06-01T00:00:00Z");
    assert.equal(
      credentialBreaks(restrictions, {
        type: "certificate",
        startDateTime: start,
        endDateTime: start + 181 * 86_400_000,
      })?.restriction.restrictionType,
      "asymmetricKeyLifetime",
    );
  });

  it("a blocked type is CredentialTypeNotAllowedAsPerAppPolicy; customPasswordAddition spares Graph-generated secrets", () => {
    const blocked = parseAppManagementPolicies({
      value: [
        {
          id: "p",
          isEnabled: true,
          restrictions: {
            passwordCredentials: [
              { restrictionType: "customPasswordAddition", state: "enabled" },
              { restrictionType: "symmetricKeyAddition" }, // no state (older answers): enabled
            ],
          },
          appliesTo: [{ id: "app" }],
        },
      ],
    });
    const restrictions = effectiveRestrictions(
      { defaultPolicy: null, appPolicies: blocked },
      { kind: "application", id: "app" },
    );
    const secret = password("2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z");
    // addPassword (azuread, az) lets Graph generate the secret: never a custom password.
    assert.equal(credentialBreaks(restrictions, secret), null);
    assert.equal(
      credentialBreaks(restrictions, { ...secret, generatedByGraph: false })?.code,
      "CredentialTypeNotAllowedAsPerAppPolicy",
    );
    assert.equal(
      credentialBreaks(restrictions, {
        type: "certificate",
        keyType: "Symmetric",
        startDateTime: "2025-06-01T00:00:00Z",
        endDateTime: "2025-07-01T00:00:00Z",
      })?.restriction.restrictionType,
      "symmetricKeyAddition",
    );
  });

  it("the tenant's strictest caps: enabled lifetimes of the enabled default and of assigned enabled per-app policies", () => {
    const caps = tenantLifetimeCaps(POLICIES);
    assert.equal(caps.password?.text, "P270D");
    assert.equal(caps.password?.policy, "the tenant default policy (servicePrincipalRestrictions)");
    assert.equal(caps.certificate?.text, "P180D");
    // "Exempt legacy" caps passwords at P30D, but is disabled.
    assert.deepEqual(tenantLifetimeCaps({ defaultPolicy: null, appPolicies: [] }), {
      password: null,
      certificate: null,
    });
  });

  it("--emit-policy-config: the caps, never looser than the setting in force, other entries kept", () => {
    const caps = tenantLifetimeCaps(POLICIES);
    const emitted = emitPolicyConfig(caps, {
      file: { "credential-max-lifetime": "advisory", "credential-count": "mandatory" },
      maxLifetime: DEFAULT_SETTINGS.maxLifetime,
    });
    assert.deepEqual(JSON.parse(emitted.text), {
      "credential-max-lifetime": {
        enforcementLevel: "advisory",
        maxLifetime: "P180D",
        maxPasswordLifetime: "P270D",
        maxCertificateLifetime: "P180D",
      },
      "credential-count": "mandatory",
    });
    const strict = emitPolicyConfig(caps, {
      file: undefined,
      maxLifetime: { text: "P200D", duration: Duration.fromISO("P200D") },
    });
    assert.deepEqual(strict.written, { maxLifetime: "P180D", maxCertificateLifetime: "P180D" });
    assert.match(
      strict.notes.join("\n"),
      /maxPasswordLifetime: the tenant's cap P270D .* is looser than the maxPasswordLifetime in force, P200D: not written/,
    );
    const none = emitPolicyConfig(
      { password: null, certificate: null },
      {
        file: undefined,
        maxLifetime: DEFAULT_SETTINGS.maxLifetime,
      },
    );
    assert.equal(none.text, "{}\n");
  });

  it("refuses what Graph does not return, naming the JSON path", () => {
    const rejects = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof AppManagementPolicyShapeError, String(error));
        assert.match(error.message, pattern);
        return true;
      });
    rejects(
      () => parseTenantAppManagementPolicy([]),
      /^\$: expected a tenantAppManagementPolicy object, got a list$/,
    );
    rejects(
      () =>
        parseTenantAppManagementPolicy({
          isEnabled: "yes",
        }),
      /^\$\.isEnabled: expected true or false, got "yes"$/,
    );
    rejects(
      () =>
        parseAppManagementPolicies({
          value: [
            {
              id: "p",
              restrictions: {
                passwordCredentials: [
                  { restrictionType: "passwordLifetime", maxLifetime: "90 days" },
                ],
              },
            },
          ],
        }),
      /^\$\.value\[0\]\.restrictions\.passwordCredentials\[0\]\.maxLifetime: "90 days" is not an ISO 8601 duration/,
    );
    rejects(
      () => parseAppManagementPolicies({ value: [{ id: "p" }, { id: "P" }] }),
      /^\$\.value\[1\]\.id: policy P is listed twice$/,
    );
    rejects(
      () => parseAppManagementPolicies({ value: [{ id: "p", appliesTo: {} }] }),
      /appliesTo: expected a list/,
    );
    // The docs' old spelling maxLifeTime is read too.
    const [old] = parseAppManagementPolicies([
      {
        id: "p",
        restrictions: {
          passwordCredentials: [{ restrictionType: "passwordLifetime", maxLifeTime: "P10D" }],
        },
      },
    ]);
    assert.equal(old.restrictions.passwordCredentials[0].maxLifetime, "P10D");
  });
});
