// akkoma-dashboards as a library, for people who compose their own dashboards with Grafana's foundation
// SDK: our dashboard (or its sections' panels, their SDK builders to place in yours), our alert rules, and the
// catalogue of Akkoma's metrics the queries are built from. What counts as a breaking change: CHANGELOG.md.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { AlertOptions } from "./alerts/akkoma";
import { dashboard as dashboardSettings } from "./config";
import {
  type PrometheusRule,
  type PrometheusRuleFile,
  type RecordingRuleEntry,
  type RuleOptions,
  alertRules as linkedAlertRules,
  recordingRules as recordingRulesFor,
} from "./alerts/prometheus";
import {
  type DashboardSettings,
  type Section,
  type SectionSettings,
  akkomaDashboard,
  sections,
} from "./dashboards/akkoma";
import { panelLinks } from "./dashboards/links";
import { dashboardRecordings } from "./dashboards/recorded";
import type { DeclaredPanel, Target } from "./panels/panel";
import { type Metric, catalogue } from "./queries/catalogue";

export type { DashboardSettings, DeclaredPanel, Metric, PrometheusRuleFile, RuleOptions, Section, Target };
export { catalogue };

/** The dashboard as Grafana's JSON model (what `build` writes, before its import envelope). */
export function dashboard({
  recordedSeriesOf,
  ...settings
}: DashboardSettings & Pick<SectionSettings, "recordedSeriesOf"> = {}): Dashboard {
  return akkomaDashboard(sections({ recordedSeriesOf }), settings);
}

/**
 * The dashboard's sections, each a title and its panels: each panel's title, its queries (refId, PromQL
 * with the series it reads and its unit, legend) and the foundation-SDK builder that draws it.
 */
export const dashboardSections = (): Section[] => sections();

/**
 * The Prometheus (and vmalert) alert rule file as an object: each alert linked to its panel on
 * `dashboard()`, after the recording rules it reads (one group: nothing else to load).
 */
export function alertRules({
  settings,
  ...options
}: RuleOptions & { settings?: DashboardSettings } = {}): PrometheusRuleFile<PrometheusRule | RecordingRuleEntry> {
  return linkedAlertRules({ ...options, links: panelLinks(settings?.uid ?? dashboardSettings.uid, sections()) });
}

/**
 * The recorded dashboard's recording rule file as an object, as `build` writes it: what the dashboard over
 * recorded series reads (the same options as the alerts, less the links'); the alerts need none of it.
 */
export const recordingRules = (options: AlertOptions = {}): PrometheusRuleFile<RecordingRuleEntry> =>
  recordingRulesFor(options, dashboardRecordings(sections().flatMap((section) => section.panels)));
