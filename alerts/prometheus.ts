// The Prometheus rule file (read as is by vmalert, Thanos and Mimir rulers): one group, every alert.
import { alerts as settings } from "../config";
import { type AlertDefinition, type ValueText, akkomaAlerts } from "./akkoma";
import { type PanelLink, type PanelLinks, runbookUrl } from "./links";

export interface PrometheusRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: Record<string, string>;
}

export interface PrometheusRuleFile {
  groups: { name: string; interval: string; rules: PrometheusRule[] }[];
}

export interface RuleOptions {
  /** The scrape job the rules select (every instance of it). */
  job?: string;
  runbookBaseUrl?: string;
}

export interface LinkedRuleOptions extends RuleOptions {
  /** The dashboard panel of each alert. */
  links: PanelLinks;
}

const value: ValueText = (format) => `{{ $value | ${format} }}`;

export function prometheusRule(alert: AlertDefinition, link: PanelLink, runbookBase?: string): PrometheusRule {
  return {
    alert: alert.name,
    expr: alert.condition.toString(),
    for: alert.for,
    labels: { severity: alert.severity },
    annotations: {
      summary: alert.summary,
      description: alert.description(value),
      runbook_url: runbookUrl(alert, runbookBase),
      dashboard_uid: link.dashboardUid,
      panel_id: String(link.panelId),
      panel: alert.panel,
    },
  };
}

/** The rule file for `job` (default: the config's scrape job). */
export function alertRules(options: LinkedRuleOptions): PrometheusRuleFile {
  const rules = akkomaAlerts(options.job).map((alert) =>
    prometheusRule(alert, options.links(alert), options.runbookBaseUrl),
  );
  return { groups: [{ name: settings.group, interval: settings.interval, rules }] };
}
