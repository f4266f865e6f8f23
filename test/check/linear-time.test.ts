// Every reader of check's inputs (the exposition parser, the telemetry.ex reader, PromQL, rule files,
// dashboard files) and the judging pass over what they read take time and memory linear in their input,
// on ordinary and adversarial shapes alike, and on input that fails late: a long valid prefix, then one
// bad character (the measure: test/support/linear-time.ts).
import { readDashboardFile } from "../../check/dashboard-file";
import { readV2Dashboard } from "../../check/dashboard-v2";
import { DashboardError } from "../../errors";
import { parseExposition } from "../../check/exposition";
import { judge } from "../../check/judge";
import { readPromql } from "../../check/promql";
import { readRulesFile } from "../../check/rules-file";
import { readTelemetry } from "../../check/telemetry";
import { telemetryEx, variant } from "./fixtures";
import { type MemoryTarget, allowedRatio, growth, memoryGrowth } from "../support/linear-time";

// Time and memory measured on a shared machine: another process's burst can skew one measurement; a
// real regression (quadratic work, a copy per item) fails every try.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

/** Shapes of one input at size n: ordinary, adversarial and failing late. */
type Shapes = [string, (n: number) => string, number][];

const expectLinear = (shapes: Shapes, parse: (text: string) => unknown, memory: MemoryTarget) => {
  it.each(shapes)(
    "%s: time",
    async (_, make, n) => {
      expect(await growth(make, parse, n)).toBeLessThan(allowedRatio);
    },
    60_000,
  );
  it.each(shapes)(
    "%s: memory",
    (_, make, n) => {
      expect(memoryGrowth(make, memory, n)).toBeLessThan(allowedRatio);
    },
    60_000,
  );
};

const labels = (n: number) => Array.from({ length: n }, (_, i) => `l${i}="v"`).join(",");

describe("the exposition parser takes time and memory linear in its input", () => {
  const shapes: Shapes = [
    ["ordinary samples", (n) => Array.from({ length: n }, (_, i) => `m_${i % 50}{a="${i}"} ${i}`).join("\n"), 10_000],
    ["one line of many labels", (n) => `wide{${labels(n)}} 1\n`, 10_000],
    ["one label value of many escapes", (n) => `m{a="${"\\\\".repeat(n)}"} 1\n`, 500_000],
    ["one long comment", (n) => `# HELP m ${"word ".repeat(n)}\nm 1\n`, 100_000],
    ["a long run of spaces", (n) => `m${" ".repeat(n)}1\n`, 100_000],
    ["many samples, the last one broken", (n) => `${"up 1\n".repeat(n)}up{`, 10_000],
    ["a label value never closed", (n) => `m{a="${"x".repeat(n)}`, 100_000],
    ["many samples, then one byte that is no exposition", (n) => `${'m{a="b"} 1\n'.repeat(n)}\u0001\n`, 10_000],
  ];
  expectLinear(shapes, (text) => parseExposition(text, "scrape.txt"), {
    module: "check/exposition",
    name: "parseExposition",
    input: "text",
    file: "scrape.txt",
  });
});

describe("the telemetry.ex reader takes time and memory linear in its input", () => {
  const definition = "  def prometheus_metrics,\n    do: gauges() ++ histograms() ++ vm_pairs()";
  const metrics = (body: string) => variant(definition, body);
  const shapes: Shapes = [
    [
      "many metric definitions",
      (n) =>
        metrics(
          `  def prometheus_metrics, do: [\n${Array.from({ length: n }, (_, i) => `    counter("akkoma.m${i}.total", tags: [:a])`).join(",\n")}\n  ]`,
        ),
      1_000,
    ],
    ["a long comment", (n) => metrics(`  # ${"x".repeat(n)}\n${definition}`), 100_000],
    [
      "a long interpolated name",
      (n) => metrics(`  def prometheus_metrics, do: [counter("${"#{@prefix}.".repeat(n)}x")]`),
      1_000,
    ],
    [
      "a chain of functions",
      (n) =>
        metrics(
          `${Array.from({ length: n }, (_, i) => `  defp f${i}, do: f${i + 1}()`).join("\n")}\n  defp f${n}, do: [counter("a.b")]\n  def prometheus_metrics, do: f0()`,
        ),
      250,
    ],
    [
      "functions each calling the next twice",
      (n) =>
        metrics(
          `${Array.from({ length: n }, (_, i) => `  defp f${i}, do: f${i + 1}() ++ f${i + 1}()`).join("\n")}\n  defp f${n}, do: [counter("a.b")]\n  def prometheus_metrics, do: f0()`,
        ),
      20,
    ],
    ["brackets never closed", (n) => `${telemetryEx}\n${"(".repeat(n)}`, 1_000],
    ["a string never closed", (n) => `${telemetryEx}\n"${"x".repeat(n)}`, 100_000],
    [
      "many metric definitions, then one bad character",
      (n) =>
        metrics(
          `  def prometheus_metrics, do: [\n${Array.from({ length: n }, (_, i) => `    counter("akkoma.m${i}.total")`).join(",\n")}\n  ]\u0001`,
        ),
      1_000,
    ],
  ];
  expectLinear(shapes, (text) => readTelemetry(text, "telemetry.ex"), {
    module: "check/telemetry",
    name: "readTelemetry",
    input: "text",
    file: "telemetry.ex",
  });
});

describe("the PromQL reader takes time and memory linear in its query", () => {
  // at 8n every shape stays under the 64 KiB a query may have
  expectLinear(
    [
      ["a long sum of selectors", (n) => Array.from({ length: n }, (_, i) => `m${i}{a="b"}`).join(" + "), 300],
      [
        "many Grafana variables",
        (n) => Array.from({ length: n }, () => 'rate(m{i=~"$instance"}[$__rate_interval])').join(" + "),
        150,
      ],
      ["parentheses within one another", (n) => `${"(".repeat(n)}up${")".repeat(n)}`, 3_000],
      ["a chain nested in parentheses", (n) => `${"(up + ".repeat(n)}up${")".repeat(n)}`, 1_000],
      ["a long sum, then one bad character", (n) => `${"up + ".repeat(n)}}`, 1_000],
      ["a string never closed", (n) => `up{a="${"x".repeat(n)}`, 6_000],
      ["parentheses never closed", (n) => `${"(".repeat(n)}up`, 6_000],
    ],
    (query) => readPromql(query),
    { module: "check/promql", name: "readPromql", input: "text" },
  );
});

const rule = (i: number) => `  - alert: A${i}\n    expr: rate(m${i}{job="akkoma"}[5m]) > 1\n`;

describe("the rule file reader takes time and memory linear in its file", () => {
  expectLinear(
    [
      [
        "many rules",
        (n) => `groups:\n- name: g\n  rules:\n${Array.from({ length: n }, (_, i) => rule(i)).join("")}`,
        500,
      ],
      ["a long flow sequence", (n) => `groups: [${Array(n).fill("{}").join(", ")}]\n`, 2_000],
      [
        "deep indentation",
        (n) => `groups:\n${Array.from({ length: n }, (_, i) => `${" ".repeat(2 + (i % 60))}- x\n`).join("")}`,
        1_000,
      ],
      [
        "many rules, then one bad character",
        (n) => `groups:\n- name: g\n  rules:\n${Array.from({ length: n }, (_, i) => rule(i)).join("")}\t@`,
        500,
      ],
      ["a flow sequence never closed", (n) => `groups: [${Array(n).fill("a").join(", ")}\n`, 2_000],
      ["a quoted string never closed", (n) => `groups: "${"x".repeat(n)}`, 50_000],
    ],
    (text) => readRulesFile(text, "rules.yml"),
    { module: "check/rules-file", name: "readRulesFile", input: "text", file: "rules.yml" },
  );
});

const panel = (i: number) =>
  JSON.stringify({ title: `p${i}`, type: "timeseries", targets: [{ expr: `rate(m${i}[5m])` }] });

describe("the dashboard file reader takes time and memory linear in its file", () => {
  const read = (text: string) => readDashboardFile(JSON.parse(text), "dashboard.json");
  expectLinear(
    [
      ["many panels", (n) => `{"panels":[${Array.from({ length: n }, (_, i) => panel(i)).join(",")}]}`, 1_000],
      [
        "rows nested within one another",
        (n) => `{"panels":[${'{"type":"row","panels":['.repeat(n)}${panel(0)}${"]}".repeat(n)}]}`,
        1_000,
      ],
      [
        "many panels, then one bad character",
        (n) => `{"panels":[${Array.from({ length: n }, (_, i) => panel(i)).join(",")}]}!`,
        1_000,
      ],
      ["a string never closed", (n) => `{"title":"${"x".repeat(n)}`, 100_000],
    ],
    (text) => {
      try {
        return read(text);
      } catch (error) {
        if (error instanceof SyntaxError) return undefined; // JSON.parse's refusal: check says "not JSON"
        throw error;
      }
    },
    { module: "check/dashboard-file", name: "readDashboardFile", input: "json", file: "dashboard.json" },
  );
});

const element = (i: number) =>
  `"p${i}":{"kind":"Panel","spec":{"title":"p${i}","data":{"spec":{"queries":[{"spec":{"query":{"group":"prometheus","spec":{"expr":"rate(m${i}[5m])"}}}}]}}}}`;
const v2 = (elements: string, layout = "{}") =>
  `{"apiVersion":"dashboard.grafana.app/v2","kind":"Dashboard","spec":{"elements":{${elements}},"layout":${layout}}}`;
const many = (n: number) => Array.from({ length: n }, (_, i) => element(i)).join(",");

describe("the v2 dashboard reader takes time and memory linear in its file", () => {
  const read = (text: string) => readV2Dashboard(JSON.parse(text), "dashboard.json");
  const row = '{"kind":"RowsLayout","spec":{"rows":[{"kind":"RowsLayoutRow","spec":{"layout":';
  expectLinear(
    [
      ["many elements", (n) => v2(many(n)), 1_000],
      [
        "rows nested within one another",
        (n) => v2(element(0), `${row.repeat(n)}{"kind":"ElementReference","name":"p0"}${"}}]}}".repeat(n)}`),
        1_000,
      ],
      ["many elements, then one of a wrong type", (n) => v2(`${many(n)},"bad":7`), 1_000],
    ],
    (text) => {
      try {
        return read(text);
      } catch (error) {
        if (error instanceof DashboardError) return undefined; // the wrong type, said at the end
        throw error;
      }
    },
    { module: "check/dashboard-v2", name: "readV2Dashboard", input: "json", file: "dashboard.json" },
  );
});

describe("judging a dashboard takes time linear in its panels", () => {
  const nothingExported = { shown: "scrape.txt", exported: new Map(), scrape: false, notes: [] };
  // every panel fails: each is named, and which failed is found once, not panel by panel
  const failing = (n: number) => `{"panels":[${Array.from({ length: n }, (_, i) => panel(i)).join(",")}]}`;
  const judgeAll = (text: string) =>
    judge(readDashboardFile(JSON.parse(text), "dashboard.json").readers, nothingExported, { catalogue: [] });
  it("many failing panels", async () => {
    expect(await growth(failing, judgeAll, 2_000)).toBeLessThan(allowedRatio);
  }, 120_000);

  it("many library panels missing from the file: the judging alone, no query to read", async () => {
    const missing = (n: number) =>
      `{"panels":[${Array.from({ length: n }, (_, i) => `{"title":"p${i}","libraryPanel":{"uid":"u${i}"}}`).join(",")}]}`;
    expect(await growth(missing, judgeAll, 5_000)).toBeLessThan(allowedRatio);
  }, 120_000);
});
