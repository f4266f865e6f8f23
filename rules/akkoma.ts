// Recording rules: what the alerts compute, each named `level:metric:operations` (Prometheus' naming
// convention), so an alert reads as one line over recorded series. The alerts are built over the same
// inputs twice: raw for Grafana-managed rules (which cannot rely on a Prometheus recording them), recorded
// for the Prometheus rule files.
import type { Builder, Expr } from "@grafana/promql-builder";
import {
  type Metric,
  deliveryFailures,
  jobCompletions,
  jobExceptions,
  seriesName,
  vmMemory,
} from "../queries/catalogue";
import {
  above,
  attempts,
  either,
  failedShare,
  meanDurationIn,
  orZeroLike,
  pollAverageIn,
  rateIn,
} from "../queries/alerting";
import { counterSteps, eventsCountedOver, eventsSummedOver } from "../queries/promql";
import { Query, type Recording, add, ratio, recordName } from "../queries/query";
import { shareUnit } from "../queries/units";
import { objectiveSentinel } from "./slo";
import { type JobScope, type Matchers, noneOf, oneOf, recordedSeries, targetLabelsOf } from "../queries/selectors";

type WorkerMatchers = Matchers<"worker">;

/** What the alerts compute from Akkoma's series, per target (and worker, reason, target host). */
export interface AlertInputs {
  /** Akkoma's polls per second (each poll adds one to every pcount). */
  pollRate(window: string): Query;
  /** Share of a worker's jobs that raised. */
  jobFailedShare(window: string, workers: WorkerMatchers): Query;
  /** The share of each worker's jobs that raised, where above its bar (the workers' matchers, each with a bar). */
  jobsFailingAbove(window: string, bars: readonly (readonly [WorkerMatchers, number])[]): Query;
  /** A worker's jobs per second, failed or not. */
  jobAttempts(window: string, workers: WorkerMatchers): Query;
  /** Final delivery failures per reason within the window, dead-instance reasons and `except` left out. */
  deliveryFailuresByReason(window: string, except: readonly string[]): Query;
  /** Final delivery failures with `reason` per remote host within the window. */
  deliveryFailuresByTarget(window: string, reason: string): Query;
  /** Mean of a polled value over the window. */
  pollAverage(pair: Metric<string, "sumCountPair">, window: string): Query;
  /** Mean duration of one event over the window. */
  meanDuration(histogram: Metric<string, "histogram">, window: string): Query;
  /** The objective's sentinel, for every target scraped while the objective's group is evaluated (rules/slo.ts). */
  objectiveEvaluated(): Query;
}

/** The inputs as raw PromQL over Akkoma's series. */
export function rawInputs(scope: JobScope, deadInstanceReasons: readonly string[]): AlertInputs {
  const jobRate = (metric: typeof jobExceptions, window: string, where: WorkerMatchers) =>
    rateIn(metric, "count", window, scope, { by: ["worker"], where });
  return {
    pollRate: (window) => rateIn(vmMemory, "pcount", window, scope),
    jobFailedShare: (window, where) =>
      failedShare(jobRate(jobExceptions, window, where), jobRate(jobCompletions, window, where)),
    jobAttempts: (window, where) =>
      attempts(jobRate(jobExceptions, window, where), jobRate(jobCompletions, window, where)),
    jobsFailingAbove(window, bars) {
      const [first, ...more] = bars.map(([where, bar]) => above(this.jobFailedShare(window, where), bar));
      return more.reduce(either, first as Query);
    },
    deliveryFailuresByReason: (window, except) => {
      const left = [...deadInstanceReasons, ...except];
      return eventsCountedOver(deliveryFailures, window, {
        scope,
        by: ["reason"],
        where: left.length > 0 ? { reason: noneOf(left) } : {},
      });
    },
    deliveryFailuresByTarget: (window, reason) =>
      eventsCountedOver(deliveryFailures, window, {
        scope,
        by: ["target", "reason"],
        where: { reason: oneOf([reason]) },
      }),
    pollAverage: (pair, window) => pollAverageIn(pair, window, scope),
    meanDuration: (histogram, window) => meanDurationIn(histogram, window, scope),
    objectiveEvaluated: () => objectiveSentinel(scope).query,
  };
}

/** A recording rule: the series' name, and the raw query it records. */
export interface RecordingRule {
  readonly record: string;
  readonly query: Query;
}

/**
 * The inputs over recorded series, and the recording rules they need (filled as the alerts ask for
 * inputs). Each rule records the unfiltered aggregate; the alert's own filter (a worker, a reason) stays
 * in the alert, so one recorded series serves every alert that reads it.
 */
export function recordedInputs(
  scope: JobScope,
  deadInstanceReasons: readonly string[],
): { inputs: AlertInputs; rules: () => RecordingRule[] } {
  const raw = rawInputs(scope, deadInstanceReasons);
  const rawNoDead = rawInputs(scope, []);
  const rules = new Map<string, RecordingRule>();
  const level = (...by: string[]) => [...targetLabelsOf(scope), ...by].join("_");
  const recorded = (record: string, query: Query, where: Matchers<string> = {}): Query => {
    if (!rules.has(record)) rules.set(record, { record, query });
    return new Query(recordedSeries(record, scope, where) as Builder<Expr>, query.reads, query.unit);
  };
  const jobs = seriesName(jobExceptions.name);
  const failures = deliveryFailures.name;
  // A worker's exceptions and completions per second, each 0 where only the other exists yet (both are
  // lazy); the attempts and the failed share are then short rules over these two, later in the group.
  const jobRates = (window: string) => {
    const rateOf = (metric: typeof jobExceptions) => rateIn(metric, "count", window, scope, { by: ["worker"] });
    const [exceptions, completions] = [rateOf(jobExceptions), rateOf(jobCompletions)];
    const name = (metric: typeof jobExceptions) =>
      `${level("worker")}:${seriesName(metric.name, "count")}:rate${window}`;
    const failed = recorded(name(jobExceptions), orZeroLike(exceptions, completions));
    const done = recorded(name(jobCompletions), orZeroLike(completions, exceptions));
    const tried = recorded(`${level("worker")}:oban_job_attempts:rate${window}`, add(failed, done));
    return { failed, tried };
  };
  return {
    inputs: {
      pollRate: (window) =>
        recorded(`${level()}:${seriesName(vmMemory.name, "pcount")}:rate${window}`, raw.pollRate(window)),
      jobFailedShare: (window, where) => {
        const { failed, tried } = jobRates(window);
        return recorded(`${level("worker")}:${jobs}:share_rate${window}`, ratio(failed, tried, shareUnit), where);
      },
      jobAttempts: (window, where) => {
        const { tried } = jobRates(window);
        return recorded(`${level("worker")}:oban_job_attempts:rate${window}`, tried, where);
      },
      // Several bars (workers with their own) make a long condition: the workers under the first bar and
      // those over their own are recorded apart, so the alert stays short. The first bar, the one a values
      // file tunes, stays in the alert: a recording holds only what no tuning changes.
      jobsFailingAbove(window, bars) {
        const [first, ...own] = bars;
        const [where, bar] = first as (typeof bars)[number];
        const share = this.jobFailedShare(window, where);
        if (own.length === 0) return above(share, bar);
        const name = `${level("worker")}:${jobs}:share_rate${window}`;
        return either(
          above(recorded(`${name}_under_first_bar`, share), bar),
          recorded(`${name}_above_own_bar`, raw.jobsFailingAbove.call(this, window, own)),
        );
      },
      // Every reason is counted here, the dead-instance ones too: their list is long, so the alert filters
      // them out of this short rule's series, along with the reasons it leaves to other alerts.
      deliveryFailuresByReason: (window, except) =>
        recorded(`${level("reason")}:${failures}:increase${window}`, rawNoDead.deliveryFailuresByReason(window, []), {
          reason: noneOf([...deadInstanceReasons, ...except]),
        }),
      // Per host, only the reason an alert reads: hosts times reasons is the largest set of any rule here.
      // Each minute's step is recorded first, so the window's sum reads recorded steps, not a subquery.
      deliveryFailuresByTarget: (window, reason) => {
        const name = `${level("target", "reason")}:${failures}`;
        const slug = reason.replace(/[^a-zA-Z0-9_]/g, "_");
        const where = { reason: oneOf([reason]) };
        const steps = recorded(`${name}:step1m_${slug}`, counterSteps(deliveryFailures, { scope, where }));
        return recorded(
          `${name}:increase${window}_${slug}`,
          eventsSummedOver(steps, window, { scope, by: ["target", "reason"], recorded: true }),
        );
      },
      pollAverage: (pair, window) =>
        recorded(`${level()}:${pair.name}:poll_mean${window}`, raw.pollAverage(pair, window)),
      meanDuration: (histogram, window) =>
        recorded(`${level()}:${histogram.name}:mean${window}`, raw.meanDuration(histogram, window)),
      // Recorded by the objective's own group, not this one: read, never registered here.
      objectiveEvaluated: () => objectiveSentinel(scope).recorded,
    },
    rules: () => [...rules.values()],
  };
}

/** A group of recording rules evaluated at one interval. */
export interface RecordingGroup {
  readonly interval: string;
  readonly rules: readonly RecordingRule[];
}

/**
 * The rules the dashboard's recorded form reads (queries/promql.ts says which queries have one), in a
 * rule file's scope, a group for each evaluation interval; a series the alerts' rules already record is
 * left out (one name, one rule).
 */
export function dashboardRecordingGroups(
  recordings: readonly Recording[],
  scope: JobScope,
  recordedAlready: readonly RecordingRule[],
): RecordingGroup[] {
  const taken = new Set(recordedAlready.map((rule) => rule.record));
  const groups = new Map<string, RecordingRule[]>();
  for (const recording of recordings) {
    const record = recordName(recording, scope);
    if (taken.has(record)) continue;
    taken.add(record);
    groups.set(recording.interval, [
      ...(groups.get(recording.interval) ?? []),
      { record, query: recording.rule(scope) },
    ]);
  }
  return [...groups].map(([interval, rules]) => ({ interval, rules }));
}
