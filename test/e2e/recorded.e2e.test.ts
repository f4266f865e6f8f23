// The dashboard over recorded series shows what the default dashboard computes, on real Prometheus and
// real VictoriaMetrics, once the recording rules have been evaluated over the synthetic history as a
// ruler running then would have (through Prometheus' query API as promtool's rule backfill does,
// vmalert's replay), at the default range. A counter's recorded sum is read as its rate over the same
// window as the raw counters'; a value the rules record outright (the trends, the objective's shares) is
// the rule's last evaluation: here on whole intervals, which the panels' steps are too; a live Prometheus
// runs each group at an offset of its own within the interval, so there such a point shows the default
// query's value up to one interval earlier. Each point is checked against the default panel's query, as
// Grafana sent it, evaluated at the time the rule last ran before it.
import { plainDashboard } from "../../build/outputs";
import { recordingRulesFile, sloRulesFile } from "../../build/rules";
import { recordOver } from "../../harness/cost";
import { defaultScrapeJob } from "../../config";
import { type Engine, type EngineName, type Engines, startEngines } from "../../harness/engines";
import { durationMs } from "../../harness/grafana";
import { type DashboardLoad, type Frame, loadDashboard } from "../../harness/evaluate";
import { generateHistory } from "../../harness/synthetic";
import { jobScope } from "../../queries/selectors";
import { parse } from "yaml";

const scraped = { job: defaultScrapeJob, instance: "akkoma.test:443" };

let engines: Engines | undefined;
let nowMs = 0;
/** Each recorded series' evaluation interval, from the rule file's groups. */
let intervalOf = new Map<string, number>();
const loads = new Map<string, { raw: DashboardLoad; recorded: DashboardLoad }>();

beforeAll(async () => {
  const history = generateHistory({ seed: 4, ...scraped });
  nowMs = history.endMs + 30_000;
  engines = await startEngines(history);
  const [raw, recorded] = await Promise.all([
    plainDashboard(),
    plainDashboard({ recordedSeriesOf: jobScope(scraped.job) }),
  ]);
  const groups = [recordingRulesFile(), sloRulesFile()].flatMap(
    (text) => (parse(text) as { groups: { interval: string; rules: { record?: string }[] }[] }).groups,
  );
  intervalOf = new Map(
    groups.flatMap((g) =>
      g.rules.flatMap((rule) => (rule.record ? [[rule.record, durationMs(g.interval)] as const] : [])),
    ),
  );
  // From a whole hour (the hourly evaluations land where the trend panels' points do), the rules the
  // recorded dashboard reads: the recording file's and the objective's.
  await recordOver(engines, history, recorded);
  for (const engine of engines.all) {
    loads.set(engine.name, {
      raw: await loadDashboard(raw, engine, { nowMs }),
      recorded: await loadDashboard(recorded, engine, { nowMs }),
    });
  }
}, 600_000);

afterAll(async () => {
  await engines?.stop();
}, 30_000);

/** A frame's identity: its labels, the metric name aside (a recorded series keeps its own). */
const seriesKey = (frame: Frame) =>
  JSON.stringify(
    Object.entries(frame.labels)
      .filter(([label]) => label !== "__name__")
      .sort(([a], [b]) => a.localeCompare(b)),
  );

const same = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Each target's series and points, where the recorded dashboard sends another query than the default.
 * Instant ones are left out: the objective's 30-day budget sums hourly counts, and the raw query it
 * replaces counts a failure series born within the period from its current value alone, so a restart in
 * the period loses the failures before it there (the recorded sum keeps them).
 */
function recordedTargets(engine: EngineName) {
  const both = loads.get(engine);
  if (!both) throw new Error(`the dashboards were not loaded on ${engine}; see the beforeAll failure`);
  return both.recorded.panels.flatMap((panel) => {
    const rawPanel = both.raw.panels.find((p) => p.title === panel.title);
    return panel.targets.flatMap((target) => {
      const rawTarget = rawPanel?.targets.find((t) => t.refId === target.refId);
      return rawTarget && rawTarget.query !== target.query && rawTarget.kind !== "instant"
        ? [{ name: `${panel.title} ${target.refId}`, raw: rawTarget, recorded: target }]
        : [];
    });
  });
}

/** The times a recorded series was evaluated at: its samples' times, from the engine itself. */
async function evaluationTimes(engine: Engine, name: string): Promise<number[]> {
  const url = `${engine.url}/api/v1/query?query=${encodeURIComponent(`${name}[2d]`)}&time=${nowMs / 1000}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { values: [number, string][] }[] } };
  return [...new Set(body.data.result.flatMap((series) => series.values.map(([t]) => Math.round(t * 1000))))];
}

/** The default target's query, as sent, at each of `times`: its series, by key, and their values. */
async function rawAt(
  engine: Engine,
  query: string,
  times: readonly number[],
): Promise<Map<string, Map<number, number>>> {
  const values = new Map<string, Map<number, number>>();
  for (const atMs of times) {
    const url = `${engine.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${atMs / 1000}`;
    const body = (await (await fetch(url)).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    for (const { metric, value } of body.data.result) {
      const key = seriesKey({ labels: metric, points: [] });
      if (!values.has(key)) values.set(key, new Map());
      values.get(key)?.set(atMs, Number(value[1]));
    }
  }
  return values;
}

describe.each(["Prometheus", "VictoriaMetrics"] as const)("on %s", (engine) => {
  it("each point of a panel over recorded series is the default query's value when the rule last ran", async () => {
    const targets = recordedTargets(engine);
    expect(targets.length).toBeGreaterThanOrEqual(25);
    const server = (engines as Engines).all.find((e) => e.name === engine) as Engine;
    const differences: string[] = [];
    let points = 0;
    for (const { name, raw, recorded } of targets) {
      expect(recorded.status).toBe("success");
      const [series] = [...recorded.query.matchAll(/(\w+:\w+:\w+)\{/g)].map((match) => match[1] as string);
      const interval = intervalOf.get(series as string) as number;
      const evaluated = (await evaluationTimes(server, series as string)).sort((a, b) => a - b);
      // The last evaluation at or before a point, within the engines' five-minute lookback (or the hour
      // the trends look back over).
      const lastRun = (atMs: number) =>
        evaluated.filter((t) => t <= atMs && atMs - t < Math.max(interval, 300_000)).at(-1);
      const times = [...new Set(recorded.frames.flatMap((frame) => frame.points.map(([t]) => lastRun(t))))].filter(
        (t): t is number => t !== undefined,
      );
      const expected = await rawAt(server, raw.query, times);
      for (const frame of recorded.frames) {
        const key = seriesKey(frame);
        for (const [atMs, value] of frame.points) {
          points++;
          const run = lastRun(atMs);
          const want = run === undefined ? undefined : expected.get(key)?.get(run);
          if (want === undefined || !same(value, want))
            differences.push(`${name} ${key} at ${new Date(atMs).toISOString()}: ${value}, default query ${want}`);
        }
      }
      // And no series or point of the default panel goes missing.
      const shownKeys = new Set(recorded.frames.map(seriesKey));
      for (const frame of raw.frames)
        if (!shownKeys.has(seriesKey(frame))) differences.push(`${name} lacks ${seriesKey(frame)}`);
      const rawPoints = raw.frames.reduce((sum, frame) => sum + frame.points.length, 0);
      const recordedPoints = recorded.frames.reduce((sum, frame) => sum + frame.points.length, 0);
      if (recordedPoints < rawPoints) differences.push(`${name}: ${recordedPoints} points, the default ${rawPoints}`);
    }
    expect(points).toBeGreaterThan(1000);
    expect(differences).toEqual([]);
  }, 120_000);
});
