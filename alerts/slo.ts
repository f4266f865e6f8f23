// The federation delivery objective's alerts: multiwindow, multi-burn-rate (Google SRE workbook, "Alerting
// on SLOs"). Each fires while the budget burns faster than its rate over both its long window (enough
// failures to matter) and its short one (still burning now), per target. Built raw and over rules/slo.ts'
// recorded series, like alerts/akkoma.ts; rendered into a rule file of their own.
import {
  alerts as alertSettings,
  deadInstanceReasons as defaultDeadReasons,
  federationSlo as settings,
} from "../config";
import { above, both } from "../queries/alerting";
import { type JobScope, jobScope } from "../queries/selectors";
import { allowedShare } from "../queries/slo";
import { titles } from "../panels/titles";
import type { RecordingRule } from "../rules/akkoma";
import { type DeliveryShare, rawDeliveryShare, recordedDeliveryShare } from "../rules/slo";
import type { AlertDefinition, AlertOptions, Severity } from "./akkoma";
import { type PrometheusRule, type PrometheusRuleFile, type RecordingRuleEntry, prometheusRule } from "./prometheus";
import type { PanelLinks } from "./links";

export interface SloOptions extends AlertOptions {
  /** The share of deliveries to live servers that must succeed, above 0 and below 1 (default 0.99). */
  readonly objective?: number;
  readonly enabled?: boolean;
}

type Burn = (typeof settings)["fastBurn"] | (typeof settings)["slowBurn"];

const instance = "{{ $labels.instance }}";
const percent = (share: number) => Number((share * 100).toPrecision(10));
const periodDays = Number(settings.period.replace(/d$/, ""));

function burnAlert(
  burn: Burn,
  objective: number,
  labels: Readonly<Record<string, string>>,
  raw: DeliveryShare,
  recorded: DeliveryShare,
): AlertDefinition {
  const bar = Number((burn.burnRate * allowedShare(objective)).toPrecision(12));
  const condition = (share: DeliveryShare) => both(above(share(burn.long), bar), above(share(burn.short), bar));
  const fast = burn === settings.fastBurn;
  const severity: Severity = burn.severity;
  return {
    name: burn.name,
    severity,
    labels: { ...labels, severity },
    for: burn.for,
    condition: condition(raw),
    recordedCondition: condition(recorded),
    summary: `Federation deliveries from ${instance} burn the error budget ${fast ? "fast" : "steadily"}`,
    description: (value) =>
      `${value("humanizePercentage")} of deliveries to live servers failed over the last ${burn.long} ` +
      `(and still over ${burn.short}): ${burn.burnRate} times what a ${percent(objective)} % objective allows, ` +
      `the ${settings.period} budget gone in ${Number((periodDays / burn.burnRate).toPrecision(2))} days at this pace.`,
    runbook: burn.name.toLowerCase(),
    panel: titles.deliveryBurnRate,
  };
}

/** The SLO's alerts and the recording rules they read; none when disabled. */
export function federationSloSet(options: SloOptions = {}): {
  alerts: AlertDefinition[];
  recordings: RecordingRule[];
} {
  if (options.enabled === false) return { alerts: [], recordings: [] };
  const scope: JobScope = jobScope(options.job ?? alertSettings.job, options.target);
  const dead = options.deadInstanceReasons ?? defaultDeadReasons;
  const objective = options.objective ?? settings.objective;
  const raw = rawDeliveryShare(scope, dead);
  const recorded = recordedDeliveryShare(scope, dead);
  const alerts = [settings.fastBurn, settings.slowBurn].map((burn) =>
    burnAlert(burn, objective, options.labels ?? {}, raw, recorded.share),
  );
  return { alerts, recordings: recorded.rules() };
}

export const federationSloAlerts = (options: SloOptions = {}) => federationSloSet(options).alerts;

export interface SloRuleOptions extends SloOptions {
  readonly links: PanelLinks;
  readonly runbookBaseUrl?: string;
  readonly grafanaBaseUrl?: string;
}

/** The SLO's rule file: its recording group, then its alert group over what that records. */
export function sloRules(options: SloRuleOptions): PrometheusRuleFile<PrometheusRule | RecordingRuleEntry> {
  const { alerts, recordings } = federationSloSet(options);
  if (alerts.length === 0) return { groups: [] };
  return {
    groups: [
      {
        name: `${settings.group}-recordings`,
        interval: alertSettings.interval,
        rules: recordings.map(({ record, query }) => ({ record, expr: query.toString() })),
      },
      {
        name: settings.group,
        interval: alertSettings.interval,
        rules: alerts.map((alert) =>
          prometheusRule(alert, options.links(alert), options.runbookBaseUrl, options.grafanaBaseUrl),
        ),
      },
    ],
  };
}
