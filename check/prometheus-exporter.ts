// What TelemetryMetricsPrometheus.Core does with the metrics telemetry.ex hands it: where it is started,
// which definitions it registers (no summaries, the first of a name wins), and the series each exports.
import { seriesName, seriesParts } from "../queries/catalogue";
import { type Node, walk } from "./elixir/ast";
import type { Evaluator } from "./elixir/evaluator";
import { parameterEnv } from "./elixir/module";
import { type Env, type Value, keywordGet, show, unknown } from "./elixir/values";
import { type MetricDefinition, type TelemetryKind, definitionIn } from "./telemetry-metrics";

export interface ExportedSeries {
  readonly name: string;
  /** Undefined when the definition's tags could not be evaluated. */
  readonly labels: readonly string[] | undefined;
  readonly definition: MetricDefinition;
}

export interface Problem {
  readonly line: number;
  readonly message: string;
}

export interface Registered {
  /** Definitions the exporter registers, in order. */
  readonly exported: MetricDefinition[];
  /** Definitions that reach the exporter but are not exported, and why. */
  readonly dropped: { readonly definition: MetricDefinition; readonly reason: string }[];
  readonly problems: Problem[];
  /** The problems that may hide a definition (not those about tags): a missing series may be behind one. */
  readonly incomplete: Problem[];
}

export interface ExporterSite {
  readonly module: string;
  readonly line: number;
  /** The value of its `metrics:` option. */
  readonly metrics: Value;
}

const exporterModules = new Set(["TelemetryMetricsPrometheus.Core", "TelemetryMetricsPrometheus"]);

/** Every place metrics are handed to a Prometheus exporter, with the list that reaches it. */
export function exporterSites(evaluator: Evaluator): ExporterSite[] {
  const sites: ExporterSite[] = [];
  const visit = (statements: readonly Node[], env: Env, attributes: ReadonlyMap<string, Node>) => {
    for (const statement of statements) {
      for (const node of walk(statement)) {
        const site = exporterAt(evaluator, node);
        if (site) {
          const metrics = metricsOption(evaluator, site.options, env, attributes);
          sites.push({ module: site.module, line: node.line, metrics });
        }
      }
      // assignments before the exporter, e.g. `metrics = prometheus_metrics()`
      if (statement.type === "binop" && statement.op === "=") {
        evaluator.inScope(attributes, () => evaluator.evaluate(statement, env));
      }
    }
  };
  visit(evaluator.module.topLevel(), new Map(), new Map());
  for (const def of evaluator.module.allFunctions()) {
    if (def.body) visit(def.body, parameterEnv(def), def.attributes);
  }
  return sites;
}

function exporterAt(evaluator: Evaluator, node: Node): { module: string; options: Node } | undefined {
  if (node.type === "tuple" && node.items.length === 2 && node.items[0].type === "alias") {
    const module = evaluator.module.resolveAlias(node.items[0].name);
    if (exporterModules.has(module)) return { module, options: node.items[1] };
  }
  if (node.type === "call" && node.target.kind === "remote" && node.target.module.type === "alias") {
    const module = evaluator.module.resolveAlias(node.target.module.name);
    if (exporterModules.has(module) && ["start_link", "child_spec"].includes(node.target.name) && node.args[0]) {
      return { module, options: node.args[0] };
    }
  }
  return undefined;
}

function metricsOption(evaluator: Evaluator, options: Node, env: Env, attributes: ReadonlyMap<string, Node>): Value {
  return evaluator.inScope(attributes, () => {
    const value = evaluator.evaluate(options, new Map(env));
    if (value.t === "unknown") return unknown(`the exporter's options are not understood: ${value.why}`, value.line);
    const metrics = keywordGet(value, "metrics");
    return metrics ?? unknown("the exporter's options have no metrics: key", options.line);
  });
}

/** What the exporter does with the list it is given: registers metrics in order, skipping what it cannot export. */
export function register(metrics: Value, line: number): Registered {
  const registered: Registered = { exported: [], dropped: [], problems: [], incomplete: [] };
  const { exported, dropped, problems } = registered;
  const hiding = (problem: Problem) => {
    problems.push(problem);
    registered.incomplete.push(problem);
  };
  if (metrics.t !== "list") {
    const why = metrics.t === "unknown" ? metrics.why : `it is ${show(metrics)}`;
    hiding({
      line: metrics.t === "unknown" ? metrics.line : line,
      message: `cannot evaluate the metrics passed to the exporter: ${why}`,
    });
    return registered;
  }
  const seen = new Set<string>();
  for (const item of metrics.items) {
    const definition = definitionIn(item);
    if (item.t === "unknown") {
      hiding({ line: item.line, message: item.why });
    } else if (!definition) {
      hiding({ line, message: `the exporter's metrics list contains ${show(item)}, not a metric definition` });
    } else if (definition.kind === "summary") {
      dropped.push({ definition, reason: "summaries are not supported by TelemetryMetricsPrometheus.Core" });
    } else if (seen.has(definition.telemetryName)) {
      dropped.push({
        definition,
        reason: "a metric of the same name is registered earlier; the exporter drops this one",
      });
    } else {
      seen.add(definition.telemetryName);
      exported.push(definition);
      if (definition.tagsProblem) {
        problems.push({
          line: definition.line,
          message: `cannot evaluate the tags of ${definition.name}: ${definition.tagsProblem}`,
        });
      }
    }
  }
  return registered;
}

/** The catalogue's kind of series each exported Telemetry.Metrics kind becomes. */
const catalogueKind = {
  counter: "counter",
  sum: "counter",
  last_value: "gauge",
  distribution: "histogram",
} as const satisfies Record<Exclude<TelemetryKind, "summary">, keyof typeof seriesParts>;

/** The series a definition exports, as a scrape shows them; a histogram's buckets add `le`. */
export function seriesOf(definition: MetricDefinition): ExportedSeries[] {
  if (definition.kind === "summary") return [];
  const labels = definition.tags;
  return seriesParts[catalogueKind[definition.kind]].map((part) => ({
    name: seriesName(definition.name, part),
    labels: part === "bucket" && labels ? [...labels, "le"] : labels,
    definition,
  }));
}
