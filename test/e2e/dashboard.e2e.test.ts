// Every panel shows data on real Prometheus and real VictoriaMetrics, and the numbers that
// can be known from the synthetic history are right. So does the provisioning file, which
// Grafana loads without its import screen, and its instance variable switches every panel.

import { defaultScrapeJob, importInputs, importPlaceholder, variables } from "../../config";
import { importFileText, plainDashboard } from "../../build/outputs";
import { type EngineName, type Engines, startEngines } from "../../harness/engines";
import {
  type DashboardLoad,
  type Frame,
  type LoadOptions,
  type PanelResult,
  finitePoints,
  loadDashboard,
  panelTitled,
  shownFrames,
  shownValue,
} from "../../harness/evaluate";
import { queryStepMs } from "../../harness/grafana";
import type { ImportFlow } from "../../harness/import";
import { selectorsIn } from "../../harness/selectors";
import { type InstanceHistory, type SyntheticHistory, generateHistory } from "../../harness/synthetic";
import { type DashboardJson, type E2eContext, rangeWindowMs } from "./context";
import { describeDeliveries } from "./deliveries";
import { describeDisplay } from "./display";
import { describeQueues, queuePanels, queuesWithJobs } from "./queues";
import { describeRestarts } from "./restarts";
import { describeUpTimeline } from "./timeline";
import { describeValues } from "./values";

const scraped = { job: defaultScrapeJob, instance: "akkoma.test:443" };
// The import form's one answer: the pretend Grafana's Prometheus data source (the engine).
const importedThrough = (through: ImportFlow) =>
  ({ through, answers: { [importInputs.datasource]: "prometheus" } }) as const;
// Sorts after the first, so Grafana's first discovered instance is the first one.
const secondInstance = "social.example:443";
const renderedDatasource = "akkoma-victoriametrics";
const engineNames: readonly EngineName[] = ["Prometheus", "VictoriaMetrics"];

/** One way an admin loads the dashboard, and the instance its panels must then show. */
interface Scenario {
  file: "import" | "provisioning" | "rendered";
  options: Omit<LoadOptions, "nowMs">;
  shows: "first" | "second";
}
const scenarios = {
  "imported on the Import page": {
    file: "import",
    options: { imported: importedThrough("import page") },
    shows: "first",
  },
  "imported through the import API": {
    file: "import",
    options: { imported: importedThrough("import API") },
    shows: "first",
  },
  provisioned: { file: "provisioning", options: {}, shows: "first" },
  "provisioned, second instance selected": {
    file: "provisioning",
    options: { select: { [variables.instance]: secondInstance } },
    shows: "second",
  },
  "rendered for the second instance": {
    file: "rendered",
    options: { datasourceUid: renderedDatasource },
    shows: "second",
  },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof scenarios;
const scenarioNames = Object.keys(scenarios) as ScenarioName[];

let history: SyntheticHistory;
let engines: Engines | undefined;
let importText = "";
const loads = new Map<string, DashboardLoad>();
// Grafana's "now" falls between two scrapes, half a minute after the last one.
const nowOf = (h: SyntheticHistory) => h.endMs + 30_000;

beforeAll(async () => {
  history = generateHistory({ seed: 4, job: scraped.job, instance: scraped.instance, secondInstance });
  // allSettled: engines that started must reach afterAll even when the dashboard does not build.
  const [files, started] = await Promise.allSettled([
    Promise.all([
      importFileText(),
      plainDashboard(),
      plainDashboard({ datasourceUid: renderedDatasource, instance: secondInstance, uid: "akkoma-social" }),
    ]),
    startEngines(history),
  ]);
  if (started.status === "rejected") throw started.reason;
  engines = started.value;
  if (files.status === "rejected") throw files.reason;
  const [importFile, provisioningFile, renderedFile] = files.value;
  importText = importFile;
  const json = { import: importFile, provisioning: provisioningFile, rendered: renderedFile };
  const nowMs = nowOf(history);
  for (const engine of engines.all) {
    for (const name of scenarioNames) {
      const { file, options } = scenarios[name] as Scenario;
      loads.set(`${name} on ${engine.name}`, await loadDashboard(json[file], engine, { ...options, nowMs }));
    }
  }
}, 180_000);

afterAll(async () => {
  await engines?.stop();
}, 30_000);

const loadOf = (scenario: ScenarioName, engine: EngineName): DashboardLoad => {
  const load = loads.get(`${scenario} on ${engine}`);
  if (!load) throw new Error(`the dashboard was not loaded ${scenario} on ${engine}; see the beforeAll failure`);
  return load;
};
const instanceShown = (scenario: ScenarioName): InstanceHistory =>
  history.instances[scenarios[scenario].shows === "first" ? 0 : 1] as InstanceHistory;

describe.each(engineNames.flatMap((engine) => scenarioNames.map((scenario) => [scenario, engine] as const)))(
  "%s, on %s",
  (scenario, engine) => {
    it("no query is refused", () => {
      const refused = loadOf(scenario, engine).panels.flatMap((panel) =>
        panel.targets
          .filter((t) => t.status !== "success")
          .map((t) => `${panel.title} / ${t.refId}: HTTP ${t.httpStatus ?? "-"} ${t.error} -- ${t.query}`),
      );
      expect(refused).toEqual([]);
    });

    it("every panel shows at least one finite value", () => {
      const blank = loadOf(scenario, engine)
        .panels.filter((panel) => !shownFrames(panel).some((frame) => finitePoints(frame).length > 0))
        .map((panel) => panel.title || `(untitled ${panel.type} panel ${panel.id})`);
      expect(blank).toEqual([]);
    });

    it("every query reads the instance the Instance variable holds, and only that one", () => {
      const { instance } = instanceShown(scenario);
      const load = loadOf(scenario, engine);
      expect(load.variables.get(variables.instance)?.value).toBe(instance);
      expect(load.variables.get(variables.instance)?.options).toEqual([scraped.instance, secondInstance]);
      const elsewhere = load.panels.flatMap((panel) =>
        panel.targets.flatMap((t) =>
          selectorsIn(t.query)
            .filter(({ matchers }) => !matchers.split(",").includes(`instance="${instance}"`))
            .map(({ series, matchers }) => `${panel.title}: ${series}{${matchers}}`),
        ),
      );
      expect(elsewhere).toEqual([]);
    });
  },
);

// Selectors could name the instance and still read the other's data; the numbers tell.
describe.each(engineNames)("switching to the second instance, on %s", (engine) => {
  it("changes every panel's numbers", () => {
    const numbers = (load: DashboardLoad) =>
      new Map(
        load.panels.map((panel) => [
          panel.title,
          shownFrames(panel)
            .flatMap(finitePoints)
            .map(([, v]) => v),
        ]),
      );
    const first = numbers(loadOf("provisioned", engine));
    const unchanged = [...numbers(loadOf("provisioned, second instance selected", engine))]
      .filter(([title, values]) => JSON.stringify(values) === JSON.stringify(first.get(title)))
      .map(([title]) => title);
    expect(unchanged).toEqual([]);
  });
});

// The first instance as imported, and the second as selected in the provisioned dashboard.
const valueChecks = engineNames.flatMap((engine) =>
  (["imported on the Import page", "provisioned, second instance selected"] as const).map(
    (scenario) => [scenario, engine] as const,
  ),
);

describe.each(valueChecks)("%s, on %s: known values", (scenario, engine) => {
  const truth = () => instanceShown(scenario).expected;

  // The outage is 1% of the history; 0.1 percentage point tells "counted once" from "missed" or
  // "counted twice", and still lets a panel average step-sampled points instead of raw samples.
  it("Uptime shows the share of successful scrapes, outage included", () => {
    const panel = panelTitled(loadOf(scenario, engine), "Uptime (7 days)");
    const [frame] = onlyFrames(panel, 1);
    const expected = truth().uptimeFraction(panel.range.fromMs, panel.range.toMs);
    expect(expected).toBeLessThan(0.995);
    const shown = shownValue(panel, frame as Frame);
    expect(shown).toBeGreaterThanOrEqual(expected - 0.001);
    expect(shown).toBeLessThanOrEqual(expected + 0.001);
  });

  // Each point averages the polls of one rate window; an engine may leave out the window's first
  // poll (Prometheus' range starts at the first sample inside it). One poll of four moves the mean by
  // well under 2% (1% noise, slow drift), while a wrong formula is off by orders of magnitude.
  it.each(["BEAM VM Memory", "BEAM System Load"])("%s shows the average of Akkoma's memory polls", (title) => {
    const panel = panelTitled(loadOf(scenario, engine), title);
    const [memory, ...others] = panel.targets.filter(
      (t) => !t.hidden && t.reads.some((n) => n.startsWith("vm_memory_total")),
    );
    if (!memory || others.length > 0) throw new Error(`panel "${title}" should draw memory from exactly one query`);
    const windowMs = rangeWindowMs(memory.query, memory.inputs);
    const checked = memory.frames.flatMap(finitePoints).flatMap(([atMs, value]) => {
      const expected = truth().averageMemoryBytes(atMs - windowMs, atMs);
      return Number.isFinite(expected) ? [{ atMs, ratio: value / expected }] : [];
    });
    expect(checked.length).toBeGreaterThan(0);
    const wrong = checked.filter(({ ratio }) => !(ratio >= 0.98 && ratio <= 1.02));
    expect(
      wrong.map(({ atMs, ratio }) => `${new Date(atMs).toISOString()}: ${ratio.toFixed(3)} of the expected`),
    ).toEqual([]);
  });

  // Gauges pass through unchanged: every point at a scrape while Akkoma was up is exactly its value.
  it.each(queuePanels)("%s shows each queue's gauge, queues empty all along left out", (title, gauge) => {
    const panel = panelTitled(loadOf(scenario, engine), title);
    const frames = shownFrames(panel);
    expect(frames.map((f) => f.labels.queue_name).sort()).toEqual(
      queuesWithJobs(truth(), gauge, panel, history.queues),
    );
    for (const frame of frames) {
      const queue = frame.labels.queue_name as string;
      const wrong = finitePoints(frame)
        .map(([atMs, value]) => ({ atMs, value, expected: truth()[gauge](queue, atMs) }))
        .filter((p) => p.expected !== undefined && p.value !== p.expected);
      expect({ queue, wrong }).toEqual({ queue, wrong: [] });
    }
  });
});

const context: E2eContext = {
  history: () => history,
  dashboard: () => importText,
  load: (engine) => loadOf("imported on the Import page", engine),
  shown: (engine) =>
    valueChecks
      .filter(([, on]) => on === engine)
      .map(([scenario]) => ({ instance: instanceShown(scenario), load: loadOf(scenario, engine) })),
  /** The import file, changed by `edit`, loaded on one engine: panels the edit keeps only. */
  async loadVariant(engine, edit) {
    const on = engines?.all.find((e) => e.name === engine);
    if (!on) throw new Error(`${engine} did not start; see the beforeAll failure`);
    const json = JSON.parse(importText) as DashboardJson;
    edit(json);
    return loadDashboard(JSON.stringify(json), on, { imported: importedThrough("import page"), nowMs: nowOf(history) });
  },
};
describeDeliveries(engineNames, context);
describeDisplay(engineNames, context);
describeValues(engineNames, context);
describeUpTimeline(engineNames, context);
describeQueues(engineNames, context);
describeRestarts(engineNames, context);

describe("the synthetic history", () => {
  const at = (i: number) => history.startMs + i * 60_000;
  const ofFirst = () => history.series.filter((s) => s.labels.instance === history.instance);
  const seriesNamed = (name: string) => ofFirst().filter((s) => s.name === name);

  it("has one 30-minute outage: up=0 and no Akkoma series while it lasts", () => {
    const [up, ...more] = seriesNamed("up");
    expect(more).toEqual([]);
    const down = [...(up?.values ?? [])].flatMap((v, i) => (v === 0 ? [at(i)] : []));
    expect(down).toHaveLength(30);
    expect([down[0], (down[29] as number) + 60_000]).toEqual([history.outage.startMs, history.outage.endMs]);
    const reporting = ofFirst().filter(
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
    const memory = (part: string) => `rate(vm_memory_total_${part}{job="${scraped.job}"}[$__rate_interval])`;
    const dashboard = {
      __inputs: [{ name: importInputs.datasource, type: "datasource", pluginId: "prometheus" }],
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
    const [panel] = (
      await loadDashboard(JSON.stringify(dashboard), engine, {
        imported: importedThrough("import page"),
        nowMs: history.endMs,
      })
    ).panels;
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
