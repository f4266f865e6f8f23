// Each alert links to a dashboard panel: the responder who opens it must see the bar the alert crossed,
// as a threshold step (a colour change, a dashed line) at the alert's own value.
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaAlerts } from "../../alerts/akkoma";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelLinks } from "../../dashboards/links";
import { panelsIn } from "../../dashboards/rows";

interface Steps {
  steps?: { value: number | null }[];
}
type JsonPanel = Panel & {
  fieldConfig?: { defaults?: { thresholds?: Steps }; overrides?: { properties?: { id: string; value?: Steps }[] }[] };
};

const dashboard = JSON.parse(JSON.stringify(akkomaDashboard()));
const panels = panelsIn(dashboard.panels) as JsonPanel[];
const links = panelLinks(dashboard.uid, sections());

/** Every threshold value the panel draws, its overrides' too. */
const drawnBars = (panel: JsonPanel): number[] => {
  const defaults = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
  const overridden = (panel.fieldConfig?.overrides ?? []).flatMap((override) =>
    (override.properties ?? []).filter((p) => p.id === "thresholds").flatMap((p) => p.value?.steps ?? []),
  );
  return [...defaults, ...overridden].flatMap((step) => (step.value === null ? [] : [step.value]));
};

const withBar = akkomaAlerts().filter((alert) => alert.threshold !== undefined);

it.each(withBar.filter((alert) => alert.barNotOnPanel === undefined).map((alert) => [alert.name, alert]))(
  "%s's bar is a threshold of the panel it links to",
  (_name, alert) => {
    const panel = panels.find((candidate) => candidate.id === links(alert).panelId) as JsonPanel;
    expect({ panel: panel.title, bars: drawnBars(panel) }).toEqual({
      panel: alert.panel,
      bars: expect.arrayContaining([alert.threshold]),
    });
  },
);

it("only alerts over a share the panel cannot draw go without the bar on their panel", () => {
  expect(withBar.filter((alert) => alert.barNotOnPanel !== undefined).map((alert) => alert.name)).toEqual([
    "AkkomaOutboundFederationFailing",
    "AkkomaJobsFailing",
  ]);
});
