// Elixir's pattern matching over statically known values: "unknown" when the outcome depends on runtime.
import type { Node } from "./ast";
import { type Env, type Match, type Value, equal, list } from "./values";

/** Matches `value` against `pattern`, adding bindings to `scope`; `literal` evaluates a literal pattern. */
export function matchPattern(pattern: Node, value: Value, scope: Env, literal: (node: Node) => Value): Match {
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
      return matchItems(pattern, value, scope, literal);
    default:
      return "unknown";
  }
}

function matchItems(
  pattern: Extract<Node, { type: "list" | "tuple" }>,
  value: Value,
  scope: Env,
  literal: (node: Node) => Value,
): Match {
  if (value.t === "unknown") return "unknown";
  if (value.t !== pattern.type) return "no";
  const tail = pattern.type === "list" ? pattern.tail : undefined;
  const items = value.items;
  if (tail ? items.length < pattern.items.length : items.length !== pattern.items.length) return "no";
  let result: Match = "yes";
  pattern.items.forEach((p, i) => {
    if (result === "yes") result = matchPattern(p, items[i], scope, literal);
  });
  if (result === "yes" && tail) result = matchPattern(tail, list(items.slice(pattern.items.length)), scope, literal);
  return result;
}
