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

interface Check {
  title: string;
  refId: string;
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

const none: Truth = () => 0;
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
    ["Receive, Fetch, Publish Jobs per Minute", "A", "oban_job_completion_count"],
    ["Receive, Fetch, Publish Jobs per Minute", "B", "oban_job_exception_count"],
    ["Job Completions per Minute", "A", "oban_job_completion_count"],
    ["Job Exceptions per Minute", "A", "oban_job_exception_count"],
  ].map(([title, refId, name]) => ({
    title: title as string,
    refId: refId as string,
    truth: perWindow(name as string, minuteMs, byWorker),
    tolerance: exact,
  })),
  {
    title: "Job Processing Time per Second",
    refId: "A",
    truth: perWindow("oban_job_completion_sum", 1000, byWorker),
    tolerance: exact,
  },
  {
    title: "Job Processing Time per Second",
    refId: "B",
    truth: perWindow("oban_job_exception_sum", 1000, byWorker),
    tolerance: exact,
  },
  {
    title: "Outgoing Requests per Minute",
    refId: "A",
    truth: perWindow("tesla_request_completed_count", minuteMs, byLabel("response_code")),
    tolerance: exact,
  },
  {
    title: "Inbound Requests per Minute",
    refId: "A",
    truth: perWindow("phoenix_router_dispatch_stop_duration_count", minuteMs, byLabel("route")),
    tolerance: exact,
  },
  // Six routes, all among the eight busiest: nothing is left for "other routes".
  { title: "Inbound Requests per Minute", refId: "B", truth: none, tolerance: exact },
  {
    title: "Inbound HTTP Processing Time per Second",
    refId: "A",
    truth: perWindow("phoenix_router_dispatch_stop_duration_sum", 1000, byLabel("route")),
    tolerance: exact,
  },
  { title: "Inbound HTTP Processing Time per Second", refId: "B", truth: none, tolerance: exact },
  {
    title: "Inbound HTTP Processing Time per Second",
    refId: "total",
    truth: perWindow("phoenix_router_dispatch_stop_duration_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    refId: "A",
    truth: perWindow("pleroma_repo_query_queue_time_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    refId: "B",
    truth: perWindow("pleroma_repo_query_decode_time_fdist_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    refId: "C",
    truth: perWindow("pleroma_repo_query_query_time_fdist_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Time per Second",
    refId: "total",
    truth: perWindow("pleroma_repo_query_total_time_sum", 1000),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    refId: "A",
    truth: quantile(0.95, "pleroma_repo_query_queue_time_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    refId: "B",
    truth: quantile(0.95, "pleroma_repo_query_decode_time_fdist_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    refId: "C",
    truth: quantile(0.95, "pleroma_repo_query_query_time_fdist_bucket"),
    tolerance: exact,
  },
  {
    title: "DB Query Time (95th Percentile)",
    refId: "totalavg",
    truth: ratioOver("pleroma_repo_query_total_time_sum", "pleroma_repo_query_total_time_count"),
    tolerance: exact,
  },
  { title: "BEAM Port IO per Second", refId: "A", truth: perWindow("vm_portio_in_total", 1000), tolerance: exact },
  { title: "BEAM Port IO per Second", refId: "B", truth: perWindow("vm_portio_out_total", 1000), tolerance: exact },
  {
    title: "BEAM System Load",
    refId: "cpu",
    truth: ratioOver("vm_total_run_queue_lengths_cpu_psum", "vm_total_run_queue_lengths_cpu_pcount"),
    tolerance: exact,
  },
  {
    title: "BEAM System Load",
    refId: "io",
    truth: ratioOver("vm_total_run_queue_lengths_io_fsum_psum", "vm_total_run_queue_lengths_io_fsum_pcount"),
    tolerance: exact,
  },
  { title: "Local Resources", refId: "A", truth: gauge("pleroma_local_users_total"), tolerance: exact },
  { title: "Local Resources", refId: "B", truth: gauge("pleroma_local_statuses_total"), tolerance: exact },
  { title: "Remote Resource Estimates", refId: "A", truth: gauge("pleroma_remote_users_total"), tolerance: exact },
  { title: "Remote Resource Estimates", refId: "B", truth: gauge("pleroma_domains_total"), tolerance: exact },
  {
    title: "Jobs per Minute (24 h average)",
    refId: "A",
    truth: trend(["oban_job_completion_count"], otherWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    refId: "B",
    truth: trend(["oban_job_exception_count"], otherWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    refId: "C",
    truth: trend(["oban_job_completion_count"], federationWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Jobs per Minute (24 h average)",
    refId: "D",
    truth: trend(["oban_job_exception_count"], federationWorker),
    tolerance: trendTolerance,
  },
  {
    title: "Inbound Requests per Minute (24 h average)",
    refId: "A",
    truth: trend(["phoenix_router_dispatch_stop_duration_count"]),
    tolerance: trendTolerance,
  },
  {
    title: "Outgoing Requests per Minute (24 h average)",
    refId: "A",
    truth: trend(["tesla_request_completed_count"]),
    tolerance: trendTolerance,
  },
  {
    title: "HTTP Processing Time per Minute (24 h average)",
    refId: "A",
    truth: trend(["phoenix_router_dispatch_stop_duration_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    refId: "A",
    truth: trend(["pleroma_repo_query_query_time_fdist_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    refId: "B",
    truth: trend(["pleroma_repo_query_total_time_sum"]),
    tolerance: trendTolerance,
  },
  {
    title: "DB and Job Time per Minute (48 h average)",
    refId: "jobs",
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
  const target = panel.targets.find((t) => t.refId === check.refId);
  if (!target) throw new Error(`panel "${check.title}" has no query ${check.refId}`);
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
    it.each(checks.map((c) => [c.title, c.refId, c] as const))("%s, query %s", (_title, _refId, check) => {
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
