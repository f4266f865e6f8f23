// The federation objective's scenarios on VictoriaMetrics, as promtool runs them (test/alerts/slo.test.ts): the
// same histories, final failures a day after their first attempt, over a day and eleven hours; vmalert replays
// the objective's file over them and every scenario raises its alerts in time, and nothing else fires. And the
// objective's group stopped: vmalert, replaying the alert file alone, raises AkkomaRecordingRulesMissing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prometheusRulesFile, sloRulesFile } from "../../build/rules";
import { alerts as settings, federationSlo } from "../../config";
import { type Engine, startVictoriaMetricsAlone } from "../../harness/engines";
import {
  finalFailureLagMinutes,
  outageStartsAt,
  sloIncidents,
  stoppedObjectiveRules,
} from "../../harness/slo-incidents";
import { type FiredAlert, firedAlerts, replayRules } from "../../harness/vmalert";
import { jobScope } from "../../queries/selectors";
import { objectiveSentinel } from "../../rules/slo";
import { requireCommand } from "../support/build";

const minuteMs = 60_000;
const minutes = outageStartsAt + finalFailureLagMinutes + 4 * 60;
const names = { page: federationSlo.attemptsFailing.name, ticket: federationSlo.budgetBurn.name };
const job = settings.job;
const incidents = sloIncidents(job, minutes, names);
/** The stopped objective's instance has a job of its own: the objective's replay must not record its sentinel. */
const stoppedJob = "akkoma-stopped";
const stoppedInstance = "objective-stopped.slo.test:443";
const stopsAt = 20;

let folder = "";
let vm: { engine: Engine; stop: () => Promise<void> } | undefined;
let startMs = 0;
let fired: FiredAlert[] = [];
let stoppedFired: FiredAlert[] = [];

beforeAll(async () => {
  requireCommand("vmalert", "victoria-metrics");
  folder = mkdtempSync(join(tmpdir(), "akkoma-vmalert-slo-"));
  // It ends an hour ago: VictoriaMetrics answers nothing about the future.
  const endMs = Math.floor((Date.now() - 60 * minuteMs) / minuteMs) * minuteMs;
  startMs = endMs - minutes * minuteMs;
  const sentinel = objectiveSentinel(jobScope(stoppedJob)).record;
  const series = [
    ...incidents.flatMap((incident) => incident.series),
    ...stoppedObjectiveRules(stoppedJob, 60, sentinel, stopsAt, stoppedInstance),
  ];
  vm = await startVictoriaMetricsAlone({ startMs, series });
  const url = vm.engine.url;
  const sloFile = join(folder, "akkoma-slo-rules.yml");
  writeFileSync(sloFile, sloRulesFile());
  await replayRules([sloFile], url, { fromMs: startMs, toMs: endMs, interval: settings.interval });
  fired = await firedAlerts(url);
  // The alert file alone over the stopped instance's hour: its own recordings, the objective's group not run.
  const alertFile = join(folder, "akkoma-alerts.yml");
  writeFileSync(alertFile, prometheusRulesFile({ job: stoppedJob }));
  await replayRules([alertFile], url, { fromMs: startMs, toMs: startMs + 60 * minuteMs, interval: settings.interval });
  stoppedFired = (await firedAlerts(url)).filter((alert) => alert.labels.job === stoppedJob);
}, 600_000);

afterAll(async () => {
  await vm?.stop();
  rmSync(folder, { recursive: true, force: true });
}, 30_000);

const minuteOf = (ms: number) => (ms - startMs) / minuteMs;

it("each scenario raises its objective alerts in time, once; the page ends with its outage", () => {
  for (const incident of incidents)
    for (const alert of incident.alerts) {
      const found = fired.filter((f) => f.labels.alertname === alert && f.labels.instance === incident.instance);
      expect({ incident: incident.name, alert, found: found.length }).toEqual({
        incident: incident.name,
        alert,
        found: 1,
      });
      const at = found[0]!.firingAtMs.map(minuteOf);
      // vmalert steps by the group interval: one step of slack either way.
      expect(Math.min(...at)).toBeLessThanOrEqual(incident.firingAfterMinutes + 1);
      expect(Math.min(...at)).toBeGreaterThan(alert === names.page ? incident.firingAfterMinutes - 6 : outageStartsAt);
      if (incident.resolvedByMinutes !== undefined)
        expect(Math.max(...at)).toBeLessThanOrEqual(incident.resolvedByMinutes + 1);
      // One firing: no gap of more than a step between its evaluations.
      expect(at.every((minute, i) => i === 0 || minute - (at[i - 1] as number) <= 1)).toBe(true);
    }
});

it("nothing else fires: calm traffic, dead hosts, a small instance's refusals, a quiet night", () => {
  const expected = new Set(incidents.flatMap((incident) => incident.alerts.map((a) => `${a} ${incident.instance}`)));
  const objective = fired.filter((f) => f.labels.job === job);
  expect(objective.length).toBeGreaterThan(0);
  expect(
    objective.map((f) => `${f.labels.alertname} ${f.labels.instance}`).filter((key) => !expected.has(key)),
  ).toEqual([]);
});

it("the objective's group stopped at minute 20: the alert file alone raises AkkomaRecordingRulesMissing by minute 37", () => {
  expect(stoppedFired.map((f) => `${f.labels.alertname} ${f.labels.instance}`)).toEqual([
    `AkkomaRecordingRulesMissing ${stoppedInstance}`,
  ]);
  const first = Math.min(...stoppedFired[0]!.firingAtMs.map(minuteOf));
  // Stale 5 minutes after its last write, then pending for `for`; one step of slack over promtool's 36.
  expect(first).toBeGreaterThan(stopsAt + 10);
  expect(first).toBeLessThanOrEqual(37);
});
