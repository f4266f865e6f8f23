// What one full load of the dashboard reads on real Prometheus and VictoriaMetrics, held against the
// yardstick (the reference's queries, trends repaired) on the same synthetic history: at the default range
// (3 h) over two days of data, and at 30 days over a month. Samples read are deterministic for a history, so
// this is a test, not a timing. A failure names the panels, with their samples beside the yardstick's.
import { type Engine, type EngineName, type Engines, startEngines } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import {
  type ComparedDashboards,
  type CostRange,
  type Costed,
  comparedDashboards,
  costGoals,
  costLimits,
  costRow,
  loadCost,
  monthHistory,
  number,
  panelTable,
  recordOver,
  twoDayHistory,
  withRange,
  withinLimit,
} from "../../harness/cost";
import type { SyntheticHistory } from "../../harness/synthetic";

let dashboards: ComparedDashboards;

beforeAll(async () => {
  dashboards = await comparedDashboards();
});

type Loaded = "default" | "opened" | "recorded" | "yardstick";

/** Loads each dashboard once on each engine, the default one as saved and with every row opened. */
function rangeUnderTest(range: CostRange, history: () => SyntheticHistory, options: { recorded: boolean }) {
  const state: { engines?: Engines; history?: SyntheticHistory; loads: Map<string, DashboardLoad> } = {
    loads: new Map(),
  };
  const from = range === "3h" ? "now-3h" : "now-30d";
  const json = (name: keyof ComparedDashboards) => withRange(dashboards[name], from);
  const key = (name: Loaded, engine: EngineName) => `${name} ${engine}`;
  beforeAll(async () => {
    state.history = history();
    state.engines = await startEngines(state.history);
    if (options.recorded) await recordOver(state.engines, state.history, json("recorded"));
    for (const engine of state.engines.all) {
      const load = (name: keyof ComparedDashboards, rows: "open" | "as saved" = "as saved") =>
        loadCost(engine, json(name), state.history as SyntheticHistory, { rows });
      state.loads.set(key("default", engine.name), await load("default"));
      state.loads.set(key("opened", engine.name), await load("default", "open"));
      state.loads.set(key("yardstick", engine.name), await load("yardstick"));
      if (options.recorded) state.loads.set(key("recorded", engine.name), await load("recorded"));
    }
  }, 900_000);
  afterAll(async () => {
    await state.engines?.stop();
  }, 60_000);

  const samples = (name: Loaded, engine: EngineName) => {
    const read = state.loads.get(key(name, engine))?.samplesRead;
    if (read === undefined) throw new Error(`${engine} gave no count for the ${name} load; see the beforeAll failure`);
    expect(read).toBeGreaterThan(0);
    return read;
  };

  /** The dashboard's and the yardstick's samples per panel on one engine: where the samples went. */
  const explain = async (name: keyof ComparedDashboards, engine: Engine, rows: "open" | "as saved") => {
    const history = state.history as SyntheticHistory;
    const ours = await loadCost(engine, json(name), history, { costPerPanel: true, rows });
    const theirs = await loadCost(engine, json("yardstick"), history, { costPerPanel: true });
    return `${panelTable(ours)}\n\nYardstick:\n${panelTable(theirs)}`;
  };

  /** Holds `cost(engine)` / the yardstick's to the limit on each engine; a failure names the panels. */
  const check = async (
    what: Costed,
    cost: (engine: EngineName) => number,
    explained: { dashboard: keyof ComparedDashboards; rows: "open" | "as saved" },
  ) => {
    const engines = state.engines;
    if (!engines) throw new Error("the engines did not start; see the beforeAll failure");
    const lines: string[] = [];
    for (const engine of engines.all) {
      const row = costRow(what, range, engine.name, cost(engine.name), samples("yardstick", engine.name));
      expect(row.limit).toBeDefined();
      if (withinLimit(row)) continue;
      lines.push(
        `${what} at ${range} on ${engine.name}: ${number(row.samplesRead)} samples, ` +
          `${row.ratio.toFixed(3)}x the yardstick's ${number(row.yardstick)} (limit ${row.limit}x)`,
        await explain(explained.dashboard, engine, explained.rows),
      );
    }
    if (lines.length) throw new Error(lines.join("\n\n"));
  };
  return { check, samples, state };
}

/** A frame's identity: its labels, the metric name aside (a recorded series keeps its own). */
const seriesKey = (labels: Readonly<Record<string, string>>) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([label]) => label !== "__name__")
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * Where the recorded dashboard takes the rate of a recorded counter sum, its points and the default
 * dashboard's, compared at each time: equal but in a window holding a series' birth (the history's start,
 * Akkoma's restart), where the sum's growth counts the newborn's first value, or the outage's start.
 */
function recordedDifferences(raw: DashboardLoad, recorded: DashboardLoad, history: SyntheticHistory) {
  const differences: string[] = [];
  let points = 0;
  for (const panel of recorded.panels) {
    const rawPanel = raw.panels.find((p) => p.title === panel.title);
    for (const target of panel.targets) {
      const rawTarget = rawPanel?.targets.find((t) => t.refId === target.refId);
      if (!rawTarget || !/:\w+:sum\{/.test(target.query)) continue;
      const windowMs = 2 * panel.time.intervalSeconds * 1000 + 60_000;
      // The history has no staleness markers: when the outage starts, a rule still sums the last values
      // for five minutes where Prometheus, told by its scrape loop, would stop at once.
      const nearBirth = (atMs: number) =>
        [history.startMs, history.outage.startMs, history.outage.endMs].some(
          (changedMs) => changedMs <= atMs && atMs - windowMs - 300_000 <= changedMs,
        );
      const rawFrames = new Map(rawTarget.frames.map((frame) => [seriesKey(frame.labels), new Map(frame.points)]));
      for (const frame of target.frames) {
        const expected = rawFrames.get(seriesKey(frame.labels));
        for (const [atMs, value] of frame.points) {
          if (nearBirth(atMs)) continue;
          points++;
          const want = expected?.get(atMs);
          const same = want !== undefined && Math.abs(value - want) <= 1e-9 * Math.max(1, Math.abs(want));
          if (!same)
            differences.push(`${panel.title} ${target.refId} ${seriesKey(frame.labels)} at ${atMs}: ${value}, ${want}`);
        }
      }
    }
  }
  return { differences, points };
}

describe.each([
  { range: "3h" as const, history: twoDayHistory, recorded: false },
  { range: "30d" as const, history: () => monthHistory(dashboards), recorded: true },
])("at $range", ({ range, history, recorded }) => {
  const { check, samples, state } = rangeUnderTest(range, history, { recorded });

  it("the default dashboard reads no more than its limit on either engine (goal: the yardstick's samples)", async () => {
    await check("default", (engine) => samples("default", engine), { dashboard: "default", rows: "as saved" });
  }, 300_000);

  it("the objective's row, collapsed until opened, reads no more than its limit once opened", async () => {
    await check("objective row", (engine) => samples("opened", engine) - samples("default", engine), {
      dashboard: "default",
      rows: "open",
    });
  }, 300_000);

  if (recorded) {
    it("the recorded dashboard reads at most 0.3 times the yardstick's samples on Prometheus, its limit on VictoriaMetrics", async () => {
      expect(costLimits.recorded[range]?.Prometheus).toBe(costGoals.recorded);
      await check("recorded", (engine) => samples("recorded", engine), { dashboard: "recorded", rows: "as saved" });
    }, 300_000);

    it.each(["Prometheus", "VictoriaMetrics"] as const)(
      "the recorded dashboard's rates show the default dashboard's values at every point on %s",
      (engine) => {
        const raw = state.loads.get(`default ${engine}`);
        const overRecorded = state.loads.get(`recorded ${engine}`);
        if (!raw || !overRecorded || !state.history) throw new Error("not loaded; see the beforeAll failure");
        const { differences, points } = recordedDifferences(raw, overRecorded, state.history);
        expect(points).toBeGreaterThan(5_000);
        expect(differences.slice(0, 20)).toEqual([]);
      },
    );
  }
});
