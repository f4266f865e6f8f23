// The cost gate holds for the v2 resource as for the v1 file: the harness loads either, and on real
// Prometheus and VictoriaMetrics both send the same queries with the same steps and ranges, read the same
// samples and get the same answers, with the rows as saved (the objective's collapsed) and all opened, at
// the gate's ranges (3 hours and 30 days), over raw series and over recorded ones.
import { plainDashboard, plainResources } from "../../build/outputs";
import { costTarget, loadCost, withRange } from "../../harness/cost";
import { type Engines, startEngines } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import { jobScope } from "../../queries/selectors";
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
type Files = Record<"v1" | "v2", string>;
const files: Record<"raw" | "recorded", Files> = { raw: { v1: "", v2: "" }, recorded: { v1: "", v2: "" } };

beforeAll(async () => {
  history = generateHistory({ seed: 4, hours: 4, ...costTarget });
  engines = await startEngines(history);
  const recordedSeriesOf = jobScope(costTarget.job);
  files.raw = { v1: await plainDashboard(), v2: JSON.stringify(plainResources().dashboardv2) };
  files.recorded = {
    v1: await plainDashboard({ recordedSeriesOf }),
    v2: JSON.stringify(plainResources({ recordedSeriesOf }).dashboardv2),
  };
}, 300_000);
afterAll(async () => {
  await engines?.stop();
}, 60_000);

// Per panel at the default range, rows as saved and opened (VictoriaMetrics counts each panel apart, a
// slow load); at 30 days and over recorded series, the whole load, every row open: the queries asked,
// their steps and ranges, and the samples read, whatever the range the picker asks for.
describe.each([
  { dashboard: "raw", range: "now-3h", rows: "as saved", costPerPanel: true },
  { dashboard: "raw", range: "now-3h", rows: "open", costPerPanel: true },
  { dashboard: "raw", range: "now-30d", rows: "open", costPerPanel: false },
  { dashboard: "recorded", range: "now-30d", rows: "open", costPerPanel: false },
] as const)("the $dashboard dashboard from $range, rows $rows", ({ dashboard, range, rows, costPerPanel }) => {
  it("the v2 resource's load asks each engine what the v1 file's asks, and reads as much", async () => {
    if (!engines) throw new Error("the engines did not start; see the beforeAll failure");
    const [v1File, v2File] = [files[dashboard].v1, files[dashboard].v2].map((json) => withRange(json, range));
    for (const engine of engines.all) {
      const v1 = await loadCost(engine, v1File!, history, { rows, costPerPanel });
      const v2 = await loadCost(engine, v2File!, history, { rows, costPerPanel });
      expect(v1.panels.length).toBeGreaterThanOrEqual(rows === "open" ? 26 : 24);
      expect(v1.samplesRead).toBeGreaterThan(0);
      expect({ engine: engine.name, ...asked(v2) }).toEqual({ engine: engine.name, ...asked(v1) });
      const [ours, theirs] = [values(v2), values(v1)];
      expect(ours.length).toBe(theirs.length);
      expect(ours.filter((v, i) => !near(v, theirs[i] as number))).toEqual([]);
    }
  }, 300_000);
});
