/**
 * Option values of `npm start` and the instant it evaluates at (tools/preview/options.ts, clock.ts,
 * timeout.ts): in process, no program run.
 */
import { strict as assert } from "assert";
import { resolveInstant } from "../../tools/offline/clock";
import { ProgramFailure } from "../../tools/offline/errors";
import { checkStackName } from "../../tools/offline/stackFile";
import {
  checkGraphPermission,
  parseArguments,
  resolveGraphPermission,
} from "../../tools/preview/options";
import { defaultConcurrency } from "../../tools/offline/programRunner";
import { DEFAULT_TIMEOUT_MS, describeDuration, parseTimeout } from "../../tools/offline/timeout";

const CLOCK = Date.parse("2026-11-21T10:11:12.345Z");

describe("npm start options", () => {
  it("defaults: dev stack, churn check on, a 15-minute bound on each program run", () => {
    const options = parseArguments([]);
    assert.equal(options.stack, "dev");
    assert.equal(options.churnCheck, true);
    assert.equal(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(describeDuration(DEFAULT_TIMEOUT_MS), "15 minutes");
    assert.equal(parseArguments(["--no-churn-check"]).churnCheck, false);
  });

  it("--stack with a path separator or '..' is refused, naming the option", () => {
    for (const bad of ["../dev", "a/b", "a\\b", "..", ""]) {
      assert.throws(
        () => checkStackName(bad),
        (error: unknown) =>
          error instanceof ProgramFailure &&
          error.kind === "usage" &&
          error.message.startsWith(`--stack: ${JSON.stringify(bad)} is not a stack name`),
        bad,
      );
    }
    assert.equal(checkStackName("dev.eu-west"), "dev.eu-west");
    assert.throws(() => parseArguments(["--stack", "../../etc/x"]), /--stack: "..\/..\/etc\/x"/);
  });

  it("--graph-permission: a Graph permission name, absent unless given", () => {
    assert.equal(parseArguments([]).graphPermission, undefined);
    assert.equal(
      parseArguments(["--graph-permission", "Application.ReadWrite.All"]).graphPermission,
      "Application.ReadWrite.All",
    );
    assert.equal(
      parseArguments(["--graph-permission", "Application.ReadWrite.OwnedBy"]).graphPermission,
      "Application.ReadWrite.OwnedBy",
    );
  });

  it("--graph-permission with another value: one line naming the option, the value and the allowed values", () => {
    for (const bad of ["All", "application.readwrite.all", "Application.Read.All", ""]) {
      assert.throws(
        () => parseArguments(["--graph-permission", bad]),
        (error: unknown) =>
          error instanceof ProgramFailure &&
          error.kind === "usage" &&
          error.message ===
            `--graph-permission: ${JSON.stringify(bad)} is not a deployer permission: expected Application.ReadWrite.All or Application.ReadWrite.OwnedBy`,
        bad,
      );
    }
    assert.throws(() => checkGraphPermission("x", "--other"), /^ProgramFailure: --other: "x"/);
  });

  it("the effective Graph permission: the option, else the tenant file, else OwnedBy", () => {
    const ALL = "Application.ReadWrite.All";
    const OWNED_BY = "Application.ReadWrite.OwnedBy";
    assert.deepEqual(resolveGraphPermission(undefined, undefined), {
      permission: OWNED_BY,
      source: "default",
    });
    assert.deepEqual(resolveGraphPermission(undefined, ALL), { permission: ALL, source: "tenant" });
    assert.deepEqual(resolveGraphPermission(OWNED_BY, ALL), {
      permission: OWNED_BY,
      source: "option",
    });
    assert.deepEqual(resolveGraphPermission(ALL, undefined), { permission: ALL, source: "option" });
  });

  it("--timeout: seconds or an ISO 8601 duration; anything else names the option", () => {
    assert.equal(parseTimeout("90"), 90_000);
    assert.equal(parseTimeout("2.5"), 2500);
    assert.equal(parseTimeout("PT15M"), 900_000);
    for (const bad of ["0", "-5", "soon", "P0D", "P100D"]) {
      assert.throws(() => parseTimeout(bad), new RegExp(`^ProgramFailure: --timeout: "${bad}"`));
    }
  });
});

describe("program runs at once", () => {
  it("as many as free memory allows at 1.5 GiB each, at least one, at most the runs", () => {
    const GiB = 2 ** 30;
    assert.equal(defaultConcurrency(3, 1 * GiB), 1);
    assert.equal(defaultConcurrency(3, 3.2 * GiB), 2);
    assert.equal(defaultConcurrency(3, 23 * GiB), 3);
    assert.equal(defaultConcurrency(1, 23 * GiB), 1);
  });
});

describe("the instant to evaluate at", () => {
  it("the clock, in whole seconds, without --now or APP_CREDENTIALS_NOW", () => {
    assert.deepEqual(resolveInstant(undefined, "--now", {}, CLOCK), {
      ms: Date.parse("2026-11-21T10:11:12Z"),
      source: "clock",
    });
  });

  it("APP_CREDENTIALS_NOW when set; --now wins over it", () => {
    const env = { APP_CREDENTIALS_NOW: "2027-03-01T12:00:00Z" };
    assert.deepEqual(resolveInstant(undefined, "--now", env, CLOCK), {
      ms: Date.parse("2027-03-01T12:00:00Z"),
      source: "environment",
    });
    assert.deepEqual(resolveInstant("2028-01-01T00:00:00+01:00", "--now", env, CLOCK), {
      ms: Date.parse("2027-12-31T23:00:00Z"),
      source: "option",
    });
  });

  it("an invalid APP_CREDENTIALS_NOW or --now names the variable or the option", () => {
    assert.throws(
      () => resolveInstant(undefined, "--now", { APP_CREDENTIALS_NOW: "tomorrow" }, CLOCK),
      /^InstantError: APP_CREDENTIALS_NOW: "tomorrow" is not an RFC 3339 instant/,
    );
    // The program reads the variable too: a bad value fails even when --now is given.
    assert.throws(
      () => resolveInstant("2027-01-01T00:00:00Z", "--now", { APP_CREDENTIALS_NOW: "x" }, CLOCK),
      /APP_CREDENTIALS_NOW: "x"/,
    );
    assert.throws(
      () => resolveInstant("2027-01-01", "--from", {}, CLOCK),
      /^InstantError: --from: "2027-01-01" is not an RFC 3339 instant/,
    );
  });
});
