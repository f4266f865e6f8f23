// Reads a v2 dashboard resource (out/grafana/v2/) into the slice of dashboard JSON the evaluator and the
// display code read (dashboard-json.ts), so the cost gate and the display tests run on what the v2 file
// itself declares: its elements' queries, query options, field config and options, its rows, variables
// and annotations. Only what the evaluator reads is kept; a kind it does not know is refused.

import type { AnnotationJson, DashboardJson, PanelJson, TargetJson } from "./dashboard-json";
import type { VariableJson } from "./variables";

type Obj = Record<string, any>;

/** Whether the JSON is a `dashboard.grafana.app` resource of a v2 API version (v2, v2beta1...). */
export const isDashboardResource = (json: unknown): json is { apiVersion: string; spec: Obj } =>
  typeof json === "object" &&
  json !== null &&
  typeof (json as Obj).apiVersion === "string" &&
  (json as Obj).apiVersion.startsWith("dashboard.grafana.app/v2");

// Grafana's v2 sort names in the order of their v1 numbers.
const sorts = ["disabled", "alphabeticalAsc", "alphabeticalDesc", "numericalAsc", "numericalDesc"];

const reference = (query: Obj | undefined) => ({ type: query?.group, uid: query?.datasource?.name });

export function dashboardJsonOfV2(resource: { spec: Obj }): DashboardJson {
  const { spec } = resource;
  return {
    time: { from: spec.timeSettings.from, to: spec.timeSettings.to },
    templating: { list: (spec.variables as Obj[]).map(variable) },
    annotations: { list: (spec.annotations as Obj[]).map(annotation) },
    panels: rows(spec),
  };
}

function rows(spec: Obj): PanelJson[] {
  const layout = spec.layout as Obj;
  if (layout.kind !== "RowsLayout") throw new Error(`a ${layout.kind} is not read by the harness`);
  return (layout.spec.rows as Obj[]).flatMap(({ spec: row }): PanelJson[] => {
    if (row.layout.kind !== "GridLayout") throw new Error(`row "${row.title}": a ${row.layout.kind} is not read`);
    const panels = (row.layout.spec.items as Obj[]).map((item) => panel(spec.elements[item.spec.element.name]));
    // A collapsed row holds its panels, which Grafana queries only once it is opened, as in v1.
    const header: PanelJson = { type: "row", title: row.title, collapsed: row.collapse === true };
    return row.collapse === true ? [{ ...header, panels }] : [header, ...panels];
  });
}

function panel(element: Obj): PanelJson {
  if (element?.kind !== "Panel") throw new Error(`a ${element?.kind} element is not read by the harness`);
  const { spec } = element;
  const { queryOptions } = spec.data.spec;
  return {
    id: spec.id,
    type: spec.vizConfig.group,
    title: spec.title,
    ...(spec.vizConfig.version ? { pluginVersion: spec.vizConfig.version } : {}),
    ...queryOptions,
    options: spec.vizConfig.spec.options,
    fieldConfig: spec.vizConfig.spec.fieldConfig,
    targets: (spec.data.spec.queries as Obj[]).map(({ spec: q }): TargetJson => ({
      ...q.query.spec,
      refId: q.refId,
      ...(q.hidden ? { hide: true } : {}),
      datasource: reference(q.query),
    })),
  };
}

function variable({ kind, spec }: Obj): VariableJson {
  const common = { name: spec.name, current: spec.current, ...(spec.regex ? { regex: spec.regex } : {}) };
  switch (kind) {
    case "DatasourceVariable":
      return { ...common, type: "datasource", query: spec.pluginId };
    case "CustomVariable":
      return { ...common, type: "custom", query: spec.query };
    case "QueryVariable":
      return {
        ...common,
        type: "query",
        query: spec.query.spec.__legacyStringValue,
        datasource: reference(spec.query),
        sort: sorts.indexOf(spec.sort),
      };
    default:
      throw new Error(`variable ${spec.name}: a ${kind} is not read by the harness`);
  }
}

function annotation({ spec }: Obj): AnnotationJson {
  return {
    ...spec.legacyOptions,
    name: spec.name,
    enable: spec.enable,
    builtIn: spec.builtIn ? 1 : 0,
    datasource: reference(spec.query),
    target: spec.query.spec,
  };
}
