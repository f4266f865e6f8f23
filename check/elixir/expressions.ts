// Expressions of the Elixir subset, by Pratt parsing with Elixir's operator table: literals, calls with
// and without parentheses, lists, keyword lists, tuples, maps, module attributes, `.` and `[]` chains.
// Blocks (`do ... end`, `fn ... end`) are the subclass's: they hold statements, which hold expressions.
import type { CallTarget, Node } from "./ast";
import { isKeywordNode } from "./ast";
import { maxExpressionDepth } from "./balance";
import { TokenCursor } from "./cursor";
import { ElixirSyntaxError, type StringPart, type Token } from "./lexer";
import { binaryOperators, capturePrecedence, continuesLine, reserved, unaryPrecedence } from "./operators";

export abstract class ExpressionParser extends TokenCursor {
  /** `do ... end` after a call, if there is one. */
  protected abstract withDoBlock(call: Extract<Node, { type: "call" }>): Node;
  /** `fn ... end`, after `fn`. */
  protected abstract fn(token: Token): Node;
  /** A parser for the tokens of a `#{}` interpolation. */
  protected abstract nested(tokens: Token[]): ExpressionParser;

  private depth = 0;

  protected expression(minPrecedence: number): Node {
    if (this.depth >= maxExpressionDepth) {
      const token = this.peek();
      const problem = `an expression nests deeper than ${maxExpressionDepth} levels`;
      throw new ElixirSyntaxError(token.line, problem, token.column, true);
    }
    this.depth++;
    try {
      return this.operators(minPrecedence);
    } finally {
      this.depth--;
    }
  }

  private operators(minPrecedence: number): Node {
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

  protected infixOperator(): string | undefined {
    const token = this.peek();
    if (token.kind === "op" && token.text in binaryOperators) return token.text;
    if (token.kind === "ident" && ["when", "and", "or", "in"].includes(token.text)) return token.text;
    if (this.isWord("not") && this.isWord("in", this.peek(1))) return "not in";
    return undefined;
  }

  protected prefix(): Node {
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

  protected stringParts(parts: readonly StringPart[] | undefined): (string | Node)[] {
    return (parts ?? []).map((part) => {
      if (typeof part === "string") return part;
      const inner = this.nested(part);
      const node = inner.expression(0);
      if (inner.peek().kind !== "eof") inner.fail("unexpected token in #{} interpolation");
      return node;
    });
  }

  protected word(): Node {
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
  protected callOrVariable(target: CallTarget, line: number, otherwise: () => Node): Node {
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
  protected startsNoParenArgument(): boolean {
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

  protected noParenArguments(): Node[] {
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

  protected operatorPrefix(token: Token): Node {
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
  protected parenthesised(): Node[] {
    const body: Node[] = [];
    for (;;) {
      while (this.isOp(";")) this.advance();
      if (this.isOp(")")) return body;
      if (body.length > 0 && !this.peek().nlBefore && !this.isOp(";", this.tokens[this.pos - 1]))
        this.fail('expected ")"');
      body.push(this.expression(0));
    }
  }

  /** Comma-separated items up to `close`; trailing `key: value` pairs become one keyword list item. */
  protected items(close: string): Node[] {
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

  protected list(items: Node[], line: number): Node {
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

  protected keywordList(): Node {
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

  protected map(token: Token): Node {
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

  protected aliasChain(node: Node): Node {
    let current = node;
    while (this.isOp(".") && this.peek(1).kind === "alias" && current.type === "alias") {
      this.advance();
      current = { type: "alias", name: `${current.name}.${this.advance().text}`, line: current.line };
    }
    return current;
  }

  /** `@name` reads a module attribute, `@name value` (module level) sets it. */
  protected attribute(token: Token): Node {
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

  protected postfix(node: Node): Node {
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

  protected dot(object: Node): Node {
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
