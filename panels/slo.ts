// Federation delivery objective: how much of the 30-day error budget is left, and how fast it burns over
// the windows its ticket reads, against the ticket's burn rate (config's federationSlo). The page reads
// PublisherWorker's attempts, which the Receive, Fetch, Publish panel draws.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { deadInstanceReasons, federationSlo } from "../config";
import { up } from "../queries/catalogue";
import { daysHeld } from "../queries/promql";
import { budgetLeft, burnRate, deliveryShareOfAlertWindow, deliveryShareOverPeriod } from "../queries/slo";
import { fixedColor, shareGauge, thresholdSteps, timeseries } from "./common";
import { panel, target } from "./panel";
import { titles } from "./titles";

const { period, budgetBurn } = federationSlo;
const periodDays = Number(period.replace(/d$/, ""));
const daysCounted = "days";

/** The objective a rendering's rules use, and the reasons they count on neither side. */
export interface SloSection {
  readonly objective?: number;
  readonly deadInstanceReasons?: readonly string[];
}

/** No delivery in the window leaves the budget 0/0: a blank red gauge, unless it says why. */
const noDeliveries: dashboard.ValueMapping = {
  type: dashboard.MappingType.SpecialValue,
  options: {
    match: dashboard.SpecialValueMatch.NullAndNan,
    result: { text: "no deliveries", color: "text", index: 0 },
  },
};

export const deliveryBudgetPanel = ({
  objective = federationSlo.objective,
  deadInstanceReasons: dead = deadInstanceReasons,
}: SloSection = {}) =>
  panel(
    shareGauge(titles.deliveryBudget, 6, 7, federationSlo.budgetLeftBars)
      .description(
        `Of the failures a ${objective * 100} % delivery objective allows over ${period.replace(/d$/, " days")}, ` +
          "the share not yet spent. Deliveries to live servers: PublisherWorker jobs that completed against final " +
          "delivery failures, dead-instance reasons left out. Counted over the days the engine holds, shown " +
          `beside it: a Prometheus keeping its default 15 days counts 15 of the ${periodDays}.`,
      )
      .timeFrom(period)
      .mappings([noDeliveries])
      // The days counted: a plain number of days on a scale to the period, never coloured as the budget is.
      .overrideByQuery(daysCounted, [
        { id: "min", value: 0 },
        { id: "max", value: periodDays },
        { id: "decimals", value: 0 },
        fixedColor("text"),
      ]),
    [
      target(budgetLeft(deliveryShareOverPeriod(period, dead), objective), "Budget left"),
      target(daysCounted, daysHeld(up, period), "Days counted"),
    ],
  );

export const deliveryBurnRatePanel = ({
  objective = federationSlo.objective,
  deadInstanceReasons: dead = deadInstanceReasons,
}: SloSection = {}) =>
  panel(
    timeseries(titles.deliveryBurnRate, 18, 7)
      .description(
        "How many times faster than the objective allows deliveries fail for good, over the last " +
          `${budgetBurn.long}: 1 spends the budget in exactly ${period.replace(/d$/, " days")}. Above ` +
          `${budgetBurn.burnRate} (and still over the last ${budgetBurn.short}) opens a ticket. A delivery fails for ` +
          "good only when its retries end, about a day after its first attempt: an outage shows here a day late. " +
          "What pages is PublisherWorker's attempts failing (Receive, Fetch, Publish Jobs per Minute).",
      )
      .min(0)
      // Grafana draws thresholds only inside the y scale: the ticket's line stays in view at a normal burn rate.
      .axisSoftMax(budgetBurn.burnRate)
      .thresholds(
        thresholdSteps([
          { value: null, color: "green" },
          { value: budgetBurn.burnRate, color: "orange" },
        ]),
      )
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
      .overrideByName(`Over ${budgetBurn.long}`, [fixedColor("orange")]),
    // The long window only: the short one guards the ticket's end, and a second day-long line would
    // double what the row reads.
    [
      {
        ...target(burnRate(deliveryShareOfAlertWindow(budgetBurn.long, dead), objective), `Over ${budgetBurn.long}`),
        minStep: budgetBurn.panelStep,
      },
    ],
  );

export const sloPanels = (section: SloSection = {}) => [deliveryBudgetPanel(section), deliveryBurnRatePanel(section)];
