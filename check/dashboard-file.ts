// The queries of any Grafana dashboard file, for `check --dashboard`: the export (`__inputs`,
// `__elements`), the plain or provisioning form, the HTTP API's `{ dashboard: ... }` body; rows with their
// nested panels, the old `rows: [...]` layout, library panels whose model the file carries inline
// (Grafana's export puts them in `__elements`), query variables and annotations.
import { panelsIn } from "../dashboards/rows";
import { DashboardError } from "../errors";
import { type JsonObject, isObject } from "../io/json";

/** Something that goes blank or silent when what its queries read is not exported. */
export interface QueryReader {
  readonly kind: "panel" | "variable" | "annotation" | "alert" | "record";
  readonly name: string;
  readonly queries: readonly string[];
  /** What kept its queries from being read (e.g. a library panel whose model is not in the file). */
  readonly problem?: string;
}

export interface DashboardFile {
  readonly title: string;
  readonly readers: readonly QueryReader[];
  /** The dashboard's variable names: only these (and Grafana's `$__...`) are substituted in queries. */
  readonly variables: ReadonlySet<string>;
}

const list = (value: unknown): JsonObject<unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Reads parsed JSON as a dashboard; `file` names it in errors. */
export function readDashboardFile(json: unknown, file: string): DashboardFile {
  const dashboard = isObject(json) && isObject(json.dashboard) ? json.dashboard : json;
  if (!isObject(dashboard) || (!Array.isArray(dashboard.panels) && !Array.isArray(dashboard.rows))) {
    const v2 = isObject(dashboard) && isObject(dashboard.spec) && isObject(dashboard.spec.elements);
    throw new DashboardError(
      file,
      v2
        ? "a v2 dashboard resource (spec.elements): only v1 dashboard JSON is read"
        : "not a Grafana dashboard: no panels",
      "--dashboard expects a dashboard JSON file (exported, provisioned, or an HTTP API body)",
    );
  }
  const elements = isObject(dashboard.__elements) ? dashboard.__elements : {};
  const variables = list(isObject(dashboard.templating) ? dashboard.templating.list : []);
  const readers: QueryReader[] = [];
  const panels = [...list(dashboard.panels), ...list(dashboard.rows).flatMap((row) => list(row.panels))];
  for (const panel of panelsIn(panels)) {
    readers.push(panelReader(panel, elements));
  }
  for (const variable of variables) {
    const query = isObject(variable.query) ? text(variable.query.query) : text(variable.query);
    if (variable.type === "query" && query) {
      const promql = variableQuery(query);
      if (promql) readers.push({ kind: "variable", name: `$${text(variable.name) ?? "?"}`, queries: [promql] });
    }
  }
  for (const annotation of list(isObject(dashboard.annotations) ? dashboard.annotations.list : [])) {
    const expr = text(annotation.expr) ?? (isObject(annotation.target) ? text(annotation.target.expr) : undefined);
    if (expr) readers.push({ kind: "annotation", name: text(annotation.name) ?? "annotation", queries: [expr] });
  }
  return {
    title: text(dashboard.title) ?? file,
    readers,
    variables: new Set(variables.map((v) => text(v.name)).filter((n): n is string => n !== undefined)),
  };
}

function panelReader(panel: JsonObject<unknown>, elements: JsonObject<unknown>): QueryReader {
  const name = text(panel.title) || `untitled ${text(panel.type) ?? ""} panel #${String(panel.id ?? "?")}`.trim();
  const library = isObject(panel.libraryPanel) ? panel.libraryPanel : undefined;
  let source = panel;
  if (library && !Array.isArray(panel.targets)) {
    const uid = text(library.uid) ?? "";
    const element = elements[uid];
    const model = isObject(element) && isObject(element.model) ? element.model : undefined;
    if (!model) return { kind: "panel", name, queries: [], problem: `library panel "${uid}" is not in the file` };
    source = model;
  }
  const queries = list(source.targets)
    .filter((target) => !isObject(target.datasource) || prometheusLike(target.datasource.type))
    .map((target) => text(target.expr))
    .filter((expr): expr is string => expr !== undefined && expr.trim() !== "");
  return { kind: "panel", name, queries };
}

/** Prometheus, or what speaks its API (VictoriaMetrics, Thanos, Mimir, Cortex add Prometheus data sources). */
const prometheusLike = (type: unknown) =>
  type === undefined || (typeof type === "string" && /prometheus|victoria|^\$\{|^-- Mixed --$/.test(type));

/** The PromQL inside a Prometheus query variable: `label_values(expr, label)`, `query_result(expr)`. */
function variableQuery(query: string): string | undefined {
  const labelValues = /^\s*label_values\((.*),\s*([\w.]+)\s*\)\s*$/s.exec(query);
  if (labelValues) return `group by (${labelValues[2]}) (${labelValues[1]})`;
  const result = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return result ? result[1] : undefined;
}
