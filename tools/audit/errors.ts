/**
 * Failures the tenant audit reports with exit code 2 (bad input, bad options, Graph refused): one
 * line for users, never a stack trace.
 */

/**
 * Bad input: an unreadable or malformed file, an invalid option or policy configuration, or a
 * Microsoft Graph request that failed. The message names the file, option or request and the
 * problem, on one line; the CLI prints it as `audit: <message>` and exits 2.
 */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = "AuditInputError";
  }
}

/** Collapses whitespace (newlines included) to single spaces and cuts at `max` characters. */
export function oneLine(text: string, max = 1000): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** An error's message without its stack trace. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `--json` when the audit could not run (exit 2). */
export interface AuditFailureJson {
  error: { message: string };
  summary: { exitCode: 2 };
}

/** `{ error: { message }, summary: { exitCode: 2 } }`, pretty-printed, with a final newline. */
export function renderFailureJson(message: string): string {
  const document: AuditFailureJson = { error: { message }, summary: { exitCode: 2 } };
  return `${JSON.stringify(document, null, 2)}\n`;
}
