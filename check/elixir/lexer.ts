// Tokens of the Elixir subset found in Akkoma's telemetry.ex and its neighbours: enough to find every
// metric definition, not a full Elixir lexer (no `?` operators in names beyond idents, no unicode idents).

import { ElixirSyntaxError, type StringPart, type Token, type TokenKind, describeCharacter } from "./tokens";

export { ElixirSyntaxError, type StringPart, type Token, type TokenKind, describeCharacter } from "./tokens";

/** How deeply `#{}` interpolations may nest in one another. */
const maxInterpolationDepth = 32;

// Longest first, so `|>` wins over `|` and `===` over `==`.
// prettier-ignore
const operators = [
  "===", "!==", "|||", "&&&", "<<<", ">>>", "<<~", "~>>", "<~>", "+++", "---", "^^^", "~~~", "...",
  "|>", "++", "--", "<>", "->", "<-", "=>", "==", "!=", "=~", "<=", ">=", "&&", "||", "..", "::",
  "<<", ">>", "~>", "<~", "\\\\", "**", "//",
  "|", "=", "+", "-", "*", "/", "<", ">", "!", "^", "&", ".", "@", "%", ",", "(", ")", "[", "]", "{", "}", ";",
];

const closingDelimiter: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<": ">" };

// prettier-ignore
const simpleEscapes: Record<string, string> = {
  n: "\n", t: "\t", r: "\r", s: " ", e: "\x1b", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v",
};

const isIdentStart = (c: string) => /[a-z_]/.test(c);
const isAliasStart = (c: string) => /[A-Z]/.test(c);
const isIdentChar = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => /[0-9]/.test(c);

class Lexer {
  private pos = 0;
  private line = 1;
  /** Offset where the current line starts, for columns. */
  private lineStart = 0;
  /** Column of the token being read. */
  private startColumn = 1;
  private sawNewline = true;
  private sawSpace = true;

  constructor(
    private readonly src: string,
    private readonly depth = 0,
  ) {}

  private column(pos = this.pos): number {
    return pos - this.lineStart + 1;
  }

  private newline(next: number): void {
    this.line++;
    this.lineStart = next;
  }

  /** Tokens up to the end of input, or (inside `#{}`) up to the unmatched closing brace. */
  tokens(untilBrace = false): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.src.length) {
        if (untilBrace) throw new ElixirSyntaxError(this.line, "unterminated #{} interpolation", this.column());
        this.startColumn = this.column();
        out.push(this.make("eof", ""));
        return out;
      }
      if (untilBrace && this.src[this.pos] === "}" && depth === 0) {
        this.pos++;
        out.push(this.make("eof", ""));
        return out;
      }
      this.startColumn = this.column();
      const token = this.next();
      if (token.kind === "op" && token.text === "{") depth++;
      if (token.kind === "op" && token.text === "}") depth--;
      out.push(token);
    }
  }

  private make(kind: TokenKind, text: string, extra: Partial<Token> = {}, line = this.line): Token {
    const token: Token = {
      kind,
      text,
      line,
      column: this.startColumn,
      nlBefore: this.sawNewline,
      spaceBefore: this.sawSpace,
      ...extra,
    };
    this.sawNewline = false;
    this.sawSpace = false;
    return token;
  }

  private skipBlanks(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === "\n") {
        this.newline(this.pos + 1);
        this.sawNewline = true;
        this.sawSpace = true;
        this.pos++;
      } else if (c === " " || c === "\t" || c === "\r") {
        this.sawSpace = true;
        this.pos++;
      } else if (c === "\\" && this.src[this.pos + 1] === "\n") {
        // explicit line continuation
        this.sawSpace = true;
        this.pos += 2;
        this.newline(this.pos);
      } else if (c === "#") {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      } else {
        return;
      }
    }
  }

  private peekChar(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  private next(): Token {
    const c = this.peekChar();
    const line = this.line;
    if (c === '"' || c === "'") return this.quoted(c === '"' ? "string" : "charlist", line);
    if (c === ":" && this.peekChar(1) !== ":") {
      const atom = this.atom(line);
      if (atom) return atom;
    }
    if (c === "~" && /[A-Za-z]/.test(this.peekChar(1))) return this.sigilToken(line);
    if (c === "?" && this.peekChar(1) !== "") return this.charLiteral(line);
    if (c === "&" && isDigit(this.peekChar(1))) {
      const digits = this.takeWhile(isDigit, 1);
      return this.make("capvar", digits, { value: Number(digits) }, line);
    }
    if (isDigit(c)) return this.number(line);
    if (isIdentStart(c) || isAliasStart(c)) return this.word(line);
    const op = operators.find((o) => this.src.startsWith(o, this.pos));
    if (!op) throw new ElixirSyntaxError(line, `unexpected character ${describeCharacter(c)}`, this.column());
    this.pos += op.length;
    return this.make("op", op, {}, line);
  }

  private takeWhile(accept: (c: string) => boolean, skip = 0): string {
    const start = this.pos + skip;
    let end = start;
    while (end < this.src.length && accept(this.src[end])) end++;
    this.pos = end;
    return this.src.slice(start, end);
  }

  private word(line: number): Token {
    const start = this.pos;
    this.takeWhile(isIdentChar);
    if (this.peekChar() === "?" || this.peekChar() === "!") {
      if (this.peekChar(1) !== "=") this.pos++;
    }
    const text = this.src.slice(start, this.pos);
    if (this.peekChar() === ":" && this.peekChar(1) !== ":") {
      this.pos++;
      return this.make("kw", text, {}, line);
    }
    return this.make(isAliasStart(text[0]) ? "alias" : "ident", text, {}, line);
  }

  private number(line: number): Token {
    const start = this.pos;
    if (this.peekChar() === "0" && /[xob]/.test(this.peekChar(1))) {
      const radix = { x: 16, o: 8, b: 2 }[this.peekChar(1) as "x" | "o" | "b"];
      const digits = this.takeWhile((c) => /[0-9a-fA-F_]/.test(c), 2).replace(/_/g, "");
      return this.make("number", this.src.slice(start, this.pos), { value: parseInt(digits, radix) }, line);
    }
    this.takeWhile((c) => isDigit(c) || c === "_");
    if (this.peekChar() === "." && isDigit(this.peekChar(1))) {
      this.pos++;
      this.takeWhile((c) => isDigit(c) || c === "_");
      if (/[eE]/.test(this.peekChar()) && /[-+0-9]/.test(this.peekChar(1))) {
        this.pos += 2;
        this.takeWhile(isDigit);
      }
    }
    const text = this.src.slice(start, this.pos);
    return this.make("number", text, { value: Number(text.replace(/_/g, "")) }, line);
  }

  private charLiteral(line: number): Token {
    this.pos++;
    let ch = this.src[this.pos++];
    if (ch === "\\") {
      const escaped = this.src[this.pos++];
      ch = simpleEscapes[escaped] ?? escaped;
    }
    return this.make("number", `?${ch}`, { value: ch.codePointAt(0) ?? 0 }, line);
  }

  /** `:name`, `:"quoted"` or an operator atom such as `:++`; undefined when `:` is not an atom start. */
  private atom(line: number): Token | undefined {
    const after = this.peekChar(1);
    if (after === '"' || after === "'") {
      this.pos++;
      const quoted = this.quoted("string", line);
      return this.make("atom", "", { parts: quoted.parts }, line);
    }
    if (isIdentStart(after) || isAliasStart(after)) {
      this.pos++;
      const start = this.pos;
      this.takeWhile(isIdentChar);
      if (this.peekChar() === "?" || this.peekChar() === "!") this.pos++;
      return this.make("atom", this.src.slice(start, this.pos), {}, line);
    }
    const op = operators.find((o) => /^[^(){}[\],;.%@]/.test(o) && this.src.startsWith(o, this.pos + 1));
    if (!op) return undefined;
    this.pos += 1 + op.length;
    return this.make("atom", op, {}, line);
  }

  private quoted(kind: "string" | "charlist", line: number): Token {
    const quote = this.peekChar();
    const heredoc = this.src.startsWith(quote.repeat(3), this.pos);
    this.pos += heredoc ? 3 : 1;
    const parts = heredoc ? this.heredocBody(quote) : this.body(quote, true);
    // `"key": value` is a keyword key
    if (!heredoc && this.peekChar() === ":" && /[\s]/.test(this.peekChar(1))) {
      this.pos++;
      return this.make("kw", "", { parts }, line);
    }
    return this.make(kind, "", { parts }, line);
  }

  /** Characters up to the closing delimiter, with escapes and (when allowed) `#{}` interpolations. */
  private body(close: string, interpolate: boolean, open?: string): StringPart[] {
    const parts: StringPart[] = [];
    const startLine = this.line;
    const startColumn = this.startColumn;
    let text = "";
    let nesting = 0;
    // Runs of ordinary characters are taken as one slice: appended one by one, a long text would make
    // a chain of a million tiny strings, and the garbage collector's time grows faster than the text.
    const special = [close, open ?? close, "\n", "\\", "#"].map((c) => c.replace(/[\\^\]-]/g, "\\$&"));
    const ordinary = new RegExp(`[^${special.join("")}]+`, "y");
    for (;;) {
      ordinary.lastIndex = this.pos;
      const run = ordinary.exec(this.src)?.[0];
      if (run) {
        text += run;
        this.pos += run.length;
      }
      if (this.pos >= this.src.length)
        throw new ElixirSyntaxError(startLine, `missing closing ${close} of the text starting here`, startColumn);
      const c = this.src[this.pos];
      if (c === close && nesting === 0) {
        this.pos++;
        break;
      }
      if (open !== undefined && open !== close) {
        if (c === open) nesting++;
        if (c === close) nesting--;
      }
      if (c === "\n") this.newline(this.pos + 1);
      if (c === "\\" && interpolate) {
        text += this.escape();
      } else if (c === "\\" && this.src[this.pos + 1] === close) {
        text += close;
        this.pos += 2;
      } else if (c === "#" && this.src[this.pos + 1] === "{" && interpolate) {
        if (text) parts.push(text);
        text = "";
        this.pos += 2;
        if (this.depth >= maxInterpolationDepth)
          throw new ElixirSyntaxError(
            this.line,
            `#{} nests deeper than ${maxInterpolationDepth} levels`,
            this.column(),
          );
        const inner = new Lexer(this.src, this.depth + 1);
        inner.pos = this.pos;
        inner.line = this.line;
        inner.lineStart = this.lineStart;
        parts.push(inner.tokens(true));
        this.pos = inner.pos;
        this.line = inner.line;
        this.lineStart = inner.lineStart;
      } else {
        text += c;
        this.pos++;
      }
    }
    if (text || parts.length === 0) parts.push(text);
    return parts;
  }

  private escape(): string {
    const c = this.src[this.pos + 1] ?? "";
    const column = this.column();
    this.pos += 2;
    if ((c === "x" || c === "u") && this.src[this.pos] === "{") {
      const end = this.src.indexOf("}", this.pos);
      const hex = end < 0 ? "" : this.src.slice(this.pos + 1, end);
      this.pos = end < 0 ? this.pos : end + 1;
      return this.codePoint(hex, column);
    }
    if (c === "u") {
      const hex = this.src.slice(this.pos, this.pos + 4);
      this.pos += 4;
      return this.codePoint(hex, column);
    }
    if (c === "\n") {
      this.newline(this.pos);
      return "";
    }
    return simpleEscapes[c] ?? c;
  }

  private codePoint(hex: string, column: number): string {
    const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
    if (!(code <= 0x10ffff)) throw new ElixirSyntaxError(this.line, `invalid escape \\u{${hex}}`, column);
    return String.fromCodePoint(code);
  }

  private heredocBody(quote: string): StringPart[] {
    // The opening quotes end their line; the closing quotes' indentation is stripped from every line.
    const [line, column] = [this.line, this.startColumn];
    while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
    this.pos++;
    this.newline(this.pos);
    const close = this.src.indexOf(quote.repeat(3), this.pos);
    if (close < 0)
      throw new ElixirSyntaxError(line, `missing closing ${quote.repeat(3)} of the text starting here`, column);
    const indent = this.src.slice(this.src.lastIndexOf("\n", close) + 1, close);
    const raw = this.src.slice(this.pos, close);
    const sub = new Lexer(
      raw
        .split("\n")
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join("\n") + "\u0000",
      this.depth,
    );
    sub.line = this.line;
    const parts = sub.body("\u0000", true);
    this.line += raw.split("\n").length - 1;
    this.lineStart = this.src.lastIndexOf("\n", close) + 1;
    this.pos = close + 3;
    return parts;
  }

  private sigilToken(line: number): Token {
    this.pos++;
    const letter = this.takeWhile((c) => /[A-Za-z0-9]/.test(c));
    const raw = letter[0] === letter[0].toUpperCase();
    const open = this.peekChar();
    let parts: StringPart[];
    if (this.src.startsWith('"""', this.pos) || this.src.startsWith("'''", this.pos)) {
      parts = this.heredocBody(open);
    } else {
      const close = closingDelimiter[open] ?? open;
      if (!/[/|"'([{<]/.test(open))
        throw new ElixirSyntaxError(
          line,
          `unknown sigil delimiter ${open ? describeCharacter(open) : "(end of file)"}`,
          this.column(),
        );
      this.pos++;
      parts = this.body(close, !raw, open);
    }
    const modifiers = this.takeWhile((c) => /[a-zA-Z]/.test(c));
    return this.make("sigil", letter, { parts, sigil: { letter, modifiers, raw } }, line);
  }
}

export function tokenize(source: string): Token[] {
  return new Lexer(source).tokens();
}
