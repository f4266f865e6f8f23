// `tune`: what the alerts would have done on this instance. Replays every alert the values render over the
// engine's stored history, at its group's interval, with Prometheus' `for` and `keep_firing_for`, and
// reports per alert and instance how often it fired, for how long, how often it flapped, and when.
import type { DeploymentValues } from "../deploy/values";
import { type RangeClient, chunksOf, defaultMaxPoints, labelKey } from "./engine";
import { type FiringPeriod, firingPeriods } from "./replay";
import { type ReplayedRule, replayedRules } from "./rules";

const hourMs = 3_600_000;
export const weekMs = 7 * 24 * hourMs;
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
  readonly range: TuneRange;
  readonly intervalMs: number;
  /** Alerts that never fired are listed once, with no instance and zero firings. */
  readonly alerts: readonly AlertHistory[];
}

/** The evaluation times of a rule group over the range: multiples of its interval, as a scheduler would. */
export function evaluationTimes(range: TuneRange, intervalMs: number): number[] {
  const first = Math.ceil(range.startMs / intervalMs) * intervalMs;
  const times: number[] = [];
  for (let at = first; at <= range.endMs; at += intervalMs) times.push(at);
  return times;
}

/** Queries a replay of `rules` over `range` takes. */
export const queriesFor = (rules: readonly ReplayedRule[], range: TuneRange, maxPoints = defaultMaxPoints) =>
  rules.reduce((total, rule) => total + replayChunks(rule, range, maxPoints), 0);

const replayChunks = (rule: ReplayedRule, range: TuneRange, maxPoints: number) => {
  const times = evaluationTimes(range, rule.intervalMs);
  return times.length === 0
    ? 0
    : chunksOf(times[0] as number, times[times.length - 1] as number, rule.intervalMs, maxPoints).length;
};

/** Every firing of one rule over the range, series by series. */
export async function replayRule(
  client: RangeClient,
  rule: ReplayedRule,
  range: TuneRange,
  onChunk?: () => void,
): Promise<Firing[]> {
  const times = evaluationTimes(range, rule.intervalMs);
  if (times.length === 0) return [];
  const answers = await client.queryRange(
    rule.expr,
    times[0] as number,
    times[times.length - 1] as number,
    rule.intervalMs,
    onChunk,
  );
  const timing = { forMs: rule.forMs, keepFiringForMs: rule.keepFiringForMs };
  return answers.flatMap((series) => {
    // As Prometheus labels an alert: the series' labels without its name, then the rule's own.
    const { __name__: _name, ...own } = series.labels;
    const labels = { ...own, ...rule.labels };
    return firingPeriods(times, new Set(series.times), timing).map((period) => ({ ...period, labels }));
  });
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
  const total = queriesFor(rules, request.range, request.maxPoints);
  let done = 0;
  const onChunk = () => request.progress?.(++done, total);
  const alerts: AlertHistory[] = [];
  for (const rule of rules) {
    // a loop, not push(...): one entry per instance, and spreading 200,000 of them overflows the stack
    for (const history of summarise(rule, await replayRule(request.client, rule, request.range, onChunk)))
      alerts.push(history);
  }
  return { range: request.range, intervalMs: rules[0]?.intervalMs ?? 0, alerts };
}

/** One entry per instance the rule fired on; one with no firings when it never fired. */
export function summarise(rule: ReplayedRule, firings: readonly Firing[]): AlertHistory[] {
  const severity = rule.labels.severity;
  if (firings.length === 0)
    return [{ alert: rule.alert, severity, firings: 0, firingMs: 0, longestMs: 0, flaps: 0, periods: [] }];
  const byInstance = new Map<string | undefined, Firing[]>();
  for (const firing of firings) {
    const instance = firing.labels.instance;
    byInstance.set(instance, [...(byInstance.get(instance) ?? []), firing]);
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
