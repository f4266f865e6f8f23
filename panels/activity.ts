// Activity: federation jobs, other jobs, database, inbound and outgoing HTTP, BEAM memory and port IO.
import * as units from "@grafana/grafana-foundation-sdk/units";
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
} from "../queries/promql";
import { federationJobs, otherJobs } from "../queries/selectors";
import { colourByName, fixedColor, hiddenLegend, prom, stackedTimeseries, timeseries, unstackedLine } from "./common";

const federationColours: Record<(typeof federationWorkers)[number], [completions: string, exceptions: string]> = {
  "Pleroma.Workers.PublisherWorker": ["green", "red"],
  "Pleroma.Workers.ReceiverWorker": ["yellow", "orange"],
  "Pleroma.Workers.RemoteFetcherWorker": ["light-blue", "purple"],
};

export const federationEventsPanel = () => {
  const panel = timeseries("Receive, Fetch, Publish Events", 10, 8)
    .description("Federation jobs finished and failed per minute: receiving, fetching and publishing activities.")
    .unit(units.CountsPerMinute)
    .withTarget(
      prom(eventsPerMinute(jobCompletions, { by: ["worker"], where: federationJobs }), "Completions: {{worker}}"),
    )
    .withTarget(
      prom(eventsPerMinute(jobExceptions, { by: ["worker"], where: federationJobs }), "Exceptions: {{worker}}"),
    );
  for (const [worker, [completions, exceptions]] of Object.entries(federationColours)) {
    panel.overrideByName(`Completions: ${worker}`, [fixedColor(completions)]);
    panel.overrideByName(`Exceptions: ${worker}`, [fixedColor(exceptions)]);
  }
  return panel;
};

export const dbQueryQuantilesPanel = () =>
  timeseries("Single DB Query (95% quantiles)", 8, 8)
    .description("95 % of database queries spent less than this waiting for a connection, executing and decoding.")
    .unit(units.Milliseconds)
    .withTarget(prom(durationQuantile(0.95, dbQueueTime), "Queue"))
    .withTarget(prom(durationQuantile(0.95, dbDecodeTime), "Decode"))
    .withTarget(prom(durationQuantile(0.95, dbQueryTime), "Query"))
    .withTarget(prom(meanDuration(dbTotalTime), "Average total time per query", "totalavg"))
    .overrideByQuery("totalavg", [{ id: "custom.fillOpacity", value: 0 }]);

export const dbTimePerSecondPanel = () =>
  stackedTimeseries("Total DB Query Times per Second", 6, 8)
    .description("Milliseconds of database time spent per second, by phase, and in total.")
    .unit(units.Milliseconds)
    .withTarget(prom(timeSpentPerSecond(dbQueueTime), "Queue"))
    .withTarget(prom(timeSpentPerSecond(dbDecodeTime), "Decode"))
    .withTarget(prom(timeSpentPerSecond(dbQueryTime), "Query"))
    .withTarget(prom(timeSpentPerSecond(dbTotalTime), "Total", "total"))
    .overrideByQuery("total", unstackedLine);

export const outgoingRequestsPanel = () =>
  timeseries("Outgoing Requests", 10, 7)
    .description("HTTP requests Akkoma made to other servers per minute, by response code.")
    .unit(units.RequestsPerMinute)
    .withTarget(prom(eventsPerMinute(outgoingRequests, { by: ["response_code"] }), "{{response_code}}"))
    .overrideByName("200", [fixedColor("yellow")])
    .overrideByName("401", [fixedColor("super-light-red")])
    .overrideByName("410", [fixedColor("light-red")]);

export const jobCompletionsPanel = () =>
  timeseries("Job Completions", 4, 9)
    .description("Non-federation jobs finished per minute, by worker.")
    .unit(units.CountsPerMinute)
    .withTarget(prom(eventsPerMinute(jobCompletions, { by: ["worker"], where: otherJobs }), "{{worker}}"));

export const jobExceptionsPanel = () =>
  timeseries("Job Exceptions", 4, 9)
    .description("Non-federation jobs that raised per minute, by worker.")
    .unit(units.CountsPerMinute)
    .withTarget(prom(eventsPerMinute(jobExceptions, { by: ["worker"], where: otherJobs }), "{{worker}}"));

export const jobTimePerSecondPanel = () =>
  stackedTimeseries("Total Job Proc. Time per Second", 6, 9)
    .description("Seconds of job processing per second, by worker: (c) finished jobs, (e) jobs that raised.")
    .unit(units.Seconds)
    .withTarget(prom(timeSpentPerSecond(jobCompletions, { by: ["worker"] }), "{{worker}} (c)"))
    .withTarget(prom(timeSpentPerSecond(jobExceptions, { by: ["worker"] }), "{{worker}} (e)"));

export const httpTimePerSecondPanel = () =>
  stackedTimeseries("Inbound HTTP Proc. Time per Second", 10, 10)
    .description("Seconds spent handling inbound HTTP requests per second, by route, and in total.")
    .unit(units.Seconds)
    .withTarget(prom(timeSpentPerSecond(inboundRequests, { by: ["route"] }), "{{route}}"))
    .withTarget(prom(timeSpentPerSecond(inboundRequests), "Total", "total"))
    .overrideByQuery("total", unstackedLine);

/** One line per Oban queue; a queue keeps its colour on both queue panels. */
const jobQueuePanel = (title: string, description: string, metric: typeof pendingJobs) =>
  timeseries(title, 7, 8)
    .description(description)
    .unit(units.Short)
    .min(0)
    .colorScheme(colourByName())
    .withTarget(prom(currentValue(metric), "{{queue_name}}"));

export const pendingJobsPanel = () => jobQueuePanel("Pending Jobs", "Jobs waiting to run, per queue.", pendingJobs);

export const scheduledJobsPanel = () =>
  jobQueuePanel("Scheduled Jobs", "Jobs scheduled to run later (including retries), per queue.", scheduledJobs);

export const inboundRequestsPanel = () =>
  timeseries("Inbound Requests", 10, 10)
    .description("HTTP requests handled per minute, by route.")
    .unit(units.RequestsPerMinute)
    .withTarget(prom(eventsPerMinute(inboundRequests, { by: ["route"] }), "{{route}}"))
    .overrideByName("200", [fixedColor("yellow")]);

export const memoryOverTimePanel = () =>
  timeseries("BEAM VM Memory Usage Over Time", 10, 6)
    .description("Memory used by the BEAM VM, averaged over Akkoma's polls.")
    .unit(units.BytesIEC)
    .legend(hiddenLegend())
    .withTarget(prom(averagePerPoll(vmMemory), "BEAM VM memory"));

export const portIoPanel = () =>
  timeseries("VM Port IO Traffic", 4, 6)
    .description("Bytes per second through BEAM ports: mostly network, not disk.")
    .unit(units.BytesPerSecondIEC)
    .withTarget(prom(growthPerSecond(portIoIn), "in"))
    .withTarget(prom(growthPerSecond(portIoOut), "out"));

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
