// The catalogue's unit sets each panel's unit. A ms histogram drawn as seconds, a per-minute rate
// labelled per second, or an override that contradicts its query fails here.
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelsIn } from "../../dashboards/rows";
import { timeseries } from "../../panels/common";
import { type DeclaredPanel, panel as declare, target } from "../../panels/panel";
import {
  type Metric,
  dbQueryTime,
  dbTotalTime,
  inboundRequests,
  jobCompletions,
  vmMemory,
} from "../../queries/catalogue";
import {
  averagePerMinuteOver,
  averagePerPoll,
  durationQuantile,
  eventsPerMinute,
  meanDuration,
  timeSpentPerSecond,
} from "../../queries/promql";
import { type SeriesRead, add } from "../../queries/query";
import { titles } from "../../panels/titles";

const declared = sections().flatMap((section) => section.panels);
const panels = panelsIn(akkomaDashboard(sections()).panels as Panel[]);

/** The unit Grafana applies to a target's values: an override by its refId, else the panel's. */
const unitInEffect = (panel: Panel, refId: string) =>
  (panel.fieldConfig?.overrides ?? [])
    .filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId)
    .flatMap((o) => o.properties)
    .find((p) => p.id === "unit")?.value ?? panel.fieldConfig?.defaults?.unit;

/** Each declared query, with the panel the dashboard built for it: named by panel title and legend. */
const eachTarget = () =>
  declared.flatMap((declaration) => {
    const panel = panels.find((p) => p.title === declaration.title) as Panel;
    return declaration.targets.map((target) => ({ panel, target, name: `${panel.title} / ${target.legend}` }));
  });

// Written from what Akkoma's series measure, not from the query builders: a builder deriving the
// wrong unit is caught here too.
const timeUnits: Record<Metric["unit"], string> = { milliseconds: "ms", seconds: "s", bytes: "bytes", count: "short" };
// The delivery objective's panels divide events by events: a share of the budget, and a multiple of the allowed rate.
const eventRatios: Record<string, string> = {
  [titles.deliveryBudget]: "percentunit",
  [titles.deliveryBurnRate]: "none",
};
// Beside the budget: how many days of the scraper's own series the engine holds, read from timestamps.
const daysHeldIn = new Set<string>([titles.deliveryBudget]);
function unitFromReads(panel: Panel, reads: readonly SeriesRead[]): string {
  if (daysHeldIn.has(panel.title ?? "") && reads.every((r) => r.metric.source === "scraper")) return "suffix:days";
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
    expect(eachTarget().length).toBeGreaterThan(30);
    const wrong = eachTarget().flatMap(({ panel, target, name }) => {
      const unit = unitInEffect(panel, target.refId);
      return unit === target.query.unit ? [] : [`${name}: ${unit}, its query's is ${target.query.unit}`];
    });
    expect(wrong).toEqual([]);
  });

  it("every target's unit follows from the catalogue's unit of what it reads", () => {
    const wrong = eachTarget().flatMap(({ panel, target, name }) => {
      const expected = unitFromReads(panel, target.query.reads);
      const shown = unitInEffect(panel, target.refId);
      return shown === expected ? [] : [`${name}: ${shown}, expected ${expected}`];
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

  /** The unit Grafana shows each series of the panel in, by legend. */
  const unitsBySeries = (declaration: DeclaredPanel) => {
    const [built] = panelsIn(akkomaDashboard([{ title: "Test", panels: [declaration] }]).panels as Panel[]);
    return Object.fromEntries(
      declaration.targets.map((target) => [target.legend, unitInEffect(built as Panel, target.refId)]),
    );
  };
  const unitOverrides = (declaration: DeclaredPanel) =>
    (declaration.builder.build().fieldConfig?.overrides ?? []).filter((o) => o.properties.some((p) => p.id === "unit"));

  it("gives a panel the unit most of its targets share, and the others an override by refId", () => {
    const mixed = declare(timeseries("Mixed", 6, 4).description("x"), [
      target(timeSpentPerSecond(jobCompletions), "jobs"),
      target(timeSpentPerSecond(dbQueryTime), "query"),
      target(timeSpentPerSecond(dbTotalTime), "total"),
    ]);
    expect(unitsBySeries(mixed)).toEqual({ jobs: "s", query: "ms", total: "ms" });
    expect(mixed.builder.build().fieldConfig?.defaults?.unit).toBe("ms");
    expect(unitOverrides(mixed)).toHaveLength(1);
  });

  it("adds a query's unit to the panel's own override of that query", () => {
    const overridden = declare(
      timeseries("Overridden", 6, 4)
        .description("x")
        .overrideByQuery("jobs", [{ id: "custom.fillOpacity", value: 0 }]),
      [target(timeSpentPerSecond(dbQueryTime), "query"), target("jobs", timeSpentPerSecond(jobCompletions), "jobs")],
    );
    expect(unitsBySeries(overridden)).toEqual({ query: "ms", jobs: "s" });
    expect(unitOverrides(overridden)).toHaveLength(1);
    expect(unitOverrides(overridden)[0]?.properties.map((p) => p.id)).toEqual(["custom.fillOpacity", "unit"]);
  });

  it("refuses an override that shows a query in another unit than its own", () => {
    expect(() =>
      declare(
        timeseries("Contradicting", 6, 4)
          .description("x")
          .overrideByQuery("query", [{ id: "unit", value: "s" }]),
        [target("query", timeSpentPerSecond(dbQueryTime), "query")],
      ),
    ).toThrow('panel "Contradicting", query query: an override shows it in s, but its values are in ms');
  });
});
