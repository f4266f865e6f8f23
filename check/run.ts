// The check of one source, from where it is to its verdict: read it (a file, standard input or a URL),
// parse it, judge what the dashboard and alerts (ours, or anyone's files) read against what it exports,
// and report. Bad input throws DashboardError; the caller prints.
import { printable, redactUrl } from "../io/printable";
import { type FetchOptions, type ReadLimits, fetchExposition, isUrl, readSource } from "../io/sources";
import type { Metric } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import { type Exposition, parseExposition } from "./exposition";
import { type Exported, type ExportedLabels, type Source, judge, judgementLines } from "./judge";
import { type TelemetryReport, readTelemetry, seriesOf } from "./telemetry";

/** What a check prints and whether something read is missing. */
export interface Verdict {
  /** What to print on standard output, in order. */
  readonly lines: readonly string[];
  /** Something a panel, annotation, variable or rule reads is missing, or cannot be verified. */
  readonly missing: boolean;
}

/** Readers judged together: our dashboard and alerts, or one file; `name` says which in the verdict. */
export interface Judged {
  readonly name: string;
  readonly readers: readonly Reader[];
  /** Series a rule file checked alongside records: there when its rules work. */
  readonly recorded?: ReadonlySet<string>;
}

/** What telemetry.ex exports. */
function exportedByTelemetry(report: TelemetryReport): Exported {
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
function exportedByExposition(exposition: Exposition): Exported {
  return new Map(
    [...exposition.series].map(([name, labels]) => [
      name,
      { labels, values: exposition.values.get(name) ?? new Map() },
    ]),
  );
}

/**
 * telemetry.ex as a source. A series missing while some definitions could not be evaluated may be one of
 * them: "cannot verify statically" with those lines. A summary of the same name gets a hint: the exporter
 * drops summaries, a common reason for a gap.
 */
export function telemetryReportSource(telemetry: TelemetryReport): Source {
  const file = telemetry.file;
  const notes: string[] = [];
  if (telemetry.exporters.length === 0)
    notes.push(
      `${file}: no Prometheus exporter: no metrics are handed to TelemetryMetricsPrometheus.Core, so none are exported`,
    );
  for (const exporter of telemetry.exporters) {
    if (exporter.module !== "TelemetryMetricsPrometheus.Core")
      notes.push(
        `${file}:${exporter.line}: note: ${exporter.module} serves metrics on its own port (9568 by default), not at /api/v1/akkoma/metrics`,
      );
  }
  // A problem may quote the file's names and strings: escaped, and bounded.
  for (const problem of telemetry.problems)
    notes.push(`${file}:${problem.line}: warning: ${printable(problem.message, 1000)}`);
  const unevaluated = telemetry.incomplete.map((p) => `${file}:${p.line}`);
  return {
    shown: file,
    exported: exportedByTelemetry(telemetry),
    scrape: false,
    notes,
    absence: (metric) => {
      const summary = telemetry.dropped.find((d) => d.definition.kind === "summary" && d.definition.name === metric);
      return {
        ...(unevaluated.length > 0 ? { unverifiable: `${unevaluated.join(", ")} could not be evaluated` } : {}),
        ...(summary
          ? { hint: `${file}:${summary.definition.line} defines it as a summary, which the exporter drops` }
          : {}),
      };
    },
  };
}

/** What Akkoma's telemetry.ex (a path, or `-` for standard input) exports. */
export async function telemetrySource(path: string, limits: ReadLimits): Promise<Source> {
  const text = await readSource(path, "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex", limits);
  return telemetryReportSource(readTelemetry(text, path === "-" ? "standard input" : path));
}

/** What a saved scrape (a path, or `-` for standard input) or a live instance's URL exports. */
export async function scrapeSource(source: string, options: FetchOptions): Promise<Source> {
  const url = isUrl(source);
  const text = url
    ? await fetchExposition(source, options)
    : await readSource(source, "--metrics expects a saved scrape of /api/v1/akkoma/metrics or an http(s) URL", options);
  const shown = url ? redactUrl(source) : source === "-" ? "standard input" : source;
  return { shown, exported: exportedByExposition(parseExposition(text, shown)), scrape: true, notes: [] };
}

/** Judges each of `judged` against the source: the source's notes, then each one's findings and verdict. */
export function checkAgainst(source: Source, judged: readonly Judged[], catalogue: readonly Metric[]): Verdict {
  const lines = [...source.notes];
  let missing = false;
  for (const { name, readers, recorded } of judged) {
    const judgement = judge(readers, source, { catalogue, ...(recorded ? { recorded } : {}) });
    for (const line of judgementLines(judgement, source.shown, name)) lines.push(line);
    missing ||= judgement.failing.length > 0;
  }
  return { lines, missing };
}

/** What the verdict calls this project's own panels, annotation and alerts. */
export const ourDashboard = "the dashboard";

/** Checks our dashboard and alerts against a saved scrape (a path, or `-`) or a live instance's URL. */
export async function checkScrape(
  source: string,
  catalogue: readonly Metric[],
  readers: readonly Reader[],
  options: FetchOptions,
): Promise<Verdict> {
  return checkAgainst(await scrapeSource(source, options), [{ name: ourDashboard, readers }], catalogue);
}
