// A 30-day history for the bench only: the long range is where a trend or a lookback costs most.
import { panelsIn } from "../dashboards/rows";
import type { DashboardJson } from "../harness/dashboard-json";
import { selectorsIn } from "../harness/selectors";
import { type SyntheticHistory, generateHistory } from "../harness/synthetic";

export const monthHours = 30 * 24;

/** Every series a dashboard's panels and annotations name. */
export function seriesRead(...dashboards: readonly DashboardJson[]): Set<string> {
  const exprs = (panels: DashboardJson["panels"]): string[] =>
    panelsIn(panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
  return new Set(
    dashboards.flatMap((d) =>
      [...exprs(d.panels), ...(d.annotations?.list ?? []).map((a) => a.target?.expr ?? a.expr ?? "")].flatMap((expr) =>
        selectorsIn(expr).map((found) => found.series),
      ),
    ),
  );
}

/**
 * The 50-hour history's generator over 30 days, one instance, keeping only the series either dashboard
 * reads (116 of 415 series: most histogram buckets go), five million samples instead of eighteen.
 * Same scrape interval (1 minute), same shapes; the outage and restart fall 20 hours before the end.
 */
export function monthHistory(read: ReadonlySet<string>, labels: { job: string; instance: string }): SyntheticHistory {
  const full = generateHistory({ seed: 4, hours: monthHours, ...labels });
  return { ...full, series: full.series.filter((s) => read.has(s.name)) };
}

/** The dashboard with its time picker set to `from` (panels with their own range keep it). */
export function withRange(dashboardJson: string, from: string): string {
  const dashboard = JSON.parse(dashboardJson) as { time?: { from: string; to: string } };
  dashboard.time = { from, to: "now" };
  return JSON.stringify(dashboard);
}
