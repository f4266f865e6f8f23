// A Grafana v2 dashboard for `check --dashboard`: the `dashboard.grafana.app` resource (v2, v2beta1,
// v2alpha1), its bare spec, or grafana-operator's GrafanaManifest holding one in `spec.template`. Every
// panel lies in `spec.elements` whatever the layout (rows, tabs, auto grid); the layout gives their order
// and may hold variables of its own. Shapes after the SDK's dashboardv2 types: a panel's queries at
// `spec.data.spec.queries[].spec.query` (a DataQueryKind: `group` the data source type, `spec.expr`).
import { DashboardError } from "../errors";
import { type JsonObject, isObject } from "../io/json";
import { printable } from "../io/printable";
import type { Reader } from "../queries/query";
import { type DashboardFile, variableQuery } from "./dashboard-file";
import { readsPromql } from "./datasources";
import { type QueryText, queryReader } from "./readers";

const group = "dashboard.grafana.app";
export const v2Versions = ["v2", "v2beta1", "v2alpha1"];
const hint = "--dashboard reads a v1 dashboard JSON or a dashboard.grafana.app/v2 resource (JSON or YAML)";

/** Whether parsed JSON or YAML looks like a v2 dashboard: a resource of its group, a manifest, a bare spec. */
export function isV2Dashboard(json: unknown): boolean {
  if (!isObject(json)) return false;
  if (typeof json.apiVersion === "string" && json.apiVersion.startsWith(`${group}/`)) return true;
  if (json.kind === "GrafanaManifest") return true;
  return isObject(json.elements) || (json.kind === "Dashboard" && isObject(json.spec));
}

/** What went wrong where: `file: spec.elements.cpu.spec.title: expected a string, found a number`. */
const wrong = (file: string, field: string, expected: string, value: unknown) =>
  new DashboardError(file, `${field}: expected ${expected}, found ${kindOf(value)}`, hint);

const kindOf = (value: unknown) => {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
};

/** A field path with a key from the file: plain keys as they are, others quoted and escaped. */
const at = (path: string, key: string) =>
  /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(printable(key))}]`;

/**
 * Reads a parsed v2 dashboard (resource, bare spec or GrafanaManifest); `file` names it in errors. Each
 * panel, annotation and query variable becomes a reader of its PromQL, as for a v1 file.
 */
export function readV2Dashboard(json: unknown, file: string): DashboardFile {
  const { spec, path } = specOf(json, file);
  const object = (value: unknown, field: string): JsonObject<unknown> => {
    if (!isObject(value)) throw wrong(file, field, "an object", value);
    return value;
  };
  const optionalList = (value: unknown, field: string): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw wrong(file, field, "a list", value);
    return value;
  };
  const optionalText = (value: unknown, field: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw wrong(file, field, "a string", value);
    return value;
  };
  const elements = object(spec.elements, `${path}.elements`);
  const { order, variables } = walkLayout(spec.layout, path);
  const allVariables = [
    ...optionalList(spec.variables, `${path}.variables`).map((v, i) => ({ v, field: `${path}.variables[${i}]` })),
    ...variables,
  ];
  const names = new Set<string>();
  for (const { v, field } of allVariables) {
    const name = optionalText(object(object(v, field).spec, `${field}.spec`).name, `${field}.spec.name`);
    if (name !== undefined) names.add(name);
  }
  const read = queryReader(names);
  // data source variables: what a query naming one (`${datasource}`) runs on
  const sources = new Map<string, string>();
  for (const { v } of allVariables) {
    if (!isObject(v) || v.kind !== "DatasourceVariable" || !isObject(v.spec)) continue;
    const { name, pluginId } = v.spec;
    if (typeof name === "string" && typeof pluginId === "string" && pluginId !== "") sources.set(name, pluginId);
  }
  /** A spec-level data source reference (v2alpha1 keeps it beside the query): its type and uid. */
  const reference = (value: unknown) => (isObject(value) ? { type: value.type, uid: value.uid } : {});
  /** Whether a DataQueryKind is a Prometheus-like data source's: v2 and v2beta1 name the type in `group`
   * and the uid in `datasource.name`; v2alpha1 the type in `kind`, or both in the spec's reference. */
  const isPromql = (dataQuery: JsonObject<unknown>, beside: { type?: unknown; uid?: unknown }) => {
    const group = dataQuery.group || (dataQuery.kind !== "DataQuery" ? dataQuery.kind : undefined) || beside.type;
    const name = (isObject(dataQuery.datasource) ? dataQuery.datasource.name : undefined) || beside.uid;
    return readsPromql(group, name, sources);
  };

  /**
   * The PromQL of one DataQueryKind, if it is a Prometheus-like data source's. `legacy`: the annotation's
   * `legacyOptions`, where Grafana's conversion puts a v1 annotation's top-level `expr`.
   */
  const promql = (
    query: unknown,
    field: string,
    beside: { type?: unknown; uid?: unknown } = {},
    legacy?: { value: JsonObject<unknown>; field: string },
  ): QueryText | undefined => {
    if (query === undefined) return undefined;
    const dataQuery = object(query, field);
    if (!isPromql(dataQuery, beside)) return undefined;
    const querySpec = object(dataQuery.spec ?? {}, `${field}.spec`);
    const expr =
      optionalText(querySpec.expr, `${field}.spec.expr`) ??
      (legacy ? optionalText(legacy.value.expr, `${legacy.field}.expr`) : undefined);
    const legend = optionalText(querySpec.legendFormat, `${field}.spec.legendFormat`);
    return expr === undefined || expr.trim() === "" ? undefined : { expr, ...(legend ? { legend } : {}) };
  };

  const readers: Reader[] = [];
  const keys = [...new Set([...order.filter((key) => Object.hasOwn(elements, key)), ...Object.keys(elements)])];
  for (const key of keys) {
    const field = at(`${path}.elements`, key);
    const element = object(elements[key], field);
    const elementSpec = object(element.spec, `${field}.spec`);
    const title = optionalText(elementSpec.title, `${field}.spec.title`);
    const name = title || `untitled panel "${printable(key)}"`;
    if (element.kind === "LibraryPanel") {
      const ref = object(elementSpec.libraryPanel, `${field}.spec.libraryPanel`);
      const uid = optionalText(ref.uid, `${field}.spec.libraryPanel.uid`) ?? "";
      readers.push(read("panel", name, [], `library panel "${uid}" is not in the file`));
      continue;
    }
    if (element.kind !== "Panel") throw wrong(file, `${field}.kind`, '"Panel" or "LibraryPanel"', element.kind);
    const data = elementSpec.data === undefined ? {} : object(elementSpec.data, `${field}.spec.data`);
    const dataSpec = data.spec === undefined ? {} : object(data.spec, `${field}.spec.data.spec`);
    const queries = optionalList(dataSpec.queries, `${field}.spec.data.spec.queries`).flatMap((query, index) => {
      const queryField = `${field}.spec.data.spec.queries[${index}]`;
      const panelQuery = object(object(query, queryField).spec, `${queryField}.spec`);
      return promql(panelQuery.query, `${queryField}.spec.query`, reference(panelQuery.datasource)) ?? [];
    });
    readers.push(read("panel", name, queries));
  }
  for (const { v, field } of allVariables) {
    const variable = object(v, field);
    if (variable.kind !== "QueryVariable") continue;
    const variableSpec = object(variable.spec, `${field}.spec`);
    const query = object(variableSpec.query, `${field}.spec.query`);
    if (!isPromql(query, reference(variableSpec.datasource))) continue;
    const querySpec = query.spec === undefined ? {} : object(query.spec, `${field}.spec.query.spec`);
    // Prometheus' variable query: a string, or `{ query: ... }`; a v1 string query converted keeps its
    // text under `__legacyStringValue`; `definition` repeats it as shown
    const inner = isObject(querySpec.query) ? querySpec.query.query : querySpec.query;
    const text =
      optionalText(inner, `${field}.spec.query.spec.query`) ??
      optionalText(querySpec.__legacyStringValue, `${field}.spec.query.spec.__legacyStringValue`) ??
      optionalText(variableSpec.definition, `${field}.spec.definition`);
    const expr = text ? variableQuery(text) : undefined;
    if (expr) readers.push(read("variable", `$${String(variableSpec.name ?? "?")}`, [{ expr }]));
  }
  optionalList(spec.annotations, `${path}.annotations`).forEach((annotation, index) => {
    const field = `${path}.annotations[${index}]`;
    const annotationSpec = object(object(annotation, field).spec, `${field}.spec`);
    const legacy = annotationSpec.legacyOptions;
    const query = promql(
      annotationSpec.query,
      `${field}.spec.query`,
      reference(annotationSpec.datasource),
      legacy === undefined
        ? undefined
        : { value: object(legacy, `${field}.spec.legacyOptions`), field: `${field}.spec.legacyOptions` },
    );
    const name = optionalText(annotationSpec.name, `${field}.spec.name`) ?? "annotation";
    if (query) readers.push(read("annotation", name, [{ expr: query.expr }]));
  });
  const title = optionalText(spec.title, `${path}.title`);
  return { title: title ?? file, readers };
}

/** The dashboard spec inside a resource, a GrafanaManifest or on its own, and its field path. */
function specOf(json: unknown, file: string): { spec: JsonObject<unknown>; path: string } {
  if (!isObject(json)) throw wrong(file, "the document", "a dashboard resource (an object)", json);
  let resource = json;
  let path = "";
  if (json.kind === "GrafanaManifest") {
    const manifestSpec = json.spec;
    if (!isObject(manifestSpec)) throw wrong(file, "spec", "the GrafanaManifest's spec (an object)", manifestSpec);
    if (!isObject(manifestSpec.template))
      throw wrong(file, "spec.template", "the dashboard resource (an object)", manifestSpec.template);
    resource = manifestSpec.template;
    path = "spec.template.";
  }
  if (resource.apiVersion === undefined && isObject(resource.elements)) return { spec: resource, path: "spec" };
  const version = resource.apiVersion;
  if (typeof version !== "string" || !v2Versions.some((v) => version === `${group}/${v}`))
    throw new DashboardError(
      file,
      `${path}apiVersion: ${typeof version === "string" ? JSON.stringify(printable(version)) : kindOf(version)} is not a v2 dashboard's (${v2Versions.map((v) => `${group}/${v}`).join(", ")})`,
      hint,
    );
  if (resource.kind !== "Dashboard") throw wrong(file, `${path}kind`, '"Dashboard"', resource.kind);
  if (!isObject(resource.spec)) throw wrong(file, `${path}spec`, "the dashboard's spec (an object)", resource.spec);
  return { spec: resource.spec, path: `${path}spec` };
}

interface Walked {
  /** Element names in the order the layout shows them. */
  readonly order: string[];
  /** Variables rows and tabs declare for themselves, with their field paths. */
  readonly variables: { v: unknown; field: string }[];
}

interface Visit {
  readonly value: unknown;
  readonly key: string;
  readonly parent?: Visit;
}

/** A visited node's field path, built only when needed: building every one is quadratic in depth. */
function fieldOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join("");
}

/**
 * The elements a layout shows, in order, and the variables its rows and tabs declare. A stack, not
 * recursion: a file's layouts may nest thousands deep.
 */
function walkLayout(layout: unknown, path: string): Walked {
  const order: string[] = [];
  const variables: { v: unknown; field: string }[] = [];
  const pending: Visit[] = [{ value: layout, key: `${path}.layout` }];
  while (pending.length > 0) {
    const visit = pending.pop() as Visit;
    const { value } = visit;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--)
        pending.push({ value: value[index], key: `[${index}]`, parent: visit });
      continue;
    }
    if (!isObject(value)) continue;
    if (value.kind === "ElementReference" && typeof value.name === "string") {
      order.push(value.name);
      continue;
    }
    if (Array.isArray(value.variables))
      value.variables.forEach((v, index) => variables.push({ v, field: `${fieldOf(visit)}.variables[${index}]` }));
    const keys = Object.keys(value).filter((key) => key !== "variables");
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index] as string;
      pending.push({ value: value[key], key: at("", key), parent: visit });
    }
  }
  return { order, variables };
}
