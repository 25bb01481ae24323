/**
 * The pack's default settings, in one place: the stack program validates its configuration
 * against the same values, so that every configuration it accepts passes the pack at its defaults.
 * ISO 8601 durations.
 */

/** `credential-max-lifetime` `maxLifetime`: 2 years, Microsoft's cap for portal-created client secrets. */
export const DEFAULT_MAX_LIFETIME = "P2Y";
/** `credential-rotates-before-expiry` `minGrace`: 7 days between a password's replacement and its end. */
export const DEFAULT_MIN_GRACE = "P7D";
/** `keyvault-secret-expiry` `maxValidity`: 2 years, the maximum credential lifetime. */
export const DEFAULT_MAX_VALIDITY = "P2Y";
/** `credential-expiring-soon` `warnBefore`: 30 days. */
export const DEFAULT_WARN_BEFORE = "P30D";
