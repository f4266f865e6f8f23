import {
  absent,
  and,
  avgOverTime,
  deriv,
  eq,
  gte,
  minOverTime,
  unless,
  type VectorExprBuilder,
  add as addExprs,
  div,
  gt,
  histogramQuantile,
  increase,
  labelReplace,
  resets,
  lastOverTime,
  lte,
  mul,
  n,
  or,
  rate,
  sortDesc,
  sub,
  subquery,
  sum,
  sumOverTime,
  topk,
  vect,
  type Builder,
  type Expr,
} from "@grafana/promql-builder";
import { scrapeLabels, windows } from "../config";
import type { Metric, SeriesPart } from "./catalogue";
import { type Matchers, type Scope, escapeRegex, series } from "./selectors";

/** One catalogue series a query reads, and the labels the query relies on it having. */
export interface SeriesRead {
  readonly metric: Metric;
  readonly part: SeriesPart | undefined;
  /** Labels in matchers, groupings and legends (the scraper's job and instance aside). */
  readonly labels: readonly string[];
}

/** Something that goes blank or silent when a series it reads is not exported: a panel or an alert. */
export interface Reader {
  readonly kind: "panel" | "alert";
  readonly name: string;
  readonly reads: readonly SeriesRead[];
}

/** PromQL built from the catalogue, with the record of what it reads, so nothing parses PromQL back. */
export class Query {
  constructor(
    readonly expr: Builder<Expr>,
    readonly reads: readonly SeriesRead[],
  ) {}

  toString(): string {
    return this.expr.toString();
  }

  /** The same query, relying on `labels` of every series it reads that has them (e.g. a legend's). */
  usingLabels(labels: readonly string[]): Query {
    return new Query(
      this.expr,
      this.reads.map((read) =>
        withLabels(
          read,
          labels.filter((label) => hasLabel(read, label)),
        ),
      ),
    );
  }
}

const hasLabel = (read: SeriesRead, label: string) =>
  (read.metric.labels as readonly string[]).includes(label) || (label === "le" && read.part === "bucket");

const withLabels = (read: SeriesRead, labels: readonly string[]): SeriesRead => ({
  ...read,
  labels: [...new Set([...read.labels, ...labels])],
});

/** A selector of one catalogue series: the only way a metric enters a query. */
const selector = <L extends string>(metric: Metric<L>, part?: SeriesPart, where: Matchers<L> = {}) => ({
  expr: series(metric, part, where),
  read: { metric, part, labels: Object.keys(where) } as SeriesRead,
});

const combine = (expr: Builder<Expr>, ...parts: readonly Query[]) =>
  new Query(
    expr,
    parts.flatMap((part) => part.reads),
  );

/** Grafana widens this to cover at least four scrapes, so rate() always has two samples to work with. */
export const rateWindow = "$__rate_interval";

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

/** `fn(selector[window])`, recording the series read. */
const overRange = <L extends string>(
  fn: (expr: Builder<Expr>) => Builder<Expr>,
  metric: Metric<L>,
  part: SeriesPart | undefined,
  window: string,
  where?: Matchers<L>,
) => {
  const { expr, read } = selector(metric, part, where);
  return new Query(fn(expr.range(window)), [read]);
};

const sumBy = (query: Query, by: readonly string[] | undefined, options: Options<string> = {}): Query => {
  if (!by || by.length === 0) return combine(sum(query.expr), query);
  // Before the sum: VictoriaMetrics 1.79's label_replace on a sum of subqueries mixes up label values.
  let named = query;
  for (const [label, text] of Object.entries(options.emptyAs ?? {}) as [string, string][]) {
    named = combine(labelReplace(named.expr, quoted(label), quoted(text), quoted(label), quoted("")), named);
  }
  for (const [label, prefix] of Object.entries(options.stripPrefix ?? {}) as [string, string][]) {
    const pattern = `${escapeRegex(prefix)}(.*)`;
    named = combine(labelReplace(named.expr, quoted(label), quoted("$1"), quoted(label), quoted(pattern)), named);
  }
  return new Query(sum(named.expr).by([...by]), named.reads).usingLabels(by);
};

/** A gauge's current value, as exported. */
export const currentValue = <L extends string>(metric: Metric<L>, where?: Matchers<L>): Query => {
  const { expr, read } = selector(metric, undefined, where);
  return new Query(expr, [read]);
};

/** Events per minute: a counter's (or a histogram's `_count`) rate, scaled to minutes. */
export const eventsPerMinute = <L extends string>(metric: CountedMetric<L>, options: Options<L> = {}): Query => {
  const perSecond = sumBy(overRange(rate, metric, eventSeries(metric), rateWindow, options.where), options.by, options);
  return combine(mul(perSecond.expr, n(60)), perSecond);
};

/** Events over a whole window (e.g. the panel's `$__range`), only where there were any. */
export const eventsOver = <L extends string>(
  metric: CountedMetric<L>,
  window: string,
  options: Options<L> = {},
): Query => {
  const total = sumBy(overRange(increase, metric, eventSeries(metric), window, options.where), options.by);
  return combine(gt(total.expr, n(0)), total);
};

/**
 * How often a lazily created counter counted, per series, over a whole window: the sum of its
 * per-minute steps, where a series' first value, or its first value after a drop (Akkoma
 * restarted), is an increase from 0. increase() cannot do this on Prometheus, which never counts a
 * series' first value (a host that failed once shows nothing); VictoriaMetrics' increase() guesses
 * it from the series' shape. The step's "previous value" looks back an hour, past failed scrapes.
 * Only series that counted anything.
 */
export const eventsCountedOver = <L extends string>(
  metric: Metric<L, "counter">,
  window: string,
  options: Options<L> = {},
): Query => {
  const now = selector(metric, undefined, options.where);
  const before = selector(metric, undefined, options.where);
  const previous = lastOverTime(before.expr.range(counterLookback).offset(counterStep));
  // A previous value above the current one is a reset; none at all is a birth: both count from 0.
  const base = or(lte(previous, now.expr), mul(now.expr, n(0)));
  const steps = new Query(sumOverTime(subquery(sub(now.expr, base)).range(window).resolution(counterStep)), [
    now.read,
    before.read,
  ]);
  const total = sumBy(steps, options.by, options);
  return combine(gt(total.expr, n(0)), total);
};

/** One step of eventsCountedOver: Akkoma refreshes its counters once a minute. */
const counterStep = "1m";
/** A failed scrape leaves a gap in the counter; a previous value this old still counts as previous. */
const counterLookback = "1h";

/** The `k` largest series, largest first (an instant query keeps this order in Grafana's bar gauge). */
export const largest = (k: number, query: Query): Query => combine(sortDesc(topk(k, query.expr)), query);

/** The `k` largest series at each step. */
export const top = (k: number, query: Query): Query => combine(topk(k, query.expr), query);

/** All but the `k` largest series at each step, as one sum (the legend's "everything else"). */
export const restBeyondTop = (k: number, query: Query): Query =>
  combine(sub(sum(query.expr), sum(topk(k, query.expr))), query);

// promql-builder writes label_replace's string arguments as they are given.
const quoted = (text: string) => JSON.stringify(text);

/** Time spent per second of wall time, from a histogram's `_sum` (in the histogram's own unit). */
export const timeSpentPerSecond = <L extends string>(metric: Metric<L, "histogram">, options: Options<L> = {}): Query =>
  sumBy(overRange(rate, metric, "sum", rateWindow, options.where), options.by, options);

/** The phi-quantile of one event's duration, across all label values. */
export const durationQuantile = (phi: number, metric: Metric<string, "histogram">): Query => {
  const buckets = sumBy(overRange(rate, metric, "bucket", rateWindow), ["le"]);
  return combine(histogramQuantile(phi, buckets.expr), buckets);
};

/** Mean duration of one event: time spent divided by events, over the rate window. */
export const meanDuration = (metric: Metric<string, "histogram">): Query =>
  ratio(
    sumBy(overRange(rate, metric, "sum", rateWindow), undefined),
    sumBy(overRange(rate, metric, "count", rateWindow), undefined),
  );

/** Average of Akkoma's polled value between two scrapes: growth of the sum over growth of the poll count. */
export const averagePerPoll = (metric: Metric<string, "sumCountPair">): Query =>
  ratio(overRange(rate, metric, "psum", rateWindow), overRange(rate, metric, "pcount", rateWindow));

/** Per-second growth of a gauge that holds a cumulative total (Akkoma's port IO byte counts). */
export const growthPerSecond = (metric: Metric<string, "gauge">): Query =>
  overRange(rate, metric, undefined, rateWindow);

/**
 * Fraction of scrapes that succeeded over a window (1 = always up). With `scraperDowntimeIsDowntime`,
 * minutes without any `up` sample (the scraper itself was down) count as down, one a minute.
 */
export const fractionUp = (
  metric: Metric<never, "gauge">,
  window: string,
  options: { scraperDowntimeIsDowntime?: boolean } = {},
): Query => {
  if (!options.scraperDowntimeIsDowntime) return overRange(avgOverTime, metric, undefined, window);
  const { expr, read } = selector(metric);
  const everyMinute = subquery(or(sum(expr), vect(0)))
    .range(window)
    .resolution(counterStep);
  return new Query(avgOverTime(everyMinute), [read]);
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
  const total = sumBy(overRange(increase, metric, part, window, where), undefined);
  return combine(div(total.expr, n(minutesIn(window))), total);
};

/** `left / right`, matching series by their labels. */
export const ratio = (left: Query, right: Query): Query => combine(div(left.expr, right.expr), left, right);

/** `left + right`, matching series by their labels. */
export const add = (left: Query, right: Query): Query => combine(addExprs(left.expr, right.expr), left, right);

/** For a lazy series: read no events as 0 rather than as no data. */
export const orZero = (query: Query): Query => combine(or(query.expr, vect(0)), query);

/** Grafana's step for the query: restart marks look at what happened within each step. */
const stepWindow = "$__interval";

/**
 * Steps in which a counter started again from 0 (Akkoma restarted), valued by how far it dropped: its
 * lowest value in the step below its last one before the step (looking back `lookback`, past an outage),
 * or a drop between two values inside the step. Only steps with a restart.
 */
export const restartsOf = <L extends string>(
  metric: CountedMetric<L> | Metric<L, "sumCountPair">,
  part: SeriesPart | undefined,
  lookback: string,
): Query => {
  const lowest = overRange(minOverTime, metric, part, stepWindow);
  const before = selector(metric, part);
  const dropped = new Query(sub(lastOverTime(before.expr.range(lookback).offset(stepWindow)), lowest.expr), [
    before.read,
    ...lowest.reads,
  ]);
  const inside = overRange(resets, metric, part, stepWindow);
  return combine(or(gt(dropped.expr, n(0)), gt(inside.expr, n(0))), dropped, inside);
};

// Alert rules read every instance of one scrape job (a `Scope`); each aggregation keeps the job and instance
// labels, so every alert names the target it is about.

const targetLabels = [scrapeLabels.job, scrapeLabels.instance];

type ScopedOptions<L extends string> = { by?: readonly L[]; where?: Matchers<L> };

const scoped = <L extends string>(metric: Metric<L>, part: SeriesPart | undefined, scope: Scope, where?: Matchers<L>) =>
  new Query(series(metric, part, where, scope), [{ metric, part, labels: Object.keys(where ?? {}) }]);

const rangeOf = (query: Query, fn: (expr: Builder<Expr>) => Builder<Expr>, window: string) =>
  combine(fn((query.expr as VectorExprBuilder).range(window)), query);

const perTarget = (query: Query, by: readonly string[] = []): Query =>
  new Query(sum(query.expr).by([...targetLabels, ...by]), query.reads).usingLabels(by);

/** A series as exported, every instance of the scope's job. */
export const seriesIn = <L extends string>(metric: Metric<L>, scope: Scope, where?: Matchers<L>): Query =>
  scoped(metric, undefined, scope, where);

/** 1 (labelled with the selector's equality matchers, not the instance) when no such series exists. */
export const absentIn = (metric: Metric, scope: Scope): Query => {
  const present = scoped(metric, undefined, scope);
  return combine(absent(present.expr), present);
};

/** Per-second rate of a counter (or a histogram's or pair's part), per target and `by` labels. */
export const rateIn = <L extends string>(
  metric: Metric<L>,
  part: SeriesPart | undefined,
  window: string,
  scope: Scope,
  options: ScopedOptions<L> = {},
): Query => perTarget(rangeOf(scoped(metric, part, scope, options.where), rate, window), options.by);

/** Average of Akkoma's polled value over a window, per target: growth of the sum over growth of the polls. */
export const pollAverageIn = (metric: Metric<string, "sumCountPair">, window: string, scope: Scope): Query =>
  ratio(rateIn(metric, "psum", window, scope), rateIn(metric, "pcount", window, scope));

/** Mean duration of one event over a window, per target (in the histogram's unit). */
export const meanDurationIn = (metric: Metric<string, "histogram">, window: string, scope: Scope): Query =>
  ratio(rateIn(metric, "sum", window, scope), rateIn(metric, "count", window, scope));

/**
 * Events of a lazy counter within a window, per target and `by` labels. A series born inside the window
 * counts its whole value: increase() has no sample before the first and would miss that first event.
 */
export const eventsInWindow = <L extends string>(
  metric: Metric<L, "counter">,
  window: string,
  scope: Scope,
  options: ScopedOptions<L> = {},
): Query => {
  // Selector builders are mutable (range, offset): each use gets its own.
  const now = scoped(metric, undefined, scope, options.where);
  const before = series(metric, undefined, options.where, scope).offset(window);
  const grown = rangeOf(scoped(metric, undefined, scope, options.where), increase, window);
  return perTarget(combine(or(unless(now.expr, before), grown.expr), now, grown), options.by);
};

/** The lowest and the trend (per second) of a gauge over a window, per series. */
export const lowestIn = <L extends string>(metric: Metric<L, "gauge">, window: string, scope: Scope): Query =>
  rangeOf(scoped(metric, undefined, scope), minOverTime, window);
export const slopeIn = <L extends string>(metric: Metric<L, "gauge">, window: string, scope: Scope): Query =>
  rangeOf(scoped(metric, undefined, scope), deriv, window);

/** `query`, or 0 for every series of `other` that `query` lacks (a lazy series not born yet). */
export const orZeroLike = (query: Query, other: Query): Query =>
  combine(or(query.expr, mul(other.expr, n(0))), query, other);

/** Failed share of attempts, where either side may not exist yet: failures / (failures + successes). */
export const failedShare = (failures: Query, successes: Query): Query =>
  ratio(orZeroLike(failures, successes), attempts(failures, successes));

/** Attempts (failures + successes), where either side may not exist yet. */
export const attempts = (failures: Query, successes: Query): Query =>
  add(orZeroLike(failures, successes), orZeroLike(successes, failures));

export const scaledBy = (query: Query, factor: number): Query => combine(mul(query.expr, n(factor)), query);
export const above = (query: Query, threshold: number): Query => combine(gt(query.expr, n(threshold)), query);
export const atLeast = (query: Query, threshold: number): Query => combine(gte(query.expr, n(threshold)), query);
export const equalTo = (query: Query, value: number): Query => combine(eq(query.expr, n(value)), query);
/** `left and right`: series of `left` that `right` also has (same labels). */
export const both = (left: Query, right: Query): Query => combine(and(left.expr, right.expr), left, right);
/** `left or right`: every series of `left`, and those of `right` that `left` lacks. */
export const either = (left: Query, right: Query): Query => combine(or(left.expr, right.expr), left, right);
