// Moving through the tokens: the state both halves of the parser (expressions, blocks) share.
import { ElixirSyntaxError, type Token } from "./lexer";

export class TokenCursor {
  protected pos = 0;
  /** Inside the arguments of a call without parentheses, `do` belongs to that outer call. */
  protected noDoBlock = 0;

  constructor(protected readonly tokens: Token[]) {}

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  protected advance(): Token {
    const token = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }

  protected isOp(text: string, token = this.peek()): boolean {
    return token.kind === "op" && token.text === text;
  }

  protected isWord(text: string, token = this.peek()): boolean {
    return token.kind === "ident" && token.text === text;
  }

  protected expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected "${text}"`);
    return this.advance();
  }

  protected fail(problem: string, token = this.peek()): never {
    const got = token.kind === "eof" ? "end of file" : JSON.stringify(token.text || token.kind);
    throw new ElixirSyntaxError(token.line, `${problem}, got ${got}`, token.column);
  }

  protected inBrackets<T>(parse: () => T): T {
    const saved = this.noDoBlock;
    this.noDoBlock = 0;
    try {
      return parse();
    } finally {
      this.noDoBlock = saved;
    }
  }
}
