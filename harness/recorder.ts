// The machinery behind the synthetic history: scrape times, seeded noise, and a recorder that turns
// per-scrape events into what the exporter shows (cumulative since boot, absent while Akkoma is down).
import type { Metric } from "../queries/catalogue";

export const scrapeIntervalMs = 60_000;
export const hourMs = 3_600_000;

export interface SyntheticSeries {
  readonly name: string;
  /** Counters include histogram parts and psum/pcount pairs: everything that only grows until a restart. */
  readonly kind: "gauge" | "counter";
  /** Every label including job and instance, without __name__. */
  readonly labels: Readonly<Record<string, string>>;
  /** One value a scrape; NaN where the scrape did not see the series. */
  readonly values: Float64Array;
}

/** Scrape i happens at startMs + i minutes; Akkoma is down for the scrapes in [outageStart, restart). */
export class Timeline {
  readonly restart: number;
  constructor(
    readonly startMs: number,
    readonly scrapes: number,
    readonly outageStart: number,
    outageScrapes: number,
    /** How many times the first instance's size and traffic. */
    readonly size = 1,
  ) {
    this.restart = outageStart + outageScrapes;
  }
  timeOf(i: number): number {
    return this.startMs + i * scrapeIntervalMs;
  }
  elapsedMs(i: number): number {
    return i * scrapeIntervalMs;
  }
  alive(i: number): boolean {
    return i < this.outageStart || i >= this.restart;
  }
  /** A BEAM restart starts every counter, sum and poll count from zero. */
  bootsAt(i: number): boolean {
    return i === 0 || i === this.restart;
  }
  /** Scrape indexes with a timestamp in (fromMs, toMs]. */
  indexesIn(fromMs: number, toMs: number): number[] {
    const first = Math.max(0, Math.floor((fromMs - this.startMs) / scrapeIntervalMs) + 1);
    const last = Math.min(this.scrapes - 1, Math.floor((toMs - this.startMs) / scrapeIntervalMs));
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => first + k);
  }
  /** Traffic follows the day: busiest in the European afternoon, quietest at night. */
  daily(i: number): number {
    const dayFraction = (this.timeOf(i) % (24 * hourMs)) / (24 * hourMs);
    return (1 + 0.35 * Math.sin(2 * Math.PI * (dayFraction - 0.375))) * this.size;
  }
}

/** mulberry32: tiny, seedable and good enough for traffic noise. */
export class Draw {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.uniform(); p > limit; p *= this.uniform()) k++;
    return k;
  }
}

export type Labels = Record<string, string>;

/** Turns per-scrape increments into what the exporter shows: cumulative since boot, absent while down. */
export class Recorder {
  readonly series: SyntheticSeries[] = [];
  constructor(
    private readonly timeline: Timeline,
    private readonly scrapeLabels: Labels,
  ) {}

  private add(name: string, kind: SyntheticSeries["kind"], labels: Labels, values: Float64Array): void {
    this.series.push({ name, kind, labels: { ...this.scrapeLabels, ...labels }, values });
  }

  gauge(metric: Metric, labels: Labels, valueAt: (i: number) => number, options: { scraper?: boolean } = {}): void {
    const values = new Float64Array(this.timeline.scrapes).fill(Number.NaN);
    for (let i = 0; i < values.length; i++) {
      if (options.scraper || this.timeline.alive(i)) values[i] = valueAt(i);
    }
    this.add(metric.name, "gauge", labels, values);
  }

  /**
   * A counter as TelemetryMetricsPrometheus exports it: reset by a restart, and a label set exists
   * only once an event carried it (so after a restart it is gone again until its next event).
   */
  counter(name: string, labels: Labels, increments: Float64Array, options: CounterOptions = {}): Float64Array {
    const values = new Float64Array(this.timeline.scrapes).fill(Number.NaN);
    const events = options.appearsWith ?? increments;
    let total = 0;
    let seen = false;
    for (let i = 0; i < values.length; i++) {
      if (!this.timeline.alive(i)) continue;
      if (this.timeline.bootsAt(i)) [total, seen] = [0, options.fromBoot ?? false];
      total = roundValue(total + (increments[i] as number));
      seen ||= (events[i] as number) > 0;
      if (seen) values[i] = total;
    }
    this.add(name, "counter", labels, values);
    return values;
  }

  /** A distribution: `_bucket{le}` with +Inf, `_sum`, `_count`, all appearing with the label set's first event. */
  histogram(metric: Metric, labels: Labels, bounds: readonly number[], events: HistogramEvents): void {
    const counts = events.counts;
    for (const [k, le] of [...bounds.map(String), "+Inf"].entries()) {
      const share = k < bounds.length ? durationShareBelow(bounds[k] as number, events.medianDuration) : 1;
      const inBucket = counts.map((n) => Math.round(n * share));
      this.counter(`${metric.name}_bucket`, { ...labels, le }, inBucket, { appearsWith: counts });
    }
    this.counter(`${metric.name}_sum`, labels, events.sums, { appearsWith: counts });
    this.counter(`${metric.name}_count`, labels, counts);
  }
}

export interface CounterOptions {
  /** Polled values exist from boot on; event counters only from their first event. */
  fromBoot?: boolean;
  /** The events that make the series appear, when they are not its own increments (a histogram's buckets). */
  appearsWith?: Float64Array;
}

export interface HistogramEvents {
  counts: Float64Array;
  sums: Float64Array;
  medianDuration: number;
}

// Durations are log-normal, so bucket shares and quantiles look like real latencies.
export const durationSpread = 0.9;
export const durationShareBelow = (bound: number, median: number) =>
  normalCdf(Math.log(bound / median) / durationSpread);

// The exporter's float rendering is long; six decimals keep the files small and the sums exact enough.
// Integers stay as they are: scaling a byte total near 1e12 by 1e6 would leave double precision.
export const roundValue = (value: number) => (Number.isInteger(value) ? value : Math.round(value * 1e6) / 1e6);

/** Events of one label set: a Poisson count a minute, each event's duration spread around a median. */
export function histogramEvents(timeline: Timeline, draw: Draw, perMinute: (i: number) => number, median: number) {
  const counts = Float64Array.from({ length: timeline.scrapes }, (_, i) => draw.poisson(perMinute(i)));
  return withDurations(counts, draw, median);
}

export function withDurations(counts: Float64Array, draw: Draw, medianDuration: number): HistogramEvents {
  const mean = medianDuration * Math.exp((durationSpread * durationSpread) / 2);
  const sums = counts.map((n) => roundValue(n * mean * Math.max(0.2, 1 + 0.15 * draw.normal())));
  return { counts, sums, medianDuration };
}

export function normalCdf(z: number): number {
  // Abramowitz & Stegun 7.1.26; its 1.5e-7 error is far below one event in a bucket.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
