// Where each alert points: its runbook section and the dashboard panel that shows what it is about.
import { alerts as settings } from "../config";
import type { AlertDefinition } from "./akkoma";

export interface PanelLink {
  readonly dashboardUid: string;
  readonly panelId: number;
}

/** The panel an alert belongs to, on the dashboard its rules are rendered with. */
export type PanelLinks = (alert: AlertDefinition) => PanelLink;

export const runbookUrl = (alert: AlertDefinition, base: string = settings.runbookBaseUrl) =>
  `${base}#${alert.runbook}`;
