// Scenarios for the federation delivery objective (99 %: 1 % of deliveries to live servers may fail), each
// on an instance of its own. Values are per scrape (one a minute). Nothing in them is a free number but the
// deliveries and whether a server answers: PublisherWorker's attempts, their exceptions, its completions and
// the final failures all follow from them through Akkoma's backoff (deliveries()), the traffic having run the
// same way for a day before the first scrape, so the retries and final failures of past deliveries arrive.
import {
  deliveryFailures,
  federationWorkers,
  jobCompletions,
  jobExceptions,
  seriesName,
  up,
  vmMemory,
} from "../queries/catalogue";
import type { SyntheticSeries } from "./synthetic";

export interface SloIncident {
  readonly name: string;
  readonly instance: string;
  /** The objective's alerts it must raise; any other of them on its instance is a false alert. */
  readonly alerts: readonly string[];
  /** Minutes after its first scrape by which each of them must be firing (none: it raises nothing). */
  readonly firingAfterMinutes: number;
  /** Minutes after its first scrape from which they no longer fire (the cause has ended); none: they go on. */
  readonly resolvedByMinutes?: number;
  /** Minutes in which its cause is on (from, to): the alerts must fire from `firingAfterMinutes` until `to`. */
  readonly cause?: { readonly from: number; readonly to: number };
  readonly series: readonly SyntheticSeries[];
}

/**
 * Akkoma's PublisherWorker backoff (docs/objective.md): six attempts (`federator_outgoing: 6`), waiting
 * about 16 s, 1.5 min, 13 min, then 9.5^4 s ≈ 2.3 h and 9.5^5 s ≈ 21.5 h between them.
 */
export const retryWaitsSeconds: readonly number[] = [16, 90, 13 * 60, 9.5 ** 4, 9.5 ** 5];

/** Minutes from a delivery's first attempt to each of its attempts. */
export const attemptOffsetsMinutes: readonly number[] = retryWaitsSeconds.reduce(
  (offsets, wait) => [...offsets, (offsets[offsets.length - 1] as number) + wait / 60],
  [0],
);

/** A delivery's first attempt to its final failure (its last attempt), in whole minutes: a day. */
export const finalFailureLagMinutes = Math.floor(attemptOffsetsMinutes[attemptOffsetsMinutes.length - 1] as number);

/**
 * When the outages start, in minutes after the first scrape: after seven hours of calm, as the page compares
 * deliveries with this instance's usual pace over the six hours before its long window.
 */
export const outageStartsAt = 7 * 60;
/** How long our own network's outage lasts: two hours, which the retries outlast (nothing fails for good). */
export const networkOutageMinutes = 120;

type PerMinute = (minute: number) => number;

/** Deliveries to one remote server, and how it answers. */
export interface Destination {
  /** Deliveries to it first attempted at each minute (minutes before 0: before the first scrape). */
  readonly perMinute: PerMinute;
  /** The share of attempts to it that raise at each minute (1: it refuses every one). */
  readonly failing: PerMinute;
  /** The remote host and the reason its final failures carry (a delivery all of whose attempts raised). */
  readonly target: string;
  readonly reason: string;
}

/** What PublisherWorker counts at each minute of `minutes`, per minute. */
export interface Counts {
  readonly raised: Float64Array;
  readonly completed: Float64Array;
  /** Final failures, per destination (in `destinations`' order). */
  readonly failedForGood: Float64Array[];
  /** What each counter had counted before the first scrape. */
  readonly before: { raised: number; completed: number; failedForGood: number[] };
}

/**
 * Every delivery to `destinations` through Akkoma's backoff, from a day before the first scrape: an attempt
 * that raises is retried after the next wait, one that does not completes the delivery, and a delivery whose
 * sixth attempt raises fails for good then, with its destination's reason. Amounts are expected values
 * (fractions of deliveries), each attempt raising with its minute's failing share.
 */
export function deliveries(destinations: readonly Destination[], minutes: number): Counts {
  const raised = new Float64Array(minutes);
  const completed = new Float64Array(minutes);
  const failedForGood = destinations.map(() => new Float64Array(minutes));
  const before = { raised: 0, completed: 0, failedForGood: destinations.map(() => 0) };
  const warmUp = Math.ceil(attemptOffsetsMinutes[attemptOffsetsMinutes.length - 1] as number) + 1;
  destinations.forEach((destination, d) => {
    for (let first = -warmUp; first < minutes; first++) {
      let pending = destination.perMinute(first);
      for (const [attempt, offset] of attemptOffsetsMinutes.entries()) {
        if (pending <= 0) break;
        const at = Math.floor(first + offset);
        if (at >= minutes) break;
        const raising = pending * Math.min(1, Math.max(0, destination.failing(at)));
        const last = attempt === attemptOffsetsMinutes.length - 1;
        if (at < 0) {
          before.raised += raising;
          before.completed += pending - raising;
          if (last) (before.failedForGood[d] as number) += raising;
        } else {
          raised[at] = (raised[at] as number) + raising;
          completed[at] = (completed[at] as number) + pending - raising;
          if (last)
            (failedForGood[d] as Float64Array)[at] = ((failedForGood[d] as Float64Array)[at] as number) + raising;
        }
        pending = raising;
      }
    }
  });
  return { raised, completed, failedForGood, before };
}

/** A counter's values from its count before the first scrape and per minute: unborn (NaN) until its first event, as Akkoma creates them. */
function counter(before: number, perMinute: Float64Array): Float64Array {
  let total = before;
  return Float64Array.from(perMinute, (events) => {
    total += events;
    return total > 0 ? total : Number.NaN;
  });
}

const always =
  (value: number): PerMinute =>
  () =>
    value;
const during =
  (from: number, to: number, inside: number, outside = 0): PerMinute =>
  (m) =>
    m >= from && m < to ? inside : outside;

/** Ordinary servers: `perMinute` deliveries, one attempt in fifty raising (a slow host, retried and then delivered). */
const ordinary = (perMinute: PerMinute, failing: PerMinute = always(0.02)): Destination => ({
  perMinute,
  failing,
  target: "mastodon.example",
  reason: "http_500",
});

/** A live server refusing `count` deliveries made at minute `at`, and taking nothing else. */
const refusing = (count: number, at: number): Destination => ({
  perMinute: (m) => (m === at ? count : 0),
  failing: always(1),
  target: "strict.example",
  reason: "http_403",
});

/** The SLO file's series for one instance: `up`, PublisherWorker's counters, and its final failures. */
export function instanceSeries(
  job: string,
  instance: string,
  minutes: number,
  destinations: readonly Destination[],
): SyntheticSeries[] {
  const labels = { job, instance };
  const worker = { worker: federationWorkers[2] };
  const counts = deliveries(destinations, minutes);
  return [
    { name: up.name, kind: "gauge", labels, values: new Float64Array(minutes).fill(1) },
    {
      name: seriesName(jobCompletions.name, "count"),
      kind: "counter",
      labels: { ...labels, ...worker },
      values: counter(counts.before.completed, counts.completed),
    },
    {
      name: seriesName(jobExceptions.name, "count"),
      kind: "counter",
      labels: { ...labels, ...worker },
      values: counter(counts.before.raised, counts.raised),
    },
    ...destinations.flatMap(({ target, reason }, d) => {
      const values = counter(counts.before.failedForGood[d] as number, counts.failedForGood[d] as Float64Array);
      // A server that never failed a delivery for good has no series.
      return values.some((value) => !Number.isNaN(value))
        ? [{ name: deliveryFailures.name, kind: "counter" as const, labels: { ...labels, target, reason }, values }]
        : [];
    }),
  ];
}

/** How many refusals each small instance's scenario has: a handful, ten, twenty. */
export const smallInstanceRefusals = [5, 10, 20] as const;

/**
 * `minutes` scrapes of each scenario for scrape job `job`; `names` are the page's and the ticket's. When
 * each alert fires is measured by the tests (test/alerts/slo.test.ts) and stated in docs/runbook.md; the
 * times here are those bounds.
 */
export function sloIncidents(job: string, minutes: number, names: { page: string; ticket: string }): SloIncident[] {
  const make = (
    name: string,
    raised: Pick<SloIncident, "alerts" | "firingAfterMinutes" | "resolvedByMinutes" | "cause">,
    destinations: readonly Destination[],
  ): SloIncident => {
    const instance = `${name}.slo.test:443`;
    return { name, instance, ...raised, series: instanceSeries(job, instance, minutes, destinations) };
  };
  const none = { alerts: [], firingAfterMinutes: 0 };
  // A medium instance: 30 deliveries a minute to ordinary servers, and one live server failing 0.05 a
  // minute for good (http_500): 0.17 % of deliveries, well within the budget.
  const medium = [
    ordinary(always(30)),
    { perMinute: always(0.05), failing: always(1), target: "flaky.example", reason: "http_500" },
  ];
  const outageEnds = outageStartsAt + networkOutageMinutes;
  return [
    make("calm", none, medium),
    // Our own network goes (DNS, the proxy, the uplink) for two hours: every attempt raises, nothing
    // completes. Retries outlast it (the fifth attempt comes 2.5 h after the first): nothing fails for good,
    // and a longer outage's final failures would carry dead-instance reasons. Only the page can see it.
    make(
      "network-outage",
      {
        alerts: [names.page],
        firingAfterMinutes: outageStartsAt + 20,
        cause: { from: outageStartsAt, to: outageEnds },
        resolvedByMinutes: outageEnds + 5,
      },
      [ordinary(always(30), during(outageStartsAt, outageEnds, 1, 0.02)), { ...medium[1]!, failing: always(1) }],
    ),
    // A live server taking a third of our deliveries answers 503 to every one from the outage on: with their
    // retries two thirds of the attempts raise, yet two thirds of the deliveries complete (no page); their
    // final failures, a day later, spend the budget 33 times too fast: a ticket.
    make(
      "live-server-outage",
      { alerts: [names.ticket], firingAfterMinutes: outageStartsAt + finalFailureLagMinutes + 120 },
      [
        ordinary(always(20)),
        {
          perMinute: always(10),
          failing: during(outageStartsAt, Infinity, 1),
          target: "big.example",
          reason: "http_503",
        },
      ],
    ),
    // A third of a delivery a minute to each of three hosts that are gone (dead-instance reasons): their
    // attempts raise a sixth of all attempts, their final failures count on neither side.
    make("dead-hosts", none, [
      ...medium,
      ...["nxdomain", "http_410", "econnrefused"].map((reason) => ({
        perMinute: always(1 / 3),
        failing: always(1),
        target: `${reason}.example`,
        reason,
      })),
    ]),
    // A small instance: 15 deliveries an hour, and 50 minutes into the outages' time one live server refuses a handful, ten or
    // twenty of them. Each refused delivery raises four times within 15 minutes: over half an hour most of
    // the few attempts raise. Never a page; twenty refusals of a day's 360 deliveries are over the budget
    // (5 %, at the ticket's floor of 20 final failures): a ticket once they fail for good, a day later.
    ...smallInstanceRefusals.map((count) =>
      make(
        `small-instance-${count}`,
        count >= 20
          ? { alerts: [names.ticket], firingAfterMinutes: outageStartsAt + 50 + finalFailureLagMinutes + 40 }
          : none,
        [ordinary(always(0.25)), refusing(count, outageStartsAt + 50)],
      ),
    ),
    // A medium instance at night: an evening's 30 deliveries a minute fall, when the outages start, to one
    // every ten minutes, and 20 minutes later one live server refuses five: over half an hour most of the
    // attempts raise and hardly anything completes, yet attempts are far below the usual scale. No page.
    make("quiet-night", none, [ordinary((m) => (m < outageStartsAt ? 30 : 0.1)), refusing(5, outageStartsAt + 20)]),
  ];
}

/**
 * An instance whose objective rules were evaluated until `stopsAt` and then not (a ruler whose group fails,
 * a vmalert whose remote write is lost; from 0, a file never loaded), as the store sees it: its scraped
 * series (`up`, Akkoma's polls, calm PublisherWorker traffic) and the objective's sentinel, recorded until
 * then, under `sentinel` (its name). The other rules, evaluated, find the sentinel missing.
 */
export function stoppedObjectiveRules(
  job: string,
  minutes: number,
  sentinel: string,
  stopsAt: number,
  instance = "objective-stopped.slo.test:443",
): SyntheticSeries[] {
  const labels = { job, instance };
  return [
    ...instanceSeries(job, instance, minutes, [ordinary(always(30))]),
    // Akkoma polls its values once a minute: the other file's own recordings stay.
    {
      name: seriesName(vmMemory.name, "pcount"),
      kind: "counter",
      labels,
      values: Float64Array.from({ length: minutes }, (_, m) => m + 1),
    },
    {
      name: sentinel,
      kind: "gauge",
      labels,
      values: Float64Array.from({ length: minutes }, (_, m) => (m < stopsAt ? 1 : Number.NaN)),
    },
  ];
}
