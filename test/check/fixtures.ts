// Fixtures for the check tests, written here (no Akkoma code, nothing from ../shared): a telemetry.ex in
// the shape of Akkoma's (helpers, default arguments, a sum/counter pair helper, a module attribute in
// names), a small catalogue, panels, and an exposition generated from parsed definitions.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yargs from "yargs";
import { type Metric, counter, gauge, histogram, sumCountPair } from "../../queries/catalogue";
import { type CheckContext, checkCommandWith, metricsCommandWith } from "../../cli/check";
import {
  averagePerPoll,
  currentValue,
  eventsOver,
  eventsPerMinute,
  fractionUp,
  growthPerSecond,
  timeSpentPerSecond,
} from "../../queries/promql";
import { type Query, type Reader, readerOf } from "../../queries/query";
import { oneOf } from "../../queries/selectors";
import { type TelemetryReport, seriesOf } from "../../check/telemetry";

export const telemetryEx = `defmodule Fixture.Web.Telemetry do
  use Supervisor
  import Telemetry.Metrics
  alias Fixture.Config

  @prefix "akkoma"

  def start_link(arg), do: Supervisor.start_link(__MODULE__, arg, name: __MODULE__)

  @impl true
  def init(_arg) do
    children =
      [
        {:telemetry_poller, measurements: [], period: 60_000}
      ] ++
        exporters()

    Supervisor.init(children, strategy: :one_for_one)
  end

  defp exporters do
    if Config.get([:instance, :export_prometheus_metrics], true) do
      [{TelemetryMetricsPrometheus.Core, metrics: prometheus_metrics()}]
    else
      []
    end
  end

  # a sum and a counter stand in for a summary
  defp pair(base, opts) do
    [
      sum(base <> ".psum", opts),
      counter(base <> ".pcount", opts)
    ]
  end

  defp histograms do
    [
      distribution("phoenix.router_dispatch.stop.duration",
        tags: [:route],
        reporter_options: [buckets: [0.01, 0.1, 1]]
      ),
      distribution("pleroma.repo.query.total_time", reporter_options: [buckets: [1, 10]]),
      distribution("oban_job_completion",
        event_name: [:oban, :job, :stop],
        measurement: :duration,
        tags: [:worker],
        tag_values: fn tags -> Map.put(tags, :worker, tags.job.worker) end,
        reporter_options: [buckets: [1, 10]]
      )
    ]
  end

  defp gauges(byte_unit \\\\ :byte) do
    [
      last_value("vm.portio.in.total", unit: {:byte, byte_unit}),
      last_value("pleroma.local_users.total"),
      counter("#{@prefix}.ap.delivery.fail.final", tags: [:target, :reason]),
      last_value("#{@prefix}.job.queue.available", tags: [:queue_name])
    ]
  end

  defp vm_pairs do
    pair("vm.memory.total", event_name: [:vm, :memory], measurement: :total) ++
      pair("vm.total_run_queue_lengths.io.fsum", event_name: [:vm, :total_run_queue_lengths], measurement: :io)
  end

  def prometheus_metrics,
    do: gauges() ++ histograms() ++ vm_pairs()

  def live_dashboard_metrics, do: gauges(:megabyte) ++ [summary("vm.memory.total")]
end
`;

/** 1-based number of the first line containing `text`. */
export const lineOf = (source: string, text: string) => source.split("\n").findIndex((l) => l.includes(text)) + 1;

/** The fixture with one piece of text replaced; fails loudly if the piece is not there. */
export function variant(from: string, to: string, source = telemetryEx): string {
  if (!source.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return source.replace(from, to);
}

/** A catalogue for the tests: one metric of each kind, lazy and not, with and without labels. */
export const fixtureCatalogue: readonly Metric[] = [
  {
    name: "up",
    kind: "gauge",
    labels: [],
    unit: "count",
    help: "scrape succeeded",
    requests: false,
    lazy: false,
    source: "scraper",
  },
  counter("akkoma_ap_delivery_fail_final", { labels: ["target", "reason"], lazy: true, help: "failed deliveries" }),
  gauge("pleroma_local_users_total", { help: "local users" }),
  gauge("vm_portio_in_total", { unit: "bytes", help: "port input" }),
  gauge("akkoma_job_queue_available", { labels: ["queue_name"], help: "pending jobs" }),
  sumCountPair("vm_memory_total", { unit: "bytes", help: "memory" }),
  sumCountPair("vm_total_run_queue_lengths_io_fsum", { help: "io run queue" }),
  histogram("oban_job_completion", { labels: ["worker"], unit: "seconds", help: "jobs" }),
  histogram("phoenix_router_dispatch_stop_duration", { labels: ["route"], unit: "seconds", help: "requests" }),
];

const panel = (name: string, ...queries: Query[]): Reader => readerOf("panel", name, queries);
const [up, deliveries, localUsers, portIn, pending, memory, ioQueue, jobs, requests] = fixtureCatalogue as [
  Metric<never, "gauge">,
  Metric<"target" | "reason", "counter">,
  Metric<never, "gauge">,
  Metric<never, "gauge">,
  Metric<"queue_name", "gauge">,
  Metric<never, "sumCountPair">,
  Metric<never, "sumCountPair">,
  Metric<"worker", "histogram">,
  Metric<"route", "histogram">,
];

/** Panels built the way the dashboard builds them, so they carry the record of what they read. */
export const fixturePanels: readonly Reader[] = [
  panel("Up", fractionUp(up, "5m")),
  panel("Failed AP deliveries", eventsOver(deliveries, "7d", { by: ["target", "reason"] })),
  panel("Local Resources", currentValue(localUsers)),
  panel("VM Port IO Traffic", growthPerSecond(portIn)),
  // The queue name is only in the legend, as on the real Pending Jobs panel.
  panel("Pending Jobs", currentValue(pending).usingLabels(["queue_name"])),
  panel("BEAM System Load", averagePerPoll(memory), averagePerPoll(ioQueue)),
  panel(
    "Job Completions",
    eventsPerMinute(jobs, { by: ["worker"], where: { worker: oneOf(["Pleroma.Workers.PublisherWorker"]) } }),
  ),
  panel("Job Time", timeSpentPerSecond(jobs)),
  panel("Inbound Requests", eventsPerMinute(requests, { by: ["route"] })),
];

const madeFolders: string[] = [];
// Registered in every test file that imports the fixtures: their folders go when the file's tests end.
afterAll(() => {
  for (const folder of madeFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

export function tempDir(): string {
  const folder = mkdtempSync(join(tmpdir(), "akkoma-check-"));
  madeFolders.push(folder);
  return folder;
}

export function writeFixture(name: string, text: string, dir = tempDir()): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const sampleValues: Record<string, string[]> = {
  worker: ["Pleroma.Workers.PublisherWorker", "Pleroma.Workers.ReceiverWorker"],
  reason: ['http_"410"', "timeout"],
  target: ["example.social", "back\\slash.example"],
};

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const labelText = (labels: Record<string, string>) => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
};

/** A scrape as TelemetryMetricsPrometheus.Core would write it for these definitions, two label sets each. */
export function expositionFrom(report: TelemetryReport): string {
  const lines: string[] = [];
  for (const definition of report.exported) {
    const type =
      definition.kind === "last_value" ? "gauge" : definition.kind === "distribution" ? "histogram" : "counter";
    lines.push(
      `# HELP ${definition.name} ${definition.telemetryName} (with a \\\\ backslash)`,
      `# TYPE ${definition.name} ${type}`,
    );
    for (const variantIndex of [0, 1]) {
      const labels = Object.fromEntries(
        (definition.tags ?? []).map((tag) => [tag, (sampleValues[tag] ?? [`${tag}-a`, `${tag}-b`])[variantIndex]]),
      );
      if (definition.kind !== "distribution") {
        lines.push(`${definition.name}${labelText(labels)} ${variantIndex + 1}`);
        continue;
      }
      for (const le of ["0.1", "1", "+Inf"])
        lines.push(`${definition.name}_bucket${labelText({ ...labels, le })} ${variantIndex}`);
      lines.push(
        `${definition.name}_sum${labelText(labels)} 1.5e-3`,
        `${definition.name}_count${labelText(labels)} ${variantIndex}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The series names `expositionFrom` writes for a report, for cross-checking. */
export const seriesNames = (report: TelemetryReport) => report.exported.flatMap(seriesOf).map((s) => s.name);

export interface Captured {
  readonly out: string[];
  readonly err: string[];
  exitCode: number | undefined;
}

/** Runs the check commands in this process, against the fixture catalogue and panels. */
export async function runCheckInProcess(
  argv: string[],
  metrics: readonly Metric[] = fixtureCatalogue,
  panels = fixturePanels,
): Promise<Captured> {
  const captured: Captured = { out: [], err: [], exitCode: undefined };
  const context: CheckContext = {
    out: (line) => captured.out.push(line),
    err: (line) => captured.err.push(line),
    setExitCode: (code) => {
      captured.exitCode = code;
    },
    readers: () => panels,
    metrics: () => metrics,
  };
  await yargs([])
    .command(checkCommandWith(context))
    .command(metricsCommandWith(context))
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseAsync(argv);
  return captured;
}
