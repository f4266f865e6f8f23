// The federation delivery objective's rule file through Prometheus' own rule engine (promtool): valid, every
// expression short, and on its scenarios the page and the ticket fire where and when the runbook says, and
// nowhere else: calm traffic, dead hosts and a small instance with a few refusals raise nothing; an outage
// of our own network pages within 35 minutes (and never tickets: its failures have dead-instance reasons);
// a live server's outage opens a ticket about two hours after its first final failures, a day in.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { federationSloAlerts } from "../../alerts/slo";
import { sloRulesFile } from "../../build/rules";
import { alerts as settings, federationSlo } from "../../config";
import { type SloIncident, finalFailureLagMinutes, outageStartsAt, sloIncidents } from "../../harness/slo-incidents";
import { inputSeries, promtool, testRules } from "../support/promtool";

const names = { page: federationSlo.attemptsFailing.name, ticket: federationSlo.budgetBurn.name };
const severities = { [names.page]: "critical", [names.ticket]: "warning" };
let folder = "";
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), "akkoma-slo-"))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The objective's file, annotations left out (they are templated with values). */
function writeSloFile(rendering: Parameters<typeof sloRulesFile>[0] = {}): string {
  const file = parse(sloRulesFile(rendering)) as { groups: { rules: { annotations?: unknown }[] }[] };
  for (const rule of file.groups.flatMap((group) => group.rules)) delete rule.annotations;
  writeFileSync(join(folder, "slo.yml"), stringify(file, { lineWidth: 0 }));
  return "slo.yml";
}

/** At each time, each incident's expected alerts: those it must raise, once past its firing time. */
function expectations(incidents: readonly SloIncident[], times: readonly number[]) {
  return times.flatMap((at) =>
    [names.page, names.ticket].map((alertname) => ({
      eval_time: `${at}m`,
      alertname,
      exp_alerts: incidents
        .filter((incident) => incident.alerts.includes(alertname) && at >= incident.firingAfterMinutes)
        .map((incident) => ({
          exp_labels: { job: settings.job, instance: incident.instance, severity: severities[alertname] },
        })),
    })),
  );
}

/** promtool replays the incidents' series and finds each incident's alerts, and only those, at each minute. */
function expectScenario(name: string, incidents: readonly SloIncident[], checkedAt: readonly number[]) {
  const result = testRules(
    folder,
    [writeSloFile()],
    [
      {
        name,
        input_series: inputSeries(incidents.flatMap((incident) => incident.series)),
        alert_rule_test: expectations(incidents, checkedAt),
      },
    ],
  );
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
}

it("promtool check rules accepts the file: its recordings and two alerts, each expression short", () => {
  const text = sloRulesFile();
  writeFileSync(join(folder, "check.yml"), text);
  const result = promtool(["check", "rules", "check.yml"], folder);
  expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  expect(result.status).toBe(0);
  const rules = (parse(text) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((group) => group.rules);
  expect(rules.filter((rule) => rule.expr.length > 300)).toEqual([]);
});

it("within two hours: an outage of our own network pages, nothing else fires anywhere", () => {
  const minutes = 120;
  const incidents = sloIncidents(settings.job, minutes, names);
  const paged = incidents.find((incident) => incident.alerts.includes(names.page))!;
  // Just before the stated time it may be firing or not: checked from the stated time on.
  const checkedAt = [outageStartsAt + 15, paged.firingAfterMinutes, 90, 119].filter((at) => at < minutes);
  expectScenario("the first two hours", incidents, checkedAt);
});

it("a day and more: a live server's outage opens a ticket once its final failures count; the network outage never does", () => {
  const minutes = finalFailureLagMinutes + 4 * 60;
  const incidents = sloIncidents(settings.job, minutes, names);
  const ticketed = incidents.find((incident) => incident.alerts.includes(names.ticket))!;
  // A day in, the live server's deliveries have failed at every attempt for a day: no ticket yet.
  expectScenario("a day and four hours", incidents, [finalFailureLagMinutes, ticketed.firingAfterMinutes, minutes - 1]);
}, 120_000);

it("its bars follow the objective and the values' tuning; its alerts are off when the values say so", () => {
  const conditions = (options: Parameters<typeof federationSloAlerts>[0]) =>
    federationSloAlerts(options).map((alert) => alert.recordedCondition.toString());
  expect(conditions({ objective: 0.99 })[1]).toContain("> (0.02)");
  expect(conditions({ objective: 0.995 })[1]).toContain("> (0.01)");
  expect(conditions({ tuning: { [names.ticket]: { threshold: 5 } } })[1]).toContain("> (0.05)");
  expect(conditions({ tuning: { [names.page]: { threshold: 0.9 } } })[0]).toContain("> (0.9)");
  const tuned = federationSloAlerts({
    tuning: { [names.page]: { severity: "warning", for: "10m", keep_firing_for: "15m", labels: { page: "no" } } },
  })[0]!;
  expect(tuned).toMatchObject({ severity: "warning", for: "10m", keepFiringFor: "15m" });
  expect(tuned.labels).toEqual({ page: "no", severity: "warning" });
  expect(federationSloAlerts({ tuning: { [names.ticket]: { enabled: false } } }).map((a) => a.name)).toEqual([
    names.page,
  ]);
  expect(federationSloAlerts({ enabled: false })).toEqual([]);
  expect(sloRulesFile({ slo: { enabled: false } })).toContain("groups: []");
});
