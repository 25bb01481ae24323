/**
 * `npm run audit -- --tenant FILE`: the tenant's app management policies from the tenant file
 * (`defaultAppManagementPolicy`, `appManagementPolicies`), reported and judged
 * (`credential-tenant-policy`), and `--emit-policy-config FILE`.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { APPS, audit, FIXTURES, NOW, tempDir, tempFile } from "./helpers";

const TENANT = path.join(FIXTURES, "tenant-policies.json");
const tenantJson = () => JSON.parse(fs.readFileSync(TENANT, "utf8")) as Record<string, unknown>;

interface JsonFinding {
  objectId: string;
  keyId: string;
  policy: string;
  level: string;
  message: string;
}

interface PolicySummary {
  defaultPolicy: { isEnabled: boolean } | null;
  appPolicies: {
    displayName: string;
    isEnabled: boolean;
    appliesTo: { objectId: string; objectType: string; displayName: string | null }[];
  }[];
  caps: Record<string, string>;
  credentialsBreaking: number;
}

describe("audit: tenant app management policies", () => {
  it("judges existing credentials against the tenant's own policy", async () => {
    const run = await audit(["--tenant", TENANT, "--now", NOW, "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as {
      findings: JsonFinding[];
      summary: { appManagementPolicies: PolicySummary; objects: Record<string, number> };
    };
    assert.deepEqual(document.summary.objects, { application: 6, servicePrincipal: 1 });
    const breaches = document.findings.filter((f) => f.policy === "credential-tenant-policy");
    assert.deepEqual(breaches.map((f) => [f.keyId.slice(0, 8), f.level]).sort(), [
      ["c1000003", "advisory"], // New app: passwordLifetime P365D, created after the policy's date
      ["c1000006", "advisory"], // No secrets app: its per-app policy blocks passwords
      ["c1000008", "advisory"], // Cert app: asymmetricKeyLifetime P180D
      ["c1000009", "advisory"], // Partner tool (service principal): P270D, creation date unknown
    ]);
    const message = (prefix: string) =>
      breaches.find((f) => f.keyId.startsWith(prefix))?.message ?? "";
    assert.match(
      message("c1000003"),
      /breaks the tenant default policy: passwordLifetime ≤ P365D for objects created from 2024-01-01T00:00:00Z: it lives 579 days, longer than P365D .*\(CredentialInvalidLifetimeAsPerAppPolicy\)\. Entra checks the policy only when a credential is added, so this one keeps working until it ends\./,
    );
    assert.match(
      message("c1000006"),
      /breaks app management policy "No secrets" \(f1000002-\S+\): passwordAddition blocked\. Graph would refuse such a credential if it were added now \(CredentialTypeNotAllowedAsPerAppPolicy\)/,
    );
    assert.match(
      message("c1000009"),
      /this service principal's creation date is unknown \(Graph v1\.0 gives service principals none\): assumed to apply/,
    );
    // Old app: the dated restriction is later than its creation; Exempt app: its per-app policy
    // is disabled (it replaces the default); No secrets app's certificate: its per-app policy has no
    // certificate restriction; Orders API: created before the date.
    for (const keyId of ["c1000004", "c1000005", "c1000007", "c1000001", "c1000002"]) {
      assert.ok(!breaches.some((f) => f.keyId.startsWith(keyId)), keyId);
    }
    const policies = document.summary.appManagementPolicies;
    assert.equal(policies.defaultPolicy?.isEnabled, true);
    assert.deepEqual(
      policies.appPolicies.map((p) => [p.displayName, p.isEnabled, p.appliesTo]),
      [
        [
          "Exempt legacy",
          false,
          [
            {
              objectId: "a1000004-0000-4000-8000-000000000000",
              objectType: "application",
              displayName: "Exempt app",
            },
          ],
        ],
        [
          "No secrets",
          true,
          [
            {
              objectId: "a1000005-0000-4000-8000-000000000000",
              objectType: "application",
              displayName: "No secrets app",
            },
          ],
        ],
      ],
    );
    assert.deepEqual(policies.caps, {
      maxLifetime: "P180D",
      maxPasswordLifetime: "P270D",
      maxCertificateLifetime: "P180D",
    });
    assert.equal(policies.credentialsBreaking, 4);
  });

  it("says whether the default policy is enabled, what it caps and which apps a per-app policy covers", async () => {
    const run = await audit(["--tenant", TENANT, "--now", NOW]);
    assert.match(
      run.stdout,
      /App management policies \(Entra checks them only when a credential is added\):\n {2}Tenant default policy: enabled\.\n {4}applications: passwordLifetime ≤ P365D for objects created from 2024-01-01T00:00:00Z; asymmetricKeyLifetime ≤ P180D\n {4}service principals: passwordLifetime ≤ P270D for objects created from 2024-01-01T00:00:00Z\n {2}Per-app policy "Exempt legacy" \(f1000001-\S+\), disabled: the objects it applies to are exempt from the default policy; applies to application "Exempt app" \(a1000004-\S+\)\.\n {2}Per-app policy "No secrets" \(f1000002-\S+\), enabled: passwordAddition blocked; applies to application "No secrets app" \(a1000005-\S+\)\.\n {2}Caps for the policy pack: maxLifetime P180D, maxPasswordLifetime P270D, maxCertificateLifetime P180D \(--emit-policy-config FILE writes them\)\.\n {2}Existing credentials that break them: 4 \(credential-tenant-policy\)\./,
    );
    const disabled = tenantJson();
    (disabled.defaultAppManagementPolicy as Record<string, unknown>).isEnabled = false;
    delete disabled.appManagementPolicies;
    const off = await audit(["--tenant", tempFile("tenant.json", disabled), "--now", NOW]);
    assert.match(
      off.stdout,
      /Tenant default policy: disabled \(Entra's default\): it restricts nothing\.\n {2}Per-app policies: none\./,
    );
    assert.doesNotMatch(off.stdout, /credential-tenant-policy\s+\d/);
  });

  it("tenant text in the policies' lines reaches the terminal neutralised", async () => {
    const hostile = tenantJson();
    const policies = hostile.appManagementPolicies as { value: Record<string, unknown>[] };
    policies.value[0].displayName = "Exempt\u001b]0;pwned\u0007\u202e";
    const run = await audit(["--tenant", tempFile("tenant.json", hostile), "--now", NOW]);
    assert.match(run.stdout, /Per-app policy "Exempt\\u\{1b\}\]0;pwned\\u\{7\}\\u\{202e\}"/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(run.stdout, /[\u001b\u0007\u202e]/);
  });

  it("--emit-policy-config writes the caps for the pack, keeping the given configuration", async () => {
    const dir = tempDir();
    const out = path.join(dir, "policy-config.json");
    const config = tempFile("policy.json", {
      "credential-max-lifetime": "mandatory",
      "credential-expiring-soon": { warnBefore: "P45D" },
    });
    const run = await audit([
      "--tenant",
      TENANT,
      "--now",
      NOW,
      "--json",
      "--policy-pack-config",
      config,
      "--emit-policy-config",
      out,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^audit: --emit-policy-config \S+policy-config\.json: credential-max-lifetime maxLifetime P180D, maxPasswordLifetime P270D, maxCertificateLifetime P180D\n$/,
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(out, "utf8")), {
      "credential-max-lifetime": {
        enforcementLevel: "mandatory",
        maxLifetime: "P180D",
        maxPasswordLifetime: "P270D",
        maxCertificateLifetime: "P180D",
      },
      "credential-expiring-soon": { warnBefore: "P45D" },
    });
    // Written as every report file: never through a symbolic link.
    const link = path.join(dir, "link.json");
    fs.symlinkSync(path.join(dir, "elsewhere.json"), link);
    const refused = await audit(["--tenant", TENANT, "--now", NOW, "--emit-policy-config", link]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^audit: --emit-policy-config \S+link\.json: cannot write \(a symbolic link/,
    );
    assert.equal(refused.stdout, "");
    assert.equal(fs.existsSync(path.join(dir, "elsewhere.json")), false);
  });

  it("--emit-policy-config needs the policies; a tenant file is checked like the other inputs", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--apps", APPS, "--emit-policy-config", path.join(tempDir(), "p.json")],
        /^audit: --emit-policy-config needs the tenant's app management policies: give a --tenant FILE/,
      ],
      [
        ["--tenant", tempFile("t.json", { applications: [], extra: 1 })],
        /^audit: --tenant \S+t\.json: unknown key "extra"; a tenant file holds applications, servicePrincipals, defaultAppManagementPolicy, appManagementPolicies, deployer$/,
      ],
      [
        ["--tenant", TENANT, "--apps", APPS],
        /^audit: --tenant \S+tenant-policies\.json: holds applications, and --apps gives them too: give each kind once$/,
      ],
      [
        [
          "--tenant",
          tempFile("t.json", {
            defaultAppManagementPolicy: { isEnabled: true, applicationRestrictions: [] },
          }),
        ],
        /^audit: --tenant \S+t\.json: \$\.defaultAppManagementPolicy\.applicationRestrictions: expected an appManagementConfiguration object, got a list$/,
      ],
      [["--tenant", TENANT, "--graph"], /^audit: --graph reads the tenant live/],
      [["--tenant", TENANT, "--no-app-management-policies"], /applies to --graph/],
    ];
    for (const [args, pattern] of cases) {
      const run = await audit(args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr.trimEnd(), pattern);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    }
  });

  it("a tenant file holding only policies goes with --apps; --adopt is unchanged by them", async () => {
    const only = tenantJson();
    delete only.applications;
    delete only.servicePrincipals;
    const run = await audit([
      "--apps",
      APPS,
      "--tenant",
      tempFile("policies.json", only),
      "--now",
      NOW,
      "--adopt",
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.ok((parse(run.stdout) as { apps: unknown[] }).apps.length > 0);
  });
});
