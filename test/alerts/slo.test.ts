// The federation delivery objective's rule file through Prometheus' own rule engine (promtool): valid, and
// on its incidents a delivery outage pages, a slow leak warns, dead hosts alone do neither; the objective
// from the values moves the bars.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { federationSloAlerts } from "../../alerts/slo";
import { sloRulesFile } from "../../build/rules";
import { alerts as settings, federationSlo } from "../../config";
import { sloIncidents } from "../../harness/slo-incidents";
import { inputSeries, promtool, testRules } from "../support/promtool";

const names = { fast: federationSlo.fastBurn.name, slow: federationSlo.slowBurn.name };
const minutes = 120;
let folder = "";
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), "akkoma-slo-"))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The SLO file for `objective`, annotations left out (they are templated with values). */
function writeSloFile(objective?: number): string {
  const file = parse(sloRulesFile(objective === undefined ? {} : { slo: { objective } })) as {
    groups: { rules: { annotations?: unknown }[] }[];
  };
  for (const rule of file.groups.flatMap((group) => group.rules)) delete rule.annotations;
  writeFileSync(join(folder, "slo.yml"), stringify(file, { lineWidth: 0 }));
  return "slo.yml";
}

it("promtool check rules accepts the file: four recordings and two alerts", () => {
  writeFileSync(join(folder, "check.yml"), sloRulesFile());
  const result = promtool(["check", "rules", "check.yml"], folder);
  expect(result.output).toContain("SUCCESS: 6 rules found");
  expect(result.status).toBe(0);
});

it.each([
  { objective: undefined, expected: { "delivery-outage": [names.fast, names.slow], "delivery-leak": [names.slow] } },
  // At 90 %, one failure in ten is the budget itself: the leak is no alert, and a fast burn would take
  // 144 % of deliveries failing, so the outage only warns.
  { objective: 0.9, expected: { "delivery-outage": [names.slow], "delivery-leak": [] } },
])("an outage pages, a leak warns, dead hosts do neither (objective $objective)", ({ objective, expected }) => {
  const incidents = sloIncidents(settings.job, minutes, names);
  const firing = (alertname: string) =>
    incidents
      .filter((incident) => ((expected as Record<string, string[]>)[incident.name] ?? []).includes(alertname))
      .map((incident) => ({
        exp_labels: {
          job: settings.job,
          instance: incident.instance,
          severity: alertname === names.fast ? "critical" : "warning",
        },
      }));
  const result = testRules(
    folder,
    [writeSloFile(objective)],
    [
      {
        name: "incidents",
        input_series: inputSeries(incidents.flatMap((incident) => incident.series)),
        alert_rule_test: [60, 90, 119].flatMap((at) =>
          [names.fast, names.slow].map((alertname) => ({
            eval_time: `${at}m`,
            alertname,
            exp_alerts: firing(alertname),
          })),
        ),
      },
    ],
  );
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
});

it("its bars follow the objective, its alerts are off when the values say so", () => {
  const bars = (objective: number) =>
    federationSloAlerts({ objective }).map((alert) => alert.recordedCondition.toString());
  expect(bars(0.99)[0]).toContain("> (0.144)");
  expect(bars(0.995)[1]).toContain("> (0.03)");
  expect(federationSloAlerts({ enabled: false })).toEqual([]);
  expect(sloRulesFile({ slo: { enabled: false } })).toContain("groups: []");
});
