// The yardstick the dashboard's cost is held to: the queries of Akkoma's hand-made reference dashboard
// (installation/grafana_dashboard.json, 24 panels), written here so that tests and benches need no copy of
// it, with its ten trend queries repaired the cheapest valid way: `sum(increase(x[24h])) / 1440`, one point
// an hour, no time override (the reference's `avg_over_time(rate(sum(x)[1m])[24h])` is refused by
// Prometheus). Each panel keeps what decides its cost: type, time override, min interval, max data points,
// instant or range. Grafana's server-side expressions (the reference's means and quotients) read no samples;
// the hidden queries they read are queried all the same, so they stand here as plain targets.
import type { DashboardJson, PanelJson, TargetJson } from "./dashboard-json";

const ribbon = "Pleroma.Workers.RemoteFetcherWorker|Pleroma.Workers.ReceiverWorker|Pleroma.Workers.PublisherWorker";

/** The reference dashboard's queries for one scrape job and instance (the import API's answers). */
export function yardstickDashboard(job: string, instance: string): DashboardJson {
  const at = (series: string, matchers = "") =>
    `${series}{${matchers ? `${matchers}, ` : ""}job="${job}", instance="${instance}"}`;
  const rate = (series: string, window = "$__rate_interval") => `rate(${at(series)}[${window}])`;
  const increase = (series: string, matchers = "") => `increase(${at(series, matchers)}[$__interval])`;
  const trend = (series: string, hours: 24 | 48, matchers = "") =>
    `sum(increase(${at(series, matchers)}[${hours}h])) / ${hours * 60}`;
  const rfp = `worker=~"${ribbon}"`;
  const others = `worker!~"${ribbon}"`;

  const panels: PanelJson[] = [
    panel("bargauge", "Failed AP deliveries", [increase("akkoma_ap_delivery_fail_final") + " != 0"], {
      timeFrom: "7d",
    }),
    panel("state-timeline", "Up", [`avg_over_time(${at("up")}[5m])`]),
    panel("gauge", "Uptime", [at("up")], { timeFrom: "now-7d", maxDataPoints: 700 }),
    panel("timeseries", "Local Resources", [at("pleroma_local_users_total"), at("pleroma_local_statuses_total")]),
    panel("timeseries", "Remote Resrc. Estimates", [at("pleroma_remote_users_total"), at("pleroma_domains_total")]),
    panel(
      "gauge",
      "BEAM System Load",
      [
        rate("vm_memory_total_psum", "$__interval"),
        rate("vm_memory_total_pcount", "$__interval"),
        rate("vm_total_run_queue_lengths_cpu_psum"),
        rate("vm_total_run_queue_lengths_cpu_pcount"),
        rate("vm_total_run_queue_lengths_io_fsum_psum"),
        rate("vm_total_run_queue_lengths_io_fsum_pcount"),
      ],
      { instant: true },
    ),
    panel(
      "timeseries",
      "Receive, Fetch, Publish Events",
      [increase("oban_job_completion_count", rfp), increase("oban_job_exception_count", rfp)],
      { interval: "1m" },
    ),
    panel("timeseries", "Single DB Query (95% quantiles)", [
      `histogram_quantile(0.95, ${rate("pleroma_repo_query_queue_time_bucket")})`,
      `histogram_quantile(0.95, ${rate("pleroma_repo_query_decode_time_fdist_bucket")})`,
      `histogram_quantile(0.95, ${rate("pleroma_repo_query_query_time_fdist_bucket")})`,
      rate("pleroma_repo_query_total_time_sum"),
      rate("pleroma_repo_query_total_time_count"),
    ]),
    panel("timeseries", "Total DB Query Times per Second", [
      rate("pleroma_repo_query_queue_time_sum"),
      rate("pleroma_repo_query_decode_time_fdist_sum"),
      rate("pleroma_repo_query_query_time_fdist_sum"),
      rate("pleroma_repo_query_total_time_sum"),
    ]),
    panel("timeseries", "Outgoing Requests", [increase("tesla_request_completed_count")], { interval: "1m" }),
    panel("timeseries", "Job Completions", [increase("oban_job_completion_count", others)], { interval: "1m" }),
    panel("timeseries", "Job Exceptions", [increase("oban_job_exception_count", others)], { interval: "1m" }),
    panel("timeseries", "Total Job Proc. Time per Second", [
      rate("oban_job_completion_sum"),
      rate("oban_job_exception_sum"),
    ]),
    panel("timeseries", "Inbound HTTP Proc. Time per Second", [
      rate("phoenix_router_dispatch_stop_duration_sum"),
      `sum(${rate("phoenix_router_dispatch_stop_duration_sum")})`,
    ]),
    // The reference's queue panels select neither job nor instance.
    panel("timeseries", "Pending Jobs", ["akkoma_job_queue_available"]),
    panel("timeseries", "Scheduled Jobs", ["akkoma_job_queue_scheduled"]),
    panel("timeseries", "Inbound Requests", [increase("phoenix_router_dispatch_stop_duration_count")], {
      interval: "1m",
    }),
    panel("timeseries", "BEAM VM Memory Usage Over Time", [
      rate("vm_memory_total_psum", "$__interval"),
      rate("vm_memory_total_pcount", "$__interval"),
    ]),
    panel("timeseries", "VM Port IO Traffic", [increase("vm_portio_in_total"), increase("vm_portio_out_total")], {
      interval: "1m",
    }),
    trendPanel("Jobs Per Minute - 24h Average", [
      trend("oban_job_completion_count", 24, others),
      trend("oban_job_exception_count", 24, others),
      trend("oban_job_completion_count", 24, rfp),
      trend("oban_job_exception_count", 24, rfp),
    ]),
    trendPanel("Inbound Requests per Min. - 24h Avg", [trend("phoenix_router_dispatch_stop_duration_count", 24)]),
    trendPanel("DB and Job Time Per Min - 48h Avg", [
      trend("pleroma_repo_query_query_time_fdist_sum", 48),
      trend("pleroma_repo_query_total_time_sum", 48),
      `${trend("oban_job_completion_sum", 48)}\n+ ${trend("oban_job_exception_sum", 48)}`,
    ]),
    trendPanel("Outgoing Requests per Min. - 24h Avg", [trend("tesla_request_completed_count", 24)]),
    trendPanel("HTTP Proc Time per Minute - 24h Avg", [trend("phoenix_router_dispatch_stop_duration_sum", 24)]),
  ];
  return {
    time: { from: "now-3h", to: "now" },
    panels: panels.map((p, index) => ({ ...p, id: index + 1 })),
  };
}

/** The repaired trends: one point an hour, the step the dashboard's own trends have. */
const trendPanel = (title: string, exprs: string[]) => panel("timeseries", title, exprs, { interval: "1h" });

function panel(
  type: string,
  title: string,
  exprs: readonly string[],
  options: { timeFrom?: string; interval?: string; maxDataPoints?: number; instant?: boolean } = {},
): PanelJson {
  const { instant, ...settings } = options;
  const targets = exprs.map((expr, index): TargetJson => ({
    refId: String.fromCharCode(65 + index),
    datasource: { type: "prometheus", uid: "prometheus" },
    expr,
    ...(instant ? { instant: true, range: false } : { range: true }),
  }));
  return { type, title, ...settings, targets };
}
