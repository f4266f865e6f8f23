import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { readsOfTarget } from "../panels/common";
import type { Reader } from "../queries/query";

/** Every panel of a built dashboard, rows' nested panels too, rows themselves left out. */
export const panelsOf = (dashboard: Dashboard): Panel[] =>
  (dashboard.panels ?? []).flatMap((panel): Panel[] =>
    panel.type === "row" ? ((panel as RowPanel).panels ?? []) : [panel as Panel],
  );

/** Every panel of a built dashboard, with what its targets read. */
export function panelReaders(dashboard: Dashboard): Reader[] {
  return panelsOf(dashboard).map((panel) => ({
    kind: "panel",
    name: panel.title ?? `untitled ${panel.type} panel${panel.id !== undefined ? ` #${panel.id}` : ""}`,
    reads: (panel.targets ?? []).flatMap((target) => readsOfTarget(target)),
  }));
}
