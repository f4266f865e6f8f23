// What the panel tests compare with: the reference dashboard's panels, and which legends a label can fill
// (the values the catalogue's examples give it).
import { catalogue } from "../../queries/catalogue";

/** Akkoma's reference dashboard (installation/grafana_dashboard.json): type, series read, time override. */
export const referencePanels: [type: string, series: string[], timeFrom: string | undefined][] = [
  ["bargauge", ["akkoma_ap_delivery_fail_final"], "7d"],
  ["state-timeline", ["up"], undefined],
  ["gauge", ["up"], "7d"],
  ["timeseries", ["pleroma_local_statuses_total", "pleroma_local_users_total"], undefined],
  ["timeseries", ["pleroma_domains_total", "pleroma_remote_users_total"], undefined],
  ["gauge", ["vm_memory_total", "vm_total_run_queue_lengths_cpu", "vm_total_run_queue_lengths_io_fsum"], undefined],
  ["timeseries", ["oban_job_completion", "oban_job_exception"], undefined],
  [
    "timeseries",
    [
      "pleroma_repo_query_decode_time_fdist",
      "pleroma_repo_query_query_time_fdist",
      "pleroma_repo_query_queue_time",
      "pleroma_repo_query_total_time",
    ],
    undefined,
  ],
  ["timeseries", ["tesla_request_completed"], undefined],
  ["timeseries", ["oban_job_completion"], undefined],
  ["timeseries", ["oban_job_exception"], undefined],
  ["timeseries", ["phoenix_router_dispatch_stop_duration"], undefined],
  ["timeseries", ["akkoma_job_queue_available"], undefined],
  ["timeseries", ["akkoma_job_queue_scheduled"], undefined],
  ["timeseries", ["vm_memory_total"], undefined],
  ["timeseries", ["vm_portio_in_total", "vm_portio_out_total"], undefined],
  [
    "timeseries",
    [
      "pleroma_repo_query_query_time_fdist",
      "pleroma_repo_query_total_time",
      "oban_job_completion",
      "oban_job_exception",
    ],
    undefined,
  ],
  ["timeseries", ["oban_job_completion", "oban_job_exception"], undefined],
  ["timeseries", ["phoenix_router_dispatch_stop_duration"], undefined],
  [
    "timeseries",
    [
      "pleroma_repo_query_decode_time_fdist",
      "pleroma_repo_query_query_time_fdist",
      "pleroma_repo_query_queue_time",
      "pleroma_repo_query_total_time",
    ],
    undefined,
  ],
  // Long-term trends: no time override, so they follow the time picker like the reference's.
  ["timeseries", ["oban_job_completion", "oban_job_exception"], undefined],
  ["timeseries", ["phoenix_router_dispatch_stop_duration"], undefined],
  ["timeseries", ["tesla_request_completed"], undefined],
  ["timeseries", ["phoenix_router_dispatch_stop_duration"], undefined],
];

// How the panels show a label's value in a legend: Akkoma leaves some empty, and the worker's module
// prefix is left out.
const emptyShownAs: Record<string, string> = { target: "(no host)", response_code: "no response" };
const shownPrefix: Record<string, string> = { worker: "Pleroma.Workers." };

/** The values each label takes in the catalogue's examples, as a legend shows them. */
const labelExamples: Record<string, string[]> = {};
for (const metric of catalogue) {
  for (const { labels } of metric.examples ?? []) {
    for (const [label, value] of Object.entries(labels) as [string, string][]) {
      const shown = value === "" ? (emptyShownAs[label] ?? "") : value.replace(shownPrefix[label] ?? "", "");
      const known = (labelExamples[label] ??= []);
      if (!known.includes(shown)) known.push(shown);
    }
  }
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A legend template as a regex: each `{{label}}` a value that label can take. */
function legendPattern(legend: string): RegExp {
  const parts = legend.split(/(\{\{\s*\w+\s*\}\})/);
  const body = parts
    .map((part) => {
      const label = /^\{\{\s*(\w+)\s*\}\}$/.exec(part)?.[1];
      if (!label) return escaped(part);
      const values = labelExamples[label];
      if (!values) throw new Error(`no example values of legend label ${label}: add examples to its catalogue entry`);
      return `(${values.map(escaped).join("|")})`;
    })
    .join("");
  return new RegExp(`^${body}$`);
}

function examplesOf(legend: string): string[] {
  const label = /\{\{\s*(\w+)\s*\}\}/.exec(legend)?.[1];
  if (!label) return [legend];
  const values = labelExamples[label] ?? [];
  return values.flatMap((value) => examplesOf(legend.replace(/\{\{\s*\w+\s*\}\}/, value)));
}

function couldMatch(regex: RegExp, legend: string): boolean {
  return examplesOf(legend).some((name) => regex.test(name) && legendPattern(legend).test(name));
}

/** Whether a field override's matcher can match a series of these targets. */
export function overrideMatches(
  matcher: { id: string; options?: unknown },
  targets: readonly { refId?: string; legendFormat?: string }[],
): boolean {
  const option = String(matcher.options ?? "");
  switch (matcher.id) {
    case "byFrameRefID":
      return targets.some((t) => t.refId === option);
    case "byName":
      return targets.some((t) => legendPattern(t.legendFormat ?? "").test(option));
    case "byRegexp":
      return targets.some((t) => couldMatch(new RegExp(option), t.legendFormat ?? ""));
    // Matches by the values a series holds in the range, which differ from load to load.
    case "byValue":
      return targets.length > 0;
    default:
      throw new Error(`override matcher ${matcher.id} is not checked yet`);
  }
}
