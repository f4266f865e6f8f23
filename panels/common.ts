// Shared panel defaults, so each section file only says what its panels show; `panel()` (panel.ts) adds
// the queries.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { PanelBuilder as BarChartBuilder } from "@grafana/grafana-foundation-sdk/barchart";
import type { PanelBuilder as BarGaugeBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import type { PanelBuilder as GaugeBuilder } from "@grafana/grafana-foundation-sdk/gauge";
import type { PanelBuilder as HeatmapBuilder } from "@grafana/grafana-foundation-sdk/heatmap";
import type { PanelBuilder as HistogramBuilder } from "@grafana/grafana-foundation-sdk/histogram";
import type { PanelBuilder as PieChartBuilder } from "@grafana/grafana-foundation-sdk/piechart";
import type { PanelBuilder as StatBuilder } from "@grafana/grafana-foundation-sdk/stat";
import type { PanelBuilder as StateTimelineBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import type { PanelBuilder as TableBuilder } from "@grafana/grafana-foundation-sdk/table";
import type { PanelBuilder as TextBuilder } from "@grafana/grafana-foundation-sdk/text";
import type { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { steps, variables } from "../config";
import { type PanelTypeId, panelTypes } from "./types";

/** The data source the dashboard's `datasource` variable holds, so one file serves any Grafana. */
export const datasource: dashboard.DataSourceRef = {
  type: "prometheus",
  uid: `\${${variables.datasource}}`,
};

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

/** The SDK builder of a panel type (panels/types.ts). */
type BuilderOf<T extends PanelTypeId> = ReturnType<(typeof panelTypes)[T]["builder"]>;

/** A panel of any type in panels/types.ts, with what every panel has: its title, the data source, its size. */
export const panelOf = <T extends PanelTypeId>(type: T, title: string, width: number, height: number): BuilderOf<T> =>
  (panelTypes[type].builder() as BuilderOf<T>)
    .title(title)
    .datasource(datasource)
    .span(width)
    .height(height) as BuilderOf<T>;

export const timeseries = (title: string, width: number, height: number): TimeseriesBuilder =>
  panelOf("timeseries", title, width, height)
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

/**
 * A dashed red line across a time series at `value`: where an alert's bar is, so a responder sees the
 * line the series crossed. The colours of the lines stay the palette's.
 */
export const dashedLineAt = (builder: TimeseriesBuilder, value: number): TimeseriesBuilder =>
  builder
    .thresholds(
      thresholdSteps([
        { value: null, color: "transparent" },
        { value, color: "red" },
      ]),
    )
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));

/** Parts that add up to a whole, drawn on top of each other. */
export const stackedTimeseries = (title: string, width: number, height: number): TimeseriesBuilder =>
  timeseries(title, width, height).stacking(
    new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group("A"),
  );

export const gauge = (title: string, width: number, height: number): GaugeBuilder =>
  panelOf("gauge", title, width, height)
    .reduceOptions(lastValue())
    // Said, not left to the default: the migration keeps the ring only where the JSON says thresholds.
    .colorScheme(thresholdColours())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);

/** A gauge of a share, 0 to 1 with one decimal: red below `orange`, orange below `green`, then green. */
export const shareGauge = (
  title: string,
  width: number,
  height: number,
  bars: { readonly orange: number; readonly green: number },
): GaugeBuilder =>
  gauge(title, width, height)
    .decimals(1)
    .min(0)
    .max(1)
    .thresholds(
      thresholdSteps([
        { value: null, color: "red" },
        { value: bars.orange, color: "orange" },
        { value: bars.green, color: "green" },
      ]),
    );

/**
 * Grafana rounds a share to its decimals, so at 2 decimals 0.99996 reads "100.00%": the shares from the
 * last step below 1 up to just below 1 read as that step instead (a mapping's range is inclusive).
 */
export const neverRoundedUpToWhole = (decimals: number): dashboard.ValueMapping => {
  const step = 10 ** -decimals;
  return {
    type: dashboard.MappingType.RangeToText,
    options: {
      from: Number((1 - step / 100).toFixed(decimals + 2)),
      to: 1 - Number.EPSILON / 2,
      result: { text: `${(100 - step).toFixed(decimals)}%`, index: 0 },
    },
  };
};

export const barGauge = (title: string, width: number, height: number): BarGaugeBuilder =>
  panelOf("bargauge", title, width, height)
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .valueMode(common.BarGaugeValueMode.Color)
    .showUnfilled(true);

export const stateTimeline = (title: string, width: number, height: number): StateTimelineBuilder =>
  panelOf("state-timeline", title, width, height).legend(hiddenLegend());

/** One big number a series. Its query is read once, at the end of the range: no points for a sparkline. */
export const stat = (title: string, width: number, height: number): StatBuilder =>
  panelOf("stat", title, width, height).reduceOptions(lastValue()).graphMode(common.BigValueGraphMode.None);

/** Each series' last value as a slice of the whole. */
export const pieChart = (title: string, width: number, height: number): PieChartBuilder =>
  panelOf("piechart", title, width, height).reduceOptions(lastValue());

export const table = (title: string, width: number, height: number): TableBuilder =>
  panelOf("table", title, width, height);

export const barChart = (title: string, width: number, height: number): BarChartBuilder =>
  panelOf("barchart", title, width, height);

export const histogram = (title: string, width: number, height: number): HistogramBuilder =>
  panelOf("histogram", title, width, height);

export const heatmap = (title: string, width: number, height: number): HeatmapBuilder =>
  panelOf("heatmap", title, width, height);

/** Words, no queries: a note above a row's panels. */
export const text = (title: string, width: number, height: number, markdown: string): TextBuilder =>
  panelTypes.text.builder().title(title).span(width).height(height).content(markdown);
