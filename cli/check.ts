// `check` and `metrics`: does Akkoma export what the dashboard reads? Exit codes: 0 all there,
// 1 something the dashboard reads is missing, 2 bad input (unreadable file, unreachable URL, wrong token...).
// Handlers print their own one-line errors and set the exit code, so the CLI's other output stays intact.
import { readFileSync } from "node:fs";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { akkomaDashboard } from "../dashboards/akkoma";
import { panelReaders } from "../dashboards/reads";
import { alertReaders } from "../alerts/reads";
import type { Reader } from "../queries/promql";
import { type Metric, catalogue, exportedSeries } from "../queries/catalogue";
import { DashboardError } from "../errors";
import {
  type Comparison,
  type Exported,
  type Finding,
  type Need,
  compare,
  describeFinding,
  exportedByExposition,
  exportedByTelemetry,
  needs,
} from "../check/compare";
import { parseExposition } from "../check/exposition";
import { type TelemetryReport, readTelemetry } from "../check/telemetry";

export const exitCodes = { ok: 0, missing: 1, badInput: 2 } as const;

const program = "akkoma-dashboards";

/** Where the handlers write, and what they check against; tests substitute their own. */
export interface CheckContext {
  out(line: string): void;
  err(line: string): void;
  setExitCode(code: number): void;
  /** The panels (and alerts) whose queries read catalogue series. */
  readers(): readonly Reader[];
  metrics(): readonly Metric[];
}

export const processContext: CheckContext = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  readers: () => [...panelReaders(akkomaDashboard()), ...alertReaders()],
  metrics: () => catalogue,
};

export interface CheckOptions {
  telemetry?: string;
  metrics?: string;
  "token-file"?: string;
  timeout: number;
  list: boolean;
  json: boolean;
}

export interface MetricsOptions {
  json: boolean;
}

const isUrl = (source: string) => /^https?:\/\//i.test(source);

/** A URL as shown in messages: without user:password. */
function displayUrl(url: string): string {
  const parsed = parseUrl(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, not a file"
          : `cannot read it (${code ?? String(error)})`;
    throw new DashboardError(path, problem, what);
  }
}

function readToken(path: string): string {
  const token = readText(
    path,
    "--token-file expects a file holding an access token with the admin:metrics scope",
  ).trim();
  if (!token || /\s/.test(token))
    throw new DashboardError(
      path,
      token ? "holds more than one word" : "is empty",
      "it must hold only the access token",
    );
  return token;
}

// Duck-typed: fetch's errors may come from another realm (e.g. a test VM), where instanceof Error fails.
function whyUnreachable(error: unknown, timeoutSeconds: number): string {
  const failure = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure.name === "TimeoutError") return `no answer within ${timeoutSeconds} s`;
  return failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DashboardError(url, "not a valid URL");
  }
}

async function fetchExposition(
  url: string,
  tokenFile: string | undefined,
  timeoutSeconds: number,
  context: CheckContext,
): Promise<string> {
  const { protocol, hostname, username, password } = parseUrl(url);
  const shown = displayUrl(url);
  if (username || password)
    throw new DashboardError(shown, "credentials in the URL are not supported", "put an access token in --token-file");
  const headers: Record<string, string> = { Accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1" };
  if (tokenFile) {
    headers.Authorization = `Bearer ${readToken(tokenFile)}`;
    if (protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(hostname)) {
      context.err(`${program}: warning: ${shown}: sending the token over plain http`);
    }
  }
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  } catch (error) {
    throw new DashboardError(shown, `unreachable: ${whyUnreachable(error, timeoutSeconds)}`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new DashboardError(
      shown,
      `HTTP ${response.status}: the instance refused the request`,
      tokenFile
        ? "the token needs the admin:metrics scope"
        : "pass --token-file with a token that has the admin:metrics scope",
    );
  }
  if (response.status === 404) {
    throw new DashboardError(
      shown,
      "HTTP 404: no metrics here",
      "export_prometheus_metrics may be off (config :pleroma, :instance, export_prometheus_metrics: true), or the path is not /api/v1/akkoma/metrics",
    );
  }
  if (!response.ok) throw new DashboardError(shown, `HTTP ${response.status} ${response.statusText}`.trim());
  return response.text();
}

function report(
  source: string,
  comparison: Comparison,
  hints: (finding: Finding) => string,
  context: CheckContext,
): number {
  for (const finding of comparison.failures) context.out(`${describeFinding(finding)}${hints(finding)}`);
  for (const finding of comparison.warnings) context.out(describeFinding(finding));
  const checked = comparison.checked;
  if (comparison.failures.length === 0) {
    const unseen = comparison.warnings.length > 0 ? ` (${comparison.warnings.length} lazy series not seen yet)` : "";
    context.out(`ok: ${source} exports all ${checked} series the dashboard reads, with their labels${unseen}`);
    return exitCodes.ok;
  }
  const series = comparison.failures.filter((f) => f.kind === "series").length;
  const labels = comparison.failures.length - series;
  const parts = [
    series > 0 ? `${series} of ${checked} series not exported` : "",
    labels > 0 ? `${labels} label problem${labels > 1 ? "s" : ""}` : "",
  ];
  context.out(`FAIL: ${source}: ${parts.filter(Boolean).join(", ")}`);
  return exitCodes.missing;
}

/** Points at a summary of the same name: the exporter drops summaries, a common reason for a gap. */
function summaryHint(telemetry: TelemetryReport): (finding: Finding) => string {
  return (finding) => {
    if (finding.kind !== "series") return "";
    const summary = telemetry.dropped.find(
      (d) => d.definition.kind === "summary" && d.definition.name === finding.need.metric.name,
    );
    return summary
      ? ` [${telemetry.file}:${summary.definition.line} defines it as a summary, which the exporter drops]`
      : "";
  };
}

function checkTelemetry(path: string, all: readonly Need[], context: CheckContext): number {
  const telemetry = readTelemetry(readText(path, "--telemetry expects Akkoma's lib/pleroma/web/telemetry.ex"), path);
  if (telemetry.exporters.length === 0) {
    context.out(
      `${path}: no Prometheus exporter: no metrics are handed to TelemetryMetricsPrometheus.Core, so none are exported`,
    );
  }
  for (const exporter of telemetry.exporters) {
    if (exporter.module !== "TelemetryMetricsPrometheus.Core") {
      context.out(
        `${path}:${exporter.line}: note: ${exporter.module} serves metrics on its own port (9568 by default), not at /api/v1/akkoma/metrics`,
      );
    }
  }
  for (const problem of telemetry.problems) context.out(`${path}:${problem.line}: warning: ${problem.message}`);
  const comparison = compare(all, exportedByTelemetry(telemetry), { lazyMayBeAbsent: false });
  return report(path, comparison, summaryHint(telemetry), context);
}

async function checkScrape(
  source: string,
  args: ArgumentsCamelCase<CheckOptions>,
  all: readonly Need[],
  context: CheckContext,
): Promise<number> {
  const text = isUrl(source)
    ? await fetchExposition(source, args.tokenFile, args.timeout, context)
    : readText(source, "--metrics expects a saved scrape of /api/v1/akkoma/metrics or an http(s) URL");
  const shown = isUrl(source) ? displayUrl(source) : source;
  const exported: Exported = exportedByExposition(parseExposition(text, shown));
  const comparison = compare(all, exported, { lazyMayBeAbsent: true });
  return report(shown, comparison, () => "", context);
}

async function guarded(context: CheckContext, run: () => number | Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
    context.err(`${program}: ${error.message}`);
    return exitCodes.badInput;
  }
}

async function runCheck(args: ArgumentsCamelCase<CheckOptions>, context: CheckContext): Promise<void> {
  if (args.list) {
    runMetrics(args, context);
    return;
  }
  if (!args.telemetry && !args.metrics) {
    context.err(
      `${program}: check: nothing to check against: pass --telemetry PATH (Akkoma's lib/pleroma/web/telemetry.ex) ` +
        "or --metrics FILE|URL (a scrape of /api/v1/akkoma/metrics; add --token-file for a URL)",
    );
    context.setExitCode(exitCodes.badInput);
    return;
  }
  if (args.tokenFile && !(args.metrics && isUrl(args.metrics))) {
    context.err(`${program}: --token-file: only used with --metrics URL`);
    context.setExitCode(exitCodes.badInput);
    return;
  }
  if (!(args.timeout > 0)) {
    context.err(`${program}: --timeout: expected a number of seconds above 0`);
    context.setExitCode(exitCodes.badInput);
    return;
  }
  const all = needs(context.metrics(), context.readers());
  // Both sources: check both (the source code and a live instance can disagree); the worst result wins.
  const codes: number[] = [];
  if (args.telemetry) {
    const path = args.telemetry;
    codes.push(await guarded(context, () => checkTelemetry(path, all, context)));
  }
  if (args.metrics) {
    const source = args.metrics;
    codes.push(await guarded(context, () => checkScrape(source, args, all, context)));
  }
  context.setExitCode(Math.max(...codes));
}

interface Dependency {
  readonly series: string;
  readonly metric: string;
  readonly kind: Metric["kind"];
  readonly labels: readonly string[];
  readonly unit: Metric["unit"];
  readonly lazy: boolean;
  readonly source: Metric["source"];
  readonly panels: readonly string[];
}

const namesOf = (readers: readonly Reader[], kind: Reader["kind"]) =>
  readers.filter((reader) => reader.kind === kind).map((reader) => reader.name);

function dependencies(context: CheckContext): Dependency[] {
  const used = needs(context.metrics(), context.readers());
  return context.metrics().flatMap((metric) =>
    exportedSeries(metric).map((series) => ({
      series,
      metric: metric.name,
      kind: metric.kind,
      labels: metric.labels,
      unit: metric.unit,
      lazy: metric.lazy,
      source: metric.source,
      panels: namesOf(used.find((n) => n.series === series)?.readers ?? [], "panel"),
    })),
  );
}

function runMetrics(args: MetricsOptions, context: CheckContext): void {
  const list = dependencies(context);
  if (args.json) {
    context.out(JSON.stringify({ series: list }, null, 2));
  } else {
    const width = Math.max(...list.map((d) => d.series.length));
    for (const d of list) {
      const notes = [
        d.kind,
        d.labels.length > 0 ? `labels: ${d.labels.join(", ")}` : "",
        d.lazy ? "lazy" : "",
        d.source === "scraper" ? "written by the scraper" : "",
      ].filter(Boolean);
      const panels = d.panels.length > 0 ? d.panels.join(", ") : "(none)";
      context.out(`${d.series.padEnd(width)}  ${notes.join("; ")}  panels: ${panels}`);
    }
  }
  context.setExitCode(exitCodes.ok);
}

const checkOptions = (yargs: Argv) =>
  yargs
    .option("telemetry", {
      type: "string",
      describe: "Akkoma's lib/pleroma/web/telemetry.ex: are the series the dashboard reads defined and exported?",
    })
    .option("metrics", {
      type: "string",
      describe: "A saved scrape, or the instance's http(s) URL (…/api/v1/akkoma/metrics): are they there?",
    })
    .option("token-file", {
      type: "string",
      describe: "File holding an access token with the admin:metrics scope, sent as a bearer token to --metrics URL",
    })
    .option("timeout", { type: "number", default: 15, describe: "Seconds to wait for --metrics URL" })
    .option("list", { type: "boolean", default: false, describe: "List the series the dashboard reads (as `metrics`)" })
    .option("json", { type: "boolean", default: false, describe: "With --list: as JSON" })
    .example("$0 check --telemetry ../akkoma/lib/pleroma/web/telemetry.ex", "")
    .example("$0 check --metrics https://example.social/api/v1/akkoma/metrics --token-file token", "");

const metricsOptions = (yargs: Argv) => yargs.option("json", { type: "boolean", default: false, describe: "As JSON" });

export function checkCommandWith(context: CheckContext): CommandModule<object, CheckOptions> {
  return {
    command: "check",
    describe: "Check that Akkoma exports every series and label the dashboard reads (exit 1 if not, 2 on bad input)",
    builder: checkOptions,
    handler: (args) => runCheck(args, context),
  };
}

export function metricsCommandWith(context: CheckContext): CommandModule<object, MetricsOptions> {
  return {
    command: "metrics",
    describe: "List the series, labels and panels the dashboard depends on",
    builder: metricsOptions,
    handler: (args) => runMetrics(args, context),
  };
}

export const checkCommand = checkCommandWith(processContext);
export const metricsCommand = metricsCommandWith(processContext);
