// What a panel receives from Grafana: the engines' answers as the Prometheus data source frames them,
// with the panel's field config and overrides applied by Grafana's own code (@grafana/data).
import {
  type DataFrame,
  DataFrameType,
  type FieldConfigPropertyItem,
  type FieldConfigSource,
  FieldConfigOptionsRegistry,
  FieldType,
  type GrafanaTheme2,
  applyFieldOverrides,
  booleanOverrideProcessor,
  createTheme,
  displayNameOverrideProcessor,
  identityOverrideProcessor,
  numberOverrideProcessor,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  valueMappingsOverrideProcessor,
} from "@grafana/data";
import type { FieldConfigJson } from "./dashboard-json";
import type { Frame, TargetResult } from "./results";

// @grafana/data reads the browser's languages for local date formats; Node has a `navigator` from 21 on.
const global = globalThis as { navigator?: { languages: readonly string[] } };
global.navigator ??= { languages: ["en-US"] };

/** Grafana's default (dark) theme: the colours a viewer sees. */
export const theme: GrafanaTheme2 = createTheme();

/**
 * The legend of one series as Grafana's Prometheus backend names it (pkg/promlib/querydata/response.go,
 * getName; Go, not published): `{{label}}` becomes the label's value, or nothing if the series has none.
 */
export const legendOf = (legendFormat: string, labels: Readonly<Record<string, string>>): string =>
  legendFormat.replace(/\{\{(.+?)\}\}/g, (_match, name: string) => labels[name.trim()] ?? "");

/**
 * One frame a series, Time and Value fields, the labels on the value field and the legend as its
 * `displayNameFromDS`, the value field named after `__name__` when the series keeps it (the backend's
 * dataplane framing, on by default; pkg/promlib/converter and querydata/response.go).
 */
export function prometheusFrames(target: TargetResult): DataFrame[] {
  return target.frames.map((frame) => {
    const legend = target.legend ? legendOf(target.legend, frame.labels) : "";
    return {
      refId: target.refId,
      length: frame.points.length,
      meta: { type: DataFrameType.TimeSeriesMulti },
      fields: [
        { name: "Time", type: FieldType.time, config: {}, values: frame.points.map(([t]) => t) },
        {
          name: frame.labels.__name__ ?? "Value",
          type: FieldType.number,
          labels: { ...frame.labels },
          config: legend ? { displayNameFromDS: legend } : {},
          values: frame.points.map(([, v]) => v),
        },
      ],
    } as DataFrame;
  });
}

// The standard options Grafana's app registers for every panel (public/app/core/components/OptionsUI/
// registry.tsx, getAllStandardFieldConfigs: not published, so listed here) with @grafana/data's processors.
// Editors are React components the harness never draws.
const isNumber = (field: { type: FieldType }) => field.type === FieldType.number;
const standardOptions: [string, FieldConfigPropertyItem["process"], FieldConfigPropertyItem["shouldApply"]][] = [
  ["unit", stringOverrideProcessor, () => true],
  ["min", numberOverrideProcessor, isNumber],
  ["max", numberOverrideProcessor, isNumber],
  ["fieldMinMax", booleanOverrideProcessor, isNumber],
  ["decimals", numberOverrideProcessor, isNumber],
  ["displayName", displayNameOverrideProcessor, () => true],
  ["color", identityOverrideProcessor, () => true],
  ["noValue", stringOverrideProcessor, () => true],
  ["mappings", valueMappingsOverrideProcessor, (field) => field.type !== FieldType.time],
  ["thresholds", thresholdsOverrideProcessor, () => true],
];

/** The registry, plus each `custom.*` option the panel uses (a panel plugin's own, taken as they are). */
function registryFor(fieldConfig: FieldConfigJson): FieldConfigOptionsRegistry {
  const customIds = new Set<string>([
    ...Object.keys((fieldConfig.defaults?.custom as object | undefined) ?? {}).map((key) => `custom.${key}`),
    ...(fieldConfig.overrides ?? []).flatMap((o) => (o.properties ?? []).map((p) => p.id)),
  ]);
  const item = (
    id: string,
    process: FieldConfigPropertyItem["process"],
    shouldApply: FieldConfigPropertyItem["shouldApply"] = () => true,
  ) =>
    ({
      id,
      name: id,
      path: id.replace(/^custom\./, ""),
      isCustom: id.startsWith("custom."),
      process,
      shouldApply,
      settings: {},
    }) as unknown as FieldConfigPropertyItem;
  return new FieldConfigOptionsRegistry(() => [
    ...standardOptions.map(([id, process, shouldApply]) => item(id, process, shouldApply)),
    ...[...customIds].filter((id) => id.startsWith("custom.")).map((id) => item(id, identityOverrideProcessor)),
  ]);
}

/**
 * The field config a panel plugin fills in where the JSON says nothing (Grafana's panel model does it
 * on load, from the plugin's defaults: not published): the thresholds option's default, and the time
 * series' classic palette (public/app/plugins/panel/timeseries).
 */
function withPluginDefaults(panelType: string, defaults: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = {
    thresholds: {
      mode: "absolute",
      steps: [
        { value: -Infinity, color: "green" },
        { value: 80, color: "red" },
      ],
    },
    mappings: [],
    ...(panelType === "timeseries" ? { color: { mode: "palette-classic" } } : {}),
  };
  return { ...base, ...structuredClone(defaults) };
}

/** The frames a panel draws, fields configured, and the field config source Grafana used for them. */
export function configuredFrames(
  panelType: string,
  fieldConfig: FieldConfigJson,
  targets: readonly TargetResult[],
): { frames: DataFrame[]; source: FieldConfigSource } {
  const source = {
    defaults: withPluginDefaults(panelType, fieldConfig.defaults ?? {}),
    overrides: structuredClone(fieldConfig.overrides ?? []),
  } as FieldConfigSource;
  const frames = applyFieldOverrides({
    data: targets.filter((t) => !t.hidden).flatMap(prometheusFrames),
    fieldConfig: source,
    fieldConfigRegistry: registryFor(fieldConfig),
    replaceVariables: (text: string) => text,
    theme,
    timeZone: "utc",
  });
  return { frames, source };
}

/** Grafana's value field of a frame built by `prometheusFrames`. */
export const valueField = (frame: DataFrame) => frame.fields[1] as DataFrame["fields"][number];

/** The targets, each series marked where an override hides it from the graph ("Fields with values"). */
export function markHiddenSeries(
  panelType: string,
  fieldConfig: FieldConfigJson,
  targets: readonly TargetResult[],
): TargetResult[] {
  if (!(fieldConfig.overrides ?? []).some((o) => (o.properties ?? []).some((p) => p.id === "custom.hideFrom"))) {
    return [...targets];
  }
  const { frames } = configuredFrames(panelType, fieldConfig, targets);
  let next = 0;
  return targets.map((target) => {
    if (target.hidden) return target;
    const marked: Frame[] = target.frames.map((frame) => {
      const field = valueField(frames[next++] as DataFrame);
      return field.config.custom?.hideFrom?.viz === true ? { ...frame, hiddenByOverride: true } : frame;
    });
    return { ...target, frames: marked };
  });
}
