// Alerts name their panel by title; the built dashboard knows its uid and the panel's id.
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import type { PanelLinks } from "../alerts/links";
import { DashboardError } from "../errors";
import { panelsIn } from "./rows";

/** Finds panels by title in the built dashboard, so ids are never typed in alerts (they follow the panels). */
export function panelLinks(dashboard: Dashboard): PanelLinks {
  const panels = panelsIn(dashboard.panels as Panel[] | undefined);
  return (alert) => {
    const panel = panels.find((candidate) => candidate.title === alert.panel);
    if (panel?.id === undefined || dashboard.uid === undefined) {
      throw new DashboardError(`alert ${alert.name}`, `no panel titled "${alert.panel}" on the dashboard`);
    }
    return { dashboardUid: dashboard.uid, panelId: panel.id };
  };
}
