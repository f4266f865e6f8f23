// What happened in a synthetic history, series by series: the truths a panel's rates, averages and
// quantiles are checked against. Read from the values the recorder wrote, counted the way the
// exporter counts (cumulative since boot), never through PromQL.
import { type SyntheticSeries, type Timeline, scrapeIntervalMs } from "./recorder";

export type LabelTest = (labels: Readonly<Record<string, string>>) => boolean;

export interface SeriesTruths {
  /**
   * What the counters named `name` (a histogram's `_count`, `_sum` or `_bucket` too) whose labels pass
   * `where` counted in (fromMs, toMs], summed: a series' first value, and its first after a restart,
   * count from 0. A window reaching before the history counts from its first scrape.
   */
  increase(name: string, fromMs: number, toMs: number, where?: LabelTest): number;
  /**
   * True when every such series was seen by every scrape of [fromMs - 1 scrape, toMs], or by none:
   * no outage, restart, birth or reset there, so an engine's rate over the window has nothing to guess.
   */
  steady(name: string, fromMs: number, toMs: number, where?: LabelTest): boolean;
  /** The phi-quantile histogram_quantile() finds in the buckets' increase over (fromMs, toMs]. */
  bucketQuantile(phi: number, name: string, fromMs: number, toMs: number): number;
  /** Whether the scraper reached Akkoma at the scrape at atMs. */
  upAt(atMs: number): boolean;
  /** The value of the one gauge series named so at the scrape at or before atMs; undefined if it saw none. */
  gaugeAt(name: string, atMs: number): number | undefined;
}

export function seriesTruths(timeline: Timeline, series: readonly SyntheticSeries[]): SeriesTruths {
  const matching = (name: string, where: LabelTest = () => true) =>
    series.filter((s) => s.name === name && where(s.labels));
  const grown = (values: Float64Array, i: number) => {
    const [now, before] = [values[i] as number, values[i - 1] as number];
    if (Number.isNaN(now) || i === 0) return 0;
    return Number.isNaN(before) || now < before ? now : now - before;
  };
  const increase = (name: string, fromMs: number, toMs: number, where?: LabelTest) =>
    matching(name, where).reduce(
      (total, s) => total + timeline.indexesIn(fromMs, toMs).reduce((sum, i) => sum + grown(s.values, i), 0),
      0,
    );
  return {
    increase,
    steady(name, fromMs, toMs, where) {
      const indexes = timeline.indexesIn(fromMs - 2 * scrapeIntervalMs, toMs);
      return matching(name, where).every((s) => {
        const seen = indexes.map((i) => !Number.isNaN(s.values[i] as number));
        const reset = indexes.some((i) => (s.values[i] as number) < (s.values[i - 1] as number));
        return !reset && (seen.every(Boolean) || !seen.some(Boolean));
      });
    },
    bucketQuantile(phi, name, fromMs, toMs) {
      const bounds = [...new Set(matching(name).map((s) => s.labels.le as string))]
        .map((le) => ({ le, bound: le === "+Inf" ? Infinity : Number(le) }))
        .sort((a, b) => a.bound - b.bound)
        .map(({ le, bound }) => ({ bound, count: increase(name, fromMs, toMs, (l) => l.le === le) }));
      const total = bounds[bounds.length - 1]?.count ?? 0;
      const rank = phi * total;
      const at = bounds.findIndex((b) => b.count >= rank);
      const bucket = bounds[at] as { bound: number; count: number };
      // Prometheus' rules: the +Inf bucket answers the highest finite bound; the lowest starts at 0.
      if (bucket.bound === Infinity) return bounds[bounds.length - 2]?.bound ?? NaN;
      const below = at > 0 ? (bounds[at - 1] as { bound: number; count: number }) : { bound: 0, count: 0 };
      return below.bound + ((bucket.bound - below.bound) * (rank - below.count)) / (bucket.count - below.count);
    },
    upAt(atMs) {
      return timeline.alive(Math.round((atMs - timeline.startMs) / scrapeIntervalMs));
    },
    gaugeAt(name, atMs) {
      const [gauge, ...more] = matching(name);
      if (!gauge || more.length > 0) throw new Error(`${name}: not exactly one series in the synthetic history`);
      const value = gauge.values[Math.floor((atMs - timeline.startMs) / scrapeIntervalMs)];
      return value === undefined || Number.isNaN(value) ? undefined : value;
    },
  };
}
