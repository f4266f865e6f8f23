// The catalogue is what `check`, `metrics` and the tests' selector reader know of Akkoma's series: every
// metric the module declares is in it without being listed by hand, and nothing a test declares joins it.
import * as declarations from "../../queries/catalogue";
import { type Metric, catalogue, exportedSeries, gauge } from "../../queries/catalogue";
import { knownSeries } from "../../harness/selectors";

const isMetric = (value: unknown): value is Metric =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Metric).name === "string" &&
  typeof (value as Metric).kind === "string" &&
  Array.isArray((value as Metric).labels);

describe("the catalogue", () => {
  it("holds every metric the module exports, each once, none missing", () => {
    const exported = Object.entries(declarations).filter(([, value]) => isMetric(value)) as [string, Metric][];
    expect(exported.length).toBeGreaterThan(10);
    const missing = exported.filter(([, metric]) => !catalogue.includes(metric)).map(([name]) => name);
    expect(missing).toEqual([]);
    expect(new Set(catalogue.map((metric) => metric.name)).size).toBe(catalogue.length);
  });

  it("is every declaration in the order written, the scraper's up first", () => {
    expect(catalogue[0]?.name).toBe("up");
    expect(catalogue.map((metric) => metric.name).slice(1, 3)).toEqual([
      "akkoma_ap_delivery_fail_final",
      "pleroma_local_users_total",
    ]);
  });

  it("is not joined by a metric declared after it (a test's own)", () => {
    const size = catalogue.length;
    const fixture = gauge("a_fixture_gauge", { help: "a test's own" });
    expect(catalogue.length).toBe(size);
    expect(catalogue).not.toContain(fixture);
    expect(Object.isFrozen(catalogue)).toBe(true);
  });

  it("gives the selector reader every series each metric exports", () => {
    expect([...knownSeries].sort()).toEqual(catalogue.flatMap(exportedSeries).sort());
  });
});
