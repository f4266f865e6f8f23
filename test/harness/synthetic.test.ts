// The synthetic history gives every catalogue metric a series: those modelled by hand as they are, and
// a metric declared since (a new panel's) a plausible one from its examples, shaped by its kind.
import type * as Catalogue from "../../queries/catalogue";
import { type SyntheticHistory, generateHistory } from "../../harness/synthetic";

const actual = jest.requireActual<typeof Catalogue>("../../queries/catalogue");

/** One new metric of each kind, as a contributor would declare them in queries/catalogue.ts. */
const added = [
  actual.gauge("akkoma_new_open_reports", {
    labels: ["state"],
    help: "Reports waiting for a moderator",
    examples: [{ labels: { state: "open" }, floor: 5, noise: 2 }, { labels: { state: "escalated" } }],
  }),
  actual.gauge("akkoma_new_media_bytes", {
    unit: "bytes",
    help: "Media stored",
    examples: [{ labels: {}, floor: 1e9, perMinute: 1e5 }],
  }),
  actual.counter("akkoma_new_signups", {
    lazy: true,
    help: "Accounts registered",
    examples: [{ labels: {}, perMinute: 0.5, sinceHours: 2 }],
  }),
  actual.histogram("akkoma_new_upload_duration", {
    labels: ["kind"],
    unit: "seconds",
    buckets: [0.1, 0.5, 1, 5],
    help: "Uploads, with their duration",
    examples: [{ labels: { kind: "image" }, perMinute: 3, median: 0.4 }],
  }),
  actual.sumCountPair("akkoma_new_cache_size", { help: "Cache entries, summed over polls" }),
];

/** A history over the catalogue with the new metrics added, from a fresh module registry. */
function historyWithAdded(seed: number): SyntheticHistory {
  let history: SyntheticHistory | undefined;
  jest.isolateModules(() => {
    jest.doMock("../../queries/catalogue", () => ({ ...actual, catalogue: [...actual.catalogue, ...added] }));
    const synthetic = require("../../harness/synthetic") as typeof import("../../harness/synthetic");
    history = synthetic.generateHistory({
      seed,
      endMs: 1_700_000_000_000,
      hours: 6,
      outageStartsBeforeEndMs: 7_200_000,
      secondInstance: "b.test:443",
    });
  });
  return history as SyntheticHistory;
}

const newNames = new Set(added.flatMap(actual.exportedSeries));
const isNew = (name: string) => newNames.has(name);
const seriesOf = (history: SyntheticHistory, name: string, instance = history.instance) =>
  history.series.filter((s) => s.name === name && s.labels.instance === instance);
const finite = (values: Float64Array) => [...values].filter(Number.isFinite);

describe("the synthetic history", () => {
  const withAdded = historyWithAdded(4);
  const without = generateHistory({
    seed: 4,
    endMs: 1_700_000_000_000,
    hours: 6,
    outageStartsBeforeEndMs: 7_200_000,
    secondInstance: "b.test:443",
  });

  it("records what it modelled by hand as before, whatever metrics are added", () => {
    const kept = withAdded.series.filter((s) => !isNew(s.name));
    expect(kept).toEqual(without.series);
    expect(without.series.filter((s) => isNew(s.name))).toEqual([]);
  });

  it("gives every exported series of a new metric of every kind a series on each instance, its examples' labels", () => {
    for (const instance of [withAdded.instance, "b.test:443"]) {
      const names = new Set(withAdded.series.filter((s) => s.labels.instance === instance).map((s) => s.name));
      expect([...newNames].filter((name) => !names.has(name))).toEqual([]);
    }
    expect(seriesOf(withAdded, "akkoma_new_open_reports").map((s) => s.labels.state)).toEqual(["open", "escalated"]);
    expect(seriesOf(withAdded, "akkoma_new_upload_duration_count").map((s) => s.labels.kind)).toEqual(["image"]);
  });

  it("shapes each by its kind: gauges wander or count up, counters and histograms only grow until a restart", () => {
    const [open, escalated] = seriesOf(withAdded, "akkoma_new_open_reports").map((s) => finite(s.values));
    expect(new Set(open).size).toBeGreaterThan(1);
    expect(new Set(escalated).size).toBeGreaterThan(1); // no level, no noise: it still moves
    const media = finite((seriesOf(withAdded, "akkoma_new_media_bytes")[0] as { values: Float64Array }).values);
    expect(media[0]).toBeGreaterThanOrEqual(1e9);
    expect(media.every((v, i) => i === 0 || v >= (media[i - 1] as number))).toBe(true);
    const signups = (seriesOf(withAdded, "akkoma_new_signups")[0] as { values: Float64Array }).values;
    // a lazy counter appears with its first event, two hours in
    expect(signups.slice(0, 120).every(Number.isNaN)).toBe(true);
    expect(finite(signups).length).toBeGreaterThan(60);
    const count = (seriesOf(withAdded, "akkoma_new_upload_duration_count")[0] as { values: Float64Array }).values;
    const buckets = seriesOf(withAdded, "akkoma_new_upload_duration_bucket");
    expect(buckets.map((s) => s.labels.le)).toEqual(["0.1", "0.5", "1", "5", "+Inf"]);
    const last = count.length - 1;
    const atLast = buckets.map((s) => s.values[last] as number);
    expect(atLast.every((v, i) => i === 0 || v >= (atLast[i - 1] as number))).toBe(true);
    expect(atLast[atLast.length - 1]).toBe(count[last]);
    const sum = (seriesOf(withAdded, "akkoma_new_upload_duration_sum")[0] as { values: Float64Array }).values;
    expect((sum[last] as number) / (count[last] as number)).toBeGreaterThan(0.1);
    expect((sum[last] as number) / (count[last] as number)).toBeLessThan(2);
    const polls = (seriesOf(withAdded, "akkoma_new_cache_size_pcount")[0] as { values: Float64Array }).values;
    expect(finite(polls).length).toBeGreaterThan(0);
  });

  it("leaves every new series out while Akkoma is down, and shows other numbers for the other instance", () => {
    const { outage } = withAdded;
    const down = Math.floor((outage.startMs - withAdded.startMs) / 60_000);
    expect(down).toBeGreaterThan(0);
    for (const series of withAdded.series.filter((s) => isNew(s.name) && s.labels.instance === withAdded.instance))
      expect([series.name, series.values[down]]).toEqual([series.name, Number.NaN]);
    for (const name of newNames) {
      const [first] = seriesOf(withAdded, name);
      const [second] = seriesOf(withAdded, name, "b.test:443");
      expect([name, JSON.stringify([...(first?.values ?? [])])]).not.toEqual([
        name,
        JSON.stringify([...(second?.values ?? [])]),
      ]);
    }
  });

  it("is the same for the same seed, and another for another", () => {
    const again = historyWithAdded(4);
    const other = historyWithAdded(5);
    const of = (history: SyntheticHistory) => history.series.filter((s) => isNew(s.name));
    expect(of(again)).toEqual(of(withAdded));
    expect(of(other)).not.toEqual(of(withAdded));
  });
});
