// Rows are layout: a collapsed row holds its panels inside itself, an open one lies beside them. The one
// place that looks through rows, for the SDK's dashboard and any dashboard JSON alike.

/** The shape of a panel list entry that flattening needs: its type, and a row's panels. */
export interface PanelListEntry {
  readonly type?: unknown;
  readonly panels?: readonly unknown[];
}

/** Every panel of a dashboard's panel list, rows' panels in their place, rows themselves left out. */
export function panelsIn<P extends PanelListEntry>(panels: readonly P[] | undefined): P[] {
  return (panels ?? []).flatMap((panel) =>
    panel.type === "row" ? panelsIn(panel.panels as P[] | undefined) : [panel],
  );
}

/** The panels Grafana queries when the dashboard opens: a collapsed row's panels wait until it is opened. */
export function panelsShownIn<P extends PanelListEntry & { readonly collapsed?: unknown }>(
  panels: readonly P[] | undefined,
): P[] {
  return panelsIn((panels ?? []).filter((panel) => !(panel.type === "row" && panel.collapsed === true)));
}
