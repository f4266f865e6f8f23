// The restart marks' query on Prometheus itself (promtool), a step a minute as Grafana aligns them: one
// mark per BEAM boot, however long the outage before it, and none for a scrape gap without a boot.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restartAnnotation } from "../../dashboards/annotations";
import { beamPollSeconds } from "../../queries/catalogue";
import { interpolate } from "../../harness/grafana";
import { testRules } from "../support/promtool";

const labels = { job: "akkoma", instance: "social.example.org:443" };
const minutes = 12 * 60;

/** The annotation's query with its variables as Grafana fills them at a 1-minute step. */
const restartQuery = () =>
  interpolate((restartAnnotation().build().target as { expr?: string } | undefined)?.expr ?? "", labels, {
    rangeSeconds: minutes * 60,
    intervalSeconds: 60,
    scrapeIntervalSeconds: 60,
  });

/** The BEAM's poll count a minute at a time: `up` for a running BEAM, a boot, or a scrape missed. */
type Minute = "up" | "boot" | "gap";

const pollsPerMinute = 60 / beamPollSeconds;

function pollCounts(plan: readonly Minute[], uptimeAtStart: number): string {
  let count = uptimeAtStart;
  return plan
    .map((minute) => {
      if (minute === "gap") return "_";
      count = minute === "boot" ? pollsPerMinute : count + pollsPerMinute;
      return String(count);
    })
    .join(" ");
}

/** The minutes at which the restart query gives a mark (its value), checked by promtool at every minute. */
function expectMarks(plan: readonly Minute[], marks: ReadonlyMap<number, number>) {
  const folder = mkdtempSync(join(tmpdir(), "restart-marks-"));
  try {
    const tests = [
      {
        input_series: [
          {
            series: `vm_memory_total_pcount{job="${labels.job}",instance="${labels.instance}"}`,
            values: pollCounts(plan, 3 * 24 * 60 * pollsPerMinute),
          },
        ],
        promql_expr_test: plan.map((_, minute) => ({
          expr: restartQuery(),
          eval_time: `${minute}m`,
          exp_samples: marks.has(minute)
            ? [{ labels: `{instance="${labels.instance}",job="${labels.job}"}`, value: marks.get(minute) }]
            : [],
        })),
      },
    ];
    const result = testRules(folder, [], tests);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const run = (...parts: [Minute, number][]): Minute[] => parts.flatMap(([minute, n]) => Array<Minute>(n).fill(minute));

describe("restart marks on Prometheus", () => {
  it("mark a boot after a ten-hour outage once, at its first scrape", () => {
    const plan = run(["up", 60], ["gap", 600], ["boot", 1], ["up", 59]);
    expectMarks(plan, new Map([[660, pollsPerMinute]]));
  });

  it("mark a boot with no outage before it once", () => {
    const plan = run(["up", 60], ["boot", 1], ["up", 59]);
    expectMarks(plan, new Map([[60, pollsPerMinute]]));
  });

  it("mark nothing for a scrape gap without a boot, or for a BEAM up since before the data starts", () => {
    const plan = run(["up", 60], ["gap", 180], ["up", 60]);
    expectMarks(plan, new Map());
  });

  it("mark two boots an hour apart twice", () => {
    const plan = run(["up", 30], ["boot", 1], ["up", 59], ["gap", 5], ["boot", 1], ["up", 30]);
    expectMarks(
      plan,
      new Map([
        [30, pollsPerMinute],
        [95, pollsPerMinute],
      ]),
    );
  });
});
