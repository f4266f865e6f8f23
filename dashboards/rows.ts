// Rows are layout: a collapsed row holds its panels inside itself, an open one lies beside them. The one
// place that looks through rows, for the SDK's dashboard and any dashboard JSON alike.
import { isObject } from "../io/json";

/** The shape of a panel list entry that flattening needs: its type, and a row's panels. */
export interface PanelListEntry {
  readonly type?: unknown;
  readonly panels?: readonly unknown[];
}

/** An entry of a panel list where it stands in the JSON, for a report that must say where. */
export interface PlacedEntry {
  /** A panel or a row, or whatever else a file holds there. */
  readonly entry: unknown;
  /** Its JSON pointer from the dashboard: `/panels/3`, or `/panels/3/panels/0` inside a row. */
  readonly path: string;
  /** Inside a row's `panels` (where a row is not allowed). */
  readonly inRow: boolean;
}

const isRow = (entry: unknown): entry is PanelListEntry => isObject(entry) && entry.type === "row";

/** Every entry of a panel list, rows too, each row's panels right after it; anything that is not a list holds none. */
export function placedEntries(panels: unknown, path = "", inRow = false): PlacedEntry[] {
  if (!Array.isArray(panels)) return [];
  return panels.flatMap((entry: unknown, index) => {
    const at = `${path}/panels/${index}`;
    return [{ entry, path: at, inRow }, ...(isRow(entry) ? placedEntries(entry.panels, at, true) : [])];
  });
}

/** Every panel of a dashboard's panel list, rows' panels in their place, rows themselves left out. */
export function panelsIn<P extends PanelListEntry>(panels: readonly P[] | undefined): P[] {
  return placedEntries(panels).flatMap(({ entry }) => (isRow(entry) ? [] : [entry as P]));
}

/** The panels Grafana queries when the dashboard opens: a collapsed row's panels wait until it is opened. */
export function panelsShownIn<P extends PanelListEntry & { readonly collapsed?: unknown }>(
  panels: readonly P[] | undefined,
): P[] {
  return panelsIn((panels ?? []).filter((panel) => !(panel.type === "row" && panel.collapsed === true)));
}
