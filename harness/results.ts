// What one dashboard load returns, and the lookups the tests and the bench share.
import type { EngineName } from "./engines";
import type { FieldConfigJson, PanelOptionsJson } from "./dashboard-json";
import type { QueryTime, TimeRange } from "./grafana";
import type { ResolvedVariable } from "./variables";

export type Point = readonly [timeMs: number, value: number];

export interface Frame {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly Point[];
  /** A field override hides the series from the graph, legend and tooltip (e.g. a queue empty all along). */
  readonly hiddenByOverride?: boolean;
}

export interface TargetResult {
  readonly refId: string;
  readonly kind: "range" | "instant" | "expression";
  /** Hidden targets only run when an expression reads them, and Grafana does not draw them. */
  readonly hidden: boolean;
  /** The target's legend format (`{{label}}` placeholders), which names each series. */
  readonly legend?: string;
  /** The PromQL sent after interpolation, or the expression. */
  readonly query: string;
  /** For an expression, the PromQL of the queries it reads (directly or through other expressions). */
  readonly inputs: readonly string[];
  /** Catalogue series the target reads, through its inputs too: how tests tell a panel's series apart. */
  readonly reads: readonly string[];
  readonly httpStatus?: number;
  readonly status: "success" | "error";
  readonly error?: string;
  readonly frames: readonly Frame[];
  /** Prometheus' stats=all `totalQueryableSamples`; undefined where the engine gives no per-query stats. */
  readonly samplesRead?: number;
  readonly wallMs: number;
}

export interface PanelResult {
  readonly id: number | undefined;
  readonly title: string;
  readonly type: string;
  /** The panel plugin version the JSON says it was saved with; Grafana's migrations read it. */
  readonly pluginVersion?: string;
  /** Units, ranges, colours and overrides: what Grafana's display code applies to the frames. */
  readonly fieldConfig: FieldConfigJson;
  /** The panel plugin's options (reduceOptions and the like), as the JSON holds them. */
  readonly options: PanelOptionsJson;
  readonly range: TimeRange;
  readonly time: QueryTime;
  /** How a gauge, bar gauge or stat panel turns each series into its one number (reduceOptions.calcs). */
  readonly calculation: string | undefined;
  readonly targets: readonly TargetResult[];
  /** Samples its queries read: from per-query stats, or the engine's totals with `costPerPanel`. */
  readonly samplesRead?: number;
}

export interface DashboardLoad {
  readonly engine: EngineName;
  /** Every dashboard variable's value after Grafana-like discovery, and the options it offered. */
  readonly variables: ReadonlyMap<string, ResolvedVariable>;
  readonly panels: readonly PanelResult[];
  /** The dashboard's Prometheus annotations (restart marks), run over the dashboard's range. */
  readonly annotations: readonly AnnotationResult[];
  readonly queriesSent: number;
  /** Samples the whole load read, from per-query stats or the engine's own running total. */
  readonly samplesRead: number | undefined;
  readonly wallMs: number;
}

/** The panel titled so, or an error naming the titles the dashboard does have. */
export function panelTitled(load: DashboardLoad, title: string): PanelResult {
  const panel = load.panels.find((p) => p.title === title);
  if (!panel) {
    throw new Error(
      `no panel titled "${title}" in the dashboard; its titles: ${load.panels.map((p) => JSON.stringify(p.title)).join(", ")}`,
    );
  }
  return panel;
}

/** What the panel draws: the frames of its visible targets that no override hides. */
export const shownFrames = (panel: PanelResult): Frame[] =>
  panel.targets.filter((t) => !t.hidden).flatMap((t) => t.frames.filter((f) => !f.hiddenByOverride));

export const finitePoints = (frame: Frame): Point[] => frame.points.filter(([, v]) => Number.isFinite(v));

const finiteValues = (frame: Frame) => finitePoints(frame).map(([, v]) => v);

// Grafana's field reducers, for the calculations a single-number panel offers.
const calculations: Record<string, (frame: Frame) => number | undefined> = {
  last: (f) => f.points[f.points.length - 1]?.[1],
  lastNotNull: (f) => finiteValues(f).pop(),
  first: (f) => f.points[0]?.[1],
  firstNotNull: (f) => finiteValues(f)[0],
  sum: (f) => finiteValues(f).reduce((s, v) => s + v, 0),
  mean: (f) =>
    finiteValues(f).length ? finiteValues(f).reduce((s, v) => s + v, 0) / finiteValues(f).length : undefined,
  min: (f) => (finiteValues(f).length ? finiteValues(f).reduce((a, b) => Math.min(a, b)) : undefined),
  max: (f) => (finiteValues(f).length ? finiteValues(f).reduce((a, b) => Math.max(a, b)) : undefined),
  count: (f) => f.points.length,
};

/** The number a gauge, bar gauge or stat panel shows for one series. */
export function shownValue(panel: PanelResult, frame: Frame): number | undefined {
  return reduceFrame(panel.calculation ?? "lastNotNull", frame, `panel "${panel.title}": `);
}

/** One of Grafana's field reducers (`max`, `lastNotNull`...) applied to a series. */
export function reduceFrame(reducer: string, frame: Frame, where = ""): number | undefined {
  const calculation = calculations[reducer];
  if (!calculation) throw new Error(`${where}calculation "${reducer}" is not supported`);
  return calculation(frame);
}

/** A Prometheus annotation query's marks, as Grafana draws them on the time series. */
export interface AnnotationEvent {
  readonly timeMs: number;
  /** The last step of a run of consecutive marks; equal to timeMs for a single one. */
  readonly timeEndMs: number;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

export interface AnnotationResult {
  readonly name: string;
  readonly stepMs: number;
  readonly query: TargetResult;
  readonly events: readonly AnnotationEvent[];
}
