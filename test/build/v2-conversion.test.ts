// Grafana 13 converts our v1 files to its v2 schema on load. harness/conversion.ts models that converter from
// Grafana's Go source; nothing of ours may be dropped or changed by it, and the result must be a valid v2
// dashboard by Grafana's published schemas (build/schemas/).

import { importInputs } from "../../config";
import { importFileText, plainDashboard } from "../../build/outputs";
import type { JsonObject } from "../../io/json";
import { convertToV2, convertedFieldDefaults } from "../../harness/conversion";
import { panelsIn } from "../../dashboards/rows";
import { importDashboard } from "../../harness/import";
import { v2Validators, v2Versions } from "../../harness/v2-schemas";

type Obj = Record<string, any>;
const validators = v2Validators();

const rowsOf = (panels: Obj[]) => panels.filter((p) => p.type === "row");
const strip = ({ refId: _r, hide: _h, datasource: _d, ...spec }: Obj) => spec;

/** v1 panel keys the v2 panel carries, and those whose value means nothing to v2 (so dropping them changes nothing). */
const carriedPanelKeys = new Set([
  ...["id", "type", "pluginVersion", "title", "description", "options", "fieldConfig", "targets"],
]);
const queryOptionKeys = ["timeFrom", "timeShift", "interval", "maxDataPoints"] as const;
const meaninglessPanelValues: Record<string, (panel: Obj) => boolean> = {
  datasource: () => true, // copied onto every query, checked there
  gridPos: () => true, // becomes the layout, checked there
  transparent: (p) => p.transparent === false, // v2 writes only `true`; false is its default
  repeatDirection: (p) => p.repeat === undefined, // direction of a repeat the panel does not have
};
/** v1 variable keys the v2 variables carry, and the interval-variable settings the SDK writes on every variable. */
const carriedVariableKeys = new Set([
  ...["name", "type", "label", "description", "query", "definition", "datasource", "current", "options"],
  ...["refresh", "sort", "multi", "includeAll", "allowCustomValue", "skipUrlSync", "hide", "regex"],
]);
const intervalOnly = new Set(["auto", "auto_min", "auto_count"]);
const refreshes = ["never", "onDashboardLoad", "onTimeRangeChanged"];
const sorts = ["disabled", "alphabeticalAsc", "alphabeticalDesc", "numericalAsc", "numericalDesc"];

const files: [string, () => Promise<Obj>][] = [
  [
    "the import file, once imported",
    async () => importDashboard(await importFileText(), "import page", { [importInputs.datasource]: "prom" }),
  ],
  ["the provisioning file", async () => JSON.parse(await plainDashboard())],
];

describe.each(files)("%s, converted to Grafana's v2 schema", (_, load) => {
  let v1: Obj;
  let v2: Obj;
  beforeAll(async () => {
    v1 = await load();
    v2 = convertToV2(v1 as JsonObject);
  });
  const element = (panel: Obj) => v2.elements[`panel-${panel.id}`]?.spec as Obj;

  it.each(v2Versions)("is a valid %s dashboard (Grafana's published schema)", (version) => {
    const validate = validators[version];
    validate(v2);
    expect(validate.errors ?? []).toEqual([]);
  });

  it("is at schemaVersion 42, and has nothing the later schema migrations rewrite", () => {
    // schemaversion/v43.go rewrites formatTime transformations, the only migration after 42.
    expect(v1.schemaVersion).toBe(42);
    expect(panelsIn<Obj>(v1.panels).filter((p) => (p.transformations ?? []).length > 0)).toEqual([]);
  });

  it("keeps every panel as its own element, under its row, below the row's header", () => {
    const panels = panelsIn<Obj>(v1.panels);
    expect(Object.keys(v2.elements).sort()).toEqual(panels.map((p) => `panel-${p.id}`).sort());
    const rows = v2.layout.spec.rows as Obj[];
    expect(rows.map((r) => [r.spec.title, r.spec.collapse, r.spec.hideHeader])).toEqual(
      rowsOf(v1.panels).map((r) => [r.title, r.collapsed, undefined]),
    );
    const placed = rows.flatMap((r) =>
      (r.spec.layout.spec.items as Obj[]).map((i) => ({ row: r.spec.title, ...i.spec, element: i.spec.element.name })),
    );
    expect(placed.filter((item) => item.y < 0)).toEqual([]);
    expect(placed).toHaveLength(panels.length);
  });

  it("keeps nothing of a panel out of its element, but values that mean nothing to v2", () => {
    const lost = panelsIn<Obj>(v1.panels).flatMap((p) =>
      Object.keys(p)
        .filter((key) => !carriedPanelKeys.has(key) && !(queryOptionKeys as readonly string[]).includes(key))
        .filter((key) => !meaninglessPanelValues[key]?.(p))
        .map((key) => `${p.title}: ${key}`),
    );
    expect(lost).toEqual([]);
  });

  it("keeps each panel's title, type, plugin version, options, field config defaults and overrides as they are", () => {
    for (const panel of panelsIn<Obj>(v1.panels)) {
      const spec = element(panel);
      expect({
        title: panel.title,
        got: [spec.title, spec.description, spec.vizConfig.group, spec.vizConfig.version],
      }).toEqual({
        title: panel.title,
        got: [panel.title, panel.description ?? "", panel.type, panel.pluginVersion ?? ""],
      });
      expect({ title: panel.title, ...spec.vizConfig.spec }).toEqual({
        title: panel.title,
        options: panel.options,
        fieldConfig: { defaults: panel.fieldConfig.defaults, overrides: panel.fieldConfig.overrides ?? [] },
      });
    }
  });

  it("keeps each panel's queries, their data source, and its time override, interval and max data points", () => {
    for (const panel of panelsIn<Obj>(v1.panels)) {
      const spec = element(panel);
      const options = Object.fromEntries(
        queryOptionKeys.filter((k) => panel[k] !== undefined).map((k) => [k, panel[k]]),
      );
      expect({ title: panel.title, options: spec.data.spec.queryOptions }).toEqual({ title: panel.title, options });
      const queries = (spec.data.spec.queries as Obj[]).map((q) => ({
        refId: q.spec.refId,
        hidden: q.spec.hidden,
        datasource: { type: q.spec.query.group, uid: q.spec.query.datasource?.name },
        spec: q.spec.query.spec,
      }));
      expect({ title: panel.title, queries }).toEqual({
        title: panel.title,
        queries: (panel.targets as Obj[]).map((t) => ({
          refId: t.refId,
          hidden: t.hide ?? false,
          datasource: t.datasource ?? panel.datasource,
          spec: strip(t),
        })),
      });
    }
  });

  it("keeps the variables: data source type, discovery queries, defaults, options, refresh and sort", () => {
    const byName = new Map((v2.variables as Obj[]).map((v) => [v.spec.name, v]));
    for (const variable of v1.templating.list as Obj[]) {
      const { kind, spec } = byName.get(variable.name) ?? {};
      const lost = Object.keys(variable).filter((k) => !carriedVariableKeys.has(k) && !intervalOnly.has(k));
      expect({ name: variable.name, lost }).toEqual({ name: variable.name, lost: [] });
      const expected: Obj = {
        label: variable.label,
        description: variable.description,
        current: { text: variable.current?.text ?? "", value: variable.current?.value ?? "" },
        options: (variable.options ?? []).map((o: Obj) => ({ selected: false, ...o })),
      };
      const got: Obj = {
        label: spec?.label,
        description: spec?.description,
        current: spec?.current,
        options: spec?.options,
      };
      if (variable.type === "query") {
        Object.assign(expected, {
          kind: "QueryVariable",
          query: variable.query,
          definition: variable.definition,
          datasource: variable.datasource,
          refresh: refreshes[variable.refresh],
          sort: sorts[variable.sort],
        });
        Object.assign(got, {
          kind,
          query: spec.query.spec.__legacyStringValue,
          definition: spec.definition,
          datasource: { type: spec.query.group, uid: spec.query.datasource?.name },
          refresh: spec.refresh,
          sort: spec.sort,
        });
      } else if (variable.type === "datasource") {
        Object.assign(expected, { kind: "DatasourceVariable", pluginId: variable.query });
        Object.assign(got, { kind, pluginId: spec.pluginId });
      } else {
        Object.assign(expected, { kind: "CustomVariable", query: variable.query });
        Object.assign(got, { kind, query: spec.query });
      }
      expect({ name: variable.name, ...got }).toEqual({ name: variable.name, ...expected });
    }
  });

  it("keeps the annotations: their queries, data sources, and the rest as legacy options", () => {
    const byName = new Map((v2.annotations as Obj[]).map((a) => [a.spec.name, a.spec]));
    for (const annotation of v1.annotations.list as Obj[]) {
      const spec = byName.get(annotation.name) as Obj;
      const { name, enable, hide, iconColor, builtIn, datasource, target, ...rest } = annotation;
      expect({
        name: spec.name,
        enable: spec.enable,
        hide: spec.hide,
        iconColor: spec.iconColor,
        builtIn: spec.builtIn,
        datasource: { type: spec.query.group, uid: spec.query.datasource?.name },
        target: spec.query.spec,
        legacyOptions: spec.legacyOptions,
      }).toEqual({
        name,
        enable,
        hide,
        iconColor,
        builtIn: builtIn === undefined ? undefined : Boolean(builtIn),
        datasource,
        target: target ?? {},
        legacyOptions: Object.keys(rest).length > 0 ? rest : undefined,
      });
    }
  });

  it("keeps the dashboard's links, time range, time zone, refresh and refresh choices", () => {
    expect(v2.links).toEqual(v1.links);
    expect(v2.timeSettings).toMatchObject({
      from: v1.time.from,
      to: v1.time.to,
      timezone: v1.timezone,
      autoRefresh: v1.refresh,
      autoRefreshIntervals: v1.timepicker.refresh_intervals,
      hideTimepicker: v1.timepicker.hidden,
    });
    expect([v2.title, v2.description, v2.tags, v2.editable]).toEqual([v1.title, v1.description, v1.tags, v1.editable]);
  });
});

describe("the v2 conversion model", () => {
  const ds = { type: "prometheus", uid: "${datasource}" };
  const panel = (extra: Obj) => ({
    type: "stat",
    id: 1,
    title: "a",
    gridPos: { x: 0, y: 1, w: 6, h: 4 },
    datasource: ds,
    fieldConfig: { defaults: { unit: "s" }, overrides: [] },
    targets: [{ refId: "A", expr: "up", datasource: ds }],
    ...extra,
  });
  const convert = (...panels: Obj[]): Obj =>
    convertToV2({
      panels: [{ type: "row", id: 9, title: "r", gridPos: { y: 0 }, panels: [] }, ...panels],
    } as JsonObject);

  it("drops a field config default the converter does not copy", () => {
    const v2 = convert(panel({ fieldConfig: { defaults: { unit: "s", unitScale: true }, overrides: [] } }));
    expect(convertedFieldDefaults.has("unitScale")).toBe(false);
    expect(v2.elements["panel-1"].spec.vizConfig.spec.fieldConfig.defaults).toEqual({ unit: "s" });
  });

  it("marks a panel with a key outside the v1 Panel schema for Angular migration", () => {
    const v2 = convert(panel({ legend: { show: true } }));
    expect(v2.elements["panel-1"].spec.vizConfig.spec.options.__angularMigration).toEqual({
      autoMigrateFrom: "stat",
      originalOptions: { legend: { show: true } },
    });
  });

  const queryOf = (v2: Obj, index = 0) => v2.elements["panel-1"].spec.data.spec.queries[index].spec.query as Obj;

  it("keeps one element for two panels with one id", () => {
    const v2 = convert(panel({}), panel({ title: "b" }));
    expect(Object.keys(v2.elements)).toEqual(["panel-1"]);
    expect(v2.elements["panel-1"].spec.title).toBe("b");
  });

  it("keeps a target's own data source, and gives its panel's only to a target without one", () => {
    const loki = { type: "loki", uid: "logs" };
    const v2 = convert(
      panel({
        targets: [
          { refId: "A", expr: '{app="akkoma"}', datasource: loki },
          { refId: "B", expr: "up" },
          { refId: "C", expr: "up", datasource: {} },
        ],
      }),
    );
    expect([0, 1, 2].map((i) => [queryOf(v2, i).group, queryOf(v2, i).datasource])).toEqual([
      ["loki", { name: "logs" }],
      ["prometheus", { name: "${datasource}" }],
      ["prometheus", { name: "${datasource}" }],
    ]);
  });

  it("copies no mixed data source onto a query", () => {
    const mixed = { type: "mixed", uid: "-- Mixed --" };
    const v2 = convert(
      panel({
        datasource: mixed,
        targets: [
          { refId: "A", expr: "up" },
          { refId: "B", expr: "up", datasource: ds },
        ],
      }),
    );
    expect([queryOf(v2, 0), queryOf(v2, 1)].map((q) => [q.group, q.datasource])).toEqual([
      ["", undefined],
      ["prometheus", { name: "${datasource}" }],
    ]);
  });

  it("refuses a data source named by uid alone: Grafana looks its type up, the model cannot", () => {
    expect(() => convert(panel({ targets: [{ refId: "A", expr: "up", datasource: { uid: "x" } }] }))).toThrow(
      /data source "x" without a type/,
    );
  });

  it("shows a legend that does not say whether it shows", () => {
    const legendOf = (legend: Obj) =>
      convert(panel({ options: { legend } })).elements["panel-1"].spec.vizConfig.spec.options.legend;
    expect(legendOf({ placement: "bottom" })).toEqual({ placement: "bottom", showLegend: true });
    expect(legendOf({ placement: "bottom", showLegend: false })).toEqual({ placement: "bottom", showLegend: false });
    expect(convert(panel({ options: {} })).elements["panel-1"].spec.vizConfig.spec.options).toEqual({});
  });

  it("rebuilds value mappings and thresholds into Grafana's types: fields outside them dropped", () => {
    const defaults = (fieldDefaults: Obj) =>
      convert(panel({ fieldConfig: { defaults: fieldDefaults, overrides: [] } })).elements["panel-1"].spec.vizConfig
        .spec.fieldConfig.defaults;
    const result = { text: "up", color: "green", index: 1.7, note: "dropped" };
    expect(
      defaults({
        mappings: [
          { type: "value", options: { "1": result, "2": "not an object" }, id: 3 },
          { type: "range", options: { from: 0, result } },
          { type: "range", options: { result } },
          { type: "regex", options: { pattern: "^a", result } },
          { type: "special", options: { match: "null" } },
          { type: "special", options: {} },
          { type: "other", options: {} },
          { options: {} },
        ],
        thresholds: {
          mode: "absolute",
          steps: [
            { value: null, color: "red" },
            { value: "5", color: "green", x: 1 },
          ],
          y: 2,
        },
      }),
    ).toEqual({
      mappings: [
        { type: "value", options: { "1": { text: "up", color: "green", index: 1 } } },
        { type: "range", options: { from: 0, to: null, result: { text: "up", color: "green", index: 1 } } },
        { type: "regex", options: { pattern: "^a", result: { text: "up", color: "green", index: 1 } } },
        { type: "special", options: { match: "null", result: {} } },
      ],
      thresholds: {
        mode: "absolute",
        steps: [
          { value: null, color: "red" },
          { value: null, color: "green" },
        ],
      },
    });
    expect(defaults({ unit: "s", mappings: [] })).toEqual({ unit: "s" });
    expect(defaults({ mappings: [] })).toEqual({});
  });

  it("refuses what it does not model rather than guess", () => {
    expect(() => convert(panel({ transformations: [{ id: "formatTime", options: {} }] }))).toThrow(/transformations/);
  });
});
