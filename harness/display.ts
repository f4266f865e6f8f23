// What a person sees on each panel, computed by Grafana's own display code (@grafana/data): each
// value's text and unit, its colour, and how full a gauge's arc or a bar is.
import {
  type DataFrame,
  type DisplayValue,
  type FieldConfig,
  type FieldConfigSource,
  type ReduceDataOptions,
  getFieldDisplayName,
  getFieldDisplayValues,
} from "@grafana/data";
import { panelType } from "../panels/types";
import { configuredFrames, theme, valueField } from "./frames";
import { type GaugeLook, type LoadPath, gaugeLook, loadPaths } from "./gauges";
import type { DashboardLoad, PanelResult } from "./results";

/** One value as drawn: a gauge's or bar's number, or one point of a time series or timeline. */
export interface ShownValue {
  /** The series' name in the legend, or under the gauge or bar. */
  readonly name: string;
  readonly refId: string;
  readonly numeric: number;
  /** What a person reads: prefix, number and unit suffix, e.g. "1.2 GiB". */
  readonly text: string;
  readonly prefix: string;
  readonly suffix: string;
  /** Grafana's name for the colour ("green", "purple") where it has one, else its hex code. */
  readonly colour: string;
  readonly timeMs?: number;
  /** Gauges and bar gauges: how full the arc or bar is, 0..1, and the range it is measured in. */
  readonly percent?: number;
  readonly range?: { readonly min: number; readonly max: number };
  /** Gauges: where each threshold marker sits on the arc, 0..1 (outside that, it is not drawn). */
  readonly thresholdMarkers?: readonly number[];
}

export interface PanelDisplay {
  readonly title: string;
  readonly type: string;
  /** The unit Grafana formatted each series with, by its name. */
  readonly units: ReadonlyMap<string, string | undefined>;
  readonly values: readonly ShownValue[];
  /** Gauges and bar gauges: the options each way of loading the dashboard draws them with. */
  readonly looks?: Readonly<Record<LoadPath, GaugeLook>>;
  /** Time series drawing their thresholds as lines: the y scale, and each line, drawn only inside it. */
  readonly yRange?: { readonly min: number; readonly max: number };
  readonly thresholdLines?: readonly ThresholdLine[];
}

export interface ThresholdLine {
  readonly value: number;
  readonly colour: string;
  readonly drawn: boolean;
}

// Grafana's palette by hex code, so a test reads "green" rather than "#73BF69".
const colourNames = new Map<string, string>(
  theme.visualization.hues.flatMap((hue) => hue.shades.map((shade) => [shade.color.toLowerCase(), shade.name])),
);
const colourName = (colour: string | undefined) =>
  colour === undefined ? "none" : (colourNames.get(colour.toLowerCase()) ?? colour.toLowerCase());

/**
 * Whether the harness can compute what a panel shows: its type has a display model (panels/types.ts).
 * A histogram or heatmap buckets the values itself and a text panel shows none; tests read their
 * queries' answers instead.
 */
export const displayable = (panel: { readonly type: string }): boolean => panelType(panel.type)?.display !== undefined;

/** Every panel of a load the harness can read (`displayable`), as Grafana displays it; the others are left out. */
export const displayDashboard = (load: DashboardLoad): PanelDisplay[] =>
  load.panels.filter(displayable).map(displayPanel);

/** What a panel shows, by its type's display model (panels/types.ts); a type without one cannot be read. */
export function displayPanel(panel: PanelResult): PanelDisplay {
  const model = panelType(panel.type)?.display;
  if (model === undefined) throw new Error(`panel "${panel.title}": no display model for type "${panel.type}"`);
  const { frames, source } = configuredFrames(panel.type, panel.fieldConfig, panel.targets);
  const units = new Map(
    frames.map((frame) => [getFieldDisplayName(valueField(frame), frame, frames), valueField(frame).config.unit]),
  );
  const single = model === "one value per series";
  const values = single ? singleValues(panel, frames, source) : frames.flatMap((frame) => seriesValues(frame, frames));
  const looks = single
    ? (Object.fromEntries(loadPaths.map((path) => [path, gaugeLook(path, panel)])) as Record<LoadPath, GaugeLook>)
    : undefined;
  return {
    title: panel.title,
    type: panel.type,
    units,
    values,
    ...(looks ? { looks } : {}),
    ...(panel.type === "timeseries" ? thresholdLines(panel, values) : {}),
  };
}

/**
 * The y scale of a time series and its threshold lines. UPlotScaleBuilder.ts (@grafana/ui) spans the data,
 * widened to `axisSoftMin`/`axisSoftMax`, cut at `min`/`max`; UPlotThresholds.ts draws each line at its
 * value on that scale, so one outside it is not seen. (uPlot then rounds the ends out to ticks: this is
 * the narrowest range it can draw.)
 */
function thresholdLines(
  panel: PanelResult,
  values: readonly ShownValue[],
): Pick<PanelDisplay, "yRange" | "thresholdLines"> {
  const defaults = panel.fieldConfig.defaults ?? {};
  const custom = (defaults.custom ?? {}) as {
    thresholdsStyle?: { mode?: string };
    axisSoftMin?: number;
    axisSoftMax?: number;
  };
  const mode = custom.thresholdsStyle?.mode;
  if (mode === undefined || mode === "off" || values.length === 0) return {};
  const numbers = values.map((v) => v.numeric);
  const hard = defaults as { min?: number; max?: number };
  const range = {
    min: hard.min ?? Math.min(...numbers, custom.axisSoftMin ?? Infinity),
    max: hard.max ?? Math.max(...numbers, custom.axisSoftMax ?? -Infinity),
  };
  const steps = (
    (defaults.thresholds as { steps?: { value: number | null; color: string }[] } | undefined)?.steps ?? []
  ).filter(
    (step): step is { value: number; color: string } => typeof step.value === "number" && Number.isFinite(step.value),
  );
  return {
    yRange: range,
    thresholdLines: steps.map((step) => ({
      value: step.value,
      colour: colourName(theme.visualization.getColorByName(step.color)),
      drawn: step.value >= range.min && step.value <= range.max,
    })),
  };
}

const shown = (display: DisplayValue) => ({
  numeric: display.numeric,
  text: `${display.prefix ?? ""}${display.text}${display.suffix ?? ""}`,
  prefix: display.prefix ?? "",
  suffix: display.suffix ?? "",
  colour: colourName(display.color),
});

/** A time series' or timeline's points: the tooltip's text, and the colour the series or state has. */
function seriesValues(frame: DataFrame, all: DataFrame[]): ShownValue[] {
  const field = valueField(frame);
  if (field.config.custom?.hideFrom?.viz === true) return [];
  const name = getFieldDisplayName(field, frame, all);
  const times = frame.fields[0]?.values ?? [];
  return field.values.flatMap((value: number, i: number) =>
    Number.isFinite(value) && field.display
      ? [{ name, refId: frame.refId ?? "", timeMs: times[i] as number, ...shown(field.display(value)) }]
      : [],
  );
}

/** A gauge, bar gauge or stat: one reduced number a series, placed on the range Grafana gives it. */
function singleValues(panel: PanelResult, frames: DataFrame[], source: FieldConfigSource): ShownValue[] {
  const reduceOptions: ReduceDataOptions = {
    calcs: panel.options.reduceOptions?.calcs ?? ["lastNotNull"],
    values: panel.options.reduceOptions?.values ?? false,
    ...(panel.options.reduceOptions?.fields ? { fields: panel.options.reduceOptions.fields } : {}),
    ...(panel.options.reduceOptions?.limit ? { limit: panel.options.reduceOptions.limit } : {}),
  };
  return getFieldDisplayValues({
    data: frames,
    reduceOptions,
    fieldConfig: source,
    replaceVariables: (text: string) => text,
    theme,
    timeZone: "utc",
  }).map((value) => {
    const field: FieldConfig = value.field;
    const range = { min: field.min ?? 0, max: field.max ?? 0 };
    const markers = (field.thresholds?.steps ?? [])
      .filter((step) => Number.isFinite(step.value))
      .map((step) => (step.value - range.min) / (range.max - range.min));
    return {
      name: value.display.title ?? "",
      refId: value.view?.dataFrame.refId ?? "",
      ...shown(value.display),
      percent: value.display.percent ?? 0,
      range,
      ...(panel.type === "gauge" ? { thresholdMarkers: markers } : {}),
    };
  });
}
