import { DashboardError } from "../../errors";
import { type TelemetryReport, readTelemetry, seriesOf } from "../../check/telemetry";
import { lineOf, seriesNames, telemetryEx, variant } from "./fixtures";

const read = (source: string) => readTelemetry(source, "telemetry.ex");

const labelsOf = (report: TelemetryReport, series: string) =>
  report.exported.flatMap(seriesOf).find((s) => s.name === series)?.labels;

describe("readTelemetry on a telemetry.ex shaped like Akkoma's", () => {
  const report = read(telemetryEx);

  test("finds the exporter and follows helper calls, default arguments and ++ into the metrics it gets", () => {
    expect(report.exporters).toEqual([
      { module: "TelemetryMetricsPrometheus.Core", line: lineOf(telemetryEx, "{TelemetryMetricsPrometheus.Core") },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.exported.map((d) => `${d.kind} ${d.name}`)).toEqual([
      "last_value vm_portio_in_total",
      "last_value pleroma_local_users_total",
      "counter akkoma_ap_delivery_fail_final",
      "last_value akkoma_job_queue_available",
      "distribution phoenix_router_dispatch_stop_duration",
      "distribution pleroma_repo_query_total_time",
      "distribution oban_job_completion",
      "sum vm_memory_total_psum",
      "counter vm_memory_total_pcount",
      "sum vm_total_run_queue_lengths_io_fsum_psum",
      "counter vm_total_run_queue_lengths_io_fsum_pcount",
    ]);
  });

  test("derives series names the way TelemetryMetricsPrometheus.Core writes them", () => {
    expect(seriesNames(report)).toContain("oban_job_completion_bucket");
    expect(seriesNames(report)).toContain("oban_job_completion_count");
    expect(seriesNames(report)).not.toContain("akkoma_ap_delivery_fail_final_total");
  });

  test("labels come from tags (tag_values adds none); buckets add le", () => {
    expect(labelsOf(report, "akkoma_ap_delivery_fail_final")).toEqual(["target", "reason"]);
    expect(labelsOf(report, "oban_job_completion_count")).toEqual(["worker"]);
    expect(labelsOf(report, "oban_job_completion_bucket")).toEqual(["worker", "le"]);
    expect(labelsOf(report, "pleroma_local_users_total")).toEqual([]);
  });

  test("module attributes in interpolated names are resolved", () => {
    expect(report.exported.find((d) => d.name === "akkoma_job_queue_available")?.telemetryName).toBe(
      "akkoma.job.queue.available",
    );
    const renamed = read(variant('@prefix "akkoma"', '@prefix "pleroma"'));
    expect(renamed.exported.map((d) => d.name)).toContain("pleroma_job_queue_available");
  });

  test("metrics handed only to the live dashboard are not exported", () => {
    expect(report.exported.some((d) => d.kind === "summary")).toBe(false);
    expect(report.dropped).toEqual([]);
  });
});

describe("readTelemetry on changed definitions", () => {
  test("a renamed metric exports the new name only", () => {
    const report = read(variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'));
    expect(report.exported.map((d) => d.name)).toContain("akkoma_job_queue_pending");
    expect(report.exported.map((d) => d.name)).not.toContain("akkoma_job_queue_available");
  });

  test("a dropped tag drops the label", () => {
    const report = read(variant("tags: [:target, :reason]", "tags: [:target]"));
    expect(labelsOf(report, "akkoma_ap_delivery_fail_final")).toEqual(["target"]);
  });

  test("a definition moved into a helper with arguments is still found", () => {
    const source = variant(
      'last_value("vm.portio.in.total", unit: {:byte, byte_unit}),',
      "io_gauge(:in, byte_unit),",
      variant(
        "  defp vm_pairs do",
        '  defp io_gauge(direction, unit) do\n    last_value("vm.portio.#{direction}.total", unit: {:byte, unit})\n  end\n\n  defp vm_pairs do',
      ),
    );
    const report = read(source);
    expect(report.problems).toEqual([]);
    expect(report.exported.map((d) => d.name)).toContain("vm_portio_in_total");
  });

  test("names built by for are evaluated", () => {
    const source = variant(
      "  def prometheus_metrics,\n    do: gauges() ++ histograms() ++ vm_pairs()",
      `  def prometheus_metrics do
    gauges() ++ for(dir <- [:in, :out], do: last_value([:vm, :portio, dir, :total]))
  end`,
    );
    const report = read(source);
    expect(report.problems).toEqual([]);
    expect(report.exported.map((d) => d.name)).toEqual(
      expect.arrayContaining(["vm_portio_in_total", "vm_portio_out_total", "pleroma_local_users_total"]),
    );
  });

  test("what Akkoma's telemetry.ex never used is reported as not evaluated, with its line", () => {
    const source = variant(
      "  def prometheus_metrics,\n    do: gauges() ++ histograms() ++ vm_pairs()",
      `  def prometheus_metrics do
    gauges() ++ Enum.map(~w(scheduled retryable)a, fn state -> last_value("akkoma.job.queue.#{state}") end)
  end`,
    );
    const report = read(source);
    expect(report.problems.map((p) => p.line)).toEqual([expect.any(Number)]);
    expect(report.incomplete).toHaveLength(1);
  });

  test("which clause of a helper runs is decided by its literal arguments", () => {
    const source = variant(
      "  defp vm_pairs do",
      `  defp queue_gauge(:pending), do: last_value("akkoma.job.queue.available", tags: [:queue_name])
  defp queue_gauge(state) when is_atom(state), do: last_value("akkoma.job.queue.#{state}")

  defp vm_pairs do`,
    ).replace("do: gauges() ++", "do: [queue_gauge(:pending)] ++ gauges() ++");
    const report = read(source);
    expect(report.problems).toEqual([]);
    expect(report.dropped.map((d) => d.definition.name)).toEqual(["akkoma_job_queue_available"]);
  });

  test("a summary reaching the exporter is dropped, a duplicate name too", () => {
    const report = read(
      variant(
        "do: gauges() ++ histograms()",
        'do: [summary("vm.memory.total"), last_value("pleroma.local_users.total")] ++ gauges() ++ histograms()',
      ),
    );
    expect(report.dropped.map((d) => `${d.definition.kind} ${d.definition.name}`)).toEqual([
      "summary vm_memory_total",
      "last_value pleroma_local_users_total",
    ]);
    expect(report.exported.filter((d) => d.name === "pleroma_local_users_total")).toHaveLength(1);
  });

  test("a name it cannot evaluate is reported with its line, not guessed", () => {
    const source = variant(
      'last_value("pleroma.local_users.total"),',
      "last_value(Application.get_env(:pleroma, :users_metric)),",
    );
    const report = read(source);
    const line = lineOf(source, "Application.get_env");
    expect(report.problems).toEqual([
      {
        line,
        message: `cannot evaluate the name of this last_value: Application.get_env/2 is evaluated only at runtime (line ${line})`,
      },
    ]);
    expect(report.exported.map((d) => d.name)).toContain("vm_portio_in_total");
  });

  test("a helper it cannot find is reported at the call", () => {
    const source = variant("gauges() ++ histograms()", "gauges() ++ more_metrics() ++ histograms()");
    expect(read(source).problems).toEqual([
      { line: lineOf(source, "more_metrics()"), message: "more_metrics/0 is not defined in this file" },
    ]);
  });

  test("tags it cannot evaluate leave the labels unknown, with the reason", () => {
    const report = read(variant("tags: [:queue_name]", "tags: Config.get(:queue_tags)"));
    expect(labelsOf(report, "akkoma_job_queue_available")).toBeUndefined();
    expect(report.problems[0].message).toMatch(
      /^cannot evaluate the tags of akkoma_job_queue_available: Fixture.Config.get\/1 is evaluated only at runtime \(line \d+\)$/,
    );
  });

  test("a function it cannot parse is skipped; using it is reported", () => {
    const source = variant("  defp vm_pairs do", "  defp broken do\n    [1 2]\n  end\n\n  defp vm_pairs do").replace(
      "++ histograms()",
      "++ broken() ++ histograms()",
    );
    const report = read(source);
    const line = lineOf(source, "[1 2]");
    expect(report.skipped).toEqual([{ line, message: 'expected "]", got "2"', defines: "broken" }]);
    expect(report.problems).toEqual([
      { line: lineOf(source, "broken()"), message: `broken (line ${line}) could not be parsed: expected "]", got "2"` },
    ]);
    expect(report.exported.map((d) => d.name)).toContain("vm_memory_total_psum");
  });

  test("no exporter: nothing is exported", () => {
    const report = read(variant("[{TelemetryMetricsPrometheus.Core, metrics: prometheus_metrics()}]", "[]"));
    expect(report.exporters).toEqual([]);
    expect(report.exported).toEqual([]);
  });

  test("the standalone exporter of early versions counts as an exporter", () => {
    const report = read(
      variant(
        "TelemetryMetricsPrometheus.Core, metrics: prometheus_metrics()",
        "TelemetryMetricsPrometheus, metrics: prometheus_metrics(), port: 9568",
      ),
    );
    expect(report.exporters.map((e) => e.module)).toEqual(["TelemetryMetricsPrometheus"]);
    expect(report.exported.length).toBeGreaterThan(0);
  });
});

describe("readTelemetry on files that are not telemetry.ex", () => {
  test("Elixir without metric definitions", () => {
    expect(() => read("defmodule Foo do\n  def bar, do: :ok\nend\n")).toThrow(DashboardError);
    expect(() => read("defmodule Foo do\n  def bar, do: :ok\nend\n")).toThrow(
      /telemetry.ex: no metric definitions found/,
    );
  });

  test("not Elixir at all", () => {
    expect(() => read('{"panels": [1, 2]}\n')).toThrow(/no metric definitions found/);
    expect(() => read('# HELP x\nx{a="1"} 1\n')).toThrow(/no metric definitions found/);
  });

  test("Elixir it cannot tokenize names the line", () => {
    expect(() => read('defmodule Foo do\n  import Telemetry.Metrics\n  def m, do: [counter("a.b)]\nend\n')).toThrow(
      /^telemetry.ex:3:23: syntax error: missing closing " of the text starting here/,
    );
  });
});
