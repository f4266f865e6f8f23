// Brackets and do/end must pair up before parsing: an unclosed `[` or a missing `end` is a syntax error
// at the place it opened, not a function that seems to vanish. Nesting is bounded here too, so that no
// later step (parsing, evaluating) can run out of stack on a hostile file.
import { children, type Node } from "./ast";
import { ElixirSyntaxError, type Token } from "./lexer";

/** Deeper than any telemetry.ex (about 10), far below what the recursive parser and evaluator can take. */
export const maxNesting = 200;
/** Operator chains nest without brackets (`a ++ b ++ ...`, `- - x`); the parser stops at this depth. */
export const maxExpressionDepth = maxNesting * 4;

const closerOf: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<<": ">>", do: "end", fn: "end" };

const opener = (t: Token) =>
  (t.kind === "op" && ["(", "[", "{", "<<"].includes(t.text)) ||
  (t.kind === "ident" && (t.text === "do" || t.text === "fn"));
const closer = (t: Token) =>
  (t.kind === "op" && [")", "]", "}", ">>"].includes(t.text)) || (t.kind === "ident" && t.text === "end");

const at = (t: Token) => `line ${t.line}:${t.column}`;

/** Throws ElixirSyntaxError for the first unpaired bracket or do/fn/end, or nesting beyond maxNesting. */
export function checkBalance(tokens: readonly Token[]): void {
  const open: Token[] = [];
  for (const token of tokens) {
    if (opener(token)) {
      open.push(token);
      if (open.length > maxNesting)
        throw new ElixirSyntaxError(token.line, `nests deeper than ${maxNesting} brackets and do-blocks`, token.column);
    } else if (closer(token)) {
      const last = open.pop();
      if (!last)
        throw new ElixirSyntaxError(token.line, `unexpected "${token.text}": nothing is open here`, token.column);
      if (closerOf[last.text] !== token.text)
        throw new ElixirSyntaxError(
          token.line,
          `unexpected "${token.text}": the "${last.text}" at ${at(last)} is still open (missing "${closerOf[last.text]}")`,
          token.column,
        );
    }
  }
  const unclosed = open.pop();
  if (unclosed)
    throw new ElixirSyntaxError(
      unclosed.line,
      `"${unclosed.text}" is never closed (missing "${closerOf[unclosed.text]}")`,
      unclosed.column,
    );
}

/** Throws when the tree is deeper than `limit` (chains such as `a.b.c...` or `1 + 1 + ...` nest without brackets). */
export function checkDepth(statements: readonly Node[], limit = maxExpressionDepth): void {
  const stack: [Node, number][] = statements.map((s) => [s, 1]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > limit) throw new ElixirSyntaxError(node.line, `an expression nests deeper than ${limit} levels`);
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
}
