// The Grafana unit of what a query computes, from the catalogue's unit of what it reads. Every query
// builder names its result's unit here, so a panel never states a unit its query could contradict.
import * as units from "@grafana/grafana-foundation-sdk/units";
import { DashboardError } from "../errors";
import type { Metric, MetricUnit, SeriesPart } from "./catalogue";

/** A Grafana unit id (`ms`, `cpm`, `binBps`...), as `fieldConfig.defaults.unit` holds it. */
export type Unit = string;

const valueUnits: Record<MetricUnit, Unit> = {
  seconds: units.Seconds,
  milliseconds: units.Milliseconds,
  bytes: units.BytesIEC,
  count: units.Short,
};

/** A value in the metric's own unit: a gauge's reading, a polled average, one event's duration. */
export const valueUnit = (metric: Metric): Unit => valueUnits[metric.unit];

/** Events (a counter's, or a histogram's observations) per minute: HTTP requests read as such. */
export const eventsPerMinuteUnit = (metric: Metric): Unit =>
  metric.requests ? units.RequestsPerMinute : units.CountsPerMinute;

const eventsPerSecondUnit = (metric: Metric): Unit =>
  metric.requests ? units.RequestsPerSecond : units.CountsPerSecond;

// A duration accrued per second (or minute) of wall time is drawn as that duration: "12 ms" per second.
const growthUnits: Record<MetricUnit, Unit> = {
  seconds: units.Seconds,
  milliseconds: units.Milliseconds,
  bytes: units.BytesPerSecondIEC,
  count: units.CountsPerSecond,
};

/**
 * The per-second rate of one series of a metric: events for counters, buckets and counts; for a
 * histogram's `_sum` the time spent per second, in the histogram's unit; for a polled sum or a gauge
 * holding a running total (port IO bytes) the growth of that total.
 */
export const perSecondUnit = (metric: Metric, part: SeriesPart | undefined): Unit => {
  const events =
    part === "bucket" || part === "count" || part === "pcount" || (part === undefined && metric.kind === "counter");
  return events ? eventsPerSecondUnit(metric) : growthUnits[metric.unit];
};

/** A per-minute average of one series: events per minute, or time spent per minute in the histogram's unit. */
export const perMinuteUnit = (metric: Metric, part: "count" | "sum" | undefined): Unit =>
  part === "sum" ? valueUnit(metric) : eventsPerMinuteUnit(metric);

/** How many events a window held. */
export const countUnit: Unit = units.Short;
/** A share of 0..1 (uptime, a failed share). */
export const shareUnit: Unit = units.PercentUnit;
/** A flag with no unit (1 when a series is absent). */
export const noUnit: Unit = units.NoUnit;

/** A count of days as "15 days": Grafana's own `d` unit turns 15 into "2 weeks". */
export const daysUnit: Unit = "suffix:days";

/** The one unit of queries combined by `+` or `or`: adding milliseconds to seconds is a bug. */
export function sameUnit(operation: string, ...parts: readonly { readonly unit: Unit; toString(): string }[]): Unit {
  const [first, ...others] = parts.map((part) => part.unit);
  const other = others.find((unit) => unit !== first);
  if (first === undefined || other !== undefined) {
    throw new DashboardError(
      `query ${parts.map(String).join(` ${operation} `)}`,
      `combines values in ${first} and ${other}`,
      "convert one side first, or give the result's unit explicitly",
    );
  }
  return first;
}
