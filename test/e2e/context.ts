// What the end-to-end test files share: one history, one dashboard, two engines started once.
import { panelsIn } from "../../dashboards/rows";
import type { DashboardJson, PanelJson } from "../../harness/dashboard-json";
import type { EngineName } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import { durationMs } from "../../harness/grafana";
import type { InstanceHistory, SyntheticHistory } from "../../harness/synthetic";

export type { DashboardJson };

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
  dashboard.panels = panelsIn(dashboard.panels).filter((p) => titles.includes(p.title ?? ""));
  return dashboard.panels;
}

/** Sets a custom variable the way a viewer's choice in the dashboard's drop-down does. */
export function chooseVariable(dashboard: DashboardJson, name: string, value: string): void {
  const variable = dashboard.templating?.list?.find((v) => v.name === name);
  if (!variable) throw new Error(`the dashboard has no variable ${name}`);
  variable.current = { text: value, value };
}

/** The rate window a query was sent with, e.g. `[240s]`; an expression's comes from its inputs. */
export function rangeWindowMs(query: string, inputs: readonly string[] = []): number {
  const window = [query, ...inputs].map((q) => /\[(\w+)\]/.exec(q)?.[1]).find((w) => w !== undefined);
  if (!window) throw new Error(`no range window in: ${query}`);
  return durationMs(window);
}
