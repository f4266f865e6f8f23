// What a module defines, read without running it: its name, functions (clauses, defaults, guards), the
// module attributes each function sees, and its aliases.
import { type Node, type SkippedStatement, keywordValue, walk } from "./ast";
import { type Env, unknown } from "./values";

export interface FunctionDef {
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
export function parameterEnv(def: FunctionDef): Env {
  const env: Env = new Map();
  for (const node of def.params.flatMap((param) => [...walk(param)])) {
    if (node.type === "var")
      env.set(node.name, unknown(`${node.name} is a parameter of ${def.name}, known only at runtime`, def.line));
  }
  return env;
}

const isDefinition = (node: Node) =>
  node.type === "call" && node.target.kind === "local" && (node.target.name === "def" || node.target.name === "defp");

export class ModuleDefinitions {
  readonly name: string;
  /** The module body's statements. */
  readonly statements: readonly Node[];
  readonly functions = new Map<string, FunctionDef[]>();
  private readonly aliases = new Map<string, string>();
  /** Modules imported at module level (`import Telemetry.Metrics`). */
  readonly imports = new Set<string>();
  /** Functions and attributes whose statement could not be parsed, by name (`f`, `@attr`). */
  readonly broken = new Map<string, SkippedStatement>();

  constructor(statements: readonly Node[], skipped: readonly SkippedStatement[]) {
    const module = moduleBody(statements);
    this.name = module.name;
    this.statements = module.body;
    for (const s of skipped) if (s.defines) this.broken.set(s.defines, s);
    this.collect(module.body);
  }

  /** The module's statements that are not function definitions (they run when the module is used). */
  topLevel(): Node[] {
    return this.statements.filter((s) => !isDefinition(s));
  }

  allFunctions(): FunctionDef[] {
    return [...this.functions.values()].flat();
  }

  resolveAlias(name: string): string {
    const [first, ...rest] = name.split(".");
    const full = this.aliases.get(first);
    return full ? [full, ...rest].join(".") : name;
  }

  /** The definitions of `name` that accept `arity` arguments. */
  clauses(name: string, arity: number): FunctionDef[] {
    return (this.functions.get(name) ?? []).filter((d) => this.acceptsArity(d, arity));
  }

  private acceptsArity(def: FunctionDef, arity: number): boolean {
    const defaults = this.defaultsOf(def);
    const optional = defaults.filter((d) => d !== undefined).length;
    return arity <= def.params.length && arity >= def.params.length - optional;
  }

  /** Defaults may sit on a bodiless head (`def f(a, b \\ 1)`) for a multi-clause function. */
  defaultsOf(def: FunctionDef): readonly (Node | undefined)[] {
    if (def.defaults.some((d) => d !== undefined)) return def.defaults;
    const head = (this.functions.get(def.name) ?? []).find((d) => !d.body && d.params.length === def.params.length);
    return head?.defaults ?? def.defaults;
  }

  private collect(body: readonly Node[]): void {
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
        } else if (kind === "import" && statement.args[0]?.type === "alias") {
          this.imports.add(this.resolveAlias(statement.args[0].name));
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
}
