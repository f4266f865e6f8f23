// Every setting a user may change, in one place (a monitoring mixin's `_config`). Every other file reads
// these values; no name or number is shared between files by comment.
import { homepage } from "./package.json";

/**
 * What Grafana's "Import dashboard" screen asks for: the data source, nothing else. Constant inputs
 * (a scrape job, an instance) reach a query variable only through the legacy import API, which replaces
 * `${NAME}` everywhere; the newer Import page fills constants into constant variables alone (its
 * `applyV1Inputs`), and both forms refuse an empty constant. The Job and Instance variables discover
 * their values instead (dashboards/variables.ts), so the file asks nothing they could get wrong.
 */
export const importInputs = {
  datasource: "DATASOURCE",
} as const;

/** `${NAME}`: how the import screen's answers are written into the file before import. */
export const importPlaceholder = (input: (typeof importInputs)[keyof typeof importInputs]) => `\${${input}}`;

/**
 * Dashboard variables: the data source every panel reads, and the scrape job and instance every query
 * filters on. Named like the labels they select, so a URL reads `?var-job=akkoma&var-instance=...`.
 */
export const variables = {
  datasource: "datasource",
  job: "job",
  instance: "instance",
} as const;

/** The labels the scraper (Prometheus, VictoriaMetrics) attaches to every series of a target. */
export const scrapeLabels = {
  job: "job",
  instance: "instance",
} as const;

/** The Job variable's default when Grafana finds it (and the job the rule files select by default). */
export const defaultScrapeJob = "akkoma";

/** Where `build` writes, relative to the project (or the current folder). */
export const outputs = {
  /** For Grafana's "Import dashboard" screen: asks for the data source. */
  importFile: "out/grafana_dashboard.json",
  /** A picture of the dashboard's rows and panels, drawn from the built dashboard, for the README. */
  layoutPicture: "out/dashboard-layout.svg",
  /** For file provisioning, the Helm chart's sidecar and the Grafana Operator: loadable as is. */
  provisioningFolder: "out/provisioning",
  provisionedDashboard: "akkoma.json",
  provider: "dashboards.yaml",
  /**
   * Alert rules for Prometheus, vmalert, Thanos and Mimir rulers, each group recording what its alerts
   * read before them: the one file alerting needs.
   */
  prometheusRules: "out/prometheus/akkoma-alerts.yml",
  /** The recording rules only `build --recorded`'s dashboard reads: load it for that dashboard alone. */
  dashboardRecordingRules: "out/prometheus/akkoma-dashboard-recording-rules.yml",
  /** The federation delivery objective: its recording rules and burn-rate alerts, in one file. */
  sloRules: "out/prometheus/akkoma-slo-rules.yml",
  /** PrometheusRule, VMRule, ServiceMonitor, VMServiceScrape, GrafanaDashboard and GrafanaManifest resources. */
  kubernetesFolder: "out/kubernetes",
  /**
   * The dashboard as a `kind: Dashboard` resource, one folder an API version (`v2/`: Grafana 13, `v2beta1/`:
   * Grafana 12.x), each holding `provisionedDashboard`: Git Sync reads one resource a file, per folder.
   */
  resourcesFolder: "out/grafana",
  /**
   * A dashboard rendered with deployment values, when no --out is given: `<folder>/<uid>.json`, with
   * its rules beside it (`<uid>.alerts.yml`, with `recorded` `<uid>.dashboard-recording-rules.yml`, and
   * with a data source uid `<uid>.alert-rules.json`).
   */
  renderedFolder: "out/rendered",
} as const;

/** Grafana's dashboard provider for the provisioning file (out/provisioning/dashboards.yaml). */
export const provider = {
  name: "akkoma",
  folder: "Akkoma",
  /** Where the admin copies akkoma.json on the Grafana host (Grafana's own default layout). */
  path: "/var/lib/grafana/dashboards/akkoma",
  /** Provisioned dashboards are code: edits in the UI would be lost at the next restart anyway. */
  allowUiUpdates: false,
  updateIntervalSeconds: 60,
} as const;

export const dashboard = {
  uid: "akkoma-dashboard",
  title: "Akkoma Dashboard",
  description: "Health and load of one Akkoma instance, from the metrics it exports at /api/v1/akkoma/metrics.",
  tags: ["akkoma", "fediverse"],
  timeFrom: "now-3h",
  timezone: "utc",
  // Akkoma refreshes its values every 60 s: refreshing faster only repeats them.
  refresh: "5m",
  refreshIntervals: ["1m", "5m", "15m", "30m", "1h", "2h", "1d"],
} as const;

/** Time windows of the panels that look further back than the dashboard's range. */
export const windows = {
  /** A delivery failure or an outage last Tuesday still matters today. */
  week: "7d",
  /** Long-term trends: per-minute averages over a trailing day, or two for slow-moving totals. */
  day: "24h",
  twoDays: "48h",
  /**
   * A restart mark falls where the BEAM's uptime first reads below this: long enough that the first
   * scrape after a slow boot still lands in it, short enough that a quiet BEAM never looks newly booted.
   */
  restartUptime: "10m",
} as const;

export const steps = {
  /**
   * Akkoma refreshes its values once a minute and a rate needs a window of four scrapes
   * ($__rate_interval), so a point a minute would read every sample four times to draw a curve
   * no sharper than one point every two minutes.
   */
  timeseries: "2m",
  /** The up/down timeline resolves single scrapes; its window spans four, so a point never falls between two. */
  upTimeline: "1m",
  /**
   * A trailing average moves slowly, so one point an hour is plenty: each point reads its whole
   * window once, and a per-minute step would read the same samples sixty times over.
   */
  trend: "1h",
  /**
   * At most this many trend points on any range: a trailing day's average changes little within a
   * quarter of its window, so the month view's point every 6 hours draws the same line as one an hour
   * for a sixth of the reads. Ranges up to 5 days keep a point an hour.
   */
  trendPoints: 120,
  /**
   * Restart marks, at the shortest: a mark lands within this of the restart. As the time series' step,
   * so a mark never falls between two points, and half the lookback reads of a step a minute.
   */
  restarts: "2m",
} as const;

/**
 * The recorded dashboard's intervals (`build --recorded`): counters' per-target sums each minute (a
 * scrape's resolution, so their rate over Grafana's $__rate_interval is the raw one's); trends once an
 * hour, the trend panels' step.
 */
export const recording = {
  rateInterval: "1m",
  trendInterval: steps.trend,
} as const;

/** CPU cores of the Akkoma server: the BEAM starts one scheduler per core. */
export const schedulers = 4;

/**
 * Panel colours and alert bars, in one place: an alert links to a panel that turns orange (or draws its
 * line) at the alert's bar, so a responder who opens the panel sees what fired.
 */
export const thresholds = {
  /** Uptime, on a 0..1 scale: red below 95 %, orange below 99 %. */
  uptime: { orange: 0.95, green: 0.99 },
  /**
   * Final delivery failures per remote host and reason over the week (the panel), and per reason or per
   * host within an hour (the alerts fire above orange).
   */
  deliveryFailures: { orange: 5, red: 25 },
  /**
   * BEAM memory in bytes. A mid-sized instance's BEAM settles at 0.5-1.5 GB; orange at 2 GiB and red
   * at 4 GiB flag growth worth a look (a leak, a runaway cache) on a typical 4-8 GB server.
   */
  beamMemory: { orange: 2 * 1024 ** 3, red: 4 * 1024 ** 3 },
  /**
   * Average run queue length per scheduler. The BEAM runs one scheduler a CPU core; a queue longer
   * than the number of schedulers means work waits for a core. So: the total divided by `schedulers`,
   * orange at 1 job waiting per scheduler, red at 2.
   */
  runQueuePerScheduler: { orange: 1, red: 2 },
  /**
   * Mean wait for a database connection, in ms: the DB panel draws a dashed line here and the pool alert
   * fires above it. Ecto's pool starts shedding load past 50 ms (queue_target); 20 ms is well before that.
   */
  dbQueueMeanMs: 20,
  /** Jobs waiting in one queue: the Pending Jobs panel's dashed line, and the backlog alert's bar. */
  pendingJobs: 100,
} as const;

/** The longest panels list this many series and show the rest as one (a legend of 300 routes is unreadable). */
export const topN = {
  /** Remote host and reason rows of the failed deliveries bar gauge. */
  failedDeliveries: 15,
  /** Routes of the inbound request panels, drawn beside the total of all routes. */
  routes: 8,
} as const;

/**
 * Final delivery failure reasons that mean the remote instance is gone or down, which Akkoma's
 * monitoring documentation calls expected noise: the dashboard can hide them, and they never alert.
 * Cloudflare answers 520-530 for an origin it cannot reach. `http_401` is not here: always worth a look.
 */
export const deadInstanceReasons = [
  "http_410",
  "http_502",
  ...Array.from({ length: 11 }, (_, k) => `http_${520 + k}`),
  "econnrefused",
  "nxdomain",
  "timeout",
] as const;

/** Delivery failure reasons that stand out whatever the toggle: the remote server refused our signature. */
export const alarmingDeliveryReasons = ["http_401"] as const;

/** A dashboard toggle (custom variable) whose value is a regex of reasons to hide. */
export const deadReasonsToggle = {
  name: "hide_dead_reasons",
  label: "Delivery failures",
  /** RE2 anchors every matcher, and no string has text before its own start: `x^` matches nothing. */
  showAll: { text: "show all reasons", regex: "x^" },
  hideDead: { text: "hide dead-instance reasons", regex: deadInstanceReasons.join("|") },
} as const;

/**
 * Uptime and the up/down timeline: when the scraper runs on the Akkoma machine, its own downtime is
 * Akkoma's downtime too, and a gap in `up` should count as "down" rather than be left out.
 */
export const countScraperDowntime = false;

/** Where the dashboard links to: Akkoma's documentation, and pages the instance itself serves. */
export const links = {
  /** The documentation's root: its monitoring page's path could not be checked from here. */
  docs: "https://docs.akkoma.dev/stable/",
  /** Phoenix LiveDashboard, served to admins at this path; Oban's queue page is one of its tabs. */
  liveDashboard: "/phoenix/live_dashboard",
  obanDashboard: "/phoenix/live_dashboard/oban",
} as const;

/**
 * Alert rules: what they select, where they link, and every threshold and duration. A `window` is the
 * range a rate or average looks back over; `for` is how long the condition must hold before it fires.
 */
export const alerts = {
  /** Rule files have no variables: they select every instance of this scrape job. */
  job: defaultScrapeJob,
  group: "akkoma",
  /** How often the rules are evaluated; Akkoma refreshes its values every 60 s. */
  interval: "1m",
  /**
   * Each alert's `runbook_url` is this plus `#<anchor>`: absolute, since a notification (Alertmanager,
   * Grafana) has no page to resolve a relative one against. The published docs/runbook.md by default
   * (package.json's homepage); render with `--runbook-base-url` for your own copy.
   */
  runbookBaseUrl: `${homepage}/src/branch/main/docs/runbook.md`,
  /**
   * Grafana-managed rules. No data source uid here: a guessed one turns into a DatasourceError alert per
   * rule per evaluation, so they are only rendered for the uid a user names (`--datasource-uid`).
   */
  grafana: { folder: "Akkoma", orgId: 1 },
  down: { for: "5m" },
  /** The target vanished from service discovery (or the scraper lost its config). */
  targetMissing: { for: "10m" },
  /**
   * The recorded series go stale 5 minutes after their last write: missing for this long, the ruler (or
   * its remoteWrite) has stopped, not merely missed an evaluation.
   */
  recordingsMissing: { for: "10m" },
  /** Akkoma polls once a minute; no new poll in this window means it stopped refreshing its values. */
  stale: { window: "10m", for: "5m" },
  /** PublisherWorker exceptions above this share of its jobs: remote servers reject what we send. */
  outboundFederation: { window: "15m", exceptionRatio: 0.5, minJobsPerMinute: 1, for: "30m" },
  /**
   * Final failures per reason (dead-instance reasons aside) within the window. A count stays up for the
   * whole window after a burst, so `for` asks that it last, not that failures keep coming.
   */
  deliveryFailures: { window: "1h", perReason: thresholds.deliveryFailures.orange, for: "15m" },
  /**
   * A remote server refusing our signatures, per host. A single 401 is routine in the fediverse (a key
   * fetched a moment late, a deleted actor, a host that just defederated): more than a handful from one
   * host within the hour, lasting a quarter of an hour, is a refusal worth a look.
   */
  unauthorizedDeliveries: {
    reason: "http_401",
    window: "1h",
    perTarget: thresholds.deliveryFailures.orange,
    for: "15m",
  },
  /** Jobs waiting in one queue: the lowest value in the window above this, and not falling. */
  queueBacklog: { window: "30m", pendingJobs: thresholds.pendingJobs, for: "15m" },
  /**
   * Share of a worker's jobs that raise. RemoteFetcherWorker fails 10-20 % of its jobs on deleted or
   * unreachable remote objects, so it gets its own, higher bar; PublisherWorker has its own alert.
   * `minJobsPerMinute` keeps one failure out of two jobs from paging.
   */
  jobExceptions: {
    window: "15m",
    exceptionRatio: 0.5,
    minJobsPerMinute: 0.5,
    for: "30m",
    workers: { "Pleroma.Workers.RemoteFetcherWorker": 0.6 } as Readonly<Record<string, number>>,
  },
  /** Mean wait for a database connection, in ms. */
  dbQueueTime: { window: "10m", meanMs: thresholds.dbQueueMeanMs, for: "15m" },
  /**
   * Mean BEAM run queue length per poll; Akkoma's doc: "should be zero most of the time". The BEAM Load
   * gauge's orange: one process waiting per scheduler.
   */
  runQueue: { window: "10m", mean: thresholds.runQueuePerScheduler.orange * schedulers, for: "15m" },
} as const;

/** What `setup` registers, writes and proposes when no flag says otherwise. */
export const setup = {
  /** The OAuth app's name, as the admin sees it on Akkoma's authorize page. */
  clientName: "akkoma-dashboards",
  /** The folder it writes into, relative to the current one. */
  out: "akkoma-monitoring",
  /** Akkoma refreshes its values every 60 s; Grafana's data source must say the same ("timeInterval"). */
  scrapeInterval: "60s",
  /** The Grafana data source it provisions; the dashboard it writes reads this uid. */
  datasource: { name: "Akkoma metrics", uid: "akkoma-metrics" },
  engines: {
    prometheus: { url: "http://localhost:9090", tokenPath: "/etc/prometheus/akkoma_token" },
    victoriametrics: { url: "http://localhost:8428", tokenPath: "/etc/victoria-metrics/akkoma_token" },
  },
} as const;

/**
 * The Kubernetes forms (out/kubernetes/): what the operators' resources point at. Akkoma answers
 * /api/v1/akkoma/metrics only with an admin token (scope admin:metrics), read from a Secret.
 */
export const kubernetes = {
  /** Every resource's name. */
  name: "akkoma",
  /** The Service in front of Akkoma: the labels it carries, and the name of its HTTP port. */
  service: { matchLabels: { "app.kubernetes.io/name": "akkoma" }, port: "http" },
  metricsPath: "/api/v1/akkoma/metrics",
  /** Akkoma refreshes its values once a minute: scraping faster only repeats them. */
  scrapeInterval: "60s",
  /** The Secret holding the token (in the Service's namespace). */
  tokenSecret: { name: "akkoma-metrics-token", key: "token" },
  /** Which Grafana instances the Grafana Operator loads the dashboard into (their labels). */
  grafanaInstanceLabels: { dashboards: "grafana" },
  /**
   * The folder the Grafana Operator files the dashboard in (by title, made if missing) when the values name no
   * folder uid: without one it files it under the namespace's name. The provisioning file's folder, too.
   */
  grafanaFolder: provider.folder,
  /** A ConfigMap or Secret (and so an object in etcd) holds at most this much. */
  maxResourceBytes: 1024 * 1024,
} as const;

/**
 * The federation delivery objective: the share of ActivityPub deliveries to live servers that succeed
 * (dead-instance reasons count on neither side), over 30 days. Its final failures are counted only once
 * a delivery exhausts its retries, about a day after the first attempt, while completions count at once:
 * a short window over them sees an outage a day late, as a burst. So (docs/objective.md) the page reads
 * a leading signal, PublisherWorker attempts that raise, and only the ticket reads the budget, over windows
 * of hours to a day. Each has a minimum of events: the page's on this target's usual deliveries (retries
 * inflate attempts), the ticket's on final failures: a small instance with a few refused deliveries is never
 * paged for them, and ticketed only once they spend the budget.
 */
export const federationSlo = {
  objective: 0.99,
  /** The period the budget is counted over: the dashboard's "budget left". */
  period: "30d",
  /** The "budget left" gauge turns orange below half the budget left, red below a quarter. */
  budgetLeftBars: { orange: 0.25, green: 0.5 },
  group: "akkoma-federation-slo",
  /**
   * Pages: our federation has stopped. Nearly every delivery attempt raises, over the long window and still
   * over the short one, and deliveries stopped completing: PublisherWorker's completions over `delivered.window`
   * are under `delivered.share` of what this target usually completes in as long (its completions over
   * `delivered.usual`, ending `long` ago, scaled). Two guards keep low traffic out, on deliveries, not on
   * attempts (each refused delivery raises four times within a quarter of an hour): the target usually
   * completes at least `delivered.minPerHour` deliveries an hour (a smaller instance is not paged: it gets the
   * ticket and the dashboard), and its attempts over `long` are at least `delivered.minAttemptsOfUsual` of the
   * deliveries it usually makes in as long (a quiet night's few refusals are not an outage).
   */
  attemptsFailing: {
    name: "AkkomaFederationAttemptsFailing",
    severity: "critical",
    share: 0.8,
    long: "30m",
    short: "5m",
    for: "2m",
    delivered: { window: "15m", share: 0.2, usual: "6h", minPerHour: 60, minAttemptsOfUsual: 0.5 },
  },
  /**
   * Tickets: final failures to live servers spend the budget `burnRate` times faster than it lasts, over
   * a day and still over six hours, with at least `minFailures` of them in the day. At 2 the 30-day
   * budget is gone in 15 days. Windows shorter than the retries' day would see only bursts.
   */
  budgetBurn: {
    name: "AkkomaFederationBudgetBurn",
    severity: "warning",
    burnRate: 2,
    long: "1d",
    short: "6h",
    minFailures: 20,
    for: "30m",
    /** The burn-rate panel's step over the long window: a sixth of it, as the line moves slowly. */
    panelStep: "4h",
  },
} as const;
