// A parser for the Elixir subset of telemetry.ex: statements and blocks here (do-blocks, clauses with
// `->`, fn), expressions in expressions.ts. A statement it cannot parse is skipped and recorded, so one
// exotic function does not hide the others.
import type { Body, Clause, DoBlock, Node, ParsedFile, SkippedStatement } from "./ast";
import { checkBalance, checkDepth } from "./balance";
import { ExpressionParser } from "./expressions";
import { ElixirSyntaxError, type Token, tokenize } from "./lexer";
import { blockSections, definers, moduleLevelStarters } from "./operators";

export type { Body, CallTarget, Clause, DoBlock, Node, ParsedFile, SkippedStatement } from "./ast";
export { isKeywordNode } from "./ast";

class Parser extends ExpressionParser {
  readonly skipped: SkippedStatement[] = [];

  protected nested(tokens: Token[]): Parser {
    return new Parser(tokens);
  }

  // ---- statements

  /** Statements up to end of input or `end`; a statement that does not parse is skipped and recorded. */
  statements(): Node[] {
    const out: Node[] = [];
    for (;;) {
      while (this.isOp(";")) this.advance();
      const token = this.peek();
      if (token.kind === "eof" || this.isWord("end")) return out;
      const start = this.pos;
      try {
        out.push(this.statement());
      } catch (error) {
        if (!(error instanceof ElixirSyntaxError) || error.fatal) throw error;
        this.noDoBlock = 0;
        this.skipped.push(this.skippedAt(start, error));
        this.pos = this.endOfBrokenStatement(start);
      }
    }
  }

  private statement(): Node {
    const node = this.expression(0);
    const next = this.peek();
    if (!(
      next.kind === "eof" ||
      next.nlBefore ||
      this.isOp(";") ||
      this.isWord("end") ||
      (next.kind === "ident" && blockSections.has(next.text))
    )) {
      this.fail("expected the end of the statement");
    }
    return node;
  }

  private skippedAt(start: number, error: ElixirSyntaxError): SkippedStatement {
    const first = this.tokens[start];
    const name = this.tokens[start + 1];
    const defines =
      first.kind === "ident" && definers.has(first.text) && name?.kind === "ident" ? name.text : undefined;
    return { line: error.line, message: error.message, ...(defines ? { defines } : {}) };
  }

  /** The next module-level statement after a broken one: balanced do/end and brackets, at a line start. */
  private endOfBrokenStatement(start: number): number {
    let blocks = 0;
    let brackets = 0;
    for (let i = start + 1; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind === "eof") return i;
      if (t.kind === "op" && ["(", "[", "{", "<<"].includes(t.text)) brackets++;
      if (t.kind === "op" && [")", "]", "}", ">>"].includes(t.text)) brackets--;
      if (t.kind === "ident" && (t.text === "do" || t.text === "fn")) blocks++;
      if (t.kind === "ident" && t.text === "end") {
        if (blocks === 0) return i;
        blocks--;
      }
      const atStart = blocks === 0 && brackets <= 0 && t.nlBefore;
      if (atStart && ((t.kind === "ident" && moduleLevelStarters.has(t.text)) || this.isOp("@", t))) return i;
    }
    return this.tokens.length - 1;
  }

  protected withDoBlock(call: Extract<Node, { type: "call" }>): Node {
    if (!this.isWord("do") || this.noDoBlock > 0) return call;
    const isModule = call.target.kind === "local" && call.target.name === "defmodule";
    return { ...call, block: isModule ? this.moduleBlock() : this.doBlock() };
  }

  // A module body is parsed with recovery: one broken function must not hide the others.
  private moduleBlock(): DoBlock {
    this.advance();
    const statements = this.inBrackets(() => this.statements());
    if (!this.isWord("end")) this.fail('expected "end" closing defmodule');
    this.advance();
    return { do: { kind: "statements", statements } };
  }

  private doBlock(): DoBlock {
    this.advance();
    const block: DoBlock = { do: this.body() };
    for (;;) {
      const token = this.peek();
      if (token.kind === "ident" && blockSections.has(token.text)) {
        this.advance();
        block[token.text as "else"] = this.body();
        continue;
      }
      if (!this.isWord("end")) this.fail('expected "end"');
      this.advance();
      return block;
    }
  }

  /** Statements, or `heads -> body` clauses (case, cond, fn, else), up to `end` or the next section. */
  private body(): Body {
    const saved = this.noDoBlock;
    this.noDoBlock = 0;
    try {
      const statements: Node[] = [];
      const clauses: Clause[] = [];
      let current: { heads: Node[]; body: Node[]; line: number } | undefined;
      for (;;) {
        while (this.isOp(";")) this.advance();
        const token = this.peek();
        if (this.isWord("end") || (token.kind === "ident" && blockSections.has(token.text))) break;
        if (token.kind === "eof") this.fail('expected "end"');
        const exprs = this.isOp("->") ? [] : [this.expression(0)];
        while (this.isOp(",")) {
          this.advance();
          exprs.push(this.expression(0));
        }
        if (this.isOp("->")) {
          this.advance();
          if (current) clauses.push(current);
          current = { heads: exprs, body: [], line: token.line };
          continue;
        }
        if (exprs.length !== 1) this.fail('expected "->" after clause patterns');
        const next = this.peek();
        if (!(
          next.nlBefore ||
          this.isOp(";") ||
          this.isWord("end") ||
          (next.kind === "ident" && blockSections.has(next.text))
        )) {
          this.fail("expected the end of the statement");
        }
        (current ? current.body : statements).push(exprs[0]);
      }
      if (current) clauses.push(current);
      if (clauses.length === 0) return { kind: "statements", statements };
      if (statements.length > 0) this.fail("statements before the first clause");
      return { kind: "clauses", clauses };
    } finally {
      this.noDoBlock = saved;
    }
  }

  protected fn(token: Token): Node {
    const body = this.body();
    if (!this.isWord("end")) this.fail('expected "end" closing fn');
    this.advance();
    if (body.kind !== "clauses") this.fail('expected "->" in fn', token);
    return { type: "fn", clauses: body.clauses, line: token.line };
  }
}

/**
 * Parses a whole file; a statement it cannot parse (but whose brackets pair up) is skipped and listed.
 * Throws ElixirSyntaxError for what cannot be Elixir: a bad token, unpaired brackets or do/end, or nesting
 * too deep to read safely.
 */
export function parseElixir(source: string): ParsedFile {
  const tokens = tokenize(source);
  checkBalance(tokens);
  const parser = new Parser(tokens);
  const statements = parser.statements();
  checkDepth(statements);
  return { statements, skipped: parser.skipped };
}
