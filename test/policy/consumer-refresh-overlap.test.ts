import * as assert from "assert";
import {
  addDuration,
  formatInstant,
  formatSchedule,
  nextRotation,
  parseDuration,
  parseInstant,
} from "../../policy/core";
import {
  consumerRefreshOverlapPolicy,
  formatFixedDuration,
} from "../../policy/policies/consumer-refresh-overlap";
import { clock, NOW, runResource, UNKNOWN, UnknownValueError } from "./helpers";

const policy = consumerRefreshOverlapPolicy(clock);
const SECRET = "azure-native:keyvault:Secret";
const NAME = "orders-api-client-secret";

/** A rotation as the stack config states it. */
interface Rotation {
  anchor: string;
  period: string;
  grace: string;
  slots: 1 | 2;
}

/**
 * The tags app-credentials writes on the credential's secret at `nowMs`: the active slot's
 * schedule keys, its end date (next rotation + grace) and the slowest consumer's refresh.
 */
function tagsAt(rotation: Rotation, refresh: string, nowMs = NOW): Record<string, string> {
  const period = parseDuration(rotation.period);
  const grace = parseDuration(rotation.grace);
  const anchor = parseInstant(rotation.anchor);
  assert.ok(period.ok && grace.ok && anchor.ok);
  let k = 0;
  while (addDuration(anchor.value, period.value, k + 1) <= nowMs) k++;
  const slot = k % rotation.slots;
  const schedule = {
    anchorMs: anchor.value,
    period: rotation.period,
    generation: Math.floor((k - slot) / rotation.slots),
    slot,
    slots: rotation.slots,
  };
  const keys = formatSchedule(schedule, "0");
  return {
    app: "orders-api",
    keyId: "00000000-0000-0000-0000-000000000001",
    endDate: formatInstant(addDuration(nextRotation(schedule, period.value), grace.value)),
    "rotation-window": keys["rotation-window"],
    "rotation-slot": keys["rotation-slot"],
    "consumer-refresh": refresh,
  };
}

const secret = (tags: unknown) => ({
  properties: { value: "s3cret", attributes: { expires: 1_800_000_000 } },
  tags,
});
const run = (tags: unknown, type = SECRET) => runResource(policy, type, NAME, secret(tags));

const DEFAULTS: Rotation = {
  anchor: "2025-01-01T00:00:00Z",
  period: "P180D",
  grace: "P30D",
  slots: 2,
};

describe("consumer-refresh-overlap", () => {
  it("is mandatory, with remediation steps and its README section", () => {
    assert.strictEqual(policy.enforcementLevel, "mandatory");
    assert.strictEqual(policy.url, "policy/README.md#consumer-refresh-overlap");
    assert.ok((policy.remediationSteps ?? "").length > 20);
  });

  it("passes P180D, grace P30D, 2 slots with consumers refreshing every PT24H (or up to 150 days)", async () => {
    assert.deepStrictEqual(await run(tagsAt(DEFAULTS, "PT24H")), []);
    assert.deepStrictEqual(await run(tagsAt(DEFAULTS, "P150D")), []);
    assert.deepStrictEqual(
      await runResource(
        policy,
        "azure-native:keyvault/v20230701:Secret",
        NAME,
        secret(tagsAt(DEFAULTS, "PT2M")),
      ),
      [],
    );
  });

  it("rejects a refresh of P200D, naming the numbers and the longest refresh allowed", async () => {
    const tags = tagsAt(DEFAULTS, "P200D");
    assert.deepStrictEqual(await run(tags), [
      `azure-native:keyvault:Secret "${NAME}": consumers refresh every P200D (tag consumer-refresh), and the rotation's overlap does not cover them ` +
        `(period P180D, 2 slots, grace P30D = endDate ${tags.endDate} − next rotation 2026-12-22T00:00:00Z): ` +
        "refresh P200D + grace P30D (deployments run at least every grace) is 230 days, longer than the shortest window of period P180D (180 days): " +
        "the credential it still holds could be deleted at the next rotation. " +
        "Fix: shorten the consumer's refresh to at most 150 days, or lengthen rotation.period, or shorten rotation.grace.",
    ]);
    assert.strictEqual(tags.endDate, "2027-01-21T00:00:00Z");
    assert.deepStrictEqual(await run(tagsAt(DEFAULTS, "P151D")).then((m) => m.length), 1);
  });

  it("rejects one slot whatever the refresh", async () => {
    for (const refresh of ["PT2M", "PT24H", "P7D"]) {
      const messages = await run(tagsAt({ ...DEFAULTS, slots: 1 }, refresh));
      assert.strictEqual(messages.length, 1, refresh);
      assert.ok(messages[0].includes(`consumers refresh every ${refresh} (tag consumer-refresh)`));
      assert.match(
        messages[0],
        /\(period P180D, 1 slot, grace P30D = .*\): with slots: 1 a credential is deleted in the same deployment that creates its successor.* Fix: set rotation\.slots: 2/,
      );
    }
    const [malformed] = await run({ ...tagsAt(DEFAULTS, "PT2M"), "rotation-slot": "1/1" });
    assert.match(
      malformed,
      /tag rotation-slot is unreadable \(rotation-slot must be "0\/1", "0\/2" or "1\/2"\)/,
    );
  });

  it("walks calendar months: P1M with grace P7D covers a P21D refresh (shortest window 28 days), not P22D", async () => {
    const monthly: Rotation = {
      anchor: "2025-01-01T00:00:00Z",
      period: "P1M",
      grace: "P7D",
      slots: 2,
    };
    assert.deepStrictEqual(await run(tagsAt(monthly, "P21D")), []);
    const [message, ...rest] = await run(tagsAt(monthly, "P22D"));
    assert.deepStrictEqual(rest, []);
    assert.match(
      message,
      /refresh P22D \+ grace P7D .* is 29 days, longer than the shortest window of period P1M \(28 days\).*Fix: shorten the consumer's refresh to at most 21 days/,
    );
  });

  it("gives the grace from endDate − next rotation, in days and time units", async () => {
    const tags = tagsAt({ ...DEFAULTS, grace: "P6DT23H" }, "P174D");
    const [message] = await run(tags);
    assert.match(message, /grace P6DT23H = endDate/);
    assert.match(message, /refresh P174D \+ grace P6DT23H .* is 180\.9 days/);
    assert.strictEqual(formatFixedDuration(30 * 86_400_000), "P30D");
    assert.strictEqual(formatFixedDuration(90 * 60_000), "PT1H30M");
    assert.strictEqual(formatFixedDuration(500), "PT0.5S");
  });

  it("reports which tag is unreadable", async () => {
    const good = tagsAt(DEFAULTS, "PT24H");
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { "consumer-refresh": "daily" },
        /tag consumer-refresh is unreadable \("daily" is not an ISO 8601 duration/,
      ],
      [{ "consumer-refresh": "P0D" }, /tag consumer-refresh is unreadable \("P0D" is zero/],
      [
        { "rotation-window": "2025-01-01T00:00:00Z/P180D" },
        /tag rotation-window is unreadable \(rotation-window must read "<anchor>\/<period>#<generation>"\)/,
      ],
      [
        { "rotation-window": "2025-01-01T00:00:00Z/P2X#1" },
        /tag rotation-window is unreadable \(rotation-window period: "P2X" is not an ISO 8601 duration/,
      ],
      [{ "rotation-window": undefined }, /tag rotation-window is not set/],
      [{ "rotation-slot": undefined }, /tag rotation-slot is not set/],
      [{ "rotation-slot": 2 }, /tag rotation-slot is unreadable/],
      [
        { endDate: "tomorrow" },
        /tag endDate is unreadable \("tomorrow" is not an RFC 3339 timestamp/,
      ],
      [
        { endDate: undefined },
        /tag endDate is unreadable \(expected an RFC 3339 timestamp string, got/,
      ],
      [
        { endDate: "2026-12-22T00:00:00Z" },
        /tag endDate is unreadable \("2026-12-22T00:00:00Z" is not after the credential's next rotation 2026-12-22T00:00:00Z given by rotation-window "2025-01-01T00:00:00Z\/P180D#1" and rotation-slot "0\/2"\)/,
      ],
    ];
    for (const [change, expected] of cases) {
      const tags: Record<string, unknown> = { ...good, ...change };
      for (const [key, value] of Object.entries(change)) if (value === undefined) delete tags[key];
      const messages = await run(tags);
      assert.strictEqual(messages.length, 1, JSON.stringify(change));
      assert.match(messages[0], expected);
      assert.match(
        messages[0],
        /^azure-native:keyvault:Secret "orders-api-client-secret": tag .* so the consumers' overlap cannot be checked\. Fix: tag the secret as app-credentials does/,
      );
    }
  });

  it("checks only Key Vault secrets carrying consumer-refresh", async () => {
    const withoutRefresh: Record<string, string> = tagsAt(DEFAULTS, "P200D");
    delete withoutRefresh["consumer-refresh"];
    assert.deepStrictEqual(await run(withoutRefresh), []);
    assert.deepStrictEqual(await run({ "rotation-window": "garbage" }), []);
    assert.deepStrictEqual(await run(undefined), []);
    assert.deepStrictEqual(await run("tags"), []);
    assert.deepStrictEqual(await run(tagsAt(DEFAULTS, "P200D"), "azure-native:keyvault:Key"), []);
    assert.strictEqual(
      (await run(tagsAt(DEFAULTS, "P200D"), "azure:keyvault/secret:Secret")).length,
      1,
    );
  });

  it("re-throws UnknownValueError for unknown tags (never a mandatory verdict on an unknown)", async () => {
    await assert.rejects(run(UNKNOWN), UnknownValueError);
    for (const key of ["consumer-refresh", "rotation-window", "rotation-slot", "endDate"]) {
      await assert.rejects(
        run({ ...tagsAt(DEFAULTS, "P200D"), [key]: UNKNOWN }),
        UnknownValueError,
        key,
      );
    }
    // Other unknown tags (the credential's keyId before it exists) do not matter.
    assert.deepStrictEqual(await run({ ...tagsAt(DEFAULTS, "PT24H"), keyId: UNKNOWN }), []);
  });
});
