// What a values file's `selector` may name: labels of the scrape, never those the rules already use.
import { scrapeLabels } from "../config";
import { DashboardError } from "../errors";
import { seriesLabels } from "../queries/catalogue";
import type { TargetSelector } from "../queries/selectors";

/**
 * A selector naming a label the rules already use. The job label and `instance` tell targets apart in
 * every aggregation already, and Akkoma's own labels (target, reason, worker, ..., le) the rules match and
 * aggregate by themselves: kept again, `by(job, instance, reason, reason)` names one twice, or the
 * objective's failed and succeeded sides (one per target, one not) stop matching and its share reads 100 %.
 * A matcher on one puts it on every selector, `up`'s too, which has no such label: nothing matches.
 */
export function selectorProblem(selector: TargetSelector | undefined, culpritOf: (field: string) => string): void {
  if (selector === undefined) return;
  const jobLabel = selector.jobLabel ?? scrapeLabels.job;
  const own = (label: string) =>
    label === "__name__"
      ? "__name__ is the metric's name, not a label of a target"
      : seriesLabels.includes(label)
        ? `${label} is a label of Akkoma's own series, which the rules match and aggregate by themselves`
        : undefined;
  const ownHint = `not ${scrapeLabels.instance}, __name__ or Akkoma's own labels: ${seriesLabels.join(", ")}`;
  if (selector.jobLabel !== undefined) {
    const problem =
      jobLabel === scrapeLabels.instance
        ? `${scrapeLabels.instance} tells one target from another: every aggregation would keep it alone`
        : own(jobLabel);
    if (problem)
      throw new DashboardError(
        culpritOf("selector.jobLabel"),
        problem,
        `the label your scraper names the job with (default ${scrapeLabels.job}), ${ownHint}`,
      );
  }
  for (const label of Object.keys(selector.matchers ?? {})) {
    const problem =
      label === jobLabel
        ? `${label} is the job label, which the rules match to the job already: a second matcher on it matches nothing`
        : own(label);
    if (problem)
      throw new DashboardError(
        culpritOf(`selector.matchers.${label}`),
        problem,
        label === jobLabel ? "set the job itself (job, --job)" : `a label your scrape adds, e.g. cluster; ${ownHint}`,
      );
  }
  for (const [index, label] of (selector.groupBy ?? []).entries()) {
    const problem =
      label === jobLabel || label === scrapeLabels.instance
        ? `${label} is kept by every aggregation already: by() would name it twice`
        : own(label);
    if (problem)
      throw new DashboardError(
        culpritOf(`selector.groupBy[${index}]`),
        problem,
        `a label your scrape adds, e.g. namespace, pod; not the job label, ${ownHint}`,
      );
  }
}
