// A panel and the queries it shows, declared together as values: `check`, `metrics`, units and tests read
// a panel's targets here, without rendering the dashboard.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { DashboardError } from "../errors";
import type { Query } from "../queries/query";
import { datasource } from "./common";
import { noDataText } from "./no-data";
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

/** Panels that show one value per series read it once, at the end of the range. */
const singleValuePanels = new Set(["gauge", "bargauge", "stat"]);

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

/**
 * A panel with the queries it shows: the builder gets their targets, the unit of their values (the
 * panel's, and an override by refId for a query in another unit) and its "No data" text. Targets added
 * to the builder itself (`withTarget`) are refused: nothing would know what they read or their unit.
 */
export function panel(builder: PanelBuilder, declared: readonly TargetDeclaration[]): DeclaredPanel {
  const { title, type, targets: added } = builder.build();
  const name = title?.trim() ? `panel "${title}"` : `an untitled ${type} panel`;
  if (added?.length) {
    throw new DashboardError(
      name,
      "its targets were added to the SDK builder (withTarget), so their series and units are unknown",
      "declare them as panel(builder, [target(query, legend), ...]) with queries from queries/",
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
  const targets = declared.map((t): Target => ({
    refId: t.refId ?? (free.shift() as string),
    query: t.query.usingLabels(legendLabels(t.legend)),
    legend: t.legend,
    instant: t.instant ?? singleValuePanels.has(type),
    ...(t.minStep === undefined ? {} : { minStep: t.minStep }),
  }));
  builder.targets(targets.map((target) => dataquery(target)));
  const units = unitSettings(title, builder.build().fieldConfig, targets);
  if (units.unit !== undefined) builder.unit(units.unit);
  if (units.overrides !== undefined) builder.overrides(units.overrides);
  const text = noDataText(targets);
  if (text !== undefined && builder.build().fieldConfig?.defaults?.noValue === undefined) builder.noValue(text);
  return { title: title ?? "", targets, builder };
}

/**
 * Points the panel's queries at other PromQL computing the same values (`expr` per target: the recorded
 * series' form of its query), on the builder, before the dashboard is built.
 */
export function showing(panel: DeclaredPanel, expr: (target: Target) => string): void {
  panel.builder.targets(panel.targets.map((target) => dataquery(target, expr(target))));
}

/** The SDK's Prometheus query for a target. */
function dataquery(target: Target, expr = target.query.toString()): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder().datasource(datasource).expr(expr).legendFormat(target.legend).range();
  if (target.instant) query.instant();
  if (target.minStep) query.interval(target.minStep);
  return query.refId(target.refId);
}
