// A panel and the queries it shows, declared together as values: `check`, `metrics`, units and tests read
// a panel's targets here, without rendering the dashboard. Declared over recorded series (`--recorded`),
// each target picks its query's recorded form where one stands in, so its declared PromQL is what renders.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { DashboardError } from "../errors";
import type { Query, RecordedForm } from "../queries/query";
import type { JobScope } from "../queries/selectors";
import { datasource } from "./common";
import { noDataText } from "./no-data";
import { panelType } from "./types";
import { unitSettings } from "./units";

/** One query of a panel, as a section writes it; a refId left out is the next free letter. */
export interface TargetDeclaration {
  readonly refId?: string;
  readonly query: Query;
  readonly legend: string;
  /** Evaluated once at the end of the range; left out: single-value panels do, the others read the range. */
  readonly instant?: boolean;
  /** The query's own min step (Grafana's "Min step"): for a long window that moves slowly. */
  readonly minStep?: string;
}

/** One query of a declared panel, with what it reads and the unit of its values (`query.reads`, `query.unit`). */
export interface Target {
  /** How overrides name the query (`overrideByQuery`), and what a per-query unit is matched on. */
  readonly refId: string;
  /** The query, relying on the labels its legend names too. */
  readonly query: Query;
  /** Grafana's legend format: names each series the query returns. */
  readonly legend: string;
  readonly instant: boolean;
  readonly minStep?: string;
  /**
   * The PromQL the panel renders for it: the query's, or, declared over recorded series, its recorded
   * form's where one stands in (`recordedForm`).
   */
  readonly expr: string;
}

/** What `panel()` needs of an SDK panel builder; every panel builder of the foundation SDK has it. */
export interface PanelBuilder {
  build(): dashboard.Panel;
  targets(targets: cog.Builder<cog.Dataquery>[]): this;
  unit(unit: string): this;
  noValue(text: string): this;
  overrides(overrides: { matcher: dashboard.MatcherConfig; properties: dashboard.DynamicConfigValue[] }[]): this;
  id(id: number): this;
  gridPos(gridPos: dashboard.GridPos): this;
}

/** A dashboard panel: its title, the queries it shows, and the SDK builder that draws it. */
export interface DeclaredPanel {
  readonly title: string;
  readonly targets: readonly Target[];
  /** Holds the panel's queries, units and "No data" text already; the dashboard adds only id and place. */
  readonly builder: PanelBuilder;
  /** The scope whose recorded series its targets read where they can (`declaredOver`); raw series if left out. */
  readonly recordedSeriesOf?: JobScope;
}

/**
 * A target's form over recorded series, where one stands in: a range target's; an instant one keeps its
 * raw query (one evaluation at the range's end reads little) unless its window is long enough that even
 * one reads much (the objective's 30-day budget: `recorded.instant`).
 */
export const recordedForm = (query: Query, instant: boolean): RecordedForm | undefined =>
  !instant || query.recorded?.instant ? query.recorded : undefined;

/** The PromQL a target renders: over `scope`'s recorded series where its recorded form stands in, else its query's. */
const exprOver = (scope: JobScope | undefined, query: Query, instant: boolean): string =>
  ((scope && recordedForm(query, instant)?.expr(scope)) ?? query.expr).toString();

/** The scope the panels being declared read recorded series of: set only while `declaredOver` runs. */
let declaring: JobScope | undefined;

/**
 * Declares the panels `declare` makes over the recorded series of `scope` (raw series when undefined):
 * each `panel()` it calls picks its targets' PromQL then. The panel factories take no argument for it.
 */
export function declaredOver<T>(scope: JobScope | undefined, declare: () => T): T {
  const outer = declaring;
  declaring = scope;
  try {
    return declare();
  } finally {
    declaring = outer;
  }
}

/** Give a query its own refId only where an override names it (`overrideByQuery`). */
export function target(query: Query, legend: string): TargetDeclaration;
export function target(refId: string, query: Query, legend: string): TargetDeclaration;
export function target(...args: [Query, string] | [string, Query, string]): TargetDeclaration {
  return args.length === 3 ? { refId: args[0], query: args[1], legend: args[2] } : { query: args[0], legend: args[1] };
}

/** `{{label}}` placeholders: a legend that names a label needs the series to have it. */
const legendLabels = (legend: string) =>
  [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] as string);

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

/**
 * A panel with the queries it shows: the builder gets their targets, the unit of their values (the
 * panel's, and an override by refId for a query in another unit) and its "No data" text. Targets added
 * to the builder itself (`withTarget`) are refused: nothing would know what they read or their unit.
 */
export function panel(builder: PanelBuilder, declared: readonly TargetDeclaration[]): DeclaredPanel {
  const { title, type, targets: added } = builder.build();
  const name = title?.trim() ? `panel "${title}"` : `an untitled ${type} panel`;
  const known = panelType(type);
  if (!known) {
    throw new DashboardError(
      name,
      `panel type "${type}" is not in the table of panel types, so nothing can check or export it`,
      "add it to panels/types.ts, with its schema vendored in build/schemas",
    );
  }
  if (added?.length) {
    throw new DashboardError(
      name,
      "its targets were added to the SDK builder (withTarget), so their series and units are unknown",
      "declare them as panel(builder, [target(query, legend), ...]) with queries from queries/",
    );
  }
  if (!known.queries && declared.length > 0) {
    throw new DashboardError(
      name,
      `a ${known.name.toLowerCase()} panel shows no queries`,
      "declare it with none: panel(builder, [])",
    );
  }
  const named = declared.flatMap((t) => (t.refId === undefined ? [] : [t.refId]));
  const twice = named.find((refId, index) => named.indexOf(refId) !== index);
  if (twice !== undefined) throw new DashboardError(name, `two queries have the refId "${twice}"`);
  const free = letters.filter((letter) => !named.includes(letter));
  if (declared.length - named.length > free.length) {
    const unnamed = declared.length - named.length;
    throw new DashboardError(name, `${unnamed} queries without a refId, more than the letters A to Z left`);
  }
  const scope = declaring;
  const targets = declared.map((t): Target => {
    const query = t.query.usingLabels(legendLabels(t.legend));
    const instant = t.instant ?? known.instant;
    return {
      refId: t.refId ?? (free.shift() as string),
      query,
      legend: t.legend,
      instant,
      ...(t.minStep === undefined ? {} : { minStep: t.minStep }),
      expr: exprOver(scope, query, instant),
    };
  });
  builder.targets(targets.map(dataquery));
  const units = unitSettings(title, builder.build().fieldConfig, targets);
  if (units.unit !== undefined) builder.unit(units.unit);
  if (units.overrides !== undefined) builder.overrides(units.overrides);
  const text = noDataText(targets);
  if (text !== undefined && builder.build().fieldConfig?.defaults?.noValue === undefined) builder.noValue(text);
  return { title: title ?? "", targets, builder, ...(scope === undefined ? {} : { recordedSeriesOf: scope }) };
}

/** The SDK's Prometheus query for a target. */
function dataquery(target: Target): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .datasource(datasource)
    .expr(target.expr)
    .legendFormat(target.legend)
    .range();
  if (target.instant) query.instant();
  if (target.minStep) query.interval(target.minStep);
  return query.refId(target.refId);
}
