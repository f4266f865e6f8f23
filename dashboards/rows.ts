// Rows are layout: a collapsed row holds its panels inside itself, an open one lies beside them. The one
// place that looks through rows, for the SDK's dashboard and any dashboard JSON alike.
import { isObject } from "../io/json";

/** The shape of a panel list entry that flattening needs: its type, and a row's panels. */
export interface PanelListEntry {
  readonly type?: unknown;
  readonly panels?: readonly unknown[];
}

/** Every panel of a dashboard's panel list, rows' panels in their place, rows themselves left out. */
export function panelsIn<P extends PanelListEntry>(panels: readonly P[] | undefined): P[] {
  // a stack of lists, not recursion: a file's rows may nest 20,000 deep
  const found: P[] = [];
  const pending: (readonly P[])[] = [panels ?? []];
  const positions = [0];
  while (pending.length > 0) {
    const list = pending[pending.length - 1] as readonly P[];
    const at = positions[positions.length - 1] as number;
    if (at >= list.length) {
      pending.pop();
      positions.pop();
      continue;
    }
    positions[positions.length - 1] = at + 1;
    const panel = list[at] as P | null;
    // a file's row may hold anything: only objects are panels
    if (typeof panel !== "object" || panel === null) continue;
    if (panel.type !== "row") found.push(panel);
    else if (Array.isArray(panel.panels)) {
      pending.push(panel.panels as P[]);
      positions.push(0);
    }
  }
  return found;
}

/** The panels Grafana queries when the dashboard opens: a collapsed row's panels wait until it is opened. */
export function panelsShownIn<P extends PanelListEntry & { readonly collapsed?: unknown }>(
  panels: readonly P[] | undefined,
): P[] {
  return panelsIn((panels ?? []).filter((panel) => !(panel.type === "row" && panel.collapsed === true)));
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

/**
 * Every entry of a panel list, rows too, each row's panels right after it, in the order of the JSON;
 * anything that is not a list holds none. A stack of lists, not recursion: a file's rows may nest deep.
 */
export function placedEntries(panels: unknown): PlacedEntry[] {
  const placed: PlacedEntry[] = [];
  const pending: { list: readonly unknown[]; path: string; next: number }[] = [];
  if (Array.isArray(panels)) pending.push({ list: panels, path: "", next: 0 });
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as (typeof pending)[number];
    if (top.next >= top.list.length) {
      pending.pop();
      continue;
    }
    const index = top.next++;
    const entry = top.list[index];
    const path = `${top.path}/panels/${index}`;
    placed.push({ entry, path, inRow: pending.length > 1 });
    if (isObject(entry) && entry.type === "row" && Array.isArray(entry.panels))
      pending.push({ list: entry.panels, path, next: 0 });
  }
  return placed;
}

/** A row and the panels under it, as Grafana draws them: a collapsed row's inside it, an open row's after it. */
export interface RowOfPanels<P> {
  /** Left out for the panels above the first row, which Grafana draws without a header. */
  readonly row?: P;
  readonly panels: readonly P[];
}

/** The dashboard's top-level panel list grouped by row, in its order; a row's nested rows are not panels. */
export function rowsOf<P extends PanelListEntry>(panels: readonly P[] | undefined): RowOfPanels<P>[] {
  const rows: { row?: P; panels: P[] }[] = [];
  for (const entry of panels ?? []) {
    if (typeof entry !== "object" || entry === null) continue;
    if (entry.type === "row") {
      const inside = (entry.panels ?? []).filter(
        (panel): panel is P => isObject(panel) && (panel as PanelListEntry).type !== "row",
      );
      rows.push({ row: entry, panels: inside });
    } else {
      if (rows.length === 0) rows.push({ panels: [] });
      (rows[rows.length - 1] as { panels: P[] }).panels.push(entry);
    }
  }
  return rows;
}
