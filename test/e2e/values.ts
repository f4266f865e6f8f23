// Every panel's numbers against what the synthetic history holds, on both engines and for
// both instances (the second one has its outage and restart inside the dashboard's 3 hours).
import { federationWorkers } from "../../queries/catalogue";
import type { EngineName } from "../../harness/engines";
import { type DashboardLoad, type Frame, finitePoints, panelTitled } from "../../harness/evaluate";
import type { Expectations, InstanceHistory } from "../../harness/synthetic";
import type { LabelTest } from "../../harness/truths";
import { type E2eContext, rangeWindowMs } from "./context";

type Labels = Readonly<Record<string, string>>;
/** What a frame's point should be, given the scrapes its engine counts, (fromMs, toMs]; undefined: not checkable. */
type Truth = (truth: Expectations, frame: Labels, fromMs: number, toMs: number) => number | undefined;

/** A panel's series by its title and its query's legend, as the dashboard shows them; never by refId. */
interface Check {
  title: string;
  series: string;
  truth: Truth;
  /** Largest accepted |shown - expected| / expected, with the reason it is not 0. */
  tolerance: number;
}

const minuteMs = 60_000;
const workerPrefix = "Pleroma.Workers.";
const all: (frame: Labels) => LabelTest = () => () => true;
const byLabel =
  (label: string, prefix = "") =>
  (frame: Labels): LabelTest =>
  (labels) =>
    labels[label] === prefix + (frame[label] ?? "");
const byWorker = byLabel("worker", workerPrefix);
const federation = new Set<string>(federationWorkers);

/**
 * Events (or time, bytes) per `per` ms over the rate window ending at the point: exact where the
 * window saw no outage, restart or birth (elsewhere the engines guess, differently; those points are
 * left out). Both engines count (t - window, t] at the scrape-aligned points of a range query.
 */
const perWindow =
  (name: string, per: number, which: (frame: Labels) => LabelTest = all): Truth =>
  (truth, frame, fromMs, toMs) =>
    truth.steady(name, fromMs, toMs, which(frame))
      ? truth.increase(name, fromMs, toMs, which(frame)) / ((toMs - fromMs) / per)
      : undefined;

/** A ratio of two increases over the window (a mean duration, an average per poll), where both are steady. */
const ratioOver =
  (numerator: string, denominator: string): Truth =>
  (truth, frame, fromMs, toMs) => {
    const [top, bottom] = [perWindow(numerator, 1), perWindow(denominator, 1)].map((f) =>
      f(truth, frame, fromMs, toMs),
    );
    return top === undefined || bottom === undefined ? undefined : top / bottom;
  };

const quantile =
  (phi: number, name: string): Truth =>
  (truth, _frame, fromMs, toMs) =>
    truth.steady(name, fromMs, toMs) ? truth.bucketQuantile(phi, name, fromMs, toMs) : undefined;

/** A trend: everything counted in the trailing window, restarts and all, per minute of it. */
const trend =
  (names: readonly string[], which: (frame: Labels) => LabelTest = all): Truth =>
  (truth, frame, fromMs, toMs) =>
    names.reduce((sum, name) => sum + truth.increase(name, fromMs, toMs, which(frame)), 0) /
    ((toMs - fromMs) / minuteMs);

const gauge =
  (name: string): Truth =>
  (truth, _frame, _fromMs, toMs) =>
    truth.gaugeAt(name, toMs);

const exact = 1e-9; // floating point only: the engine reads the very samples the history holds
// A 24 or 48 h increase() whose window ends after the last scrape ("now" is 30 s past it) or begins
// before the history's first one is extrapolated by the engine: seen up to 0.04 %; a restart inside
// the window is counted exactly. A wrong part, scale or worker set is off by far more than 0.1 %.
const trendTolerance = 0.001;

const otherWorker =
  (frame: Labels): LabelTest =>
  (labels) =>
    !federation.has(labels.worker ?? "") && all(frame)(labels);
const federationWorker =
  (frame: Labels): LabelTest =>
  (labels) =>
    federation.has(labels.worker ?? "") && all(frame)(labels);

const checks: Check[] = [
  ...[
    ["Receive, Fetch, Publish Jobs per Minute", "Completions: {{worker}}", "oban_job_completion_count"],
    ["Receive, Fetch, Publish Jobs per Minute", "Exceptions: {{worker}}", "oban_job_exception_count"],
    ["Job Completions per Minute", "{{worker}}", "oban_job_completion_count"],
    ["Job Exceptions per Minute", "{{worker}}", "oban_job_exception_count"],
  ].map(([title, series, name]) => ({
    title: title as string,
    series: series as string,
    truth: perWindow(name as string, minuteMs, byWorker),
    tolerance: exact,
  })),
  {
    title: "Job Processing Time per Second",
    series: "{{worker}} (c)",
    truth: perWindow("oban_job_completion_sum", 1000, byWorker),
    tolerance: exact,
  },
  {
    title: "Job Processing Time per Second",
    series: "{{worker}} (e)",
    truth: perWindow("oban_job_exception_sum", 1000, byWorker),
    tolerance: exact,
  },
  {
    title: "Outgoing Requests per Minute",
    series: "{{response_code}}",
    truth: perWindow("tesla_request_completed_count", minuteMs, byLabel("response_code")),
    tolerance: exact,
  },
  {
    title: "Inbound Requests per Minute",
    series: "{{route}}",
    truth: perWindow("phoenix_router_dispatch_stop_duration_count", minuteMs, byLabel("route")),
    tolerance: exact,
  },
  {
    title: "Inbound Requests per Minute",
    series: "Total",
    truth: perWindow("phoenix_router_dispatch_stop_duration_count", minuteMs),
    tolerance: exact,
  },
  {
    title: "Inbound HTTP Processing Time per Second",
    series: "{{route}}",
    truth: perWindow("phoenix_router_dispatch_stop_duration_sum", 1000, byLabel("route")),
    tolerance: exact,
  },
  {
    title: "Inbound HTTP Processing Time per Second",
    series: "Total",
    truth: perWindow("phoenix_router_dispatch_stop_duration_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    series: "Queue",
    truth: perWindow("pleroma_repo_query_queue_time_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    series: "Decode",
    truth: perWindow("pleroma_repo_query_decode_time_fdist_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    series: "Query",
    truth: perWindow("pleroma_repo_query_query_time_fdist_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    series: "Total",
    truth: perWindow("pleroma_repo_query_total_time_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    series: "Queue",
    truth: quantile(0.95, "pleroma_repo_query_queue_time_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    series: "Decode",
    truth: quantile(0.95, "pleroma_repo_query_decode_time_fdist_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    series: "Query",
    truth: quantile(0.95, "pleroma_repo_query_query_time_fdist_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    series: "Average total time per query",
    truth: ratioOver("pleroma_repo_query_total_time_sum", "pleroma_repo_query_total_time_count"),
    tolerance: exact,
  },
  { title: "BEAM Port IO per Second", series: "in", truth: perWindow("vm_portio_in_total", 1000), tolerance: exact },
  { title: "BEAM Port IO per Second", series: "out", truth: perWindow("vm_portio_out_total", 1000), tolerance: exact },
  {
    title: "BEAM System Load",
    series: "CPU run queue",
    truth: ratioOver("vm_total_run_queue_lengths_cpu_psum", "vm_total_run_queue_lengths_cpu_pcount"),
    tolerance: exact,
  },
  {
    title: "BEAM System Load",
    series: "IO run queue",
    truth: ratioOver("vm_total_run_queue_lengths_io_fsum_psum", "vm_total_run_queue_lengths_io_fsum_pcount"),
    tolerance: exact,
  },
  { title: "Local Resources", series: "Users", truth: gauge("pleroma_local_users_total"), tolerance: exact },
  { title: "Local Resources", series: "Posts", truth: gauge("pleroma_local_statuses_total"), tolerance: exact },
  { title: "Remote Resource Estimates", series: "Users", truth: gauge("pleroma_remote_users_total"), tolerance: exact },
  { title: "Remote Resource Estimates", series: "Domains", truth: gauge("pleroma_domains_total"), tolerance: exact },
  {
    title: "Jobs per Minute (24 h average)",
    series: "Completions",
    truth: trend(["oban_job_completion_count"], otherWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    series: "Exceptions",
    truth: trend(["oban_job_exception_count"], otherWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    series: "RFP Completions",
    truth: trend(["oban_job_completion_count"], federationWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    series: "RFP Exceptions",
    truth: trend(["oban_job_exception_count"], federationWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Inbound Requests per Minute (24 h average)",
    series: "Inbound requests per minute",
    truth: trend(["phoenix_router_dispatch_stop_duration_count"]),
    tolerance: trendTolerance,
  },
  {
    title: "Outgoing Requests per Minute (24 h average)",
    series: "Outgoing requests per minute",
    truth: trend(["tesla_request_completed_count"]),
    tolerance: trendTolerance,
  },
  {
    title: "HTTP Processing Time per Minute (24 h average)",
    series: "HTTP processing time per minute",
    truth: trend(["phoenix_router_dispatch_stop_duration_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    series: "DB Query",
    truth: trend(["pleroma_repo_query_query_time_fdist_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    series: "DB Total",
    truth: trend(["pleroma_repo_query_total_time_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    series: "Job Total",
    truth: trend(["oban_job_completion_sum", "oban_job_exception_sum"]),
    tolerance: trendTolerance,
  },
];

/**
 * The scrapes a rate over (atMs - windowMs, atMs] counts: VictoriaMetrics from the last sample before
 * the window, Prometheus 2.x from the first inside it ([start, end], both ends included). At a
 * range query's scrape-aligned points the two agree; at an instant query's "now" they do not.
 */
const countedFromMs = (engine: EngineName, atMs: number, windowMs: number) =>
  engine === "Prometheus" ? Math.ceil((atMs - windowMs) / minuteMs) * minuteMs : atMs - windowMs;

/** Every point of the target that the history can tell, compared; mismatches described. */
function compare(engine: EngineName, load: DashboardLoad, instance: InstanceHistory, check: Check) {
  const panel = panelTitled(load, check.title);
  const target = panel.targets.find((t) => t.legend === check.series);
  if (!target) throw new Error(`panel "${check.title}" has no query with the legend "${check.series}"`);
  const windowMs =
    target.kind === "instant" || /\[/.test(target.query) ? rangeWindowMs(target.query, target.inputs) : 0;
  let checked = 0;
  const wrong = target.frames.flatMap((frame: Frame) =>
    finitePoints(frame).flatMap(([atMs, shown]) => {
      const expected = check.truth(instance.expected, frame.labels, countedFromMs(engine, atMs, windowMs), atMs);
      if (expected === undefined || !Number.isFinite(expected)) return [];
      checked++;
      const off = Math.abs(shown - expected) / Math.max(Math.abs(expected), 1e-9);
      return off <= check.tolerance || Math.abs(shown - expected) < 1e-12
        ? []
        : [`${JSON.stringify(frame.labels)} at ${new Date(atMs).toISOString()}: ${shown}, expected ${expected}`];
    }),
  );
  return { checked, wrong };
}

export function describeValues(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("every panel's values against the history, on %s", (engine) => {
    it.each(checks.map((c) => [c.title, c.series, c] as const))("%s, series %s", (_title, _series, check) => {
      for (const { instance, load } of context.shown(engine)) {
        const { checked, wrong } = compare(engine, load, instance, check);
        expect({ instance: instance.instance, wrong: wrong.slice(0, 5) }).toEqual({
          instance: instance.instance,
          wrong: [],
        });
        expect(checked).toBeGreaterThan(0);
      }
    });
  });
}
