// The Up state timeline: a value at every step (no gaps), down through an outage, up everywhere else,
// at the dashboard's 3 hours (the second instance's outage) and over 7 days (the first one's).
import { alignToStep } from "../../harness/grafana";
import type { EngineName } from "../../harness/engines";
import { type DashboardLoad, finitePoints, panelTitled, shownFrames } from "../../harness/evaluate";
import type { InstanceHistory } from "../../harness/synthetic";
import { titles } from "../../panels/titles";
import { type E2eContext, keepPanels, rangeWindowMs } from "./context";

const minuteMs = 60_000;

/** The timeline's points, with what the scrapes of each point's window saw. */
function timeline(load: DashboardLoad, instance: InstanceHistory, historyStartMs: number) {
  const panel = panelTitled(load, titles.up);
  const [frame, ...more] = shownFrames(panel);
  if (!frame || more.length > 0) throw new Error(`the Up timeline draws ${more.length + 1} series, expected 1`);
  const [target] = panel.targets;
  const windowMs = rangeWindowMs(target?.query ?? "");
  const stepMs = panel.time.intervalSeconds * 1000;
  // Before the history's first scrape there is nothing to show.
  const firstMs = alignToStep(Math.max(panel.range.fromMs, historyStartMs), stepMs) + stepMs;
  const lastMs = alignToStep(panel.range.toMs, stepMs);
  const shown = new Map(finitePoints(frame).map(([atMs, value]) => [atMs, value]));
  const steps = Array.from({ length: (lastMs - firstMs) / stepMs + 1 }, (_, k) => firstMs + k * stepMs);
  const outageShown = instance.outage.startMs > panel.range.fromMs;
  return {
    outageShown,
    // A point's window straddles an edge of the outage at this many steps on either side of it.
    edgeSteps: Math.ceil(windowMs / stepMs),
    points: steps.map((atMs) => {
      // Scrapes in [t - window, t]: Prometheus 2.x reads both ends, VictoriaMetrics the right one only.
      const scrapes = Array.from({ length: windowMs / minuteMs + 1 }, (_, k) => atMs - windowMs + k * minuteMs).filter(
        (t) => t >= historyStartMs,
      );
      const up = scrapes.map((t) => instance.expected.upAt(t));
      return { atMs, value: shown.get(atMs), allUp: up.every(Boolean), allDown: !up.some(Boolean) };
    }),
  };
}

function expectTruthful(load: DashboardLoad, instance: InstanceHistory, historyStartMs: number) {
  const { outageShown, edgeSteps, points } = timeline(load, instance, historyStartMs);
  const at = (atMs: number) => new Date(atMs).toISOString();
  expect(points.filter((p) => p.value === undefined).map((p) => at(p.atMs))).toEqual([]);
  const wrong = points
    .filter((p) => (p.allUp && p.value !== 1) || (p.allDown && p.value !== 0))
    .map((p) => `${at(p.atMs)}: ${p.value}, expected ${p.allUp ? 1 : 0}`);
  expect(wrong).toEqual([]);
  // The outage is there, drawn "down", and only the points at its edges are partly down.
  expect(points.filter((p) => p.allDown).length > 0).toBe(outageShown);
  expect(points.filter((p) => !p.allUp && !p.allDown).length).toBeLessThanOrEqual(2 * edgeSteps);
}

export function describeUpTimeline(engines: readonly EngineName[], context: E2eContext): void {
  it("the Up timeline maps 0 to a red down and 1 to a green up", () => {
    const panel = keepPanels(JSON.parse(context.dashboard()), titles.up)[0] as unknown as {
      fieldConfig: { defaults: { mappings: { options: Record<string, { text: string; color: string }> }[] } };
    };
    const [values] = panel.fieldConfig.defaults.mappings;
    expect({ down: values?.options["0"], up: values?.options["1"] }).toMatchObject({
      down: { text: "down", color: "red" },
      up: { text: "up", color: "green" },
    });
  });

  describe.each(engines)("the Up timeline on %s", (engine) => {
    it("has a value at every step of the 3 hours, down through the outage and up elsewhere", () => {
      for (const { instance, load } of context.shown(engine)) {
        expectTruthful(load, instance, context.history().startMs);
      }
    });

    it("has a value at every step of 7 days, down through the first instance's outage", async () => {
      const load = await context.loadVariant(engine, (dashboard) => {
        keepPanels(dashboard, titles.up);
        dashboard.time = { from: "now-7d", to: dashboard.time?.to ?? "now" };
      });
      expectTruthful(load, context.history().instances[0] as InstanceHistory, context.history().startMs);
    });
  });
}
