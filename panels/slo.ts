// Federation delivery objective: how much of the 30-day error budget is left, and how fast it burns over
// the windows its ticket reads, against the ticket's burn rate (config's federationSlo). The page reads
// PublisherWorker's attempts, which the Receive, Fetch, Publish panel draws.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { deadInstanceReasons, federationSlo } from "../config";
import { budgetLeft, burnRate, deliveryShareOfAlertWindow, deliveryShareOverPeriod } from "../queries/slo";
import { fixedColor, shareGauge, thresholdSteps, timeseries } from "./common";
import { panel, target } from "./panel";
import { titles } from "./titles";

const { period, budgetBurn } = federationSlo;

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
          "delivery failures, dead-instance reasons left out.",
      )
      .timeFrom(period)
      .mappings([noDeliveries]),
    [target(budgetLeft(deliveryShareOverPeriod(period, dead), objective), "Budget left")],
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
