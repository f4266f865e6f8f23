// Grafana-managed alert rules, for admins who run only Grafana: a file for Grafana's alerting file
// provisioning (provisioning/alerting/*.json), built with the foundation SDK's alerting builders.
import * as alerting from "@grafana/grafana-foundation-sdk/alerting";
import * as expr from "@grafana/grafana-foundation-sdk/expr";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { alerts as settings } from "../config";
import { type AlertDefinition, type ValueText, akkomaAlerts } from "./akkoma";
import { type PanelLinks, runbookUrl } from "./links";
import type { RuleOptions } from "./prometheus";

export interface GrafanaRuleOptions extends RuleOptions {
  /** Uid of the Prometheus (or VictoriaMetrics) data source in Grafana. */
  datasourceUid?: string;
  /** The dashboard panel of each alert. */
  links: PanelLinks;
}

/**
 * A provisioned rule: the API's rule without the fields the file sets per group (folder, group, org),
 * with the panel link as the file format writes it (the API keeps it in annotations).
 */
export type ProvisionedRule = Omit<alerting.Rule, "folderUID" | "ruleGroup" | "orgID"> & {
  dashboardUid: string;
  panelId: number;
};

export interface GrafanaAlertFile {
  apiVersion: 1;
  groups: { orgId: number; name: string; folder: string; interval: string; rules: ProvisionedRule[] }[];
}

const queryRef = "A";
const conditionRef = "B";
const expressionDatasource = { type: "__expr__", uid: "__expr__" };
/** Seconds of data a rule's query may look at; the PromQL ranges do the looking back. */
const lookBackSeconds = 600;

// Grafana's own conversion of Prometheus rules: the PromQL returns series only where the alert holds,
// so every number it returns means "firing", and no data means "all well".
const anyValue = `is_number($${queryRef}) || is_nan($${queryRef}) || is_inf($${queryRef})`;
const value: ValueText = (format) => `{{ ${format} $values.${queryRef}.Value }}`;

/** A stable uid from the alert's name and the job (Grafana allows at most 40 characters). */
const ruleUid = (alert: AlertDefinition, job: string) => `${job}-${alert.name}`.replace(/[^\w-]/g, "-").slice(0, 40);

function grafanaRule(alert: AlertDefinition, options: Required<Omit<GrafanaRuleOptions, "links">>) {
  const promQuery = new prometheus.DataqueryBuilder()
    .refId(queryRef)
    .datasource({ type: "prometheus", uid: options.datasourceUid })
    .expr(alert.condition.toString())
    .instant();
  const condition = new expr.TypeMathBuilder()
    .refId(conditionRef)
    .datasource(expressionDatasource)
    .expression(anyValue);
  return new alerting.RuleBuilder(alert.name)
    .uid(ruleUid(alert, options.job))
    .withQuery(
      new alerting.QueryBuilder(queryRef)
        .datasourceUid(options.datasourceUid)
        .relativeTimeRange({ from: lookBackSeconds, to: 0 })
        .model(promQuery),
    )
    .withQuery(
      new alerting.QueryBuilder(conditionRef)
        .datasourceUid(expressionDatasource.uid)
        .relativeTimeRange({ from: 0, to: 0 })
        .model(condition),
    )
    .condition(conditionRef)
    .noDataState("OK")
    .execErrState("Error")
    .forDuration(alert.for)
    .labels({ severity: alert.severity })
    .annotations({
      summary: alert.summary,
      description: alert.description(value),
      runbook_url: runbookUrl(alert, options.runbookBaseUrl),
    })
    .isPaused(false)
    .build();
}

/** The provisioning file for `job` (default: the config's scrape job) and a data source uid. */
export function grafanaAlertRules(options: GrafanaRuleOptions): GrafanaAlertFile {
  const resolved: Required<Omit<GrafanaRuleOptions, "links">> = {
    job: options.job ?? settings.job,
    runbookBaseUrl: options.runbookBaseUrl ?? settings.runbookBaseUrl,
    datasourceUid: options.datasourceUid ?? settings.grafana.datasourceUid,
  };
  const link = options.links;
  const rules = akkomaAlerts(resolved.job).map((alert) => {
    const { folderUID: _folder, ruleGroup: _group, orgID: _org, ...rule } = grafanaRule(alert, resolved);
    const { dashboardUid, panelId } = link(alert);
    return { ...rule, dashboardUid, panelId };
  });
  const { orgId, folder } = settings.grafana;
  return { apiVersion: 1, groups: [{ orgId, name: settings.group, folder, interval: settings.interval, rules }] };
}
