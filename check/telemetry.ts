// Reads Akkoma's lib/pleroma/web/telemetry.ex without Elixir: evaluates the metric definitions that reach
// the Prometheus exporter's `metrics:` option and derives the series TelemetryMetricsPrometheus.Core exports.
// Anything it cannot evaluate (a name built at runtime, an unknown helper) is reported with its line.
import { DashboardError } from "../errors";
import { ElixirSyntaxError } from "./elixir/lexer";
import { type Clause, type Node, type SkippedStatement, isKeywordNode, parseElixir } from "./elixir/parser";

export type TelemetryKind = "counter" | "sum" | "last_value" | "distribution" | "summary";

export interface MetricDefinition {
  readonly kind: TelemetryKind;
  /** Telemetry.Metrics' name, dotted: `vm.memory.total.psum`. */
  readonly telemetryName: string;
  /** The family name the exporter writes: `vm_memory_total_psum`. */
  readonly name: string;
  /** Label names from `tags:` (`tag_values` only fills them); undefined when they could not be evaluated. */
  readonly tags: readonly string[] | undefined;
  /** Why the tags are unknown. */
  readonly tagsProblem?: string;
  readonly line: number;
}

export interface ExportedSeries {
  readonly name: string;
  /** Undefined when the definition's tags could not be evaluated. */
  readonly labels: readonly string[] | undefined;
  readonly definition: MetricDefinition;
}

export interface Problem {
  readonly line: number;
  readonly message: string;
}

export interface TelemetryReport {
  readonly file: string;
  /** Where metrics are handed to a Prometheus exporter (`{TelemetryMetricsPrometheus.Core, metrics: ...}`). */
  readonly exporters: readonly { readonly module: string; readonly line: number }[];
  /** Definitions the exporter registers, in order. */
  readonly exported: readonly MetricDefinition[];
  /** Definitions that reach the exporter but are not exported, and why. */
  readonly dropped: readonly { readonly definition: MetricDefinition; readonly reason: string }[];
  /** What could not be understood on the way to the exporter. */
  readonly problems: readonly Problem[];
  /** Statements the parser skipped (they matter only when a problem mentions them). */
  readonly skipped: readonly SkippedStatement[];
}

const constructors: ReadonlySet<string> = new Set<TelemetryKind>([
  "counter",
  "sum",
  "last_value",
  "distribution",
  "summary",
]);
const exporterModules = new Set(["TelemetryMetricsPrometheus.Core", "TelemetryMetricsPrometheus"]);
const maxCallDepth = 64;

type Value =
  | { readonly t: "number"; readonly v: number }
  | { readonly t: "string"; readonly v: string }
  | { readonly t: "atom"; readonly v: string }
  | { readonly t: "alias"; readonly v: string }
  | { readonly t: "list"; readonly items: readonly Value[] }
  | { readonly t: "tuple"; readonly items: readonly Value[] }
  | { readonly t: "metric"; readonly definition: MetricDefinition }
  | { readonly t: "fn"; readonly clauses: readonly Clause[]; readonly env: Env }
  | Unknown;

interface Unknown {
  readonly t: "unknown";
  readonly why: string;
  readonly line: number;
}

type Env = Map<string, Value>;

const unknown = (why: string, line: number): Unknown => ({ t: "unknown", why, line });
const atom = (v: string): Value => ({ t: "atom", v });
const list = (items: readonly Value[]): Value => ({ t: "list", items });
const nil = atom("nil");

interface FunctionDef {
  readonly name: string;
  readonly params: readonly Node[];
  readonly defaults: readonly (Node | undefined)[];
  readonly guard?: Node;
  readonly body?: readonly Node[];
  readonly line: number;
  /** Module attributes as set where the function is defined. */
  readonly attributes: ReadonlyMap<string, Node>;
}

/** The statements of `defmodule ... do ... end`, or the file's own statements for a bare snippet. */
function moduleBody(statements: readonly Node[]): { name: string; body: readonly Node[] } {
  for (const statement of statements) {
    if (statement.type === "call" && statement.target.kind === "local" && statement.target.name === "defmodule") {
      const name = statement.args[0]?.type === "alias" ? statement.args[0].name : "Module";
      const body = statement.block?.do;
      return { name, body: body?.kind === "statements" ? body.statements : [] };
    }
  }
  return { name: "Module", body: statements };
}

function keywordValue(node: Node, key: string): Node | undefined {
  if (node.type !== "list") return undefined;
  for (const item of node.items) {
    if (item.type === "tuple" && item.items[0]?.type === "atom" && item.items[0].name === key) return item.items[1];
  }
  return undefined;
}

/** The body of `def f do ... end` or `def f, do: ...`. */
function bodyOf(call: Extract<Node, { type: "call" }>): readonly Node[] | undefined {
  const block = call.block?.do;
  if (block) return block.kind === "statements" ? block.statements : undefined;
  const options = call.args[1];
  const inline = options ? keywordValue(options, "do") : undefined;
  return inline ? [inline] : undefined;
}

function functionDef(
  call: Extract<Node, { type: "call" }>,
  attributes: ReadonlyMap<string, Node>,
): FunctionDef | undefined {
  let head = call.args[0];
  let guard: Node | undefined;
  if (head?.type === "binop" && head.op === "when") {
    guard = head.right;
    head = head.left;
  }
  let name: string;
  let args: readonly Node[];
  if (head?.type === "call" && head.target.kind === "local") {
    name = head.target.name;
    args = head.args;
  } else if (head?.type === "var") {
    name = head.name;
    args = [];
  } else {
    return undefined;
  }
  const params = args.map((a) => (a.type === "binop" && a.op === "\\\\" ? a.left : a));
  const defaults = args.map((a) => (a.type === "binop" && a.op === "\\\\" ? a.right : undefined));
  const body = bodyOf(call);
  return {
    name,
    params,
    defaults,
    ...(guard ? { guard } : {}),
    ...(body ? { body } : {}),
    line: call.line,
    attributes,
  };
}

/** A function's parameters, bound to what they are outside a call: unknown until runtime. */
function parameterEnv(def: FunctionDef): Env {
  const env: Env = new Map();
  for (const node of def.params.flatMap((param) => [...walk(param)])) {
    if (node.type === "var")
      env.set(node.name, unknown(`${node.name} is a parameter of ${def.name}, known only at runtime`, def.line));
  }
  return env;
}

/** Every node below `node`, depth first, for searches that do not evaluate. */
function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of children(node)) yield* walk(child);
}

function children(node: Node): Node[] {
  const parts = (ps: readonly (string | Node)[]) => ps.filter((p): p is Node => typeof p !== "string");
  const clauses = (cs: readonly Clause[]) => cs.flatMap((c) => [...c.heads, ...c.body]);
  switch (node.type) {
    case "string":
    case "dynamicAtom":
    case "sigil":
      return parts(node.parts);
    case "list":
      return node.tail ? [...node.items, node.tail] : [...node.items];
    case "tuple":
    case "bitstring":
      return [...node.items];
    case "map":
      return node.struct ? [node.struct, ...node.items] : [...node.items];
    case "call": {
      const target =
        node.target.kind === "remote" ? [node.target.module] : node.target.kind === "anonymous" ? [node.target.fn] : [];
      const blocks = Object.values(node.block ?? {}).flatMap((b) =>
        b.kind === "statements" ? b.statements : clauses(b.clauses),
      );
      return [...target, ...node.args, ...blocks];
    }
    case "field":
      return [node.object];
    case "access":
      return [node.object, node.key];
    case "binop":
      return [node.left, node.right];
    case "unop":
      return [node.operand];
    case "attr":
      return node.value ? [node.value] : [];
    case "fn":
      return clauses(node.clauses);
    case "block":
      return [...node.body];
    default:
      return [];
  }
}

/** Telemetry.Metrics names `"a.b.c"` or `[:a, :b, :c]`; the exporter joins them with `_` and drops odd characters. */
function prometheusName(segments: readonly string[]): string {
  return segments
    .join("_")
    .replace(/[^a-zA-Z0-9_]/g, "")
    .replace(/^[^a-zA-Z]+/, "");
}

function show(value: Value): string {
  switch (value.t) {
    case "number":
      return String(value.v);
    case "string":
      return JSON.stringify(value.v);
    case "atom":
      return `:${value.v}`;
    case "alias":
      return value.v;
    case "metric":
      return `${value.definition.kind}("${value.definition.telemetryName}")`;
    case "unknown":
      return "an unknown value";
    default:
      return `a ${value.t}`;
  }
}

function truthy(value: Value): boolean | undefined {
  if (value.t === "unknown") return undefined;
  return !(value.t === "atom" && (value.v === "false" || value.v === "nil"));
}

function equal(a: Value, b: Value): boolean | undefined {
  if (a.t === "unknown" || b.t === "unknown") return undefined;
  if ((a.t === "list" || a.t === "tuple") && a.t === b.t) {
    if (a.items.length !== b.items.length) return false;
    let result: boolean | undefined = true;
    a.items.forEach((item, i) => {
      const same = equal(item, b.items[i]);
      if (same === false) result = false;
      else if (same === undefined && result) result = undefined;
    });
    return result;
  }
  if (a.t !== b.t) return false;
  if ("v" in a && "v" in b) return a.v === b.v;
  return undefined;
}

type Match = "yes" | "no" | "unknown";

class Evaluator {
  private readonly functions = new Map<string, FunctionDef[]>();
  private readonly aliases = new Map<string, string>();
  private readonly broken = new Map<string, SkippedStatement>();
  private readonly moduleName: string;
  private readonly moduleStatements: readonly Node[];
  private depth = 0;
  /** The module attributes visible to the function being evaluated. */
  private attributes: ReadonlyMap<string, Node> = new Map();

  constructor(statements: readonly Node[], skipped: readonly SkippedStatement[]) {
    const module = moduleBody(statements);
    this.moduleName = module.name;
    this.moduleStatements = module.body;
    for (const s of skipped) if (s.defines) this.broken.set(s.defines, s);
    this.collectDefinitions(module.body);
  }

  private collectDefinitions(body: readonly Node[]): void {
    const attributes = new Map<string, Node>();
    for (const statement of body) {
      if (statement.type === "attr" && statement.value) {
        attributes.set(statement.name, statement.value);
      } else if (statement.type === "call" && statement.target.kind === "local") {
        const kind = statement.target.name;
        if (kind === "def" || kind === "defp") {
          const def = functionDef(statement, new Map(attributes));
          if (def) this.functions.set(def.name, [...(this.functions.get(def.name) ?? []), def]);
        } else if (kind === "alias") {
          this.recordAlias(statement);
        }
      }
    }
  }

  private recordAlias(call: Extract<Node, { type: "call" }>): void {
    const target = call.args[0];
    if (target?.type !== "alias") return;
    const as = call.args[1] ? keywordValue(call.args[1], "as") : undefined;
    const short = as?.type === "alias" ? as.name : (target.name.split(".").pop() ?? target.name);
    this.aliases.set(short, target.name);
  }

  private resolveAlias(name: string): string {
    const [first, ...rest] = name.split(".");
    const full = this.aliases.get(first);
    return full ? [full, ...rest].join(".") : name;
  }

  /** Every place metrics are handed to a Prometheus exporter, with the list that reaches it. */
  exporterSites(): { module: string; line: number; metrics: Value }[] {
    const sites: { module: string; line: number; metrics: Value }[] = [];
    const visit = (statements: readonly Node[], env: Env, attributes: ReadonlyMap<string, Node>) => {
      for (const statement of statements) {
        for (const node of walk(statement)) {
          const site = this.exporterAt(node);
          if (site) {
            const metrics = this.metricsOption(site.options, env, attributes);
            sites.push({ module: site.module, line: node.line, metrics });
          }
        }
        // assignments before the exporter, e.g. `metrics = prometheus_metrics()`
        if (statement.type === "binop" && statement.op === "=") {
          this.inScope(attributes, () => this.evaluate(statement, env));
        }
      }
    };
    visit(
      this.moduleStatements.filter((s) => !this.isDefinition(s)),
      new Map(),
      new Map(),
    );
    for (const def of [...this.functions.values()].flat()) {
      if (def.body) visit(def.body, parameterEnv(def), def.attributes);
    }
    return sites;
  }

  private isDefinition(node: Node): boolean {
    return (
      node.type === "call" &&
      node.target.kind === "local" &&
      (node.target.name === "def" || node.target.name === "defp")
    );
  }

  private exporterAt(node: Node): { module: string; options: Node } | undefined {
    if (node.type === "tuple" && node.items.length === 2 && node.items[0].type === "alias") {
      const module = this.resolveAlias(node.items[0].name);
      if (exporterModules.has(module)) return { module, options: node.items[1] };
    }
    if (node.type === "call" && node.target.kind === "remote" && node.target.module.type === "alias") {
      const module = this.resolveAlias(node.target.module.name);
      if (exporterModules.has(module) && ["start_link", "child_spec"].includes(node.target.name) && node.args[0]) {
        return { module, options: node.args[0] };
      }
    }
    return undefined;
  }

  private metricsOption(options: Node, env: Env, attributes: ReadonlyMap<string, Node>): Value {
    return this.inScope(attributes, () => {
      const value = this.evaluate(options, new Map(env));
      if (value.t === "unknown") return unknown(`the exporter's options are not understood: ${value.why}`, value.line);
      const metrics = this.keywordGet(value, "metrics");
      return metrics ?? unknown("the exporter's options have no metrics: key", options.line);
    });
  }

  private inScope<T>(attributes: ReadonlyMap<string, Node>, run: () => T): T {
    const saved = this.attributes;
    this.attributes = attributes;
    try {
      return run();
    } finally {
      this.attributes = saved;
    }
  }

  private keywordGet(value: Value, key: string): Value | undefined {
    if (value.t !== "list") return undefined;
    for (const item of value.items) {
      if (item.t === "tuple" && item.items.length === 2 && item.items[0].t === "atom" && item.items[0].v === key)
        return item.items[1];
    }
    return undefined;
  }

  // ---- evaluation

  private evaluate(node: Node, env: Env): Value {
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
        if (node.name === "__MODULE__") return { t: "alias", v: this.moduleName };
        return env.get(node.name) ?? unknown(`variable ${node.name} is not bound here`, node.line);
      case "alias":
        return { t: "alias", v: this.resolveAlias(node.name) };
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

  private block(statements: readonly Node[], env: Env): Value {
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
    return { t: "string", v: text };
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
    const broken = this.broken.get(`@${node.name}`);
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
    if (key.t === "atom" && object.t === "list") return this.keywordGet(object, key.v) ?? nil;
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
    if (node.op === "++") return this.concatLists(left, right, node.line);
    if (left.t === "unknown") return left;
    if (right.t === "unknown") return right;
    if (node.op === "<>" && left.t === "string" && right.t === "string") return { t: "string", v: left.v + right.v };
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

  /** Keeps what is known of `a ++ b` when one side is not: the unknown part is reported where the list is used. */
  private concatLists(left: Value, right: Value, line: number): Value {
    const items = (v: Value): readonly Value[] | undefined =>
      v.t === "list" ? v.items : v.t === "unknown" ? [v] : undefined;
    const l = items(left);
    const r = items(right);
    if (!l || !r) return unknown(`++ needs lists, got ${show(l ? right : left)}`, line);
    return list([...l, ...r]);
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

  // ---- calls

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
    if (module === this.moduleName) return this.localCall(name, args(), argNodes, line);
    if (module === "Telemetry.Metrics" && constructors.has(name))
      return this.metric(name as TelemetryKind, args(), argNodes, line);
    const library = this.library(`${module}.${name}`, args, line);
    return library ?? unknown(`${module}.${name}/${argNodes.length} is evaluated only at runtime`, line);
  }

  /** The few list helpers a metric list might be built with. */
  private library(name: string, args: () => Value[], line: number): Value | undefined {
    switch (name) {
      case "Enum.map":
      case "Enum.flat_map": {
        const [items, fn] = args();
        if (items.t !== "list") return items.t === "unknown" ? items : unknown(`${name} over ${show(items)}`, line);
        const mapped = items.items.map((item) => this.apply(fn, [item], line));
        return name === "Enum.map" ? list(mapped) : mapped.reduce((acc, v) => this.concatLists(acc, v, line), list([]));
      }
      case "Enum.concat": {
        const values = args();
        const parts = values.length === 1 && values[0].t === "list" ? values[0].items : values;
        return parts.reduce((acc, v) => this.concatLists(acc, v, line), list([]));
      }
      case "List.flatten": {
        const flatten = (v: Value): Value[] => (v.t === "list" ? v.items.flatMap(flatten) : [v]);
        return list(flatten(args()[0]));
      }
      case "Keyword.merge":
      case "Keyword.put": {
        const values = args();
        const additions =
          name === "Keyword.put"
            ? [{ t: "tuple", items: [values[1], values[2]] } as Value]
            : values[1].t === "list"
              ? values[1].items
              : undefined;
        const base = values[0];
        if (base.t !== "list" || !additions)
          return unknown(`${name} on ${show(base.t !== "list" ? base : values[1])}`, line);
        const keys = new Set(additions.map((a) => (a.t === "tuple" && a.items[0].t === "atom" ? a.items[0].v : "")));
        const kept = base.items.filter((i) => !(i.t === "tuple" && i.items[0].t === "atom" && keys.has(i.items[0].v)));
        return list([...kept, ...additions]);
      }
      default:
        return undefined;
    }
  }

  private localCall(name: string, args: Value[], argNodes: readonly Node[], line: number): Value {
    const defs = (this.functions.get(name) ?? []).filter((d) => this.acceptsArity(d, args.length));
    if (defs.length > 0) return this.invoke(name, defs, args, line);
    if (constructors.has(name)) return this.metric(name as TelemetryKind, args, argNodes, line);
    const broken = this.broken.get(name);
    if (broken) return unknown(`${name} (line ${broken.line}) could not be parsed: ${broken.message}`, line);
    return unknown(`${name}/${args.length} is not defined in this file`, line);
  }

  private acceptsArity(def: FunctionDef, arity: number): boolean {
    const defaults = this.defaultsOf(def);
    const optional = defaults.filter((d) => d !== undefined).length;
    return arity <= def.params.length && arity >= def.params.length - optional;
  }

  /** Defaults may sit on a bodiless head (`def f(a, b \\ 1)`) for a multi-clause function. */
  private defaultsOf(def: FunctionDef): readonly (Node | undefined)[] {
    if (def.defaults.some((d) => d !== undefined)) return def.defaults;
    const head = (this.functions.get(def.name) ?? []).find((d) => !d.body && d.params.length === def.params.length);
    return head?.defaults ?? def.defaults;
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
    const defaults = this.defaultsOf(def);
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

  private apply(fn: Value, args: Value[], line: number): Value {
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
        return this.conditional(name === "unless", node, env);
      case "case":
        return this.caseOf(node, env);
      case "for":
        return this.comprehension(node, env);
      case "def":
      case "defp":
      case "defmodule":
        return unknown(`${name} is not an expression`, node.line);
      default:
        return undefined;
    }
  }

  private conditional(negate: boolean, node: Extract<Node, { type: "call" }>, env: Env): Value {
    const condition = truthy(this.evaluate(node.args[0], env));
    if (condition === undefined) return unknown(`depends on a runtime condition (line ${node.line})`, node.line);
    const branch = condition !== negate ? "do" : "else";
    const block = node.block?.[branch];
    if (block)
      return block.kind === "statements" ? this.block(block.statements, env) : unknown("clauses in if", node.line);
    const inline = node.args[1] ? keywordValue(node.args[1], branch) : undefined;
    return inline ? this.evaluate(inline, env) : nil;
  }

  private caseOf(node: Extract<Node, { type: "call" }>, env: Env): Value {
    const subject = this.evaluate(node.args[0], env);
    const body = node.block?.do;
    if (body?.kind !== "clauses") return unknown("case without clauses", node.line);
    for (const clause of body.clauses) {
      const scope: Env = new Map(env);
      const matched = this.match(clause.heads[0], subject, scope, env);
      if (matched === "unknown") return unknown(`depends on a runtime value (case at line ${node.line})`, node.line);
      if (matched === "yes") return this.block(clause.body, scope);
    }
    return unknown(`no case clause matches (line ${node.line})`, node.line);
  }

  private comprehension(node: Extract<Node, { type: "call" }>, env: Env): Value {
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
        results.push(this.block(body, new Map(scope)));
        return undefined;
      }
      const qualifier = qualifiers[index];
      if (qualifier.type === "binop" && qualifier.op === "<-") {
        const items = this.evaluate(qualifier.right, scope);
        if (items.t !== "list") return items.t === "unknown" ? items : unknown(`for over ${show(items)}`, node.line);
        for (const item of items.items) {
          const inner: Env = new Map(scope);
          const matched = this.match(qualifier.left, item, inner, scope);
          if (matched === "unknown") return unknown("for pattern depends on runtime values", node.line);
          if (matched === "no") continue;
          const failure = run(index + 1, inner);
          if (failure) return failure;
        }
        return undefined;
      }
      const passes = truthy(this.evaluate(qualifier, scope));
      if (passes === undefined) return unknown("for filter depends on runtime values", node.line);
      return passes ? run(index + 1, scope) : undefined;
    };
    return run(0, env) ?? list(results);
  }

  // ---- patterns

  /** Matches `value` against `pattern`, adding bindings to `scope`; `pins` resolves `^var`. */
  private match(pattern: Node, value: Value, scope: Env, pins: Env): Match {
    switch (pattern.type) {
      case "var":
        if (pattern.name !== "_") scope.set(pattern.name, value);
        return "yes";
      case "number":
      case "atom":
      case "string": {
        const same = equal(this.evaluate(pattern, new Map()), value);
        return same === undefined ? "unknown" : same ? "yes" : "no";
      }
      case "list":
      case "tuple":
        return this.matchItems(pattern, value, scope, pins);
      case "binop":
        if (pattern.op === "=") {
          const left = this.match(pattern.left, value, scope, pins);
          return left === "yes" ? this.match(pattern.right, value, scope, pins) : left;
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

  private matchItems(pattern: Extract<Node, { type: "list" | "tuple" }>, value: Value, scope: Env, pins: Env): Match {
    if (value.t === "unknown") return "unknown";
    if (value.t !== pattern.type) return "no";
    const tail = pattern.type === "list" ? pattern.tail : undefined;
    const items = value.items;
    if (tail ? items.length < pattern.items.length : items.length !== pattern.items.length) return "no";
    let result: Match = "yes";
    pattern.items.forEach((p, i) => {
      if (result === "yes") result = this.match(p, items[i], scope, pins);
    });
    if (result === "yes" && tail) result = this.match(tail, list(items.slice(pattern.items.length)), scope, pins);
    return result;
  }

  // ---- metric definitions

  private metric(kind: TelemetryKind, args: Value[], argNodes: readonly Node[], line: number): Value {
    if (args.length < 1 || args.length > 2)
      return unknown(`${kind}/${args.length} is not a Telemetry.Metrics definition`, line);
    const segments = this.nameSegments(args[0]);
    if (typeof segments === "string")
      return unknown(`cannot evaluate the name of this ${kind}: ${segments}`, argNodes[0]?.line ?? line);
    const options = args[1] ?? list([]);
    const tags = this.tags(options);
    return {
      t: "metric",
      definition: {
        kind,
        telemetryName: segments.join("."),
        name: prometheusName(segments),
        tags: Array.isArray(tags) ? tags : undefined,
        ...(typeof tags === "string" ? { tagsProblem: tags } : {}),
        line,
      },
    };
  }

  /** The name's segments, or why they are unknown. */
  private nameSegments(name: Value): string[] | string {
    if (name.t === "string") return name.v.split(".");
    if (name.t === "list" && name.items.every((i) => i.t === "atom"))
      return name.items.map((i) => (i.t === "atom" ? i.v : ""));
    if (name.t === "unknown") return `${name.why}${name.why.includes("line ") ? "" : ` (line ${name.line})`}`;
    return `it is ${show(name)}, not a string or a list of atoms`;
  }

  /** Label names from `tags:`, or why they are unknown. */
  private tags(options: Value): string[] | string {
    if (options.t === "unknown") return `the options are not understood: ${options.why} (line ${options.line})`;
    if (options.t !== "list") return `the options are ${show(options)}, not a keyword list`;
    const tags = this.keywordGet(options, "tags");
    if (!tags) return [];
    if (tags.t === "list" && tags.items.every((i) => i.t === "atom"))
      return tags.items.map((i) => (i.t === "atom" ? i.v : ""));
    if (tags.t === "unknown") return `${tags.why} (line ${tags.line})`;
    return `tags: is ${show(tags)}, not a list of atoms`;
  }

  /** Whether any counter/sum/last_value/distribution/summary call appears at all. */
  hasDefinitions(): boolean {
    return this.moduleStatements.some((statement) => [...walk(statement)].some((node) => this.isConstructorCall(node)));
  }

  private isConstructorCall(node: Node): boolean {
    if (node.type !== "call") return false;
    const target = node.target;
    if (target.kind === "local") return constructors.has(target.name);
    return (
      target.kind === "remote" &&
      constructors.has(target.name) &&
      target.module.type === "alias" &&
      this.resolveAlias(target.module.name) === "Telemetry.Metrics"
    );
  }
}

/** What the exporter does with the list it is given: registers metrics in order, skipping what it cannot export. */
function register(
  metrics: Value,
  line: number,
): { exported: MetricDefinition[]; dropped: TelemetryReport["dropped"][number][]; problems: Problem[] } {
  const exported: MetricDefinition[] = [];
  const dropped: TelemetryReport["dropped"][number][] = [];
  const problems: Problem[] = [];
  if (metrics.t !== "list") {
    const why = metrics.t === "unknown" ? metrics.why : `it is ${show(metrics)}`;
    problems.push({
      line: metrics.t === "unknown" ? metrics.line : line,
      message: `cannot evaluate the metrics passed to the exporter: ${why}`,
    });
    return { exported, dropped, problems };
  }
  const seen = new Set<string>();
  for (const item of metrics.items) {
    if (item.t === "unknown") {
      problems.push({ line: item.line, message: item.why });
    } else if (item.t !== "metric") {
      problems.push({ line, message: `the exporter's metrics list contains ${show(item)}, not a metric definition` });
    } else if (item.definition.kind === "summary") {
      dropped.push({
        definition: item.definition,
        reason: "summaries are not supported by TelemetryMetricsPrometheus.Core",
      });
    } else if (seen.has(item.definition.telemetryName)) {
      dropped.push({
        definition: item.definition,
        reason: "a metric of the same name is registered earlier; the exporter drops this one",
      });
    } else {
      seen.add(item.definition.telemetryName);
      exported.push(item.definition);
      if (item.definition.tagsProblem) {
        problems.push({
          line: item.definition.line,
          message: `cannot evaluate the tags of ${item.definition.name}: ${item.definition.tagsProblem}`,
        });
      }
    }
  }
  return { exported, dropped, problems };
}

const notTelemetry = (file: string) =>
  new DashboardError(
    file,
    "no metric definitions found (no Telemetry.Metrics counter, sum, last_value, distribution or summary)",
    "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex",
  );

/** Reads telemetry.ex source. Throws DashboardError when it is not Elixir or defines no metrics. */
export function readTelemetry(source: string, file: string): TelemetryReport {
  let parsed: ReturnType<typeof parseElixir>;
  try {
    parsed = parseElixir(source);
  } catch (error) {
    if (!(error instanceof ElixirSyntaxError)) throw error;
    if (!/\bdefmodule\b|Telemetry\.Metrics/.test(source)) throw notTelemetry(file);
    throw new DashboardError(`${file}:${error.line}`, `not readable as Elixir: ${error.message}`);
  }
  const evaluator = new Evaluator(parsed.statements, parsed.skipped);
  if (!evaluator.hasDefinitions()) throw notTelemetry(file);
  const sites = evaluator.exporterSites();
  const exported: MetricDefinition[] = [];
  const dropped: TelemetryReport["dropped"][number][] = [];
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const site of sites) {
    const registered = register(site.metrics, site.line);
    for (const definition of registered.exported) {
      if (!names.has(definition.name)) exported.push(definition);
      names.add(definition.name);
    }
    dropped.push(...registered.dropped);
    problems.push(...registered.problems);
  }
  return {
    file,
    exporters: sites.map(({ module, line }) => ({ module, line })),
    exported,
    dropped,
    problems: dedupeProblems(problems),
    skipped: parsed.skipped,
  };
}

function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The series a definition exports, as a scrape shows them. */
export function seriesOf(definition: MetricDefinition): ExportedSeries[] {
  const labels = definition.tags;
  if (definition.kind === "distribution") {
    return [
      { name: `${definition.name}_bucket`, labels: labels ? [...labels, "le"] : undefined, definition },
      { name: `${definition.name}_sum`, labels, definition },
      { name: `${definition.name}_count`, labels, definition },
    ];
  }
  return definition.kind === "summary" ? [] : [{ name: definition.name, labels, definition }];
}
