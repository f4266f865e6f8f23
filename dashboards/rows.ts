// Rows are layout: a collapsed row holds its panels inside itself, an open one lies beside them. The one
// place that looks through rows, for the SDK's dashboard and any dashboard JSON alike.
import { type JsonObject, isObject } from "../io/json";

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

/**
 * Every panel of a dashboard's JSON: its panel list's, rows' panels in their place, and those of the
 * layout before Grafana 5 (`rows: [{ panels }]`), which older files still carry. Only objects are panels.
 */
export function panelsOfDashboard(dashboard: {
  readonly panels?: unknown;
  readonly rows?: unknown;
}): JsonObject<unknown>[] {
  const objects = (value: unknown) => (Array.isArray(value) ? value.filter(isObject) : []);
  const lists = [dashboard.panels, ...objects(dashboard.rows).map((row) => row.panels)];
  return lists.flatMap((list) => panelsIn(objects(list)));
}

/**
 * The panel list with `change` made to every entry, rows and the panels inside them alike, each where it
 * stands; a row's `panels` are its own entries changed. A stack of lists, not recursion.
 */
export function mapPanels<P extends PanelListEntry>(panels: readonly P[], change: (entry: P) => P): P[] {
  const changed: P[] = [];
  interface Pending {
    readonly list: readonly P[];
    next: number;
    readonly into: P[];
    readonly finish: (into: P[]) => void;
  }
  const pending: Pending[] = [{ list: panels, next: 0, into: changed, finish: () => undefined }];
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as Pending;
    if (top.next >= top.list.length) {
      pending.pop();
      top.finish(top.into);
      continue;
    }
    const entry = top.list[top.next++] as P;
    // a file's row may hold anything: only objects are changed
    if (!isObject(entry)) {
      top.into.push(entry);
      continue;
    }
    const made = change(entry);
    const at = top.into.push(made) - 1;
    if (Array.isArray(entry.panels)) {
      const into = top.into;
      pending.push({
        list: entry.panels as P[],
        next: 0,
        into: [],
        finish: (inside) => (into[at] = { ...made, panels: inside }),
      });
    }
  }
  return changed;
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
  /**
   * Those of `panels` a collapsed row folds inside itself, hidden until it is opened (the first of them);
   * none for an open row, whose panels lie after it.
   */
  readonly folded: readonly P[];
}

/** The dashboard's top-level panel list grouped by row, in its order; a row's nested rows are not panels. */
export function rowsOf<P extends PanelListEntry>(panels: readonly P[] | undefined): RowOfPanels<P>[] {
  const rows: { row?: P; panels: P[]; folded: P[] }[] = [];
  for (const entry of panels ?? []) {
    if (typeof entry !== "object" || entry === null) continue;
    if (entry.type === "row") {
      const inside = (entry.panels ?? []).filter(
        (panel): panel is P => isObject(panel) && (panel as PanelListEntry).type !== "row",
      );
      const collapsed = (entry as { collapsed?: unknown }).collapsed === true;
      rows.push({ row: entry, panels: inside, folded: collapsed ? [...inside] : [] });
    } else {
      if (rows.length === 0) rows.push({ panels: [], folded: [] });
      (rows[rows.length - 1] as { panels: P[] }).panels.push(entry);
    }
  }
  return rows;
}
