// A panel of the built dashboard as Grafana displays it for series the test makes up: the display code
// of harness/display.ts (Grafana's own @grafana/data) without engines.
import { plainDashboard, plainResources } from "../../build/outputs";
import { panelsIn } from "../../dashboards/rows";
import type { PanelJson } from "../../harness/dashboard-json";
import { type PanelDisplay, displayPanel } from "../../harness/display";
import { dashboardJsonOfV2 } from "../../harness/v2-dashboard";
import type { PanelResult, Point, TargetResult } from "../../harness/results";

/** One made-up series of a panel's query. */
export interface MadeUpSeries {
  readonly refId?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly points: readonly Point[];
}

/** The provisioning file's panel with this title, as Grafana loads the JSON. */
export async function builtPanel(title: string): Promise<PanelJson> {
  const panels = panelsIn<PanelJson>(JSON.parse(await plainDashboard()).panels);
  const panel = panels.find((p) => p.title === title);
  if (!panel) throw new Error(`no panel titled "${title}"; its titles: ${panels.map((p) => p.title).join(", ")}`);
  return panel;
}

/** What the panel shows for these series, each under its query's legend. */
export const displayWith = (panel: PanelJson, series: readonly MadeUpSeries[]): PanelDisplay =>
  displayPanel(resultWith(panel, series));

/** The panel as the harness has it after a load whose queries answered these series. */
export function resultWith(panel: PanelJson, series: readonly MadeUpSeries[]): PanelResult {
  const targets: TargetResult[] = (panel.targets ?? []).map((target) => ({
    refId: target.refId,
    kind: target.instant ? "instant" : "range",
    hidden: target.hide ?? false,
    legend: target.legendFormat,
    query: target.expr ?? "",
    inputs: [],
    reads: [],
    status: "success",
    frames: series
      .filter((s) => (s.refId ?? panel.targets?.[0]?.refId) === target.refId)
      .map((s) => ({ labels: s.labels ?? {}, points: s.points })),
    wallMs: 0,
  }));
  const result: PanelResult = {
    id: panel.id,
    title: panel.title ?? "",
    type: panel.type,
    ...(panel.pluginVersion === undefined ? {} : { pluginVersion: panel.pluginVersion }),
    fieldConfig: panel.fieldConfig ?? {},
    options: panel.options ?? {},
    range: { fromMs: 0, toMs: 3_600_000 },
    time: { rangeSeconds: 3600, intervalSeconds: 60, scrapeIntervalSeconds: 60 },
    calculation: panel.options?.reduceOptions?.calcs?.[0],
    targets,
  };
  return result;
}

/** Every panel of the v2 resource build writes, as the harness reads it (harness/v2-dashboard.ts). */
export function builtV2Panels(): PanelJson[] {
  return panelsIn(dashboardJsonOfV2(plainResources().dashboardv2).panels);
}
