/**
 * The sign-in report (Graph beta /reports/appCredentialSignInActivities) and what the audit makes
 * of it: both spellings Graph uses, paged files, "no entry = no data", credential-unused after
 * unusedAfter, and credential-in-use-before-deletion for a managed slot the next rotation deletes.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Duration } from "luxon";
import {
  CredentialActivityIndex,
  CredentialActivityShapeError,
  parseCredentialActivityText,
} from "../../tools/offline/credentialActivity";
import {
  credentialInUseBeforeDeletion,
  credentialUnused,
  managedSchedules,
} from "../../tools/offline/credentialUse";
import { audit, DAY, FIXTURES, NOW, NOW_MS, tempDir, tempFile } from "./helpers";

const ACTIVITY = path.join(FIXTURES, "credential-activity.json");
const TENANT = path.join(FIXTURES, "tenant-policies.json");
const ORDERS = "a1000001-0000-4000-8000-000000000000";
const SLOT_0 = "c1000001-0000-4000-8000-000000000000";
const SLOT_1 = "c1000002-0000-4000-8000-000000000000";
const NEW_APP_SECRET = "c1000003-0000-4000-8000-000000000000";
const OLD_APP_SECRET = "c1000004-0000-4000-8000-000000000000";
const EXEMPT_APP_SECRET = "c1000005-0000-4000-8000-000000000000";
const P90D = Duration.fromISO("P90D");
const PT24H = Duration.fromISO("PT24H");

interface JsonFinding {
  keyId: string;
  policy: string;
  level: string;
  message: string;
  lastSignIn: string | null;
  lastSignInStatus: string;
}

const key = (keyId: string, objectId = ORDERS) =>
  ({ objectType: "application", objectId, credentialType: "password", keyId }) as const;

describe("audit: sign-in report", () => {
  describe("reading it", () => {
    /** The fixture is a list of two pages; a loop of `az rest` writes them one after the other. */
    const pages = JSON.parse(fs.readFileSync(ACTIVITY, "utf8")) as { value: unknown[] }[];
    const concatenated = pages.map((page) => JSON.stringify(page, null, 2)).join("\n");
    const entries = parseCredentialActivityText(concatenated);
    const index = new CredentialActivityIndex(entries);

    it("reads pages concatenated in one file, in both of Graph's spellings", () => {
      assert.equal(entries.length, 5);
      // The resource page's names: expirationDateTime, keyType clientSecret.
      assert.equal(entries[0].keyType, "clientSecret");
      assert.equal(entries[0].expirationMs, Date.parse("2026-02-01T00:00:00Z"));
      // Graph's examples: expirationDate, keyType "secret", a one-digit offset hour (-8:00).
      const example = entries[3];
      assert.equal(example.keyType, "clientSecret");
      assert.equal(example.expirationMs, Date.parse("2027-01-01T00:00:00Z"));
      assert.equal(example.lastSignInMs, Date.parse("2025-06-15T00:00:00Z"));
      assert.equal(example.keyId, NEW_APP_SECRET); // keyIds are matched ignoring case
    });

    it("also reads a list of pages, a list of entries, one page, and pages without whitespace between", () => {
      assert.deepEqual(parseCredentialActivityText(JSON.stringify(pages)), entries);
      const list = pages.flatMap((p) => p.value);
      assert.deepEqual(parseCredentialActivityText(JSON.stringify(list)), entries);
      assert.deepEqual(parseCredentialActivityText(JSON.stringify({ value: list })), entries);
      assert.deepEqual(
        parseCredentialActivityText(pages.map((p) => JSON.stringify(p)).join("")),
        entries,
      );
    });

    it("no entry is no data, never unused; an entry without a sign-in is 'none recorded'", () => {
      assert.deepEqual(index.lastSignIn(key(SLOT_0)), {
        status: "signed-in",
        ms: Date.parse("2025-12-31T23:00:00Z"),
      });
      assert.deepEqual(
        index.lastSignIn(key(EXEMPT_APP_SECRET, "a1000004-0000-4000-8000-000000000000")),
        {
          status: "no-data",
        },
      );
      assert.deepEqual(
        index.lastSignIn(key(OLD_APP_SECRET, "a1000003-0000-4000-8000-000000000000")),
        {
          status: "none-recorded",
        },
      );
      // The entry names its holder: another object, or a certificate, is not this credential.
      assert.deepEqual(index.lastSignIn(key(SLOT_0, "a1000009-0000-4000-8000-000000000000")), {
        status: "no-data",
      });
      assert.deepEqual(index.lastSignIn({ ...key(SLOT_0), credentialType: "certificate" }), {
        status: "no-data",
      });
      assert.equal(
        credentialUnused({
          lastSignIn: { status: "no-data" },
          startMs: NOW_MS - 1000 * DAY,
          nowMs: NOW_MS,
          unusedAfter: P90D,
        }).unused,
        false,
      );
    });

    it("refuses what the report is not, naming the JSON path", () => {
      const rejects = (text: string, pattern: RegExp) =>
        assert.throws(
          () => parseCredentialActivityText(text),
          (error: unknown) => {
            assert.ok(error instanceof CredentialActivityShapeError, String(error));
            assert.match(error.message, pattern);
            return true;
          },
        );
      rejects("{", /^\$: not valid JSON/);
      rejects('{"value": []} x', /^\$: not valid JSON/);
      rejects("42", /^\$: expected the report's page/);
      rejects(
        '{"value": [{"keyId": 5}]}',
        /^\$\.value\[0\]\.keyId: expected the credential's keyId/,
      );
      rejects(
        '{"value": []}\n{"value": [{"keyId": "k", "signInActivity": {"lastSignInDateTime": "yesterday"}}]}',
        /^\$\[1\]\.value\[0\]\.signInActivity\.lastSignInDateTime: "yesterday" is not an RFC 3339 timestamp/,
      );
    });
  });

  describe("the decisions (pure, for the offline preview too)", () => {
    it("credential-unused: no sign-in for unusedAfter, or none recorded on a credential older than that", () => {
      const unused = (
        lastSignIn: Parameters<typeof credentialUnused>[0]["lastSignIn"],
        startDays = -400,
      ) =>
        credentialUnused({
          lastSignIn,
          startMs: NOW_MS + startDays * DAY,
          nowMs: NOW_MS,
          unusedAfter: P90D,
        });
      assert.equal(unused({ status: "signed-in", ms: NOW_MS - 91 * DAY }).unused, true);
      assert.equal(unused({ status: "signed-in", ms: NOW_MS - 90 * DAY }).unused, false);
      assert.equal(unused({ status: "none-recorded" }).unused, true);
      assert.deepEqual(unused({ status: "none-recorded" }, -30), {
        unused: false,
        reason: "too-new",
      });
    });

    it("credential-in-use-before-deletion: not held by Key Vault, deleted next, signed in within inUseWindow", () => {
      const decide = (
        schedule: { heldByKeyVault: boolean; deletionMs: number | null },
        lastSignInMs: number | null,
      ) =>
        credentialInUseBeforeDeletion({
          schedule,
          deploymentMs: NOW_MS,
          lastSignInMs,
          inUseWindow: PT24H,
        });
      const dueTomorrow = { heldByKeyVault: false, deletionMs: NOW_MS + DAY };
      assert.deepEqual(decide(dueTomorrow, NOW_MS - 3_600_000), {
        inUse: true,
        lastSignInMs: NOW_MS - 3_600_000,
        deletionMs: NOW_MS + DAY,
        windowStartMs: NOW_MS - DAY,
      });
      assert.equal(decide(dueTomorrow, NOW_MS - DAY).inUse, true); // the window's first instant
      assert.deepEqual(decide(dueTomorrow, NOW_MS - DAY - 1), {
        inUse: false,
        reason: "not-recent",
      });
      assert.deepEqual(decide(dueTomorrow, null), { inUse: false, reason: "no-sign-in" });
      assert.deepEqual(decide({ heldByKeyVault: true, deletionMs: null }, NOW_MS), {
        inUse: false,
        reason: "held-by-key-vault",
      });
      assert.deepEqual(decide({ heldByKeyVault: false, deletionMs: null }, NOW_MS), {
        inUse: false,
        reason: "not-scheduled",
      });
    });

    it("the schedule from the markers: the newest is Key Vault's, the other slot is deleted at end − grace", () => {
      const grace = { text: "P30D", duration: Duration.fromISO("P30D") };
      const end0 = Date.parse("2026-02-01T00:00:00Z");
      const [slot0, slot1, other, hand, orphan] = managedSchedules(
        [
          { displayName: "app-credentials slot 0 generation 3", endMs: end0 },
          { displayName: "app-credentials slot 1 generation 3", endMs: end0 + 180 * DAY },
          { displayName: "CN=app-credentials batch slot 0 generation 1", endMs: end0 },
          { displayName: "hand-made", endMs: end0 },
          { displayName: "app-credentials slot 0 generation 2", endMs: end0 - 360 * DAY },
        ],
        { assumedGrace: grace },
      );
      assert.deepEqual(slot0, {
        slot: 0,
        generation: 3,
        issuedWindow: 6,
        heldByKeyVault: false,
        deletionMs: Date.parse("2026-01-02T00:00:00Z"),
        basis: "end-date-minus-grace",
        assumedGrace: "P30D",
      });
      assert.equal(slot1?.heldByKeyVault, true);
      assert.equal(slot1?.deletionMs, null);
      // A certificate of another app is its own group: the newest of its group.
      assert.equal(other?.heldByKeyVault, true);
      assert.equal(hand, null);
      // An older generation of slot 0 left behind: Pulumi no longer tracks it.
      assert.equal(orphan?.deletionMs, null);
      // With the stack's rotation settings: W(issued + slots), exact.
      const [exact] = managedSchedules(
        [
          { displayName: "app-credentials slot 0 generation 3", endMs: end0 },
          { displayName: "app-credentials slot 1 generation 3", endMs: end0 + 180 * DAY },
        ],
        {
          assumedGrace: grace,
          rotation: {
            anchorMs: Date.parse("2022-01-23T00:00:00Z"),
            periodDuration: Duration.fromISO("P180D"),
            slots: 2,
          },
        },
      );
      assert.equal(exact?.deletionMs, Date.parse("2026-01-02T00:00:00Z"));
      assert.equal(exact?.basis, "stack-rotation");
    });
  });

  describe("npm run audit -- --credential-activity", () => {
    const run = (...extra: string[]) =>
      audit(["--tenant", TENANT, "--credential-activity", ACTIVITY, "--now", NOW, ...extra]);

    it("a managed slot in use one day before its deletion is credential-in-use-before-deletion (mandatory)", async () => {
      const result = await run("--json");
      assert.equal(result.code, 1, result.stderr);
      const { findings } = JSON.parse(result.stdout) as { findings: JsonFinding[] };
      const inUse = findings.filter((f) => f.policy === "credential-in-use-before-deletion");
      assert.equal(inUse.length, 1);
      assert.equal(inUse[0].keyId, SLOT_0);
      assert.equal(inUse[0].level, "mandatory");
      assert.equal(inUse[0].lastSignIn, "2025-12-31T23:00:00Z");
      assert.match(
        inUse[0].message,
        /slot 0 generation 3 of this project's rotation, signed in at 2025-12-31T23:00:00Z, within inUseWindow PT24H of 2026-01-01T00:00:00Z, but Key Vault no longer holds it: the next scheduled rotation deletes it at the first pulumi up from 2026-01-02T00:00:00Z, in 1 day \(estimated as its endDateTime less the default grace P30D; --stack gives the exact instant\)/,
      );
      // The slot Key Vault holds signed in too: that is expected.
      assert.ok(findings.every((f) => f.keyId !== SLOT_1));
    });

    it("credential-unused after P90D; no entry is no data; every finding carries the last sign-in", async () => {
      const { findings } = JSON.parse((await run("--json")).stdout) as { findings: JsonFinding[] };
      const unused = findings.filter((f) => f.policy === "credential-unused");
      assert.deepEqual(
        unused.map((f) => [f.keyId, f.lastSignIn, f.lastSignInStatus, f.level]),
        [
          [OLD_APP_SECRET, null, "none-recorded", "advisory"],
          [NEW_APP_SECRET, "2025-06-15T00:00:00Z", "signed-in", "advisory"],
        ],
      );
      assert.match(
        unused[1].message,
        /not signed in since 2025-06-15T00:00:00Z: none since 2025-10-03T00:00:00Z \(unusedAfter P90D; the report is a Microsoft Graph beta API/,
      );
      // The same from the pages written one after the other (a loop of az rest appending them).
      const pages = JSON.parse(fs.readFileSync(ACTIVITY, "utf8")) as unknown[];
      const appended = tempFile("activity.json", pages.map((p) => JSON.stringify(p)).join("\n"));
      const again = await audit([
        "--tenant",
        TENANT,
        "--credential-activity",
        appended,
        "--now",
        NOW,
        "--json",
      ]);
      assert.deepEqual(
        (JSON.parse(again.stdout) as { findings: JsonFinding[] }).findings,
        findings,
      );
      const exempt = findings.filter((f) => f.keyId === EXEMPT_APP_SECRET);
      assert.ok(exempt.length > 0);
      assert.ok(
        exempt.every((f) => f.lastSignInStatus === "no-data" && f.policy !== "credential-unused"),
      );
    });

    it("unusedAfter and inUseWindow come from the --policy-pack-config file", async () => {
      const config = tempFile("policy.json", {
        "credential-unused": { unusedAfter: "P400D" },
        "credential-in-use-before-deletion": { enforcementLevel: "advisory", inUseWindow: "PT30M" },
      });
      const result = await run("--json", "--policy-pack-config", config);
      const { findings } = JSON.parse(result.stdout) as { findings: JsonFinding[] };
      assert.equal(findings.filter((f) => f.policy === "credential-unused").length, 0);
      assert.equal(
        findings.filter((f) => f.policy === "credential-in-use-before-deletion").length,
        0,
      );
      const bad = await run(
        "--policy-pack-config",
        tempFile("p.json", { "credential-unused": { unusedAfter: "P0D" } }),
      );
      assert.equal(bad.code, 2);
      assert.match(
        bad.stderr,
        /credential-unused\.unusedAfter: "P0D" is invalid; expected a positive ISO 8601 duration/,
      );
    });

    it("the table has a Last sign-in column and says the report is a beta API, its coverage and freshness", async () => {
      const result = await run();
      const lines = result.stdout.split("\n");
      assert.match(lines[2], /Days left\s+Last sign-in\s+Findings$/);
      assert.match(
        result.stdout,
        /Orders API .* 2025-12-31T23:00:00Z\s+credential-in-use-before-deletion\*/,
      );
      assert.match(result.stdout, /Old app .* none recorded\s+credential-unmanaged\*/);
      assert.match(result.stdout, /Exempt app .* no data\s+credential-unmanaged\*$/m);
      assert.match(
        result.stdout,
        /Sign-in report \(.*credential-activity\.json; Microsoft Graph BETA API, subject to change\): 5 entries; 5 credentials with data, 4 without \("no data": not judged, never counted as unused\)\. Freshness: sign-in activity might take up to 24 hours to update/,
      );
      const without = await audit(["--tenant", TENANT, "--now", NOW]);
      assert.match(
        without.stdout,
        /Sign-in report not given .*: credential-unused and credential-in-use-before-deletion were not judged\./,
      );
      assert.doesNotMatch(without.stdout, /Last sign-in/);
    });

    it("--stack: the deletion instant from the stack's rotation settings", async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app-credentials\nruntime: nodejs\n");
      fs.writeFileSync(path.join(dir, "index.ts"), "");
      fs.writeFileSync(
        path.join(dir, "Pulumi.audit.yaml"),
        [
          "config:",
          "  app-credentials:keyVault:",
          "    existing: { resourceGroupName: rg, name: kv-audit }",
          "  app-credentials:rotation:",
          "    period: P180D",
          "    grace: P30D",
          "    anchor: 2022-01-23T00:00:00Z",
          "  app-credentials:apps:",
          "    - name: orders-api",
          `      existing: { applicationObjectId: ${ORDERS} }`,
          "",
        ].join("\n"),
      );
      const result = await run("--json", "--stack", "audit", "--dir", dir);
      assert.equal(result.code, 1, result.stderr);
      const { findings } = JSON.parse(result.stdout) as { findings: JsonFinding[] };
      const inUse = findings.find((f) => f.policy === "credential-in-use-before-deletion");
      assert.match(
        inUse?.message ?? "",
        /deletes it at the first pulumi up from 2026-01-02T00:00:00Z, in 1 day \(by the stack's rotation settings\)/,
      );
      const missing = await run("--stack", "nope", "--dir", dir);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^audit: --stack nope: .*Pulumi\.nope\.yaml/);
    });

    it("--credential-activity without a file needs --graph; a bad file is exit 2 naming the path", async () => {
      const bare = await audit(["--tenant", TENANT, "--credential-activity"]);
      assert.equal(bare.code, 2);
      assert.match(
        bare.stderr,
        /^audit: --credential-activity reads the sign-in report: give FILE .* or use --graph/,
      );
      const bad = await audit([
        "--tenant",
        TENANT,
        "--credential-activity",
        tempFile("a.json", { value: [{ keyId: "k", expirationDate: 3 }] }),
      ]);
      assert.equal(bad.code, 2);
      assert.match(
        bad.stderr,
        /^audit: --credential-activity \S+a\.json: \$\.value\[0\]\.expirationDate: expected an RFC 3339 timestamp or null, got number 3\n$/,
      );
    });
  });
});
