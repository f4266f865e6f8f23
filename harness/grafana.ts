// What Grafana does to a query before sending it: dashboard and built-in variables (imports: ./import.ts).

import { dateTime, rangeUtil } from "@grafana/data";

export interface QueryTime {
  /** Panel range in seconds (its relative time override, else the dashboard's). */
  rangeSeconds: number;
  /** Step Grafana chose for the panel, in seconds ($__interval). */
  intervalSeconds: number;
  /** The datasource's scrape interval setting, in seconds. */
  scrapeIntervalSeconds: number;
}

/** Grafana's $__rate_interval: at least four scrapes, and at least one step plus a scrape. */
export const rateIntervalSeconds = (t: QueryTime) =>
  Math.max(t.intervalSeconds + t.scrapeIntervalSeconds, 4 * t.scrapeIntervalSeconds);

/** Replaces dashboard variables (`$name`, `${name}`) and Grafana's built-ins in one query. */
export function interpolate(expr: string, variables: Record<string, string>, t: QueryTime): string {
  const values: Record<string, string> = {
    ...variables,
    __interval: `${t.intervalSeconds}s`,
    __interval_ms: `${t.intervalSeconds * 1000}`,
    __rate_interval: `${rateIntervalSeconds(t)}s`,
    __range: `${t.rangeSeconds}s`,
    __range_s: `${t.rangeSeconds}`,
    __range_ms: `${t.rangeSeconds * 1000}`,
  };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    // `$1` is label_replace's capture group; Grafana leaves names it does not know as they are.
    if (/^\d+$/.test(name)) return match;
    if (!(name in values)) throw new Error(`unknown variable ${match} in: ${expr}`);
    return values[name] as string;
  });
}

// Time ranges and steps, as Grafana's frontend (@grafana/data's rangeutil) and its Prometheus backend
// (promlib) pick them.

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A Grafana duration such as "90s", "7d" or "1h" (months and years are calendar-bound and not supported). */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new Error(`unsupported Grafana duration "${text}"`);
  return Number(match[1]) * (unitMs[match[2] as string] as number);
}

/** "now" or "now-3h" (no rounding such as "now/d"), at the given moment. */
export function relativeTimeMs(expression: string, nowMs: number): number {
  if (expression === "now") return nowMs;
  const match = /^now-(.+)$/.exec(expression);
  if (!match) throw new Error(`unsupported Grafana time "${expression}"`);
  return nowMs - durationMs(match[1] as string);
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export interface PanelTime {
  timeFrom?: string;
  timeShift?: string;
}

/** A panel's relative time override ("7d" and "now-7d" alike) replaces the dashboard's range up to now. */
export function panelTimeRange(
  dashboardTime: { from: string; to: string },
  panel: PanelTime,
  nowMs: number,
): TimeRange {
  const override = panel.timeFrom ? panel.timeFrom.replace(/^now-/, "") : undefined;
  const range = override
    ? { fromMs: nowMs - durationMs(override), toMs: nowMs }
    : { fromMs: relativeTimeMs(dashboardTime.from, nowMs), toMs: relativeTimeMs(dashboardTime.to, nowMs) };
  const shift = panel.timeShift ? durationMs(panel.timeShift.replace(/^now-/, "")) : 0;
  return { fromMs: range.fromMs - shift, toMs: range.toMs - shift };
}

/** Grafana's Prometheus backend never asks for more than this many points. */
const safeResolution = 11_000;

export interface IntervalOptions {
  /** Panel "max data points"; Grafana uses the panel's width in pixels when unset. */
  maxDataPoints: number;
  /** Panel "min interval" if set, else the datasource's scrape interval. */
  minIntervalMs: number;
  /** A query's own min step (target `interval`), which overrides the panel's in the backend. */
  queryMinIntervalMs?: number;
}

/** The step of a panel's queries: what `$__interval` becomes and what a range query is sent with. */
export function queryStepMs(range: TimeRange, options: IntervalOptions): number {
  const rawMs = (range.toMs - range.fromMs) / options.maxDataPoints;
  // The frontend's own code (rangeutil.calculateInterval) picks the interval it sends along.
  const frontend = rangeUtil.calculateInterval(
    { from: dateTime(range.fromMs), to: dateTime(range.toMs), raw: { from: "", to: "" } },
    options.maxDataPoints,
    `${options.minIntervalMs}ms`,
  );
  // The backend (pkg/promlib, Go, not published) redoes it with the same rounding table.
  const minMs = options.queryMinIntervalMs ?? frontend.intervalMs;
  const calculatedMs = rawMs < minMs ? minMs : rangeUtil.roundInterval(rawMs);
  return Math.max(calculatedMs, rangeUtil.roundInterval((range.toMs - range.fromMs) / safeResolution));
}

/** Range queries start and end on a multiple of the step (the dashboard's timezone is UTC). */
export const alignToStep = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;
