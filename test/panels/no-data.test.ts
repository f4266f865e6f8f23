import type { Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { panelsIn } from "../../dashboards/rows";
import { timeseries } from "../../panels/common";
import { panel, target } from "../../panels/panel";
import { titles } from "../../panels/titles";
import { currentValue } from "../../queries/promql";
import { type Metric, deliveryFailures, jobExceptions, localUsers, pendingJobs } from "../../queries/catalogue";

const built = panelsIn(akkomaDashboard().panels as Panel[]);
const noValueOf = (title: string) => built.find((panel) => panel.title === title)?.fieldConfig?.defaults?.noValue;
const reading = (builder: ReturnType<typeof timeseries>, ...metrics: Metric<string, "gauge">[]) =>
  panel(
    builder,
    metrics.map((metric) => target(currentValue(metric), "")),
  ).builder.build().fieldConfig?.defaults?.noValue;
const noDataText = (...metrics: Metric<string, "gauge">[]) => reading(timeseries("Probe", 6, 6), ...metrics);

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
    expect(noDataText(pendingJobs, localUsers)).toBeUndefined();
    expect(noDataText(localUsers)).toBeUndefined();
    expect(noDataText(pendingJobs)).toMatch(/^Needs Akkoma/);
  });

  test("a panel's own noValue is kept", () => {
    expect(reading(timeseries("Probe", 6, 6).noValue("stated"), pendingJobs)).toBe("stated");
  });
});
