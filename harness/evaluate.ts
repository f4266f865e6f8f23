// One dashboard load as Grafana does it: import answers, variables, each panel's range and step,
// every query the panels send (to a real engine), and Grafana's server-side expressions on top.

import { importInputs } from "../config";
import type { Engine, EngineName, QueryTotals } from "./engines";
import {
  type ImportAnswers,
  type QueryTime,
  type TimeRange,
  alignToStep,
  applyImportAnswers,
  durationMs,
  interpolate,
  panelTimeRange,
  queryStepMs,
} from "./grafana";
import { selectorsIn } from "./selectors";
import { type ResolvedVariable, type VariableJson, isDatasource, resolveVariables } from "./variables";

export interface LoadOptions {
  /** The import screen's answers; a provisioned dashboard has no inputs to answer. */
  answers?: Partial<ImportAnswers>;
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
}

export type Point = readonly [timeMs: number, value: number];

export interface Frame {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly Point[];
}

export interface TargetResult {
  readonly refId: string;
  readonly kind: "range" | "instant" | "expression";
  /** Hidden targets only run when an expression reads them, and Grafana does not draw them. */
  readonly hidden: boolean;
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
  readonly range: TimeRange;
  readonly time: QueryTime;
  /** How a gauge, bar gauge or stat panel turns each series into its one number (reduceOptions.calcs). */
  readonly calculation: string | undefined;
  readonly targets: readonly TargetResult[];
}

export interface DashboardLoad {
  readonly engine: EngineName;
  /** Every dashboard variable's value after Grafana-like discovery, and the options it offered. */
  readonly variables: ReadonlyMap<string, ResolvedVariable>;
  readonly panels: readonly PanelResult[];
  readonly queriesSent: number;
  /** Samples the whole load read, from per-query stats or the engine's own running total. */
  readonly samplesRead: number | undefined;
  readonly wallMs: number;
}

// The slice of Grafana's dashboard JSON the evaluator reads.
interface DashboardJson {
  __inputs?: { name: string; type: string }[];
  time?: { from: string; to: string };
  templating?: { list?: VariableJson[] };
  panels?: PanelJson[];
}
interface DatasourceRef {
  type?: string;
  uid?: string;
}
interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  timeFrom?: string;
  timeShift?: string;
  interval?: string;
  maxDataPoints?: number;
  datasource?: DatasourceRef;
  options?: { reduceOptions?: { calcs?: string[] } };
  targets?: TargetJson[];
  panels?: PanelJson[];
}
interface TargetJson {
  refId: string;
  datasource?: DatasourceRef;
  hide?: boolean;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  interval?: string;
  type?: string;
  expression?: string;
  reducer?: string;
  settings?: { mode?: string; replaceWithValue?: number };
}

export async function loadDashboard(
  dashboardJson: string,
  engine: Engine,
  options: LoadOptions,
): Promise<DashboardLoad> {
  const dashboard = importDashboard(dashboardJson, options.answers ?? {});
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
  for (const panel of visiblePanels(dashboard.panels ?? [])) {
    panels.push(await loadPanel(panel, dashboard, variables, engine, nowMs, { ...options, datasourceUid }));
  }
  const wallMs = performance.now() - started;
  const sent = panels.flatMap((p) => p.targets).filter((t) => t.kind !== "expression");
  // A refused query reads nothing; an answered one without stats means the engine keeps none per query.
  const stats = sent.filter((t) => t.status === "success").map((t) => t.samplesRead);
  const samplesRead = stats.every((s) => s !== undefined)
    ? stats.reduce((sum: number, s) => sum + (s as number), 0)
    : await samplesReadSince(engine, totalsBefore, sent.length);
  return { engine: engine.name, variables: resolved, panels, queriesSent: sent.length, samplesRead, wallMs };
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

/** Grafana's import: every `__inputs` constant must have an answer, or queries keep a literal `${NAME}`. */
function importDashboard(json: string, answers: Partial<ImportAnswers>): DashboardJson {
  const declared = (JSON.parse(json) as DashboardJson).__inputs ?? [];
  const answered = new Set(Object.keys(answers).map((key) => importInputs[key as keyof ImportAnswers] as string));
  const unanswered = declared.filter((input) => input.type === "constant" && !answered.has(input.name));
  if (unanswered.length > 0) {
    throw new Error(
      `the dashboard asks on import for ${unanswered.map((i) => i.name).join(", ")}, which has no answer`,
    );
  }
  return applyImportAnswers(json, answers) as DashboardJson;
}

/** Rows are layout, not panels; a collapsed row keeps its panels inside itself. */
function visiblePanels(panels: readonly PanelJson[]): PanelJson[] {
  return panels.flatMap((panel) => (panel.type === "row" ? visiblePanels(panel.panels ?? []) : [panel]));
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
    range,
    calculation: panel.options?.reduceOptions?.calcs?.[0],
    time: time ?? {
      rangeSeconds: Math.round((range.toMs - range.fromMs) / 1000),
      intervalSeconds: 0,
      scrapeIntervalSeconds,
    },
    targets: targets.filter((t) => needed.has(t.refId)).map((t) => results.get(t.refId) as TargetResult),
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

function expressionRefs(target: TargetJson): string[] {
  if (target.type === "math")
    return [...(target.expression ?? "").matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] as string);
  return target.expression ? [target.expression] : [];
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

// Server-side expressions (Grafana's SSE): math and reduce, the two kinds a Prometheus dashboard
// needs for ratios of two queries and for one number out of a range.

/** Grafana's SSE tells a time series (range query) from a number (instant query) per result. */
interface Values {
  shape: "series" | "number" | "scalar";
  frames: Frame[];
}

/**
 * Evaluates a panel's expressions after its queries, each once, an expression's inputs first
 * (an expression may read another one further down the panel).
 */
function expressionEvaluator(
  targets: readonly TargetJson[],
  queryResults: ReadonlyMap<string, TargetResult>,
  range: TimeRange,
): (target: TargetJson) => TargetResult {
  const evaluated = new Map<string, { result: TargetResult; values: Values }>();
  const inputOf = (ref: string): { result: TargetResult; values: Values } | undefined => {
    const query = queryResults.get(ref);
    if (query)
      return {
        result: query,
        values: { shape: query.kind === "range" ? "series" : "number", frames: [...query.frames] },
      };
    const target = targets.find((t) => t.refId === ref);
    return target ? evaluate(target) : undefined;
  };
  const evaluate = (target: TargetJson) => {
    const known = evaluated.get(target.refId);
    if (known) return known;
    const started = performance.now();
    const inputs = expressionRefs(target).map(inputOf);
    const base = {
      refId: target.refId,
      kind: "expression",
      hidden: target.hide === true,
      query: target.expression ?? "",
      inputs: inputs.flatMap((i) => (!i ? [] : i.result.kind === "expression" ? i.result.inputs : [i.result.query])),
      reads: [...new Set(inputs.flatMap((i) => i?.result.reads ?? []))],
    } as const;
    const input = (ref: string): Values => {
      const found = inputOf(ref);
      if (!found) throw new Error(`expression ${target.refId}: no result for ${ref}`);
      if (found.result.status === "error") throw new Error(`${ref} failed: ${found.result.error}`);
      return found.values;
    };
    let outcome: { result: TargetResult; values: Values };
    try {
      const values =
        target.type === "math"
          ? evaluateMath(target.expression ?? "", input)
          : target.type === "reduce"
            ? reduce(input(target.expression ?? ""), target, range)
            : unsupported(target);
      const result = {
        ...base,
        status: "success",
        frames: values.frames,
        wallMs: performance.now() - started,
      } as const;
      outcome = { result, values };
    } catch (error) {
      const message = (error as Error).message;
      const result = {
        ...base,
        status: "error",
        error: message,
        frames: [],
        wallMs: performance.now() - started,
      } as const;
      outcome = { result, values: { shape: "number", frames: [] } };
    }
    evaluated.set(target.refId, outcome);
    return outcome;
  };
  return (target) => evaluate(target).result;
}

function unsupported(target: TargetJson): never {
  throw new Error(
    `expression ${target.refId}: type "${target.type}" is not supported by the evaluator (math and reduce are)`,
  );
}

type Operator = "+" | "-" | "*" | "/";

/** `$A / $B`, `${A} * 100`, parentheses: a recursive-descent reading of SSE's math language, arithmetic only. */
function evaluateMath(expression: string, input: (ref: string) => Values): Values {
  const tokens = expression.match(/\$\{\w+\}|\$\w+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|[-+*/()]/gi) ?? [];
  if (tokens.join("") !== expression.replace(/\s+/g, "")) {
    throw new Error(`math expression "${expression}" uses more than arithmetic on queries and numbers`);
  }
  let at = 0;
  const peek = () => tokens[at];
  const operand = (): Values => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`math expression "${expression}" ends early`);
    if (token === "(") {
      const inner = sum();
      if (tokens[at++] !== ")") throw new Error(`math expression "${expression}" misses a ")"`);
      return inner;
    }
    if (token === "-") return combine({ shape: "scalar", frames: [constant(0)] }, operand(), "-");
    if (token.startsWith("$")) return input(token.replace(/[${}]/g, ""));
    return { shape: "scalar", frames: [constant(Number(token))] };
  };
  const product = (): Values => {
    let left = operand();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[at++] as Operator;
      left = combine(left, operand(), op);
    }
    return left;
  };
  function sum(): Values {
    let left = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[at++] as Operator;
      left = combine(left, product(), op);
    }
    return left;
  }
  const result = sum();
  if (at !== tokens.length) throw new Error(`math expression "${expression}": unexpected "${peek()}"`);
  return result;
}

const constant = (value: number): Frame => ({ labels: {}, points: [[Number.NaN, value]] });

function apply(op: Operator, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
  }
}

function combine(a: Values, b: Values, op: Operator): Values {
  if (a.shape === "scalar" && b.shape === "scalar") {
    return { shape: "scalar", frames: [constant(apply(op, scalarOf(a), scalarOf(b)))] };
  }
  if (a.shape === "scalar" || b.shape === "scalar") {
    const [values, scalar] = a.shape === "scalar" ? [b, scalarOf(a)] : [a, scalarOf(b)];
    const pointwise = (v: number) => (a.shape === "scalar" ? apply(op, scalar, v) : apply(op, v, scalar));
    return {
      shape: values.shape,
      frames: values.frames.map((f) => ({
        labels: f.labels,
        points: f.points.map(([t, v]) => [t, pointwise(v)] as Point),
      })),
    };
  }
  const shape = a.shape === "series" || b.shape === "series" ? "series" : "number";
  const points = (fa: Frame, fb: Frame) =>
    a.shape === b.shape
      ? joinPoints(fa, fb, op)
      : a.shape === "series"
        ? withNumber(fa, fb, (v, n) => apply(op, v, n))
        : withNumber(fb, fa, (v, n) => apply(op, n, v));
  return { shape, frames: union(a.frames, b.frames).map(([labels, fa, fb]) => ({ labels, points: points(fa, fb) })) };
}

/** A number applies to every point of a series. */
function withNumber(series: Frame, number: Frame, op: (value: number, number: number) => number): Point[] {
  const n = number.points[0]?.[1] ?? Number.NaN;
  return series.points.map(([t, v]) => [t, op(v, n)] as Point);
}

const scalarOf = (values: Values) => (values.frames[0] as Frame).points[0]?.[1] ?? Number.NaN;

/** SSE pairs results with equal labels, or where one side's labels contain the other's. */
function union(a: readonly Frame[], b: readonly Frame[]): [Record<string, string>, Frame, Frame][] {
  const pairs: [Record<string, string>, Frame, Frame][] = [];
  for (const fa of a) {
    for (const fb of b) {
      const la = withoutName(fa.labels);
      const lb = withoutName(fb.labels);
      if (contains(la, lb)) pairs.push([la, fa, fb]);
      else if (contains(lb, la)) pairs.push([lb, fa, fb]);
    }
  }
  // One result on each side always pairs, whatever their labels.
  if (pairs.length === 0 && a.length === 1 && b.length === 1) pairs.push([{}, a[0] as Frame, b[0] as Frame]);
  return pairs;
}

function withoutName(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

const contains = (outer: Record<string, string>, inner: Record<string, string>) =>
  Object.entries(inner).every(([k, v]) => outer[k] === v);

/** Series meet on equal timestamps; numbers have one point each, whatever its time. */
function joinPoints(a: Frame, b: Frame, op: Operator): Point[] {
  if (a.points.length === 1 && b.points.length === 1) {
    return [[(a.points[0] as Point)[0], apply(op, (a.points[0] as Point)[1], (b.points[0] as Point)[1])]];
  }
  const right = new Map(b.points.map(([t, v]) => [t, v]));
  return a.points.filter(([t]) => right.has(t)).map(([t, v]) => [t, apply(op, v, right.get(t) as number)] as Point);
}

const reducers: Record<string, (values: number[]) => number> = {
  mean: (v) => (v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length),
  sum: (v) => v.reduce((s, x) => s + x, 0),
  min: (v) => (v.length === 0 ? Number.NaN : Math.min(...v)),
  max: (v) => (v.length === 0 ? Number.NaN : Math.max(...v)),
  count: (v) => v.length,
  last: (v) => v[v.length - 1] ?? Number.NaN,
};

function reduce(input: Values, target: TargetJson, range: TimeRange): Values {
  const reducer = reducers[target.reducer ?? ""];
  if (!reducer) throw new Error(`reduce ${target.refId}: reducer "${target.reducer}" is not supported`);
  const mode = target.settings?.mode ?? "";
  const prepare = (values: number[]) =>
    mode === "dropNN"
      ? values.filter(Number.isFinite)
      : mode === "replaceNN"
        ? values.map((v) => (Number.isFinite(v) ? v : (target.settings?.replaceWithValue ?? 0)))
        : values;
  return {
    shape: "number",
    frames: input.frames.map((f) => ({
      labels: f.labels,
      points: [[range.toMs, reducer(prepare(f.points.map(([, v]) => v)))]],
    })),
  };
}

// Lookups the tests and the bench share.

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

/** What the panel draws: the frames of its visible targets. */
export const shownFrames = (panel: PanelResult): Frame[] =>
  panel.targets.filter((t) => !t.hidden).flatMap((t) => [...t.frames]);

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
  min: (f) => (finiteValues(f).length ? Math.min(...finiteValues(f)) : undefined),
  max: (f) => (finiteValues(f).length ? Math.max(...finiteValues(f)) : undefined),
  count: (f) => f.points.length,
};

/** The number a gauge, bar gauge or stat panel shows for one series. */
export function shownValue(panel: PanelResult, frame: Frame): number | undefined {
  const calculation = calculations[panel.calculation ?? "lastNotNull"];
  if (!calculation) throw new Error(`panel "${panel.title}": calculation "${panel.calculation}" is not supported`);
  return calculation(frame);
}
