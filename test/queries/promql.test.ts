import { dbTotalTime, jobCompletions, localUsers, vmMemory } from "../../queries/catalogue";
import type { Metric } from "../../queries/catalogue";
import { averagePerMinuteOver, averagePerPoll, eventsPerMinute } from "../../queries/promql";
import { noneOf, oneOf, series } from "../../queries/selectors";
import { readPromql } from "../../check/promql";
import * as units from "@grafana/grafana-foundation-sdk/units";

describe("typed PromQL", () => {
  // Which series a query reads, with which matchers, as Prometheus' own grammar parses it.
  const selectorsOf = (query: { toString(): string }) =>
    readPromql(query.toString(), new Set(["job", "instance", "__rate_interval"])).selectors.map((s) => [
      s.name,
      s.matchers.map((m) => `${m.label}${m.op}${m.variable ? "$" : m.value}`).join(","),
    ]);

  it("reads a histogram's events from its _count series, per minute", () => {
    const query = eventsPerMinute(jobCompletions, { by: ["worker"] });
    expect(selectorsOf(query)).toEqual([["oban_job_completion_count", "job=$,instance=$"]]);
    expect(query.unit).toBe(units.CountsPerMinute);
  });

  it("averages a psum/pcount pair per poll, in the pair's own unit", () => {
    const query = averagePerPoll(vmMemory);
    expect(selectorsOf(query)).toEqual([
      ["vm_memory_total_psum", "job=$,instance=$"],
      ["vm_memory_total_pcount", "job=$,instance=$"],
    ]);
    expect(query.unit).toBe(units.BytesIEC);
  });

  it("turns a trend window into its number of minutes", () => {
    expect(averagePerMinuteOver("48h", dbTotalTime, "sum").toString()).toMatch(/\[48h\]\)\)\) \/ \(2880\)$/);
    expect(averagePerMinuteOver("24h", jobCompletions, "count").toString()).toMatch(/\[24h\]\)\)\) \/ \(1440\)$/);
  });

  it("escapes regex metacharacters in label values", () => {
    expect(series(jobCompletions, "count", { worker: oneOf(["A.B", "C|D"]) }).toString()).toContain(
      'worker=~"A\\\\.B|C\\\\|D"',
    );
    expect(series(jobCompletions, "count", { worker: noneOf(["X"]) }).toString()).toContain('worker!~"X"');
  });

  it("names the metric when a series part does not exist", () => {
    expect(() => series(localUsers, "bucket")).toThrow(
      'metric pleroma_local_users_total: a gauge has no "bucket" series',
    );
    expect(() => series(dbTotalTime)).toThrow("metric pleroma_repo_query_total_time: a histogram has no plain series");
  });

  it("names the metric and label when a matcher uses a label the metric does not have", () => {
    const loose = jobCompletions as unknown as Metric<string, "histogram">;
    expect(() => series(loose, "count", { queue_name: oneOf(["x"]) })).toThrow(
      'metric oban_job_completion: has no label "queue_name"',
    );
  });
});
