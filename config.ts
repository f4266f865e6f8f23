// Every setting a user may change, in one place (a monitoring mixin's `_config`). Every other file reads
// these values; no name or number is shared between files by comment.

/** What Grafana's "Import dashboard" screen asks for; `${NAME}` is replaced throughout the file. */
export const importInputs = {
  datasource: "DATASOURCE",
  scrapeJob: "SCRAPE_JOB",
  instance: "INSTANCE",
} as const;

/** `${NAME}`: how the import screen's answers are written into the file before import. */
export const importPlaceholder = (input: (typeof importInputs)[keyof typeof importInputs]) => `\${${input}}`;

/**
 * Dashboard variables: the data source every panel reads, and the scrape job and instance every query
 * filters on. Named like the labels they select, so a URL reads `?var-job=akkoma&var-instance=...`.
 */
export const variables = {
  datasource: "datasource",
  scrapeJob: "job",
  instance: "instance",
} as const;

/** The labels the scraper (Prometheus, VictoriaMetrics) attaches to every series of a target. */
export const scrapeLabels = {
  job: "job",
  instance: "instance",
} as const;

/** The scrape job the import screen proposes (and the rule files select by default). */
export const defaultScrapeJob = "akkoma";

/** Where `build` writes, relative to the project (or the current folder). */
export const outputs = {
  /** For Grafana's "Import dashboard" screen: asks for the data source, scrape job and instance. */
  importFile: "out/grafana_dashboard.json",
  /** For file provisioning, the Helm chart's sidecar and the Grafana Operator: loadable as is. */
  provisioningFolder: "out/provisioning",
  provisionedDashboard: "akkoma.json",
  provider: "dashboards.yaml",
  /** A dashboard rendered with deployment values, when no --out is given: `<folder>/<uid>.json`. */
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
} as const;

export const steps = {
  /**
   * Akkoma refreshes its values once a minute and a rate needs a window of four scrapes
   * ($__rate_interval), so a point a minute would read every sample four times to draw a curve
   * no sharper than one point every two minutes.
   */
  timeseries: "2m",
  /** The up/down timeline resolves single scrapes. */
  upTimeline: "1m",
  /**
   * A trailing average moves slowly, so one point an hour is plenty: each point reads its whole
   * window once, and a per-minute step would read the same samples sixty times over.
   */
  trend: "1h",
} as const;

export const thresholds = {
  /** Uptime, on a 0..1 scale: red below 95 %, orange below 99 %. */
  uptime: { orange: 0.95, green: 0.99 },
  /** Final delivery failures per remote host and reason over the week. */
  deliveryFailures: { orange: 5, red: 25 },
  /** BEAM memory in bytes. */
  beamMemory: { red: 500_000_000 },
  /** BEAM run queue lengths. */
  runQueue: { yellow: 15, red: 25 },
} as const;
