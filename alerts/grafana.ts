// Grafana-managed alert rules, for admins who run only Grafana: a file for Grafana's alerting file
// provisioning (provisioning/alerting/*.json), built with the foundation SDK's alerting builders.
import { createHash } from "node:crypto";
import * as alerting from "@grafana/grafana-foundation-sdk/alerting";
import * as expr from "@grafana/grafana-foundation-sdk/expr";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { alerts as settings, federationSlo } from "../config";
import { DashboardError } from "../errors";
import { type AlertDefinition, type ValueText, akkomaAlerts } from "./akkoma";
import { type PanelLinks, runbookUrl } from "./links";
import type { RuleOptions } from "./prometheus";
import { type SloOptions, federationSloAlerts } from "./slo";

export interface GrafanaRuleOptions extends RuleOptions {
  /** Uid of the Prometheus (or VictoriaMetrics) data source in Grafana: the user's, never a guess. */
  datasourceUid: string;
  /** The dashboard panel of each alert. */
  links: PanelLinks;
  /** The federation delivery objective, whose alerts get a group of their own as in the Prometheus files. */
  slo?: Pick<SloOptions, "objective" | "enabled">;
}

/**
 * A provisioned rule: the API's rule without the fields the file sets per group (folder, group, org),
 * with the panel link as the file format writes it (the API keeps it in annotations).
 */
export type ProvisionedRule = Omit<alerting.Rule, "folderUID" | "ruleGroup" | "orgID" | "keep_firing_for"> & {
  dashboardUid: string;
  panelId: number;
  /** The file format's name for the API's `keep_firing_for`, which the SDK's builder writes. */
  keepFiringFor?: string;
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

/** What makes a rendered rule one of its own in a Grafana: which alert, for which job, data source and dashboard. */
interface RuleIdentity {
  readonly alert: string;
  readonly job: string;
  readonly datasourceUid: string;
  readonly dashboardUid: string;
}

/**
 * Grafana's provisioner updates a rule whose uid it has already seen (pkg/services/provisioning/alerting/
 * rules_provisioner.go), so two rules sharing a uid leave one alert. Uids allow 40 characters of
 * [a-zA-Z0-9_-]: the alert's name, readable, then a hash of everything that tells rules apart, so any
 * job or uid, however long or odd, gives each rule its own uid and the same one on every build.
 */
export function ruleUid(identity: RuleIdentity): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([identity.alert, identity.job, identity.datasourceUid, identity.dashboardUid]))
    .digest("hex")
    .slice(0, 12);
  return `${identity.alert.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 27)}-${hash}`;
}

type ResolvedOptions = Pick<Required<GrafanaRuleOptions>, "job" | "runbookBaseUrl" | "datasourceUid"> & {
  dashboardUid: string;
};

function grafanaRule(alert: AlertDefinition, options: ResolvedOptions) {
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
    .uid(ruleUid({ alert: alert.name, ...options }))
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
    .labels({ ...alert.labels })
    .annotations({
      summary: alert.summary,
      description: alert.description(value),
      runbook_url: runbookUrl(alert, options.runbookBaseUrl),
    })
    .isPaused(false)
    .build();
}

/** The provisioning file for `job` (default: the config's scrape job) and the user's data source uid. */
export function grafanaAlertRules(options: GrafanaRuleOptions): GrafanaAlertFile {
  if (!options.datasourceUid?.trim()) {
    throw new DashboardError(
      "Grafana alert rules",
      "no data source uid",
      "give --datasource-uid: the uid of your Prometheus data source (Connections > Data sources > the URL's last part)",
    );
  }
  const job = options.job ?? settings.job;
  const runbookBaseUrl = options.runbookBaseUrl ?? settings.runbookBaseUrl;
  const provisioned = (alert: AlertDefinition): ProvisionedRule => {
    const { dashboardUid, panelId } = options.links(alert);
    const resolved = { job, runbookBaseUrl, datasourceUid: options.datasourceUid, dashboardUid };
    const { folderUID: _folder, ruleGroup: _group, orgID: _org, ...rule } = grafanaRule(alert, resolved);
    const keep = alert.keepFiringFor === undefined ? {} : { keepFiringFor: alert.keepFiringFor };
    return { ...rule, ...keep, dashboardUid, panelId };
  };
  const { orgId, folder } = settings.grafana;
  const group = (name: string, alerts: AlertDefinition[]) => ({
    orgId,
    name,
    folder,
    interval: settings.interval,
    rules: alerts.map(provisioned),
  });
  // A Grafana-only admin has no other budget alerts: every alert of the Prometheus files is here too.
  const slo = federationSloAlerts({ ...options, ...options.slo, job });
  return {
    apiVersion: 1,
    groups: [
      // Grafana's rules read raw series: no recording rule of ours to go missing.
      group(
        settings.group,
        akkomaAlerts({ ...options, job }).filter((alert) => !alert.recordedOnly),
      ),
      ...(slo.length > 0 ? [group(federationSlo.group, slo)] : []),
    ],
  };
}
