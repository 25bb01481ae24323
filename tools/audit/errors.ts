/**
 * Failures the tenant audit reports with exit code 2 (bad input, bad options, Graph refused): one
 * line for users, never a stack trace; and how text from the tenant is shown to people in them and
 * elsewhere (control and bidi characters escaped by tools/text/neutralise.ts).
 */
import { hasUnsafeCharacters, neutralise } from "../offline";

/**
 * Bad input: an unreadable or malformed file, an invalid option or policy configuration, or a
 * Microsoft Graph request that failed. The message names the file, option or request and the
 * problem, on one line; the CLI prints it as `audit: <message>` and exits 2. Messages quote what
 * they found (a display name, an id, Graph's own error text), so they go through
 * {@link forTerminal}: a terminal never receives a raw control or bidi character from them.
 */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(forTerminal(oneLine(message)));
    this.name = "AuditInputError";
  }
}

/**
 * A line of the audit's own (a message, a warning) made safe for a terminal: unchanged when it holds
 * no control or bidi character (its backslashes are then the JSON escapes of quoted values, kept
 * readable), otherwise {@link neutralise}d as a whole (every such character shown as `\u{…}`).
 */
export function forTerminal(text: string): string {
  return hasUnsafeCharacters(text) ? neutralise(text) : text;
}

/**
 * Tenant text quoted for people: in double quotes, control and bidi characters shown escaped
 * (`\u{1b}`, `\u{202e}`), backslashes doubled and double quotes escaped, so the quote always ends
 * where it seems to.
 */
export function quoted(text: string): string {
  return `"${neutralise(text).replace(/"/g, '\\"')}"`;
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
