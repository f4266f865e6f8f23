// What a panel shows instead of Grafana's bare "No data" when its series are absent for a known reason:
// they arrived in a recent Akkoma release (docs/releases.md), or they are lazy and nothing happened yet.
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { readsOfTarget } from "../panels/common";
import type { Metric } from "../queries/catalogue";

const releaseOf = (version: string) => version.replace(/\.0$/, "");

/** One text for a metric, or undefined when its absence means something is wrong. */
function noDataOf(metric: Metric): string | undefined {
  const needs = metric.since ? `needs Akkoma ${releaseOf(metric.since)} or newer` : undefined;
  if (metric.whenEmpty && needs)
    return `${metric.whenEmpty} (or Akkoma older than ${releaseOf(metric.since as string)})`;
  if (needs) return needs.charAt(0).toUpperCase() + needs.slice(1);
  return metric.whenEmpty;
}

/**
 * The panel's "No data" text, when every series it reads shares one reason to be absent; a panel that
 * also reads a series that should always be there keeps Grafana's own text.
 */
export function noDataText(panel: Panel): string | undefined {
  const metrics = (panel.targets ?? []).flatMap((target) => readsOfTarget(target).map((read) => read.metric));
  const texts = new Set(metrics.map(noDataOf));
  const [text] = texts;
  return metrics.length > 0 && texts.size === 1 ? text : undefined;
}

/** Sets the panel's `noValue`, unless the panel states one itself. */
export function explainNoData(panel: Panel): Panel {
  const text = noDataText(panel);
  if (text === undefined) return panel;
  panel.fieldConfig ??= { defaults: {}, overrides: [] };
  panel.fieldConfig.defaults.noValue ??= text;
  return panel;
}
