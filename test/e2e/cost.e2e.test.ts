// What one full load of the dashboard reads on real Prometheus and VictoriaMetrics, held against the
// yardstick (the reference's queries, trends repaired) on the same synthetic history: at the default range
// (3 h) over two days of data, and at 30 days over a month. Samples read are deterministic for a history, so
// this is a test, not a timing. On failure the message names the panels, with their samples on both sides.
import { type Engine, type Engines, startEngines } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import {
  type ComparedDashboards,
  type DashboardName,
  comparedDashboards,
  costGoals,
  costRows,
  costTable,
  loadCost,
  monthHistory,
  panelTable,
  recordOver,
  twoDayHistory,
  withRange,
} from "../../harness/cost";
import type { SyntheticHistory } from "../../harness/synthetic";

let dashboards: ComparedDashboards;

beforeAll(async () => {
  dashboards = await comparedDashboards();
});

/** Loads each dashboard once on each engine; a failing check reloads the culprit panel by panel. */
function rangeUnderTest(history: () => SyntheticHistory, from: string, options: { recorded: boolean }) {
  const state: { engines?: Engines; history?: SyntheticHistory; loads?: Record<DashboardName, DashboardLoad[]> } = {};
  const json = (name: DashboardName) => withRange(dashboards[name], from);
  beforeAll(async () => {
    state.history = history();
    state.engines = await startEngines(state.history);
    if (options.recorded) await recordOver(state.engines, state.history, json("recorded"));
    const loads: Record<DashboardName, DashboardLoad[]> = { default: [], recorded: [], yardstick: [] };
    const names: DashboardName[] = options.recorded ? ["default", "recorded", "yardstick"] : ["default", "yardstick"];
    for (const name of names)
      for (const engine of state.engines.all) loads[name].push(await loadCost(engine, json(name), state.history));
    state.loads = loads;
  }, 900_000);
  afterAll(async () => {
    await state.engines?.stop();
  }, 60_000);

  /** The dashboard's and the yardstick's per-panel tables on one engine: where the samples went. */
  const explain = async (name: DashboardName, engine: Engine) => {
    const history = state.history as SyntheticHistory;
    const [ours, theirs] = [
      await loadCost(engine, json(name), history, { costPerPanel: true }),
      await loadCost(engine, json("yardstick"), history, { costPerPanel: true }),
    ];
    return `${panelTable(ours)}\n\nYardstick:\n${panelTable(theirs)}`;
  };

  return async (name: "default" | "recorded", goal: number) => {
    const loads = state.loads;
    if (!loads || !state.engines) throw new Error("the dashboards were not loaded; see the beforeAll failure");
    const rows = costRows(loads, { [name]: goal }).filter((row) => row.dashboard === name);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.samplesRead).toBeGreaterThan(0);
    const over = rows.filter((row) => row.ratio > goal);
    const explanations: string[] = [];
    for (const row of over) {
      const engine = state.engines.all.find((e) => e.name === row.engine) as Engine;
      explanations.push(`${row.engine}, per panel:\n${await explain(name, engine)}`);
    }
    if (over.length) throw new Error(`${costTable(rows)}\n\n${explanations.join("\n\n")}`);
  };
}

describe("at the default range (3 hours) over two days of history", () => {
  const check = rangeUnderTest(twoDayHistory, "now-3h", { recorded: false });

  it("the default dashboard reads no more samples than the yardstick on either engine", async () => {
    await check("default", costGoals.default);
  }, 300_000);
});

describe("at 30 days over a month of history", () => {
  const check = rangeUnderTest(() => monthHistory(dashboards), "now-30d", { recorded: true });

  it("the default dashboard reads no more samples than the yardstick on either engine", async () => {
    await check("default", costGoals.default);
  }, 300_000);

  it("the recorded dashboard reads at most 0.3 times the yardstick's samples on either engine", async () => {
    await check("recorded", costGoals.recorded);
  }, 300_000);
});
