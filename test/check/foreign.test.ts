import { readDashboardFile } from "../../check/dashboard-file";
import { readRulesFile } from "../../check/rules-file";
import type { Reader } from "../../queries/query";
import { readTelemetry } from "../../check/telemetry";
import { expositionFrom, runCheckInProcess, telemetryEx, variant, writeFixture } from "./fixtures";
import { prometheusRules, referenceDashboard, ruleResources } from "./foreign-fixtures";

const dashboardFile = (json: unknown = referenceDashboard) => writeFixture("dashboard.json", JSON.stringify(json));
const telemetryFile = (source = telemetryEx) => writeFixture("telemetry.ex", source);

describe("check --dashboard", () => {
  test("names each panel of Akkoma's reference dashboard that would go blank, and why", async () => {
    const result = await runCheckInProcess(["check", "--dashboard", dashboardFile(), "--telemetry", telemetryFile()]);
    expect(result.out).toEqual([
      "pleroma_repo_query_queue_time_bucket: not exported (panels: Single DB Query (95% quantiles))",
      "tesla_request_completed_count: not exported (panels: Outgoing Requests)",
      expect.stringMatching(
        /^FAIL: .*telemetry\.ex: 2 of 9 series not exported: 2 of 10 in .*dashboard\.json would go blank or silent: panel "Single DB Query \(95% quantiles\)", panel "Outgoing Requests"$/,
      ),
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("a label a matcher needs: =~ fails without it, !~ does not", async () => {
    const source = variant("tags: [:worker],", "");
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      dashboardFile(),
      "--telemetry",
      telemetryFile(source),
    ]);
    expect(result.out).toContain(
      'oban_job_completion_count: label "worker" not exported (panels: Receive, Fetch, Publish Events)',
    );
    expect(result.out.filter((line) => line.includes("Job Completions"))).toEqual([]);
  });

  test("exit 0 when every panel reads what is exported", async () => {
    const healthy = {
      ...referenceDashboard,
      panels: referenceDashboard.panels.filter(
        (p) => !["Single DB Query (95% quantiles)", "Outgoing Requests"].includes(p.title),
      ),
    };
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      dashboardFile(healthy),
      "--telemetry",
      telemetryFile(),
    ]);
    expect(result.out).toEqual([
      expect.stringMatching(/^ok: .*telemetry\.ex exports all 6 series .*dashboard\.json reads, with their labels$/),
    ]);
    expect(result.exitCode).toBe(0);
  });

  test("against a scrape: a value no sample has, and a lazy series not seen yet, are warnings", async () => {
    const scrape = expositionFrom(readTelemetry(telemetryEx, "telemetry.ex"))
      .split("\n")
      .filter((line) => !line.startsWith("akkoma_ap_delivery_fail_final"))
      .join("\n");
    const dashboard = {
      panels: [
        {
          title: "Pending federator",
          type: "stat",
          targets: [{ expr: 'akkoma_job_queue_available{queue_name="federator_outgoing"}' }],
        },
        { title: "Failed", type: "stat", targets: [{ expr: "akkoma_ap_delivery_fail_final" }] },
      ],
    };
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      dashboardFile(dashboard),
      "--metrics",
      writeFixture("scrape.txt", scrape),
    ]);
    expect(result.out).toEqual([
      "warning: akkoma_ap_delivery_fail_final: not seen yet (lazy: appears after its first event) (panels: Failed)",
      'warning: akkoma_job_queue_available: no exported value of label "queue_name" matches queue_name="federator_outgoing" (panels: Pending federator)',
      expect.stringMatching(/^ok: .* \(1 lazy series not seen yet; 1 label value not seen yet\)$/),
    ]);
    expect(result.exitCode).toBe(0);
  });

  test("a matcher asking for a label telemetry.ex always sets to be empty matches nothing", async () => {
    const dashboard = {
      panels: [
        {
          title: "Unrouted",
          type: "stat",
          targets: [{ expr: 'phoenix_router_dispatch_stop_duration_count{route=""}' }],
        },
      ],
    };
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      dashboardFile(dashboard),
      "--telemetry",
      telemetryFile(),
    ]);
    expect(result.out[0]).toBe(
      'phoenix_router_dispatch_stop_duration_count: route="" is impossible: every sample has label "route" (panels: Unrouted)',
    );
    expect(result.exitCode).toBe(1);
  });

  test("not a dashboard, or not JSON: exit 2 naming the file", async () => {
    for (const text of ['{"groups": []}', "{ not json"]) {
      const path = writeFixture("x.json", text);
      const result = await runCheckInProcess(["check", "--dashboard", path, "--telemetry", telemetryFile()]);
      expect(result.err).toEqual([expect.stringContaining(`${path}: not`)]);
      expect(result.exitCode).toBe(2);
    }
  });
});

/** A reader's series, each with the labels its matchers name. */
const seriesOf = (reader: Reader | undefined) =>
  reader?.reads.map((read) => [read.series, (read.matchers ?? []).map((m) => `${m.label}${m.op}${m.value}`)]);

describe("reading dashboard files", () => {
  test("rows' nested panels and inline library panels are read; a library panel not in the file is said to be", () => {
    const read = readDashboardFile(referenceDashboard, "reference.json");
    expect(read.readers.map((r) => r.name)).toContain("Pending Jobs");
    expect(seriesOf(read.readers.find((r) => r.name === "Up" && r.reads.length > 0))).toEqual([
      ["up", ["job=${SCRAPE_JOB}", "instance=${INSTANCE}"]],
    ]);
    const { __elements: _elements, ...withoutElements } = referenceDashboard;
    const missing = readDashboardFile(withoutElements, "reference.json").readers.find((r) => r.name === "Up");
    expect(missing?.problems).toEqual(['library panel "lib-uptime" is not in the file']);
  });

  test("the HTTP API's body, the old rows layout, query variables and annotations", () => {
    const read = readDashboardFile(
      {
        dashboard: {
          rows: [{ panels: [{ title: "Users", targets: [{ expr: "pleroma_local_users_total" }] }] }],
          templating: {
            list: [{ name: "job", type: "query", query: { query: "label_values(pleroma_local_users_total, job)" } }],
          },
          annotations: { list: [{ name: "Restarts", expr: "resets(vm_memory_total_pcount[5m]) > 0" }] },
        },
        overwrite: true,
      },
      "api.json",
    );
    expect(read.readers.map((r) => [r.kind, r.name, r.reads.map((x) => x.series), r.shared])).toEqual([
      ["panel", "Users", ["pleroma_local_users_total"], undefined],
      ["variable", "$job", ["pleroma_local_users_total"], [{ label: "job", series: ["pleroma_local_users_total"] }]],
      ["annotation", "Restarts", ["vm_memory_total_pcount"], undefined],
    ]);
  });

  test("a legend's labels are relied on, over the series of its query", () => {
    const read = readDashboardFile(
      {
        panels: [
          { title: "Queues", targets: [{ expr: "sum(akkoma_job_queue_available)", legendFormat: "{{queue_name}}" }] },
        ],
      },
      "legend.json",
    );
    expect(read.readers[0]?.shared).toEqual([{ label: "queue_name", series: ["akkoma_job_queue_available"] }]);
  });

  test("queries of other data sources (Loki, Tempo) are not PromQL", () => {
    const read = readDashboardFile(
      { panels: [{ title: "Logs", targets: [{ datasource: { type: "loki" }, expr: '{app="akkoma"}' }] }] },
      "logs.json",
    );
    expect(read.readers[0]?.reads).toEqual([]);
  });
});

describe("check --rules", () => {
  test("names each alert that would stay silent; recorded series feed the rules reading them", async () => {
    const rules = writeFixture("rules.yml", prometheusRules);
    const result = await runCheckInProcess(["check", "--rules", rules, "--telemetry", telemetryFile()]);
    expect(result.out).toEqual([
      'phoenix_router_dispatch_stop_duration_count: label "status" not exported (alerts: AkkomaHttpErrors)',
      expect.stringMatching(
        /^FAIL: .*telemetry\.ex: 1 label problem: 1 of 4 in .*rules\.yml would go blank or silent: alert "AkkomaHttpErrors"$/,
      ),
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("PrometheusRule and VMRule resources in one YAML stream", async () => {
    const rules = writeFixture("resources.yaml", ruleResources);
    const result = await runCheckInProcess(["check", "--rules", rules, "--telemetry", telemetryFile()]);
    expect(result.out[0]).toBe("tesla_request_completed_count: not exported (alerts: AkkomaOutgoingRequestsFailing)");
    expect(readRulesFile(ruleResources, "resources.yaml").map((r) => r.name)).toEqual([
      "AkkomaDown",
      "AkkomaOutgoingRequestsFailing",
    ]);
  });

  test("a dashboard reading a series the rule file records is judged with the rules", async () => {
    const dashboard = {
      panels: [{ title: "Failing", type: "stat", targets: [{ expr: "akkoma:deliveries_failed:rate5m" }] }],
    };
    const args = ["check", "--rules", writeFixture("rules.yml", prometheusRules), "--telemetry", telemetryFile()];
    const alone = await runCheckInProcess([
      "check",
      "--dashboard",
      dashboardFile(dashboard),
      "--telemetry",
      telemetryFile(),
    ]);
    expect(alone.out[0]).toBe("akkoma:deliveries_failed:rate5m: not exported (panels: Failing)");
    const together = await runCheckInProcess([...args, "--dashboard", dashboardFile(dashboard)]);
    expect(together.out).toContainEqual(expect.stringMatching(/^ok: .* exports all 0 series .*dashboard\.json reads/));
  });

  test("a YAML alias bomb is bad input naming the file, exit 2, not an internal error", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    const path = writeFixture("bomb.yml", `${levels.join("\n")}\ngroups: []\n`);
    const result = await runCheckInProcess(["check", "--rules", path, "--telemetry", telemetryFile()]);
    expect(result.err).toEqual([expect.stringMatching(new RegExp(`^akkoma-dashboards: ${path}: cannot be read: `))]);
    expect(result.exitCode).toBe(2);
  });

  test("a rule written with a <<: merge key counts, as promtool loads it", () => {
    const merged =
      "groups:\n- name: g\n  rules:\n  - &base\n    alert: A\n    expr: up == 0\n  - <<: *base\n    alert: B\n";
    expect(readRulesFile(merged, "rules.yml").map((r) => [r.kind, r.name, seriesOf(r)])).toEqual([
      ["alert", "A", [["up", []]]],
      ["alert", "B", [["up", []]]],
    ]);
  });

  test("an unknown YAML tag is bad input naming the file and line", async () => {
    const tagged = "groups:\n- name: g\n  rules:\n  - !!python/object:rule\n    alert: C\n    expr: up\n";
    const path = writeFixture("rules.yml", tagged);
    const result = await runCheckInProcess(["check", "--rules", path, "--telemetry", telemetryFile()]);
    expect(result.err).toEqual([
      expect.stringMatching(new RegExp(`^akkoma-dashboards: ${path}:4: an unknown YAML tag: .*python/object:rule`)),
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("YAML nested too deeply for the parser: said so, naming file, line and column", async () => {
    const path = writeFixture("rules.yml", `groups: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    const result = await runCheckInProcess(["check", "--rules", path, "--telemetry", telemetryFile()]);
    expect(result.err).toEqual([
      expect.stringMatching(
        new RegExp(`^akkoma-dashboards: ${path}:1: not YAML: nested too deeply .* at column \\d+ `),
      ),
    ]);
    expect(result.err[0]).not.toMatch(/call stack/);
    expect(result.exitCode).toBe(2);
  });

  test("a file without rules: exit 2 naming it", async () => {
    const path = writeFixture("empty.yml", "groups: []\n");
    const result = await runCheckInProcess(["check", "--rules", path, "--telemetry", telemetryFile()]);
    expect(result.err).toEqual([expect.stringContaining(`${path}: no rules found`)]);
    expect(result.exitCode).toBe(2);
  });
});
