// One dashboard load as Grafana does it (a v1 file, or a v2 resource: v2-dashboard.ts): import answers,
// variables, each panel's range and step, every query the panels send (to a real engine), and Grafana's
// server-side expressions on top.

import { loadAnnotations } from "./annotations";
import type { Engine, QueryTotals } from "./engines";
import {
  type QueryTime,
  type TimeRange,
  alignToStep,
  durationMs,
  interpolate,
  panelTimeRange,
  queryStepMs,
} from "./grafana";
import type { DashboardJson, PanelJson, TargetJson } from "./dashboard-json";
import { type ImportAnswers, type ImportFlow, importDashboard } from "./import";
import { expressionEvaluator, expressionRefs } from "./expressions";
import type { DashboardLoad, Frame, PanelResult, Point, TargetResult } from "./results";
import { markHiddenSeries } from "./frames";
import { panelsIn, panelsShownIn } from "../dashboards/rows";
import { selectorsIn } from "./selectors";
import { isDatasource, resolveVariables } from "./variables";
import { dashboardJsonOfV2, isDashboardResource } from "./v2-dashboard";

export interface LoadOptions {
  /** How the import file is imported, and the answers on its form; a provisioned file has no inputs. */
  imported?: { through: ImportFlow; answers: ImportAnswers };
  /** Values picked in the variables' dropdowns, by variable name (Grafana's `?var-instance=...`). */
  select?: Readonly<Record<string, string>>;
  /** Uid of the pretend Grafana's one (and default) Prometheus data source: the engine. */
  datasourceUid?: string;
  /** Grafana's "now"; the wall clock unless a test pins it. */
  nowMs?: number;
  /** The datasource's "scrape interval" setting: Akkoma refreshes its values every 60 s. */
  scrapeIntervalSeconds?: number;
  /** Stands in for the panel's width in pixels when it sets no max data points. */
  maxDataPoints?: number;
  /**
   * Count each panel's samples on an engine without per-query stats too (VictoriaMetrics), from its
   * running totals around the panel: slower, as the totals lag a second behind.
   */
  costPerPanel?: boolean;
  /**
   * "as saved": what opening the dashboard loads, collapsed rows' panels left out (what a load costs);
   * by default every row is opened, so every panel's values can be checked.
   */
  rows?: "open" | "as saved";
}

export async function loadDashboard(
  dashboardJson: string,
  engine: Engine,
  options: LoadOptions,
): Promise<DashboardLoad> {
  const dashboard = loadedJson(dashboardJson, options.imported);
  const nowMs = options.nowMs ?? Date.now();
  const datasourceUid = options.datasourceUid ?? defaultDatasourceUid;
  const resolved = await resolveVariables(dashboard.templating?.list ?? [], {
    engine,
    datasourceUid,
    range: panelTimeRange(dashboard.time ?? defaultTime, {}, nowMs),
    select: options.select ?? {},
  });
  const variables = Object.fromEntries([...resolved].map(([name, variable]) => [name, variable.value]));
  const totalsBefore = await engine.queryTotals?.();
  const started = performance.now();
  const panels: PanelResult[] = [];
  const shown = options.rows === "as saved" ? panelsShownIn(dashboard.panels) : panelsIn(dashboard.panels);
  for (const panel of shown) {
    const before = options.costPerPanel ? await engine.queryTotals?.() : undefined;
    const loaded = await loadPanel(panel, dashboard, variables, engine, nowMs, { ...options, datasourceUid });
    const sent = loaded.targets.filter((t) => t.kind !== "expression");
    const perQuery = sent.every((t) => t.samplesRead !== undefined);
    const samplesRead = perQuery
      ? sent.reduce((sum, t) => sum + (t.samplesRead as number), 0)
      : await samplesReadSince(engine, before, sent.length);
    panels.push({ ...loaded, samplesRead });
  }
  const range = panelTimeRange(dashboard.time ?? defaultTime, {}, nowMs);
  const annotations = await loadAnnotations(dashboard.annotations?.list ?? [], {
    variables,
    range,
    scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 60,
    maxDataPoints: options.maxDataPoints ?? 1000,
    isEngine: (uid) => isDatasource(uid, { datasourceUid }),
    run: (expr, stepMs) => runPrometheusQuery(engine, { refId: "Anno" }, expr, range, stepMs),
  });
  const wallMs = performance.now() - started;
  const sent = [...panels.flatMap((p) => p.targets), ...annotations.map((a) => a.query)].filter(
    (t) => t.kind !== "expression",
  );
  // A refused query reads nothing; an answered one without stats means the engine keeps none per query.
  const stats = sent.filter((t) => t.status === "success").map((t) => t.samplesRead);
  const samplesRead = stats.every((s) => s !== undefined)
    ? stats.reduce((sum: number, s) => sum + (s as number), 0)
    : await samplesReadSince(engine, totalsBefore, sent.length);
  return {
    engine: engine.name,
    variables: resolved,
    panels,
    annotations,
    queriesSent: sent.length,
    samplesRead,
    wallMs,
  };
}

/** From the engine's running totals, once they count every query sent (VictoriaMetrics' lag a second). */
async function samplesReadSince(engine: Engine, before: QueryTotals | undefined, queries: number) {
  if (!engine.queryTotals || !before) return undefined;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await engine.queryTotals();
    if (now.queries - before.queries >= queries) return now.samplesRead - before.samplesRead;
    if (Date.now() > deadline) {
      throw new Error(
        `${engine.name} counts ${now.queries - before.queries} of the ${queries} queries sent after 10 s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const defaultDatasourceUid = "prometheus";
const defaultTime = { from: "now-6h", to: "now" };

/** A file with `__inputs` goes through one of Grafana's import flows first; any other loads as it is. */
function loadedJson(json: string, imported: LoadOptions["imported"]): DashboardJson {
  const parsed: unknown = JSON.parse(json);
  if (isDashboardResource(parsed)) return dashboardJsonOfV2(parsed);
  const dashboard = parsed as DashboardJson;
  if (!dashboard.__inputs?.length) return dashboard;
  if (!imported) {
    const names = dashboard.__inputs.map((input) => input.name).join(", ");
    throw new Error(`the dashboard asks on import for ${names}: load it with \`imported\``);
  }
  return importDashboard(json, imported.through, imported.answers) as DashboardJson;
}

async function loadPanel(
  panel: PanelJson,
  dashboard: DashboardJson,
  variables: Record<string, string>,
  engine: Engine,
  nowMs: number,
  options: LoadOptions,
): Promise<PanelResult> {
  const scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 60;
  const range = panelTimeRange(dashboard.time ?? defaultTime, panel, nowMs);
  const minIntervalMs = panel.interval ? durationMs(panel.interval.replace(/^>/, "")) : scrapeIntervalSeconds * 1000;
  const targets = panel.targets ?? [];
  const isExpression = (t: TargetJson) => {
    const datasource = t.datasource ?? panel.datasource;
    return datasource?.type === "__expr__" || datasource?.uid === "__expr__";
  };
  const needed = neededRefIds(targets, isExpression);
  const results = new Map<string, TargetResult>();
  let time: QueryTime | undefined;
  for (const target of targets.filter((t) => !isExpression(t) && needed.has(t.refId))) {
    const stepMs = queryStepMs(range, {
      maxDataPoints: panel.maxDataPoints ?? options.maxDataPoints ?? 1000,
      minIntervalMs,
      queryMinIntervalMs: target.interval && !target.interval.includes("$") ? durationMs(target.interval) : undefined,
    });
    const queryTime: QueryTime = {
      rangeSeconds: Math.round((range.toMs - range.fromMs) / 1000),
      intervalSeconds: stepMs / 1000,
      scrapeIntervalSeconds,
    };
    time ??= queryTime;
    const expr = interpolate(target.expr ?? "", variables, queryTime);
    const datasource = interpolate((target.datasource ?? panel.datasource)?.uid ?? "default", variables, queryTime);
    results.set(
      target.refId,
      isDatasource(datasource, { datasourceUid: options.datasourceUid ?? defaultDatasourceUid })
        ? await runPrometheusQuery(engine, target, expr, range, stepMs)
        : missingDatasource(target, expr, datasource),
    );
  }
  const expressionResult = expressionEvaluator(targets, results, range);
  for (const target of targets.filter((t) => isExpression(t) && needed.has(t.refId))) {
    results.set(target.refId, expressionResult(target));
  }
  return {
    id: panel.id,
    title: panel.title ?? "",
    type: panel.type,
    ...(panel.pluginVersion === undefined ? {} : { pluginVersion: panel.pluginVersion }),
    range,
    fieldConfig: panel.fieldConfig ?? {},
    options: panel.options ?? {},
    calculation: panel.options?.reduceOptions?.calcs?.[0],
    time: time ?? {
      rangeSeconds: Math.round((range.toMs - range.fromMs) / 1000),
      intervalSeconds: 0,
      scrapeIntervalSeconds,
    },
    targets: markHiddenSeries(
      panel.type,
      panel.fieldConfig ?? {},
      targets.filter((t) => needed.has(t.refId)).map((t) => results.get(t.refId) as TargetResult),
    ),
  };
}

/** Visible targets, plus the hidden ones an expression reads (Grafana runs those too, then hides them). */
function neededRefIds(targets: readonly TargetJson[], isExpression: (t: TargetJson) => boolean): Set<string> {
  const needed = new Set<string>();
  const visit = (target: TargetJson) => {
    if (needed.has(target.refId)) return;
    needed.add(target.refId);
    if (!isExpression(target)) return;
    for (const ref of expressionRefs(target)) {
      const input = targets.find((t) => t.refId === ref);
      if (!input) throw new Error(`expression ${target.refId} reads ${ref}, which the panel does not have`);
      visit(input);
    }
  };
  targets.filter((t) => !t.hide).forEach(visit);
  return needed;
}

interface PrometheusResponse {
  status: "success" | "error";
  error?: string;
  data?: {
    resultType: "matrix" | "vector" | "scalar" | "string";
    result: unknown;
    stats?: { samples?: { totalQueryableSamples?: number } };
  };
}

/**
 * A range query unless the target asks for an instant one only (older dashboards set neither flag
 * and mean range; a target asking for both is run as the range query the panel draws).
 */
async function runPrometheusQuery(
  engine: Engine,
  target: TargetJson,
  expr: string,
  range: TimeRange,
  stepMs: number,
): Promise<TargetResult> {
  const instant = target.instant === true && target.range !== true;
  // Grafana evaluates an instant query at the range's end as is, but aligns a range query to its step.
  const form: Record<string, string> = instant
    ? { query: expr, time: String(range.toMs / 1000) }
    : {
        query: expr,
        start: String(alignToStep(range.fromMs, stepMs) / 1000),
        end: String(alignToStep(range.toMs, stepMs) / 1000),
        step: String(stepMs / 1000),
      };
  const started = performance.now();
  const response = await fetch(`${engine.url}/api/v1/${instant ? "query" : "query_range"}`, {
    method: "POST",
    body: new URLSearchParams({ ...form, stats: "all" }),
  });
  const text = await response.text();
  const wallMs = performance.now() - started;
  const base = {
    refId: target.refId,
    kind: instant ? "instant" : "range",
    hidden: target.hide === true,
    legend: target.legendFormat,
    query: expr,
    inputs: [],
    reads: [...new Set(selectorsIn(expr).map((found) => found.series))],
  } as const;
  let body: PrometheusResponse;
  try {
    body = JSON.parse(text) as PrometheusResponse;
  } catch {
    return { ...base, httpStatus: response.status, status: "error", error: text.trim(), frames: [], wallMs };
  }
  if (!response.ok || body.status !== "success" || !body.data) {
    return { ...base, httpStatus: response.status, status: "error", error: body.error ?? text, frames: [], wallMs };
  }
  return {
    ...base,
    httpStatus: response.status,
    status: "success",
    frames: framesOf(body.data.resultType, body.data.result),
    samplesRead: body.data.stats?.samples?.totalQueryableSamples,
    wallMs,
  };
}

/** Grafana draws an error instead of the panel: the data source the target names does not exist. */
const missingDatasource = (target: TargetJson, expr: string, uid: string): TargetResult => ({
  refId: target.refId,
  kind: target.instant === true && target.range !== true ? "instant" : "range",
  hidden: target.hide === true,
  query: expr,
  inputs: [],
  reads: [],
  status: "error",
  error: `data source "${uid}" not found`,
  frames: [],
  wallMs: 0,
});

type RawSample = [number, string];

function framesOf(resultType: string, result: unknown): Frame[] {
  const point = ([seconds, value]: RawSample): Point => [seconds * 1000, parseSampleValue(value)];
  switch (resultType) {
    case "matrix":
      return (result as { metric: Record<string, string>; values: RawSample[] }[]).map((s) => ({
        labels: s.metric,
        points: s.values.map(point),
      }));
    case "vector":
      return (result as { metric: Record<string, string>; value: RawSample }[]).map((s) => ({
        labels: s.metric,
        points: [point(s.value)],
      }));
    case "scalar":
      return [{ labels: {}, points: [point(result as RawSample)] }];
    default:
      throw new Error(`unexpected Prometheus result type ${resultType}`);
  }
}

const parseSampleValue = (value: string) =>
  value === "+Inf" || value === "Inf" ? Infinity : value === "-Inf" ? -Infinity : Number(value);

export * from "./results";
