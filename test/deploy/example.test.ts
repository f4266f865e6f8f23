// The values file end to end: docs/values.example.yaml (the README's full example) renders a dashboard,
// recording rules and alerts for those values, and promtool accepts the rule files.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { akkomaAlerts } from "../../alerts/akkoma";
import { federationSloAlerts } from "../../alerts/slo";
import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { outputs } from "../../config";
import { panelsIn } from "../../dashboards/rows";
import { titles } from "../../panels/titles";
import schema from "../../deploy/values.schema.json";
import { projectRoot, runCli } from "../support/build";
import { promtool } from "../support/promtool";

const example = join(projectRoot, "docs", "values.example.yaml");

it("the full example renders every file for its values, and promtool checks its rule files", () => {
  const values = parse(readFileSync(example, "utf8")) as { uid: string; alerts: object };
  const base = join(projectRoot, outputs.renderedFolder, values.uid);
  const files = [
    ...["json", "alerts.yml", "dashboard-recording-rules.yml", "alert-rules.json", "slo-rules.yml"],
    ...["v2.json", "v2beta1.json"],
  ].map((ext) => `${base}.${ext}`);
  try {
    const result = runCli(["build", "--config", example]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const [dashboard, alerts, recordings, grafana, , v2] = files.map((file) => readFileSync(file, "utf8")) as string[];
    const check = promtool(["check", "rules", files[2]!, files[1]!, files[4]!], projectRoot);
    // The example's 99.5 % objective and its ticket's burn rate of 3: 3 times 0.5 % failed; its page's own labels.
    const objective = parse(readFileSync(files[4]!, "utf8")) as {
      groups: { rules: { alert?: string; expr: string; labels?: object }[] }[];
    };
    const objectiveAlerts = objective.groups.flatMap((group) => group.rules).filter((rule) => rule.alert);
    expect(objectiveAlerts.find((rule) => rule.alert === "AkkomaFederationBudgetBurn")?.expr).toContain(
      'failed_share6h{job="akkoma",cluster="eu1"}) > (0.015)',
    );
    expect(objectiveAlerts.find((rule) => rule.alert === "AkkomaFederationAttemptsFailing")?.labels).toEqual({
      team: "fediverse-ops",
      environment: "production",
      page: "yes",
      severity: "critical",
    });
    expect(check.output).toContain("SUCCESS");
    expect(check.status).toBe(0);

    const rules = (
      parse(alerts!) as {
        groups: {
          rules: { alert: string; expr: string; labels: object; for: string; annotations: Record<string, string> }[];
        }[];
      }
    ).groups[0]!.rules.filter((rule) => rule.alert !== undefined);
    expect(rules.map((rule) => rule.alert)).not.toContain("AkkomaBeamIoRunQueueHigh");
    const pool = rules.find((rule) => rule.alert === "AkkomaDatabasePoolSaturated")!;
    expect(pool.expr).toMatch(/> \(30\)$/);
    expect(pool.labels).toEqual({ team: "fediverse-ops", environment: "production", severity: "critical" });
    expect(rules.find((rule) => rule.alert === "AkkomaDown")!.for).toBe("10m");
    for (const rule of rules) {
      expect(rule.expr).toContain('cluster="eu1"');
      expect(rule.annotations.dashboard_url).toMatch(/^https:\/\/grafana\.example\.org\/d\/akkoma-eu1\?viewPanel=\d+$/);
    }
    // The alerts' own recordings, in their file, leave out the values' dead-instance reasons.
    expect(alerts).toContain('reason!~"http_410|http_502|');
    expect(alerts).not.toContain("http_525");
    expect(JSON.parse(grafana!).groups[0].rules[0].labels).toMatchObject({ team: "fediverse-ops" });
    const monitor = parse(readFileSync(`${base}.kubernetes/service-monitor.yaml`, "utf8"));
    expect(monitor.metadata.name).toBe(values.uid);
    expect(monitor.metadata).toMatchObject({ namespace: "akkoma", labels: { release: "kube-prometheus-stack" } });
    expect(monitor.spec.endpoints[0].relabelings).toEqual([{ targetLabel: "job", replacement: "akkoma" }]);
    expect(readFileSync(`${base}.kubernetes/prometheus-rule.yaml`, "utf8")).toContain("team: fediverse-ops");
    // The dashboard goes where the Grafana Operator matches it: the Grafana instance's namespace.
    expect(parse(readFileSync(`${base}.kubernetes/grafana-dashboard.yaml`, "utf8")).metadata.namespace).toBe(
      "monitoring",
    );
    expect(dashboard).toContain("http_410|http_502|http_520|http_521|http_522|http_523|http_524|econnrefused");
    // The objective's row follows the values: their 99.5 % and their dead-instance reasons, not the defaults.
    const budget = panelsIn((JSON.parse(dashboard!) as { panels: Panel[] }).panels).find(
      (panel) => panel.title === titles.deliveryBudget,
    );
    expect(budget?.description).toContain("99.5 %");
    const budgetExpr = (budget?.targets?.[0] as { expr?: string } | undefined)?.expr ?? "";
    expect(budgetExpr).toContain("(0.005)");
    // recorded: true: the budget sums the hourly failures its recording rule counts with their reasons.
    const failedHourly = (parse(recordings!) as { groups: { rules: { record?: string; expr: string }[] }[] }).groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.record?.endsWith(":failed_increase1h"));
    expect(budgetExpr).toContain(`${failedHourly?.record}{`);
    expect(failedHourly?.expr).toContain('reason!~"http_410|http_502|');
    expect(failedHourly?.expr).not.toContain("http_525");
    // The panels read recorded series, each one the recording rules or the objective's rules write.
    const slo = readFileSync(files[4]!, "utf8");
    const read = new Set([...dashboard.matchAll(/\b(\w+:\w+:\w+)\{/g)].map((match) => match[1]));
    expect(read.size).toBeGreaterThan(20);
    for (const name of read) expect(recordings + slo).toContain(`record: ${name}\n`);
    expect([...read].every((name) => name!.startsWith("job_instance_cluster"))).toBe(true);
    // The v2 resource reads the same recorded series.
    expect(new Set([...v2!.matchAll(/\b(\w+:\w+:\w+)\{/g)].map((match) => match[1]))).toEqual(read);
  } finally {
    for (const file of [...files, `${base}.kubernetes`]) rmSync(file, { force: true, recursive: true });
  }
});

it("the values schema lists every alert by name, so each can be tuned", () => {
  expect(Object.keys(schema.properties.alerts.properties)).toEqual(
    [...akkomaAlerts(), ...federationSloAlerts()].map((alert) => alert.name),
  );
});
