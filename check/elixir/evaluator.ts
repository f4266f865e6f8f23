// A general evaluator for the Elixir of one module, without running Elixir: literals, variables, module
// attributes, operators, pipes, the module's own functions (clauses, default arguments, guards), fn, if,
// case, for, and a few list helpers. What it cannot know statically is an Unknown value saying why, with
// the line. A library's functions (e.g. Telemetry.Metrics' constructors) come from a Host.
import type { Node, ParsedFile } from "./ast";
import { type Budget, budgetFor } from "./budget";
import { ModuleDefinitions, type FunctionDef } from "./module";
import { conditional, caseOf, comprehension } from "./forms";
import { matchPattern } from "./patterns";
import { standardLibrary } from "./stdlib";
import {
  type Env,
  type Match,
  type Value,
  atom,
  concatLists,
  equal,
  keywordGet,
  list,
  nil,
  show,
  truthy,
  unknown,
} from "./values";

/** Functions of libraries the module calls that the evaluator should know (`module` undefined: imported). */
export interface Host {
  call(
    module: string | undefined,
    name: string,
    args: () => Value[],
    argNodes: readonly Node[],
    line: number,
  ): Value | undefined;
}

const maxCallDepth = 64;

export class Evaluator {
  readonly module: ModuleDefinitions;
  private depth = 0;
  /** The module attributes visible to the function being evaluated. */
  private attributes: ReadonlyMap<string, Node> = new Map();

  constructor(
    parsed: ParsedFile,
    private readonly host: Host,
    private readonly budget: Budget = budgetFor(0),
  ) {
    this.module = new ModuleDefinitions(parsed.statements, parsed.skipped);
  }

  /** Runs `run` with the module attributes as set where a function (or the module body) is. */
  inScope<T>(attributes: ReadonlyMap<string, Node>, run: () => T): T {
    const saved = this.attributes;
    this.attributes = attributes;
    try {
      return run();
    } finally {
      this.attributes = saved;
    }
  }

  /** `node`'s value; past the budget, throws EvaluationLimit. */
  evaluate(node: Node, env: Env): Value {
    this.budget.step(node.line);
    return this.budget.check(this.evaluateNode(node, env), node.line);
  }

  private evaluateNode(node: Node, env: Env): Value {
    switch (node.type) {
      case "number":
        return { t: "number", v: node.value };
      case "atom":
        return atom(node.name);
      case "string":
        return node.charlist
          ? unknown("charlists are not evaluated", node.line)
          : this.interpolate(node.parts, env, node.line);
      case "dynamicAtom": {
        const text = this.interpolate(node.parts, env, node.line);
        return text.t === "string" ? atom(text.v) : text;
      }
      case "sigil":
        return this.sigil(node, env);
      case "var":
        if (node.name === "__MODULE__") return { t: "alias", v: this.module.name };
        return env.get(node.name) ?? unknown(`variable ${node.name} is not bound here`, node.line);
      case "alias":
        return { t: "alias", v: this.module.resolveAlias(node.name) };
      case "list":
        return this.listValue(node, env);
      case "tuple":
        return { t: "tuple", items: node.items.map((item) => this.evaluate(item, env)) };
      case "call":
        return this.call(node, env);
      case "field":
        return this.field(node, env);
      case "access":
        return this.access(node, env);
      case "binop":
        return this.binop(node, env);
      case "unop":
        return this.unop(node, env);
      case "attr":
        return this.attribute(node);
      case "fn":
        return { t: "fn", clauses: node.clauses, env: new Map(env) };
      case "block":
        return this.block(node.body, env);
      default:
        return unknown(
          `${node.type === "map" ? "maps" : node.type === "bitstring" ? "binaries" : "captures"} are not evaluated`,
          node.line,
        );
    }
  }

  block(statements: readonly Node[], env: Env): Value {
    let result: Value = nil;
    for (const statement of statements) result = this.evaluate(statement, env);
    return result;
  }

  private interpolate(parts: readonly (string | Node)[], env: Env, line: number): Value {
    let text = "";
    for (const part of parts) {
      if (typeof part === "string") {
        text += part;
        continue;
      }
      const value = this.evaluate(part, env);
      if (value.t === "string" || value.t === "number" || value.t === "alias") text += String(value.v);
      else if (value.t === "atom") text += value.v === "nil" ? "" : value.v;
      else if (value.t === "unknown")
        return unknown(`its #{} interpolation is not understood: ${value.why}`, value.line);
      else return unknown(`interpolates ${show(value)}`, line);
    }
    return { t: "string", v: this.budget.built(text, line) };
  }

  private sigil(node: Extract<Node, { type: "sigil" }>, env: Env): Value {
    const content = this.interpolate(node.parts, env, node.line);
    if (content.t !== "string") return content;
    if (node.letter === "s" || node.letter === "S") return content;
    if (node.letter === "w" || node.letter === "W") {
      const words = content.v.split(/\s+/).filter((w) => w.length > 0);
      if (node.modifiers === "a") return list(words.map(atom));
      if (node.modifiers === "" || node.modifiers === "s") return list(words.map((v) => ({ t: "string", v })));
    }
    return unknown(`sigil ~${node.letter} is not evaluated`, node.line);
  }

  private listValue(node: Extract<Node, { type: "list" }>, env: Env): Value {
    const items = node.items.map((item) => this.evaluate(item, env));
    if (!node.tail) return list(items);
    const tail = this.evaluate(node.tail, env);
    return tail.t === "list" ? list([...items, ...tail.items]) : list([...items, tail]);
  }

  private attribute(node: Extract<Node, { type: "attr" }>): Value {
    if (node.value) return unknown(`@${node.name} is set inside a function`, node.line);
    const definition = this.attributes.get(node.name);
    if (definition) return this.evaluate(definition, new Map());
    const broken = this.module.broken.get(`@${node.name}`);
    if (broken) return unknown(`@${node.name} (line ${broken.line}) could not be parsed: ${broken.message}`, node.line);
    return unknown(`module attribute @${node.name} is not set before this point`, node.line);
  }

  private field(node: Extract<Node, { type: "field" }>, env: Env): Value {
    const object = this.evaluate(node.object, env);
    if (object.t === "alias") return this.remoteCall(object.v, node.name, [], env, node.line);
    if (object.t === "unknown") return object;
    return unknown(`.${node.name} on ${show(object)} is not evaluated`, node.line);
  }

  private access(node: Extract<Node, { type: "access" }>, env: Env): Value {
    const object = this.evaluate(node.object, env);
    const key = this.evaluate(node.key, env);
    if (object.t === "unknown") return object;
    if (key.t === "atom" && object.t === "list") return keywordGet(object, key.v) ?? nil;
    return unknown(`[...] access on ${show(object)} is not evaluated`, node.line);
  }

  private unop(node: Extract<Node, { type: "unop" }>, env: Env): Value {
    if (node.op === "&") return unknown("function captures (&) are not evaluated", node.line);
    const operand = this.evaluate(node.operand, env);
    if (operand.t === "unknown") return operand;
    if ((node.op === "-" || node.op === "+") && operand.t === "number")
      return { t: "number", v: node.op === "-" ? -operand.v : operand.v };
    if (node.op === "!" || node.op === "not") {
      const value = truthy(operand);
      if (value !== undefined) return atom(String(!value));
    }
    return unknown(`operator ${node.op} on ${show(operand)} is not evaluated`, node.line);
  }

  private binop(node: Extract<Node, { type: "binop" }>, env: Env): Value {
    if (node.op === "|>") return this.pipe(node, env);
    if (node.op === "=") {
      const value = this.evaluate(node.right, env);
      const bindings: Env = new Map();
      const matched = this.match(node.left, value, bindings, env);
      for (const [name, bound] of bindings)
        env.set(name, matched === "no" ? unknown(`the match at line ${node.line} fails`, node.line) : bound);
      return value;
    }
    if (node.op === "&&" || node.op === "and" || node.op === "||" || node.op === "or") return this.logical(node, env);
    const left = this.evaluate(node.left, env);
    const right = this.evaluate(node.right, env);
    if (node.op === "++") return concatLists(left, right, node.line);
    if (left.t === "unknown") return left;
    if (right.t === "unknown") return right;
    if (node.op === "<>" && left.t === "string" && right.t === "string")
      return { t: "string", v: this.budget.built(left.v + right.v, node.line) };
    if (node.op === "==" || node.op === "!=") {
      const same = equal(left, right);
      return same === undefined
        ? unknown(`comparison at line ${node.line} is not evaluated`, node.line)
        : atom(String(node.op === "==" ? same : !same));
    }
    if (node.op === "in" && right.t === "list") {
      const found = right.items.some((item) => equal(item, left) === true);
      return atom(String(found));
    }
    if (left.t === "number" && right.t === "number") {
      const arithmetic: Record<string, (a: number, b: number) => number> = {
        "+": (a, b) => a + b,
        "-": (a, b) => a - b,
        "*": (a, b) => a * b,
        "/": (a, b) => a / b,
      };
      const compute = arithmetic[node.op];
      if (compute) return { t: "number", v: compute(left.v, right.v) };
    }
    return unknown(`operator ${node.op} on ${show(left)} and ${show(right)} is not evaluated`, node.line);
  }

  private logical(node: Extract<Node, { type: "binop" }>, env: Env): Value {
    const left = this.evaluate(node.left, env);
    const isAnd = node.op === "&&" || node.op === "and";
    const truth = truthy(left);
    if (truth === undefined) return left;
    if (isAnd ? !truth : truth) return left;
    return this.evaluate(node.right, env);
  }

  private pipe(node: Extract<Node, { type: "binop" }>, env: Env): Value {
    const right = node.right;
    if (right.type === "call") return this.call({ ...right, args: [node.left, ...right.args] }, env);
    if (right.type === "var")
      return this.call(
        { type: "call", target: { kind: "local", name: right.name }, args: [node.left], line: right.line },
        env,
      );
    if (right.type === "field") {
      const target = { kind: "remote" as const, module: right.object, name: right.name };
      return this.call({ type: "call", target, args: [node.left], line: right.line }, env);
    }
    return unknown("|> into something that is not a call", node.line);
  }

  private call(node: Extract<Node, { type: "call" }>, env: Env): Value {
    const target = node.target;
    if (target.kind === "anonymous") {
      const fn = this.evaluate(target.fn, env);
      return this.apply(
        fn,
        node.args.map((a) => this.evaluate(a, env)),
        node.line,
      );
    }
    if (target.kind === "remote") {
      const module = this.evaluate(target.module, env);
      if (module.t === "unknown") return module;
      if (module.t !== "alias")
        return unknown(`${show(module)}.${target.name}/${node.args.length} is evaluated only at runtime`, node.line);
      return this.remoteCall(module.v, target.name, node.args, env, node.line);
    }
    const special = this.specialForm(target.name, node, env);
    if (special) return special;
    return this.localCall(
      target.name,
      node.args.map((a) => this.evaluate(a, env)),
      node.args,
      node.line,
    );
  }

  private remoteCall(module: string, name: string, argNodes: readonly Node[], env: Env, line: number): Value {
    const args = () => argNodes.map((a) => this.evaluate(a, env));
    if (module === this.module.name) return this.localCall(name, args(), argNodes, line);
    const known =
      this.host.call(module, name, args, argNodes, line) ??
      standardLibrary(`${module}.${name}`, args, line, (fn, fnArgs) => this.apply(fn, fnArgs, line));
    return known ?? unknown(`${module}.${name}/${argNodes.length} is evaluated only at runtime`, line);
  }

  private localCall(name: string, args: Value[], argNodes: readonly Node[], line: number): Value {
    const defs = this.module.clauses(name, args.length);
    if (defs.length > 0) return this.invoke(name, defs, args, line);
    const imported = this.host.call(undefined, name, () => args, argNodes, line);
    if (imported) return imported;
    const broken = this.module.broken.get(name);
    if (broken) return unknown(`${name} (line ${broken.line}) could not be parsed: ${broken.message}`, line);
    return unknown(`${name}/${args.length} is not defined in this file`, line);
  }

  private invoke(name: string, defs: readonly FunctionDef[], args: Value[], line: number): Value {
    if (this.depth >= maxCallDepth) return unknown(`calls nest deeper than ${maxCallDepth} (recursion?)`, line);
    this.depth++;
    try {
      for (const def of defs) {
        if (!def.body) continue;
        const full = this.withDefaults(def, args);
        const env: Env = new Map();
        const matched = def.params.reduce<Match>(
          (acc, param, i) => (acc === "yes" ? this.match(param, full[i], env, new Map()) : acc),
          "yes",
        );
        if (matched === "no") continue;
        if (matched === "unknown")
          return unknown(`which clause of ${name} runs depends on its arguments' runtime values`, def.line);
        if (def.guard) {
          const guard = this.inScope(def.attributes, () => truthy(this.evaluate(def.guard as Node, new Map(env))));
          if (guard === undefined) return unknown(`which clause of ${name} runs depends on a guard`, def.line);
          if (!guard) continue;
        }
        return this.inScope(def.attributes, () => this.block(def.body ?? [], env));
      }
      return unknown(`no clause of ${name}/${args.length} matches its arguments`, line);
    } finally {
      this.depth--;
    }
  }

  /** Elixir fills default arguments left to right with the extra arguments given. */
  private withDefaults(def: FunctionDef, args: Value[]): Value[] {
    const defaults = this.module.defaultsOf(def);
    const optional = defaults.filter((d) => d !== undefined).length;
    let extra = args.length - (def.params.length - optional);
    let next = 0;
    return def.params.map((_, i) => {
      const fallback = defaults[i];
      if (fallback === undefined) return args[next++];
      if (extra > 0) {
        extra--;
        return args[next++];
      }
      return this.inScope(def.attributes, () => this.evaluate(fallback, new Map()));
    });
  }

  apply(fn: Value, args: Value[], line: number): Value {
    if (fn.t === "unknown") return fn;
    if (fn.t !== "fn") return unknown(`${show(fn)} is not a function`, line);
    for (const clause of fn.clauses) {
      if (clause.heads.length !== args.length) continue;
      const env: Env = new Map(fn.env);
      const heads = [...clause.heads];
      const last = heads[heads.length - 1];
      let guard: Node | undefined;
      if (last?.type === "binop" && last.op === "when") {
        heads[heads.length - 1] = last.left;
        guard = last.right;
      }
      const matched = heads.reduce<Match>(
        (acc, head, i) => (acc === "yes" ? this.match(head, args[i], env, fn.env) : acc),
        "yes",
      );
      if (matched === "no") continue;
      if (matched === "unknown") return unknown("which fn clause runs depends on runtime values", clause.line);
      if (guard) {
        const passes = truthy(this.evaluate(guard, new Map(env)));
        if (passes === undefined) return unknown("which fn clause runs depends on a guard", clause.line);
        if (!passes) continue;
      }
      return this.block(clause.body, env);
    }
    return unknown("no fn clause matches", line);
  }

  private specialForm(name: string, node: Extract<Node, { type: "call" }>, env: Env): Value | undefined {
    switch (name) {
      case "if":
      case "unless":
        return conditional(this, name === "unless", node, env);
      case "case":
        return caseOf(this, node, env);
      case "for":
        return comprehension(this, node, env);
      case "def":
      case "defp":
      case "defmodule":
        return unknown(`${name} is not an expression`, node.line);
      default:
        return undefined;
    }
  }

  /** Matches `value` against `pattern`, adding bindings to `scope`; `pins` resolves `^var`. */
  match(pattern: Node, value: Value, scope: Env, pins: Env): Match {
    return matchPattern(pattern, value, scope, pins, (literal) => this.evaluate(literal, new Map()));
  }
}
