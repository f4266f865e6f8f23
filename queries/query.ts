// A query as the rest of the project sees it: its PromQL, the catalogue series it reads (so `check`
// and the tests never parse PromQL back), and the Grafana unit of what it computes.
import { type Builder, type Expr, add as addExprs, div, or, vect } from "@grafana/promql-builder";
import { type Metric, type SeriesPart, bucketLabel, seriesName } from "./catalogue";
import { type JobScope, targetLabelsOf } from "./selectors";
import { type Unit, sameUnit } from "./units";

/** One catalogue series a query reads, and the labels the query relies on it having. */
export interface SeriesRead {
  readonly metric: Metric;
  readonly part: SeriesPart | undefined;
  /** Labels in matchers, groupings and legends (the scraper's job and instance aside). */
  readonly labels: readonly string[];
}

export type ReaderKind = "panel" | "annotation" | "variable" | "alert" | "record";

/** A matcher on a label's value, where a query's PromQL was parsed. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
  /** The value holds a Grafana variable: it is known only when the dashboard is shown. */
  readonly variable: boolean;
}

/** One series a reader's queries read, as `check` judges it. */
export interface Read {
  readonly series: string;
  /** Labels it goes blank without (a typed query's matchers, groupings and legends). */
  readonly labels: readonly string[];
  /** Matchers as written, where the PromQL was parsed: a matcher that accepts a missing label needs none. */
  readonly matchers?: readonly LabelMatcher[];
  /** Appears only after its first event; undefined where the reader cannot tell (check asks the catalogue). */
  readonly lazy?: boolean;
}

/** A label relied on finding on at least one of several series (a `by`, `on` or legend over all of them). */
export interface SharedLabel {
  readonly label: string;
  readonly series: readonly string[];
}

/**
 * Something that goes blank or silent when what its queries read is not exported: a panel, annotation,
 * variable, alert or recording rule, read from typed queries (ours) or parsed PromQL (anyone's).
 */
export interface Reader {
  readonly kind: ReaderKind;
  readonly name: string;
  readonly reads: readonly Read[];
  readonly shared?: readonly SharedLabel[];
  /** What kept a query from being read (it does not parse; a library panel is not in the file). */
  readonly problems?: readonly string[];
}

/** What typed queries read, recorded as they were built: nothing is parsed back. */
export const readerOf = (kind: ReaderKind, name: string, queries: readonly Query[]): Reader => ({
  kind,
  name,
  reads: queries.flatMap((query) =>
    query.reads.map((read) => ({
      series: seriesName(read.metric.name, read.part),
      labels: read.labels,
      lazy: read.metric.lazy,
    })),
  ),
});

/**
 * A series a recording rule writes: named `level:metric:operations` after the rule file's scope (the level
 * is the labels it keeps), and the raw query it records in that scope.
 */
export interface Recording {
  /** The series' own name (`pleroma_repo_query_total_time_count`) and what was done (`sum`). */
  readonly metric: string;
  readonly operations: string;
  /** Labels kept besides the target's (job, instance, the selector's matchers). */
  readonly by: readonly string[];
  /** How often the rule is evaluated: a group of its own for each interval. */
  readonly interval: string;
  readonly rule: (scope: JobScope) => Query;
}

/** Prometheus' `level:metric:operations`, the level listing every label the series keeps. */
export const recordName = (recording: Recording, scope: JobScope): string =>
  `${[...targetLabelsOf(scope), ...recording.by].join("_")}:${recording.metric}:${recording.operations}`;

/** A query's form over recorded series: its PromQL for the rule file's scope, and the recordings it reads. */
export interface RecordedForm {
  readonly expr: (scope: JobScope) => Builder<Expr>;
  readonly recordings: readonly Recording[];
  /** Worth reading at one instant too: a window so long that even one evaluation reads much. */
  readonly instant?: boolean;
}

/**
 * PromQL built from the catalogue, with the record of what it reads, so nothing parses PromQL back,
 * and the Grafana unit of what it computes, so a panel shows its values in the unit they are in. A query
 * that recording rules can stand in for also knows its form over the recorded series.
 */
export class Query {
  constructor(
    readonly expr: Builder<Expr>,
    readonly reads: readonly SeriesRead[],
    readonly unit: Unit,
    readonly recorded?: RecordedForm,
  ) {}

  toString(): string {
    return this.expr.toString();
  }

  /** The same query, relying on `labels` of every series it reads that has them (e.g. a legend's). */
  usingLabels(labels: readonly string[]): Query {
    return new Query(
      this.expr,
      this.reads.map((read) =>
        withLabels(
          read,
          labels.filter((label) => hasLabel(read, label)),
        ),
      ),
      this.unit,
      this.recorded,
    );
  }
}

const hasLabel = (read: SeriesRead, label: string) =>
  (read.metric.labels as readonly string[]).includes(label) || (label === bucketLabel && read.part === "bucket");

const withLabels = (read: SeriesRead, labels: readonly string[]): SeriesRead => ({
  ...read,
  labels: [...new Set([...read.labels, ...labels])],
});

export const combine = (expr: Builder<Expr>, unit: Unit, ...parts: readonly Query[]) =>
  new Query(
    expr,
    parts.flatMap((part) => part.reads),
    unit,
  );

/**
 * `build` over the parts' expressions; where any part has a recorded form, the same over the parts'
 * recorded forms (raw parts as they are), so a query keeps its recorded form through what it is made of.
 */
export const compose = (
  unit: Unit,
  build: (...exprs: Builder<Expr>[]) => Builder<Expr>,
  ...parts: readonly Query[]
): Query => {
  const raw = combine(build(...parts.map((part) => part.expr)), unit, ...parts);
  if (!parts.some((part) => part.recorded)) return raw;
  const recorded: RecordedForm = {
    expr: (scope) => build(...parts.map((part) => part.recorded?.expr(scope) ?? part.expr)),
    recordings: parts.flatMap((part) => part.recorded?.recordings ?? []),
    instant: parts.some((part) => part.recorded?.instant),
  };
  return new Query(raw.expr, raw.reads, unit, recorded);
};

/** `left / right`, matching series by their labels; a quotient's unit is never the sides' own. */
export const ratio = (left: Query, right: Query, unit: Unit): Query => compose(unit, div, left, right);

/** `left + right`, matching series by their labels: both in one unit. */
export const add = (left: Query, right: Query): Query => compose(sameUnit("+", left, right), addExprs, left, right);

/** For a lazy series: read no events as 0 rather than as no data. */
export const orZero = (query: Query): Query => compose(query.unit, (expr) => or(expr, vect(0)), query);
