// Typed PromQL for the dashboard's panels, over catalogue entries (never metric-name strings).
import {
  avgOverTime,
  minOverTime,
  div,
  gt,
  histogramQuantile,
  lt,
  unless,
  increase,
  labelReplace,
  lastOverTime,
  gte,
  mul,
  n,
  or,
  rate,
  sortDesc,
  sub,
  subquery,
  sum,
  time,
  timestamp,
  sumOverTime,
  topk,
  vect,
  type Builder,
  type Expr,
  type VectorExprBuilder,
} from "@grafana/promql-builder";
import { recording as recorded, windows } from "../config";
import { type Metric, type SeriesPart, bucketLabel, seriesName } from "./catalogue";
import { Query, type Recording, type SeriesRead, combine, compose, ratio, recordName } from "./query";
import {
  type JobScope,
  type Matchers,
  type Scope,
  dashboardScope,
  escapeRegex,
  labelsNeeded,
  recordedSeries,
  series,
  targetLabelsOf,
} from "./selectors";
import {
  type Unit,
  countUnit,
  daysUnit,
  eventsPerMinuteUnit,
  perMinuteUnit,
  perSecondUnit,
  shareUnit,
  valueUnit,
} from "./units";

/** A selector of one catalogue series: the only way a metric enters a query. */
const selector = <L extends string>(
  metric: Metric<L>,
  part?: SeriesPart,
  where: Matchers<L> = {},
  scope: Scope = dashboardScope,
) => ({
  expr: series(metric, part, where, scope),
  read: { metric, part, labels: labelsNeeded(where) } as SeriesRead,
});

/** Grafana widens this to cover at least four scrapes, so rate() always has two samples to work with. */
export const rateWindow = "$__rate_interval";

/** Grafana's step for the query: restart marks look at what happened within each step. */
const stepWindow = "$__interval";

type CountedMetric<L extends string> = Metric<L, "counter" | "histogram">;
type Options<L extends string> = {
  by?: readonly L[];
  where?: Matchers<L>;
  /** Legend text for an empty label value (Akkoma leaves some empty; a nameless line reads as a bug). */
  emptyAs?: Partial<Record<L, string>>;
  /** A prefix every value of the label shares, left out of the legend (`Pleroma.Workers.`). */
  stripPrefix?: Partial<Record<L, string>>;
};

const eventSeries = (metric: Metric): SeriesPart | undefined => (metric.kind === "histogram" ? "count" : undefined);

/** `fn(selector[window])`, recording the series read, its result in `unit`. */
const overRange = <L extends string>(
  fn: (expr: Builder<Expr>) => Builder<Expr>,
  unit: Unit,
  metric: Metric<L>,
  part: SeriesPart | undefined,
  window: string,
  where?: Matchers<L>,
  scope?: Scope,
) => {
  const { expr, read } = selector(metric, part, where, scope);
  return new Query(fn(expr.range(window)), [read], unit);
};

/** The per-second rate of one series over the rate window. */
const rateOf = <L extends string>(metric: Metric<L>, part: SeriesPart | undefined, where?: Matchers<L>) =>
  overRange(rate, perSecondUnit(metric, part), metric, part, rateWindow, where);

const sumBy = (query: Query, by: readonly string[] | undefined, options: Options<string> = {}): Query => {
  if (!by || by.length === 0) return combine(sum(query.expr), query.unit, query);
  // Before the sum: VictoriaMetrics 1.79's label_replace on a sum of subqueries mixes up label values.
  let named = query;
  for (const [label, text] of Object.entries(options.emptyAs ?? {}) as [string, string][]) {
    named = combine(
      labelReplace(named.expr, quoted(label), quoted(text), quoted(label), quoted("")),
      named.unit,
      named,
    );
  }
  for (const [label, prefix] of Object.entries(options.stripPrefix ?? {}) as [string, string][]) {
    const pattern = `${escapeRegex(prefix)}(.*)`;
    named = combine(
      labelReplace(named.expr, quoted(label), quoted("$1"), quoted(label), quoted(pattern)),
      named.unit,
      named,
    );
  }
  return new Query(sum(named.expr).by([...by]), named.reads, named.unit).usingLabels(by);
};

/** The sum per target (and `keep` labels) a recording rule writes. */
const perTargetSum = (query: Query, scope: JobScope, keep: readonly string[]): Query =>
  new Query(sum(query.expr).by([...targetLabelsOf(scope), ...keep]), query.reads, query.unit);

/**
 * `raw`, with its form over `recording`'s series: those series (the dashboard's job and instance),
 * filtered by `where`, then `after` (what `raw` does with the aggregate the rule records).
 */
const recordable = (
  raw: Query,
  recording: Recording,
  where: Matchers<string>,
  after: (recordedSeries: Query) => Query = (query) => query,
): Query =>
  new Query(raw.expr, raw.reads, raw.unit, {
    expr: (scope) =>
      after(new Query(recordedSeries(recordName(recording, scope), dashboardScope, where), raw.reads, raw.unit)).expr,
    recordings: [recording],
  });

/** Labels a recording keeps so the dashboard can group (`by`) and filter (`where`) it as the raw query does. */
const keptFor = (options: Options<string>) => [
  ...new Set([...(options.by ?? []), ...Object.keys(options.where ?? {})]),
];

/**
 * What a recording rule writes each minute for a counter: its sum per target (and `keep` labels),
 * `sum by (job, instance, keep) (x)`, itself a counter. The dashboard takes its rate over
 * `$__rate_interval` as the raw query takes each series': the same samples' times, so the same value at
 * every range, where a recorded rate over a fixed window, sampled once a step, would miss what fell
 * between two samples at 30 days. A rate of a sum is wrong when the summed counters reset apart; Akkoma's
 * reset together, when it restarts. One difference stays: a series born inside the window counts its
 * first value in the sum's growth, which the raw rate() never counts.
 */
const counterSumRecording = (metric: Metric, part: SeriesPart | undefined, keep: readonly string[]): Recording => ({
  metric: seriesName(metric.name, part),
  operations: "sum",
  by: keep,
  interval: recorded.rateInterval,
  rule: (scope) => {
    const { expr, read } = selector(metric, part, {}, scope);
    return perTargetSum(new Query(expr, [read], countUnit), scope, keep);
  },
});

/** `rate(x[$__rate_interval])` of a recorded counter sum, in the unit of the raw rate. */
const rateOfRecorded = (recordedSum: Query, unit: Unit): Query =>
  new Query(rate((recordedSum.expr as VectorExprBuilder).range(rateWindow)), recordedSum.reads, unit);

/** `sum by (by) (rate(x[$__rate_interval]))`, recordable as the rate of a recorded per-target sum. */
const summedRate = <L extends string>(metric: Metric<L>, part: SeriesPart | undefined, options: Options<L> = {}) => {
  const raw = sumBy(rateOf(metric, part, options.where), options.by, options);
  return recordable(raw, counterSumRecording(metric, part, keptFor(options)), options.where ?? {}, (perTarget) =>
    sumBy(rateOfRecorded(perTarget, raw.unit), options.by, options),
  );
};

/** A gauge's current value, as exported. */
export const currentValue = <L extends string>(metric: Metric<L>, where?: Matchers<L>): Query => {
  const { expr, read } = selector(metric, undefined, where);
  return new Query(expr, [read], valueUnit(metric));
};

/** Events per minute: a counter's (or a histogram's `_count`) rate, scaled to minutes. */
export const eventsPerMinute = <L extends string>(metric: CountedMetric<L>, options: Options<L> = {}): Query => {
  const perSecond = summedRate(metric, eventSeries(metric), options);
  return compose(eventsPerMinuteUnit(metric), (expr) => mul(expr, n(60)), perSecond);
};

/** Events over a whole window (e.g. the panel's `$__range`), only where there were any. */
export const eventsOver = <L extends string>(
  metric: CountedMetric<L>,
  window: string,
  options: Options<L> = {},
): Query => {
  const total = sumBy(overRange(increase, countUnit, metric, eventSeries(metric), window, options.where), options.by);
  return combine(gt(total.expr, n(0)), total.unit, total);
};

/**
 * How often a lazily created counter counted, per series, over a whole window: the sum of its
 * per-minute steps, where a series' first value, or its first value after a drop (Akkoma
 * restarted), is an increase from 0. increase() cannot do this on Prometheus, which never counts a
 * series' first value (a host that failed once shows nothing) and extrapolates the rest;
 * VictoriaMetrics' increase() guesses it from the series' shape. The step's "previous value" looks
 * back an hour, past failed scrapes. Only series that counted anything. On the dashboard it reads the
 * selected instance; given a job's `scope` (the alerts), every instance, per target.
 */
export const eventsCountedOver = <L extends string>(
  metric: Metric<L, "counter">,
  window: string,
  options: Options<L> & { scope?: JobScope } = {},
): Query => eventsSummedOver(counterSteps(metric, options), window, options);

/**
 * What a lazily created counter counted in each minute, per series (eventsCountedOver's step): growth
 * since its previous value, or its whole value where the previous one is higher (a reset) or missing (a birth).
 */
export const counterSteps = <L extends string>(
  metric: Metric<L, "counter">,
  options: Pick<Options<L>, "where"> & { scope?: JobScope } = {},
): Query => {
  // Selector builders are mutable (range, offset): each use gets its own. Each use is also one more
  // read of the series on VictoriaMetrics, so the step is written with as few as it can be.
  const { scope, where } = options;
  const now = selector(metric, undefined, where, scope);
  const again = selector(metric, undefined, where, scope);
  const before = selector(metric, undefined, where, scope);
  const previous = lastOverTime(before.expr.range(counterLookback).offset(counterStep));
  const step = or(gte(sub(now.expr, previous), n(0)), mul(again.expr, n(1)));
  return new Query(step, [now.read, before.read], countUnit);
};

/**
 * eventsCountedOver over its steps, given as a query (raw, or a recorded series of them): their sum over
 * the window, per target (and `by`), only where there were any.
 */
export const eventsSummedOver = <L extends string>(
  steps: Query,
  window: string,
  options: Options<L> & { scope?: JobScope; recorded?: boolean } = {},
): Query => {
  const { scope } = options;
  const summed = new Query(
    sumOverTime(
      options.recorded
        ? (steps.expr as VectorExprBuilder).range(window)
        : subquery(steps.expr).range(window).resolution(counterStep),
    ),
    steps.reads,
    countUnit,
  );
  const by = scope ? [...targetLabelsOf(scope), ...(options.by ?? [])] : options.by;
  const total = sumBy(summed, by, options);
  return combine(gt(total.expr, n(0)), total.unit, total);
};

/** One step of eventsCountedOver: Akkoma refreshes its counters once a minute. */
const counterStep = "1m";
/** A failed scrape leaves a gap in the counter; a previous value this old still counts as previous. */
const counterLookback = "1h";

/** The `k` largest series, largest first (an instant query keeps this order in Grafana's bar gauge). */
export const largest = (k: number, query: Query): Query => combine(sortDesc(topk(k, query.expr)), query.unit, query);

/** The `k` largest series at each step. */
export const top = (k: number, query: Query): Query => compose(query.unit, (expr) => topk(k, expr), query);

// promql-builder writes label_replace's string arguments as they are given.
const quoted = (text: string) => JSON.stringify(text);

/** Time spent per second of wall time, from a histogram's `_sum` (in the histogram's own unit). */
export const timeSpentPerSecond = <L extends string>(metric: Metric<L, "histogram">, options: Options<L> = {}): Query =>
  summedRate(metric, "sum", options);

/**
 * The phi-quantile of one event's duration, across all label values. No recorded form: its buckets per
 * target are as many series as the raw ones, so a recording would save nothing.
 */
export const durationQuantile = (phi: number, metric: Metric<string, "histogram">): Query => {
  const buckets = sumBy(rateOf(metric, "bucket"), [bucketLabel]);
  return combine(histogramQuantile(phi, buckets.expr), valueUnit(metric), buckets);
};

/** Mean duration of one event: time spent divided by events, over the rate window. */
export const meanDuration = (metric: Metric<string, "histogram">): Query =>
  ratio(summedRate(metric, "sum"), summedRate(metric, "count"), valueUnit(metric));

/** Average of Akkoma's polled value between two scrapes: growth of the sum over growth of the poll count. */
export const averagePerPoll = (metric: Metric<string, "sumCountPair">): Query =>
  ratio(summedRate(metric, "psum"), summedRate(metric, "pcount"), valueUnit(metric));

/** Per-second growth of a gauge that holds a cumulative total (Akkoma's port IO byte counts). */
export const growthPerSecond = (metric: Metric<string, "gauge">): Query => summedRate(metric, undefined);

/**
 * Fraction of scrapes that succeeded over a window (1 = always up). With `scraperDowntimeIsDowntime`,
 * minutes without any `up` sample (the scraper itself was down) count as down, one a minute.
 */
export const fractionUp = (
  metric: Metric<never, "gauge">,
  window: string,
  options: { scraperDowntimeIsDowntime?: boolean } = {},
): Query => {
  if (!options.scraperDowntimeIsDowntime) return overRange(avgOverTime, shareUnit, metric, undefined, window);
  const { expr, read } = selector(metric);
  const everyMinute = subquery(or(sum(expr), vect(0)))
    .range(window)
    .resolution(counterStep);
  return new Query(avgOverTime(everyMinute), [read], shareUnit);
};

export type TrendWindow = (typeof windows)["day" | "twoDays"];
export const minutesIn = (window: TrendWindow) => Number.parseInt(window, 10) * 60;

/**
 * Average per minute over a long trailing window, as one cheap increase() per step. Unlike the
 * reference's `avg_over_time(rate(sum(x)[1m])[24h])`, this is valid PromQL on Prometheus too, and
 * it reads each sample once per step instead of once per minute of the window.
 */
export const averagePerMinuteOver = <L extends string>(
  window: TrendWindow,
  metric: Metric<L, "counter" | "histogram">,
  part: "count" | "sum" | undefined,
  where?: Matchers<L>,
): Query => {
  const unit = part === "sum" ? valueUnit(metric) : countUnit;
  const perMinute = (total: Query) =>
    combine(div(total.expr, n(minutesIn(window))), perMinuteUnit(metric, part), total);
  const keep = Object.keys(where ?? {});
  const trend: Recording = {
    metric: seriesName(metric.name, part),
    operations: `increase${window}`,
    by: keep,
    interval: recorded.trendInterval,
    rule: (scope) => perTargetSum(overRange(increase, unit, metric, part, window, {}, scope), scope, keep),
  };
  // Evaluated once an hour: each point reads the latest evaluation, however the group's hour is offset.
  return recordable(
    perMinute(sumBy(overRange(increase, unit, metric, part, window, where), undefined)),
    trend,
    where ?? {},
    (latest) =>
      perMinute(
        sumBy(
          combine(lastOverTime((latest.expr as VectorExprBuilder).range(recorded.trendInterval)), unit, latest),
          undefined,
        ),
      ),
  );
};

/**
 * Steps in which a count of polls since boot first reads below `belowPolls`: the step holding the
 * first scrape after a restart, however long the outage before it, valued by that count. The step
 * after it, whose previous step already read a small count, gets no mark, so a restart is one mark.
 * Each step reads its own window and the previous one: every sample twice, whatever the zoom.
 */
export const restartsOf = <L extends string>(
  metric: CountedMetric<L> | Metric<L, "sumCountPair">,
  part: SeriesPart | undefined,
  belowPolls: number,
): Query => {
  // A mark's value is a count of polls: it is drawn as a mark, never with a unit.
  const unit = valueUnit(metric);
  const now = overRange(minOverTime, unit, metric, part, stepWindow);
  const before = selector(metric, part);
  const previous = new Query(minOverTime(before.expr.range(stepWindow).offset(stepWindow)), [before.read], unit);
  return combine(unless(lt(now.expr, n(belowPolls)), lt(previous.expr, n(belowPolls))), unit, now, previous);
};

/**
 * The days of `metric` the engine holds within the last `window`: from its first hourly sighting to now
 * (from its latest sample while it has none at an hourly step).
 * A Prometheus keeping its default 15 days says about 15 where the window is 30.
 */
export const daysHeld = (metric: Metric, window: string): Query => {
  const { expr, read } = selector(metric);
  // Within its first hour a scraper has no sample at an hourly step yet: then its first is its latest.
  const firstSeen = or(minOverTime(subquery(timestamp(expr)).range(window).resolution("1h")), timestamp(expr));
  return new Query(div(sub(time(), firstSeen), n(86_400)), [read], daysUnit);
};
