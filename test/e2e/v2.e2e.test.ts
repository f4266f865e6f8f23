// The cost gate holds for the v2 resource as for the v1 file: the harness loads either, and on real
// Prometheus and VictoriaMetrics both send the same queries with the same steps and ranges, read the same
// samples and get the same answers, with the rows as saved (the objective's collapsed) and all opened.
import { plainDashboard, plainResources } from "../../build/outputs";
import { costTarget, loadCost } from "../../harness/cost";
import { type Engines, startEngines } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import { type SyntheticHistory, generateHistory } from "../../harness/synthetic";

/** What a load asks and gets, without its wall-clock times. */
const asked = (load: DashboardLoad) => ({
  queriesSent: load.queriesSent,
  samplesRead: load.samplesRead,
  variables: [...load.variables],
  panels: load.panels.map((panel) => ({
    title: panel.title,
    time: panel.time,
    range: panel.range,
    samplesRead: panel.samplesRead,
    targets: panel.targets.map(({ wallMs: _, frames, ...target }) => ({
      ...target,
      frames: frames.map((frame) => ({ ...frame, points: frame.points.map(([t]) => t) })),
    })),
  })),
  annotations: load.annotations.map((a) => ({ name: a.name, query: a.query.query, events: a.events })),
});

/** Every value a load got, in order: an engine may sum in another order from one run to the next. */
const values = (load: DashboardLoad) =>
  load.panels.flatMap((panel) => panel.targets.flatMap((t) => t.frames.flatMap((f) => f.points.map(([, v]) => v))));
const near = (a: number, b: number) =>
  Object.is(a, b) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

let history: SyntheticHistory;
let engines: Engines | undefined;
const files: Record<"v1" | "v2", string> = { v1: "", v2: "" };

beforeAll(async () => {
  history = generateHistory({ seed: 4, hours: 4, ...costTarget });
  engines = await startEngines(history);
  files.v1 = await plainDashboard();
  files.v2 = JSON.stringify(plainResources().dashboardv2);
}, 300_000);
afterAll(async () => {
  await engines?.stop();
}, 60_000);

describe.each(["as saved", "open"] as const)("rows %s", (rows) => {
  it("the v2 resource's load asks each engine what the v1 file's asks, and reads as much", async () => {
    if (!engines) throw new Error("the engines did not start; see the beforeAll failure");
    for (const engine of engines.all) {
      const v1 = await loadCost(engine, files.v1, history, { rows, costPerPanel: true });
      const v2 = await loadCost(engine, files.v2, history, { rows, costPerPanel: true });
      expect(v1.panels.length).toBeGreaterThanOrEqual(rows === "open" ? 26 : 24);
      expect(v1.samplesRead).toBeGreaterThan(0);
      expect({ engine: engine.name, ...asked(v2) }).toEqual({ engine: engine.name, ...asked(v1) });
      const [ours, theirs] = [values(v2), values(v1)];
      expect(ours.length).toBe(theirs.length);
      expect(ours.filter((v, i) => !near(v, theirs[i] as number))).toEqual([]);
    }
  }, 300_000);
});
