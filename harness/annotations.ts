// Grafana's Prometheus annotation queries: one range query over the dashboard's range, and each
// series' steps with a value above 0 become marks, neighbours no more than a step apart merged into one
// (public/app/plugins/datasource/prometheus/annotations.ts, processEvents).
import { type QueryTime, type TimeRange, durationMs, interpolate, queryStepMs } from "./grafana";
import type { AnnotationJson } from "./dashboard-json";
import type { AnnotationEvent, AnnotationResult, Frame, TargetResult } from "./results";

export interface AnnotationContext {
  readonly variables: Record<string, string>;
  readonly range: TimeRange;
  readonly scrapeIntervalSeconds: number;
  readonly maxDataPoints: number;
  /** Whether the (interpolated) data source uid is the engine's. */
  readonly isEngine: (uid: string) => boolean;
  readonly run: (expr: string, stepMs: number) => Promise<TargetResult>;
}

/** The Prometheus annotations Grafana runs on load: enabled, not the built-in one. */
export async function loadAnnotations(
  list: readonly AnnotationJson[],
  context: AnnotationContext,
): Promise<AnnotationResult[]> {
  const results: AnnotationResult[] = [];
  for (const annotation of list.filter(
    (a) => a.enable !== false && !a.builtIn && a.datasource?.type === "prometheus",
  )) {
    const minStep = annotation.target?.interval || annotation.step;
    const stepMs = queryStepMs(context.range, {
      maxDataPoints: context.maxDataPoints,
      minIntervalMs: context.scrapeIntervalSeconds * 1000,
      queryMinIntervalMs: minStep && !minStep.includes("$") ? durationMs(minStep) : undefined,
    });
    const time: QueryTime = {
      rangeSeconds: Math.round((context.range.toMs - context.range.fromMs) / 1000),
      intervalSeconds: stepMs / 1000,
      scrapeIntervalSeconds: context.scrapeIntervalSeconds,
    };
    const uid = interpolate(annotation.datasource?.uid ?? "default", context.variables, time);
    if (!context.isEngine(uid)) throw new Error(`annotation "${annotation.name}": no data source "${uid}"`);
    const expr = interpolate(annotation.target?.expr ?? annotation.expr ?? "", context.variables, time);
    const query = await context.run(expr, stepMs);
    const events = query.frames.flatMap((frame) => eventsOf(annotation, frame, stepMs));
    results.push({ name: annotation.name, stepMs, query, events });
  }
  return results;
}

function eventsOf(annotation: AnnotationJson, frame: Frame, stepMs: number): AnnotationEvent[] {
  const tagKeys = (annotation.tagKeys ?? "").split(",");
  const base = {
    title: legend(annotation.titleFormat ?? "", frame.labels),
    text: legend(annotation.textFormat ?? "", frame.labels),
    tags: Object.keys(frame.labels)
      .filter((label) => tagKeys.includes(label))
      .map((label) => frame.labels[label] as string),
  };
  const active = frame.points
    .map(([timeMs, value]) => (annotation.useValueForTime ? [Math.floor(value), 1] : [timeMs, value]))
    .filter(([, value]) => (value as number) > 0)
    .map(([timeMs]) => timeMs as number);
  const events: AnnotationEvent[] = [];
  for (const timeMs of active) {
    const last = events[events.length - 1];
    if (last && last.timeEndMs + stepMs >= timeMs) events[events.length - 1] = { ...last, timeEndMs: timeMs };
    else events.push({ ...base, timeMs, timeEndMs: timeMs });
  }
  return events;
}

/** Grafana's renderLegendFormat: `{{label}}` becomes the label's value (empty when the series lacks it). */
const legend = (format: string, labels: Readonly<Record<string, string>>) =>
  format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
