// A deterministic history of what a scraper stores from one Akkoma instance, shaped like
// lib/pleroma/web/telemetry.ex exports it (TelemetryMetricsPrometheus.Core), plus the values a
// correct dashboard must show for it. Both engines are fed from here, so tests never need ../shared.

import {
  cpuRunQueue,
  dbDecodeTime,
  dbQueryTime,
  dbQueueTime,
  dbTotalTime,
  deliveryFailures,
  inboundRequests,
  ioRunQueue,
  jobCompletions,
  jobExceptions,
  knownDomains,
  localPosts,
  localUsers,
  outgoingRequests,
  pendingJobs,
  portIoIn,
  portIoOut,
  remoteUsers,
  scheduledJobs,
  up,
  vmMemory,
  beamPollSeconds,
  catalogue,
  exportedSeries,
  type Example,
  type Metric,
} from "../queries/catalogue";
import {
  Draw,
  Recorder,
  Timeline,
  histogramEvents,
  hourMs,
  scrapeIntervalMs,
  type SyntheticSeries,
  withDurations,
} from "./recorder";

import { type SeriesTruths, seriesTruths } from "./truths";

export { type SyntheticSeries, scrapeIntervalMs } from "./recorder";

export const outageMinutes = 30;

export interface SyntheticOptions {
  /** PRNG seed; the same seed and end give the same history byte for byte. */
  seed?: number;
  hours?: number;
  /** Time of the last scrape; rounded down to the minute. Defaults to now. */
  endMs?: number;
  job?: string;
  instance?: string;
  /** How long before the end the 30-minute outage starts. */
  outageStartsBeforeEndMs?: number;
  /**
   * A second Akkoma instance under the same job: three times the size and traffic, its own noise and
   * a 90-minute outage of its own ending 30 minutes before the end, so a dashboard showing the wrong
   * instance shows other numbers.
   */
  secondInstance?: string;
}

export interface DeliveryFailureCount {
  target: string;
  reason: string;
  /** Failed deliveries that happened in the window. */
  events: number;
  /** The series' first value inside the window: a counter seen first mid-window starts there, not at 0. */
  firstSampleValue: number;
}

/** What the dashboard must show for this history. Windows are (fromMs, toMs], like a scrape-aligned range. */
export interface Expectations extends SeriesTruths {
  deliveryFailures(fromMs: number, toMs: number): DeliveryFailureCount[];
  /** Share of scrapes in the window that reached Akkoma. */
  uptimeFraction(fromMs: number, toMs: number): number;
  /** Mean of the BEAM memory values Akkoma polled in the window, in bytes. */
  averageMemoryBytes(fromMs: number, toMs: number): number;
  /** The gauge value the scrape at or before atMs saw; undefined while Akkoma was down. */
  pendingJobs(queue: string, atMs: number): number | undefined;
  scheduledJobs(queue: string, atMs: number): number | undefined;
}

export interface SyntheticHistory {
  readonly job: string;
  readonly instance: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly scrapes: number;
  readonly series: readonly SyntheticSeries[];
  /** Scrapes in [startMs, endMs) failed: up=0 and no Akkoma series; Akkoma restarts at endMs. */
  readonly outage: { readonly startMs: number; readonly endMs: number };
  readonly queues: readonly string[];
  readonly expected: Expectations;
  /** Every instance in the history, the first (described above) first. */
  readonly instances: readonly InstanceHistory[];
}

export interface InstanceHistory {
  readonly instance: string;
  readonly outage: { readonly startMs: number; readonly endMs: number };
  readonly expected: Expectations;
}

/** The example label sets and traffic the catalogue declares for `metric`. */
function examplesOf<L extends string>(metric: Metric<L>): readonly Example<L>[] {
  if (!metric.examples) throw new Error(`${metric.name} declares no examples in queries/catalogue.ts`);
  return metric.examples;
}

/** The one example of a metric without labels. */
function onlyExampleOf(metric: Metric): Example {
  const [only, ...more] = examplesOf(metric);
  if (!only || more.length > 0) throw new Error(`${metric.name} should declare one example in queries/catalogue.ts`);
  return only;
}

function bucketsOf(metric: Metric): readonly number[] {
  if (!metric.buckets) throw new Error(`${metric.name} declares no buckets in queries/catalogue.ts`);
  return metric.buckets;
}

/** Whether the example's series has begun this long into the history. */
const begun = (example: Example, elapsedMs: number) => elapsedMs >= (example.sinceHours ?? 0) * hourMs;

/** A queue's length at one scrape, this long after the history's start. */
function queueLength(example: Example, draw: Draw, elapsedMs: number): number {
  const [from, to] = example.onlyHours ?? [0, Infinity];
  if (elapsedMs < from * hourMs || elapsedMs >= to * hourMs) return 0;
  return (example.floor ?? 0) + (example.noise ? draw.poisson(example.noise) : 0);
}

export function generateHistory(options: SyntheticOptions = {}): SyntheticHistory {
  const endMs = Math.floor((options.endMs ?? Date.now()) / scrapeIntervalMs) * scrapeIntervalMs;
  const scrapes = (options.hours ?? 50) * 60 + 1;
  const startMs = endMs - (scrapes - 1) * scrapeIntervalMs;
  const outageStartsBeforeEnd = Math.round((options.outageStartsBeforeEndMs ?? 20 * hourMs) / scrapeIntervalMs);
  const job = options.job ?? "akkoma";
  const seed = options.seed ?? 4;
  const first = recordInstance(
    new Timeline(startMs, scrapes, scrapes - 1 - outageStartsBeforeEnd, outageMinutes),
    { job, instance: options.instance ?? "akkoma.test:443" },
    seed,
  );
  const instances = [first];
  if (options.secondInstance !== undefined) {
    // Down for longer, inside the dashboard's last 3 hours: uptime and the up/down timeline differ too.
    const timeline = new Timeline(startMs, scrapes, scrapes - 1 - 120, 3 * outageMinutes, 3);
    instances.push(recordInstance(timeline, { job, instance: options.secondInstance }, seed + 1));
  }
  return {
    job,
    instance: first.instance,
    startMs,
    endMs,
    scrapes,
    series: instances.flatMap((recorded) => recorded.series),
    outage: first.outage,
    queues: examplesOf(pendingJobs).map((example) => example.labels.queue_name),
    expected: first.expected,
    instances: instances.map(({ instance, outage, expected }) => ({ instance, outage, expected })),
  };
}

function recordInstance(timeline: Timeline, labels: { job: string; instance: string }, seed: number) {
  const draw = new Draw(seed);
  const recorder = new Recorder(timeline, labels);
  recorder.gauge(up, {}, (i) => (timeline.alive(i) ? 1 : 0), { scraper: true });
  const failures = recordDeliveryFailures(recorder, timeline, draw);
  recordInstanceStats(recorder, timeline, draw);
  const memory = recordBeamPolls(recorder, timeline, draw);
  recordPortIo(recorder, timeline, draw);
  recordJobs(recorder, timeline, draw);
  const queueValues = recordQueues(recorder, timeline, draw);
  recordHttp(recorder, timeline, draw);
  recordDatabase(recorder, timeline, draw);
  recordTheRest(recorder, timeline, seed);
  return {
    instance: labels.instance,
    series: recorder.series,
    outage: { startMs: timeline.timeOf(timeline.outageStart), endMs: timeline.timeOf(timeline.restart) },
    expected: expectationsOf(timeline, recorder.series, failures, memory, queueValues),
  };
}

function recordDeliveryFailures(recorder: Recorder, timeline: Timeline, draw: Draw) {
  return examplesOf(deliveryFailures).map((example) => {
    const { target, reason } = example.labels;
    const increments = new Float64Array(timeline.scrapes);
    for (let i = 0; i < increments.length; i++) {
      const failing = begun(example, timeline.elapsedMs(i));
      increments[i] = failing && timeline.alive(i) ? draw.poisson(example.perMinute ?? 0) : 0;
    }
    const values = recorder.counter(deliveryFailures.name, { target, reason }, increments);
    return { target, reason, increments, values };
  });
}

function recordInstanceStats(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  const growing = (start: number, perMinute: number) => {
    const values = new Float64Array(timeline.scrapes);
    let value = start * timeline.size;
    for (let i = 0; i < values.length; i++) values[i] = value += draw.poisson(perMinute * timeline.size);
    return (i: number) => values[i] as number;
  };
  for (const metric of [localUsers, localPosts, remoteUsers, knownDomains]) {
    const { floor = 0, perMinute = 0 } = onlyExampleOf(metric);
    recorder.gauge(metric, {}, growing(floor, perMinute));
  }
}

/**
 * telemetry_poller's default poller adds a reading to `_psum` and 1 to `_pcount` every 5 s (`beamPollSeconds`):
 * twelve a scrape, one reading standing for the minute's twelve. Both restart at boot.
 */
function recordBeamPolls(recorder: Recorder, timeline: Timeline, draw: Draw): Float64Array {
  const typicalMemory = onlyExampleOf(vmMemory).floor ?? 0;
  const pollsPerScrape = scrapeIntervalMs / 1000 / beamPollSeconds;
  // The BEAM had been up for days when the history starts: its first counts are large, not a boot's.
  const scrapesBefore = 3 * 24 * 60;
  const memory = new Float64Array(timeline.scrapes);
  let sinceBoot = scrapesBefore;
  for (let i = 0; i < memory.length; i++) {
    sinceBoot = i > 0 && timeline.bootsAt(i) ? 0 : sinceBoot + 1;
    // A fresh BEAM starts small and grows back to its working set within a couple of hours.
    const warmUp = 1 - 0.4 * Math.exp(-sinceBoot / 40);
    const wave = 1 + 0.08 * Math.sin((2 * Math.PI * timeline.timeOf(i)) / (24 * hourMs));
    memory[i] = Math.round(typicalMemory * timeline.size * warmUp * wave * (1 + 0.01 * draw.normal()));
  }
  const polls = new Float64Array(timeline.scrapes).fill(pollsPerScrape);
  polls[0] = pollsPerScrape * scrapesBefore;
  const pair = (metric: Metric, readings: Float64Array) => {
    const sums = Float64Array.from(readings, (reading, i) => reading * (polls[i] as number));
    recorder.counter(`${metric.name}_psum`, {}, sums, { fromBoot: true });
    recorder.counter(`${metric.name}_pcount`, {}, polls, { fromBoot: true });
  };
  pair(vmMemory, memory);
  for (const queue of [cpuRunQueue, ioRunQueue]) {
    const noise = onlyExampleOf(queue).noise ?? 0;
    pair(
      queue,
      Float64Array.from(memory, () => draw.poisson(noise)),
    );
  }
  return memory;
}

/** Port IO is a last_value gauge holding bytes since the VM started, so it drops at a restart. */
function recordPortIo(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  const cumulative = (bytesPerMinute: number) => {
    const values = new Float64Array(timeline.scrapes);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      if (timeline.bootsAt(i)) total = 2e6;
      total += Math.round(bytesPerMinute * timeline.daily(i) * Math.max(0, 1 + 0.2 * draw.normal()));
      values[i] = total;
    }
    return (i: number) => values[i] as number;
  };
  for (const metric of [portIoIn, portIoOut])
    recorder.gauge(metric, {}, cumulative(onlyExampleOf(metric).perMinute ?? 0));
}

/** A histogram's events for one example: its rate over the day, from when its series begins. */
const eventsOf = (timeline: Timeline, draw: Draw, example: Example) =>
  histogramEvents(
    timeline,
    draw,
    (i) => (begun(example, timeline.elapsedMs(i)) ? (example.perMinute ?? 0) * timeline.daily(i) : 0),
    example.median ?? 0,
  );

function recordJobs(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  const raising = examplesOf(jobExceptions);
  for (const completions of examplesOf(jobCompletions)) {
    const { worker } = completions.labels;
    recorder.histogram(jobCompletions, { worker }, bucketsOf(jobCompletions), eventsOf(timeline, draw, completions));
    const exceptions = raising.find((example) => example.labels.worker === worker);
    // Jobs that raise do so at a steady rate, whatever the day's traffic.
    if (exceptions) {
      const rate = (i: number) => (begun(exceptions, timeline.elapsedMs(i)) ? (exceptions.perMinute ?? 0) : 0);
      const failing = histogramEvents(timeline, draw, rate, exceptions.median ?? 0);
      recorder.histogram(jobExceptions, { worker }, bucketsOf(jobExceptions), failing);
    }
  }
}

function recordQueues(recorder: Recorder, timeline: Timeline, draw: Draw) {
  const lengths = (example: Example) =>
    Float64Array.from(
      { length: timeline.scrapes },
      (_, i) => queueLength(example, draw, timeline.elapsedMs(i)) * timeline.size,
    );
  const scheduled = examplesOf(scheduledJobs);
  return examplesOf(pendingJobs).map((available) => {
    const queue = available.labels.queue_name;
    const later = scheduled.find((example) => example.labels.queue_name === queue);
    if (!later) throw new Error(`queue ${queue} has no example in ${scheduledJobs.name}`);
    const availableValues = lengths(available);
    const scheduledValues = lengths(later);
    recorder.gauge(pendingJobs, { queue_name: queue }, (i) => availableValues[i] as number);
    recorder.gauge(scheduledJobs, { queue_name: queue }, (i) => scheduledValues[i] as number);
    return { queue, available: availableValues, scheduled: scheduledValues };
  });
}

function recordHttp(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  for (const example of examplesOf(inboundRequests)) {
    recorder.histogram(inboundRequests, example.labels, bucketsOf(inboundRequests), eventsOf(timeline, draw, example));
  }
  for (const example of examplesOf(outgoingRequests)) {
    recorder.histogram(
      outgoingRequests,
      example.labels,
      bucketsOf(outgoingRequests),
      eventsOf(timeline, draw, example),
    );
  }
}

/** One query event feeds all four database distributions, so they share their counts. */
function recordDatabase(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  const events = eventsOf(timeline, draw, onlyExampleOf(dbTotalTime));
  recorder.histogram(dbTotalTime, {}, bucketsOf(dbTotalTime), events);
  for (const part of [dbQueueTime, dbQueryTime, dbDecodeTime]) {
    const median = onlyExampleOf(part).median ?? 0;
    recorder.histogram(part, {}, bucketsOf(part), withDurations(events.counts, draw, median));
  }
}

/**
 * A plausible series for every catalogue metric not modelled above (a new one): one a label set of its
 * examples, its values shaped by its kind. A gauge wanders around its `floor` by `noise` (or, given
 * `perMinute`, counts up from `floor`); a counter counts `perMinute` events; a histogram's events spread
 * over its buckets around `median`, its `_sum` and `_count` agreeing; a sum/count pair polls once a scrape.
 * Each metric draws from its own seeded noise, so the hand-modelled series stay as they are, byte for byte.
 */
function recordTheRest(recorder: Recorder, timeline: Timeline, seed: number): void {
  const recorded = new Set(recorder.series.map((series) => series.name));
  for (const metric of catalogue) {
    if (exportedSeries(metric).some((name) => recorded.has(name))) continue;
    const draw = new Draw(seed ^ nameHash(metric.name));
    const examples = metric.labels.length === 0 && !metric.examples ? [{ labels: {} }] : examplesOf(metric);
    for (const example of examples) recordGeneric(recorder, timeline, draw, metric, example);
  }
}

/** FNV-1a of a name: each metric's own seed, whatever the catalogue's order. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function recordGeneric(recorder: Recorder, timeline: Timeline, draw: Draw, metric: Metric, example: Example): void {
  const { labels } = example;
  // a series with neither level nor noise would be 0 on every instance: it wanders a little
  const wandering = example.floor === undefined && example.noise === undefined && example.perMinute === undefined;
  const noise = wandering ? 1 : (example.noise ?? 0);
  const reading = (i: number) =>
    begun(example, timeline.elapsedMs(i)) ? queueLength({ ...example, noise }, draw, timeline.elapsedMs(i)) : 0;
  switch (metric.kind) {
    case "gauge": {
      if (example.perMinute === undefined) {
        const values = Float64Array.from({ length: timeline.scrapes }, (_, i) => reading(i) * timeline.size);
        recorder.gauge(metric, labels, (i) => values[i] as number);
        return;
      }
      const values = new Float64Array(timeline.scrapes);
      let value = (example.floor ?? 0) * timeline.size;
      for (let i = 0; i < values.length; i++) values[i] = value += draw.poisson(example.perMinute * timeline.size);
      recorder.gauge(metric, labels, (i) => values[i] as number);
      return;
    }
    case "counter": {
      const perMinute = example.perMinute ?? 1;
      const increments = Float64Array.from({ length: timeline.scrapes }, (_, i) =>
        begun(example, timeline.elapsedMs(i)) && timeline.alive(i) ? draw.poisson(perMinute * timeline.daily(i)) : 0,
      );
      recorder.counter(metric.name, labels, increments);
      return;
    }
    case "histogram": {
      const buckets = bucketsOf(metric);
      const median = example.median ?? (buckets[Math.floor(buckets.length / 2)] as number);
      const perMinute = example.perMinute ?? 1;
      recorder.histogram(metric, labels, buckets, eventsOf(timeline, draw, { ...example, perMinute, median }));
      return;
    }
    case "sumCountPair": {
      const readings = Float64Array.from({ length: timeline.scrapes }, (_, i) => reading(i) * timeline.size);
      recorder.counter(`${metric.name}_psum`, labels, readings, { fromBoot: true });
      recorder.counter(`${metric.name}_pcount`, labels, new Float64Array(timeline.scrapes).fill(1), { fromBoot: true });
      return;
    }
  }
}

function expectationsOf(
  timeline: Timeline,
  series: readonly SyntheticSeries[],
  failures: ReturnType<typeof recordDeliveryFailures>,
  memory: Float64Array,
  queueValues: ReturnType<typeof recordQueues>,
): Expectations {
  const sumOver = (values: Float64Array, indexes: number[]) => indexes.reduce((s, i) => s + (values[i] as number), 0);
  const gaugeAt = (values: Float64Array, atMs: number) => {
    const i = Math.floor((atMs - timeline.startMs) / scrapeIntervalMs);
    return i >= 0 && i < timeline.scrapes && timeline.alive(i) ? values[i] : undefined;
  };
  const queue = (name: string) => {
    const found = queueValues.find((q) => q.queue === name);
    if (!found) throw new Error(`the synthetic history has no queue ${name}`);
    return found;
  };
  return {
    ...seriesTruths(timeline, series),
    deliveryFailures(fromMs, toMs) {
      const indexes = timeline.indexesIn(fromMs, toMs);
      return failures
        .map(({ target, reason, increments, values }) => {
          const first = indexes.find((i) => !Number.isNaN(values[i] as number));
          return {
            target,
            reason,
            events: sumOver(increments, indexes),
            firstSampleValue: first === undefined ? 0 : (values[first] as number),
          };
        })
        .filter((f) => f.events > 0);
    },
    uptimeFraction(fromMs, toMs) {
      const indexes = timeline.indexesIn(fromMs, toMs);
      return indexes.filter((i) => timeline.alive(i)).length / indexes.length;
    },
    averageMemoryBytes(fromMs, toMs) {
      const polled = timeline.indexesIn(fromMs, toMs).filter((i) => timeline.alive(i));
      return sumOver(memory, polled) / polled.length;
    },
    pendingJobs: (name, atMs) => gaugeAt(queue(name).available, atMs),
    scheduledJobs: (name, atMs) => gaugeAt(queue(name).scheduled, atMs),
  };
}
