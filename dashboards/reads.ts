import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { readsOfTarget } from "../panels/common";
import type { Reader } from "../queries/query";

/** Every panel of a built dashboard (rows' nested panels too), with what its targets read. */
export function panelReaders(dashboard: Dashboard): Reader[] {
  const flat = (dashboard.panels ?? []).flatMap((panel): Panel[] =>
    panel.type === "row" ? ((panel as RowPanel).panels ?? []) : [panel as Panel],
  );
  return flat.map((panel) => ({
    kind: "panel",
    name: panel.title ?? `untitled ${panel.type} panel${panel.id !== undefined ? ` #${panel.id}` : ""}`,
    reads: (panel.targets ?? []).flatMap((target) => readsOfTarget(target)),
  }));
}
