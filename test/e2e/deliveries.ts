// Failed AP deliveries: every final failure counts, on both engines, whatever the series' life.
import { deadInstanceReasons, deadReasonsToggle, topN } from "../../config";
import type { EngineName } from "../../harness/engines";
import { type DashboardLoad, type PanelResult, panelTitled, shownFrames, shownValue } from "../../harness/evaluate";
import { noHost } from "../../panels/status";
import { titles } from "../../panels/titles";
import { type E2eContext, chooseVariable, keepPanels } from "./context";

const failedDeliveriesTitle = titles.failedDeliveries;

/** The bars of a bar gauge, in the order the query returned them. */
function bars(panel: PanelResult) {
  return shownFrames(panel).map((frame) => {
    const { target, reason } = frame.labels;
    if (target === undefined || reason === undefined) {
      throw new Error(`a bar shows no target and reason: ${JSON.stringify(frame.labels)}`);
    }
    return { key: `${target}: ${reason}`, value: shownValue(panel, frame) };
  });
}

/** The bars a correct panel draws for its range: the history's failures, largest first, top N. */
function expectedBars(context: E2eContext, panel: PanelResult, keep = (_reason: string) => true) {
  return context
    .history()
    .expected.deliveryFailures(panel.range.fromMs, panel.range.toMs)
    .filter(({ reason }) => keep(reason))
    .map(({ target, reason, events }) => ({ key: `${target || noHost}: ${reason}`, value: events }))
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1))
    .slice(0, topN.failedDeliveries);
}

/** Equal values may come in either order; the values themselves must be in descending order. */
const byValueThenKey = (shown: { key: string; value: number | undefined }[]) =>
  [...shown].sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || (a.key < b.key ? -1 : 1));

export function describeDeliveries(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("Failed AP Deliveries on %s", (engine) => {
    const variant = (
      timeFrom: string,
      edit: (d: Parameters<Parameters<E2eContext["loadVariant"]>[1]>[0]) => void = () => {},
    ) =>
      context.loadVariant(engine, (dashboard) => {
        const [panel] = keepPanels(dashboard, failedDeliveriesTitle);
        if (panel) panel.timeFrom = timeFrom;
        edit(dashboard);
      });
    const check = (load: DashboardLoad, keep?: (reason: string) => boolean) => {
      const panel = panelTitled(load, failedDeliveriesTitle);
      const shown = bars(panel);
      expect(shown.map((s) => s.value)).toEqual([...shown.map((s) => s.value)].sort((a, b) => (b ?? 0) - (a ?? 0)));
      expect(byValueThenKey(shown)).toEqual(expectedBars(context, panel, keep));
    };

    // Over the 7 days every series was born inside the window (a), and all but the last were reset
    // by the restart and created again at their next failure (b); one has an empty host.
    it("counts every failure of series born and reset inside the window, largest first", () => {
      check(context.load(engine));
      expect(bars(panelTitled(context.load(engine), failedDeliveriesTitle)).map((b) => b.key)).toContain(
        `${noHost}: cause_unknown`,
      );
    });

    // 24 h ago most series already existed (c), and the restart 20 h ago reset them (b).
    it.each(["24h", "10h"])("counts exactly over %s, for series that existed before the window", async (window) => {
      check(await variant(window));
    });

    it("hides the dead-instance reasons when the toggle says so, and keeps 401s", async () => {
      const load = await variant("7d", (d) =>
        chooseVariable(d, deadReasonsToggle.name, deadReasonsToggle.hideDead.regex),
      );
      const dead = new Set<string>(deadInstanceReasons);
      check(load, (reason) => !dead.has(reason));
      expect(bars(panelTitled(load, failedDeliveriesTitle)).map((b) => b.key)).toContain("strict.example: http_401");
    });
  });
}
