// Long-term trends: per-minute averages over a trailing day (or two), to compare weeks before and after
// an upgrade or a VACUUM. They follow the dashboard's time range, one point an hour (fewer on long ranges).
import { steps, windows } from "../config";
import {
  dbQueryTime,
  dbTotalTime,
  inboundRequests,
  jobCompletions,
  jobExceptions,
  outgoingRequests,
} from "../queries/catalogue";
import { type TrendWindow, averagePerMinuteOver } from "../queries/promql";
import { add, orZero } from "../queries/query";
import { federationJobs, otherJobs } from "../queries/selectors";
import { fixedColor, hiddenLegend, timeseries } from "./common";
import { panel, target } from "./panel";

/**
 * A trailing average moves slowly: one point an hour at least, at most `steps.trendPoints` on a range,
 * each reading its window once. The window is in the title, so TrendWindow keeps the two in step.
 */
const trendPanel = (title: string, window: TrendWindow, width: number, height: number) =>
  timeseries(`${title} (${window.replace(/h$/, " h")} average)`, width, height)
    .interval(steps.trend)
    .maxDataPoints(steps.trendPoints);

export const jobsPerMinuteTrendPanel = () =>
  panel(
    trendPanel("Jobs per Minute", windows.day, 10, 9)
      .description("Jobs per minute, averaged over the preceding 24 hours. RFP: receive, fetch and publish jobs.")
      .overrideByName("Completions", [fixedColor("green")])
      .overrideByName("Exceptions", [fixedColor("yellow")])
      .overrideByName("RFP Completions", [fixedColor("light-blue")])
      .overrideByName("RFP Exceptions", [fixedColor("semi-dark-orange")]),
    [
      target(averagePerMinuteOver(windows.day, jobCompletions, "count", otherJobs), "Completions"),
      target(orZero(averagePerMinuteOver(windows.day, jobExceptions, "count", otherJobs)), "Exceptions"),
      target(averagePerMinuteOver(windows.day, jobCompletions, "count", federationJobs), "RFP Completions"),
      target(orZero(averagePerMinuteOver(windows.day, jobExceptions, "count", federationJobs)), "RFP Exceptions"),
    ],
  );

export const inboundRequestsTrendPanel = () =>
  panel(
    trendPanel("Inbound Requests per Minute", windows.day, 4, 7)
      .description("Inbound HTTP requests per minute, averaged over the preceding 24 hours.")
      .legend(hiddenLegend()),
    [target(averagePerMinuteOver(windows.day, inboundRequests, "count"), "Inbound requests per minute")],
  );

export const dbAndJobTimeTrendPanel = () =>
  panel(
    trendPanel("DB and Job Time per Minute", windows.twoDays, 10, 10)
      .description("Database time (ms) and job processing time (s) per minute, averaged over the preceding 48 hours.")
      .overrideByName("DB Total", [fixedColor("orange")])
      .overrideByName("DB Query", [fixedColor("blue")])
      // Oban reports job durations in seconds, Ecto query times in milliseconds: the jobs line gets its own unit.
      .overrideByQuery("jobs", [fixedColor("semi-dark-purple")]),
    [
      target(averagePerMinuteOver(windows.twoDays, dbQueryTime, "sum"), "DB Query"),
      target(averagePerMinuteOver(windows.twoDays, dbTotalTime, "sum"), "DB Total"),
      target(
        "jobs",
        add(
          averagePerMinuteOver(windows.twoDays, jobCompletions, "sum"),
          orZero(averagePerMinuteOver(windows.twoDays, jobExceptions, "sum")),
        ),
        "Job Total",
      ),
    ],
  );

export const outgoingRequestsTrendPanel = () =>
  panel(
    trendPanel("Outgoing Requests per Minute", windows.day, 4, 7)
      .description("HTTP requests Akkoma made to other servers per minute, averaged over the preceding 24 hours.")
      .legend(hiddenLegend()),
    [target(orZero(averagePerMinuteOver(windows.day, outgoingRequests, "count")), "Outgoing requests per minute")],
  );

export const httpTimeTrendPanel = () =>
  panel(
    trendPanel("HTTP Processing Time per Minute", windows.day, 10, 5)
      .description("Seconds spent handling inbound HTTP requests per minute, averaged over the preceding 24 hours.")
      .legend(hiddenLegend()),
    [target(averagePerMinuteOver(windows.day, inboundRequests, "sum"), "HTTP processing time per minute")],
  );

export const trendPanels = () => [
  jobsPerMinuteTrendPanel(),
  inboundRequestsTrendPanel(),
  dbAndJobTimeTrendPanel(),
  outgoingRequestsTrendPanel(),
  httpTimeTrendPanel(),
];
