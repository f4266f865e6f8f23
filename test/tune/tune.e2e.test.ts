// `tune` end to end, as a user runs it: the CLI replays the rule files' alerts over a calm synthetic history
// with every incident appended (each on an instance of its own), on real Prometheus and VictoriaMetrics. It
// must list exactly the incidents (nothing in calm time), agree with vmalert's own replay of the same files
// within one evaluation interval, and its suggested values file, rendered and replayed, must meet its target.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prometheusRulesFile, recordingRulesFile, sloRulesFile } from "../../build/rules";
import { alerts as settings, federationSlo } from "../../config";
import { deploymentValues, renderValuesOf } from "../../deploy/values";
import { type Engine, type Engines, startEngines } from "../../harness/engines";
import { incidents } from "../../harness/incidents";
import { type SloIncident, sloIncidents } from "../../harness/slo-incidents";
import {
  type SyntheticHistory,
  type SyntheticSeries,
  generateHistory,
  scrapeIntervalMs,
} from "../../harness/synthetic";
import { replayedRules } from "../../tune/rules";
import { type FiredAlert, firedAlerts, replayRules } from "../../harness/vmalert";
import { federationWorkers, jobCompletions, seriesName } from "../../queries/catalogue";
import { labelKey } from "../../tune/engine";
import { parse, stringify } from "yaml";
import { requireCommand, runCli } from "../support/build";
import { inputSeries, testRules, writeRuleFiles } from "../support/promtool";

const minuteMs = 60_000;
const incidentMinutes = 120;
const afterEndMs = 30 * minuteMs;
const job = settings.job;

interface Period {
  from: string;
  to: string;
  ongoing: boolean;
  labels: Record<string, string>;
}
interface JsonReport {
  alerts: { alert: string; instance?: string; firings: number; flaps: number; periods: Period[] }[];
  suggestions?: { alert: string; threshold: number; suggested: number; firingsThen: number; allowed: number }[];
}

/** Incident instances deliver posts like any instance does, so a few failures there are no outage. */
function delivering(series: readonly SyntheticSeries[], minutes: number): SyntheticSeries[] {
  const completions = seriesName(jobCompletions.name, "count");
  const publisher = federationWorkers[2];
  const instances = [...new Set(series.map((s) => s.labels.instance as string))];
  const delivers = new Set(
    series.filter((s) => s.name === completions && s.labels.worker === publisher).map((s) => s.labels.instance),
  );
  return [
    ...series,
    ...instances
      .filter((instance) => !delivers.has(instance))
      .map((instance) => ({
        name: completions,
        kind: "counter" as const,
        labels: { job, instance, worker: publisher },
        values: Float64Array.from({ length: minutes }, (_, m) => 30 * (m + 1)),
      })),
  ];
}

let folder = "";
let engines: Engines | undefined;
let history: SyntheticHistory;
let incidentStartMs = 0;
let range = { fromMs: 0, toMs: 0 };
const akkomaIncidents = incidents(job, incidentMinutes);
const historyHours = 8;
// The objective's scenarios over the whole history, as promtool replays them (test/alerts/slo.test.ts): the
// page's outage comes after seven hours of calm; final failures come a day late, past this history's end,
// so the ticket fires in vmalert's replay of a day (vmalert-slo.e2e.test.ts), not here.
let budgetIncidents: SloIncident[] = [];
/** The objective's alerts each scenario raises within this history. */
const raisedHere = (incident: SloIncident) => (incident.firingAfterMinutes < history.scrapes ? incident.alerts : []);
const reports = new Map<string, JsonReport>();
let vmalertFired: FiredAlert[] = [];

const tuneArgs = (engine: Engine, ...more: string[]) => [
  "tune",
  "--engine",
  engine.url,
  "--range",
  `${(range.toMs - range.fromMs) / minuteMs}m`,
  "--end",
  new Date(range.toMs).toISOString(),
  "--json",
  ...more,
];

function runTune(engine: Engine, ...more: string[]): JsonReport {
  const result = runCli(tuneArgs(engine, ...more));
  if (result.status !== 0) throw new Error(`tune on ${engine.name} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

/**
 * vmalert's replay of rule files: the recording groups first, in a run of their own, so every recorded
 * series is stored before an alert reads it (within one run, vmalert's remote write flushes every 5 s,
 * after a short group's alerts have already read nothing).
 */
async function vmalertReplay(ruleTexts: readonly string[]): Promise<FiredAlert[]> {
  const vm = engines!.victoriaMetrics.url;
  // Each replay writes ALERTS back; the previous one's must not count.
  await fetch(`${vm}/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent("ALERTS")}`, { method: "POST" });
  const groups = ruleTexts.flatMap((text) => (parse(text) as { groups: { rules: { record?: string }[] }[] }).groups);
  const recording = groups.filter((group) => group.rules.every((rule) => rule.record !== undefined));
  const alerting = groups.filter((group) => !recording.includes(group));
  const run = async (name: string, selected: readonly object[]) => {
    const file = join(folder, `${name}-${runs++}.yml`);
    writeFileSync(file, stringify({ groups: selected }, { lineWidth: 0 }));
    await replayRules([file], vm, { fromMs: range.fromMs, toMs: range.toMs, interval: settings.interval });
    await fetch(`${vm}/internal/force_flush`);
  };
  await run("recordings", recording);
  await run("alerts", alerting);
  return firedAlerts(vm);
}
let runs = 0;

beforeAll(async () => {
  requireCommand("vmalert", "victoria-metrics");
  folder = mkdtempSync(join(tmpdir(), "akkoma-tune-"));
  const endMs = Date.now() - 60 * minuteMs;
  const calm = generateHistory({ seed: 7, hours: historyHours, endMs, job, outageStartsBeforeEndMs: 4 * 3_600_000 });
  budgetIncidents = sloIncidents(job, calm.scrapes, {
    page: federationSlo.attemptsFailing.name,
    ticket: federationSlo.budgetBurn.name,
  });
  const offset = calm.scrapes - incidentMinutes;
  incidentStartMs = calm.startMs + offset * scrapeIntervalMs;
  const appended = delivering(
    akkomaIncidents.flatMap((incident) => incident.series),
    incidentMinutes,
  ).map((series) => {
    const values = new Float64Array(calm.scrapes).fill(Number.NaN);
    values.set(series.values, offset);
    return { ...series, values };
  });
  history = { ...calm, series: [...calm.series, ...appended, ...budgetIncidents.flatMap((i) => i.series)] };
  engines = await startEngines(history);
  range = { fromMs: history.startMs, toMs: history.endMs + afterEndMs };
  for (const engine of engines.all) reports.set(engine.name, runTune(engine));
  vmalertFired = await vmalertReplay([recordingRulesFile(), prometheusRulesFile(), sloRulesFile()]);
}, 300_000);

afterAll(async () => {
  await engines?.stop();
  rmSync(folder, { recursive: true, force: true });
}, 30_000);

const expectedAlerts = () =>
  new Set([
    ...akkomaIncidents.map((incident) => `${incident.alert} ${incident.instance}`),
    ...budgetIncidents.flatMap((incident) => raisedHere(incident).map((alert) => `${alert} ${incident.instance}`)),
    // Most attempts raise (with their retries) where our network is down, and where a live server refuses
    // a third of the deliveries, each four times within a quarter of an hour: the milder outbound alert,
    // over attempts, is right to fire there; only the first also stops deliveries (the page).
    ...budgetIncidents
      .filter((incident) => ["network-outage", "live-server-outage"].includes(incident.name))
      .map((incident) => `AkkomaOutboundFederationFailing ${incident.instance}`),
    `AkkomaDown ${history.instance}`,
    "AkkomaTargetMissing undefined",
  ]);

const firedIn = (report: JsonReport) =>
  new Set(report.alerts.filter((a) => a.firings > 0).map((a) => `${a.alert} ${a.instance}`));

describe.each(["Prometheus", "VictoriaMetrics"])("on %s", (engineName) => {
  const report = () => reports.get(engineName) as JsonReport;

  it("lists exactly the incidents' alerts, and nothing in calm time", () => {
    expect([...firedIn(report())].sort()).toEqual([...expectedAlerts()].sort());
  });

  it("each incident's alert starts firing in time, once", () => {
    const incidentsByAlert = [
      ...akkomaIncidents.map((i) => ({ alert: i.alert, instance: i.instance, within: i.firingAfterMinutes })),
      // The objective's scenarios span the whole history: their minutes count from its start.
      ...budgetIncidents.flatMap((i) =>
        raisedHere(i).map((alert) => ({
          alert,
          instance: i.instance,
          within: i.firingAfterMinutes - (incidentStartMs - history.startMs) / minuteMs,
        })),
      ),
    ];
    for (const { alert, instance, within } of incidentsByAlert) {
      const found = report().alerts.find((a) => a.alert === alert && a.instance === instance);
      expect({ alert, instance, firings: found?.firings }).toEqual({ alert, instance, firings: 1 });
      const startMs = Date.parse(found!.periods[0]!.from);
      expect((startMs - incidentStartMs) / minuteMs).toBeLessThanOrEqual(within + 1);
    }
  });

  it("AkkomaDown fires through the outage only", () => {
    const down = report().alerts.find((a) => a.alert === "AkkomaDown" && a.instance === history.instance)!;
    expect(down.firings).toBe(1);
    const period = down.periods[0]!;
    expect(Date.parse(period.from)).toBeGreaterThanOrEqual(history.outage.startMs);
    expect(Date.parse(period.to)).toBeLessThanOrEqual(history.outage.endMs + minuteMs);
  });
});

it("prints the same report for a person: each firing alert per instance, with its periods", () => {
  const engine = engines!.prometheus;
  const result = runCli(tuneArgs(engine).filter((arg) => arg !== "--json"));
  expect(result).toMatchObject({ status: 0, stderr: "" });
  const lines = result.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^Replayed \S+ to \S+ \(8h30m\), every 1m:$/);
  expect(lines).toContain(
    // The 30-minute outage, less the 5 minutes of `for`.
    `AkkomaDown on ${history.instance}: fired 1 time(s) (in 8h30m, too short to say how often a week), 25m in all, longest 25m, 0 flap(s)`,
  );
  const down = lines.indexOf(lines.find((line) => line.startsWith("AkkomaDown on"))!);
  expect(lines[down + 1]).toMatch(/^  \S+Z to \S+Z \(25m\)$/);
  expect(lines).toContainEqual(expect.stringMatching(/^  \S+Z on, still firing at the end \(\d+m\)$/));
  const json = reports.get("Prometheus") as JsonReport;
  const firingLines = lines.filter((line) => / fired \d+ time/.test(line));
  expect(firingLines).toHaveLength(json.alerts.filter((a) => a.firings > 0).length);
});

// vmalert replays on VictoriaMetrics only; Prometheus' own rule engine is promtool's, below.
it("on VictoriaMetrics, agrees with vmalert's replay of the rule files within one evaluation interval", () => {
  const report = reports.get("VictoriaMetrics") as JsonReport;
  const intervalMs = minuteMs;
  // vmalert writes a firing sample at each evaluation; a period ends one interval after its last.
  // tune replays the alerts over raw series; one about missing recordings has nothing to replay.
  const replayed = new Set(replayedRules().map((rule) => rule.alert));
  const theirs = vmalertFired.flatMap((alert) => {
    const { alertname, alertgroup: _group, ...labels } = alert.labels;
    if (!replayed.has(alertname as string)) return [];
    const periods: { from: number; to: number }[] = [];
    for (const at of alert.firingAtMs) {
      const last = periods[periods.length - 1];
      if (last && at - last.to <= intervalMs) last.to = at + intervalMs;
      else periods.push({ from: at, to: at + intervalMs });
    }
    return periods.map((p) => ({ key: `${alertname} ${labelKey(labels)}`, ...p }));
  });
  const ours = report.alerts.flatMap((a) =>
    a.periods.map((p) => ({
      key: `${a.alert} ${labelKey(p.labels)}`,
      from: Date.parse(p.from),
      to: Date.parse(p.to),
    })),
  );
  expect(ours.map((p) => p.key).sort()).toEqual(theirs.map((p) => p.key).sort());
  for (const period of ours) {
    const match = theirs.find((t) => t.key === period.key && Math.abs(t.from - period.from) <= intervalMs);
    expect({ key: period.key, startAgrees: match !== undefined }).toEqual({ key: period.key, startAgrees: true });
    // vmalert stops at the range's end; an ongoing firing of ours ends one interval past it. Its alerts read
    // recordings chained in their group, where an input that ends may carry one evaluation further than
    // the raw expression tune replays: an end may differ by two intervals.
    expect(Math.abs(match!.to - Math.min(period.to, range.toMs + intervalMs))).toBeLessThanOrEqual(2 * intervalMs);
  }
});

it("suggests thresholds whose values file, rendered and replayed, fires no more than the target", async () => {
  const vm = engines!.victoriaMetrics;
  const valuesFile = join(folder, "tuned.yaml");
  // At most 0 a week: every alert with a bar that fired must be quiet with the suggested one.
  const suggested = runTune(vm, "--max-per-week", "0", "--write-values", valuesFile);
  const tuned = (suggested.suggestions ?? []).map((s) => s.alert).sort();
  expect(tuned).toEqual(
    expect.arrayContaining(["AkkomaDatabasePoolSaturated", "AkkomaDeliveriesFailing", "AkkomaDeliveriesUnauthorized"]),
  );
  for (const s of suggested.suggestions ?? []) expect(s.suggested).toBeGreaterThan(s.threshold);
  // The render reads the file as build --config does.
  const values = await deploymentValues({}, valuesFile);
  const { rules } = renderValuesOf(values!);
  const rendering = { ...rules, job: values!.job };
  const fired = await vmalertReplay([
    recordingRulesFile(rendering),
    prometheusRulesFile(rendering),
    sloRulesFile(rendering),
  ]);
  const stillFiring = fired.map((alert) => alert.labels.alertname).filter((name) => tuned.includes(name as string));
  expect(stillFiring).toEqual([]);
  // And tune itself, replaying with the file, agrees on both engines.
  for (const engine of engines!.all) {
    const replayed = runTune(engine, "--config", valuesFile);
    expect(replayed.alerts.filter((a) => tuned.includes(a.alert) && a.firings > 0)).toEqual([]);
  }
}, 300_000);

it("on Prometheus, agrees with promtool test rules, Prometheus' own rule engine, within one interval of every edge of every firing", () => {
  const report = reports.get("Prometheus") as JsonReport;
  const periods = report.alerts.flatMap((a) =>
    a.periods.map((p) => ({
      alert: a.alert,
      from: Date.parse(p.from),
      to: Date.parse(p.to),
      ongoing: p.ongoing,
      labels: p.labels,
    })),
  );
  const alertNames = [...new Set(report.alerts.map((a) => a.alert))];
  // Alerts over recorded series may read the recording of the evaluation before (groups run apart), so
  // promtool may be one interval late: checked one interval before and after each start and end, and every
  // half hour, wherever tune's own state one interval earlier was the same.
  const edgesOf = (alertname: string) => periods.filter((p) => p.alert === alertname).flatMap((p) => [p.from, p.to]);
  const around = periods.flatMap((p) => [p.from - minuteMs, p.from + minuteMs, p.to - minuteMs, p.to + minuteMs]);
  const halfHours = Array.from(
    { length: Math.floor((range.toMs - range.fromMs) / (30 * minuteMs)) },
    (_, k) => range.fromMs + (k + 1) * 30 * minuteMs,
  );
  const checks = alertNames.flatMap((alertname) =>
    [...new Set([...around, ...halfHours])]
      .filter((at) => at >= range.fromMs && at <= range.toMs)
      .filter((at) => !edgesOf(alertname).some((edge) => edge > at - minuteMs && edge <= at))
      .map((at) => ({
        eval_time: `${(at - history.startMs) / minuteMs}m`,
        alertname,
        exp_alerts: periods
          .filter((p) => p.alert === alertname && p.from <= at && at < p.to)
          .map((p) => ({ exp_labels: p.labels })),
      })),
  );
  expect(checks.filter((check) => check.exp_alerts.length > 0).length).toBeGreaterThan(periods.length);
  // The three files, as a ruler loads them (the objective's with them).
  const files = writeRuleFiles(folder);
  expect(files).toContain("slo-rules.yml");
  const result = testRules(folder, files, [
    { name: "tune's replay", input_series: inputSeries(history.series), alert_rule_test: checks },
  ]);
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
}, 240_000);
