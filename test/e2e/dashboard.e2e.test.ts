import { importInputs, importPlaceholder } from "../../config";
// Issue 4: every panel shows data on real Prometheus and real VictoriaMetrics, and the numbers that
// can be known from the synthetic history are right.

import { exportDashboard } from "../../build/export";
import { type EngineName, type Engines, startEngines } from "../../harness/engines";
import {
  type DashboardLoad,
  type Frame,
  type PanelResult,
  finitePoints,
  loadDashboard,
  panelTitled,
  shownFrames,
  shownValue,
} from "../../harness/evaluate";
import { durationMs, queryStepMs } from "../../harness/grafana";
import { type SyntheticHistory, generateHistory } from "../../harness/synthetic";
import { describeDeliveries } from "./deliveries";
import type { DashboardJson, E2eContext } from "./context";

const answers = { datasource: "prometheus", scrapeJob: "akkoma", instance: "akkoma.test:443" };
const engineNames: readonly EngineName[] = ["Prometheus", "VictoriaMetrics"];

let history: SyntheticHistory;
let engines: Engines | undefined;
let dashboardText = "";
const loads = new Map<EngineName, DashboardLoad>();
// Grafana's "now" falls between two scrapes, half a minute after the last one.
const nowOf = (h: SyntheticHistory) => h.endMs + 30_000;

beforeAll(async () => {
  history = generateHistory({ seed: 4, job: answers.scrapeJob, instance: answers.instance });
  // allSettled: engines that started must reach afterAll even when the dashboard does not build.
  const [dashboardJson, started] = await Promise.allSettled([exportDashboard(), startEngines(history)]);
  if (started.status === "rejected") throw started.reason;
  engines = started.value;
  if (dashboardJson.status === "rejected") throw dashboardJson.reason;
  dashboardText = dashboardJson.value;
  for (const engine of engines.all)
    loads.set(engine.name, await loadDashboard(dashboardText, engine, { answers, nowMs: nowOf(history) }));
}, 120_000);

afterAll(async () => {
  await engines?.stop();
}, 30_000);

const loadOn = (engine: EngineName): DashboardLoad => {
  const load = loads.get(engine);
  if (!load) throw new Error(`the dashboard was not loaded on ${engine}; see the beforeAll failure`);
  return load;
};

describe.each(engineNames)("on %s", (engine) => {
  it("no query is refused", () => {
    const refused = loadOn(engine).panels.flatMap((panel) =>
      panel.targets
        .filter((t) => t.status !== "success")
        .map((t) => `${panel.title} / ${t.refId}: HTTP ${t.httpStatus ?? "-"} ${t.error} -- ${t.query}`),
    );
    expect(refused).toEqual([]);
  });

  it("every panel shows at least one finite value", () => {
    const blank = loadOn(engine)
      .panels.filter((panel) => !shownFrames(panel).some((frame) => finitePoints(frame).length > 0))
      .map((panel) => panel.title || `(untitled ${panel.type} panel ${panel.id})`);
    expect(blank).toEqual([]);
  });

  // The outage is 1% of the history; 0.1 percentage point tells "counted once" from "missed" or
  // "counted twice", and still lets a panel average step-sampled points instead of raw samples.
  it("Uptime shows the share of successful scrapes, outage included", () => {
    const panel = panelTitled(loadOn(engine), "Uptime (7 days)");
    const [frame] = onlyFrames(panel, 1);
    const expected = history.expected.uptimeFraction(panel.range.fromMs, panel.range.toMs);
    expect(expected).toBeLessThan(0.995);
    const shown = shownValue(panel, frame as Frame);
    expect(shown).toBeGreaterThanOrEqual(expected - 0.001);
    expect(shown).toBeLessThanOrEqual(expected + 0.001);
  });

  // Each point averages the polls of one rate window; an engine may leave out the window's first
  // poll (Prometheus' range starts at the first sample inside it). One poll of four moves the mean by
  // well under 2% (1% noise, slow drift), while a wrong formula is off by orders of magnitude.
  it.each(["BEAM VM Memory", "BEAM System Load"])("%s shows the average of Akkoma's memory polls", (title) => {
    const panel = panelTitled(loadOn(engine), title);
    const [memory, ...others] = panel.targets.filter(
      (t) => !t.hidden && t.reads.some((n) => n.startsWith("vm_memory_total")),
    );
    if (!memory || others.length > 0) throw new Error(`panel "${title}" should draw memory from exactly one query`);
    const windowMs = rangeWindowMs(memory.query, memory.inputs);
    const checked = memory.frames.flatMap(finitePoints).flatMap(([atMs, value]) => {
      const expected = history.expected.averageMemoryBytes(atMs - windowMs, atMs);
      return Number.isFinite(expected) ? [{ atMs, ratio: value / expected }] : [];
    });
    expect(checked.length).toBeGreaterThan(0);
    const wrong = checked.filter(({ ratio }) => !(ratio >= 0.98 && ratio <= 1.02));
    expect(
      wrong.map(({ atMs, ratio }) => `${new Date(atMs).toISOString()}: ${ratio.toFixed(3)} of the expected`),
    ).toEqual([]);
  });

  // Gauges pass through unchanged: every point at a scrape while Akkoma was up is exactly its value.
  it.each([
    ["Pending Jobs", "pendingJobs"],
    ["Scheduled Jobs", "scheduledJobs"],
  ] as const)("%s shows each queue's gauge", (title, gauge) => {
    const panel = panelTitled(loadOn(engine), title);
    const frames = shownFrames(panel);
    expect(frames.map((f) => f.labels.queue_name).sort()).toEqual([...history.queues].sort());
    for (const frame of frames) {
      const queue = frame.labels.queue_name as string;
      const wrong = finitePoints(frame)
        .map(([atMs, value]) => ({ atMs, value, expected: history.expected[gauge](queue, atMs) }))
        .filter((p) => p.expected !== undefined && p.value !== p.expected);
      expect({ queue, wrong }).toEqual({ queue, wrong: [] });
    }
  });
});

const context: E2eContext = {
  history: () => history,
  dashboard: () => dashboardText,
  load: loadOn,
  /** The dashboard as exported, changed by `edit`, loaded on one engine: panels the edit keeps only. */
  async loadVariant(engine, edit) {
    const on = engines?.all.find((e) => e.name === engine);
    if (!on) throw new Error(`${engine} did not start; see the beforeAll failure`);
    const json = JSON.parse(dashboardText) as DashboardJson;
    edit(json);
    return loadDashboard(JSON.stringify(json), on, { answers, nowMs: nowOf(history) });
  },
};
describeDeliveries(engineNames, context);

describe("the synthetic history", () => {
  const at = (i: number) => history.startMs + i * 60_000;
  const seriesNamed = (name: string) => history.series.filter((s) => s.name === name);

  it("has one 30-minute outage: up=0 and no Akkoma series while it lasts", () => {
    const [up] = seriesNamed("up");
    const down = [...(up?.values ?? [])].flatMap((v, i) => (v === 0 ? [at(i)] : []));
    expect(down).toHaveLength(30);
    expect([down[0], (down[29] as number) + 60_000]).toEqual([history.outage.startMs, history.outage.endMs]);
    const reporting = history.series.filter(
      (s) => s.name !== "up" && down.some((t) => !Number.isNaN(s.values[(t - history.startMs) / 60_000] as number)),
    );
    expect(reporting.map((s) => s.name)).toEqual([]);
  });

  it("lets the lazy counters appear mid-history, after their first event", () => {
    const firstSeenMinute = (name: string) =>
      Math.min(...seriesNamed(name).map((s) => s.values.findIndex((v) => !Number.isNaN(v))));
    const fromTheStart = ["akkoma_ap_delivery_fail_final", "oban_job_exception_count"].filter(
      (name) => firstSeenMinute(name) < 60,
    );
    expect(fromTheStart).toEqual([]);
  });
});

describe("the evaluator", () => {
  const hours = (h: number) => ({ fromMs: 0, toMs: h * 3_600_000 });

  // Steps Grafana 12 sends for these ranges, widths and min intervals.
  it.each([
    [3, 1000, 60, 60],
    [24 * 7, 1000, 60, 600],
    [24 * 7, 700, 60, 900],
    [48, 1000, 60, 120],
    [24, 1000, 3600, 3600],
  ])("steps a %ih range at %i points with a %is min interval by %is", (h, maxDataPoints, minSeconds, stepSeconds) => {
    expect(queryStepMs(hours(h), { maxDataPoints, minIntervalMs: minSeconds * 1000 })).toBe(stepSeconds * 1000);
  });

  it("resolves server-side math and reduce expressions the way PromQL would compute them", async () => {
    const prometheus = { type: "prometheus", uid: importPlaceholder(importInputs.datasource) };
    const expression = { type: "__expr__", uid: "__expr__" };
    const job = importPlaceholder(importInputs.scrapeJob);
    const memory = (part: string) => `rate(vm_memory_total_${part}{job="${job}"}[$__rate_interval])`;
    const dashboard = {
      __inputs: [{ name: importInputs.scrapeJob, type: "constant" }],
      time: { from: "now-3h", to: "now" },
      panels: [
        {
          type: "timeseries",
          title: "memory",
          datasource: prometheus,
          targets: [
            { refId: "sum", hide: true, expr: memory("psum") },
            { refId: "count", hide: true, expr: memory("pcount") },
            { refId: "promql", expr: `${memory("psum")} / ${memory("pcount")}` },
            { refId: "ratio", datasource: expression, type: "math", expression: "$sum / ${count}" },
            { refId: "mean", datasource: expression, type: "reduce", expression: "ratio", reducer: "mean" },
          ],
        },
      ],
    };
    const engine = engines?.prometheus;
    if (!engine) throw new Error("Prometheus did not start; see the beforeAll failure");
    const [panel] = (await loadDashboard(JSON.stringify(dashboard), engine, { answers, nowMs: history.endMs })).panels;
    const frame = (refId: string) => panel?.targets.find((t) => t.refId === refId)?.frames[0] as Frame;
    expect(frame("ratio").points).toEqual(frame("promql").points);
    const values = finitePoints(frame("promql")).map(([, v]) => v);
    expect(frame("mean").points[0]?.[1]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 3);
  });
});

function onlyFrames(panel: PanelResult, count: number): Frame[] {
  const frames = shownFrames(panel);
  if (frames.length !== count) {
    throw new Error(
      `panel "${panel.title}" shows ${frames.length} series, expected ${count}: ${JSON.stringify(frames.map((f) => f.labels))}`,
    );
  }
  return frames;
}

/** The rate window a query was sent with, e.g. `[240s]`; an expression's comes from its inputs. */
function rangeWindowMs(query: string, inputs: readonly string[]): number {
  const window = [query, ...inputs].map((q) => /\[(\w+)\]/.exec(q)?.[1]).find((w) => w !== undefined);
  if (!window) throw new Error(`no range window in: ${query}`);
  return durationMs(window);
}
