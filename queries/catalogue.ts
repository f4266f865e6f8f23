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
  /** A histogram's bucket boundaries, in its unit, as telemetry.ex declares them. */
  readonly buckets?: readonly number[];
  /** Label sets it takes on a small federating instance, with their traffic: what made-up histories use. */
  readonly examples?: readonly Example<L>[];
}

/**
 * One label set of a metric, with the traffic a made-up history gives it (harness/synthetic.ts), and
 * whose values tests expect in legends. The dashboard never reads these.
 */
export interface Example<L extends string = string> {
  readonly labels: Readonly<Record<L, string>>;
  /** A counter's or histogram's events per minute, at the day's average. */
  readonly perMinute?: number;
  /** A histogram's median event, in its unit. */
  readonly median?: number;
  /** Hours into a history before its first event: a lazy series appears only then. */
  readonly sinceHours?: number;
  /**
   * A gauge's value: `floor` plus Poisson noise of mean `noise` (a polled pair's reading likewise); a
   * gauge that counts (users, bytes since boot) starts at `floor` and grows by `perMinute`.
   */
  readonly floor?: number;
  readonly noise?: number;
  /** A gauge that is 0 but for these hours into a history. */
  readonly onlyHours?: readonly [from: number, to: number];
}

interface MetricOptions<L extends string> {
  labels?: readonly L[];
  unit?: MetricUnit;
  requests?: boolean;
  lazy?: boolean;
  since?: string;
  whenEmpty?: string;
  buckets?: readonly number[];
  examples?: readonly Example<L>[];
  help: string;
}

/**
 * Every metric declared in this module, in order: what `catalogue` lists, so a new declaration cannot be
 * left out of it. Closed once the catalogue is taken (at the end of the module); a test's own metrics
 * made with `counter()`, `gauge()`... later do not join it.
 */
const declaredHere: Metric[] = [];
let declaring = true;

const declare =
  <K extends MetricKind>(kind: K) =>
  <const L extends string = never>(name: string, options: MetricOptions<L>): Metric<L, K> => {
    const metric: Metric<L, K> = {
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
      ...(options.buckets ? { buckets: options.buckets } : {}),
      ...(options.examples ? { examples: options.examples } : {}),
    };
    if (declaring) declaredHere.push(metric);
    return metric;
  };

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
  // Remote servers that keep refusing deliveries; each pair's series appears with its first failure.
  examples: [
    { labels: { target: "dead.example", reason: "http_410" }, perMinute: 3 / 60, sinceHours: 5 },
    { labels: { target: "gone.example", reason: "nxdomain" }, perMinute: 1.5 / 60, sinceHours: 8 },
    { labels: { target: "slow.example", reason: "timeout" }, perMinute: 2 / 60, sinceHours: 12 },
    { labels: { target: "closed.example", reason: "econnrefused" }, perMinute: 0.5 / 60, sinceHours: 3 },
    { labels: { target: "buggy.example", reason: "crash" }, perMinute: 0.3 / 60, sinceHours: 15 },
    // First fails late (in a 50-hour history, after the restart).
    { labels: { target: "new.example", reason: "cause_unknown" }, perMinute: 1 / 60, sinceHours: 38 },
    // Refuses our signatures: the one reason always worth a look.
    { labels: { target: "strict.example", reason: "http_401" }, perMinute: 0.4 / 60, sinceHours: 20 },
    // Akkoma sometimes cannot tell the host, and exports an empty target.
    { labels: { target: "", reason: "cause_unknown" }, perMinute: 0.3 / 60, sinceHours: 26 },
  ],
});
export const localUsers = gauge("pleroma_local_users_total", {
  help: "Local user accounts",
  examples: [{ labels: {}, floor: 120, perMinute: 1 / 600 }],
});
export const localPosts = gauge("pleroma_local_statuses_total", {
  help: "Local posts (excluding private ones)",
  examples: [{ labels: {}, floor: 25_000, perMinute: 0.25 }],
});
export const remoteUsers = gauge("pleroma_remote_users_total", {
  help: "Remote users known to the instance",
  examples: [{ labels: {}, floor: 48_000, perMinute: 0.8 }],
});
export const knownDomains = gauge("pleroma_domains_total", {
  help: "Remote domains known to the instance",
  examples: [{ labels: {}, floor: 3_100, perMinute: 0.02 }],
});

// BEAM VM
/**
 * The BEAM's memory and run queues come from telemetry_poller's default poller ([vm, memory],
 * [vm, total_run_queue_lengths]), every 5 s: Akkoma configures only its own poller (`period: 60_000`
 * in telemetry.ex), never the default one. One `_pcount` a poll.
 */
export const beamPollSeconds = 5;
export const vmMemory = sumCountPair("vm_memory_total", {
  unit: "bytes",
  help: "BEAM memory in use, summed over polls",
  examples: [{ labels: {}, floor: 380e6 }],
});
export const cpuRunQueue = sumCountPair("vm_total_run_queue_lengths_cpu", {
  help: "BEAM CPU run queue length, summed over polls",
  examples: [{ labels: {}, noise: 0.4 }],
});
export const ioRunQueue = sumCountPair("vm_total_run_queue_lengths_io_fsum", {
  help: "BEAM IO run queue length, summed over polls",
  examples: [{ labels: {}, noise: 0.05 }],
});
// Gauges holding a cumulative byte count since the VM started: use increase(), not the raw value.
export const portIoIn = gauge("vm_portio_in_total", {
  unit: "bytes",
  help: "Bytes received through BEAM ports",
  examples: [{ labels: {}, perMinute: 3e6 }],
});
export const portIoOut = gauge("vm_portio_out_total", {
  unit: "bytes",
  help: "Bytes sent through BEAM ports",
  examples: [{ labels: {}, perMinute: 5e6 }],
});

// Jobs
const jobBuckets = [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];
const worker = (name: string) => ({ worker: `Pleroma.Workers.${name}` });
export const jobCompletions = histogram("oban_job_completion", {
  labels: ["worker"],
  unit: "seconds",
  buckets: jobBuckets,
  help: "Oban jobs that finished, by worker, with their duration",
  // The federation workers dominate.
  examples: [
    { labels: worker("ReceiverWorker"), perMinute: 60, median: 0.05 },
    { labels: worker("RemoteFetcherWorker"), perMinute: 8, median: 0.4 },
    { labels: worker("PublisherWorker"), perMinute: 30, median: 0.25 },
    { labels: worker("BackgroundWorker"), perMinute: 3, median: 0.03 },
    { labels: worker("SearchIndexingWorker"), perMinute: 12, median: 0.02 },
    { labels: worker("WebPusherWorker"), perMinute: 2, median: 0.15 },
    { labels: worker("NodeInfoFetcherWorker"), perMinute: 0.3, median: 0.8 },
  ],
});
export const jobExceptions = histogram("oban_job_exception", {
  labels: ["worker"],
  unit: "seconds",
  buckets: jobBuckets,
  lazy: true, // appears only after the first job that raised
  whenEmpty: "No failed jobs",
  help: "Oban jobs that raised, by worker, with their duration",
  // Jobs that raise take longer; none raise in a history's first hours, so the series appears mid-history.
  examples: [
    { labels: worker("ReceiverWorker"), perMinute: 0.3, median: 0.15, sinceHours: 4 },
    { labels: worker("RemoteFetcherWorker"), perMinute: 0.2, median: 1.2, sinceHours: 4 },
    { labels: worker("PublisherWorker"), perMinute: 0.4, median: 0.75, sinceHours: 4 },
    { labels: worker("BackgroundWorker"), perMinute: 0.05, median: 0.09, sinceHours: 4 },
    { labels: worker("NodeInfoFetcherWorker"), perMinute: 0.08, median: 2.4, sinceHours: 4 },
  ],
});
const queue = (name: string) => ({ queue_name: name });
export const pendingJobs = gauge("akkoma_job_queue_available", {
  labels: ["queue_name"],
  since: "3.16.0",
  help: "Jobs waiting to run, per Oban queue",
  examples: [
    { labels: queue("federator_incoming"), noise: 2 },
    { labels: queue("federator_outgoing"), noise: 4 },
    { labels: queue("remote_fetcher"), noise: 1 },
    { labels: queue("background"), noise: 0.5 },
    { labels: queue("search_indexing"), noise: 3 },
    { labels: queue("web_push"), noise: 0.1 },
    { labels: queue("activity_expiration") },
    { labels: queue("scheduled_activities") },
    // Busy for two hours, empty since: shown only when the range reaches back there.
    { labels: queue("mailer"), floor: 4, onlyHours: [12, 14] },
  ],
});
export const scheduledJobs = gauge("akkoma_job_queue_scheduled", {
  labels: ["queue_name"],
  since: "3.16.0",
  help: "Jobs scheduled for later, per Oban queue",
  examples: [
    { labels: queue("federator_incoming"), noise: 1 },
    { labels: queue("federator_outgoing"), floor: 40, noise: 10 },
    { labels: queue("remote_fetcher") },
    { labels: queue("background"), noise: 0.2 },
    { labels: queue("search_indexing") },
    { labels: queue("web_push") },
    { labels: queue("activity_expiration"), floor: 1500, noise: 20 },
    { labels: queue("scheduled_activities"), noise: 3 },
    { labels: queue("mailer"), floor: 2, onlyHours: [12, 14] },
  ],
});

// HTTP
const route = (path: string) => ({ route: path });
export const inboundRequests = histogram("phoenix_router_dispatch_stop_duration", {
  labels: ["route"],
  unit: "seconds",
  requests: true,
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 15],
  help: "Inbound HTTP requests handled by the Phoenix router, by route",
  examples: [
    { labels: route("/inbox"), perMinute: 40, median: 0.004 },
    { labels: route("/users/:nickname/inbox"), perMinute: 25, median: 0.005 },
    { labels: route("/api/v1/timelines/home"), perMinute: 6, median: 0.12 },
    { labels: route("/api/v1/notifications"), perMinute: 4, median: 0.06 },
    { labels: route("/objects/:uuid"), perMinute: 10, median: 0.02 },
    { labels: route("/.well-known/webfinger"), perMinute: 5, median: 0.008 },
  ],
});
const responseCode = (code: string) => ({ response_code: code });
export const outgoingRequests = histogram("tesla_request_completed", {
  labels: ["response_code"],
  unit: "seconds",
  requests: true,
  lazy: true, // appears only after the first outgoing request
  buckets: jobBuckets,
  help: "Outgoing HTTP requests, by response code",
  examples: [
    { labels: responseCode("200"), perMinute: 35, median: 0.15 },
    { labels: responseCode("202"), perMinute: 20, median: 0.3 },
    { labels: responseCode("404"), perMinute: 2, median: 0.1 },
    { labels: responseCode("410"), perMinute: 0.5, median: 0.1, sinceHours: 6 },
    { labels: responseCode("500"), perMinute: 0.2, median: 1.5, sinceHours: 10 },
    // A server refusing our signatures.
    { labels: responseCode("401"), perMinute: 0.1, median: 0.1, sinceHours: 18 },
  ],
});

// Database
// One query feeds all four: they count the same events.
const dbQueriesPerMinute = 900;
export const dbTotalTime = histogram("pleroma_repo_query_total_time", {
  unit: "milliseconds",
  buckets: [0.1, 0.2, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000],
  help: "Total time of a database query (queue, query and decode)",
  examples: [{ labels: {}, perMinute: dbQueriesPerMinute, median: 1.2 }],
});
export const dbQueueTime = histogram("pleroma_repo_query_queue_time", {
  unit: "milliseconds",
  buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
  help: "Time a query waited for a database connection",
  examples: [{ labels: {}, perMinute: dbQueriesPerMinute, median: 0.05 }],
});
export const dbQueryTime = histogram("pleroma_repo_query_query_time_fdist", {
  unit: "milliseconds",
  buckets: [0.1, 0.2, 0.5, 1, 1.5, 3, 5, 10, 25, 50],
  help: "Time the database spent executing a query",
  examples: [{ labels: {}, perMinute: dbQueriesPerMinute, median: 0.8 }],
});
export const dbDecodeTime = histogram("pleroma_repo_query_decode_time_fdist", {
  unit: "milliseconds",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
  help: "Time spent decoding a query's result",
  examples: [{ labels: {}, perMinute: dbQueriesPerMinute, median: 0.01 }],
});

/** Akkoma's federation ("RFP": receive, fetch, publish) workers, shown apart from the other jobs. */
export const federationWorkers = [
  "Pleroma.Workers.ReceiverWorker",
  "Pleroma.Workers.RemoteFetcherWorker",
  "Pleroma.Workers.PublisherWorker",
] as const;

/**
 * Every metric the dashboard may read, for `check` and `metrics`: `up`, then each one declared above, in
 * the order declared. Nothing to add here for a new metric; declare it above this line.
 */
export const catalogue: readonly Metric[] = Object.freeze([up, ...declaredHere]);
declaring = false;

/** The label a histogram's `_bucket` series carries its bound in. */
export const bucketLabel = "le";

/**
 * Every label Akkoma's own series carry (the scraper's job and instance aside), `le` too: the queries
 * match and aggregate by them themselves, so a deployment's selector must not name them again.
 */
export const seriesLabels: readonly string[] = [
  ...new Set([...catalogue.flatMap((metric): readonly string[] => metric.labels), bucketLabel]),
];
