// Real Prometheus and VictoriaMetrics, each on a free 127.0.0.1 port with a private data dir, loaded
// with a synthetic history. No mocks: the point is to learn what the real query engines accept.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type RecordedSeries, recordedOpenMetrics, toOpenMetrics, toVictoriaMetricsJsonLines } from "./formats";
import { durationMs } from "./grafana";
import { type ProcessGroup, freePort, processGroup, run, terminate, waitUntilReady } from "./processes";
import type { SyntheticHistory } from "./synthetic";
import { replayRules } from "./vmalert";
import { parse } from "yaml";
import { yamlText } from "../io/yaml";

export type EngineName = "Prometheus" | "VictoriaMetrics";

export interface Engine {
  readonly name: EngineName;
  /** Base URL, e.g. http://127.0.0.1:41234; the Prometheus HTTP API lives under /api/v1 on both. */
  readonly url: string;
  /**
   * Running totals since the engine started, where it keeps them (VictoriaMetrics 1.79 has no
   * per-query stats; Prometheus has them but no totals).
   */
  readonly queryTotals?: () => Promise<QueryTotals>;
}

export interface QueryTotals {
  /** Requests to /api/v1/query and /api/v1/query_range. */
  readonly queries: number;
  readonly samplesRead: number;
}

export interface Engines {
  readonly prometheus: Engine;
  readonly victoriaMetrics: Engine;
  readonly all: readonly Engine[];
  /**
   * Evaluates the recording rules of `ruleFile` over [fromMs, toMs] at each group's interval, as a ruler
   * running then would have, on whole intervals, and stores what they record: on Prometheus as promtool's
   * rule backfill does (its blocks loaded by a restart), on VictoriaMetrics by vmalert's replay. Neither
   * writes staleness markers.
   */
  record(ruleFile: string, range: { fromMs: number; toMs: number }): Promise<void>;
  /** Kills both engines, waits for them to exit and removes their data. Safe to call twice. */
  stop(): Promise<void>;
}

const binaries = ["prometheus", "promtool", "victoria-metrics"] as const;
const installHint = "install them with `apt-get install prometheus victoria-metrics`";
// promtool cuts blocks at 2h boundaries and re-reads its whole input for every block, so one file
// a block keeps the backfill linear instead of quadratic in the history's length.
const blockMs = 2 * 3_600_000;
const importBatchSeries = 64;

export async function startEngines(history: SyntheticHistory): Promise<Engines> {
  requireBinaries();
  const group = processGroup("akkoma-engines-");
  const { root, stop } = group;
  // allSettled: when one engine fails, the other must have finished launching before both are stopped.
  const [prometheus, victoriaMetrics] = await Promise.allSettled([
    startPrometheus(history, group),
    startVictoriaMetrics(history, group),
  ]);
  if (prometheus.status === "rejected" || victoriaMetrics.status === "rejected") {
    await stop();
    throw prometheus.status === "rejected" ? prometheus.reason : (victoriaMetrics as PromiseRejectedResult).reason;
  }
  const record = async (ruleFile: string, range: { fromMs: number; toMs: number }) => {
    await backfillRules(prometheus.value, ruleFile, range, root);
    // vmalert replays every group at its -datasource.queryStep: one run for each interval's groups.
    const { groups } = parse(fs.readFileSync(ruleFile, "utf8")) as { groups: { interval: string }[] };
    for (const interval of new Set(groups.map((group) => group.interval))) {
      const file = path.join(root, `recording-rules-${interval}.yml`);
      fs.writeFileSync(file, yamlText({ groups: groups.filter((group) => group.interval === interval) }));
      await replayRules([file], victoriaMetrics.value.url, { ...range, interval });
    }
    await expectOk(await fetch(`${victoriaMetrics.value.url}/internal/force_flush`), "VictoriaMetrics force_flush");
  };
  return {
    prometheus: prometheus.value.engine,
    victoriaMetrics: victoriaMetrics.value,
    all: [prometheus.value.engine, victoriaMetrics.value],
    record,
    stop,
  };
}

interface RestartablePrometheus {
  readonly engine: Engine;
  readonly dataDir: string;
  restart(): Promise<void>;
}

/**
 * Evaluates each recording rule through Prometheus' query API at its group's interval, on whole
 * intervals, as promtool's `tsdb create-blocks-from rules` does, and loads the results as one block per
 * two hours. promtool's own backfill writes a block per rule and two hours: 11,000 blocks for 30 days,
 * more than Prometheus can keep open.
 */
async function backfillRules(
  prometheus: RestartablePrometheus,
  ruleFile: string,
  range: { fromMs: number; toMs: number },
  root: string,
): Promise<void> {
  const { groups } = parse(fs.readFileSync(ruleFile, "utf8")) as {
    groups: { interval: string; rules: { record: string; expr: string }[] }[];
  };
  const recorded: RecordedSeries[] = [];
  for (const group of groups) {
    const stepMs = durationMs(group.interval);
    const fromMs = Math.ceil(range.fromMs / stepMs) * stepMs;
    for (const rule of group.rules) {
      const byLabels = new Map<string, { labels: Record<string, string>; points: [number, number][] }>();
      // Prometheus answers at most 11,000 points a series.
      for (let startMs = fromMs; startMs <= range.toMs; startMs += 10_000 * stepMs) {
        const endMs = Math.min(range.toMs, startMs + 9_999 * stepMs);
        const params = new URLSearchParams({
          query: rule.expr,
          start: String(startMs / 1000),
          end: String(endMs / 1000),
          step: String(stepMs / 1000),
        });
        const response = await fetch(`${prometheus.engine.url}/api/v1/query_range?${params}`);
        await expectOk(response, `recording rule ${rule.record}`);
        const body = (await response.json()) as {
          data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
        };
        for (const { metric, values } of body.data.result) {
          const { __name__: _name, ...labels } = metric;
          const key = JSON.stringify(labels);
          if (!byLabels.has(key)) byLabels.set(key, { labels, points: [] });
          const points = byLabels.get(key)?.points ?? [];
          for (const [t, v] of values) points.push([Math.round(t * 1000), Number(v)]);
        }
      }
      for (const series of byLabels.values()) recorded.push({ name: rule.record, ...series });
    }
  }
  const inputDir = fs.mkdtempSync(path.join(root, "recorded-"));
  for (let from = Math.floor(range.fromMs / blockMs) * blockMs; from <= range.toMs; from += blockMs) {
    const text = recordedOpenMetrics(recorded, from, from + blockMs);
    // Before the first evaluation that recorded anything: no block to make.
    if (!/^[^#]/m.test(text)) continue;
    const file = path.join(inputDir, `${from}.om`);
    fs.writeFileSync(file, text);
    await run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, prometheus.dataDir]);
    fs.rmSync(file);
  }
  await prometheus.restart();
}

function requireBinaries(): void {
  const missing = binaries.filter((binary) => !onPath(binary));
  if (missing.length > 0) {
    throw new Error(`${missing.join(", ")} not found on PATH: the end-to-end tests need real engines; ${installHint}`);
  }
}

export function onPath(binary: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface ScrapingEngine extends Engine {
  /** Kills the engine, waits for it to exit and removes its data. */
  stop(): Promise<void>;
}

/**
 * An empty engine that scrapes what `scrapeConfig` says (a prometheus.yml, or VictoriaMetrics'
 * -promscrape.config file), listening on 127.0.0.1:`port`.
 */
export async function startScrapingEngine(
  name: EngineName,
  scrapeConfig: string,
  port: number,
): Promise<ScrapingEngine> {
  requireBinaries();
  const { root, launch, stop } = processGroup("akkoma-scraper-");
  const url = `http://127.0.0.1:${port}`;
  const child =
    name === "Prometheus"
      ? launch("prometheus", [
          `--config.file=${scrapeConfig}`,
          `--storage.tsdb.path=${path.join(root, "prometheus")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ])
      : launch("victoria-metrics", [
          `-promscrape.config=${scrapeConfig}`,
          `-storageDataPath=${path.join(root, "victoria-metrics")}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          "-search.latencyOffset=0",
          "-loggerLevel=WARN",
        ]);
  try {
    await waitUntilReady(name, child, name === "Prometheus" ? `${url}/-/ready` : `${url}/health`, root);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, stop };
}

async function startPrometheus(
  history: SyntheticHistory,
  { root, launch }: ProcessGroup,
): Promise<RestartablePrometheus> {
  const dataDir = path.join(root, "prometheus");
  await createBlocks(history, path.join(root, "openmetrics"), dataDir);
  const config = path.join(root, "prometheus.yml");
  fs.writeFileSync(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    // Retention counts back from the newest block; 35 days keep every sample of the bench's 30-day history.
    "--storage.tsdb.retention.time=35d",
    // Keeps the backfilled 2h blocks as they are: no compaction running under the queries being measured.
    "--storage.tsdb.min-block-duration=2h",
    "--storage.tsdb.max-block-duration=2h",
    "--query.lookback-delta=5m",
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
  ];
  let child = launch("prometheus", args);
  await waitUntilReady("Prometheus", child, `${url}/-/ready`, root);
  const restart = async () => {
    await terminate(child);
    child = launch("prometheus", args);
    await waitUntilReady("Prometheus", child, `${url}/-/ready`, root);
  };
  return { engine: { name: "Prometheus", url }, dataDir, restart };
}

/** Writes one OpenMetrics file per 2h block and backfills them with promtool, two at a time. */
async function createBlocks(history: SyntheticHistory, inputDir: string, dataDir: string): Promise<void> {
  fs.mkdirSync(inputDir);
  fs.mkdirSync(dataDir);
  const files: string[] = [];
  for (let from = Math.floor(history.startMs / blockMs) * blockMs; from <= history.endMs; from += blockMs) {
    const file = path.join(inputDir, `${from}.om`);
    fs.writeFileSync(file, toOpenMetrics(history, from, from + blockMs));
    files.push(file);
  }
  const workers = Math.max(1, Math.min(os.availableParallelism(), 4));
  const queue = [...files];
  const backfill = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      await run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, dataDir]);
      fs.rmSync(file);
    }
  };
  await Promise.all(Array.from({ length: workers }, backfill));
}

/**
 * VictoriaMetrics alone, loaded with `history`'s series from its start, for vmalert to replay rules over
 * (histories of a day and more, which Prometheus need not hold for that); `stop` ends it.
 */
export async function startVictoriaMetricsAlone(
  history: Pick<SyntheticHistory, "startMs" | "series">,
): Promise<{ engine: Engine; stop: () => Promise<void> }> {
  const group = processGroup("akkoma-vm-");
  try {
    return { engine: await startVictoriaMetrics(history, group), stop: group.stop };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

async function startVictoriaMetrics(
  history: Pick<SyntheticHistory, "startMs" | "series">,
  { root, launch }: ProcessGroup,
): Promise<Engine> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = launch("victoria-metrics", [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${path.join(root, "victoria-metrics")}`,
    // Counts back from now: rows older are refused on import (the bench loads 30 days).
    "-retentionPeriod=35d",
    // By default VictoriaMetrics hides the last 30 s, which is exactly where "now" is.
    "-search.latencyOffset=0",
    // Every dashboard load should cost what a first load costs, for the bench's numbers.
    "-search.disableCache",
    "-loggerLevel=WARN",
  ]);
  await waitUntilReady("VictoriaMetrics", child, `${url}/health`, root);
  const lines = toVictoriaMetricsJsonLines(history);
  for (let i = 0; i < lines.length; i += importBatchSeries) {
    await expectOk(
      await fetch(`${url}/api/v1/import`, { method: "POST", body: lines.slice(i, i + importBatchSeries).join("\n") }),
      "VictoriaMetrics import",
    );
  }
  // Imported rows sit in memory buffers for up to a second; queries only see them once flushed.
  await expectOk(await fetch(`${url}/internal/force_flush`), "VictoriaMetrics force_flush");
  return { name: "VictoriaMetrics", url, queryTotals: () => victoriaMetricsTotals(url) };
}

/** VictoriaMetrics' own /metrics; they lag a second behind, so callers compare `queries` first. */
async function victoriaMetricsTotals(url: string): Promise<QueryTotals> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split("\n");
  // Histograms appear with their first observation: absent means 0.
  const value = (series: string) =>
    Number(lines.find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? 0);
  return {
    queries:
      value('vm_http_requests_total{path="/api/v1/query"}') +
      value('vm_http_requests_total{path="/api/v1/query_range"}'),
    samplesRead: value("vm_rows_read_per_query_sum"),
  };
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
}
