// The objective's panels as Grafana's display code draws them: an idle instance's budget says why it is
// empty, and the burn rate's ticket line stays in view at a normal burn rate, on every path.
import { federationSlo } from "../../config";
import type { JsonObject } from "../../io/json";
import { convertToV2 } from "../../harness/conversion";
import type { PanelJson } from "../../harness/dashboard-json";
import { titles } from "../../panels/titles";
import { builtPanel, displayWith } from "../support/display";

const hour = 3_600_000;
const { budgetBurn } = federationSlo;

describe("Delivery Error Budget Left", () => {
  it("on an idle instance (0/0: no delivery in the window) reads 'no deliveries', not a blank red gauge", async () => {
    const panel = await builtPanel(titles.deliveryBudget);
    for (const idle of [NaN, null]) {
      const [shown] = displayWith(panel, [{ points: [[hour, idle as number]] }]).values;
      expect(shown?.text).toBe("no deliveries");
      expect(shown?.colour).not.toBe("red");
    }
  });

  it("says beside the budget how many of the period's days the engine holds, in days on a scale to the period", async () => {
    const panel = await builtPanel(titles.deliveryBudget);
    const days = panel.targets?.find((t) => t.legendFormat === "Days counted");
    expect(panel.timeFrom).toBe(federationSlo.period);
    const shown = displayWith(panel, [
      { points: [[hour, 0.8]] },
      { refId: days?.refId, points: [[hour, 14.6]] },
    ]).values;
    const counted = shown.find((v) => v.name === "Days counted");
    expect([counted?.text, counted?.suffix, counted?.range]).toEqual(["15 days", " days", { min: 0, max: 30 }]);
    expect(counted?.colour).not.toMatch(/red|orange|green/);
    expect(shown.find((v) => v.name === "Budget left")?.text).toBe("80.0%");
  });

  it("shows a budget as a share, red below its orange bar", async () => {
    const low = federationSlo.budgetLeftBars.orange / 2;
    const [shown] = displayWith(await builtPanel(titles.deliveryBudget), [{ points: [[hour, low]] }]).values;
    expect([shown?.text, shown?.colour]).toEqual([`${(low * 100).toFixed(1)}%`, "red"]);
  });
});

type V2Elements = Record<string, { spec: { vizConfig: { spec: Pick<PanelJson, "fieldConfig" | "options"> } } }>;

/** The panel as Grafana 13 loads it through the v2 conversion: its field config and options from the v2 element. */
function throughV2(panel: PanelJson): PanelJson {
  const v2 = convertToV2({ panels: [{ ...panel, id: 1 }] } as unknown as JsonObject);
  const { fieldConfig, options } = (v2.elements as unknown as V2Elements)["panel-1"]!.spec.vizConfig.spec;
  return { ...panel, fieldConfig, options };
}

describe("Delivery Error Budget Burn Rate", () => {
  const burning = (rate: number) => [
    { refId: "A", points: [[0, rate] as const, [hour, rate] as const] },
    { refId: "B", points: [[0, rate / 2] as const, [hour, rate / 2] as const] },
  ];

  it.each([
    ["the v1 file", (panel: PanelJson) => panel],
    ["the v2 conversion", throughV2],
  ])("draws the ticket's line at a normal burn rate, loaded as %s", async (_, load) => {
    const shown = displayWith(load(await builtPanel(titles.deliveryBurnRate)), burning(0.3));
    expect(shown.thresholdLines).toEqual([{ value: budgetBurn.burnRate, colour: "orange", drawn: true }]);
    expect(shown.yRange).toEqual({ min: 0, max: budgetBurn.burnRate });
  });

  it("grows its scale past the ticket's line when the burn rate does", async () => {
    const shown = displayWith(await builtPanel(titles.deliveryBurnRate), burning(40));
    expect(shown.yRange).toEqual({ min: 0, max: 40 });
    expect(shown.thresholdLines?.every((line) => line.drawn)).toBe(true);
  });
});
