// Incidents for the alert tests: each on an instance of its own, so an alert firing anywhere else is a
// false alert. Values are per scrape (one a minute), NaN where the scrape did not see the series.
import {
  cpuRunQueue,
  dbQueueTime,
  deliveryFailures,
  federationWorkers,
  ioRunQueue,
  jobCompletions,
  jobExceptions,
  pendingJobs,
  seriesName,
  up,
  vmMemory,
  type Metric,
  type SeriesPart,
} from "../queries/catalogue";
import type { SyntheticSeries } from "./synthetic";

export interface Incident {
  readonly alert: string;
  readonly instance: string;
  /** Labels the alert must carry besides alertname, severity, job and instance. */
  readonly labels: Readonly<Record<string, string>>;
  /** Minutes after the incident's first scrape by which the alert must be firing. */
  readonly firingAfterMinutes: number;
  readonly series: readonly SyntheticSeries[];
}

type Values = (minute: number) => number;

const steady =
  (perMinute: number, bornAt = 0): Values =>
  (m) =>
    m < bornAt ? Number.NaN : (m - bornAt + 1) * perMinute;

/** `minutes` scrapes of incidents for scrape job `job`. */
export function incidents(job: string, minutes: number): Incident[] {
  const pair = (metric: Metric, mean: number): Part[] => [
    { metric, part: "psum", values: steady(mean) },
    { metric, part: "pcount", values: steady(1) },
  ];
  const make = (alert: string, firingAfterMinutes: number, labels: Record<string, string>, parts: Part[]) => {
    const instance = `${alert.toLowerCase()}.incident.test:443`;
    // Akkoma polls once a minute whatever else goes wrong (AkkomaMetricsStale's incident brings its own polls).
    const polls: Part[] = parts.some((part) => part.metric === vmMemory) ? [] : pair(vmMemory, 4e8);
    const series = [{ metric: up, values: () => 1 } as Part, ...polls, ...parts].map(
      ({ metric, part, labels: own, values }) => ({
        name: seriesName(metric.name, part),
        kind: metric.kind === "gauge" ? ("gauge" as const) : ("counter" as const),
        labels: { job, instance, ...own },
        values: Float64Array.from({ length: minutes }, (_, m) => values(m)),
      }),
    );
    return { alert, instance, labels, firingAfterMinutes, series };
  };
  const [, , publisher] = federationWorkers;
  const background = "Pleroma.Workers.BackgroundWorker";
  return [
    // Akkoma answers, with the poll count of its last poll, 20 minutes in.
    make("AkkomaMetricsStale", 45, {}, [
      { metric: vmMemory, part: "psum", values: (m) => 4e8 * Math.min(m + 1, 20) },
      { metric: vmMemory, part: "pcount", values: (m) => Math.min(m + 1, 20) },
    ]),
    // Every remote server refuses: 4 of 5 publish jobs raise, from the first exception on (a lazy series).
    make("AkkomaOutboundFederationFailing", 55, { worker: publisher }, [
      { metric: jobCompletions, part: "count", labels: { worker: publisher }, values: steady(5) },
      { metric: jobExceptions, part: "count", labels: { worker: publisher }, values: steady(20, 10) },
    ]),
    // A bug: 20 deliveries crash within half an hour, to a host never failing before.
    make("AkkomaDeliveriesFailing", 45, { reason: "crash" }, [
      failures("bug.example", "crash", (m) => (m < 10 ? Number.NaN : Math.min(m - 9, 20))),
    ]),
    // A host refusing every delivery: ten 401s within ten minutes, on a series born with the first
    // (increase() alone would not see it).
    make("AkkomaDeliveriesUnauthorized", 50, { target: "strict.example", reason: "http_401" }, [
      failures("strict.example", "http_401", (m) => (m < 20 ? Number.NaN : Math.min(m - 19, 10))),
    ]),
    make("AkkomaJobQueueBackingUp", 70, { queue_name: "federator_outgoing" }, [
      { metric: pendingJobs, labels: { queue_name: "federator_outgoing" }, values: (m) => 50 + 10 * m },
    ]),
    make("AkkomaJobsFailing", 55, { worker: background }, [
      { metric: jobCompletions, part: "count", labels: { worker: background }, values: steady(2) },
      { metric: jobExceptions, part: "count", labels: { worker: background }, values: steady(3) },
    ]),
    // 30 ms on average for a connection (900 queries a minute).
    make("AkkomaDatabasePoolSaturated", 35, {}, [
      { metric: dbQueueTime, part: "sum", values: steady(27_000) },
      { metric: dbQueueTime, part: "count", values: steady(900) },
    ]),
    make("AkkomaBeamCpuRunQueueHigh", 35, {}, pair(cpuRunQueue, 5)),
    make("AkkomaBeamIoRunQueueHigh", 35, {}, pair(ioRunQueue, 5)),
  ];
}

interface Part {
  metric: Metric;
  part?: SeriesPart;
  labels?: Record<string, string>;
  values: Values;
}

const failures = (target: string, reason: string, values: Values): Part => ({
  metric: deliveryFailures,
  labels: { target, reason },
  values,
});
