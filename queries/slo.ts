// The federation delivery objective's indicator: of the ActivityPub deliveries to live servers, the share
// that failed. Good events are PublisherWorker completions, bad ones final delivery failures; failures with
// a dead-instance reason count on neither side (a server that is gone is no delivery we owe).
import { type Builder, type Expr, div, increase, n, or, sub, sum, unless } from "@grafana/promql-builder";
import { scrapeLabels } from "../config";
import { deliveryFailures, federationWorkers, jobCompletions } from "./catalogue";
import { failedShare } from "./alerting";
import { Query, combine } from "./query";
import { type Scope, noneOf, oneOf, series, targetLabelsOf } from "./selectors";
import { countUnit, noUnit, shareUnit } from "./units";

const publisher = federationWorkers[2];

/** Per target in a job scope; the dashboard's one instance keeps its job and instance labels too. */
const byTarget = (scope: Scope) =>
  scope.kind === "job" ? targetLabelsOf(scope) : [scrapeLabels.job, scrapeLabels.instance];

const perTarget = (expr: Builder<Expr>, scope: Scope) => sum(expr).by(byTarget(scope));

/**
 * Final failures to live servers within the window, per target. A failure series is born with its first
 * failure, which increase() has no sample before: a series without a value a window ago counts whole.
 */
export function failedDeliveriesIn(window: string, scope: Scope, deadReasons: readonly string[]): Query {
  const where = { reason: noneOf(deadReasons) };
  const now = series(deliveryFailures, undefined, where, scope);
  const before = series(deliveryFailures, undefined, where, scope).offset(window);
  const grown = increase(series(deliveryFailures, undefined, where, scope).range(window));
  const read = { metric: deliveryFailures, part: undefined, labels: ["reason"] };
  return new Query(perTarget(or(unless(now, before), grown), scope), [read], countUnit);
}

/** PublisherWorker jobs that completed within the window, per target. */
export function deliveredIn(window: string, scope: Scope): Query {
  const completions = series(jobCompletions, "count", { worker: oneOf([publisher]) }, scope).range(window);
  const read = { metric: jobCompletions, part: "count" as const, labels: ["worker"] };
  return new Query(perTarget(increase(completions), scope), [read], countUnit);
}

/** Share of deliveries to live servers that failed within the window (0..1), per target. */
export const failedDeliveryShare = (window: string, scope: Scope, deadReasons: readonly string[]): Query =>
  failedShare(failedDeliveriesIn(window, scope, deadReasons), deliveredIn(window, scope));

/** How many times faster than the objective allows the budget is spent: the failed share over the allowed one. */
export const burnRate = (share: Query, objective: number): Query =>
  combine(div(share.expr, n(allowedShare(objective))), noUnit, share);

/** The error budget left over the window: 1 while nothing failed, 0 once the failures reach it, below 0 past it. */
export const budgetLeft = (share: Query, objective: number): Query =>
  combine(sub(n(1), div(share.expr, n(allowedShare(objective)))), shareUnit, share);

/** The failed share the objective allows; rounded so 1 - 0.99 reads 0.01 in a rule file. */
export const allowedShare = (objective: number) => Number((1 - objective).toPrecision(12));
