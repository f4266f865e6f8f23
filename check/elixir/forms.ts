// if/unless, case and for: control flow decided by values known statically, or Unknown saying why not.
import { type Node, isKeywordNode, keywordValue } from "./ast";
import { type Env, type Match, type Value, list, nil, truthy, unknown, type Unknown, show } from "./values";

/** What the special forms need of the evaluator that runs them (check/elixir/evaluator.ts's Evaluator). */
export interface FormRunner {
  evaluate(node: Node, env: Env): Value;
  block(statements: readonly Node[], env: Env): Value;
  match(pattern: Node, value: Value, scope: Env): Match;
}

type Call = Extract<Node, { type: "call" }>;

export function conditional(ev: FormRunner, negate: boolean, node: Call, env: Env): Value {
  const condition = truthy(ev.evaluate(node.args[0], env));
  if (condition === undefined) return unknown(`depends on a runtime condition (line ${node.line})`, node.line);
  const branch = condition !== negate ? "do" : "else";
  const block = node.block?.[branch];
  if (block) return block.kind === "statements" ? ev.block(block.statements, env) : unknown("clauses in if", node.line);
  const inline = node.args[1] ? keywordValue(node.args[1], branch) : undefined;
  return inline ? ev.evaluate(inline, env) : nil;
}

export function caseOf(ev: FormRunner, node: Call, env: Env): Value {
  const subject = ev.evaluate(node.args[0], env);
  const body = node.block?.do;
  if (body?.kind !== "clauses") return unknown("case without clauses", node.line);
  for (const clause of body.clauses) {
    const scope: Env = new Map(env);
    const matched = ev.match(clause.heads[0], subject, scope);
    if (matched === "unknown") return unknown(`depends on a runtime value (case at line ${node.line})`, node.line);
    if (matched === "yes") return ev.block(clause.body, scope);
  }
  return unknown(`no case clause matches (line ${node.line})`, node.line);
}

export function comprehension(ev: FormRunner, node: Call, env: Env): Value {
  const last = node.args[node.args.length - 1];
  const options = last && isKeywordNode(last) ? last : undefined;
  const qualifiers = options ? node.args.slice(0, -1) : node.args;
  const inlineBody = options ? keywordValue(options, "do") : undefined;
  const block = node.block?.do;
  const body = inlineBody ? [inlineBody] : block?.kind === "statements" ? block.statements : undefined;
  if (!body || (options && options.items.length > 1)) return unknown("this form of for is not evaluated", node.line);
  const results: Value[] = [];
  const run = (index: number, scope: Env): Unknown | undefined => {
    if (index === qualifiers.length) {
      results.push(ev.block(body, new Map(scope)));
      return undefined;
    }
    const qualifier = qualifiers[index];
    if (qualifier.type === "binop" && qualifier.op === "<-") {
      const items = ev.evaluate(qualifier.right, scope);
      if (items.t !== "list") return items.t === "unknown" ? items : unknown(`for over ${show(items)}`, node.line);
      for (const item of items.items) {
        const inner: Env = new Map(scope);
        const matched = ev.match(qualifier.left, item, inner);
        if (matched === "unknown") return unknown("for pattern depends on runtime values", node.line);
        if (matched === "no") continue;
        const failure = run(index + 1, inner);
        if (failure) return failure;
      }
      return undefined;
    }
    return unknown("filters in for are not evaluated", node.line);
  };
  return run(0, env) ?? list(results);
}
