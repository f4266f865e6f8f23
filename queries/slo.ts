// The federation delivery objective's indicator: of the ActivityPub deliveries to live servers, the share
// that failed. Good events are PublisherWorker completions, bad ones final delivery failures; failures with
// a dead-instance reason count on neither side (a server that is gone is no delivery we owe).
import { type Builder, type Expr, div, increase, n, or, sub, sum, sumOverTime, unless } from "@grafana/promql-builder";
import { scrapeLabels } from "../config";
import { deliveryFailures, federationWorkers, jobCompletions, jobExceptions } from "./catalogue";
import { failedShare } from "./alerting";
import { Query, type Recording, compose, recordName } from "./query";
import {
  type JobScope,
  type Scope,
  dashboardScope,
  labelsNeeded,
  noneOf,
  oneOf,
  recordedSeries,
  series,
  targetLabelsOf,
} from "./selectors";
import { countUnit, noUnit, shareUnit } from "./units";

const publisher = federationWorkers[2];

/** Per target in a job scope; the dashboard's one instance keeps its job and instance labels too. */
const byTarget = (scope: Scope) =>
  scope.kind === "job" ? targetLabelsOf(scope) : [scrapeLabels.job, scrapeLabels.instance];

const perTarget = (expr: Builder<Expr>, scope: Scope) => sum(expr).by(byTarget(scope));

/**
 * Final failures within the window, per target (and `by`). A failure series is born with its first
 * failure, which increase() has no sample before: a series without a value a window ago counts whole.
 */
function failuresIn(window: string, scope: Scope, where: { reason?: ReturnType<typeof noneOf> }, by: string[] = []) {
  const now = series(deliveryFailures, undefined, where, scope);
  const before = series(deliveryFailures, undefined, where, scope).offset(window);
  const grown = increase(series(deliveryFailures, undefined, where, scope).range(window));
  const read = { metric: deliveryFailures, part: undefined, labels: [...labelsNeeded(where), ...by] };
  return new Query(sum(or(unless(now, before), grown)).by([...byTarget(scope), ...by]), [read], countUnit);
}

/** Final failures to live servers within the window, per target. */
export const failedDeliveriesIn = (window: string, scope: Scope, deadReasons: readonly string[]): Query =>
  failuresIn(window, scope, { reason: noneOf(deadReasons) });

/** Final failures within the window per target and reason, dead-instance reasons too (a rule filters them after). */
export const failuresByReasonIn = (window: string, scope: JobScope): Query => failuresIn(window, scope, {}, ["reason"]);

/** PublisherWorker attempts that raised within the window, per target: the page's leading signal. */
export function failedAttemptsIn(window: string, scope: Scope): Query {
  const raised = series(jobExceptions, "count", { worker: oneOf([publisher]) }, scope).range(window);
  const read = { metric: jobExceptions, part: "count" as const, labels: ["worker"] };
  return new Query(perTarget(increase(raised), scope), [read], countUnit);
}

/** PublisherWorker jobs that completed within the window (ending `ago` before now), per target. */
export function deliveredIn(window: string, scope: Scope, ago?: string): Query {
  const selected = series(jobCompletions, "count", { worker: oneOf([publisher]) }, scope).range(window);
  const completions = ago === undefined ? selected : selected.offset(ago);
  const read = { metric: jobCompletions, part: "count" as const, labels: ["worker"] };
  return new Query(perTarget(increase(completions), scope), [read], countUnit);
}

/** Share of deliveries to live servers that failed within the window (0..1), per target. */
export const failedDeliveryShare = (window: string, scope: Scope, deadReasons: readonly string[]): Query =>
  failedShare(failedDeliveriesIn(window, scope, deadReasons), deliveredIn(window, scope));

/** How many times faster than the objective allows the budget is spent: the failed share over the allowed one. */
export const burnRate = (share: Query, objective: number): Query =>
  compose(noUnit, (expr) => div(expr, n(allowedShare(objective))), share);

/** The error budget left over the window: 1 while nothing failed, 0 once the failures reach it, below 0 past it. */
export const budgetLeft = (share: Query, objective: number): Query =>
  compose(shareUnit, (expr) => sub(n(1), div(expr, n(allowedShare(objective)))), share);

const indicator = "akkoma_ap_deliveries_to_live_servers";
/** The objective's rule file's own names: short, so every expression over them stays short. */
export const sloMetrics = {
  deliveries: "akkoma_live_deliveries",
  attempts: "akkoma_publisher_attempts",
  completions: "akkoma_publisher_completions",
  sentinel: "akkoma_federation_slo_rules",
} as const;

/**
 * The failed share over one of the burn-rate alerts' windows, on the dashboard; over recorded series it
 * reads the share the objective's rule file records for those alerts (rules/slo.ts), so that file is
 * loaded with the others.
 */
export function deliveryShareOfAlertWindow(window: string, deadReasons: readonly string[]): Query {
  const raw = failedDeliveryShare(window, dashboardScope, deadReasons);
  return new Query(raw.expr, raw.reads, raw.unit, {
    expr: (scope) => recordedSeries(recordName(shareRecording(window, deadReasons), scope), dashboardScope),
    recordings: [],
  });
}

/** The share the objective's rule file records for a burn-rate window, each minute. */
export const shareRecording = (window: string, deadReasons: readonly string[]): Recording => ({
  metric: sloMetrics.deliveries,
  operations: `failed_share${window}`,
  by: [],
  interval: "1m",
  rule: (scope) => failedDeliveryShare(window, scope, deadReasons),
});

/**
 * The failed share over the objective's whole period, on the dashboard. Over recorded series it sums
 * the hour-by-hour counts a recording rule writes once an hour: 720 values a target for 30 days, where
 * the raw query reads every sample of every failure series of the month.
 */
export function deliveryShareOverPeriod(period: string, deadReasons: readonly string[]): Query {
  const hourly = (operations: string, rule: (scope: JobScope) => Query): Recording => ({
    metric: indicator,
    operations,
    by: [],
    interval: "1h",
    rule,
  });
  const summed = (raw: Query, recording: Recording, readFirst: readonly Recording[] = []) =>
    new Query(raw.expr, raw.reads, raw.unit, {
      expr: (scope) => sumOverTime(recordedSeries(recordName(recording, scope), dashboardScope).range(period)),
      recordings: [...readFirst, recording],
      instant: true,
    });
  // Per reason first, the dead-instance reasons filtered out of that after: each rule stays short.
  const perReason: Recording = {
    metric: deliveryFailures.name,
    operations: "increase1h_hourly",
    by: ["reason"],
    interval: "1h",
    rule: (scope) => failuresByReasonIn("1h", scope),
  };
  const failed = hourly("failed_increase1h", (scope) => {
    const live = recordedSeries(recordName(perReason, scope), scope, { reason: noneOf(deadReasons) });
    return new Query(sum(live).by(targetLabelsOf(scope)), failuresByReasonIn("1h", scope).reads, countUnit);
  });
  return failedShare(
    summed(failedDeliveriesIn(period, dashboardScope, deadReasons), failed, [perReason]),
    summed(
      deliveredIn(period, dashboardScope),
      hourly("increase1h", (scope) => deliveredIn("1h", scope)),
    ),
  );
}

/** The failed share the objective allows; rounded so 1 - 0.99 reads 0.01 in a rule file. */
export const allowedShare = (objective: number) => Number((1 - objective).toPrecision(12));
