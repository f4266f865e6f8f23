// Incidents for the federation delivery objective (99 %, so 1 % of deliveries may fail): each on an instance
// of its own that delivers 30 posts a minute. Values are per scrape (one a minute).
import { deliveryFailures, federationWorkers, jobCompletions, seriesName, up } from "../queries/catalogue";
import type { SyntheticSeries } from "./synthetic";

export interface SloIncident {
  readonly name: string;
  readonly instance: string;
  /** The burn-rate alerts it must raise; any other SLO alert on its instance is a false alert. */
  readonly alerts: readonly string[];
  /** Minutes after its first scrape by which each of them must be firing. */
  readonly firingAfterMinutes: number;
  readonly series: readonly SyntheticSeries[];
}

const deliveredPerMinute = 30;

/** `minutes` scrapes of each incident for scrape job `job`. */
export function sloIncidents(job: string, minutes: number, names: { fast: string; slow: string }): SloIncident[] {
  const make = (
    name: string,
    alerts: string[],
    firingAfterMinutes: number,
    failures: { target: string; reason: string; perMinute: number }[],
  ): SloIncident => {
    const instance = `${name}.slo.test:443`;
    const cumulative = (perMinute: number) => Float64Array.from({ length: minutes }, (_, m) => (m + 1) * perMinute);
    const labels = { job, instance };
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
          labels: { ...labels, worker: federationWorkers[2] },
          values: cumulative(deliveredPerMinute),
        },
        ...failures.map(({ target, reason, perMinute }) => ({
          name: deliveryFailures.name,
          kind: "counter" as const,
          labels: { ...labels, target, reason },
          values: cumulative(perMinute),
        })),
      ],
    };
  };
  return [
    // Our outgoing requests break (a bad proxy): four deliveries in five fail. Pages, and warns too.
    make("delivery-outage", [names.fast, names.slow], 25, [
      { target: "a.example", reason: "http_500", perMinute: 60 },
      { target: "b.example", reason: "cause_unknown", perMinute: 60 },
    ]),
    // One delivery in ten fails: ten times the allowed rate, the budget gone in three days. Warns only.
    make("delivery-leak", [names.slow], 50, [{ target: "c.example", reason: "http_500", perMinute: 10 / 3 }]),
    // Many hosts gone or down: every failure has a dead-instance reason, so no delivery we owe failed.
    make("dead-hosts", [], 0, [
      { target: "gone.example", reason: "nxdomain", perMinute: 40 },
      { target: "dead.example", reason: "http_410", perMinute: 40 },
      { target: "down.example", reason: "econnrefused", perMinute: 40 },
    ]),
  ];
}
