/**
 * How the calendar turns the churn check's findings into invariant-5 violations
 * (tools/calendar/programCheck.ts): one per credential, for its app, dated at the later run.
 */
import { strict as assert } from "assert";
import { churnViolations } from "../../tools/calendar/programCheck";
import type { ChurnFinding } from "../../tools/offline/churn";
import type { Registration } from "../../tools/offline/simulator/simulatedAzure";
import { registration } from "../support/registrations";

const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";

describe("calendar: credentials the program replaces at every deployment", () => {
  it("one invariant-5 violation per credential, for its app, naming it, dated at the later run", () => {
    const app = registration("app-credentials:index:AppCredential", "orders-api", {
      custom: false,
    });
    const password = registration(PASSWORD, "orders-api-passwords-slot0", { parent: app.urn });
    const stray = registration(PASSWORD, "stray");
    const finding = (r: Registration, laterMs: number): ChurnFinding => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      baseMs: Date.parse("2026-11-21T00:00:00Z"),
      laterMs,
      kind: "inputs",
      changes: [{ input: "endDate", before: '"a"', after: '"b"', secret: false }],
    });
    const violations = churnViolations(
      [
        finding(password, Date.parse("2026-11-21T00:00:01Z")),
        finding(stray, Date.parse("2026-11-22T00:00:00Z")),
      ],
      [app, password, stray],
    );
    assert.deepEqual(
      violations.map((v) => [v.app, v.instant, v.invariant]),
      [
        ["orders-api", "2026-11-21T00:00:01Z", 5],
        ["stray", "2026-11-22T00:00:00Z", 5],
      ],
    );
    assert.match(
      violations[0].message,
      /^the program replaces credential orders-api-passwords-slot0 \(azuread:index\/applicationPassword:ApplicationPassword\) at every deployment: .*endDate "a" → "b"\.$/,
    );
  });
});
