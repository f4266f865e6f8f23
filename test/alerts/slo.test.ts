// The federation delivery objective's rule file through Prometheus' own rule engine (promtool): valid, every
// expression short, and on its scenarios (harness/slo-incidents.ts: deliveries through Akkoma's backoff) the
// page and the ticket fire where and when the runbook says, and nowhere else: calm traffic, dead hosts, a
// small instance's refusals and a quiet night are never paged; an outage of our own network pages within
// the runbook's minutes and never tickets; a live server's outage opens a ticket once its deliveries fail
// for good, a day in. And when the objective's group stops, the alert file says so.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { federationSloAlerts, federationSloSet } from "../../alerts/slo";
import { prometheusRulesFile, sloRulesFile } from "../../build/rules";
import { alerts as settings, federationSlo } from "../../config";
import {
  type SloIncident,
  finalFailureLagMinutes,
  networkOutageMinutes,
  outageStartsAt,
  sloIncidents,
  stoppedObjectiveRules,
} from "../../harness/slo-incidents";
import { objectiveSentinel } from "../../rules/slo";
import { jobScope } from "../../queries/selectors";
import { projectRoot } from "../support/build";
import { inputSeries, promtool, testRules, writeRuleFiles } from "../support/promtool";

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

/** Whether an incident's alert is firing at `at`: from its firing time, until its cause ends. */
const firingAt = (incident: SloIncident, alertname: string, at: number) =>
  incident.alerts.includes(alertname) &&
  at >= incident.firingAfterMinutes &&
  (incident.resolvedByMinutes === undefined || at < (incident.cause?.to ?? Infinity));

/** At each time, each incident's expected alerts; no time may fall where an alert may be starting or ending. */
function expectations(incidents: readonly SloIncident[], times: readonly number[]) {
  for (const incident of incidents)
    for (const at of times) {
      const starting =
        incident.alerts.length > 0 && at < incident.firingAfterMinutes && at >= (incident.cause?.from ?? Infinity);
      const ending = incident.cause !== undefined && at >= incident.cause.to && at < (incident.resolvedByMinutes ?? 0);
      expect({ incident: incident.name, at, uncertain: starting || ending }).toMatchObject({ uncertain: false });
    }
  return times.flatMap((at) =>
    [names.page, names.ticket].map((alertname) => ({
      eval_time: `${at}m`,
      alertname,
      exp_alerts: incidents
        .filter((incident) => firingAt(incident, alertname, at))
        .map((incident) => ({
          exp_labels: { job: settings.job, instance: incident.instance, severity: severities[alertname] },
        })),
    })),
  );
}

/** promtool replays the incidents' series and finds each incident's alerts, and only those, at each minute. */
function expectScenario(
  name: string,
  incidents: readonly SloIncident[],
  checkedAt: readonly number[],
  exprTests: readonly object[] = [],
) {
  const result = testRules(
    folder,
    [writeSloFile()],
    [
      {
        name,
        input_series: inputSeries(incidents.flatMap((incident) => incident.series)),
        alert_rule_test: expectations(incidents, checkedAt),
        promql_expr_test: exprTests,
      },
    ],
  );
  expect(result.output).toContain("SUCCESS");
  expect(result.status).toBe(0);
}

/** The runbook's scenario table row of an alert: its cells. */
const runbookRow = (alert: string) => {
  const runbook = readFileSync(join(projectRoot, "docs", "runbook.md"), "utf8");
  const row = runbook.split("\n").find((line) => line.startsWith(`| ${alert} `))!;
  return row.split("|").map((cell) => cell.trim());
};

it("promtool check rules accepts the file: its recordings and two alerts, each expression short", () => {
  const text = sloRulesFile();
  writeFileSync(join(folder, "check.yml"), text);
  const result = promtool(["check", "rules", "check.yml"], folder);
  expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  expect(result.status).toBe(0);
  const rules = (parse(text) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((group) => group.rules);
  expect(rules.filter((rule) => rule.expr.length > 300)).toEqual([]);
});

describe("the hours around an outage of our own network", () => {
  const minutes = outageStartsAt + networkOutageMinutes + 40;
  const incidents = sloIncidents(settings.job, minutes, names);
  const paged = incidents.find((incident) => incident.alerts.includes(names.page))!;

  it("it pages by the runbook's minute (and not five minutes before), ends with it; nothing else fires", () => {
    // The runbook's time to page is this test's: the page fires by it, and has not five minutes before.
    expect(runbookRow(names.page)[4]).toContain(`by ${paged.firingAfterMinutes}`);
    expect(runbookRow(names.page)[4]).toContain(`ends by ${paged.resolvedByMinutes}`);
    const runbook = readFileSync(join(projectRoot, "docs", "runbook.md"), "utf8");
    const section = runbook.slice(runbook.indexOf(`## ${names.page}`));
    expect(section).toContain(`fires by minute ${paged.firingAfterMinutes}, ends by ${paged.resolvedByMinutes}`);
    expect(section).toContain(`Time to page: ${paged.firingAfterMinutes - outageStartsAt} minutes, measured by`);
    const notYet = paged.firingAfterMinutes - 5;
    const checkedAt = [60, outageStartsAt - 1, paged.firingAfterMinutes, paged.cause!.to - 1, paged.resolvedByMinutes!];
    expectScenario("our network down", incidents, [...checkedAt, minutes - 1]);
    const early = testRules(
      folder,
      [writeSloFile()],
      [
        {
          name: "not five minutes before",
          input_series: inputSeries(paged.series),
          alert_rule_test: [{ eval_time: `${notYet}m`, alertname: names.page, exp_alerts: [] }],
        },
      ],
    );
    expect(early.output).toContain("SUCCESS");
  }, 120_000);

  it("a small instance's refusals and a quiet night's raise most attempts, over the bar, and still never page", () => {
    // Not vacuous: over the bar for a while, where only the guards on deliveries keep the page quiet.
    const overTheBar = incidents
      .filter((incident) => /small-instance-(10|20)|quiet-night/.test(incident.name))
      .map((incident) => ({
        labels: `{instance="${incident.instance}", job="${settings.job}"}`,
        value: 1,
      }));
    expect(overTheBar).toHaveLength(3);
    const share = `job_instance:akkoma_publisher_attempts:failed_share${federationSlo.attemptsFailing.long}`;
    const exprTests = [
      {
        expr: `max_over_time(${share}{instance=~"(small-instance-.*|quiet-night).*"}[2h]) > bool ${federationSlo.attemptsFailing.share}`,
        eval_time: `${outageStartsAt + 110}m`,
        exp_samples: [
          ...overTheBar,
          { labels: `{instance="small-instance-5.slo.test:443", job="${settings.job}"}`, value: 0 },
        ],
      },
    ];
    const times = Array.from({ length: 12 }, (_, k) => outageStartsAt + 10 * (k + 1)).filter(
      (at) => at >= paged.firingAfterMinutes && at < paged.cause!.to,
    );
    expectScenario("low traffic", incidents, times, exprTests);
  }, 120_000);
});

it("a day and more: a live server's outage and a small instance's twenty refusals open a ticket once their deliveries fail for good; the network outage never does", () => {
  const minutes = outageStartsAt + finalFailureLagMinutes + 4 * 60;
  const incidents = sloIncidents(settings.job, minutes, names);
  const ticketed = incidents.filter((incident) => incident.alerts.includes(names.ticket));
  expect(ticketed.map((incident) => incident.name).sort()).toEqual(["live-server-outage", "small-instance-20"]);
  const latest = Math.max(...ticketed.map((incident) => incident.firingAfterMinutes));
  expect(runbookRow(names.ticket)[4]).toContain(`by ${latest}`);
  // A day in, the live server's deliveries have been refused for a day, none of them yet for good: no ticket.
  expectScenario("a day and four hours", incidents, [outageStartsAt + finalFailureLagMinutes, latest, minutes - 1]);
}, 240_000);

describe("the objective's group stopped, its alert file evaluated", () => {
  const sentinel = objectiveSentinel(jobScope(settings.job)).record;
  const missing = "AkkomaRecordingRulesMissing";
  const instance = "objective-stopped.slo.test:443";
  const alertsOnly = () => {
    // The alert file with its own recordings, the objective's file not loaded: its group is not evaluated.
    const file = parse(prometheusRulesFile()) as { groups: { rules: { annotations?: unknown }[] }[] };
    for (const rule of file.groups.flatMap((group) => group.rules)) delete rule.annotations;
    writeFileSync(join(folder, "alerts-only.yml"), stringify(file, { lineWidth: 0 }));
    return ["alerts-only.yml"];
  };
  const stateAt = (at: number, firing: boolean) => ({
    eval_time: `${at}m`,
    alertname: missing,
    exp_alerts: firing ? [{ exp_labels: { job: settings.job, instance, severity: "warning" } }] : [],
  });

  it.each([
    { how: "stops at minute 20 (a group failing, a remote write lost)", stopsAt: 20 },
    { how: "is never loaded", stopsAt: 0 },
  ])("when its group $how, AkkomaRecordingRulesMissing fires by the runbook's minute", ({ stopsAt }) => {
    const [, by] = /objective's: by (\d+)/.exec(runbookRow(missing)[4] as string) ?? [];
    // Stale 5 minutes after the last write, then pending for the alert's `for` (10 m).
    const firesBy = stopsAt === 0 ? 12 : Number(by);
    expect(firesBy).toBeGreaterThan(stopsAt === 0 ? 0 : 20);
    const result = testRules(folder, alertsOnly(), [
      {
        name: `objective group ${stopsAt}`,
        input_series: inputSeries(stoppedObjectiveRules(settings.job, 60, sentinel, stopsAt, instance)),
        alert_rule_test: [
          ...(stopsAt > 0 ? [stateAt(stopsAt - 1, false), stateAt(firesBy - 5, false)] : []),
          stateAt(firesBy, true),
          stateAt(59, true),
        ],
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("a quiet instance, scraped but without a single PublisherWorker series, raises nothing with both files loaded", () => {
    const labels = { job: settings.job, instance };
    const series = stoppedObjectiveRules(settings.job, 60, sentinel, 0, instance).filter(
      (one) => one.name === "up" || one.name.endsWith("_pcount"),
    );
    expect(series.map((one) => one.name).sort()).toEqual(["up", "vm_memory_total_pcount"]);
    const result = testRules(folder, writeRuleFiles(folder), [
      {
        name: "quiet",
        input_series: inputSeries(series),
        alert_rule_test: [15, 40, 59].map((at) => ({ ...stateAt(at, false), alertname: missing })),
        promql_expr_test: [
          {
            expr: sentinel,
            eval_time: "40m",
            exp_samples: [{ labels: `${sentinel}{instance="${labels.instance}", job="${labels.job}"}`, value: 1 }],
          },
        ],
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("with the objective off (or both its alerts), the alert file reads nothing of it", () => {
    expect(prometheusRulesFile()).toContain(sentinel);
    expect(federationSloSet().recordings[0]?.record).toBe(sentinel);
    expect(prometheusRulesFile({ slo: { enabled: false } })).not.toContain(sentinel);
    const bothOff = { tuning: { [names.page]: { enabled: false }, [names.ticket]: { enabled: false } } };
    expect(prometheusRulesFile(bothOff)).not.toContain(sentinel);
    expect(sloRulesFile(bothOff)).toContain("groups: []");
  });
});

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
