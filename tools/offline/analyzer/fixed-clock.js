/**
 * Preload (`node --require`) that fixes the clock of a process (a policy pack, or a program) at the
 * RFC 3339 instant in PULUMI_TEST_NOW: only `Date` is faked, with @sinonjs/fake-timers, so
 * `Date.now()` and `new Date()` both read that instant while timers stay real. Without the variable
 * it does nothing. Plain JavaScript so it loads without a compiler.
 */
"use strict";
const fixed = process.env.PULUMI_TEST_NOW;
if (fixed) {
  const now = Date.parse(fixed);
  if (!Number.isFinite(now)) throw new Error(`PULUMI_TEST_NOW is not a timestamp: ${fixed}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
  require("@sinonjs/fake-timers").install({ now, toFake: ["Date"] });
}
