// Rows are layout: a collapsed row holds its panels inside itself, an open one lies beside them. The one
// place that looks through rows, for the SDK's dashboard and any dashboard JSON alike.

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
