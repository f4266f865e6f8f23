// The tokens the lexer makes, and the one error lexer and parser throw.

export type TokenKind =
  | "ident" // also reserved words (do, end, fn, when, ...): the parser decides by text
  | "alias" // Capitalised segment of a module name
  | "atom"
  | "kw" // keyword key `name:` (text is the key)
  | "number"
  | "string"
  | "charlist"
  | "sigil"
  | "capvar" // &1
  | "op"
  | "eof";

/** A character as messages show it: invisible ones by code point (a BOM is easy to save by accident). */
export function describeCharacter(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code === 0xfeff) return `${hex} byte-order mark`;
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(c) ? JSON.stringify(c) : hex;
}

/** Literal text, or the tokens of a `#{...}` interpolation. */
export type StringPart = string | Token[];

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  /** 1-based, in characters from the start of the line. */
  readonly column: number;
  /** A newline separates it from the previous token: ends a statement unless an operator continues it. */
  readonly nlBefore: boolean;
  /** Whitespace separates it from the previous token: `f (x)` and `f -1` are no-paren calls, `f(x)` is not. */
  readonly spaceBefore: boolean;
  readonly parts?: readonly StringPart[];
  readonly value?: number;
  readonly sigil?: { readonly letter: string; readonly modifiers: string; readonly raw: boolean };
}

export class ElixirSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly column?: number,
    /** Not a statement to skip and go on after: the file as a whole cannot be read. */
    readonly fatal = false,
  ) {
    super(message);
    this.name = "ElixirSyntaxError";
  }
}
