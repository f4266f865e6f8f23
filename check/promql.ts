// What any PromQL expression reads, found with the Prometheus project's own grammar (the parser its web UI
// uses, @prometheus-io/lezer-promql): every selector with its matchers, and the labels that groupings,
// joins and label_replace/label_join rely on. Grafana's variables are replaced before parsing, since a
// dashboard's queries hold `$instance`, `${job}`, `[[var]]` and `$__rate_interval` where PromQL has values.
import type { SyntaxNode } from "@lezer/common" with { "resolution-mode": "import" };

// The package is an ES module that also ships CommonJS; its types are declared for `import` only.
type LezerPromql = typeof import("@prometheus-io/lezer-promql", { with: { "resolution-mode": "import" } });
const { parser } = require("@prometheus-io/lezer-promql") as LezerPromql;

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
  /** The value holds a Grafana variable: it is known only when the dashboard is shown. */
  readonly variable: boolean;
}

export interface Selector {
  /** Undefined when the name is not fixed (`{__name__=~"..."}`, a name holding a variable). */
  readonly name: string | undefined;
  readonly matchers: readonly Matcher[];
}

/** A label some clause relies on finding on at least one of `selectors` (indices into `selectors`). */
export interface LabelUse {
  readonly label: string;
  /** `by`, `on`, `group_left`, `group_right`, `label_replace`, `label_join`. */
  readonly clause: string;
  readonly selectors: readonly number[];
}

export interface PromqlReads {
  readonly selectors: readonly Selector[];
  readonly labelUses: readonly LabelUse[];
  /** Set when the expression does not parse: what it reads is then unknown. */
  readonly syntaxError?: string;
  /** Set when the expression is beyond what this reader takes (too long, nested too deeply), though it may parse. */
  readonly unread?: string;
}

/** Stands for a variable's value outside strings; never a real metric name. */
export const variableMarker = "__grafana_variable__";

// `$__range_s`, `$__interval_ms`...: numbers; every other built-in interval is a duration.
const numericBuiltins = /^__(?:range|interval|rate_interval)_(?:s|ms)$/;
const durationBuiltins = /^__(?:interval|rate_interval|range|auto)$/;
const variable = /^(?:\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+))/;

/**
 * The expression with Grafana's variables outside strings replaced by something PromQL accepts in their
 * place: a duration inside `[...]` or after `offset`, a number for `$__range_s` and the like, the marker
 * anywhere else (so a metric name holding one is known to be a variable's).
 */
export function withoutGrafanaVariables(expr: string, variables?: ReadonlySet<string>): string {
  return substituted(expr, variables).text;
}

/** A substituted text, and where each of its positions was in the original. */
interface Substituted {
  readonly text: string;
  original(position: number): number;
}

function substituted(expr: string, variables?: ReadonlySet<string>): Substituted {
  // [position in the text, shift to the original] at each substitution, in order
  const shifts: [number, number][] = [];
  let out = "";
  let quote: string | undefined;
  for (let at = 0; at < expr.length;) {
    const char = expr[at] as string;
    if (quote === undefined && char === "#") {
      const end = expr.indexOf("\n", at);
      out += end < 0 ? expr.slice(at) : expr.slice(at, end);
      at = end < 0 ? expr.length : end;
      continue;
    }
    const found = char === "$" || char === "[" ? variable.exec(expr.slice(at)) : null;
    const name = found ? ((found[1] ?? found[2] ?? found[3]) as string) : "";
    if (found && isVariable(name, variables)) {
      // inside a string the variable parses as it is; the matcher reading it knows it for one
      // what came just before, in the query as written: testing all of `out` at each variable is quadratic
      const before = expr.slice(Math.max(0, at - 64), at);
      out += quote !== undefined ? found[0] : replacement(name, before, expr.slice(at + found[0].length));
      at += found[0].length;
      shifts.push([out.length, at - out.length]);
      continue;
    }
    if (quote !== undefined && char === "\\" && quote !== "`") {
      out += expr.slice(at, at + 2);
      at += 2;
      continue;
    }
    if (quote === undefined && (char === '"' || char === "'" || char === "`")) quote = char;
    else if (char === quote) quote = undefined;
    out += char;
    at++;
  }
  const original = (position: number) => {
    let shift = 0;
    for (const [from, by] of shifts) if (position >= from) shift = by;
    return position + shift;
  };
  return { text: out, original };
}

/**
 * The syntax tree of a query with Grafana's variables, for tools that rewrite queries: node positions
 * are in the substituted text; `original` maps one back into `expr`.
 */
export function parsePromql(expr: string, variables?: ReadonlySet<string>) {
  const { text, original } = substituted(expr, variables);
  return { text, tree: parser.parse(text), original };
}

/** `$1` in label_replace is a backreference; with the dashboard's variable names known, only those count. */
const isVariable = (name: string, variables: ReadonlySet<string> | undefined) =>
  name.startsWith("__") || (variables ? variables.has(name) : !/^\d/.test(name));

function holdsVariable(value: string, variables: ReadonlySet<string> | undefined): boolean {
  for (let at = value.indexOf("$"); at >= 0; at = value.indexOf("$", at + 1)) {
    const found = variable.exec(value.slice(at));
    if (found && isVariable((found[1] ?? found[2] ?? found[3]) as string, variables)) return true;
  }
  return /\[\[\w+(?::[^\]]*)?\]\]/.test(value);
}

function replacement(name: string, before: string, after: string): string {
  if (numericBuiltins.test(name)) return "60";
  if (durationBuiltins.test(name)) return "5m";
  const inDuration = /(?:\[|:|\boffset)\s*$/.test(before) || /^\s*[\]:]/.test(after);
  return inDuration ? "5m" : variableMarker;
}

/** Go's string literals: "..." and '...' with escapes, `...` raw. */
function stringValue(literal: string): string {
  if (literal.startsWith("`")) return literal.slice(1, -1);
  const body = literal.slice(1, -1);
  try {
    return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string;
  } catch {
    return body;
  }
}

const matchOps: Record<string, MatchOp> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

/** Longer queries are not read: no real one comes near, and parsing time grows with the text. */
export const maxQueryLength = 64 * 1024;
/**
 * Parentheses within one another that are surely read, once `((x))` is taken as `(x)`. The grammar's
 * parser (Lezer) cuts its stack at a fixed depth, which a chain `(a + (b + ...` reaches at about 700
 * levels, where Prometheus' own parser has no limit: a query deeper than this that does not parse is
 * said to be unread, not wrong.
 */
export const maxNesting = 500;

// The clauses whose parentheses hold label lists: `by ((a))` is no PromQL, and stays as written.
const labelListClause = /(?:^|[^\w:])(?:by|without|on|ignoring|group_left|group_right)\s*$/;

/**
 * `text` with the inner pair of every doubled pair of parentheses, `((x))`, turned into spaces (so every
 * position stays where it was), the depth of the parentheses left, and the first that has no partner.
 * A run of minus signs (`- - - x`, which nests as deep) keeps one or two, as many as keep its sign.
 * Strings and comments are skipped.
 */
export function withoutDoubledParentheses(text: string): { text: string; depth: number; unpaired?: number } {
  const partner = new Int32Array(text.length).fill(-1);
  // a typed stack: a plain array grown by push to tens of thousands costs V8 more than linear time
  const open = new Int32Array(text.length);
  let opened = 0;
  const minuses: number[][] = [];
  let run: number[] = [];
  let unpaired: number | undefined;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === "-") run.push(at);
    else if (char !== " " && char !== "\n" && char !== "\t" && char !== "\r") {
      if (run.length > 2) minuses.push(run);
      run = [];
    }
    if (char === "#") {
      const end = text.indexOf("\n", at);
      at = end < 0 ? text.length : end;
    } else if (char === '"' || char === "'" || char === "`") {
      for (at++; at < text.length && text[at] !== char; at++) if (text[at] === "\\" && char !== "`") at++;
    } else if (char === "(") open[opened++] = at;
    else if (char === ")" && opened > 0) {
      const from = open[--opened] as number;
      partner[from] = at;
      partner[at] = from;
    } else if (char === ")") unpaired ??= at;
  }
  if (opened > 0) unpaired = Math.min(unpaired ?? Infinity, open[0] as number);
  // UTF-16 code units in one buffer, blanked in place: no string or array element a character
  const units = new Uint16Array(text.length);
  for (let at = 0; at < text.length; at++) units[at] = text.charCodeAt(at);
  const space = 0x20;
  if (run.length > 2) minuses.push(run);
  for (const signs of minuses) for (const at of signs.slice(signs.length % 2 === 1 ? 1 : 2)) units[at] = space;
  const skipSpaces = (at: number, by: 1 | -1) => {
    while (at >= 0 && at < text.length && /\s/.test(text[at] as string)) at += by;
    return at;
  };
  for (let from = 0; from < text.length; from++) {
    const to = partner[from] as number;
    if (text[from] !== "(" || to < 0) continue;
    const inner = skipSpaces(from + 1, 1);
    if (text[inner] !== "(" || partner[inner] !== skipSpaces(to - 1, -1)) continue;
    if (labelListClause.test(text.slice(Math.max(0, from - 16), from))) continue;
    units[inner] = space;
    units[partner[inner] as number] = space;
  }
  const collapsed = Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < text.length; at++) {
    if (partner[at] === -1 || units[at] === space) continue;
    depth += text[at] === "(" ? 1 : -1;
    deepest = Math.max(deepest, depth);
  }
  return { text: collapsed, depth: deepest, ...(unpaired === undefined ? {} : { unpaired }) };
}

/** Every selector and every label use in `expr`; `variables`: the dashboard's variable names, if known. */
export function readPromql(expr: string, variables?: ReadonlySet<string>): PromqlReads {
  try {
    return readWithinStack(expr, variables);
  } catch (error) {
    // The grammar's parser builds the tree of an error recovered from (`up + up + ... }`) recursively.
    if (!(error instanceof RangeError)) throw error;
    return {
      selectors: [],
      labelUses: [],
      unread: "nested too deeply for the grammar's parser, which ran out of stack",
    };
  }
}

function readWithinStack(expr: string, variables?: ReadonlySet<string>): PromqlReads {
  if (expr.length > maxQueryLength)
    return { selectors: [], labelUses: [], unread: `longer than ${maxQueryLength} characters, not read` };
  const { text, depth, unpaired } = withoutDoubledParentheses(withoutGrafanaVariables(expr, variables));
  // said at once: the grammar's parser recovers from thousands of open parentheses in quadratic time
  if (unpaired !== undefined)
    return {
      selectors: [],
      labelUses: [],
      syntaxError: `syntax error at character ${unpaired + 1}: ${text[unpaired] === "(" ? '"(" is never closed' : '")" closes nothing'}`,
    };
  const tree = parser.parse(text);
  const selectors: Selector[] = [];
  const labelUses: LabelUse[] = [];
  let syntaxError: string | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError && syntaxError === undefined) syntaxError = `syntax error at character ${node.from + 1}`;
    },
  });
  // Past maxNesting, an error may be the grammar's parser giving up rather than the query's
  if (syntaxError && depth > maxNesting)
    return {
      selectors: [],
      labelUses: [],
      unread: `parentheses nested ${depth} deep, deeper than the ${maxNesting} this check is sure to read (Prometheus may read it)`,
    };
  const source = (node: SyntaxNode) => text.slice(node.from, node.to);
  const labelName = (node: SyntaxNode) =>
    node.name === "QuotedLabelName" ? stringValue(source(node.firstChild ?? node)) : source(node);
  const groupingLabels = (node: SyntaxNode | null) =>
    node ? node.getChildren("LabelName").concat(node.getChildren("QuotedLabelName")).map(labelName) : [];

  /**
   * Visits `node`; returns the labels created under it. The selectors under it are those it added, one
   * range of indices (they are found in order): no list is copied from child to parent, which made a
   * sum of n terms, nested n deep, take n^2 steps. Likewise the largest child's labels are added to.
   */
  const visit = (node: SyntaxNode): Set<string> => {
    const first = selectors.length;
    if (node.name === "VectorSelector") {
      selectors.push(selectorOf(node));
      return new Set();
    }
    let created = new Set<string>();
    for (let child = node.firstChild; child; child = child.nextSibling) {
      const found = visit(child);
      const [larger, smaller] = found.size > created.size ? [found, created] : [created, found];
      smaller.forEach((label) => larger.add(label));
      created = larger;
    }
    let under: number[] | undefined;
    const use = (labels: readonly string[], clause: string) => {
      under ??= Array.from({ length: selectors.length - first }, (_, k) => first + k);
      for (const label of labels) if (!created.has(label)) labelUses.push({ label, clause, selectors: under });
    };
    if (node.name === "AggregateExpr") {
      const modifier = node.getChild("AggregateModifier");
      if (modifier?.firstChild?.name === "By") use(groupingLabels(modifier.getChild("GroupingLabels")), "by");
    }
    const matching = node.name === "BinaryExpr" ? node.getChild("MatchingModifierClause") : null;
    if (matching) {
      const parts = [...childrenOf(matching)];
      parts.forEach((part, index) => {
        const next = parts[index + 1];
        if (next?.name !== "GroupingLabels") return;
        const clause = { On: "on", GroupLeft: "group_left", GroupRight: "group_right" }[part.name];
        if (clause) use(groupingLabels(next), clause);
      });
    }
    if (node.name === "FunctionCall") {
      const fn = node.getChild("FunctionIdentifier")?.firstChild?.name;
      const args = [...childrenOf(node.getChild("FunctionCallBody"))].filter((a) => a.name === "StringLiteral");
      const strings = args.map((a) => stringValue(source(a)));
      if (fn === "LabelReplace" && strings.length >= 3) {
        use([strings[2] as string].filter(Boolean), "label_replace");
        created.add(strings[0] as string);
      }
      if (fn === "LabelJoin" && strings.length >= 2) {
        use(strings.slice(2).filter(Boolean), "label_join");
        created.add(strings[0] as string);
      }
    }
    return created;
  };

  const selectorOf = (node: SyntaxNode): Selector => {
    const matchers: Matcher[] = [];
    let name = node.getChild("Identifier") ? source(node.getChild("Identifier") as SyntaxNode) : undefined;
    for (const item of childrenOf(node.getChild("LabelMatchers"))) {
      if (item.name === "QuotedLabelName") name = labelName(item);
      if (item.name !== "UnquotedLabelMatcher" && item.name !== "QuotedLabelMatcher") continue;
      const labelNode = item.getChild("LabelName") ?? item.getChild("QuotedLabelName");
      const op = matchOps[item.getChild("MatchOp")?.firstChild?.name ?? ""];
      const valueNode = item.getChild("StringLiteral");
      if (!labelNode || !op || !valueNode) continue;
      const value = stringValue(source(valueNode));
      const matcher = { label: labelName(labelNode), op, value, variable: holdsVariable(value, variables) };
      if (matcher.label === "__name__" && op === "=" && !matcher.variable) name = value;
      else matchers.push(matcher);
    }
    const fixed = name !== undefined && !name.includes(variableMarker);
    return { name: fixed ? name : undefined, matchers };
  };

  visit(tree.topNode);
  return { selectors, labelUses, ...(syntaxError ? { syntaxError } : {}) };
}

function* childrenOf(node: SyntaxNode | null): Generator<SyntaxNode> {
  for (let child = node?.firstChild; child; child = child.nextSibling) yield child;
}
