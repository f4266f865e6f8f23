// akkoma-dashboards as a library, for people who compose their own dashboards with Grafana's foundation
// SDK: our dashboard (or its sections' panel builders, to place in yours), our alert rules, and the
// catalogue of Akkoma's metrics the queries are built from. What counts as a breaking change: CHANGELOG.md.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { type PrometheusRuleFile, type RuleOptions, alertRules as linkedAlertRules } from "./alerts/prometheus";
import { type DashboardSettings, type Section, akkomaDashboard, sections } from "./dashboards/akkoma";
import { panelLinks } from "./dashboards/links";
import { type Metric, catalogue } from "./queries/catalogue";

export type { DashboardSettings, Metric, PrometheusRuleFile, RuleOptions, Section };
export { catalogue };

/** The dashboard as Grafana's JSON model (what `build` writes, before its import envelope). */
export function dashboard(settings: DashboardSettings = {}): Dashboard {
  return akkomaDashboard(sections(), settings);
}

/** The dashboard's sections, each a title and its panels as foundation-SDK builders. */
export const dashboardSections = (): Section[] => sections();

/** The Prometheus (and vmalert) rule file as an object: each alert linked to its panel on `dashboard()`. */
export function alertRules(options: RuleOptions & { settings?: DashboardSettings } = {}): PrometheusRuleFile {
  const links = panelLinks(dashboard(options.settings));
  return linkedAlertRules({ job: options.job, runbookBaseUrl: options.runbookBaseUrl, links });
}
