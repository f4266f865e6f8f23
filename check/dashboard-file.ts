// The queries of any Grafana dashboard file, for `check --dashboard`: the export (`__inputs`,
// `__elements`), the plain or provisioning form, the HTTP API's `{ dashboard: ... }` body; rows with their
// nested panels, the old `rows: [...]` layout, library panels whose model the file carries inline
// (Grafana's export puts them in `__elements`), query variables and annotations.
import { panelsOfDashboard } from "../dashboards/rows";
import { DashboardError } from "../errors";
import { type JsonObject, isObject } from "../io/json";
import type { Reader } from "../queries/query";
import { type DatasourceVariables, readsPromql } from "./datasources";
import { type QueryText, type ReadQueries, queryReader } from "./readers";

export interface DashboardFile {
  readonly title: string;
  /** Its panels, query variables and annotations, each with what its queries read. */
  readonly readers: readonly Reader[];
}

const list = (value: unknown): JsonObject<unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Reads parsed JSON as a dashboard; `file` names it in errors. */
export function readDashboardFile(json: unknown, file: string): DashboardFile {
  const dashboard = isObject(json) && isObject(json.dashboard) ? json.dashboard : json;
  if (!isObject(dashboard) || (!Array.isArray(dashboard.panels) && !Array.isArray(dashboard.rows))) {
    throw new DashboardError(
      file,
      "not a Grafana dashboard: no panels",
      "--dashboard expects a dashboard JSON file (exported, provisioned, or an HTTP API body) or a v2 resource",
    );
  }
  const elements = isObject(dashboard.__elements) ? dashboard.__elements : {};
  const variables = list(isObject(dashboard.templating) ? dashboard.templating.list : []);
  // only the dashboard's variable names (and Grafana's `$__...`) are substituted in its queries
  const names = new Set(variables.map((v) => text(v.name)).filter((n): n is string => n !== undefined));
  const read = queryReader(names);
  const sources = datasourceVariables(dashboard, variables);
  const promql = (datasource: unknown) => {
    const { type, uid } = reference(datasource);
    return readsPromql(type, uid, sources);
  };
  const readers: Reader[] = [];
  for (const panel of panelsOfDashboard(dashboard)) readers.push(panelReader(panel, elements, read, promql));
  for (const variable of variables) {
    if (variable.type !== "query" || !promql(variable.datasource)) continue;
    const query = isObject(variable.query) ? text(variable.query.query) : text(variable.query);
    const expr = query ? variableQuery(query) : undefined;
    if (expr) readers.push(read("variable", `$${text(variable.name) ?? "?"}`, [{ expr }]));
  }
  for (const annotation of list(isObject(dashboard.annotations) ? dashboard.annotations.list : [])) {
    if (!promql(annotation.datasource)) continue;
    const expr = text(annotation.expr) ?? (isObject(annotation.target) ? text(annotation.target.expr) : undefined);
    if (expr) readers.push(read("annotation", text(annotation.name) ?? "annotation", [{ expr }]));
  }
  return { title: text(dashboard.title) ?? file, readers };
}

/** A data source reference, `{ type, uid }` or the older plain name (`"${DS_PROMETHEUS}"`); none if empty. */
function reference(datasource: unknown): { type?: string; uid?: string } {
  if (typeof datasource === "string") return datasource === "" ? {} : { uid: datasource };
  if (!isObject(datasource)) return {};
  return { type: text(datasource.type) || undefined, uid: text(datasource.uid) || undefined };
}

const mixed = "-- Mixed --";

/** The dashboard's data source variables and, in an export, its data source inputs: name -> plugin id. */
function datasourceVariables(dashboard: JsonObject<unknown>, variables: JsonObject<unknown>[]): DatasourceVariables {
  const plugins = new Map<string, string>();
  for (const input of list(dashboard.__inputs)) {
    const name = text(input.name);
    const plugin = text(input.pluginId);
    if (input.type === "datasource" && name && plugin) plugins.set(name, plugin);
  }
  for (const variable of variables) {
    const name = text(variable.name);
    const plugin = text(variable.query);
    if (variable.type === "datasource" && name && plugin) plugins.set(name, plugin);
  }
  return plugins;
}

function panelReader(
  panel: JsonObject<unknown>,
  elements: JsonObject<unknown>,
  read: ReadQueries,
  promql: (datasource: unknown) => boolean,
): Reader {
  const name = text(panel.title) || `untitled ${text(panel.type) ?? ""} panel #${String(panel.id ?? "?")}`.trim();
  const library = isObject(panel.libraryPanel) ? panel.libraryPanel : undefined;
  let source = panel;
  if (library && !Array.isArray(panel.targets)) {
    const uid = text(library.uid) ?? "";
    const element = elements[uid];
    const model = isObject(element) && isObject(element.model) ? element.model : undefined;
    if (!model) return read("panel", name, [], `library panel "${uid}" is not in the file`);
    source = model;
  }
  // A target without a data source of its own runs on its panel's, unless that is the mixed one.
  const panelSource = reference(source.datasource);
  const inherited = panelSource.uid === mixed || panelSource.type === mixed ? undefined : source.datasource;
  const queries = list(source.targets)
    .filter((target) => {
      const own = reference(target.datasource);
      return promql(own.type === undefined && own.uid === undefined ? inherited : target.datasource);
    })
    .map((target): QueryText | undefined => {
      const expr = text(target.expr);
      const legend = text(target.legendFormat);
      return expr === undefined || expr.trim() === "" ? undefined : { expr, ...(legend ? { legend } : {}) };
    })
    .filter((query): query is QueryText => query !== undefined);
  return read("panel", name, queries);
}

/** The PromQL inside a Prometheus query variable: `label_values(expr, label)`, `query_result(expr)`. */
export function variableQuery(query: string): string | undefined {
  const labelValues = /^\s*label_values\((.*),\s*([\w.]+)\s*\)\s*$/s.exec(query);
  if (labelValues) return `group by (${labelValues[2]}) (${labelValues[1]})`;
  const result = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return result ? result[1] : undefined;
}
