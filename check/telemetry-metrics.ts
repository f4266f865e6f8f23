// What the Telemetry.Metrics library means in telemetry.ex: its five constructors (counter, sum,
// last_value, distribution, summary), how a definition's name and tags are read, and how the exporter
// turns a dotted name into a Prometheus family name.
import { type Node, walk } from "./elixir/ast";
import type { Host } from "./elixir/evaluator";
import type { ModuleDefinitions } from "./elixir/module";
import { type Value, keywordGet, list, show, unknown } from "./elixir/values";

export type TelemetryKind = "counter" | "sum" | "last_value" | "distribution" | "summary";

export interface MetricDefinition {
  readonly kind: TelemetryKind;
  /** Telemetry.Metrics' name, dotted: `vm.memory.total.psum`. */
  readonly telemetryName: string;
  /** The family name the exporter writes: `vm_memory_total_psum`. */
  readonly name: string;
  /** Label names from `tags:` (`tag_values` only fills them); undefined when they could not be evaluated. */
  readonly tags: readonly string[] | undefined;
  /** Why the tags are unknown. */
  readonly tagsProblem?: string;
  readonly line: number;
}

const constructors: ReadonlySet<string> = new Set<TelemetryKind>([
  "counter",
  "sum",
  "last_value",
  "distribution",
  "summary",
]);

/** The evaluator's view of Telemetry.Metrics: `counter(...)` imported, or `Telemetry.Metrics.counter(...)`. */
export const telemetryMetrics: Host = {
  call(module, name, args, argNodes, line) {
    if ((module === undefined || module === "Telemetry.Metrics") && constructors.has(name))
      return metric(name as TelemetryKind, args(), argNodes, line);
    return undefined;
  },
};

/** The definition a value holds, if it is one (the only opaque values are made by `metric`). */
export const definitionIn = (value: Value): MetricDefinition | undefined =>
  value.t === "opaque" ? (value.value as MetricDefinition) : undefined;

function metric(kind: TelemetryKind, args: Value[], argNodes: readonly Node[], line: number): Value {
  if (args.length < 1 || args.length > 2)
    return unknown(`${kind}/${args.length} is not a Telemetry.Metrics definition`, line);
  const segments = nameSegments(args[0]);
  if (typeof segments === "string")
    return unknown(`cannot evaluate the name of this ${kind}: ${segments}`, argNodes[0]?.line ?? line);
  const options = args[1] ?? list([]);
  const tags = tagsOf(options);
  const definition: MetricDefinition = {
    kind,
    telemetryName: segments.join("."),
    name: prometheusName(segments),
    tags: Array.isArray(tags) ? tags : undefined,
    ...(typeof tags === "string" ? { tagsProblem: tags } : {}),
    line,
  };
  return { t: "opaque", value: definition, shown: `${kind}("${definition.telemetryName}")` };
}

/** The name's segments, or why they are unknown. */
function nameSegments(name: Value): string[] | string {
  if (name.t === "string") return name.v.split(".");
  if (name.t === "list" && name.items.every((i) => i.t === "atom"))
    return name.items.map((i) => (i.t === "atom" ? i.v : ""));
  if (name.t === "unknown") return `${name.why}${name.why.includes("line ") ? "" : ` (line ${name.line})`}`;
  return `it is ${show(name)}, not a string or a list of atoms`;
}

/** Label names from `tags:`, or why they are unknown. */
function tagsOf(options: Value): string[] | string {
  if (options.t === "unknown") return `the options are not understood: ${options.why} (line ${options.line})`;
  if (options.t !== "list") return `the options are ${show(options)}, not a keyword list`;
  const tags = keywordGet(options, "tags");
  if (!tags) return [];
  if (tags.t === "list" && tags.items.every((i) => i.t === "atom"))
    return tags.items.map((i) => (i.t === "atom" ? i.v : ""));
  if (tags.t === "unknown") return `${tags.why} (line ${tags.line})`;
  return `tags: is ${show(tags)}, not a list of atoms`;
}

/** Telemetry.Metrics names `"a.b.c"` or `[:a, :b, :c]`; the exporter joins them with `_` and drops odd characters. */
function prometheusName(segments: readonly string[]): string {
  return segments
    .join("_")
    .replace(/[^a-zA-Z0-9_]/g, "")
    .replace(/^[^a-zA-Z]+/, "");
}

/** Whether any counter/sum/last_value/distribution/summary call appears at all. */
export function hasDefinitions(module: ModuleDefinitions): boolean {
  return module.statements.some((statement) => [...walk(statement)].some((node) => isConstructorCall(node, module)));
}

function isConstructorCall(node: Node, module: ModuleDefinitions): boolean {
  if (node.type !== "call") return false;
  const target = node.target;
  // Ecto's `sum(x)` in a query is not a metric: local calls count only where Telemetry.Metrics is imported.
  if (target.kind === "local") return constructors.has(target.name) && module.imports.has("Telemetry.Metrics");
  return (
    target.kind === "remote" &&
    constructors.has(target.name) &&
    target.module.type === "alias" &&
    module.resolveAlias(target.module.name) === "Telemetry.Metrics"
  );
}
