// Text that goes into a log file or onto a terminal: one line, with every control character shown
// as an escape. A Plex title or a log line could otherwise forge extra lines (CR, LF, U+2028),
// move the cursor or recolour a terminal (ESC sequences), hide text (NUL) or reorder it (bidi).

/** C0 and C1 controls, DEL, line/paragraph separators and the bidi embedding/override/isolate marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\uNNNN`: readable, and inside a JSON string still the same character. */
function escapeChar(ch: string): string {
  return `\\u${ch.codePointAt(0)!.toString(16).padStart(4, "0")}`;
}

/** One printable line: runs of CR/LF become a space, tabs a space, other controls `\uNNNN`. */
export function printable(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/\t/g, " ")
    .replace(UNSAFE, escapeChar);
}

/** NUL and the bidi marks, which no setting has a use for (settings refuse them). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
export const FORBIDDEN_IN_SETTINGS = /[\u0000\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
