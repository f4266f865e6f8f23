// Issue 8: the catalogue's unit sets each panel's unit. A ms histogram drawn as seconds, a per-minute
// rate labelled per second, or an override that contradicts its query fails here.
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaDashboard } from "../dashboards/akkoma";
import { timeseries, prom, readsOfTarget, unitOfTarget } from "../panels/common";
import { type Metric, dbQueryTime, dbTotalTime, inboundRequests, jobCompletions, vmMemory } from "../queries/catalogue";
import {
  averagePerMinuteOver,
  averagePerPoll,
  durationQuantile,
  eventsPerMinute,
  meanDuration,
  timeSpentPerSecond,
} from "../queries/promql";
import { type SeriesRead, add } from "../queries/query";
import { titles } from "../panels/titles";

type Target = { refId?: string; expr?: string };

const panels = (akkomaDashboard().panels ?? [])
  .flatMap((panel) => (panel.type === "row" ? ((panel as { panels?: Panel[] }).panels ?? []) : [panel as Panel]))
  .filter((panel) => panel.type !== "row");

/** The unit Grafana applies to a target's values: an override by its refId, else the panel's. */
const unitInEffect = (panel: Panel, refId: string) =>
  (panel.fieldConfig?.overrides ?? [])
    .filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId)
    .flatMap((o) => o.properties)
    .find((p) => p.id === "unit")?.value ?? panel.fieldConfig?.defaults?.unit;

const eachTarget = () =>
  panels.flatMap((panel) => ((panel.targets ?? []) as Target[]).map((target) => ({ panel, target })));

// Written from what Akkoma's series measure, not from the query builders: a builder deriving the
// wrong unit is caught here too.
const timeUnits: Record<Metric["unit"], string> = { milliseconds: "ms", seconds: "s", bytes: "bytes", count: "short" };
// The delivery objective's panels divide events by events: a share of the budget, and a multiple of the allowed rate.
const eventRatios: Record<string, string> = {
  [titles.deliveryBudget]: "percentunit",
  [titles.deliveryBurnRate]: "none",
};
function unitFromReads(panel: Panel, reads: readonly SeriesRead[]): string {
  const ratio = eventRatios[panel.title ?? ""];
  if (ratio) return ratio;
  const durations = reads.filter((r) => r.metric.kind === "histogram" && (r.part === "sum" || r.part === "bucket"));
  if (durations.length > 0) return timeUnits[durations[0]?.metric.unit ?? "count"];
  const polled = reads.find((r) => r.part === "psum");
  if (polled) return timeUnits[polled.metric.unit];
  if (reads.some((r) => r.metric.kind === "gauge" && r.metric.unit === "bytes")) return "binBps";
  if (reads.some((r) => r.metric.source === "scraper")) return "percentunit";
  const events = reads.filter((r) => r.part === "count" || r.metric.kind === "counter");
  if (events.length > 0 && panel.type === "bargauge") return "short";
  if (events.length > 0) return events.some((r) => r.metric.requests) ? "reqpm" : "cpm";
  return "short";
}

describe("units", () => {
  it("every target's values are shown in its query's unit (the panel's, or an override by refId)", () => {
    const wrong = eachTarget().flatMap(({ panel, target }) => {
      const unit = unitInEffect(panel, target.refId as string);
      const expected = unitOfTarget(target);
      return expected !== undefined && unit === expected ? [] : [`${panel.title} / ${target.refId}: ${unit}`];
    });
    expect(wrong).toEqual([]);
  });

  it("every target's unit follows from the catalogue's unit of what it reads", () => {
    const wrong = eachTarget().flatMap(({ panel, target }) => {
      const expected = unitFromReads(panel, readsOfTarget(target));
      const shown = unitInEffect(panel, target.refId as string);
      return shown === expected ? [] : [`${panel.title} / ${target.refId}: ${shown}, expected ${expected}`];
    });
    expect(wrong).toEqual([]);
  });

  it("only overrides by refId set a unit: a name may match the series of more than one query", () => {
    const byOtherMatchers = panels.flatMap((panel) =>
      (panel.fieldConfig?.overrides ?? [])
        .filter((o) => o.matcher.id !== "byFrameRefID" && o.properties.some((p) => p.id === "unit"))
        .map((o) => `${panel.title}: ${o.matcher.id} ${JSON.stringify(o.matcher.options)}`),
    );
    expect(byOtherMatchers).toEqual([]);
  });

  it.each([
    ["events per minute of a counted histogram", "cpm", eventsPerMinute(jobCompletions)],
    ["requests per minute of an HTTP histogram", "reqpm", eventsPerMinute(inboundRequests)],
    ["time per second of a ms histogram", "ms", timeSpentPerSecond(dbQueryTime)],
    ["time per second of a seconds histogram", "s", timeSpentPerSecond(jobCompletions)],
    ["a quantile of a ms histogram", "ms", durationQuantile(0.95, dbQueryTime)],
    ["the mean of a ms histogram", "ms", meanDuration(dbTotalTime)],
    ["the average of polled bytes", "bytes", averagePerPoll(vmMemory)],
    ["requests per minute over a day", "reqpm", averagePerMinuteOver("24h", inboundRequests, "count")],
    ["seconds per minute over a day", "s", averagePerMinuteOver("24h", inboundRequests, "sum")],
  ] as const)("%s is in %s", (_what, unit, query) => {
    expect(query.unit).toBe(unit);
  });

  it("refuses to add milliseconds to seconds", () => {
    expect(() =>
      add(averagePerMinuteOver("48h", dbTotalTime, "sum"), averagePerMinuteOver("48h", jobCompletions, "sum")),
    ).toThrow(/combines values in ms and s/);
  });

  const composed = (...built: ReturnType<typeof timeseries>[]) =>
    (akkomaDashboard([{ title: "Test", panels: built }]).panels ?? []).filter((p) => p.type !== "row") as Panel[];

  it("gives a panel the unit most of its targets share, and the others an override by refId", () => {
    const [panel] = composed(
      timeseries("Mixed", 6, 4)
        .description("x")
        .withTarget(prom(timeSpentPerSecond(jobCompletions), "jobs"))
        .withTarget(prom(timeSpentPerSecond(dbQueryTime), "query"))
        .withTarget(prom(timeSpentPerSecond(dbTotalTime), "total")),
    );
    expect(panel?.fieldConfig?.defaults?.unit).toBe("ms");
    expect(panel?.fieldConfig?.overrides).toEqual([
      { matcher: { id: "byFrameRefID", options: "A" }, properties: [{ id: "unit", value: "s" }] },
    ]);
  });

  it("refuses an override that shows a query in another unit than its own", () => {
    const contradicting = timeseries("Contradicting", 6, 4)
      .description("x")
      .withTarget(prom(timeSpentPerSecond(dbQueryTime), "query", "query"))
      .overrideByQuery("query", [{ id: "unit", value: "s" }]);
    expect(() => composed(contradicting)).toThrow(
      'panel "Contradicting", query query: an override shows it in s, but its values are in ms',
    );
  });
});
