/** The current instant, milliseconds since the Unix epoch. Injected so tests can fix it. */
export type Clock = () => number;

/**
 * Reads `Date.now()` at every call (not once at load time), so a clock faked with
 * `NODE_OPTIONS=--require …` in the policy pack process is honoured.
 */
export const systemClock: Clock = () => Date.now();
