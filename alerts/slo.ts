// The federation delivery objective's alerts (docs/objective.md): a page on a leading signal, PublisherWorker
// attempts that raise, and a ticket on the budget of final failures, which count about a day late. Each
// fires over a long window and still over a short one (the Google SRE workbook's multiwindow alerts), with
// a minimum of events in the long one, per target. Built raw and over rules/slo.ts' recorded series, like
// alerts/akkoma.ts, tuned from the values file like every other alert; rendered into a file of their own.
import {
  alerts as alertSettings,
  deadInstanceReasons as defaultDeadReasons,
  federationSlo as settings,
} from "../config";
import { above, atLeast, below, both } from "../queries/alerting";
import type { Query } from "../queries/query";
import { type JobScope, jobScope } from "../queries/selectors";
import { allowedShare } from "../queries/slo";
import { titles } from "../panels/titles";
import type { RecordingRule } from "../rules/akkoma";
import { type Pace, type SloSignals, objectiveSentinel, rawSignals, recordedSignals } from "../rules/slo";
import { durationMs } from "../queries/durations";
import {
  type AlertDefaults,
  type AlertDefinition,
  type AlertOptions,
  type SloAlertName,
  type ValueText,
  tuneAlert,
} from "./akkoma";
import { type PrometheusRule, type PrometheusRuleFile, type RecordingRuleEntry, prometheusRule } from "./prometheus";
import type { PanelLinks } from "./links";

export interface SloOptions extends AlertOptions {
  /** The share of deliveries to live servers that must succeed, above 0 and below 1 (default 0.99). */
  readonly objective?: number;
  readonly enabled?: boolean;
}

const { attemptsFailing: page, budgetBurn: ticket } = settings;

/** The page's pace of deliveries: completions over its window against the usual, ending the long window ago. */
export const pagePace: Pace = {
  window: page.delivered.window,
  usual: page.delivered.usual,
  ago: page.long,
  minUsual: (page.delivered.minPerHour * durationMs(page.delivered.window)) / durationMs("1h"),
  minAttemptsOfUsual: page.delivered.minAttemptsOfUsual,
};

const instance = "{{ $labels.instance }}";
const percent = (share: number) => Number((share * 100).toPrecision(10));
const periodDays = Number.parseInt(settings.period, 10);

interface SloSpec {
  readonly name: SloAlertName;
  readonly defaults: AlertDefaults;
  readonly condition: (signals: SloSignals, bar: number) => Query;
  readonly summary: string;
  readonly description: (value: ValueText, bar: number) => string;
  readonly panel: AlertDefinition["panel"];
  readonly barNotOnPanel?: string;
}

/** Above the bar over the long window and still over the short one. */
const sustained = (share: (window: string) => Query, bar: number, windows: { long: string; short: string }) =>
  both(above(share(windows.long), bar), above(share(windows.short), bar));

function specs(objective: number): SloSpec[] {
  const allowed = allowedShare(objective);
  return [
    {
      name: page.name,
      defaults: { severity: page.severity, for: page.for, threshold: page.share },
      condition: ({ attempts, delivered }, bar) =>
        both(sustained(attempts.share, bar, page), below(delivered(pagePace), page.delivered.share)),
      summary: `Federation from ${instance} has stopped: nearly every delivery attempt fails`,
      description: (value, bar) =>
        `${value("humanizePercentage")} of PublisherWorker's attempts raised over the last ${page.long} (and ` +
        `still over ${page.short}; bar ${percent(bar)} %), and deliveries completed over the last ` +
        `${page.delivered.window} are under ${percent(page.delivered.share)} % of the usual: our network, proxy ` +
        `or keys fail every delivery. The objective counts these failures only when their retries end, a day later.`,
      panel: titles.federationJobs,
      barNotOnPanel: "a share of PublisherWorker's attempts, on a panel of its jobs and exceptions per minute",
    },
    {
      name: ticket.name,
      defaults: { severity: ticket.severity, for: ticket.for, threshold: ticket.burnRate },
      condition: ({ deliveries }, burnRate) =>
        both(
          sustained(deliveries.share, Number((burnRate * allowed).toPrecision(12)), ticket),
          atLeast(deliveries.failed(ticket.long), ticket.minFailures),
        ),
      summary: `Federation deliveries from ${instance} spend the error budget too fast`,
      description: (value, burnRate) =>
        `${value("humanizePercentage")} of deliveries to live servers failed for good over the last ${ticket.long} ` +
        `(and still over ${ticket.short}): ${burnRate} times what a ${percent(objective)} % objective allows, ` +
        `the ${settings.period} budget gone in ${Number((periodDays / burnRate).toPrecision(2))} days at this pace.`,
      panel: titles.deliveryBurnRate,
    },
  ];
}

/** The objective's alerts and the recording rules they read, in the order a group evaluates them; none when disabled. */
export function federationSloSet(options: SloOptions = {}): {
  alerts: AlertDefinition[];
  recordings: RecordingRule[];
} {
  if (options.enabled === false) return { alerts: [], recordings: [] };
  const scope: JobScope = jobScope(options.job ?? alertSettings.job, options.target);
  const dead = options.deadInstanceReasons ?? defaultDeadReasons;
  const objective = options.objective ?? settings.objective;
  const raw = rawSignals(scope, dead);
  const recorded = recordedSignals(scope, dead);
  const alerts = specs(objective)
    .map((spec) => ({ spec, tuned: tuneAlert(spec.defaults, options.tuning?.[spec.name], options.labels) }))
    .filter(({ tuned }) => tuned.enabled)
    .map(({ spec, tuned }): AlertDefinition => {
      const bar = tuned.threshold ?? 0;
      return {
        name: spec.name,
        severity: tuned.severity,
        labels: tuned.labels,
        for: tuned.for,
        ...(tuned.keepFiringFor === undefined ? {} : { keepFiringFor: tuned.keepFiringFor }),
        threshold: bar,
        ...(spec.barNotOnPanel === undefined ? {} : { barNotOnPanel: spec.barNotOnPanel }),
        condition: spec.condition(raw, bar),
        recordedCondition: spec.condition(recorded.signals, bar),
        summary: spec.summary,
        description: (value) => spec.description(value, bar),
        runbook: spec.name.toLowerCase(),
        panel: spec.panel,
      };
    });
  if (alerts.length === 0) return { alerts, recordings: [] };
  // The sentinel first: AkkomaRecordingRulesMissing (akkoma-alerts.yml) reads it to tell this group runs.
  const sentinel = objectiveSentinel(scope);
  return { alerts, recordings: [{ record: sentinel.record, query: sentinel.query }, ...recorded.rules()] };
}

export const federationSloAlerts = (options: SloOptions = {}) => federationSloSet(options).alerts;

export interface SloRuleOptions extends SloOptions {
  readonly links: PanelLinks;
  readonly runbookBaseUrl?: string;
  readonly grafanaBaseUrl?: string;
}

/** The objective's rule file: one group, its recordings first, then its alerts over them. */
export function sloRules(options: SloRuleOptions): PrometheusRuleFile<PrometheusRule | RecordingRuleEntry> {
  const { alerts, recordings } = federationSloSet(options);
  if (alerts.length === 0) return { groups: [] };
  // One group: a ruler evaluates its rules in order, so each alert reads what was recorded this evaluation.
  return {
    groups: [
      {
        name: settings.group,
        interval: alertSettings.interval,
        rules: [
          ...recordings.map(({ record, query }) => ({ record, expr: query.toString() })),
          ...alerts.map((alert) =>
            prometheusRule(alert, options.links(alert), options.runbookBaseUrl, options.grafanaBaseUrl),
          ),
        ],
      },
    ],
  };
}
