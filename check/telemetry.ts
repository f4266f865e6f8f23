// Reads Akkoma's lib/pleroma/web/telemetry.ex without Elixir: parses it (elixir/), evaluates the metric
// definitions (Telemetry.Metrics, telemetry-metrics.ts) that reach the Prometheus exporter's `metrics:`
// option, and derives the series TelemetryMetricsPrometheus.Core exports (prometheus-exporter.ts).
// Anything it cannot evaluate (a name built at runtime, an unknown helper) is reported with its line.
import { DashboardError } from "../errors";
import type { SkippedStatement } from "./elixir/ast";
import { EvaluationLimit, budgetFor } from "./elixir/budget";
import { Evaluator } from "./elixir/evaluator";
import { ElixirSyntaxError } from "./elixir/lexer";
import { parseElixir } from "./elixir/parser";
import { type Problem, type Registered, exporterSites, register } from "./prometheus-exporter";
import { type MetricDefinition, hasDefinitions, telemetryMetrics } from "./telemetry-metrics";

export { type ExportedSeries, type Problem, seriesOf } from "./prometheus-exporter";
export type { MetricDefinition, TelemetryKind } from "./telemetry-metrics";

export interface TelemetryReport {
  readonly file: string;
  /** Where metrics are handed to a Prometheus exporter (`{TelemetryMetricsPrometheus.Core, metrics: ...}`). */
  readonly exporters: readonly { readonly module: string; readonly line: number }[];
  /** Definitions the exporter registers, in order. */
  readonly exported: readonly MetricDefinition[];
  /** Definitions that reach the exporter but are not exported, and why. */
  readonly dropped: Registered["dropped"];
  /** What could not be understood on the way to the exporter. */
  readonly problems: readonly Problem[];
  /** The problems that may hide a definition: with any, a series not found cannot be said to be missing. */
  readonly incomplete: readonly Problem[];
  /** Statements the parser skipped (they matter only when a problem mentions them). */
  readonly skipped: readonly SkippedStatement[];
}

const notTelemetry = (file: string) =>
  new DashboardError(
    file,
    "no metric definitions found (no Telemetry.Metrics counter, sum, last_value, distribution or summary)",
    "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex",
  );

/** Reads telemetry.ex source. Throws DashboardError when it is not Elixir or defines no metrics. */
export function readTelemetry(source: string, file: string): TelemetryReport {
  let parsed: ReturnType<typeof parseElixir>;
  try {
    parsed = parseElixir(source);
  } catch (error) {
    if (!(error instanceof ElixirSyntaxError)) throw error;
    if (!/\bdefmodule\b|Telemetry\.Metrics/.test(source)) throw notTelemetry(file);
    const column = error.column === undefined ? "" : `:${error.column}`;
    throw new DashboardError(`${file}:${error.line}${column}`, `syntax error: ${error.message}`);
  }
  const evaluator = new Evaluator(parsed, telemetryMetrics, budgetFor(source.length));
  if (!hasDefinitions(evaluator.module)) throw notTelemetry(file);
  try {
    return evaluate(evaluator, file, parsed.skipped);
  } catch (error) {
    if (!(error instanceof EvaluationLimit)) throw error;
    throw new DashboardError(
      `${file}:${error.line}`,
      `evaluation stopped: ${error.message}`,
      "a telemetry.ex defines a few dozen metrics; this one computes far more",
    );
  }
}

function evaluate(evaluator: Evaluator, file: string, skipped: TelemetryReport["skipped"]): TelemetryReport {
  const sites = exporterSites(evaluator);
  const exported: MetricDefinition[] = [];
  const dropped: Registered["dropped"] = [];
  const problems: Problem[] = [];
  const incomplete: Problem[] = [];
  const names = new Set<string>();
  for (const site of sites) {
    const registered = register(site.metrics, site.line);
    for (const definition of registered.exported) {
      if (!names.has(definition.name)) exported.push(definition);
      names.add(definition.name);
    }
    // a loop, not push(...list): spreading a long list overflows the stack
    for (const name of registered.dropped) dropped.push(name);
    for (const problem of registered.problems) problems.push(problem);
    for (const problem of registered.incomplete) incomplete.push(problem);
  }
  return {
    file,
    exporters: sites.map(({ module, line }) => ({ module, line })),
    exported,
    dropped,
    problems: dedupeProblems(problems),
    incomplete: dedupeProblems(incomplete),
    skipped,
  };
}

function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
