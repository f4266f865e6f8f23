// The runbook each alert's runbook_url points into: a section per alert, at the anchor the URL names,
// and every panel it tells an admin to look at is one the dashboard has (panels get renamed).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaAlerts } from "../../alerts/akkoma";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { projectRoot } from "../support/build";

const runbook = readFileSync(join(projectRoot, "docs", "runbook.md"), "utf8");
const sections = [...runbook.matchAll(/^## (.+)$/gm)].map((match) => match[1] as string);
// How GitHub and most Markdown renderers anchor a heading.
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");

it("has one section per alert, at the anchor its runbook_url names, and none for alerts that do not exist", () => {
  const alerts = akkomaAlerts();
  expect(sections.sort()).toEqual(alerts.map((alert) => alert.name).sort());
  for (const alert of alerts)
    expect({ alert: alert.name, anchor: anchorOf(alert.name) }).toEqual({ alert: alert.name, anchor: alert.runbook });
});

it("names only panels the dashboard has", () => {
  const titles = new Set(((akkomaDashboard().panels ?? []) as Panel[]).map((panel) => panel.title));
  const named = [...runbook.matchAll(/_([A-Z][^_]*)_/g)].map((match) => (match[1] as string).replace(/\s+/g, " "));
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((title) => !titles.has(title))).toEqual([]);
});
