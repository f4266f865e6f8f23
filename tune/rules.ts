// The rules `tune` replays: every alert of the rule files a values file renders (alerts/akkoma.ts and the
// federation objective's, alerts/slo.ts), each with its group's interval, `for` and `keep_firing_for`.
// An alert is queried in its raw form, the recording rules' expressions in place of their series: an
// engine keeps no recorded series for a past it never evaluated them over, and the raw and recorded forms
// are proven equal (test/rules/recorded.test.ts).
import { type AlertName, type AlertOptions, akkomaAlertSet, alertDefaults } from "../alerts/akkoma";
import { type SloOptions, federationSloSet } from "../alerts/slo";
import { alerts as alertSettings, federationSlo } from "../config";
import { type DeploymentValues, renderValuesOf } from "../deploy/values";
import { seriesIn } from "../queries/alerting";
import { up } from "../queries/catalogue";
import { jobScope } from "../queries/selectors";
import { durationMs } from "../queries/durations";

export interface ReplayedRule {
  readonly alert: string;
  readonly group: string;
  readonly expr: string;
  readonly intervalMs: number;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  /** Labels the rule adds to every alert it raises (severity and the values file's own). */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's bar where it has one (values file: alerts.<name>.threshold). */
  readonly threshold?: number;
}

/** What a values file says about the rules, as a render reads it: job, selector, labels, tuning, dead-instance reasons, objective. */
function ruleOptionsOf(values: DeploymentValues = {}): AlertOptions & { slo: SloOptions } {
  const { job, rules = {} } = renderValuesOf(values);
  const { slo, grafanaBaseUrl: _links, ...alerting } = rules;
  const options: AlertOptions = { ...alerting, job };
  return { ...options, slo: { ...options, ...slo } };
}

/** Every alert the values render, in rule-file order. */
export function replayedRules(values: DeploymentValues = {}): ReplayedRule[] {
  const options = ruleOptionsOf(values);
  const intervalMs = durationMs(alertSettings.interval);
  const thresholds = thresholdsOf(options);
  const rule = (group: string) => (alert: ReturnType<typeof akkomaAlertSet>["alerts"][number]) => ({
    alert: alert.name,
    group,
    expr: alert.condition.toString(),
    intervalMs,
    forMs: durationMs(alert.for),
    keepFiringForMs: alert.keepFiringFor === undefined ? 0 : durationMs(alert.keepFiringFor),
    labels: alert.labels,
    ...(thresholds.has(alert.name) ? { threshold: thresholds.get(alert.name) } : {}),
  });
  return [
    // An alert about our recording rules has nothing to replay: the replay reads no recorded series.
    ...akkomaAlertSet(options)
      .alerts.filter((alert) => !alert.recordedOnly)
      .map(rule(alertSettings.group)),
    ...federationSloSet(options.slo).alerts.map(rule(federationSlo.group)),
  ];
}

/** The bar each alert with one runs at: the values file's, else its default. */
function thresholdsOf(options: AlertOptions): Map<string, number> {
  const bars = new Map<string, number>();
  for (const [name, defaults] of Object.entries(alertDefaults()) as [AlertName, { threshold?: number }][]) {
    const bar = options.tuning?.[name]?.threshold ?? defaults.threshold;
    if (bar !== undefined) bars.set(name, bar);
  }
  return bars;
}

/** The scrape target's `up` as the values select it (job, selector): its samples are the history there is. */
export function targetUp(values: DeploymentValues = {}): string {
  const options = ruleOptionsOf(values);
  return seriesIn(up, jobScope(options.job ?? alertSettings.job, options.target)).toString();
}
