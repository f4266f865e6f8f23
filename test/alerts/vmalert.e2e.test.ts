// The same rule files on VictoriaMetrics: vmalert replays the recording rules, then the alerts over what
// they recorded, over a calm synthetic history with the incidents appended (each on an instance of its
// own); every incident raises its alert, nothing else fires.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prometheusRulesFile, recordingRulesFile, ruleGroups, sloRulesFile } from "../../build/rules";
import { alerts as settings } from "../../config";
import { type Engines, startEngines } from "../../harness/engines";
import { type Incident, incidents } from "../../harness/incidents";
import { type SyntheticHistory, generateHistory, scrapeIntervalMs } from "../../harness/synthetic";
import { type FiredAlert, firedAlerts, replayRules } from "../../harness/vmalert";
import { type DeploymentValues, deploymentValues, renderValuesOf } from "../../deploy/values";
import schema from "../../deploy/values.schema.json";
import { yamlText } from "../../io/yaml";
import { projectRoot, requireCommand } from "../support/build";
import { relabelled } from "../support/promtool";
import type { RuleRendering } from "../../build/rules";

const minuteMs = 60_000;
const incidentMinutes = 90;
/** Replay this long past the last scrape: every target is gone then, which is AkkomaTargetMissing's incident. */
const afterEndMs = 30 * minuteMs;

const renderings: { name: string; rules: RuleRendering; jobLabel: string; targetLabels: Record<string, string> }[] = [
  { name: "default values", rules: {}, jobLabel: "job", targetLabels: {} },
  {
    name: "a relabelled job and a cluster matcher",
    rules: { job: "social", target: { jobLabel: "service", matchers: { cluster: "eu1" } }, labels: { team: "ops" } },
    jobLabel: "service",
    targetLabels: { cluster: "eu1" },
  },
];

describe.each(renderings)("with $name", ({ rules, jobLabel, targetLabels }) => {
  const job = rules.job ?? settings.job;
  let folder = "";
  let engines: Engines | undefined;
  let history: SyntheticHistory;
  let incidentList: Incident[];
  let incidentStartMs = 0;
  let fired: FiredAlert[] = [];

  beforeAll(async () => {
    requireCommand("vmalert", "victoria-metrics");
    folder = mkdtempSync(join(tmpdir(), "akkoma-vmalert-"));
    // Eight hours: lazy series born mid-way, hourly dead-host failures, a 30-minute outage and a restart.
    // It ends an hour ago: VictoriaMetrics answers nothing about the future, where TargetMissing's incident would be.
    const endMs = Date.now() - 60 * minuteMs;
    const calm = generateHistory({ seed: 7, hours: 8, endMs, job: job, outageStartsBeforeEndMs: 4 * 3_600_000 });
    incidentList = incidents(job, incidentMinutes);
    const offset = calm.scrapes - incidentMinutes;
    incidentStartMs = calm.startMs + offset * scrapeIntervalMs;
    const padded = incidentList.flatMap((incident) =>
      incident.series.map((series) => {
        const values = new Float64Array(calm.scrapes).fill(Number.NaN);
        values.set(series.values, offset);
        return { ...series, values };
      }),
    );
    history = { ...calm, series: relabelled([...calm.series, ...padded], jobLabel, targetLabels) };
    engines = await startEngines(history);
    const recordings = join(folder, "akkoma-dashboard-recording-rules.yml");
    const alertFile = join(folder, "akkoma-alerts.yml");
    // The objective's file too, as a ruler loads all three: the alert file watches its group.
    const sloFile = join(folder, "akkoma-slo-rules.yml");
    writeFileSync(recordings, recordingRulesFile(rules));
    writeFileSync(alertFile, prometheusRulesFile(rules));
    writeFileSync(sloFile, sloRulesFile(rules));
    const range = { fromMs: history.startMs, toMs: history.endMs + afterEndMs, interval: settings.interval };
    await replayRules([recordings, alertFile, sloFile], engines.victoriaMetrics.url, range);
    fired = await firedAlerts(engines.victoriaMetrics.url);
  }, 180_000);

  afterAll(async () => {
    await engines?.stop();
    rmSync(folder, { recursive: true, force: true });
  }, 30_000);

  const firing = (alertname: string, instance?: string) =>
    fired.filter((alert) => alert.labels.alertname === alertname && alert.labels.instance === instance);

  it("each incident raises its alert in time, with its labels", () => {
    for (const incident of incidentList) {
      const found = firing(incident.alert, incident.instance);
      expect({ alert: incident.alert, found: found.length }).toEqual({ alert: incident.alert, found: 1 });
      expect(found[0]?.labels).toMatchObject({ ...incident.labels, ...targetLabels, [jobLabel]: job });
      const first = found[0]?.firingAtMs[0] ?? Infinity;
      // vmalert steps by the group interval, so allow one more step than the promtool test.
      expect((first - incidentStartMs) / minuteMs).toBeLessThanOrEqual(incident.firingAfterMinutes + 1);
    }
  });

  it("Akkoma's outage raises AkkomaDown only while it lasts, and losing every target AkkomaTargetMissing", () => {
    const down = firing("AkkomaDown", history.instance);
    expect(down).toHaveLength(1);
    for (const at of down[0]?.firingAtMs ?? []) {
      expect(at).toBeGreaterThanOrEqual(history.outage.startMs);
      expect(at).toBeLessThanOrEqual(history.outage.endMs);
    }
    const missing = firing("AkkomaTargetMissing");
    expect(missing).toHaveLength(1);
    expect(Math.min(...(missing[0]?.firingAtMs ?? []))).toBeGreaterThan(history.endMs);
  });

  it("nothing else fires: zero false alerts over the calm history", () => {
    const expected = new Set([
      ...incidentList.map((incident) => `${incident.alert} ${incident.instance}`),
      `AkkomaDown ${history.instance}`,
      "AkkomaTargetMissing undefined",
      // The objective's file is loaded too. The crashes' instance delivers nothing else: its 20 final
      // failures to a live server are every delivery it made, over the ticket's floor of 20.
      ...incidentList
        .filter((incident) => incident.alert === "AkkomaDeliveriesFailing")
        .map((incident) => `AkkomaFederationBudgetBurn ${incident.instance}`),
    ]);
    const unexpected = fired
      .map((alert) => `${alert.labels.alertname} ${alert.labels.instance}`)
      .filter((key) => !expected.has(key));
    expect(unexpected).toEqual([]);
  });
});

// vmalert reads keep_firing_for from VictoriaMetrics v1.92.0 on; an older one (Debian's 1.79) refuses
// the whole file. Without it, every rule file a values file renders loads in any vmalert.
describe("vmalert -dryRun on the files a values file renders", () => {
  const example = join(projectRoot, "docs", "values.example.yaml");
  let folder = "";
  beforeAll(() => {
    requireCommand("vmalert", "victoria-metrics");
    folder = mkdtempSync(join(tmpdir(), "akkoma-vmalert-dry-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** The example's rule files, and the groups its VMRule holds, rendered for `values`. */
  const renderedFiles = (name: string, values: DeploymentValues): string[] => {
    const { rules, job, runbookBaseUrl } = renderValuesOf(values);
    const rendering: RuleRendering = { ...rules, job, runbookBaseUrl };
    const texts = {
      alerts: prometheusRulesFile(rendering),
      slo: sloRulesFile(rendering),
      recordings: recordingRulesFile(rendering),
      vmrule: yamlText(ruleGroups(rendering).alertRules),
    };
    return Object.entries(texts).map(([kind, text]) => {
      const file = join(folder, `${name}.${kind}.yml`);
      writeFileSync(file, text);
      return file;
    });
  };
  const dryRun = (files: readonly string[]) => {
    const result = spawnSync("vmalert", ["-dryRun", "-loggerLevel=ERROR", ...files.map((file) => `-rule=${file}`)], {
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: result.status, output: result.stdout + result.stderr };
  };
  const withoutKeepFiringFor = (values: DeploymentValues): DeploymentValues => ({
    ...values,
    alerts: Object.fromEntries(
      Object.entries(values.alerts ?? {}).map(([alert, { keep_firing_for: _, ...tuning }]) => [alert, tuning]),
    ),
  });

  it("the full example without keep_firing_for renders rule files the installed vmalert loads", async () => {
    const values = withoutKeepFiringFor((await deploymentValues({}, example))!);
    expect(JSON.stringify(values)).not.toContain("keep_firing_for");
    for (const file of renderedFiles("without", values)) {
      const result = dryRun([file]);
      expect({ file, ...result }).toEqual({ file, status: 0, output: "" });
    }
  });

  it("with keep_firing_for (the example's), a vmalert older than 1.92 refuses the file naming that field alone", async () => {
    const values = (await deploymentValues({}, example))!;
    expect(values.alerts?.AkkomaDown?.keep_firing_for).toBe("5m");
    const [alerts] = renderedFiles("with", values);
    const result = dryRun([alerts!]);
    // Either this vmalert is 1.92 or later and loads it, or it names keep_firing_for as the one field it does not know.
    if (result.status === 0) expect(result.output).toBe("");
    else
      expect(result.output).toMatch(/invalid rule "[^"]+"\."AkkomaDown": unknown fields in rule: keep_firing_for\n?$/);
    // The version is stated where the field is.
    expect(schema.definitions.tuning.properties.keep_firing_for.description).toContain("vmalert 1.92+");
  });
});
