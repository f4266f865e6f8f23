// Every parse and evaluation is bounded: a line of 130,000 labels is read without deep recursion, a list
// of 200,000 panels or 150,000 rules without spreading it into one call's arguments, and
// telemetry.ex that doubles a string or a list, or calls two functions that each call two more, stops
// with a clear error naming the file and line instead of running for minutes at gigabytes.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDashboardFile } from "../../check/dashboard-file";
import { parseExposition } from "../../check/exposition";
import { readRulesFile } from "../../check/rules-file";
import { readTelemetry } from "../../check/telemetry";
import { DashboardError } from "../../errors";
import { runCli, useTempFolder } from "../support/build";
import { lineOf, runCheckInProcess, telemetryEx, variant, writeFixture } from "./fixtures";

const metricsDefinition = "  def prometheus_metrics,\n    do: gauges() ++ histograms() ++ vm_pairs()";
const withMetrics = (definition: string) => variant(metricsDefinition, definition);

describe("an exposition line with 130,000 labels", () => {
  it("is read, every label name kept", () => {
    const labels = Array.from({ length: 130_000 }, (_, i) => `l${i}="v"`).join(",");
    const parsed = parseExposition(`wide{${labels}} 1\n`, "scrape.txt");
    expect(parsed.series.get("wide")?.size).toBe(130_000);
  });
});

describe("telemetry.ex that computes without bound", () => {
  // `at`: the lines where the bound may be hit (a step budget runs out wherever evaluation then is).
  const cases: [string, string, string[], RegExp][] = [
    [
      "a string doubled with <>",
      '  defp grow(s, 0), do: s\n  defp grow(s, n), do: grow(s <> s, n - 1)\n  def prometheus_metrics, do: [counter(grow("a", 40))]',
      ["grow(s <> s"],
      /^evaluation stopped: a string longer than 65536 characters/,
    ],
    [
      "a string doubled by interpolation",
      '  defp grow(s, 0), do: s\n  defp grow(s, n), do: grow("#{s}#{s}", n - 1)\n  def prometheus_metrics, do: [counter(grow("a", 40))]',
      ['grow("#{s}#{s}"'],
      /^evaluation stopped: a string longer than 65536 characters/,
    ],
    [
      "a function calling itself twice",
      '  defp f(0), do: 1\n  defp f(n), do: f(n - 1) + f(n - 1)\n  def prometheus_metrics, do: [counter("a.b", x: f(40))]',
      ["defp f(0)", "defp f(n)"],
      /^evaluation stopped: more than \d+ evaluation steps/,
    ],
    [
      "a list doubled with ++",
      '  defp f(0), do: [counter("a.b")]\n  defp f(n), do: f(n - 1) ++ f(n - 1)\n  def prometheus_metrics, do: f(40)',
      ["defp f(0)", "defp f(n)"],
      /^evaluation stopped: more than \d+ evaluation steps|^evaluation stopped: a list of more than/,
    ],
  ];

  it.each(cases)("%s stops with an error naming file and line", (_, definition, at, message) => {
    const source = withMetrics(definition);
    let error: unknown;
    try {
      readTelemetry(source, "telemetry.ex");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DashboardError);
    const { culprit, problem } = error as DashboardError;
    expect(at.map((text) => `telemetry.ex:${lineOf(source, text)}`)).toContain(culprit);
    expect(problem).toMatch(message);
  });

  const folder = useTempFolder("bounds-");
  it("check --telemetry on such a file: one line, exit 2", () => {
    const file = join(folder(), "telemetry.ex");
    writeFileSync(file, withMetrics(cases[2]![1]));
    const result = runCli(["check", "--telemetry", file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^akkoma-dashboards: ${file}:\\d+: evaluation stopped: `));
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("the ordinary file is well within the bounds", () => {
    expect(readTelemetry(telemetryEx, "telemetry.ex").exported.length).toBeGreaterThan(0);
  });
});

describe("inputs of a legal size that are long lists", () => {
  it("a rule file of 150,000 rules: every rule counted", () => {
    const rules = Array.from({ length: 150_000 }, (_, i) => `  - record: r${i}\n    expr: up\n`).join("");
    expect(readRulesFile(`groups:\n- name: g\n  rules:\n${rules}`, "rules.yml")).toHaveLength(150_000);
  });

  it("a dashboard of 200,000 failing panels: each named, exit 1", async () => {
    const panels = Array.from({ length: 200_000 }, (_, i) => ({ title: `p${i}`, targets: [{ expr: `gone_${i}` }] }));
    const dashboard = writeFixture("dashboard.json", JSON.stringify({ panels }));
    const scrape = writeFixture("scrape.txt", "up 1\n");
    const result = await runCheckInProcess(["check", "--dashboard", dashboard, "--metrics", scrape]);
    expect(result.exitCode).toBe(1);
    expect(result.out).toHaveLength(200_001);
    expect(result.out[200_000]).toMatch(
      /^FAIL: .*scrape\.txt: 200000 of 200000 series not exported: 200000 of 200000 in .*dashboard\.json would go blank/,
    );
  }, 120_000);

  it("a rule file of more YAML values than yaml can build in bounded memory is refused naming file and line", () => {
    const text = `groups:\n- name: g\n  rules: [${Array(1_200_000).fill("{}").join(",")}]\n`;
    expect(() => readRulesFile(text, "rules.yml")).toThrow(
      "rules.yml:3: more than 1,000,000 YAML values; stopped reading (a rule takes about five: split the file)",
    );
  });

  it("rows nested 20,000 deep: the panel inside is read", () => {
    const depth = 20_000;
    const text = `{"panels":[${'{"type":"row","panels":['.repeat(depth)}{"title":"inner","targets":[{"expr":"up"}]}${"]}".repeat(depth)}]}`;
    expect(readDashboardFile(JSON.parse(text), "dashboard.json").readers.map((r) => r.name)).toEqual(["inner"]);
  });
});
