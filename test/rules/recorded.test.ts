// promtool proves each recorded series equal to the raw expression it records, and each alert over
// recorded series equal to its raw form, on a calm synthetic history with the incidents beside it (so
// every recorded series has values somewhere): same series, same values, NaN where the raw one is NaN.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { type AlertOptions, akkomaAlertSet } from "../../alerts/akkoma";
import { federationSloSet } from "../../alerts/slo";
import { sloIncidents } from "../../harness/slo-incidents";
import { recordingRules } from "../../alerts/prometheus";
import { alerts as settings, federationSlo, recording, variables } from "../../config";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { dashboardRecordings } from "../../dashboards/recorded";
import { panelsIn } from "../../dashboards/rows";
import { jobScope } from "../../queries/selectors";
import { incidents } from "../../harness/incidents";
import { generateHistory } from "../../harness/synthetic";
import { inputSeries, relabelled, testRules, writeRuleFiles } from "../support/promtool";

let folder = "";
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "akkoma-recorded-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Empty exactly when `left` and `right` have the same series with the same values (NaN matching NaN). */
const differences = (left: string, right: string) => [
  `abs((${left}) - (${right})) > 1e-9`,
  `((${left}) unless (${right})) or ((${right}) unless (${left}))`,
  `((${left}) != (${left})) unless ((${right}) != (${right}))`,
  `((${right}) != (${right})) unless ((${left}) != (${left}))`,
];

const sloNames = { page: federationSlo.attemptsFailing.name, ticket: federationSlo.budgetBurn.name };

// Six hours: Oban's exception series are born four hours in, and the dashboard records their sums too.
const historyHours = 6;
const times = Array.from({ length: historyHours * 6 }, (_, k) => `${10 * (k + 1)}m`);
const hours = Array.from({ length: historyHours }, (_, k) => `${60 * (k + 1)}m`);

const cases: { name: string; options: AlertOptions; jobLabel: string; extra: Record<string, string> }[] = [
  { name: "default values", options: {}, jobLabel: "job", extra: {} },
  {
    name: "a relabelled job and a cluster matcher",
    options: { job: "social", target: { jobLabel: "service", matchers: { cluster: "eu1" } } },
    jobLabel: "service",
    extra: { cluster: "eu1" },
  },
];

it.each(cases)(
  "with $name, recorded series and alerts equal what they replace",
  ({ options, jobLabel, extra }) => {
    const job = options.job ?? settings.job;
    const history = generateHistory({ seed: 5, hours: historyHours, job, outageStartsBeforeEndMs: 90 * 60_000 });
    // The objective's scenarios too, whose past deliveries fail for good from the first scrape on: its
    // windows see both sides.
    const incidentSeries = [
      ...incidents(job, 120).flatMap((incident) => incident.series),
      ...sloIncidents(job, 120, sloNames).flatMap((incident) => incident.series),
    ];
    const akkoma = akkomaAlertSet(options);
    const slo = federationSloSet(options);
    const alerts = [...akkoma.alerts, ...slo.alerts];
    const alertRecordings = [...akkoma.recordingRules, ...slo.recordings];
    const { groups } = recordingRules(options, dashboardRecordings(sections().flatMap((section) => section.panels)));
    const rules = [
      ...alertRecordings.map(({ record, query }) => ({
        record,
        expr: query.toString(),
        interval: settings.interval,
        ofAlerts: true,
      })),
      ...groups.flatMap((group) => group.rules.map((rule) => ({ ...rule, interval: group.interval, ofAlerts: false }))),
    ];
    const pairs = [
      // The dashboard's trends are recorded once an hour: they are compared where they were evaluated.
      ...rules.map((rule) => ({ recorded: rule.record, raw: rule.expr, hourly: rule.interval === "1h" })),
      ...alerts.map((alert) => ({
        recorded: alert.recordedCondition.toString(),
        raw: alert.condition.toString(),
        hourly: false,
      })),
    ];
    const result = testRules(folder, writeRuleFiles(folder, options, { slo: true }), [
      {
        name: "recorded equals raw",
        input_series: inputSeries(relabelled([...history.series, ...incidentSeries], jobLabel, extra)),
        promql_expr_test: [
          ...pairs.flatMap(({ recorded, raw, hourly }) =>
            (hourly ? hours : times).flatMap((eval_time) =>
              differences(recorded, raw).map((expr) => ({ expr, eval_time, exp_samples: [] })),
            ),
          ),
          // Not vacuous: every recorded series has values, the alerts' while the incidents last, the
          // dashboard's after the outage (which ends an hour before the history does).
          // Final failures to live servers are lazy series: an hour without one records nothing.
          ...rules
            // Workers over their own bar: none in these histories (the equality above still holds, empty).
            .filter((rule) => !rule.record.includes(":failed_increase1h") && !rule.record.endsWith("_above_own_bar"))
            .map((rule) => ({
              expr: `count(${rule.record}) > bool 0`,
              eval_time: rule.ofAlerts ? "60m" : rule.interval === "1h" ? "360m" : "330m",
              exp_samples: [{ labels: "{}", value: 1 }],
            })),
        ],
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  },
  120_000,
);

/** Each built target's query, by panel title and refId. */
const targetsOf = (dashboard: ReturnType<typeof akkomaDashboard>) =>
  new Map(
    panelsIn(dashboard.panels as Panel[]).flatMap((panel) =>
      ((panel.targets ?? []) as unknown as { refId: string; expr: string }[]).map((target): [string, string] => [
        `${panel.title} ${target.refId}`,
        target.expr,
      ]),
    ),
  );

// $__rate_interval as Grafana makes it at the default range (four one-minute scrapes) and at 30 days
// (a half-hour step and a scrape).
it.each(["4m", "31m"])(
  "the recorded dashboard's targets equal the default dashboard's where $__rate_interval is %s",
  (rateInterval) => {
    const job = settings.job;
    const instance = "akkoma.test:443";
    const history = generateHistory({
      seed: 6,
      hours: historyHours,
      job,
      instance,
      outageStartsBeforeEndMs: 90 * 60_000,
    });
    const raw = targetsOf(akkomaDashboard(sections()));
    const overRecorded = targetsOf(akkomaDashboard(sections({ recordedSeriesOf: jobScope(job) })));
    const interpolated = (expr: string) =>
      expr
        .replaceAll("$__rate_interval", rateInterval)
        .replaceAll(`\${${variables.job}}`, job)
        .replaceAll(`\${${variables.instance}}`, instance);
    const pairs = [...raw].flatMap(([key, expr]) => {
      const recorded = overRecorded.get(key) as string;
      return recorded === expr ? [] : [{ key, raw: interpolated(expr), recorded: interpolated(recorded) }];
    });
    expect(pairs.length).toBeGreaterThanOrEqual(25);
    // Series are born where the history starts and again after Akkoma restarts (the outage's end): a
    // window holding a birth counts the newborn's first value in the recorded sum's growth, which the raw
    // rate() never counts. Those windows are left out; every other one must be equal.
    const windowMs = Number.parseInt(rateInterval, 10) * 60_000;
    const births = [history.startMs, history.outage.endMs].map((ms) => ms - history.startMs);
    const withoutBirths = (evalTime: string) => {
      const atMs = Number.parseInt(evalTime, 10) * 60_000;
      return !births.some((bornMs) => atMs - windowMs <= bornMs && bornMs <= atMs);
    };
    const compared = times.filter(withoutBirths);
    expect(compared.length).toBeGreaterThan(times.length / 2);
    const result = testRules(folder, writeRuleFiles(folder, {}, { slo: true }), [
      {
        name: "recorded dashboard equals default dashboard",
        input_series: inputSeries(history.series, { staleMarkers: true }),
        promql_expr_test: pairs.flatMap(({ raw, recorded }) =>
          (recorded.includes(`[${recording.trendInterval}]`) ? hours : compared).flatMap((eval_time) =>
            differences(recorded, raw).map((expr) => ({ expr, eval_time, exp_samples: [] })),
          ),
        ),
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  },
  120_000,
);
