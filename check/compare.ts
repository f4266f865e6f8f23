// What the dashboard reads (the catalogue, located in panels by scanning their queries) against what a
// source exports (telemetry.ex definitions or a live scrape).
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { type Metric, exportedSeries } from "../queries/catalogue";
import type { Exposition } from "./exposition";
import { type TelemetryReport, seriesOf } from "./telemetry";

export interface PanelQueries {
  readonly title: string;
  readonly exprs: readonly string[];
}

/** One series the dashboard reads. */
export interface Need {
  readonly series: string;
  readonly metric: Metric;
  readonly labels: readonly string[];
  /** Titles of the panels whose queries read the series. */
  readonly panels: readonly string[];
}

export interface ExportedLabels {
  /** Undefined when the source could not tell (e.g. tags telemetry.ex builds at runtime). */
  readonly labels: ReadonlySet<string> | undefined;
  readonly unknownBecause?: string;
}

/** Series name → its labels, as a source exports them. */
export type Exported = ReadonlyMap<string, ExportedLabels>;

export type Finding =
  | { readonly kind: "series"; readonly need: Need }
  | { readonly kind: "label"; readonly need: Need; readonly label: string; readonly panels: readonly string[] }
  | { readonly kind: "unverifiable"; readonly need: Need; readonly reason: string }
  | { readonly kind: "notSeenYet"; readonly need: Need };

export interface Comparison {
  readonly failures: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** How many series were compared. */
  readonly checked: number;
}

const escapeRegex = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A whole PromQL identifier, so `oban_job_completion` does not match inside `oban_job_completion_count`. */
const mentions = (expr: string, name: string) =>
  new RegExp(`(?<![A-Za-z0-9_:])${escapeRegex(name)}(?![A-Za-z0-9_:])`).test(expr);

/** Label names appear outside string literals (`by (worker)`, `{worker=~"..."}`), worker class names inside. */
const withoutStrings = (expr: string) => expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');

const unique = (items: readonly string[]) => [...new Set(items)];

/** Every series of every catalogue metric, with the panels reading it. */
export function needs(catalogue: readonly Metric[], panels: readonly PanelQueries[]): Need[] {
  return catalogue.flatMap((metric) =>
    exportedSeries(metric).map((series) => ({
      series,
      metric,
      labels: metric.labels,
      panels: unique(panels.filter((p) => p.exprs.some((e) => mentions(e, series))).map((p) => p.title)),
    })),
  );
}

/** The panels a missing label blanks: those reading the series and using the label. */
function panelsUsingLabel(need: Need, label: string, panels: readonly PanelQueries[]): string[] {
  return unique(
    panels
      .filter((p) => p.exprs.some((e) => mentions(e, need.series) && mentions(withoutStrings(e), label)))
      .map((p) => p.title),
  );
}

/**
 * `lazyMayBeAbsent`: a live scrape lacks lazy series until their first event, so their absence is a warning;
 * telemetry.ex must define them all the same.
 */
export function compare(
  all: readonly Need[],
  exported: Exported,
  panels: readonly PanelQueries[],
  options: { lazyMayBeAbsent: boolean },
): Comparison {
  const failures: Finding[] = [];
  const warnings: Finding[] = [];
  // Series the scraper writes (`up`) are not Akkoma's to export; a series no panel reads blanks nothing.
  const required = all.filter((n) => n.metric.source === "akkoma" && n.panels.length > 0);
  for (const need of required) {
    const found = exported.get(need.series);
    if (!found) {
      if (need.metric.lazy && options.lazyMayBeAbsent) warnings.push({ kind: "notSeenYet", need });
      else failures.push({ kind: "series", need });
      continue;
    }
    const labels = found.labels;
    if (!labels) {
      if (need.labels.length > 0)
        failures.push({ kind: "unverifiable", need, reason: found.unknownBecause ?? "labels unknown" });
      continue;
    }
    for (const label of need.labels) {
      if (!labels.has(label))
        failures.push({ kind: "label", need, label, panels: panelsUsingLabel(need, label, panels) });
    }
  }
  return { failures, warnings, checked: required.length };
}

const panelList = (panels: readonly string[]) =>
  panels.length > 0 ? `(panels: ${panels.join(", ")})` : "(no panel reads it)";

/** One line per finding, e.g. `akkoma_job_queue_available: not exported (panels: Pending Jobs)`. */
export function describeFinding(finding: Finding): string {
  const { need } = finding;
  switch (finding.kind) {
    case "series":
      return `${need.series}: not exported ${panelList(need.panels)}`;
    case "label":
      return `${need.series}: label "${finding.label}" not exported ${finding.panels.length > 0 ? `(panels: ${finding.panels.join(", ")})` : "(no panel uses it)"}`;
    case "unverifiable":
      return `${need.series}: cannot verify labels ${need.labels.map((l) => `"${l}"`).join(", ")}: ${finding.reason} ${panelList(need.panels)}`;
    case "notSeenYet":
      return `warning: ${need.series}: not seen yet (lazy: appears after its first event) ${panelList(need.panels)}`;
  }
}

/** What telemetry.ex exports. */
export function exportedByTelemetry(report: TelemetryReport): Exported {
  const exported = new Map<string, ExportedLabels>();
  for (const series of report.exported.flatMap(seriesOf)) {
    const reason = series.definition.tagsProblem;
    exported.set(series.name, {
      labels: series.labels ? new Set(series.labels) : undefined,
      ...(reason ? { unknownBecause: `${report.file}:${series.definition.line}: ${reason}` } : {}),
    });
  }
  return exported;
}

/** What a scrape shows. */
export function exportedByExposition(exposition: Exposition): Exported {
  return new Map([...exposition.series].map(([name, labels]) => [name, { labels }]));
}

/** Panels (rows' nested panels included) with their queries' `expr`s, from the SDK's dashboard model. */
export function panelsOf(dashboard: Dashboard): PanelQueries[] {
  const flat = (dashboard.panels ?? []).flatMap((panel): Panel[] =>
    panel.type === "row" ? ((panel as RowPanel).panels ?? []) : [panel as Panel],
  );
  return flat.map((panel) => ({
    title: panel.title ?? `untitled ${panel.type} panel${panel.id !== undefined ? ` #${panel.id}` : ""}`,
    exprs: (panel.targets ?? []).flatMap((target) =>
      "expr" in target && typeof target.expr === "string" ? [target.expr] : [],
    ),
  }));
}
