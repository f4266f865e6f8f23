// Long-term trends: per-minute averages over a trailing day (or two), to compare today with yesterday.
import * as units from "@grafana/grafana-foundation-sdk/units";
import {
  dbQueryTime,
  dbTotalTime,
  inboundRequests,
  jobCompletions,
  jobExceptions,
  outgoingRequests,
} from "../queries/catalogue";
import { type TrendWindow, add, averagePerMinuteOver, orZero } from "../queries/promql";
import { federationJobs, otherJobs } from "../queries/selectors";
import { fixedColor, hiddenLegend, prom, timeseries } from "./common";

/**
 * A trailing average moves slowly, so one point an hour is plenty: each point reads its whole
 * window once, and a per-minute step would read the same samples sixty times over.
 */
export const trendStep = "1h";

/** A trend panel shows its own window: the last day of 24h averages, the last two days of 48h ones. */
const trendPanel = (title: string, window: TrendWindow, width: number, height: number) =>
  timeseries(title, width, height).timeFrom(window).interval(trendStep);

export const jobsPerMinuteTrendPanel = () =>
  trendPanel("Jobs Per Minute - 24h Average", "24h", 10, 9)
    .description("Jobs per minute, averaged over the preceding 24 hours. RFP: receive, fetch and publish jobs.")
    .unit(units.CountsPerMinute)
    .withTarget(prom(averagePerMinuteOver("24h", jobCompletions, "count", otherJobs), "Completions"))
    .withTarget(prom(orZero(averagePerMinuteOver("24h", jobExceptions, "count", otherJobs)), "Exceptions"))
    .withTarget(prom(averagePerMinuteOver("24h", jobCompletions, "count", federationJobs), "RFP Completions"))
    .withTarget(prom(orZero(averagePerMinuteOver("24h", jobExceptions, "count", federationJobs)), "RFP Exceptions"))
    .overrideByName("Completions", [fixedColor("green")])
    .overrideByName("Exceptions", [fixedColor("yellow")])
    .overrideByName("RFP Completions", [fixedColor("light-blue")])
    .overrideByName("RFP Exceptions", [fixedColor("semi-dark-orange")]);

export const inboundRequestsTrendPanel = () =>
  trendPanel("Inbound Requests per Min. - 24h Avg", "24h", 4, 7)
    .unit(units.RequestsPerMinute)
    .legend(hiddenLegend())
    .withTarget(prom(averagePerMinuteOver("24h", inboundRequests, "count"), "Inbound requests per minute"));

export const dbAndJobTimeTrendPanel = () =>
  trendPanel("DB and Job Time Per Min - 48h Avg", "48h", 10, 10)
    .description("Database time (ms) and job processing time (s) per minute, averaged over the preceding 48 hours.")
    .unit(units.Milliseconds)
    .withTarget(prom(averagePerMinuteOver("48h", dbQueryTime, "sum"), "DB Query"))
    .withTarget(prom(averagePerMinuteOver("48h", dbTotalTime, "sum"), "DB Total"))
    .withTarget(
      prom(
        add(
          averagePerMinuteOver("48h", jobCompletions, "sum"),
          orZero(averagePerMinuteOver("48h", jobExceptions, "sum")),
        ),
        "Job Total",
        "jobs",
      ),
    )
    .overrideByName("DB Total", [fixedColor("orange")])
    .overrideByName("DB Query", [fixedColor("blue")])
    // Oban reports job durations in seconds, Ecto query times in milliseconds.
    .overrideByQuery("jobs", [fixedColor("semi-dark-purple"), { id: "unit", value: units.Seconds }]);

export const outgoingRequestsTrendPanel = () =>
  trendPanel("Outgoing Requests per Min. - 24h Avg", "24h", 4, 7)
    .unit(units.RequestsPerMinute)
    .legend(hiddenLegend())
    .withTarget(prom(orZero(averagePerMinuteOver("24h", outgoingRequests, "count")), "Outgoing requests per minute"));

export const httpTimeTrendPanel = () =>
  trendPanel("HTTP Proc Time per Minute - 24h Avg", "24h", 10, 5)
    .description("Seconds spent handling inbound HTTP requests per minute, averaged over the preceding 24 hours.")
    .unit(units.Seconds)
    .legend(hiddenLegend())
    .withTarget(prom(averagePerMinuteOver("24h", inboundRequests, "sum"), "HTTP processing time per minute"));

export const trendPanels = () => [
  jobsPerMinuteTrendPanel(),
  inboundRequestsTrendPanel(),
  dbAndJobTimeTrendPanel(),
  outgoingRequestsTrendPanel(),
  httpTimeTrendPanel(),
];
