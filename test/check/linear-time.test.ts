// The exposition parser's and the telemetry.ex reader's time grows at most linearly with their input, on
// ordinary and adversarial shapes alike (the measure: test/support/linear-time.ts).
import { parseExposition } from "../../check/exposition";
import { readTelemetry } from "../../check/telemetry";
import { telemetryEx, variant } from "./fixtures";
import { allowedRatio, growth } from "../support/linear-time";

const labels = (n: number) => Array.from({ length: n }, (_, i) => `l${i}="v"`).join(",");

describe("the exposition parser takes time linear in its input", () => {
  const shapes: [string, (n: number) => string, number][] = [
    ["ordinary samples", (n) => Array.from({ length: n }, (_, i) => `m_${i % 50}{a="${i}"} ${i}`).join("\n"), 10_000],
    ["one line of many labels", (n) => `wide{${labels(n)}} 1\n`, 10_000],
    ["one label value of many escapes", (n) => `m{a="${"\\\\".repeat(n)}"} 1\n`, 500_000],
    ["one long comment", (n) => `# HELP m ${"word ".repeat(n)}\nm 1\n`, 100_000],
    ["a long run of spaces", (n) => `m${" ".repeat(n)}1\n`, 100_000],
    ["many samples, the last one broken", (n) => `${"up 1\n".repeat(n)}up{`, 10_000],
  ];
  it.each(shapes)("%s", async (_, make, n) => {
    expect(await growth(make, (text) => parseExposition(text, "scrape.txt"), n)).toBeLessThan(allowedRatio);
  });
});

describe("the telemetry.ex reader takes time linear in its input", () => {
  const definition = "  def prometheus_metrics,\n    do: gauges() ++ histograms() ++ vm_pairs()";
  const metrics = (body: string) => variant(definition, body);
  const shapes: [string, (n: number) => string, number][] = [
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
  ];
  it.each(shapes)(
    "%s",
    async (_, make, n) => {
      expect(await growth(make, (text) => readTelemetry(text, "telemetry.ex"), n)).toBeLessThan(allowedRatio);
    },
    60_000,
  );
});
