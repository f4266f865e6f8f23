import { VectorExprBuilder, vector } from "@grafana/promql-builder";
import { scrapeLabels, variables } from "../config";
import { DashboardError } from "../errors";
import { type Metric, type SeriesPart, federationWorkers, seriesName, seriesParts } from "./catalogue";

export type LabelMatcher =
  | { op: "=" | "!="; value: string }
  | { op: "=~" | "!~"; values: readonly string[] }
  /** Not matching the regex a dashboard variable holds (a toggle the viewer flips). */
  | { op: "!~"; variable: string };

export type Matchers<L extends string> = Partial<Record<L, LabelMatcher>>;

export const oneOf = (values: readonly string[]): LabelMatcher => ({ op: "=~", values });
export const noneOf = (values: readonly string[]): LabelMatcher => ({ op: "!~", values });
export const noneOfVariable = (variable: string): LabelMatcher => ({ op: "!~", variable });

/** Federation (receive, fetch, publish) jobs, shown apart from all other jobs. */
export const federationJobs = { worker: oneOf(federationWorkers) };
export const otherJobs = { worker: noneOf(federationWorkers) };

/**
 * Which targets a selector reads: the dashboard's variables (one instance of one scrape job), or every
 * instance of a fixed scrape job, as rule files need (they have no variables; alerts keep `instance`).
 */
export type Scope = { readonly kind: "dashboard" } | { readonly kind: "job"; readonly job: string };
export const dashboardScope: Scope = { kind: "dashboard" };
export const jobScope = (job: string): Scope => ({ kind: "job", job });

/** The one regex escape: label values in `=~` matchers are literals. */
export const escapeRegex = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The one place a series selector is made: every query reads one scrape job (and, on the dashboard, one
 * instance of it).
 * A metric name never appears in a query except through here.
 */
export function series<L extends string>(
  metric: Metric<L>,
  part?: SeriesPart,
  where: Matchers<L> = {},
  scope: Scope = dashboardScope,
): VectorExprBuilder {
  if (!(seriesParts[metric.kind] as readonly (SeriesPart | undefined)[]).includes(part)) {
    throw new DashboardError(
      `metric ${metric.name}`,
      `a ${metric.kind} has no ${part ? `"${part}" series` : "plain series"}`,
      `use one of: ${seriesParts[metric.kind].map((p: SeriesPart | undefined) => p ?? "(none)").join(", ")}`,
    );
  }
  const selector = vector(seriesName(metric.name, part));
  if (scope.kind === "job") selector.label(scrapeLabels.job, scope.job);
  else
    selector.label(scrapeLabels.job, `\${${variables.job}}`).label(scrapeLabels.instance, `\${${variables.instance}}`);
  for (const [label, matcher] of Object.entries(where) as [L, LabelMatcher][]) {
    if (!metric.labels.includes(label)) {
      throw new DashboardError(
        `metric ${metric.name}`,
        `has no label "${label}"`,
        `labels: ${metric.labels.join(", ")}`,
      );
    }
    switch (matcher.op) {
      case "=":
        selector.label(label, matcher.value);
        break;
      case "!=":
        selector.labelNeq(label, matcher.value);
        break;
      case "=~":
        selector.labelMatchRegexp(label, matcher.values.map(escapeRegex).join("|"));
        break;
      case "!~":
        selector.labelNotMatchRegexp(
          label,
          "variable" in matcher ? `\${${matcher.variable}}` : matcher.values.map(escapeRegex).join("|"),
        );
        break;
    }
  }
  return selector;
}

/**
 * What a dashboard variable lists its values from: every scrape job exporting `metric`, or, given the
 * job variable, every instance of that job. Not scoped like `series`: it is what chooses the scope.
 */
export function discoverySelector(metric: Metric, within?: { jobVariable: string }): VectorExprBuilder {
  const selector = vector(metric.name);
  return within ? selector.label(scrapeLabels.job, `\${${within.jobVariable}}`) : selector;
}
