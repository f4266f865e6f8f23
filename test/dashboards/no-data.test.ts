import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { explainNoData, noDataText } from "../../dashboards/no-data";
import { panelsOf } from "../../dashboards/reads";
import { prom, timeseries } from "../../panels/common";
import { titles } from "../../panels/titles";
import { currentValue } from "../../queries/promql";
import { deliveryFailures, jobExceptions, localUsers, pendingJobs } from "../../queries/catalogue";

const built = panelsOf(akkomaDashboard());
const noValueOf = (title: string) => built.find((panel) => panel.title === title)?.fieldConfig?.defaults.noValue;
const panelReading = (...metrics: (typeof pendingJobs | typeof localUsers)[]) =>
  timeseries("Probe", 6, 6)
    .withTarget(prom(currentValue(metrics[0] as typeof pendingJobs), ""))
    .withTarget(prom(currentValue((metrics[1] ?? metrics[0]) as typeof pendingJobs), ""))
    .build() as Panel;

describe("what a panel says instead of No data", () => {
  test("a series from a recent release names the release it needs", () => {
    expect(pendingJobs.since).toBeDefined();
    expect(noValueOf(titles.pendingJobs)).toBe(`Needs Akkoma ${pendingJobs.since?.replace(/\.0$/, "")} or newer`);
  });

  test("a lazy series says what its absence means, and a recent one which release it needs too", () => {
    expect(noValueOf(titles.jobExceptions)).toBe(jobExceptions.whenEmpty);
    expect(noValueOf(titles.failedDeliveries)).toContain(deliveryFailures.whenEmpty);
    expect(noValueOf(titles.failedDeliveries)).toContain(deliveryFailures.since?.replace(/\.0$/, ""));
  });

  test("a panel also reading a series that should always be there keeps Grafana's text", () => {
    expect(noDataText(panelReading(pendingJobs, localUsers))).toBeUndefined();
    expect(noDataText(panelReading(localUsers))).toBeUndefined();
    expect(noDataText(panelReading(pendingJobs))).toMatch(/^Needs Akkoma/);
  });

  test("a panel's own noValue is kept", () => {
    const panel = panelReading(pendingJobs);
    panel.fieldConfig = { defaults: { noValue: "stated" }, overrides: [] };
    expect(explainNoData(panel).fieldConfig?.defaults.noValue).toBe("stated");
  });
});
