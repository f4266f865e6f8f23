// What is worth an admin's attention, after Akkoma's monitoring doc, as conditions over the catalogue.
// Each condition returns one series per target that should alert (labelled with job and instance).
import { alerts as settings, deadInstanceReasons } from "../config";
import {
  cpuRunQueue,
  dbQueueTime,
  deliveryFailures,
  federationWorkers,
  ioRunQueue,
  jobCompletions,
  jobExceptions,
  pendingJobs,
  up,
  vmMemory,
} from "../queries/catalogue";
import {
  above,
  absentIn,
  atLeast,
  attempts,
  both,
  either,
  equalTo,
  eventsInWindow,
  failedShare,
  lowestIn,
  meanDurationIn,
  pollAverageIn,
  rateIn,
  scaledBy,
  seriesIn,
  slopeIn,
} from "../queries/alerting";
import type { Query } from "../queries/query";
import { type Matchers, type Scope, jobScope, noneOf, oneOf } from "../queries/selectors";
import { eventsPerMinuteUnit } from "../queries/units";
import { titles } from "../panels/titles";
import { templateLiteral } from "./templates";

export type Severity = "critical" | "warning";

/** How a rule format writes the alert's current value into its text (Prometheus and Grafana differ). */
export type ValueText = (format: "humanize" | "humanizePercentage") => string;

export interface AlertDefinition {
  /** The `alertname`, and the Grafana rule's title. */
  readonly name: string;
  readonly severity: Severity;
  readonly for: string;
  readonly condition: Query;
  readonly summary: string;
  readonly description: (value: ValueText) => string;
  /** Anchor of the alert's section in docs/runbook.md. */
  readonly runbook: string;
  /** The title of the dashboard panel that shows what the alert is about. */
  readonly panel: (typeof titles)[keyof typeof titles];
}

const instance = "{{ $labels.instance }}";
const publisher = federationWorkers[2];
const worker = (name: string) => name.replace(/^Pleroma\.Workers\./, "");

/** Per worker (and target): the share of jobs that raised, where at least `minPerMinute` jobs ran. */
function jobFailure(where: Matchers<"worker">, window: string, ratio: number, minPerMinute: number, scope: Scope) {
  const options = { by: ["worker"] as const, where };
  const failed = rateIn(jobExceptions, "count", window, scope, options);
  const done = rateIn(jobCompletions, "count", window, scope, options);
  return both(
    above(failedShare(failed, done), ratio),
    atLeast(scaledBy(attempts(failed, done), 60, eventsPerMinuteUnit(jobCompletions)), minPerMinute),
  );
}

/** One rule: the default bar for most workers, each worker with its own bar (config) checked apart. */
function jobsFailing(scope: Scope): AlertDefinition {
  const { window, exceptionRatio, minJobsPerMinute, workers } = settings.jobExceptions;
  const own = Object.keys(workers);
  const condition = own.reduce(
    (all, name) =>
      either(all, jobFailure({ worker: oneOf([name]) }, window, workers[name] as number, minJobsPerMinute, scope)),
    jobFailure({ worker: noneOf([publisher, ...own]) }, window, exceptionRatio, minJobsPerMinute, scope),
  );
  const bars = own.map((name) => `${worker(name)} ${(workers[name] as number) * 100} %`).join(", ");
  return {
    name: "AkkomaJobsFailing",
    severity: "warning",
    for: settings.jobExceptions.for,
    condition,
    summary: `{{ $labels.worker }} jobs keep failing on ${instance}`,
    description: (value) =>
      `${value("humanizePercentage")} of {{ $labels.worker }} jobs raised over the last ${window} ` +
      `(bar: ${exceptionRatio * 100} %${bars ? `; ${bars}` : ""}; PublisherWorker has its own alert).`,
    runbook: "akkomajobsfailing",
    panel: titles.jobExceptions,
  };
}

/** Every alert, selecting every instance of `job`. */
export function akkomaAlerts(job: string = settings.job): AlertDefinition[] {
  const scope = jobScope(job);
  const jobText = templateLiteral(job);
  const { stale, outboundFederation: outbound, deliveryFailures: failures, queueBacklog } = settings;
  const unauthorized = settings.unauthorizedDeliveries;
  const beamRunQueue = (name: string, pair: typeof cpuRunQueue, kind: string): AlertDefinition => ({
    name,
    severity: "warning",
    for: settings.runQueue.for,
    condition: above(pollAverageIn(pair, settings.runQueue.window, scope), settings.runQueue.mean),
    summary: `BEAM ${kind} run queue stays long on ${instance}`,
    description: (value) =>
      `On average ${value("humanize")} processes waited for a ${kind} scheduler over the last ` +
      `${settings.runQueue.window}; it should be near zero.`,
    runbook: name.toLowerCase(),
    panel: titles.beamLoad,
  });
  return [
    {
      name: "AkkomaDown",
      severity: "critical",
      for: settings.down.for,
      condition: equalTo(seriesIn(up, scope), 0),
      summary: `Akkoma's metrics endpoint on ${instance} does not answer`,
      description: () => `Scrapes of ${instance} have failed for ${settings.down.for}: Akkoma is down or unreachable.`,
      runbook: "akkomadown",
      panel: titles.up,
    },
    {
      name: "AkkomaTargetMissing",
      severity: "critical",
      for: settings.targetMissing.for,
      condition: absentIn(up, scope),
      // absent() returns one series without an instance label: it fires only when every target is gone.
      summary: `No target of scrape job ${jobText} is scraped`,
      description: () => `The scraper has had no target in job "${jobText}" for ${settings.targetMissing.for}.`,
      runbook: "akkomatargetmissing",
      panel: titles.up,
    },
    {
      name: "AkkomaMetricsStale",
      severity: "warning",
      for: stale.for,
      // The poll count grows by one a minute; an endpoint that answers with the same count has stopped polling.
      condition: equalTo(rateIn(vmMemory, "pcount", stale.window, scope), 0),
      summary: `Akkoma on ${instance} stopped refreshing its metrics`,
      description: () => `The endpoint answers, but Akkoma has not polled its values for ${stale.window}.`,
      runbook: "akkomametricsstale",
      panel: titles.beamMemory,
    },
    {
      name: "AkkomaOutboundFederationFailing",
      severity: "warning",
      for: outbound.for,
      condition: jobFailure(
        { worker: oneOf([publisher]) },
        outbound.window,
        outbound.exceptionRatio,
        outbound.minJobsPerMinute,
        scope,
      ),
      summary: `Most outgoing deliveries fail on ${instance}`,
      description: (value) =>
        `${value("humanizePercentage")} of PublisherWorker jobs raised over the last ${outbound.window}: ` +
        `posts are not reaching other servers.`,
      runbook: "akkomaoutboundfederationfailing",
      panel: titles.federationJobs,
    },
    {
      name: "AkkomaDeliveriesFailing",
      severity: "warning",
      for: failures.for,
      condition: above(
        eventsInWindow(deliveryFailures, failures.window, scope, {
          by: ["reason"],
          where: { reason: noneOf([...deadInstanceReasons, unauthorized.reason]) },
        }),
        failures.perReason,
      ),
      summary: `Deliveries failing with {{ $labels.reason }} on ${instance}`,
      description: (value) =>
        `${value("humanize")} ActivityPub deliveries exhausted their retries with {{ $labels.reason }} in ` +
        `the last ${failures.window} (dead-instance reasons are not counted).`,
      runbook: "akkomadeliveriesfailing",
      panel: titles.failedDeliveries,
    },
    {
      name: "AkkomaDeliveriesUnauthorized",
      severity: "warning",
      for: unauthorized.for,
      condition: above(
        eventsInWindow(deliveryFailures, unauthorized.window, scope, {
          by: ["target", "reason"],
          where: { reason: oneOf([unauthorized.reason]) },
        }),
        0,
      ),
      summary: `{{ $labels.target }} refuses deliveries from ${instance} as unauthorized`,
      description: (value) =>
        `${value("humanize")} deliveries to {{ $labels.target }} ended with HTTP 401 in the last ` +
        `${unauthorized.window}: it rejects our signatures or blocks us.`,
      runbook: "akkomadeliveriesunauthorized",
      panel: titles.failedDeliveries,
    },
    {
      name: "AkkomaJobQueueBackingUp",
      severity: "warning",
      for: queueBacklog.for,
      condition: both(
        above(lowestIn(pendingJobs, queueBacklog.window, scope), queueBacklog.pendingJobs),
        atLeast(slopeIn(pendingJobs, queueBacklog.window, scope), 0),
      ),
      summary: `Queue {{ $labels.queue_name }} is backing up on ${instance}`,
      description: (value) =>
        `At least ${value("humanize")} jobs have waited in {{ $labels.queue_name }} throughout the last ` +
        `${queueBacklog.window}, and the queue is not draining.`,
      runbook: "akkomajobqueuebackingup",
      panel: titles.pendingJobs,
    },
    jobsFailing(scope),
    {
      name: "AkkomaDatabasePoolSaturated",
      severity: "warning",
      for: settings.dbQueueTime.for,
      // The mean, not the p95: queue-time buckets end at 10 ms, so a p95 saturates at the top bucket.
      condition: above(meanDurationIn(dbQueueTime, settings.dbQueueTime.window, scope), settings.dbQueueTime.meanMs),
      summary: `Database queries wait for a connection on ${instance}`,
      description: (value) =>
        `Queries waited ${value("humanize")} ms on average for a pool connection over the last ` +
        `${settings.dbQueueTime.window}.`,
      runbook: "akkomadatabasepoolsaturated",
      panel: titles.dbQueryQuantiles,
    },
    beamRunQueue("AkkomaBeamCpuRunQueueHigh", cpuRunQueue, "CPU"),
    beamRunQueue("AkkomaBeamIoRunQueueHigh", ioRunQueue, "IO"),
  ];
}
