import { importInputs, importPlaceholder } from "../../config";
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as BarGaugePanel } from "@grafana/grafana-foundation-sdk/bargauge";
import { PanelBuilder as GaugePanel } from "@grafana/grafana-foundation-sdk/gauge";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StateTimelinePanel } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { validateDashboard } from "../../build/validate";
import { standaloneValidatorsSource } from "../../build/schemas/compile";
import { applyRelaxations } from "../../build/schemas/relaxations";

type Json = Record<string, any>;

const prometheus = { type: "prometheus", uid: importPlaceholder(importInputs.datasource) };
// A constant input of some other exported dashboard: the schemas allow them, ours asks for none.
const instanceInput = "INSTANCE";

const envelope = () => ({
  __inputs: [
    {
      name: importInputs.datasource,
      label: "Prometheus",
      description: "",
      type: "datasource",
      pluginId: "prometheus",
      pluginName: "Prometheus",
    },
    { name: instanceInput, label: "instance", description: "", type: "constant", value: "" },
  ],
  __elements: {},
  __requires: [
    { type: "grafana", id: "grafana", name: "Grafana", version: "12.1.0" },
    { type: "panel", id: "timeseries", name: "Time series", version: "" },
  ],
});

const target = (extra: Json = {}) => ({
  datasource: prometheus,
  expr: `up{instance="\${${instanceInput}}"}`,
  refId: "A",
  ...extra,
});

const timeseries = (extra: Json = {}): Json => ({
  type: "timeseries",
  id: 2,
  title: "Requests",
  datasource: prometheus,
  gridPos: { h: 8, w: 12, x: 0, y: 1 },
  fieldConfig: { defaults: { unit: "reqps", custom: { lineWidth: 1, fillOpacity: 10 } }, overrides: [] },
  options: {
    legend: { calcs: [], displayMode: "list", placement: "bottom", showLegend: true },
    tooltip: { mode: "multi", sort: "none" },
  },
  targets: [target()],
  ...extra,
});

const row = (extra: Json = {}): Json => ({
  type: "row",
  id: 1,
  title: "Activity",
  collapsed: false,
  gridPos: { h: 1, w: 24, x: 0, y: 0 },
  panels: [],
  ...extra,
});

const importFileOf = (panels: Json[]): Json => ({
  ...envelope(),
  title: "Akkoma",
  uid: "akkoma",
  schemaVersion: 41,
  time: { from: "now-3h", to: "now" },
  templating: { list: [] },
  annotations: { list: [] },
  panels,
});

/** What the exporter writes: plain JSON, without the SDK objects' methods. */
const asWritten = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("validateDashboard", () => {
  it("finds nothing wrong with a minimal valid export", () => {
    expect(validateDashboard(importFileOf([row(), timeseries()]))).toEqual([]);
  });

  it("rejects the query editor's leftovers on a Prometheus target, naming the panel and the fields", () => {
    const leftovers = timeseries({ targets: [target({ disableTextWrap: false, useBackend: false })] });

    expect(validateDashboard(importFileOf([row(), leftovers]))).toEqual([
      {
        path: "/panels/1/targets/0",
        message: "has properties the schema does not allow: disableTextWrap, useBackend",
        panel: "Requests",
      },
    ]);
  });

  it("holds a target to the Prometheus schema through its panel's datasource, or with none at all", () => {
    const { datasource: _unused, ...ownless } = target({ fullMetaSearch: false });
    const inheriting = timeseries({ targets: [ownless] });
    const defaulted = timeseries({ datasource: undefined, targets: [ownless] });

    expect(validateDashboard(importFileOf([asWritten(inheriting) as Json])).map((v) => v.path)).toEqual([
      "/panels/0/targets/0",
    ]);
    expect(validateDashboard(importFileOf([asWritten(defaulted) as Json])).map((v) => v.path)).toEqual([
      "/panels/0/targets/0",
    ]);
  });

  it("leaves a math expression target to its own datasource", () => {
    const expression = {
      datasource: { type: "__expr__", uid: "${DS_EXPRESSION}" },
      refId: "B",
      type: "math",
      expression: "$A * 2",
    };

    expect(validateDashboard(importFileOf([timeseries({ targets: [target(), expression] })]))).toEqual([]);
  });

  it("rejects a panel type it has no schema for", () => {
    const candlestick = timeseries({ type: "candlestick", title: "Prices" });

    expect(validateDashboard(importFileOf([candlestick]))).toEqual([
      { path: "/panels/0/type", message: expect.stringContaining('unknown panel type "candlestick"'), panel: "Prices" },
    ]);
  });

  it("rejects a grid position whose width is a string", () => {
    const misplaced = timeseries({ gridPos: { h: 8, w: "12", x: 0, y: 1 } });

    expect(validateDashboard(importFileOf([misplaced]))).toEqual([
      { path: "/panels/0/gridPos/w", message: "must be a whole number, not a string", panel: "Requests" },
    ]);
  });

  // ajv's own words ("must be integer") name JSON Schema's types; ours say what was wanted and what stood there.
  it("says in words which type a value must have and which it has", () => {
    const fraction = timeseries({ gridPos: { h: 8, w: 12.5, x: 0, y: 1 } });
    const listed = timeseries({ gridPos: { h: 8, w: 12, x: 0, y: 1 }, title: ["Requests"] });

    expect(validateDashboard(importFileOf([fraction])).map((v) => v.message)).toEqual([
      "must be a whole number, not 12.5",
    ]);
    expect(validateDashboard(importFileOf([listed])).map((v) => [v.path, v.message])).toEqual([
      ["/panels/0/title", "must be a string, not a list"],
    ]);
  });

  it("checks fieldConfig.defaults.custom against the panel type's FieldConfig", () => {
    const panel = timeseries();
    panel.fieldConfig.defaults.custom.lineWidth = "thick";

    expect(validateDashboard(importFileOf([panel]))).toEqual([
      {
        path: "/panels/0/fieldConfig/defaults/custom/lineWidth",
        message: expect.stringMatching(/number/),
        panel: "Requests",
      },
    ]);
  });

  it("checks options against the panel type's Options, listing the allowed values", () => {
    const panel = timeseries();
    panel.options.legend.placement = "top";

    expect(validateDashboard(importFileOf([panel]))).toEqual([
      { path: "/panels/0/options/legend/placement", message: 'must be one of "bottom", "right"', panel: "Requests" },
    ]);
  });

  it("rejects custom field config on a panel type that has none", () => {
    const gauge = timeseries({ type: "gauge", title: "Uptime", options: undefined });

    expect(validateDashboard(asWritten(importFileOf([gauge])))).toEqual([
      {
        path: "/panels/0/fieldConfig/defaults/custom",
        message: "must be empty: the panel type reads none",
        panel: "Uptime",
      },
    ]);
  });

  it("checks the panels inside a collapsed row, and the row as a row", () => {
    const collapsed = row({
      collapsed: "yes",
      panels: [timeseries({ targets: [target({ includeNullMetadata: true })] })],
    });

    expect(validateDashboard(importFileOf([collapsed]))).toEqual([
      { path: "/panels/0/collapsed", message: "must be a boolean, not a string", panel: "Activity" },
      {
        path: "/panels/0/panels/0/targets/0",
        message: "has properties the schema does not allow: includeNullMetadata",
        panel: "Requests",
      },
    ]);
  });

  it("names an untitled panel by its type and id", () => {
    const untitled = timeseries({ title: undefined, gridPos: { h: 0, w: 12, x: 0, y: 0 } });

    expect(validateDashboard(asWritten(importFileOf([untitled])))).toEqual([
      { path: "/panels/0/gridPos/h", message: "must be above 0", panel: "untitled timeseries (id 2)" },
    ]);
  });

  it("accepts matcher options and override values that are not objects, as Grafana writes them", () => {
    const override = {
      matcher: { id: "byName", options: "Users" },
      properties: [
        { id: "custom.axisPlacement", value: "right" },
        { id: "min", value: 0 },
      ],
    };
    const panel = timeseries();
    panel.fieldConfig.overrides = [override];

    expect(validateDashboard(importFileOf([panel]))).toEqual([]);
  });

  it("checks the export envelope, which Grafana's dashboard schema does not cover", () => {
    const exported = importFileOf([timeseries()]);
    exported.__inputs[0].type = "datasourc";
    delete exported.__elements;

    expect(validateDashboard(exported)).toEqual([
      { path: "", message: expect.stringMatching(/__elements/) },
      { path: "/__inputs/0/type", message: 'must be one of "datasource", "constant"' },
    ]);
  });

  it("checks the dashboard itself without the envelope fields", () => {
    const exported = importFileOf([]);
    exported.refresh = 300;
    exported.editorMode = true;

    expect(validateDashboard(exported)).toEqual([
      { path: "", message: "has properties the schema does not allow: editorMode" },
      { path: "/refresh", message: expect.stringMatching(/string/) },
    ]);
  });

  it("accepts every panel type it knows as the foundation SDK builds them", () => {
    const query = () =>
      new DataqueryBuilder().expr("up").legendFormat("{{instance}}").refId("A").datasource(prometheus);
    const dashboard = new DashboardBuilder("Akkoma")
      .uid("akkoma")
      .withRow(new RowBuilder("Status"))
      .withPanel(
        new TimeseriesPanel()
          .title("Requests")
          .datasource(prometheus)
          .unit("reqps")
          .lineWidth(1)
          .fillOpacity(10)
          .withTarget(query()),
      )
      .withPanel(
        new GaugePanel().title("Uptime").datasource(prometheus).unit("percentunit").min(0).max(1).withTarget(query()),
      )
      .withPanel(new BarGaugePanel().title("Failed deliveries").datasource(prometheus).withTarget(query()))
      .withPanel(new StateTimelinePanel().title("Up").datasource(prometheus).withTarget(query()))
      .build();

    expect(validateDashboard(asWritten({ ...envelope(), ...dashboard }))).toEqual([]);
  });

  it("returns one violation for a value that is not a dashboard", () => {
    expect(validateDashboard([])).toEqual([{ path: "", message: "must be an object (a dashboard)" }]);
  });
});

describe("the precompiled validators", () => {
  it("judge as the in-process ones do", () => {
    const module = { exports: {} as Record<string, (data: unknown) => boolean> };
    new Function("module", "exports", "require", standaloneValidatorsSource())(module, module.exports, require);
    const { prometheusTarget, options_gauge: gaugeOptions } = module.exports;

    expect(prometheusTarget!(target())).toBe(true);
    expect(prometheusTarget!(target({ useBackend: false }))).toBe(false);
    expect(gaugeOptions!({ orientation: "auto" })).toBe(false);
  });
});

describe("applyRelaxations", () => {
  it("refuses a relaxation whose vendored value has changed since it was written", () => {
    const schemas = { dashboard: { definitions: { Threshold: { required: ["value", "color", "state"] } } } };
    const stale = {
      schema: "dashboard",
      pointer: "/definitions/Threshold/required",
      from: ["value", "color"],
      to: ["color"],
      reason: "test",
    };

    expect(() => applyRelaxations(schemas, [stale])).toThrow(/vendored value changed/);
  });
});
