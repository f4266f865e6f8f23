// What is worth an admin's attention, after Akkoma's monitoring doc, as conditions over the catalogue.
// Each condition returns one series per target that should alert (labelled with job and instance). Every
// alert is built twice from the same inputs: over raw series (Grafana-managed rules) and over recorded
// series (the Prometheus rule files, beside rules/' recording rules).
import { alerts as settings, deadInstanceReasons as defaultDeadReasons, federationSlo } from "../config";
import { cpuRunQueue, dbQueueTime, ioRunQueue, jobCompletions, pendingJobs, up } from "../queries/catalogue";
import {
  above,
  absentIn,
  atLeast,
  both,
  equalTo,
  lacking,
  alongside,
  lowestIn,
  scaledBy,
  seriesIn,
  slopeIn,
} from "../queries/alerting";
import type { Query } from "../queries/query";
import {
  type JobScope,
  type Matchers,
  type TargetSelector,
  jobScope,
  noneOf,
  oneOf,
  targetLabelsOf,
} from "../queries/selectors";
import { eventsPerMinuteUnit } from "../queries/units";
import { titles } from "../panels/titles";
import { type AlertInputs, type RecordingRule, rawInputs, recordedInputs } from "../rules/akkoma";
import { federationWorkers } from "../queries/catalogue";
import { templateLiteral } from "./templates";

export type Severity = "critical" | "warning" | "info";

/** How a rule format writes the alert's current value into its text (Prometheus and Grafana differ). */
export type ValueText = (format: "humanize" | "humanizePercentage") => string;

export interface AlertDefinition {
  /** The `alertname`, and the Grafana rule's title. */
  readonly name: string;
  readonly severity: Severity;
  /** Every label the alert carries: its severity and the user's own (team, cluster, ...). */
  readonly labels: Readonly<Record<string, string>>;
  readonly for: string;
  /** How long the alert keeps firing once its condition no longer holds (Prometheus' `keep_firing_for`). */
  readonly keepFiringFor?: string;
  /** The bar the condition compares with, in the unit of the panel it links to; none for a yes/no condition. */
  readonly threshold?: number;
  /**
   * Why the linked panel cannot draw the bar, where it cannot (a share of jobs on a panel of jobs per
   * minute): the panel still shows what the alert is about.
   */
  readonly barNotOnPanel?: string;
  /** The condition over Akkoma's own series, for rules that cannot rely on recorded ones. */
  readonly condition: Query;
  /** The same condition over rules/' recorded series: one line a person can read. */
  readonly recordedCondition: Query;
  readonly summary: string;
  readonly description: (value: ValueText) => string;
  /** Anchor of the alert's section in docs/runbook.md. */
  readonly runbook: string;
  /** The title of the dashboard panel that shows what the alert is about. */
  readonly panel: (typeof titles)[keyof typeof titles];
  /** About the recording rules themselves: only where they run (Prometheus rule files), not in Grafana. */
  readonly recordedOnly?: boolean;
}

/** What a user may change of one alert without editing code (the values file's `alerts.<name>`). */
export interface AlertTuning {
  readonly enabled?: boolean;
  readonly severity?: Severity;
  readonly for?: string;
  /** Prometheus' `keep_firing_for`: the alert stays firing this long after its condition stops holding. */
  readonly keep_firing_for?: string;
  /** The alert's bar, in the unit its description names. */
  readonly threshold?: number;
  /** Labels of this alert alone, over those on every alert; `severity` stays the field above. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An alert's defaults in code: what tuning overrides. */
export interface AlertDefaults {
  readonly severity: Severity;
  readonly for: string;
  readonly threshold?: number;
}

/** An alert's settings once tuned: what every rule form renders. */
export interface TunedAlert {
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly for: string;
  readonly keepFiringFor?: string;
  readonly threshold?: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * One alert's defaults with the user's tuning over them, and the labels on every alert under its own:
 * the one place tuning is applied, for any alert set (the objective's burn-rate alerts join by name).
 */
export function tuneAlert(
  defaults: AlertDefaults,
  tuning: AlertTuning = {},
  commonLabels: Readonly<Record<string, string>> = {},
): TunedAlert {
  const severity = tuning.severity ?? defaults.severity;
  const threshold = tuning.threshold ?? defaults.threshold;
  const keepFiringFor = tuning.keep_firing_for;
  return {
    enabled: tuning.enabled ?? true,
    severity,
    for: tuning.for ?? defaults.for,
    ...(keepFiringFor === undefined ? {} : { keepFiringFor }),
    ...(threshold === undefined ? {} : { threshold }),
    labels: { ...commonLabels, ...tuning.labels, severity },
  };
}

export const alertNames = [
  "AkkomaDown",
  "AkkomaTargetMissing",
  "AkkomaMetricsStale",
  "AkkomaOutboundFederationFailing",
  "AkkomaDeliveriesFailing",
  "AkkomaDeliveriesUnauthorized",
  "AkkomaJobQueueBackingUp",
  "AkkomaJobsFailing",
  "AkkomaDatabasePoolSaturated",
  "AkkomaBeamCpuRunQueueHigh",
  "AkkomaBeamIoRunQueueHigh",
  "AkkomaRecordingRulesMissing",
] as const;
export type AlertName = (typeof alertNames)[number];
/** The objective's alerts (alerts/slo.ts), named in config.ts. */
export type SloAlertName = (typeof federationSlo)["attemptsFailing" | "budgetBurn"]["name"];
/** Every alert the values file tunes by name: these and the objective's. */
export type TunableAlertName = AlertName | SloAlertName;

export interface AlertOptions {
  /** The scrape job the rules select (every instance of it); default: the config's. */
  readonly job?: string;
  readonly target?: TargetSelector;
  readonly tuning?: Readonly<Partial<Record<TunableAlertName, AlertTuning>>>;
  /** Labels added to every alert. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly deadInstanceReasons?: readonly string[];
  /** The federation objective: enabled (the default), its own rule file is loaded too, and watched. */
  readonly slo?: { readonly enabled?: boolean; readonly objective?: number };
}

/** Whether the objective's rule file has a group: enabled, and one of its alerts at least. */
export const objectiveRendered = (options: AlertOptions): boolean =>
  options.slo?.enabled !== false &&
  [federationSlo.attemptsFailing.name, federationSlo.budgetBurn.name].some(
    (name) => options.tuning?.[name]?.enabled !== false,
  );

type WorkerMatchers = Matchers<"worker">;

const instance = "{{ $labels.instance }}";
const publisher = federationWorkers[2];
const worker = (name: string) => name.replace(/^Pleroma\.Workers\./, "");

/** One alert as written here: its defaults, and its condition over either form of the inputs. */
interface AlertSpec extends Omit<
  AlertDefinition,
  "condition" | "recordedCondition" | "labels" | "for" | "severity" | "description"
> {
  readonly name: AlertName;
  readonly description: (value: ValueText, tuned: { readonly for: string; readonly threshold?: number }) => string;
  readonly defaults: AlertDefaults;
  readonly condition: (inputs: AlertInputs, bar: number) => Query;
}

/** Per worker (and target): the share of jobs that raised above each bar, where at least `minPerMinute` jobs ran. */
function jobFailure(
  inputs: AlertInputs,
  window: string,
  bars: readonly (readonly [WorkerMatchers, number])[],
  minPerMinute: number,
) {
  const failing = inputs.jobsFailingAbove(window, bars);
  const jobsPerMinute = scaledBy(inputs.jobAttempts(window, {}), 60, eventsPerMinuteUnit(jobCompletions));
  return both(failing, atLeast(jobsPerMinute, minPerMinute));
}

function specs(scope: JobScope, objective = true): AlertSpec[] {
  const { stale, outboundFederation: outbound, deliveryFailures: failures, queueBacklog, jobExceptions } = settings;
  const unauthorized = settings.unauthorizedDeliveries;
  const jobText = templateLiteral(scope.job);
  const beamRunQueue = (name: AlertName, pair: typeof cpuRunQueue, kind: string): AlertSpec => ({
    name,
    defaults: { severity: "warning", for: settings.runQueue.for, threshold: settings.runQueue.mean },
    condition: (inputs, bar) => above(inputs.pollAverage(pair, settings.runQueue.window), bar),
    summary: `BEAM ${kind} run queue stays long on ${instance}`,
    description: (value) =>
      `On average ${value("humanize")} processes waited for a ${kind} scheduler over the last ` +
      `${settings.runQueue.window}; it should be near zero.`,
    runbook: name.toLowerCase(),
    panel: titles.beamLoad,
  });
  const ownBars = Object.entries(jobExceptions.workers);
  return [
    {
      name: "AkkomaDown",
      defaults: { severity: "critical", for: settings.down.for },
      condition: () => equalTo(seriesIn(up, scope), 0),
      summary: `Akkoma's metrics endpoint on ${instance} does not answer`,
      description: (_value, tuned) =>
        `Scrapes of ${instance} have failed for ${tuned.for}: Akkoma is down or unreachable.`,
      runbook: "akkomadown",
      panel: titles.up,
    },
    {
      name: "AkkomaTargetMissing",
      defaults: { severity: "critical", for: settings.targetMissing.for },
      condition: () => absentIn(up, scope),
      // absent() returns one series without an instance label: it fires only when every target is gone.
      summary: `No target of scrape job ${jobText} is scraped`,
      description: (_value, tuned) => `The scraper has had no target in job "${jobText}" for ${tuned.for}.`,
      runbook: "akkomatargetmissing",
      panel: titles.up,
    },
    {
      name: "AkkomaMetricsStale",
      defaults: { severity: "warning", for: stale.for },
      // The poll count grows by one a minute; an endpoint that answers with the same count has stopped polling.
      condition: (inputs) => equalTo(inputs.pollRate(stale.window), 0),
      summary: `Akkoma on ${instance} stopped refreshing its metrics`,
      description: () => `The endpoint answers, but Akkoma has not polled its values for ${stale.window}.`,
      runbook: "akkomametricsstale",
      panel: titles.beamMemory,
    },
    {
      name: "AkkomaOutboundFederationFailing",
      defaults: { severity: "warning", for: outbound.for, threshold: outbound.exceptionRatio },
      condition: (inputs, bar) =>
        jobFailure(inputs, outbound.window, [[{ worker: oneOf([publisher]) }, bar]], outbound.minJobsPerMinute),
      summary: `Most outgoing deliveries fail on ${instance}`,
      description: (value) =>
        `${value("humanizePercentage")} of PublisherWorker jobs raised over the last ${outbound.window}: ` +
        `posts are not reaching other servers.`,
      runbook: "akkomaoutboundfederationfailing",
      barNotOnPanel: "a share of PublisherWorker's jobs, on a panel of its jobs and exceptions per minute",
      panel: titles.federationJobs,
    },
    {
      name: "AkkomaDeliveriesFailing",
      defaults: { severity: "warning", for: failures.for, threshold: failures.perReason },
      condition: (inputs, bar) => above(inputs.deliveryFailuresByReason(failures.window, [unauthorized.reason]), bar),
      summary: `Deliveries failing with {{ $labels.reason }} on ${instance}`,
      description: (value) =>
        `${value("humanize")} ActivityPub deliveries exhausted their retries with {{ $labels.reason }} in ` +
        `the last ${failures.window} (dead-instance reasons are not counted).`,
      runbook: "akkomadeliveriesfailing",
      panel: titles.failedDeliveries,
    },
    {
      name: "AkkomaDeliveriesUnauthorized",
      defaults: { severity: "warning", for: unauthorized.for, threshold: unauthorized.perTarget },
      condition: (inputs, bar) => above(inputs.deliveryFailuresByTarget(unauthorized.window, unauthorized.reason), bar),
      summary: `{{ $labels.target }} refuses deliveries from ${instance} as unauthorized`,
      description: (value) =>
        `${value("humanize")} deliveries to {{ $labels.target }} ended with HTTP 401 in the last ` +
        `${unauthorized.window}: it keeps rejecting our signatures, or blocks us.`,
      runbook: "akkomadeliveriesunauthorized",
      panel: titles.failedDeliveries,
    },
    {
      name: "AkkomaJobQueueBackingUp",
      defaults: { severity: "warning", for: queueBacklog.for, threshold: queueBacklog.pendingJobs },
      // Short already, and read by no other rule: left raw.
      condition: (_inputs, bar) =>
        both(
          above(lowestIn(pendingJobs, queueBacklog.window, scope), bar),
          atLeast(slopeIn(pendingJobs, queueBacklog.window, scope), 0),
        ),
      summary: `Queue {{ $labels.queue_name }} is backing up on ${instance}`,
      description: (value) =>
        `At least ${value("humanize")} jobs have waited in {{ $labels.queue_name }} throughout the last ` +
        `${queueBacklog.window}, and the queue is not draining.`,
      runbook: "akkomajobqueuebackingup",
      panel: titles.pendingJobs,
    },
    {
      // One rule: the default bar for most workers, each worker with its own bar (config) checked apart.
      name: "AkkomaJobsFailing",
      defaults: { severity: "warning", for: jobExceptions.for, threshold: jobExceptions.exceptionRatio },
      condition: (inputs, bar) =>
        jobFailure(
          inputs,
          jobExceptions.window,
          [
            [{ worker: noneOf([publisher, ...ownBars.map(([name]) => name)]) }, bar],
            ...ownBars.map(([name, own]) => [{ worker: oneOf([name]) }, own] as const),
          ],
          jobExceptions.minJobsPerMinute,
        ),
      summary: `{{ $labels.worker }} jobs keep failing on ${instance}`,
      description: (value, tuned) =>
        `${value("humanizePercentage")} of {{ $labels.worker }} jobs raised over the last ${jobExceptions.window} ` +
        `(bar: ${(tuned.threshold ?? 0) * 100} %${ownBars.map(([name, own]) => `; ${worker(name)} ${own * 100} %`).join("")}` +
        `; PublisherWorker has its own alert).`,
      runbook: "akkomajobsfailing",
      barNotOnPanel: "a share of a worker's jobs, on a panel of exceptions per minute",
      panel: titles.jobExceptions,
    },
    {
      name: "AkkomaDatabasePoolSaturated",
      defaults: { severity: "warning", for: settings.dbQueueTime.for, threshold: settings.dbQueueTime.meanMs },
      // The mean, not the p95: queue-time buckets end at 10 ms, so a p95 saturates at the top bucket.
      condition: (inputs, bar) => above(inputs.meanDuration(dbQueueTime, settings.dbQueueTime.window), bar),
      summary: `Database queries wait for a connection on ${instance}`,
      description: (value) =>
        `Queries waited ${value("humanize")} ms on average for a pool connection over the last ` +
        `${settings.dbQueueTime.window}.`,
      runbook: "akkomadatabasepoolsaturated",
      panel: titles.dbQueryQuantiles,
    },
    beamRunQueue("AkkomaBeamCpuRunQueueHigh", cpuRunQueue, "CPU"),
    beamRunQueue("AkkomaBeamIoRunQueueHigh", ioRunQueue, "IO"),
    {
      // Every alert above goes quiet when the series it reads are missing: a ruler that stopped, a vmalert
      // whose remoteWrite fails, a group failing. The poll rate stands for this file's group: its recording
      // is in it, and Akkoma exports the polls whenever it answers. The objective's file is loaded apart (or
      // not): its own sentinel, recorded from `up` whatever the traffic, stands for its group.
      name: "AkkomaRecordingRulesMissing",
      defaults: { severity: "warning", for: settings.recordingsMissing.for },
      condition: (inputs) => {
        const on = targetLabelsOf(scope);
        const polled = inputs.pollRate(stale.window);
        const recorded = objective ? alongside(polled, inputs.objectiveEvaluated(), on) : polled;
        return lacking(equalTo(seriesIn(up, scope), 1), recorded, on);
      },
      summary: `The alerts' recorded series for ${instance} are missing`,
      description: (_value, tuned) =>
        `${instance} is scraped, but the recording rules' series have been missing for ${tuned.for}: the ` +
        `alerts about it cannot fire.`,
      runbook: "akkomarecordingrulesmissing",
      panel: titles.up,
      recordedOnly: true,
    },
  ];
}

/** Every enabled alert, selecting every instance of the job, and the recording rules their recorded form reads. */
export function akkomaAlertSet(options: AlertOptions = {}): {
  alerts: AlertDefinition[];
  recordingRules: RecordingRule[];
} {
  const scope = jobScope(options.job ?? settings.job, options.target);
  const deadReasons = options.deadInstanceReasons ?? defaultDeadReasons;
  const raw = rawInputs(scope, deadReasons);
  const recorded = recordedInputs(scope, deadReasons);
  const alerts = specs(scope, objectiveRendered(options))
    .map((spec) => ({ spec, tuned: tuneAlert(spec.defaults, options.tuning?.[spec.name], options.labels) }))
    .filter(({ tuned }) => tuned.enabled)
    .map(({ spec: { defaults: _defaults, condition, description, ...spec }, tuned }) => {
      const bar = tuned.threshold ?? 0;
      return {
        ...spec,
        severity: tuned.severity,
        for: tuned.for,
        ...(tuned.keepFiringFor === undefined ? {} : { keepFiringFor: tuned.keepFiringFor }),
        ...(tuned.threshold === undefined ? {} : { threshold: tuned.threshold }),
        labels: tuned.labels,
        condition: condition(raw, bar),
        recordedCondition: condition(recorded.inputs, bar),
        description: (value: ValueText) => description(value, tuned),
      };
    });
  return { alerts, recordingRules: recorded.rules() };
}

/** Every enabled alert (see akkomaAlertSet). */
export const akkomaAlerts = (options: AlertOptions = {}): AlertDefinition[] => akkomaAlertSet(options).alerts;

/** Each alert's defaults before any values file: severity, `for`, and its bar where it has one. */
export const alertDefaults = (): Readonly<Record<AlertName, AlertSpec["defaults"]>> =>
  Object.fromEntries(specs(jobScope(settings.job)).map((spec) => [spec.name, spec.defaults])) as Record<
    AlertName,
    AlertSpec["defaults"]
  >;
