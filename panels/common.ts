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

export const gauge = (title: string, width: number, height: number): GaugeBuilder =>
  new VersionedGaugeBuilder()
    .title(title)
    .datasource(datasource)
    .span(width)
    .height(height)
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
  new VersionedBarGaugeBuilder()
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
