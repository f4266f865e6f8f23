// The Grafana-managed rules: valid for our schema of Grafana's provisioning format, the same PromQL as
// the Prometheus rule file, and each linked to the panel it belongs to.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaAlerts } from "../../alerts/akkoma";
import { type GrafanaAlertFile, grafanaAlertRules } from "../../alerts/grafana";
import { alertRules } from "../../alerts/prometheus";
import { grafanaRulesFile } from "../../build/rules";
import { validateAlertRules } from "../../build/validate";
import { alerts as settings } from "../../config";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { panelLinks } from "../../dashboards/links";
import { projectRoot } from "../support/build";

const links = panelLinks(akkomaDashboard());
const file = (): GrafanaAlertFile => JSON.parse(JSON.stringify(grafanaAlertRules({ links })));

it("passes the provisioning schema, and out/ holds what the code generates", async () => {
  expect(validateAlertRules(file())).toEqual([]);
  const committed = readFileSync(join(projectRoot, "out", "grafana", "alert-rules.json"), "utf8");
  expect(committed).toBe(await grafanaRulesFile());
});

it("the schema rejects what Grafana would refuse", () => {
  const broken = file();
  const rule = broken.groups[0]!.rules[0]!;
  (rule as { for: string }).for = "five minutes";
  (rule as unknown as Record<string, unknown>).folderUID = "x";
  expect(validateAlertRules(broken).map((v) => v.path)).toEqual(
    expect.arrayContaining(["/groups/0/rules/0", "/groups/0/rules/0/for"]),
  );
});

it("each rule queries the Prometheus rule's PromQL and fires on any value it returns", () => {
  const prometheus = alertRules({ links }).groups[0]!.rules;
  const rules = file().groups[0]!.rules;
  expect(rules.map((rule) => rule.title)).toEqual(prometheus.map((rule) => rule.alert));
  rules.forEach((rule, i) => {
    const [query, condition] = rule.data;
    expect(query?.datasourceUid).toBe(settings.grafana.datasourceUid);
    expect((query?.model as unknown as { expr: string }).expr).toBe(prometheus[i]!.expr);
    expect(rule.condition).toBe(condition?.refId);
    expect(rule.for).toBe(prometheus[i]!.for);
    expect(rule.noDataState).toBe("OK");
  });
});

it("each rule links to its panel by the dashboard's own ids", () => {
  const dashboard: Dashboard = akkomaDashboard();
  const titleOf = (id: number) => (dashboard.panels as Panel[]).find((panel) => panel.id === id)?.title;
  const rules = file().groups[0]!.rules;
  expect(rules.map((rule) => [rule.dashboardUid, titleOf(rule.panelId)])).toEqual(
    akkomaAlerts().map((alert) => [dashboard.uid, alert.panel]),
  );
});

it("renders for another job and data source", () => {
  const other = grafanaAlertRules({ job: "social", datasourceUid: "vm", links });
  const [rule] = other.groups[0]!.rules;
  expect(rule?.data[0]?.datasourceUid).toBe("vm");
  expect(JSON.stringify(other)).not.toContain('job=\\"akkoma\\"');
  expect(alertRules({ job: "social", links }).groups[0]!.rules[0]!.expr).toContain('job="social"');
});
