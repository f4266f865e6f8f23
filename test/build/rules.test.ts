// Every form the rules are written in holds the same alerts: the Prometheus files, Grafana's provisioning
// file, PrometheusRule and VMRule. An alert missing from one form leaves the admins who load that form
// without it, and nothing else would say so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { akkomaAlerts, alertNames } from "../../alerts/akkoma";
import { kubernetesFiles } from "../../build/kubernetes";
import {
  type RuleRendering,
  grafanaRulesFile,
  prometheusRulesFile,
  recordingRulesFile,
  ruleGroups,
  sloRulesFile,
} from "../../build/rules";
import { federationSlo, outputs } from "../../config";
import { projectRoot } from "../support/build";

type Groups = { groups: { rules: { alert?: string; title?: string }[] }[] };
const alertsIn = (file: Groups) =>
  file.groups.flatMap((group) => group.rules.flatMap((rule) => rule.alert ?? rule.title ?? [])).sort();
const datasourceUid = "P1809F7CD0C75ACF3";

/** Each form's alert names, as build renders them with these values. */
async function forms(rendering: RuleRendering): Promise<Record<string, string[]>> {
  const resources = kubernetesFiles({ ...ruleGroups(rendering), dashboardJson: "{}", job: "akkoma", jobLabel: "job" });
  const resource = (kind: string) => parse(resources.find((file) => file.kind === kind)!.content).spec as Groups;
  return {
    "Prometheus files": alertsIn({
      groups: [...parse(prometheusRulesFile(rendering)).groups, ...parse(sloRulesFile(rendering)).groups],
    }),
    "Grafana-managed rules": alertsIn(JSON.parse(await grafanaRulesFile({ ...rendering, datasourceUid }))),
    PrometheusRule: alertsIn(resource("PrometheusRule")),
    VMRule: alertsIn(resource("VMRule")),
  };
}

const burnAlerts = [federationSlo.attemptsFailing.name, federationSlo.budgetBurn.name];
// Grafana-managed rules read raw series: the alerts about our recording rules are not theirs.
const recordedOnly = akkomaAlerts()
  .filter((alert) => alert.recordedOnly)
  .map((alert) => alert.name);
const renderings: [string, RuleRendering, string[]][] = [
  ["the defaults", {}, [...alertNames, ...burnAlerts]],
  ["the objective turned off", { slo: { enabled: false } }, [...alertNames]],
  ["an alert turned off", { tuning: { AkkomaDown: { enabled: false } } }, [...alertNames, ...burnAlerts]],
];

it.each(renderings)("with %s, every form holds the same alerts", async (_, rendering, expected) => {
  const wanted = expected.filter(
    (name) => rendering.tuning?.[name as keyof typeof rendering.tuning]?.enabled !== false,
  );
  for (const [form, names] of Object.entries(await forms(rendering))) {
    const inForm = form === "Grafana-managed rules" ? wanted.filter((name) => !recordedOnly.includes(name)) : wanted;
    expect({ form, names }).toEqual({ form, names: [...inForm].sort() });
  }
});

it("the committed rule files and resources hold every alert the Grafana-managed rules hold", async () => {
  const read = (file: string) => parse(readFileSync(join(projectRoot, file), "utf8"));
  const grafana = [...alertsIn(JSON.parse(await grafanaRulesFile({ datasourceUid }))), ...recordedOnly].sort();
  expect(grafana).toEqual(expect.arrayContaining(burnAlerts));
  expect(alertsIn({ groups: [...read(outputs.prometheusRules).groups, ...read(outputs.sloRules).groups] })).toEqual(
    grafana,
  );
  for (const file of ["prometheus-rule.yaml", "vmrule.yaml"]) {
    expect({ file, names: alertsIn(read(join(outputs.kubernetesFolder, file)).spec) }).toEqual({
      file,
      names: grafana,
    });
  }
});

it("an alert's own labels and keep_firing_for reach every form", async () => {
  const rendering: RuleRendering = {
    labels: { team: "ops" },
    tuning: { AkkomaDown: { keep_firing_for: "5m", labels: { page: "yes", team: "db" } } },
  };
  type Rule = { alert?: string; title?: string; keep_firing_for?: string; keepFiringFor?: string; labels?: object };
  const down = (file: { groups: { rules: Rule[] }[] }) =>
    file.groups.flatMap((group) => group.rules).find((rule) => (rule.alert ?? rule.title) === "AkkomaDown")!;
  const resources = kubernetesFiles({ ...ruleGroups(rendering), dashboardJson: "{}", job: "akkoma", jobLabel: "job" });
  const spec = (file: string) => parse(resources.find((one) => one.file === file)!.content).spec;
  const grafana = down(JSON.parse(await grafanaRulesFile({ ...rendering, datasourceUid })));
  expect({ keepFiringFor: grafana.keepFiringFor, labels: grafana.labels }).toEqual({
    keepFiringFor: "5m",
    labels: { team: "db", page: "yes", severity: "critical" },
  });
  for (const file of [parse(prometheusRulesFile(rendering)), spec("prometheus-rule.yaml"), spec("vmrule.yaml")]) {
    const rule = down(file);
    expect({ keep_firing_for: rule.keep_firing_for, labels: rule.labels }).toEqual({
      keep_firing_for: "5m",
      labels: { team: "db", page: "yes", severity: "critical" },
    });
  }
});

describe("a deployment's matchers and grouping labels", () => {
  const matchers = { namespace: { regex: "akkoma-(eu|us)-[0-9]+" }, cluster: "production-eu-west-1" };
  const groupBy = ["namespace", "pod", "cluster"];
  const rendering: RuleRendering = { target: { matchers, groupBy } };
  // The text the values add: each matcher in a selector, each label in a `by`/`on` list and in a recording's
  // level (job_instance_namespace_cluster_pod_worker:...).
  const valuesText = [
    /_(namespace|pod|cluster)(?=[_:])/g,
    /,\s*namespace=~"akkoma-\(eu\|us\)-\[0-9\]\+"/g,
    /,\s*cluster="production-eu-west-1"/g,
    /,\s*(namespace|pod|cluster)\b(?!=)/g,
  ];
  const rules = () =>
    [prometheusRulesFile(rendering), sloRulesFile(rendering), recordingRulesFile(rendering)].flatMap((text) =>
      (parse(text) as { groups: { rules: { expr: string; alert?: string; record?: string }[] }[] }).groups.flatMap(
        (group) => group.rules,
      ),
    );

  it("reach every selector of every rule", () => {
    for (const rule of rules()) {
      for (const [selector] of rule.expr.matchAll(/\{[^}]*\}/g)) {
        expect({
          rule: rule.alert ?? rule.record,
          selector,
          matched: selector.includes('cluster="production-eu-west-1"'),
        }).toEqual({
          rule: rule.alert ?? rule.record,
          selector,
          matched: true,
        });
      }
    }
  });

  it("leave every expression at most 300 characters of its own: only the values' text is added", () => {
    const own = (expr: string) => valuesText.reduce((text, pattern) => text.replace(pattern, ""), expr);
    const found = rules().map((rule) => ({ rule: rule.alert ?? rule.record, length: own(rule.expr).length }));
    expect(found.length).toBeGreaterThan(50);
    expect(found.filter(({ length }) => length > 300)).toEqual([]);
    // The values' text really is there, and what is taken away is only it.
    expect(rules().some((rule) => rule.expr.length > 300)).toBe(true);
    expect(rules().every((rule) => !/production|akkoma-\(eu/.test(own(rule.expr)))).toBe(true);
  });
});
