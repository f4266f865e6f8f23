import { tokenize } from "../../check/elixir/lexer";
import { type Node, parseElixir } from "../../check/elixir/parser";

/** A compact rendering of the AST, to compare shapes rather than every field. */
function show(node: Node | string): string {
  if (typeof node === "string") return JSON.stringify(node);
  switch (node.type) {
    case "number":
      return String(node.value);
    case "string":
      return `"${node.parts.map((p) => (typeof p === "string" ? p : `#{${show(p)}}`)).join("")}"`;
    case "atom":
      return `:${node.name}`;
    case "var":
      return node.name;
    case "alias":
      return node.name;
    case "list":
      return `[${node.items.map(show).join(", ")}${node.tail ? ` | ${show(node.tail)}` : ""}]`;
    case "tuple":
      return `{${node.items.map(show).join(", ")}}`;
    case "map":
      return `%${node.struct ? show(node.struct) : ""}{${node.items.map(show).join(", ")}}`;
    case "call": {
      const target =
        node.target.kind === "local"
          ? node.target.name
          : node.target.kind === "remote"
            ? `${show(node.target.module)}.${node.target.name}`
            : `${show(node.target.fn)}.`;
      const sections = Object.entries(node.block ?? {}).map(([name, body]) =>
        body.kind === "statements"
          ? `${name}: ${body.statements.map(show).join("; ")}`
          : `${name}: ${body.clauses.map((c) => `${c.heads.map(show).join(", ")} -> ${c.body.map(show).join("; ")}`).join(" | ")}`,
      );
      return `${target}(${node.args.map(show).join(", ")})${sections.length > 0 ? ` <${sections.join(" ")}>` : ""}`;
    }
    case "field":
      return `${show(node.object)}.${node.name}`;
    case "access":
      return `${show(node.object)}[${show(node.key)}]`;
    case "binop":
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
    case "unop":
      return `(${node.op}${show(node.operand)})`;
    case "attr":
      return `@${node.name}${node.value ? ` ${show(node.value)}` : ""}`;
    case "fn":
      return `fn ${node.clauses.map((c) => `${c.heads.map(show).join(", ")} -> ${c.body.map(show).join("; ")}`).join(" | ")} end`;
    default:
      return node.type;
  }
}

const parse = (source: string) => {
  const parsed = parseElixir(source);
  expect(parsed.skipped).toEqual([]);
  return parsed.statements.map(show);
};

describe("the Elixir subset", () => {
  test.each([
    [
      "keyword arguments become one trailing list",
      'sum("a.b", tags: [:x], unit: {:byte, :kilobyte})',
      ['sum("a.b", [{:tags, [:x]}, {:unit, {:byte, :kilobyte}}])'],
    ],
    [
      "def with a default argument and inline do:",
      "defp f(a \\\\ :byte), do: [a]",
      ["defp(f((a \\\\ :byte)), [{:do, [a]}])"],
    ],
    [
      "a guard on the next line",
      "def h(x)\n    when x in [:a, :b] do\n  x\nend",
      ["def((h(x) when (x in [:a, :b]))) <do: x>"],
    ],
    ["++ at the end of a line continues it", "x =\n  [1] ++\n    f()", ["(x = ([1] ++ f()))"]],
    ["a pipe at the start of a line continues it", "a\n|> b(1)\n|> c", ["((a |> b(1)) |> c)"]],
    ["interpolation with nested quotes", '"#{@p}.#{inspect("x")}!"', ['"#{@p}.#{inspect("x")}!"']],
    ["string concatenation is right-associative", 'a <> ".x" <> b', ['(a <> (".x" <> b))']],
    [
      "calls without parentheses and do-blocks",
      "if config do\n  [1]\nelse\n  []\nend",
      ["if(config) <do: [1] else: []>"],
    ],
    [
      "case clauses with guards",
      'case e do\n  e when is_atom(e) -> "#{e}"\n  _ -> "x"\nend',
      ['case(e) <do: (e when is_atom(e)) -> "#{e}" | _ -> "x">'],
    ],
    ["fn with two parameters", "fn %{q: q}, acc -> acc end", ["fn %{[{:q, q}]}, acc -> acc end"]],
    ["captures and remote calls", "&__MODULE__.handle/4", ["(&(__MODULE__.handle / 4))"]],
    ["module attribute set and read", '@prefix "akkoma"\n@prefix', ['@prefix "akkoma"', "@prefix"]],
    ["access and field chains", 'meta.args["op"]', ['meta.args["op"]']],
    ["structs with variable names in patterns", "%type{} -> 1", null],
    ["not in", "x not in [1]", ["(x not in [1])"]],
    ["list tails", "[h | t]", ["[h | t]"]],
    [
      "a heredoc @doc",
      '@doc """\n  Text with "quotes" and #{1}\n  """\ndef f, do: 1',
      ['@doc "Text with "quotes" and #{1}\n"', "def(f, [{:do, 1}])"],
    ],
  ])("%s", (_, source, expected) => {
    if (expected === null) {
      expect(() => parse(`case x do\n  ${source}\nend`)).not.toThrow();
    } else {
      expect(parse(source)).toEqual(expected);
    }
  });

  test("tokens know their line and whether a newline precedes them", () => {
    const tokens = tokenize('a(1)\n# comment with "quote\nb c: 2');
    expect(tokens.map((t) => `${t.kind}:${t.text}@${t.line}${t.nlBefore ? "^" : ""}`)).toEqual([
      "ident:a@1^",
      "op:(@1",
      "number:1@1",
      "op:)@1",
      "ident:b@3^",
      "kw:c@3",
      "number:2@3",
      "eof:@3",
    ]);
  });

  test("sigils, char literals, numbers with underscores, quoted atoms", () => {
    expect(
      tokenize('~w(a b)a ~r/x\\/y/i ?a 60_000 0.5 1.0e-3 :"x y" :++').map(
        (t) => `${t.kind}:${t.text}${t.value !== undefined ? `=${t.value}` : ""}`,
      ),
    ).toEqual([
      "sigil:w",
      "sigil:r",
      "number:?a=97",
      "number:60_000=60000",
      "number:0.5=0.5",
      "number:1.0e-3=0.001",
      "atom:",
      "atom:++",
      "eof:",
    ]);
  });

  test("a statement that does not parse is skipped with its line; the module goes on", () => {
    const parsed = parseElixir("defmodule M do\n  def a, do: 1\n  def b do\n    [1 2]\n  end\n  def c, do: 3\nend\n");
    expect(parsed.skipped).toEqual([{ line: 4, message: 'expected "]", got "2"', defines: "b" }]);
    const module = parsed.statements[0];
    const body = module.type === "call" ? module.block?.do : undefined;
    expect(body?.kind === "statements" ? body.statements.map(show) : []).toEqual([
      "def(a, [{:do, 1}])",
      "def(c, [{:do, 3}])",
    ]);
  });
});
