import {
  maxNesting,
  maxQueryLength,
  parsePromql,
  readPromql,
  withoutDoubledParentheses,
  withoutGrafanaVariables,
} from "../../check/promql";

const names = (expr: string) => readPromql(expr).selectors.map((s) => s.name);
const uses = (expr: string) => readPromql(expr).labelUses.map((u) => `${u.clause}:${u.label}`);

describe("reading PromQL with Prometheus' grammar", () => {
  test("every selector, however deep, with its matchers", () => {
    const reads = readPromql(
      'sum(rate(a_total{queue="x", le=~"0.1|1"}[5m])) / ignoring(q) (b{"dotted.label"!="y"} or {__name__="c"}) + {"d.e"}',
    );
    expect(reads.selectors).toEqual([
      {
        name: "a_total",
        matchers: [
          { label: "queue", op: "=", value: "x", variable: false },
          { label: "le", op: "=~", value: "0.1|1", variable: false },
        ],
      },
      { name: "b", matchers: [{ label: "dotted.label", op: "!=", value: "y", variable: false }] },
      { name: "c", matchers: [] },
      { name: "d.e", matchers: [] },
    ]);
    expect(reads.syntaxError).toBeUndefined();
  });

  test("a name that is not fixed is no series", () => {
    expect(names('{__name__=~"akkoma_.*"} + count_values("v", x)')).toEqual([undefined, "x"]);
  });

  test("by, on, group_left and label_replace/label_join sources are labels relied on; without and ignoring are not", () => {
    expect(uses("sum by (route) (x) / on(instance) group_left(worker) y")).toEqual([
      "by:route",
      "on:instance",
      "group_left:worker",
    ]);
    expect(uses("sum(x) by (route)")).toEqual(["by:route"]);
    expect(uses("sum without (le) (x) / ignoring(a) y")).toEqual([]);
    expect(uses('label_replace(x, "short", "$1", "worker", "Pleroma.Workers.(.*)")')).toEqual(["label_replace:worker"]);
    expect(uses('label_join(x, "both", "-", "a", "b")')).toEqual(["label_join:a", "label_join:b"]);
  });

  test("a label made by label_replace is not asked of the series under it", () => {
    expect(uses('sum by (short) (label_replace(x, "short", "$1", "worker", "(.*)"))')).toEqual([
      "label_replace:worker",
    ]);
  });

  test("a label use names the selectors it groups", () => {
    const reads = readPromql("sum by (a) (x + y) * z");
    expect(reads.labelUses).toEqual([{ label: "a", clause: "by", selectors: [0, 1] }]);
  });

  test("comments are no queries", () => {
    expect(names('up{job="a"}\n# or: avg_over_time(other[5m])')).toEqual(["up"]);
  });

  test("a query that does not parse says where", () => {
    expect(readPromql("rate(x{a=}[5m]").syntaxError).toMatch(/^syntax error at character \d+/);
    expect(readPromql("sum(rate(x[5m])").syntaxError).toBe('syntax error at character 4: "(" is never closed');
  });

  test("10,000 parentheses within one another are read, as Prometheus reads them", () => {
    expect(names(`${"(".repeat(10_000)}up${")".repeat(10_000)}`)).toEqual(["up"]);
    expect(names(`abs(${"(".repeat(10_000)}up${")".repeat(10_000)})`)).toEqual(["up"]);
  });

  test("10,000 minus signs in a row are read, as Prometheus reads them, keeping the sign", () => {
    expect(names(`${"-".repeat(10_000)}up`)).toEqual(["up"]);
    expect(names(`a ${"- ".repeat(10_001)}b`)).toEqual(["a", "b"]);
    expect(withoutDoubledParentheses('a - - - b{c="---"}').text).toBe('a -     b{c="---"}');
    expect(withoutDoubledParentheses("a----b").text).toBe("a--  b");
  });

  test("doubled parentheses are read as one pair, keeping positions; label lists keep theirs", () => {
    expect(withoutDoubledParentheses('((x{a="(("}))')).toEqual({ text: '( x{a="(("} )', depth: 1 });
    expect(withoutDoubledParentheses("sum by ((a)) (x)").text).toBe("sum by ((a)) (x)");
  });

  test("nesting past what the grammar's parser takes is said to be unread, not a syntax error", () => {
    const deep = `${"(up + ".repeat(5_000)}up${")".repeat(5_000)}`;
    expect(readPromql(deep)).toEqual({
      selectors: [],
      labelUses: [],
      unread: `parentheses nested 5000 deep, deeper than the ${maxNesting} this check is sure to read (Prometheus may read it)`,
    });
  });

  test("no query within the length cap makes the reader throw, however it nests or fails", () => {
    const near = (unit: string) => Math.floor((maxQueryLength - 10) / unit.length);
    for (const query of [
      `${"up + ".repeat(near("up + "))}}`,
      `${"(up + ".repeat(near("(up + )"))}up${")".repeat(near("(up + )"))}}`,
      `${"-".repeat(near("-"))}up`,
      `${"sum(".repeat(near("sum()"))}up${")".repeat(near("sum()"))}`,
      `${"{".repeat(near("{"))}`,
    ])
      expect(() => readPromql(query)).not.toThrow();
  });

  test("a huge query is not read", () => {
    const huge = `x${" + x".repeat(maxQueryLength / 4)}`;
    expect(readPromql(huge)).toEqual({
      selectors: [],
      labelUses: [],
      unread: expect.stringMatching(/^longer than/),
    });
  });
});

describe("Grafana variables in PromQL", () => {
  test("durations, numbers and names stand in for them so the query parses", () => {
    expect(withoutGrafanaVariables("rate(x[$__rate_interval]) offset $shift")).toBe("rate(x[5m]) offset 5m");
    expect(withoutGrafanaVariables("increase(x[${window}]) / $__range_s")).toBe("increase(x[5m]) / 60");
    expect(withoutGrafanaVariables("topk($n, x) + [[metric]]")).toBe(
      "topk(__grafana_variable__, x) + __grafana_variable__",
    );
  });

  test("inside strings they stay, and the matcher knows it holds one", () => {
    const [selector] = readPromql(
      'x{job="${job}", instance=~"$instance", queue="[[queue]]", a="b"}[$__interval]',
    ).selectors;
    expect(selector?.matchers.map((m) => [m.label, m.value, m.variable])).toEqual([
      ["job", "${job}", true],
      ["instance", "$instance", true],
      ["queue", "[[queue]]", true],
      ["a", "b", false],
    ]);
  });

  test("a metric name holding a variable is not fixed", () => {
    expect(names('${prefix}_total{a="b"} + akkoma_$kind')).toEqual([undefined, undefined]);
  });

  test("with the dashboard's variable names known, $1 is a backreference, not a variable", () => {
    const reads = readPromql('label_replace(x{a=~"$q"}, "b", "$1", "c", "(.*)")', new Set(["job"]));
    expect(reads.selectors[0]?.matchers[0]?.variable).toBe(false);
    expect(withoutGrafanaVariables("x offset $1", new Set(["job"]))).toBe("x offset $1");
  });
});

describe("rewriting queries", () => {
  test("a node's range maps back to the query as written, variables and all", () => {
    const expr = 'avg_over_time(rate(x{job="${job}"}[$__rate_interval])[24h]) * 60 + up{instance="$instance"}';
    const { tree, original } = parsePromql(expr);
    const ranges: string[] = [];
    tree.iterate({
      enter: (node) => {
        if (node.name === "FunctionCall" || node.name === "VectorSelector")
          ranges.push(expr.slice(original(node.from), original(node.to)));
      },
    });
    expect(ranges).toEqual([
      'avg_over_time(rate(x{job="${job}"}[$__rate_interval])[24h])',
      'rate(x{job="${job}"}[$__rate_interval])',
      'x{job="${job}"}',
      'up{instance="$instance"}',
    ]);
  });
});
