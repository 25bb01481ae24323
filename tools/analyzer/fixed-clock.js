// Preload (`node --require`) that fixes `Date.now()` to the RFC 3339 instant in PULUMI_TEST_NOW,
// so a policy pack process (which reads the clock only through Date.now, as Luxon does) sees a
// chosen "now". Without the variable it does nothing.
"use strict";
const fixed = process.env.PULUMI_TEST_NOW;
if (fixed) {
  const nowMs = Date.parse(fixed);
  if (!Number.isFinite(nowMs)) throw new Error(`PULUMI_TEST_NOW is not a timestamp: ${fixed}`);
  Date.now = () => nowMs;
}
