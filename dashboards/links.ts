// Alerts name their panel by title. A panel's id follows from its title alone (dashboards/ids.ts), so the
// links need the dashboard's uid and the titles of its panels, not a built dashboard.
import type { PanelLinks } from "../alerts/links";
import { DashboardError } from "../errors";
import type { Section } from "./akkoma";
import { panelId } from "./ids";

/** Links each alert to its panel by title, so ids are never typed in alerts (they follow the panels). */
export function panelLinks(dashboardUid: string, sectionList: readonly Section[]): PanelLinks {
  const titles = new Set(sectionList.flatMap((section) => section.panels.map((panel) => panel.title)));
  return (alert) => {
    if (!titles.has(alert.panel)) {
      throw new DashboardError(`alert ${alert.name}`, `no panel titled "${alert.panel}" on the dashboard`);
    }
    return { dashboardUid, panelId: panelId(alert.panel) };
  };
}
