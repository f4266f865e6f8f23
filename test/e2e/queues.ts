// Pending and Scheduled Jobs draw only the queues that held jobs somewhere in the shown range.
import type { EngineName } from "../../harness/engines";
import { type PanelResult, panelTitled, shownFrames } from "../../harness/evaluate";
import { alignToStep } from "../../harness/grafana";
import type { Expectations } from "../../harness/synthetic";
import { titles } from "../../panels/titles";
import { type E2eContext, keepPanels } from "./context";

export const queuePanels = [
  [titles.pendingJobs, "pendingJobs"],
  ["Scheduled Jobs", "scheduledJobs"],
] as const;
type QueueGauge = (typeof queuePanels)[number][1];

/** The queues a correct panel draws: those above 0 at one of the points it draws (its steps). */
export function queuesWithJobs(
  expected: Expectations,
  gauge: QueueGauge,
  panel: PanelResult,
  queues: readonly string[],
) {
  const stepMs = panel.time.intervalSeconds * 1000;
  const steps: number[] = [];
  for (let t = alignToStep(panel.range.fromMs, stepMs); t <= alignToStep(panel.range.toMs, stepMs); t += stepMs) {
    steps.push(t);
  }
  return queues.filter((queue) => steps.some((t) => (expected[gauge](queue, t) ?? 0) > 0)).sort();
}

const drawnQueues = (panel: PanelResult) =>
  shownFrames(panel)
    .map((frame) => frame.labels.queue_name as string)
    .sort();

export function describeQueues(engines: readonly EngineName[], context: E2eContext): void {
  describe.each(engines)("queue panels on %s", (engine) => {
    const expectedQueues = (panel: PanelResult, gauge: QueueGauge) =>
      queuesWithJobs(context.history().expected, gauge, panel, context.history().queues);

    // "mailer" held jobs only 36 to 38 hours ago; "activity_expiration" never has pending jobs, and
    // "remote_fetcher" never scheduled ones.
    it.each(queuePanels)("%s hides the queues empty throughout the 3 hours and draws the others", (title, gauge) => {
      const panel = panelTitled(context.load(engine), title);
      const drawn = drawnQueues(panel);
      expect(drawn).toEqual(expectedQueues(panel, gauge));
      expect(drawn).not.toContain("mailer");
      expect(drawn).not.toContain(gauge === "pendingJobs" ? "activity_expiration" : "remote_fetcher");
      expect(drawn.length).toBeGreaterThan(2);
    });

    it.each(queuePanels)("%s draws a queue again once the range reaches back to its jobs", async (title, gauge) => {
      const load = await context.loadVariant(engine, (dashboard) => {
        for (const panel of keepPanels(dashboard, title)) panel.timeFrom = "48h";
      });
      const panel = panelTitled(load, title);
      const drawn = drawnQueues(panel);
      expect(drawn).toEqual(expectedQueues(panel, gauge));
      expect(drawn).toContain("mailer");
      expect(drawn).not.toContain(gauge === "pendingJobs" ? "activity_expiration" : "remote_fetcher");
    });
  });
}
