// Prometheus' own rule engine, through promtool: the rule file is valid, every alert fires in its
// incident, and none fires over a calm history (a restart, dead hosts failing every hour, lazy series).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { akkomaAlerts } from "../../alerts/akkoma";
import { prometheusRulesFile } from "../../build/rules";
import { alerts as settings } from "../../config";
import { incidents } from "../../harness/incidents";
import { type SyntheticSeries, generateHistory } from "../../harness/synthetic";
import { projectRoot, requireCommand } from "../support/build";

const job = settings.job;
const alertNames = [...new Set(akkomaAlerts().map((alert) => alert.name))];
const severityOf = (name: string) => akkomaAlerts().find((alert) => alert.name === name)?.severity;

let folder = "";
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "akkoma-promtool-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function promtool(args: string[]) {
  const result = spawnSync(requireCommand("promtool", "prometheus"), args, { encoding: "utf8", cwd: folder });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** promtool's series notation: one value a minute, `_` where the scrape did not see it. */
const inputSeries = (series: readonly SyntheticSeries[]) =>
  series.map(({ name, labels, values }) => ({
    series: `${name}{${Object.entries(labels)
      .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
      .join(",")}}`,
    values: Array.from(values, (value) => (Number.isNaN(value) ? "_" : String(value))).join(" "),
  }));

const expected = (name: string, labels: Record<string, string>) => ({
  exp_labels: { severity: severityOf(name), job, ...labels },
});

interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ReturnType<typeof expected>[];
}

/** Runs promtool test rules on the generated rules; annotations (templated with values) are left out. */
function testRules(
  tests: { name: string; input_series: ReturnType<typeof inputSeries>; alert_rule_test: AlertTest[] }[],
) {
  const rules = parse(prometheusRulesFile()) as { groups: { rules: { annotations?: unknown }[] }[] };
  for (const rule of rules.groups.flatMap((group) => group.rules)) delete rule.annotations;
  writeFileSync(join(folder, "rules.yml"), stringify(rules));
  const file = join(folder, "tests.yml");
  const spec = {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: tests.map((t) => ({ interval: "1m", ...t })),
  };
  writeFileSync(file, stringify(spec, { lineWidth: 0 }));
  return promtool(["test", "rules", file]);
}

it("promtool check rules accepts the rule file, and out/ holds what the code generates", () => {
  const file = join(folder, "akkoma-alerts.yml");
  writeFileSync(file, prometheusRulesFile());
  const result = promtool(["check", "rules", file]);
  expect(result.output).toContain(`SUCCESS: ${akkomaAlerts().length} rules found`);
  expect(result.status).toBe(0);
  expect(readFileSync(join(projectRoot, "out", "prometheus", "akkoma-alerts.yml"), "utf8")).toBe(prometheusRulesFile());
});

it("every alert fires in its incident, and no other alert does there", () => {
  const instance = "down.incident.test:443";
  const upSeries = (values: number[]): SyntheticSeries[] => [
    { name: "up", kind: "gauge", labels: { job, instance }, values: Float64Array.from(values) },
  ];
  const scenarios = [
    ...incidents(job, 90).map((incident) => ({
      name: incident.alert,
      series: incident.series,
      at: incident.firingAfterMinutes,
      alerts: { [incident.alert]: [expected(incident.alert, { instance: incident.instance, ...incident.labels })] },
    })),
    {
      name: "AkkomaDown",
      series: upSeries([...Array(10).fill(1), ...Array(20).fill(0)]),
      at: 20,
      alerts: { AkkomaDown: [expected("AkkomaDown", { instance })] },
    },
    {
      name: "AkkomaTargetMissing: absent() keeps only the job label",
      series: upSeries([...Array(10).fill(1), ...Array(30).fill(Number.NaN)]),
      at: 30,
      alerts: { AkkomaTargetMissing: [expected("AkkomaTargetMissing", {})] },
    },
  ];
  const result = testRules(
    scenarios.map((scenario) => ({
      name: scenario.name,
      input_series: inputSeries(scenario.series),
      alert_rule_test: alertNames.map((alertname) => ({
        eval_time: `${scenario.at}m`,
        alertname,
        exp_alerts: (scenario.alerts as Record<string, AlertTest["exp_alerts"]>)[alertname] ?? [],
      })),
    })),
  );
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
});

it("no alert fires over a calm history; Akkoma's outage raises AkkomaDown and nothing else", () => {
  // Six hours: lazy series born mid-way, hosts failing every hour with dead-instance reasons, and a
  // 30-minute outage whose restart resets every counter two hours before the end.
  const history = generateHistory({ seed: 11, hours: 6, job, outageStartsBeforeEndMs: 2 * 3_600_000 });
  const minute = (ms: number) => Math.round((ms - history.startMs) / 60_000);
  const [down, restart] = [minute(history.outage.startMs), minute(history.outage.endMs)];
  const downAt = (m: number) => m >= down + 6 && m < restart;
  const nearEdge = (m: number) => !downAt(m) && m >= down && m <= restart + 1;
  const times = Array.from({ length: 36 }, (_, k) => 10 * (k + 1));
  const result = testRules([
    {
      name: "calm",
      input_series: inputSeries(history.series),
      alert_rule_test: times.flatMap((m) =>
        alertNames
          .filter((alertname) => alertname !== "AkkomaDown" || !nearEdge(m))
          .map((alertname) => ({
            eval_time: `${m}m`,
            alertname,
            exp_alerts:
              alertname === "AkkomaDown" && downAt(m) ? [expected("AkkomaDown", { instance: history.instance })] : [],
          })),
      ),
    },
  ]);
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
}, 60_000);
