import { sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import { catalogue, exportedSeries } from "../../queries/catalogue";
import { type Exported, type Need, compare, describeFinding, exportedByTelemetry, needs } from "../../check/compare";
import { readTelemetry } from "../../check/telemetry";
import { fixtureCatalogue, fixturePanels, telemetryEx, variant } from "./fixtures";

const all = needs(fixtureCatalogue, fixturePanels);
const fromTelemetry = (source: string): Exported => exportedByTelemetry(readTelemetry(source, "telemetry.ex"));
const lines = (exported: Exported, lazyMayBeAbsent = false) => {
  const result = compare(all, exported, { lazyMayBeAbsent });
  return {
    failures: result.failures.map(describeFinding),
    warnings: result.warnings.map(describeFinding),
    checked: result.checked,
  };
};

describe("needs", () => {
  test("lists every series some panel reads, with those panels and the labels they rely on", () => {
    const byName = new Map(all.map((n) => [n.series, { panels: n.readers.map((r) => r.name), labels: n.labels }]));
    expect(byName.get("oban_job_completion_count")).toEqual({ panels: ["Job Completions"], labels: ["worker"] });
    expect(byName.get("oban_job_completion_sum")).toEqual({ panels: ["Job Time"], labels: [] });
    expect(byName.has("oban_job_completion_bucket")).toBe(false);
    expect(byName.get("vm_memory_total_pcount")).toEqual({ panels: ["BEAM System Load"], labels: [] });
    expect(byName.get("akkoma_job_queue_available")).toEqual({ panels: ["Pending Jobs"], labels: ["queue_name"] });
    expect(byName.get("up")).toEqual({ panels: ["Up"], labels: [] });
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

  test("a series from a recent Akkoma release names that release", () => {
    const exported = fromTelemetry(variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'));
    const [finding] = compare(all, exported, { lazyMayBeAbsent: false }).failures;
    const need = finding?.need as Need;
    const recent = { ...need, metric: { ...need.metric, since: "3.16.0" } };
    expect(describeFinding({ kind: "series", need: recent })).toBe(
      "akkoma_job_queue_available: not exported (panels: Pending Jobs) [Akkoma 3.16.0 or newer exports it]",
    );
  });

  test("a dropped tag: the label is reported for the panels that use it, and only there", () => {
    const exported = fromTelemetry(variant("tags: [:worker],", ""));
    expect(lines(exported).failures).toEqual([
      'oban_job_completion_count: label "worker" not exported (panels: Job Completions)',
    ]);
  });

  test("a label only a legend uses names the panels whose legends use it", () => {
    const exported = fromTelemetry(variant("tags: [:queue_name]", ""));
    expect(lines(exported).failures).toEqual([
      'akkoma_job_queue_available: label "queue_name" not exported (panels: Pending Jobs)',
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
        /^akkoma_job_queue_available: cannot verify statically: labels "queue_name": telemetry\.ex:\d+: Fixture\.Config\.get\/1 is evaluated only at runtime \(line \d+\) \(panels: Pending Jobs\)$/,
      ),
    ]);
  });
});

describe("panelReaders", () => {
  test("on the real dashboard, every panel with queries records what it reads, and every catalogue series is read", () => {
    const readers = panelReaders(sections());
    const withTargets = new Set(
      sections()
        .flatMap((section) => section.panels)
        .filter((panel) => panel.targets.length > 0)
        .map((panel) => panel.title),
    );
    expect(withTargets.size).toBeGreaterThan(10);
    expect(readers.filter((r) => withTargets.has(r.name) && r.reads.length === 0).map((r) => r.name)).toEqual([]);
    const read = new Set(needs(catalogue, readers).map((n) => n.series));
    const unread = catalogue.filter((metric) => !exportedSeries(metric).some((series) => read.has(series)));
    expect(unread.map((metric) => metric.name)).toEqual([]);
  });
});
