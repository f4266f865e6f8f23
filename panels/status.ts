// Status: is the instance up, is federation failing, how big is it, is the BEAM VM overloaded.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  alarmingDeliveryReasons,
  countScraperDowntime,
  deadReasonsToggle,
  schedulers,
  steps,
  thresholds,
  topN,
  windows,
} from "../config";
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
import { averagePerPoll, currentValue, eventsCountedOver, fractionUp, largest } from "../queries/promql";
import { noneOfVariable } from "../queries/selectors";
import {
  barGauge,
  fixedColor,
  gauge,
  neverRoundedUpToWhole,
  shareGauge,
  stateTimeline,
  thresholdColours,
  thresholdSteps,
  timeseries,
} from "./common";
import { panel, target } from "./panel";
import { titles } from "./titles";

/** A delivery failure whose remote host is unknown (Akkoma exports an empty `target`). */
export const noHost = "(no host)";

export const failedDeliveriesQuery = () =>
  largest(
    topN.failedDeliveries,
    eventsCountedOver(deliveryFailures, "$__range", {
      by: ["target", "reason"],
      where: { reason: noneOfVariable(deadReasonsToggle.name) },
      emptyAs: { target: noHost },
    }),
  );

export const failedDeliveriesPanel = () =>
  panel(
    barGauge(titles.failedDeliveries, 9, 8)
      .description(
        `ActivityPub deliveries that exhausted all retries in the last 7 days, per remote host and reason; the ` +
          `${topN.failedDeliveries} largest, largest first. A host's first failure counts too, and so does every ` +
          `failure after an Akkoma restart. Limits: after a restart, a host whose count comes back within the ` +
          `hour at or above its count before the restart is counted from that earlier count; a scrape gap of over ` +
          `an hour without a restart counts the host's whole total again. ` +
          `${alarmingDeliveryReasons.join(", ")} (the remote server refused our signature) is drawn in purple: ` +
          `always worth a look. Failures of dead instances (gone, down, unreachable) are expected noise: the ` +
          `"${deadReasonsToggle.label}" toggle above hides them.`,
      )
      .timeFrom(windows.week)
      .decimals(0)
      // Bars from 0 to the largest count: Grafana's default min is the smallest count, whose bar is empty.
      .min(0)
      .colorScheme(thresholdColours())
      .thresholds(
        thresholdSteps([
          { value: null, color: "light-yellow" },
          { value: thresholds.deliveryFailures.orange, color: "orange" },
          { value: thresholds.deliveryFailures.red, color: "red" },
        ]),
      )
      .overrideByRegexp(`.*: (${alarmingDeliveryReasons.join("|")})$`, [fixedColor("purple")]),
    [target(failedDeliveriesQuery(), "{{target}}: {{reason}}")],
  );

/** 1 is "up", 0 is "down", anything between is a window with some failed scrapes. */
const upStates: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      "0": { text: "down", color: "red", index: 0 },
      "1": { text: "up", color: "green", index: 1 },
    },
  },
  {
    type: dashboard.MappingType.RangeToText,
    options: { from: 0, to: 1, result: { text: "partly down", color: "orange", index: 2 } },
  },
];

const scraperDowntime = countScraperDowntime
  ? " Minutes in which the scraper itself stored nothing count as down (it runs on the Akkoma machine)."
  : " Time when the scraper itself was down is left out (set countScraperDowntime in config.ts if it runs on the Akkoma machine).";

export const upTimelinePanel = () =>
  panel(
    stateTimeline(titles.up, 4, 4)
      .description(
        'Whether the scraper reached Akkoma\'s metrics endpoint: green "up" when every scrape of the last four ' +
          '(or of the point\'s step, if longer) succeeded, red "down" when none did, orange when some did.' +
          scraperDowntime,
      )
      .interval(steps.upTimeline)
      .min(0)
      .max(1)
      .colorScheme(thresholdColours())
      .thresholds(
        thresholdSteps([
          { value: null, color: "red" },
          { value: 0.01, color: "orange" },
          { value: 1, color: "green" },
        ]),
      )
      .mappings(upStates)
      .mergeValues(true)
      .showValue(common.VisibilityMode.Never)
      .rowHeight(0.9),
    // Four scrapes a point: a window of one scrape can miss it and leave a gap.
    [target(fractionUp(up, "$__rate_interval", { scraperDowntimeIsDowntime: countScraperDowntime }), "Up")],
  );

const uptimeDecimals = 2;

export const uptimeGaugePanel = () =>
  panel(
    shareGauge("Uptime (7 days)", 2, 4, thresholds.uptime)
      .description("Share of successful scrapes over the last 7 days." + scraperDowntime)
      .timeFrom(windows.week)
      // One failed scrape in a week is 99.99 %; 100 % means none failed.
      .decimals(uptimeDecimals)
      .mappings([neverRoundedUpToWhole(uptimeDecimals)]),
    [target(fractionUp(up, "$__range", { scraperDowntimeIsDowntime: countScraperDowntime }), "Uptime")],
  );

interface AxisSeries {
  metric: typeof localUsers;
  legend: string;
  axisLabel: string;
}

/** Two counts of very different size, each on its own axis so neither flattens the other. */
const twoAxisPanel = (title: string, description: string, width: number, left: AxisSeries, right: AxisSeries) =>
  panel(
    timeseries(title, width, 8)
      .description(description)
      .decimals(0)
      .overrideByName(left.legend, [
        { id: "custom.axisPlacement", value: "left" },
        { id: "custom.axisLabel", value: left.axisLabel },
      ])
      .overrideByName(right.legend, [
        { id: "custom.axisPlacement", value: "right" },
        { id: "custom.axisLabel", value: right.axisLabel },
      ]),
    [target(currentValue(left.metric), left.legend), target(currentValue(right.metric), right.legend)],
  );

export const localResourcesPanel = () =>
  twoAxisPanel(
    "Local Resources",
    "Local user accounts (left axis) and local posts, private ones excluded (right axis).",
    5,
    { metric: localUsers, legend: "Users", axisLabel: "Local users" },
    { metric: localPosts, legend: "Posts", axisLabel: "Local posts (excl. private)" },
  );

export const remoteResourcesPanel = () =>
  twoAxisPanel(
    "Remote Resource Estimates",
    "Remote users (left axis) and remote domains (right axis) this instance knows of.",
    4,
    { metric: remoteUsers, legend: "Users", axisLabel: "Remote users" },
    { metric: knownDomains, legend: "Domains", axisLabel: "Known domains" },
  );

const runQueueLimits = {
  orange: thresholds.runQueuePerScheduler.orange * schedulers,
  red: thresholds.runQueuePerScheduler.red * schedulers,
};
const gib = (bytes: number) => `${bytes / 1024 ** 3} GiB`;

/**
 * A gauge's arc from 0 to one step past red (red + (red - orange)): green, orange and red get equal
 * room above the orange mark. Without its own range Grafana measures every field against all of the
 * panel's values, and memory in bytes leaves a run queue's arc empty and its markers at 0.
 */
const arcEnd = (limits: { orange: number; red: number }) => 2 * limits.red - limits.orange;

export const beamLoadPanel = () =>
  panel(
    gauge(titles.beamLoad, 6, 4)
      .description(
        "Average of Akkoma's polls since the previous scrape. A run queue counts processes waiting for one of " +
          `the BEAM's schedulers (one a CPU core; config.ts assumes ${schedulers}): orange from ` +
          `${runQueueLimits.orange} (one waiting per scheduler), red from ${runQueueLimits.red}. Memory: orange ` +
          `from ${gib(thresholds.beamMemory.orange)}, red from ${gib(thresholds.beamMemory.red)}, well above the ` +
          "0.5-1.5 GB a mid-sized instance settles at: growth to there is worth a look.",
      )
      .min(0)
      .max(arcEnd(runQueueLimits))
      .thresholds(
        thresholdSteps([
          { value: null, color: "green" },
          { value: runQueueLimits.orange, color: "orange" },
          { value: runQueueLimits.red, color: "red" },
        ]),
      )
      .overrideByQuery("memory", [
        { id: "max", value: arcEnd(thresholds.beamMemory) },
        {
          id: "thresholds",
          value: {
            mode: "absolute",
            steps: [
              { value: null, color: "green" },
              { value: thresholds.beamMemory.orange, color: "orange" },
              { value: thresholds.beamMemory.red, color: "red" },
            ],
          },
        },
      ]),
    [
      target("memory", averagePerPoll(vmMemory), "Memory"),
      target("cpu", averagePerPoll(cpuRunQueue), "CPU run queue"),
      target("io", averagePerPoll(ioRunQueue), "IO run queue"),
    ],
  );

export const statusPanels = () => [
  failedDeliveriesPanel(),
  upTimelinePanel(),
  uptimeGaugePanel(),
  localResourcesPanel(),
  remoteResourcesPanel(),
  beamLoadPanel(),
];
