// Activity: federation jobs, other jobs, database, inbound and outgoing HTTP, BEAM memory and port IO.
import {
  dbDecodeTime,
  dbQueryTime,
  dbQueueTime,
  dbTotalTime,
  federationWorkers,
  inboundRequests,
  jobCompletions,
  jobExceptions,
  outgoingRequests,
  pendingJobs,
  portIoIn,
  portIoOut,
  scheduledJobs,
  vmMemory,
} from "../queries/catalogue";
import {
  averagePerPoll,
  currentValue,
  durationQuantile,
  eventsPerMinute,
  growthPerSecond,
  meanDuration,
  timeSpentPerSecond,
  top,
} from "../queries/promql";
import { thresholds, topN } from "../config";
import { federationJobs, otherJobs } from "../queries/selectors";
import {
  colourByName,
  dashedLineAt,
  fixedColor,
  hiddenLegend,
  stackedTimeseries,
  timeseries,
  unstackedLine,
} from "./common";
import { panel, target } from "./panel";
import { titles } from "./titles";

/** Every worker is an Elixir module under this namespace: the legend leaves it out. */
const workerPrefix = "Pleroma.Workers.";
const byWorker = { by: ["worker"] as const, stripPrefix: { worker: workerPrefix } };

const federationColours: Record<(typeof federationWorkers)[number], [completions: string, exceptions: string]> = {
  "Pleroma.Workers.PublisherWorker": ["green", "red"],
  "Pleroma.Workers.ReceiverWorker": ["yellow", "orange"],
  "Pleroma.Workers.RemoteFetcherWorker": ["light-blue", "purple"],
};

export const federationEventsPanel = () => {
  const builder = timeseries(titles.federationJobs, 10, 8).description(
    "Federation jobs finished and failed per minute: receiving, fetching and publishing activities.",
  );
  for (const [worker, [completions, exceptions]] of Object.entries(federationColours)) {
    const shown = worker.slice(workerPrefix.length);
    builder.overrideByName(`Completions: ${shown}`, [fixedColor(completions)]);
    builder.overrideByName(`Exceptions: ${shown}`, [fixedColor(exceptions)]);
  }
  return panel(builder, [
    target(eventsPerMinute(jobCompletions, { ...byWorker, where: federationJobs }), "Completions: {{worker}}"),
    target(eventsPerMinute(jobExceptions, { ...byWorker, where: federationJobs }), "Exceptions: {{worker}}"),
  ]);
};

export const dbQueryQuantilesPanel = () =>
  panel(
    dashedLineAt(timeseries(titles.dbQueryQuantiles, 8, 8), thresholds.dbQueueMeanMs)
      .description(
        "95 % of database queries spent less than this waiting for a connection, executing and decoding. " +
          "Queue-time buckets end at 10 ms, so the mean wait is drawn too: above the dashed line " +
          `(${thresholds.dbQueueMeanMs} ms) the pool is saturated.`,
      )
      .overrideByQuery("totalavg", [{ id: "custom.fillOpacity", value: 0 }])
      .overrideByQuery("queueavg", [{ id: "custom.fillOpacity", value: 0 }]),
    [
      target(durationQuantile(0.95, dbQueueTime), "Queue"),
      target("queueavg", meanDuration(dbQueueTime), "Average wait for a connection"),
      target(durationQuantile(0.95, dbDecodeTime), "Decode"),
      target(durationQuantile(0.95, dbQueryTime), "Query"),
      target("totalavg", meanDuration(dbTotalTime), "Average total time per query"),
    ],
  );

export const dbTimePerSecondPanel = () =>
  panel(
    stackedTimeseries("DB Time per Second", 6, 8)
      .description("Milliseconds of database time spent per second, by phase, and in total.")
      .overrideByQuery("total", unstackedLine),
    [
      target(timeSpentPerSecond(dbQueueTime), "Queue"),
      target(timeSpentPerSecond(dbDecodeTime), "Decode"),
      target(timeSpentPerSecond(dbQueryTime), "Query"),
      target("total", timeSpentPerSecond(dbTotalTime), "Total"),
    ],
  );

/** Tesla's response_code is empty when no response came back. */
const noResponse = "no response";

export const outgoingRequestsPanel = () =>
  panel(
    timeseries("Outgoing Requests per Minute", 10, 7)
      .description(
        `HTTP requests Akkoma made to other servers per minute, by response code; "${noResponse}": the request ` +
          "failed before any response (refused, timed out, no such host).",
      )
      .overrideByName("200", [fixedColor("yellow")])
      .overrideByName("401", [fixedColor("super-light-red")])
      .overrideByName("410", [fixedColor("light-red")]),
    [
      target(
        eventsPerMinute(outgoingRequests, { by: ["response_code"], emptyAs: { response_code: noResponse } }),
        "{{response_code}}",
      ),
    ],
  );

export const jobCompletionsPanel = () =>
  panel(
    timeseries("Job Completions per Minute", 4, 9).description("Non-federation jobs finished per minute, by worker."),
    [target(eventsPerMinute(jobCompletions, { ...byWorker, where: otherJobs }), "{{worker}}")],
  );

export const jobExceptionsPanel = () =>
  panel(timeseries(titles.jobExceptions, 4, 9).description("Non-federation jobs that raised per minute, by worker."), [
    target(eventsPerMinute(jobExceptions, { ...byWorker, where: otherJobs }), "{{worker}}"),
  ]);

export const jobTimePerSecondPanel = () =>
  panel(
    stackedTimeseries("Job Processing Time per Second", 6, 9).description(
      "Seconds of job processing per second, by worker: (c) finished jobs, (e) jobs that raised.",
    ),
    [
      target(timeSpentPerSecond(jobCompletions, byWorker), "{{worker}} (c)"),
      target(timeSpentPerSecond(jobExceptions, byWorker), "{{worker}} (e)"),
    ],
  );

const byRoute = { by: ["route"] as const };
// topk picks the busiest routes again at every point: a route drops out of its own line when it calms down.
const topRoutesCaveat = "(chosen again at every point, so a line may stop where its route quietens)";

export const httpTimePerSecondPanel = () =>
  panel(
    stackedTimeseries("Inbound HTTP Processing Time per Second", 10, 10)
      .description(
        `Seconds spent handling inbound HTTP requests per second: the ${topN.routes} busiest routes ${topRoutesCaveat}, ` +
          "and the total: the gap above the stack is every other route.",
      )
      .overrideByQuery("total", unstackedLine),
    [
      target(top(topN.routes, timeSpentPerSecond(inboundRequests, byRoute)), "{{route}}"),
      target("total", timeSpentPerSecond(inboundRequests), "Total"),
    ],
  );

/**
 * Akkoma exports every Oban queue (about 23), most of them at 0: a queue whose every point in the shown
 * range is 0 is left out of the graph, legend and tooltip. Grafana decides this from the data it already
 * has ("Fields with values" override), so the engine reads nothing more, and a queue comes back as soon
 * as it holds a job anywhere in the range, at any zoom.
 */
const hideQueuesAlwaysEmpty = {
  matcher: { id: "byValue", options: { reducer: "allIsZero", op: "gte", value: 0 } },
  properties: [{ id: "custom.hideFrom", value: { legend: true, tooltip: true, viz: true } }],
};

/** One line per Oban queue that held jobs in the range; a queue keeps its colour on both queue panels. */
const jobQueuePanel = (title: string, description: string) =>
  timeseries(title, 7, 8)
    .description(`${description} Queues empty throughout the range are not shown.`)
    .min(0)
    .colorScheme(colourByName())
    .withOverride(hideQueuesAlwaysEmpty);

export const pendingJobsPanel = () =>
  panel(
    dashedLineAt(
      jobQueuePanel(
        titles.pendingJobs,
        `Jobs waiting to run, per queue; a queue above the dashed line (${thresholds.pendingJobs}) that is not draining is a backlog.`,
      ),
      thresholds.pendingJobs,
    ),
    [target(currentValue(pendingJobs), "{{queue_name}}")],
  );

export const scheduledJobsPanel = () =>
  panel(jobQueuePanel("Scheduled Jobs", "Jobs scheduled to run later (including retries), per queue."), [
    target(currentValue(scheduledJobs), "{{queue_name}}"),
  ]);

export const inboundRequestsPanel = () =>
  panel(
    timeseries("Inbound Requests per Minute", 10, 10).description(
      `HTTP requests handled per minute: the ${topN.routes} busiest routes ${topRoutesCaveat}, and the total of all.`,
    ),
    [
      target(top(topN.routes, eventsPerMinute(inboundRequests, byRoute)), "{{route}}"),
      target(eventsPerMinute(inboundRequests), "Total"),
    ],
  );

export const memoryOverTimePanel = () =>
  panel(
    timeseries(titles.beamMemory, 10, 6)
      .description("Memory used by the BEAM VM, averaged over Akkoma's polls.")
      .legend(hiddenLegend()),
    [target(averagePerPoll(vmMemory), "BEAM VM memory")],
  );

export const portIoPanel = () =>
  panel(
    timeseries("BEAM Port IO per Second", 4, 6).description(
      "Bytes per second through BEAM ports: mostly network, not disk.",
    ),
    [target(growthPerSecond(portIoIn), "in"), target(growthPerSecond(portIoOut), "out")],
  );

export const activityPanels = () => [
  federationEventsPanel(),
  dbQueryQuantilesPanel(),
  dbTimePerSecondPanel(),
  outgoingRequestsPanel(),
  jobCompletionsPanel(),
  jobExceptionsPanel(),
  jobTimePerSecondPanel(),
  httpTimePerSecondPanel(),
  pendingJobsPanel(),
  scheduledJobsPanel(),
  inboundRequestsPanel(),
  memoryOverTimePanel(),
  portIoPanel(),
];
