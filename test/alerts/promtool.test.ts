// Prometheus' own rule engine, through promtool: the rule files are valid, every alert fires in its
// incident, and none fires over a calm history (a restart, dead hosts failing every hour, lazy series).
// The alerts read recorded series, so both files are loaded; the same holds for non-default values.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { akkomaAlertSet, akkomaAlerts } from "../../alerts/akkoma";
import { federationSloSet } from "../../alerts/slo";
import { type RuleRendering, prometheusRulesFile, recordingRulesFile } from "../../build/rules";
import { alerts as settings } from "../../config";
import { incidents } from "../../harness/incidents";
import { type SyntheticSeries, generateHistory } from "../../harness/synthetic";
import { projectRoot } from "../support/build";
import { inputSeries, promtool, relabelled, testRules, writeRuleFiles } from "../support/promtool";

interface Rendering {
  readonly name: string;
  readonly rules: RuleRendering;
  /** The job label's name and the further target labels the scraper adds (as the rules' selector expects). */
  readonly jobLabel: string;
  readonly targetLabels: Readonly<Record<string, string>>;
}

const renderings: Rendering[] = [
  { name: "default values", rules: {}, jobLabel: "job", targetLabels: {} },
  {
    name: "a relabelled job, a cluster matcher, own labels and tuned alerts",
    rules: {
      job: "social",
      target: { jobLabel: "service", matchers: { cluster: "eu1" } },
      labels: { team: "fediverse-ops" },
      tuning: {
        AkkomaDatabasePoolSaturated: { threshold: 25, severity: "critical" },
        AkkomaJobQueueBackingUp: { for: "20m" },
        AkkomaBeamIoRunQueueHigh: { enabled: false },
      },
    },
    jobLabel: "service",
    targetLabels: { cluster: "eu1" },
  },
];

describe.each(renderings)("with $name", ({ rules, jobLabel, targetLabels }) => {
  const job = rules.job ?? settings.job;
  const alerts = akkomaAlerts(rules);
  const alertNames = alerts.map((alert) => alert.name);
  const labelsOf = (name: string) => alerts.find((alert) => alert.name === name)?.labels;
  const scraped = (series: readonly SyntheticSeries[]) => relabelled(series, jobLabel, targetLabels);
  const expected = (name: string, labels: Record<string, string>) => ({
    exp_labels: { ...labelsOf(name), [jobLabel]: job, ...targetLabels, ...labels },
  });
  type Expected = ReturnType<typeof expected>;

  let folder = "";
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "akkoma-promtool-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("promtool check rules accepts both rule files", () => {
    writeFileSync(join(folder, "check-alerts.yml"), prometheusRulesFile(rules));
    writeFileSync(join(folder, "check-recordings.yml"), recordingRulesFile(rules));
    const result = promtool(["check", "rules", "check-recordings.yml", "check-alerts.yml"], folder);
    const recordings = akkomaAlertSet(rules).recordingRules.length;
    expect(result.output).toContain(`SUCCESS: ${recordings + alerts.length} rules found`);
    expect(result.status).toBe(0);
  });

  it("every enabled alert fires in its incident, and no other alert does there", () => {
    const instance = "down.incident.test:443";
    const upSeries = (values: number[]): SyntheticSeries[] => [
      { name: "up", kind: "gauge", labels: { job, instance }, values: Float64Array.from(values) },
    ];
    // Akkoma polling once a minute: what the alerts' recordings need to exist.
    const polls = (minutes: number): SyntheticSeries[] =>
      ["psum", "pcount"].map((part) => ({
        name: `vm_memory_total_${part}`,
        kind: "counter",
        labels: { job, instance },
        values: Float64Array.from({ length: minutes }, (_, m) => (m + 1) * (part === "psum" ? 4e8 : 1)),
      }));
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
        name: "a single 401 and a single crash, each from a host of its own, fire nothing",
        series: [
          ...upSeries(Array(90).fill(1)),
          ...polls(90),
          ...["http_401", "crash"].map((reason) => ({
            name: "akkoma_ap_delivery_fail_final",
            kind: "counter" as const,
            labels: { job, instance, target: `${reason}.example`, reason },
            values: Float64Array.from({ length: 90 }, (_, m) => (m < 20 ? Number.NaN : 1)),
          })),
        ],
        at: 60,
        alerts: {},
      },
      {
        name: "AkkomaTargetMissing: absent() keeps only the selector's equality labels",
        series: upSeries([...Array(10).fill(1), ...Array(30).fill(Number.NaN)]),
        at: 30,
        alerts: { AkkomaTargetMissing: [expected("AkkomaTargetMissing", {})] },
      },
    ];
    const result = testRules(
      folder,
      writeRuleFiles(folder, rules),
      scenarios.map((scenario) => ({
        name: scenario.name,
        input_series: inputSeries(scraped(scenario.series)),
        alert_rule_test: alertNames.map((alertname) => ({
          eval_time: `${scenario.at}m`,
          alertname,
          exp_alerts: (scenario.alerts as Record<string, Expected[]>)[alertname] ?? [],
        })),
      })),
    );
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("a ruler that stopped recording while the target stays up raises AkkomaRecordingRulesMissing alone", () => {
    const instance = "ruler.stopped.test:443";
    const up: SyntheticSeries = {
      name: "up",
      kind: "gauge",
      labels: { job, instance },
      values: Float64Array.from(Array(60).fill(1)),
    };
    // What a ruler (or vmalert's remoteWrite) wrote for every recording until minute 20, then nothing: small
    // values, none past an alert's bar.
    const recordings = [...akkomaAlertSet(rules).recordingRules, ...federationSloSet(rules).recordings];
    const recorded: SyntheticSeries[] = recordings.map(({ record }) => ({
      name: record,
      kind: "gauge",
      labels: { [jobLabel]: job, instance, ...targetLabels, ...(record.includes("_worker:") ? { worker: "W" } : {}) },
      values: Float64Array.from({ length: 60 }, (_, m) => (m < 20 ? 0.01 : Number.NaN)),
    }));
    const missing = [expected("AkkomaRecordingRulesMissing", { instance })];
    const result = testRules(folder, writeRuleFiles(folder, rules, { withoutRecordings: true }), [
      {
        name: "stopped ruler",
        input_series: inputSeries([...scraped([up]), ...recorded]),
        alert_rule_test: [10, 30, 50].flatMap((m) =>
          alertNames.map((alertname) => ({
            eval_time: `${m}m`,
            alertname,
            // Stale 5 minutes after the last write, then pending for its `for`.
            exp_alerts: alertname === "AkkomaRecordingRulesMissing" && m === 50 ? missing : [],
          })),
        ),
      },
    ]);
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
    const result = testRules(folder, writeRuleFiles(folder, rules), [
      {
        name: "calm",
        input_series: inputSeries(scraped(history.series)),
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
});

it("out/ holds the rule files the code generates", () => {
  const read = (file: string) => readFileSync(join(projectRoot, "out", "prometheus", file), "utf8");
  expect(read("akkoma-alerts.yml")).toBe(prometheusRulesFile());
  expect(read("akkoma-dashboard-recording-rules.yml")).toBe(recordingRulesFile());
});

it("a disabled alert is left out of the rule files, and so are the recordings only it read", () => {
  const tuning = { AkkomaBeamIoRunQueueHigh: { enabled: false } };
  expect(akkomaAlerts({ tuning }).map((alert) => alert.name)).not.toContain("AkkomaBeamIoRunQueueHigh");
  expect(prometheusRulesFile()).toContain("vm_total_run_queue_lengths_io_fsum");
  expect(prometheusRulesFile({ tuning })).not.toContain("vm_total_run_queue_lengths_io_fsum");
});

it("no recording or alert expression in any rule file or Kubernetes form is over 300 characters", () => {
  // Long ones are split into recordings read later in their group: a reviewer reads each in one go.
  const folders = [join(projectRoot, "out", "prometheus"), join(projectRoot, "out", "kubernetes")];
  const files = folders.flatMap((folder) => readdirSync(folder).map((file) => join(folder, file)));
  const exprs = files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8")).flatMap((document) => {
      const found: { file: string; name: string; length: number }[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node !== null && typeof node === "object") {
          const rule = node as { expr?: unknown; record?: string; alert?: string };
          // Rules only: a dashboard resource's panel queries hold `expr` too.
          const name = rule.record ?? rule.alert;
          if (typeof rule.expr === "string" && name !== undefined) found.push({ file, name, length: rule.expr.length });
          Object.values(node).forEach(visit);
        }
      };
      visit(document.toJS());
      return found;
    }),
  );
  expect(exprs.length).toBeGreaterThan(50);
  expect(exprs.filter(({ length }) => length > 300)).toEqual([]);
  // The raw form is what the recorded one replaced: several times longer.
  const jobs = akkomaAlerts().find((alert) => alert.name === "AkkomaJobsFailing");
  expect(jobs!.recordedCondition.toString().length * 4).toBeLessThan(jobs!.condition.toString().length);
});

it("a regex namespace matcher and groupBy keep each namespace's targets apart, and leave out the namespaces it does not match", () => {
  const rules: RuleRendering = { target: { matchers: { namespace: { regex: "akkoma-.*" } }, groupBy: ["pod"] } };
  // One Service name in three namespaces: the same instance label, each pod's own run queue.
  const instance = "akkoma:4000";
  const pods = [
    { namespace: "akkoma-eu", pod: "akkoma-0", runQueue: 5 },
    { namespace: "akkoma-us", pod: "akkoma-0", runQueue: 0.1 },
    { namespace: "mastodon", pod: "akkoma-0", runQueue: 9 },
  ];
  const minutes = 60;
  const counter = (name: string, labels: Record<string, string>, perMinute: number): SyntheticSeries => ({
    name,
    kind: "counter",
    labels: { job: settings.job, instance, ...labels },
    values: Float64Array.from({ length: minutes }, (_, m) => (m + 1) * perMinute),
  });
  const series = pods.flatMap(({ namespace, pod, runQueue }) => [
    { ...counter("up", { namespace, pod }, 0), kind: "gauge" as const, values: new Float64Array(minutes).fill(1) },
    counter("vm_memory_total_psum", { namespace, pod }, 4e8),
    counter("vm_memory_total_pcount", { namespace, pod }, 1),
    counter("vm_total_run_queue_lengths_cpu_psum", { namespace, pod }, runQueue),
    counter("vm_total_run_queue_lengths_cpu_pcount", { namespace, pod }, 1),
  ]);
  const folder = mkdtempSync(join(tmpdir(), "akkoma-promtool-namespaces-"));
  try {
    const alerts = akkomaAlerts(rules);
    const result = testRules(folder, writeRuleFiles(folder, rules), [
      {
        name: "two namespaces",
        input_series: inputSeries(series),
        alert_rule_test: alerts.map(({ name, labels }) => ({
          eval_time: "50m",
          alertname: name,
          exp_alerts:
            name === "AkkomaBeamCpuRunQueueHigh"
              ? [{ exp_labels: { ...labels, job: settings.job, instance, namespace: "akkoma-eu", pod: "akkoma-0" } }]
              : [],
        })),
      },
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
    // The regex reaches every selector as a regex, not a literal.
    expect(prometheusRulesFile(rules)).toContain('namespace=~"akkoma-.*"');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
