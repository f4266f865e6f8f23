// Builders for rule files: every instance of one scrape job (a `Scope`) at once. Each aggregation keeps
// the job and instance labels, so every alert names the target it is about.
import {
  type Builder,
  type Expr,
  type VectorExprBuilder,
  absent,
  and,
  deriv,
  eq,
  gt,
  gte,
  lt,
  lte,
  minOverTime,
  mul,
  n,
  or,
  rate,
  sum,
  unless,
} from "@grafana/promql-builder";
import type { Metric, SeriesPart } from "./catalogue";
import { Query, add, combine, compose, ratio } from "./query";
import { type JobScope as Scope, type Matchers, labelsNeeded, series, targetLabelsOf } from "./selectors";
import { type Unit, noUnit, perSecondUnit, sameUnit, shareUnit, valueUnit } from "./units";

type ScopedOptions<L extends string> = { by?: readonly L[]; where?: Matchers<L> };

const scoped = <L extends string>(metric: Metric<L>, part: SeriesPart | undefined, scope: Scope, where?: Matchers<L>) =>
  new Query(series(metric, part, where, scope), [{ metric, part, labels: labelsNeeded(where) }], valueUnit(metric));

const rangeOf = (query: Query, fn: (expr: Builder<Expr>) => Builder<Expr>, window: string, unit: Unit) =>
  combine(fn((query.expr as VectorExprBuilder).range(window)), unit, query);

const perTarget = (query: Query, scope: Scope, by: readonly string[] = []): Query =>
  new Query(sum(query.expr).by([...targetLabelsOf(scope), ...by]), query.reads, query.unit).usingLabels(by);

/** A series as exported, every instance of the scope's job. */
export const seriesIn = <L extends string>(metric: Metric<L>, scope: Scope, where?: Matchers<L>): Query =>
  scoped(metric, undefined, scope, where);

/** 1 (labelled with the selector's equality matchers, not the instance) when no such series exists. */
export const absentIn = (metric: Metric, scope: Scope): Query => {
  const present = scoped(metric, undefined, scope);
  return combine(absent(present.expr), noUnit, present);
};

/** Per-second rate of a counter (or a histogram's or pair's part), per target and `by` labels. */
export const rateIn = <L extends string>(
  metric: Metric<L>,
  part: SeriesPart | undefined,
  window: string,
  scope: Scope,
  options: ScopedOptions<L> = {},
): Query =>
  perTarget(
    rangeOf(scoped(metric, part, scope, options.where), rate, window, perSecondUnit(metric, part)),
    scope,
    options.by,
  );

/** Average of Akkoma's polled value over a window, per target: growth of the sum over growth of the polls. */
export const pollAverageIn = (metric: Metric<string, "sumCountPair">, window: string, scope: Scope): Query =>
  ratio(rateIn(metric, "psum", window, scope), rateIn(metric, "pcount", window, scope), valueUnit(metric));

/** Mean duration of one event over a window, per target (in the histogram's unit). */
export const meanDurationIn = (metric: Metric<string, "histogram">, window: string, scope: Scope): Query =>
  ratio(rateIn(metric, "sum", window, scope), rateIn(metric, "count", window, scope), valueUnit(metric));

/** The lowest and the trend (per second) of a gauge over a window, per series. */
export const lowestIn = <L extends string>(metric: Metric<L, "gauge">, window: string, scope: Scope): Query =>
  rangeOf(scoped(metric, undefined, scope), minOverTime, window, valueUnit(metric));
export const slopeIn = <L extends string>(metric: Metric<L, "gauge">, window: string, scope: Scope): Query =>
  rangeOf(scoped(metric, undefined, scope), deriv, window, perSecondUnit(metric, undefined));

/** `query`, or 0 for every series of `other` that `query` lacks (a lazy series not born yet). */
export const orZeroLike = (query: Query, other: Query): Query =>
  compose(query.unit, (expr, otherExpr) => or(expr, mul(otherExpr as Builder<Expr>, n(0))), query, other);

/** Failed share of attempts, where either side may not exist yet: failures / (failures + successes). */
export const failedShare = (failures: Query, successes: Query): Query =>
  ratio(orZeroLike(failures, successes), attempts(failures, successes), shareUnit);

/** Attempts (failures + successes), where either side may not exist yet. */
export const attempts = (failures: Query, successes: Query): Query =>
  add(orZeroLike(failures, successes), orZeroLike(successes, failures));

/** `query * factor`, whose unit the caller names (per second times 60 is per minute). */
export const scaledBy = (query: Query, factor: number, unit: Unit): Query =>
  combine(mul(query.expr, n(factor)), unit, query);
export const above = (query: Query, threshold: number): Query =>
  combine(gt(query.expr, n(threshold)), query.unit, query);
export const below = (query: Query, threshold: number): Query =>
  combine(lt(query.expr, n(threshold)), query.unit, query);
/** `left <= right`: series of `left` (its values) no greater than the same labels' series of `right`. */
export const notAbove = (left: Query, right: Query): Query =>
  combine(lte(left.expr, right.expr), left.unit, left, right);
/** `left and on(labels) right`: series of `left` whose `labels` some series of `right` has. */
export const alongside = (left: Query, right: Query, on: readonly string[]): Query =>
  combine(and(left.expr, right.expr).on([...on]), left.unit, left, right);
export const atLeast = (query: Query, threshold: number): Query =>
  combine(gte(query.expr, n(threshold)), query.unit, query);
export const equalTo = (query: Query, value: number): Query => combine(eq(query.expr, n(value)), query.unit, query);
/** `left and right`: series of `left` that `right` also has (same labels). */
export const both = (left: Query, right: Query): Query => combine(and(left.expr, right.expr), left.unit, left, right);
/** `left or right`: every series of `left`, and those of `right` that `left` lacks: both in one unit. */
export const either = (left: Query, right: Query): Query =>
  combine(or(left.expr, right.expr), sameUnit("or", left, right), left, right);
/** `left unless on(labels) right`: series of `left` whose `labels` no series of `right` has. */
export const lacking = (left: Query, right: Query, on: readonly string[]): Query =>
  combine(unless(left.expr, right.expr).on([...on]), left.unit, left, right);
