// An alerting rule's states over time, as Prometheus' rule manager moves them (rules/alerting.go,
// AlertingRule.Eval): a series the expression returns becomes pending, fires once it has been returned for
// `for`, and resolves at the first evaluation that no longer returns it, unless `keep_firing_for` keeps it
// firing that long after. A series that comes back after resolving starts pending again.

/** One firing: from the evaluation it started firing at to the first that found it resolved. */
export interface FiringPeriod {
  readonly startMs: number;
  /** The evaluation it resolved at; the range's end (plus a step) if it was still firing there. */
  readonly endMs: number;
  readonly ongoing: boolean;
}

export interface AlertTiming {
  readonly forMs: number;
  readonly keepFiringForMs: number;
}

/**
 * The firing periods of one alert series, given the evaluation times in order and the times at which the
 * expression returned the series.
 */
export function firingPeriods(
  evaluations: readonly number[],
  returned: ReadonlySet<number>,
  timing: AlertTiming,
): FiringPeriod[] {
  const periods: FiringPeriod[] = [];
  let state: "inactive" | "pending" | "firing" = "inactive";
  let activeAtMs = 0;
  let firedAtMs = 0;
  let keepFiringSinceMs: number | undefined;
  for (const at of evaluations) {
    if (returned.has(at)) {
      if (state === "inactive") {
        state = "pending";
        activeAtMs = at;
      }
      keepFiringSinceMs = undefined;
      if (state === "pending" && at - activeAtMs >= timing.forMs) {
        state = "firing";
        firedAtMs = at;
      }
      continue;
    }
    if (state === "firing" && timing.keepFiringForMs > 0) {
      keepFiringSinceMs ??= at;
      if (at - keepFiringSinceMs < timing.keepFiringForMs) continue;
    }
    if (state === "firing") periods.push({ startMs: firedAtMs, endMs: at, ongoing: false });
    state = "inactive";
    keepFiringSinceMs = undefined;
  }
  const last = evaluations[evaluations.length - 1];
  if (state === "firing" && last !== undefined) {
    const step = evaluations.length > 1 ? last - (evaluations[evaluations.length - 2] as number) : 0;
    periods.push({ startMs: firedAtMs, endMs: last + step, ongoing: true });
  }
  return periods;
}

/** Evaluations every `intervalMs` from `first` on, `count` of them. */
export interface EvaluationGrid {
  readonly first: number;
  readonly intervalMs: number;
  readonly count: number;
}

/**
 * What firingPeriods gives for the grid's evaluations, in time linear in the times returned rather than
 * in the evaluations: a state changes only at a returned time, or after one. `returned`: ascending
 * times on the grid, as a range query answers.
 */
export function firingPeriodsOnGrid(
  grid: EvaluationGrid,
  returned: readonly number[],
  timing: AlertTiming,
): FiringPeriod[] {
  const { first, intervalMs, count } = grid;
  if (count === 0) return [];
  const last = first + (count - 1) * intervalMs;
  /** The first evaluation at or after `ms`. */
  const onOrAfter = (ms: number) => first + Math.max(0, Math.ceil((ms - first) / intervalMs)) * intervalMs;
  const periods: FiringPeriod[] = [];
  let firedAtMs: number | undefined;
  for (let i = 0; i < returned.length;) {
    // a run: returned at consecutive evaluations from `start` to `end`
    const start = returned[i] as number;
    let end = start;
    for (i++; i < returned.length && (returned[i] as number) <= end + intervalMs; i++)
      end = Math.max(end, returned[i] as number);
    if (start < first || end > last) continue;
    // pending from `start` unless already firing (kept by keep_firing_for), firing once held for `for`
    if (firedAtMs === undefined) {
      const fires = onOrAfter(start + timing.forMs);
      if (fires <= end) firedAtMs = fires;
    }
    if (firedAtMs === undefined) continue;
    const gap = end + intervalMs;
    if (gap > last) break;
    // resolves at the first evaluation without it that is keep_firing_for past the first without it
    const resolves = timing.keepFiringForMs > 0 ? onOrAfter(gap + timing.keepFiringForMs) : gap;
    const next = returned[i];
    if (next !== undefined && next <= resolves) continue; // back by the time it would resolve: still firing
    if (resolves > last) break;
    periods.push({ startMs: firedAtMs, endMs: resolves, ongoing: false });
    firedAtMs = undefined;
  }
  if (firedAtMs !== undefined)
    periods.push({ startMs: firedAtMs, endMs: last + (count > 1 ? intervalMs : 0), ongoing: true });
  return periods;
}
