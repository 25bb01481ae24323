/**
 * Readers for stack config fields: each reports a problem as (field, value, what is allowed) and
 * returns undefined instead of throwing, so every problem of a configuration is listed at once.
 */

/** Records one problem: the field, the value found and what is allowed. */
export type Report = (field: string, value: unknown, allowed: string) => void;

/** Wraps a report to count the problems it records (to tell whether one entry had any). */
export function countingReport(report: Report): { report: Report; count: () => number } {
  let n = 0;
  return {
    report: (field, value, allowed) => {
      n++;
      report(field, value, allowed);
    },
    count: () => n,
  };
}

export function checkKeys(
  field: string,
  value: Record<string, unknown>,
  allowed: string[],
  report: Report,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      report(`${field}.${key}`, value[key], `unknown field; allowed here: ${allowed.join(", ")}`);
  }
}

export function requireString(field: string, value: unknown, report: Report): string | undefined {
  if (typeof value !== "string" || value.trim() === "") {
    report(field, value, "expected a non-empty string");
    return undefined;
  }
  return value;
}

export function optionalString(field: string, value: unknown, report: Report): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(field, value, report);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Formats a span in days for a config error message: the rule core's one `formatDays`
 * (policy/core/messages.ts), the same words the policy pack and the audit use for the same limits.
 */
export { formatDays } from "../../policy/core";

/**
 * Shows a config value in an error message: JSON, cut at 80 characters. Callers show `[secret]`
 * instead for the values of secret keys (`pulumi config set --secret`).
 */
export function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "string" && value.length > 80) {
    return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
