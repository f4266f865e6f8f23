// A query as the rest of the project sees it: its PromQL, the catalogue series it reads (so `check`
// and the tests never parse PromQL back), and the Grafana unit of what it computes.
import { type Builder, type Expr, add as addExprs, div, or, vect } from "@grafana/promql-builder";
import type { Metric, SeriesPart } from "./catalogue";
import { type Unit, sameUnit } from "./units";

/** One catalogue series a query reads, and the labels the query relies on it having. */
export interface SeriesRead {
  readonly metric: Metric;
  readonly part: SeriesPart | undefined;
  /** Labels in matchers, groupings and legends (the scraper's job and instance aside). */
  readonly labels: readonly string[];
}

/** Something that goes blank or silent when a series it reads is not exported: a panel or an alert. */
export interface Reader {
  readonly kind: "panel" | "alert";
  readonly name: string;
  readonly reads: readonly SeriesRead[];
}

/**
 * PromQL built from the catalogue, with the record of what it reads, so nothing parses PromQL back,
 * and the Grafana unit of what it computes, so a panel shows its values in the unit they are in.
 */
export class Query {
  constructor(
    readonly expr: Builder<Expr>,
    readonly reads: readonly SeriesRead[],
    readonly unit: Unit,
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
    );
  }
}

const hasLabel = (read: SeriesRead, label: string) =>
  (read.metric.labels as readonly string[]).includes(label) || (label === "le" && read.part === "bucket");

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

/** `left / right`, matching series by their labels; a quotient's unit is never the sides' own. */
export const ratio = (left: Query, right: Query, unit: Unit): Query =>
  combine(div(left.expr, right.expr), unit, left, right);

/** `left + right`, matching series by their labels: both in one unit. */
export const add = (left: Query, right: Query): Query =>
  combine(addExprs(left.expr, right.expr), sameUnit("+", left, right), left, right);

/** For a lazy series: read no events as 0 rather than as no data. */
export const orZero = (query: Query): Query => combine(or(query.expr, vect(0)), query.unit, query);
