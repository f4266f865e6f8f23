// Shared panel defaults, so each section file only says what its panels show; `panel()` (panel.ts) adds
// the queries.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as BarGaugeBuilder } from "@grafana/grafana-foundation-sdk/bargauge";
import { PanelBuilder as GaugeBuilder } from "@grafana/grafana-foundation-sdk/gauge";
import { PanelBuilder as StateTimelineBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { steps, variables } from "../config";

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
