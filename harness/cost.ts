// What one full load of the dashboard costs on real Prometheus and VictoriaMetrics, next to the yardstick
// (the reference's queries, harness/yardstick.ts): the count the cost test holds and the bench prints.
// Samples read are deterministic for a fixed history, range and "now": Prometheus' stats=all
// `totalQueryableSamples` (a window's samples at every step) and VictoriaMetrics' `vm_rows_read_per_query`
// (each stored row once a query, whatever the windows), each compared within its engine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { yamlText } from "../io/yaml";
import { importInputs } from "../config";
import { importFileText } from "../build/outputs";
import { recordingRulesFile, sloRulesFile } from "../build/rules";
import { akkomaDashboard, sections } from "../dashboards/akkoma";
import { jobScope } from "../queries/selectors";
import type { DashboardJson } from "./dashboard-json";
import type { Engine, EngineName, Engines } from "./engines";
import { type DashboardLoad, type LoadOptions, loadDashboard } from "./evaluate";
import { selectorsIn } from "./selectors";
import { isDashboardResource } from "./v2-dashboard";
import { panelsIn } from "../dashboards/rows";
import { type SyntheticHistory, generateHistory } from "./synthetic";
import { yardstickDashboard } from "./yardstick";

interface RuleFile {
  groups: { name: string; interval?: string; rules: { record?: string; alert?: string; expr?: string }[] }[];
}

/** The scrape job and instance of the cost histories; the import page's answer for the data source. */
export const costTarget = { job: "akkoma", instance: "akkoma.test:443" } as const;
const imported: LoadOptions["imported"] = {
  through: "import page",
  answers: { [importInputs.datasource]: "prometheus" },
};

/** The goals: the default dashboard at most the yardstick's cost, the recorded one at most 0.3x at 30 days. */
export const costGoals = { default: 1, recorded: 0.3 } as const;

export type CostRange = "3h" | "30d";

/**
 * What the cost test holds each load to, per engine and range: the goal where the dashboard meets it,
 * else the line it holds today (measured, plus 2 % for the histories' minute alignment) until it does.
 * A limit above its goal is a debt docs/benchmarks.md shows; lower it whenever a change allows.
 */
export const costLimits: Record<
  "default" | "recorded" | "objective row",
  Partial<Record<CostRange, Record<EngineName, number>>>
> = {
  default: {
    "3h": { Prometheus: costGoals.default, VictoriaMetrics: 1.27 },
    "30d": { Prometheus: costGoals.default, VictoriaMetrics: 1.1 },
  },
  recorded: { "30d": { Prometheus: costGoals.recorded, VictoriaMetrics: 0.77 } },
  // The objective's row, collapsed in the default dashboard, as it costs when someone opens it.
  "objective row": {
    "3h": { Prometheus: 0.17, VictoriaMetrics: 0.45 },
    "30d": { Prometheus: 0.1, VictoriaMetrics: 0.65 },
  },
};

export type DashboardName = "default" | "recorded" | "yardstick";

/** The three dashboards as Grafana gets them: the import file, the import file over recorded series, the yardstick. */
export interface ComparedDashboards {
  readonly default: string;
  readonly recorded: string;
  readonly yardstick: string;
}

const recordedScope = jobScope(costTarget.job);

export async function comparedDashboards(): Promise<ComparedDashboards> {
  return {
    default: await importFileText(),
    recorded: await importFileText(akkomaDashboard(sections({ recordedSeriesOf: recordedScope }))),
    yardstick: JSON.stringify(yardstickDashboard(costTarget.job, costTarget.instance)),
  };
}

/** The 50-hour history the end-to-end tests use: the default range (3 h) over two days of data. */
export const twoDayHistory = (): SyntheticHistory => generateHistory({ seed: 4, ...costTarget });

export const monthHours = 30 * 24;

/**
 * The same generator over 30 days, one instance, keeping only the series the dashboards read (most
 * histogram buckets go): five million samples instead of eighteen. The outage and restart fall 20 hours
 * before the end.
 */
export function monthHistory(dashboards: ComparedDashboards): SyntheticHistory {
  const read = seriesRead(JSON.parse(dashboards.default), JSON.parse(dashboards.yardstick));
  const full = generateHistory({ seed: 4, hours: monthHours, ...costTarget });
  return { ...full, series: full.series.filter((s) => read.has(s.name)) };
}

/** Every series a dashboard's panels and annotations name. */
function seriesRead(...dashboards: readonly DashboardJson[]): Set<string> {
  const exprs = (panels: DashboardJson["panels"]): string[] =>
    panelsIn(panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
  return new Set(
    dashboards.flatMap((d) =>
      [...exprs(d.panels), ...(d.annotations?.list ?? []).map((a) => a.target?.expr ?? a.expr ?? "")].flatMap((expr) =>
        selectorsIn(expr).map((found) => found.series),
      ),
    ),
  );
}

/** The dashboard (v1, or a v2 resource) with its time picker set to `from` (panels with their own range keep it). */
export function withRange(dashboardJson: string, from: string): string {
  const dashboard = JSON.parse(dashboardJson);
  if (isDashboardResource(dashboard)) dashboard.spec.timeSettings = { ...dashboard.spec.timeSettings, from, to: "now" };
  else dashboard.time = { from, to: "now" };
  return JSON.stringify(dashboard);
}

/**
 * Evaluates the recording rules a dashboard reads (the recorded dashboard's, the objective's) over the
 * history, as a ruler running all along would have; the rules nothing in it reads are left out, as
 * they change no count and cost minutes over a month.
 */
export async function recordOver(engines: Engines, history: SyntheticHistory, readBy: string): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "akkoma-cost-rules-"));
  try {
    const hourMs = 3_600_000;
    const range = { fromMs: Math.floor(history.startMs / hourMs) * hourMs, toMs: history.endMs + 30_000 };
    const all = [recordingRulesFile(), sloRulesFile()].flatMap((text) => (parse(text) as RuleFile).groups);
    // What the dashboard reads, and what those rules read in turn (a chain of short rules).
    const reads = (text: string, record: string) => text.includes(`${record}{`) || text.includes(`${record}[`);
    const rules = all.flatMap((group) => group.rules).filter((rule) => rule.record);
    const needed = new Set<string>();
    for (let texts = [readBy]; texts.length > 0;) {
      const more = rules.filter((rule) => !needed.has(rule.record!) && texts.some((t) => reads(t, rule.record!)));
      for (const rule of more) needed.add(rule.record!);
      texts = more.map((rule) => rule.expr ?? "");
    }
    // Each rule after the ones it reads: a backfill evaluates a stage over data the stages before stored.
    const stageOf = new Map<string, number>();
    const stage = (record: string): number => {
      if (!stageOf.has(record)) {
        const expr = rules.find((rule) => rule.record === record)?.expr ?? "";
        const inputs = [...needed].filter((other) => other !== record && reads(expr, other));
        stageOf.set(record, Math.max(-1, ...inputs.map(stage)) + 1);
      }
      return stageOf.get(record)!;
    };
    const stages = Math.max(0, ...[...needed].map(stage)) + 1;
    for (let k = 0; k < stages; k++) {
      const groups = all
        .map((group) => ({
          ...group,
          rules: group.rules.filter((rule) => rule.record && needed.has(rule.record) && stage(rule.record) === k),
        }))
        .filter((group) => group.rules.length > 0);
      const file = path.join(folder, `recording-rules-${k}.yml`);
      fs.writeFileSync(file, yamlText({ groups }));
      await engines.record(file, range);
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * One load of a dashboard on an engine, half a minute after the history's last scrape: what opening it
 * queries (collapsed rows stay closed), or with `rows: "open"` every panel.
 */
export async function loadCost(
  engine: Engine,
  json: string,
  history: SyntheticHistory,
  options: Pick<LoadOptions, "costPerPanel" | "rows"> = {},
): Promise<DashboardLoad> {
  const asImported = JSON.parse(json).__inputs?.length ? imported : undefined;
  return loadDashboard(json, engine, {
    imported: asImported,
    nowMs: history.endMs + 30_000,
    rows: "as saved",
    ...options,
  });
}

export type Costed = keyof typeof costLimits;

/** The goals: the default dashboard at every range, the recorded one at 30 days. */
const goalOf = (costed: Costed, range: CostRange): number | undefined =>
  costed === "default" ? costGoals.default : costed === "recorded" && range === "30d" ? costGoals.recorded : undefined;

/** One load's samples against the yardstick's on the same engine: its ratio, goal and limit. */
export interface CostRow {
  readonly engine: EngineName;
  readonly costed: Costed;
  readonly range: CostRange;
  readonly samplesRead: number;
  readonly yardstick: number;
  readonly ratio: number;
  readonly goal: number | undefined;
  readonly limit: number | undefined;
}

/** The one verdict the cost test and the bench give: a load is held to its limit, and shown against its goal. */
export function costRow(
  costed: Costed,
  range: CostRange,
  engine: EngineName,
  samplesRead: number,
  yardstick: number,
): CostRow {
  const limit = costLimits[costed][range]?.[engine];
  return {
    engine,
    costed,
    range,
    samplesRead,
    yardstick,
    ratio: samplesRead / yardstick,
    goal: goalOf(costed, range),
    limit,
  };
}

export const withinLimit = (row: CostRow) => row.limit === undefined || row.ratio <= row.limit;

/** Each dashboard's load against the yardstick's load on the same engine. */
export function costRows(
  range: CostRange,
  loads: Readonly<Record<DashboardName, readonly DashboardLoad[]>>,
): CostRow[] {
  return (["default", "recorded"] as const).flatMap((dashboard) =>
    loads[dashboard].map((load) => {
      const yardstick = loads.yardstick.find((y) => y.engine === load.engine)?.samplesRead;
      if (load.samplesRead === undefined || yardstick === undefined)
        throw new Error(`${load.engine} gave no count of the samples read`);
      return costRow(dashboard, range, load.engine, load.samplesRead, yardstick);
    }),
  );
}

export const number = (n: number | undefined) => (n === undefined ? "-" : Math.round(n).toLocaleString("en-US"));

/** The rows as a Markdown table: ratios, goals and the limits the cost test holds each load to. */
export function costTable(rows: readonly CostRow[]): string {
  const lines = [
    "| Dashboard | Engine | Samples read | Yardstick | Ratio | Goal | Test's limit |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  const times = (n: number | undefined) => (n === undefined ? "-" : `${n}x`);
  for (const row of rows) {
    const goal = row.goal === undefined ? "-" : `${row.ratio <= row.goal ? "within" : "OVER"} ${times(row.goal)}`;
    const limit = row.limit === undefined ? "-" : `${withinLimit(row) ? "within" : "OVER"} ${times(row.limit)}`;
    lines.push(
      `| ${row.costed} | ${row.engine} | ${number(row.samplesRead)} | ${number(row.yardstick)} | ` +
        `${row.ratio.toFixed(2)}x | ${goal} | ${limit} |`,
    );
  }
  return lines.join("\n");
}

/** Samples read per panel (and annotation), largest first: where a dashboard's cost goes, by title. */
export function panelTable(load: DashboardLoad): string {
  const entries: [string, number | undefined][] = [
    ...load.panels.map((p): [string, number | undefined] => [p.title || `(untitled ${p.type})`, p.samplesRead]),
    ...load.annotations.map((a): [string, number | undefined] => [`annotation "${a.name}"`, a.query.samplesRead]),
  ];
  entries.sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1));
  return [
    `| Panel (${load.engine}) | Samples read |`,
    "| --- | ---: |",
    ...entries.map(([title, n]) => `| ${title.replaceAll("|", "\\|")} | ${number(n)} |`),
  ].join("\n");
}
