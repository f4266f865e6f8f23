// Every panel type a section may use, and all that the rest of the project needs to know of one: how it
// is built (its foundation-SDK builder), how it is checked (its vendored schema), how its queries read
// (once, or over the range), what the import screen calls it, and how the test harness reads what it
// shows. A panel of one of these types is one function in a section file; a new type is one entry here
// and its schema vendored (docs/architecture.md, "Adding a panel").
import { PanelBuilder as BarChartBuilder } from "@grafana/grafana-foundation-sdk/barchart";
import { PanelBuilder as BarGaugeBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import { PanelBuilder as GaugeBuilder } from "@grafana/grafana-foundation-sdk/gauge";
import { PanelBuilder as HeatmapBuilder } from "@grafana/grafana-foundation-sdk/heatmap";
import { PanelBuilder as HistogramBuilder } from "@grafana/grafana-foundation-sdk/histogram";
import { PanelBuilder as PieChartBuilder } from "@grafana/grafana-foundation-sdk/piechart";
import { PanelBuilder as StatBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as StateTimelineBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TableBuilder } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TextBuilder } from "@grafana/grafana-foundation-sdk/text";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";

/**
 * How the test harness (harness/display.ts) computes what a person sees, with Grafana's own display code:
 * one reduced value a series (placed on the panel's range), or every point of every series.
 */
export type DisplayModel = "one value per series" | "every point";

export interface PanelType<B> {
  /** The plugin's name, as the import screen lists it under `__requires`. */
  readonly name: string;
  /** A new SDK builder of the type, nothing set but what every panel of the type needs. */
  readonly builder: () => B;
  /** build/schemas/<schema>.jsonschema.json: its `Options`, and its `FieldConfig` where it has one. */
  readonly schema: string;
  /** Shows one value per series: its queries are evaluated once, at the end of the range. */
  readonly instant: boolean;
  /**
   * Shows what queries return. False for a panel of words (text): it has no queries, so no unit, no
   * selectors and no values for the tests to check, and `panel()` refuses queries given to it.
   */
  readonly queries: boolean;
  /**
   * Left out where the harness does not model the type (histogram and heatmap bucket the values
   * themselves; text shows none): the tests read its queries' answers, not what it draws.
   */
  readonly display?: DisplayModel;
}

/**
 * The panel plugin version gauges and bar gauges are written for. Grafana 13's gauge migration
 * (public/app/plugins/panel/gauge/migrations.ts, shouldMigrateGauge) reads a missing version as 8 and turns
 * the threshold ring off, while the v2 conversion turns it into "", which skips the migration: one file,
 * two looks. From 13 on it is skipped on both paths; Grafana 12 has no version-gated gauge migration.
 */
export const singleValuePluginVersion = "13.0.0";

/** The SDK's gauge and bar gauge builders cannot set `pluginVersion` (dashboard.PanelBuilder can). */
class VersionedGaugeBuilder extends GaugeBuilder {
  constructor() {
    super();
    this.internal.pluginVersion = singleValuePluginVersion;
  }
}
class VersionedBarGaugeBuilder extends BarGaugeBuilder {
  constructor() {
    super();
    this.internal.pluginVersion = singleValuePluginVersion;
  }
}

const type = <B>(entry: PanelType<B>) => entry;

/** Grafana panel plugin id -> the type. The schemas come from the same foundation-SDK commit (build/schemas/README.md). */
export const panelTypes = {
  timeseries: type({
    name: "Time series",
    builder: () => new TimeseriesBuilder(),
    schema: "timeseries",
    instant: false,
    queries: true,
    display: "every point",
  }),
  gauge: type<GaugeBuilder>({
    name: "Gauge",
    builder: () => new VersionedGaugeBuilder(),
    schema: "gauge",
    instant: true,
    queries: true,
    display: "one value per series",
  }),
  bargauge: type<BarGaugeBuilder>({
    name: "Bar gauge",
    builder: () => new VersionedBarGaugeBuilder(),
    schema: "bargauge",
    instant: true,
    queries: true,
    display: "one value per series",
  }),
  stat: type({
    name: "Stat",
    builder: () => new StatBuilder(),
    schema: "stat",
    instant: true,
    queries: true,
    display: "one value per series",
  }),
  "state-timeline": type({
    name: "State timeline",
    builder: () => new StateTimelineBuilder(),
    schema: "statetimeline",
    instant: false,
    queries: true,
    display: "every point",
  }),
  piechart: type({
    name: "Pie chart",
    builder: () => new PieChartBuilder(),
    schema: "piechart",
    instant: true,
    queries: true,
    display: "one value per series",
  }),
  // One row a series, its latest value: what a table of Prometheus series is read for. Each cell is
  // formatted as a stat formats its one value.
  table: type({
    name: "Table",
    builder: () => new TableBuilder(),
    schema: "table",
    instant: true,
    queries: true,
    display: "one value per series",
  }),
  // A bar a point over the range, each formatted as a time series' point.
  barchart: type({
    name: "Bar chart",
    builder: () => new BarChartBuilder(),
    schema: "barchart",
    instant: false,
    queries: true,
    display: "every point",
  }),
  histogram: type({
    name: "Histogram",
    builder: () => new HistogramBuilder(),
    schema: "histogram",
    instant: false,
    queries: true,
  }),
  heatmap: type({
    name: "Heatmap",
    builder: () => new HeatmapBuilder(),
    schema: "heatmap",
    instant: false,
    queries: true,
  }),
  text: type({ name: "Text", builder: () => new TextBuilder(), schema: "text", instant: false, queries: false }),
} as const;

export type PanelTypeId = keyof typeof panelTypes;

/** The table's entry for a panel's `type`, or undefined for a type it does not hold. */
export const panelType = (id: string): PanelType<unknown> | undefined =>
  Object.hasOwn(panelTypes, id) ? panelTypes[id as PanelTypeId] : undefined;
