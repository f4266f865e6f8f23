import { sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import { dependencies } from "../../check/dependencies";
import { type Exported, type Source, findingLine, judge, judgementLines } from "../../check/judge";
import { telemetryReportSource } from "../../check/run";
import { readTelemetry } from "../../check/telemetry";
import { catalogue, exportedSeries } from "../../queries/catalogue";
import { fixtureCatalogue, fixturePanels, telemetryEx, variant } from "./fixtures";

const fromTelemetry = (source: string): Source => telemetryReportSource(readTelemetry(source, "telemetry.ex"));
const asScrape = (exported: Exported): Source => ({ shown: "scrape.txt", exported, scrape: true, notes: [] });
const lines = (source: Source, options: { catalogue?: typeof fixtureCatalogue } = {}) => {
  const judgement = judge(fixturePanels, source, { catalogue: options.catalogue ?? fixtureCatalogue });
  return {
    failures: judgement.findings.filter((f) => !f.warning).map(findingLine),
    warnings: judgement.findings.filter((f) => f.warning).map(findingLine),
    checked: judgement.checked,
  };
};

describe("judge", () => {
  test("everything exported: no findings; the scraper's `up` is not Akkoma's to export", () => {
    expect(lines(fromTelemetry(telemetryEx))).toEqual({ failures: [], warnings: [], checked: 11 });
  });

  test("a renamed metric: the old series is reported with the panels it would blank", () => {
    const source = fromTelemetry(variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'));
    expect(lines(source).failures).toEqual(["akkoma_job_queue_available: not exported (panels: Pending Jobs)"]);
  });

  test("a series from a recent Akkoma release names that release", () => {
    const source = fromTelemetry(variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'));
    const recent = fixtureCatalogue.map((m) =>
      m.name === "akkoma_job_queue_available" ? { ...m, since: "3.16.0" } : m,
    );
    expect(lines(source, { catalogue: recent }).failures).toEqual([
      "akkoma_job_queue_available: not exported (panels: Pending Jobs) [Akkoma 3.16.0 or newer exports it]",
    ]);
  });

  test("a dropped tag: the label is reported for the panels that use it, and only there", () => {
    expect(lines(fromTelemetry(variant("tags: [:worker],", ""))).failures).toEqual([
      'oban_job_completion_count: label "worker" not exported (panels: Job Completions)',
    ]);
  });

  test("a label only a legend uses names the panels whose legends use it", () => {
    expect(lines(fromTelemetry(variant("tags: [:queue_name]", ""))).failures).toEqual([
      'akkoma_job_queue_available: label "queue_name" not exported (panels: Pending Jobs)',
    ]);
  });

  test("lazy series must be defined in telemetry.ex", () => {
    const source = fromTelemetry(
      variant('counter("#{@prefix}.ap.delivery.fail.final", tags: [:target, :reason]),', ""),
    );
    expect(lines(source).failures).toEqual([
      "akkoma_ap_delivery_fail_final: not exported (panels: Failed AP deliveries)",
    ]);
  });

  test("in a scrape, a lazy series not seen yet is a warning; a missing label on it is still a failure", () => {
    const exported = new Map(fromTelemetry(telemetryEx).exported);
    exported.delete("akkoma_ap_delivery_fail_final");
    expect(lines(asScrape(exported))).toEqual({
      failures: [],
      warnings: [
        "warning: akkoma_ap_delivery_fail_final: not seen yet (lazy: appears after its first event) (panels: Failed AP deliveries)",
      ],
      checked: 11,
    });
    exported.set("akkoma_ap_delivery_fail_final", { labels: new Set(["target"]) });
    expect(lines(asScrape(exported)).failures).toEqual([
      'akkoma_ap_delivery_fail_final: label "reason" not exported (panels: Failed AP deliveries)',
    ]);
  });

  test("labels telemetry.ex builds at runtime cannot be verified, and say why", () => {
    const source = fromTelemetry(variant("tags: [:queue_name]", "tags: Config.get(:queue_tags)"));
    expect(lines(source).failures).toEqual([
      expect.stringMatching(
        /^akkoma_job_queue_available: cannot verify statically: labels "queue_name": telemetry\.ex:\d+: Fixture\.Config\.get\/1 is evaluated only at runtime \(line \d+\) \(panels: Pending Jobs\)$/,
      ),
    ]);
  });

  test("the verdict counts the series and names every reader that would go blank", () => {
    const source = fromTelemetry(
      variant("tags: [:worker],", "", variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"')),
    );
    const judgement = judge(fixturePanels, source, { catalogue: fixtureCatalogue });
    expect(judgementLines(judgement, "telemetry.ex", "the dashboard").at(-1)).toBe(
      'FAIL: telemetry.ex: 1 of 11 series not exported, 1 label problem: 2 of 9 in the dashboard would go blank or silent: panel "Pending Jobs", panel "Job Completions"',
    );
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
    const read = dependencies(catalogue, readers).filter((d) => d.panels.length > 0);
    const unread = catalogue.filter((metric) => !exportedSeries(metric).some((s) => read.some((d) => d.series === s)));
    expect(unread.map((metric) => metric.name)).toEqual([]);
  });
});
