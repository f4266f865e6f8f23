// What the end-to-end test files share: one history, one dashboard, two engines started once.
import type { EngineName } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import { durationMs } from "../../harness/grafana";
import type { InstanceHistory, SyntheticHistory } from "../../harness/synthetic";

export interface PanelJson {
  type: string;
  title?: string;
  timeFrom?: string;
  targets?: { expr?: string }[];
  panels?: PanelJson[];
}

export interface DashboardJson {
  time: { from: string; to: string };
  templating: { list: { name: string; current?: { text?: string; value?: string } }[] };
  panels: PanelJson[];
}

export interface E2eContext {
  history(): SyntheticHistory;
  dashboard(): string;
  load(engine: EngineName): DashboardLoad;
  /** The loads made once whose numbers are checked: each instance, and the load that shows it. */
  shown(engine: EngineName): { instance: InstanceHistory; load: DashboardLoad }[];
  loadVariant(engine: EngineName, edit: (dashboard: DashboardJson) => void): Promise<DashboardLoad>;
}

/** Keeps only the panels titled so (rows flattened), so a variant loads fast. */
export function keepPanels(dashboard: DashboardJson, ...titles: string[]): PanelJson[] {
  const flat = (panels: PanelJson[]): PanelJson[] =>
    panels.flatMap((p) => (p.type === "row" ? flat(p.panels ?? []) : [p]));
  dashboard.panels = flat(dashboard.panels).filter((p) => titles.includes(p.title ?? ""));
  return dashboard.panels;
}

/** Sets a custom variable the way a viewer's choice in the dashboard's drop-down does. */
export function chooseVariable(dashboard: DashboardJson, name: string, value: string): void {
  const variable = dashboard.templating.list.find((v) => v.name === name);
  if (!variable) throw new Error(`the dashboard has no variable ${name}`);
  variable.current = { text: value, value };
}

/** The rate window a query was sent with, e.g. `[240s]`; an expression's comes from its inputs. */
export function rangeWindowMs(query: string, inputs: readonly string[] = []): number {
  const window = [query, ...inputs].map((q) => /\[(\w+)\]/.exec(q)?.[1]).find((w) => w !== undefined);
  if (!window) throw new Error(`no range window in: ${query}`);
  return durationMs(window);
}
