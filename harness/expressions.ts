import type { TargetJson } from "./dashboard-json";
import type { TimeRange } from "./grafana";
import type { Frame, Point, TargetResult } from "./results";

// Server-side expressions (Grafana's SSE): math and reduce, the two kinds a Prometheus dashboard
// needs for ratios of two queries and for one number out of a range.

/** Grafana's SSE tells a time series (range query) from a number (instant query) per result. */
interface Values {
  shape: "series" | "number" | "scalar";
  frames: Frame[];
}

/**
 * Evaluates a panel's expressions after its queries, each once, an expression's inputs first
 * (an expression may read another one further down the panel).
 */
export function expressionEvaluator(
  targets: readonly TargetJson[],
  queryResults: ReadonlyMap<string, TargetResult>,
  range: TimeRange,
): (target: TargetJson) => TargetResult {
  const evaluated = new Map<string, { result: TargetResult; values: Values }>();
  const inputOf = (ref: string): { result: TargetResult; values: Values } | undefined => {
    const query = queryResults.get(ref);
    if (query)
      return {
        result: query,
        values: { shape: query.kind === "range" ? "series" : "number", frames: [...query.frames] },
      };
    const target = targets.find((t) => t.refId === ref);
    return target ? evaluate(target) : undefined;
  };
  const evaluate = (target: TargetJson) => {
    const known = evaluated.get(target.refId);
    if (known) return known;
    const started = performance.now();
    const inputs = expressionRefs(target).map(inputOf);
    const base = {
      refId: target.refId,
      kind: "expression",
      hidden: target.hide === true,
      query: target.expression ?? "",
      inputs: inputs.flatMap((i) => (!i ? [] : i.result.kind === "expression" ? i.result.inputs : [i.result.query])),
      reads: [...new Set(inputs.flatMap((i) => i?.result.reads ?? []))],
    } as const;
    const input = (ref: string): Values => {
      const found = inputOf(ref);
      if (!found) throw new Error(`expression ${target.refId}: no result for ${ref}`);
      if (found.result.status === "error") throw new Error(`${ref} failed: ${found.result.error}`);
      return found.values;
    };
    let outcome: { result: TargetResult; values: Values };
    try {
      const values =
        target.type === "math"
          ? evaluateMath(target.expression ?? "", input)
          : target.type === "reduce"
            ? reduce(input(target.expression ?? ""), target, range)
            : unsupported(target);
      const result = {
        ...base,
        status: "success",
        frames: values.frames,
        wallMs: performance.now() - started,
      } as const;
      outcome = { result, values };
    } catch (error) {
      const message = (error as Error).message;
      const result = {
        ...base,
        status: "error",
        error: message,
        frames: [],
        wallMs: performance.now() - started,
      } as const;
      outcome = { result, values: { shape: "number", frames: [] } };
    }
    evaluated.set(target.refId, outcome);
    return outcome;
  };
  return (target) => evaluate(target).result;
}

function unsupported(target: TargetJson): never {
  throw new Error(
    `expression ${target.refId}: type "${target.type}" is not supported by the evaluator (math and reduce are)`,
  );
}

type Operator = "+" | "-" | "*" | "/";

/** `$A / $B`, `${A} * 100`, parentheses: a recursive-descent reading of SSE's math language, arithmetic only. */
function evaluateMath(expression: string, input: (ref: string) => Values): Values {
  const tokens = expression.match(/\$\{\w+\}|\$\w+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|[-+*/()]/gi) ?? [];
  if (tokens.join("") !== expression.replace(/\s+/g, "")) {
    throw new Error(`math expression "${expression}" uses more than arithmetic on queries and numbers`);
  }
  let at = 0;
  const peek = () => tokens[at];
  const operand = (): Values => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`math expression "${expression}" ends early`);
    if (token === "(") {
      const inner = sum();
      if (tokens[at++] !== ")") throw new Error(`math expression "${expression}" misses a ")"`);
      return inner;
    }
    if (token === "-") return combine({ shape: "scalar", frames: [constant(0)] }, operand(), "-");
    if (token.startsWith("$")) return input(token.replace(/[${}]/g, ""));
    return { shape: "scalar", frames: [constant(Number(token))] };
  };
  const product = (): Values => {
    let left = operand();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[at++] as Operator;
      left = combine(left, operand(), op);
    }
    return left;
  };
  function sum(): Values {
    let left = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[at++] as Operator;
      left = combine(left, product(), op);
    }
    return left;
  }
  const result = sum();
  if (at !== tokens.length) throw new Error(`math expression "${expression}": unexpected "${peek()}"`);
  return result;
}

const constant = (value: number): Frame => ({ labels: {}, points: [[Number.NaN, value]] });

function apply(op: Operator, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
  }
}

function combine(a: Values, b: Values, op: Operator): Values {
  if (a.shape === "scalar" && b.shape === "scalar") {
    return { shape: "scalar", frames: [constant(apply(op, scalarOf(a), scalarOf(b)))] };
  }
  if (a.shape === "scalar" || b.shape === "scalar") {
    const [values, scalar] = a.shape === "scalar" ? [b, scalarOf(a)] : [a, scalarOf(b)];
    const pointwise = (v: number) => (a.shape === "scalar" ? apply(op, scalar, v) : apply(op, v, scalar));
    return {
      shape: values.shape,
      frames: values.frames.map((f) => ({
        labels: f.labels,
        points: f.points.map(([t, v]) => [t, pointwise(v)] as Point),
      })),
    };
  }
  const shape = a.shape === "series" || b.shape === "series" ? "series" : "number";
  const points = (fa: Frame, fb: Frame) =>
    a.shape === b.shape
      ? joinPoints(fa, fb, op)
      : a.shape === "series"
        ? withNumber(fa, fb, (v, n) => apply(op, v, n))
        : withNumber(fb, fa, (v, n) => apply(op, n, v));
  return { shape, frames: union(a.frames, b.frames).map(([labels, fa, fb]) => ({ labels, points: points(fa, fb) })) };
}

/** A number applies to every point of a series. */
function withNumber(series: Frame, number: Frame, op: (value: number, number: number) => number): Point[] {
  const n = number.points[0]?.[1] ?? Number.NaN;
  return series.points.map(([t, v]) => [t, op(v, n)] as Point);
}

const scalarOf = (values: Values) => (values.frames[0] as Frame).points[0]?.[1] ?? Number.NaN;

/** SSE pairs results with equal labels, or where one side's labels contain the other's. */
function union(a: readonly Frame[], b: readonly Frame[]): [Record<string, string>, Frame, Frame][] {
  const pairs: [Record<string, string>, Frame, Frame][] = [];
  for (const fa of a) {
    for (const fb of b) {
      const la = withoutName(fa.labels);
      const lb = withoutName(fb.labels);
      if (contains(la, lb)) pairs.push([la, fa, fb]);
      else if (contains(lb, la)) pairs.push([lb, fa, fb]);
    }
  }
  // One result on each side always pairs, whatever their labels.
  if (pairs.length === 0 && a.length === 1 && b.length === 1) pairs.push([{}, a[0] as Frame, b[0] as Frame]);
  return pairs;
}

function withoutName(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

const contains = (outer: Record<string, string>, inner: Record<string, string>) =>
  Object.entries(inner).every(([k, v]) => outer[k] === v);

/** Series meet on equal timestamps; numbers have one point each, whatever its time. */
function joinPoints(a: Frame, b: Frame, op: Operator): Point[] {
  if (a.points.length === 1 && b.points.length === 1) {
    return [[(a.points[0] as Point)[0], apply(op, (a.points[0] as Point)[1], (b.points[0] as Point)[1])]];
  }
  const right = new Map(b.points.map(([t, v]) => [t, v]));
  return a.points.filter(([t]) => right.has(t)).map(([t, v]) => [t, apply(op, v, right.get(t) as number)] as Point);
}

const reducers: Record<string, (values: number[]) => number> = {
  mean: (v) => (v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length),
  sum: (v) => v.reduce((s, x) => s + x, 0),
  // reduce, not Math.min(...v): spreading a long series overflows the stack
  min: (v) => (v.length === 0 ? Number.NaN : v.reduce((a, b) => Math.min(a, b))),
  max: (v) => (v.length === 0 ? Number.NaN : v.reduce((a, b) => Math.max(a, b))),
  count: (v) => v.length,
  last: (v) => v[v.length - 1] ?? Number.NaN,
};

function reduce(input: Values, target: TargetJson, range: TimeRange): Values {
  const reducer = reducers[target.reducer ?? ""];
  if (!reducer) throw new Error(`reduce ${target.refId}: reducer "${target.reducer}" is not supported`);
  const mode = target.settings?.mode ?? "";
  const prepare = (values: number[]) =>
    mode === "dropNN"
      ? values.filter(Number.isFinite)
      : mode === "replaceNN"
        ? values.map((v) => (Number.isFinite(v) ? v : (target.settings?.replaceWithValue ?? 0)))
        : values;
  return {
    shape: "number",
    frames: input.frames.map((f) => ({
      labels: f.labels,
      points: [[range.toMs, reducer(prepare(f.points.map(([, v]) => v)))]],
    })),
  };
}

export function expressionRefs(target: TargetJson): string[] {
  if (target.type === "math")
    return [...(target.expression ?? "").matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] as string);
  return target.expression ? [target.expression] : [];
}
