/**
 * Text from a tenant, a tenant export, Microsoft Graph or a stack (display names, hints, tags, app
 * names, messages quoting them) made safe for a terminal, a Markdown file or an HTML/SVG picture:
 * control characters (C0, DEL, C1 — ANSI escape sequences, OSC titles, carriage returns that
 * overwrite a line) and the Unicode format characters that reorder or hide text (bidi overrides and
 * isolates such as U+202E, zero-width characters, the BOM, line and paragraph separators) are
 * shown escaped as `\u{…}`, so anyone allowed to register an app cannot hide or forge what an
 * administrator reads. A backslash is doubled, so an escape shown is always one that was made.
 *
 * JSON output needs none of this (JSON.stringify escapes control characters and the value must stay
 * exact): neutralise where text is drawn for people.
 *
 * Pure: no I/O.
 */

/** The characters shown escaped: C0, DEL, C1, and the Unicode format characters that reorder text. */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\\]/g;

/**
 * The text with every unsafe character shown escaped (`\u{1b}`, `\u{202e}`) and backslashes
 * doubled; anything else unchanged.
 */
export function neutralise(text: string): string {
  return text.replace(UNSAFE, (c) =>
    c === "\\" ? "\\\\" : `\\u{${c.codePointAt(0)?.toString(16) ?? ""}}`,
  );
}

/** Any value drawn for people: strings neutralised, other values as `String(value)`. */
export function neutraliseValue(value: unknown): string {
  return neutralise(typeof value === "string" ? value : String(value));
}

/** True when the text holds a character {@link neutralise} would escape (a backslash excepted). */
export function hasUnsafeCharacters(text: string): boolean {
  return [...text.matchAll(UNSAFE)].some((m) => m[0] !== "\\");
}

/**
 * A message of several lines drawn for people: each line neutralised, the line breaks kept (a
 * carriage return or any other control character inside a line is still shown escaped).
 */
export function neutraliseLines(text: string): string {
  return text.split("\n").map(neutralise).join("\n");
}
