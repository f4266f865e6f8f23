// The Grafana-managed rules: valid for our schema of Grafana's provisioning format, the same PromQL as
// the Prometheus rule file, each linked to the panel it belongs to, each a rule of its own in Grafana.
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaAlerts } from "../../alerts/akkoma";
import { type GrafanaAlertFile, grafanaAlertRules, ruleUid } from "../../alerts/grafana";
import { alertRules, alertsIn } from "../../alerts/prometheus";
import { federationSloAlerts } from "../../alerts/slo";
import { grafanaRulesFile } from "../../build/rules";
import { validateAlertRules } from "../../build/validate";
import { dashboard as settings } from "../../config";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelLinks } from "../../dashboards/links";
import { panelsIn } from "../../dashboards/rows";
import { DashboardError } from "../../errors";

/** The alerts Grafana-managed rules hold: all but those about our recording rules, which they never read. */
const grafanaAlerts = () => akkomaAlerts().filter((alert) => !alert.recordedOnly);

const links = panelLinks(settings.uid, sections());
const datasourceUid = "P1809F7CD0C75ACF3";
const file = (): GrafanaAlertFile => JSON.parse(JSON.stringify(grafanaAlertRules({ links, datasourceUid })));
const uidsOf = (rules: GrafanaAlertFile) => rules.groups[0]!.rules.map((rule) => rule.uid as string);

it("passes the provisioning schema", async () => {
  expect(validateAlertRules(file())).toEqual([]);
  expect(validateAlertRules(JSON.parse(await grafanaRulesFile({ datasourceUid })))).toEqual([]);
});

it("are never rendered for a guessed data source: without the user's uid they are refused, naming the flag", () => {
  // A uid Grafana does not know turns into a DatasourceError alert per rule per evaluation.
  for (const missing of [undefined, "", " "]) {
    expect(() => grafanaAlertRules({ links, datasourceUid: missing as unknown as string })).toThrow(DashboardError);
    expect(() => grafanaAlertRules({ links, datasourceUid: missing as unknown as string })).toThrow(/--datasource-uid/);
  }
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

it("each rule queries the Prometheus alert's raw form (no recorded series) and fires on any value it returns", () => {
  // Grafana's rules read no recording rule of ours: none to go missing.
  const prometheus = alertsIn(alertRules({ links })).filter((rule) => rule.alert !== "AkkomaRecordingRulesMissing");
  const rules = file().groups[0]!.rules;
  expect(rules.map((rule) => rule.title)).toEqual(prometheus.map((rule) => rule.alert));
  const raw = grafanaAlerts().map((alert) => alert.condition.toString());
  rules.forEach((rule, i) => {
    const [query, condition] = rule.data;
    expect(query?.datasourceUid).toBe(datasourceUid);
    // Grafana-only admins load no recording rules: their rules must not read recorded series.
    expect((query?.model as unknown as { expr: string }).expr).toBe(raw[i]);
    expect(raw[i]).not.toMatch(/[a-z_]+:[a-z_]/);
    expect(rule.condition).toBe(condition?.refId);
    expect(rule.for).toBe(prometheus[i]!.for);
    expect(rule.noDataState).toBe("OK");
  });
});

it("the objective's burn-rate rules come in a group of their own, querying their raw form", () => {
  const [, slo] = file().groups;
  const raw = federationSloAlerts().map((alert) => alert.condition.toString());
  expect(slo?.rules.map((rule) => (rule.data[0]?.model as unknown as { expr: string }).expr)).toEqual(raw);
  expect(raw.filter((expr) => /[a-z_]+:[a-z_]/.test(expr))).toEqual([]);
  expect(grafanaAlertRules({ links, datasourceUid, slo: { enabled: false } }).groups).toHaveLength(1);
});

it("each rule links to its panel by the dashboard's own ids, which the links derive from titles alone", () => {
  const dashboard: Dashboard = akkomaDashboard();
  const titleOf = (id: number) => panelsIn(dashboard.panels as Panel[]).find((panel) => panel.id === id)?.title;
  const rules = file().groups.flatMap((group) => group.rules);
  expect(rules.map((rule) => [rule.dashboardUid, titleOf(rule.panelId)])).toEqual(
    [...grafanaAlerts(), ...federationSloAlerts()].map((alert) => [dashboard.uid, alert.panel]),
  );
});

it("refuses an alert whose panel no section has", () => {
  const [alert] = akkomaAlerts();
  expect(() => panelLinks(settings.uid, [])(alert!)).toThrow(
    new DashboardError(`alert ${alert!.name}`, `no panel titled "${alert!.panel}" on the dashboard`),
  );
});

it("renders for another job and data source", () => {
  const other = grafanaAlertRules({ job: "social", datasourceUid: "vm", links });
  const [rule] = other.groups[0]!.rules;
  expect(rule?.data[0]?.datasourceUid).toBe("vm");
  expect(JSON.stringify(other)).not.toContain('job=\\"akkoma\\"');
  expect(alertRules({ job: "social", links }).groups[0]!.rules[0]!.expr).toContain('job="social"');
});

describe("rule uids", () => {
  // Grafana's provisioner updates a rule whose uid it has seen, so a shared uid leaves one alert standing.
  const grafanaUid = /^[a-zA-Z0-9_-]{1,40}$/;
  const jobs = [
    "akkoma",
    "kubernetes-pods-akkoma-production",
    "a".repeat(300),
    "serviceMonitor/monitoring/akkoma/0",
    "social.example.org:443 ünïcode {{ }}",
  ];

  it.each(jobs)("are valid for Grafana and unique within the file for the job %j", (job) => {
    const uids = uidsOf(grafanaAlertRules({ job, links, datasourceUid }));
    for (const uid of uids) expect(uid).toMatch(grafanaUid);
    expect(new Set(uids).size).toBe(grafanaAlerts().length);
  });

  it("differ between the files of two jobs, data sources or dashboards, so both can live in one Grafana", () => {
    const renders = [
      grafanaAlertRules({ job: "kubernetes-pods-akkoma-production", links, datasourceUid }),
      grafanaAlertRules({ job: "kubernetes-pods-akkoma-production-eu", links, datasourceUid }),
      grafanaAlertRules({ job: "kubernetes-pods-akkoma-production", links, datasourceUid: "vm" }),
      grafanaAlertRules({
        job: "kubernetes-pods-akkoma-production",
        links: panelLinks("akkoma-social", sections()),
        datasourceUid,
      }),
    ];
    const all = renders.flatMap(uidsOf);
    expect(new Set(all).size).toBe(all.length);
  });

  it("are the same on every build, and say which alert they are", () => {
    const identity = { alert: "AkkomaDown", job: "akkoma", datasourceUid, dashboardUid: "akkoma-dashboard" };
    expect(ruleUid(identity)).toBe(ruleUid({ ...identity }));
    expect(ruleUid(identity)).toMatch(/^AkkomaDown-[0-9a-f]{12}$/);
    expect(uidsOf(file())).toEqual(uidsOf(file()));
  });
});
