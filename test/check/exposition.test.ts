import { DashboardError } from "../../errors";
import { parseExposition } from "../../check/exposition";
import { readTelemetry } from "../../check/telemetry";
import { expositionFrom, seriesNames, telemetryEx } from "./fixtures";

const scrape = `# HELP oban_job_completion Oban jobs that finished
# TYPE oban_job_completion histogram
oban_job_completion_bucket{le="0.1",worker="Pleroma.Workers.PublisherWorker"} 3
oban_job_completion_bucket{worker="Pleroma.Workers.PublisherWorker",le="+Inf"} 4
oban_job_completion_sum{worker="Pleroma.Workers.PublisherWorker"} 0.25
oban_job_completion_count{worker="Pleroma.Workers.PublisherWorker"} 4
# TYPE akkoma_ap_delivery_fail_final counter
akkoma_ap_delivery_fail_final{reason="say \\"hi\\", {ok}",target="a\\\\b\\nc" , } 2 1700000000000
pleroma_local_users_total 12
vm_memory_total_psum{} 1.2e+09
weird_value NaN
negative_inf -Inf
# EOF
`;

describe("parseExposition", () => {
  const parsed = parseExposition(scrape, "scrape.txt");

  test("reads series names and their label names, histograms as _bucket/_sum/_count", () => {
    expect([...parsed.series.keys()]).toEqual([
      "oban_job_completion_bucket",
      "oban_job_completion_sum",
      "oban_job_completion_count",
      "akkoma_ap_delivery_fail_final",
      "pleroma_local_users_total",
      "vm_memory_total_psum",
      "weird_value",
      "negative_inf",
    ]);
    expect([...(parsed.series.get("oban_job_completion_bucket") ?? [])]).toEqual(["le", "worker"]);
    expect([...(parsed.series.get("oban_job_completion_count") ?? [])]).toEqual(["worker"]);
    expect([...(parsed.series.get("pleroma_local_users_total") ?? [])]).toEqual([]);
  });

  test("label values may hold escaped quotes, backslashes, commas and braces", () => {
    expect([...(parsed.series.get("akkoma_ap_delivery_fail_final") ?? [])]).toEqual(["reason", "target"]);
  });

  test("an exposition generated from parsed telemetry definitions parses back to the same series", () => {
    const report = readTelemetry(telemetryEx, "telemetry.ex");
    const generated = parseExposition(expositionFrom(report), "generated");
    expect([...generated.series.keys()].sort()).toEqual([...new Set(seriesNames(report))].sort());
    expect([...(generated.series.get("akkoma_ap_delivery_fail_final") ?? [])]).toEqual(["target", "reason"]);
  });

  test.each([
    ["an HTML page", "<!DOCTYPE html>\n<html><body>Not Found</body></html>\n", "x:1: not a Prometheus text exposition"],
    ["JSON", '{"error": "Invalid credentials"}\n', "x:1: not a Prometheus text exposition"],
    [
      "a value that is not a number",
      'up{job="a"} one\n',
      'x:1: not a Prometheus text exposition: expected a number after up (line: "up{job=\\"a\\"} one")',
    ],
    [
      "an unterminated label value",
      'up{job="a} 1\n',
      "x:1: not a Prometheus text exposition: unterminated value of label job",
    ],
    [
      "an unknown TYPE",
      "# TYPE up thing\nup 1\n",
      'x:1: not a Prometheus text exposition: unknown metric type "thing"',
    ],
    [
      "trailing junk on line 3",
      "up 1\nup 2\nup 3 4 5\n",
      "x:3: not a Prometheus text exposition: unexpected text after the value",
    ],
    ["only comments", "# HELP up nothing here\n", "x: not a Prometheus text exposition: it holds no samples"],
    ["an empty file", "", "x: not a Prometheus text exposition: it holds no samples"],
  ])("rejects %s with one line naming the source", (_, text, message) => {
    let thrown: unknown;
    try {
      parseExposition(text, "x");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DashboardError);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
    expect((thrown as Error).message).not.toContain("\n");
  });
});
