// The check of one source, from where it is to its verdict: read it (a file, standard input or a URL),
// parse it, compare what it exports with what the dashboard and alerts read, and report. Bad input
// throws DashboardError; the caller prints.
import type { Metric } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import {
  type Exported,
  type Finding,
  compare,
  describeFinding,
  exportedByExposition,
  exportedByTelemetry,
  needs,
} from "./compare";
import { parseExposition } from "./exposition";
import { type Verdict, describeTelemetryFinding, verdict } from "./report";
import { printable } from "../io/printable";
import { type FetchOptions, type ReadLimits, fetchExposition, isUrl, readSource, redactUrl } from "../io/sources";
import { type TelemetryReport, readTelemetry } from "./telemetry";

export type ReadOptions = ReadLimits;

/** What a source exports, and its name for messages. */
export interface Source {
  readonly shown: string;
  readonly exported: Exported;
  readonly scrape: boolean;
}

async function telemetryAt(path: string, limits: ReadLimits): Promise<TelemetryReport> {
  const text = await readSource(path, "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex", limits);
  return readTelemetry(text, path === "-" ? "standard input" : path);
}

/** What Akkoma's telemetry.ex (a path, or `-` for standard input) exports. */
export async function telemetrySource(path: string, limits: ReadLimits): Promise<Source> {
  const telemetry = await telemetryAt(path, limits);
  return { shown: telemetry.file, exported: exportedByTelemetry(telemetry), scrape: false };
}

/** What a saved scrape (a path, or `-` for standard input) or a live instance's URL exports. */
export async function scrapeSource(source: string, options: FetchOptions): Promise<Source> {
  const url = isUrl(source);
  const text = url
    ? await fetchExposition(source, options)
    : await readSource(source, "--metrics expects a saved scrape of /api/v1/akkoma/metrics or an http(s) URL", options);
  const shown = url ? redactUrl(source) : source === "-" ? "standard input" : source;
  return { shown, exported: exportedByExposition(parseExposition(text, shown)), scrape: true };
}

/** Checks Akkoma's telemetry.ex (a path, or `-` for standard input). */
export async function checkTelemetry(
  path: string,
  catalogue: readonly Metric[],
  readers: readonly Reader[],
  options: ReadOptions,
): Promise<Verdict> {
  const telemetry = await telemetryAt(path, options);
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
  // A problem may quote the file's names and strings: escaped, and bounded.
  for (const problem of telemetry.problems)
    notes.push(`${file}:${problem.line}: warning: ${printable(problem.message, 1000)}`);
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
  const { shown, exported } = await scrapeSource(source, options);
  const comparison = compare(needs(catalogue, readers), exported, { lazyMayBeAbsent: true });
  return verdict(shown, comparison, describeFinding, (finding) => finding.kind === "unverifiable");
}
