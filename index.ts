// akkoma-dashboards as a library, for people who compose their own dashboards with Grafana's foundation
// SDK: our dashboard (or its sections' panel builders, to place in yours), our alert rules, and the
// catalogue of Akkoma's metrics the queries are built from. What counts as a breaking change: CHANGELOG.md.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import {
  type PrometheusRuleFile,
  type RuleOptions,
  alertRules as linkedAlertRules,
  recordingRules,
} from "./alerts/prometheus";
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

/**
 * The Prometheus (and vmalert) alert rule file as an object: each alert linked to its panel on
 * `dashboard()`. Its alerts read the series `recordingRules()` records: load both.
 */
export function alertRules({
  settings,
  ...options
}: RuleOptions & { settings?: DashboardSettings } = {}): PrometheusRuleFile {
  return linkedAlertRules({ ...options, links: panelLinks(dashboard(settings)) });
}

/** The recording rule file as an object (the same options as the alerts, less the links'). */
export { recordingRules };
