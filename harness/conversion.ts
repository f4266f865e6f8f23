// Grafana 13 stores dashboards in its v2 schema and converts a v1 (classic JSON) dashboard on load. This
// models that conversion for the parts of a dashboard ours uses, from Grafana's Go source:
// apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go (v1 -> v2alpha1), then
// v2alpha1_to_v2beta1.go (data source references move into each query) and v2beta1_to_v2.go (only
// transformations change). A query's data source, the legend default and the typed value mappings and
// thresholds were checked against grafana/grafana v1beta1_to_v2alpha1.go at 0575d5725fc9 and
// v2alpha1_to_v2beta1.go at 0ad2d6d16e86. It returns the v2beta1 spec, which for a dashboard without transformations is
// also the v2 spec. A part of v1 the model does not know throws, so a new kind of field is read first.

import { rowsOf } from "../dashboards/rows";
import { type Json, type JsonObject, isObject } from "../io/json";

const text = (value: Json | undefined, fallback = ""): string => (typeof value === "string" ? value : fallback);
const flag = (value: Json | undefined, fallback: boolean): boolean => (typeof value === "boolean" ? value : fallback);
const int = (value: Json | undefined, fallback: number): number =>
  typeof value === "number"
    ? Math.trunc(value)
    : typeof value === "string" && /^-?\d+$/.test(value)
      ? Number(value)
      : fallback;
/** Go's `if x != "" { out.X = &x }`: an empty or missing string leaves the field out. */
const optional = (key: string, value: Json | undefined): JsonObject =>
  typeof value === "string" && value !== "" ? { [key]: value } : {};

/**
 * Panel properties of the v1 Panel schema (`knownPanelProperties`): any other key marks the panel as an
 * Angular panel to migrate (`options.__angularMigration`), which the frontend then rewrites.
 */
export const knownPanelProperties = new Set([
  ...["type", "id", "pluginVersion", "targets", "title", "description", "transparent", "datasource", "gridPos"],
  ...["links", "repeat", "repeatDirection", "maxPerRow", "maxDataPoints", "transformations", "interval"],
  ...["timeFrom", "timeShift", "hideTimeOverride", "timeCompare", "libraryPanel", "cacheTimeout"],
  ...["queryCachingTTL", "options", "fieldConfig", "autoMigrateFrom"],
]);

/** `extractFieldConfigDefaults`: the field config defaults the converter copies; any other key is dropped. */
export const convertedFieldDefaults = new Set([
  ...["color", "custom", "decimals", "max", "min", "description", "displayName", "displayNameFromDS"],
  ...["noValue", "path", "unit", "filterable", "writeable", "fieldMinMax", "nullValueMode", "links"],
  ...["actions", "mappings", "thresholds"],
]);

/** `buildAnnotationQuery`: annotation keys with a v2 field of their own; the rest (`type` too) go to `legacyOptions`. */
const annotationFields = new Set([
  ...["name", "datasource", "enable", "hide", "iconColor", "filter", "target", "builtIn", "mappings"],
]);

export function convertToV2(v1: JsonObject): JsonObject {
  const { elements, layout } = elementsAndLayout(Array.isArray(v1.panels) ? (v1.panels as JsonObject[]) : []);
  const templating = isObject(v1.templating) ? v1.templating : {};
  const annotations = isObject(v1.annotations) ? v1.annotations : {};
  return {
    annotations: ((annotations.list ?? []) as JsonObject[]).map(annotation),
    cursorSync: (["Off", "Crosshair", "Tooltip"] as const)[int(v1.graphTooltip, 0)] ?? "Off",
    ...optional("description", v1.description),
    editable: flag(v1.editable, true),
    elements,
    layout,
    links: ((v1.links ?? []) as JsonObject[]).map(dashboardLink),
    liveNow: flag(v1.liveNow, false),
    preload: flag(v1.preload, false),
    ...(typeof v1.revision === "number" ? { revision: v1.revision } : {}),
    tags: ((v1.tags ?? []) as Json[]).filter((t): t is string => typeof t === "string"),
    timeSettings: timeSettings(v1),
    title: text(v1.title),
    variables: ((templating.list ?? []) as JsonObject[]).map(variable),
  };
}

function timeSettings(v1: JsonObject): JsonObject {
  const time = isObject(v1.time) ? v1.time : {};
  const picker = isObject(v1.timepicker) ? v1.timepicker : {};
  const intervals = ((picker.refresh_intervals ?? []) as Json[]).filter((i): i is string => typeof i === "string");
  if (picker.quick_ranges !== undefined) throw unmodelled("timepicker.quick_ranges");
  return {
    from: text(time.from) || "now-6h",
    to: text(time.to) || "now",
    ...(typeof v1.timezone === "string" ? { timezone: v1.timezone } : {}),
    autoRefresh: text(v1.refresh),
    autoRefreshIntervals:
      intervals.length > 0 ? intervals : ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"],
    fiscalYearStartMonth: int(v1.fiscalYearStartMonth, 0),
    hideTimepicker: flag(picker.hidden, false),
    ...optional("weekStart", v1.weekStart),
    ...optional("nowDelay", picker.nowDelay),
  };
}

function dashboardLink(link: JsonObject): JsonObject {
  return {
    title: text(link.title),
    type: text(link.type, "link"),
    icon: text(link.icon),
    tooltip: text(link.tooltip),
    tags: ((link.tags ?? []) as Json[]).filter((t): t is string => typeof t === "string"),
    asDropdown: flag(link.asDropdown, false),
    targetBlank: flag(link.targetBlank, false),
    includeVars: flag(link.includeVars, false),
    keepTime: flag(link.keepTime, false),
    ...(typeof link.url === "string" ? { url: link.url } : {}),
    ...(typeof link.placement === "string" ? { placement: link.placement } : {}),
  };
}

/**
 * `convertToRowsLayout`: each row panel starts a row; the panels after it (or, collapsed, inside it) become
 * its grid items, y counted from below the row. Elements are keyed `panel-<id>`: two panels with one id
 * become one element, and the first is lost.
 */
function elementsAndLayout(panels: JsonObject[]): { elements: JsonObject; layout: JsonObject } {
  const elements: JsonObject = {};
  const place = (panel: JsonObject, rowY: number | undefined): JsonObject => {
    const name = `panel-${int(panel.id, 0)}`;
    elements[name] = panelElement(panel);
    const pos = isObject(panel.gridPos) ? panel.gridPos : {};
    const y = rowY === undefined ? int(pos.y, 0) : int(pos.y, 0) - rowY - 1;
    if (panel.repeat !== undefined) throw unmodelled(`panel "${text(panel.title)}": repeat`);
    return {
      kind: "GridLayoutItem",
      spec: {
        x: int(pos.x, 0),
        y,
        width: int(pos.w, 6),
        height: int(pos.h, 3),
        element: { kind: "ElementReference", name },
      },
    };
  };
  if (!panels.some((p) => p.type === "row")) {
    return { elements, layout: grid(panels.map((p) => place(p, undefined))) };
  }
  const rows = rowsOf(panels).map(({ row: header, panels: inRow }) => {
    // Panels above the first row: a row without a header.
    if (!header)
      return row(
        { collapse: false, title: "", hideHeader: true },
        inRow.map((p) => place(p, -1)),
      );
    if (header.repeat !== undefined) throw unmodelled(`row "${text(header.title)}": repeat`);
    const rowY = int(isObject(header.gridPos) ? header.gridPos.y : undefined, 0);
    return row(
      { collapse: flag(header.collapsed, false), title: text(header.title) },
      inRow.map((p) => place(p, rowY)),
    );
  });
  return { elements, layout: { kind: "RowsLayout", spec: { rows } } };
}

const grid = (items: JsonObject[]): JsonObject => ({ kind: "GridLayout", spec: { items } });
const row = (spec: JsonObject, items: JsonObject[]): JsonObject => ({
  kind: "RowsLayoutRow",
  spec: { ...spec, layout: grid(items) },
});

function panelElement(panel: JsonObject): JsonObject {
  if (panel.libraryPanel !== undefined) throw unmodelled(`panel "${text(panel.title)}": libraryPanel`);
  const unknown = Object.keys(panel).filter((key) => !knownPanelProperties.has(key));
  const options: JsonObject = { ...(isObject(panel.options) ? panel.options : {}) };
  // `buildVizConfig`: a legend without a boolean `showLegend` is shown, as the frontend defaults it
  if (isObject(options.legend))
    options.legend = { ...options.legend, showLegend: flag(options.legend.showLegend, true) };
  if (unknown.length > 0) {
    options.__angularMigration = {
      autoMigrateFrom: text(panel.type, "timeseries"),
      originalOptions: Object.fromEntries(unknown.map((key) => [key, panel[key] as Json])),
    };
  }
  const fieldConfig = isObject(panel.fieldConfig) ? panel.fieldConfig : {};
  return {
    kind: "Panel",
    spec: {
      id: int(panel.id, 0),
      title: text(panel.title),
      description: text(panel.description),
      links: ((panel.links ?? []) as JsonObject[]).map((link) => ({
        title: text(link.title),
        url: text(link.url),
        ...(link.targetBlank !== undefined ? { targetBlank: flag(link.targetBlank, false) } : {}),
      })),
      data: {
        kind: "QueryGroup",
        spec: {
          queries: panelQueries(panel),
          transformations: transformations(panel),
          queryOptions: queryOptions(panel),
        },
      },
      vizConfig: {
        kind: "VizConfig",
        group: text(panel.type, "timeseries"),
        version: text(panel.pluginVersion),
        spec: {
          options,
          fieldConfig: {
            defaults: fieldDefaults(isObject(fieldConfig.defaults) ? fieldConfig.defaults : {}),
            overrides: ((fieldConfig.overrides ?? []) as JsonObject[]).map(override),
          },
        },
      },
      ...(panel.transparent === true ? { transparent: true } : {}),
    },
  };
}

function transformations(panel: JsonObject): JsonObject[] {
  if (Array.isArray(panel.transformations) && panel.transformations.length > 0) {
    throw unmodelled(`panel "${text(panel.title)}": transformations (v2 changes their shape)`);
  }
  return [];
}

/** `buildQueryOptions`: the only panel-level query settings v2 keeps. */
function queryOptions(panel: JsonObject): JsonObject {
  return {
    ...optional("cacheTimeout", panel.cacheTimeout),
    ...(int(panel.maxDataPoints, 0) > 0 ? { maxDataPoints: int(panel.maxDataPoints, 0) } : {}),
    ...optional("interval", panel.interval),
    ...(panel.hideTimeOverride === true ? { hideTimeOverride: true } : {}),
    ...(typeof panel.queryCachingTTL === "number" ? { queryCachingTTL: Math.trunc(panel.queryCachingTTL) } : {}),
    ...optional("timeFrom", panel.timeFrom),
    ...optional("timeShift", panel.timeShift),
  };
}

/** Go's `isTemplateVariable`: a data source named by a variable (`$ds`, `${ds}`), whose type is not looked up. */
const isTemplateVariable = (uid: string) => uid.startsWith("$");

/**
 * A v1 data source reference as the converter reads it: a uid without a type has its type looked up in
 * Grafana's data source index (`getDatasourceTypeByUID`), which the model has not; `{ type: "datasource" }`
 * without a uid is the Grafana data source (`resolveGrafanaDatasourceUID`). Anything but an object is none.
 */
function datasourceRef(value: Json | undefined, where: string): { uid: string; type: string } | undefined {
  if (!isObject(value)) return undefined;
  let uid = text(value.uid);
  const type = text(value.type);
  if (!uid && !type) return undefined;
  if (uid && !type && !isTemplateVariable(uid)) throw unmodelled(`${where}: data source "${uid}" without a type`);
  if (type === "datasource" && !uid) uid = "grafana";
  return { uid, type };
}

/**
 * `transformPanelQueries` + `transformSingleQuery`: refId, hide and datasource apart, the rest is the query.
 * A target keeps its own data source; only a target without one (or with an empty `{}`) takes its panel's,
 * unless the panel's is the mixed one, which is never copied onto a query. (Go then gives such a target of a
 * mixed panel `{ type: "datasource" }` the Grafana data source: its second branch tests the type alone.)
 */
function panelQueries(panel: JsonObject): JsonObject[] {
  const where = `panel "${text(panel.title)}"`;
  const panelDs = datasourceRef(panel.datasource, where);
  return ((panel.targets ?? []) as JsonObject[]).map((target, index) => {
    const { refId, hide, datasource, ...spec } = target;
    if (!refId) throw unmodelled(`${where}: target ${index} without refId`);
    let ds = datasourceRef(datasource, `${where}, target ${text(refId)}`);
    if (!ds && panelDs) {
      if (panelDs.uid !== "-- Mixed --") ds = panelDs;
      else if (panelDs.type === "datasource") ds = { uid: "grafana", type: "datasource" };
    }
    return {
      kind: "PanelQuery",
      spec: {
        refId: text(refId),
        hidden: flag(hide, false),
        query: dataQuery(spec, ds?.type ?? "", ds?.uid ?? ""),
      },
    };
  });
}

/** v2beta1's DataQueryKind: the data source type becomes `group`, its uid `datasource.name`. */
const dataQuery = (spec: JsonObject, type: string, uid: string): JsonObject => ({
  kind: "DataQuery",
  group: type,
  version: "v0",
  ...(uid ? { datasource: { name: uid } } : {}),
  spec,
});

/**
 * `extractFieldConfigDefaults`. The converter rebuilds mappings and thresholds into Go structs: what they
 * have no field for is dropped, an empty mapping list is left out (`omitempty`), and v2alpha1 -> v2beta1
 * then copies them field by field.
 */
function fieldDefaults(defaults: JsonObject): JsonObject {
  const present = Object.keys(defaults).filter((key) => convertedFieldDefaults.has(key));
  const kept: JsonObject = Object.fromEntries(present.map((key) => [key, defaults[key] as Json]));
  if (isObject(kept.color)) {
    const { mode, fixedColor, seriesBy } = kept.color;
    kept.color = { mode: text(mode), ...optional("fixedColor", fixedColor), ...optional("seriesBy", seriesBy) };
  }
  if (present.includes("mappings")) {
    const mappings = valueMappings(kept.mappings);
    if (mappings.length > 0) kept.mappings = mappings;
    else delete kept.mappings;
  }
  if (present.includes("thresholds")) {
    if (isObject(kept.thresholds)) kept.thresholds = thresholdsConfig(kept.thresholds);
    else delete kept.thresholds;
  }
  return present.length > 0 ? kept : { custom: {} };
}

/** `buildValueMappingResult`: text, color, icon and a whole index, each only if of its type. */
function mappingResult(value: Json | undefined): JsonObject {
  const result = isObject(value) ? value : {};
  return {
    ...(typeof result.text === "string" ? { text: result.text } : {}),
    ...(typeof result.color === "string" ? { color: result.color } : {}),
    ...(typeof result.icon === "string" ? { icon: result.icon } : {}),
    ...(typeof result.index === "number" ? { index: Math.trunc(result.index) } : {}),
  };
}

/**
 * `buildValueMappings`: value, range, regex and special mappings, each rebuilt from the options its type
 * has; a mapping of another type or without a string type is dropped, as are a range without `from` and
 * `to` and a special or range mapping without options.
 */
function valueMappings(value: Json | undefined): JsonObject[] {
  const number = (n: Json | undefined) => (typeof n === "number" ? n : null);
  return (Array.isArray(value) ? value : []).flatMap((mapping): JsonObject[] => {
    if (!isObject(mapping)) return [];
    const options = isObject(mapping.options) ? mapping.options : undefined;
    switch (mapping.type) {
      case "value":
        return [
          {
            type: "value",
            options: Object.fromEntries(
              Object.entries(options ?? {})
                .filter(([, result]) => isObject(result))
                .map(([key, result]) => [key, mappingResult(result)]),
            ),
          },
        ];
      case "range":
        if (!options || Object.keys(options).length === 0) return [];
        if ((options.from ?? null) === null && (options.to ?? null) === null) return [];
        return [
          {
            type: "range",
            options: { from: number(options.from), to: number(options.to), result: mappingResult(options.result) },
          },
        ];
      case "regex":
        if (!options) return [];
        return [{ type: "regex", options: { pattern: text(options.pattern), result: mappingResult(options.result) } }];
      case "special":
        if (!options || Object.keys(options).length === 0) return [];
        return [{ type: "special", options: { match: text(options.match), result: mappingResult(options.result) } }];
      default:
        return [];
    }
  });
}

/** `buildThresholdsConfig`: the mode and each step's value (null, -Infinity, unless a number) and color. */
const thresholdsConfig = (thresholds: JsonObject): JsonObject => ({
  mode: text(thresholds.mode),
  steps: (Array.isArray(thresholds.steps) ? thresholds.steps : []).flatMap((step) =>
    isObject(step) ? [{ value: typeof step.value === "number" ? step.value : null, color: text(step.color) }] : [],
  ),
});

const override = (o: JsonObject): JsonObject => {
  const matcher = isObject(o.matcher) ? o.matcher : {};
  return {
    ...(typeof o.__systemRef === "string" ? { __systemRef: o.__systemRef } : {}),
    matcher: { id: text(matcher.id), ...(matcher.options !== undefined ? { options: matcher.options } : {}) },
    properties: ((o.properties ?? []) as JsonObject[]).map((p) => ({ id: text(p.id), value: p.value ?? null })),
  };
};

const current = (value: Json | undefined): JsonObject =>
  isObject(value) ? { text: value.text ?? "", value: value.value ?? "" } : { text: "", value: "" };
const options = (value: Json | undefined): JsonObject[] =>
  ((Array.isArray(value) ? value : []) as JsonObject[]).map((o) => ({
    text: o.text ?? "",
    value: o.value ?? "",
    selected: flag(o.selected, false),
  }));
const hide = (value: Json | undefined) =>
  (["dontHide", "hideLabel", "hideVariable"] as const)[int(value, 0)] ?? "dontHide";
const refresh = (value: Json | undefined) =>
  (["never", "onDashboardLoad", "onTimeRangeChanged"] as const)[int(value, 0)] ?? "never";
const sort = (value: Json | undefined) =>
  (["disabled", "alphabeticalAsc", "alphabeticalDesc", "numericalAsc", "numericalDesc"] as const)[int(value, 0)] ??
  "disabled";

function variable(v: JsonObject): JsonObject {
  const common = {
    name: text(v.name),
    ...optional("label", v.label),
    ...optional("description", v.description),
    hide: hide(v.hide),
    skipUrlSync: flag(v.skipUrlSync, false),
  };
  const choice = {
    current: current(v.current),
    options: options(v.options),
    multi: flag(v.multi, false),
    includeAll: flag(v.includeAll, false),
    allowCustomValue: flag(v.allowCustomValue, true),
    ...optional("allValue", v.allValue),
  };
  switch (v.type) {
    case "query": {
      const ds = isObject(v.datasource) ? v.datasource : {};
      if (typeof v.query !== "string") throw unmodelled(`variable ${common.name}: a query object`);
      return {
        kind: "QueryVariable",
        spec: {
          ...common,
          ...choice,
          refresh: refresh(v.refresh),
          sort: sort(v.sort),
          regex: text(v.regex),
          ...optional("regexApplyTo", v.regexApplyTo),
          ...(typeof v.definition === "string" ? { definition: v.definition } : {}),
          // A plain-string query is kept under this key (LEGACY_STRING_VALUE_KEY).
          query: dataQuery(v.query ? { __legacyStringValue: v.query } : {}, text(ds.type), text(ds.uid)),
        },
      };
    }
    case "datasource":
      return {
        kind: "DatasourceVariable",
        spec: { ...common, ...choice, pluginId: text(v.query), refresh: refresh(v.refresh), regex: text(v.regex) },
      };
    case "custom":
      return {
        kind: "CustomVariable",
        spec: { ...common, ...choice, query: text(v.query), ...optional("valuesFormat", v.valuesFormat) },
      };
    case "constant":
      return {
        kind: "ConstantVariable",
        spec: {
          ...common,
          query: text(v.query),
          current: v.current ? current(v.current) : current({ text: v.query ?? "", value: v.query ?? "" }),
        },
      };
    default:
      throw unmodelled(`variable ${common.name}: type "${String(v.type)}"`);
  }
}

function annotation(a: JsonObject): JsonObject {
  const ds = isObject(a.datasource) ? a.datasource : {};
  const type = text(ds.type);
  const uid = text(ds.uid);
  const legacyOptions: JsonObject = Object.fromEntries(Object.entries(a).filter(([key]) => !annotationFields.has(key)));
  if (a.mappings !== undefined || a.filter !== undefined)
    throw unmodelled(`annotation "${text(a.name)}": mappings or filter`);
  return {
    kind: "AnnotationQuery",
    spec: {
      name: text(a.name),
      enable: flag(a.enable, false),
      hide: flag(a.hide, false),
      iconColor: text(a.iconColor),
      ...(a.builtIn !== undefined && a.builtIn !== null ? { builtIn: Boolean(a.builtIn) } : {}),
      // Only a reference with both a uid and a type survives (as the frontend does).
      query: dataQuery(isObject(a.target) ? a.target : {}, type, uid && type ? uid : ""),
      ...(Object.keys(legacyOptions).length > 0 ? { legacyOptions } : {}),
    },
  };
}

const unmodelled = (what: string) =>
  new Error(`the v2 conversion model does not cover ${what}: read Grafana's converter for it first`);
