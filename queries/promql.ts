import {
  avgOverTime,
  div,
  gt,
  histogramQuantile,
  increase,
  mul,
  n,
  or,
  rate,
  sum,
  vect,
  type Expr,
} from "@grafana/promql-builder";
import type { Builder } from "@grafana/promql-builder";
import { windows } from "../config";
import type { Metric } from "./catalogue";
import { type Matchers, type SeriesPart, series } from "./selectors";

export type Query = Builder<Expr>;

/** Grafana widens this to cover at least four scrapes, so rate() always has two samples to work with. */
export const rateWindow = "$__rate_interval";

type CountedMetric<L extends string> = Metric<L, "counter" | "histogram">;
type Options<L extends string> = { by?: readonly L[]; where?: Matchers<L> };

const eventSeries = (metric: Metric): SeriesPart | undefined => (metric.kind === "histogram" ? "count" : undefined);

const sumBy = (expr: Query, by: readonly string[] | undefined) => {
  const total = sum(expr);
  return by && by.length > 0 ? total.by([...by]) : total;
};

/** A gauge's current value, as exported. */
export const currentValue = <L extends string>(metric: Metric<L>, where?: Matchers<L>): Query =>
  series(metric, undefined, where);

/** Events per minute: a counter's (or a histogram's `_count`) rate, scaled to minutes. */
export const eventsPerMinute = <L extends string>(metric: CountedMetric<L>, options: Options<L> = {}): Query =>
  mul(sumBy(rate(series(metric, eventSeries(metric), options.where).range(rateWindow)), options.by), n(60));

/** Events over a whole window (e.g. the panel's `$__range`), only where there were any. */
export const eventsOver = <L extends string>(
  metric: CountedMetric<L>,
  window: string,
  options: Options<L> = {},
): Query => gt(sumBy(increase(series(metric, eventSeries(metric), options.where).range(window)), options.by), n(0));

/** Time spent per second of wall time, from a histogram's `_sum` (in the histogram's own unit). */
export const timeSpentPerSecond = <L extends string>(metric: Metric<L, "histogram">, options: Options<L> = {}): Query =>
  sumBy(rate(series(metric, "sum", options.where).range(rateWindow)), options.by);

/** The phi-quantile of one event's duration, across all label values. */
export const durationQuantile = (phi: number, metric: Metric<string, "histogram">): Query =>
  histogramQuantile(phi, sum(rate(series(metric, "bucket").range(rateWindow))).by(["le"]));

/** Mean duration of one event: time spent divided by events, over the rate window. */
export const meanDuration = (metric: Metric<string, "histogram">): Query =>
  div(sum(rate(series(metric, "sum").range(rateWindow))), sum(rate(series(metric, "count").range(rateWindow))));

/** Average of Akkoma's polled value between two scrapes: growth of the sum over growth of the poll count. */
export const averagePerPoll = (metric: Metric<string, "sumCountPair">): Query =>
  div(rate(series(metric, "psum").range(rateWindow)), rate(series(metric, "pcount").range(rateWindow)));

/** Per-second growth of a gauge that holds a cumulative total (Akkoma's port IO byte counts). */
export const growthPerSecond = (metric: Metric<string, "gauge">): Query =>
  rate(series(metric, undefined).range(rateWindow));

/** Fraction of scrapes that succeeded over a window (1 = always up). */
export const fractionUp = (metric: Metric<never, "gauge">, window: string): Query =>
  avgOverTime(series(metric, undefined).range(window));

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
): Query => div(sum(increase(series(metric, part, where).range(window))), n(minutesIn(window)));

/** For a lazy series: read no events as 0 rather than as no data. */
export const orZero = (query: Query): Query => or(query, vect(0));

export { add } from "@grafana/promql-builder";
