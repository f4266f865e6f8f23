// Scenarios for the federation delivery objective (99 %: 1 % of deliveries to live servers may fail), each
// on an instance of its own. Values are per scrape (one a minute). A delivery that fails for good raises at
// each attempt at once, but counts as a final failure only `lagMinutes` later, when its retries end (Akkoma's
// PublisherWorker backoff: about a day); a completed delivery counts at once.
import {
  deliveryFailures,
  federationWorkers,
  jobCompletions,
  jobExceptions,
  seriesName,
  up,
} from "../queries/catalogue";
import type { SyntheticSeries } from "./synthetic";

export interface SloIncident {
  readonly name: string;
  readonly instance: string;
  /** The objective's alerts it must raise; any other of them on its instance is a false alert. */
  readonly alerts: readonly string[];
  /** Minutes after its first scrape by which each of them must be firing (none: it raises nothing). */
  readonly firingAfterMinutes: number;
  readonly series: readonly SyntheticSeries[];
}

/** A delivery's first attempt to its final failure, in minutes: a day, as Akkoma's retries take. */
export const finalFailureLagMinutes = 24 * 60;

/** When the outages start, in minutes after the first scrape. */
export const outageStartsAt = 10;

type PerMinute = (minute: number) => number;

interface Traffic {
  /** Deliveries that complete, per minute. */
  readonly delivered: PerMinute;
  /** Attempts that raise, per minute (retries included). */
  readonly raised: PerMinute;
  /** Deliveries that fail for good, by the minute of their first attempt, per remote host and reason. */
  readonly failing: readonly { target: string; reason: string; perMinute: PerMinute }[];
}

/** A counter's values: the running total, unborn (NaN) until its first event, as Akkoma creates them. */
function counter(minutes: number, perMinute: PerMinute): Float64Array {
  let total = 0;
  return Float64Array.from({ length: minutes }, (_, m) => {
    total += perMinute(m);
    return total > 0 ? total : Number.NaN;
  });
}

const from =
  (start: number, perMinute: number, before = 0): PerMinute =>
  (m) =>
    m >= start ? perMinute : before;

/** `minutes` scrapes of each scenario for scrape job `job`; `names` are the page's and the ticket's. */
export function sloIncidents(
  job: string,
  minutes: number,
  names: { page: string; ticket: string },
  lagMinutes = finalFailureLagMinutes,
): SloIncident[] {
  const make = (name: string, alerts: string[], firingAfterMinutes: number, traffic: Traffic): SloIncident => {
    const instance = `${name}.slo.test:443`;
    const labels = { job, instance };
    const worker = { worker: federationWorkers[2] };
    return {
      name,
      instance,
      alerts,
      firingAfterMinutes,
      series: [
        { name: up.name, kind: "gauge", labels, values: new Float64Array(minutes).fill(1) },
        {
          name: seriesName(jobCompletions.name, "count"),
          kind: "counter",
          labels: { ...labels, ...worker },
          values: counter(minutes, traffic.delivered),
        },
        {
          name: seriesName(jobExceptions.name, "count"),
          kind: "counter",
          labels: { ...labels, ...worker },
          values: counter(minutes, traffic.raised),
        },
        ...traffic.failing.map(({ target, reason, perMinute }) => ({
          name: deliveryFailures.name,
          kind: "counter" as const,
          labels: { ...labels, target, reason },
          values: counter(minutes, (m) => (m >= lagMinutes ? perMinute(m - lagMinutes) : 0)),
        })),
      ],
    };
  };
  // 30 deliveries a minute; one attempt a minute raises (a slow host, retried and then delivered).
  const calm: Traffic = {
    delivered: () => 30,
    raised: () => 1,
    failing: [{ target: "flaky.example", reason: "http_500", perMinute: () => 0.05 }],
  };
  // The page's scenario ends about half an hour after the outage starts; the ticket's a day and a half later.
  const pageAfter = outageStartsAt + 35;
  const ticketAfter = outageStartsAt + lagMinutes + 120;
  return [
    make("calm", [], 0, calm),
    // Our own network goes (DNS, the proxy, the uplink): from then on nearly every attempt raises (one a
    // minute still completes, through a cached address). Their final failures (nxdomain, timeout,
    // econnrefused) are dead-instance reasons: the budget never sees them, so only the page can, and does.
    make("network-outage", [names.page], pageAfter, {
      delivered: from(outageStartsAt, 1, 30),
      raised: from(outageStartsAt, 40, 1),
      failing: [
        { target: "a.example", reason: "nxdomain", perMinute: from(outageStartsAt, 15) },
        { target: "b.example", reason: "timeout", perMinute: from(outageStartsAt, 15) },
      ],
    }),
    // A live server taking a third of our deliveries answers 503 to all of them: a third of the attempts
    // raise (no page); their final failures a day later spend the budget 33 times too fast: a ticket.
    make("live-server-outage", [names.ticket], ticketAfter, {
      delivered: from(outageStartsAt, 20, 30),
      raised: from(outageStartsAt, 10, 1),
      failing: [{ target: "big.example", reason: "http_503", perMinute: from(outageStartsAt, 10) }],
    }),
    // Many hosts gone: plenty of attempts raise and fail for good, all with dead-instance reasons.
    make("dead-hosts", [], 0, {
      delivered: () => 30,
      raised: () => 6,
      failing: ["nxdomain", "http_410", "econnrefused"].map((reason) => ({
        target: `${reason}.example`,
        reason,
        perMinute: () => 2,
      })),
    }),
    // Half a delivery a minute, and one live server refusing five of them within minutes (each retried
    // once soon after): most of a few attempts raise for a while, and five fail for good a day later.
    make("small-instance", [], 0, {
      delivered: () => 0.5,
      raised: (m) => (m >= 20 && m < 25 ? 2 : 0),
      failing: [{ target: "strict.example", reason: "http_403", perMinute: (m) => (m >= 20 && m < 25 ? 1 : 0) }],
    }),
  ];
}
