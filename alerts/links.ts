// Where each alert points: its runbook section and the dashboard panel that shows what it is about.
import { alerts as settings } from "../config";
import { DashboardError } from "../errors";
import type { AlertDefinition } from "./akkoma";

export interface PanelLink {
  readonly dashboardUid: string;
  readonly panelId: number;
}

/** The panel an alert belongs to, on the dashboard its rules are rendered with. */
export type PanelLinks = (alert: AlertDefinition) => PanelLink;

/** The alert's runbook section; the base must be an absolute http(s) address (notifications link from elsewhere). */
export function runbookUrl(alert: AlertDefinition, base: string = settings.runbookBaseUrl): string {
  if (!isAbsoluteWebAddress(base)) {
    throw new DashboardError(
      `runbook base URL "${base}"`,
      "is not an absolute http(s) address",
      "a notification has no page to resolve a relative link against: give e.g. https://git.example.org/ops/runbook.md",
    );
  }
  return `${base}#${alert.runbook}`;
}

function isAbsoluteWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hash === "";
  } catch {
    return false;
  }
}

/** The panel's own view on a Grafana at `base` (an absolute address, checked like the runbook's). */
export function panelUrl(base: string, link: PanelLink): string {
  if (!isAbsoluteWebAddress(base)) {
    throw new DashboardError(
      `Grafana base URL "${base}"`,
      "is not an absolute http(s) address",
      "give e.g. https://grafana.example.org",
    );
  }
  const root = base.replace(/\/+$/, "");
  return `${root}/d/${encodeURIComponent(link.dashboardUid)}?viewPanel=${link.panelId}`;
}
