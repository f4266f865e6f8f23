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
  federationWorkers,
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

// Worker mix of a small federating instance: the federation workers dominate.
const workers: readonly { worker: string; perMinute: number; medianSeconds: number; exceptionsPerMinute: number }[] = [
  { worker: federationWorkers[0], perMinute: 60, medianSeconds: 0.05, exceptionsPerMinute: 0.3 },
  { worker: federationWorkers[1], perMinute: 8, medianSeconds: 0.4, exceptionsPerMinute: 0.2 },
  { worker: federationWorkers[2], perMinute: 30, medianSeconds: 0.25, exceptionsPerMinute: 0.4 },
  { worker: "Pleroma.Workers.BackgroundWorker", perMinute: 3, medianSeconds: 0.03, exceptionsPerMinute: 0.05 },
  { worker: "Pleroma.Workers.SearchIndexingWorker", perMinute: 12, medianSeconds: 0.02, exceptionsPerMinute: 0 },
  { worker: "Pleroma.Workers.WebPusherWorker", perMinute: 2, medianSeconds: 0.15, exceptionsPerMinute: 0 },
  { worker: "Pleroma.Workers.NodeInfoFetcherWorker", perMinute: 0.3, medianSeconds: 0.8, exceptionsPerMinute: 0.08 },
];
/** Jobs start failing this long into the history, so oban_job_exception appears mid-history. */
const exceptionsBeginAfterMs = 4 * hourMs;

const routes: readonly { route: string; perMinute: number; medianSeconds: number }[] = [
  { route: "/inbox", perMinute: 40, medianSeconds: 0.004 },
  { route: "/users/:nickname/inbox", perMinute: 25, medianSeconds: 0.005 },
  { route: "/api/v1/timelines/home", perMinute: 6, medianSeconds: 0.12 },
  { route: "/api/v1/notifications", perMinute: 4, medianSeconds: 0.06 },
  { route: "/objects/:uuid", perMinute: 10, medianSeconds: 0.02 },
  { route: "/.well-known/webfinger", perMinute: 5, medianSeconds: 0.008 },
];

const responseCodes: readonly { code: string; perMinute: number; medianSeconds: number; sinceMs: number }[] = [
  { code: "200", perMinute: 35, medianSeconds: 0.15, sinceMs: 0 },
  { code: "202", perMinute: 20, medianSeconds: 0.3, sinceMs: 0 },
  { code: "404", perMinute: 2, medianSeconds: 0.1, sinceMs: 0 },
  { code: "410", perMinute: 0.5, medianSeconds: 0.1, sinceMs: 6 * hourMs },
  { code: "500", perMinute: 0.2, medianSeconds: 1.5, sinceMs: 10 * hourMs },
];

// Remote servers that keep refusing deliveries; each pair's series appears with its first failure.
const failingTargets: readonly { target: string; reason: string; perHour: number; sinceMs: number }[] = [
  { target: "dead.example", reason: "http_410", perHour: 3, sinceMs: 5 * hourMs },
  { target: "gone.example", reason: "nxdomain", perHour: 1.5, sinceMs: 8 * hourMs },
  { target: "slow.example", reason: "timeout", perHour: 2, sinceMs: 12 * hourMs },
  { target: "closed.example", reason: "econnrefused", perHour: 0.5, sinceMs: 3 * hourMs },
  { target: "buggy.example", reason: "crash", perHour: 0.3, sinceMs: 15 * hourMs },
  // First fails after the restart, so its series exists only in the last part of the history.
  { target: "new.example", reason: "cause_unknown", perHour: 1, sinceMs: 38 * hourMs },
  // Refuses our signatures: the one reason always worth a look.
  { target: "strict.example", reason: "http_401", perHour: 0.4, sinceMs: 20 * hourMs },
  // Akkoma sometimes cannot tell the host, and exports an empty target.
  { target: "", reason: "cause_unknown", perHour: 0.3, sinceMs: 26 * hourMs },
];

/** A queue's length at one scrape, given how long after the history's start it is. */
type QueueLength = (draw: Draw, elapsedMs: number) => number;
const queues: readonly { queue: string; available: QueueLength; scheduled: QueueLength }[] = [
  { queue: "federator_incoming", available: (d) => d.poisson(2), scheduled: (d) => d.poisson(1) },
  { queue: "federator_outgoing", available: (d) => d.poisson(4), scheduled: (d) => 40 + d.poisson(10) },
  { queue: "remote_fetcher", available: (d) => d.poisson(1), scheduled: () => 0 },
  { queue: "background", available: (d) => d.poisson(0.5), scheduled: (d) => d.poisson(0.2) },
  { queue: "search_indexing", available: (d) => d.poisson(3), scheduled: () => 0 },
  { queue: "web_push", available: (d) => d.poisson(0.1), scheduled: () => 0 },
  { queue: "activity_expiration", available: () => 0, scheduled: (d) => 1500 + d.poisson(20) },
  { queue: "scheduled_activities", available: () => 0, scheduled: (d) => d.poisson(3) },
  // Busy for two hours a day and a half ago, empty since: shown only when the range reaches back there.
  { queue: "mailer", available: (_, ms) => (busyEarly(ms) ? 4 : 0), scheduled: (_, ms) => (busyEarly(ms) ? 2 : 0) },
];

function busyEarly(elapsedMs: number): boolean {
  return elapsedMs >= 12 * hourMs && elapsedMs < 14 * hourMs;
}

// Bucket boundaries exactly as telemetry.ex declares them.
const routerBuckets = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 15];
const jobBuckets = [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];
const dbTotalBuckets = [0.1, 0.2, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];
const dbQueueBuckets = [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];
const dbDecodeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5];
const dbQueryBuckets = [0.1, 0.2, 0.5, 1, 1.5, 3, 5, 10, 25, 50];

const dbQueriesPerMinute = 900;

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
    new Draw(seed),
  );
  const instances = [first];
  if (options.secondInstance !== undefined) {
    // Down for longer, inside the dashboard's last 3 hours: uptime and the up/down timeline differ too.
    const timeline = new Timeline(startMs, scrapes, scrapes - 1 - 120, 3 * outageMinutes, 3);
    instances.push(recordInstance(timeline, { job, instance: options.secondInstance }, new Draw(seed + 1)));
  }
  return {
    job,
    instance: first.instance,
    startMs,
    endMs,
    scrapes,
    series: instances.flatMap((recorded) => recorded.series),
    outage: first.outage,
    queues: queues.map((q) => q.queue),
    expected: first.expected,
    instances: instances.map(({ instance, outage, expected }) => ({ instance, outage, expected })),
  };
}

function recordInstance(timeline: Timeline, labels: { job: string; instance: string }, draw: Draw) {
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
  return {
    instance: labels.instance,
    series: recorder.series,
    outage: { startMs: timeline.timeOf(timeline.outageStart), endMs: timeline.timeOf(timeline.restart) },
    expected: expectationsOf(timeline, recorder.series, failures, memory, queueValues),
  };
}

function recordDeliveryFailures(recorder: Recorder, timeline: Timeline, draw: Draw) {
  return failingTargets.map(({ target, reason, perHour, sinceMs }) => {
    const increments = new Float64Array(timeline.scrapes);
    for (let i = 0; i < increments.length; i++) {
      const failing = timeline.elapsedMs(i) >= sinceMs;
      increments[i] = failing && timeline.alive(i) ? draw.poisson(perHour / 60) : 0;
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
  recorder.gauge(localUsers, {}, growing(120, 1 / 600));
  recorder.gauge(localPosts, {}, growing(25_000, 0.25));
  recorder.gauge(remoteUsers, {}, growing(48_000, 0.8));
  recorder.gauge(knownDomains, {}, growing(3_100, 0.02));
}

/** Akkoma's poller adds each 60 s reading to `_psum` and 1 to `_pcount`; both restart at boot. */
function recordBeamPolls(recorder: Recorder, timeline: Timeline, draw: Draw): Float64Array {
  const memory = new Float64Array(timeline.scrapes);
  let sinceBoot = 0;
  for (let i = 0; i < memory.length; i++) {
    sinceBoot = timeline.bootsAt(i) ? 0 : sinceBoot + 1;
    // A fresh BEAM starts small and grows back to its working set within a couple of hours.
    const warmUp = 1 - 0.4 * Math.exp(-sinceBoot / 40);
    const wave = 1 + 0.08 * Math.sin((2 * Math.PI * timeline.timeOf(i)) / (24 * hourMs));
    memory[i] = Math.round(380e6 * timeline.size * warmUp * wave * (1 + 0.01 * draw.normal()));
  }
  const polls = new Float64Array(timeline.scrapes).fill(1);
  const pair = (metric: Metric, readings: Float64Array) => {
    recorder.counter(`${metric.name}_psum`, {}, readings, { fromBoot: true });
    recorder.counter(`${metric.name}_pcount`, {}, polls, { fromBoot: true });
  };
  pair(vmMemory, memory);
  pair(
    cpuRunQueue,
    Float64Array.from(memory, () => draw.poisson(0.4)),
  );
  pair(
    ioRunQueue,
    Float64Array.from(memory, () => draw.poisson(0.05)),
  );
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
  recorder.gauge(portIoIn, {}, cumulative(3e6));
  recorder.gauge(portIoOut, {}, cumulative(5e6));
}

function recordJobs(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  for (const { worker, perMinute, medianSeconds, exceptionsPerMinute } of workers) {
    const completions = (i: number) => perMinute * timeline.daily(i);
    recorder.histogram(
      jobCompletions,
      { worker },
      jobBuckets,
      histogramEvents(timeline, draw, completions, medianSeconds),
    );
    if (exceptionsPerMinute === 0) continue;
    const exceptions = (i: number) => (timeline.elapsedMs(i) >= exceptionsBeginAfterMs ? exceptionsPerMinute : 0);
    const failing = histogramEvents(timeline, draw, exceptions, medianSeconds * 3);
    recorder.histogram(jobExceptions, { worker }, jobBuckets, failing);
  }
}

function recordQueues(recorder: Recorder, timeline: Timeline, draw: Draw) {
  const lengths = (queueLength: QueueLength) =>
    Float64Array.from({ length: timeline.scrapes }, (_, i) => queueLength(draw, timeline.elapsedMs(i)) * timeline.size);
  return queues.map(({ queue, available, scheduled }) => {
    const availableValues = lengths(available);
    const scheduledValues = lengths(scheduled);
    recorder.gauge(pendingJobs, { queue_name: queue }, (i) => availableValues[i] as number);
    recorder.gauge(scheduledJobs, { queue_name: queue }, (i) => scheduledValues[i] as number);
    return { queue, available: availableValues, scheduled: scheduledValues };
  });
}

function recordHttp(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  for (const { route, perMinute, medianSeconds } of routes) {
    const rate = (i: number) => perMinute * timeline.daily(i);
    recorder.histogram(inboundRequests, { route }, routerBuckets, histogramEvents(timeline, draw, rate, medianSeconds));
  }
  for (const { code, perMinute, medianSeconds, sinceMs } of responseCodes) {
    const rate = (i: number) => (timeline.elapsedMs(i) >= sinceMs ? perMinute * timeline.daily(i) : 0);
    recorder.histogram(
      outgoingRequests,
      { response_code: code },
      jobBuckets,
      histogramEvents(timeline, draw, rate, medianSeconds),
    );
  }
}

/** One query event feeds all four database distributions, so they share their counts. */
function recordDatabase(recorder: Recorder, timeline: Timeline, draw: Draw): void {
  const rate = (i: number) => dbQueriesPerMinute * timeline.daily(i);
  const total = histogramEvents(timeline, draw, rate, 1.2);
  recorder.histogram(dbTotalTime, {}, dbTotalBuckets, total);
  recorder.histogram(dbQueueTime, {}, dbQueueBuckets, withDurations(total.counts, draw, 0.05));
  recorder.histogram(dbQueryTime, {}, dbQueryBuckets, withDurations(total.counts, draw, 0.8));
  recorder.histogram(dbDecodeTime, {}, dbDecodeBuckets, withDurations(total.counts, draw, 0.01));
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
