// The rules every dashboard the sections make must keep, as lists of what breaks them (empty: kept). The
// real dashboard's tests and the test that adds a panel of every type run the same rules.
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { variables as variableNames } from "../../config";
import { importEnvelope } from "../../build/envelope";
import { dashboardResource, v2DashboardSpec } from "../../build/v2";
import { validateDashboard, validatePlainDashboard, validateV2Dashboard } from "../../build/validate";
import { v2Versions } from "../../build/schemas/validatorNames";
import type { Section } from "../../dashboards/akkoma";
import { panelId } from "../../dashboards/ids";
import { panelsIn } from "../../dashboards/rows";
import { panelType } from "../../panels/types";
import { selectorsIn } from "../../harness/selectors";
import type { Metric } from "../../queries/catalogue";

type Target = { refId?: string; expr?: string; instant?: boolean };
const targetsOf = (panel: Panel) => (panel.targets ?? []) as Target[];

/** Every panel of the dashboard, a collapsed row's too, rows left out. */
export const panelsOf = (dashboard: Dashboard): Panel[] => panelsIn((dashboard.panels ?? []) as Panel[]);

/** What Grafana's published schemas refuse: the import file, the provisioning file and each v2 resource. */
export function schemaProblems(dashboard: Dashboard, sectionList: readonly Section[]): string[] {
  const exported = JSON.parse(JSON.stringify(importEnvelope(dashboard))) as unknown;
  const plain = JSON.parse(JSON.stringify({ ...dashboard, id: null })) as unknown;
  const spec = v2DashboardSpec(dashboard, sectionList);
  const resources = v2Versions.map((version) => {
    const written = JSON.parse(JSON.stringify(dashboardResource(version, dashboard.uid ?? "", spec))) as {
      spec: unknown;
    };
    return validateV2Dashboard(written.spec, version).map((v) => ({ ...v, form: version }));
  });
  return [
    ...validateDashboard(exported).map((v) => ({ ...v, form: "import" })),
    ...validatePlainDashboard(plain).map((v) => ({ ...v, form: "provisioning" })),
    ...resources.flat(),
  ].map(({ form, path, message, panel }) => `${form} ${panel ?? ""} ${path}: ${message}`);
}

/** Panels and rows whose id is not their title's, or is another's. */
export function idProblems(dashboard: Dashboard): string[] {
  const entries = [...((dashboard.panels ?? []) as Panel[]).filter((p) => p.type === "row"), ...panelsOf(dashboard)];
  const seen = new Map<number, string>();
  return entries.flatMap((entry) => {
    const key = entry.type === "row" ? `row ${entry.title ?? ""}` : (entry.title ?? "");
    const problems = entry.id === panelId(key) ? [] : [`${key}: id ${entry.id}, not its title's ${panelId(key)}`];
    const owner = seen.get(entry.id ?? 0);
    seen.set(entry.id ?? 0, key);
    return owner === undefined ? problems : [...problems, `${key}: id ${entry.id} is also ${owner}'s`];
  });
}

/** Panels without a title or description, and panels showing queries without a unit. */
export function labellingProblems(dashboard: Dashboard): string[] {
  return panelsOf(dashboard).flatMap((panel) => {
    const title = panel.title?.trim() ? panel.title : `(untitled ${panel.type})`;
    const lacks = [
      ...(panel.description?.trim() ? [] : ["description"]),
      // a panel of words (text: no queries, panels/types.ts) has no values to give a unit to
      ...(panelType(panel.type)?.queries !== false && !panel.fieldConfig?.defaults?.unit ? ["unit"] : []),
    ];
    return lacks.map((what) => `${title}: no ${what}`);
  });
}

/** Targets without a catalogue selector, and selectors missing the Job or Instance matcher. */
export function selectorProblems(dashboard: Dashboard): string[] {
  const scoped = [`job="\${${variableNames.job}}"`, `instance="\${${variableNames.instance}}"`];
  return panelsOf(dashboard).flatMap((panel) =>
    targetsOf(panel).flatMap((target) => {
      const selectors = selectorsIn(target.expr ?? "");
      if (selectors.length === 0) return [`${panel.title} / ${target.refId}: reads no catalogue series`];
      return selectors.flatMap(({ series, matchers }) => {
        const missing = scoped.filter((matcher) => !matchers.split(",").includes(matcher));
        return missing.length === 0 ? [] : [`${panel.title} / ${target.refId}: ${series} lacks ${missing.join(", ")}`];
      });
    }),
  );
}

/** Targets read over the range on a type that shows one value per series, or once on one that shows more. */
export function instantProblems(dashboard: Dashboard): string[] {
  return panelsOf(dashboard).flatMap((panel) =>
    targetsOf(panel)
      .filter((target) => Boolean(target.instant) !== panelType(panel.type)?.instant)
      .map((target) => `${panel.title} / ${target.refId}: instant ${Boolean(target.instant)} on a ${panel.type}`),
  );
}

/** Catalogue metrics no panel of the sections reads. */
export function unreadMetrics(catalogue: readonly Metric[], sectionList: readonly Section[]): string[] {
  const read = new Set(
    sectionList.flatMap((s) =>
      s.panels.flatMap((p) => p.targets.flatMap((t) => t.query.reads.map((r) => r.metric.name))),
    ),
  );
  return catalogue.map((metric) => metric.name).filter((name) => !read.has(name));
}

/** Panels out of the 24-column grid, or on a cell another panel or row holds. */
export function layoutProblems(dashboard: Dashboard): string[] {
  const cells = new Map<string, string>();
  return ((dashboard.panels ?? []) as Panel[]).flatMap((panel) => {
    const { x = 0, y = 0, w = 0, h = 0 } = panel.gridPos ?? {};
    const title = panel.title ?? "";
    const problems = x + w > 24 ? [`${title}: reaches column ${x + w} of 24`] : [];
    for (let row = y; row < y + h; row++)
      for (let col = x; col < x + w; col++) {
        const taken = cells.get(`${col},${row}`);
        if (taken !== undefined) problems.push(`${title}: overlaps ${taken} at ${col},${row}`);
        cells.set(`${col},${row}`, title);
      }
    return [...new Set(problems)];
  });
}
