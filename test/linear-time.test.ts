// Every parser's time grows at most linearly with its input, on ordinary and adversarial shapes alike:
// each shape is parsed at size n and 8n, and the larger may take at most about 8 times as long. The
// bound is loose (24x, where quadratic growth gives 64x and exponential never ends), each time is the
// best of a few runs, small and large taking turns, and a ratio over the bound is measured again, so a
// loaded machine does not make it fail; only ratios are compared.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseExposition } from "../check/exposition";
import { readTelemetry } from "../check/telemetry";
import { deploymentValues } from "../deploy/values";
import { DashboardError } from "../errors";
import { telemetryEx, variant } from "./check/fixtures";
import { useTempFolder } from "./support/build";

const factor = 8;
const allowedRatio = 3 * factor;
const repetitions = 4;

/** How long `parse` takes once; a DashboardError (refused input) counts as done. */
async function timeOf(parse: () => unknown): Promise<number> {
  const start = performance.now();
  try {
    await parse();
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
  }
  return performance.now() - start;
}

/** The best time at 8n over the best at n, inputs made before the clock starts. */
async function ratio(small: string, large: string, parse: (input: string) => unknown): Promise<number> {
  let [bestSmall, bestLarge] = [Infinity, Infinity];
  for (let run = 0; run < repetitions; run++) {
    bestSmall = Math.min(bestSmall, await timeOf(() => parse(small)));
    bestLarge = Math.min(bestLarge, await timeOf(() => parse(large)));
  }
  // Half a millisecond of floor: below it, timer noise is all there is to see.
  return bestLarge / Math.max(bestSmall, 0.5);
}

/** The growth from n to 8n; measured again when over the bound, as a burst of load elsewhere can do. */
async function growth(make: (n: number) => string, parse: (input: string) => unknown, n: number): Promise<number> {
  const [small, large] = [make(n), make(factor * n)];
  // Warm the JIT up on both, so the small input's time is not that of unoptimized code.
  await timeOf(() => parse(small));
  await timeOf(() => parse(large));
  let lowest = Infinity;
  for (let attempt = 0; attempt < 3 && lowest >= allowedRatio; attempt++)
    lowest = Math.min(lowest, await ratio(small, large, parse));
  return lowest;
}

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

describe("the config reader takes time linear in its input", () => {
  const folder = useTempFolder("linear-config-");
  const read = async (text: string) => {
    const file = join(folder(), "social.yaml");
    writeFileSync(file, text);
    return deploymentValues({}, file);
  };
  const shapes: [string, (n: number) => string, number][] = [
    ["many comment lines", (n) => `${"# a comment\n".repeat(n)}job: akkoma\n`, 5_000],
    ["a long quoted value with escapes", (n) => `title: "${"\\u00e9".repeat(n)}"\n`, 10_000],
    ["a long flow sequence", (n) => `job: [${Array(n).fill("a").join(", ")}]\n`, 1_000],
    [
      "deeply indented mappings",
      (n) => `job:\n${Array.from({ length: n }, (_, i) => `${" ".repeat(2 + (i % 40))}k${i}: v\n`).join("")}`,
      1_000,
    ],
    [
      "many anchors and aliases",
      (n) => `job: [${Array.from({ length: n }, (_, i) => `&a${i} x, *a${i}`).join(", ")}]\n`,
      1_000,
    ],
  ];
  it.each(shapes)(
    "%s",
    async (_, make, n) => {
      expect(await growth(make, read, n)).toBeLessThan(allowedRatio);
    },
    60_000,
  );
});
