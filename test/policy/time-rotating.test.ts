/**
 * policy/core/time-rotating.ts against examples worked by hand from hashicorp/terraform-provider-time
 * `internal/provider/resource_time_rotating.go` `setRotationValues`: every rotation field is
 * applied to the base timestamp in the order days, hours, minutes, months, rotation_rfc3339, years,
 * each overwriting the previous result; days/months/years with Go's `time.AddDate` (normalised
 * like `time.Date`, never clamped), hours/minutes as `time.Duration`.
 */
import { strict as assert } from "assert";
import { rotatingNextRotation } from "../../policy/core/rotation";
import {
  decidingRotationField,
  formatGoRfc3339,
  goAddDate,
  rfc3339OffsetMinutes,
  rotationInstant,
} from "../../policy/core/time-rotating";

const ms = (iso: string): number => {
  const parsed = Date.parse(iso);
  assert.ok(Number.isFinite(parsed), iso);
  return parsed;
};
const iso = (at: number | undefined): string | undefined =>
  at === undefined ? undefined : new Date(at).toISOString().replace(/\.000Z$/, "Z");

describe("time.Rotating as terraform-provider-time computes it", () => {
  describe("goAddDate (Go's time.Time.AddDate)", () => {
    it("rolls a month-end over instead of clamping: Jan 31 + 1 month = Mar 3 (Mar 2 in a leap year)", () => {
      // time.Date(2023, February, 31, …): February 2023 has 28 days, 31 - 28 = 3 → March 3.
      assert.equal(iso(goAddDate(ms("2023-01-31T10:00:00Z"), 0, 1, 0)), "2023-03-03T10:00:00Z");
      // February 2024 has 29 days, 31 - 29 = 2 → March 2.
      assert.equal(iso(goAddDate(ms("2024-01-31T10:00:00Z"), 0, 1, 0)), "2024-03-02T10:00:00Z");
      // Go's own doc example: October 31 + 1 month = "November 31" = December 1.
      assert.equal(iso(goAddDate(ms("2025-10-31T00:00:00Z"), 0, 1, 0)), "2025-12-01T00:00:00Z");
      // Months overflow into the year first: 2023-12-31 + 2 months = "2024-02-31" = 2024-03-02.
      assert.equal(iso(goAddDate(ms("2023-12-31T00:00:00Z"), 0, 2, 0)), "2024-03-02T00:00:00Z");
      // A day that exists in the target month is kept.
      assert.equal(iso(goAddDate(ms("2026-01-15T08:30:00Z"), 0, 1, 0)), "2026-02-15T08:30:00Z");
    });

    it("rolls Feb 29 + 1 year over to Mar 1, keeps it after 4 years", () => {
      assert.equal(iso(goAddDate(ms("2024-02-29T12:00:00Z"), 1, 0, 0)), "2025-03-01T12:00:00Z");
      assert.equal(iso(goAddDate(ms("2024-02-29T12:00:00Z"), 4, 0, 0)), "2028-02-29T12:00:00Z");
    });

    it("adds days across month and leap-day boundaries, keeping the time of day", () => {
      assert.equal(iso(goAddDate(ms("2024-02-28T23:59:59Z"), 0, 0, 1)), "2024-02-29T23:59:59Z");
      assert.equal(iso(goAddDate(ms("2024-02-28T23:59:59Z"), 0, 0, 2)), "2024-03-01T23:59:59Z");
      assert.equal(iso(goAddDate(ms("2026-01-01T00:00:00Z"), 0, 0, 90)), "2026-04-01T00:00:00Z");
    });

    it("does not map years 0–99 to the 1900s, and gives NaN out of a Date's range", () => {
      assert.equal(goAddDate(ms("0050-06-15T00:00:00Z"), 1, 0, 0), ms("0051-06-15T00:00:00Z"));
      assert.ok(Number.isNaN(goAddDate(ms("2026-01-01T00:00:00Z"), 300_000, 0, 0)));
    });

    it("normalises the wall clock in the base's offset, as Go does for a parsed -02:00", () => {
      // 2026-01-31T23:00:00-02:00 + 1 month = "2026-02-31T23:00:00-02:00" = 2026-03-03T23:00-02:00.
      const base = ms("2026-01-31T23:00:00-02:00");
      assert.equal(iso(goAddDate(base, 0, 1, 0, -120)), "2026-03-04T01:00:00Z");
      // The same instant in UTC is 2026-02-01T01:00Z, a month later 2026-03-01T01:00Z.
      assert.equal(iso(goAddDate(base, 0, 1, 0)), "2026-03-01T01:00:00Z");
    });
  });

  describe("rotationInstant (setRotationValues)", () => {
    const base = ms("2026-01-31T10:00:00Z");

    it("uses a single field as the provider does", () => {
      assert.equal(iso(rotationInstant(base, { rotationDays: 30 })), "2026-03-02T10:00:00Z");
      assert.equal(iso(rotationInstant(base, { rotationHours: 36 })), "2026-02-01T22:00:00Z");
      assert.equal(iso(rotationInstant(base, { rotationMinutes: 90 })), "2026-01-31T11:30:00Z");
      assert.equal(iso(rotationInstant(base, { rotationMonths: 1 })), "2026-03-03T10:00:00Z");
      assert.equal(iso(rotationInstant(base, { rotationYears: 2 })), "2028-01-31T10:00:00Z");
    });

    it("does not add several fields: the last one applied wins (days < hours < minutes < months < rfc3339 < years)", () => {
      // Hours are applied after days, to the base: 10:00 + 12h, not + 30 days 12 hours.
      assert.equal(
        iso(rotationInstant(base, { rotationDays: 30, rotationHours: 12 })),
        "2026-01-31T22:00:00Z",
      );
      assert.equal(
        iso(rotationInstant(base, { rotationHours: 12, rotationMinutes: 30 })),
        "2026-01-31T10:30:00Z",
      );
      assert.equal(
        iso(rotationInstant(base, { rotationDays: 1, rotationMinutes: 5, rotationMonths: 1 })),
        "2026-03-03T10:00:00Z",
      );
      assert.equal(
        iso(rotationInstant(base, { rotationMonths: 6, rotationYears: 1 })),
        "2027-01-31T10:00:00Z",
      );
      assert.equal(
        decidingRotationField({ rotationDays: 1, rotationHours: 2, rotationMinutes: 3 }),
        "rotationMinutes",
      );
    });

    it("takes a given rotationRfc3339 as is, over days to months, but not over years", () => {
      const at = ms("2026-07-01T00:00:00Z");
      assert.equal(rotationInstant(base, { rotationRfc3339: at }), at);
      assert.equal(
        rotationInstant(base, { rotationDays: 7, rotationMonths: 2, rotationRfc3339: at }),
        at,
      );
      assert.equal(
        iso(rotationInstant(base, { rotationRfc3339: at, rotationYears: 1 })),
        "2027-01-31T10:00:00Z",
      );
      // The epoch is a valid rotation_rfc3339 (the provider tests the string, not the instant).
      assert.equal(rotationInstant(base, { rotationRfc3339: 0 }), 0);
    });

    it("is undefined when no field is set (the schema's AtLeastOneOf); 0 counts as not set", () => {
      assert.equal(rotationInstant(base, {}), undefined);
      assert.equal(rotationInstant(base, { rotationDays: 0 }), undefined);
      assert.equal(
        iso(rotationInstant(base, { rotationDays: 0, rotationHours: 1 })),
        "2026-01-31T11:00:00Z",
      );
      assert.equal(rotationInstant(base, { rotationDays: 1.5 }), undefined);
      assert.equal(rotationInstant(base, { rotationYears: 300_000 }), undefined);
    });

    it("wraps hours like Go's int64 time.Duration past 2 562 047 hours", () => {
      // 2 562 047 h = 9 223 369 200 000 000 000 ns ≤ 2^63 - 1: no wrap.
      assert.equal(rotationInstant(0, { rotationHours: 2_562_047 }), 2_562_047 * 3_600_000);
      // 2 562 048 h = 9 223 372 800 000 000 000 ns - 2^64 = -9 223 371 273 709 551 616 ns.
      assert.equal(rotationInstant(0, { rotationHours: 2_562_048 }), -9_223_371_273_710);
    });

    it("adds months in the base's own offset", () => {
      const offsetBase = "2026-01-31T23:00:00-02:00";
      assert.equal(rfc3339OffsetMinutes(offsetBase), -120);
      const at = rotationInstant(
        ms(offsetBase),
        { rotationMonths: 1 },
        { baseOffsetMinutes: rfc3339OffsetMinutes(offsetBase) },
      );
      assert.equal(iso(at), "2026-03-04T01:00:00Z");
      assert.equal(formatGoRfc3339(at as number, -120), "2026-03-03T23:00:00-02:00");
    });

    it("formats outputs as Go's time.RFC3339 (whole seconds, Z or ±hh:mm)", () => {
      assert.equal(formatGoRfc3339(ms("2026-01-31T10:00:00.999Z")), "2026-01-31T10:00:00Z");
      assert.equal(formatGoRfc3339(ms("2026-01-31T10:00:00Z"), 330), "2026-01-31T15:30:00+05:30");
      assert.equal(rfc3339OffsetMinutes("2026-01-31T10:00:00Z"), 0);
      assert.equal(rfc3339OffsetMinutes("2026-01-31T10:00:00+05:30"), 330);
      assert.equal(rfc3339OffsetMinutes("2026-01-31"), undefined);
    });
  });

  describe("the pack's rotatingNextRotation uses it", () => {
    const NOW = ms("2026-01-31T00:00:00Z");

    it("judges rotationMonths: 1 from Jan 31 as Mar 3, not Feb 28", () => {
      const next = rotatingNextRotation(
        "r",
        { rfc3339: "2026-01-31T00:00:00Z", rotationMonths: 1 },
        NOW,
      );
      assert.deepEqual(next, {
        ok: true,
        value: {
          ms: ms("2026-03-03T00:00:00Z"),
          source: 'time:index/rotating:Rotating "r" (2026-01-31T00:00:00Z + P1M)',
        },
      });
    });

    it("takes rotationHours over rotationDays, and says the days are ignored", () => {
      const next = rotatingNextRotation("r", { rotationDays: 90, rotationHours: 24 }, NOW);
      assert.deepEqual(next, {
        ok: true,
        value: {
          ms: ms("2026-02-01T00:00:00Z"),
          source:
            'time:index/rotating:Rotating "r" (now + PT24H; rotationDays ignored: time.Rotating applies only the last rotation field set, rotationHours)',
        },
      });
    });

    it("takes rotationYears over a given rotationRfc3339", () => {
      const next = rotatingNextRotation(
        "r",
        {
          rfc3339: "2024-02-29T00:00:00Z",
          rotationRfc3339: "2024-06-01T00:00:00Z",
          rotationYears: 1,
        },
        NOW,
      );
      assert.ok(next.ok);
      assert.equal(iso(next.value.ms), "2025-03-01T00:00:00Z");
    });

    it("still rejects a malformed field and a Rotating without any", () => {
      assert.deepEqual(rotatingNextRotation("r", { rotationDays: -1 }, NOW), {
        ok: false,
        reason: 'time:index/rotating:Rotating "r" rotationDays must be a positive whole number',
      });
      assert.deepEqual(rotatingNextRotation("r", {}, NOW), {
        ok: false,
        reason: 'time:index/rotating:Rotating "r" sets no rotation period',
      });
    });
  });
});
