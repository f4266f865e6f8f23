// Foreign files for `check --dashboard` and `--rules`, written here: a compact dashboard in the shape of
// Akkoma's installation/grafana_dashboard.json (its export form, `${SCRAPE_JOB}`/`${INSTANCE}` inputs, a
// few of its panels' queries as that file writes them), and rule files in each form `check` reads.

const job = 'job="${SCRAPE_JOB}", instance="${INSTANCE}"';
const workers = "Pleroma.Workers.RemoteFetcherWorker|Pleroma.Workers.ReceiverWorker|Pleroma.Workers.PublisherWorker";

const target = (expr: string, refId = "A") => ({
  datasource: { type: "prometheus", uid: "${DS_PROMETHEUS}" },
  expr,
  refId,
});
const timeseries = (id: number, title: string, ...exprs: string[]) => ({
  id,
  title,
  type: "timeseries",
  targets: exprs.map((expr, i) => target(expr, String.fromCharCode(65 + i))),
});

/** The reference dashboard's shape; `panels` are the reference's own queries, rows and a library panel added. */
export const referenceDashboard = {
  __inputs: [{ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" }],
  __elements: {
    "lib-uptime": {
      name: "Uptime",
      uid: "lib-uptime",
      kind: 1,
      model: { title: "Up", type: "gauge", targets: [target(`up{${job}}`)] },
    },
  },
  title: "Akkoma Dashboard",
  templating: { list: [] },
  panels: [
    timeseries(1, "Failed AP deliveries", `increase(akkoma_ap_delivery_fail_final{${job}}[$__interval]) != 0`),
    { id: 2, title: "Up", type: "gauge", libraryPanel: { uid: "lib-uptime", name: "Uptime" } },
    timeseries(3, "Local Resources", `pleroma_local_users_total{${job}}`),
    {
      id: 4,
      title: "Jobs",
      type: "row",
      collapsed: true,
      panels: [
        timeseries(
          5,
          "Receive, Fetch, Publish Events",
          `increase(oban_job_completion_count{worker=~"${workers}", ${job}}[$__interval])`,
        ),
        timeseries(
          6,
          "Job Completions",
          `increase(oban_job_completion_count{worker!~"${workers}", ${job}}[$__interval])`,
        ),
        timeseries(7, "Pending Jobs", "akkoma_job_queue_available"),
      ],
    },
    timeseries(
      8,
      "Single DB Query (95% quantiles)",
      `histogram_quantile(0.95, rate(pleroma_repo_query_queue_time_bucket{${job}}[$__rate_interval]))`,
      `rate(pleroma_repo_query_total_time_sum{${job}}[$__rate_interval])`,
    ),
    timeseries(
      9,
      "Inbound Requests per Min. - 24h Avg",
      `avg_over_time(sum(rate(phoenix_router_dispatch_stop_duration_count{${job}}[$__rate_interval]))[24h]) * 60`,
    ),
    timeseries(
      10,
      "BEAM VM Memory Usage Over Time",
      `rate(vm_memory_total_psum{${job}}[$__interval])\n# or, counting restarts: rate(vm_memory_total{${job}}[5m])`,
    ),
    timeseries(11, "Outgoing Requests", `increase(tesla_request_completed_count{${job}}[$__interval])`),
  ],
};

export const prometheusRules = `groups:
  - name: akkoma
    rules:
      - record: akkoma:deliveries_failed:rate5m
        expr: sum by (target) (rate(akkoma_ap_delivery_fail_final[5m]))
      - alert: AkkomaDeliveriesFailing
        expr: akkoma:deliveries_failed:rate5m > 1
        for: 15m
      - alert: AkkomaQueueBackingUp
        expr: sum by (queue_name) (akkoma_job_queue_available) > 100
      - alert: AkkomaHttpErrors
        expr: sum by (status) (rate(phoenix_router_dispatch_stop_duration_count[5m])) > 0
`;

/** The same rules as a Prometheus Operator resource and as a VMRule, in one YAML stream. */
export const ruleResources = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: { name: akkoma }
spec:
  groups:
    - name: akkoma
      rules:
        - alert: AkkomaDown
          expr: up{job="akkoma"} == 0
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMRule
metadata: { name: akkoma-vm }
spec:
  groups:
    - name: akkoma
      rules:
        - alert: AkkomaOutgoingRequestsFailing
          expr: rate(tesla_request_completed_count{status="500"}[5m]) > 0
`;
