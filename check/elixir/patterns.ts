// Elixir's pattern matching over statically known values: "unknown" when the outcome depends on runtime.
import type { Node } from "./ast";
import { type Env, type Match, type Value, equal, list } from "./values";

/**
 * Matches `value` against `pattern`, adding bindings to `scope`; `pins` resolves `^var`; `literal` evaluates
 * a literal pattern (number, atom, string).
 */
export function matchPattern(
  pattern: Node,
  value: Value,
  scope: Env,
  pins: Env,
  literal: (node: Node) => Value,
): Match {
  switch (pattern.type) {
    case "var":
      if (pattern.name !== "_") scope.set(pattern.name, value);
      return "yes";
    case "number":
    case "atom":
    case "string": {
      const same = equal(literal(pattern), value);
      return same === undefined ? "unknown" : same ? "yes" : "no";
    }
    case "list":
    case "tuple":
      return matchItems(pattern, value, scope, pins, literal);
    case "binop":
      if (pattern.op === "=") {
        const left = matchPattern(pattern.left, value, scope, pins, literal);
        return left === "yes" ? matchPattern(pattern.right, value, scope, pins, literal) : left;
      }
      return "unknown";
    case "unop":
      if (pattern.op === "^" && pattern.operand.type === "var") {
        const pinned = pins.get(pattern.operand.name);
        const same = pinned ? equal(pinned, value) : undefined;
        return same === undefined ? "unknown" : same ? "yes" : "no";
      }
      return "unknown";
    default:
      return "unknown";
  }
}

function matchItems(
  pattern: Extract<Node, { type: "list" | "tuple" }>,
  value: Value,
  scope: Env,
  pins: Env,
  literal: (node: Node) => Value,
): Match {
  if (value.t === "unknown") return "unknown";
  if (value.t !== pattern.type) return "no";
  const tail = pattern.type === "list" ? pattern.tail : undefined;
  const items = value.items;
  if (tail ? items.length < pattern.items.length : items.length !== pattern.items.length) return "no";
  let result: Match = "yes";
  pattern.items.forEach((p, i) => {
    if (result === "yes") result = matchPattern(p, items[i], scope, pins, literal);
  });
  if (result === "yes" && tail)
    result = matchPattern(tail, list(items.slice(pattern.items.length)), scope, pins, literal);
  return result;
}
