// promtool proves each recorded series equal to the raw expression it records, and each alert over
// recorded series equal to its raw form, on a calm synthetic history with the incidents beside it (so
// every recorded series has values somewhere): same series, same values, NaN where the raw one is NaN.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AlertOptions, akkomaAlertSet } from "../../alerts/akkoma";
import { alerts as settings } from "../../config";
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
    const history = generateHistory({ seed: 5, hours: 4, job, outageStartsBeforeEndMs: 90 * 60_000 });
    const incidentSeries = incidents(job, 120).flatMap((incident) => incident.series);
    const { alerts, recordingRules } = akkomaAlertSet(options);
    const pairs = [
      ...recordingRules.map((rule) => ({ recorded: rule.record, raw: rule.query.toString() })),
      ...alerts.map((alert) => ({ recorded: alert.recordedCondition.toString(), raw: alert.condition.toString() })),
    ];
    const times = Array.from({ length: 24 }, (_, k) => `${10 * (k + 1)}m`);
    const result = testRules(folder, writeRuleFiles(folder, options), [
      {
        name: "recorded equals raw",
        input_series: inputSeries(relabelled([...history.series, ...incidentSeries], jobLabel, extra)),
        promql_expr_test: [
          ...times.flatMap((eval_time) =>
            pairs.flatMap(({ recorded, raw }) =>
              differences(recorded, raw).map((expr) => ({ expr, eval_time, exp_samples: [] })),
            ),
          ),
          // Not vacuous: every recorded series has values while the incidents last.
          ...recordingRules.map((rule) => ({
            expr: `count(${rule.record}) > bool 0`,
            eval_time: "60m",
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
