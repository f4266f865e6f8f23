// The alerts' rule file: each alert reads recordings its own group made earlier in the same evaluation
// (from another group it would read the previous one's), and records only what an alert reads.
import { parse } from "yaml";
import { type RuleRendering, prometheusRulesFile, recordingRulesFile } from "../../build/rules";
import { alerts as settings } from "../../config";
import { jobScope } from "../../queries/selectors";
import { objectiveSentinel } from "../../rules/slo";

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const groupsOf = (text: string) => (parse(text) as { groups: { name: string; rules: Rule[] }[] }).groups;
// A recorded name starts a selector; `[1h:1m]` (a subquery) is no name.
const recordedNamesIn = (expr: string) =>
  [...expr.matchAll(/(?<![\w[])[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+/g)].map((match) => match[0]);

const renderings: RuleRendering[] = [
  {},
  { job: "social", target: { jobLabel: "service", matchers: { cluster: "eu1" } } },
];

// But the objective's sentinel, which AkkomaRecordingRulesMissing reads to tell that the objective's own group
// runs: only whether it exists counts, and the evaluation before tells that as well.
it.each(renderings)("every recorded series an alert reads is recorded before it in its own group (%o)", (rendering) => {
  const sentinel = objectiveSentinel(jobScope(rendering.job ?? settings.job, rendering.target)).record;
  for (const group of groupsOf(prometheusRulesFile(rendering))) {
    group.rules.forEach((rule, i) => {
      const before = new Set([sentinel, ...group.rules.slice(0, i).flatMap((earlier) => earlier.record ?? [])]);
      const read = recordedNamesIn(rule.expr);
      expect({ rule: rule.alert ?? rule.record, missing: read.filter((name) => !before.has(name)) }).toEqual({
        rule: rule.alert ?? rule.record,
        missing: [],
      });
    });
  }
});

it("records per remote host only the reason an alert reads per host", () => {
  const perHost = groupsOf(prometheusRulesFile())
    .flatMap((group) => group.rules)
    .filter((rule) => rule.record?.includes("_target_"));
  // Each minute's step of the 401s alone, then their sum over the hour, which reads only those steps.
  expect(perHost.map((rule) => rule.expr)).toEqual([
    expect.stringContaining('akkoma_ap_delivery_fail_final{job="akkoma",reason=~"http_401"}'),
    expect.stringMatching(
      /^\(sum by\(job, instance, target, reason\) \(sum_over_time\(\w+:\w+:step1m_http_401\{job="akkoma"\}\[1h\]\)\)\) > \(0\)$/,
    ),
  ]);
});

it("the recorded dashboard's file records nothing the alerts' file records (loading both never runs a rule twice)", () => {
  const names = (text: string) => groupsOf(text).flatMap((group) => group.rules.flatMap((rule) => rule.record ?? []));
  const alerts = new Set(names(prometheusRulesFile()));
  expect(names(recordingRulesFile()).filter((name) => alerts.has(name))).toEqual([]);
  expect(alerts.size).toBeGreaterThan(0);
});
