// Where each alert points: its runbook section and the dashboard panel that shows what it is about.
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { alerts as settings } from "../config";
import { akkomaDashboard } from "../dashboards/akkoma";
import { DashboardError } from "../errors";
import type { AlertDefinition } from "./akkoma";

export interface PanelLink {
  readonly dashboardUid: string;
  readonly panelId: number;
}

export const runbookUrl = (alert: AlertDefinition, base: string = settings.runbookBaseUrl) =>
  `${base}#${alert.runbook}`;

/** Finds panels by title in the built dashboard, so ids are never typed here (they follow the panels). */
export function panelLinks(dashboard: Dashboard = akkomaDashboard()): (alert: AlertDefinition) => PanelLink {
  const panels = (dashboard.panels ?? []).flatMap((panel): Panel[] =>
    panel.type === "row" ? ((panel as RowPanel).panels ?? []) : [panel as Panel],
  );
  return (alert) => {
    const panel = panels.find((candidate) => candidate.title === alert.panel);
    if (panel?.id === undefined || dashboard.uid === undefined) {
      throw new DashboardError(`alert ${alert.name}`, `no panel titled "${alert.panel}" on the dashboard`);
    }
    return { dashboardUid: dashboard.uid, panelId: panel.id };
  };
}
