// `check` names the alerts a missing series would silence, as it names the panels it would blank.
import { alertReaders } from "../../alerts/reads";
import { sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import { catalogue, exportedSeries, pendingJobs } from "../../queries/catalogue";
import { runCheckInProcess, writeFixture } from "./fixtures";

/** A scrape exporting every catalogue series (with every label) but `missing`. */
const scrapeWithout = (missing: string) =>
  catalogue
    .filter((metric) => metric.source === "akkoma")
    .flatMap((metric) =>
      exportedSeries(metric).map((series) => {
        const labels = [...metric.labels, ...(series.endsWith("_bucket") ? ["le"] : [])];
        return `${series}{${labels.map((label) => `${label}="x"`).join(",")}} 1`;
      }),
    )
    .filter((line) => !line.startsWith(`${missing}{`))
    .join("\n");

const readers = [...panelReaders(sections()), ...alertReaders()];

test("a series an alert reads: the alert is named", async () => {
  const scrape = writeFixture("scrape.txt", `${scrapeWithout("pleroma_repo_query_queue_time_sum")}\n`);
  const result = await runCheckInProcess(["check", "--metrics", scrape], catalogue, alertReaders());
  expect(result.out[0]).toBe("pleroma_repo_query_queue_time_sum: not exported (alerts: AkkomaDatabasePoolSaturated)");
  expect(result.exitCode).toBe(1);
});

test("a series panels and alerts read: both are named", async () => {
  const scrape = writeFixture("scrape.txt", `${scrapeWithout("akkoma_job_queue_available")}\n`);
  const result = await runCheckInProcess(["check", "--metrics", scrape], catalogue, readers);
  expect(result.out[0]).toBe(
    "akkoma_job_queue_available: not exported (panels: Pending Jobs; alerts: AkkomaJobQueueBackingUp)" +
      ` [Akkoma ${pendingJobs.since} or newer exports it]`,
  );
  expect(result.exitCode).toBe(1);
});
