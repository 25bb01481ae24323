/**
 * When the churn check runs the program again: at least one second and one day after the
 * preview's instant. One second catches end dates computed from the clock (`Date.now()`), one day
 * those computed from today's date.
 */

/** The later instants, as offsets from the first run (ms), with how they are named. */
export const CHURN_OFFSETS: readonly { ms: number; label: string }[] = [
  { ms: 1000, label: "1 second" },
  { ms: 86_400_000, label: "1 day" },
];

/** The policy-like name under which the churn check reports. */
export const CHURN_POLICY = "credential-replaced-every-deployment";
