// Status: is the instance up, is federation failing, how big is it, is the BEAM VM overloaded.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { steps, thresholds, windows } from "../config";
import {
  cpuRunQueue,
  deliveryFailures,
  ioRunQueue,
  knownDomains,
  localPosts,
  localUsers,
  remoteUsers,
  up,
  vmMemory,
} from "../queries/catalogue";
import { averagePerPoll, currentValue, eventsOver, fractionUp } from "../queries/promql";
import { barGauge, gauge, prom, promInstant, stateTimeline, thresholdSteps, timeseries } from "./common";

export const failedDeliveriesPanel = () =>
  barGauge("Failed AP deliveries", 9, 8)
    .description("ActivityPub deliveries that exhausted all retries in the last 7 days, per remote host and reason.")
    .timeFrom(windows.week)
    .unit(units.Short)
    .decimals(0)
    .thresholds(
      thresholdSteps([
        { value: null, color: "light-yellow" },
        { value: thresholds.deliveryFailures.orange, color: "orange" },
        { value: thresholds.deliveryFailures.red, color: "red" },
      ]),
    )
    .withTarget(
      promInstant(eventsOver(deliveryFailures, "$__range", { by: ["target", "reason"] }), "{{target}}: {{reason}}"),
    );

const upColours = thresholdSteps([
  { value: null, color: "dark-red" },
  { value: 0.5, color: "orange" },
  { value: 0.8, color: "semi-dark-yellow" },
  { value: 1, color: "dark-green" },
]);

export const upTimelinePanel = () =>
  stateTimeline("Up", 4, 4)
    .description("Share of successful scrapes of Akkoma's metrics endpoint.")
    .interval(steps.upTimeline)
    .unit(units.PercentUnit)
    .min(0)
    .max(1)
    .thresholds(upColours)
    .mergeValues(true)
    .showValue(common.VisibilityMode.Never)
    .rowHeight(0.9)
    .withTarget(prom(fractionUp(up, "$__interval"), "Up"));

export const uptimeGaugePanel = () =>
  gauge("Uptime", 2, 4)
    .description(
      "Share of successful scrapes over the last 7 days. Time when the scraper itself was down is not counted.",
    )
    .timeFrom(windows.week)
    .unit(units.PercentUnit)
    .decimals(1)
    .min(0)
    .max(1)
    .thresholds(
      thresholdSteps([
        { value: null, color: "red" },
        { value: thresholds.uptime.orange, color: "orange" },
        { value: thresholds.uptime.green, color: "green" },
      ]),
    )
    .withTarget(promInstant(fractionUp(up, "$__range"), "Uptime"));

interface AxisSeries {
  metric: typeof localUsers;
  legend: string;
  axisLabel: string;
}

/** Two counts of very different size, each on its own axis so neither flattens the other. */
const twoAxisPanel = (title: string, width: number, left: AxisSeries, right: AxisSeries) =>
  timeseries(title, width, 8)
    .decimals(0)
    .withTarget(prom(currentValue(left.metric), left.legend))
    .withTarget(prom(currentValue(right.metric), right.legend))
    .overrideByName(left.legend, [
      { id: "custom.axisPlacement", value: "left" },
      { id: "custom.axisLabel", value: left.axisLabel },
    ])
    .overrideByName(right.legend, [
      { id: "custom.axisPlacement", value: "right" },
      { id: "custom.axisLabel", value: right.axisLabel },
    ]);

export const localResourcesPanel = () =>
  twoAxisPanel(
    "Local Resources",
    5,
    { metric: localUsers, legend: "Users", axisLabel: "Local users" },
    { metric: localPosts, legend: "Posts", axisLabel: "Local posts (excl. private)" },
  );

export const remoteResourcesPanel = () =>
  twoAxisPanel(
    "Remote Resource Estimates",
    4,
    { metric: remoteUsers, legend: "Users", axisLabel: "Remote users" },
    { metric: knownDomains, legend: "Domains", axisLabel: "Known domains" },
  );

export const beamLoadPanel = () =>
  gauge("BEAM System Load", 6, 4)
    .description("Average of Akkoma's polls since the previous scrape. Run queues should sit near 0.")
    .unit(units.NoUnit)
    .thresholds(
      thresholdSteps([
        { value: null, color: "green" },
        { value: thresholds.runQueue.yellow, color: "yellow" },
        { value: thresholds.runQueue.red, color: "red" },
      ]),
    )
    .withTarget(promInstant(averagePerPoll(vmMemory), "Memory", "memory"))
    .withTarget(promInstant(averagePerPoll(cpuRunQueue), "CPU run queue", "cpu"))
    .withTarget(promInstant(averagePerPoll(ioRunQueue), "IO run queue", "io"))
    .overrideByQuery("memory", [
      { id: "unit", value: units.BytesIEC },
      {
        id: "thresholds",
        value: {
          mode: "absolute",
          steps: [
            { value: null, color: "green" },
            { value: thresholds.beamMemory.red, color: "red" },
          ],
        },
      },
    ]);

export const statusPanels = () => [
  failedDeliveriesPanel(),
  upTimelinePanel(),
  uptimeGaugePanel(),
  localResourcesPanel(),
  remoteResourcesPanel(),
  beamLoadPanel(),
];
