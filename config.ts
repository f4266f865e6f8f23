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

/** Dashboard variables every query filters on. */
export const variables = {
  scrapeJob: "scrape_job",
  instance: "instance",
} as const;

/** The labels the scraper (Prometheus, VictoriaMetrics) attaches to every series of a target. */
export const scrapeLabels = {
  job: "job",
  instance: "instance",
} as const;

/** The scrape job the import screen proposes (and the rule files select by default). */
export const defaultScrapeJob = "akkoma";

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
  /** The up/down timeline resolves single scrapes; its window spans four, so a point never falls between two. */
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
} as const;

/** CPU cores of the Akkoma server: the BEAM starts one scheduler per core. */
export const schedulers = 4;

/** The longest panels list this many series and show the rest as one (a legend of 300 routes is unreadable). */
export const topN = {
  /** Remote host and reason rows of the failed deliveries bar gauge. */
  failedDeliveries: 15,
  /** Routes of the inbound request panels; the rest are drawn as "other routes". */
  routes: 8,
} as const;

/**
 * Final delivery failure reasons that mean the remote instance is gone or down, which Akkoma's
 * monitoring documentation calls expected noise. `http_401` is not here: it is always worth a look.
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
