// The runbook each alert's runbook_url points into: a section per alert, at the anchor the URL names,
// and every panel it tells an admin to look at is one the dashboard has (panels get renamed).
import { panelsIn } from "../../dashboards/rows";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaAlerts } from "../../alerts/akkoma";
import { federationSloAlerts } from "../../alerts/slo";
import { grafanaAlertRules } from "../../alerts/grafana";
import { alertRules, alertsIn } from "../../alerts/prometheus";
import { dashboard as settings } from "../../config";
import { akkomaDashboard, sections as dashboardSections } from "../../dashboards/akkoma";
import { panelLinks } from "../../dashboards/links";
import { DashboardError } from "../../errors";
import { projectRoot } from "../support/build";
import { parse } from "yaml";
import { prometheusRulesFile, sloRulesFile } from "../../build/rules";

const runbook = readFileSync(join(projectRoot, "docs", "runbook.md"), "utf8");
const sections = [...runbook.matchAll(/^## (.+)$/gm)].map((match) => match[1] as string);
// How GitHub and most Markdown renderers anchor a heading.
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");

it("has one section per alert, at the anchor its runbook_url names, and none for alerts that do not exist", () => {
  const alerts = [...akkomaAlerts(), ...federationSloAlerts()];
  expect(sections.sort()).toEqual(alerts.map((alert) => alert.name).sort());
  for (const alert of alerts)
    expect({ alert: alert.name, anchor: anchorOf(alert.name) }).toEqual({ alert: alert.name, anchor: alert.runbook });
});

it("its scenario table names every alert the rule files render, and no other", () => {
  const rendered = (text: string) =>
    (parse(text) as { groups: { rules: { alert?: string }[] }[] }).groups.flatMap((group) =>
      group.rules.flatMap((rule) => rule.alert ?? []),
    );
  const table = runbook.slice(runbook.indexOf("### Scenarios"), runbook.indexOf("\n## "));
  const rows = [...table.matchAll(/^\| (Akkoma\w+) +\|/gm)].map((match) => match[1]);
  const alerts = [...rendered(prometheusRulesFile()), ...rendered(sloRulesFile())];
  expect(alerts.length).toBeGreaterThan(10);
  expect(rows.sort()).toEqual(alerts.sort());
});

it("names only panels the dashboard has", () => {
  const titles = new Set(panelsIn((akkomaDashboard().panels ?? []) as Panel[]).map((panel) => panel.title));
  const named = [...runbook.matchAll(/_([A-Z][^_]*)_/g)].map((match) => (match[1] as string).replace(/\s+/g, " "));
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((title) => !titles.has(title))).toEqual([]);
});

describe("runbook_url", () => {
  const datasourceUid = "vm";
  const annotationsOf = (base?: string) => {
    const links = panelLinks(settings.uid, dashboardSections());
    const prometheus = alertsIn(alertRules({ links, runbookBaseUrl: base })).map((rule) => rule.annotations);
    const grafana = grafanaAlertRules({ links, datasourceUid, runbookBaseUrl: base }).groups[0]!.rules.map(
      (rule) => rule.annotations as Record<string, string>,
    );
    return [...prometheus, ...grafana];
  };

  // A notification (Alertmanager, Grafana) has no page to resolve a relative link against.
  it("is an absolute address of the alert's runbook section in every rule of both files", () => {
    const urls = annotationsOf().map((annotations) => annotations.runbook_url as string);
    const grafanaAlerts = akkomaAlerts().filter((alert) => !alert.recordedOnly);
    expect(urls).toHaveLength(akkomaAlerts().length + grafanaAlerts.length);
    for (const url of urls) {
      const parsed = new URL(url);
      expect(parsed.protocol).toBe("https:");
      expect(parsed.pathname).toMatch(/\/docs\/runbook\.md$/);
      expect(sections.map(anchorOf)).toContain(parsed.hash.slice(1));
    }
  });

  it("points at the admin's own copy when given one", () => {
    const base = "https://git.example.org/ops/akkoma-runbook.md";
    for (const annotations of annotationsOf(base))
      expect(annotations.runbook_url).toMatch(/^https:\/\/git\.example\.org\/ops\/akkoma-runbook\.md#akkoma/);
  });

  it.each(["docs/runbook.md", "/runbook.md", "file:///etc/runbook.md", "https://x.org/runbook.md#top"])(
    "refuses the base %j, naming it",
    (base) => {
      expect(() => annotationsOf(base)).toThrow(DashboardError);
      expect(() => annotationsOf(base)).toThrow(base);
    },
  );
});
