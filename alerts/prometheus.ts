// The Prometheus rule files (read as is by vmalert, Thanos and Mimir rulers): the recording rules' group,
// and the alerts' group over the series it records.
import { alerts as settings } from "../config";
import { type AlertDefinition, type AlertOptions, type ValueText, akkomaAlertSet } from "./akkoma";
import { type PanelLink, type PanelLinks, panelUrl, runbookUrl } from "./links";

export interface PrometheusRule {
  alert: string;
  expr: string;
  for: string;
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

/** The alerts' rule file for `job` (default: the config's scrape job); it reads recordingRules()' series. */
export function alertRules(options: LinkedRuleOptions): PrometheusRuleFile {
  const rules = akkomaAlertSet(options).alerts.map((alert) =>
    prometheusRule(alert, options.links(alert), options.runbookBaseUrl, options.grafanaBaseUrl),
  );
  return { groups: [{ name: settings.group, interval: settings.interval, rules }] };
}

/** The recording rules the alerts read, for the same options; evaluated as often as the alerts. */
export function recordingRules(options: AlertOptions = {}): PrometheusRuleFile<RecordingRuleEntry> {
  const rules = akkomaAlertSet(options).recordingRules.map(({ record, query }) => ({ record, expr: query.toString() }));
  return { groups: [{ name: `${settings.group}-recordings`, interval: settings.interval, rules }] };
}
