// What the dashboard and its alerts read (as their queries recorded it) against what a source exports
// (telemetry.ex definitions or a live scrape).
import type { Metric } from "../queries/catalogue";
import { seriesName } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import type { Exposition } from "./exposition";
import { type TelemetryReport, seriesOf } from "./telemetry";

/** One series something reads, with the labels it relies on. */
export interface Need {
  readonly series: string;
  readonly metric: Metric;
  /** Labels some reader relies on (matchers, groupings, legends). */
  readonly labels: readonly string[];
  /** The panels and alerts that read the series: they go blank or silent without it. */
  readonly readers: readonly Reader[];
}

export interface ExportedLabels {
  /** Undefined when the source could not tell (e.g. tags telemetry.ex builds at runtime). */
  readonly labels: ReadonlySet<string> | undefined;
  readonly unknownBecause?: string;
  /** Label name → values seen, where the source shows values (a scrape). */
  readonly values?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Series name → its labels, as a source exports them. */
export type Exported = ReadonlyMap<string, ExportedLabels>;

export type Finding =
  | { readonly kind: "series"; readonly need: Need }
  | { readonly kind: "label"; readonly need: Need; readonly label: string; readonly readers: readonly Reader[] }
  | { readonly kind: "unverifiable"; readonly need: Need; readonly reason: string }
  | { readonly kind: "notSeenYet"; readonly need: Need };

export interface Comparison {
  readonly failures: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** How many series were compared. */
  readonly checked: number;
}

const unique = <T>(items: readonly T[]) => [...new Set(items)];

/** Every series some reader reads, in catalogue order, with its readers and the labels they rely on. */
export function needs(catalogue: readonly Metric[], readers: readonly Reader[]): Need[] {
  const found = new Map<string, { metric: Metric; labels: string[]; readers: Reader[] }>();
  for (const reader of readers) {
    for (const read of reader.reads) {
      const series = seriesName(read.metric.name, read.part);
      const need = found.get(series) ?? { metric: read.metric, labels: [], readers: [] };
      for (const label of read.labels) need.labels.push(label);
      if (!need.readers.includes(reader)) need.readers.push(reader);
      found.set(series, need);
    }
  }
  const order = catalogue.map((metric) => metric.name);
  return [...found]
    .sort(([, a], [, b]) => order.indexOf(a.metric.name) - order.indexOf(b.metric.name))
    .map(([series, need]) => ({ series, metric: need.metric, labels: unique(need.labels), readers: need.readers }));
}

/** The readers a missing label silences: those reading the series and relying on the label. */
const readersUsingLabel = (need: Need, label: string) =>
  need.readers.filter((reader) =>
    reader.reads.some((read) => seriesName(read.metric.name, read.part) === need.series && read.labels.includes(label)),
  );

/**
 * `lazyMayBeAbsent`: a live scrape lacks lazy series until their first event, so their absence is a warning;
 * telemetry.ex must define them all the same.
 */
export function compare(all: readonly Need[], exported: Exported, options: { lazyMayBeAbsent: boolean }): Comparison {
  const failures: Finding[] = [];
  const warnings: Finding[] = [];
  // Series the scraper writes (`up`) are not Akkoma's to export.
  const required = all.filter((n) => n.metric.source === "akkoma");
  for (const need of required) {
    const found = exported.get(need.series);
    if (!found) {
      if (need.metric.lazy && options.lazyMayBeAbsent) warnings.push({ kind: "notSeenYet", need });
      else failures.push({ kind: "series", need });
      continue;
    }
    const labels = found.labels;
    if (!labels) {
      if (need.labels.length > 0)
        failures.push({ kind: "unverifiable", need, reason: found.unknownBecause ?? "labels unknown" });
      continue;
    }
    for (const label of need.labels) {
      if (!labels.has(label)) failures.push({ kind: "label", need, label, readers: readersUsingLabel(need, label) });
    }
  }
  return { failures, warnings, checked: required.length };
}

/** The distinct names of the panels (or alerts) among `readers`. */
export const namesOf = (readers: readonly Reader[], kind: Reader["kind"]) =>
  unique(readers.filter((reader) => reader.kind === kind).map((reader) => reader.name));

/** `(panels: A, B; alerts: C)`: who goes blank or silent. */
export function readerList(readers: readonly Reader[]): string {
  const names = (kind: Reader["kind"]) => namesOf(readers, kind);
  const parts = [
    names("panel").length > 0 ? `panels: ${names("panel").join(", ")}` : "",
    names("alert").length > 0 ? `alerts: ${names("alert").join(", ")}` : "",
  ].filter(Boolean);
  return `(${parts.join("; ")})`;
}

/** For a series from a recent release: an older Akkoma is the likely reason. */
const since = (metric: Metric) => (metric.since ? ` [Akkoma ${metric.since} or newer exports it]` : "");

/** One line per finding, e.g. `akkoma_job_queue_available: not exported (panels: Pending Jobs)`. */
export function describeFinding(finding: Finding): string {
  const { need } = finding;
  switch (finding.kind) {
    case "series":
      return `${need.series}: not exported ${readerList(need.readers)}${since(need.metric)}`;
    case "label":
      return `${need.series}: label "${finding.label}" not exported ${readerList(finding.readers)}`;
    case "unverifiable":
      return `${need.series}: cannot verify statically: labels ${need.labels.map((l) => `"${l}"`).join(", ")}: ${finding.reason} ${readerList(need.readers)}`;
    case "notSeenYet":
      return `warning: ${need.series}: not seen yet (lazy: appears after its first event) ${readerList(need.readers)}`;
  }
}

/** What telemetry.ex exports. */
export function exportedByTelemetry(report: TelemetryReport): Exported {
  const exported = new Map<string, ExportedLabels>();
  for (const series of report.exported.flatMap(seriesOf)) {
    const reason = series.definition.tagsProblem;
    exported.set(series.name, {
      labels: series.labels ? new Set(series.labels) : undefined,
      ...(reason ? { unknownBecause: `${report.file}:${series.definition.line}: ${reason}` } : {}),
    });
  }
  return exported;
}

/** What a scrape shows. */
export function exportedByExposition(exposition: Exposition): Exported {
  return new Map(
    [...exposition.series].map(([name, labels]) => [
      name,
      { labels, values: exposition.values.get(name) ?? new Map() },
    ]),
  );
}
