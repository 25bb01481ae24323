/**
 * Preload for `node --require`: when PREVIEW_FAKE_NOW_MS is set (ms since the Unix epoch), fakes
 * only `Date` with @sinonjs/fake-timers, so every `Date.now()` / `new Date()` in the process
 * (a Pulumi program or a policy pack) sees that instant. Timers are left real. Plain JavaScript so
 * it loads without a compiler.
 */
"use strict";
const raw = process.env.PREVIEW_FAKE_NOW_MS;
if (raw !== undefined && raw !== "") {
  const now = Number(raw);
  if (!Number.isFinite(now)) {
    throw new Error(`PREVIEW_FAKE_NOW_MS must be ms since the epoch, got ${JSON.stringify(raw)}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
  require("@sinonjs/fake-timers").install({ now, toFake: ["Date"] });
}
