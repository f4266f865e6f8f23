import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { catalogue } from "../../queries/catalogue";
import { type Exported, compare, describeFinding, exportedByTelemetry, needs, panelsOf } from "../../check/compare";
import { readTelemetry } from "../../check/telemetry";
import { fixtureCatalogue, fixturePanels, telemetryEx, variant } from "./fixtures";

const all = needs(fixtureCatalogue, fixturePanels);
const fromTelemetry = (source: string): Exported => exportedByTelemetry(readTelemetry(source, "telemetry.ex"));
const lines = (exported: Exported, lazyMayBeAbsent = false) => {
  const result = compare(all, exported, fixturePanels, { lazyMayBeAbsent });
  return {
    failures: result.failures.map(describeFinding),
    warnings: result.warnings.map(describeFinding),
    checked: result.checked,
  };
};

describe("needs", () => {
  test("lists every exported series of every metric with the panels whose queries read it", () => {
    const byName = new Map(all.map((n) => [n.series, n.panels]));
    expect(byName.get("oban_job_completion_count")).toEqual(["Job Completions"]);
    expect(byName.get("oban_job_completion_sum")).toEqual(["Job Time"]);
    expect(byName.get("oban_job_completion_bucket")).toEqual([]);
    expect(byName.get("vm_memory_total_pcount")).toEqual(["BEAM System Load"]);
    expect(byName.get("up")).toEqual(["Up"]);
  });
});

describe("compare", () => {
  test("everything exported: no findings; the scraper's `up` is not Akkoma's to export", () => {
    expect(lines(fromTelemetry(telemetryEx))).toEqual({ failures: [], warnings: [], checked: 11 });
  });

  test("a renamed metric: the old series is reported with the panels it would blank", () => {
    const exported = fromTelemetry(variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'));
    expect(lines(exported).failures).toEqual(["akkoma_job_queue_available: not exported (panels: Pending Jobs)"]);
  });

  test("a dropped tag: the label is reported for the panels that use it", () => {
    const exported = fromTelemetry(variant("tags: [:worker],", ""));
    expect(lines(exported).failures).toEqual([
      'oban_job_completion_sum: label "worker" not exported (no panel uses it)',
      'oban_job_completion_count: label "worker" not exported (panels: Job Completions)',
    ]);
  });

  test("lazy series must be defined in telemetry.ex", () => {
    const exported = fromTelemetry(
      variant('counter("#{@prefix}.ap.delivery.fail.final", tags: [:target, :reason]),', ""),
    );
    expect(lines(exported).failures).toEqual([
      "akkoma_ap_delivery_fail_final: not exported (panels: Failed AP deliveries)",
    ]);
  });

  test("in a scrape, a lazy series not seen yet is a warning; a missing label on it is still a failure", () => {
    const exported = new Map(fromTelemetry(telemetryEx));
    exported.delete("akkoma_ap_delivery_fail_final");
    expect(lines(exported, true)).toEqual({
      failures: [],
      warnings: [
        "warning: akkoma_ap_delivery_fail_final: not seen yet (lazy: appears after its first event) (panels: Failed AP deliveries)",
      ],
      checked: 11,
    });
    exported.set("akkoma_ap_delivery_fail_final", { labels: new Set(["target"]) });
    expect(lines(exported, true).failures).toEqual([
      'akkoma_ap_delivery_fail_final: label "reason" not exported (panels: Failed AP deliveries)',
    ]);
  });

  test("labels telemetry.ex builds at runtime cannot be verified, and say why", () => {
    const exported = fromTelemetry(variant("tags: [:queue_name]", "tags: Config.get(:queue_tags)"));
    expect(lines(exported).failures).toEqual([
      expect.stringMatching(
        /^akkoma_job_queue_available: cannot verify labels "queue_name": telemetry\.ex:\d+: Fixture\.Config\.get\/1 is evaluated only at runtime \(line \d+\) \(panels: Pending Jobs\)$/,
      ),
    ]);
  });

  test("label names inside string literals do not count as uses", () => {
    const panels = [{ title: "Decoy", exprs: ['oban_job_completion_count{worker="x",route="worker"}'] }];
    const decoy = compare(
      needs(fixtureCatalogue, panels),
      new Map([["oban_job_completion_count", { labels: new Set<string>() }]]),
      panels,
      {
        lazyMayBeAbsent: false,
      },
    );
    expect(decoy.failures.map(describeFinding)).toContain(
      'oban_job_completion_count: label "worker" not exported (panels: Decoy)',
    );
    const noUse = [{ title: "No use", exprs: ['oban_job_completion_count{route="worker"}'] }];
    const unused = compare(
      needs(fixtureCatalogue, noUse),
      new Map([["oban_job_completion_count", { labels: new Set<string>() }]]),
      noUse,
      {
        lazyMayBeAbsent: false,
      },
    );
    expect(unused.failures.map(describeFinding)).toContain(
      'oban_job_completion_count: label "worker" not exported (no panel uses it)',
    );
  });
});

describe("panelsOf", () => {
  test("reads titles and exprs, including panels inside collapsed rows, and skips rows", () => {
    const query = (expr: string) => ({ refId: "A", expr, _implementsDataqueryVariant: () => undefined });
    const model: dashboard.Dashboard = {
      ...dashboard.defaultDashboard(),
      panels: [
        { type: "timeseries", title: "Open", targets: [query("a_total"), query("b_total")] },
        {
          type: "row",
          collapsed: true,
          id: 9,
          title: "Row",
          panels: [{ type: "stat", title: "Inside", targets: [query("c_total")] }],
        },
        { type: "text", id: 4 },
      ],
    };
    expect(panelsOf(model)).toEqual([
      { title: "Open", exprs: ["a_total", "b_total"] },
      { title: "Inside", exprs: ["c_total"] },
      { title: "untitled text panel #4", exprs: [] },
    ]);
  });

  test("on the real dashboard, every panel with queries reads at least one catalogue series", () => {
    const panels = panelsOf(akkomaDashboard());
    const reading = new Set(needs(catalogue, panels).flatMap((n) => n.panels));
    const withQueries = panels.filter((p) => p.exprs.length > 0);
    expect(withQueries.length).toBeGreaterThan(0);
    expect(withQueries.filter((p) => !reading.has(p.title)).map((p) => p.title)).toEqual([]);
  });
});
