// Restart marks: one per Akkoma restart (its counters start again from 0), at the restart, at any zoom.
import { variables } from "../../config";
import { restartAnnotationName } from "../../dashboards/annotations";
import type { EngineName } from "../../harness/engines";
import type { DashboardLoad } from "../../harness/evaluate";
import { type E2eContext, chooseVariable, keepPanels } from "./context";

function restartMarks(load: DashboardLoad) {
  const result = load.annotations.find((a) => a.name === restartAnnotationName);
  if (!result) throw new Error(`the dashboard ran no annotation named "${restartAnnotationName}"`);
  if (result.query.status !== "success") throw new Error(`the restart query was refused: ${result.query.error}`);
  return result;
}

export function describeRestarts(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("restart marks on %s", (engine) => {
    const instance = (which: 0 | 1) => {
      const found = context.history().instances[which];
      if (!found) throw new Error(`the synthetic history has no instance #${which + 1}`);
      return found;
    };
    // Only the annotation runs: no panels, the dashboard's range widened to `from`.
    const marksOver = async (from: string, which: 0 | 1) => {
      const load = await context.loadVariant(engine, (dashboard) => {
        keepPanels(dashboard);
        dashboard.time = { from, to: "now" };
        chooseVariable(dashboard, variables.instance, instance(which).instance);
      });
      return restartMarks(load);
    };
    /** One mark, at the first step at or after the restart (its first scrape), not a region. */
    const expectOneMarkAtRestart = (marks: ReturnType<typeof restartMarks>, which: 0 | 1) => {
      const restartMs = instance(which).outage.endMs;
      expect(marks.events).toHaveLength(1);
      const [mark] = marks.events;
      expect(mark?.title).toBe("Akkoma restarted");
      expect(mark?.tags).toEqual([instance(which).instance]);
      expect(mark?.timeEndMs).toBe(mark?.timeMs);
      const late = (mark?.timeMs ?? Number.NaN) - restartMs;
      expect({ late, withinOneStep: late >= 0 && late < marks.stepMs }).toEqual({ late, withinOneStep: true });
    };

    it("marks nothing in the first instance's last 3 hours, which had no restart", () => {
      expect(restartMarks(context.load(engine)).events).toEqual([]);
    });

    // 24 h: a step of 2 minutes; 7 days: of 10 minutes, and the history's first samples are no restart.
    it.each(["now-24h", "now-7d"])(
      "marks the first instance's restart after its 30-minute outage once (%s)",
      async (from) => {
        expectOneMarkAtRestart(await marksOver(from, 0), 0);
      },
    );

    it.each(["now-3h", "now-7d"])(
      "marks the second instance's restart after its 90-minute outage once (%s)",
      async (from) => {
        expectOneMarkAtRestart(await marksOver(from, 1), 1);
      },
    );
  });
}
