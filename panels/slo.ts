// Federation delivery objective: how much of the 30-day error budget is left, and how fast it burns now,
// against the burn rates at which its alerts warn and page (config's federationSlo).
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { deadInstanceReasons, federationSlo } from "../config";
import { budgetLeft, burnRate, deliveryShareOfAlertWindow, deliveryShareOverPeriod } from "../queries/slo";
import { fixedColor, shareGauge, thresholdSteps, timeseries } from "./common";
import { panel, target } from "./panel";
import { titles } from "./titles";

const { period, fastBurn, slowBurn } = federationSlo;

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
        "How many times faster than the objective allows deliveries fail: 1 spends the budget in exactly " +
          `${period.replace(/d$/, " days")}. Above ${slowBurn.burnRate} over ${slowBurn.long} (and ${slowBurn.short}) ` +
          `warns, above ${fastBurn.burnRate} over ${fastBurn.long} (and ${fastBurn.short}) pages.`,
      )
      .min(0)
      // Grafana draws thresholds only inside the y scale: the paging line stays in view at a normal burn rate.
      .axisSoftMax(fastBurn.burnRate)
      .thresholds(
        thresholdSteps([
          { value: null, color: "green" },
          { value: slowBurn.burnRate, color: "orange" },
          { value: fastBurn.burnRate, color: "red" },
        ]),
      )
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
      .overrideByName(`Over ${fastBurn.long}`, [fixedColor("red")])
      .overrideByName(`Over ${slowBurn.long}`, [fixedColor("orange")]),
    [
      ...[fastBurn, slowBurn].map(({ long, panelStep }) => ({
        ...target(burnRate(deliveryShareOfAlertWindow(long, dead), objective), `Over ${long}`),
        minStep: panelStep,
      })),
    ],
  );

export const sloPanels = (section: SloSection = {}) => [deliveryBudgetPanel(section), deliveryBurnRatePanel(section)];
