// The Prometheus rule files (read as is by vmalert, Thanos and Mimir rulers): the alerts' group, which
// records what its alerts read before them, and the recorded dashboard's groups.
import { alerts as settings } from "../config";
import { type AlertDefinition, type AlertOptions, type ValueText, akkomaAlertSet } from "./akkoma";
import { type PanelLink, type PanelLinks, panelUrl, runbookUrl } from "./links";
import type { Recording } from "../queries/query";
import { jobScope } from "../queries/selectors";
import { type RecordingRule, dashboardRecordingGroups } from "../rules/akkoma";

export interface PrometheusRule {
  alert: string;
  expr: string;
  for: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RecordingRuleEntry {
  record: string;
  expr: string;
}

export interface PrometheusRuleFile<Rule = PrometheusRule> {
  groups: { name: string; interval: string; rules: Rule[] }[];
}

export interface RuleOptions extends AlertOptions {
  runbookBaseUrl?: string;
  /** Grafana's address: each alert then links to its panel with an absolute `dashboard_url`. */
  grafanaBaseUrl?: string;
}

export interface LinkedRuleOptions extends RuleOptions {
  /** The dashboard panel of each alert. */
  links: PanelLinks;
}

const value: ValueText = (format) => `{{ $value | ${format} }}`;

export function prometheusRule(
  alert: AlertDefinition,
  link: PanelLink,
  runbookBase?: string,
  grafanaBase?: string,
): PrometheusRule {
  return {
    alert: alert.name,
    expr: alert.recordedCondition.toString(),
    for: alert.for,
    ...(alert.keepFiringFor === undefined ? {} : { keep_firing_for: alert.keepFiringFor }),
    labels: { ...alert.labels },
    annotations: {
      summary: alert.summary,
      description: alert.description(value),
      runbook_url: runbookUrl(alert, runbookBase),
      dashboard_uid: link.dashboardUid,
      panel_id: String(link.panelId),
      panel: alert.panel,
      ...(grafanaBase === undefined ? {} : { dashboard_url: panelUrl(grafanaBase, link) }),
    },
  };
}

/**
 * The alerts' rule file for `job` (default: the config's scrape job): one group, the recordings its alerts
 * read first, then the alerts. A ruler evaluates a group's rules in order, so each alert reads what was
 * recorded in the same evaluation; from another group it would read the previous evaluation's.
 */
export function alertRules(options: LinkedRuleOptions): PrometheusRuleFile<PrometheusRule | RecordingRuleEntry> {
  const { alerts, recordingRules: recordings } = akkomaAlertSet(options);
  const rules = alerts.map((alert) =>
    prometheusRule(alert, options.links(alert), options.runbookBaseUrl, options.grafanaBaseUrl),
  );
  return {
    groups: [{ name: settings.group, interval: settings.interval, rules: [...recordings.map(entry), ...rules] }],
  };
}

/** A rule file's alerts, its recordings left out. */
export const alertsIn = (file: PrometheusRuleFile<PrometheusRule | RecordingRuleEntry>): PrometheusRule[] =>
  file.groups.flatMap((group) => group.rules).filter((rule): rule is PrometheusRule => "alert" in rule);

const entry = ({ record, query }: RecordingRule): RecordingRuleEntry => ({ record, expr: query.toString() });

/**
 * The recording rules only the dashboard's recorded form reads (`dashboard`: its recordings, for the
 * alerts' scope), a group for each interval. No alert reads them: a ruler runs them only for
 * `build --recorded`'s dashboard.
 */
export function recordingRules(
  options: AlertOptions = {},
  dashboard: readonly Recording[] = [],
): PrometheusRuleFile<RecordingRuleEntry> {
  const scope = jobScope(options.job ?? settings.job, options.target);
  const groups = dashboardRecordingGroups(dashboard, scope, []).map(({ interval, rules }) => ({
    name: `${settings.group}-dashboard-recordings-${interval}`,
    interval,
    rules: rules.map(entry),
  }));
  return { groups };
}
