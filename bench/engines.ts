// What one full load of the dashboard costs on real Prometheus and VictoriaMetrics, next to a yardstick:
// Akkoma's reference dashboard with its five trend panels rewritten into the cheapest valid PromQL.
//
// The engines, the synthetic history and the dashboard loader come from harness/, which the end-to-end
// tests use too.
//
//   npm run bench -- [--reference <reference dashboard json>]

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importInputs } from "../config";
import { importDefaults } from "../build/envelope";
import { importFileText } from "../build/outputs";
import { recordingRulesFile } from "../build/rules";
import { akkomaDashboard, sections } from "../dashboards/akkoma";
import { jobScope } from "../queries/selectors";
import { type TrendWindow, minutesIn } from "../queries/promql";
import { type Engines, startEngines } from "../harness/engines";
import { type DashboardLoad, type LoadOptions, loadDashboard } from "../harness/evaluate";
import { panelsIn } from "../dashboards/rows";
import type { DashboardJson } from "../harness/dashboard-json";
import { selectorsIn } from "../harness/selectors";
import { parsePromql } from "../check/promql";
import { type SyntheticHistory, generateHistory } from "../harness/synthetic";
import { monthHistory, seriesRead, withRange } from "./month";

const projectRoot = path.join(__dirname, "..", "..");
const defaultReference = path.join(projectRoot, "..", "shared", "reference", "akkoma-grafana_dashboard.json");
const answers = { datasource: "prometheus", scrapeJob: "akkoma", instance: "akkoma.test:443" };
const imported = { through: "import page", answers: { [importInputs.datasource]: answers.datasource } } as const;
// The reference asks for its job and instance too, which only the import API writes into its queries.
const referenceImported = {
  through: "import API",
  answers: { DATASOURCE: answers.datasource, SCRAPE_JOB: answers.scrapeJob, INSTANCE: answers.instance },
} as const;

export async function benchEngines(): Promise<void> {
  const referencePath = argument("--reference") ?? defaultReference;
  const dashboardJson = await importFileText();
  const recordedJson = await importFileText(
    akkomaDashboard(sections(), { ...importDefaults, recordedSeriesOf: jobScope(answers.scrapeJob) }),
  );
  const reference = fs.existsSync(referencePath)
    ? (JSON.parse(fs.readFileSync(referencePath, "utf8")) as DashboardJson)
    : undefined;
  const yardstickJson = reference && JSON.stringify(cheapTrends(reference, { trendStep: true }));
  const history = generateHistory({ seed: 4, job: answers.scrapeJob, instance: answers.instance });
  await withEngines(history, async (engines) => {
    printHistory(history);
    const dashboard = await loadOnAll(engines, dashboardJson, history);
    printLoads("Emitted dashboard (importFileText(): the bytes of out/grafana_dashboard.json)", dashboard);
    printAnnotationShare(dashboard);
    if (!reference || !yardstickJson) {
      console.log(`\nYardstick: skipped: no reference file (${referencePath}; pass --reference <file>)`);
      const recorded = await loadRecorded(engines, recordedJson, history);
      printLoads(recordedTitle, recorded);
      return;
    }
    const yardstick = await loadOnAll(engines, yardstickJson, history, referenceImported);
    printLoads(yardstickTitle, yardstick);
    const ownStep = await loadOnAll(
      engines,
      JSON.stringify(cheapTrends(reference, { trendStep: false })),
      history,
      referenceImported,
    );
    printLoads(
      "For comparison, not the yardstick: the same, trend panels at the reference's own step (a point a minute)",
      ownStep,
    );
    const recorded = await loadRecorded(engines, recordedJson, history);
    printLoads(recordedTitle, recorded);
    printVerdict("the default range (3 h)", dashboard, yardstick);
    printVerdict("the default range (3 h)", recorded, yardstick, recordedGoal);
    printPanelSamples(dashboard, yardstick);
  });
  if (!yardstickJson) return;

  const month = monthHistory(seriesRead(JSON.parse(dashboardJson), reference as DashboardJson), {
    job: answers.scrapeJob,
    instance: answers.instance,
  });
  await withEngines(month, async (engines) => {
    console.log("\n30-day range");
    printHistory(
      month,
      "(the same generator over 30 days, one instance, only the series either dashboard reads: most histogram " +
        "buckets left out, as neither reads them)",
    );
    const dashboard = await loadOnAll(engines, withRange(dashboardJson, "now-30d"), month);
    printLoads("Emitted dashboard, time picker at the last 30 days", dashboard);
    printAnnotationShare(dashboard);
    const yardstick = await loadOnAll(engines, withRange(yardstickJson, "now-30d"), month, referenceImported);
    printLoads(`${yardstickTitle}, last 30 days`, yardstick);
    const recorded = await loadRecorded(engines, withRange(recordedJson, "now-30d"), month);
    printLoads(`${recordedTitle}, last 30 days`, recorded);
    printVerdict("30 days", dashboard, yardstick);
    printVerdict("30 days", recorded, yardstick, recordedGoal);
  });
}

const recordedTitle =
  "Recorded dashboard (build --recorded: the panels that can read the recording rules' series read them), " +
  "the rules evaluated over the whole history first";
const recordedGoal = { name: "recorded dashboard", ratio: 0.3 };

/**
 * The recorded dashboard's load, once the recording rules were evaluated over the history as a ruler
 * running all along would have (promtool's backfill, vmalert's replay; not counted in the load).
 */
async function loadRecorded(engines: Engines, json: string, history: SyntheticHistory): Promise<DashboardLoad[]> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "akkoma-bench-rules-"));
  try {
    const rules = path.join(folder, "recording-rules.yml");
    fs.writeFileSync(rules, recordingRulesFile());
    const started = performance.now();
    const hourMs = 3_600_000;
    await engines.record(rules, {
      fromMs: Math.floor(history.startMs / hourMs) * hourMs,
      toMs: history.endMs + 30_000,
    });
    console.log(
      `\n(recording rules evaluated over the history on both engines in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return loadOnAll(engines, json, history);
}

const yardstickTitle =
  "Yardstick: the reference, trend queries repaired the cheapest valid way (sum(increase(x[w])) / minutes), " +
  "one point an hour, no time override";

async function withEngines(history: SyntheticHistory, use: (engines: Engines) => Promise<void>): Promise<void> {
  const engines = await startEngines(history);
  try {
    await use(engines);
  } finally {
    await engines.stop();
  }
}

function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const arg = args[at] as string;
  return arg.includes("=") ? arg.slice(name.length + 1) : args[at + 1];
}

async function loadOnAll(
  engines: Engines,
  json: string,
  history: SyntheticHistory,
  how: LoadOptions["imported"] = imported,
): Promise<DashboardLoad[]> {
  const loads: DashboardLoad[] = [];
  // Half a minute after the last scrape, as in the end-to-end tests.
  for (const engine of engines.all)
    loads.push(await loadDashboard(json, engine, { imported: how, nowMs: history.endMs + 30_000 }));
  return loads;
}

const trendInterval = "1h";
const windowOf = (expr: string): TrendWindow | undefined =>
  (/\[(24h|48h)\]/.exec(expr)?.[1] as TrendWindow) ?? undefined;

/**
 * The reference with each `avg_over_time(<anything over x>[24h]) * 60` replaced by
 * `sum(increase(x[24h])) / 1440`: valid on Prometheus, and one read of the window per step. With
 * `trendStep`, trend panels also get one point an hour, as the emitted dashboard's trends have.
 */
function cheapTrends(reference: DashboardJson, options: { trendStep: boolean }): DashboardJson {
  const copy = JSON.parse(JSON.stringify(reference)) as DashboardJson;
  let rewritten = 0;
  for (const panel of panelsIn(copy.panels)) {
    let trend = false;
    for (const target of panel.targets ?? []) {
      const cheap = cheapTrendQuery(target.expr ?? "");
      if (!cheap) continue;
      target.expr = cheap.expr;
      trend = true;
      rewritten++;
    }
    if (trend && options.trendStep) panel.interval = trendInterval;
  }
  if (rewritten !== 10) console.warn(`warning: rewrote ${rewritten} trend queries of the reference, expected 10`);
  return copy;
}

/** Rewrites each trend with the PromQL parser: node ranges, not parenthesis counting. */
function cheapTrendQuery(expr: string): { expr: string; window: TrendWindow } | undefined {
  const { text, tree, original } = parsePromql(expr);
  const edits: { from: number; to: number; text: string }[] = [];
  let window: TrendWindow | undefined;
  let unreadable = false;
  tree.iterate({
    enter: (node) => {
      // The reference keeps alternative queries in comments; they are not part of what runs.
      if (node.name === "LineComment") edits.push({ from: node.from, to: node.to, text: "" });
      if (node.name !== "FunctionCall") return undefined;
      const call = node.node;
      if (call.getChild("FunctionIdentifier")?.firstChild?.name !== "AvgOverTime") return undefined;
      const argument = call.getChild("FunctionCallBody")?.firstChild;
      const range = argument?.getChild("DurationExpr");
      const innerWindow = range ? windowOf(`[${text.slice(range.from, range.to)}]`) : undefined;
      const [found] = selectorsIn(text.slice(call.from, call.to));
      if (!innerWindow || !found) {
        unreadable = true;
        return false;
      }
      const parent = call.parent;
      const timesSixty =
        parent?.name === "BinaryExpr" &&
        parent.getChild("Mul") !== null &&
        text.slice(parent.lastChild?.from ?? 0, parent.lastChild?.to ?? 0) === "60";
      const replaced = timesSixty && parent ? parent : call;
      const cheap = `sum(increase(${found.series}{${found.matchers}}[${innerWindow}])) / ${minutesIn(innerWindow)}`;
      edits.push({ from: replaced.from, to: replaced.to, text: cheap });
      window = innerWindow;
      return false;
    },
  });
  if (unreadable || !window) return undefined;
  const inside = (edit: (typeof edits)[number]) =>
    edits.some((other) => other !== edit && other.from <= edit.from && edit.to <= other.to);
  let query = expr;
  for (const edit of edits.filter((e) => !inside(e)).sort((a, b) => b.from - a.from))
    query = query.slice(0, original(edit.from)) + edit.text + query.slice(original(edit.to));
  return { expr: query.trim(), window };
}

const number = (n: number | undefined) => (n === undefined ? "-" : Math.round(n).toLocaleString("en-US"));

function printHistory(history: SyntheticHistory, note?: string): void {
  const samples = history.series.reduce((sum, s) => sum + s.values.filter((v) => !Number.isNaN(v)).length, 0);
  const hours = (history.endMs - history.startMs) / 3_600_000;
  console.log(
    `Synthetic history: ${history.series.length} series, ${hours} h at one scrape a minute, ${number(samples)} samples, ` +
      `one 30-minute outage starting ${new Date(history.outage.startMs).toISOString()}`,
  );
  if (note) console.log(note);
  console.log("Samples read: Prometheus' stats=all totalQueryableSamples (each step counts the samples it reads);");
  console.log("VictoriaMetrics' vm_rows_read_per_query (each stored row once per query): compare within an engine.");
}

function printLoads(title: string, loads: readonly DashboardLoad[]): void {
  console.log(`\n${title}`);
  console.log(
    `  ${"engine".padEnd(16)}${"queries".padStart(8)}${"refused".padStart(9)}${"samples read".padStart(15)}${"wall ms".padStart(9)}`,
  );
  for (const load of loads) {
    const refused = load.panels.flatMap((p) => p.targets).filter((t) => t.status !== "success").length;
    console.log(
      `  ${load.engine.padEnd(16)}${String(load.queriesSent).padStart(8)}${String(refused).padStart(9)}` +
        `${number(load.samplesRead).padStart(15)}${load.wallMs.toFixed(0).padStart(9)}`,
    );
  }
}

function printVerdict(
  range: string,
  dashboard: readonly DashboardLoad[],
  yardstick: readonly DashboardLoad[],
  goal = { name: "emitted dashboard", ratio: 1 },
): void {
  console.log(`\nSamples read at ${range}: ${goal.name} / yardstick (at most ${goal.ratio.toFixed(2)}x is the goal)`);
  for (const load of dashboard) {
    const n = yardstick.find((y) => y.engine === load.engine)?.samplesRead;
    if (load.samplesRead === undefined || n === undefined) {
      console.log(`  ${load.engine.padEnd(16)}unknown`);
      continue;
    }
    const ratio = `${(load.samplesRead / n).toFixed(2)}x`;
    const verdict = load.samplesRead <= goal.ratio * n ? "within" : "OVER";
    console.log(`  ${load.engine.padEnd(16)}${number(load.samplesRead)} vs ${number(n)}: ${ratio} (${verdict})`);
  }
}

/** What the restart marks cost, inside the totals above (Prometheus counts them per query). */
function printAnnotationShare(loads: readonly DashboardLoad[]): void {
  for (const load of loads) {
    for (const annotation of load.annotations) {
      const samples = annotation.query.samplesRead;
      if (samples === undefined) continue;
      console.log(
        `  of which the annotation "${annotation.name}" (step ${annotation.stepMs / 1000} s): ${number(samples)} ` +
          `samples on ${load.engine}`,
      );
    }
  }
}

/** Where the samples go, per panel title, on the engine that reports them per query. */
function printPanelSamples(dashboard: readonly DashboardLoad[], yardstick: readonly DashboardLoad[]): void {
  const prometheus = (loads: readonly DashboardLoad[]) => loads.find((l) => l.engine === "Prometheus");
  const perPanel = (load: DashboardLoad | undefined) =>
    new Map(
      (load?.panels ?? []).map((p) => [
        p.title || `(untitled ${p.type} ${p.id})`,
        p.targets.reduce((sum, t) => sum + (t.samplesRead ?? 0), 0),
      ]),
    );
  const ours = perPanel(prometheus(dashboard));
  const theirs = perPanel(prometheus(yardstick));
  console.log(
    "\nSamples read per panel on Prometheus (emitted dashboard | yardstick; titles the two do not share stand alone)",
  );
  for (const title of new Set([...ours.keys(), ...theirs.keys()])) {
    console.log(
      `  ${title.padEnd(40)}${number(ours.get(title)).padStart(12)} |${number(theirs.get(title)).padStart(12)}`,
    );
  }
}
