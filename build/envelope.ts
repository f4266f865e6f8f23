import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { importInputs, importPlaceholder, variables } from "../config";
import { panelsIn } from "../dashboards/rows";
import { DashboardError } from "../errors";
import { panelType } from "../panels/types";

/**
 * The import screen's one answer becomes the Data source variable's `current`, the one place both of
 * Grafana's import flows fill (see config.ts `importInputs`), as Grafana's own export puts its inputs into
 * the dashboard it wraps. Job and Instance keep the defaults a provisioned file has: job `akkoma` when
 * Grafana finds it, else the first job found; the first instance.
 */
const askedForOnImport = (dashboard: Dashboard): Dashboard["templating"] => {
  const answer = importPlaceholder(importInputs.datasource);
  return {
    ...dashboard.templating,
    list: (dashboard.templating?.list ?? []).map((variable) =>
      variable.name === variables.datasource ? { ...variable, current: { text: answer, value: answer } } : variable,
    ),
  };
};

/** What Grafana's "Import dashboard" asks for: a data source picker (required, with no default uid). */
export const importPrompts = [
  {
    name: importInputs.datasource,
    label: "Prometheus or VictoriaMetrics",
    description: "The data source that scrapes Akkoma",
    type: "datasource",
    pluginId: "prometheus",
    pluginName: "Prometheus",
  },
] as const;

/**
 * The oldest Grafana that writes each dashboard schemaVersion: the one `__requires` names. The SDK writes
 * 42, which Grafana 12.2 first exported (11.6 to 12.1 write 41); Grafana 13 migrates 42 on load (its
 * schemaversion/v43.go touches only formatTime transformations, which we have none of) and converts the
 * result to its v2 schema (test/v2-conversion.test.ts). A new SDK schemaVersion must be looked up here.
 */
const firstGrafanaWriting: Readonly<Record<number, string>> = { 42: "12.2.0" };

export function grafanaVersionFor(schemaVersion: number | undefined): string {
  const version = schemaVersion === undefined ? undefined : firstGrafanaWriting[schemaVersion];
  if (!version) {
    throw new DashboardError(
      "dashboard",
      `schemaVersion ${schemaVersion} has no known first Grafana version for __requires`,
      "add it to firstGrafanaWriting in build/envelope.ts, and re-check the Grafana range in docs/grafana-versions.md",
    );
  }
  return version;
}

export interface ImportFile extends Dashboard {
  __inputs: typeof importPrompts;
  __elements: Record<string, never>;
  __requires: { type: string; id: string; name: string; version: string }[];
}

/** Wraps the dashboard the way Grafana's "Export for sharing externally" does. */
export function importEnvelope(dashboard: Dashboard): ImportFile {
  const plugins = new Map<string, string>();
  for (const panel of panelsIn(dashboard.panels as Panel[] | undefined)) {
    const type = panelType(panel.type);
    if (!type) {
      throw new DashboardError(
        `panel "${panel.title}"`,
        `panel type "${panel.type}" is not in the table of panel types, so __requires cannot name it`,
        "add it to panels/types.ts",
      );
    }
    plugins.set(panel.type, type.name);
  }
  return {
    __inputs: importPrompts,
    __elements: {},
    __requires: [
      { type: "grafana", id: "grafana", name: "Grafana", version: grafanaVersionFor(dashboard.schemaVersion) },
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      ...[...plugins.keys()].sort().map((id) => ({ type: "panel", id, name: plugins.get(id) as string, version: "" })),
    ],
    ...dashboard,
    templating: askedForOnImport(dashboard),
    id: null,
  } as ImportFile;
}
