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

/** Whether only a series with the label matches: Prometheus reads a missing label as "". */
function needsLabel(matcher: LabelMatcher): boolean {
  if ("variable" in matcher) return false;
  if ("value" in matcher) return (matcher.op === "=") === (matcher.value !== "");
  return (matcher.op === "=~") === !matcher.values.includes("");
}

/** The labels a query filtering by `where` relies on: one only a negative matcher names is not needed. */
export const labelsNeeded = (where: Matchers<string> = {}): string[] =>
  Object.entries(where)
    .filter(([, matcher]) => matcher && needsLabel(matcher))
    .map(([label]) => label);

/** Federation (receive, fetch, publish) jobs, shown apart from all other jobs. */
export const federationJobs = { worker: oneOf(federationWorkers) };
export const otherJobs = { worker: noneOf(federationWorkers) };

/**
 * Which targets a selector reads: the dashboard's variables (one instance of one scrape job), or every
 * instance of a fixed scrape job, as rule files need (they have no variables; alerts keep `instance`).
 */
export type Scope = { readonly kind: "dashboard" } | JobScope;
export const dashboardScope: Scope = { kind: "dashboard" };

/** A selector's matcher on one label: a value (equality), or an RE2 regex the whole value must match. */
export type TargetMatcher = string | { readonly regex: string };

/** How a rule file finds its targets: the job label's name and value, and any further matchers. */
export interface TargetSelector {
  /** The label the scraper names the job with (`job`, unless relabelled, e.g. to `service`). */
  readonly jobLabel?: string;
  /**
   * More matchers on every selector, e.g. `{ cluster: "eu1", namespace: { regex: "akkoma-.*" } }`: each
   * label is kept on every recorded series and alert, so two namespaces a regex matches stay apart.
   */
  readonly matchers?: Readonly<Record<string, TargetMatcher>>;
  /** Labels every recording and alert aggregation keeps besides job and instance (`namespace`, `pod`). */
  readonly groupBy?: readonly string[];
}

export interface JobScope {
  readonly kind: "job";
  readonly job: string;
  readonly jobLabel: string;
  readonly matchers: Readonly<Record<string, TargetMatcher>>;
  readonly groupBy: readonly string[];
}

export const jobScope = (job: string, target: TargetSelector = {}): JobScope => ({
  kind: "job",
  job,
  jobLabel: target.jobLabel ?? scrapeLabels.job,
  matchers: target.matchers ?? {},
  groupBy: target.groupBy ?? [],
});

/** The labels that tell targets apart in a job scope: aggregations keep them, so every alert names its target. */
export const targetLabelsOf = (scope: JobScope): string[] => [
  ...new Set([scope.jobLabel, scrapeLabels.instance, ...Object.keys(scope.matchers), ...scope.groupBy]),
];

/** The scope's own matchers (job and extra), on any selector. */
function scopeMatchers(selector: VectorExprBuilder, scope: JobScope): VectorExprBuilder {
  selector.label(scope.jobLabel, scope.job);
  for (const [label, matcher] of Object.entries(scope.matchers)) {
    if (typeof matcher === "string") selector.label(label, matcher);
    else selector.labelMatchRegexp(label, matcher.regex);
  }
  return selector;
}

/**
 * A recorded series (rules/) in a scope, filtered by `where`. A one-value regex of a literal is
 * written as equality: the alert is read by people.
 */
export function recordedSeries(name: string, scope: Scope, where: Matchers<string> = {}): VectorExprBuilder {
  const selector = scope.kind === "job" ? scopeMatchers(vector(name), scope) : dashboardMatchers(vector(name));
  for (const [label, matcher] of Object.entries(where) as [string, LabelMatcher][]) {
    if (matcher.op === "=~" && matcher.values.length === 1) selector.label(label, matcher.values[0] as string);
    else if (matcher.op === "!~" && "values" in matcher && matcher.values.length === 1)
      selector.labelNeq(label, matcher.values[0] as string);
    else addMatcher(selector, label, matcher);
  }
  return selector;
}

/** The dashboard's variables: one instance of one scrape job. */
const dashboardMatchers = (selector: VectorExprBuilder): VectorExprBuilder =>
  selector.label(scrapeLabels.job, `\${${variables.job}}`).label(scrapeLabels.instance, `\${${variables.instance}}`);

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
  if (scope.kind === "job") scopeMatchers(selector, scope);
  else dashboardMatchers(selector);
  for (const [label, matcher] of Object.entries(where) as [L, LabelMatcher][]) {
    if (!metric.labels.includes(label)) {
      throw new DashboardError(
        `metric ${metric.name}`,
        `has no label "${label}"`,
        `labels: ${metric.labels.join(", ")}`,
      );
    }
    addMatcher(selector, label, matcher);
  }
  return selector;
}

function addMatcher(selector: VectorExprBuilder, label: string, matcher: LabelMatcher): void {
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

/**
 * What a dashboard variable lists its values from: every scrape job exporting `metric`, or, given the
 * job variable, every instance of that job. Not scoped like `series`: it is what chooses the scope.
 */
export function discoverySelector(metric: Metric, within?: { jobVariable: string }): VectorExprBuilder {
  const selector = vector(metric.name);
  return within ? selector.label(scrapeLabels.job, `\${${within.jobVariable}}`) : selector;
}
