// Every panel type of the table: a panel of each is built, checked against Grafana's published schemas,
// exported for the import screen, and read as Grafana displays it where the harness models the type.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { importFileText } from "../../build/outputs";
import { validateDashboard } from "../../build/validate";
import { akkomaDashboard } from "../../dashboards/akkoma";
import { panelsIn } from "../../dashboards/rows";
import { DashboardError } from "../../errors";
import type { PanelJson } from "../../harness/dashboard-json";
import {
  barChart,
  barGauge,
  gauge,
  heatmap,
  histogram,
  pieChart,
  stat,
  stateTimeline,
  table,
  text,
  timeseries,
} from "../../panels/common";
import { type DeclaredPanel, type PanelBuilder, panel, target } from "../../panels/panel";
import { type PanelTypeId, panelTypes } from "../../panels/types";
import { localPosts, localUsers } from "../../queries/catalogue";
import { currentValue } from "../../queries/promql";
import { displayWith } from "../support/display";

const users = () => [target(currentValue(localUsers), "Users")];

/** One panel of each type in the table, made the way a section makes its panels. */
const oneOfEach: Record<PanelTypeId, () => DeclaredPanel> = {
  timeseries: () => panel(timeseries("A time series", 8, 6), users()),
  gauge: () => panel(gauge("A gauge", 4, 6), users()),
  bargauge: () => panel(barGauge("A bar gauge", 8, 6), users()),
  stat: () => panel(stat("A stat", 4, 6), users()),
  "state-timeline": () => panel(stateTimeline("A state timeline", 8, 6), users()),
  piechart: () => panel(pieChart("A pie chart", 8, 6), [...users(), target(currentValue(localPosts), "Posts")]),
  table: () => panel(table("A table", 8, 6), users()),
  barchart: () => panel(barChart("A bar chart", 8, 6), users()),
  histogram: () => panel(histogram("A histogram", 8, 6), users()),
  heatmap: () => panel(heatmap("A heatmap", 8, 6), users()),
  text: () => panel(text("A note", 8, 3, "Users are **local** accounts."), []),
};

describe("the table of panel types", () => {
  let dashboard: Dashboard;
  let built: PanelJson[];
  let exported: { __requires: { type: string; id: string; name: string }[] };
  beforeAll(async () => {
    dashboard = akkomaDashboard([{ title: "Every type", panels: Object.values(oneOfEach).map((make) => make()) }]);
    built = panelsIn(JSON.parse(JSON.stringify(dashboard.panels)) as PanelJson[]);
    exported = JSON.parse(await importFileText(dashboard));
  });

  it("builds a dashboard with a panel of every type that Grafana's published schemas accept", () => {
    expect(built.map((p) => p.type).sort()).toEqual(Object.keys(panelTypes).sort());
    expect(validateDashboard(exported)).toEqual([]);
  });

  it("names every type's plugin for the import screen", () => {
    const plugins = exported.__requires.filter((r) => r.type === "panel").map((r) => [r.id, r.name]);
    expect(plugins).toEqual(
      Object.entries(panelTypes)
        .map(([id, type]) => [id, type.name])
        .sort(([a], [b]) => (a as string).localeCompare(b as string)),
    );
  });

  it("reads the queries of a type that shows one value per series once, at the end of the range", () => {
    const instant = built.filter((p) => p.targets?.length).map((p) => [p.type, p.targets?.[0]?.instant ?? false]);
    expect(instant).toEqual(
      built.filter((p) => p.targets?.length).map((p) => [p.type, panelTypes[p.type as PanelTypeId].instant]),
    );
    expect(Object.fromEntries(instant)).toMatchObject({ stat: true, gauge: true, timeseries: false });
  });

  it("shows what a person would see on every type the harness models", () => {
    const hour = [0, 1800_000, 3600_000];
    const modelled = built.filter((p) => panelTypes[p.type as PanelTypeId].display !== undefined);
    expect(modelled.map((p) => p.type).sort()).toEqual(
      ["barchart", "bargauge", "gauge", "piechart", "stat", "state-timeline", "table", "timeseries"].sort(),
    );
    for (const shown of modelled) {
      const display = displayWith(shown, [{ points: hour.map((t, i) => [t, 100 + i] as const) }]);
      const expected =
        panelTypes[shown.type as PanelTypeId].display === "every point" ? ["100", "101", "102"] : ["102"];
      expect([shown.type, display.values.map((v) => v.text)]).toEqual([shown.type, expected]);
    }
  });

  it("says which types show queries: only text does not, and a query given to it is refused", () => {
    const withoutQueries = Object.entries(panelTypes).filter(([, type]) => !type.queries);
    expect(withoutQueries.map(([id]) => id)).toEqual(["text"]);
    expect(() => panel(text("A note", 8, 3, "words"), users())).toThrow(
      new DashboardError('panel "A note"', "a text panel shows no queries", "declare it with none: panel(builder, [])"),
    );
  });

  it("refuses a panel of a type it does not hold, naming the panel and where types are added", () => {
    const candlestick = { build: () => ({ type: "candlestick", title: "Prices" }) } as unknown as PanelBuilder;
    let refused: unknown;
    try {
      panel(candlestick, users());
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DashboardError);
    expect(refused).toMatchObject({
      culprit: 'panel "Prices"',
      problem: expect.stringContaining('"candlestick"'),
      hint: expect.stringContaining("panels/types.ts"),
    });
  });
});
