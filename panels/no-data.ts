// What a panel shows instead of Grafana's bare "No data" when its series are absent for a known reason:
// they arrived in a recent Akkoma release (docs/releases.md), or they are lazy and nothing happened yet.
import type { Metric } from "../queries/catalogue";
import type { Query } from "../queries/query";

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
 * The panel's "No data" text, when every series its queries read shares one reason to be absent; a
 * panel that also reads a series that should always be there keeps Grafana's own text.
 */
export function noDataText(targets: readonly { readonly query: Query }[]): string | undefined {
  const metrics = targets.flatMap((target) => target.query.reads.map((read) => read.metric));
  const texts = new Set(metrics.map(noDataOf));
  const [text] = texts;
  return metrics.length > 0 && texts.size === 1 ? text : undefined;
}
