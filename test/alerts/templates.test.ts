// A job name reaches the alert annotations, which Prometheus, vmalert and Grafana read as Go templates:
// whatever it holds, the rendered rule files must be accepted by promtool and vmalert, and a rule file
// with a broken template is refused before it is written.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { grafanaRulesFile, prometheusRulesFile } from "../../build/rules";
import { templateProblem } from "../../alerts/templates";
import { checkRuleFile } from "../../build/templates";
import { DashboardError } from "../../errors";
import { requireCommand, useTempFolder } from "../support/build";

const hostileJobs = ["{{", "}} {{ $value | humanize", '{{ "x" }}', 'a"b`c{'];

describe("a job that looks like a template", () => {
  const folder = useTempFolder("alert-templates-");

  it.each(hostileJobs)("%j: promtool and vmalert accept the Prometheus rule file", (job) => {
    const file = join(folder(), "rules.yml");
    writeFileSync(file, prometheusRulesFile({ job }));
    const promtool = spawnSync(requireCommand("promtool", "prometheus"), ["check", "rules", file], {
      encoding: "utf8",
    });
    expect(promtool.stdout + promtool.stderr).toMatch(/SUCCESS/);
    expect(promtool.status).toBe(0);
    const vmalert = spawnSync(requireCommand("vmalert", "victoria-metrics"), ["-dryRun", `-rule=${file}`], {
      encoding: "utf8",
    });
    expect(vmalert.status).toBe(0);
  });

  it.each(hostileJobs)("%j: the summary still says the job, as text", (job) => {
    const rules = parse(prometheusRulesFile({ job })) as {
      groups: { rules: { alert: string; annotations: { summary: string } }[] }[];
    };
    const summary = rules.groups[0]!.rules.find((rule) => rule.alert === "AkkomaTargetMissing")!.annotations.summary;
    // What Go's text/template prints for {{ "x" }} is x: undo that and the job is back.
    expect(summary.replace(/\{\{ "(\{\{|\}\})" \}\}/g, "$1")).toBe(`No target of scrape job ${job} is scraped`);
  });

  it.each(hostileJobs)("%j: every Grafana rule annotation is a valid template", async (job) => {
    const file = JSON.parse(await grafanaRulesFile({ job, datasourceUid: "prometheus" })) as {
      groups: { rules: { annotations: Record<string, string> }[] }[];
    };
    for (const rule of file.groups[0]!.rules)
      for (const text of Object.values(rule.annotations)) expect(templateProblem(text)).toBeUndefined();
  });
});

describe("a rendered rule file is checked before it is written", () => {
  it.each([
    ["an action never closed", "job }} {{ $value | humanize is down", /never closed/],
    ["a quote never closed in an action", '{{ "x }} down', /unterminated quoted text/],
    ["an empty action", "{{ }}", /empty action/],
  ])("%s is refused, naming the rule file and the annotation", (_, summary, problem) => {
    const rules = { groups: [{ rules: [{ alert: "A", annotations: { summary } }] }] };
    const text = JSON.stringify(rules);
    expect(() => checkRuleFile(rules, text, "Prometheus alert rules", "json")).toThrow(DashboardError);
    expect(() => checkRuleFile(rules, text, "Prometheus alert rules", "json")).toThrow(
      new RegExp(`^Prometheus alert rules: groups\\[0\\]\\.rules\\[0\\]\\.annotations\\.summary: .*${problem.source}`),
    );
  });

  it("valid templates pass", () => {
    expect(templateProblem('{{ $labels.instance }} at {{ $value | humanize }}, {{ "{{" }}')).toBeUndefined();
  });
});
