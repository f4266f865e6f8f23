// The syntax tree of the Elixir subset the parser reads, and the walks over it that do not evaluate.

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

/** A list whose every element is a `{:atom, value}` pair, i.e. a keyword list. */
export function isKeywordNode(node: Node): node is Extract<Node, { type: "list" }> {
  return (
    node.type === "list" &&
    node.items.length > 0 &&
    node.items.every((item) => item.type === "tuple" && item.items.length === 2 && item.items[0].type === "atom")
  );
}

/** The value under `key` in a keyword list literal (`[do: x]` → x). */
export function keywordValue(node: Node, key: string): Node | undefined {
  if (node.type !== "list") return undefined;
  for (const item of node.items) {
    if (item.type === "tuple" && item.items[0]?.type === "atom" && item.items[0].name === key) return item.items[1];
  }
  return undefined;
}

/** Every node below `node`, depth first, for searches that do not evaluate. */
export function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of children(node)) yield* walk(child);
}

export function children(node: Node): Node[] {
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
