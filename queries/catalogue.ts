// Every series the dashboard reads, declared once. Facts from Akkoma's lib/pleroma/web/telemetry.ex
// (exporter: TelemetryMetricsPrometheus.Core — dots become underscores, counters and sums keep their
// name without a `_total` suffix, a distribution exports `_bucket{le}`, `_sum` and `_count`).

export type MetricKind = "counter" | "gauge" | "histogram" | "sumCountPair";
export type MetricUnit = "seconds" | "milliseconds" | "bytes" | "count";

export interface Metric<L extends string = string, K extends MetricKind = MetricKind> {
  /** Exported name; for histograms and sum/count pairs the stem before `_bucket`, `_psum`, ... */
  readonly name: string;
  readonly kind: K;
  /** Labels Akkoma attaches (besides the scraper's job and instance). */
  readonly labels: readonly L[];
  readonly unit: MetricUnit;
  readonly help: string;
  /** Each event is an HTTP request: its rates read "requests per minute" rather than "counts per minute". */
  readonly requests: boolean;
  /** Appears only after its first event, so a healthy instance may not export it yet. */
  readonly lazy: boolean;
  /** `scraper`: written by Prometheus/VictoriaMetrics, not by Akkoma. */
  readonly source: "akkoma" | "scraper";
  /** The first Akkoma release exporting it, when that is recent (docs/releases.md): older ones show no data. */
  readonly since?: string;
  /** What no data means for a lazy series on a healthy instance ("No failed deliveries"). */
  readonly whenEmpty?: string;
}

interface MetricOptions<L extends string> {
  labels?: readonly L[];
  unit?: MetricUnit;
  requests?: boolean;
  lazy?: boolean;
  since?: string;
  whenEmpty?: string;
  help: string;
}

const declare =
  <K extends MetricKind>(kind: K) =>
  <const L extends string = never>(name: string, options: MetricOptions<L>): Metric<L, K> => ({
    name,
    kind,
    labels: options.labels ?? [],
    unit: options.unit ?? "count",
    help: options.help,
    requests: options.requests ?? false,
    lazy: options.lazy ?? false,
    source: "akkoma",
    ...(options.since ? { since: options.since } : {}),
    ...(options.whenEmpty ? { whenEmpty: options.whenEmpty } : {}),
  });

export const counter = declare("counter");
export const gauge = declare("gauge");
export const histogram = declare("histogram");
/** Akkoma's stand-in for summaries: `<name>_psum` (sum of polled values) and `<name>_pcount` (polls). */
export const sumCountPair = declare("sumCountPair");

export type SeriesPart = "bucket" | "sum" | "count" | "psum" | "pcount";

/**
 * The series each kind exports under its name (undefined: the name itself). The one statement of
 * what the exporter writes: a histogram (Telemetry.Metrics' distribution) `_bucket{le}`, `_sum` and
 * `_count`; Akkoma's sum/count pair `_psum` and `_pcount`.
 */
export const seriesParts = {
  counter: [undefined],
  gauge: [undefined],
  histogram: ["bucket", "sum", "count"],
  sumCountPair: ["psum", "pcount"],
} as const satisfies Record<MetricKind, readonly (SeriesPart | undefined)[]>;

export const seriesName = (name: string, part?: SeriesPart) => (part ? `${name}_${part}` : name);

/** The series names a metric really exports, as a scrape shows them. */
export const exportedSeries = (metric: Metric): string[] =>
  seriesParts[metric.kind].map((part: SeriesPart | undefined) => seriesName(metric.name, part));

export const up: Metric<never, "gauge"> = {
  name: "up",
  kind: "gauge",
  labels: [],
  unit: "count",
  help: "1 when the scraper reached Akkoma's metrics endpoint, 0 when it did not",
  requests: false,
  lazy: false,
  source: "scraper",
};

// Status
export const deliveryFailures = counter("akkoma_ap_delivery_fail_final", {
  labels: ["target", "reason"],
  lazy: true, // appears only after the first failed delivery
  whenEmpty: "No failed deliveries",
  since: "3.16.0",
  help: "ActivityPub deliveries that exhausted all retries",
});
export const localUsers = gauge("pleroma_local_users_total", { help: "Local user accounts" });
export const localPosts = gauge("pleroma_local_statuses_total", { help: "Local posts (excluding private ones)" });
export const remoteUsers = gauge("pleroma_remote_users_total", { help: "Remote users known to the instance" });
export const knownDomains = gauge("pleroma_domains_total", { help: "Remote domains known to the instance" });

// BEAM VM
export const vmMemory = sumCountPair("vm_memory_total", {
  unit: "bytes",
  help: "BEAM memory in use, summed over polls",
});
export const cpuRunQueue = sumCountPair("vm_total_run_queue_lengths_cpu", {
  help: "BEAM CPU run queue length, summed over polls",
});
export const ioRunQueue = sumCountPair("vm_total_run_queue_lengths_io_fsum", {
  help: "BEAM IO run queue length, summed over polls",
});
// Gauges holding a cumulative byte count since the VM started: use increase(), not the raw value.
export const portIoIn = gauge("vm_portio_in_total", { unit: "bytes", help: "Bytes received through BEAM ports" });
export const portIoOut = gauge("vm_portio_out_total", { unit: "bytes", help: "Bytes sent through BEAM ports" });

// Jobs
export const jobCompletions = histogram("oban_job_completion", {
  labels: ["worker"],
  unit: "seconds",
  help: "Oban jobs that finished, by worker, with their duration",
});
export const jobExceptions = histogram("oban_job_exception", {
  labels: ["worker"],
  unit: "seconds",
  lazy: true, // appears only after the first job that raised
  whenEmpty: "No failed jobs",
  help: "Oban jobs that raised, by worker, with their duration",
});
export const pendingJobs = gauge("akkoma_job_queue_available", {
  labels: ["queue_name"],
  since: "3.16.0",
  help: "Jobs waiting to run, per Oban queue",
});
export const scheduledJobs = gauge("akkoma_job_queue_scheduled", {
  labels: ["queue_name"],
  since: "3.16.0",
  help: "Jobs scheduled for later, per Oban queue",
});

// HTTP
export const inboundRequests = histogram("phoenix_router_dispatch_stop_duration", {
  labels: ["route"],
  unit: "seconds",
  requests: true,
  help: "Inbound HTTP requests handled by the Phoenix router, by route",
});
export const outgoingRequests = histogram("tesla_request_completed", {
  labels: ["response_code"],
  unit: "seconds",
  requests: true,
  lazy: true, // appears only after the first outgoing request
  help: "Outgoing HTTP requests, by response code",
});

// Database
export const dbTotalTime = histogram("pleroma_repo_query_total_time", {
  unit: "milliseconds",
  help: "Total time of a database query (queue, query and decode)",
});
export const dbQueueTime = histogram("pleroma_repo_query_queue_time", {
  unit: "milliseconds",
  help: "Time a query waited for a database connection",
});
export const dbQueryTime = histogram("pleroma_repo_query_query_time_fdist", {
  unit: "milliseconds",
  help: "Time the database spent executing a query",
});
export const dbDecodeTime = histogram("pleroma_repo_query_decode_time_fdist", {
  unit: "milliseconds",
  help: "Time spent decoding a query's result",
});

/** Every metric the dashboard may read, for `check` and `metrics`. */
export const catalogue: readonly Metric[] = [
  up,
  deliveryFailures,
  localUsers,
  localPosts,
  remoteUsers,
  knownDomains,
  vmMemory,
  cpuRunQueue,
  ioRunQueue,
  portIoIn,
  portIoOut,
  jobCompletions,
  jobExceptions,
  pendingJobs,
  scheduledJobs,
  inboundRequests,
  outgoingRequests,
  dbTotalTime,
  dbQueueTime,
  dbQueryTime,
  dbDecodeTime,
];

/** Akkoma's federation ("RFP": receive, fetch, publish) workers, shown apart from the other jobs. */
export const federationWorkers = [
  "Pleroma.Workers.ReceiverWorker",
  "Pleroma.Workers.RemoteFetcherWorker",
  "Pleroma.Workers.PublisherWorker",
] as const;
