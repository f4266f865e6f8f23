// A Pratt parser for the Elixir subset of telemetry.ex: calls with and without parentheses, do-blocks,
// clauses (`->`), fn, lists, keyword lists, tuples, maps, module attributes, operators by Elixir's table.
// A statement it cannot parse is skipped and recorded, so one exotic function does not hide the others.
import { ElixirSyntaxError, type StringPart, type Token, tokenize } from "./lexer";

export type Node =
  | { type: "number"; value: number; line: number }
  | { type: "string"; parts: (string | Node)[]; charlist: boolean; line: number }
  | { type: "atom"; name: string; line: number }
  | { type: "dynamicAtom"; parts: (string | Node)[]; line: number }
  | { type: "sigil"; letter: string; modifiers: string; parts: (string | Node)[]; line: number }
  | { type: "var"; name: string; line: number }
  | { type: "alias"; name: string; line: number }
  | { type: "list"; items: Node[]; tail?: Node; line: number }
  | { type: "tuple"; items: Node[]; line: number }
  | { type: "map"; struct?: Node; items: Node[]; line: number }
  | { type: "bitstring"; items: Node[]; line: number }
  | { type: "call"; target: CallTarget; args: Node[]; block?: DoBlock; line: number }
  | { type: "field"; object: Node; name: string; line: number }
  | { type: "access"; object: Node; key: Node; line: number }
  | { type: "binop"; op: string; left: Node; right: Node; line: number }
  | { type: "unop"; op: string; operand: Node; line: number }
  | { type: "attr"; name: string; value?: Node; line: number }
  | { type: "fn"; clauses: Clause[]; line: number }
  | { type: "capvar"; index: number; line: number }
  | { type: "block"; body: Node[]; line: number };

export type CallTarget =
  { kind: "local"; name: string } | { kind: "remote"; module: Node; name: string } | { kind: "anonymous"; fn: Node };

export interface Clause {
  readonly heads: Node[];
  readonly body: Node[];
  readonly line: number;
}

export type Body = { kind: "statements"; statements: Node[] } | { kind: "clauses"; clauses: Clause[] };

/** `do ... else ... end`, by section name. */
export type DoBlock = Partial<Record<"do" | "else" | "after" | "rescue" | "catch", Body>>;

export interface SkippedStatement {
  readonly line: number;
  readonly message: string;
  /** For a skipped `def name`: the function it would have defined. */
  readonly defines?: string;
}

export interface ParsedFile {
  readonly statements: Node[];
  readonly skipped: SkippedStatement[];
}

type Assoc = "left" | "right";

// Elixir's operator table, weakest first.
// prettier-ignore
const binaryOperators: Record<string, [number, Assoc]> = {
  "<-": [10, "left"], "\\\\": [10, "left"],
  when: [20, "right"],
  "::": [30, "right"],
  "|": [40, "right"],
  "=>": [50, "right"],
  "=": [70, "right"],
  "||": [80, "left"], "|||": [80, "left"], or: [80, "left"],
  "&&": [90, "left"], "&&&": [90, "left"], and: [90, "left"],
  "==": [100, "left"], "!=": [100, "left"], "=~": [100, "left"], "===": [100, "left"], "!==": [100, "left"],
  "<": [110, "left"], ">": [110, "left"], "<=": [110, "left"], ">=": [110, "left"],
  "|>": [120, "left"], "<<<": [120, "left"], ">>>": [120, "left"], "<<~": [120, "left"], "~>>": [120, "left"],
  "<~": [120, "left"], "~>": [120, "left"], "<~>": [120, "left"],
  in: [130, "left"], "not in": [130, "left"],
  "^^^": [140, "left"],
  "//": [145, "right"],
  "++": [150, "right"], "--": [150, "right"], "+++": [150, "right"], "---": [150, "right"], "..": [150, "right"], "<>": [150, "right"],
  "+": [160, "left"], "-": [160, "left"],
  "*": [170, "left"], "/": [170, "left"],
  "**": [175, "left"],
};
const capturePrecedence = 60;
const unaryPrecedence = 180;

/** Operators that may start a line and still continue the previous one (Elixir allows it; Akkoma uses `when`). */
const continuesLine = new Set([
  "|>",
  "++",
  "<>",
  "when",
  "and",
  "or",
  "&&",
  "||",
  "in",
  "not in",
  "--",
  "::",
  "|",
  "=>",
]);

const reserved = new Set([
  "do",
  "end",
  "fn",
  "when",
  "and",
  "or",
  "not",
  "in",
  "else",
  "after",
  "rescue",
  "catch",
  "true",
  "false",
  "nil",
]);
const blockSections = new Set(["else", "after", "rescue", "catch"]);
const definers = new Set(["def", "defp", "defmacro", "defmacrop", "defdelegate", "defguard", "defguardp"]);
const moduleLevelStarters = new Set([...definers, "use", "import", "alias", "require", "defmodule", "defstruct"]);

class Parser {
  private pos = 0;
  /** Inside the arguments of a call without parentheses, `do` belongs to that outer call. */
  private noDoBlock = 0;
  readonly skipped: SkippedStatement[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private advance(): Token {
    const token = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }

  private isOp(text: string, token = this.peek()): boolean {
    return token.kind === "op" && token.text === text;
  }

  private isWord(text: string, token = this.peek()): boolean {
    return token.kind === "ident" && token.text === text;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected "${text}"`);
    return this.advance();
  }

  private fail(problem: string, token = this.peek()): never {
    const got = token.kind === "eof" ? "end of file" : JSON.stringify(token.text || token.kind);
    throw new ElixirSyntaxError(token.line, `${problem}, got ${got}`);
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
        if (!(error instanceof ElixirSyntaxError)) throw error;
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

  // ---- expressions

  private expression(minPrecedence: number): Node {
    let left = this.prefix();
    for (;;) {
      const token = this.peek();
      const op = this.infixOperator();
      if (!op) return left;
      const [precedence, assoc] = binaryOperators[op];
      if (precedence < minPrecedence) return left;
      if (token.nlBefore && !continuesLine.has(op)) return left;
      this.advance();
      if (op === "not in") this.advance();
      const right = this.expression(assoc === "left" ? precedence + 1 : precedence);
      left = { type: "binop", op, left, right, line: token.line };
    }
  }

  private infixOperator(): string | undefined {
    const token = this.peek();
    if (token.kind === "op" && token.text in binaryOperators) return token.text;
    if (token.kind === "ident" && ["when", "and", "or", "in"].includes(token.text)) return token.text;
    if (this.isWord("not") && this.isWord("in", this.peek(1))) return "not in";
    return undefined;
  }

  private prefix(): Node {
    const token = this.peek();
    switch (token.kind) {
      case "number":
        this.advance();
        return this.postfix({ type: "number", value: token.value ?? 0, line: token.line });
      case "string":
      case "charlist":
        this.advance();
        return this.postfix({
          type: "string",
          parts: this.stringParts(token.parts),
          charlist: token.kind === "charlist",
          line: token.line,
        });
      case "atom":
        this.advance();
        return this.postfix(
          token.parts
            ? { type: "dynamicAtom", parts: this.stringParts(token.parts), line: token.line }
            : { type: "atom", name: token.text, line: token.line },
        );
      case "sigil":
        this.advance();
        return this.postfix({
          type: "sigil",
          letter: token.sigil?.letter ?? "",
          modifiers: token.sigil?.modifiers ?? "",
          parts: this.stringParts(token.parts),
          line: token.line,
        });
      case "capvar":
        this.advance();
        return { type: "capvar", index: token.value ?? 0, line: token.line };
      case "kw":
        return this.keywordList();
      case "alias":
        this.advance();
        return this.postfix({ type: "alias", name: token.text, line: token.line });
      case "ident":
        return this.word();
      case "op":
        return this.operatorPrefix(token);
      case "eof":
        return this.fail("unexpected end of file");
    }
  }

  private stringParts(parts: readonly StringPart[] | undefined): (string | Node)[] {
    return (parts ?? []).map((part) => {
      if (typeof part === "string") return part;
      const inner = new Parser(part);
      const node = inner.expression(0);
      if (inner.peek().kind !== "eof") inner.fail("unexpected token in #{} interpolation");
      return node;
    });
  }

  private word(): Node {
    const token = this.advance();
    switch (token.text) {
      case "true":
      case "false":
      case "nil":
        return this.postfix({ type: "atom", name: token.text, line: token.line });
      case "fn":
        return this.postfix(this.fn(token));
      case "not":
        return { type: "unop", op: "not", operand: this.expression(unaryPrecedence), line: token.line };
    }
    if (reserved.has(token.text)) this.fail("unexpected keyword", token);
    return this.postfix(
      this.callOrVariable({ kind: "local", name: token.text }, token.line, () => ({
        type: "var",
        name: token.text,
        line: token.line,
      })),
    );
  }

  /** After a function name: `f(args)`, `f args` (no parentheses), `f do ... end`, or not a call at all. */
  private callOrVariable(target: CallTarget, line: number, otherwise: () => Node): Node {
    const next = this.peek();
    if (this.isOp("(") && !next.spaceBefore) {
      this.advance();
      const args = this.inBrackets(() => this.items(")"));
      this.expectOp(")");
      return this.withDoBlock({ type: "call", target, args, line });
    }
    if (this.startsNoParenArgument()) {
      this.noDoBlock++;
      let args: Node[];
      try {
        args = this.noParenArguments();
      } finally {
        this.noDoBlock--;
      }
      return this.withDoBlock({ type: "call", target, args, line });
    }
    if (this.isWord("do") && this.noDoBlock === 0) {
      return this.withDoBlock({ type: "call", target, args: [], line });
    }
    return otherwise();
  }

  /** Whether the next token starts an argument of a call written without parentheses. */
  private startsNoParenArgument(): boolean {
    const token = this.peek();
    if (token.nlBefore) return false;
    switch (token.kind) {
      case "number":
      case "string":
      case "charlist":
      case "atom":
      case "kw":
      case "sigil":
      case "alias":
      case "capvar":
        return true;
      case "ident":
        if (token.text === "not") return !this.isWord("in", this.peek(1));
        return !reserved.has(token.text) || ["fn", "true", "false", "nil"].includes(token.text);
      case "op":
        if (["{", "%", "@", "&", "<<", "!", "^"].includes(token.text)) return true;
        if (token.text === "[" || token.text === "(") return token.spaceBefore;
        // `f -1` is a call, `f - 1` is a subtraction
        return (token.text === "-" || token.text === "+") && token.spaceBefore && !this.peek(1).spaceBefore;
      default:
        return false;
    }
  }

  private noParenArguments(): Node[] {
    const args: Node[] = [];
    for (;;) {
      if (this.peek().kind === "kw") {
        args.push(this.keywordList());
        return args;
      }
      args.push(this.expression(0));
      if (!this.isOp(",")) return args;
      this.advance();
    }
  }

  private withDoBlock(call: Extract<Node, { type: "call" }>): Node {
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

  private fn(token: Token): Node {
    const body = this.body();
    if (!this.isWord("end")) this.fail('expected "end" closing fn');
    this.advance();
    if (body.kind !== "clauses") this.fail('expected "->" in fn', token);
    return { type: "fn", clauses: body.clauses, line: token.line };
  }

  private operatorPrefix(token: Token): Node {
    this.advance();
    switch (token.text) {
      case "(": {
        const body = this.inBrackets(() => this.parenthesised());
        this.expectOp(")");
        return this.postfix(body.length === 1 ? body[0] : { type: "block", body, line: token.line });
      }
      case "[": {
        const items = this.inBrackets(() => this.items("]"));
        this.expectOp("]");
        return this.postfix(this.list(items, token.line));
      }
      case "{": {
        const items = this.inBrackets(() => this.items("}"));
        this.expectOp("}");
        return this.postfix({ type: "tuple", items, line: token.line });
      }
      case "<<": {
        const items = this.inBrackets(() => this.items(">>"));
        this.expectOp(">>");
        return this.postfix({ type: "bitstring", items, line: token.line });
      }
      case "%":
        return this.postfix(this.map(token));
      case "@":
        return this.postfix(this.attribute(token));
      case "&":
        return { type: "unop", op: "&", operand: this.expression(capturePrecedence + 1), line: token.line };
      case "-":
      case "+":
      case "!":
      case "^":
      case "~~~":
        return { type: "unop", op: token.text, operand: this.expression(unaryPrecedence), line: token.line };
      default:
        return this.fail("unexpected operator", token);
    }
  }

  /** `(expr)`, or `(a; b)` / `(a \n b)`: a block. */
  private parenthesised(): Node[] {
    const body: Node[] = [];
    for (;;) {
      while (this.isOp(";")) this.advance();
      if (this.isOp(")")) return body;
      if (body.length > 0 && !this.peek().nlBefore && !this.isOp(";", this.tokens[this.pos - 1]))
        this.fail('expected ")"');
      body.push(this.expression(0));
    }
  }

  private inBrackets<T>(parse: () => T): T {
    const saved = this.noDoBlock;
    this.noDoBlock = 0;
    try {
      return parse();
    } finally {
      this.noDoBlock = saved;
    }
  }

  /** Comma-separated items up to `close`; trailing `key: value` pairs become one keyword list item. */
  private items(close: string): Node[] {
    const items: Node[] = [];
    while (!this.isOp(close)) {
      if (this.peek().kind === "kw") {
        items.push(this.keywordList());
        break;
      }
      items.push(this.expression(0));
      if (!this.isOp(",")) break;
      this.advance();
    }
    return items;
  }

  private list(items: Node[], line: number): Node {
    // [a, b: 1] is [a, {:b, 1}]: keyword pairs are plain elements of a list literal
    const flat = items.flatMap((item) =>
      item.type === "list" && isKeywordNode(item) && item === items[items.length - 1] ? item.items : [item],
    );
    const last = flat[flat.length - 1];
    if (last?.type === "binop" && last.op === "|") {
      return { type: "list", items: [...flat.slice(0, -1), last.left], tail: last.right, line };
    }
    return { type: "list", items: flat, line };
  }

  private keywordList(): Node {
    const line = this.peek().line;
    const items: Node[] = [];
    for (;;) {
      const key = this.advance();
      if (key.kind !== "kw") this.fail("expected a keyword key", key);
      const keyNode: Node = key.parts
        ? { type: "dynamicAtom", parts: this.stringParts(key.parts), line: key.line }
        : { type: "atom", name: key.text, line: key.line };
      items.push({ type: "tuple", items: [keyNode, this.expression(0)], line: key.line });
      if (!this.isOp(",") || this.peek(1).kind !== "kw") return { type: "list", items, line };
      this.advance();
    }
  }

  private map(token: Token): Node {
    let struct: Node | undefined;
    if (!this.isOp("{")) {
      const name = this.advance();
      if (name.kind === "alias") struct = this.aliasChain({ type: "alias", name: name.text, line: name.line });
      else if (name.kind === "ident") struct = { type: "var", name: name.text, line: name.line };
      else this.fail("expected a struct name after %", name);
    }
    this.expectOp("{");
    const items = this.inBrackets(() => this.items("}"));
    this.expectOp("}");
    return { type: "map", ...(struct ? { struct } : {}), items, line: token.line };
  }

  private aliasChain(node: Node): Node {
    let current = node;
    while (this.isOp(".") && this.peek(1).kind === "alias" && current.type === "alias") {
      this.advance();
      current = { type: "alias", name: `${current.name}.${this.advance().text}`, line: current.line };
    }
    return current;
  }

  /** `@name` reads a module attribute, `@name value` (module level) sets it. */
  private attribute(token: Token): Node {
    const name = this.advance();
    if (name.kind !== "ident") this.fail("expected an attribute name after @", name);
    if (!this.startsNoParenArgument()) return { type: "attr", name: name.text, line: token.line };
    this.noDoBlock++;
    try {
      return { type: "attr", name: name.text, value: this.expression(0), line: token.line };
    } finally {
      this.noDoBlock--;
    }
  }

  private postfix(node: Node): Node {
    let current = node;
    for (;;) {
      const token = this.peek();
      if (this.isOp(".")) {
        current = this.dot(current);
      } else if (this.isOp("[") && !token.spaceBefore) {
        this.advance();
        const key = this.inBrackets(() => this.expression(0));
        this.expectOp("]");
        current = { type: "access", object: current, key, line: token.line };
      } else {
        return current;
      }
    }
  }

  private dot(object: Node): Node {
    const dot = this.advance();
    const member = this.peek();
    if (member.kind === "alias") {
      this.advance();
      const base = object.type === "alias" ? object.name : object.type === "var" ? object.name : undefined;
      if (base === undefined) this.fail("unexpected alias after .", member);
      return { type: "alias", name: `${base}.${member.text}`, line: object.line };
    }
    if (member.kind === "ident" && !reserved.has(member.text)) {
      this.advance();
      return this.callOrVariable({ kind: "remote", module: object, name: member.text }, member.line, () => ({
        type: "field",
        object,
        name: member.text,
        line: member.line,
      }));
    }
    if (this.isOp("(")) {
      this.advance();
      const args = this.inBrackets(() => this.items(")"));
      this.expectOp(")");
      return { type: "call", target: { kind: "anonymous", fn: object }, args, line: dot.line };
    }
    if (this.isOp("{")) {
      // alias Foo.{Bar, Baz}
      this.advance();
      const items = this.inBrackets(() => this.items("}"));
      this.expectOp("}");
      return {
        type: "binop",
        op: ".",
        left: object,
        right: { type: "tuple", items, line: member.line },
        line: dot.line,
      };
    }
    return this.fail("unexpected token after .", member);
  }
}

/** A list whose every element is a `{:atom, value}` pair, i.e. a keyword list. */
export function isKeywordNode(node: Node): node is Extract<Node, { type: "list" }> {
  return (
    node.type === "list" &&
    node.items.length > 0 &&
    node.items.every((item) => item.type === "tuple" && item.items.length === 2 && item.items[0].type === "atom")
  );
}

/** Parses a whole file; statements it cannot parse are skipped and listed. Throws on tokenizer errors. */
export function parseElixir(source: string): ParsedFile {
  const parser = new Parser(tokenize(source));
  const statements = parser.statements();
  return { statements, skipped: parser.skipped };
}
