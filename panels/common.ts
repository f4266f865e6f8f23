// Shared panel defaults, so each section file only says what its panels show.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as BarGaugeBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import { PanelBuilder as GaugeBuilder } from "@grafana/grafana-foundation-sdk/gauge";
import { PanelBuilder as StateTimelineBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { steps, variables } from "../config";
import type { Query, RecordedForm, SeriesRead } from "../queries/query";
import type { Unit } from "../queries/units";

/** The data source the dashboard's `datasource` variable holds, so one file serves any Grafana. */
export const datasource: dashboard.DataSourceRef = {
  type: "prometheus",
  uid: `\${${variables.datasource}}`,
};

export type AnyPanelBuilder = BarGaugeBuilder | GaugeBuilder | StateTimelineBuilder | TimeseriesBuilder;

// Each target's query (legend labels included), keyed by the target object the SDK puts in the panel
// (its builder's `build()`): what it reads, and the unit its values are in.
const queryByTarget = new WeakMap<object, Query>();

/** The series a built target reads, as its query recorded them (legend labels included). */
export const readsOfTarget = (target: object): readonly SeriesRead[] => queryByTarget.get(target)?.reads ?? [];

/** The unit a built target's values are in; undefined for a target not made by `prom`. */
export const unitOfTarget = (target: object): Unit | undefined => queryByTarget.get(target)?.unit;

/** `{{label}}` placeholders: a legend that names a label needs the series to have it. */
const legendLabels = (legend: string) =>
  [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] as string);

/** A built target's form over recorded series, where recording rules can stand in for its query. */
export const recordedFormOfTarget = (target: object): RecordedForm | undefined => queryByTarget.get(target)?.recorded;

/** A Prometheus target over the panel's time range. */
export const prom = (query: Query, legend: string, refId?: string): prometheus.DataqueryBuilder => {
  const target = new prometheus.DataqueryBuilder()
    .datasource(datasource)
    .expr(query.toString())
    .legendFormat(legend)
    .range();
  queryByTarget.set(target.build(), query.usingLabels(legendLabels(legend)));
  return refId ? target.refId(refId) : target;
};

/** A Prometheus target evaluated once, at the end of the panel's time range. */
export const promInstant = (query: Query, legend: string, refId?: string): prometheus.DataqueryBuilder =>
  prom(query, legend, refId).instant();

export const thresholdSteps = (steps: dashboard.Threshold[]) =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);

export const fixedColor = (color: string): dashboard.DynamicConfigValue => ({
  id: "color",
  value: { mode: "fixed", fixedColor: color },
});

/** Lines for totals drawn over stacked parts: not stacked themselves, not filled. */
export const unstackedLine: dashboard.DynamicConfigValue[] = [
  { id: "custom.stacking", value: { mode: "none", group: "A" } },
  { id: "custom.fillOpacity", value: 0 },
];

/** Same series name, same colour: a queue keeps its colour across the pending and scheduled panels. */
export const colourByName = () =>
  new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassicByName);

/** Colours from the thresholds (and value mappings), not Grafana's default palette. */
export const thresholdColours = () => new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);

export const hiddenLegend = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(false)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);

export const timeseries = (title: string, width: number, height: number): TimeseriesBuilder =>
  new TimeseriesBuilder()
    .title(title)
    .datasource(datasource)
    .span(width)
    .height(height)
    .interval(steps.timeseries)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );

/** Parts that add up to a whole, drawn on top of each other. */
export const stackedTimeseries = (title: string, width: number, height: number): TimeseriesBuilder =>
  timeseries(title, width, height).stacking(
    new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group("A"),
  );

export const gauge = (title: string, width: number, height: number): GaugeBuilder =>
  new GaugeBuilder()
    .title(title)
    .datasource(datasource)
    .span(width)
    .height(height)
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);

export const barGauge = (title: string, width: number, height: number): BarGaugeBuilder =>
  new BarGaugeBuilder()
    .title(title)
    .datasource(datasource)
    .span(width)
    .height(height)
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .valueMode(common.BarGaugeValueMode.Color)
    .showUnfilled(true);

export const stateTimeline = (title: string, width: number, height: number): StateTimelineBuilder =>
  new StateTimelineBuilder().title(title).datasource(datasource).span(width).height(height).legend(hiddenLegend());
