// Recording rules of the federation delivery objective, named `level:metric:operations` like
// rules/akkoma.ts's. Each signal is a failed count and a succeeded count over a window (each 0 where only
// the other exists: both series are lazy), then all events and the failed share, each rule reading only
// rules before it in the objective's one group (evaluated in order), and none long: the dead-instance
// reasons, the longest matcher, are filtered once, out of a per-reason count.
import { div, n, sum } from "@grafana/promql-builder";
import { Query, add, compose, ratio, recordName } from "../queries/query";
import { atLeast, attempts, failedShare, notAbove, orZeroLike, scaledBy, seriesIn } from "../queries/alerting";
import { type JobScope, noneOf, recordedSeries, targetLabelsOf } from "../queries/selectors";
import { deliveredIn, failedAttemptsIn, failedDeliveriesIn, failuresByReasonIn, sloMetrics } from "../queries/slo";
import { deliveryFailures, up } from "../queries/catalogue";
import { countUnit, noUnit, shareUnit } from "../queries/units";
import { durationMs } from "../queries/durations";
import type { RecordingRule } from "./akkoma";

/** One of the objective's signals over a window: failed events (0 where only successes exist), all events, the failed share. */
export interface Signal {
  failed(window: string): Query;
  total(window: string): Query;
  share(window: string): Query;
}

/**
 * Whether deliveries still complete at this target's usual pace: its completions over `window`, and what it
 * usually completes in as long (its completions over `usual`, ending `ago` before now, scaled to `window`).
 */
export interface Pace {
  readonly window: string;
  readonly usual: string;
  readonly ago: string;
  /** Fewer usual completions in `window` than this: no pace at all (too little traffic to tell). */
  readonly minUsual: number;
  /** Attempts over `ago` under this share of the deliveries usually made in as long: no pace (traffic fell, nothing is cut off). */
  readonly minAttemptsOfUsual: number;
}

/** What the objective's alerts read: deliveries to live servers (the budget), PublisherWorker attempts (the page). */
export interface SloSignals {
  readonly deliveries: Signal;
  readonly attempts: Signal;
  /** Completions over `pace.window` as a share of the usual ones, where the target has enough usual traffic and still attempts at its usual scale. */
  delivered(pace: Pace): Query;
}

/** How many `window`s `usual` holds: the usual count over `usual`, divided by it, is per `window`. */
const windowsIn = (pace: Pace) => durationMs(pace.usual) / durationMs(pace.window);

/** The usual completions per `pace.window`, where at least `pace.minUsual`. */
const usualDeliveries = (scope: JobScope, pace: Pace): Query =>
  atLeast(
    compose(countUnit, (expr) => div(expr, n(windowsIn(pace))), deliveredIn(pace.usual, scope, pace.ago)),
    pace.minUsual,
  );

/** `usual` where this target's attempts over `pace.ago` are at least `minAttemptsOfUsual` of the deliveries usually made in as long. */
function stillAttempting(usual: Query, attemptsOverAgo: Query, pace: Pace): Query {
  const factor = durationMs(pace.window) / (durationMs(pace.ago) * pace.minAttemptsOfUsual);
  return notAbove(usual, factor === 1 ? attemptsOverAgo : scaledBy(attemptsOverAgo, factor, countUnit));
}

/**
 * The sentinel of the objective's rule file: recorded at each evaluation for every target scraped, whatever
 * its traffic (from `up`), so a missing series says the objective's group is not evaluated (a file not
 * loaded, a group failing, a remote write lost), never that a quiet instance delivered nothing.
 */
export function objectiveSentinel(scope: JobScope): { record: string; query: Query; recorded: Query } {
  const record = recordName(
    { metric: sloMetrics.sentinel, operations: "evaluated", by: [], interval: "1m", rule: () => undefined as never },
    scope,
  );
  const scraped = seriesIn(up, scope);
  const query = new Query(sum(scraped.expr).by(targetLabelsOf(scope)), scraped.reads, noUnit);
  return { record, query, recorded: new Query(recordedSeries(record, scope), query.reads, noUnit) };
}

type Counts = (window: string) => Query;

const rawSignal = (failed: Counts, succeeded: Counts): Signal => ({
  failed: (window) => orZeroLike(failed(window), succeeded(window)),
  total: (window) => attempts(failed(window), succeeded(window)),
  share: (window) => failedShare(failed(window), succeeded(window)),
});

/** The signals as raw PromQL over Akkoma's series (Grafana-managed rules). */
export const rawSignals = (scope: JobScope, deadReasons: readonly string[]): SloSignals => ({
  deliveries: rawSignal(
    (window) => failedDeliveriesIn(window, scope, deadReasons),
    (window) => deliveredIn(window, scope),
  ),
  // An attempt that did not raise completed: a delivery.
  attempts: rawSignal(
    (window) => failedAttemptsIn(window, scope),
    (window) => deliveredIn(window, scope),
  ),
  delivered: (pace) => {
    const attempted = attempts(failedAttemptsIn(pace.ago, scope), deliveredIn(pace.ago, scope));
    const usual = stillAttempting(usualDeliveries(scope, pace), attempted, pace);
    return ratio(deliveredIn(pace.window, scope), usual, shareUnit);
  },
});

/** The signals over recorded series, and the recording rules they need in order (filled as the alerts ask). */
export function recordedSignals(
  scope: JobScope,
  deadReasons: readonly string[],
): { signals: SloSignals; rules: () => RecordingRule[] } {
  const rules = new Map<string, RecordingRule>();
  const nameOf = (metric: string, operations: string, by: string[] = []) =>
    recordName({ metric, operations, by, interval: "1m", rule: () => undefined as never }, scope);
  const recorded = (record: string, query: Query): Query => {
    if (!rules.has(record)) rules.set(record, { record, query });
    return new Query(recordedSeries(record, scope), query.reads, query.unit);
  };
  // Each count or 0 straight from what it reads, and the share over both: an alert reads recordings
  // two rules deep at most, so when its inputs end it ends within an evaluation or two of its raw form.
  const signal = (metric: string, failed: Counts, succeeded: Counts): Signal => {
    const chain = (window: string) => {
      const named = (operations: string, query: Query) => recorded(nameOf(metric, operations), query);
      const [failures, successes] = [failed(window), succeeded(window)];
      const failedOrZero = named(`failed_increase${window}`, orZeroLike(failures, successes));
      const succeededOrZero = named(`succeeded_increase${window}`, orZeroLike(successes, failures));
      const total = named(`increase${window}`, add(failedOrZero, succeededOrZero));
      const share = named(`failed_share${window}`, ratio(failedOrZero, add(failedOrZero, succeededOrZero), shareUnit));
      return { failed: failedOrZero, total, share };
    };
    return {
      failed: (window) => chain(window).failed,
      total: (window) => chain(window).total,
      share: (window) => chain(window).share,
    };
  };
  // Per reason first (dead ones too), then the live ones summed: the long list of dead reasons once.
  const liveFailures = (window: string) => {
    const record = nameOf(deliveryFailures.name, `increase${window}`, ["reason"]);
    const perReason = recorded(record, failuresByReasonIn(window, scope));
    const live = recordedSeries(record, scope, { reason: noneOf(deadReasons) });
    const summed = new Query(sum(live).by(targetLabelsOf(scope)), perReason.reads, countUnit);
    return recorded(nameOf(sloMetrics.deliveries, `live_failures_increase${window}`), summed);
  };
  const attemptSignal = signal(
    sloMetrics.attempts,
    (window) => failedAttemptsIn(window, scope),
    (window) => deliveredIn(window, scope),
  );
  // The usual pace (absent under its floor) and the recent completions, then their ratio where the
  // attempts (recorded above, for the share) are still at the usual scale: no rule over 300 characters.
  const delivered = (pace: Pace) => {
    const named = (operations: string, query: Query) => recorded(nameOf(sloMetrics.completions, operations), query);
    const usual = named(`usual_increase${pace.window}`, usualDeliveries(scope, pace));
    const recent = named(`increase${pace.window}`, deliveredIn(pace.window, scope));
    const guarded = stillAttempting(usual, attemptSignal.total(pace.ago), pace);
    return named(`delivered_share${pace.window}`, ratio(recent, guarded, shareUnit));
  };
  return {
    signals: {
      deliveries: signal(sloMetrics.deliveries, liveFailures, (window) => deliveredIn(window, scope)),
      attempts: attemptSignal,
      delivered,
    },
    rules: () => [...rules.values()],
  };
}
