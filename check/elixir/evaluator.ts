// An evaluator for the Elixir of one module, without running Elixir, as far as Akkoma's telemetry.ex has
// ever needed: literals, variables, module attributes, `=`, `++`, `<>` and arithmetic, the module's own
// functions (clauses chosen by literal arguments, default arguments), if, case and for. What it cannot
// know statically is an Unknown value saying why, with the line. A library's functions (e.g.
// Telemetry.Metrics' constructors) come from a Host.
import type { Node, ParsedFile } from "./ast";
import { type Budget, budgetFor } from "./budget";
import { ModuleDefinitions, type FunctionDef } from "./module";
import { conditional, caseOf, comprehension } from "./forms";
import { matchPattern } from "./patterns";
import { type Env, type Match, type Value, atom, concatLists, keywordGet, list, nil, show, unknown } from "./values";

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

const notEvaluated: Partial<Record<Node["type"], string>> = {
  map: "maps",
  bitstring: "binaries",
  sigil: "sigils",
  dynamicAtom: "atoms built by interpolation",
};

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
        return unknown(`${notEvaluated[node.type] ?? node.type} are not evaluated`, node.line);
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

  private listValue(node: Extract<Node, { type: "list" }>, env: Env): Value {
    if (node.tail) return unknown("lists with a tail are not evaluated", node.line);
    return list(node.items.map((item) => this.evaluate(item, env)));
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
    return unknown(`operator ${node.op} on ${show(operand)} is not evaluated`, node.line);
  }

  private binop(node: Extract<Node, { type: "binop" }>, env: Env): Value {
    if (node.op === "=") {
      const value = this.evaluate(node.right, env);
      const bindings: Env = new Map();
      const matched = this.match(node.left, value, bindings);
      for (const [name, bound] of bindings)
        env.set(name, matched === "no" ? unknown(`the match at line ${node.line} fails`, node.line) : bound);
      return value;
    }
    const left = this.evaluate(node.left, env);
    const right = this.evaluate(node.right, env);
    if (node.op === "++") return concatLists(left, right, node.line);
    if (left.t === "unknown") return left;
    if (right.t === "unknown") return right;
    if (node.op === "<>" && left.t === "string" && right.t === "string")
      return { t: "string", v: this.budget.built(left.v + right.v, node.line) };
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

  private call(node: Extract<Node, { type: "call" }>, env: Env): Value {
    const target = node.target;
    if (target.kind === "anonymous") return unknown("calls of anonymous functions are not evaluated", node.line);
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
    const known = this.host.call(module, name, args, argNodes, line);
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
          (acc, param, i) => (acc === "yes" ? this.match(param, full[i], env) : acc),
          "yes",
        );
        if (matched === "no") continue;
        if (matched === "unknown")
          return unknown(`which clause of ${name} runs depends on its arguments' runtime values`, def.line);
        if (def.guard) return unknown(`which clause of ${name} runs depends on a guard`, def.line);
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

  /** Matches `value` against `pattern`, adding bindings to `scope`. */
  match(pattern: Node, value: Value, scope: Env): Match {
    return matchPattern(pattern, value, scope, (literal) => this.evaluate(literal, new Map()));
  }
}
