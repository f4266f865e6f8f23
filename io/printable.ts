// Text from outside (a server's answer, a foreign file) as the terminal may show it. A raw ESC clears the
// screen or rewrites earlier lines, a newline forges a line of our own ("ok: ..."), a bidi override shows
// the text in another order than it is: each is shown escaped instead, on one line, and a secret the
// process holds is never shown at all.
import { redactSecrets } from "./secrets";

/** The longest outside string shown in a message; past it, an ellipsis. */
export const printableLength = 200;

// C0 controls, DEL, C1 controls (U+009B is an 8-bit CSI), bidi marks, embeddings, overrides and isolates,
// the Unicode line and paragraph separators, and the byte-order mark.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const named: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escaped(character: string): string {
  if (!unsafe.test(character)) return character;
  const code = character.codePointAt(0) ?? 0;
  return named[character] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`);
}

/** `text` with every control and escape sequence shown escaped: never more than one line. */
export function escapeControls(text: string): string {
  let out = "";
  for (const character of redactSecrets(text)) out += escaped(character);
  return out;
}

/**
 * An outside string safe to print: escaped as escapeControls does, and at most `maxLength` characters
 * (an escape is never cut in two), then "…".
 */
export function printable(text: string, maxLength = printableLength): string {
  let out = "";
  for (const character of redactSecrets(text)) {
    const piece = escaped(character);
    if (out.length + piece.length > maxLength) return `${out}…`;
    out += piece;
  }
  return out;
}

/**
 * JSON text safe to print: JSON.stringify escapes C0 controls, not DEL, C1, bidi or line separators. They
 * can only stand inside strings, where \uXXXX reads back as the same character.
 */
export const printableJson = (json: string) =>
  redactSecrets(json).replace(new RegExp(unsafe.source, "g"), (c) => {
    if (c === "\n") return c;
    return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
  });
