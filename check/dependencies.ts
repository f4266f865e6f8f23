// What `metrics` lists: every series the catalogue declares, with the panels and alerts that read it.
import { type Metric, exportedSeries } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import { namesOf } from "./judge";

export interface Dependency {
  readonly series: string;
  readonly metric: string;
  readonly kind: Metric["kind"];
  readonly labels: readonly string[];
  readonly unit: Metric["unit"];
  readonly lazy: boolean;
  readonly source: Metric["source"];
  readonly panels: readonly string[];
  readonly alerts: readonly string[];
  /** What the metric counts or measures, in the catalogue's words. */
  readonly help: string;
}

/** Every series the catalogue declares, with the panels and alerts that read it. */
export function dependencies(catalogue: readonly Metric[], readers: readonly Reader[]): Dependency[] {
  const readersOf = new Map<string, Reader[]>();
  for (const reader of readers) {
    for (const { series } of reader.reads) {
      const list = readersOf.get(series) ?? [];
      if (!list.includes(reader)) list.push(reader);
      readersOf.set(series, list);
    }
  }
  return catalogue.flatMap((metric) =>
    exportedSeries(metric).map((series) => ({
      series,
      metric: metric.name,
      kind: metric.kind,
      labels: metric.labels,
      unit: metric.unit,
      lazy: metric.lazy,
      source: metric.source,
      panels: namesOf(readersOf.get(series) ?? [], "panel"),
      alerts: namesOf(readersOf.get(series) ?? [], "alert"),
      help: metric.help,
    })),
  );
}

/** One aligned line a series: name, kind, labels, lazy, who writes it, panels. */
export function dependencyLines(list: readonly Dependency[]): string[] {
  const width = Math.max(...list.map((d) => d.series.length));
  return list.map((d) => {
    const notes = [
      d.kind,
      d.labels.length > 0 ? `labels: ${d.labels.join(", ")}` : "",
      d.lazy ? "lazy" : "",
      d.source === "scraper" ? "written by the scraper" : "",
    ].filter(Boolean);
    const panels = d.panels.length > 0 ? d.panels.join(", ") : "(none)";
    const alerts = d.alerts.length > 0 ? `  alerts: ${d.alerts.join(", ")}` : "";
    return `${d.series.padEnd(width)}  ${notes.join("; ")}  panels: ${panels}${alerts}`;
  });
}
