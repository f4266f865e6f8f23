// The check itself, from a source to the lines a user reads: which series and labels the dashboard reads
// are missing, and which panels they would blank and alerts they would silence. Bad input throws DashboardError; the caller prints.
import { type Metric, exportedSeries } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import {
  type Comparison,
  type Finding,
  type Need,
  compare,
  describeFinding,
  exportedByExposition,
  exportedByTelemetry,
  namesOf,
  needs,
  readerList,
} from "./compare";
import { parseExposition } from "./exposition";
import { type FetchOptions, type ReadLimits, fetchExposition, isUrl, readSource, redactUrl } from "./sources";
import { type TelemetryReport, readTelemetry } from "./telemetry";

export interface Verdict {
  /** What to print on standard output, in order. */
  readonly lines: readonly string[];
  /** Something a panel reads is missing, or cannot be verified. */
  readonly missing: boolean;
}

function verdict(
  source: string,
  comparison: Comparison,
  describe: (finding: Finding) => string,
  unverified: (finding: Finding) => boolean,
): Verdict {
  const lines = [...comparison.failures.map(describe), ...comparison.warnings.map(describeFinding)];
  const checked = comparison.checked;
  if (comparison.failures.length === 0) {
    const unseen = comparison.warnings.length > 0 ? ` (${comparison.warnings.length} lazy series not seen yet)` : "";
    lines.push(`ok: ${source} exports all ${checked} series the dashboard reads, with their labels${unseen}`);
    return { lines, missing: false };
  }
  const unverifiable = comparison.failures.filter(unverified).length;
  const series = comparison.failures.filter((f) => f.kind === "series" && !unverified(f)).length;
  const labels = comparison.failures.length - series - unverifiable;
  const parts = [
    series > 0 ? `${series} of ${checked} series not exported` : "",
    unverifiable > 0 ? `${unverifiable} cannot be verified statically` : "",
    labels > 0 ? `${labels} label problem${labels > 1 ? "s" : ""}` : "",
  ];
  lines.push(`FAIL: ${source}: ${parts.filter(Boolean).join(", ")}`);
  return { lines, missing: true };
}

/**
 * How telemetry.ex findings read: a series missing while some definitions could not be evaluated may be
 * one of them, so it is "cannot verify statically" with those lines, like labels from unreadable tags.
 * A summary of the same name gets a hint: the exporter drops summaries, a common reason for a gap.
 */
function describeTelemetryFinding(telemetry: TelemetryReport): (finding: Finding) => string {
  const unevaluated = telemetry.incomplete.map((p) => `${telemetry.file}:${p.line}`);
  return (finding) => {
    const { need } = finding;
    if (finding.kind !== "series") return describeFinding(finding);
    const summary = telemetry.dropped.find(
      (d) => d.definition.kind === "summary" && d.definition.name === need.metric.name,
    );
    const hint = summary
      ? ` [${telemetry.file}:${summary.definition.line} defines it as a summary, which the exporter drops]`
      : "";
    if (unevaluated.length === 0) return `${describeFinding(finding)}${hint}`;
    return `${need.series}: cannot verify statically: not found, and ${unevaluated.join(", ")} could not be evaluated ${readerList(need.readers)}${hint}`;
  };
}

export type ReadOptions = ReadLimits;

/** Checks Akkoma's telemetry.ex (a path, or `-` for standard input). */
export async function checkTelemetry(
  path: string,
  catalogue: readonly Metric[],
  readers: readonly Reader[],
  options: ReadOptions,
): Promise<Verdict> {
  const source = await readSource(path, "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex", options);
  const telemetry = readTelemetry(source, path === "-" ? "standard input" : path);
  const file = telemetry.file;
  const notes: string[] = [];
  if (telemetry.exporters.length === 0) {
    notes.push(
      `${file}: no Prometheus exporter: no metrics are handed to TelemetryMetricsPrometheus.Core, so none are exported`,
    );
  }
  for (const exporter of telemetry.exporters) {
    if (exporter.module !== "TelemetryMetricsPrometheus.Core") {
      notes.push(
        `${file}:${exporter.line}: note: ${exporter.module} serves metrics on its own port (9568 by default), not at /api/v1/akkoma/metrics`,
      );
    }
  }
  for (const problem of telemetry.problems) notes.push(`${file}:${problem.line}: warning: ${problem.message}`);
  const comparison = compare(needs(catalogue, readers), exportedByTelemetry(telemetry), { lazyMayBeAbsent: false });
  const unverified = (finding: Finding) =>
    finding.kind === "unverifiable" || (finding.kind === "series" && telemetry.incomplete.length > 0);
  const result = verdict(file, comparison, describeTelemetryFinding(telemetry), unverified);
  return { lines: [...notes, ...result.lines], missing: result.missing };
}

/** Checks a saved scrape (a path, or `-` for standard input) or a live instance's URL. */
export async function checkScrape(
  source: string,
  catalogue: readonly Metric[],
  readers: readonly Reader[],
  options: FetchOptions,
): Promise<Verdict> {
  const url = isUrl(source);
  const text = url
    ? await fetchExposition(source, options)
    : await readSource(source, "--metrics expects a saved scrape of /api/v1/akkoma/metrics or an http(s) URL", options);
  const shown = url ? redactUrl(source) : source === "-" ? "standard input" : source;
  const exported = exportedByExposition(parseExposition(text, shown));
  const comparison = compare(needs(catalogue, readers), exported, { lazyMayBeAbsent: true });
  return verdict(shown, comparison, describeFinding, (finding) => finding.kind === "unverifiable");
}

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
  const used: readonly Need[] = needs(catalogue, readers);
  return catalogue.flatMap((metric) =>
    exportedSeries(metric).map((series) => ({
      series,
      metric: metric.name,
      kind: metric.kind,
      labels: metric.labels,
      unit: metric.unit,
      lazy: metric.lazy,
      source: metric.source,
      panels: namesOf(used.find((n) => n.series === series)?.readers ?? [], "panel"),
      alerts: namesOf(used.find((n) => n.series === series)?.readers ?? [], "alert"),
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
