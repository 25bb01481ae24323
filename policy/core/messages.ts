/** Building blocks of violation messages: resource, value found, limit, fix. */
import { formatInstant } from "./iso8601";

const MAX_SHOWN = 64;

/** Names a resource as `<type token> "<name>"`, e.g. `azuread:index/applicationPassword:ApplicationPassword "api-0"`. */
export function resourceLabel(type: string, name: string): string {
  return `${type} ${JSON.stringify(truncate(name))}`;
}

/** Shows a found value compactly: strings quoted and truncated to 64 characters, others by kind. */
export function showValue(value: unknown): string {
  if (value === undefined) return "not set";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(truncate(value));
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * Formats a span in days: `1 day`, `730 days`, `3.5 days` (at most one decimal, rounded toward
 * zero so a value just under a limit never prints as the limit).
 */
export function formatDays(ms: number): string {
  const days = Math.trunc((ms / 86_400_000) * 10) / 10;
  return `${days} day${Math.abs(days) === 1 ? "" : "s"}`;
}

/** RFC 3339 in UTC, whole seconds (see {@link formatInstant}). */
export function at(ms: number): string {
  return formatInstant(ms);
}

function truncate(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
