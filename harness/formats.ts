// The synthetic history in the formats the engines load: OpenMetrics for promtool, JSON lines for
// VictoriaMetrics' import API.
import { scrapeIntervalMs } from "./recorder";
import type { SyntheticHistory } from "./synthetic";

/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, samples in [fromMs, toMs).
 * Akkoma's counters have no `_total` suffix, which OpenMetrics demands of a `counter`; typing them
 * `unknown` keeps their names exact (TSDB blocks keep no type anyway).
 */
export function toOpenMetrics(history: SyntheticHistory, fromMs = -Infinity, toMs = Infinity): string {
  const lines: string[] = [];
  const typed = new Set<string>();
  const series = [...history.series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, kind, labels, values } of series) {
    if (!typed.has(name)) lines.push(`# TYPE ${name} ${kind === "gauge" ? "gauge" : "unknown"}`);
    typed.add(name);
    const selector = `${name}{${Object.entries(labels)
      .map(([label, value]) => `${label}="${escapeLabelValue(value)}"`)
      .join(",")}}`;
    for (let i = 0; i < values.length; i++) {
      const atMs = history.startMs + i * scrapeIntervalMs;
      const value = values[i] as number;
      if (atMs >= fromMs && atMs < toMs && !Number.isNaN(value)) lines.push(`${selector} ${value} ${atMs / 1000}`);
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

/** A series a recording rule wrote: its name, labels and samples (time in ms, value). */
export interface RecordedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number])[];
}

/** OpenMetrics text of recorded series, samples in [fromMs, toMs); NaN is a value a rule may record. */
export function recordedOpenMetrics(series: readonly RecordedSeries[], fromMs: number, toMs: number): string {
  const lines: string[] = [];
  const byName = [...series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const typed = new Set<string>();
  for (const { name, labels, points } of byName) {
    if (!typed.has(name)) lines.push(`# TYPE ${name} gauge`);
    typed.add(name);
    const selector = `${name}{${Object.entries(labels)
      .map(([label, value]) => `${label}="${escapeLabelValue(value)}"`)
      .join(",")}}`;
    for (const [atMs, value] of points)
      if (atMs >= fromMs && atMs < toMs)
        lines.push(`${selector} ${Number.isNaN(value) ? "NaN" : value} ${atMs / 1000}`);
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

const escapeLabelValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** One JSON line a series, as VictoriaMetrics' /api/v1/import takes it (timestamps in ms). */
export function toVictoriaMetricsJsonLines(history: Pick<SyntheticHistory, "startMs" | "series">): string[] {
  return history.series.map(({ name, labels, values }) => {
    const timestamps: number[] = [];
    const present: number[] = [];
    values.forEach((value, i) => {
      if (Number.isNaN(value)) return;
      timestamps.push(history.startMs + i * scrapeIntervalMs);
      present.push(value);
    });
    return JSON.stringify({ metric: { __name__: name, ...labels }, values: present, timestamps });
  });
}
