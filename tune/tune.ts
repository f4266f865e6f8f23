// `tune`: what the alerts would have done on this instance. Replays every alert the values render over the
// engine's stored history, at its group's interval, with Prometheus' `for` and `keep_firing_for`, and
// reports per alert and instance how often it fired, for how long, how often it flapped, and when.
import type { DeploymentValues } from "../deploy/values";
import { DashboardError } from "../errors";
import { type RangeClient, defaultMaxPoints, labelKey } from "./engine";
import { type FiringPeriod, firingPeriodsOnGrid } from "./replay";
import { duration, iso } from "./times";
import { type ReplayedRule, replayedRules, targetUp } from "./rules";

const hourMs = 3_600_000;
export const weekMs = 7 * 24 * hourMs;
/** How far back Prometheus looks for a sample by default: a first sample this late still counts as there. */
const lookbackMs = 5 * 60_000;
/** A firing that starts within this of the same series' last one ends counts as a flap. */
export const flapWithinMs = hourMs;

export interface TuneRange {
  readonly startMs: number;
  readonly endMs: number;
}

/** Queries done so far and in all: for a progress bar. */
export type Progress = (done: number, total: number) => void;

export interface Firing extends FiringPeriod {
  /** The alert's labels (alertname aside): the series' own and the rule's. */
  readonly labels: Readonly<Record<string, string>>;
}

/** One alert on one instance (or on none, for an alert that names no instance), over the range. */
export interface AlertHistory {
  readonly alert: string;
  readonly instance?: string;
  readonly severity?: string;
  readonly firings: number;
  readonly firingMs: number;
  readonly longestMs: number;
  /** Firings that started within an hour of the same series' previous one ending. */
  readonly flaps: number;
  readonly periods: readonly Firing[];
}

export interface TuneReport {
  /** What was replayed: the range asked for, from the engine's first sample of the target on. */
  readonly range: TuneRange;
  /** The range asked for. */
  readonly asked: TuneRange;
  /** The series whose samples tell what the engine holds (`up` of the target). */
  readonly target: string;
  readonly intervalMs: number;
  /** Alerts that never fired are listed once, with no instance and zero firings. */
  readonly alerts: readonly AlertHistory[];
}

/**
 * Evaluations of one rule a replay takes at most: each is a time kept per series, and a year at 1m is
 * half a million. Past this (about 694 days at 1m), `tune --range 100y` is refused before any query.
 */
export const maxEvaluations = 1_000_000;

/** The first and last evaluation of a rule group over the range (multiples of its interval), and how many. */
function evaluationSpan(range: TuneRange, intervalMs: number): { first: number; last: number; count: number } {
  const first = Math.ceil(range.startMs / intervalMs) * intervalMs;
  const count = first > range.endMs ? 0 : Math.floor((range.endMs - first) / intervalMs) + 1;
  return { first, last: first + (count - 1) * intervalMs, count };
}

/** Refuses a range with more evaluations of a rule than a replay keeps in memory, before any query. */
export function checkRangeBound(rules: readonly ReplayedRule[], range: TuneRange): void {
  for (const rule of rules) {
    const { count } = evaluationSpan(range, rule.intervalMs);
    if (count > maxEvaluations)
      throw new DashboardError(
        "--range",
        `${duration(range.endMs - range.startMs)} is ${count.toLocaleString("en")} evaluations of ${rule.alert} (every ${duration(rule.intervalMs)}), more than the ${maxEvaluations.toLocaleString("en")} tune replays at once`,
        `at most ${duration(maxEvaluations * rule.intervalMs)}; replay older history in parts with --end`,
      );
  }
}

/** Queries a replay of `rules` over `range` takes. */
export const queriesFor = (rules: readonly ReplayedRule[], range: TuneRange, maxPoints = defaultMaxPoints) =>
  rules.reduce((total, rule) => total + replayChunks(rule.intervalMs, range, maxPoints), 0);

// as many as chunksOf cuts the evaluations into, counted without listing them
const replayChunks = (intervalMs: number, range: TuneRange, maxPoints: number) =>
  Math.ceil(evaluationSpan(range, intervalMs).count / maxPoints);

/** Every firing of one rule over the range, series by series. */
export async function replayRule(
  client: RangeClient,
  rule: ReplayedRule,
  range: TuneRange,
  onChunk?: () => void,
): Promise<Firing[]> {
  const { first, last, count } = evaluationSpan(range, rule.intervalMs);
  if (count === 0) return [];
  const answers = await client.queryRange(rule.expr, first, last, rule.intervalMs, onChunk);
  const grid = { first, intervalMs: rule.intervalMs, count };
  const timing = { forMs: rule.forMs, keepFiringForMs: rule.keepFiringForMs };
  return answers.flatMap((series) => {
    // As Prometheus labels an alert: the series' labels without its name, then the rule's own.
    const { __name__: _name, ...own } = series.labels;
    const labels = { ...own, ...rule.labels };
    return firingPeriodsOnGrid(grid, series.times, timing).map((period) => ({ ...period, labels }));
  });
}

/**
 * The part of `range` the engine holds history for: from its first sample of the target's `up` on. Before
 * it, every alert reading absence (AkkomaTargetMissing) would fire for want of data, not of Akkoma.
 */
export async function coveredRange(
  client: RangeClient,
  target: string,
  range: TuneRange,
  intervalMs: number,
  onChunk?: () => void,
): Promise<TuneRange> {
  const { first, last, count } = evaluationSpan(range, intervalMs);
  const present = count === 0 ? [] : await client.queryRange(`count(${target})`, first, last, intervalMs, onChunk);
  const earliest = present.reduce((min, series) => Math.min(min, series.times[0] ?? Infinity), Infinity);
  if (earliest === Infinity)
    throw new DashboardError(
      "--range",
      `the engine holds no sample of ${target} from ${iso(range.startMs)} to ${iso(range.endMs)}: nothing to replay`,
      "set --end and --range within the engine's history, or the job and selector in --config",
    );
  // present within a scrape or two of the start (Prometheus' 5m lookback): the range is covered
  return earliest - first <= lookbackMs ? range : { startMs: earliest, endMs: range.endMs };
}

export interface TuneRequest {
  readonly client: RangeClient;
  readonly range: TuneRange;
  readonly values?: DeploymentValues;
  readonly progress?: Progress;
  readonly maxPoints?: number;
}

export async function tune(request: TuneRequest): Promise<TuneReport> {
  const rules = replayedRules(request.values);
  checkRangeBound(rules, request.range);
  const intervalMs = rules[0]?.intervalMs ?? 60_000;
  const target = targetUp(request.values);
  // the total is known once the covered range is: until then, the coverage query's chunks and the rest at most
  let total = replayChunks(intervalMs, request.range, request.maxPoints ?? defaultMaxPoints);
  total += queriesFor(rules, request.range, request.maxPoints);
  let done = 0;
  const onChunk = () => request.progress?.(++done, total);
  const range = await coveredRange(request.client, target, request.range, intervalMs, onChunk);
  total = done + queriesFor(rules, range, request.maxPoints);
  const alerts: AlertHistory[] = [];
  for (const rule of rules) {
    // a loop, not push(...): one entry per instance, and spreading 200,000 of them overflows the stack
    for (const history of summarise(rule, await replayRule(request.client, rule, range, onChunk))) alerts.push(history);
  }
  return { range, asked: request.range, target, intervalMs, alerts };
}

/** One entry per instance the rule fired on; one with no firings when it never fired. */
export function summarise(rule: ReplayedRule, firings: readonly Firing[]): AlertHistory[] {
  const severity = rule.labels.severity;
  if (firings.length === 0)
    return [{ alert: rule.alert, severity, firings: 0, firingMs: 0, longestMs: 0, flaps: 0, periods: [] }];
  const byInstance = new Map<string | undefined, Firing[]>();
  for (const firing of firings) {
    const instance = firing.labels.instance;
    const found = byInstance.get(instance);
    // a push, not a copy with one more: copying each time is quadratic in one instance's firings
    if (found) found.push(firing);
    else byInstance.set(instance, [firing]);
  }
  return [...byInstance.entries()]
    .sort(([a], [b]) => (a ?? "").localeCompare(b ?? ""))
    .map(([instance, periods]) => {
      const sorted = [...periods].sort((a, b) => a.startMs - b.startMs);
      const durations = sorted.map((period) => period.endMs - period.startMs);
      return {
        alert: rule.alert,
        ...(instance === undefined ? {} : { instance }),
        severity,
        firings: sorted.length,
        firingMs: durations.reduce((sum, ms) => sum + ms, 0),
        longestMs: durations.reduce((longest, ms) => Math.max(longest, ms), 0),
        flaps: flapsOf(sorted),
        periods: sorted,
      };
    });
}

/** Firings that started within an hour after the same alert series last resolved. */
function flapsOf(periods: readonly Firing[]): number {
  const lastEnd = new Map<string, number>();
  let flaps = 0;
  for (const period of periods) {
    const key = labelKey(period.labels);
    const end = lastEnd.get(key);
    if (end !== undefined && period.startMs - end < flapWithinMs) flaps++;
    lastEnd.set(key, period.endMs);
  }
  return flaps;
}
